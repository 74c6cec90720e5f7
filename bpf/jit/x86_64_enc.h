/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * x86-64 instruction encoders for the JIT: the byte emitter (which only counts
 * while the buffer is NULL, so a sizing pass is an emission without a buffer),
 * then REX, ModRM, SIB and displacement selection, then one encoder per
 * instruction form the JIT uses. Every encoder is unit tested against bytes
 * from llvm-mc (tests/unit/bpf/test_jit_enc.c). No BPF knowledge here.
 */
#ifndef XDPDK_BPF_JIT_X86_64_ENC_H
#define XDPDK_BPF_JIT_X86_64_ENC_H

#include <stdbool.h>
#include <stdint.h>

/* Hardware register numbers; bit 3 goes into REX.R/X/B. */
enum x86_reg {
	X86_RAX = 0, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
	X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
};

/* Condition codes: the low nibble of Jcc (0x70+cc, 0x0f 0x80+cc). */
enum x86_cc {
	X86_CC_B = 0x2, X86_CC_AE = 0x3, X86_CC_E = 0x4, X86_CC_NE = 0x5,
	X86_CC_BE = 0x6, X86_CC_A = 0x7, X86_CC_S = 0x8, X86_CC_NS = 0x9,
	X86_CC_L = 0xc, X86_CC_GE = 0xd, X86_CC_LE = 0xe, X86_CC_G = 0xf,
};

/* Group-1 ALU operations: the /digit of 0x81/0x83 and, shifted left by 3, the op-r/m base. */
enum x86_alu {
	X86_ADD = 0, X86_OR = 1, X86_AND = 4, X86_SUB = 5, X86_XOR = 6, X86_CMP = 7,
};

/* Shift group (0xc1/0xd1/0xd3 /digit). */
enum x86_shift {
	X86_ROL = 0, X86_ROR = 1, X86_SHL = 4, X86_SHR = 5, X86_SAR = 7,
};

/* Group-3 unary operations (0xf7 /digit). */
enum x86_unop {
	X86_TEST_IMM = 0, X86_NOT = 2, X86_NEG = 3, X86_MUL = 4, X86_DIV = 6, X86_IDIV = 7,
};

/* "op r/m, reg" opcodes (MR form). */
enum {
	X86_OP_ADD_MR = 0x01, X86_OP_OR_MR = 0x09, X86_OP_AND_MR = 0x21,
	X86_OP_SUB_MR = 0x29, X86_OP_XOR_MR = 0x31, X86_OP_CMP_MR = 0x39,
	X86_OP_TEST_MR = 0x85, X86_OP_XCHG_MR = 0x87, X86_OP_MOV_MR = 0x89,
};

/* Layer (a): the output. buf == NULL is a sizing pass: bytes are only counted. */
struct x86_buf {
	uint8_t *buf;
	uint32_t pos;
	uint32_t cap;		/* bytes writable at buf */
	bool overflow;		/* a write past cap was dropped */
};

static inline void
x86_emit1(struct x86_buf *b, uint8_t v)
{
	if (b->buf != NULL) {
		if (b->pos < b->cap)
			b->buf[b->pos] = v;
		else
			b->overflow = true;
	}
	b->pos++;
}

static inline void
x86_emit2(struct x86_buf *b, uint8_t v0, uint8_t v1)
{
	x86_emit1(b, v0);
	x86_emit1(b, v1);
}

static inline void
x86_emit3(struct x86_buf *b, uint8_t v0, uint8_t v1, uint8_t v2)
{
	x86_emit1(b, v0);
	x86_emit1(b, v1);
	x86_emit1(b, v2);
}

static inline void
x86_emit_u16(struct x86_buf *b, uint16_t v)
{
	x86_emit2(b, (uint8_t)v, (uint8_t)(v >> 8));
}

static inline void
x86_emit_u32(struct x86_buf *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		x86_emit1(b, (uint8_t)(v >> (8 * i)));
}

static inline void
x86_emit_u64(struct x86_buf *b, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		x86_emit1(b, (uint8_t)(v >> (8 * i)));
}

/* Patch a rel8 byte emitted earlier (no-op in a sizing pass). */
static inline void
x86_patch8(struct x86_buf *b, uint32_t at, int8_t v)
{
	if (b->buf != NULL && at < b->cap)
		b->buf[at] = (uint8_t)v;
}

static inline bool
x86_is_imm8(int64_t v)
{
	return v >= INT8_MIN && v <= INT8_MAX;
}

static inline bool
x86_is_simm32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

/* Layer (b): prefixes and operand bytes. */

/* Which operands of an instruction are byte registers (for x86_rex). */
enum {
	X86_BYTE_REG = 1,	/* ModRM.reg */
	X86_BYTE_RM = 2,	/* ModRM.rm, register form only */
};

/*
 * REX = 0100WRXB: W selects 64-bit operands; R, X, B extend ModRM.reg,
 * SIB.index and ModRM.rm/SIB.base to r8-r15. Omitted when all bits are zero,
 * except that a byte operand numbered 4-7 needs an empty REX (0x40): with one
 * those numbers mean spl/bpl/sil/dil, without one ah/ch/dh/bh.
 */
static inline void
x86_rex(struct x86_buf *b, bool w, unsigned reg, unsigned index, unsigned rm, unsigned bytes)
{
	uint8_t rex = (uint8_t)(0x40 | (w ? 8 : 0) | ((reg >> 3) & 1) << 2 |
				((index >> 3) & 1) << 1 | ((rm >> 3) & 1));

	if (rex != 0x40 || ((bytes & X86_BYTE_REG) && reg >= 4 && reg < 8) ||
	    ((bytes & X86_BYTE_RM) && rm >= 4 && rm < 8))
		x86_emit1(b, rex);
}

static inline uint8_t
x86_modrm(unsigned mod, unsigned reg, unsigned rm)
{
	return (uint8_t)(mod << 6 | (reg & 7) << 3 | (rm & 7));
}

/*
 * ModRM (+SIB, +disp) for [base + disp]. Two quirks of the encoding: rm = 100
 * (rsp, r12) with mod != 11 escapes to a SIB byte, so those bases need SIB 0x24
 * ("no index"); rm = 101 (rbp, r13) with mod = 00 means RIP-relative, so those
 * bases need an explicit disp8 of 0.
 */
static inline void
x86_mem(struct x86_buf *b, unsigned reg, unsigned base, int32_t disp)
{
	unsigned mod;

	if (disp == 0 && (base & 7) != X86_RBP)
		mod = 0;
	else if (x86_is_imm8(disp))
		mod = 1;
	else
		mod = 2;
	x86_emit1(b, x86_modrm(mod, reg, base));
	if ((base & 7) == X86_RSP)
		x86_emit1(b, 0x24);	/* SIB: scale 1, no index, base */
	if (mod == 1)
		x86_emit1(b, (uint8_t)disp);
	else if (mod == 2)
		x86_emit_u32(b, (uint32_t)disp);
}

/* ModRM + SIB (+disp) for [base + index * (1 << scale) + disp]; index != rsp. */
static inline void
x86_mem_index(struct x86_buf *b, unsigned reg, unsigned base, unsigned index, unsigned scale,
	      int32_t disp)
{
	unsigned mod;

	if (disp == 0 && (base & 7) != X86_RBP)
		mod = 0;
	else if (x86_is_imm8(disp))
		mod = 1;
	else
		mod = 2;
	x86_emit1(b, x86_modrm(mod, reg, X86_RSP));	/* rm = 100: SIB follows */
	x86_emit1(b, (uint8_t)(scale << 6 | (index & 7) << 3 | (base & 7)));
	if (mod == 1)
		x86_emit1(b, (uint8_t)disp);
	else if (mod == 2)
		x86_emit_u32(b, (uint32_t)disp);
}

/*
 * The general memory form: [0x66] [REX] opcode(1-2 bytes) ModRM [SIB] [disp]
 * with ModRM.reg = @reg. @size 2 adds the operand-size prefix, @size 8 REX.W;
 * with @size 1, @reg is a byte register. @op2 == 0 means a 1-byte opcode.
 */
static inline void
x86_op_mem(struct x86_buf *b, unsigned size, uint8_t op1, uint8_t op2, unsigned reg,
	   unsigned base, int32_t disp)
{
	if (size == 2)
		x86_emit1(b, 0x66);
	x86_rex(b, size == 8, reg, 0, base, size == 1 ? X86_BYTE_REG : 0);
	x86_emit1(b, op1);
	if (op2 != 0)
		x86_emit1(b, op2);
	x86_mem(b, reg, base, disp);
}

/* Register-register form: [REX] opcode(1-2 bytes) ModRM(11, reg, rm). */
static inline void
x86_op_rr(struct x86_buf *b, bool w, uint8_t op1, uint8_t op2, unsigned reg, unsigned rm,
	  unsigned bytes)
{
	x86_rex(b, w, reg, 0, rm, bytes);
	x86_emit1(b, op1);
	if (op2 != 0)
		x86_emit1(b, op2);
	x86_emit1(b, x86_modrm(3, reg, rm));
}

/* [REX] opcode ModRM SIB [disp] for [base + index * (1 << scale) + disp]. */
static inline void
x86_op_mem_index(struct x86_buf *b, bool w, uint8_t op, unsigned reg, unsigned base,
		 unsigned index, unsigned scale, int32_t disp)
{
	x86_rex(b, w, reg, index, base, 0);
	x86_emit1(b, op);
	x86_mem_index(b, reg, base, index, scale, disp);
}

/* Instruction encoders. @w selects the 64-bit form, else 32-bit (zero-extends). */

/* op dst, src (add, or, and, sub, xor, cmp, test, mov: X86_OP_*_MR). */
static inline void
x86_alu_rr(struct x86_buf *b, uint8_t op, bool w, unsigned dst, unsigned src)
{
	x86_op_rr(b, w, op, 0, src, dst, 0);
}

static inline void
x86_mov_rr(struct x86_buf *b, bool w, unsigned dst, unsigned src)
{
	x86_alu_rr(b, X86_OP_MOV_MR, w, dst, src);
}

/*
 * Group-1 ALU with an immediate, shortest form: 0x83 /op ib when the value fits
 * a sign-extended byte, the 0x05-style short opcode for rax, else 0x81 /op id.
 * The immediate is sign-extended to 64 bits in the 64-bit form.
 */
static inline void
x86_alu_ri(struct x86_buf *b, enum x86_alu op, bool w, unsigned dst, int32_t imm)
{
	x86_rex(b, w, 0, 0, dst, 0);
	if (x86_is_imm8(imm)) {
		x86_emit2(b, 0x83, x86_modrm(3, op, dst));
		x86_emit1(b, (uint8_t)imm);
	} else if (dst == X86_RAX) {
		x86_emit1(b, (uint8_t)(op << 3 | 5));
		x86_emit_u32(b, (uint32_t)imm);
	} else {
		x86_emit2(b, 0x81, x86_modrm(3, op, dst));
		x86_emit_u32(b, (uint32_t)imm);
	}
}

/* Group-1 ALU on memory with a sign-extended imm8: 83 /op [base + disp], ib (size 4 or 8). */
static inline void
x86_alu_mi8(struct x86_buf *b, enum x86_alu op, unsigned size, unsigned base, int32_t disp,
	    int8_t imm)
{
	x86_op_mem(b, size, 0x83, 0, op, base, disp);
	x86_emit1(b, (uint8_t)imm);
}

/* mov dst64, [base + index * 8 + disp] (REX.W 8b /r with SIB). */
static inline void
x86_load_idx8(struct x86_buf *b, unsigned dst, unsigned base, unsigned index, int32_t disp)
{
	x86_op_mem_index(b, true, 0x8b, dst, base, index, 3, disp);
}

/* lea dst64, [base + index * 8 + disp] (REX.W 8d /r with SIB). */
static inline void
x86_lea_idx8(struct x86_buf *b, unsigned dst, unsigned base, unsigned index, int32_t disp)
{
	x86_op_mem_index(b, true, 0x8d, dst, base, index, 3, disp);
}

/* test dst, imm32 (sign-extended in the 64-bit form): 0xa9 for rax, else 0xf7 /0. */
static inline void
x86_test_ri(struct x86_buf *b, bool w, unsigned dst, int32_t imm)
{
	x86_rex(b, w, 0, 0, dst, 0);
	if (dst == X86_RAX)
		x86_emit1(b, 0xa9);
	else
		x86_emit2(b, 0xf7, x86_modrm(3, X86_TEST_IMM, dst));
	x86_emit_u32(b, (uint32_t)imm);
}

/* xor dst32, dst32: the shortest zeroing (clobbers flags). */
static inline void
x86_zero(struct x86_buf *b, unsigned dst)
{
	x86_alu_rr(b, X86_OP_XOR_MR, false, dst, dst);
}

/*
 * mov dst, imm in the shortest form that yields the 64-bit value @imm:
 * B8+r id when it fits 32 bits unsigned (the write zero-extends),
 * REX.W C7 /0 id when it fits signed, else REX.W B8+r io (movabs).
 */
static inline void
x86_mov_ri(struct x86_buf *b, unsigned dst, uint64_t imm)
{
	if (imm <= UINT32_MAX) {
		x86_rex(b, false, 0, 0, dst, 0);
		x86_emit1(b, (uint8_t)(0xb8 + (dst & 7)));
		x86_emit_u32(b, (uint32_t)imm);
	} else if (x86_is_simm32((int64_t)imm)) {
		x86_rex(b, true, 0, 0, dst, 0);
		x86_emit2(b, 0xc7, x86_modrm(3, 0, dst));
		x86_emit_u32(b, (uint32_t)imm);
	} else {
		x86_rex(b, true, 0, 0, dst, 0);
		x86_emit1(b, (uint8_t)(0xb8 + (dst & 7)));
		x86_emit_u64(b, imm);
	}
}

/* movabs dst, imm64: always 10 bytes, for addresses patched nowhere but sized up front. */
static inline void
x86_movabs(struct x86_buf *b, unsigned dst, uint64_t imm)
{
	x86_rex(b, true, 0, 0, dst, 0);
	x86_emit1(b, (uint8_t)(0xb8 + (dst & 7)));
	x86_emit_u64(b, imm);
}

/* cqo (48 99) / cdq (99): sign-extend rax into rdx:rax, eax into edx:eax, before idiv. */
static inline void
x86_cqo(struct x86_buf *b, bool w)
{
	if (w)
		x86_emit1(b, 0x48);	/* REX.W */
	x86_emit1(b, 0x99);
}

/* imul dst, src (0f af /r). */
static inline void
x86_imul_rr(struct x86_buf *b, bool w, unsigned dst, unsigned src)
{
	x86_op_rr(b, w, 0x0f, 0xaf, dst, src, 0);
}

/* imul dst, src, imm: 6b /r ib or 69 /r id. */
static inline void
x86_imul_rri(struct x86_buf *b, bool w, unsigned dst, unsigned src, int32_t imm)
{
	bool short_imm = x86_is_imm8(imm);

	x86_op_rr(b, w, short_imm ? 0x6b : 0x69, 0, dst, src, 0);
	if (short_imm)
		x86_emit1(b, (uint8_t)imm);
	else
		x86_emit_u32(b, (uint32_t)imm);
}

/* Group 3 on a register: not, neg, mul, div, idiv (f7 /op). */
static inline void
x86_unary(struct x86_buf *b, enum x86_unop op, bool w, unsigned rm)
{
	x86_op_rr(b, w, 0xf7, 0, op, rm, 0);
}

/* Shift by an immediate: d1 /op for a count of 1, else c1 /op ib. */
static inline void
x86_shift_ri(struct x86_buf *b, enum x86_shift op, bool w, unsigned dst, uint8_t count)
{
	if (count == 1) {
		x86_op_rr(b, w, 0xd1, 0, op, dst, 0);
	} else {
		x86_op_rr(b, w, 0xc1, 0, op, dst, 0);
		x86_emit1(b, count);
	}
}

/* Shift by cl (d3 /op). The hardware masks the count to 5 or 6 bits. */
static inline void
x86_shift_cl(struct x86_buf *b, enum x86_shift op, bool w, unsigned dst)
{
	x86_op_rr(b, w, 0xd3, 0, op, dst, 0);
}

/*
 * BMI2 shlx/shrx/sarx dst, src, count: three operands and any count register,
 * so no rcx shuffling. VEX.LZ.{66,F2,F3}.0F38.W{0,1} F7 /r, count in VEX.vvvv.
 */
static inline void
x86_shiftx(struct x86_buf *b, enum x86_shift op, bool w, unsigned dst, unsigned src,
	   unsigned count)
{
	/* VEX.pp: 01 = 66 (shlx), 10 = F3 (sarx), 11 = F2 (shrx). */
	uint8_t pp = op == X86_SHL ? 1 : op == X86_SAR ? 2 : 3;

	x86_emit1(b, 0xc4);	/* 3-byte VEX */
	/* inverted R, X, B; map 0F38 */
	x86_emit1(b, (uint8_t)((dst & 8 ? 0 : 0x80) | 0x40 | (src & 8 ? 0 : 0x20) | 0x02));
	/* W, inverted vvvv, L = 0, pp */
	x86_emit1(b, (uint8_t)((w ? 0x80 : 0) | ((~count & 15) << 3) | pp));
	x86_emit2(b, 0xf7, x86_modrm(3, dst, src));
}

/* movzx/movsx dst, src8/src16 (0f b6/b7/be/bf) and movsxd dst, src32 (REX.W 63). */
static inline void
x86_movzx_rr(struct x86_buf *b, unsigned dst, unsigned src, unsigned src_size)
{
	x86_op_rr(b, false, 0x0f, src_size == 1 ? 0xb6 : 0xb7, dst, src,
		  src_size == 1 ? X86_BYTE_RM : 0);
}

static inline void
x86_movsx_rr(struct x86_buf *b, bool w, unsigned dst, unsigned src, unsigned src_size)
{
	if (src_size == 4)
		x86_op_rr(b, true, 0x63, 0, dst, src, 0);
	else
		x86_op_rr(b, w, 0x0f, src_size == 1 ? 0xbe : 0xbf, dst, src,
			  src_size == 1 ? X86_BYTE_RM : 0);
}

/* bswap r32/r64 (0f c8+r). */
static inline void
x86_bswap(struct x86_buf *b, bool w, unsigned reg)
{
	x86_rex(b, w, 0, 0, reg, 0);
	x86_emit2(b, 0x0f, (uint8_t)(0xc8 + (reg & 7)));
}

/* ror r16, 8: swaps the two low bytes (66 c1 /1 08). */
static inline void
x86_ror16_8(struct x86_buf *b, unsigned reg)
{
	x86_emit1(b, 0x66);
	x86_op_rr(b, false, 0xc1, 0, X86_ROR, reg, 0);
	x86_emit1(b, 8);
}

/*
 * Loads: movzx r32, m8/m16 (0f b6/b7), mov r32, m32 (8b) and mov r64, m64
 * (REX.W 8b) zero-extend; movsx r64, m8/m16 (REX.W 0f be/bf) and movsxd r64,
 * m32 (REX.W 63) sign-extend.
 */
static inline void
x86_load(struct x86_buf *b, unsigned size, bool sx, unsigned dst, unsigned base, int32_t disp)
{
	if (sx) {
		if (size == 4)
			x86_op_mem(b, 8, 0x63, 0, dst, base, disp);
		else
			x86_op_mem(b, 8, 0x0f, size == 1 ? 0xbe : 0xbf, dst, base, disp);
		return;
	}
	switch (size) {
	case 1: x86_op_mem(b, 4, 0x0f, 0xb6, dst, base, disp); break;
	case 2: x86_op_mem(b, 4, 0x0f, 0xb7, dst, base, disp); break;
	case 4: x86_op_mem(b, 4, 0x8b, 0, dst, base, disp); break;
	default: x86_op_mem(b, 8, 0x8b, 0, dst, base, disp); break;
	}
}

/* mov size [base + disp], src (88 for bytes, [66] 89 otherwise). */
static inline void
x86_store_r(struct x86_buf *b, unsigned size, unsigned base, int32_t disp, unsigned src)
{
	x86_op_mem(b, size, size == 1 ? 0x88 : 0x89, 0, src, base, disp);
}

/* mov size [base + disp], imm (c6 /0 ib, [66] c7 /0 iw/id; 8 bytes: imm32 sign-extended). */
static inline void
x86_store_i(struct x86_buf *b, unsigned size, unsigned base, int32_t disp, int32_t imm)
{
	x86_op_mem(b, size, size == 1 ? 0xc6 : 0xc7, 0, 0, base, disp);
	if (size == 1)
		x86_emit1(b, (uint8_t)imm);
	else if (size == 2)
		x86_emit_u16(b, (uint16_t)imm);
	else
		x86_emit_u32(b, (uint32_t)imm);
}

/* lock prefix, for the read-modify-write forms below (xchg locks implicitly). */
static inline void
x86_lock(struct x86_buf *b)
{
	x86_emit1(b, 0xf0);
}

/* op [base + disp], src with op an MR opcode (add, or, and, xor, xchg); size 4 or 8. */
static inline void
x86_alu_mr(struct x86_buf *b, uint8_t op, unsigned size, unsigned base, int32_t disp,
	   unsigned src)
{
	x86_op_mem(b, size, op, 0, src, base, disp);
}

/* xadd [base + disp], src (0f c1 /r): src receives the old value. */
static inline void
x86_xadd(struct x86_buf *b, unsigned size, unsigned base, int32_t disp, unsigned src)
{
	x86_op_mem(b, size, 0x0f, 0xc1, src, base, disp);
}

/* cmpxchg [base + disp], src (0f b1 /r): compares with rax/eax. */
static inline void
x86_cmpxchg(struct x86_buf *b, unsigned size, unsigned base, int32_t disp, unsigned src)
{
	x86_op_mem(b, size, 0x0f, 0xb1, src, base, disp);
}

/* Control flow. Relative displacements count from the end of the instruction. */

static inline void
x86_jcc8(struct x86_buf *b, enum x86_cc cc, int8_t rel)
{
	x86_emit2(b, (uint8_t)(0x70 | cc), (uint8_t)rel);
}

static inline void
x86_jcc32(struct x86_buf *b, enum x86_cc cc, int32_t rel)
{
	x86_emit2(b, 0x0f, (uint8_t)(0x80 | cc));
	x86_emit_u32(b, (uint32_t)rel);
}

static inline void
x86_jmp8(struct x86_buf *b, int8_t rel)
{
	x86_emit2(b, 0xeb, (uint8_t)rel);
}

static inline void
x86_jmp32(struct x86_buf *b, int32_t rel)
{
	x86_emit1(b, 0xe9);
	x86_emit_u32(b, (uint32_t)rel);
}

static inline void
x86_call32(struct x86_buf *b, int32_t rel)
{
	x86_emit1(b, 0xe8);
	x86_emit_u32(b, (uint32_t)rel);
}

/* call reg (ff /2) and jmp reg (ff /4). */
static inline void
x86_call_r(struct x86_buf *b, unsigned reg)
{
	x86_op_rr(b, false, 0xff, 0, 2, reg, 0);
}

static inline void
x86_jmp_r(struct x86_buf *b, unsigned reg)
{
	x86_op_rr(b, false, 0xff, 0, 4, reg, 0);
}

/* push/pop reg (50+r / 58+r, 41 prefix for r8-r15). */
static inline void
x86_push(struct x86_buf *b, unsigned reg)
{
	x86_rex(b, false, 0, 0, reg, 0);
	x86_emit1(b, (uint8_t)(0x50 + (reg & 7)));
}

static inline void
x86_pop(struct x86_buf *b, unsigned reg)
{
	x86_rex(b, false, 0, 0, reg, 0);
	x86_emit1(b, (uint8_t)(0x58 + (reg & 7)));
}

/* push imm8, sign-extended to 64 bits (6a ib). */
static inline void
x86_push_i8(struct x86_buf *b, int8_t imm)
{
	x86_emit2(b, 0x6a, (uint8_t)imm);
}

/* leave (c9): mov rsp, rbp; pop rbp. */
static inline void
x86_leave(struct x86_buf *b)
{
	x86_emit1(b, 0xc9);
}

/* ret (c3). */
static inline void
x86_ret(struct x86_buf *b)
{
	x86_emit1(b, 0xc3);
}

#endif /* XDPDK_BPF_JIT_X86_64_ENC_H */
