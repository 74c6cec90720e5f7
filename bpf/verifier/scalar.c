/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Scalars: the kernel's bounds tracking (tnum plus signed and unsigned 64-
 * and 32-bit ranges), ALU on ranges, whether a conditional jump is decided,
 * and what each side of a jump teaches about its operands.
 *
 * 32-bit ALU is done as 64-bit ALU on the zero-extended (for arsh, sign-
 * extended) operands, then truncated: the low 32 bits are the same, and
 * truncation keeps the range only when it does not wrap.
 */
#include <errno.h>
#include <limits.h>

#include "verifier_internal.h"

#define U64_MAX UINT64_MAX
#define S64_MAX INT64_MAX
#define S64_MIN INT64_MIN
#define U32_MAX UINT32_MAX
#define S32_MAX INT32_MAX
#define S32_MIN INT32_MIN

static inline uint64_t umax64(uint64_t a, uint64_t b) { return a > b ? a : b; }
static inline uint64_t umin64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static inline int64_t smax64(int64_t a, int64_t b) { return a > b ? a : b; }
static inline int64_t smin64(int64_t a, int64_t b) { return a < b ? a : b; }

void
xdpdk_v_mark_unbounded(struct vreg *r)
{
	r->smin = S64_MIN;
	r->smax = S64_MAX;
	r->umin = 0;
	r->umax = U64_MAX;
	r->s32_min = S32_MIN;
	r->s32_max = S32_MAX;
	r->u32_min = 0;
	r->u32_max = U32_MAX;
}

static void
mark_reg32_unbounded(struct vreg *r)
{
	r->s32_min = S32_MIN;
	r->s32_max = S32_MAX;
	r->u32_min = 0;
	r->u32_max = U32_MAX;
}

static void
mark_reg64_unbounded(struct vreg *r)
{
	r->smin = S64_MIN;
	r->smax = S64_MAX;
	r->umin = 0;
	r->umax = U64_MAX;
}

void
xdpdk_v_mark_known(struct vreg *r, uint64_t imm)
{
	r->var_off = xdpdk_tnum_const(imm);
	r->smin = r->smax = (int64_t)imm;
	r->umin = r->umax = imm;
	r->s32_min = r->s32_max = (int32_t)imm;
	r->u32_min = r->u32_max = (uint32_t)imm;
}

void
xdpdk_v_mark_unknown(struct vreg *r)
{
	*r = (struct vreg){ .type = SCALAR_VALUE, .var_off = xdpdk_tnum_unknown };
	xdpdk_v_mark_unbounded(r);
}

void
xdpdk_v_mark_not_init(struct vreg *r)
{
	xdpdk_v_mark_unknown(r);
	r->type = NOT_INIT;
}

/* Bounds from the tnum (the kernel's __update_reg_bounds). */
static void
update_bounds(struct vreg *r)
{
	struct tnum v32 = xdpdk_tnum_subreg(r->var_off);

	r->s32_min = (int32_t)smax64(r->s32_min, (int32_t)(v32.value | (v32.mask & 0x80000000u)));
	r->s32_max = (int32_t)smin64(r->s32_max, (int32_t)(v32.value | (v32.mask & 0x7fffffffu)));
	r->u32_min = (uint32_t)umax64(r->u32_min, (uint32_t)v32.value);
	r->u32_max = (uint32_t)umin64(r->u32_max, (uint32_t)(v32.value | v32.mask));
	r->smin = smax64(r->smin, (int64_t)(r->var_off.value | (r->var_off.mask & (1ULL << 63))));
	r->smax = smin64(r->smax, (int64_t)(r->var_off.value | (r->var_off.mask & S64_MAX)));
	r->umin = umax64(r->umin, r->var_off.value);
	r->umax = umin64(r->umax, r->var_off.value | r->var_off.mask);
}

/* Signed and unsigned ranges teach each other (the kernel's __reg_deduce_bounds). */
static void
deduce_bounds(struct vreg *r)
{
	/* 32 from 64 when the 64-bit range does not cross a 32-bit boundary. */
	if ((r->umin >> 32) == (r->umax >> 32)) {
		r->u32_min = (uint32_t)umax64(r->u32_min, (uint32_t)r->umin);
		r->u32_max = (uint32_t)umin64(r->u32_max, (uint32_t)r->umax);
		if ((int32_t)r->umin <= (int32_t)r->umax) {
			r->s32_min = (int32_t)smax64(r->s32_min, (int32_t)r->umin);
			r->s32_max = (int32_t)smin64(r->s32_max, (int32_t)r->umax);
		}
	}
	if (r->smin >= S32_MIN && r->smax <= S32_MAX) {
		r->s32_min = (int32_t)smax64(r->s32_min, r->smin);
		r->s32_max = (int32_t)smin64(r->s32_max, r->smax);
	}
	if (r->s32_min >= 0 || r->s32_max < 0) {
		r->s32_min = r->u32_min = (uint32_t)umax64((uint32_t)r->s32_min, r->u32_min);
		r->s32_max = r->u32_max = (uint32_t)umin64((uint32_t)r->s32_max, r->u32_max);
	} else if ((int32_t)r->u32_max >= 0) {
		r->s32_min = (int32_t)r->u32_min;
		r->s32_max = r->u32_max = (uint32_t)umin64((uint32_t)r->s32_max, r->u32_max);
	} else if ((int32_t)r->u32_min < 0) {
		r->s32_min = r->u32_min = (uint32_t)umax64((uint32_t)r->s32_min, r->u32_min);
		r->s32_max = (int32_t)r->u32_max;
	}
	if (r->smin >= 0 || r->smax < 0) {
		r->smin = (int64_t)(r->umin = umax64((uint64_t)r->smin, r->umin));
		r->smax = (int64_t)(r->umax = umin64((uint64_t)r->smax, r->umax));
	} else if ((int64_t)r->umax >= 0) {
		r->smin = (int64_t)r->umin;
		r->smax = (int64_t)(r->umax = umin64((uint64_t)r->smax, r->umax));
	} else if ((int64_t)r->umin < 0) {
		r->smin = (int64_t)(r->umin = umax64((uint64_t)r->smin, r->umin));
		r->smax = (int64_t)r->umax;
	}
}

/* The tnum from the ranges (the kernel's __reg_bound_offset). */
static void
bound_offset(struct vreg *r)
{
	struct tnum v64 = xdpdk_tnum_intersect(r->var_off, xdpdk_tnum_range(r->umin, r->umax));
	struct tnum v32 = xdpdk_tnum_intersect(xdpdk_tnum_subreg(r->var_off),
					       xdpdk_tnum_range(r->u32_min, r->u32_max));

	r->var_off = xdpdk_tnum_or(xdpdk_tnum_clear_subreg(v64), v32);
}

void
xdpdk_v_bounds_sync(struct vreg *r)
{
	update_bounds(r);
	deduce_bounds(r);
	bound_offset(r);
	update_bounds(r);
	deduce_bounds(r);
}

void
xdpdk_v_zext_32_to_64(struct vreg *r)
{
	r->var_off = xdpdk_tnum_subreg(r->var_off);
	r->umin = r->u32_min;
	r->umax = r->u32_max;
	r->smin = (int64_t)r->umin;
	r->smax = (int64_t)r->umax;
	xdpdk_v_bounds_sync(r);
}

/* Truncate to @size bytes, zero-extended (the kernel's coerce_reg_to_size). */
void
xdpdk_v_coerce_reg_to_size(struct vreg *r, int size)
{
	uint64_t mask;

	if (size >= 8)
		return;
	mask = (1ULL << (size * 8)) - 1;
	r->var_off = xdpdk_tnum_cast(r->var_off, (uint8_t)size);
	if ((r->umin & ~mask) == (r->umax & ~mask)) {
		r->umin &= mask;
		r->umax &= mask;
	} else {
		r->umin = 0;
		r->umax = mask;
	}
	r->smin = (int64_t)r->umin;
	r->smax = (int64_t)r->umax;
	mark_reg32_unbounded(r);
	xdpdk_v_bounds_sync(r);
}

/* Sign-extend the low @size bytes (movsx, ldxs*). */
void
xdpdk_v_coerce_sext(struct vreg *r, int size)
{
	const int bits = size * 8;
	const int64_t lo = -(1LL << (bits - 1)), hi = (1LL << (bits - 1)) - 1;

	if (tnum_is_const(r->var_off)) {
		uint64_t v = r->var_off.value << (64 - bits);

		xdpdk_v_mark_known(r, (uint64_t)((int64_t)v >> (64 - bits)));
		return;
	}
	/* In range of the narrow signed type: unchanged; otherwise any value of it. */
	if (r->smin >= lo && r->smax <= hi)
		return;
	r->var_off = xdpdk_tnum_unknown;
	xdpdk_v_mark_unbounded(r);
	r->smin = lo;
	r->smax = hi;
	xdpdk_v_bounds_sync(r);
}

bool
xdpdk_v_reg_is_const(const struct vreg *r, bool is32)
{
	if (r->type != SCALAR_VALUE)
		return false;
	return is32 ? tnum_is_const(xdpdk_tnum_subreg(r->var_off)) : tnum_is_const(r->var_off);
}

uint64_t
xdpdk_v_reg_const(const struct vreg *r, bool is32)
{
	return is32 ? (uint32_t)r->var_off.value : r->var_off.value;
}

/* ---- ALU ---------------------------------------------------------------- */

static void
alu_add(struct vreg *d, const struct vreg *s)
{
	int64_t smin, smax;
	uint64_t umin = d->umin + s->umin, umax = d->umax + s->umax;

	if (__builtin_add_overflow(d->smin, s->smin, &smin) ||
	    __builtin_add_overflow(d->smax, s->smax, &smax)) {
		d->smin = S64_MIN;
		d->smax = S64_MAX;
	} else {
		d->smin = smin;
		d->smax = smax;
	}
	if (umin < d->umin || umax < d->umax) {
		d->umin = 0;
		d->umax = U64_MAX;
	} else {
		d->umin = umin;
		d->umax = umax;
	}
	d->var_off = xdpdk_tnum_add(d->var_off, s->var_off);
}

static void
alu_sub(struct vreg *d, const struct vreg *s)
{
	int64_t smin, smax;

	if (__builtin_sub_overflow(d->smin, s->smax, &smin) ||
	    __builtin_sub_overflow(d->smax, s->smin, &smax)) {
		d->smin = S64_MIN;
		d->smax = S64_MAX;
	} else {
		d->smin = smin;
		d->smax = smax;
	}
	if (d->umin < s->umax) {
		d->umin = 0;
		d->umax = U64_MAX;
	} else {
		d->umin -= s->umax;
		d->umax -= s->umin;
	}
	d->var_off = xdpdk_tnum_sub(d->var_off, s->var_off);
}

static void
alu_mul(struct vreg *d, const struct vreg *s)
{
	d->var_off = xdpdk_tnum_mul(d->var_off, s->var_off);
	if (d->smin < 0 || s->smin < 0 || d->umax > U32_MAX || s->umax > U32_MAX) {
		/* Products of signed or wide ranges: the kernel gives up too. */
		xdpdk_v_mark_unbounded(d);
		return;
	}
	d->umin *= s->umin;
	d->umax *= s->umax;
	if (d->umax > S64_MAX) {
		d->smin = S64_MIN;
		d->smax = S64_MAX;
	} else {
		d->smin = (int64_t)d->umin;
		d->smax = (int64_t)d->umax;
	}
}

static void
alu_and(struct vreg *d, const struct vreg *s)
{
	d->var_off = xdpdk_tnum_and(d->var_off, s->var_off);
	d->umin = d->var_off.value;
	d->umax = umin64(d->umax, s->umax);
	if (d->smin < 0 || s->smin < 0) {
		d->smin = S64_MIN;
		d->smax = S64_MAX;
	} else {
		d->smin = (int64_t)d->umin;
		d->smax = (int64_t)d->umax;
	}
}

static void
alu_or(struct vreg *d, const struct vreg *s)
{
	d->var_off = xdpdk_tnum_or(d->var_off, s->var_off);
	d->umin = umax64(d->umin, s->umin);
	d->umax = d->var_off.value | d->var_off.mask;
	if (d->smin < 0 || s->smin < 0) {
		d->smin = S64_MIN;
		d->smax = S64_MAX;
	} else {
		d->smin = (int64_t)d->umin;
		d->smax = (int64_t)d->umax;
	}
}

static void
alu_xor(struct vreg *d, const struct vreg *s)
{
	bool both_pos = d->smin >= 0 && s->smin >= 0;

	d->var_off = xdpdk_tnum_xor(d->var_off, s->var_off);
	d->umin = d->var_off.value;
	d->umax = d->var_off.value | d->var_off.mask;
	if (both_pos) {
		d->smin = (int64_t)d->umin;
		d->smax = (int64_t)d->umax;
	} else {
		d->smin = S64_MIN;
		d->smax = S64_MAX;
	}
}

static void
alu_lsh(struct vreg *d, uint8_t sh)
{
	if (d->umax > (1ULL << (63 - sh))) {
		d->umin = 0;
		d->umax = U64_MAX;
	} else {
		d->umin <<= sh;
		d->umax <<= sh;
	}
	d->smin = S64_MIN;
	d->smax = S64_MAX;
	d->var_off = xdpdk_tnum_lshift(d->var_off, sh);
}

static void
alu_rsh(struct vreg *d, uint8_t sh)
{
	d->smin = S64_MIN;
	d->smax = S64_MAX;
	d->var_off = xdpdk_tnum_rshift(d->var_off, sh);
	d->umin >>= sh;
	d->umax >>= sh;
}

static void
alu_arsh(struct vreg *d, uint8_t sh)
{
	d->smin >>= sh;
	d->smax >>= sh;
	d->var_off = xdpdk_tnum_arshift(d->var_off, sh, 64);
	d->umin = 0;
	d->umax = U64_MAX;
}

static uint64_t
bswap_val(uint64_t v, int bits)
{
	switch (bits) {
	case 16: return __builtin_bswap16((uint16_t)v);
	case 32: return __builtin_bswap32((uint32_t)v);
	default: return __builtin_bswap64(v);
	}
}

/* The value of a constant after END/bswap: to little endian is truncation on x86-64. */
static void
alu_end(const struct bpf_insn *insn, struct vreg *d)
{
	const int bits = insn->imm;
	const bool swap = BPF_CLASS(insn->code) == BPF_ALU64 || BPF_SRC(insn->code) == BPF_TO_BE;

	if (tnum_is_const(d->var_off)) {
		uint64_t v = d->var_off.value;

		if (bits < 64)
			v &= (1ULL << bits) - 1;
		xdpdk_v_mark_known(d, swap ? bswap_val(v, bits) : v);
		return;
	}
	if (swap) {
		d->var_off = xdpdk_tnum_unknown;
		xdpdk_v_mark_unbounded(d);
	}
	xdpdk_v_coerce_reg_to_size(d, bits / 8);
}

/*
 * The kernel's is_safe_to_compute_dst_reg_range (6.10+): which results get a
 * range. Add, sub, neg, and, or, xor and mul always; shifts by a constant
 * below the width; div, mod and the rest never.
 */
static bool
safe_to_compute(uint8_t op, bool src_const, uint64_t src_umax, int bits)
{
	switch (op) {
	case BPF_ADD:
	case BPF_SUB:
	case BPF_NEG:
	case BPF_AND:
	case BPF_OR:
	case BPF_XOR:
	case BPF_MUL:
		return true;
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		return src_const && src_umax < (uint64_t)bits;
	default:
		return false;
	}
}

/*
 * dst = dst OP src for scalars, as adjust_scalar_min_max_vals: an operation
 * safe_to_compute() refuses makes the result unknown.
 */
int
xdpdk_v_scalar_alu(struct venv *env, const struct bpf_insn *insn, struct vreg *dst,
		   struct vreg src)
{
	const uint8_t op = BPF_OP(insn->code);
	const bool is64 = BPF_CLASS(insn->code) == BPF_ALU64;
	const int bits = is64 ? 64 : 32;
	bool src_known;

	(void)env;
	if (op == BPF_END) {
		alu_end(insn, dst);
		return 0;
	}
	if (!is64) {
		/* Operate on the zero-extended (arsh: sign-extended) low halves. */
		xdpdk_v_coerce_reg_to_size(dst, 4);
		xdpdk_v_coerce_reg_to_size(&src, 4);
		if (op == BPF_ARSH)
			xdpdk_v_coerce_sext(dst, 4);
	}
	src_known = tnum_is_const(src.var_off) && src.smin == src.smax && src.umin == src.umax;
	if (!safe_to_compute(op, src_known, src.umax, bits) ||
	    src.smin > src.smax || src.umin > src.umax) {
		/* As the kernel: all 64 bits unknown, even after an ALU32 operation
		 * (adjust_scalar_min_max_vals returns before its zero extension). */
		xdpdk_v_mark_unknown(dst);
		return 0;
	}
	switch (op) {
	case BPF_ADD: alu_add(dst, &src); break;
	case BPF_SUB: alu_sub(dst, &src); break;
	case BPF_MUL: alu_mul(dst, &src); break;
	case BPF_AND: alu_and(dst, &src); break;
	case BPF_OR: alu_or(dst, &src); break;
	case BPF_XOR: alu_xor(dst, &src); break;
	case BPF_LSH: alu_lsh(dst, (uint8_t)src.umin); break;
	case BPF_RSH: alu_rsh(dst, (uint8_t)src.umin); break;
	case BPF_ARSH: alu_arsh(dst, (uint8_t)src.umin); break;
	case BPF_NEG: {
		struct vreg zero = *dst;

		xdpdk_v_mark_known(&zero, 0);
		alu_sub(&zero, dst);
		*dst = (struct vreg){ .type = SCALAR_VALUE, .var_off = zero.var_off };
		dst->smin = zero.smin;
		dst->smax = zero.smax;
		dst->umin = zero.umin;
		dst->umax = zero.umax;
		mark_reg32_unbounded(dst);
		break;
	}
	default:
		break;
	}
	mark_reg32_unbounded(dst);
	xdpdk_v_bounds_sync(dst);
	if (!is64)
		xdpdk_v_coerce_reg_to_size(dst, 4);
	return 0;
}

/* ---- conditional jumps -------------------------------------------------- */

/* A register view of the low 32 bits (zero-extended) for jmp32. */
static struct vreg
sub32(const struct vreg *r)
{
	struct vreg v = { .type = SCALAR_VALUE, .var_off = xdpdk_tnum_subreg(r->var_off) };

	v.umin = r->u32_min;
	v.umax = r->u32_max;
	v.smin = r->s32_min;
	v.smax = r->s32_max;
	return v;
}

/* 1 taken, 0 not taken, -1 unknown; @a OP @b for 64-bit views. */
static int
taken(const struct vreg *a, const struct vreg *b, uint8_t op)
{
	const bool ac = tnum_is_const(a->var_off), bc = tnum_is_const(b->var_off);

	switch (op) {
	case BPF_JEQ:
		if (ac && bc)
			return a->var_off.value == b->var_off.value;
		if (a->umin > b->umax || a->umax < b->umin || a->smin > b->smax ||
		    a->smax < b->smin)
			return 0;
		if (!tnum_is_const(xdpdk_tnum_intersect(a->var_off, b->var_off)) &&
		    ((a->var_off.value ^ b->var_off.value) & ~(a->var_off.mask | b->var_off.mask)))
			return 0;
		return -1;
	case BPF_JNE: {
		int t = taken(a, b, BPF_JEQ);

		return t < 0 ? t : !t;
	}
	case BPF_JSET:
		if (!bc)
			return -1;
		if ((~a->var_off.mask & a->var_off.value) & b->var_off.value)
			return 1;
		if (!((a->var_off.value | a->var_off.mask) & b->var_off.value))
			return 0;
		return -1;
	case BPF_JGT:
		if (a->umin > b->umax)
			return 1;
		if (a->umax <= b->umin)
			return 0;
		return -1;
	case BPF_JGE:
		if (a->umin >= b->umax)
			return 1;
		if (a->umax < b->umin)
			return 0;
		return -1;
	case BPF_JLT: return taken(b, a, BPF_JGT);
	case BPF_JLE: return taken(b, a, BPF_JGE);
	case BPF_JSGT:
		if (a->smin > b->smax)
			return 1;
		if (a->smax <= b->smin)
			return 0;
		return -1;
	case BPF_JSGE:
		if (a->smin >= b->smax)
			return 1;
		if (a->smax < b->smin)
			return 0;
		return -1;
	case BPF_JSLT: return taken(b, a, BPF_JSGT);
	case BPF_JSLE: return taken(b, a, BPF_JSGE);
	default:
		return -1;
	}
}

int
xdpdk_v_branch_taken_regs(struct vreg *a, struct vreg *b, uint8_t opcode, bool is32)
{
	if (is32) {
		struct vreg a32 = sub32(a), b32 = sub32(b);

		return taken(&a32, &b32, opcode);
	}
	return taken(a, b, opcode);
}

int
xdpdk_v_branch_taken(struct vreg *reg, uint64_t val, uint8_t opcode, bool is32)
{
	struct vreg k = { .type = SCALAR_VALUE };

	xdpdk_v_mark_known(&k, val);
	return xdpdk_v_branch_taken_regs(reg, &k, opcode, is32);
}

static uint8_t
negate_op(uint8_t op)
{
	switch (op) {
	case BPF_JEQ: return BPF_JNE;
	case BPF_JNE: return BPF_JEQ;
	case BPF_JGT: return BPF_JLE;
	case BPF_JLE: return BPF_JGT;
	case BPF_JGE: return BPF_JLT;
	case BPF_JLT: return BPF_JGE;
	case BPF_JSGT: return BPF_JSLE;
	case BPF_JSLE: return BPF_JSGT;
	case BPF_JSGE: return BPF_JSLT;
	case BPF_JSLT: return BPF_JSGE;
	default: return 0;	/* JSET's negation has no opcode: handled apart */
	}
}

/* Learn from "a OP b" being true, on 64-bit views (regs_refine_cond_op). */
static void
refine(struct vreg *a, struct vreg *b, uint8_t op, bool jset_false)
{
	switch (op) {
	case BPF_JEQ:
		a->umin = b->umin = umax64(a->umin, b->umin);
		a->umax = b->umax = umin64(a->umax, b->umax);
		a->smin = b->smin = smax64(a->smin, b->smin);
		a->smax = b->smax = smin64(a->smax, b->smax);
		a->var_off = b->var_off = xdpdk_tnum_intersect(a->var_off, b->var_off);
		break;
	case BPF_JNE:
		if (!tnum_is_const(b->var_off))
			break;
		if (a->umin == b->var_off.value && a->umin != U64_MAX)
			a->umin++;
		else if (a->umax == b->var_off.value && a->umax != 0)
			a->umax--;
		if (a->smin == (int64_t)b->var_off.value && a->smin != S64_MAX)
			a->smin++;
		else if (a->smax == (int64_t)b->var_off.value && a->smax != S64_MIN)
			a->smax--;
		break;
	case BPF_JSET:
		if (!tnum_is_const(b->var_off))
			break;
		if (jset_false)
			a->var_off = xdpdk_tnum_and(a->var_off, xdpdk_tnum_const(~b->var_off.value));
		else if (!(b->var_off.value & (b->var_off.value - 1)))
			a->var_off = xdpdk_tnum_or(a->var_off, b->var_off);
		break;
	case BPF_JGE:
		a->umin = umax64(a->umin, b->umin);
		b->umax = umin64(b->umax, a->umax);
		break;
	case BPF_JGT:
		a->umin = umax64(a->umin, b->umin == U64_MAX ? U64_MAX : b->umin + 1);
		b->umax = umin64(b->umax, a->umax == 0 ? 0 : a->umax - 1);
		break;
	case BPF_JSGE:
		a->smin = smax64(a->smin, b->smin);
		b->smax = smin64(b->smax, a->smax);
		break;
	case BPF_JSGT:
		a->smin = smax64(a->smin, b->smin == S64_MAX ? S64_MAX : b->smin + 1);
		b->smax = smin64(b->smax, a->smax == S64_MIN ? S64_MIN : a->smax - 1);
		break;
	case BPF_JLE: refine(b, a, BPF_JGE, false); break;
	case BPF_JLT: refine(b, a, BPF_JGT, false); break;
	case BPF_JSLE: refine(b, a, BPF_JSGE, false); break;
	case BPF_JSLT: refine(b, a, BPF_JSGT, false); break;
	}
}

/* Put a refined 32-bit view back into the 64-bit register (jmp32). */
static void
put32(struct vreg *r, const struct vreg *v)
{
	r->u32_min = (uint32_t)v->umin;
	r->u32_max = (uint32_t)v->umax;
	r->s32_min = (int32_t)v->smin;
	r->s32_max = (int32_t)v->smax;
	r->var_off = xdpdk_tnum_with_subreg(r->var_off, v->var_off);
	if (tnum_equals_const(xdpdk_tnum_clear_subreg(r->var_off), 0)) {
		r->umin = r->u32_min;
		r->umax = r->u32_max;
		r->smin = (int64_t)r->umin;
		r->smax = (int64_t)r->umax;
	} else {
		mark_reg64_unbounded(r);
	}
	xdpdk_v_bounds_sync(r);
}

static void
refine_side(struct vreg *a, struct vreg *b, uint8_t op, bool is32, bool jset_false)
{
	if (is32) {
		struct vreg a32 = sub32(a), b32 = sub32(b);

		refine(&a32, &b32, op, jset_false);
		if (a->type == SCALAR_VALUE)
			put32(a, &a32);
		if (b->type == SCALAR_VALUE)
			put32(b, &b32);
		return;
	}
	refine(a, b, op, jset_false);
	if (a->type == SCALAR_VALUE)
		xdpdk_v_bounds_sync(a);
	if (b->type == SCALAR_VALUE)
		xdpdk_v_bounds_sync(b);
}

/*
 * t_a/t_b: the operands in the taken branch, f_a/f_b in the fall-through;
 * each pair learns what "a OP b" (or its negation) implies.
 */
void
xdpdk_v_refine_regs(struct vreg *t_a, struct vreg *t_b, struct vreg *f_a, struct vreg *f_b,
		    uint8_t opcode, bool is32)
{
	refine_side(t_a, t_b, opcode, is32, false);
	if (opcode == BPF_JSET)
		refine_side(f_a, f_b, BPF_JSET, is32, true);
	else
		refine_side(f_a, f_b, negate_op(opcode), is32, false);
}

void
xdpdk_v_refine_const(struct vreg *true_reg, struct vreg *false_reg, uint64_t val,
		     uint8_t opcode, bool is32)
{
	struct vreg kt = { .type = SCALAR_VALUE }, kf;

	xdpdk_v_mark_known(&kt, val);
	kf = kt;
	xdpdk_v_refine_regs(true_reg, &kt, false_reg, &kf, opcode, is32);
}
