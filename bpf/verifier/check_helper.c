/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Calls: helper arguments checked against the helper's prototype (as the
 * kernel's check_helper_call/check_func_arg), map/helper compatibility,
 * references (ringbuf records must be submitted or discarded), spin locks,
 * packet pointers invalidated by helpers that change packet data; bpf2bpf
 * calls and callbacks (bpf_loop, bpf_for_each_map_elem) as new frames.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verifier_internal.h"

#define XDPDK_V_NAME(x, ...) [BPF_FUNC_##x] = "bpf_" #x
static const char *const func_names[] = {
	__BPF_FUNC_MAPPER(XDPDK_V_NAME)
};
#define N_FUNC_NAMES (sizeof(func_names) / sizeof(func_names[0]))

static const char *
func_name(uint32_t id)
{
	return id < N_FUNC_NAMES && func_names[id] ? func_names[id] : "unknown";
}

static const struct xdpdk_helper_proto tail_call_proto = {
	.defined = true,
	.ret_type = XDPDK_RET_VOID,
	.arg_type = { XDPDK_ARG_PTR_TO_CTX, XDPDK_ARG_CONST_MAP_PTR, XDPDK_ARG_ANYTHING },
	.map_types = 1ULL << BPF_MAP_TYPE_PROG_ARRAY,
};

const struct xdpdk_helper_proto *
xdpdk_v_tail_call_proto(void)
{
	return &tail_call_proto;
}

struct call_meta {
	const struct xdpdk_verifier_map *map;
	uint32_t mem_regno;		/* the PTR_TO_MEM argument a size belongs to */
	uint8_t mem_flags;
	uint64_t alloc_size;
	uint32_t release_ref;
	uint32_t subprog;		/* callback */
	bool has_subprog;
	struct vreg args[6];		/* argument registers as passed */
};

/* ---- references ---------------------------------------------------------- */

static uint32_t
acquire_reference(struct venv *env, uint32_t insn_idx)
{
	struct vstate *st = env->cur;

	if (st->n_refs == VMAX_REFS)
		return 0;
	st->refs[st->n_refs].id = ++env->id_gen;
	st->refs[st->n_refs].insn_idx = insn_idx;
	return st->refs[st->n_refs++].id;
}

/* Apply @fn to every register and spilled register of every frame. */
#define FOR_EACH_REG(st, r, body)                                                     \
	do {                                                                         \
		for (uint32_t fi_ = 0; fi_ <= (st)->curframe; fi_++) {                \
			struct vframe *f_ = (st)->frame[fi_];                        \
			for (int ri_ = 0; ri_ < XDPDK_BPF_NREGS; ri_++) {            \
				struct vreg *r = &f_->regs[ri_];                     \
				body;                                                \
			}                                                            \
			for (uint32_t si_ = 0; si_ < f_->nslots; si_++) {            \
				struct vreg *r = &f_->stack[si_].spilled;            \
				if (f_->stack[si_].type[7] != STACK_SPILL)           \
					continue;                                    \
				body;                                                \
			}                                                            \
		}                                                                    \
	} while (0)

int
xdpdk_v_release_reference(struct venv *env, uint32_t ref_obj_id)
{
	struct vstate *st = env->cur;
	uint32_t i;

	for (i = 0; i < st->n_refs; i++)
		if (st->refs[i].id == ref_obj_id)
			break;
	if (i == st->n_refs)
		return xdpdk_v_reject(env, -EINVAL, "verifier internal error: reference id=%u "
				      "not found", ref_obj_id);
	st->refs[i] = st->refs[--st->n_refs];
	FOR_EACH_REG(st, r, {
		if (r->ref_obj_id == ref_obj_id)
			xdpdk_v_mark_unknown(r);
	});
	return 0;
}

int
xdpdk_v_check_reference_leak(struct venv *env)
{
	const struct vstate *st = env->cur;
	const uint32_t from = st->curframe ? st->frame[st->curframe]->cb_refs : 0;

	for (uint32_t i = from; i < st->n_refs; i++)
		return xdpdk_v_reject(env, -EINVAL, "Unreleased reference id=%u alloc_insn=%u",
				      st->refs[i].id, st->refs[i].insn_idx);
	return 0;
}

void
xdpdk_v_mark_ptr_or_null_regs(struct venv *env, uint32_t id, bool is_null)
{
	struct vstate *st = env->cur;
	uint32_t ref = 0;

	FOR_EACH_REG(st, r, {
		if (r->id == id && (r->flags & PTR_MAYBE_NULL)) {
			ref = r->ref_obj_id;
			if (is_null) {
				xdpdk_v_mark_unknown(r);
				xdpdk_v_mark_known(r, 0);
			} else {
				r->flags &= (uint8_t)~PTR_MAYBE_NULL;
			}
		}
	});
	/* The NULL branch holds nothing: its reference is gone. */
	if (is_null && ref) {
		for (uint32_t i = 0; i < st->n_refs; i++) {
			if (st->refs[i].id == ref) {
				st->refs[i] = st->refs[--st->n_refs];
				break;
			}
		}
	}
}

void
xdpdk_v_clear_pkt_pointers(struct venv *env)
{
	FOR_EACH_REG(env->cur, r, {
		if (reg_is_pkt_pointer(r) || r->type == PTR_TO_PACKET_END)
			xdpdk_v_mark_unknown(r);
	});
}

/* ---- map compatibility (check_map_func_compatibility) ------------------- */

static bool
map_allows_func(uint32_t map_type, uint32_t id)
{
	switch (map_type) {
	case BPF_MAP_TYPE_PROG_ARRAY:
		return id == BPF_FUNC_tail_call;
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
		return id == BPF_FUNC_perf_event_read || id == BPF_FUNC_perf_event_output ||
		       id == BPF_FUNC_perf_event_read_value || id == BPF_FUNC_skb_output ||
		       id == BPF_FUNC_xdp_output;
	case BPF_MAP_TYPE_RINGBUF:
		return id == BPF_FUNC_ringbuf_output || id == BPF_FUNC_ringbuf_reserve ||
		       id == BPF_FUNC_ringbuf_query;
	case BPF_MAP_TYPE_DEVMAP:
	case BPF_MAP_TYPE_DEVMAP_HASH:
	case BPF_MAP_TYPE_XSKMAP:
		return id == BPF_FUNC_redirect_map || id == BPF_FUNC_map_lookup_elem;
	case BPF_MAP_TYPE_CPUMAP:
		return id == BPF_FUNC_redirect_map;
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		return id == BPF_FUNC_map_lookup_elem;
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
		return id == BPF_FUNC_map_peek_elem || id == BPF_FUNC_map_pop_elem ||
		       id == BPF_FUNC_map_push_elem;
	case BPF_MAP_TYPE_BLOOM_FILTER:
		return id == BPF_FUNC_map_peek_elem || id == BPF_FUNC_map_push_elem;
	default:
		return true;
	}
}

static int
check_map_compat(struct venv *env, const struct xdpdk_helper_proto *p, uint32_t id,
		 const struct xdpdk_verifier_map *map)
{
	if (map == NULL)
		return 0;
	if (!map_allows_func(map->type, id) ||
	    (p->map_types != 0 && !(p->map_types & (1ULL << map->type))))
		return xdpdk_v_reject(env, -EINVAL, "cannot pass map_type %u into func %s#%u",
				      map->type, func_name(id), id);
	return 0;
}

/* ---- arguments ------------------------------------------------------------ */

static int
type_mismatch(struct venv *env, uint32_t regno, const char *expected)
{
	char t[48];

	return xdpdk_v_reject(env, -EACCES, "R%u type=%s expected=%s", regno,
			      xdpdk_v_type_str(&cur_regs(env)[regno], t, sizeof(t)), expected);
}

static bool
is_null_scalar(const struct vreg *r)
{
	return r->type == SCALAR_VALUE && tnum_equals_const(r->var_off, 0);
}

static bool
is_mem_ptr(const struct vreg *r, bool pkt_ok)
{
	switch (r->type) {
	case PTR_TO_STACK:
	case PTR_TO_MAP_VALUE:
	case PTR_TO_MAP_KEY:
	case PTR_TO_MEM:
		return !(r->flags & PTR_MAYBE_NULL);
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
		return pkt_ok;
	default:
		return false;
	}
}

static int
check_size_arg(struct venv *env, uint32_t regno, bool zero_ok, struct call_meta *meta)
{
	const struct vreg *reg = &cur_regs(env)[regno];
	const struct vreg *mem = &cur_regs(env)[meta->mem_regno];

	if (reg->type != SCALAR_VALUE)
		return type_mismatch(env, regno, "scalar");
	if (reg->smin < 0)
		return xdpdk_v_reject(env, -EACCES, "R%u min value is negative, either use "
				      "unsigned or 'var &= const'", regno);
	if (reg->umin == 0 && !zero_ok)
		return xdpdk_v_reject(env, -EACCES, "R%u invalid zero-sized read", regno);
	if (reg->umax >= VMAX_VAR_SIZ)
		return xdpdk_v_reject(env, -EACCES, "R%u unbounded memory access, use 'var &= "
				      "const' or 'if (var < const)'", regno);
	if (is_null_scalar(mem) && (meta->mem_flags & XDPDK_ARG_MAYBE_NULL))
		return reg->umax == 0 ? 0 : xdpdk_v_reject(env, -EACCES, "R%u NULL memory with "
							   "non-zero size", meta->mem_regno);
	return xdpdk_v_check_helper_mem(env, meta->mem_regno, (int64_t)reg->umax, zero_ok,
					!(meta->mem_flags & XDPDK_ARG_MEM_RDONLY),
					meta->mem_flags & XDPDK_ARG_MEM_UNINIT);
}

static int
check_spin_lock(struct venv *env, uint32_t regno, bool lock)
{
	const struct vreg *reg = &cur_regs(env)[regno];
	struct vstate *st = env->cur;
	const int64_t off = (int64_t)reg->var_off.value + reg->off;

	if (reg->type != PTR_TO_MAP_VALUE || (reg->flags & PTR_MAYBE_NULL))
		return type_mismatch(env, regno, "map_value");
	if (!tnum_is_const(reg->var_off))
		return xdpdk_v_reject(env, -EINVAL, "R%u doesn't have constant offset. "
				      "bpf_spin_lock has to be at the constant offset", regno);
	if (reg->map->spin_lock_off < 0)
		return xdpdk_v_reject(env, -EINVAL, "map '%s' has no valid bpf_spin_lock",
				      reg->map->name);
	if (off != reg->map->spin_lock_off)
		return xdpdk_v_reject(env, -EINVAL, "off %" PRId64 " doesn't point to 'struct "
				      "bpf_spin_lock' that is at %d", off, reg->map->spin_lock_off);
	if (lock) {
		if (st->active_lock_id)
			return xdpdk_v_reject(env, -EINVAL, "Locking two bpf_spin_locks are not "
					      "allowed");
		st->active_lock_id = reg->id ? reg->id : UINT32_MAX;
		st->active_lock_map = reg->map;
		st->active_lock_off = (int32_t)off;
		return 0;
	}
	if (!st->active_lock_id)
		return xdpdk_v_reject(env, -EINVAL, "bpf_spin_unlock without taking a lock");
	if (st->active_lock_id != (reg->id ? reg->id : UINT32_MAX) ||
	    st->active_lock_map != reg->map)
		return xdpdk_v_reject(env, -EINVAL, "bpf_spin_unlock of different lock");
	st->active_lock_id = 0;
	st->active_lock_map = NULL;
	st->active_lock_off = 0;
	return 0;
}

static int
check_const_str(struct venv *env, uint32_t regno)
{
	const struct vreg *reg = &cur_regs(env)[regno];
	const struct xdpdk_verifier_map *map = reg->map;
	const char *s;
	uint64_t off;

	if (reg->type != PTR_TO_MAP_VALUE || (reg->flags & PTR_MAYBE_NULL))
		return type_mismatch(env, regno, "map_value");
	if (!(map->map_flags & BPF_F_RDONLY_PROG))
		return xdpdk_v_reject(env, -EACCES, "R%u does not point to a readonly map'", regno);
	if (!tnum_is_const(reg->var_off))
		return xdpdk_v_reject(env, -EACCES, "R%u is not a constant address'", regno);
	off = reg->var_off.value + (uint64_t)(int64_t)reg->off;
	if (off >= map->value_size || map->value_addr == NULL)
		return xdpdk_v_reject(env, -EACCES, "R%u points outside of the map value", regno);
	s = (const char *)map->value_addr + off;
	if (memchr(s, 0, map->value_size - off) == NULL)
		return xdpdk_v_reject(env, -EINVAL, "string is not zero-terminated");
	return 0;
}

/*
 * check_bpf_snprintf_call: the constant format must suit the number of u64
 * arguments the last (size) argument gives, or the program is refused.
 */
static int
check_fmt_call(struct venv *env, const struct xdpdk_helper_proto *p, const struct call_meta *meta)
{
	const struct vreg *len = &meta->args[BPF_REG_5];

	for (uint32_t a = 0; a < 5; a++) {
		const struct vreg *fmt = &meta->args[BPF_REG_1 + a];
		uint64_t off;

		if (p->arg_type[a] != XDPDK_ARG_PTR_TO_CONST_STR)
			continue;
		if (len->var_off.value % 8)
			return xdpdk_v_reject(env, -EINVAL, "data_len is not a multiple of 8");
		off = fmt->var_off.value + (uint64_t)(int64_t)fmt->off;	/* check_const_str's */
		if (p->check_fmt((const char *)fmt->map->value_addr + off,
				 (uint32_t)(fmt->map->value_size - off),
				 (uint32_t)(len->var_off.value / 8)) < 0)
			return xdpdk_v_reject(env, -EINVAL, "Invalid format string");
	}
	return 0;
}

static int
check_func_arg(struct venv *env, const struct xdpdk_helper_proto *p, uint32_t arg,
	       struct call_meta *meta)
{
	const uint32_t regno = BPF_REG_1 + arg;
	const uint8_t at = p->arg_type[arg], fl = p->arg_flags[arg];
	struct vreg *reg = &cur_regs(env)[regno];
	int rc;

	if (at == XDPDK_ARG_DONTCARE)
		return 0;
	rc = xdpdk_v_check_reg_arg(env, regno, true);
	if (rc)
		return rc;
	if (reg_is_pkt_pointer(reg) && !p->pkt_access && at != XDPDK_ARG_ANYTHING)
		return xdpdk_v_reject(env, -EACCES, "helper access to the packet is not allowed");
	switch (at) {
	case XDPDK_ARG_ANYTHING:
		if (env->strict && reg_is_pointer(reg))
			return xdpdk_v_reject(env, -EACCES, "R%u leaks addr into helper function",
					      regno);
		return 0;
	case XDPDK_ARG_PTR_TO_CTX_OR_NULL:
		if (is_null_scalar(reg))
			return 0;
		/* fall through */
	case XDPDK_ARG_PTR_TO_CTX:
		if (reg->type != PTR_TO_CTX)
			return type_mismatch(env, regno, "ctx");
		if (reg->off || !tnum_equals_const(reg->var_off, 0))
			return xdpdk_v_reject(env, -EACCES, "dereference of modified ctx ptr R%u "
					      "off=%d disallowed", regno, reg->off);
		return 0;
	case XDPDK_ARG_CONST_MAP_PTR:
		if (reg->type != CONST_PTR_TO_MAP || (reg->flags & PTR_MAYBE_NULL))
			return type_mismatch(env, regno, "map_ptr");
		meta->map = reg->map;
		return 0;
	case XDPDK_ARG_PTR_TO_MAP_KEY:
	case XDPDK_ARG_PTR_TO_MAP_VALUE:
	case XDPDK_ARG_PTR_TO_UNINIT_MAP_VALUE:
		if ((fl & XDPDK_ARG_MAYBE_NULL) && is_null_scalar(reg))
			return 0;
		if (!is_mem_ptr(reg, true))
			return type_mismatch(env, regno, "fp, pkt, pkt_meta, map_key, map_value");
		if (meta->map == NULL)
			return xdpdk_v_reject(env, -EACCES, "invalid map_ptr to access map->%s",
					      at == XDPDK_ARG_PTR_TO_MAP_KEY ? "key" : "value");
		if (at == XDPDK_ARG_PTR_TO_MAP_KEY)
			return xdpdk_v_check_helper_mem(env, regno, meta->map->key_size, false,
							false, false);
		return xdpdk_v_check_helper_mem(env, regno, meta->map->value_size, false,
						at == XDPDK_ARG_PTR_TO_UNINIT_MAP_VALUE,
						at == XDPDK_ARG_PTR_TO_UNINIT_MAP_VALUE);
	case XDPDK_ARG_PTR_TO_MEM:
		meta->mem_regno = regno;
		meta->mem_flags = fl;
		if ((fl & XDPDK_ARG_MAYBE_NULL) && is_null_scalar(reg))
			return 0;
		if (!is_mem_ptr(reg, true))
			return type_mismatch(env, regno, "fp, pkt, pkt_meta, map_key, map_value, mem");
		if (!(fl & XDPDK_ARG_MEM_RDONLY) && (reg->flags & MEM_RDONLY)) {
			char t[48];

			return xdpdk_v_reject(env, -EACCES, "R%u cannot write into %s", regno,
					      xdpdk_v_type_str(reg, t, sizeof(t)));
		}
		return 0;
	case XDPDK_ARG_CONST_SIZE:
	case XDPDK_ARG_CONST_SIZE_OR_ZERO:
		return check_size_arg(env, regno, at == XDPDK_ARG_CONST_SIZE_OR_ZERO, meta);
	case XDPDK_ARG_CONST_ALLOC_SIZE_OR_ZERO:
		if (reg->type != SCALAR_VALUE)
			return type_mismatch(env, regno, "scalar");
		if (!tnum_is_const(reg->var_off))
			return xdpdk_v_reject(env, -EACCES, "R%u is not a known constant'", regno);
		meta->alloc_size = reg->var_off.value;
		return 0;
	case XDPDK_ARG_PTR_TO_ALLOC_MEM:
		if (reg->type != PTR_TO_MEM || !(reg->flags & MEM_RINGBUF) ||
		    (reg->flags & PTR_MAYBE_NULL))
			return type_mismatch(env, regno, "ringbuf_mem");
		if (reg->off || !tnum_equals_const(reg->var_off, 0))
			return xdpdk_v_reject(env, -EACCES, "R%u must have zero offset when passed "
					      "to release func", regno);
		if (!reg->ref_obj_id)
			return xdpdk_v_reject(env, -EINVAL, "R%u must be referenced when passed to "
					      "release function", regno);
		meta->release_ref = reg->ref_obj_id;
		return 0;
	case XDPDK_ARG_PTR_TO_SPIN_LOCK:
		return 0;	/* checked with the call: the lock state changes */
	case XDPDK_ARG_PTR_TO_FUNC:
		if (reg->type != PTR_TO_FUNC)
			return type_mismatch(env, regno, "func");
		meta->subprog = reg->subprog;
		meta->has_subprog = true;
		return 0;
	case XDPDK_ARG_PTR_TO_STACK_OR_NULL:
		if (is_null_scalar(reg))
			return 0;
		if (reg->type != PTR_TO_STACK)
			return type_mismatch(env, regno, "fp");
		return 0;
	case XDPDK_ARG_PTR_TO_LONG:
	case XDPDK_ARG_PTR_TO_INT:
	case XDPDK_ARG_PTR_TO_SHORT: {
		const int size = at == XDPDK_ARG_PTR_TO_LONG ? 8 : at == XDPDK_ARG_PTR_TO_INT ? 4 : 2;

		if (!is_mem_ptr(reg, true))
			return type_mismatch(env, regno, "fp, pkt, pkt_meta, map_value, mem");
		rc = xdpdk_v_check_ptr_alignment(env, reg, 0, size);
		return rc ? rc : xdpdk_v_check_helper_mem(env, regno, size, false, true, true);
	}
	case XDPDK_ARG_PTR_TO_CONST_STR:
		return check_const_str(env, regno);
	default:
		return type_mismatch(env, regno, "sock_common");
	}
}

/* ---- frames ------------------------------------------------------------- */

static int
push_frame(struct venv *env, uint32_t callsite, uint32_t subprog)
{
	struct vstate *st = env->cur;
	const uint32_t fn = st->curframe + 1;
	struct vframe *f;

	if (fn >= VMAX_FRAMES)
		return xdpdk_v_reject(env, -E2BIG, "the call stack of %u frames is too deep", fn + 1);
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -ENOMEM;
	free(st->frame[fn]);
	st->frame[fn] = f;
	for (int r = 0; r < XDPDK_BPF_NREGS; r++)
		xdpdk_v_mark_not_init(&f->regs[r]);
	xdpdk_v_mark_unknown(&f->regs[BPF_REG_10]);
	f->regs[BPF_REG_10].type = PTR_TO_STACK;
	xdpdk_v_mark_known(&f->regs[BPF_REG_10], 0);
	f->regs[BPF_REG_10].type = PTR_TO_STACK;
	f->regs[BPF_REG_10].frameno = (uint8_t)fn;
	f->callsite = callsite;
	f->subprog = subprog;
	f->cb_refs = st->n_refs;
	st->curframe = fn;
	return 0;
}

int
xdpdk_v_check_func_call(struct venv *env, const struct bpf_insn *insn, uint32_t *insn_idx)
{
	const uint32_t target = *insn_idx + (uint32_t)insn->imm + 1;
	struct vframe *caller = cur_frame(env);
	int rc;

	if (env->cur->active_lock_id)
		return xdpdk_v_reject(env, -EINVAL, "function calls are not allowed while holding "
				      "a lock");
	rc = push_frame(env, *insn_idx, xdpdk_v_subprog_of(env, target));
	if (rc)
		return rc;
	caller = env->cur->frame[env->cur->curframe - 1];
	for (int r = BPF_REG_1; r <= BPF_REG_5; r++)
		cur_regs(env)[r] = caller->regs[r];
	/* The caller's argument registers are clobbered by the call. */
	for (int r = BPF_REG_0; r <= BPF_REG_5; r++)
		xdpdk_v_mark_not_init(&caller->regs[r]);
	*insn_idx = target;
	return 0;
}

int
xdpdk_v_prepare_func_exit(struct venv *env, uint32_t *insn_idx)
{
	struct vstate *st = env->cur;
	struct vframe *callee = st->frame[st->curframe];
	struct vframe *caller = st->frame[st->curframe - 1];
	struct vreg *r0 = &callee->regs[BPF_REG_0];
	int rc;

	if (callee->in_callback) {
		rc = xdpdk_v_check_reg_arg(env, BPF_REG_0, true);
		if (rc)
			return rc;
		if (r0->type != SCALAR_VALUE || r0->smin < 0 || r0->smax > 1)
			return xdpdk_v_reject(env, -EINVAL, "At callback return the register R0 "
					      "has smin=%" PRId64 " smax=%" PRId64 " should have "
					      "been in [0, 1]", r0->smin, r0->smax);
		rc = xdpdk_v_check_reference_leak(env);
		if (rc)
			return rc;
	} else {
		if (r0->type == PTR_TO_STACK && r0->frameno == st->curframe)
			return xdpdk_v_reject(env, -EINVAL, "cannot return stack pointer to the "
					      "caller frame");
		caller->regs[BPF_REG_0] = *r0;
	}
	*insn_idx = callee->callsite + 1;
	free(callee);
	st->frame[st->curframe] = NULL;
	st->curframe--;
	return 0;
}

/* Set up the callback frame from the arguments as they were at the call. */
static int
enter_callback(struct venv *env, uint32_t id, const struct call_meta *meta, uint32_t insn_idx)
{
	struct vframe *f;
	int rc = push_frame(env, insn_idx, meta->subprog);

	if (rc)
		return rc;
	f = cur_frame(env);
	f->in_callback = 1;
	f->cb_kind = (uint8_t)id;
	if (id == BPF_FUNC_loop) {
		xdpdk_v_mark_unknown(&f->regs[BPF_REG_1]);
		xdpdk_v_coerce_reg_to_size(&f->regs[BPF_REG_1], 4);
		f->regs[BPF_REG_2] = meta->args[3];
	} else {	/* for_each_map_elem(map, cb, ctx, flags): cb(map, key, value, ctx) */
		struct vreg *r = f->regs;

		r[BPF_REG_1] = meta->args[1];
		xdpdk_v_mark_unknown(&r[BPF_REG_2]);
		xdpdk_v_mark_known(&r[BPF_REG_2], 0);
		r[BPF_REG_2].type = PTR_TO_MAP_KEY;
		r[BPF_REG_2].map = meta->map;
		r[BPF_REG_3] = r[BPF_REG_2];
		r[BPF_REG_3].type = PTR_TO_MAP_VALUE;
		r[BPF_REG_4] = meta->args[3];
	}
	for (int a = 0; a < 4; a++)
		f->cb_args[a] = f->regs[BPF_REG_1 + a];
	return 0;
}

/*
 * A callback may run again after it returns: verify it once more from a
 * state where what it could have changed in its callers' stacks (scalars) is
 * unknown. That converges (the next entry is no more general) and is sound
 * whatever the number of iterations. The continuation after the call is
 * pushed first; the current state becomes the next entry.
 */
int
xdpdk_v_callback_exit(struct venv *env, uint32_t *insn_idx)
{
	struct vframe *cb = cur_frame(env);
	const struct vreg saved1 = cb->cb_args[0], saved2 = cb->cb_args[1];
	const struct vreg saved3 = cb->cb_args[2], saved4 = cb->cb_args[3];
	const uint32_t subprog = cb->subprog, kind = cb->cb_kind, callsite = cb->callsite;
	const uint32_t iter = cb->cb_iter;
	struct vstate *cont;
	struct vframe *f;
	int rc = xdpdk_v_prepare_func_exit(env, insn_idx);

	if (rc)
		return rc;
	rc = xdpdk_v_push_branch(env, *insn_idx, callsite, &cont);
	if (rc)
		return rc;
	for (uint32_t fi = 0; fi <= env->cur->curframe; fi++) {
		f = env->cur->frame[fi];
		for (uint32_t s = 0; s < f->nslots; s++) {
			struct vslot *sl = &f->stack[s];

			if (sl->type[7] == STACK_SPILL && sl->spilled.type == SCALAR_VALUE) {
				xdpdk_v_mark_unknown(&sl->spilled);
			} else {
				for (int b = 0; b < 8; b++)
					if (sl->type[b] == STACK_ZERO)
						sl->type[b] = STACK_MISC;
			}
		}
	}
	rc = push_frame(env, callsite, subprog);
	if (rc)
		return rc;
	f = cur_frame(env);
	f->in_callback = 1;
	f->cb_kind = (uint8_t)kind;
	f->cb_iter = iter + 1;
	f->cb_args[0] = f->regs[BPF_REG_1] = saved1;
	f->cb_args[1] = f->regs[BPF_REG_2] = saved2;
	f->cb_args[2] = f->regs[BPF_REG_3] = saved3;
	f->cb_args[3] = f->regs[BPF_REG_4] = saved4;
	*insn_idx = env->subprogs[subprog].start;
	return 0;
}

/*
 * A reached poisoned CO-RE relocation: the kernel's message, then what
 * libbpf's fixup_log_failed_core_relo puts beside it (which relocation).
 */
static int
reject_core_poison(struct venv *env)
{
	const uint32_t idx = env->cur->insn_idx;
	const char *what = "(unknown: the loader recorded none for this instruction)";

	for (uint32_t i = 0; i < env->opts->n_core_poison; i++)
		if (env->opts->core_poison[i].insn_off == idx)
			what = env->opts->core_poison[i].what;
	return xdpdk_v_reject(env, -EINVAL,
			      "invalid func unknown#%u\n%u: <invalid CO-RE relocation>\n"
			      "failed to resolve CO-RE relocation %s",
			      XDPDK_CORE_POISON_HELPER, idx, what);
}

/*
 * Whether bpf_map_lookup_elem on @p map with @p key cannot return NULL: the
 * kernel (6.13+, can_elide_value_nullness) proves it for an array or
 * percpu_array and a constant key below max_entries on the stack. xdpdk keeps
 * no spill narrower than 8 bytes, so it proves the zero key only (key_size
 * STACK_ZERO bytes within one slot, as get_constant_map_key reads them); a
 * nonzero constant key still needs the NULL check (docs/verifier.md).
 */
static bool
lookup_never_null(struct venv *env, const struct vreg *key, const struct xdpdk_verifier_map *map)
{
	const struct vframe *f;
	int64_t off;
	int spi;

	if (map == NULL || (map->type != BPF_MAP_TYPE_ARRAY &&
			    map->type != BPF_MAP_TYPE_PERCPU_ARRAY) ||
	    key->type != PTR_TO_STACK || !tnum_is_const(key->var_off) || env->strict)
		return false;
	off = key->off + (int64_t)key->var_off.value;
	spi = (int)((-off - 1) / 8);
	f = env->cur->frame[key->frameno];
	if (off >= 0 || spi >= (int)f->nslots || (-off - 1) % 8 + 1 < (int64_t)map->key_size)
		return false;
	for (uint32_t b = 0; b < map->key_size; b++)
		if (f->stack[spi].type[(off + b) - (-8 * (spi + 1))] != STACK_ZERO)
			return false;
	return true;
}

int
xdpdk_v_check_helper_call(struct venv *env, const struct bpf_insn *insn, uint32_t *insn_idx)
{
	const uint32_t id = (uint32_t)insn->imm;
	const struct xdpdk_helper_proto *p = NULL;
	struct call_meta meta = { .mem_regno = 0 };
	struct vreg *regs = cur_regs(env);
	int rc;

	if (id == XDPDK_CORE_POISON_HELPER)
		return reject_core_poison(env);
	if (id == BPF_FUNC_tail_call) {
		p = &tail_call_proto;
	} else {
		const struct xdpdk_helper_desc *d =
			env->resolve ? env->resolve(id, env->type, env->resolve_arg) : NULL;

		if (d == NULL)
			return xdpdk_v_reject(env, -EINVAL, "program of this type cannot use helper "
					      "%s#%u", func_name(id), id);
		p = d->proto;
		if (p == NULL || !p->defined)
			return xdpdk_v_reject(env, -EINVAL, "helper %s#%u has no verifier prototype",
					      func_name(id), id);
	}
	if (env->cur->active_lock_id && id != BPF_FUNC_spin_unlock)
		return xdpdk_v_reject(env, -EINVAL, "function calls are not allowed while holding "
				      "a lock");
	for (int r = 0; r < 6; r++)
		meta.args[r] = regs[r];
	for (uint32_t a = 0; a < 5; a++) {
		rc = check_func_arg(env, p, a, &meta);
		if (rc)
			return rc;
	}
	rc = check_map_compat(env, p, id, meta.map);
	if (rc)
		return rc;
	if (p->check_fmt != NULL) {
		rc = check_fmt_call(env, p, &meta);
		if (rc)
			return rc;
	}
	if (id == BPF_FUNC_spin_lock || id == BPF_FUNC_spin_unlock) {
		rc = check_spin_lock(env, BPF_REG_1, id == BPF_FUNC_spin_lock);
		if (rc)
			return rc;
	}
	if (id == BPF_FUNC_tail_call && env->cur->n_refs)
		return xdpdk_v_reject(env, -EINVAL, "tail_call would lead to reference leak");
	if (meta.release_ref) {
		rc = xdpdk_v_release_reference(env, meta.release_ref);
		if (rc)
			return rc;
	}
	regs = cur_regs(env);
	for (int r = BPF_REG_1; r <= BPF_REG_5; r++)
		xdpdk_v_mark_not_init(&regs[r]);
	switch (p->ret_type) {
	case XDPDK_RET_INTEGER:
		xdpdk_v_mark_unknown(&regs[BPF_REG_0]);
		break;
	case XDPDK_RET_VOID:
		xdpdk_v_mark_not_init(&regs[BPF_REG_0]);
		break;
	case XDPDK_RET_PTR_TO_MAP_VALUE_OR_NULL:
		if (meta.map == NULL)
			return xdpdk_v_reject(env, -EINVAL, "kernel subsystem misconfigured verifier");
		xdpdk_v_mark_unknown(&regs[BPF_REG_0]);
		xdpdk_v_mark_known(&regs[BPF_REG_0], 0);
		regs[BPF_REG_0].type = PTR_TO_MAP_VALUE;
		regs[BPF_REG_0].map = meta.map;
		if (meta.map->type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
		    meta.map->type == BPF_MAP_TYPE_HASH_OF_MAPS) {
			regs[BPF_REG_0].type = CONST_PTR_TO_MAP;
			regs[BPF_REG_0].map = meta.map + 1;	/* the inner shape follows */
		}
		regs[BPF_REG_0].flags = PTR_MAYBE_NULL;
		regs[BPF_REG_0].id = ++env->id_gen;
		if (id == BPF_FUNC_map_lookup_elem &&
		    lookup_never_null(env, &meta.args[BPF_REG_2], meta.map)) {
			regs[BPF_REG_0].flags = 0;
			regs[BPF_REG_0].id = 0;
		}
		break;
	case XDPDK_RET_PTR_TO_ALLOC_MEM_OR_NULL:
		xdpdk_v_mark_unknown(&regs[BPF_REG_0]);
		xdpdk_v_mark_known(&regs[BPF_REG_0], 0);
		regs[BPF_REG_0].type = PTR_TO_MEM;
		regs[BPF_REG_0].flags = PTR_MAYBE_NULL | MEM_RINGBUF;
		regs[BPF_REG_0].mem_size = (uint32_t)meta.alloc_size;
		regs[BPF_REG_0].ref_obj_id = acquire_reference(env, *insn_idx);
		if (!regs[BPF_REG_0].ref_obj_id)
			return xdpdk_v_reject(env, -EINVAL, "too many references held");
		regs[BPF_REG_0].id = regs[BPF_REG_0].ref_obj_id;
		break;
	default:
		return xdpdk_v_reject(env, -EINVAL, "helper %s#%u returns a type xdpdk does not "
				      "support", func_name(id), id);
	}
	if (p->changes_pkt_data)
		xdpdk_v_clear_pkt_pointers(env);
	if (meta.has_subprog) {
		struct vstate *skip;

		/* Zero iterations: the call returns without running the callback. */
		rc = xdpdk_v_push_branch(env, *insn_idx + 1, *insn_idx, &skip);
		if (rc)
			return rc;
		rc = enter_callback(env, id, &meta, *insn_idx);
		if (rc)
			return rc;
		*insn_idx = env->subprogs[meta.subprog].start;
		return 1;	/* jumped */
	}
	return 0;
}
