/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Disassembler and assembler: every instruction form prints as bpftool's
 * xlated dump does; assembler text round-trips through the disassembler;
 * every opcode of opcodes.def assembles; errors name the line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include <xdpdk/asm.h>
#include <xdpdk/bpf.h>

#include "isa.h"

#define INSN(c, d, s, o, i) \
	{ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) }
/* The two slots of an lddw: pseudo source, imm of each slot. */
#define LDDW(d, s, lo, hi) \
	INSN(BPF_LD | BPF_IMM | BPF_DW, d, s, 0, lo), INSN(0, 0, 0, 0, hi)

struct disasm_case {
	struct bpf_insn insn[2];
	uint32_t n;		/* slots available (0 means 1) */
	const char *text;
	int ret;		/* expected return: slots used or -EINVAL */
};

static void
check_cases(const struct disasm_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char buf[128];
		int ret = xdpdk_disasm_insn(cases[i].insn, cases[i].n ? cases[i].n : 1, buf,
					    sizeof(buf));

		if (strcmp(buf, cases[i].text) != 0 || ret != cases[i].ret)
			fail_msg("case %zu: got \"%s\" (%d), expected \"%s\" (%d)", i, buf, ret,
				 cases[i].text, cases[i].ret);
	}
}

static void
test_disasm_alu(void **state)
{
	static const struct disasm_case cases[] = {
		{ { INSN(BPF_ALU64 | BPF_MOV | BPF_X, 0, 1, 0, 0) }, 0, "r0 = r1", 1 },
		{ { INSN(BPF_ALU | BPF_ADD | BPF_K, 0, 0, 0, 5) }, 0, "w0 += 5", 1 },
		{ { INSN(BPF_ALU64 | BPF_MOV | BPF_K, 3, 0, 0, -1) }, 0, "r3 = -1", 1 },
		{ { INSN(BPF_ALU64 | BPF_SUB | BPF_X, 2, 9, 0, 0) }, 0, "r2 -= r9", 1 },
		{ { INSN(BPF_ALU | BPF_MUL | BPF_X, 4, 5, 0, 0) }, 0, "w4 *= w5", 1 },
		{ { INSN(BPF_ALU64 | BPF_DIV | BPF_K, 0, 0, 0, 3) }, 0, "r0 /= 3", 1 },
		{ { INSN(BPF_ALU64 | BPF_OR | BPF_K, 0, 0, 0, 16) }, 0, "r0 |= 16", 1 },
		{ { INSN(BPF_ALU64 | BPF_AND | BPF_X, 0, 1, 0, 0) }, 0, "r0 &= r1", 1 },
		{ { INSN(BPF_ALU64 | BPF_LSH | BPF_K, 1, 0, 0, 32) }, 0, "r1 <<= 32", 1 },
		{ { INSN(BPF_ALU | BPF_RSH | BPF_X, 1, 2, 0, 0) }, 0, "w1 >>= w2", 1 },
		{ { INSN(BPF_ALU64 | BPF_ARSH | BPF_K, 1, 0, 0, 7) }, 0, "r1 s>>= 7", 1 },
		{ { INSN(BPF_ALU64 | BPF_MOD | BPF_X, 0, 1, 0, 0) }, 0, "r0 %= r1", 1 },
		{ { INSN(BPF_ALU | BPF_XOR | BPF_K, 6, 0, 0, -2) }, 0, "w6 ^= -2", 1 },
		{ { INSN(BPF_ALU64 | BPF_NEG, 0, 0, 0, 0) }, 0, "r0 = -r0", 1 },
		{ { INSN(BPF_ALU | BPF_NEG, 7, 0, 0, 0) }, 0, "w7 = -w7", 1 },
		{ { INSN(BPF_ALU64 | BPF_DIV | BPF_X, 0, 1, 1, 0) }, 0, "r0 s/= r1", 1 },
		{ { INSN(BPF_ALU64 | BPF_MOD | BPF_X, 0, 1, 1, 0) }, 0, "r0 s%= r1", 1 },
		{ { INSN(BPF_ALU | BPF_DIV | BPF_K, 0, 0, 1, -3) }, 0, "w0 s/= -3", 1 },
		{ { INSN(BPF_ALU64 | BPF_MOV | BPF_X, 0, 1, 8, 0) }, 0, "r0 = (s8)r1", 1 },
		{ { INSN(BPF_ALU64 | BPF_MOV | BPF_X, 0, 1, 16, 0) }, 0, "r0 = (s16)r1", 1 },
		{ { INSN(BPF_ALU64 | BPF_MOV | BPF_X, 0, 1, 32, 0) }, 0, "r0 = (s32)r1", 1 },
		{ { INSN(BPF_ALU | BPF_MOV | BPF_X, 2, 3, 8, 0) }, 0, "w2 = (s8)w3", 1 },
		{ { INSN(BPF_ALU | BPF_END | BPF_TO_BE, 0, 0, 0, 16) }, 0, "r0 = be16 r0", 1 },
		{ { INSN(BPF_ALU | BPF_END | BPF_TO_LE, 1, 0, 0, 32) }, 0, "r1 = le32 r1", 1 },
		{ { INSN(BPF_ALU64 | BPF_END | BPF_TO_LE, 0, 0, 0, 64) }, 0, "r0 = bswap64 r0", 1 },
		/* Encodings with an undefined off or width are refused, not guessed at. */
		{ { INSN(BPF_ALU64 | BPF_DIV | BPF_X, 0, 1, 2, 0) }, 0, "invalid insn 0x3f",
		  -EINVAL },
		{ { INSN(BPF_ALU64 | BPF_MOV | BPF_X, 0, 1, 7, 0) }, 0, "invalid insn 0xbf",
		  -EINVAL },
		{ { INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 8, 1) }, 0, "invalid insn 0xb7",
		  -EINVAL },
		{ { INSN(BPF_ALU | BPF_END | BPF_TO_BE, 0, 0, 0, 8) }, 0, "invalid insn 0xdc",
		  -EINVAL },
	};

	(void)state;
	check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_disasm_jmp(void **state)
{
	static const struct disasm_case cases[] = {
		{ { INSN(BPF_JMP | BPF_JGT | BPF_X, 2, 3, 5, 0) }, 0, "if r2 > r3 goto pc+5", 1 },
		{ { INSN(BPF_JMP32 | BPF_JSLT | BPF_K, 1, 0, -3, 5) }, 0,
		  "if w1 s< 0x5 goto pc-3", 1 },
		{ { INSN(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0, -1) }, 0,
		  "if r1 == 0xffffffff goto pc+0", 1 },
		{ { INSN(BPF_JMP | BPF_JSET | BPF_X, 1, 2, 1, 0) }, 0, "if r1 & r2 goto pc+1", 1 },
		{ { INSN(BPF_JMP32 | BPF_JNE | BPF_X, 4, 5, 2, 0) }, 0,
		  "if w4 != w5 goto pc+2", 1 },
		{ { INSN(BPF_JMP | BPF_JSGE | BPF_K, 1, 0, 2, 0) }, 0,
		  "if r1 s>= 0x0 goto pc+2", 1 },
		{ { INSN(BPF_JMP | BPF_JLE | BPF_K, 1, 0, 2, 7) }, 0, "if r1 <= 0x7 goto pc+2", 1 },
		{ { INSN(BPF_JMP | BPF_JA, 0, 0, 2, 0) }, 0, "goto pc+2", 1 },
		{ { INSN(BPF_JMP32 | BPF_JA, 0, 0, 0, 100000) }, 0, "gotol pc+100000", 1 },
		{ { INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem) }, 0,
		  "call bpf_map_lookup_elem#1", 1 },
		{ { INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_tail_call) }, 0,
		  "call bpf_tail_call#12", 1 },
		{ { INSN(BPF_JMP | BPF_CALL, 0, 0, 0, 100000) }, 0, "call unknown#100000", 1 },
		{ { INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 3) }, 0, "call pc+3", 1 },
		{ { INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, -7) }, 0, "call pc-7", 1 },
		{ { INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0) }, 0, "exit", 1 },
	};

	(void)state;
	check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_disasm_mem(void **state)
{
	static const struct disasm_case cases[] = {
		{ { INSN(BPF_LDX | BPF_MEM | BPF_W, 1, 1, 4, 0) }, 0, "r1 = *(u32 *)(r1 +4)", 1 },
		{ { INSN(BPF_LDX | BPF_MEM | BPF_DW, 0, 10, -8, 0) }, 0,
		  "r0 = *(u64 *)(r10 -8)", 1 },
		{ { INSN(BPF_LDX | BPF_MEMSX | BPF_B, 0, 1, 0, 0) }, 0, "r0 = *(s8 *)(r1 +0)", 1 },
		{ { INSN(BPF_LDX | BPF_MEMSX | BPF_H, 0, 1, 2, 0) }, 0, "r0 = *(s16 *)(r1 +2)", 1 },
		{ { INSN(BPF_LDX | BPF_MEMSX | BPF_W, 0, 1, 0, 0) }, 0, "r0 = *(s32 *)(r1 +0)", 1 },
		{ { INSN(BPF_STX | BPF_MEM | BPF_H, 10, 2, -8, 0) }, 0,
		  "*(u16 *)(r10 -8) = r2", 1 },
		{ { INSN(BPF_ST | BPF_MEM | BPF_B, 1, 0, 0, 7) }, 0, "*(u8 *)(r1 +0) = 7", 1 },
		{ { INSN(BPF_ST | BPF_MEM | BPF_DW, 10, 0, -16, -1) }, 0,
		  "*(u64 *)(r10 -16) = -1", 1 },
		{ { INSN(BPF_LD | BPF_ABS | BPF_B, 0, 0, 0, 14) }, 0, "r0 = *(u8 *)skb[14]", 1 },
		{ { INSN(BPF_LD | BPF_IND | BPF_H, 0, 1, 0, 14) }, 0,
		  "r0 = *(u16 *)skb[r1 + 14]", 1 },
		{ { INSN(BPF_LD | BPF_ABS | BPF_W, 0, 0, 0, 12) }, 0, "r0 = *(u32 *)skb[12]", 1 },
	};

	(void)state;
	check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_disasm_atomic(void **state)
{
	static const struct disasm_case cases[] = {
		{ { INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_ADD) }, 0,
		  "lock *(u64 *)(r1 +0) += r2", 1 },
		{ { INSN(BPF_STX | BPF_ATOMIC | BPF_W, 1, 2, 4, BPF_OR) }, 0,
		  "lock *(u32 *)(r1 +4) |= r2", 1 },
		{ { INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_AND) }, 0,
		  "lock *(u64 *)(r1 +0) &= r2", 1 },
		{ { INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_XOR) }, 0,
		  "lock *(u64 *)(r1 +0) ^= r2", 1 },
		{ { INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_ADD | BPF_FETCH) }, 0,
		  "r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)", 1 },
		{ { INSN(BPF_STX | BPF_ATOMIC | BPF_W, 1, 3, -4, BPF_XOR | BPF_FETCH) }, 0,
		  "r3 = atomic_fetch_xor((u32 *)(r1 -4), r3)", 1 },
		{ { INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_CMPXCHG) }, 0,
		  "r0 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)", 1 },
		{ { INSN(BPF_STX | BPF_ATOMIC | BPF_W, 10, 2, -8, BPF_CMPXCHG) }, 0,
		  "r0 = atomic_cmpxchg((u32 *)(r10 -8), r0, r2)", 1 },
		{ { INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 8, BPF_XCHG) }, 0,
		  "r2 = atomic64_xchg((u64 *)(r1 +8), r2)", 1 },
		/* BPF_SUB is no atomic operation. */
		{ { INSN(BPF_STX | BPF_ATOMIC | BPF_DW, 1, 2, 0, BPF_SUB) }, 0,
		  "invalid insn 0xdb", -EINVAL },
	};

	(void)state;
	check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void
test_disasm_lddw(void **state)
{
	static const struct disasm_case cases[] = {
		{ { LDDW(0, 0, 0x55667788, 0x11223344) }, 2, "r0 = 0x1122334455667788 ll", 2 },
		{ { LDDW(1, BPF_PSEUDO_MAP_FD, 5, 0) }, 2, "r1 = map[fd:5]", 2 },
		{ { LDDW(1, BPF_PSEUDO_MAP_VALUE, 5, 16) }, 2, "r1 = map[fd:5][0]+16", 2 },
		{ { LDDW(2, BPF_PSEUDO_MAP_IDX, 1, 0) }, 2, "r2 = map[idx:1]", 2 },
		{ { LDDW(2, BPF_PSEUDO_MAP_IDX_VALUE, 1, 4) }, 2, "r2 = map[idx:1][0]+4", 2 },
		{ { LDDW(3, BPF_PSEUDO_BTF_ID, 9, 0) }, 2, "r3 = btf[id:9]", 2 },
		{ { LDDW(3, BPF_PSEUDO_FUNC, 6, 0) }, 2, "r3 = func pc+6", 2 },
		{ { LDDW(3, 7, 6, 0) }, 2, "invalid insn 0x18", -EINVAL },
		/* Truncated, or a second slot that is not a plain continuation. */
		{ { INSN(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 1) }, 1, "invalid insn 0x18",
		  -EINVAL },
		{ { INSN(BPF_LD | BPF_IMM | BPF_DW, 0, 0, 0, 1),
		    INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0) }, 2, "invalid insn 0x18", -EINVAL },
		/* Opcodes not in opcodes.def. */
		{ { INSN(0x00, 0, 0, 0, 0) }, 0, "invalid insn 0x00", -EINVAL },
		{ { INSN(0xff, 0, 0, 0, 0) }, 0, "invalid insn 0xff", -EINVAL },
		{ { INSN(BPF_JMP | BPF_CALL | BPF_X, 0, 0, 0, 0) }, 0, "invalid insn 0x8d",
		  -EINVAL },
	};

	(void)state;
	check_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

/* A small buffer truncates the text but is never overrun; NULL is accepted. */
static void
test_disasm_small_buffer(void **state)
{
	const struct bpf_insn insn = INSN(BPF_ALU64 | BPF_MOV | BPF_X, 0, 1, 0, 0);
	char buf[8];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(xdpdk_disasm_insn(&insn, 1, buf, 4), 1);
	assert_string_equal(buf, "r0 ");
	assert_int_equal(buf[4], 'x');
	assert_int_equal(xdpdk_disasm_insn(&insn, 1, NULL, 0), 1);
	assert_int_equal(xdpdk_disasm_insn(&insn, 0, buf, sizeof(buf)), -EINVAL);
}

/* Assemble @text and compare the disassembly, one line per instruction. */
static void
check_roundtrip(const char *text, const char *const expected[], size_t n_expected)
{
	struct bpf_insn *insns = NULL;
	char err[256], buf[128];
	size_t line = 0;
	uint32_t n = 0;
	int rc;

	rc = xdpdk_asm(text, &insns, &n, err, sizeof(err));
	if (rc != 0)
		fail_msg("asm failed: %s", err);
	for (uint32_t i = 0; i < n; line++) {
		rc = xdpdk_disasm_insn(&insns[i], n - i, buf, sizeof(buf));
		assert_true(rc > 0);
		assert_true(line < n_expected);
		if (strcmp(buf, expected[line]) != 0)
			fail_msg("line %zu: got \"%s\", expected \"%s\"", line, buf,
				 expected[line]);
		i += (uint32_t)rc;
	}
	assert_int_equal(line, n_expected);
	free(insns);
}

static void
test_asm_roundtrip_alu(void **state)
{
	static const char text[] =
		"# ALU forms\n"
		"mov32 %r0, 0\n"
		"add %r1, %r2\n"
		"add32 %r1, -1 ; trailing comment\n"
		"  sub %r3, 0x10\n"
		"mul32 %r4, %r5\n"
		"div %r0, 3\n"
		"sdiv %r0, %r1\n"
		"smod32 %r0, 3\n"
		"mod %r0, %r1\n"
		"or %r0, 0xff\n"
		"and32 %r0, %r9\n"
		"lsh %r1, 32\n"
		"rsh32 %r1, %r2\n"
		"arsh %r1, 7\n"
		"xor %r6, %r7\n"
		"neg %r0\n"
		"neg32 %r3\n"
		"mov %r0, r1\n"
		"movsx864 %r0, %r1\n"
		"movsx1664 %r0, %r1\n"
		"movsx3264 %r0, %r1\n"
		"movsx832 %r2, %r3\n"
		"movsx1632 %r2, %r3\n"
		"be16 %r0\n"
		"le32 %r1\n"
		"be64 %r2\n"
		"bswap16 %r0\n"
		"swap32 %r0\n"
		"bswap64 %r0\n"
		"lddw %r0, 0x1122334455667788\n"
		"lddw %r1, -1\n";
	static const char *const expected[] = {
		"w0 = 0", "r1 += r2", "w1 += -1", "r3 -= 16", "w4 *= w5", "r0 /= 3",
		"r0 s/= r1", "w0 s%= 3", "r0 %= r1", "r0 |= 255", "w0 &= w9", "r1 <<= 32",
		"w1 >>= w2", "r1 s>>= 7", "r6 ^= r7", "r0 = -r0", "w3 = -w3", "r0 = r1",
		"r0 = (s8)r1", "r0 = (s16)r1", "r0 = (s32)r1", "w2 = (s8)w3", "w2 = (s16)w3",
		"r0 = be16 r0", "r1 = le32 r1", "r2 = be64 r2", "r0 = bswap16 r0",
		"r0 = bswap32 r0", "r0 = bswap64 r0", "r0 = 0x1122334455667788 ll",
		"r1 = 0xffffffffffffffff ll",
	};

	(void)state;
	check_roundtrip(text, expected, sizeof(expected) / sizeof(expected[0]));
}

static void
test_asm_roundtrip_jmp_mem(void **state)
{
	static const char text[] =
		"start:\n"
		"jeq %r1, 0x5, +2\n"
		"jsgt32 %r1, %r2, out\n"
		"jne %r1, -1, exit\n"
		"ja -3\n"
		"ja32 +70000\n"
		"gotol start\n"
		"call 1\n"
		"call helper 2\n"
		"call local func\n"
		"out: exit\n"
		"func:\n"
		"ldxw %r0, [%r1+4]\n"
		"ldxdw %r0, [%r1]\n"
		"ldxh %r2, [ %r10 - 2 ]\n"
		"ldxsb %r0, [%r1+0]\n"
		"ldxsh %r0, [%r1-2]\n"
		"ldxsw %r0, [%r1+8]\n"
		"stxdw [%r10-8], %r1\n"
		"stxb [%r1+1], %r2\n"
		"stb [%r1+2], 0x11\n"
		"stw [%r10-4], -1\n"
		"ldabsh 12\n"
		"ldindb %r1, 14\n"
		"lock add [%r1+0], %r2\n"
		"lock fetch add [%r1], %r2\n"
		"lock or32 [%r1+4], %r3\n"
		"lock fetch xor32 [%r1], %r2\n"
		"lock fetch and [%r1], %r2\n"
		"lock xchg [%r10-8], %r1\n"
		"lock cmpxchg32 [%r10-4], %r2\n"
		"lock cmpxchg [%r1], %r2\n"
		"exit\n";
	static const char *const expected[] = {
		"if r1 == 0x5 goto pc+2",
		"if w1 s> w2 goto pc+7",
		"if r1 != 0xffffffff goto pc+6",
		"goto pc-3",
		"gotol pc+70000",
		"gotol pc-6",
		"call bpf_map_lookup_elem#1",
		"call bpf_map_update_elem#2",
		"call pc+1",
		"exit",
		"r0 = *(u32 *)(r1 +4)",
		"r0 = *(u64 *)(r1 +0)",
		"r2 = *(u16 *)(r10 -2)",
		"r0 = *(s8 *)(r1 +0)",
		"r0 = *(s16 *)(r1 -2)",
		"r0 = *(s32 *)(r1 +8)",
		"*(u64 *)(r10 -8) = r1",
		"*(u8 *)(r1 +1) = r2",
		"*(u8 *)(r1 +2) = 17",
		"*(u32 *)(r10 -4) = -1",
		"r0 = *(u16 *)skb[12]",
		"r0 = *(u8 *)skb[r1 + 14]",
		"lock *(u64 *)(r1 +0) += r2",
		"r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)",
		"lock *(u32 *)(r1 +4) |= r3",
		"r2 = atomic_fetch_xor((u32 *)(r1 +0), r2)",
		"r2 = atomic64_fetch_and((u64 *)(r1 +0), r2)",
		"r1 = atomic64_xchg((u64 *)(r10 -8), r1)",
		"r0 = atomic_cmpxchg((u32 *)(r10 -4), r0, r2)",
		"r0 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)",
		"exit",
	};

	(void)state;
	check_roundtrip(text, expected, sizeof(expected) / sizeof(expected[0]));
}

/* The first exit is the implicit "exit" label; a defined label wins over it. */
static void
test_asm_exit_label(void **state)
{
	static const char implicit[] = "jeq %r1, 1, exit\nmov %r0, 1\nexit\nmov %r0, 2\nexit\n";
	static const char defined[] = "jeq %r1, 1, exit\nexit\nexit: mov %r0, 2\nexit\n";
	struct bpf_insn *insns;
	uint32_t n;

	(void)state;
	assert_int_equal(xdpdk_asm(implicit, &insns, &n, NULL, 0), 0);
	assert_int_equal(n, 5);
	assert_int_equal(insns[0].off, 1);
	free(insns);
	assert_int_equal(xdpdk_asm(defined, &insns, &n, NULL, 0), 0);
	assert_int_equal(insns[0].off, 1);
	free(insns);
}

/* Exact encodings of the aliases that opcodes.def folds into one mnemonic. */
static void
test_asm_encodings(void **state)
{
	static const char text[] =
		"sdiv32 %r1, 7\n"
		"movsx1632 %r2, %r3\n"
		"le16 %r4\n"
		"ja32 -2\n"
		"call local +5\n"
		"lock fetch or [%r10-16], %r5\n"
		"lddw %r9, 0x8000000000000001\n"
		"mov %r0, 0xffffffff\n";
	struct bpf_insn *in;
	uint32_t n;

	(void)state;
	assert_int_equal(xdpdk_asm(text, &in, &n, NULL, 0), 0);
	assert_int_equal(n, 9);
	assert_int_equal(in[0].code, BPF_ALU | BPF_DIV | BPF_K);
	assert_int_equal(in[0].off, 1);
	assert_int_equal(in[0].imm, 7);
	assert_int_equal(in[1].code, BPF_ALU | BPF_MOV | BPF_X);
	assert_int_equal(in[1].off, 16);
	assert_int_equal(in[1].dst_reg, 2);
	assert_int_equal(in[1].src_reg, 3);
	assert_int_equal(in[2].code, BPF_ALU | BPF_END | BPF_TO_LE);
	assert_int_equal(in[2].imm, 16);
	assert_int_equal(in[3].code, BPF_JMP32 | BPF_JA);
	assert_int_equal(in[3].imm, -2);
	assert_int_equal(in[3].off, 0);
	assert_int_equal(in[4].code, BPF_JMP | BPF_CALL);
	assert_int_equal(in[4].src_reg, BPF_PSEUDO_CALL);
	assert_int_equal(in[4].imm, 5);
	assert_int_equal(in[5].code, BPF_STX | BPF_ATOMIC | BPF_DW);
	assert_int_equal(in[5].imm, BPF_OR | BPF_FETCH);
	assert_int_equal(in[5].dst_reg, 10);
	assert_int_equal(in[5].src_reg, 5);
	assert_int_equal(in[5].off, -16);
	assert_true(xdpdk_isa_is_lddw(&in[6]));
	assert_int_equal(in[6].dst_reg, 9);
	assert_true(xdpdk_isa_lddw_imm(&in[6]) == 0x8000000000000001ull);
	assert_int_equal(in[7].code, 0);
	assert_int_equal(in[8].imm, -1);
	free(in);
}

/*
 * The bpf_conformance suite writes the immediate of 64-bit operations as the
 * 64-bit value it stands for (0xfffffffffffffffc for -4) and calls a kfunc
 * with "call runtime N".
 */
static void
test_asm_conformance_spellings(void **state)
{
	static const char text[] =
		"jne %r1, 0xffffffffffffffff, +1\n"
		"mov %r0, 0xfffffffffffffffc\n"
		"sdiv %r1, 0xFFFFFFFF80000000\n"
		"call runtime 0x2a\n";
	struct bpf_insn *in;
	char buf[128];
	uint32_t n;

	(void)state;
	assert_int_equal(xdpdk_asm(text, &in, &n, NULL, 0), 0);
	assert_int_equal(n, 4);
	assert_int_equal(in[0].code, BPF_JMP | BPF_JNE | BPF_K);
	assert_int_equal(in[0].imm, -1);
	assert_int_equal(in[1].imm, -4);
	assert_int_equal(in[2].imm, INT32_MIN);
	assert_int_equal(in[3].code, BPF_JMP | BPF_CALL);
	assert_int_equal(in[3].src_reg, BPF_PSEUDO_KFUNC_CALL);
	assert_int_equal(in[3].imm, 42);
	assert_int_equal(xdpdk_disasm_insn(&in[3], 1, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "call kernel-function#42");
	free(in);
}

/* Per operand shape of opcodes.def, a line that must assemble to that opcode. */
static const char *
template_for(const char *kind, const char *mnemonic, uint8_t code, char *buf, size_t size)
{
	static const struct { const char *kind; const char *fmt; } t[] = {
		{ "ALU64_IMM", "%s %%r1, 5" }, { "ALU32_IMM", "%s %%r1, 5" },
		{ "ALU64_REG", "%s %%r1, %%r2" }, { "ALU32_REG", "%s %%r1, %%r2" },
		{ "ALU64_UN", "%s %%r1" }, { "ALU32_UN", "%s %%r1" }, { "END", "%s16 %%r1" },
		{ "JA", "%s +0" }, { "JMP64_IMM", "%s %%r1, 5, +0" },
		{ "JMP32_IMM", "%s %%r1, 5, +0" }, { "JMP64_REG", "%s %%r1, %%r2, +0" },
		{ "JMP32_REG", "%s %%r1, %%r2, +0" }, { "CALL", "%s 1" }, { "EXIT", "%s" },
		{ "LDDW", "%s %%r1, 5" }, { "LD_ABS", "%s 4" }, { "LD_IND", "%s %%r2, 4" },
		{ "LDX", "%s %%r1, [%%r2+4]" }, { "LDXSX", "%s %%r1, [%%r2+4]" },
		{ "ST", "%s [%%r1+4], 5" }, { "STX", "%s [%%r1+4], %%r2" },
	};

	if (strcmp(kind, "ATOMIC") == 0) {
		snprintf(buf, size, "lock add%s [%%r1+4], %%r2",
			 BPF_SIZE(code) == BPF_W ? "32" : "");
		return buf;
	}
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (strcmp(t[i].kind, kind) == 0) {
			snprintf(buf, size, t[i].fmt, mnemonic);
			return buf;
		}
	}
	return NULL;
}

/* The matrix over opcodes.def: every opcode assembles, and disassembles. */
static void
test_asm_every_opcode(void **state)
{
	static const struct { uint8_t code; const char *mnemonic; const char *kind; } ops[] = {
#define XDPDK_OP(code, mnemonic, kind, op) { code, #mnemonic, #kind },
#include "opcodes.def"
#undef XDPDK_OP
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		char line[64], err[256], buf[128];
		struct bpf_insn *insns;
		uint32_t n;

		if (template_for(ops[i].kind, ops[i].mnemonic, ops[i].code, line,
				 sizeof(line)) == NULL)
			fail_msg("no template for kind %s", ops[i].kind);
		if (xdpdk_asm(line, &insns, &n, err, sizeof(err)) != 0)
			fail_msg("'%s': %s", line, err);
		if (insns[0].code != ops[i].code)
			fail_msg("'%s' gave opcode 0x%02x, expected 0x%02x", line, insns[0].code,
				 ops[i].code);
		if (xdpdk_disasm_insn(insns, n, buf, sizeof(buf)) <= 0)
			fail_msg("'%s' does not disassemble: %s", line, buf);
		free(insns);
	}
}

struct error_case {
	const char *text;
	const char *error;
};

static void
test_asm_errors(void **state)
{
	static const struct error_case cases[] = {
		{ "mov %r0, 0\nexit\nfoo %r0, 1\n", "line 3: unknown mnemonic 'foo'" },
		{ "mov %r0, 1, 2\n", "line 1: bad operands for 'mov'" },
		{ "add %r0\n", "line 1: bad operands for 'add'" },
		{ "mov %r16, 1\n", "line 1: bad operands for 'mov'" },
		{ "mov32 %r0, 0x100000000\n", "line 1: immediate '0x100000000' does not fit" },
		{ "jne %r1, 0x100000000, +1\n", "line 1: immediate '0x100000000' does not fit" },
		{ "mov %r0, 0xffffffff7fffffff\n",
		  "line 1: immediate '0xffffffff7fffffff' does not fit" },
		{ "call runtime\n", "line 1: call needs a target" },
		{ "ldxw %r0, [%r1+40000]\n", "line 1: bad offset in '[%r1+40000]'" },
		{ "ldxw %r0, %r1\n", "line 1: bad operands for 'ldxw'" },
		{ "\n\nja nowhere\n", "line 3: unknown label 'nowhere'" },
		{ "a:\nexit\na:\nexit\n", "line 3: duplicate label 'a'" },
		{ "be %r0\n", "line 1: 'be' needs a width" },
		{ "movsx864 %r0, 5\n", "line 1: 'movsx864' takes a register source" },
		{ "lock sub [%r1], %r2\n", "line 1: unknown atomic operation 'sub'" },
		{ "lock add [%r1]\n", "line 1: lock add takes 2 operands" },
		{ "call %r2\n", "line 1: call through a register (callx) is not supported" },
		{ "call\n", "line 1: call needs a target" },
		{ "jeq %r1, 1, +40000\n", "line 1: jump offset '+40000' does not fit" },
		{ "lddw %r0, 0x10000000000000000\n", "line 1: bad operands for 'lddw'" },
		{ "mov %r0,\n", "line 1: empty operand for 'mov'" },
		{ "1abc: exit\n", "line 1: bad label name '1abc'" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bpf_insn *insns = NULL;
		char err[256];
		uint32_t n;
		int rc = xdpdk_asm(cases[i].text, &insns, &n, err, sizeof(err));

		if (rc != -EINVAL || strncmp(err, cases[i].error, strlen(cases[i].error)) != 0)
			fail_msg("case %zu: rc %d, got \"%s\", expected \"%s...\"", i, rc, err,
				 cases[i].error);
		assert_null(insns);
	}
}

/* A program that jumps with @jump over 40000 instructions to a label. */
static char *
far_jump_text(const char *jump)
{
	size_t size = 40000 * 9 + 64, len = 0;
	char *text = malloc(size);

	assert_non_null(text);
	len += (size_t)snprintf(text + len, size - len, "%s far\n", jump);
	for (int i = 0; i < 40000; i++)
		len += (size_t)snprintf(text + len, size - len, "neg %%r0\n");
	snprintf(text + len, size - len, "far: exit\n");
	return text;
}

/* A label farther than a 16-bit offset reaches is refused; gotol reaches it. */
static void
test_asm_far_label(void **state)
{
	char *text, err[256];
	struct bpf_insn *insns;
	uint32_t n;

	(void)state;
	text = far_jump_text("ja");
	assert_int_equal(xdpdk_asm(text, &insns, &n, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 1: jump to 'far' is out of range (40000)");
	free(text);
	text = far_jump_text("gotol");
	assert_int_equal(xdpdk_asm(text, &insns, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 40002);
	assert_int_equal(insns[0].imm, 40000);
	free(insns);
	free(text);
}

static void
test_asm_empty(void **state)
{
	struct bpf_insn *insns = (struct bpf_insn *)&insns;
	uint32_t n = 7;

	(void)state;
	assert_int_equal(xdpdk_asm("# nothing\n\n   ; here\n", &insns, &n, NULL, 0), 0);
	assert_int_equal(n, 0);
	assert_null(insns);
	assert_int_equal(xdpdk_asm(NULL, &insns, &n, NULL, 0), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disasm_alu),
		cmocka_unit_test(test_disasm_jmp),
		cmocka_unit_test(test_disasm_mem),
		cmocka_unit_test(test_disasm_atomic),
		cmocka_unit_test(test_disasm_lddw),
		cmocka_unit_test(test_disasm_small_buffer),
		cmocka_unit_test(test_asm_roundtrip_alu),
		cmocka_unit_test(test_asm_roundtrip_jmp_mem),
		cmocka_unit_test(test_asm_exit_label),
		cmocka_unit_test(test_asm_encodings),
		cmocka_unit_test(test_asm_conformance_spellings),
		cmocka_unit_test(test_asm_every_opcode),
		cmocka_unit_test(test_asm_errors),
		cmocka_unit_test(test_asm_far_label),
		cmocka_unit_test(test_asm_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
