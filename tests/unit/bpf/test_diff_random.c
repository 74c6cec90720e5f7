/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Random differential test, interpreter vs JIT: a seeded generator writes
 * thousands of valid programs (straight-line and forward-branching; ALU of all
 * kinds with edge-biased values, loads, stores and atomics on a buffer and on
 * the stack through masked addressing, helper calls, a bpf2bpf callee), and
 * each runs on both engines with the same memory. r0, the buffer, every
 * register and the stack (dumped into the buffer by the program's epilogue)
 * must agree. XDPDK_DIFF_SEED and XDPDK_DIFF_PROGRAMS override the defaults.
 *
 * Determinism rule of the generator: no register ever keeps a pointer (the
 * engines use different stacks and buffer copies), so an addressing sequence
 * overwrites its base register when the access is done, and r1-r5 are
 * rewritten after a helper call (the JIT clobbers them, the interpreter not).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <setjmp.h>
#include <cmocka.h>

#include <xdpdk/bpf.h>

#include "prog_internal.h"
#include "insn_macros.h"

#define INSN(...) ((struct bpf_insn)__VA_ARGS__)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define DEFAULT_SEED 20240601u
#define DEFAULT_PROGRAMS 10000u
#define RUNS_PER_PROGRAM 2

/* The buffer: data the body may touch, then what the epilogue dumps. */
#define MEM_DATA 256
#define MEM_REGS MEM_DATA			/* r0-r9 */
#define MEM_STACK (MEM_REGS + 80)		/* the stack below the dump area */
#define STACK_LO (-512)				/* the body uses [r10-512, r10-96) */
#define STACK_HI (-96)
#define STACK_DUMP (STACK_HI - STACK_LO)
#define MEM_SIZE (MEM_STACK + STACK_DUMP)
#define SLOT_MEM_PTR (-8)			/* [r10-8] keeps the buffer's address */
#define SLOT_REGS STACK_HI			/* [r10-96, r10-16): register dump */

#define MAX_INSNS 1024
#define MAX_BLOCKS 96
#define H_MIX 1

struct rng {
	uint64_t s;
};

static uint64_t
rnd(struct rng *r)
{
	/* xorshift64* */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 2685821657736338717ull;
}

static uint32_t
rnd_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(rnd(r) % n);
}

static bool
chance(struct rng *r, unsigned percent)
{
	return rnd_below(r, 100) < percent;
}

/* Values that hit the corner cases (0, -1, INT_MIN, shift widths) half the time. */
static uint64_t
rnd_value(struct rng *r)
{
	static const uint64_t special[] = {
		0, 1, 2, 3, UINT64_MAX, (uint64_t)INT64_MIN, INT64_MAX, 0x80000000, 0x7fffffff,
		0xffffffff, 0xffffffff80000000, 0x100000000, 31, 32, 63, 64, 0xff, 0x8000,
		0xffff, 0x80, UINT64_MAX - 1,
	};

	switch (rnd_below(r, 4)) {
	case 0: return special[rnd_below(r, ARRAY_SIZE(special))];
	case 1: return rnd_below(r, 300);
	case 2: return (uint64_t)(int64_t)(int32_t)rnd(r);
	default: return rnd(r);
	}
}

static int32_t
rnd_imm(struct rng *r)
{
	static const int32_t special[] = {
		0, 1, -1, 2, 7, INT32_MIN, INT32_MAX, 31, 32, 63, 64, 0xff, -128, 128, 0x8000,
		0x10000,
	};

	switch (rnd_below(r, 3)) {
	case 0: return special[rnd_below(r, ARRAY_SIZE(special))];
	case 1: return (int32_t)rnd_below(r, 200) - 100;
	default: return (int32_t)rnd(r);
	}
}

static uint8_t
rnd_reg(struct rng *r)
{
	return (uint8_t)rnd_below(r, 10);	/* r0-r9: never r10 as a value */
}

static uint8_t
rnd_reg_not(struct rng *r, uint8_t a, uint8_t b)
{
	uint8_t x;

	do
		x = rnd_reg(r);
	while (x == a || x == b);
	return x;
}

static const uint8_t sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };

/*
 * A program is built as blocks (one instruction or a short sequence that
 * must not be split), so that forward jumps can target block boundaries.
 */
struct gen {
	struct rng *r;
	struct bpf_insn insn[MAX_INSNS];
	uint32_t n;
	uint32_t block_start[MAX_BLOCKS + 1];
	struct { uint32_t at; uint32_t to_block; } jumps[MAX_BLOCKS];
	uint32_t n_jumps;
	bool has_subprog;
	uint32_t call_sites[MAX_BLOCKS];
	uint32_t n_calls;
};

static void
emit(struct gen *g, struct bpf_insn insn)
{
	assert_true(g->n < MAX_INSNS);
	g->insn[g->n++] = insn;
}

static void
emit_lddw(struct gen *g, uint8_t dst, uint64_t v)
{
	struct bpf_insn pair[] = { BPF_LD_IMM64(dst, v) };

	emit(g, pair[0]);
	emit(g, pair[1]);
}

static void
gen_alu(struct gen *g, uint8_t dst)
{
	static const uint8_t ops[] = {
		BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH, BPF_RSH, BPF_NEG,
		BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH, BPF_END,
	};
	struct rng *r = g->r;
	bool w = chance(r, 50);
	uint8_t op = ops[rnd_below(r, ARRAY_SIZE(ops))];
	uint8_t cls = w ? BPF_ALU64 : BPF_ALU;
	bool reg = chance(r, 50);
	int16_t off = 0;
	int32_t imm = rnd_imm(r);

	if (op == BPF_END) {
		static const int32_t widths[] = { 16, 32, 64 };
		uint8_t src = w ? BPF_TO_LE : (chance(r, 50) ? BPF_TO_BE : BPF_TO_LE);

		emit(g, INSN(BPF_RAW_INSN(cls | BPF_END | src, dst, 0, 0,
					  widths[rnd_below(r, 3)])));
		return;
	}
	if (op == BPF_NEG) {
		emit(g, INSN(BPF_RAW_INSN(cls | BPF_NEG | BPF_K, dst, 0, 0, 0)));
		return;
	}
	if (op == BPF_DIV || op == BPF_MOD)
		off = (int16_t)rnd_below(r, 2);
	if (op == BPF_MOV && reg && chance(r, 40)) {
		static const int16_t sx[] = { 8, 16, 32 };

		off = sx[rnd_below(r, w ? 3 : 2)];
	}
	if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) && !reg)
		imm = (int32_t)rnd_below(r, w ? 64 : 32);
	if (reg)
		emit(g, INSN(BPF_RAW_INSN(cls | op | BPF_X, dst, rnd_reg(r), off, 0)));
	else
		emit(g, INSN(BPF_RAW_INSN(cls | op | BPF_K, dst, 0, off, imm)));
}

/* A load, store or atomic on the buffer or the stack, then the base scrubbed. */
static void
gen_mem(struct gen *g)
{
	static const int32_t atomics[] = {
		BPF_ADD, BPF_OR, BPF_AND, BPF_XOR, BPF_ADD | BPF_FETCH, BPF_OR | BPF_FETCH,
		BPF_AND | BPF_FETCH, BPF_XOR | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG,
	};
	struct rng *r = g->r;
	unsigned kind = rnd_below(r, 5);	/* ldx, ldxsx, st, stx, atomic */
	uint8_t size = kind == 4 ? (chance(r, 50) ? BPF_W : BPF_DW) :
		       kind == 1 ? sizes[rnd_below(r, 3)] : sizes[rnd_below(r, 4)];
	int32_t bytes = (int32_t)xdpdk_isa_size_bytes(size);
	unsigned where = rnd_below(r, 3);	/* buffer, [r10 + off], [r10 - 256 + off] */
	uint8_t base = BPF_REG_10, tmp;
	int32_t lo, hi, off, op;
	uint8_t data = rnd_reg(r);

	if (where == 0) {
		/* base = buffer + 16 + (x & 0xe0): 16..240, then off in [-16, 16 - size] */
		base = rnd_reg(r);
		tmp = rnd_reg_not(r, base, 10);
		emit(g, INSN(BPF_MOV64_REG(tmp, rnd_reg(r))));
		emit(g, INSN(BPF_ALU64_IMM(BPF_AND, tmp, 0xe0)));
		emit(g, INSN(BPF_LDX_MEM(BPF_DW, base, BPF_REG_10, SLOT_MEM_PTR)));
		emit(g, INSN(BPF_ALU64_REG(BPF_ADD, base, tmp)));
		emit(g, INSN(BPF_ALU64_IMM(BPF_ADD, base, 16)));
		lo = -16;
		hi = 16 - bytes;
	} else if (where == 1) {
		lo = STACK_LO;
		hi = STACK_HI - bytes;
	} else {
		base = rnd_reg(r);
		emit(g, INSN(BPF_MOV64_REG(base, BPF_REG_10)));
		emit(g, INSN(BPF_ALU64_IMM(BPF_ADD, base, -256)));
		lo = STACK_LO + 256;
		hi = STACK_HI + 256 - bytes;
	}
	off = lo + (int32_t)rnd_below(r, (uint32_t)(hi - lo + 1));
	if (kind == 4)
		off &= ~(bytes - 1);	/* atomics stay aligned: bases are */
	/* A register that is stored must not be the base (a pointer). */
	if (kind >= 3 && data == base)
		data = rnd_reg_not(r, base, 10);
	switch (kind) {
	case 0:
		emit(g, INSN(BPF_LDX_MEM(size, data, base, (int16_t)off)));
		break;
	case 1:
		emit(g, INSN(BPF_LDX_MEMSX(size, data, base, (int16_t)off)));
		break;
	case 2:
		emit(g, INSN(BPF_ST_MEM(size, base, (int16_t)off, rnd_imm(r))));
		break;
	case 3:
		emit(g, INSN(BPF_STX_MEM(size, base, data, (int16_t)off)));
		break;
	default:
		op = atomics[rnd_below(r, ARRAY_SIZE(atomics))];
		/*
		 * Half the cmpxchgs succeed: r0 = the memory word, with garbage
		 * above a 32-bit word (BPF zero-extends r0 either way, x86 not).
		 */
		if (op == BPF_CMPXCHG && base != BPF_REG_0 && chance(r, 50)) {
			emit(g, INSN(BPF_LDX_MEM(size, BPF_REG_0, base, (int16_t)off)));
			if (size == BPF_W) {
				uint8_t hi_reg = rnd_reg_not(r, base, BPF_REG_0);

				emit_lddw(g, hi_reg, rnd(r) << 32);
				emit(g, INSN(BPF_ALU64_REG(BPF_OR, BPF_REG_0, hi_reg)));
			}
		}
		emit(g, INSN(BPF_ATOMIC_OP(size, op, base, data, (int16_t)off)));
		break;
	}
	if (base != BPF_REG_10 && !(kind <= 1 && data == base))
		emit(g, INSN(BPF_MOV64_IMM(base, rnd_imm(r))));
}

static void
gen_jump(struct gen *g, uint32_t block, uint32_t n_blocks)
{
	static const uint8_t ops[] = {
		BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET, BPF_JNE, BPF_JSGT, BPF_JSGE, BPF_JLT,
		BPF_JLE, BPF_JSLT, BPF_JSLE,
	};
	struct rng *r = g->r;
	uint8_t cls = chance(r, 50) ? BPF_JMP : BPF_JMP32;
	uint32_t to = block + 1 + rnd_below(r, n_blocks - block);	/* up to the epilogue */

	g->jumps[g->n_jumps].at = g->n;
	g->jumps[g->n_jumps++].to_block = to;
	if (chance(r, 10)) {
		emit(g, INSN(BPF_RAW_INSN(cls | BPF_JA, 0, 0, 0, 0)));	/* ja or gotol */
		return;
	}
	if (chance(r, 50))
		emit(g, INSN(BPF_RAW_INSN(cls | ops[rnd_below(r, ARRAY_SIZE(ops))] | BPF_X,
					  rnd_reg(r), rnd_reg(r), 0, 0)));
	else
		emit(g, INSN(BPF_RAW_INSN(cls | ops[rnd_below(r, ARRAY_SIZE(ops))] | BPF_K,
					  rnd_reg(r), 0, 0, rnd_imm(r))));
}

/* Helper or bpf2bpf call with data arguments; r1-r5 rewritten after a helper. */
static void
gen_call(struct gen *g)
{
	struct rng *r = g->r;
	bool local = g->has_subprog && chance(r, 50);

	for (uint8_t k = 1; k <= 5; k++)
		if (chance(r, 70))
			emit(g, INSN(BPF_MOV64_REG(k, rnd_reg(r))));
	if (local) {
		g->call_sites[g->n_calls++] = g->n;
		emit(g, INSN(BPF_CALL_REL(0)));
		return;
	}
	emit(g, INSN(BPF_CALL_HELPER(H_MIX)));
	for (uint8_t k = 1; k <= 5; k++)
		emit(g, INSN(BPF_MOV64_IMM(k, rnd_imm(r))));
}

/* The callee: ALU only, on whatever r0-r9 hold (both engines pass the same). */
static void
gen_subprog(struct gen *g)
{
	uint32_t n = 3 + rnd_below(g->r, 12);

	for (uint32_t k = 0; k < n; k++)
		gen_alu(g, rnd_reg(g->r));
	emit(g, INSN(BPF_EXIT_INSN()));
}

static uint32_t
generate(struct gen *g)
{
	struct rng *r = g->r;
	uint32_t n_blocks = 8 + rnd_below(r, 40), sub_start;

	g->n = 0;
	g->n_jumps = 0;
	g->n_calls = 0;
	g->has_subprog = chance(r, 30);
	/* prologue: keep the buffer address, fill the stack, seed every register */
	emit(g, INSN(BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_1, SLOT_MEM_PTR)));
	for (int32_t s = STACK_LO; s < SLOT_MEM_PTR; s += 8)
		emit(g, INSN(BPF_ST_MEM(BPF_DW, BPF_REG_10, (int16_t)s, rnd_imm(r))));
	for (uint8_t k = 0; k < 10; k++)
		emit_lddw(g, k, rnd_value(r));
	for (uint32_t b = 0; b < n_blocks; b++) {
		unsigned what = rnd_below(r, 100);

		g->block_start[b] = g->n;
		if (what < 45)
			gen_alu(g, rnd_reg(r));
		else if (what < 70)
			gen_mem(g);
		else if (what < 85)
			gen_jump(g, b, n_blocks);
		else if (what < 92)
			emit_lddw(g, rnd_reg(r), rnd_value(r));
		else
			gen_call(g);
	}
	/* epilogue (block n_blocks): dump registers and the stack into the buffer */
	g->block_start[n_blocks] = g->n;
	for (uint8_t k = 0; k < 10; k++)
		emit(g, INSN(BPF_STX_MEM(BPF_DW, BPF_REG_10, k, (int16_t)(SLOT_REGS + 8 * k))));
	emit(g, INSN(BPF_LDX_MEM(BPF_DW, BPF_REG_1, BPF_REG_10, SLOT_MEM_PTR)));
	for (uint8_t k = 0; k < 10; k++) {
		int16_t from = (int16_t)(SLOT_REGS + 8 * k), to = (int16_t)(MEM_REGS + 8 * k);

		emit(g, INSN(BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, from)));
		emit(g, INSN(BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_2, to)));
	}
	for (int32_t s = STACK_LO; s < STACK_HI; s += 8) {
		emit(g, INSN(BPF_LDX_MEM(BPF_DW, BPF_REG_2, BPF_REG_10, (int16_t)s)));
		emit(g, INSN(BPF_STX_MEM(BPF_DW, BPF_REG_1, BPF_REG_2,
					 (int16_t)(MEM_STACK + s - STACK_LO))));
	}
	emit(g, INSN(BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_10, SLOT_REGS)));
	emit(g, INSN(BPF_EXIT_INSN()));
	sub_start = g->n;
	if (g->has_subprog)
		gen_subprog(g);
	/* resolve jumps and calls */
	for (uint32_t k = 0; k < g->n_jumps; k++) {
		struct bpf_insn *j = &g->insn[g->jumps[k].at];
		int32_t rel = (int32_t)g->block_start[g->jumps[k].to_block] -
			      (int32_t)(g->jumps[k].at + 1);

		if (BPF_CLASS(j->code) == BPF_JMP32 && BPF_OP(j->code) == BPF_JA)
			j->imm = rel;
		else
			j->off = (int16_t)rel;
	}
	for (uint32_t k = 0; k < g->n_calls; k++)
		g->insn[g->call_sites[k]].imm =
			(int32_t)sub_start - (int32_t)(g->call_sites[k] + 1);
	return g->n;
}

static uint64_t
h_mix(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	uint64_t h = a * 0x9e3779b97f4a7c15ull;

	h ^= b + (h << 6) + (h >> 2);
	h ^= c * 31 + d * 131 + e * 1031;
	return h;
}

static const struct xdpdk_helper_desc mix_desc = { .id = H_MIX, .name = "mix", .fn = h_mix };

static const struct xdpdk_helper_desc *
resolver(uint32_t id, enum xdpdk_prog_type type, void *arg)
{
	(void)type, (void)arg;
	return id == H_MIX ? &mix_desc : NULL;
}

static struct xdpdk_prog *
load(const struct bpf_insn *insns, uint32_t n, enum xdpdk_engine engine, char *log, size_t size)
{
	struct xdpdk_prog_opts opts = {
		.name = "random", .type = XDPDK_PROG_TYPE_RAW, .engine = engine,
		.helpers = resolver, .log_buf = log, .log_size = size,
		.no_verify = 1,	/* engine test: raw streams, the verifier has its own tests */
	};

	return xdpdk_prog_create(insns, n, &opts);
}

static void
dump_program(const struct bpf_insn *insns, uint32_t n)
{
	char line[128];

	for (uint32_t i = 0; i < n;) {
		int slots = xdpdk_disasm_insn(&insns[i], n - i, line, sizeof(line));

		fprintf(stderr, "  %4u: %s\n", i, slots > 0 ? line : "?");
		i += slots > 0 ? (uint32_t)slots : 1;
	}
}

static const char *
region(size_t at)
{
	return at < MEM_REGS ? "buffer" : at < MEM_STACK ? "register" : "stack";
}

static uint64_t
env_u64(const char *name, uint64_t def)
{
	const char *s = getenv(name);

	return s != NULL && *s != '\0' ? strtoull(s, NULL, 0) : def;
}

static void
test_diff_random_programs(void **state)
{
	uint64_t seed = env_u64("XDPDK_DIFF_SEED", DEFAULT_SEED);
	uint64_t programs = env_u64("XDPDK_DIFF_PROGRAMS", DEFAULT_PROGRAMS);
	struct rng r = { .s = seed * 0x2545f4914f6cdd1dull + 1 };
	/* aligned_alloc wants a multiple of the alignment */
	uint8_t *mem = aligned_alloc(64, (MEM_SIZE + 63) & ~63);
	uint8_t *mem_vm = aligned_alloc(64, (MEM_SIZE + 63) & ~63);
	struct gen *g = calloc(1, sizeof(*g));
	uint64_t diffs = 0, insns_total = 0;
	clock_t t0 = clock();
	char log[512];

	(void)state;
	assert_non_null(mem);
	assert_non_null(mem_vm);
	assert_non_null(g);
	g->r = &r;
	for (uint64_t p = 0; p < programs; p++) {
		uint32_t n = generate(g);
		struct xdpdk_prog *jit = load(g->insn, n, XDPDK_ENGINE_JIT, log, sizeof(log));
		struct xdpdk_prog *vm;

		if (jit == NULL) {
			fprintf(stderr, "seed %" PRIu64 " program %" PRIu64 ": JIT load failed: %s",
				seed, p, log);
			dump_program(g->insn, n);
			fail();
		}
		vm = load(g->insn, n, XDPDK_ENGINE_INTERP, log, sizeof(log));
		assert_non_null(vm);
		insns_total += n;
		for (int run = 0; run < RUNS_PER_PROGRAM; run++) {
			uint64_t r_jit, r_vm;

			for (size_t k = 0; k < MEM_SIZE; k += 8) {
				uint64_t v = rnd_value(&r);

				memcpy(mem + k, &v, 8);
			}
			memcpy(mem_vm, mem, MEM_SIZE);
			r_jit = xdpdk_prog_run(jit, mem, MEM_SIZE);
			r_vm = xdpdk_prog_run(vm, mem_vm, MEM_SIZE);
			if (r_jit == r_vm && memcmp(mem, mem_vm, MEM_SIZE) == 0)
				continue;
			if (diffs++ < 3) {
				fprintf(stderr, "seed %" PRIu64 " program %" PRIu64
					" run %d: r0 jit 0x%" PRIx64 " interp 0x%" PRIx64 "\n",
					seed, p, run, r_jit, r_vm);
				for (size_t k = 0; k < MEM_SIZE; k += 8) {
					uint64_t vj, vv;

					memcpy(&vj, mem + k, 8);
					memcpy(&vv, mem_vm + k, 8);
					if (vj != vv)
						fprintf(stderr, "  %s byte %zu: jit 0x%016" PRIx64
							" interp 0x%016" PRIx64 "\n", region(k), k,
							vj, vv);
				}
				dump_program(g->insn, n);
			}
			break;
		}
		xdpdk_prog_free(jit);
		xdpdk_prog_free(vm);
	}
	printf("%" PRIu64 " programs (%" PRIu64 " insns, %d runs each), %" PRIu64
	       " differences, seed %" PRIu64 ", %.1f s\n", programs, insns_total, RUNS_PER_PROGRAM,
	       diffs, seed, (double)(clock() - t0) / CLOCKS_PER_SEC);
	free(g);
	free(mem);
	free(mem_vm);
	if (diffs != 0)
		fail_msg("%" PRIu64 " of %" PRIu64 " programs differ (seed %" PRIu64 ")", diffs,
			 programs, seed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_random_programs),
	};

	return cmocka_run_group_tests_name("diff_random", tests, NULL, NULL);
}
