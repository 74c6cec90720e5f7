/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The interpreter's test tables: {name, program, memory, expected r0}, with
 * the helpers they call. Shared so that every engine (interpreter, JIT) runs
 * the same cases; expected values are worked out by hand, never computed.
 */
#ifndef XDPDK_TESTS_VM_CASES_H
#define XDPDK_TESTS_VM_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xdpdk/bpf.h>

#include "insn_macros.h"

struct vm_case {
	const char *name;
	const struct bpf_insn *insns;
	uint32_t n_insns;
	const uint8_t *mem;	/* r1 = a private copy, r2 = its length; NULL: r1 = r2 = 0 */
	uint32_t mem_len;
	uint64_t expect;
};

#define INSNS(...) .insns = (const struct bpf_insn[]){ __VA_ARGS__ }, \
	.n_insns = sizeof((const struct bpf_insn[]){ __VA_ARGS__ }) / sizeof(struct bpf_insn)
#define MEM(...) .mem = (const uint8_t[]){ __VA_ARGS__ }, \
	.mem_len = sizeof((const uint8_t[]){ __VA_ARGS__ })
#define CASE(NAME, EXPECT, ...) { .name = NAME, .expect = EXPECT, INSNS(__VA_ARGS__) }
#define MCASE(NAME, EXPECT, MEMORY, ...) \
	{ .name = NAME, .expect = EXPECT, MEMORY, INSNS(__VA_ARGS__) }
#define N_CASES(t) (sizeof(t) / sizeof((t)[0]))

/* Tables are static in every includer; not all of them use every table. */
#define VM_TABLE static const struct vm_case __attribute__((unused))

/* Helpers the test programs may call, and the resolver to load them with. */
#define HELPER_WEIGHTED 1	/* r1 + 2 r2 + 3 r3 + 4 r4 + 5 r5 */
#define HELPER_CONST 5		/* 0x1234 */

static __attribute__((unused)) uint64_t
helper_weighted(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return r1 + 2 * r2 + 3 * r3 + 4 * r4 + 5 * r5;
}

static __attribute__((unused)) uint64_t
helper_const(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return 0x1234;
}

static const struct xdpdk_helper_desc __attribute__((unused)) test_helpers[] = {
	{ .id = HELPER_WEIGHTED, .name = "weighted", .fn = helper_weighted },
	{ .id = HELPER_CONST, .name = "const", .fn = helper_const },
};

static __attribute__((unused)) const struct xdpdk_helper_desc *
test_resolver(uint32_t id, enum xdpdk_prog_type type, void *arg)
{
	for (size_t i = 0; i < N_CASES(test_helpers); i++)
		if (test_helpers[i].id == id)
			return &test_helpers[i];
	return NULL;
}

#define R0_HI(LOW) BPF_LD_IMM64(0, 0xdeadbeef00000000ULL | (uint32_t)(LOW))

VM_TABLE alu64_cases[] = {
	CASE("add64 imm", 12, BPF_MOV64_IMM(0, 5), BPF_ALU64_IMM(BPF_ADD, 0, 7), BPF_EXIT_INSN()),
	CASE("add64 reg", 12, BPF_MOV64_IMM(0, 5), BPF_MOV64_IMM(1, 7),
	     BPF_ALU64_REG(BPF_ADD, 0, 1), BPF_EXIT_INSN()),
	CASE("add64 imm is sign-extended", UINT64_MAX, BPF_MOV64_IMM(0, 0),
	     BPF_ALU64_IMM(BPF_ADD, 0, -1), BPF_EXIT_INSN()),
	CASE("sub64 imm", 0xfffffffffffffffeULL, BPF_MOV64_IMM(0, 5),
	     BPF_ALU64_IMM(BPF_SUB, 0, 7), BPF_EXIT_INSN()),
	CASE("sub64 reg", 0xfffffffffffffffeULL, BPF_MOV64_IMM(0, 5), BPF_MOV64_IMM(1, 7),
	     BPF_ALU64_REG(BPF_SUB, 0, 1), BPF_EXIT_INSN()),
	CASE("mul64 imm", 0x300000000ULL, BPF_LD_IMM64(0, 0x100000000ULL),
	     BPF_ALU64_IMM(BPF_MUL, 0, 3), BPF_EXIT_INSN()),
	CASE("mul64 imm negative", 0xfffffffffffffffaULL, BPF_MOV64_IMM(0, 3),
	     BPF_ALU64_IMM(BPF_MUL, 0, -2), BPF_EXIT_INSN()),
	CASE("mul64 reg wraps", 2, BPF_LD_IMM64(0, 0x8000000000000001ULL), BPF_MOV64_IMM(1, 2),
	     BPF_ALU64_REG(BPF_MUL, 0, 1), BPF_EXIT_INSN()),
	CASE("div64 imm", 0x100000000ULL, BPF_LD_IMM64(0, 0x300000000ULL),
	     BPF_ALU64_IMM(BPF_DIV, 0, 3), BPF_EXIT_INSN()),
	CASE("div64 imm -1 is unsigned 2^64-1", 0, BPF_MOV64_IMM(0, 10),
	     BPF_ALU64_IMM(BPF_DIV, 0, -1), BPF_EXIT_INSN()),
	CASE("div64 reg", 14, BPF_MOV64_IMM(0, 100), BPF_MOV64_IMM(1, 7),
	     BPF_ALU64_REG(BPF_DIV, 0, 1), BPF_EXIT_INSN()),
	CASE("div64 by zero imm", 0, BPF_MOV64_IMM(0, 10), BPF_ALU64_IMM(BPF_DIV, 0, 0),
	     BPF_EXIT_INSN()),
	CASE("div64 by zero reg", 0, BPF_MOV64_IMM(0, 10), BPF_MOV64_IMM(1, 0),
	     BPF_ALU64_REG(BPF_DIV, 0, 1), BPF_EXIT_INSN()),
	CASE("mod64 imm", 2, BPF_MOV64_IMM(0, 100), BPF_ALU64_IMM(BPF_MOD, 0, 7), BPF_EXIT_INSN()),
	CASE("mod64 reg", 2, BPF_MOV64_IMM(0, 100), BPF_MOV64_IMM(1, 7),
	     BPF_ALU64_REG(BPF_MOD, 0, 1), BPF_EXIT_INSN()),
	CASE("mod64 by zero imm keeps dst", 0xdeadbeef12345678ULL,
	     BPF_LD_IMM64(0, 0xdeadbeef12345678ULL), BPF_ALU64_IMM(BPF_MOD, 0, 0), BPF_EXIT_INSN()),
	CASE("mod64 by zero reg keeps dst", 0xdeadbeef12345678ULL,
	     BPF_LD_IMM64(0, 0xdeadbeef12345678ULL), BPF_MOV64_IMM(1, 0),
	     BPF_ALU64_REG(BPF_MOD, 0, 1), BPF_EXIT_INSN()),
	CASE("sdiv64 INT64_MIN / -1 imm", 0x8000000000000000ULL,
	     BPF_LD_IMM64(0, 0x8000000000000000ULL), BPF_ALU64_IMM_OFF(BPF_DIV, 0, -1, 1),
	     BPF_EXIT_INSN()),
	CASE("sdiv64 INT64_MIN / -1 reg", 0x8000000000000000ULL,
	     BPF_LD_IMM64(0, 0x8000000000000000ULL), BPF_MOV64_IMM(1, -1),
	     BPF_ALU64_REG_OFF(BPF_DIV, 0, 1, 1), BPF_EXIT_INSN()),
	CASE("sdiv64 -7 / 2 truncates", 0xfffffffffffffffdULL, BPF_MOV64_IMM(0, -7),
	     BPF_ALU64_IMM_OFF(BPF_DIV, 0, 2, 1), BPF_EXIT_INSN()),
	CASE("sdiv64 7 / -2 reg", 0xfffffffffffffffdULL, BPF_MOV64_IMM(0, 7), BPF_MOV64_IMM(1, -2),
	     BPF_ALU64_REG_OFF(BPF_DIV, 0, 1, 1), BPF_EXIT_INSN()),
	CASE("sdiv64 by zero imm", 0, BPF_MOV64_IMM(0, -7), BPF_ALU64_IMM_OFF(BPF_DIV, 0, 0, 1),
	     BPF_EXIT_INSN()),
	CASE("sdiv64 by zero reg", 0, BPF_MOV64_IMM(0, -7), BPF_MOV64_IMM(1, 0),
	     BPF_ALU64_REG_OFF(BPF_DIV, 0, 1, 1), BPF_EXIT_INSN()),
	CASE("smod64 -7 % 2", UINT64_MAX, BPF_MOV64_IMM(0, -7), BPF_ALU64_IMM_OFF(BPF_MOD, 0, 2, 1),
	     BPF_EXIT_INSN()),
	CASE("smod64 7 % -2 reg", 1, BPF_MOV64_IMM(0, 7), BPF_MOV64_IMM(1, -2),
	     BPF_ALU64_REG_OFF(BPF_MOD, 0, 1, 1), BPF_EXIT_INSN()),
	CASE("smod64 INT64_MIN % -1 imm", 0, BPF_LD_IMM64(0, 0x8000000000000000ULL),
	     BPF_ALU64_IMM_OFF(BPF_MOD, 0, -1, 1), BPF_EXIT_INSN()),
	CASE("smod64 INT64_MIN % -1 reg", 0, BPF_LD_IMM64(0, 0x8000000000000000ULL),
	     BPF_MOV64_IMM(1, -1), BPF_ALU64_REG_OFF(BPF_MOD, 0, 1, 1), BPF_EXIT_INSN()),
	CASE("smod64 by zero keeps dst", 0xfffffffffffffff9ULL, BPF_MOV64_IMM(0, -7),
	     BPF_MOV64_IMM(1, 0), BPF_ALU64_REG_OFF(BPF_MOD, 0, 1, 1), BPF_EXIT_INSN()),
	CASE("smod64 by zero imm keeps dst", 0xfffffffffffffff9ULL, BPF_MOV64_IMM(0, -7),
	     BPF_ALU64_IMM_OFF(BPF_MOD, 0, 0, 1), BPF_EXIT_INSN()),
	CASE("or64 imm", 0xff, BPF_MOV64_IMM(0, 0xf0), BPF_ALU64_IMM(BPF_OR, 0, 0x0f),
	     BPF_EXIT_INSN()),
	CASE("or64 imm negative", UINT64_MAX, BPF_MOV64_IMM(0, 1), BPF_ALU64_IMM(BPF_OR, 0, -2),
	     BPF_EXIT_INSN()),
	CASE("or64 reg", 0xff00000000000001ULL, BPF_LD_IMM64(0, 0xff00000000000000ULL),
	     BPF_MOV64_IMM(1, 1), BPF_ALU64_REG(BPF_OR, 0, 1), BPF_EXIT_INSN()),
	CASE("and64 imm", 0x0f0f0000ULL, BPF_LD_IMM64(0, 0xffff0000ffff0000ULL),
	     BPF_ALU64_IMM(BPF_AND, 0, 0x0f0f0f0f), BPF_EXIT_INSN()),
	CASE("and64 imm negative keeps upper", 0x123456789abcdef0ULL,
	     BPF_LD_IMM64(0, 0x123456789abcdef1ULL), BPF_ALU64_IMM(BPF_AND, 0, -16),
	     BPF_EXIT_INSN()),
	CASE("and64 reg", 0x0000ffff00000000ULL, BPF_LD_IMM64(0, 0xffffffff00000000ULL),
	     BPF_LD_IMM64(1, 0x0000ffffffff0000ULL), BPF_ALU64_REG(BPF_AND, 0, 1), BPF_EXIT_INSN()),
	CASE("xor64 imm -1", 0x00000000ffffffffULL, BPF_LD_IMM64(0, 0xffffffff00000000ULL),
	     BPF_ALU64_IMM(BPF_XOR, 0, -1), BPF_EXIT_INSN()),
	CASE("xor64 reg", 0, BPF_LD_IMM64(0, 0x1234567887654321ULL),
	     BPF_LD_IMM64(1, 0x1234567887654321ULL), BPF_ALU64_REG(BPF_XOR, 0, 1), BPF_EXIT_INSN()),
	CASE("lsh64 imm 63", 0x8000000000000000ULL, BPF_MOV64_IMM(0, 1),
	     BPF_ALU64_IMM(BPF_LSH, 0, 63), BPF_EXIT_INSN()),
	CASE("lsh64 imm 32", 0x100000000ULL, BPF_MOV64_IMM(0, 1), BPF_ALU64_IMM(BPF_LSH, 0, 32),
	     BPF_EXIT_INSN()),
	CASE("lsh64 reg 63", 0x8000000000000000ULL, BPF_MOV64_IMM(0, 1), BPF_MOV64_IMM(1, 63),
	     BPF_ALU64_REG(BPF_LSH, 0, 1), BPF_EXIT_INSN()),
	CASE("lsh64 reg 64 is masked to 0", 1, BPF_MOV64_IMM(0, 1), BPF_MOV64_IMM(1, 64),
	     BPF_ALU64_REG(BPF_LSH, 0, 1), BPF_EXIT_INSN()),
	CASE("lsh64 reg 65 is masked to 1", 2, BPF_MOV64_IMM(0, 1), BPF_MOV64_IMM(1, 65),
	     BPF_ALU64_REG(BPF_LSH, 0, 1), BPF_EXIT_INSN()),
	CASE("rsh64 imm 63", 1, BPF_LD_IMM64(0, 0x8000000000000000ULL),
	     BPF_ALU64_IMM(BPF_RSH, 0, 63), BPF_EXIT_INSN()),
	CASE("rsh64 reg 64 is masked to 0", 0x8000000000000000ULL,
	     BPF_LD_IMM64(0, 0x8000000000000000ULL), BPF_MOV64_IMM(1, 64),
	     BPF_ALU64_REG(BPF_RSH, 0, 1), BPF_EXIT_INSN()),
	CASE("rsh64 reg 32", 0xdeadbeefULL, BPF_LD_IMM64(0, 0xdeadbeef00000000ULL),
	     BPF_MOV64_IMM(1, 32), BPF_ALU64_REG(BPF_RSH, 0, 1), BPF_EXIT_INSN()),
	CASE("arsh64 imm 63 negative", UINT64_MAX, BPF_LD_IMM64(0, 0x8000000000000000ULL),
	     BPF_ALU64_IMM(BPF_ARSH, 0, 63), BPF_EXIT_INSN()),
	CASE("arsh64 imm 4 negative", 0xff00000000000000ULL, BPF_LD_IMM64(0, 0xf000000000000000ULL),
	     BPF_ALU64_IMM(BPF_ARSH, 0, 4), BPF_EXIT_INSN()),
	CASE("arsh64 imm 4 positive", 0x0700000000000000ULL,
	     BPF_LD_IMM64(0, 0x7000000000000000ULL), BPF_ALU64_IMM(BPF_ARSH, 0, 4),
	     BPF_EXIT_INSN()),
	CASE("arsh64 reg 64 is masked to 0", 0x8000000000000000ULL,
	     BPF_LD_IMM64(0, 0x8000000000000000ULL), BPF_MOV64_IMM(1, 64),
	     BPF_ALU64_REG(BPF_ARSH, 0, 1), BPF_EXIT_INSN()),
	CASE("arsh64 reg 63", UINT64_MAX, BPF_LD_IMM64(0, 0x8000000000000000ULL),
	     BPF_MOV64_IMM(1, 63), BPF_ALU64_REG(BPF_ARSH, 0, 1), BPF_EXIT_INSN()),
	CASE("neg64", 0xfffffffffffffffbULL, BPF_MOV64_IMM(0, 5), BPF_NEG64(0), BPF_EXIT_INSN()),
	CASE("neg64 INT64_MIN", 0x8000000000000000ULL, BPF_LD_IMM64(0, 0x8000000000000000ULL),
	     BPF_NEG64(0), BPF_EXIT_INSN()),
	CASE("mov64 imm -1", UINT64_MAX, BPF_MOV64_IMM(0, -1), BPF_EXIT_INSN()),
	CASE("mov64 reg", 0x123456789abcdef0ULL, BPF_LD_IMM64(1, 0x123456789abcdef0ULL),
	     BPF_MOV64_REG(0, 1), BPF_EXIT_INSN()),
	CASE("movsx64 8 negative", 0xffffffffffffff80ULL, BPF_MOV64_IMM(1, 0x80),
	     BPF_MOVSX64_REG(0, 1, 8), BPF_EXIT_INSN()),
	CASE("movsx64 8 positive", 0x7f, BPF_MOV64_IMM(1, 0x7f), BPF_MOVSX64_REG(0, 1, 8),
	     BPF_EXIT_INSN()),
	CASE("movsx64 8 ignores upper bits", UINT64_MAX, BPF_MOV64_IMM(1, 0x1ff),
	     BPF_MOVSX64_REG(0, 1, 8), BPF_EXIT_INSN()),
	CASE("movsx64 16 negative", 0xffffffffffff8000ULL, BPF_MOV64_IMM(1, 0x8000),
	     BPF_MOVSX64_REG(0, 1, 16), BPF_EXIT_INSN()),
	CASE("movsx64 16 positive", 0x7fff, BPF_MOV64_IMM(1, 0x12347fff),
	     BPF_MOVSX64_REG(0, 1, 16), BPF_EXIT_INSN()),
	CASE("movsx64 32 negative", 0xffffffff80000000ULL, BPF_LD_IMM64(1, 0x0000000180000000ULL),
	     BPF_MOVSX64_REG(0, 1, 32), BPF_EXIT_INSN()),
	CASE("movsx64 32 positive", 0x7fffffff, BPF_LD_IMM64(1, 0xffffffff7fffffffULL),
	     BPF_MOVSX64_REG(0, 1, 32), BPF_EXIT_INSN()),
};

/* Every ALU32 case starts with r0's upper half set, so the zero extension shows. */
VM_TABLE alu32_cases[] = {
	CASE("add32 imm", 12, R0_HI(5), BPF_ALU32_IMM(BPF_ADD, 0, 7), BPF_EXIT_INSN()),
	CASE("add32 reg ignores src upper", 12, R0_HI(5), BPF_LD_IMM64(1, 0x100000007ULL),
	     BPF_ALU32_REG(BPF_ADD, 0, 1), BPF_EXIT_INSN()),
	CASE("add32 imm -1", 0, R0_HI(1), BPF_ALU32_IMM(BPF_ADD, 0, -1), BPF_EXIT_INSN()),
	CASE("add32 wraps", 1, R0_HI(0xffffffff), BPF_ALU32_IMM(BPF_ADD, 0, 2), BPF_EXIT_INSN()),
	CASE("sub32 imm", 0xfffffffe, R0_HI(5), BPF_ALU32_IMM(BPF_SUB, 0, 7), BPF_EXIT_INSN()),
	CASE("sub32 reg", 0xfffffffe, R0_HI(5), BPF_MOV64_IMM(1, 7), BPF_ALU32_REG(BPF_SUB, 0, 1),
	     BPF_EXIT_INSN()),
	CASE("mul32 imm wraps", 0, R0_HI(0x10000), BPF_ALU32_IMM(BPF_MUL, 0, 0x10000),
	     BPF_EXIT_INSN()),
	CASE("mul32 imm negative", 0xfffffffa, R0_HI(3), BPF_ALU32_IMM(BPF_MUL, 0, -2),
	     BPF_EXIT_INSN()),
	CASE("mul32 reg", 21, R0_HI(3), BPF_MOV64_IMM(1, 7), BPF_ALU32_REG(BPF_MUL, 0, 1),
	     BPF_EXIT_INSN()),
	CASE("div32 imm", 14, R0_HI(100), BPF_ALU32_IMM(BPF_DIV, 0, 7), BPF_EXIT_INSN()),
	CASE("div32 imm -1 is unsigned", 0, R0_HI(10), BPF_ALU32_IMM(BPF_DIV, 0, -1),
	     BPF_EXIT_INSN()),
	CASE("div32 0xffffffff / -1", 1, R0_HI(0xffffffff), BPF_ALU32_IMM(BPF_DIV, 0, -1),
	     BPF_EXIT_INSN()),
	CASE("div32 reg ignores src upper", 14, R0_HI(100), BPF_LD_IMM64(1, 0x100000007ULL),
	     BPF_ALU32_REG(BPF_DIV, 0, 1), BPF_EXIT_INSN()),
	CASE("div32 by zero imm", 0, R0_HI(10), BPF_ALU32_IMM(BPF_DIV, 0, 0), BPF_EXIT_INSN()),
	CASE("div32 by zero reg", 0, R0_HI(10), BPF_MOV64_IMM(1, 0), BPF_ALU32_REG(BPF_DIV, 0, 1),
	     BPF_EXIT_INSN()),
	CASE("div32 by reg with zero low half", 0, R0_HI(10), BPF_LD_IMM64(1, 0x100000000ULL),
	     BPF_ALU32_REG(BPF_DIV, 0, 1), BPF_EXIT_INSN()),
	CASE("mod32 imm", 2, R0_HI(100), BPF_ALU32_IMM(BPF_MOD, 0, 7), BPF_EXIT_INSN()),
	CASE("mod32 reg", 2, R0_HI(100), BPF_MOV64_IMM(1, 7), BPF_ALU32_REG(BPF_MOD, 0, 1),
	     BPF_EXIT_INSN()),
	CASE("mod32 by zero imm keeps low half", 0x12345678, R0_HI(0x12345678),
	     BPF_ALU32_IMM(BPF_MOD, 0, 0), BPF_EXIT_INSN()),
	CASE("mod32 by zero reg keeps low half", 0x12345678, R0_HI(0x12345678),
	     BPF_MOV64_IMM(1, 0), BPF_ALU32_REG(BPF_MOD, 0, 1), BPF_EXIT_INSN()),
	CASE("mod32 by reg with zero low half", 0x12345678, R0_HI(0x12345678),
	     BPF_LD_IMM64(1, 0x100000000ULL), BPF_ALU32_REG(BPF_MOD, 0, 1), BPF_EXIT_INSN()),
	CASE("sdiv32 INT32_MIN / -1 imm", 0x80000000, R0_HI(0x80000000),
	     BPF_ALU32_IMM_OFF(BPF_DIV, 0, -1, 1), BPF_EXIT_INSN()),
	CASE("sdiv32 INT32_MIN / -1 reg", 0x80000000, R0_HI(0x80000000), BPF_MOV64_IMM(1, -1),
	     BPF_ALU32_REG_OFF(BPF_DIV, 0, 1, 1), BPF_EXIT_INSN()),
	CASE("sdiv32 -7 / 2", 0xfffffffd, R0_HI(-7), BPF_ALU32_IMM_OFF(BPF_DIV, 0, 2, 1),
	     BPF_EXIT_INSN()),
	CASE("sdiv32 uses the low half only", 0xfffffffd, BPF_LD_IMM64(0, 0x1fffffff9ULL),
	     BPF_ALU32_IMM_OFF(BPF_DIV, 0, 2, 1), BPF_EXIT_INSN()),
	CASE("sdiv32 by zero", 0, R0_HI(-7), BPF_MOV64_IMM(1, 0),
	     BPF_ALU32_REG_OFF(BPF_DIV, 0, 1, 1), BPF_EXIT_INSN()),
	CASE("smod32 INT32_MIN % -1 imm", 0, R0_HI(0x80000000),
	     BPF_ALU32_IMM_OFF(BPF_MOD, 0, -1, 1), BPF_EXIT_INSN()),
	CASE("smod32 INT32_MIN % -1 reg", 0, R0_HI(0x80000000), BPF_MOV64_IMM(1, -1),
	     BPF_ALU32_REG_OFF(BPF_MOD, 0, 1, 1), BPF_EXIT_INSN()),
	CASE("smod32 -7 % 2", 0xffffffff, R0_HI(-7), BPF_ALU32_IMM_OFF(BPF_MOD, 0, 2, 1),
	     BPF_EXIT_INSN()),
	CASE("smod32 by zero keeps low half", 0xfffffff9, R0_HI(-7),
	     BPF_ALU32_IMM_OFF(BPF_MOD, 0, 0, 1), BPF_EXIT_INSN()),
	CASE("or32 imm", 0xff, R0_HI(0xf0), BPF_ALU32_IMM(BPF_OR, 0, 0x0f), BPF_EXIT_INSN()),
	CASE("or32 reg", 0xff, R0_HI(0xf0), BPF_LD_IMM64(1, 0xff0000000fULL),
	     BPF_ALU32_REG(BPF_OR, 0, 1), BPF_EXIT_INSN()),
	CASE("and32 imm", 0x0f0f, R0_HI(0xffffffff), BPF_ALU32_IMM(BPF_AND, 0, 0x0f0f),
	     BPF_EXIT_INSN()),
	CASE("and32 reg", 0x0f0f, R0_HI(0xffffffff), BPF_LD_IMM64(1, 0xffffffff00000f0fULL),
	     BPF_ALU32_REG(BPF_AND, 0, 1), BPF_EXIT_INSN()),
	CASE("xor32 imm -1", 0, R0_HI(0xffffffff), BPF_ALU32_IMM(BPF_XOR, 0, -1),
	     BPF_EXIT_INSN()),
	CASE("xor32 reg", 0xff00, R0_HI(0xffff), BPF_MOV64_IMM(1, 0xff),
	     BPF_ALU32_REG(BPF_XOR, 0, 1), BPF_EXIT_INSN()),
	CASE("lsh32 imm 31", 0x80000000, R0_HI(1), BPF_ALU32_IMM(BPF_LSH, 0, 31), BPF_EXIT_INSN()),
	CASE("lsh32 reg 31", 0x80000000, R0_HI(1), BPF_MOV64_IMM(1, 31),
	     BPF_ALU32_REG(BPF_LSH, 0, 1), BPF_EXIT_INSN()),
	CASE("lsh32 reg 32 is masked to 0", 1, R0_HI(1), BPF_MOV64_IMM(1, 32),
	     BPF_ALU32_REG(BPF_LSH, 0, 1), BPF_EXIT_INSN()),
	CASE("lsh32 reg 33 is masked to 1", 2, R0_HI(1), BPF_MOV64_IMM(1, 33),
	     BPF_ALU32_REG(BPF_LSH, 0, 1), BPF_EXIT_INSN()),
	CASE("lsh32 drops bits past 32", 0, R0_HI(0x80000000), BPF_ALU32_IMM(BPF_LSH, 0, 1),
	     BPF_EXIT_INSN()),
	CASE("rsh32 imm 31", 1, R0_HI(0x80000000), BPF_ALU32_IMM(BPF_RSH, 0, 31), BPF_EXIT_INSN()),
	CASE("rsh32 reg 32 is masked to 0", 0x80000000, R0_HI(0x80000000), BPF_MOV64_IMM(1, 32),
	     BPF_ALU32_REG(BPF_RSH, 0, 1), BPF_EXIT_INSN()),
	CASE("rsh32 shifts no upper bits in", 0, BPF_LD_IMM64(0, 0x100000000ULL),
	     BPF_ALU32_IMM(BPF_RSH, 0, 1), BPF_EXIT_INSN()),
	CASE("arsh32 imm 31", 0xffffffff, R0_HI(0x80000000), BPF_ALU32_IMM(BPF_ARSH, 0, 31),
	     BPF_EXIT_INSN()),
	CASE("arsh32 imm 4", 0xff000000, R0_HI(0xf0000000), BPF_ALU32_IMM(BPF_ARSH, 0, 4),
	     BPF_EXIT_INSN()),
	CASE("arsh32 reg 32 is masked to 0", 0x80000000, R0_HI(0x80000000), BPF_MOV64_IMM(1, 32),
	     BPF_ALU32_REG(BPF_ARSH, 0, 1), BPF_EXIT_INSN()),
	CASE("neg32", 0xfffffffb, R0_HI(5), BPF_NEG32(0), BPF_EXIT_INSN()),
	CASE("neg32 zero", 0, R0_HI(0), BPF_NEG32(0), BPF_EXIT_INSN()),
	CASE("mov32 imm -1", 0xffffffff, R0_HI(7), BPF_MOV32_IMM(0, -1), BPF_EXIT_INSN()),
	CASE("mov32 reg", 0x12345678, R0_HI(7), BPF_LD_IMM64(1, 0xffffffff12345678ULL),
	     BPF_MOV32_REG(0, 1), BPF_EXIT_INSN()),
	CASE("movsx32 8 negative", 0xffffff80, R0_HI(0), BPF_MOV64_IMM(1, 0x80),
	     BPF_MOVSX32_REG(0, 1, 8), BPF_EXIT_INSN()),
	CASE("movsx32 8 positive", 0x7f, R0_HI(0), BPF_MOV64_IMM(1, 0x17f),
	     BPF_MOVSX32_REG(0, 1, 8), BPF_EXIT_INSN()),
	CASE("movsx32 16 negative", 0xffff8000, R0_HI(0), BPF_MOV64_IMM(1, 0x8000),
	     BPF_MOVSX32_REG(0, 1, 16), BPF_EXIT_INSN()),
	CASE("movsx32 16 ignores upper bits", 1, R0_HI(0), BPF_LD_IMM64(1, 0xffffffffffff0001ULL),
	     BPF_MOVSX32_REG(0, 1, 16), BPF_EXIT_INSN()),
};

VM_TABLE end_cases[] = {
#define END_CASE(NAME, EXPECT, INSN) \
	CASE(NAME, EXPECT, BPF_LD_IMM64(0, 0x1122334455667788ULL), INSN, BPF_EXIT_INSN())
	END_CASE("le16", 0x7788, BPF_ENDIAN(BPF_TO_LE, 0, 16)),
	END_CASE("le32", 0x55667788, BPF_ENDIAN(BPF_TO_LE, 0, 32)),
	END_CASE("le64", 0x1122334455667788ULL, BPF_ENDIAN(BPF_TO_LE, 0, 64)),
	END_CASE("be16", 0x8877, BPF_ENDIAN(BPF_TO_BE, 0, 16)),
	END_CASE("be32", 0x88776655, BPF_ENDIAN(BPF_TO_BE, 0, 32)),
	END_CASE("be64", 0x8877665544332211ULL, BPF_ENDIAN(BPF_TO_BE, 0, 64)),
	END_CASE("bswap16", 0x8877, BPF_BSWAP(0, 16)),
	END_CASE("bswap32", 0x88776655, BPF_BSWAP(0, 32)),
	END_CASE("bswap64", 0x8877665544332211ULL, BPF_BSWAP(0, 64)),
#undef END_CASE
};

VM_TABLE jump_cases[] = {
	CASE("ja skips", 1, BPF_MOV64_IMM(0, 1), BPF_JMP_A(1), BPF_MOV64_IMM(0, 2),
	     BPF_EXIT_INSN()),
	CASE("ja 0 is a nop", 3, BPF_MOV64_IMM(0, 3), BPF_JMP_A(0), BPF_EXIT_INSN()),
	CASE("loop sums 1..10", 55, BPF_MOV64_IMM(0, 0), BPF_MOV64_IMM(1, 10),
	     BPF_ALU64_REG(BPF_ADD, 0, 1), BPF_ALU64_IMM(BPF_SUB, 1, 1),
	     BPF_JMP_IMM(BPF_JNE, 1, 0, -3), BPF_EXIT_INSN()),
	CASE("gotol forward", 1, BPF_MOV64_IMM(0, 1), BPF_GOTOL(1), BPF_MOV64_IMM(0, 2),
	     BPF_EXIT_INSN()),
	CASE("gotol backward", 11, BPF_MOV64_IMM(0, 0), BPF_JMP_A(2),
	     BPF_ALU64_IMM(BPF_ADD, 0, 10), BPF_EXIT_INSN(),
	     BPF_ALU64_IMM(BPF_ADD, 0, 1), BPF_GOTOL(-4)),
	CASE("jump over lddw", 7, BPF_MOV64_IMM(0, 7), BPF_JMP_A(2), BPF_LD_IMM64(0, 9),
	     BPF_EXIT_INSN()),
};

VM_TABLE mem_cases[] = {
#define M16 MEM(0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, \
		0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x80)
	MCASE("ldxb", 0x11, M16, BPF_LDX_MEM(BPF_B, 0, 1, 0), BPF_EXIT_INSN()),
	MCASE("ldxh", 0x2211, M16, BPF_LDX_MEM(BPF_H, 0, 1, 0), BPF_EXIT_INSN()),
	MCASE("ldxw", 0x44332211, M16, BPF_LDX_MEM(BPF_W, 0, 1, 0), BPF_EXIT_INSN()),
	MCASE("ldxdw", 0x8877665544332211ULL, M16, BPF_LDX_MEM(BPF_DW, 0, 1, 0), BPF_EXIT_INSN()),
	MCASE("ldxw unaligned", 0x55443322, M16, BPF_LDX_MEM(BPF_W, 0, 1, 1), BPF_EXIT_INSN()),
	MCASE("ldxdw unaligned", 0xbbaa998877665544ULL, M16, BPF_LDX_MEM(BPF_DW, 0, 1, 3),
	      BPF_EXIT_INSN()),
	MCASE("ldxb negative offset", 0x11, M16, BPF_MOV64_REG(2, 1), BPF_ALU64_IMM(BPF_ADD, 2, 8),
	      BPF_LDX_MEM(BPF_B, 0, 2, -8), BPF_EXIT_INSN()),
	MCASE("ldxh zero-extends", 0x80ff, M16, BPF_MOV64_IMM(0, -1),
	      BPF_LDX_MEM(BPF_H, 0, 1, 14), BPF_EXIT_INSN()),
	MCASE("ldxsb negative", 0xffffffffffffff80ULL, M16, BPF_LDX_MEMSX(BPF_B, 0, 1, 15),
	      BPF_EXIT_INSN()),
	MCASE("ldxsb positive", 0x11, M16, BPF_LDX_MEMSX(BPF_B, 0, 1, 0), BPF_EXIT_INSN()),
	MCASE("ldxsh negative", 0xffffffffffff80ffULL, M16, BPF_LDX_MEMSX(BPF_H, 0, 1, 14),
	      BPF_EXIT_INSN()),
	MCASE("ldxsw negative", 0xffffffff80ffeeddULL, M16, BPF_LDX_MEMSX(BPF_W, 0, 1, 12),
	      BPF_EXIT_INSN()),
	MCASE("ldxsw positive", 0x44332211, M16, BPF_LDX_MEMSX(BPF_W, 0, 1, 0), BPF_EXIT_INSN()),
	MCASE("stb imm", 0x88776655443322abULL, M16, BPF_ST_MEM(BPF_B, 1, 0, 0xab),
	      BPF_LDX_MEM(BPF_DW, 0, 1, 0), BPF_EXIT_INSN()),
	MCASE("sth imm", 0x8877665512342211ULL, M16, BPF_ST_MEM(BPF_H, 1, 2, 0x1234),
	      BPF_LDX_MEM(BPF_DW, 0, 1, 0), BPF_EXIT_INSN()),
	MCASE("stw imm", 0xdeadbeef44332211ULL, M16, BPF_ST_MEM(BPF_W, 1, 4, (int32_t)0xdeadbeef),
	      BPF_LDX_MEM(BPF_DW, 0, 1, 0), BPF_EXIT_INSN()),
	MCASE("stdw imm is sign-extended", 0xfffffffffffffffeULL, M16, BPF_ST_MEM(BPF_DW, 1, 0, -2),
	      BPF_LDX_MEM(BPF_DW, 0, 1, 0), BPF_EXIT_INSN()),
	MCASE("stdw imm positive", 0x7fffffff, M16, BPF_ST_MEM(BPF_DW, 1, 8, 0x7fffffff),
	      BPF_LDX_MEM(BPF_DW, 0, 1, 8), BPF_EXIT_INSN()),
#define STX_CASE(NAME, EXPECT, SIZE) \
	MCASE(NAME, EXPECT, M16, BPF_LD_IMM64(2, 0x0102030405060708ULL), \
	      BPF_STX_MEM(SIZE, 1, 2, 0), BPF_LDX_MEM(BPF_DW, 0, 1, 0), BPF_EXIT_INSN())
	STX_CASE("stxb", 0x8877665544332208ULL, BPF_B),
	STX_CASE("stxh", 0x8877665544330708ULL, BPF_H),
	STX_CASE("stxw", 0x8877665505060708ULL, BPF_W),
	STX_CASE("stxdw", 0x0102030405060708ULL, BPF_DW),
#undef STX_CASE
	MCASE("stxdw unaligned", 0x0102030405060708ULL, M16,
	      BPF_LD_IMM64(2, 0x0102030405060708ULL), BPF_STX_MEM(BPF_DW, 1, 2, 5),
	      BPF_LDX_MEM(BPF_DW, 0, 1, 5), BPF_EXIT_INSN()),
	CASE("stack top slot", 42, BPF_ST_MEM(BPF_DW, 10, -8, 42), BPF_LDX_MEM(BPF_DW, 0, 10, -8),
	     BPF_EXIT_INSN()),
	CASE("stack bottom slot", 0x1122334455667788ULL, BPF_LD_IMM64(1, 0x1122334455667788ULL),
	     BPF_STX_MEM(BPF_DW, 10, 1, -512), BPF_LDX_MEM(BPF_DW, 0, 10, -512), BPF_EXIT_INSN()),
	CASE("stack bytes", 0xab, BPF_ST_MEM(BPF_B, 10, -1, 0xab), BPF_LDX_MEM(BPF_B, 0, 10, -1),
	     BPF_EXIT_INSN()),
	CASE("stack through a pointer", 99, BPF_MOV64_REG(2, 10), BPF_ALU64_IMM(BPF_ADD, 2, -16),
	     BPF_ST_MEM(BPF_DW, 2, 0, 99), BPF_LDX_MEM(BPF_DW, 0, 10, -16), BPF_EXIT_INSN()),
	CASE("lddw", 0x1122334455667788ULL, BPF_LD_IMM64(0, 0x1122334455667788ULL),
	     BPF_EXIT_INSN()),
	CASE("lddw high bit", 0x8000000000000001ULL, BPF_LD_IMM64(0, 0x8000000000000001ULL),
	     BPF_EXIT_INSN()),
	CASE("lddw relocated map_value", 0xffff888812345678ULL,
	     BPF_LD_IMM64_RAW(0, BPF_PSEUDO_MAP_VALUE, 0xffff888812345678ULL), BPF_EXIT_INSN()),
	MCASE("r2 holds the length", 16, M16, BPF_MOV64_REG(0, 2), BPF_EXIT_INSN()),
#undef M16
};

/* Atomics on mem = le64 0xaaaaaaaa00000010: 32-bit forms must leave the upper half alone. */
#define AM MEM(0x10, 0, 0, 0, 0xaa, 0xaa, 0xaa, 0xaa)
#define OLD64 0xaaaaaaaa00000010ULL
#define ATOMIC_MEM(NAME, EXPECT, SIZE, OP, SRC) \
	MCASE(NAME, EXPECT, AM, BPF_LD_IMM64(2, SRC), BPF_ATOMIC_OP(SIZE, OP, 1, 2, 0), \
	      BPF_LDX_MEM(BPF_DW, 0, 1, 0), BPF_EXIT_INSN())
#define ATOMIC_OLD(NAME, EXPECT, SIZE, OP, SRC) \
	MCASE(NAME, EXPECT, AM, BPF_LD_IMM64(2, SRC), BPF_ATOMIC_OP(SIZE, OP, 1, 2, 0), \
	      BPF_MOV64_REG(0, 2), BPF_EXIT_INSN())
VM_TABLE atomic_cases[] = {
	ATOMIC_MEM("add32", 0xaaaaaaaa00000015ULL, BPF_W, BPF_ADD, 5),
	ATOMIC_MEM("add32 wraps in 32 bits", 0xaaaaaaaa0000000fULL, BPF_W, BPF_ADD, 0xffffffff),
	ATOMIC_OLD("add32 no fetch keeps src", 5, BPF_W, BPF_ADD, 5),
	ATOMIC_MEM("fetch_add32 memory", 0xaaaaaaaa00000015ULL, BPF_W, BPF_ADD | BPF_FETCH,
		   0xffffffff00000005ULL),
	ATOMIC_OLD("fetch_add32 old zero-extended", 0x10, BPF_W, BPF_ADD | BPF_FETCH,
		   0xffffffff00000005ULL),
	ATOMIC_MEM("add64", 0xaaaaaaab00000010ULL, BPF_DW, BPF_ADD, 0x100000000ULL),
	ATOMIC_OLD("fetch_add64 old", OLD64, BPF_DW, BPF_ADD | BPF_FETCH, 1),
	ATOMIC_MEM("fetch_add64 memory", 0xaaaaaaaa00000011ULL, BPF_DW, BPF_ADD | BPF_FETCH, 1),
	ATOMIC_MEM("or32", 0xaaaaaaaa0000001fULL, BPF_W, BPF_OR, 0x0f),
	ATOMIC_OLD("fetch_or32 old", 0x10, BPF_W, BPF_OR | BPF_FETCH, 0x0f),
	ATOMIC_MEM("fetch_or32 memory", 0xaaaaaaaa0000001fULL, BPF_W, BPF_OR | BPF_FETCH, 0x0f),
	ATOMIC_MEM("or64", 0xafaaaaaa00000010ULL, BPF_DW, BPF_OR, 0x0f00000000000000ULL),
	ATOMIC_OLD("fetch_or64 old", OLD64, BPF_DW, BPF_OR | BPF_FETCH, 1),
	ATOMIC_MEM("fetch_or64 memory", 0xaaaaaaaa00000011ULL, BPF_DW, BPF_OR | BPF_FETCH, 1),
	ATOMIC_MEM("and32", 0xaaaaaaaa00000000ULL, BPF_W, BPF_AND, 0xffffffff00000001ULL),
	ATOMIC_OLD("fetch_and32 old", 0x10, BPF_W, BPF_AND | BPF_FETCH, 1),
	ATOMIC_MEM("fetch_and32 memory", 0xaaaaaaaa00000000ULL, BPF_W, BPF_AND | BPF_FETCH, 1),
	ATOMIC_MEM("and64", 0x0000aaaa00000010ULL, BPF_DW, BPF_AND, 0x0000ffffffffffffULL),
	ATOMIC_OLD("fetch_and64 old", OLD64, BPF_DW, BPF_AND | BPF_FETCH, 0),
	ATOMIC_MEM("fetch_and64 memory", 0, BPF_DW, BPF_AND | BPF_FETCH, 0),
	ATOMIC_MEM("xor32", 0xaaaaaaaa00000001ULL, BPF_W, BPF_XOR, 0x11),
	ATOMIC_OLD("fetch_xor32 old", 0x10, BPF_W, BPF_XOR | BPF_FETCH, 0x11),
	ATOMIC_MEM("fetch_xor32 memory", 0xaaaaaaaa00000001ULL, BPF_W, BPF_XOR | BPF_FETCH, 0x11),
	ATOMIC_MEM("xor64", 0x55555555ffffffefULL, BPF_DW, BPF_XOR, UINT64_MAX),
	ATOMIC_OLD("fetch_xor64 old", OLD64, BPF_DW, BPF_XOR | BPF_FETCH, UINT64_MAX),
	ATOMIC_MEM("fetch_xor64 memory", 0x55555555ffffffefULL, BPF_DW, BPF_XOR | BPF_FETCH,
		   UINT64_MAX),
	ATOMIC_MEM("xchg32 memory", 0xaaaaaaaa00000077ULL, BPF_W, BPF_XCHG, 0xffffffff00000077ULL),
	ATOMIC_OLD("xchg32 old", 0x10, BPF_W, BPF_XCHG, 0xffffffff00000077ULL),
	ATOMIC_MEM("xchg64 memory", 0x77, BPF_DW, BPF_XCHG, 0x77),
	ATOMIC_OLD("xchg64 old", OLD64, BPF_DW, BPF_XCHG, 0x77),
#define CMPXCHG(NAME, EXPECT, SIZE, R0, RET)						\
	MCASE(NAME, EXPECT, AM, BPF_LD_IMM64(0, R0), BPF_MOV64_IMM(2, 0x99),		\
	      BPF_ATOMIC_OP(SIZE, BPF_CMPXCHG, 1, 2, 0), RET, BPF_EXIT_INSN())
#define RET_MEM BPF_LDX_MEM(BPF_DW, 0, 1, 0)
#define RET_R0 BPF_MOV64_REG(0, 0)
	CMPXCHG("cmpxchg64 success memory", 0x99, BPF_DW, OLD64, RET_MEM),
	CMPXCHG("cmpxchg64 success r0", OLD64, BPF_DW, OLD64, RET_R0),
	CMPXCHG("cmpxchg64 failure memory", OLD64, BPF_DW, 0x10, RET_MEM),
	CMPXCHG("cmpxchg64 failure r0", OLD64, BPF_DW, 0x10, RET_R0),
	CMPXCHG("cmpxchg32 compares the low half", 0xaaaaaaaa00000099ULL, BPF_W,
		0xffffffff00000010ULL, RET_MEM),
	CMPXCHG("cmpxchg32 success r0 zero-extended", 0x10, BPF_W, 0xffffffff00000010ULL, RET_R0),
	CMPXCHG("cmpxchg32 failure memory", OLD64, BPF_W, 0x11, RET_MEM),
	CMPXCHG("cmpxchg32 failure r0", 0x10, BPF_W, 0x11, RET_R0),
#undef RET_R0
#undef RET_MEM
#undef CMPXCHG
	MCASE("atomic at an offset", 0x207, MEM(0, 0, 0, 0, 0, 0, 0, 0, 7, 1, 0, 0, 0, 0, 0, 0),
	      BPF_MOV64_IMM(2, 0x100), BPF_ATOMIC_OP(BPF_DW, BPF_ADD, 1, 2, 8),
	      BPF_LDX_MEM(BPF_DW, 0, 1, 8), BPF_EXIT_INSN()),
	CASE("atomic on the stack", 12, BPF_ST_MEM(BPF_DW, 10, -8, 5), BPF_MOV64_IMM(2, 7),
	     BPF_ATOMIC_OP(BPF_DW, BPF_ADD, 10, 2, -8), BPF_LDX_MEM(BPF_DW, 0, 10, -8),
	     BPF_EXIT_INSN()),
};
#undef ATOMIC_OLD
#undef ATOMIC_MEM
#undef OLD64
#undef AM

VM_TABLE call_cases[] = {
	/*
	 * main -> f1 -> f2 -> f3. Each frame stores a marker at r10-8 and
	 * reloads it after its call; each callee clobbers r6-r9, which the
	 * caller must find intact. f3(3) = 3000, f2 = 3000 + 300 + 2,
	 * f1 = 3302 + 200 + 1, main = 3503 + 100 + 6 + 7 + 8 + 9.
	 */
	CASE("bpf2bpf nested 3 deep", 3633,
	     /* 0 main */
	     BPF_MOV64_IMM(6, 6), BPF_MOV64_IMM(7, 7), BPF_MOV64_IMM(8, 8), BPF_MOV64_IMM(9, 9),
	     BPF_ST_MEM(BPF_DW, 10, -8, 100), BPF_MOV64_IMM(1, 1),
	     BPF_CALL_REL(8),				/* 6: -> 15 */
	     BPF_LDX_MEM(BPF_DW, 1, 10, -8), BPF_ALU64_REG(BPF_ADD, 0, 1),
	     BPF_ALU64_REG(BPF_ADD, 0, 6), BPF_ALU64_REG(BPF_ADD, 0, 7),
	     BPF_ALU64_REG(BPF_ADD, 0, 8), BPF_ALU64_REG(BPF_ADD, 0, 9),
	     BPF_EXIT_INSN(),				/* 13 */
	     BPF_EXIT_INSN(),				/* 14: padding */
	     /* 15 f1 */
	     BPF_MOV64_IMM(7, 70), BPF_MOV64_IMM(8, 80), BPF_MOV64_IMM(9, 90),
	     BPF_ST_MEM(BPF_DW, 10, -8, 200), BPF_MOV64_REG(6, 1), BPF_ALU64_IMM(BPF_ADD, 1, 1),
	     BPF_CALL_REL(5),				/* 21: -> 27 */
	     BPF_LDX_MEM(BPF_DW, 1, 10, -8), BPF_ALU64_REG(BPF_ADD, 0, 1),
	     BPF_ALU64_REG(BPF_ADD, 0, 6), BPF_EXIT_INSN(),
	     BPF_EXIT_INSN(),				/* 26: padding */
	     /* 27 f2 */
	     BPF_ST_MEM(BPF_DW, 10, -8, 300), BPF_MOV64_REG(6, 1), BPF_ALU64_IMM(BPF_ADD, 1, 1),
	     BPF_CALL_REL(4),				/* 30: -> 35 */
	     BPF_LDX_MEM(BPF_DW, 1, 10, -8), BPF_ALU64_REG(BPF_ADD, 0, 1),
	     BPF_ALU64_REG(BPF_ADD, 0, 6), BPF_EXIT_INSN(),
	     /* 35 f3 */
	     BPF_ST_MEM(BPF_DW, 10, -8, 400), BPF_MOV64_IMM(6, 999), BPF_MOV64_IMM(7, 999),
	     BPF_MOV64_IMM(8, 999), BPF_MOV64_IMM(9, 999), BPF_MOV64_REG(0, 1),
	     BPF_ALU64_IMM(BPF_MUL, 0, 1000), BPF_EXIT_INSN()),
	CASE("bpf2bpf callee reads the caller's stack", 77, BPF_ST_MEM(BPF_DW, 10, -8, 77),
	     BPF_MOV64_REG(1, 10), BPF_ALU64_IMM(BPF_ADD, 1, -8), BPF_CALL_REL(1), BPF_EXIT_INSN(),
	     BPF_LDX_MEM(BPF_DW, 0, 1, 0), BPF_EXIT_INSN()),
	CASE("bpf2bpf callee writes the caller's stack", 5, BPF_ST_MEM(BPF_DW, 10, -8, 1),
	     BPF_MOV64_REG(1, 10), BPF_ALU64_IMM(BPF_ADD, 1, -8), BPF_CALL_REL(2),
	     BPF_LDX_MEM(BPF_DW, 0, 10, -8), BPF_EXIT_INSN(),
	     BPF_ST_MEM(BPF_DW, 1, 0, 5), BPF_EXIT_INSN()),
	CASE("bpf2bpf args and result", 15, BPF_MOV64_IMM(1, 1), BPF_MOV64_IMM(2, 2),
	     BPF_MOV64_IMM(3, 3), BPF_MOV64_IMM(4, 4), BPF_MOV64_IMM(5, 5), BPF_CALL_REL(1),
	     BPF_EXIT_INSN(),
	     BPF_MOV64_REG(0, 1), BPF_ALU64_REG(BPF_ADD, 0, 2), BPF_ALU64_REG(BPF_ADD, 0, 3),
	     BPF_ALU64_REG(BPF_ADD, 0, 4), BPF_ALU64_REG(BPF_ADD, 0, 5), BPF_EXIT_INSN()),
	/* Eight frames, the most there are: each adds 1 on the way back; the last uses r10-512. */
#define LINK BPF_CALL_REL(2), BPF_ALU64_IMM(BPF_ADD, 0, 1), BPF_EXIT_INSN()
	CASE("bpf2bpf 8 frames", 7, LINK, LINK, LINK, LINK, LINK, LINK, LINK,
	     BPF_ST_MEM(BPF_DW, 10, -512, 0), BPF_LDX_MEM(BPF_DW, 0, 10, -512), BPF_EXIT_INSN()),
#undef LINK
	CASE("helper: args, result, r6-r9 and stack kept", 55 + 6 + 7 + 8 + 9 + 3,
	     BPF_MOV64_IMM(6, 6), BPF_MOV64_IMM(7, 7), BPF_MOV64_IMM(8, 8), BPF_MOV64_IMM(9, 9),
	     BPF_ST_MEM(BPF_DW, 10, -8, 3),
	     BPF_MOV64_IMM(1, 1), BPF_MOV64_IMM(2, 2), BPF_MOV64_IMM(3, 3), BPF_MOV64_IMM(4, 4),
	     BPF_MOV64_IMM(5, 5), BPF_CALL_HELPER(HELPER_WEIGHTED),
	     BPF_ALU64_REG(BPF_ADD, 0, 6), BPF_ALU64_REG(BPF_ADD, 0, 7),
	     BPF_ALU64_REG(BPF_ADD, 0, 8), BPF_ALU64_REG(BPF_ADD, 0, 9),
	     BPF_LDX_MEM(BPF_DW, 1, 10, -8), BPF_ALU64_REG(BPF_ADD, 0, 1), BPF_EXIT_INSN()),
	CASE("helper from a subprog", 0x1235, BPF_CALL_REL(2), BPF_ALU64_IMM(BPF_ADD, 0, 1),
	     BPF_EXIT_INSN(), BPF_CALL_HELPER(HELPER_CONST), BPF_EXIT_INSN()),
};

/*
 * LD_ABS/LD_IND find the packet through r6 -> {data, data_end}: the prologue
 * builds that view on the stack from the RAW memory (r1, r2), so the cases
 * also run checked. Packet: 12 34 56 78 9a bc de f0.
 */
#define PKT MEM(0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0)
#define PKT_VIEW_IN_R6									\
	BPF_STX_MEM(BPF_DW, 10, 1, -16), BPF_MOV64_REG(3, 1), BPF_ALU64_REG(BPF_ADD, 3, 2),	\
	BPF_STX_MEM(BPF_DW, 10, 3, -8), BPF_MOV64_REG(6, 10), BPF_ALU64_IMM(BPF_ADD, 6, -16)
#define PKT_CASE(NAME, EXPECT, ...) \
	MCASE(NAME, EXPECT, PKT, PKT_VIEW_IN_R6, __VA_ARGS__, BPF_EXIT_INSN())
VM_TABLE ld_pkt_cases[] = {
	PKT_CASE("ldabsw big-endian", 0x56789abc, BPF_LD_ABS(BPF_W, 2)),
	PKT_CASE("ldabsh", 0xdef0, BPF_LD_ABS(BPF_H, 6)),
	PKT_CASE("ldabsb last byte", 0xf0, BPF_LD_ABS(BPF_B, 7)),
	PKT_CASE("ldabsw last word then continues", 0x9abcdef1, BPF_LD_ABS(BPF_W, 4),
		 BPF_ALU64_IMM(BPF_ADD, 0, 1)),
	PKT_CASE("ldabsw out of bounds exits with 0", 0, BPF_LD_ABS(BPF_W, 5),
		 BPF_MOV64_IMM(0, 77)),
	PKT_CASE("ldabsb out of bounds exits with 0", 0, BPF_LD_ABS(BPF_B, 8),
		 BPF_MOV64_IMM(0, 77)),
	PKT_CASE("ldabsh negative offset exits with 0", 0, BPF_LD_ABS(BPF_H, -2),
		 BPF_MOV64_IMM(0, 77)),
	PKT_CASE("ldindh", 0x9abc, BPF_MOV64_IMM(7, 3), BPF_LD_IND(BPF_H, 7, 1)),
	PKT_CASE("ldindb", 0x34, BPF_MOV64_IMM(7, 1), BPF_LD_IND(BPF_B, 7, 0)),
	PKT_CASE("ldindw offset is 32-bit", 0x56789abc, BPF_LD_IMM64(7, 0x100000001ULL),
		 BPF_LD_IND(BPF_W, 7, 1)),
	PKT_CASE("ldindw out of bounds exits with 0", 0, BPF_MOV64_IMM(7, 3),
		 BPF_LD_IND(BPF_W, 7, 2), BPF_MOV64_IMM(0, 77)),
	PKT_CASE("ldindb negative exits with 0", 0, BPF_MOV64_IMM(7, -10),
		 BPF_LD_IND(BPF_B, 7, 2), BPF_MOV64_IMM(0, 77)),
	PKT_CASE("ldabs keeps r6-r9", 0x12 + 8, BPF_MOV64_IMM(8, 8), BPF_LD_ABS(BPF_B, 0),
		 BPF_ALU64_REG(BPF_ADD, 0, 8)),
};
#undef PKT_CASE
#undef PKT_VIEW_IN_R6
#undef PKT

/* Conditional jumps, generated: each row runs as JMP reg/imm and JMP32 reg/imm. */
struct jmp_row {
	uint8_t op;
	uint64_t a;
	uint64_t b;
	bool taken64;
	bool taken32;
};

static const struct jmp_row __attribute__((unused)) jmp_rows[] = {
	{ BPF_JEQ, 5, 5, true, true },
	{ BPF_JEQ, 0x100000005ULL, 5, false, true },
	{ BPF_JEQ, UINT64_MAX, UINT64_MAX, true, true },		/* imm -1 sign-extends */
	{ BPF_JEQ, 0xffffffffULL, UINT64_MAX, false, true },
	{ BPF_JNE, 5, 6, true, true },
	{ BPF_JNE, 0x100000005ULL, 5, true, false },
	{ BPF_JGT, UINT64_MAX, 1, true, true },
	{ BPF_JGT, 1, 2, false, false },
	{ BPF_JGT, 0x100000000ULL, 1, true, false },
	{ BPF_JGE, 5, 5, true, true },
	{ BPF_JGE, 4, 5, false, false },
	{ BPF_JLT, 1, UINT64_MAX, true, true },
	{ BPF_JLT, 0x100000000ULL, 1, false, true },
	{ BPF_JLE, 5, 5, true, true },
	{ BPF_JLE, 6, 5, false, false },
	{ BPF_JSGT, UINT64_MAX, 1, false, false },			/* -1 > 1 signed: no */
	{ BPF_JSGT, 1, UINT64_MAX, true, true },
	{ BPF_JSGT, 0x80000000ULL, 0, true, false },		/* INT32_MIN on 32 bits */
	{ BPF_JSGE, UINT64_MAX, UINT64_MAX, true, true },
	{ BPF_JSGE, 0xfffffffffffffffeULL, UINT64_MAX, false, false },
	{ BPF_JSLT, UINT64_MAX, 1, true, true },
	{ BPF_JSLT, 0x80000000ULL, 0, false, true },
	{ BPF_JSLE, UINT64_MAX, UINT64_MAX, true, true },
	{ BPF_JSLE, 1, UINT64_MAX, false, false },
	{ BPF_JSET, 6, 2, true, true },
	{ BPF_JSET, 6, 1, false, false },
	{ BPF_JSET, 0x100000000ULL, 0x100000000ULL, true, false },
	{ BPF_JSET, 0x100000000ULL, UINT64_MAX, true, false },	/* imm -1 sign-extends */
};

#endif /* XDPDK_TESTS_VM_CASES_H */
