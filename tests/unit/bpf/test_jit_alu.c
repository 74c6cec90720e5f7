/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JIT tests of the ALU opcodes: every ALU opcode of opcodes.def on every
 * register pair against isa.h's semantics, and the edge cases by hand
 * (division by 0 and -1, division by constants, the rotate idiom, shifts,
 * zero extension, movsx, byte swaps, lddw); each program run on the JIT and
 * on the interpreter with the same memory.
 */
#include "jit_test.h"

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
	};
	int failed = cmocka_run_group_tests_name("jit alu", tests, NULL, NULL);

	/* Every test again on blinded images: the same results, whatever the program. */
	return failed + cmocka_run_group_tests_name("jit alu, constant blinding", tests, blind_on,
						    blind_off);
}
