/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JIT tests: jumps, memory and atomics (every opcode against values computed
 * here), calls, tail calls, LD_ABS/IND, the burst entry, the image's mapping
 * and constant blinding; each program run on the JIT and on the interpreter
 * with the same memory. ALU opcodes: test_jit_alu.c.
 */
#include "jit_test.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
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
