/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the JIT tests share (test_jit.c, test_jit_alu.c): program building,
 * test helpers and their resolver, loading on either engine, running on both
 * with the same memory, the operand tables of the opcode matrices, and the
 * group set-ups that run every test again on constant-blinded images.
 */
#ifndef XDPDK_TESTS_JIT_TEST_H
#define XDPDK_TESTS_JIT_TEST_H

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <setjmp.h>
#include <cmocka.h>

#include <xdpdk/bpf.h>
#include <xdpdk/ctx.h>

#include "prog_internal.h"
#include "insn_macros.h"

/* Each test file uses a part of what follows. */
#define JT_UNUSED __attribute__((unused))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* insn_macros.h gives brace initializers; this makes one a value. */
#define INSN(...) ((struct bpf_insn)__VA_ARGS__)

/* A program under construction. */
struct pb {
	struct bpf_insn insn[512];
	uint32_t n;
};

static JT_UNUSED void
pb_addv(struct pb *p, const struct bpf_insn *insns, size_t n)
{
	assert_true(p->n + n <= ARRAY_SIZE(p->insn));
	memcpy(&p->insn[p->n], insns, n * sizeof(*insns));
	p->n += (uint32_t)n;
}

#define PB(p, ...) \
	pb_addv((p), (const struct bpf_insn[]){ __VA_ARGS__ }, \
		sizeof((const struct bpf_insn[]){ __VA_ARGS__ }) / sizeof(struct bpf_insn))

static JT_UNUSED struct bpf_insn
raw(uint8_t code, unsigned dst, unsigned src, int16_t off, int32_t imm)
{
	return INSN(BPF_RAW_INSN(code, (uint8_t)dst, (uint8_t)src, off, imm));
}

/* Helpers the test programs may call, by id. */
static JT_UNUSED int misaligned_calls;

static JT_UNUSED uint64_t
h_weighted_sum(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	/* A call from aligned code leaves rbp 16-byte aligned after push rbp. */
	if (((uintptr_t)__builtin_frame_address(0) & 15) != 0)
		misaligned_calls++;
	return a + 2 * b + 3 * c + 4 * d + 5 * e;
}

static JT_UNUSED uint64_t
h_clobber(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	(void)b, (void)c, (void)d, (void)e;
	return a ^ 0x5555;
}

#define H_SUM 1		/* ids are enum bpf_func_id values the resolver accepts */
#define H_CLOBBER 2
#define H_FAR 3

/*
 * A helper far from the image (which the JIT maps near our text), so that it
 * is called with movabs + call: "lea rax, [rdi + 1]; ret" in its own mapping.
 */
static JT_UNUSED xdpdk_helper_fn
far_helper(void)
{
	static const uint8_t code[] = { 0x48, 0x8d, 0x47, 0x01, 0xc3 };
	static xdpdk_helper_fn fn;
	void *p;

	if (fn != NULL)
		return fn;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	memcpy(p, code, sizeof(code));
	assert_int_equal(mprotect(p, 4096, PROT_READ | PROT_EXEC), 0);
	fn = (xdpdk_helper_fn)(uintptr_t)p;
	return fn;
}

static JT_UNUSED const struct xdpdk_helper_desc *
test_resolver(uint32_t id, enum xdpdk_prog_type type, void *arg)
{
	static const struct xdpdk_helper_desc sum = {
		.id = H_SUM, .name = "weighted_sum", .fn = h_weighted_sum,
	};
	static const struct xdpdk_helper_desc clobber = {
		.id = H_CLOBBER, .name = "clobber", .fn = h_clobber,
	};
	static struct xdpdk_helper_desc far = { .id = H_FAR, .name = "far" };

	(void)type, (void)arg;
	switch (id) {
	case H_SUM: return &sum;
	case H_CLOBBER: return &clobber;
	case H_FAR:
		far.fn = far_helper();
		return &far;
	default: return NULL;
	}
}

/* The second group runs every test again with constant blinding (see main). */
static JT_UNUSED int blind_all;

static JT_UNUSED struct xdpdk_prog *
load_opts(const struct bpf_insn *insns, uint32_t n, enum xdpdk_engine engine, int jit_blind)
{
	char log[1024] = "";
	struct xdpdk_prog_opts opts = {
		.name = "test", .type = XDPDK_PROG_TYPE_RAW, .engine = engine,
		.helpers = test_resolver, .log_buf = log, .log_size = sizeof(log),
		.no_verify = 1,	/* engine test: raw streams, the verifier has its own tests */
		.jit_blind = jit_blind,
	};
	struct xdpdk_prog *prog = xdpdk_prog_create(insns, n, &opts);

	if (prog == NULL)
		fail_msg("load failed (%s): %s", strerror(errno), log);
	if (engine == XDPDK_ENGINE_JIT) {
		assert_int_equal(xdpdk_prog_engine(prog), XDPDK_ENGINE_JIT);
		assert_int_equal(xdpdk_prog_jit_blinded(prog), jit_blind != 0);
	}
	return prog;
}

static JT_UNUSED struct xdpdk_prog *
load(const struct bpf_insn *insns, uint32_t n, enum xdpdk_engine engine)
{
	return load_opts(insns, n, engine, blind_all);
}

/*
 * Run on both engines, each on its own copy of @mem; r0 and the memory must
 * agree. Returns r0 and leaves the JIT's memory in @mem.
 */
static JT_UNUSED uint64_t
run_both(const struct bpf_insn *insns, uint32_t n, void *mem, size_t len)
{
	struct xdpdk_prog *jit = load(insns, n, XDPDK_ENGINE_JIT);
	struct xdpdk_prog *vm = load(insns, n, XDPDK_ENGINE_INTERP);
	uint8_t *copy = malloc(len + 1);
	uint64_t r_jit, r_vm;

	assert_non_null(copy);
	memcpy(copy, mem, len);
	r_jit = xdpdk_prog_run(jit, mem, len);
	r_vm = xdpdk_prog_run(vm, copy, len);
	if (r_jit != r_vm)
		fail_msg("jit r0 0x%" PRIx64 " != interpreter r0 0x%" PRIx64, r_jit, r_vm);
	if (memcmp(mem, copy, len) != 0) {
		for (size_t k = 0; k < len; k++)
			if (((uint8_t *)mem)[k] != copy[k])
				fprintf(stderr, "byte %zu: jit 0x%02x interp 0x%02x\n", k,
					((uint8_t *)mem)[k], copy[k]);
		fail_msg("jit and interpreter left different memory");
	}
	free(copy);
	xdpdk_prog_free(jit);
	xdpdk_prog_free(vm);
	return r_jit;
}

static JT_UNUSED void
expect_r0(const struct bpf_insn *insns, uint32_t n, uint64_t want)
{
	uint64_t mem[4] = { 0 };
	uint64_t got = run_both(insns, n, mem, sizeof(mem));

	if (got != want)
		fail_msg("r0 0x%" PRIx64 ", want 0x%" PRIx64, got, want);
}

#define LOAD(engine, ...) \
	load((const struct bpf_insn[]){ __VA_ARGS__ }, \
	     sizeof((const struct bpf_insn[]){ __VA_ARGS__ }) / sizeof(struct bpf_insn), engine)

#define EXPECT_R0(want, ...) \
	expect_r0((const struct bpf_insn[]){ __VA_ARGS__ }, \
		  sizeof((const struct bpf_insn[]){ __VA_ARGS__ }) / sizeof(struct bpf_insn), want)

/* Operands the matrices (ALU, jumps) run over. */
static JT_UNUSED const uint64_t values[] = {
	0, 1, 2, 7, 31, 32, 63, 64, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
	0xffffffff80000000, INT64_MAX, (uint64_t)INT64_MIN, UINT64_MAX, UINT64_MAX - 1,
	0x8000000000000001, 0x123456789abcdef0, 0xfedcba98f6543281,
};

static JT_UNUSED const int32_t imms[] = {
	0, 1, -1, 2, 3, 7, 8, 31, 32, 63, 64, 127, 128, -128, 0x10000, 0x40000000,
	INT32_MAX, INT32_MIN, -7,
};

/* One row per opcode of opcodes.def: the matrix covers the list, not a copy of it. */
struct op_row {
	uint8_t code;
	const char *kind;
};

static JT_UNUSED const struct op_row all_ops[] = {
#define XDPDK_OP(c, m, k, o) { (c), #k },
#include "opcodes.def"
#undef XDPDK_OP
};

/* Group set-ups: every test again on blinded images. */
static JT_UNUSED int
blind_on(void **state)
{
	(void)state;
	blind_all = 1;
	return 0;
}

static JT_UNUSED int
blind_off(void **state)
{
	(void)state;
	blind_all = 0;
	return 0;
}

#endif /* XDPDK_TESTS_JIT_TEST_H */
