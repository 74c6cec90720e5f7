/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The eBPF instruction set: encodings missing from older UAPI headers, field
 * accessors, and the semantics of every corner case, written once here and
 * shared by the interpreter, the JIT's tests, the verifier and the disassembler.
 * Reference: Linux UAPI bpf.h and Documentation/bpf/standardization/instruction-set.rst
 * (RFC 9669).
 */
#ifndef XDPDK_BPF_ISA_H
#define XDPDK_BPF_ISA_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/bpf.h>

/* ISA v4 pieces that Debian 12's 6.1 UAPI header predates. */
#ifndef BPF_MEMSX
#define BPF_MEMSX 0x80 /* sign-extending load (LDX only) */
#endif

#define XDPDK_BPF_STACK_SIZE 512      /* per frame, as MAX_BPF_STACK */
#define XDPDK_BPF_MAX_CALL_FRAMES 8   /* as MAX_CALL_FRAMES */
#define XDPDK_BPF_MAX_TAIL_CALLS 33   /* as MAX_TAIL_CALL_CNT */
#define XDPDK_BPF_MAX_INSNS (1u << 20)
#define XDPDK_BPF_NREGS 11

/*
 * Operand shapes: the kind column of opcodes.def, which selects how an
 * instruction is checked, printed, assembled and run. KIND_NONE marks an
 * opcode that opcodes.def does not list (an invalid one).
 */
enum xdpdk_isa_kind {
	KIND_NONE = 0,
	KIND_ALU64_IMM, KIND_ALU64_REG, KIND_ALU64_UN,
	KIND_ALU32_IMM, KIND_ALU32_REG, KIND_ALU32_UN,
	KIND_END, KIND_JA,
	KIND_JMP64_IMM, KIND_JMP64_REG, KIND_JMP32_IMM, KIND_JMP32_REG,
	KIND_CALL, KIND_EXIT, KIND_LDDW, KIND_LD_ABS, KIND_LD_IND,
	KIND_LDX, KIND_LDXSX, KIND_ST, KIND_STX, KIND_ATOMIC,
	KIND_COUNT
};

/* Field accessors: the instruction's class, operation, source and size. */
static inline uint8_t xdpdk_isa_class(uint8_t code) { return BPF_CLASS(code); }
static inline uint8_t xdpdk_isa_op(uint8_t code) { return BPF_OP(code); }
static inline uint8_t xdpdk_isa_src(uint8_t code) { return BPF_SRC(code); }
static inline uint8_t xdpdk_isa_mode(uint8_t code) { return BPF_MODE(code); }

/* Access width in bytes of a load/store opcode. */
static inline unsigned
xdpdk_isa_size_bytes(uint8_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B: return 1;
	case BPF_H: return 2;
	case BPF_W: return 4;
	default: return 8;
	}
}

static inline bool
xdpdk_isa_is_lddw(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

/* The 64-bit immediate of an lddw pair. */
static inline uint64_t
xdpdk_isa_lddw_imm(const struct bpf_insn *insn)
{
	return (uint64_t)(uint32_t)insn[0].imm | ((uint64_t)(uint32_t)insn[1].imm << 32);
}

/* Unconditional jump target: JMP32|JA ("gotol") takes its offset in imm. */
static inline int32_t
xdpdk_isa_ja_offset(const struct bpf_insn *insn)
{
	return BPF_CLASS(insn->code) == BPF_JMP32 ? insn->imm : insn->off;
}

/*
 * Division and modulo. Division by zero yields 0; modulo by zero leaves dst
 * unchanged (the caller zero-extends for 32-bit ALU). Signed forms (off == 1)
 * follow C truncation, except INT_MIN / -1 which yields INT_MIN and
 * INT_MIN % -1 which yields 0: the kernel emits no trap for them.
 */
static inline uint64_t
xdpdk_isa_div64(uint64_t a, uint64_t b, bool is_signed)
{
	if (b == 0)
		return 0;
	if (!is_signed)
		return a / b;
	if ((int64_t)b == -1)
		return (uint64_t)0 - a; /* INT64_MIN / -1 wraps to INT64_MIN */
	return (uint64_t)((int64_t)a / (int64_t)b);
}

static inline uint64_t
xdpdk_isa_mod64(uint64_t a, uint64_t b, bool is_signed)
{
	if (b == 0)
		return a;
	if (!is_signed)
		return a % b;
	if ((int64_t)b == -1)
		return 0;
	return (uint64_t)((int64_t)a % (int64_t)b);
}

static inline uint32_t
xdpdk_isa_div32(uint32_t a, uint32_t b, bool is_signed)
{
	if (b == 0)
		return 0;
	if (!is_signed)
		return a / b;
	if ((int32_t)b == -1)
		return (uint32_t)0 - a;
	return (uint32_t)((int32_t)a / (int32_t)b);
}

static inline uint32_t
xdpdk_isa_mod32(uint32_t a, uint32_t b, bool is_signed)
{
	if (b == 0)
		return a;
	if (!is_signed)
		return a % b;
	if ((int32_t)b == -1)
		return 0;
	return (uint32_t)((int32_t)a % (int32_t)b);
}

/*
 * Shifts: the kernel masks the count to the operand width (x86 does the
 * same in hardware), so a count of 64 on ALU64 shifts by 0, not to zero.
 */
static inline uint64_t xdpdk_isa_lsh64(uint64_t a, uint64_t n) { return a << (n & 63); }
static inline uint64_t xdpdk_isa_rsh64(uint64_t a, uint64_t n) { return a >> (n & 63); }
static inline uint64_t
xdpdk_isa_arsh64(uint64_t a, uint64_t n)
{
	return (uint64_t)((int64_t)a >> (n & 63));
}
static inline uint32_t xdpdk_isa_lsh32(uint32_t a, uint64_t n) { return a << (n & 31); }
static inline uint32_t xdpdk_isa_rsh32(uint32_t a, uint64_t n) { return a >> (n & 31); }
static inline uint32_t
xdpdk_isa_arsh32(uint32_t a, uint64_t n)
{
	return (uint32_t)((int32_t)a >> (n & 31));
}

/* MOVSX (off = 8/16/32): sign-extend the low bits of src. */
static inline uint64_t
xdpdk_isa_sext(uint64_t v, int bits)
{
	switch (bits) {
	case 8: return (uint64_t)(int64_t)(int8_t)v;
	case 16: return (uint64_t)(int64_t)(int16_t)v;
	case 32: return (uint64_t)(int64_t)(int32_t)v;
	default: return v;
	}
}

/*
 * END: BPF_ALU|BPF_END|BPF_TO_LE/BE converts to that byte order and truncates
 * to imm bits (16/32/64); BPF_ALU64|BPF_END is the unconditional bswap of v4.
 * xdpdk runs on little-endian hosts only, so "to le" is a truncation.
 */
static inline uint64_t
xdpdk_isa_end(uint64_t v, int bits, bool swap)
{
	switch (bits) {
	case 16: return swap ? __builtin_bswap16((uint16_t)v) : (uint16_t)v;
	case 32: return swap ? __builtin_bswap32((uint32_t)v) : (uint32_t)v;
	default: return swap ? __builtin_bswap64(v) : v;
	}
}

/* Conditional jumps: one place decides every comparison (JMP and JMP32). */
static inline bool
xdpdk_isa_jmp_taken(uint8_t op, uint64_t a, uint64_t b, bool is32)
{
	if (is32) {
		a = (uint32_t)a;
		b = (uint32_t)b;
	}
	int64_t sa = is32 ? (int64_t)(int32_t)a : (int64_t)a;
	int64_t sb = is32 ? (int64_t)(int32_t)b : (int64_t)b;

	switch (op) {
	case BPF_JEQ: return a == b;
	case BPF_JNE: return a != b;
	case BPF_JGT: return a > b;
	case BPF_JGE: return a >= b;
	case BPF_JLT: return a < b;
	case BPF_JLE: return a <= b;
	case BPF_JSET: return (a & b) != 0;
	case BPF_JSGT: return sa > sb;
	case BPF_JSGE: return sa >= sb;
	case BPF_JSLT: return sa < sb;
	case BPF_JSLE: return sa <= sb;
	default: return false;
	}
}

#endif /* XDPDK_BPF_ISA_H */
