/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The verifier's walk, as the kernel's do_check: every path of the program
 * is interpreted over abstract registers, one instruction at a time; a
 * conditional jump whose outcome is unknown pushes the other side for later;
 * pruning stops a path whose state an explored one covers. Instructions
 * dispatch to ALU (scalars here, pointers in adjust_ptr), memory
 * (check_mem.c), calls (check_helper.c) and jumps.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verifier_internal.h"

/* The maps component provides the default map lookup when it is linked. */
int xdpdk_map_verifier_info(const void *addr, struct xdpdk_verifier_map *out, void *arg)
	__attribute__((weak));

void
xdpdk_v_mark_reg_known_zero(struct vreg *reg)
{
	const uint8_t type = reg->type;

	xdpdk_v_mark_unknown(reg);
	xdpdk_v_mark_known(reg, 0);
	reg->type = type;
}

bool
xdpdk_v_is_pointer_value(struct venv *env, uint32_t regno)
{
	return env->strict && reg_is_pointer(&cur_regs(env)[regno]);
}

int
xdpdk_v_check_reg_arg(struct venv *env, uint32_t regno, bool src)
{
	if (regno >= XDPDK_BPF_NREGS)
		return xdpdk_v_reject(env, -EINVAL, "R%u is invalid", regno);
	if (src && cur_regs(env)[regno].type == NOT_INIT)
		return xdpdk_v_reject(env, -EACCES, "R%u !read_ok", regno);
	if (!src && regno == BPF_REG_10)
		return xdpdk_v_reject(env, -EACCES, "frame pointer is read only");
	return 0;
}

/* ---- pointer arithmetic (adjust_ptr_min_max_vals) ---------------------- */

static const char *
op_name(uint8_t op)
{
	static const char *const names[16] = { "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=",
					       "neg", "%=", "^=", "=", "s>>=", "endian", "?", "?" };

	return names[op >> 4];
}

/* The 32-bit view is relearnt from the 64-bit result. */
static void
unbound32(struct vreg *r)
{
	r->s32_min = INT32_MIN;
	r->s32_max = INT32_MAX;
	r->u32_min = 0;
	r->u32_max = UINT32_MAX;
}

static int
adjust_ptr(struct venv *env, const struct bpf_insn *insn, const struct vreg *ptr,
	   const struct vreg *off, struct vreg *dst, bool off_is_dst)
{
	const uint8_t op = BPF_OP(insn->code);
	const uint32_t dno = insn->dst_reg;
	const bool known = tnum_is_const(off->var_off);
	const int64_t smin = off->smin;
	struct vreg res = *ptr;
	char t[48];

	xdpdk_v_type_str(ptr, t, sizeof(t));
	if (BPF_CLASS(insn->code) != BPF_ALU64) {
		if (op == BPF_SUB && !env->strict) {
			xdpdk_v_mark_unknown(dst);
			return 0;
		}
		return xdpdk_v_reject(env, -EACCES, "R%u 32-bit pointer arithmetic prohibited", dno);
	}
	if (ptr->flags & PTR_MAYBE_NULL)
		return xdpdk_v_reject(env, -EACCES, "R%u pointer arithmetic on %s prohibited, "
				      "null-check it first", dno, t);
	switch (ptr->type) {
	case PTR_TO_CTX:
	case PTR_TO_MAP_VALUE:
	case PTR_TO_MAP_KEY:
	case PTR_TO_STACK:
	case PTR_TO_PACKET_META:
	case PTR_TO_PACKET:
	case PTR_TO_MEM:
		break;
	case CONST_PTR_TO_MAP:
		if (known && smin == 0 && op == BPF_ADD)
			break;
		/* fall through */
	default:
		return xdpdk_v_reject(env, -EACCES, "R%u pointer arithmetic on %s prohibited", dno,
				      t);
	}
	if (known && (smin >= VMAX_VAR_OFF || smin <= -VMAX_VAR_OFF))
		return xdpdk_v_reject(env, -EACCES, "math between %s pointer and %" PRId64
				      " is not allowed", t, smin);
	if (!known && off->smin == INT64_MIN)
		return xdpdk_v_reject(env, -EACCES, "math between %s pointer and register with "
				      "unbounded min value is not allowed", t);
	if (!known && (off->smin >= VMAX_VAR_OFF || off->smin <= -VMAX_VAR_OFF))
		return xdpdk_v_reject(env, -EACCES, "value %" PRId64 " makes %s pointer be out of "
				      "bounds", off->smin, t);
	switch (op) {
	case BPF_ADD:
		if (known && ptr->off + smin == (int64_t)(int32_t)(ptr->off + smin)) {
			res.off = (int32_t)(ptr->off + smin);
			break;
		}
		/* A variable part: its range adds to the pointer's own. */
		res.smin = ptr->smin + off->smin;
		res.smax = ptr->smax + off->smax;
		res.umin = ptr->umin + off->umin;
		res.umax = ptr->umax + off->umax;
		if (res.umin < ptr->umin || res.umax < ptr->umax) {
			res.umin = 0;
			res.umax = UINT64_MAX;
		}
		res.var_off = xdpdk_tnum_add(ptr->var_off, off->var_off);
		unbound32(&res);
		xdpdk_v_bounds_sync(&res);
		if (reg_is_pkt_pointer(ptr)) {
			res.id = ++env->id_gen;
			res.range = 0;
		}
		break;
	case BPF_SUB:
		if (off_is_dst)
			return xdpdk_v_reject(env, -EACCES, "R%u tried to subtract pointer from "
					      "scalar", dno);
		if (ptr->type == PTR_TO_STACK)
			return xdpdk_v_reject(env, -EACCES, "R%u subtraction from stack pointer "
					      "prohibited", dno);
		if (known && ptr->off - smin == (int64_t)(int32_t)(ptr->off - smin)) {
			res.off = (int32_t)(ptr->off - smin);
			break;
		}
		if (__builtin_sub_overflow(ptr->smin, off->smax, &res.smin) ||
		    __builtin_sub_overflow(ptr->smax, off->smin, &res.smax)) {
			res.smin = INT64_MIN;
			res.smax = INT64_MAX;
		}
		if (ptr->umin < off->umax) {
			res.umin = 0;
			res.umax = UINT64_MAX;
		} else {
			res.umin = ptr->umin - off->umax;
			res.umax = ptr->umax - off->umin;
		}
		res.var_off = xdpdk_tnum_sub(ptr->var_off, off->var_off);
		unbound32(&res);
		xdpdk_v_bounds_sync(&res);
		if (reg_is_pkt_pointer(ptr)) {
			res.id = ++env->id_gen;
			res.range = 0;
		}
		break;
	case BPF_AND:
	case BPF_OR:
	case BPF_XOR:
		return xdpdk_v_reject(env, -EACCES, "R%u bitwise operator %s on pointer prohibited",
				      dno, op_name(op));
	default:
		return xdpdk_v_reject(env, -EACCES, "R%u pointer arithmetic with %s operator "
				      "prohibited", dno, op_name(op));
	}
	if (reg_is_pkt_pointer(&res) && (res.off > VMAX_PKT_OFF || res.off < -VMAX_PKT_OFF))
		return xdpdk_v_reject(env, -EACCES, "R%u pointer offset %d is not allowed", dno,
				      res.off);
	/* The kernel's check_reg_sane_offset on the result too. */
	if (res.off >= VMAX_VAR_OFF || res.off <= -VMAX_VAR_OFF)
		return xdpdk_v_reject(env, -EACCES, "%s pointer offset %d is not allowed", t,
				      res.off);
	if (!tnum_is_const(res.var_off) && (res.smin >= VMAX_VAR_OFF || res.smin <= -VMAX_VAR_OFF))
		return xdpdk_v_reject(env, -EACCES, "value %" PRId64 " makes %s pointer be out of "
				      "bounds", res.smin, t);
	*dst = res;
	return 0;
}

static int
check_alu(struct venv *env, const struct bpf_insn *insn)
{
	struct vreg *regs = cur_regs(env);
	const uint8_t op = BPF_OP(insn->code);
	const bool is64 = BPF_CLASS(insn->code) == BPF_ALU64;
	struct vreg *dst = &regs[insn->dst_reg], src;
	int rc;

	if (op == BPF_NEG || op == BPF_END) {
		rc = xdpdk_v_check_reg_arg(env, insn->dst_reg, true);
		if (rc)
			return rc;
		if (reg_is_pointer(dst)) {
			if (env->strict)
				return xdpdk_v_reject(env, -EACCES, "R%u pointer arithmetic prohibited",
						      insn->dst_reg);
			xdpdk_v_mark_unknown(dst);
			return 0;
		}
		src = (struct vreg){ .type = SCALAR_VALUE };
		xdpdk_v_mark_known(&src, 0);
		return xdpdk_v_scalar_alu(env, insn, dst, src);
	}
	if (BPF_SRC(insn->code) == BPF_X) {
		rc = xdpdk_v_check_reg_arg(env, insn->src_reg, true);
		if (rc)
			return rc;
		src = regs[insn->src_reg];
	} else {
		src = (struct vreg){ .type = SCALAR_VALUE };
		xdpdk_v_mark_known(&src, is64 ? (uint64_t)(int64_t)insn->imm : (uint32_t)insn->imm);
	}
	rc = xdpdk_v_check_reg_arg(env, insn->dst_reg, false);
	if (rc)
		return rc;
	if (op == BPF_MOV) {
		if (BPF_SRC(insn->code) == BPF_X && insn->off != 0) {
			if (src.type != SCALAR_VALUE)
				return xdpdk_v_reject(env, -EACCES, "R%u sign-extension part of "
						      "pointer", insn->src_reg);
			*dst = src;
			xdpdk_v_coerce_sext(dst, insn->off / 8);
			if (!is64)
				xdpdk_v_coerce_reg_to_size(dst, 4);
			return 0;
		}
		if (is64) {
			*dst = src;
			return 0;
		}
		if (reg_is_pointer(&src)) {
			if (env->strict)
				return xdpdk_v_reject(env, -EACCES, "R%u partial copy of pointer",
						      insn->src_reg);
			xdpdk_v_mark_unknown(dst);
			xdpdk_v_coerce_reg_to_size(dst, 4);
			return 0;
		}
		*dst = src;
		dst->id = 0;
		xdpdk_v_coerce_reg_to_size(dst, 4);
		return 0;
	}
	rc = xdpdk_v_check_reg_arg(env, insn->dst_reg, true);
	if (rc)
		return rc;
	if (BPF_SRC(insn->code) == BPF_K) {
		if ((op == BPF_DIV || op == BPF_MOD) && insn->imm == 0)
			return xdpdk_v_reject(env, -EINVAL, "div by zero");
		if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) &&
		    (uint32_t)insn->imm >= (is64 ? 64u : 32u))
			return xdpdk_v_reject(env, -EINVAL, "invalid shift %d", insn->imm);
	}
	if (reg_is_pointer(dst) && reg_is_pointer(&src)) {
		char t[48];

		if (op == BPF_SUB && !env->strict) {
			xdpdk_v_mark_unknown(dst);
			return 0;
		}
		(void)t;
		return xdpdk_v_reject(env, -EACCES, "R%u pointer %s pointer prohibited",
				      insn->dst_reg, op_name(op));
	}
	if (reg_is_pointer(dst))
		return adjust_ptr(env, insn, dst, &src, dst, false);
	if (reg_is_pointer(&src)) {
		const struct vreg off = *dst;

		if (op == BPF_ADD && is64)
			return adjust_ptr(env, insn, &src, &off, dst, true);
		if (op == BPF_SUB && is64)
			return xdpdk_v_reject(env, -EACCES, "R%u tried to subtract pointer from "
					      "scalar", insn->dst_reg);
		if (env->strict)
			return xdpdk_v_reject(env, -EACCES, "R%u pointer arithmetic prohibited",
					      insn->src_reg);
		xdpdk_v_mark_unknown(dst);
		return 0;
	}
	return xdpdk_v_scalar_alu(env, insn, dst, src);
}

/* ---- loads and stores -------------------------------------------------- */

static int
check_atomic(struct venv *env, uint32_t idx, const struct bpf_insn *insn)
{
	struct vreg *regs = cur_regs(env);
	const int size = (int)xdpdk_isa_size_bytes(insn->code);
	const struct vreg *dst = &regs[insn->dst_reg];
	char t[48];
	int rc;

	if (size != 4 && size != 8)
		return xdpdk_v_reject(env, -EINVAL, "invalid atomic operand size");
	rc = xdpdk_v_check_reg_arg(env, insn->src_reg, true);
	if (rc == 0)
		rc = xdpdk_v_check_reg_arg(env, insn->dst_reg, true);
	if (rc == 0 && insn->imm == BPF_CMPXCHG)
		rc = xdpdk_v_check_reg_arg(env, BPF_REG_0, true);
	if (rc)
		return rc;
	if (reg_is_pointer(&regs[insn->src_reg]) && env->strict)
		return xdpdk_v_reject(env, -EACCES, "R%u leaks addr into mem", insn->src_reg);
	if (dst->type == PTR_TO_CTX || reg_is_pkt_pointer(dst) || dst->type == PTR_TO_MAP_KEY)
		return xdpdk_v_reject(env, -EACCES, "BPF_ATOMIC stores into R%u %s is not allowed",
				      insn->dst_reg, xdpdk_v_type_str(dst, t, sizeof(t)));
	rc = xdpdk_v_check_mem_access(env, idx, insn->dst_reg, insn->off, size, false, -1, false);
	/* The memory ends up holding a computed value, not src: write unknown bytes. */
	if (rc == 0)
		rc = xdpdk_v_check_mem_access(env, idx, insn->dst_reg, insn->off, size, true, -1,
					      false);
	if (rc)
		return rc;
	regs = cur_regs(env);	/* a stack access may have moved the frame */
	if (insn->imm == BPF_CMPXCHG) {
		xdpdk_v_mark_unknown(&regs[BPF_REG_0]);
		if (size == 4)
			xdpdk_v_coerce_reg_to_size(&regs[BPF_REG_0], 4);
	} else if (insn->imm & BPF_FETCH) {
		xdpdk_v_mark_unknown(&regs[insn->src_reg]);
		if (size == 4)
			xdpdk_v_coerce_reg_to_size(&regs[insn->src_reg], 4);
	}
	return 0;
}

static int
check_ld_abs(struct venv *env, const struct bpf_insn *insn)
{
	struct vreg *regs = cur_regs(env);
	int rc;

	if (env->type != XDPDK_PROG_TYPE_TC && env->type != XDPDK_PROG_TYPE_SOCKET_FILTER)
		return xdpdk_v_reject(env, -EINVAL, "BPF_LD_[ABS|IND] instructions not allowed for "
				      "this program type");
	if (env->cur->n_refs)
		return xdpdk_v_reject(env, -EINVAL, "BPF_LD_[ABS|IND] cannot be mixed with socket "
				      "references");
	if (env->cur->active_lock_id)
		return xdpdk_v_reject(env, -EINVAL, "BPF_LD_[ABS|IND] cannot be used inside "
				      "bpf_spin_lock-ed region");
	rc = xdpdk_v_check_reg_arg(env, BPF_REG_6, true);
	if (rc == 0 && BPF_MODE(insn->code) == BPF_IND)
		rc = xdpdk_v_check_reg_arg(env, insn->src_reg, true);
	if (rc)
		return rc;
	if (regs[BPF_REG_6].type != PTR_TO_CTX)
		return xdpdk_v_reject(env, -EINVAL, "at the time of BPF_LD_ABS|IND R6 != pointer to "
				      "skb");
	for (int r = BPF_REG_1; r <= BPF_REG_5; r++)
		xdpdk_v_mark_not_init(&regs[r]);
	xdpdk_v_mark_unknown(&regs[BPF_REG_0]);
	xdpdk_v_coerce_reg_to_size(&regs[BPF_REG_0], (int)xdpdk_isa_size_bytes(insn->code));
	return 0;
}

static const struct xdpdk_verifier_map *
map_of_insn(struct venv *env, uint32_t idx)
{
	const uint32_t k = env->insn_map[idx];

	return k ? &env->maps[k - 1] : NULL;
}

static int
check_ld_imm(struct venv *env, uint32_t idx, const struct bpf_insn *insn)
{
	struct vreg *dst = &cur_regs(env)[insn->dst_reg];
	const uint64_t imm = xdpdk_isa_lddw_imm(insn);
	const struct xdpdk_verifier_map *map;

	xdpdk_v_mark_unknown(dst);
	switch (insn->src_reg) {
	case 0:
		xdpdk_v_mark_known(dst, imm);
		return 0;
	case BPF_PSEUDO_FUNC:
		xdpdk_v_mark_known(dst, 0);
		dst->type = PTR_TO_FUNC;
		dst->subprog = xdpdk_v_subprog_of(env, idx + 1 + (uint32_t)insn->imm);
		return 0;
	case BPF_PSEUDO_MAP_FD:
	case BPF_PSEUDO_MAP_VALUE:
		map = map_of_insn(env, idx);
		if (map == NULL)
			return xdpdk_v_reject(env, -EINVAL, "fd %#" PRIx64 " is not pointing to valid "
					      "bpf_map", imm);
		xdpdk_v_mark_known(dst, 0);
		dst->map = map;
		if (insn->src_reg == BPF_PSEUDO_MAP_FD) {
			dst->type = CONST_PTR_TO_MAP;
			return 0;
		}
		dst->type = PTR_TO_MAP_VALUE;
		dst->off = (int32_t)((uintptr_t)imm - (uintptr_t)map->value_addr);
		return 0;
	default:
		return xdpdk_v_reject(env, -EINVAL, "invalid BPF_LD_IMM insn");
	}
}

/* ---- conditional jumps -------------------------------------------------- */

static void
mark_pkt_range(struct venv *env, struct vstate *st, const struct vreg *dst, bool right_open)
{
	int new_range;

	if (dst->off < 0 || (dst->off == 0 && right_open))
		return;
	if (dst->umax > VMAX_PKT_OFF || dst->umax + (uint64_t)dst->off > VMAX_PKT_OFF)
		return;
	new_range = dst->off;
	/* pkt' < pkt_end: byte off is in the packet too (as 6.18 proves it) */
	if (right_open)
		new_range++;
	(void)env;
	for (uint32_t fi = 0; fi <= st->curframe; fi++) {
		struct vframe *f = st->frame[fi];

		for (int r = 0; r < XDPDK_BPF_NREGS; r++)
			if (f->regs[r].type == dst->type && f->regs[r].id == dst->id &&
			    f->regs[r].range < new_range)
				f->regs[r].range = new_range;
		for (uint32_t s = 0; s < f->nslots; s++) {
			struct vreg *r = &f->stack[s].spilled;

			if (f->stack[s].type[7] == STACK_SPILL && r->type == dst->type &&
			    r->id == dst->id && r->range < new_range)
				r->range = new_range;
		}
	}
}

static bool
is_init_pkt(const struct vreg *r, uint8_t type)
{
	return r->type == type && r->off == 0 && tnum_equals_const(r->var_off, 0);
}

/* The kernel's try_match_pkt_pointers: @this falls through, @other jumps. */
static bool
match_pkt(struct venv *env, const struct bpf_insn *insn, const struct vreg *d,
	  const struct vreg *s, struct vstate *this, struct vstate *other)
{
	const bool d_end = (d->type == PTR_TO_PACKET && s->type == PTR_TO_PACKET_END) ||
			   (d->type == PTR_TO_PACKET_META && is_init_pkt(s, PTR_TO_PACKET));
	const bool s_end = (d->type == PTR_TO_PACKET_END && s->type == PTR_TO_PACKET) ||
			   (is_init_pkt(d, PTR_TO_PACKET) && s->type == PTR_TO_PACKET_META);

	if (BPF_CLASS(insn->code) == BPF_JMP32 || (!d_end && !s_end))
		return false;
	switch (BPF_OP(insn->code)) {
	case BPF_JGT:
		if (d_end)
			mark_pkt_range(env, this, d, false);
		else
			mark_pkt_range(env, other, s, true);
		return true;
	case BPF_JLT:
		if (d_end)
			mark_pkt_range(env, other, d, true);
		else
			mark_pkt_range(env, this, s, false);
		return true;
	case BPF_JGE:
		if (d_end)
			mark_pkt_range(env, this, d, true);
		else
			mark_pkt_range(env, other, s, false);
		return true;
	case BPF_JLE:
		if (d_end)
			mark_pkt_range(env, other, d, false);
		else
			mark_pkt_range(env, this, s, true);
		return true;
	default:
		return false;
	}
}

static bool
bounds_sane(const struct vreg *r)
{
	return r->type != SCALAR_VALUE ||
	       (r->umin <= r->umax && r->smin <= r->smax && r->u32_min <= r->u32_max &&
		r->s32_min <= r->s32_max);
}

/* Forget the branch just pushed: it cannot happen. */
static void
drop_head(struct venv *env)
{
	struct vstack_elem *e = env->head;

	env->head = e->next;
	env->stack_size--;
	if (e->st->parent)
		e->st->parent->branches--;
	xdpdk_v_state_free(e->st);
	free(e);
}

/* 1: jump taken, 0: not, -1 unknown, for a pointer compared with 0. */
static int
ptr_taken(const struct vreg *p, const struct vreg *k, uint8_t op)
{
	if (!reg_is_pointer(p) || (p->flags & PTR_MAYBE_NULL) || k->type != SCALAR_VALUE ||
	    !tnum_equals_const(k->var_off, 0))
		return -1;
	if (op == BPF_JEQ)
		return 0;
	if (op == BPF_JNE)
		return 1;
	return -1;
}

static void
swap_vstate_regs(struct vstate *st, struct vreg **d, struct vreg **s, const struct bpf_insn *insn,
		 struct vreg *kimm)
{
	struct vreg *regs = st->frame[st->curframe]->regs;

	*d = &regs[insn->dst_reg];
	*s = BPF_SRC(insn->code) == BPF_X ? &regs[insn->src_reg] : kimm;
}

static int
check_cond_jmp(struct venv *env, const struct bpf_insn *insn, uint32_t *insn_idx)
{
	struct vreg *regs = cur_regs(env);
	const uint8_t op = BPF_OP(insn->code);
	const bool is32 = BPF_CLASS(insn->code) == BPF_JMP32;
	const uint32_t target = *insn_idx + 1 + (uint32_t)(int32_t)insn->off;
	struct vreg kimm = { .type = SCALAR_VALUE }, kimm2;
	struct vreg *d, *s, *od, *os;
	struct vstate *other;
	int pred = -1, rc;

	if (op > BPF_JSLE)
		return xdpdk_v_reject(env, -EINVAL, "invalid BPF_JMP/JMP32 opcode %x", op);
	rc = xdpdk_v_check_reg_arg(env, insn->dst_reg, true);
	if (rc == 0 && BPF_SRC(insn->code) == BPF_X)
		rc = xdpdk_v_check_reg_arg(env, insn->src_reg, true);
	if (rc)
		return rc;
	xdpdk_v_mark_known(&kimm, is32 ? (uint32_t)insn->imm : (uint64_t)(int64_t)insn->imm);
	kimm2 = kimm;
	d = &regs[insn->dst_reg];
	s = BPF_SRC(insn->code) == BPF_X ? &regs[insn->src_reg] : &kimm;
	if (d->type == SCALAR_VALUE && s->type == SCALAR_VALUE)
		pred = xdpdk_v_branch_taken_regs(d, s, op, is32);
	else if (!is32 && (pred = ptr_taken(d, s, op)) < 0)
		pred = ptr_taken(s, d, op);
	if (pred == 1) {
		*insn_idx = target;
		return 1;
	}
	if (pred == 0)
		return 0;
	rc = xdpdk_v_push_branch(env, target, *insn_idx, &other);
	if (rc)
		return rc;
	swap_vstate_regs(other, &od, &os, insn, &kimm2);
	if (d->type == SCALAR_VALUE && s->type == SCALAR_VALUE) {
		/* A register against itself teaches nothing, and both sides stay
		 * (the kernel's reg_set_min_max); refining it as two would find a
		 * "contradiction" and drop a side the kernel verifies. */
		if (BPF_SRC(insn->code) == BPF_X && insn->dst_reg == insn->src_reg)
			return 0;
		xdpdk_v_refine_regs(od, os, d, s, op, is32);
		/* A side whose bounds contradict cannot happen: drop it. */
		if (!bounds_sane(od) || !bounds_sane(os))
			drop_head(env);
		if (!bounds_sane(d) || !bounds_sane(s))
			return 2;
		return 0;
	}
	if (!is32 && (op == BPF_JEQ || op == BPF_JNE)) {
		const struct vreg *p = (d->flags & PTR_MAYBE_NULL) ? d : s;
		const struct vreg *z = p == d ? s : d;

		if ((p->flags & PTR_MAYBE_NULL) && z->type == SCALAR_VALUE &&
		    tnum_equals_const(z->var_off, 0)) {
			const uint32_t id = p->id;
			struct vstate *saved = env->cur;

			/* JEQ: the jump sees NULL; JNE: the fall-through does. */
			env->cur = other;
			xdpdk_v_mark_ptr_or_null_regs(env, id, op == BPF_JEQ);
			env->cur = saved;
			xdpdk_v_mark_ptr_or_null_regs(env, id, op != BPF_JEQ);
			return 0;
		}
	}
	if (match_pkt(env, insn, d, s, env->cur, other))
		return 0;
	if (env->strict && (reg_is_pointer(d) || reg_is_pointer(s)))
		return xdpdk_v_reject(env, -EACCES, "R%u pointer comparison prohibited",
				      reg_is_pointer(d) ? insn->dst_reg : insn->src_reg);
	return 0;
}

/* ---- exit ---------------------------------------------------------------- */

static int
check_return(struct venv *env)
{
	int rc = xdpdk_v_check_reg_arg(env, BPF_REG_0, true);

	if (rc)
		return rc;
	if (xdpdk_v_is_pointer_value(env, BPF_REG_0))
		return xdpdk_v_reject(env, -EACCES, "R0 leaks addr as return value");
	/* XDP, TC and socket filters: any value; the runtime maps unknown verdicts. */
	return 0;
}

/* ---- the walk ------------------------------------------------------------- */

static int
do_check(struct venv *env)
{
	uint32_t idx = 0;
	int rc;

	for (;;) {
		const struct bpf_insn *insn;
		uint8_t cls;

		env->cur->insn_idx = idx;
		if (idx >= env->n_insns)
			return xdpdk_v_reject(env, -EFAULT, "invalid insn idx %u insn_cnt %u", idx,
					      env->n_insns);
		insn = &env->insns[idx];
		cls = BPF_CLASS(insn->code);
		if (++env->insn_processed > VCOMPLEXITY_LIMIT)
			return xdpdk_v_reject(env, -E2BIG, "BPF program is too large. Processed %u "
					      "insn", env->insn_processed);
		rc = xdpdk_v_is_state_visited(env, idx);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			if (env->log_level >= 2)
				xdpdk_v_log(env, "%u: safe\n", idx);
			goto process_exit;
		}
		env->seen[idx] = 1;
		if (xdpdk_isa_is_lddw(insn))
			env->seen[idx + 1] = 1;
		if (env->log_level >= 2) {
			xdpdk_v_print_source(env, idx);
			xdpdk_v_print_state(env, env->cur);
			xdpdk_v_print_insn(env, idx);
		}
		switch (cls) {
		case BPF_ALU:
		case BPF_ALU64:
			rc = check_alu(env, insn);
			break;
		case BPF_LDX:
			rc = xdpdk_v_check_reg_arg(env, insn->src_reg, true);
			if (rc == 0)
				rc = xdpdk_v_check_reg_arg(env, insn->dst_reg, false);
			if (rc == 0)
				rc = xdpdk_v_check_mem_access(env, idx, insn->src_reg, insn->off,
							      (int)xdpdk_isa_size_bytes(insn->code),
							      false, insn->dst_reg,
							      BPF_MODE(insn->code) == BPF_MEMSX);
			break;
		case BPF_STX:
			if (BPF_MODE(insn->code) == BPF_ATOMIC) {
				rc = check_atomic(env, idx, insn);
				break;
			}
			rc = xdpdk_v_check_reg_arg(env, insn->src_reg, true);
			if (rc == 0)
				rc = xdpdk_v_check_reg_arg(env, insn->dst_reg, true);
			if (rc == 0)
				rc = xdpdk_v_check_mem_access(env, idx, insn->dst_reg, insn->off,
							      (int)xdpdk_isa_size_bytes(insn->code),
							      true, insn->src_reg, false);
			break;
		case BPF_ST: {
			struct vreg v = { .type = SCALAR_VALUE };

			rc = xdpdk_v_check_reg_arg(env, insn->dst_reg, true);
			if (rc)
				break;
			xdpdk_v_mark_known(&v, (uint64_t)(int64_t)insn->imm);
			env->st_imm = &v;
			rc = xdpdk_v_check_mem_access(env, idx, insn->dst_reg, insn->off,
						      (int)xdpdk_isa_size_bytes(insn->code), true,
						      -1, false);
			env->st_imm = NULL;
			break;
		}
		case BPF_JMP:
		case BPF_JMP32: {
			const uint8_t op = BPF_OP(insn->code);

			env->jmps_processed++;
			if (op == BPF_CALL) {
				if (insn->src_reg == BPF_PSEUDO_CALL) {
					rc = xdpdk_v_check_func_call(env, insn, &idx);
					if (rc == 0)
						continue;
				} else {
					rc = xdpdk_v_check_helper_call(env, insn, &idx);
					if (rc == 1)
						continue;
				}
				break;
			}
			if (op == BPF_JA) {
				idx += 1 + (uint32_t)xdpdk_isa_ja_offset(insn);
				continue;
			}
			if (op == BPF_EXIT) {
				if (env->cur->active_lock_id)
					return xdpdk_v_reject(env, -EINVAL, "bpf_spin_unlock is "
							      "missing");
				if (env->cur->curframe) {
					rc = cur_frame(env)->in_callback
						     ? xdpdk_v_callback_exit(env, &idx)
						     : xdpdk_v_prepare_func_exit(env, &idx);
					if (rc)
						return rc;
					continue;
				}
				rc = xdpdk_v_check_reference_leak(env);
				if (rc == 0)
					rc = check_return(env);
				if (rc)
					return rc;
				goto process_exit;
			}
			rc = check_cond_jmp(env, insn, &idx);
			if (rc == 1)
				continue;
			if (rc == 2)
				goto process_exit;
			break;
		}
		case BPF_LD:
			if (BPF_MODE(insn->code) == BPF_IMM) {
				rc = check_ld_imm(env, idx, insn);
				idx++;
			} else {
				rc = check_ld_abs(env, insn);
			}
			break;
		default:
			return xdpdk_v_reject(env, -EINVAL, "unknown insn class %d", cls);
		}
		if (rc)
			return rc;
		idx++;
		continue;
process_exit:
		xdpdk_v_update_branch_counts(env, env->cur);
		rc = xdpdk_v_pop_branch(env);
		if (rc == -ENOENT)
			return 0;
		if (rc)
			return rc;
		idx = env->cur->insn_idx;
		if (env->log_level >= 2)
			xdpdk_v_log(env, "from %u to %u:\n", env->prev_insn_idx, idx);
	}
}

/* ---- set-up -------------------------------------------------------------- */

static int
collect_maps(struct venv *env)
{
	xdpdk_map_info_fn fn = env->opts->map_info ? env->opts->map_info : xdpdk_map_verifier_info;
	uint32_t cap = 0;

	for (uint32_t i = 0; i < env->n_insns; i++)
		if (xdpdk_isa_is_lddw(&env->insns[i]))
			cap += 2;
	env->maps = calloc(cap ? cap : 1, sizeof(*env->maps));
	if (env->maps == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i + 1 < env->n_insns; i++) {
		const struct bpf_insn *insn = &env->insns[i];
		const void *addr = (const void *)(uintptr_t)xdpdk_isa_lddw_imm(insn);
		struct xdpdk_verifier_map m = { .spin_lock_off = -1 };
		uint32_t k;

		if (!xdpdk_isa_is_lddw(insn))
			continue;
		if (insn->src_reg != BPF_PSEUDO_MAP_FD && insn->src_reg != BPF_PSEUDO_MAP_VALUE) {
			i++;
			continue;
		}
		if (fn == NULL || fn(addr, &m, env->opts->map_info_arg) != 0) {
			i++;
			continue;	/* check_ld_imm says which */
		}
		for (k = 0; k < env->n_maps; k++)
			if (env->maps[k].addr == m.addr && env->maps[k].addr != NULL)
				break;
		if (k == env->n_maps) {
			env->maps[env->n_maps++] = m;
			if (m.type == BPF_MAP_TYPE_ARRAY_OF_MAPS || m.type == BPF_MAP_TYPE_HASH_OF_MAPS) {
				/* The inner shape right after: lookups return a pointer to it. */
				struct xdpdk_verifier_map *in = &env->maps[env->n_maps++];

				*in = (struct xdpdk_verifier_map){ .type = m.inner_type,
					.key_size = m.inner_key_size, .value_size = m.inner_value_size,
					.max_entries = m.inner_max_entries,
					.map_flags = m.inner_map_flags, .spin_lock_off = -1 };
				snprintf(in->name, sizeof(in->name), "%.50s.inner", m.name);
			}
		}
		env->insn_map[i] = k + 1;
		i++;
	}
	return 0;
}

static void
mark_points(struct venv *env)
{
	for (uint32_t s = 0; s < env->n_subprogs; s++)
		env->prune_point[env->subprogs[s].start] = 1;
	for (uint32_t i = 0; i < env->n_insns; i++) {
		const struct bpf_insn *insn = &env->insns[i];
		const uint8_t cls = BPF_CLASS(insn->code), op = BPF_OP(insn->code);

		if (xdpdk_isa_is_lddw(insn)) {
			if (insn->src_reg == BPF_PSEUDO_FUNC) {
				const uint32_t t = i + 1 + (uint32_t)insn->imm;

				env->cb_entry[t] = 1;
				env->prune_point[t] = 1;
			}
			i++;
			continue;
		}
		if ((cls != BPF_JMP && cls != BPF_JMP32) || op == BPF_EXIT)
			continue;
		if (i + 1 < env->n_insns)
			env->prune_point[i + 1] = 1;
		if (op == BPF_CALL)
			continue;
		{
			const uint32_t t = i + 1 + (uint32_t)(op == BPF_JA ? xdpdk_isa_ja_offset(insn)
									   : insn->off);

			if (t < env->n_insns)
				env->prune_point[t] = 1;
		}
	}
}

static int
init_state(struct venv *env)
{
	struct vframe *f;
	struct vreg *r;

	env->cur = xdpdk_v_state_new();
	if (env->cur == NULL)
		return -ENOMEM;
	f = env->cur->frame[0] = calloc(1, sizeof(struct vframe));
	if (f == NULL)
		return -ENOMEM;
	env->cur->branches = 1;
	r = f->regs;
	for (int i = 0; i < XDPDK_BPF_NREGS; i++)
		xdpdk_v_mark_not_init(&r[i]);
	xdpdk_v_mark_unknown(&r[BPF_REG_10]);
	xdpdk_v_mark_known(&r[BPF_REG_10], 0);
	r[BPF_REG_10].type = PTR_TO_STACK;
	xdpdk_v_mark_unknown(&r[BPF_REG_1]);
	xdpdk_v_mark_known(&r[BPF_REG_1], 0);
	if (env->type == XDPDK_PROG_TYPE_RAW) {
		r[BPF_REG_1].type = PTR_TO_MEM;
		r[BPF_REG_1].mem_size = env->opts->raw_mem_size;
		xdpdk_v_mark_unknown(&r[BPF_REG_2]);
		xdpdk_v_mark_known(&r[BPF_REG_2], env->opts->raw_mem_size);
	} else {
		r[BPF_REG_1].type = PTR_TO_CTX;
	}
	return 0;
}

/*
 * What no path reached becomes the kernel's trap for dead code
 * (sanitize_dead_code: "ja -1"), so that later passes (the context rewrite)
 * do not judge instructions the kernel never judges either.
 */
static void
sanitize_dead_code(const struct venv *env, struct xdpdk_prog *prog)
{
	const struct bpf_insn trap = { .code = BPF_JMP | BPF_JA, .off = -1 };

	for (uint32_t i = 0; i < env->n_insns; i++)
		if (!env->seen[i])
			prog->insns[i] = trap;
}

int
xdpdk_verify(struct xdpdk_prog *prog, const struct xdpdk_prog_opts *po, struct xdpdk_log *log)
{
	struct venv env = {
		.prog = prog,
		.insns = prog->insns,
		.n_insns = prog->n_insns,
		.opts = &po->verify,
		.type = prog->type,
		.strict = po->verify.strict,
		.log_level = po->verify.log_level,
		.log = log,
		.resolve = po->helpers,
		.resolve_arg = po->helpers_arg,
	};
	const uint32_t n = prog->n_insns;
	int rc = -ENOMEM;

	env.explored = calloc(n, sizeof(*env.explored));
	env.prune_point = calloc(n, 1);
	env.seen = calloc(n, 1);
	env.cb_entry = calloc(n, 1);
	env.live_regs = calloc(n, sizeof(*env.live_regs));
	env.insn_map = calloc(n, sizeof(*env.insn_map));
	env.n_subprogs = prog->n_subprogs;
	env.subprogs = calloc(prog->n_subprogs ? prog->n_subprogs : 1, sizeof(*env.subprogs));
	if (env.explored == NULL || env.prune_point == NULL || env.seen == NULL ||
	    env.cb_entry == NULL ||
	    env.live_regs == NULL || env.insn_map == NULL || env.subprogs == NULL)
		goto out;
	for (uint32_t s = 0; s < prog->n_subprogs; s++) {
		env.subprogs[s].start = prog->subprogs[s].start;
		env.subprogs[s].end = prog->subprogs[s].end;
	}
	if (env.n_subprogs == 0) {
		env.subprogs[0].end = n;
		env.n_subprogs = 1;
	}
	rc = collect_maps(&env);
	if (rc)
		goto out;
	mark_points(&env);
	rc = xdpdk_v_check_cfg(&env);
	if (rc)
		goto out;
	xdpdk_v_compute_liveness(&env);
	rc = init_state(&env);
	if (rc)
		goto out;
	rc = do_check(&env);
	if (rc == 0)
		rc = xdpdk_v_check_max_stack_depth(&env);
	if (rc == 0)
		sanitize_dead_code(&env, prog);
	if (env.log_level >= 1)
		xdpdk_log_printf(log, "processed %u insns (limit %u) max_states_per_insn %u "
				 "total_states %u peak_states %u\n", env.insn_processed,
				 VCOMPLEXITY_LIMIT, env.max_states_per_insn, env.total_states,
				 env.peak_states);
	if (po->verify_stats != NULL)
		*po->verify_stats = (struct xdpdk_verify_stats){
			.insn_processed = env.insn_processed,
			.total_states = env.total_states,
			.peak_states = env.peak_states,
			.max_states_per_insn = env.max_states_per_insn,
			.stack_depth = env.subprogs[0].stack_depth,
		};
out:
	xdpdk_v_env_free_states(&env);
	free(env.explored);
	free(env.prune_point);
	free(env.seen);
	free(env.cb_entry);
	free(env.live_regs);
	free(env.insn_map);
	free(env.subprogs);
	free(env.maps);
	return rc;
}

int
xdpdk_prog_verify(const struct bpf_insn *insns, uint32_t n_insns,
		  const struct xdpdk_prog_opts *opts)
{
	static const struct xdpdk_prog_opts no_opts;
	struct xdpdk_prog *prog;
	struct xdpdk_log log;
	int rc;

	if (opts == NULL)
		opts = &no_opts;
	log = (struct xdpdk_log){ .buf = opts->log_buf, .size = opts->log_size };
	if (log.buf != NULL && log.size > 0)
		log.buf[0] = '\0';
	if (insns == NULL || n_insns == 0 || n_insns > XDPDK_BPF_MAX_INSNS)
		return -EINVAL;
	prog = calloc(1, sizeof(*prog));
	if (prog == NULL)
		return -ENOMEM;
	prog->type = opts->type;
	prog->insns = malloc(sizeof(*insns) * n_insns);
	rc = -ENOMEM;
	if (prog->insns != NULL) {
		memcpy(prog->insns, insns, sizeof(*insns) * n_insns);
		prog->n_insns = n_insns;
		rc = xdpdk_check_prog(prog, &log);
		if (rc == 0)
			rc = xdpdk_verify(prog, opts, &log);
	}
	free(prog->subprogs);
	free(prog->insns);
	free(prog);
	return rc;
}
