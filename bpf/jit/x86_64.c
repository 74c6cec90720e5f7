/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * x86-64 JIT for eBPF (ISA v4) with the kernel's semantics. Layers: byte
 * emitters and encoders (x86_64_enc.h), one emitter per operation family plus
 * prologue/epilogue (this file), and one switch over the opcode list whose
 * cases each call one emitter. Passes repeat until every instruction's offset
 * is stable, then the image is emitted into an RW mapping that is made R+X.
 *
 * Calls (helpers, bpf2bpf, tail calls, inlined lookups) are in x86_64_call.c.
 *
 * Image layout: [main function][bpf2bpf functions...][burst loop][entry].
 * The main function sits at offset 0 and is also the tail call entry; the
 * entry stub, emitted only for programs that tail call, sets up the per-run
 * tail call counter and calls the main function.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include <xdpdk/ctx.h>

#include "x86_64_jit.h"

#define JIT_MAX_PASSES 20

int
xdpdk_jit_fail(struct jit *j, uint32_t i, const char *fmt, ...)
{
	char msg[112];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (i < j->prog->n_insns)
		snprintf(j->prog->jit_error, sizeof(j->prog->jit_error),
			 "insn %u (code 0x%02x): %s", i, j->prog->insns[i].code, msg);
	else
		snprintf(j->prog->jit_error, sizeof(j->prog->jit_error), "%s", msg);
	return -ENOTSUP;
}

/* Internal forward branches (within one operation) are rel8, bound later. */
uint32_t
xdpdk_jit_fwd_jcc8(struct jit *j, enum x86_cc cc)
{
	x86_jcc8(&j->b, cc, 0);
	return j->b.pos;
}

uint32_t
xdpdk_jit_fwd_jmp8(struct jit *j)
{
	x86_jmp8(&j->b, 0);
	return j->b.pos;
}

void
xdpdk_jit_fwd_bind(struct jit *j, uint32_t from)
{
	uint32_t d = j->b.pos - from;

	if (d > INT8_MAX)
		j->bad_label = true;
	x86_patch8(&j->b, from - 1, (int8_t)d);
}

/*
 * A branch (cc < 0: jmp) to image offset @target of the previous pass. Both
 * ends come from the previous pass: this instruction's start there plus what
 * it has emitted so far. Offsets only shrink from pass to pass (the first pass
 * takes every rel32), so a rel8 once chosen stays valid, and in the final pass
 * previous and current offsets are equal, so the displacement is exact.
 */
static void
emit_branch(struct jit *j, uint32_t i, int cc, uint32_t target)
{
	int64_t here = (int64_t)j->prev[i] + (j->b.pos - j->addr[i]);
	int64_t rel8 = (int64_t)target - (here + 2);

	if (!j->first_pass && x86_is_imm8(rel8)) {
		if (cc < 0)
			x86_jmp8(&j->b, (int8_t)rel8);
		else
			x86_jcc8(&j->b, (enum x86_cc)cc, (int8_t)rel8);
	} else if (cc < 0) {
		x86_jmp32(&j->b, (int32_t)((int64_t)target - (here + 5)));
	} else {
		x86_jcc32(&j->b, (enum x86_cc)cc, (int32_t)((int64_t)target - (here + 6)));
	}
}

/* Can a rel32 from anywhere in the image reach @addr? */
static bool
rel32_reaches(const struct jit *j, uintptr_t addr)
{
	int64_t lo = (int64_t)(addr - j->base);
	int64_t hi = (int64_t)(addr - (j->base + j->map_size));

	return j->base != 0 && x86_is_simm32(lo) && x86_is_simm32(hi);
}

/* Call a C function: rel32 when the image is near it, else movabs + call rax. */
void
xdpdk_jit_call_abs(struct jit *j, uintptr_t fn)
{
	if (!j->first_pass && rel32_reaches(j, fn)) {
		x86_call32(&j->b, (int32_t)(fn - (j->base + j->b.pos + 5)));
	} else {
		x86_movabs(&j->b, X86_RAX, fn);
		x86_call_r(&j->b, X86_RAX);
	}
}

/*
 * Frame: [push rbp; mov rbp, rsp] [sub rsp, stack] [push rax: tail call
 * counter pointer] [push callee-saved]. The BPF stack is [rbp - 512, rbp).
 */
static void
emit_prologue(struct jit *j, const struct jit_func *f)
{
	if (f->frame) {
		x86_push(&j->b, X86_RBP);
		x86_mov_rr(&j->b, true, X86_RBP, X86_RSP);
	}
	if (f->stack != 0)
		x86_alu_ri(&j->b, X86_SUB, true, X86_RSP, (int32_t)f->stack);
	if (f->tcc)
		x86_push(&j->b, X86_RAX);
	for (size_t r = 0; r < sizeof(callee_saved); r++)
		if (f->saved & (1u << callee_saved[r]))
			x86_push(&j->b, callee_saved[r]);
}

/* Undo the prologue up to the return address (for exit and tail calls). */
void
xdpdk_jit_unwind(struct jit *j)
{
	for (size_t r = sizeof(callee_saved); r-- > 0;)
		if (j->f->saved & (1u << callee_saved[r]))
			x86_pop(&j->b, callee_saved[r]);
	if (j->f->frame)
		x86_leave(&j->b);
}

/* Exit: the epilogue is a few bytes, so each exit gets its own (no jump). */
static int
emit_exit(struct jit *j, uint32_t i, const struct bpf_insn *insn)
{
	(void)i;
	(void)insn;
	xdpdk_jit_unwind(j);
	x86_ret(&j->b);
	return 0;
}

/*
 * Constant blinding, as the kernel's bpf_jit_blind_constants: an immediate the
 * program chose never appears in the image, so a program cannot plant
 * instruction bytes in executable memory (JIT spraying). It is loaded as
 * imm ^ rnd, then xor'ed with rnd, with rnd drawn per instruction and per
 * compilation (splitmix64 of a random seed: every pass of one compilation
 * draws the same values, so the layout converges).
 */
static uint64_t
blind_rnd(const struct jit *j, uint32_t i, unsigned k)
{
	uint64_t z = j->blind_seed + ((uint64_t)i * 8 + k + 1) * 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (z ^ (z >> 31)) | 1;	/* never 0: imm ^ rnd != imm */
}

/* reg = imm, sign-extended (@w) or zero-extended to 64 bits, blinded (value k of insn i). */
void
xdpdk_jit_blinded_imm(struct jit *j, uint32_t i, unsigned k, bool w, unsigned reg, int32_t imm)
{
	const int32_t rnd = (int32_t)blind_rnd(j, i, k);

	x86_mov_ri(&j->b, reg, w ? (uint64_t)(int64_t)(imm ^ rnd) : (uint32_t)(imm ^ rnd));
	x86_alu_ri(&j->b, X86_XOR, w, reg, rnd);
}

/* reg = v, blinded with a 64-bit rnd that goes through @scratch (value k of insn i). */
void
xdpdk_jit_blinded_u64(struct jit *j, uint32_t i, unsigned k, unsigned reg, unsigned scratch,
		      uint64_t v)
{
	const uint64_t rnd = blind_rnd(j, i, k);

	x86_mov_ri(&j->b, reg, v ^ rnd);
	x86_mov_ri(&j->b, scratch, rnd);
	x86_alu_rr(&j->b, X86_OP_XOR_MR, true, reg, scratch);
}

static void
emit_blinded_imm(struct jit *j, uint32_t i, bool w, unsigned reg, int32_t imm)
{
	xdpdk_jit_blinded_imm(j, i, 0, w, reg, imm);
}

static enum x86_alu
alu_op(unsigned bpf_op)
{
	switch (bpf_op) {
	case BPF_ADD: return X86_ADD;
	case BPF_SUB: return X86_SUB;
	case BPF_AND: return X86_AND;
	case BPF_OR: return X86_OR;
	default: return X86_XOR;
	}
}

/* mov: K (shortest form for the value), X, and movsx (off 8/16/32). */
static int
emit_mov(struct jit *j, uint32_t i, const struct bpf_insn *insn)
{
	bool w = BPF_CLASS(insn->code) == BPF_ALU64;
	unsigned dst = reg_map[insn->dst_reg], src = reg_map[insn->src_reg];

	if (BPF_SRC(insn->code) == BPF_K) {
		if (insn->off != 0)
			return xdpdk_jit_fail(j, i, "mov imm with off %d", insn->off);
		if (insn->imm == 0)
			x86_zero(&j->b, dst);
		else if (j->blind)
			emit_blinded_imm(j, i, w, dst, insn->imm);
		else
			x86_mov_ri(&j->b, dst, w ? (uint64_t)(int64_t)insn->imm
						 : (uint32_t)insn->imm);
		return 0;
	}
	switch (insn->off) {
	case 0:
		/* 32-bit mov to itself still zero-extends; 64-bit is a no-op. */
		if (!w || dst != src)
			x86_mov_rr(&j->b, w, dst, src);
		return 0;
	case 8:
	case 16:
		x86_movsx_rr(&j->b, w, dst, src, (unsigned)insn->off / 8);
		return 0;
	case 32:
		if (w) {
			x86_movsx_rr(&j->b, true, dst, src, 4);
			return 0;
		}
		break;
	}
	return xdpdk_jit_fail(j, i, "mov with off %d", insn->off);
}

/* dst <<= src (or >>, >>>): the count in a register (not rcx's parking place TMP). */
static void
emit_shift_reg(struct jit *j, enum x86_shift op, bool w, unsigned dst, unsigned src)
{
	if (j->bmi2) {
		x86_shiftx(&j->b, op, w, dst, dst, src);
		return;
	}
	/* Without BMI2 the count must be in cl: park rcx (BPF r4) in TMP. */
	if (src == X86_RCX) {
		x86_shift_cl(&j->b, op, w, dst);
	} else if (dst == X86_RCX) {
		x86_mov_rr(&j->b, true, TMP, X86_RCX);
		x86_mov_rr(&j->b, true, X86_RCX, src);
		x86_shift_cl(&j->b, op, w, TMP);
		x86_mov_rr(&j->b, true, X86_RCX, TMP);
	} else {
		x86_mov_rr(&j->b, true, TMP, X86_RCX);
		x86_mov_rr(&j->b, true, X86_RCX, src);
		x86_shift_cl(&j->b, op, w, dst);
		x86_mov_rr(&j->b, true, X86_RCX, TMP);
	}
}

/* Shifts: counts masked to the width, as the kernel and the hardware do. */
static int
emit_shift(struct jit *j, uint32_t i, const struct bpf_insn *insn)
{
	bool w = BPF_CLASS(insn->code) == BPF_ALU64;
	unsigned dst = reg_map[insn->dst_reg], src = reg_map[insn->src_reg];
	enum x86_shift op = BPF_OP(insn->code) == BPF_LSH ? X86_SHL :
			    BPF_OP(insn->code) == BPF_RSH ? X86_SHR : X86_SAR;

	if (insn->off != 0)
		return xdpdk_jit_fail(j, i, "shift with off %d", insn->off);
	if (BPF_SRC(insn->code) == BPF_K) {
		uint8_t count = (uint8_t)(insn->imm & (w ? 63 : 31));

		if (count != 0 && j->blind) {
			/* AUX2: free outside div, and not TMP, which the cl path uses */
			emit_blinded_imm(j, i, false, AUX2, count);
			emit_shift_reg(j, op, w, dst, AUX2);
		} else if (count != 0) {
			x86_shift_ri(&j->b, op, w, dst, count);
		} else if (!w) {
			x86_mov_rr(&j->b, false, dst, dst);	/* zero-extend */
		}
		return 0;
	}
	emit_shift_reg(j, op, w, dst, src);
	return 0;
}

/* Division by zero: div gives 0, mod leaves dst (zero-extended in 32 bits). */
static void
emit_div_by_zero(struct jit *j, bool w, bool is_mod, unsigned dst)
{
	if (!is_mod)
		x86_zero(&j->b, dst);
	else if (!w)
		x86_mov_rr(&j->b, false, dst, dst);
}

/* Signed division by -1, where idiv would trap on INT_MIN: sdiv negates, smod gives 0. */
static void
emit_div_by_minus1(struct jit *j, bool w, bool is_mod, unsigned dst)
{
	if (is_mod)
		x86_zero(&j->b, dst);
	else
		x86_unary(&j->b, X86_NEG, w, dst);
}

/*
 * dst = dst / div or dst % div with div != 0 (and != -1 when signed): x86
 * divides rdx:rax, so r0 and r3 are parked in AUX/AUX2 unless dst is one of
 * them. div is not rax or rdx (the caller copies it to TMP then).
 */
static void
emit_div_general(struct jit *j, bool w, bool is_mod, bool sgn, unsigned dst, unsigned div)
{
	unsigned res = is_mod ? X86_RDX : X86_RAX;

	if (dst != X86_RAX)
		x86_mov_rr(&j->b, true, AUX, X86_RAX);
	if (dst != X86_RDX)
		x86_mov_rr(&j->b, true, AUX2, X86_RDX);
	if (dst != X86_RAX)
		x86_mov_rr(&j->b, w, X86_RAX, dst);
	if (sgn)
		x86_cqo(&j->b, w);
	else
		x86_zero(&j->b, X86_RDX);
	x86_unary(&j->b, sgn ? X86_IDIV : X86_DIV, w, div);
	/* A 32-bit div writes eax/edx, which zero-extends: no extra mov. */
	if (dst != res)
		x86_mov_rr(&j->b, w, dst, res);
	if (dst != X86_RAX)
		x86_mov_rr(&j->b, true, X86_RAX, AUX);
	if (dst != X86_RDX)
		x86_mov_rr(&j->b, true, X86_RDX, AUX2);
}

/*
 * 32-bit unsigned dst / d or dst % d for a constant d (not 0, not a power of
 * two) without div, whose latency is 10-15 cycles, often on a program's
 * critical path (hash % ring size): with M = floor((2^64 - 1) / d) + 1, the
 * quotient is the high half of M * x and the remainder the high half of
 * low64(M * x) * d, exact for every 32-bit x and d (Lemire, Kaser, Kurz,
 * "Faster remainder by direct computation", 2019): a multiply or two.
 */
static void
emit_divmod_const32(struct jit *j, bool is_mod, unsigned dst, uint32_t d)
{
	struct x86_buf *b = &j->b;
	const uint64_t m = UINT64_MAX / d + 1;

	if (dst != X86_RAX)
		x86_mov_rr(b, true, AUX, X86_RAX);
	if (dst != X86_RDX)
		x86_mov_rr(b, true, AUX2, X86_RDX);
	x86_mov_rr(b, false, X86_RAX, dst);	/* x, zero-extended */
	x86_mov_ri(b, TMP, m);
	if (is_mod) {
		x86_imul_rr(b, true, X86_RAX, TMP);	/* low64(M * x) */
		x86_mov_ri(b, TMP, d);
	}
	x86_unary(b, X86_MUL, true, TMP);		/* rdx = the high half */
	x86_mov_rr(b, false, dst, X86_RDX);
	if (dst != X86_RAX)
		x86_mov_rr(b, true, X86_RAX, AUX);
	if (dst != X86_RDX)
		x86_mov_rr(b, true, X86_RDX, AUX2);
}

/* div/mod (off 0) and sdiv/smod (off 1), with the kernel's results for 0 and -1. */
static int
emit_divmod(struct jit *j, uint32_t i, const struct bpf_insn *insn)
{
	bool w = BPF_CLASS(insn->code) == BPF_ALU64;
	bool is_mod = BPF_OP(insn->code) == BPF_MOD;
	bool sgn = insn->off == 1;
	unsigned dst = reg_map[insn->dst_reg], src = reg_map[insn->src_reg];
	uint32_t to_nz, to_gen = 0, to_done1, to_done2 = 0;

	if (insn->off != 0 && insn->off != 1)
		return xdpdk_jit_fail(j, i, "div/mod with off %d", insn->off);
	if (BPF_SRC(insn->code) == BPF_K) {
		uint64_t v = w ? (uint64_t)(int64_t)insn->imm : (uint32_t)insn->imm;

		if (v == 0) {
			emit_div_by_zero(j, w, is_mod, dst);
		} else if (sgn && insn->imm == -1) {
			emit_div_by_minus1(j, w, is_mod, dst);
		} else if (j->blind) {
			/* no and/shr by a power of two: its operand would show */
			emit_blinded_imm(j, i, w, TMP, insn->imm);
			emit_div_general(j, w, is_mod, sgn, dst, TMP);
		} else if (!sgn && (v & (v - 1)) == 0) {
			/* Unsigned by a power of two: and / shr. v - 1 fits imm32. */
			unsigned sh = (unsigned)__builtin_ctzll(v);

			if (is_mod)
				x86_alu_ri(&j->b, X86_AND, w, dst, (int32_t)(v - 1));
			else if (sh != 0)
				x86_shift_ri(&j->b, X86_SHR, w, dst, (uint8_t)sh);
			else if (!w)
				x86_mov_rr(&j->b, false, dst, dst);
		} else if (!w && !sgn) {
			emit_divmod_const32(j, is_mod, dst, (uint32_t)v);
		} else {
			x86_mov_ri(&j->b, TMP, v);
			emit_div_general(j, w, is_mod, sgn, dst, TMP);
		}
		return 0;
	}
	/* Register divisor: branch around the cases the hardware gets wrong. */
	x86_alu_rr(&j->b, X86_OP_TEST_MR, w, src, src);
	if (w && is_mod) {
		to_done1 = xdpdk_jit_fwd_jcc8(j, X86_CC_E);	/* mod 0: dst unchanged */
	} else {
		to_nz = xdpdk_jit_fwd_jcc8(j, X86_CC_NE);
		emit_div_by_zero(j, w, is_mod, dst);
		to_done1 = xdpdk_jit_fwd_jmp8(j);
		xdpdk_jit_fwd_bind(j, to_nz);
	}
	if (sgn) {
		x86_alu_ri(&j->b, X86_CMP, w, src, -1);
		to_gen = xdpdk_jit_fwd_jcc8(j, X86_CC_NE);
		emit_div_by_minus1(j, w, is_mod, dst);
		to_done2 = xdpdk_jit_fwd_jmp8(j);
		xdpdk_jit_fwd_bind(j, to_gen);
	}
	if (src == X86_RAX || src == X86_RDX) {
		x86_mov_rr(&j->b, true, TMP, src);
		src = TMP;
	}
	emit_div_general(j, w, is_mod, sgn, dst, src);
	xdpdk_jit_fwd_bind(j, to_done1);
	if (sgn)
		xdpdk_jit_fwd_bind(j, to_done2);
	return 0;
}

/* ALU and ALU64, K and X: the two-operand ops here, the others in their emitters. */
static int
emit_alu(struct jit *j, uint32_t i, const struct bpf_insn *insn)
{
	bool w = BPF_CLASS(insn->code) == BPF_ALU64;
	bool k = BPF_SRC(insn->code) == BPF_K;
	unsigned op = BPF_OP(insn->code);
	unsigned dst = reg_map[insn->dst_reg], src = reg_map[insn->src_reg];

	switch (op) {
	case BPF_MOV:
		return emit_mov(j, i, insn);
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		return emit_shift(j, i, insn);
	case BPF_DIV:
	case BPF_MOD:
		return emit_divmod(j, i, insn);
	}
	if (insn->off != 0)
		return xdpdk_jit_fail(j, i, "ALU operation with off %d", insn->off);
	if (k && j->blind && op != BPF_NEG) {
		emit_blinded_imm(j, i, w, TMP, insn->imm);
		k = false;
		src = TMP;
	}
	switch (op) {
	case BPF_MUL:
		if (k)
			x86_imul_rri(&j->b, w, dst, dst, insn->imm);
		else
			x86_imul_rr(&j->b, w, dst, src);
		break;
	case BPF_NEG:
		x86_unary(&j->b, X86_NEG, w, dst);
		break;
	default:	/* add, sub, and, or, xor */
		if (k)
			x86_alu_ri(&j->b, alu_op(op), w, dst, insn->imm);
		else
			x86_alu_rr(&j->b, (uint8_t)(alu_op(op) << 3 | 1), w, dst, src);
		break;
	}
	return 0;
}

/* END: le truncates, be and ALU64 bswap swap (the host is little-endian). */
static int
emit_end(struct jit *j, uint32_t i, const struct bpf_insn *insn)
{
	bool swap = BPF_CLASS(insn->code) == BPF_ALU64 || BPF_SRC(insn->code) == BPF_TO_BE;
	unsigned dst = reg_map[insn->dst_reg];

	switch (insn->imm) {
	case 16:
		if (swap)
			x86_ror16_8(&j->b, dst);
		x86_movzx_rr(&j->b, dst, dst, 2);
		return 0;
	case 32:
		if (swap)
			x86_bswap(&j->b, false, dst);
		else
			x86_mov_rr(&j->b, false, dst, dst);
		return 0;
	case 64:
		if (swap)
			x86_bswap(&j->b, true, dst);
		return 0;
	}
	return xdpdk_jit_fail(j, i, "byte swap of %d bits", insn->imm);
}

/* Target of a jump at @i by @off, or -1 when outside the program. */
int64_t
xdpdk_jit_jump_target(const struct jit *j, uint32_t i, int32_t off)
{
	int64_t t = (int64_t)i + 1 + off;

	return t >= 0 && t < j->prog->n_insns ? t : -1;
}

static int
emit_ja(struct jit *j, uint32_t i, const struct bpf_insn *insn)
{
	int32_t off = xdpdk_isa_ja_offset(insn);
	int64_t t = xdpdk_jit_jump_target(j, i, off);

	if (t < 0)
		return xdpdk_jit_fail(j, i, "jump out of the program");
	if (off != 0)
		emit_branch(j, i, -1, j->prev[t]);
	return 0;
}

static enum x86_cc
jmp_cc(unsigned bpf_op)
{
	switch (bpf_op) {
	case BPF_JEQ: return X86_CC_E;
	case BPF_JGT: return X86_CC_A;
	case BPF_JGE: return X86_CC_AE;
	case BPF_JLT: return X86_CC_B;
	case BPF_JLE: return X86_CC_BE;
	case BPF_JSGT: return X86_CC_G;
	case BPF_JSGE: return X86_CC_GE;
	case BPF_JSLT: return X86_CC_L;
	case BPF_JSLE: return X86_CC_LE;
	default: return X86_CC_NE;	/* jne, jset */
	}
}

/* Conditional jumps, JMP (64-bit) and JMP32, K and X: cmp/test + jcc. */
static int
emit_jcond(struct jit *j, uint32_t i, const struct bpf_insn *insn)
{
	bool w = BPF_CLASS(insn->code) == BPF_JMP;
	unsigned op = BPF_OP(insn->code);
	unsigned dst = reg_map[insn->dst_reg], src = reg_map[insn->src_reg];
	int64_t t = xdpdk_jit_jump_target(j, i, insn->off);

	if (t < 0)
		return xdpdk_jit_fail(j, i, "jump out of the program");
	if (insn->off == 0)
		return 0;	/* both ways lead to the next instruction */
	if (BPF_SRC(insn->code) == BPF_K && j->blind && (insn->imm != 0 || op == BPF_JSET)) {
		emit_blinded_imm(j, i, w, TMP, insn->imm);
		x86_alu_rr(&j->b, op == BPF_JSET ? X86_OP_TEST_MR : X86_OP_CMP_MR, w, dst, TMP);
	} else if (BPF_SRC(insn->code) == BPF_X)
		x86_alu_rr(&j->b, op == BPF_JSET ? X86_OP_TEST_MR : X86_OP_CMP_MR, w, dst, src);
	else if (op == BPF_JSET)
		x86_test_ri(&j->b, w, dst, insn->imm);
	else if (insn->imm == 0)
		x86_alu_rr(&j->b, X86_OP_TEST_MR, w, dst, dst);	/* same flags, shorter */
	else
		x86_alu_ri(&j->b, X86_CMP, w, dst, insn->imm);
	emit_branch(j, i, jmp_cc(op), j->prev[t]);
	return 0;
}

static int
emit_lddw(struct jit *j, uint32_t i, const struct bpf_insn *insn)
{
	uint64_t v;

	if (i + 1 >= j->f->end)
		return xdpdk_jit_fail(j, i, "lddw without its second half");
	/* A subprogram's address is its callback reference (helper ABI, see bpf.h). */
	if (insn->src_reg == BPF_PSEUDO_FUNC)
		v = (uintptr_t)xdpdk_prog_callback_ref(j->prog, insn);
	else
		v = xdpdk_isa_lddw_imm(insn);
	if (v == 0) {
		x86_zero(&j->b, reg_map[insn->dst_reg]);
	} else if (j->blind) {
		/* map and function addresses too, as the kernel (they are rewritten lddws) */
		xdpdk_jit_blinded_u64(j, i, 0, reg_map[insn->dst_reg], TMP, v);
	} else {
		x86_mov_ri(&j->b, reg_map[insn->dst_reg], v);
	}
	return 0;
}

/*
 * LD_ABS/LD_IND: r0 = big-endian load at packet offset (int32)(src + imm),
 * the packet being the xdpdk_pkt_view at the context in r6. Out of bounds
 * returns UINT64_MAX, which the JIT turns into "exit with r0 = 0".
 */
static uint64_t
jit_ld_pkt(const struct xdpdk_pkt_view *pv, uint64_t src, int32_t imm, uint32_t size)
{
	int32_t off = (int32_t)((uint32_t)src + (uint32_t)imm);
	const uint8_t *p;

	if (off < 0 || (uint64_t)off + size > (uint64_t)(pv->data_end - pv->data))
		return UINT64_MAX;
	p = pv->data + off;
	switch (size) {
	case 1: return p[0];
	case 2: return (uint64_t)p[0] << 8 | p[1];
	default: return (uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 | (uint64_t)p[2] << 8 | p[3];
	}
}

static int
emit_ld_pkt(struct jit *j, uint32_t i, const struct bpf_insn *insn)
{
	struct x86_buf *b = &j->b;
	uint32_t ok;

	/* r1-r5 are clobbered, as by a call; set rsi first: src may be rdi. */
	if (BPF_MODE(insn->code) == BPF_ABS)
		x86_zero(b, X86_RSI);
	else if (reg_map[insn->src_reg] != X86_RSI)
		x86_mov_rr(b, true, X86_RSI, reg_map[insn->src_reg]);
	x86_mov_rr(b, true, X86_RDI, reg_map[BPF_REG_6]);
	if (j->blind)
		emit_blinded_imm(j, i, false, X86_RDX, insn->imm);
	else
		x86_mov_ri(b, X86_RDX, (uint32_t)insn->imm);
	x86_mov_ri(b, X86_RCX, xdpdk_isa_size_bytes(insn->code));
	xdpdk_jit_call_abs(j, (uintptr_t)jit_ld_pkt);
	x86_alu_rr(b, X86_OP_TEST_MR, true, X86_RAX, X86_RAX);
	ok = xdpdk_jit_fwd_jcc8(j, X86_CC_NS);
	x86_zero(b, X86_RAX);
	xdpdk_jit_unwind(j);
	x86_ret(b);
	xdpdk_jit_fwd_bind(j, ok);
	return 0;
}

static int
emit_ldx(struct jit *j, uint32_t i, const struct bpf_insn *insn)
{
	(void)i;
	x86_load(&j->b, xdpdk_isa_size_bytes(insn->code), BPF_MODE(insn->code) == BPF_MEMSX,
		 reg_map[insn->dst_reg], reg_map[insn->src_reg], insn->off);
	return 0;
}

static int
emit_st(struct jit *j, uint32_t i, const struct bpf_insn *insn)
{
	if (j->blind) {
		emit_blinded_imm(j, i, true, TMP, insn->imm);
		x86_store_r(&j->b, xdpdk_isa_size_bytes(insn->code), reg_map[insn->dst_reg],
			    insn->off, TMP);
		return 0;
	}
	x86_store_i(&j->b, xdpdk_isa_size_bytes(insn->code), reg_map[insn->dst_reg], insn->off,
		    insn->imm);
	return 0;
}

static int
emit_stx(struct jit *j, uint32_t i, const struct bpf_insn *insn)
{
	(void)i;
	x86_store_r(&j->b, xdpdk_isa_size_bytes(insn->code), reg_map[insn->dst_reg], insn->off,
		    reg_map[insn->src_reg]);
	return 0;
}

/*
 * and/or/xor with FETCH have no x86 instruction: a cmpxchg loop, which needs
 * rax, so r0 waits in AUX (and stands in for dst/src if they are r0).
 */
static void
emit_fetch_loop(struct jit *j, enum x86_alu op, unsigned size, unsigned dst, unsigned src,
		int16_t off)
{
	bool w = size == 8;
	uint32_t retry;

	x86_mov_rr(&j->b, true, AUX, X86_RAX);
	if (dst == X86_RAX)
		dst = AUX;
	if (src == X86_RAX)
		src = AUX;
	retry = j->b.pos;
	x86_load(&j->b, size, false, X86_RAX, dst, off);
	x86_mov_rr(&j->b, w, TMP, X86_RAX);
	x86_alu_rr(&j->b, (uint8_t)(op << 3 | 1), w, TMP, src);
	x86_lock(&j->b);
	x86_cmpxchg(&j->b, size, dst, off, TMP);
	x86_jcc8(&j->b, X86_CC_NE, (int8_t)((int64_t)retry - (j->b.pos + 2)));
	x86_mov_rr(&j->b, w, src, X86_RAX);	/* the old value; 32 bits zero-extend */
	x86_mov_rr(&j->b, true, X86_RAX, AUX);
}

static int
emit_atomic(struct jit *j, uint32_t i, const struct bpf_insn *insn)
{
	unsigned size = xdpdk_isa_size_bytes(insn->code);
	unsigned dst = reg_map[insn->dst_reg], src = reg_map[insn->src_reg];
	struct x86_buf *b = &j->b;

	switch (insn->imm) {
	case BPF_ADD:
	case BPF_OR:
	case BPF_AND:
	case BPF_XOR:
		x86_lock(b);
		x86_alu_mr(b, (uint8_t)(alu_op((unsigned)insn->imm) << 3 | 1), size, dst,
			   insn->off, src);
		return 0;
	case BPF_ADD | BPF_FETCH:
		x86_lock(b);
		x86_xadd(b, size, dst, insn->off, src);
		return 0;
	case BPF_OR | BPF_FETCH:
	case BPF_AND | BPF_FETCH:
	case BPF_XOR | BPF_FETCH:
		emit_fetch_loop(j, alu_op((unsigned)insn->imm & ~BPF_FETCH), size, dst, src,
				insn->off);
		return 0;
	case BPF_XCHG:	/* xchg with memory locks implicitly */
		x86_alu_mr(b, X86_OP_XCHG_MR, size, dst, insn->off, src);
		return 0;
	case BPF_CMPXCHG:
		x86_lock(b);
		x86_cmpxchg(b, size, dst, insn->off, src);
		/* x86 leaves eax alone on success; BPF always loads r0 (zero-extended). */
		if (size == 4)
			x86_mov_rr(b, false, X86_RAX, X86_RAX);
		return 0;
	}
	return xdpdk_jit_fail(j, i, "atomic operation 0x%x", (unsigned)insn->imm);
}

/*
 * Layer (d): one case per opcode, generated from the one opcode list; each
 * kind of opcodes.def names the family emitter of its case.
 */
#define JIT_EMIT_ALU64_IMM emit_alu
#define JIT_EMIT_ALU64_REG emit_alu
#define JIT_EMIT_ALU64_UN emit_alu
#define JIT_EMIT_ALU32_IMM emit_alu
#define JIT_EMIT_ALU32_REG emit_alu
#define JIT_EMIT_ALU32_UN emit_alu
#define JIT_EMIT_END emit_end
#define JIT_EMIT_JA emit_ja
#define JIT_EMIT_JMP64_IMM emit_jcond
#define JIT_EMIT_JMP64_REG emit_jcond
#define JIT_EMIT_JMP32_IMM emit_jcond
#define JIT_EMIT_JMP32_REG emit_jcond
#define JIT_EMIT_CALL xdpdk_jit_emit_call
#define JIT_EMIT_EXIT emit_exit
#define JIT_EMIT_LDDW emit_lddw
#define JIT_EMIT_LD_ABS emit_ld_pkt
#define JIT_EMIT_LD_IND emit_ld_pkt
#define JIT_EMIT_LDX emit_ldx
#define JIT_EMIT_LDXSX emit_ldx
#define JIT_EMIT_ST emit_st
#define JIT_EMIT_STX emit_stx
#define JIT_EMIT_ATOMIC emit_atomic

static int
emit_insn(struct jit *j, uint32_t i)
{
	const struct bpf_insn *insn = &j->prog->insns[i];

	switch (insn->code) {
#define XDPDK_OP(code, mnemonic, kind, op) \
	case (code): return JIT_EMIT_##kind(j, i, insn);
#include "../opcodes.def"
#undef XDPDK_OP
	}
	return xdpdk_jit_fail(j, i, "unknown opcode");
}

/*
 * jit_burst(ctx[], ret[], n, cur): *cur = i; ret[i] = (u32)main(ctx[i], 0), a
 * direct call per packet. The index store is what lets programs that call
 * bpf_redirect* run a burst at once: their helper records the target for
 * packet *cur. rbx, r12 and r14 hold the cursors, r13 cur, r15 the index
 * (callee-saved: the main function preserves them). With tail calls, [rsp]
 * is the per-run counter.
 */
static void
emit_burst(struct jit *j)
{
	struct x86_buf *b = &j->b;
	uint32_t done, loop;

	x86_push(b, X86_RBX);
	x86_push(b, X86_R12);
	x86_push(b, X86_R13);
	x86_push(b, X86_R14);
	x86_push(b, X86_R15);	/* five pushes: rsp is 16-byte aligned again */
	if (j->tail_calls)
		x86_alu_ri(b, X86_SUB, true, X86_RSP, 16);
	x86_alu_rr(b, X86_OP_TEST_MR, false, X86_RDX, X86_RDX);
	done = xdpdk_jit_fwd_jcc8(j, X86_CC_E);
	x86_mov_rr(b, true, X86_RBX, X86_RDI);		/* ctx cursor */
	x86_mov_rr(b, true, X86_R14, X86_RSI);		/* ret cursor */
	x86_mov_rr(b, true, X86_R13, X86_RCX);		/* cur */
	x86_zero(b, X86_R15);				/* index */
	x86_mov_rr(b, false, X86_RDX, X86_RDX);		/* n is 32 bits */
	x86_lea_idx8(b, X86_R12, X86_RDI, X86_RDX, 0);	/* end of ctx[] */
	loop = b->pos;
	x86_store_r(b, 4, X86_R13, 0, X86_R15);
	x86_alu_ri(b, X86_ADD, false, X86_R15, 1);
	x86_load(b, 8, false, X86_RDI, X86_RBX, 0);
	x86_zero(b, X86_RSI);
	if (j->tail_calls) {
		x86_store_i(b, 4, X86_RSP, 0, 0);
		x86_mov_rr(b, true, X86_RAX, X86_RSP);
	}
	x86_call32(b, -(int32_t)(b->pos + 5));		/* main is at offset 0 */
	x86_store_r(b, 4, X86_R14, 0, X86_RAX);
	x86_alu_ri(b, X86_ADD, true, X86_RBX, 8);
	x86_alu_ri(b, X86_ADD, true, X86_R14, 4);
	x86_alu_rr(b, X86_OP_CMP_MR, true, X86_RBX, X86_R12);
	x86_jcc8(b, X86_CC_NE, (int8_t)((int64_t)loop - (b->pos + 2)));
	xdpdk_jit_fwd_bind(j, done);
	if (j->tail_calls)
		x86_alu_ri(b, X86_ADD, true, X86_RSP, 16);
	x86_pop(b, X86_R15);
	x86_pop(b, X86_R14);
	x86_pop(b, X86_R13);
	x86_pop(b, X86_R12);
	x86_pop(b, X86_RBX);
	x86_ret(b);
}

/*
 * C entry of a function (at image offset @fn) when the program tail calls: a
 * zeroed counter on the stack, rax -> it. The program's entry, and each
 * callback's (a callback run by a helper counts its tail calls afresh).
 */
static void
emit_entry(struct jit *j, uint32_t fn)
{
	struct x86_buf *b = &j->b;

	x86_push_i8(b, 0);
	x86_mov_rr(b, true, X86_RAX, X86_RSP);
	x86_call32(b, (int32_t)((int64_t)fn - (b->pos + 5)));
	x86_pop(b, X86_RCX);	/* drop the counter */
	x86_ret(b);
}

/*
 * BPF has no rotate: clang writes rol32(x, k) as four instructions,
 *   t = x; t >>= 32 - k; x <<= k; x |= t   (or t <<= k; x >>= 32 - k),
 * two dependent ones on x's path, a cost in every hash function (jhash,
 * murmur). Found whole (no jump into it, no constant blinding), they become
 * mov t, x; shr|shl t; rol x, k: t still gets its value, x one instruction.
 * @return how many instructions were emitted for (4), or 0.
 */
static uint32_t
emit_rotate(struct jit *j, uint32_t i)
{
	const struct bpf_insn *p = &j->prog->insns[i];
	const uint8_t mov = BPF_ALU | BPF_MOV | BPF_X, or = BPF_ALU | BPF_OR | BPF_X;
	const uint8_t rsh = BPF_ALU | BPF_RSH | BPF_K, lsh = BPF_ALU | BPF_LSH | BPF_K;
	uint32_t k;

	if (j->blind || j->target == NULL || i + 3 >= j->f->end || j->target[i + 1] ||
	    j->target[i + 2] || j->target[i + 3])
		return 0;
	if (p[0].code != mov || p[0].off != 0 || p[0].dst_reg == p[0].src_reg ||
	    p[3].code != or || p[3].dst_reg != p[0].src_reg || p[3].src_reg != p[0].dst_reg ||
	    p[1].dst_reg != p[0].dst_reg || p[2].dst_reg != p[0].src_reg ||
	    p[1].imm <= 0 || p[1].imm >= 32 || p[2].imm <= 0 || p[1].imm + p[2].imm != 32)
		return 0;
	if (p[1].code == rsh && p[2].code == lsh)
		k = (uint32_t)p[2].imm;
	else if (p[1].code == lsh && p[2].code == rsh)
		k = (uint32_t)p[1].imm;
	else
		return 0;
	x86_mov_rr(&j->b, false, reg_map[p[0].dst_reg], reg_map[p[0].src_reg]);
	x86_shift_ri(&j->b, p[1].code == rsh ? X86_SHR : X86_SHL, false, reg_map[p[0].dst_reg],
		     (uint8_t)p[1].imm);
	x86_shift_ri(&j->b, X86_ROL, false, reg_map[p[0].src_reg], (uint8_t)k);
	return 4;
}

/* One emission of the whole image (sizing when j->b.buf is NULL). */
static int
emit_pass(struct jit *j)
{
	int rc;

	j->b.pos = 0;
	j->b.overflow = false;
	j->bad_label = false;
	for (uint32_t k = 0; k < j->n_funcs; k++) {
		j->f = &j->funcs[k];
		j->fentry[k] = j->b.pos;
		emit_prologue(j, j->f);
		for (uint32_t i = j->f->start; i < j->f->end; i++) {
			uint32_t fused;

			j->addr[i] = j->b.pos;
			fused = emit_rotate(j, i);
			if (fused != 0) {
				/* no jump lands inside: their offsets are where the next begins */
				for (uint32_t k = 1; k < fused; k++)
					j->addr[i + k] = j->b.pos;
				i += fused - 1;
				continue;
			}
			rc = emit_insn(j, i);
			if (rc < 0)
				return rc;
			if (xdpdk_isa_is_lddw(&j->prog->insns[i]))
				j->addr[++i] = j->b.pos;
		}
	}
	j->addr[j->prog->n_insns] = j->b.pos;
	j->burst_off = j->b.pos;
	emit_burst(j);
	j->entry_off = 0;
	for (uint32_t k = 0; k < j->n_funcs; k++)
		j->cb_entry[k] = j->fentry[k];
	if (j->tail_calls) {
		j->entry_off = j->b.pos;
		emit_entry(j, 0);
		for (uint32_t k = 1; k < j->n_funcs; k++) {
			j->cb_entry[k] = j->b.pos;
			emit_entry(j, j->fentry[k]);
		}
	}
	if (j->bad_label)
		return xdpdk_jit_fail(j, UINT32_MAX, "internal branch out of rel8 range");
	if (j->b.overflow || j->b.pos > JIT_MAX_IMAGE)
		return xdpdk_jit_fail(j, UINT32_MAX, "image larger than planned (%u bytes)", j->b.pos);
	return 0;
}

/* Functions: the checker's subprogs, or found here from the bpf2bpf call targets. */
static int
find_funcs(struct jit *j)
{
	const struct xdpdk_prog *prog = j->prog;
	uint32_t n = prog->n_insns, k = 0;
	bool *start;

	if (prog->subprogs != NULL && prog->n_subprogs > 0) {
		j->funcs = calloc(prog->n_subprogs, sizeof(*j->funcs));
		if (j->funcs == NULL)
			return -ENOMEM;
		for (k = 0; k < prog->n_subprogs; k++) {
			j->funcs[k].start = prog->subprogs[k].start;
			j->funcs[k].end = prog->subprogs[k].end;
			if (j->funcs[k].end > n || j->funcs[k].start >= j->funcs[k].end ||
			    (k > 0 && j->funcs[k].start < j->funcs[k - 1].end) ||
			    (k == 0 && j->funcs[k].start != 0))
				return xdpdk_jit_fail(j, UINT32_MAX, "bad function table at %u", k);
		}
		j->n_funcs = k;
		return 0;
	}
	start = calloc(n, sizeof(*start));
	if (start == NULL)
		return -ENOMEM;
	start[0] = true;
	for (uint32_t i = 0; i < n; i++) {
		const struct bpf_insn *insn = &prog->insns[i];
		int64_t t = (int64_t)i + 1 + insn->imm;

		if (insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_CALL) {
			if (t < 0 || t >= n) {
				free(start);
				return xdpdk_jit_fail(j, i, "call out of the program");
			}
			start[t] = true;
		}
		if (xdpdk_isa_is_lddw(insn))
			i++;
	}
	for (uint32_t i = 0; i < n; i++)
		j->n_funcs += start[i];
	j->funcs = calloc(j->n_funcs, sizeof(*j->funcs));
	if (j->funcs == NULL) {
		free(start);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (!start[i])
			continue;
		if (k > 0)
			j->funcs[k - 1].end = i;
		j->funcs[k++].start = i;
	}
	j->funcs[k - 1].end = n;
	free(start);
	return 0;
}

static bool
is_tail_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == 0 &&
	       insn->imm == BPF_FUNC_tail_call;
}

/*
 * Per function: the callee-saved registers it names, whether it touches the
 * stack (r10) or calls out, and from that its frame. Calls need rsp 16-byte
 * aligned, so the stack gets 8 bytes of padding when the pushes are odd.
 */
static int
plan_frames(struct jit *j)
{
	const struct bpf_insn *insns = j->prog->insns;

	for (uint32_t i = 0; i < j->prog->n_insns; i++)
		j->tail_calls |= is_tail_call(&insns[i]);
	for (uint32_t k = 0; k < j->n_funcs; k++) {
		struct jit_func *f = &j->funcs[k];
		bool calls = false, pseudo = false, tail = false;
		uint32_t regs = 0, pushes;

		for (uint32_t i = f->start; i < f->end; i++) {
			const struct bpf_insn *insn = &insns[i];
			uint8_t cls = BPF_CLASS(insn->code);

			if (insn->dst_reg >= XDPDK_BPF_NREGS || insn->src_reg >= XDPDK_BPF_NREGS)
				return xdpdk_jit_fail(j, i, "register number out of range");
			regs |= 1u << insn->dst_reg | 1u << insn->src_reg;
			/* Writing r10 (rbp) would break the frame. */
			if (insn->dst_reg == BPF_REG_10 && (cls == BPF_ALU || cls == BPF_ALU64 ||
							    cls == BPF_LDX || cls == BPF_LD))
				return xdpdk_jit_fail(j, i, "r10 is read-only");
			if (cls == BPF_STX && BPF_MODE(insn->code) == BPF_ATOMIC &&
			    insn->src_reg == BPF_REG_10 && (insn->imm & BPF_FETCH))
				return xdpdk_jit_fail(j, i, "r10 is read-only");
			if (insn->code == (BPF_JMP | BPF_CALL)) {
				calls = true;
				pseudo |= insn->src_reg == BPF_PSEUDO_CALL;
				tail |= is_tail_call(insn);
			}
			if (cls == BPF_LD && (BPF_MODE(insn->code) == BPF_ABS ||
					      BPF_MODE(insn->code) == BPF_IND))
				calls = true;
			if (xdpdk_isa_is_lddw(insn))
				i++;
		}
		f->saved = 0;
		for (unsigned r = BPF_REG_6; r <= BPF_REG_9; r++)
			if (regs & (1u << r))
				f->saved |= (uint16_t)(1u << reg_map[r]);
		f->stack = regs & (1u << BPF_REG_10) ? XDPDK_BPF_STACK_SIZE : 0;
		/* The counter pointer is kept where it is used or passed on. */
		f->tcc = j->tail_calls && (tail || pseudo);
		f->frame = f->stack != 0 || calls;
		pushes = (uint32_t)__builtin_popcount(f->saved) + f->tcc;
		if (calls && (f->stack + 8 * pushes) % 16 != 0)
			f->stack += 8;
	}
	return 0;
}

/*
 * The image goes near our own text when the kernel agrees, so that calls to
 * helpers (linked into the same executable) can use rel32; elsewhere they use
 * movabs + call.
 */
static void *
map_image(size_t size)
{
	uintptr_t text = (uintptr_t)&xdpdk_jit_compile;
	uintptr_t hint = text > (512u << 20) ? text - (256u << 20) : text + (1u << 30);
	void *p;

	hint &= ~(uintptr_t)(sysconf(_SC_PAGESIZE) - 1);
	p = mmap((void *)hint, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static bool
cpu_has_bmi2(void)
{
	const char *off = getenv("XDPDK_JIT_NO_BMI2");

	if (off != NULL && off[0] != '\0' && off[0] != '0')
		return false;
	__builtin_cpu_init();
	return __builtin_cpu_supports("bmi2");
}

/* Swap the current and previous pass's offsets before a new pass. */
static void
next_pass(struct jit *j)
{
	uint32_t *t = j->prev;

	j->prev = j->addr;
	j->addr = t;
	t = j->prev_fentry;
	j->prev_fentry = j->fentry;
	j->fentry = t;
}

static bool
same_offsets(const struct jit *j)
{
	return memcmp(j->addr, j->prev, sizeof(*j->addr) * (j->prog->n_insns + 1)) == 0 &&
	       memcmp(j->fentry, j->prev_fentry, sizeof(*j->fentry) * j->n_funcs) == 0;
}

/* The exported per-insn offsets: a function's first insn owns its prologue. */
static int
export_offsets(struct jit *j)
{
	struct xdpdk_prog *prog = j->prog;

	prog->jit_insn_offsets = malloc(sizeof(*prog->jit_insn_offsets) * prog->n_insns);
	if (prog->jit_insn_offsets == NULL)
		return -ENOMEM;
	memcpy(prog->jit_insn_offsets, j->addr, sizeof(*j->addr) * prog->n_insns);
	for (uint32_t k = 0; k < j->n_funcs; k++)
		prog->jit_insn_offsets[j->funcs[k].start] = j->fentry[k];
	return 0;
}

int
xdpdk_jit_compile(struct xdpdk_prog *prog)
{
	struct jit j = { .prog = prog };
	size_t page = (size_t)sysconf(_SC_PAGESIZE), keep;
	uint8_t *image = NULL;
	uint32_t size;
	bool converged = false;
	int rc;

	xdpdk_jit_free(prog);
	prog->jit_error[0] = '\0';
	j.addr = calloc(prog->n_insns + 1, sizeof(*j.addr));
	j.prev = calloc(prog->n_insns + 1, sizeof(*j.prev));
	rc = j.addr == NULL || j.prev == NULL ? -ENOMEM : find_funcs(&j);
	if (rc == 0) {
		j.fentry = calloc(j.n_funcs, sizeof(*j.fentry));
		j.prev_fentry = calloc(j.n_funcs, sizeof(*j.prev_fentry));
		j.cb_entry = calloc(j.n_funcs, sizeof(*j.cb_entry));
		rc = j.fentry == NULL || j.prev_fentry == NULL || j.cb_entry == NULL ?
			     -ENOMEM : plan_frames(&j);
	}
	if (rc == 0)
		rc = xdpdk_jit_plan_targets(&j);
	if (rc == 0)
		rc = xdpdk_jit_plan_lookups(&j);
	if (rc != 0)
		goto out;
	j.bmi2 = cpu_has_bmi2();
	j.blind = prog->jit_blind;
	if (j.blind && getrandom(&j.blind_seed, sizeof(j.blind_seed), 0) != sizeof(j.blind_seed)) {
		rc = xdpdk_jit_fail(&j, UINT32_MAX, "getrandom: %s", strerror(errno));
		goto out;
	}

	/* First pass: every branch and call in its long form, an upper bound. */
	j.first_pass = true;
	rc = emit_pass(&j);
	if (rc != 0)
		goto out;
	j.first_pass = false;
	j.map_size = (j.b.pos + page - 1) / page * page;
	image = map_image(j.map_size);
	if (image == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	j.base = (uintptr_t)image;

	/* Shrink branches until no offset moves; the final pass is the 20th at most. */
	for (int pass = 2; pass < JIT_MAX_PASSES && !converged; pass++) {
		next_pass(&j);
		rc = emit_pass(&j);
		if (rc != 0)
			goto out;
		converged = same_offsets(&j);
	}
	if (!converged) {
		rc = xdpdk_jit_fail(&j, UINT32_MAX, "image size did not converge in %d passes",
			      JIT_MAX_PASSES);
		goto out;
	}

	/* Final pass into the image: it must reproduce the converged layout. */
	size = j.b.pos;
	next_pass(&j);
	j.b = (struct x86_buf){ .buf = image, .cap = (uint32_t)j.map_size };
	rc = emit_pass(&j);
	if (rc != 0)
		goto out;
	if (j.b.pos != size || !same_offsets(&j)) {
		rc = xdpdk_jit_fail(&j, UINT32_MAX, "final pass emitted %u bytes, sizing said %u",
			      j.b.pos, size);
		goto out;
	}
	memset(image + size, 0xcc, j.map_size - size);	/* int3 in the slack */
	keep = (size + page - 1) / page * page;
	if (keep < j.map_size) {
		munmap(image + keep, j.map_size - keep);
		j.map_size = keep;
	}
	if (mprotect(image, j.map_size, PROT_READ | PROT_EXEC) != 0) {
		rc = xdpdk_jit_fail(&j, UINT32_MAX, "mprotect: %s", strerror(errno));
		goto out;
	}
	rc = export_offsets(&j);
	if (rc != 0)
		goto out;
	prog->jit_image = image;
	prog->jit_size = size;
	prog->jit_map_size = j.map_size;
	prog->jit_entry = (xdpdk_jit_entry)(uintptr_t)(image + j.entry_off);
	prog->jit_burst = (xdpdk_jit_burst_entry)(uintptr_t)(image + j.burst_off);
	/* Functions are the checker's subprogs when it ran, one callback each. */
	for (uint32_t k = 0; k < j.n_funcs && prog->callbacks != NULL; k++)
		if (k < prog->n_subprogs && prog->subprogs[k].start == j.funcs[k].start)
			prog->callbacks[k].native =
				(xdpdk_helper_fn)(uintptr_t)(image + j.cb_entry[k]);
	image = NULL;
out:
	if (rc == -ENOMEM && prog->jit_error[0] == '\0')
		snprintf(prog->jit_error, sizeof(prog->jit_error), "out of memory");
	if (image != NULL)
		munmap(image, j.map_size);
	free(j.addr);
	free(j.prev);
	free(j.fentry);
	free(j.prev_fentry);
	free(j.cb_entry);
	free(j.lookup);
	free(j.target);
	free(j.funcs);
	if (rc != 0) {
		free(prog->jit_insn_offsets);
		prog->jit_insn_offsets = NULL;
	}
	return rc;
}

void
xdpdk_jit_free(struct xdpdk_prog *prog)
{
	if (prog->jit_image != NULL)
		munmap(prog->jit_image, prog->jit_map_size);
	free(prog->jit_insn_offsets);
	prog->jit_image = NULL;
	prog->jit_size = 0;
	prog->jit_map_size = 0;
	prog->jit_insn_offsets = NULL;
	prog->jit_entry = NULL;
	prog->jit_burst = NULL;
	for (uint32_t k = 0; k < prog->n_subprogs && prog->callbacks != NULL; k++)
		prog->callbacks[k].native = NULL;
}
