/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JIT tests: every opcode group with its edge cases, each program run on the
 * JIT and on the interpreter with the same memory, and checked against values
 * computed here (from isa.h's semantics, or written out by hand). Then calls,
 * tail calls, LD_ABS/IND, the burst entry, and the image's mapping.
 */
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

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* insn_macros.h gives brace initializers; this makes one a value. */
#define INSN(...) ((struct bpf_insn)__VA_ARGS__)

/* A program under construction. */
struct pb {
	struct bpf_insn insn[512];
	uint32_t n;
};

static void
pb_addv(struct pb *p, const struct bpf_insn *insns, size_t n)
{
	assert_true(p->n + n <= ARRAY_SIZE(p->insn));
	memcpy(&p->insn[p->n], insns, n * sizeof(*insns));
	p->n += (uint32_t)n;
}

#define PB(p, ...) \
	pb_addv((p), (const struct bpf_insn[]){ __VA_ARGS__ }, \
		sizeof((const struct bpf_insn[]){ __VA_ARGS__ }) / sizeof(struct bpf_insn))

static struct bpf_insn
raw(uint8_t code, unsigned dst, unsigned src, int16_t off, int32_t imm)
{
	return INSN(BPF_RAW_INSN(code, (uint8_t)dst, (uint8_t)src, off, imm));
}

/* Helpers the test programs may call, by id. */
static int misaligned_calls;

static uint64_t
h_weighted_sum(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	/* A call from aligned code leaves rbp 16-byte aligned after push rbp. */
	if (((uintptr_t)__builtin_frame_address(0) & 15) != 0)
		misaligned_calls++;
	return a + 2 * b + 3 * c + 4 * d + 5 * e;
}

static uint64_t
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
static xdpdk_helper_fn
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

static const struct xdpdk_helper_desc *
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
static int blind_all;

static struct xdpdk_prog *
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

static struct xdpdk_prog *
load(const struct bpf_insn *insns, uint32_t n, enum xdpdk_engine engine)
{
	return load_opts(insns, n, engine, blind_all);
}

/*
 * Run on both engines, each on its own copy of @mem; r0 and the memory must
 * agree. Returns r0 and leaves the JIT's memory in @mem.
 */
static uint64_t
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

static void
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

/* ---- ALU matrix: every ALU opcode of opcodes.def, every register pair ---- */

/* The reference: isa.h's semantics, applied the way the ISA document says. */
static uint64_t
ref_alu(const struct bpf_insn *insn, uint64_t a, uint64_t b)
{
	bool w = BPF_CLASS(insn->code) == BPF_ALU64;
	bool sgn = insn->off == 1;
	uint64_t r;

	if (BPF_OP(insn->code) == BPF_END)
		return xdpdk_isa_end(a, insn->imm, w || BPF_SRC(insn->code) == BPF_TO_BE);
	if (BPF_SRC(insn->code) == BPF_K)
		b = w ? (uint64_t)(int64_t)insn->imm : (uint32_t)insn->imm;
	if (!w) {
		a = (uint32_t)a;
		b = (uint32_t)b;
	}
	switch (BPF_OP(insn->code)) {
	case BPF_ADD: r = a + b; break;
	case BPF_SUB: r = a - b; break;
	case BPF_MUL: r = a * b; break;
	case BPF_OR: r = a | b; break;
	case BPF_AND: r = a & b; break;
	case BPF_XOR: r = a ^ b; break;
	case BPF_NEG: r = 0 - a; break;
	case BPF_MOV: r = insn->off ? xdpdk_isa_sext(b, insn->off) : b; break;
	case BPF_DIV:
		r = w ? xdpdk_isa_div64(a, b, sgn) : xdpdk_isa_div32((uint32_t)a, (uint32_t)b, sgn);
		break;
	case BPF_MOD:
		r = w ? xdpdk_isa_mod64(a, b, sgn) : xdpdk_isa_mod32((uint32_t)a, (uint32_t)b, sgn);
		break;
	case BPF_LSH: r = w ? xdpdk_isa_lsh64(a, b) : xdpdk_isa_lsh32((uint32_t)a, b); break;
	case BPF_RSH: r = w ? xdpdk_isa_rsh64(a, b) : xdpdk_isa_rsh32((uint32_t)a, b); break;
	default: r = w ? xdpdk_isa_arsh64(a, b) : xdpdk_isa_arsh32((uint32_t)a, b); break;
	}
	return w ? r : (uint32_t)r;
}

static const uint64_t values[] = {
	0, 1, 2, 7, 31, 32, 63, 64, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
	0xffffffff80000000, INT64_MAX, (uint64_t)INT64_MIN, UINT64_MAX, UINT64_MAX - 1,
	0x8000000000000001, 0x123456789abcdef0, 0xfedcba98f6543281,
};

static const int32_t imms[] = {
	0, 1, -1, 2, 3, 7, 8, 31, 32, 63, 64, 127, 128, -128, 0x10000, 0x40000000,
	INT32_MAX, INT32_MIN, -7,
};

/* Distinct values for every register, so a clobbered one shows. */
static uint64_t
pattern(unsigned r)
{
	return 0xa5a5a5a500000000ull + 0x1111111111111111ull * r + r;
}

/*
 * The program: r0-r9 = pattern, then rs = b, rd = a (both from memory via
 * the stack, so r1 can be either), then the operation, then every register
 * to mem[2..11]. Memory: a, b, ten results.
 */
static uint32_t
build_alu_prog(struct pb *p, struct bpf_insn op, bool reads_src)
{
	p->n = 0;
	PB(p, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
	   BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 0),
	   BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -16),
	   BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 8),
	   BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -24));
	for (unsigned r = 0; r < 10; r++)
		PB(p, BPF_LD_IMM64(r, pattern(r)));
	if (reads_src && op.src_reg != op.dst_reg)
		PB(p, BPF_LDX_MEM(BPF_DW, op.src_reg, BPF_REG_10, -24));
	PB(p, BPF_LDX_MEM(BPF_DW, op.dst_reg, BPF_REG_10, -16), op);
	for (unsigned r = 0; r < 10; r++)
		PB(p, BPF_STX_MEM(BPF_DW, BPF_REG_10, r, -32 - 8 * (int)r));
	PB(p, BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -8));
	for (unsigned r = 0; r < 10; r++)
		PB(p, BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -32 - 8 * (int)r),
		   BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_2, 16 + 8 * (int)r));
	PB(p, BPF_MOV64_IMM(BPF_REG_0, 0), BPF_EXIT_INSN());
	return p->n;
}

/* Run @op over value pairs on both engines and against ref_alu. */
static void
check_alu_op(struct bpf_insn op, bool reads_src, const uint64_t *as, size_t n_a,
	     const uint64_t *bs, size_t n_b)
{
	struct pb p;
	struct xdpdk_prog *jit, *vm;

	build_alu_prog(&p, op, reads_src);
	jit = load(p.insn, p.n, XDPDK_ENGINE_JIT);
	vm = load(p.insn, p.n, XDPDK_ENGINE_INTERP);
	for (size_t ia = 0; ia < n_a; ia++) {
		for (size_t ib = 0; ib < n_b; ib++) {
			uint64_t m[12] = { as[ia], bs[ib] }, mv[12] = { as[ia], bs[ib] };
			uint64_t a = as[ia], b = op.src_reg == op.dst_reg ? a : bs[ib];

			xdpdk_prog_run(jit, m, sizeof(m));
			xdpdk_prog_run(vm, mv, sizeof(mv));
			for (unsigned r = 0; r < 10; r++) {
				uint64_t want = pattern(r);

				if (reads_src && r == op.src_reg)
					want = b;
				if (r == op.dst_reg)
					want = ref_alu(&op, a, b);
				if (m[2 + r] != want || mv[2 + r] != want)
					fail_msg("code 0x%02x off %d imm %d r%u, r%u: a=0x%" PRIx64
						 " b=0x%" PRIx64 ": r%u jit 0x%" PRIx64
						 " interp 0x%" PRIx64 " want 0x%" PRIx64,
						 op.code, op.off, op.imm, op.dst_reg, op.src_reg,
						 a, b, r, m[2 + r], mv[2 + r], want);
			}
		}
	}
	xdpdk_prog_free(jit);
	xdpdk_prog_free(vm);
}

/* One row per opcode of opcodes.def: the matrix covers the list, not a copy of it. */
struct op_row {
	uint8_t code;
	const char *kind;
};

static const struct op_row all_ops[] = {
#define XDPDK_OP(c, m, k, o) { (c), #k },
#include "opcodes.def"
#undef XDPDK_OP
};

/* Extra off values an ALU opcode takes (sdiv/smod, movsx). */
static size_t
alu_offs(uint8_t code, int16_t offs[4])
{
	bool w = BPF_CLASS(code) == BPF_ALU64;
	size_t n = 0;

	offs[n++] = 0;
	if (BPF_OP(code) == BPF_DIV || BPF_OP(code) == BPF_MOD)
		offs[n++] = 1;
	if (BPF_OP(code) == BPF_MOV && BPF_SRC(code) == BPF_X) {
		offs[n++] = 8;
		offs[n++] = 16;
		if (w)
			offs[n++] = 32;
	}
	return n;
}

static bool
is_alu_kind(const char *kind)
{
	return strncmp(kind, "ALU", 3) == 0 || strcmp(kind, "END") == 0;
}

static bool
is_shift(uint8_t code)
{
	return BPF_OP(code) == BPF_LSH || BPF_OP(code) == BPF_RSH || BPF_OP(code) == BPF_ARSH;
}

static void
alu_matrix(bool shifts_only)
{
	for (size_t k = 0; k < ARRAY_SIZE(all_ops); k++) {
		const struct op_row *row = &all_ops[k];
		int16_t offs[4];
		size_t n_off;

		if (!is_alu_kind(row->kind) || (shifts_only && !is_shift(row->code)))
			continue;
		if (strcmp(row->kind, "END") == 0) {
			static const int32_t widths[] = { 16, 32, 64 };

			for (unsigned d = 0; d < 10; d++)
				for (size_t w = 0; w < 3; w++)
					check_alu_op(raw(row->code, d, 0, 0, widths[w]),
						     false, values, ARRAY_SIZE(values), values, 1);
			continue;
		}
		n_off = alu_offs(row->code, offs);
		for (size_t o = 0; o < n_off; o++) {
			for (unsigned d = 0; d < 10; d++) {
				if (strstr(row->kind, "_UN") != NULL) {
					check_alu_op(raw(row->code, d, 0, 0, 0), false,
						     values, ARRAY_SIZE(values), values, 1);
				} else if (strstr(row->kind, "_IMM") != NULL) {
					for (size_t i = 0; i < ARRAY_SIZE(imms); i++)
						check_alu_op(raw(row->code, d, 0, offs[o],
									  imms[i]),
							     false, values, ARRAY_SIZE(values),
							     values, 1);
				} else {
					for (unsigned s = 0; s < 10; s++)
						check_alu_op(raw(row->code, d, s, offs[o], 0),
							     true, values, ARRAY_SIZE(values),
							     values, ARRAY_SIZE(values));
				}
			}
		}
	}
}

static void
test_jit_alu_matrix(void **state)
{
	(void)state;
	alu_matrix(false);
}

/* The shift-by-register fallback for CPUs without BMI2 (rcx juggling). */
static void
test_jit_alu_shifts_without_bmi2(void **state)
{
	(void)state;
	setenv("XDPDK_JIT_NO_BMI2", "1", 1);
	alu_matrix(true);
	unsetenv("XDPDK_JIT_NO_BMI2");
}

/* ---- hand-computed edge cases ---- */

static void
test_jit_sdiv_smod_int_min(void **state)
{
	(void)state;
	/* INT64_MIN / -1 = INT64_MIN, % -1 = 0 (x86 idiv would trap) */
	EXPECT_R0((uint64_t)INT64_MIN, BPF_LD_IMM64(BPF_REG_0, INT64_MIN),
		  BPF_MOV64_IMM(BPF_REG_1, -1), BPF_ALU64_REG_OFF(BPF_DIV, BPF_REG_0, BPF_REG_1, 1),
		  BPF_EXIT_INSN());
	EXPECT_R0(0, BPF_LD_IMM64(BPF_REG_0, INT64_MIN), BPF_MOV64_IMM(BPF_REG_1, -1),
		  BPF_ALU64_REG_OFF(BPF_MOD, BPF_REG_0, BPF_REG_1, 1), BPF_EXIT_INSN());
	EXPECT_R0((uint64_t)INT64_MIN, BPF_LD_IMM64(BPF_REG_0, INT64_MIN),
		  BPF_ALU64_IMM_OFF(BPF_DIV, BPF_REG_0, -1, 1), BPF_EXIT_INSN());
	/* INT32_MIN / -1 = INT32_MIN zero-extended; % -1 = 0 */
	EXPECT_R0(0x80000000u, BPF_LD_IMM64(BPF_REG_3, 0xffffffff80000000ull),
		  BPF_MOV64_IMM(BPF_REG_0, -1), BPF_ALU32_REG_OFF(BPF_DIV, BPF_REG_3, BPF_REG_0, 1),
		  BPF_MOV64_REG(BPF_REG_0, BPF_REG_3), BPF_EXIT_INSN());
	EXPECT_R0(0, BPF_MOV32_IMM(BPF_REG_0, INT32_MIN),
		  BPF_ALU32_IMM_OFF(BPF_MOD, BPF_REG_0, -1, 1), BPF_EXIT_INSN());
	/* -7 / 2 = -3 and -7 % 2 = -1 (truncation), 32-bit zero-extended */
	EXPECT_R0((uint64_t)-3, BPF_MOV64_IMM(BPF_REG_0, -7),
		  BPF_ALU64_IMM_OFF(BPF_DIV, BPF_REG_0, 2, 1), BPF_EXIT_INSN());
	EXPECT_R0(0xffffffffu, BPF_MOV64_IMM(BPF_REG_0, -7),
		  BPF_ALU32_IMM_OFF(BPF_MOD, BPF_REG_0, 2, 1), BPF_EXIT_INSN());
}

/*
 * 32-bit unsigned div/mod by a constant goes through a multiply (no div):
 * divisors from 3 to UINT32_MAX, odd and even, near powers of two, against
 * the reference on dividends around multiples of the divisor and at the ends.
 */
static void
test_jit_div_mod_const32(void **state)
{
	uint32_t ds[160];
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	size_t n = 0;

	(void)state;
	for (uint32_t sh = 2; sh < 32; sh++) {
		ds[n++] = (1u << sh) - 1;
		ds[n++] = (1u << sh) + 1;
		ds[n++] = (1u << sh) * 3u >> 1;
	}
	ds[n++] = 1021;
	ds[n++] = 65537;
	ds[n++] = UINT32_MAX;
	ds[n++] = UINT32_MAX - 1;
	while (n < ARRAY_SIZE(ds)) {
		seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
		ds[n] = (uint32_t)(seed >> (seed & 31));
		if (ds[n] > 2 && (ds[n] & (ds[n] - 1)) != 0)
			n++;
	}
	for (size_t k = 0; k < n; k++) {
		const uint32_t d = ds[k];
		const uint64_t q = UINT32_MAX / d;
		const uint64_t xs[] = {
			0, 1, d - 1, d, (uint64_t)d + 1, 2ull * d - 1, 2ull * d, q * d - 1, q * d,
			q * d + d - 1, UINT32_MAX, UINT32_MAX - 1, 0xdeadbeef,
			0xffffffff00000000ull | (d - 1),	/* high bits ignored */
		};

		for (unsigned r = 0; r < 10; r += 3) {
			check_alu_op(raw(BPF_ALU | BPF_DIV | BPF_K, r, 0, 0, (int32_t)d), false, xs,
				     ARRAY_SIZE(xs), xs, 1);
			check_alu_op(raw(BPF_ALU | BPF_MOD | BPF_K, r, 0, 0, (int32_t)d), false, xs,
				     ARRAY_SIZE(xs), xs, 1);
		}
	}
}

/*
 * The rotate idiom clang emits for rol32 (mov, shift, shift, or), which the
 * JIT turns into a rol: every count, both shift orders, several register
 * pairs, and the temporary's value kept; with a jump into the middle the
 * instructions are compiled one by one (and the image is larger).
 */
static size_t
rotate_prog(struct bpf_insn *p, unsigned x, unsigned t, int k, bool rsh_first, bool jump_in)
{
	size_t n = 0;

	p[n++] = raw(BPF_LD | BPF_DW | BPF_IMM, x, 0, 0, 0x12345678);
	p[n++] = raw(0, 0, 0, 0, (int32_t)0xdeadbeef);
	p[n++] = raw(BPF_LD | BPF_DW | BPF_IMM, t, 0, 0, 0x22222222);
	p[n++] = raw(0, 0, 0, 0, 0x11111111);
	if (jump_in)	/* never taken, but a jump lands on the third */
		p[n++] = raw(BPF_JMP | BPF_JEQ | BPF_K, x, 0, 2, 0);
	p[n++] = raw(BPF_ALU | BPF_MOV | BPF_X, t, x, 0, 0);
	p[n++] = raw(BPF_ALU | (rsh_first ? BPF_RSH : BPF_LSH) | BPF_K, t, 0, 0,
		     rsh_first ? 32 - k : k);
	p[n++] = raw(BPF_ALU | (rsh_first ? BPF_LSH : BPF_RSH) | BPF_K, x, 0, 0,
		     rsh_first ? k : 32 - k);
	p[n++] = raw(BPF_ALU | BPF_OR | BPF_X, x, t, 0, 0);
	p[n++] = raw(BPF_ALU64 | BPF_MOV | BPF_X, 0, t, 0, 0);
	p[n++] = raw(BPF_ALU64 | BPF_LSH | BPF_K, 0, 0, 0, 32);
	p[n++] = raw(BPF_ALU64 | BPF_OR | BPF_X, 0, x, 0, 0);
	p[n++] = raw(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return n;
}

static void
test_jit_rotate_idiom(void **state)
{
	static const unsigned pairs[][2] = { { 1, 2 }, { 3, 5 }, { 6, 9 }, { 9, 1 }, { 4, 3 } };
	const uint32_t x0 = 0x12345678;
	struct bpf_insn p[16];

	(void)state;
	for (int k = 1; k < 32; k++) {
		for (size_t r = 0; r < ARRAY_SIZE(pairs); r++) {
			for (int form = 0; form < 2; form++) {
				const unsigned x = pairs[r][0], t = pairs[r][1];
				const uint32_t rot = x0 << k | x0 >> (32 - k);
				const uint32_t tv = form ? x0 >> (32 - k) : x0 << k;
				size_t n = rotate_prog(p, x, t, k, form, false);
				uint64_t mem[4] = { 0 };
				struct xdpdk_prog *a, *b;
				size_t sa, sb;

				assert_true(run_both(p, (uint32_t)n, mem, sizeof(mem)) ==
					    ((uint64_t)tv << 32 | rot));
				a = load(p, (uint32_t)n, XDPDK_ENGINE_JIT);
				n = rotate_prog(p, x, t, k, form, true);
				assert_true(run_both(p, (uint32_t)n, mem, sizeof(mem)) ==
					    ((uint64_t)tv << 32 | rot));
				b = load(p, (uint32_t)n, XDPDK_ENGINE_JIT);
				xdpdk_prog_jit_image(a, &sa, NULL);
				xdpdk_prog_jit_image(b, &sb, NULL);
				/* the jump costs some bytes; the unfused shift pair more */
				assert_true(sa < sb);
				xdpdk_prog_free(a);
				xdpdk_prog_free(b);
			}
		}
	}
}

static void
test_jit_div_mod_by_zero(void **state)
{
	(void)state;
	/* div by 0 = 0; mod by 0 leaves dst; 32-bit mod by 0 zero-extends dst */
	EXPECT_R0(0, BPF_MOV64_IMM(BPF_REG_0, 77), BPF_MOV64_IMM(BPF_REG_3, 0),
		  BPF_ALU64_REG(BPF_DIV, BPF_REG_0, BPF_REG_3), BPF_EXIT_INSN());
	EXPECT_R0((uint64_t)-77, BPF_MOV64_IMM(BPF_REG_0, -77), BPF_MOV64_IMM(BPF_REG_3, 0),
		  BPF_ALU64_REG(BPF_MOD, BPF_REG_0, BPF_REG_3), BPF_EXIT_INSN());
	EXPECT_R0(0xffffffb3u, BPF_MOV64_IMM(BPF_REG_0, -77), BPF_MOV64_IMM(BPF_REG_3, 0),
		  BPF_ALU32_REG(BPF_MOD, BPF_REG_0, BPF_REG_3), BPF_EXIT_INSN());
	/* r4 set: the JIT's r4 (rcx) holds whatever the caller left there */
	EXPECT_R0(0xffffffb3u, BPF_MOV64_IMM(BPF_REG_0, -77), BPF_MOV64_IMM(BPF_REG_4, 0),
		  BPF_ALU32_REG_OFF(BPF_MOD, BPF_REG_0, BPF_REG_4, 1), BPF_EXIT_INSN());
	/* only the low 32 bits of the divisor count in 32-bit div */
	EXPECT_R0(0, BPF_MOV64_IMM(BPF_REG_0, 5), BPF_LD_IMM64(BPF_REG_2, 0x100000000ull),
		  BPF_ALU32_REG(BPF_DIV, BPF_REG_0, BPF_REG_2), BPF_EXIT_INSN());
	/* r0 and r3 survive a division that needs rax:rdx */
	EXPECT_R0(100 + 9 + 3, BPF_MOV64_IMM(BPF_REG_0, 100), BPF_MOV64_IMM(BPF_REG_3, 3),
		  BPF_MOV64_IMM(BPF_REG_5, 27), BPF_ALU64_REG(BPF_DIV, BPF_REG_5, BPF_REG_3),
		  BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_5),
		  BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_3), BPF_EXIT_INSN());
}

static void
test_jit_shift_edges(void **state)
{
	(void)state;
	EXPECT_R0(0x8000000000000000ull, BPF_MOV64_IMM(BPF_REG_0, 1),
		  BPF_ALU64_IMM(BPF_LSH, BPF_REG_0, 63), BPF_EXIT_INSN());
	EXPECT_R0(0x80000000u, BPF_MOV64_IMM(BPF_REG_0, 1), BPF_ALU32_IMM(BPF_LSH, BPF_REG_0, 31),
		  BPF_EXIT_INSN());
	/* counts are masked: 32 on ALU32 and 64 on ALU64 shift by 0 */
	EXPECT_R0(5, BPF_LD_IMM64(BPF_REG_0, 0xffffffff00000005ull), BPF_MOV64_IMM(BPF_REG_4, 32),
		  BPF_ALU32_REG(BPF_LSH, BPF_REG_0, BPF_REG_4), BPF_EXIT_INSN());
	EXPECT_R0(0xffffffff00000005ull, BPF_LD_IMM64(BPF_REG_0, 0xffffffff00000005ull),
		  BPF_MOV64_IMM(BPF_REG_2, 64), BPF_ALU64_REG(BPF_RSH, BPF_REG_0, BPF_REG_2),
		  BPF_EXIT_INSN());
	/* arsh keeps the sign; 32-bit arsh zero-extends its result */
	EXPECT_R0(UINT64_MAX, BPF_LD_IMM64(BPF_REG_0, INT64_MIN),
		  BPF_ALU64_IMM(BPF_ARSH, BPF_REG_0, 63), BPF_EXIT_INSN());
	EXPECT_R0(0xffffffffu, BPF_MOV32_IMM(BPF_REG_0, INT32_MIN),
		  BPF_ALU32_IMM(BPF_ARSH, BPF_REG_0, 31), BPF_EXIT_INSN());
}

/* A 32-bit shift by a register holding 0 must still clear the upper half. */
static void
test_jit_shift32_by_zero_zero_extends(void **state)
{
	static const char *const modes[] = { "0", "1" };

	(void)state;
	for (size_t m = 0; m < 2; m++) {
		setenv("XDPDK_JIT_NO_BMI2", modes[m], 1);
		EXPECT_R0(5, BPF_LD_IMM64(BPF_REG_0, 0xffffffff00000005ull),
			  BPF_MOV64_IMM(BPF_REG_2, 0), BPF_ALU32_REG(BPF_RSH, BPF_REG_0, BPF_REG_2),
			  BPF_EXIT_INSN());
		EXPECT_R0(5, BPF_LD_IMM64(BPF_REG_4, 0xffffffff00000005ull),
			  BPF_MOV64_IMM(BPF_REG_2, 0),
			  BPF_ALU32_REG(BPF_ARSH, BPF_REG_4, BPF_REG_2),
			  BPF_MOV64_REG(BPF_REG_0, BPF_REG_4), BPF_EXIT_INSN());
	}
	unsetenv("XDPDK_JIT_NO_BMI2");
}

static void
test_jit_alu32_zero_extends(void **state)
{
	(void)state;
	/* mov32 of a register to itself, add32 0, neg32, and32 with -1 */
	EXPECT_R0(0x89abcdefu, BPF_LD_IMM64(BPF_REG_0, 0x0123456789abcdefull),
		  BPF_MOV32_REG(BPF_REG_0, BPF_REG_0), BPF_EXIT_INSN());
	EXPECT_R0(0x89abcdefu, BPF_LD_IMM64(BPF_REG_0, 0x0123456789abcdefull),
		  BPF_ALU32_IMM(BPF_ADD, BPF_REG_0, 0), BPF_EXIT_INSN());
	EXPECT_R0(0x76543211u, BPF_LD_IMM64(BPF_REG_0, 0x0123456789abcdefull),
		  BPF_NEG32(BPF_REG_0), BPF_EXIT_INSN());
	EXPECT_R0(0x89abcdefu, BPF_LD_IMM64(BPF_REG_0, 0x0123456789abcdefull),
		  BPF_ALU32_IMM(BPF_AND, BPF_REG_0, -1), BPF_EXIT_INSN());
	EXPECT_R0(0x89abcdefu, BPF_LD_IMM64(BPF_REG_0, 0x0123456789abcdefull),
		  BPF_ALU32_IMM(BPF_LSH, BPF_REG_0, 0), BPF_EXIT_INSN());
	EXPECT_R0(0x89abcdefu, BPF_LD_IMM64(BPF_REG_0, 0x0123456789abcdefull),
		  BPF_ALU32_IMM(BPF_DIV, BPF_REG_0, 1), BPF_EXIT_INSN());
	EXPECT_R0(0x89abcdefu, BPF_LD_IMM64(BPF_REG_0, 0x0123456789abcdefull),
		  BPF_ENDIAN(BPF_TO_LE, BPF_REG_0, 32), BPF_EXIT_INSN());
}

static void
test_jit_movsx_negative(void **state)
{
	(void)state;
	EXPECT_R0((uint64_t)-128, BPF_MOV64_IMM(BPF_REG_1, 0x180),
		  BPF_MOVSX64_REG(BPF_REG_0, BPF_REG_1, 8), BPF_EXIT_INSN());
	EXPECT_R0((uint64_t)-32768, BPF_MOV64_IMM(BPF_REG_1, 0x18000),
		  BPF_MOVSX64_REG(BPF_REG_0, BPF_REG_1, 16), BPF_EXIT_INSN());
	EXPECT_R0((uint64_t)INT32_MIN, BPF_LD_IMM64(BPF_REG_1, 0x180000000ull),
		  BPF_MOVSX64_REG(BPF_REG_0, BPF_REG_1, 32), BPF_EXIT_INSN());
	/* ALU32 movsx: sign-extend into 32 bits, then zero the upper half */
	EXPECT_R0(0xffffff80u, BPF_MOV64_IMM(BPF_REG_2, 0x80),
		  BPF_MOVSX32_REG(BPF_REG_0, BPF_REG_2, 8), BPF_EXIT_INSN());
	EXPECT_R0(0xffff8000u, BPF_MOV64_IMM(BPF_REG_2, 0x8000),
		  BPF_MOVSX32_REG(BPF_REG_0, BPF_REG_2, 16), BPF_EXIT_INSN());
	/* byte of rsi/rdi (r2/r1) needs REX to mean sil/dil, not dh/bh */
	EXPECT_R0((uint64_t)-2, BPF_MOV64_IMM(BPF_REG_1, 0x7ffe),
		  BPF_MOVSX64_REG(BPF_REG_0, BPF_REG_1, 8), BPF_EXIT_INSN());
}

static void
test_jit_end(void **state)
{
	(void)state;
	EXPECT_R0(0x3412, BPF_LD_IMM64(BPF_REG_0, 0x1122334455661234ull),
		  BPF_ENDIAN(BPF_TO_BE, BPF_REG_0, 16), BPF_EXIT_INSN());
	EXPECT_R0(0x78563412, BPF_LD_IMM64(BPF_REG_0, 0x1122334412345678ull),
		  BPF_ENDIAN(BPF_TO_BE, BPF_REG_0, 32), BPF_EXIT_INSN());
	EXPECT_R0(0x0807060504030201ull, BPF_LD_IMM64(BPF_REG_0, 0x0102030405060708ull),
		  BPF_ENDIAN(BPF_TO_BE, BPF_REG_0, 64), BPF_EXIT_INSN());
	EXPECT_R0(0x1234, BPF_LD_IMM64(BPF_REG_0, 0x1122334455661234ull),
		  BPF_ENDIAN(BPF_TO_LE, BPF_REG_0, 16), BPF_EXIT_INSN());
	EXPECT_R0(0x0102030405060708ull, BPF_LD_IMM64(BPF_REG_0, 0x0102030405060708ull),
		  BPF_ENDIAN(BPF_TO_LE, BPF_REG_0, 64), BPF_EXIT_INSN());
	EXPECT_R0(0x3412, BPF_LD_IMM64(BPF_REG_0, 0x1122334455661234ull),
		  BPF_BSWAP(BPF_REG_0, 16), BPF_EXIT_INSN());
	EXPECT_R0(0x0807060504030201ull, BPF_LD_IMM64(BPF_REG_0, 0x0102030405060708ull),
		  BPF_BSWAP(BPF_REG_0, 64), BPF_EXIT_INSN());
}

static void
test_jit_lddw(void **state)
{
	(void)state;
	EXPECT_R0(0, BPF_LD_IMM64(BPF_REG_0, 0), BPF_EXIT_INSN());
	EXPECT_R0(0xffffffffu, BPF_LD_IMM64(BPF_REG_0, 0xffffffffu), BPF_EXIT_INSN());
	EXPECT_R0(UINT64_MAX, BPF_LD_IMM64(BPF_REG_0, UINT64_MAX), BPF_EXIT_INSN());
	EXPECT_R0(0x8000000000000000ull, BPF_LD_IMM64(BPF_REG_0, 0x8000000000000000ull),
		  BPF_EXIT_INSN());
	EXPECT_R0(0xdeadbeefcafef00dull, BPF_LD_IMM64(BPF_REG_0, 0xdeadbeefcafef00dull),
		  BPF_EXIT_INSN());
	/* mov64 imm sign-extends, mov32 imm zero-extends */
	EXPECT_R0(UINT64_MAX, BPF_MOV64_IMM(BPF_REG_0, -1), BPF_EXIT_INSN());
	EXPECT_R0(0xffffffffu, BPF_MOV32_IMM(BPF_REG_0, -1), BPF_EXIT_INSN());
}

/* ---- jumps ---- */

/*
 * Every conditional jump opcode: `if rd op rs/imm goto taken`, over value
 * pairs, with @filler instructions in between (so both rel8 and rel32).
 */
static void
check_jump(struct bpf_insn j, bool reads_src, uint32_t filler)
{
	struct pb p = { .n = 0 };
	struct xdpdk_prog *jit, *vm;
	bool is32 = BPF_CLASS(j.code) == BPF_JMP32;

	PB(&p, BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 0),
	   BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -16),
	   BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 8),
	   BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -24));
	if (reads_src && j.src_reg != j.dst_reg)
		PB(&p, BPF_LDX_MEM(BPF_DW, j.src_reg, BPF_REG_10, -24));
	PB(&p, BPF_LDX_MEM(BPF_DW, j.dst_reg, BPF_REG_10, -16));
	j.off = (int16_t)(2 + 2 * filler);
	PB(&p, j, BPF_MOV64_IMM(BPF_REG_0, 0), BPF_EXIT_INSN());
	for (uint32_t f = 0; f < filler; f++)
		PB(&p, BPF_LD_IMM64(BPF_REG_5, 0x1234567890ull));
	PB(&p, BPF_MOV64_IMM(BPF_REG_0, 1), BPF_EXIT_INSN());
	jit = load(p.insn, p.n, XDPDK_ENGINE_JIT);
	vm = load(p.insn, p.n, XDPDK_ENGINE_INTERP);
	for (size_t ia = 0; ia < ARRAY_SIZE(values); ia++) {
		for (size_t ib = 0; ib < ARRAY_SIZE(values); ib++) {
			uint64_t m[2] = { values[ia], values[ib] };
			uint64_t a = values[ia];
			uint64_t imm = is32 ? (uint32_t)j.imm : (uint64_t)(int64_t)j.imm;
			uint64_t b = !reads_src ? imm : j.src_reg == j.dst_reg ? a : values[ib];
			uint64_t want = xdpdk_isa_jmp_taken(BPF_OP(j.code), a, b, is32);
			uint64_t rj = xdpdk_prog_run(jit, m, sizeof(m));
			uint64_t rv = xdpdk_prog_run(vm, m, sizeof(m));

			if (rj != want || rv != want)
				fail_msg("jump 0x%02x r%u r%u imm %d a=0x%" PRIx64 " b=0x%" PRIx64
					 ": jit %" PRIu64 " interp %" PRIu64 " want %" PRIu64,
					 j.code, j.dst_reg, j.src_reg, j.imm, a, b, rj, rv, want);
			if (!reads_src)
				break;
		}
	}
	xdpdk_prog_free(jit);
	xdpdk_prog_free(vm);
}

static void
test_jit_jump_matrix(void **state)
{
	static const uint8_t regs[][2] = { { 0, 3 }, { 3, 4 }, { 4, 0 }, { 1, 1 }, { 6, 9 } };

	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(all_ops); k++) {
		const struct op_row *row = &all_ops[k];

		if (strncmp(row->kind, "JMP", 3) != 0)
			continue;
		for (uint32_t filler = 0; filler <= 20; filler += 20) {
			if (strstr(row->kind, "_IMM") != NULL) {
				for (size_t i = 0; i < ARRAY_SIZE(imms); i++)
					check_jump(raw(row->code, 7, 0, 0, imms[i]), false,
						   filler);
			} else {
				for (size_t r = 0; r < ARRAY_SIZE(regs); r++)
					check_jump(raw(row->code, regs[r][0], regs[r][1],
								0, 0), true, filler);
			}
		}
	}
}

static void
test_jit_ja_gotol_and_loops(void **state)
{
	struct pb p = { .n = 0 };

	(void)state;
	/* ja +0 is a no-op; gotol over a long stretch; a counted backward loop */
	EXPECT_R0(3, BPF_MOV64_IMM(BPF_REG_0, 3), BPF_JMP_A(0), BPF_EXIT_INSN());
	PB(&p, BPF_MOV64_IMM(BPF_REG_0, 0), BPF_GOTOL(60));
	for (int f = 0; f < 30; f++)
		PB(&p, BPF_LD_IMM64(BPF_REG_0, 0xdead00000000ull));
	PB(&p, BPF_MOV64_IMM(BPF_REG_1, 0),
	   /* loop: r0 += r1; r1++; if r1 < 1000 goto loop (with padding: rel32 back) */
	   BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1), BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, 1));
	for (int f = 0; f < 20; f++)
		PB(&p, BPF_LD_IMM64(BPF_REG_5, 0x1234567890ull));
	PB(&p, BPF_JMP_IMM(BPF_JLT, BPF_REG_1, 1000, (int16_t)(63 - (int)(p.n + 1))),
	   BPF_EXIT_INSN());
	expect_r0(p.insn, p.n, 999 * 1000 / 2);
	/* a short backward loop (rel8) */
	EXPECT_R0(10, BPF_MOV64_IMM(BPF_REG_0, 0), BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
		  BPF_JMP_IMM(BPF_JNE, BPF_REG_0, 10, -2), BPF_EXIT_INSN());
}

static void
test_jit_jset_and_signed_compares(void **state)
{
	(void)state;
	/* jset 64 tests the sign-extended imm; jset32 only the low half */
	EXPECT_R0(1, BPF_LD_IMM64(BPF_REG_2, 0x8000000000000000ull), BPF_MOV64_IMM(BPF_REG_0, 0),
		  BPF_JMP_IMM(BPF_JSET, BPF_REG_2, INT32_MIN, 1), BPF_EXIT_INSN(),
		  BPF_MOV64_IMM(BPF_REG_0, 1), BPF_EXIT_INSN());
	EXPECT_R0(0, BPF_LD_IMM64(BPF_REG_2, 0x100000000ull), BPF_MOV64_IMM(BPF_REG_0, 0),
		  BPF_JMP32_IMM(BPF_JSET, BPF_REG_2, -1, 1), BPF_EXIT_INSN(),
		  BPF_MOV64_IMM(BPF_REG_0, 1), BPF_EXIT_INSN());
	/* -1 > 1 unsigned but not signed */
	EXPECT_R0(2, BPF_MOV64_IMM(BPF_REG_1, -1), BPF_MOV64_IMM(BPF_REG_0, 0),
		  BPF_JMP_IMM(BPF_JSGT, BPF_REG_1, 1, 1), BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
		  BPF_JMP_IMM(BPF_JLE, BPF_REG_1, 1, 1), BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1),
		  BPF_EXIT_INSN());
	/* jmp32 signed on a value whose low half is negative */
	EXPECT_R0(1, BPF_LD_IMM64(BPF_REG_1, 0x00000001ffffffffull), BPF_MOV64_IMM(BPF_REG_0, 0),
		  BPF_JMP32_IMM(BPF_JSGE, BPF_REG_1, 0, 1), BPF_MOV64_IMM(BPF_REG_0, 1),
		  BPF_EXIT_INSN());
}

/* ---- memory ---- */

static void
test_jit_ldx_st_stx(void **state)
{
	uint8_t mem[64];
	struct pb p;

	(void)state;
	/* every base register, byte stores from every source (sil/dil need REX) */
	for (unsigned base = 0; base <= 9; base++) {
		for (unsigned src = 0; src <= 9; src++) {
			if (src == base)
				continue;
			p.n = 0;
			PB(&p, BPF_MOV64_REG(base, BPF_REG_1),
			   BPF_LD_IMM64(src, 0x8899aabbccddeeffull + src),
			   BPF_STX_MEM(BPF_B, base, src, 0), BPF_STX_MEM(BPF_H, base, src, 1),
			   BPF_STX_MEM(BPF_W, base, src, 4), BPF_STX_MEM(BPF_DW, base, src, 8),
			   BPF_ST_MEM(BPF_B, base, 16, -2), BPF_ST_MEM(BPF_H, base, 18, -3),
			   BPF_ST_MEM(BPF_W, base, 20, -4), BPF_ST_MEM(BPF_DW, base, 24, -5),
			   BPF_LDX_MEM(BPF_W, src, base, 4), BPF_STX_MEM(BPF_DW, base, src, 32),
			   BPF_LDX_MEMSX(BPF_B, src, base, 16), BPF_STX_MEM(BPF_DW, base, src, 40),
			   BPF_LDX_MEMSX(BPF_H, src, base, 18), BPF_STX_MEM(BPF_DW, base, src, 48),
			   BPF_LDX_MEMSX(BPF_W, src, base, 20), BPF_STX_MEM(BPF_DW, base, src, 56),
			   BPF_LDX_MEM(BPF_B, BPF_REG_0, base, 0), BPF_EXIT_INSN());
			memset(mem, 0x11, sizeof(mem));
			assert_int_equal(run_both(p.insn, p.n, mem, sizeof(mem)),
					 (0xff + src) & 0xff);
			assert_int_equal(mem[1], (0xff + src) & 0xff);
			assert_int_equal(mem[3], 0x11);
			assert_int_equal(*(uint64_t *)&mem[24], (uint64_t)-5);
			assert_int_equal(*(uint64_t *)&mem[32], 0xccddeeffu + src);
			assert_int_equal(*(uint64_t *)&mem[40], (uint64_t)-2);
			assert_int_equal(*(uint64_t *)&mem[48], (uint64_t)-3);
			assert_int_equal(*(uint64_t *)&mem[56], (uint64_t)-4);
		}
	}
}

static void
test_jit_stack_and_offsets(void **state)
{
	uint8_t mem[600] = { 0 };
	struct pb p = { .n = 0 };

	(void)state;
	/* r10 base at the frame's limits; r7 (r13) base with off 0; disp32 offsets */
	PB(&p, BPF_ST_MEM(BPF_DW, BPF_REG_10, -512, 11), BPF_ST_MEM(BPF_B, BPF_REG_10, -1, 22),
	   BPF_MOV64_REG(BPF_REG_7, BPF_REG_1), BPF_ST_MEM(BPF_W, BPF_REG_7, 0, 33),
	   BPF_ST_MEM(BPF_W, BPF_REG_7, 500, 44),
	   BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -512),
	   BPF_LDX_MEM(BPF_B, BPF_REG_2, BPF_REG_10, -1),
	   BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
	   BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_7, 0),
	   BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
	   BPF_MOV64_REG(BPF_REG_8, BPF_REG_7), BPF_ALU64_IMM(BPF_ADD, BPF_REG_8, 1000),
	   BPF_LDX_MEM(BPF_W, BPF_REG_2, BPF_REG_8, -500),
	   BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2), BPF_EXIT_INSN());
	assert_int_equal(run_both(p.insn, p.n, mem, sizeof(mem)), 11 + 22 + 33 + 44);
}

/* ---- atomics ---- */

static void
check_atomic(unsigned size, int32_t op, unsigned dst, unsigned src, uint64_t mem0, uint64_t sv,
	     uint64_t r0v)
{
	uint64_t m[6] = { mem0, sv, r0v };
	uint64_t mask = size == 8 ? UINT64_MAX : UINT32_MAX;
	uint64_t old = mem0 & mask, s = sv, nv = old, r0 = r0v, src_after = sv;
	struct pb p = { .n = 0 };

	/* rd = &m[0] (so r0 as dst holds an address), rs = sv, r0 = r0v unless it is rd/rs */
	PB(&p, BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
	   BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 16),
	   BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -16),
	   BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 8),
	   BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_2, -24),
	   BPF_MOV64_REG(dst, BPF_REG_1), BPF_LDX_MEM(BPF_DW, src, BPF_REG_10, -24));
	if (dst != 0 && src != 0)
		PB(&p, BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, -16));
	PB(&p, BPF_ATOMIC_OP(size == 8 ? BPF_DW : BPF_W, op, dst, src, 0));
	/* r0 as dst holds &m, which differs between the engines' copies: make it 0 */
	if (dst == 0 && op != BPF_CMPXCHG)
		PB(&p, BPF_ALU64_REG(BPF_SUB, BPF_REG_0, BPF_REG_1));
	PB(&p, BPF_STX_MEM(BPF_DW, BPF_REG_10, src, -32),
	   BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, -40),
	   BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -8),
	   BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -32),
	   BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_2, 32),
	   BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -40),
	   BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_2, 40),
	   BPF_MOV64_IMM(BPF_REG_0, 0), BPF_EXIT_INSN());
	if (dst == 0)
		r0 = (uint64_t)(uintptr_t)m;
	if (src == 0)
		r0 = s;
	switch (op & ~BPF_FETCH) {
	case BPF_ADD: nv = old + s; break;
	case BPF_OR: nv = old | s; break;
	case BPF_AND: nv = old & s; break;
	case BPF_XOR: nv = old ^ s; break;
	case BPF_XCHG & ~BPF_FETCH: nv = s; break;
	default:	/* cmpxchg */
		nv = (r0 & mask) == old ? s : old;
		r0 = old;
		break;
	}
	if ((op & BPF_FETCH) && op != BPF_CMPXCHG)
		src_after = old;
	if (src == 0 && op != BPF_CMPXCHG)
		r0 = src_after;
	if (src == 0 && op == BPF_CMPXCHG)
		src_after = r0;
	if (dst == 0 && op != BPF_CMPXCHG)
		r0 = 0;
	run_both(p.insn, p.n, m, sizeof(m));
	if ((m[0] & mask) != (nv & mask) || m[4] != src_after || m[5] != r0)
		fail_msg("atomic size %u op 0x%x r%u r%u: mem 0x%" PRIx64 " src 0x%" PRIx64
			 " r0 0x%" PRIx64 "; want 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64,
			 size, op, dst, src, m[0], m[4], m[5], nv & mask, src_after, r0);
	if (size == 4)
		assert_int_equal(m[0] >> 32, mem0 >> 32);
}

static void
test_jit_atomics_all_ops(void **state)
{
	static const int32_t ops[] = {
		BPF_ADD, BPF_OR, BPF_AND, BPF_XOR, BPF_ADD | BPF_FETCH, BPF_OR | BPF_FETCH,
		BPF_AND | BPF_FETCH, BPF_XOR | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG,
	};
	static const uint8_t regs[][2] = { { 1, 2 }, { 0, 3 }, { 6, 0 }, { 7, 9 }, { 3, 4 } };

	(void)state;
	for (size_t o = 0; o < ARRAY_SIZE(ops); o++)
		for (size_t r = 0; r < ARRAY_SIZE(regs); r++)
			for (unsigned size = 4; size <= 8; size += 4) {
				/* cmpxchg: matching and failing compare */
				check_atomic(size, ops[o], regs[r][0], regs[r][1],
					     0xf0f0f0f0f0f0f0f0ull, 0x0ff00ff00ff00ff1ull,
					     0xf0f0f0f0f0f0f0f0ull);
				check_atomic(size, ops[o], regs[r][0], regs[r][1],
					     0x11111111deadbeefull, 0xffffffff00000001ull,
					     0x5555555555555555ull);
			}
}

/* ---- calls ---- */

static void
test_jit_helper_calls(void **state)
{
	struct xdpdk_prog *prog;
	int64_t dist;

	(void)state;
	misaligned_calls = 0;
	/* args in r1-r5, r6-r9 survive, and the stack is aligned at the call */
	EXPECT_R0(1 + 2 * 2 + 3 * 3 + 4 * 4 + 5 * 5 + 6 + 7 + 8 + 9,
		  BPF_MOV64_IMM(BPF_REG_6, 6), BPF_MOV64_IMM(BPF_REG_7, 7),
		  BPF_MOV64_IMM(BPF_REG_8, 8), BPF_MOV64_IMM(BPF_REG_9, 9),
		  BPF_MOV64_IMM(BPF_REG_1, 1), BPF_MOV64_IMM(BPF_REG_2, 2),
		  BPF_MOV64_IMM(BPF_REG_3, 3), BPF_MOV64_IMM(BPF_REG_4, 4),
		  BPF_MOV64_IMM(BPF_REG_5, 5), BPF_CALL_HELPER(H_SUM),
		  BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
		  BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_7),
		  BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_8),
		  BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_9),
		  BPF_EXIT_INSN());
	/* the same with a stack frame (r10) and an odd number of pushes */
	EXPECT_R0(1 + 2 + 3 + 4 + 5 + 6, BPF_MOV64_IMM(BPF_REG_6, 6),
		  BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 1),
		  BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, -8), BPF_MOV64_IMM(BPF_REG_2, 1),
		  BPF_MOV64_IMM(BPF_REG_3, 1), BPF_MOV64_IMM(BPF_REG_4, 1),
		  BPF_MOV64_IMM(BPF_REG_5, 1), BPF_CALL_HELPER(H_SUM),
		  BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6), BPF_EXIT_INSN());
	assert_int_equal(misaligned_calls, 0);
	/* a helper far from the image: movabs rax, fn; call rax */
	EXPECT_R0(42, BPF_MOV64_IMM(BPF_REG_1, 41), BPF_CALL_HELPER(H_FAR), BPF_EXIT_INSN());
	prog = LOAD(XDPDK_ENGINE_JIT, BPF_CALL_HELPER(H_FAR), BPF_EXIT_INSN());
	dist = (int64_t)((uintptr_t)far_helper() - (uintptr_t)prog->jit_image);
	if (dist < INT32_MIN || dist > INT32_MAX) {
		uint64_t fn = (uintptr_t)far_helper();
		uint8_t want[12] = { 0x48, 0xb8 };	/* movabs rax, fn */

		memcpy(&want[2], &fn, 8);
		want[10] = 0xff;			/* call rax */
		want[11] = 0xd0;
		assert_non_null(memmem(prog->jit_image, prog->jit_size, want, sizeof(want)));
	}
	xdpdk_prog_free(prog);
	/* a helper near it: call rel32 */
	prog = LOAD(XDPDK_ENGINE_JIT, BPF_CALL_HELPER(H_CLOBBER), BPF_EXIT_INSN());
	dist = (int64_t)((uintptr_t)h_clobber - (uintptr_t)prog->jit_image);
	if (dist > INT32_MIN / 2 && dist < INT32_MAX / 2) {
		bool found = false;

		for (size_t k = 0; k + 5 <= prog->jit_size && !found; k++) {
			int32_t rel;

			memcpy(&rel, &prog->jit_image[k + 1], 4);
			found = prog->jit_image[k] == 0xe8 &&
				(uintptr_t)prog->jit_image + k + 5 + rel == (uintptr_t)h_clobber;
		}
		assert_true(found);
	}
	xdpdk_prog_free(prog);
	EXPECT_R0(0x5555 ^ 3, BPF_MOV64_IMM(BPF_REG_1, 3), BPF_CALL_HELPER(H_CLOBBER),
		  BPF_EXIT_INSN());
}

static void
test_jit_bpf2bpf_nested(void **state)
{
	(void)state;
	/*
	 * main: r6 = 100, [r10-8] = 1000, r1 = 1, call f1, r0 += r6 + [r10-8]
	 * f1:   r6 = 10, [r10-8] = r1, r1 = 2, call f2, r0 += r6 + [r10-8]
	 * f2:   r6 = 3, [r10-8] = 99, r0 = r6 + r1 + [r10-8]   (3 + 2 + 99)
	 */
	EXPECT_R0(104 + 10 + 1 + 100 + 1000,
		  BPF_MOV64_IMM(BPF_REG_6, 100), BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 1000),
		  BPF_MOV64_IMM(BPF_REG_1, 1), BPF_CALL_REL(4),
		  BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
		  BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -8),
		  BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2), BPF_EXIT_INSN(),
		  /* f1 at 8 */
		  BPF_MOV64_IMM(BPF_REG_6, 10), BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, -8),
		  BPF_MOV64_IMM(BPF_REG_1, 2), BPF_CALL_REL(4),
		  BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6),
		  BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -8),
		  BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2), BPF_EXIT_INSN(),
		  /* f2 at 16 */
		  BPF_MOV64_IMM(BPF_REG_6, 3), BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 99),
		  BPF_MOV64_REG(BPF_REG_0, BPF_REG_6), BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_1),
		  BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -8),
		  BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2), BPF_EXIT_INSN());
	/* a callee writes through a pointer into its caller's stack, and calls a helper */
	EXPECT_R0(7 + 1 + 2 * 5 + 3 * 4,
		  BPF_MOV64_REG(BPF_REG_1, BPF_REG_10), BPF_ALU64_IMM(BPF_ADD, BPF_REG_1, -16),
		  BPF_CALL_REL(3), BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -16),
		  BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2), BPF_EXIT_INSN(),
		  BPF_ST_MEM(BPF_DW, BPF_REG_1, 0, 7), BPF_MOV64_IMM(BPF_REG_1, 1),
		  BPF_MOV64_IMM(BPF_REG_2, 5), BPF_MOV64_IMM(BPF_REG_3, 4),
		  BPF_MOV64_IMM(BPF_REG_4, 0), BPF_MOV64_IMM(BPF_REG_5, 0), BPF_CALL_HELPER(H_SUM),
		  BPF_EXIT_INSN());
}

static void
test_jit_bpf2bpf_deep_chain(void **state)
{
	struct pb p = { .n = 0 };

	(void)state;
	/* 8 frames: each function r0 = callee() * 2 + 1, with r7 and the stack in use */
	for (int f = 0; f < 7; f++)
		PB(&p, BPF_MOV64_IMM(BPF_REG_7, f),
		BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_7, -512),
		   BPF_CALL_REL(6), BPF_ALU64_IMM(BPF_LSH, BPF_REG_0, 1),
		   BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, -512),
		   BPF_ALU64_REG(BPF_SUB, BPF_REG_2, BPF_REG_7),
		   BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_2),
		   BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1), BPF_EXIT_INSN());
	PB(&p, BPF_MOV64_IMM(BPF_REG_0, 1), BPF_EXIT_INSN());
	expect_r0(p.insn, p.n, 255);
}

/* ---- tail calls ---- */


static void
test_jit_tail_call_basic(void **state)
{
	struct xdpdk_prog_array *arr = xdpdk_prog_array_create(4);
	struct xdpdk_prog *target, *target_vm, *caller;
	uint64_t ctx = 41;
	enum xdpdk_engine engines[] = { XDPDK_ENGINE_JIT, XDPDK_ENGINE_INTERP };

	(void)state;
	assert_non_null(arr);
	/* target: r0 = *(u64 *)r1 + 1 + r6 (r6 must not leak: set to 0 first) */
	target = LOAD(XDPDK_ENGINE_JIT, BPF_MOV64_IMM(BPF_REG_6, 0),
		      BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
		      BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1), BPF_EXIT_INSN());
	target_vm = LOAD(XDPDK_ENGINE_INTERP, BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_1, 0),
			 BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 2), BPF_EXIT_INSN());
	xdpdk_prog_array_set(arr, 1, target);
	xdpdk_prog_array_set(arr, 2, target_vm);
	for (size_t e = 0; e < 2; e++) {
		/* caller: tail_call(ctx, arr, *(u64 *)(ctx + 8)); return 7 */
		uint64_t m[2] = { 41, 1 };

		caller = LOAD(engines[e], BPF_MOV64_IMM(BPF_REG_6, 5),
			      BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 3),
			      BPF_LDX_MEM(BPF_DW, BPF_REG_3, BPF_REG_1, 8),
			      BPF_LD_IMM64(BPF_REG_2, (uintptr_t)arr),
			      BPF_CALL_HELPER(BPF_FUNC_tail_call),
			      BPF_MOV64_IMM(BPF_REG_0, 7), BPF_EXIT_INSN());
		assert_int_equal(xdpdk_prog_run(caller, m, 0), 42);	/* JIT target */
		m[1] = 2;
		assert_int_equal(xdpdk_prog_run(caller, m, 0), 43);	/* interpreted target */
		m[1] = 0;
		assert_int_equal(xdpdk_prog_run(caller, m, 0), 7);	/* empty slot */
		m[1] = 4;
		assert_int_equal(xdpdk_prog_run(caller, m, 0), 7);	/* index == max_entries */
		m[1] = 0x100000001ull;	/* the index is a u32: slot 1 */
		assert_int_equal(xdpdk_prog_run(caller, m, 0), 42);
		xdpdk_prog_free(caller);
	}
	/* no map: continue */
	caller = LOAD(XDPDK_ENGINE_JIT, BPF_MOV64_IMM(BPF_REG_2, 0), BPF_MOV64_IMM(BPF_REG_3, 0),
		      BPF_CALL_HELPER(BPF_FUNC_tail_call), BPF_MOV64_IMM(BPF_REG_0, 9),
		      BPF_EXIT_INSN());
	assert_int_equal(xdpdk_prog_run(caller, &ctx, 0), 9);
	xdpdk_prog_free(caller);
	xdpdk_prog_free(target);
	xdpdk_prog_free(target_vm);
	xdpdk_prog_array_free(arr);
}

/* A program that counts its runs in ctx and tail calls itself: 1 + 33 runs. */
static void
test_jit_tail_call_limit(void **state)
{
	struct xdpdk_prog_array *arr = xdpdk_prog_array_create(1);
	enum xdpdk_engine engines[] = { XDPDK_ENGINE_JIT, XDPDK_ENGINE_INTERP };

	(void)state;
	for (size_t e = 0; e < 2; e++) {
		uint64_t counts[3] = { 0 };
		void *ctx[3] = { &counts[0], &counts[1], &counts[2] };
		uint32_t ret[3];
		struct xdpdk_prog *self = LOAD(engines[e],
			BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_1, 0),
			BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, 1),
			BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_2, 0),
			BPF_LD_IMM64(BPF_REG_2, (uintptr_t)arr), BPF_MOV64_IMM(BPF_REG_3, 0),
			BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			BPF_CALL_HELPER(BPF_FUNC_tail_call),
			BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_6, 0), BPF_EXIT_INSN());

		xdpdk_prog_array_set(arr, 0, self);
		assert_int_equal(xdpdk_prog_run(self, &counts[0], 0), 1 + XDPDK_BPF_MAX_TAIL_CALLS);
		/* the counter is per run: again, and over a burst */
		counts[0] = 0;
		assert_int_equal(xdpdk_prog_run(self, &counts[0], 0), 34);
		counts[0] = 0;
		xdpdk_prog_run_burst(self, ctx, ret, 3);
		for (int k = 0; k < 3; k++)
			assert_int_equal(ret[k], 34);
		xdpdk_prog_array_set(arr, 0, NULL);
		xdpdk_prog_free(self);
	}
	xdpdk_prog_array_free(arr);
}

/* A tail call from a bpf2bpf callee replaces only the callee. */
static void
test_jit_tail_call_from_subprog(void **state)
{
	struct xdpdk_prog_array *arr = xdpdk_prog_array_create(1);
	struct xdpdk_prog *target, *caller;
	enum xdpdk_engine engines[] = { XDPDK_ENGINE_JIT, XDPDK_ENGINE_INTERP };
	uint64_t ctx = 0;

	(void)state;
	target = LOAD(XDPDK_ENGINE_JIT, BPF_MOV64_IMM(BPF_REG_7, 1), BPF_MOV64_IMM(BPF_REG_0, 5),
		      BPF_EXIT_INSN());
	xdpdk_prog_array_set(arr, 0, target);
	for (size_t e = 0; e < 2; e++) {
		/* main: r7 = 100; call f; return r0 + r7. f: tail_call or return 1 */
		caller = LOAD(engines[e], BPF_MOV64_IMM(BPF_REG_7, 100), BPF_CALL_REL(2),
			      BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_7), BPF_EXIT_INSN(),
			      BPF_MOV64_IMM(BPF_REG_7, 50), BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0),
			      BPF_LD_IMM64(BPF_REG_2, (uintptr_t)arr), BPF_MOV64_IMM(BPF_REG_3, 0),
			      BPF_CALL_HELPER(BPF_FUNC_tail_call), BPF_MOV64_IMM(BPF_REG_0, 1),
			      BPF_EXIT_INSN());
		assert_int_equal(xdpdk_prog_run(caller, &ctx, 0), 105);
		xdpdk_prog_free(caller);
	}
	xdpdk_prog_free(target);
	xdpdk_prog_array_free(arr);
}

/* ---- LD_ABS / LD_IND ---- */

static void
test_jit_ld_abs_ind(void **state)
{
	uint8_t pkt[16];
	struct xdpdk_pkt_view pv = { .data = pkt, .data_end = pkt + sizeof(pkt) };
	struct xdpdk_prog *prog;
	enum xdpdk_engine engines[] = { XDPDK_ENGINE_JIT, XDPDK_ENGINE_INTERP };

	(void)state;
	for (int k = 0; k < 16; k++)
		pkt[k] = (uint8_t)(0x10 + k);
	for (size_t e = 0; e < 2; e++) {
		/* r7 survives; r0 = ldabsw 2 + ldabsh 14 + ldindb (r2 = 3) 1 + r7 */
		prog = LOAD(engines[e], BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			    BPF_MOV64_IMM(BPF_REG_7, 1000), BPF_LD_ABS(BPF_W, 2),
			    BPF_MOV64_REG(BPF_REG_8, BPF_REG_0), BPF_LD_ABS(BPF_H, 14),
			    BPF_ALU64_REG(BPF_ADD, BPF_REG_8, BPF_REG_0),
			    BPF_MOV64_IMM(BPF_REG_2, 3),
			    BPF_LD_IND(BPF_B, BPF_REG_2, 1),
			    BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_8),
			    BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_7), BPF_EXIT_INSN());
		assert_int_equal(xdpdk_prog_run(prog, &pv, 0),
				 0x12131415u + 0x1e1f + 0x14 + 1000);
		xdpdk_prog_free(prog);
		/* out of bounds (last byte + 1, negative through IND): exit with r0 = 0 */
		prog = LOAD(engines[e], BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			    BPF_MOV64_IMM(BPF_REG_0, 99), BPF_LD_ABS(BPF_W, 13),
			    BPF_MOV64_IMM(BPF_REG_0, 98), BPF_EXIT_INSN());
		assert_int_equal(xdpdk_prog_run(prog, &pv, 0), 0);
		xdpdk_prog_free(prog);
		prog = LOAD(engines[e], BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			    BPF_MOV64_IMM(BPF_REG_3, -10), BPF_LD_IND(BPF_H, BPF_REG_3, 4),
			    BPF_MOV64_IMM(BPF_REG_0, 98), BPF_EXIT_INSN());
		assert_int_equal(xdpdk_prog_run(prog, &pv, 0), 0);
		xdpdk_prog_free(prog);
		prog = LOAD(engines[e], BPF_MOV64_REG(BPF_REG_6, BPF_REG_1),
			    BPF_MOV64_IMM(BPF_REG_1, 12), BPF_LD_IND(BPF_W, BPF_REG_1, 0),
			    BPF_EXIT_INSN());
		assert_int_equal(xdpdk_prog_run(prog, &pv, 0), 0x1c1d1e1fu);
		xdpdk_prog_free(prog);
	}
}

/* ---- entry points and the image ---- */

static void
test_jit_burst(void **state)
{
	uint32_t vals[5] = { 1, 2, 3, 4, 0xffffffff };
	void *ctx[5] = { &vals[0], &vals[1], &vals[2], &vals[3], &vals[4] };
	uint32_t ret[5] = { 0 };
	struct xdpdk_prog *prog;

	(void)state;
	/* with a helper call (so with a frame) and r6 in use */
	prog = LOAD(XDPDK_ENGINE_JIT, BPF_LDX_MEM(BPF_W, BPF_REG_6, BPF_REG_1, 0),
		    BPF_MOV64_REG(BPF_REG_1, BPF_REG_6), BPF_CALL_HELPER(H_CLOBBER),
		    BPF_ALU64_REG(BPF_XOR, BPF_REG_0, BPF_REG_6),
		    BPF_ALU64_REG(BPF_ADD, BPF_REG_0, BPF_REG_6), BPF_EXIT_INSN());
	assert_non_null(prog->jit_burst);
	xdpdk_prog_run_burst(prog, ctx, ret, 5);
	for (int k = 0; k < 5; k++)
		assert_int_equal(ret[k], (uint32_t)(0x5555 + (uint64_t)vals[k]));
	ret[0] = 77;
	xdpdk_prog_run_burst(prog, ctx, ret, 0);
	assert_int_equal(ret[0], 77);
	/* the run result is truncated to 32 bits */
	xdpdk_prog_free(prog);
	prog = LOAD(XDPDK_ENGINE_JIT, BPF_LD_IMM64(BPF_REG_0, 0x100000002ull), BPF_EXIT_INSN());
	xdpdk_prog_run_burst(prog, ctx, ret, 1);
	assert_int_equal(ret[0], 2);
	xdpdk_prog_free(prog);
}

/* The mapping that holds the image, from /proc/self/maps: must be r-x, never w. */
static void
test_jit_image_not_writable(void **state)
{
	struct xdpdk_prog *prog;
	char line[512], perms[8] = "";
	uintptr_t lo, hi;
	FILE *f;
	bool found = false;

	(void)state;
	prog = LOAD(XDPDK_ENGINE_JIT, BPF_MOV64_IMM(BPF_REG_0, 1), BPF_EXIT_INSN());
	f = fopen("/proc/self/maps", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %7s", &lo, &hi, perms) != 3)
			continue;
		if ((uintptr_t)prog->jit_image >= lo && (uintptr_t)prog->jit_image < hi) {
			found = true;
			break;
		}
	}
	fclose(f);
	assert_true(found);
	assert_string_equal(perms, "r-xp");
	assert_true(prog->jit_map_size >= prog->jit_size);
	/* the slack is int3 */
	for (size_t k = prog->jit_size; k < prog->jit_map_size; k++)
		assert_int_equal(prog->jit_image[k], 0xcc);
	xdpdk_prog_free(prog);
}

static void
test_jit_insn_offsets(void **state)
{
	struct xdpdk_prog *prog;
	const uint32_t *off;
	size_t size;

	(void)state;
	prog = LOAD(XDPDK_ENGINE_JIT, BPF_MOV64_IMM(BPF_REG_0, 1), BPF_LD_IMM64(BPF_REG_1, 7),
		    BPF_CALL_REL(1), BPF_EXIT_INSN(), BPF_MOV64_IMM(BPF_REG_0, 2), BPF_EXIT_INSN());
	assert_non_null(xdpdk_prog_jit_image(prog, &size, &off));
	assert_int_equal(off[0], 0);
	for (uint32_t i = 1; i < prog->n_insns; i++) {
		assert_true(off[i] >= off[i - 1]);
		assert_true(off[i] < size);
	}
	/* the second half of lddw has no code of its own */
	assert_int_equal(off[2], off[3]);
	xdpdk_prog_free(prog);
}

/* Compile a hand-made program object, bypassing the checker. */
static int
jit_raw(const struct bpf_insn *insns, uint32_t n, char *err, size_t err_size)
{
	struct xdpdk_prog *prog = calloc(1, sizeof(*prog));
	int rc;

	assert_non_null(prog);
	prog->insns = (struct bpf_insn *)insns;
	prog->n_insns = n;
	rc = xdpdk_jit_compile(prog);
	snprintf(err, err_size, "%s", prog->jit_error);
	if (rc == 0) {
		assert_non_null(prog->jit_entry);
		prog->jit_entry(0, 0);
	}
	xdpdk_jit_free(prog);
	assert_null(prog->jit_image);
	free(prog);
	return rc;
}

static void
test_jit_unsupported_reports_insn(void **state)
{
	char err[200];
	struct bpf_insn bad_op[] = { BPF_MOV64_IMM(BPF_REG_0, 0), BPF_RAW_INSN(0xff, 0, 0, 0, 0),
				     BPF_EXIT_INSN() };
	struct bpf_insn kfunc[] = {
		BPF_RAW_INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, 1), BPF_EXIT_INSN()
	};
	struct bpf_insn r10_write[] = { BPF_MOV64_IMM(BPF_REG_10, 0), BPF_EXIT_INSN() };
	struct bpf_insn bad_atomic[] = { BPF_ATOMIC_OP(BPF_DW, 0x12, BPF_REG_10, BPF_REG_1, -8),
					 BPF_EXIT_INSN() };
	struct bpf_insn no_helper[] = { BPF_CALL_HELPER(5), BPF_EXIT_INSN() };
	struct bpf_insn ok[] = { BPF_MOV64_IMM(BPF_REG_0, 0), BPF_EXIT_INSN() };

	(void)state;
	assert_int_equal(jit_raw(bad_op, 3, err, sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, "insn 1"));
	assert_int_equal(jit_raw(kfunc, 2, err, sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, "insn 0"));
	assert_int_equal(jit_raw(r10_write, 2, err, sizeof(err)), -ENOTSUP);
	assert_int_equal(jit_raw(bad_atomic, 2, err, sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, "atomic"));
	assert_int_equal(jit_raw(no_helper, 2, err, sizeof(err)), -ENOTSUP);
	assert_int_equal(jit_raw(ok, 2, err, sizeof(err)), 0);
	assert_string_equal(err, "");
}

/*
 * A big program whose never-taken jumps span from a few bytes to a few
 * kilobytes: sizes must converge and the final pass must match.
 */
static void
test_jit_large_program_converges(void **state)
{
	const uint32_t max = 40000;
	struct bpf_insn *insns;
	struct xdpdk_prog *prog;
	uint32_t n = 0, adds = 0;

	(void)state;
	insns = calloc(max, sizeof(*insns));
	assert_non_null(insns);
	insns[n++] = INSN(BPF_MOV64_IMM(BPF_REG_0, 0));
	while (n < max - 2) {
		uint32_t d = 1 + (n * 37) % 300;

		if (n + 1 + d > max - 1)
			d = max - 1 - (n + 1);
		insns[n++] = INSN(BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, -1, (int16_t)d));
		insns[n++] = INSN(BPF_ALU64_IMM(BPF_ADD, BPF_REG_0, 1));
		adds++;
	}
	insns[n++] = INSN(BPF_EXIT_INSN());
	prog = load(insns, n, XDPDK_ENGINE_JIT);
	assert_int_equal(xdpdk_prog_run(prog, NULL, 0), adds);
	xdpdk_prog_free(prog);
	free(insns);
}

/*
 * W^X: a JIT image is written while read-write and only then made
 * read-execute, so no mapping of the process is ever writable and
 * executable at once; the image itself lies in a read-execute mapping.
 */
static void
test_jit_images_are_never_writable_and_executable(void **state)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 7 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct xdpdk_prog *progs[8];
	char line[512];
	FILE *maps;
	bool in_rx = false;
	size_t size;
	const uint8_t *image;

	(void)state;
	for (int i = 0; i < 8; i++)
		progs[i] = load(insns, 2, XDPDK_ENGINE_JIT);
	image = xdpdk_prog_jit_image(progs[3], &size, NULL);
	assert_non_null(image);
	maps = fopen("/proc/self/maps", "r");
	assert_non_null(maps);
	while (fgets(line, sizeof(line), maps) != NULL) {
		unsigned long lo, hi;
		char perms[5];

		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) != 3)
			continue;
		if (perms[1] == 'w' && perms[2] == 'x')
			fail_msg("a writable and executable mapping: %s", line);
		if ((uintptr_t)image >= lo && (uintptr_t)image + size <= hi)
			in_rx = perms[0] == 'r' && perms[1] == '-' && perms[2] == 'x';
	}
	fclose(maps);
	assert_true(in_rx);
	for (int i = 0; i < 8; i++)
		xdpdk_prog_free(progs[i]);
}

/* ---- constant blinding ---- */

/* A program with one distinctive immediate, in the form it is emitted for. */
struct blind_case {
	const char *name;
	struct bpf_insn insns[8];
	uint32_t n;
	uint64_t imm;		/* the value whose bytes must not show */
	unsigned len;		/* 4 or 8 bytes */
};

#define BLIND_CASE(NAME, IMM, LEN, ...) { .name = NAME, .imm = IMM, .len = LEN, \
	.insns = { __VA_ARGS__ }, \
	.n = sizeof((const struct bpf_insn[]){ __VA_ARGS__ }) / sizeof(struct bpf_insn) }

static const struct blind_case blind_cases[] = {
	BLIND_CASE("mov64 K", 0x7c39e2f1, 4, BPF_MOV64_IMM(0, 0x7c39e2f1), BPF_EXIT_INSN()),
	BLIND_CASE("mov32 K", 0x8d4af302, 4, BPF_MOV32_IMM(0, (int32_t)0x8d4af302),
		   BPF_EXIT_INSN()),
	BLIND_CASE("add64 K", 0x5a17c0de, 4, BPF_MOV64_IMM(0, 3),
		   BPF_ALU64_IMM(BPF_ADD, 0, 0x5a17c0de), BPF_EXIT_INSN()),
	BLIND_CASE("xor32 K", 0x6b28d1ef, 4, BPF_MOV64_IMM(0, -1),
		   BPF_ALU32_IMM(BPF_XOR, 0, 0x6b28d1ef), BPF_EXIT_INSN()),
	BLIND_CASE("mul64 K", 0x1e5b0413, 4, BPF_MOV64_IMM(0, 77),
		   BPF_ALU64_IMM(BPF_MUL, 0, 0x1e5b0413), BPF_EXIT_INSN()),
	BLIND_CASE("div64 K", 0x2f6c1524, 4, BPF_LD_IMM64(0, 0x7edcba9876543210ull),
		   BPF_ALU64_IMM(BPF_DIV, 0, 0x2f6c1524), BPF_EXIT_INSN()),
	BLIND_CASE("smod32 K", 0x3a7d2635, 4, BPF_MOV64_IMM(0, -1000000007),
		   BPF_RAW_INSN(BPF_ALU | BPF_MOD | BPF_K, 0, 0, 1, 0x3a7d2635), BPF_EXIT_INSN()),
	/* unblinded: and dst, 0x3fffffff */
	BLIND_CASE("mod64 K, a power of two", 0x3fffffff, 4, BPF_LD_IMM64(0, 0x7edcba9876543210ull),
		   BPF_ALU64_IMM(BPF_MOD, 0, 0x40000000), BPF_EXIT_INSN()),
	BLIND_CASE("jeq K", 0x4b8e3746, 4, BPF_MOV64_IMM(0, 0x4b8e3746 ^ 0x4b8e3746),
		   BPF_JMP_IMM(BPF_JEQ, 2, 0x4b8e3746, 1), BPF_MOV64_IMM(0, 1), BPF_EXIT_INSN()),
	BLIND_CASE("jgt32 K", 0x5c9f4857, 4, BPF_MOV64_IMM(0, 0),
		   BPF_JMP32_IMM(BPF_JGT, 2, 0x5c9f4857, 1), BPF_MOV64_IMM(0, 2), BPF_EXIT_INSN()),
	BLIND_CASE("jset K", 0x6da05968, 4, BPF_MOV64_IMM(0, 0),
		   BPF_JMP_IMM(BPF_JSET, 2, 0x6da05968, 1), BPF_MOV64_IMM(0, 3), BPF_EXIT_INSN()),
	BLIND_CASE("st dw", 0x7eb16a79, 4, BPF_ST_MEM(BPF_DW, 1, 0, 0x7eb16a79),
		   BPF_LDX_MEM(BPF_DW, 0, 1, 0), BPF_EXIT_INSN()),
	BLIND_CASE("st w", 0x0fc27b8a, 4, BPF_ST_MEM(BPF_W, 1, 8, 0x0fc27b8a),
		   BPF_LDX_MEM(BPF_W, 0, 1, 8), BPF_EXIT_INSN()),
	BLIND_CASE("lddw, low half", 0x5566778899aabbccull, 4,
		   BPF_LD_IMM64(0, 0x5566778899aabbccull), BPF_EXIT_INSN()),
	BLIND_CASE("lddw, high half", 0x55667788ull, 4,
		   BPF_LD_IMM64(0, 0x5566778899aabbccull), BPF_EXIT_INSN()),
	BLIND_CASE("lddw, all", 0x5566778899aabbccull, 8,
		   BPF_LD_IMM64(0, 0x5566778899aabbccull), BPF_EXIT_INSN()),
};

static bool
image_has(const struct xdpdk_prog *prog, uint64_t imm, unsigned len)
{
	size_t size;
	const uint8_t *image = xdpdk_prog_jit_image(prog, &size, NULL);

	assert_non_null(image);
	return memmem(image, size, &imm, len) != NULL; /* little-endian, as emitted */
}

/*
 * Without blinding each immediate shows in the image; with it, none does,
 * and both images compute what the interpreter does.
 */
static void
test_jit_blinding_hides_immediates(void **state)
{
	(void)state;
	for (size_t k = 0; k < ARRAY_SIZE(blind_cases); k++) {
		const struct blind_case *c = &blind_cases[k];
		struct xdpdk_prog *plain = load_opts(c->insns, c->n, XDPDK_ENGINE_JIT, 0);
		struct xdpdk_prog *blind = load_opts(c->insns, c->n, XDPDK_ENGINE_JIT, 1);
		struct xdpdk_prog *vm = load_opts(c->insns, c->n, XDPDK_ENGINE_INTERP, 0);
		uint64_t m[3][4] = { { 0 } };
		uint64_t r[3];

		if (!image_has(plain, c->imm, c->len))
			fail_msg("%s: the unblinded image lacks the immediate: the test proves "
				 "nothing", c->name);
		if (image_has(blind, c->imm, c->len))
			fail_msg("%s: the immediate shows in the blinded image", c->name);
		r[0] = xdpdk_prog_run(plain, m[0], sizeof(m[0]));
		r[1] = xdpdk_prog_run(blind, m[1], sizeof(m[1]));
		r[2] = xdpdk_prog_run(vm, m[2], sizeof(m[2]));
		if (r[0] != r[2] || r[1] != r[2] || memcmp(m[0], m[2], sizeof(m[0])) ||
		    memcmp(m[1], m[2], sizeof(m[0])))
			fail_msg("%s: r0 plain 0x%" PRIx64 " blinded 0x%" PRIx64 " interp 0x%"
				 PRIx64, c->name, r[0], r[1], r[2]);
		xdpdk_prog_free(plain);
		xdpdk_prog_free(blind);
		xdpdk_prog_free(vm);
	}
}

/* Fresh random values per compilation and per instruction. */
static void
test_jit_blinding_is_fresh(void **state)
{
	const struct bpf_insn insns[] = {
		BPF_MOV64_IMM(0, 0x12345678),
		BPF_ALU64_IMM(BPF_ADD, 0, 0x12345678),
		BPF_EXIT_INSN(),
	};
	struct xdpdk_prog *a = load_opts(insns, 3, XDPDK_ENGINE_JIT, 1);
	struct xdpdk_prog *b = load_opts(insns, 3, XDPDK_ENGINE_JIT, 1);
	const uint32_t *off;
	size_t sa, sb;
	const uint8_t *ia = xdpdk_prog_jit_image(a, &sa, &off);
	const uint8_t *ib = xdpdk_prog_jit_image(b, &sb, NULL);
	uint32_t n0 = off[1] - off[0], n1 = off[2] - off[1];

	(void)state;
	assert_true(sa != sb || memcmp(ia, ib, sa) != 0);
	/* The same immediate twice: mov r0, imm^rnd; xor r0, rnd vs mov r11 ...; add. */
	assert_true(n0 >= 8 && n1 >= 8);
	assert_true(memcmp(ia + off[0] + 1, ia + off[1] + 2, 4) != 0);
	assert_int_equal(xdpdk_prog_run(a, NULL, 0), 0x2468acf0);
	assert_int_equal(xdpdk_prog_run(b, NULL, 0), 0x2468acf0);
	xdpdk_prog_free(a);
	xdpdk_prog_free(b);
}

static int
blind_on(void **state)
{
	(void)state;
	blind_all = 1;
	return 0;
}

static int
blind_off(void **state)
{
	(void)state;
	blind_all = 0;
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jit_alu_matrix),
		cmocka_unit_test(test_jit_alu_shifts_without_bmi2),
		cmocka_unit_test(test_jit_sdiv_smod_int_min),
		cmocka_unit_test(test_jit_div_mod_by_zero),
		cmocka_unit_test(test_jit_div_mod_const32),
		cmocka_unit_test(test_jit_rotate_idiom),
		cmocka_unit_test(test_jit_shift_edges),
		cmocka_unit_test(test_jit_shift32_by_zero_zero_extends),
		cmocka_unit_test(test_jit_alu32_zero_extends),
		cmocka_unit_test(test_jit_movsx_negative),
		cmocka_unit_test(test_jit_end),
		cmocka_unit_test(test_jit_lddw),
		cmocka_unit_test(test_jit_jump_matrix),
		cmocka_unit_test(test_jit_ja_gotol_and_loops),
		cmocka_unit_test(test_jit_jset_and_signed_compares),
		cmocka_unit_test(test_jit_ldx_st_stx),
		cmocka_unit_test(test_jit_stack_and_offsets),
		cmocka_unit_test(test_jit_atomics_all_ops),
		cmocka_unit_test(test_jit_helper_calls),
		cmocka_unit_test(test_jit_bpf2bpf_nested),
		cmocka_unit_test(test_jit_bpf2bpf_deep_chain),
		cmocka_unit_test(test_jit_tail_call_basic),
		cmocka_unit_test(test_jit_tail_call_limit),
		cmocka_unit_test(test_jit_tail_call_from_subprog),
		cmocka_unit_test(test_jit_ld_abs_ind),
		cmocka_unit_test(test_jit_burst),
		cmocka_unit_test(test_jit_image_not_writable),
		cmocka_unit_test(test_jit_insn_offsets),
		cmocka_unit_test(test_jit_unsupported_reports_insn),
		cmocka_unit_test(test_jit_large_program_converges),
		cmocka_unit_test(test_jit_images_are_never_writable_and_executable),
		cmocka_unit_test(test_jit_blinding_hides_immediates),
		cmocka_unit_test(test_jit_blinding_is_fresh),
	};
	int failed = cmocka_run_group_tests_name("jit", tests, NULL, NULL);

	/* Every test again on blinded images: the same results, whatever the program. */
	return failed + cmocka_run_group_tests_name("jit, constant blinding", tests, blind_on,
						    blind_off);
}
