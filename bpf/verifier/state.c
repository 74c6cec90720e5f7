/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Verifier states: copies for branches, the stack of branches still to
 * explore, and pruning. A state reached at a prune point is compared with
 * the states already explored there: if an explored one is at least as
 * general (ranges contain, same pointer kinds, ids map one to one, as the
 * kernel's states_equal/regsafe/stacksafe), the current path is safe and
 * stops. A state equal to one of its own ancestors still being explored is
 * an infinite loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "verifier_internal.h"

#define VMAX_JMP_SEQ 8192	/* BPF_COMPLEXITY_LIMIT_JMP_SEQ */
#define IDMAP_SIZE 128
#define VMAX_STATES_PER_INSN 256

static size_t
frame_size(uint32_t nslots)
{
	return sizeof(struct vframe) + sizeof(struct vslot) * nslots;
}

struct vstate *
xdpdk_v_state_new(void)
{
	return calloc(1, sizeof(struct vstate));
}

void
xdpdk_v_state_free(struct vstate *st)
{
	if (st == NULL)
		return;
	for (uint32_t i = 0; i < VMAX_FRAMES; i++)
		free(st->frame[i]);
	free(st);
}

int
xdpdk_v_grow_stack(struct vstate *st, uint32_t frameno, uint32_t nslots)
{
	struct vframe *f = st->frame[frameno], *n;

	if (nslots <= f->nslots)
		return 0;
	n = realloc(f, frame_size(nslots));
	if (n == NULL)
		return -ENOMEM;
	memset(&n->stack[n->nslots], 0, sizeof(struct vslot) * (nslots - n->nslots));
	n->nslots = nslots;
	st->frame[frameno] = n;
	return 0;
}

int
xdpdk_v_state_copy(struct vstate *dst, const struct vstate *src)
{
	for (uint32_t i = 0; i < VMAX_FRAMES; i++) {
		const struct vframe *sf = i <= src->curframe ? src->frame[i] : NULL;

		if (sf == NULL) {
			free(dst->frame[i]);
			dst->frame[i] = NULL;
			continue;
		}
		if (dst->frame[i] == NULL || dst->frame[i]->nslots != sf->nslots) {
			struct vframe *n = realloc(dst->frame[i], frame_size(sf->nslots));

			if (n == NULL)
				return -ENOMEM;
			dst->frame[i] = n;
		}
		memcpy(dst->frame[i], sf, frame_size(sf->nslots));
	}
	dst->curframe = src->curframe;
	dst->insn_idx = src->insn_idx;
	memcpy(dst->refs, src->refs, sizeof(src->refs[0]) * src->n_refs);
	dst->n_refs = src->n_refs;
	dst->active_lock_id = src->active_lock_id;
	dst->active_lock_map = src->active_lock_map;
	dst->active_lock_off = src->active_lock_off;
	dst->parent = src->parent;
	dst->branches = src->branches;
	return 0;
}

/* Save the current state as a branch to explore later from @insn_idx. */
int
xdpdk_v_push_branch(struct venv *env, uint32_t insn_idx, uint32_t prev_idx, struct vstate **out)
{
	struct vstack_elem *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return -ENOMEM;
	e->st = xdpdk_v_state_new();
	if (e->st == NULL || xdpdk_v_state_copy(e->st, env->cur) != 0) {
		xdpdk_v_state_free(e->st);
		free(e);
		return -ENOMEM;
	}
	e->insn_idx = insn_idx;
	e->prev_insn_idx = prev_idx;
	e->next = env->head;
	env->head = e;
	if (++env->stack_size > VMAX_JMP_SEQ)
		return xdpdk_v_reject(env, -E2BIG, "The sequence of %u jumps is too complex.",
				      env->stack_size);
	if (e->st->parent)
		e->st->parent->branches++;
	*out = e->st;
	return 0;
}

/* Continue with the most recent pending branch; -ENOENT when none is left. */
int
xdpdk_v_pop_branch(struct venv *env)
{
	struct vstack_elem *e = env->head;
	int rc;

	if (e == NULL)
		return -ENOENT;
	rc = xdpdk_v_state_copy(env->cur, e->st);
	env->cur->insn_idx = e->insn_idx;
	env->prev_insn_idx = e->prev_insn_idx;
	env->head = e->next;
	env->stack_size--;
	xdpdk_v_state_free(e->st);
	free(e);
	return rc;
}

void
xdpdk_v_update_branch_counts(struct venv *env, struct vstate *st)
{
	(void)env;
	while (st) {
		if (--st->branches)
			break;
		st = st->parent;
	}
}

/* ---- comparison --------------------------------------------------------- */

struct idmap {
	uint32_t old[IDMAP_SIZE], cur[IDMAP_SIZE];
	uint32_t n;
};

/* Ids must map one to one: old id a is cur id b on every use. */
static bool
check_ids(struct idmap *m, uint32_t old_id, uint32_t cur_id)
{
	if (!old_id || !cur_id)
		return old_id == cur_id;
	for (uint32_t i = 0; i < m->n; i++) {
		if (m->old[i] == old_id)
			return m->cur[i] == cur_id;
		if (m->cur[i] == cur_id)
			return false;
	}
	if (m->n == IDMAP_SIZE)
		return false;
	m->old[m->n] = old_id;
	m->cur[m->n++] = cur_id;
	return true;
}

static bool
range_within(const struct vreg *old, const struct vreg *cur)
{
	return old->umin <= cur->umin && old->umax >= cur->umax && old->smin <= cur->smin &&
	       old->smax >= cur->smax && old->u32_min <= cur->u32_min &&
	       old->u32_max >= cur->u32_max && old->s32_min <= cur->s32_min &&
	       old->s32_max >= cur->s32_max;
}

static bool
same_bounds(const struct vreg *a, const struct vreg *b)
{
	return a->umin == b->umin && a->umax == b->umax && a->smin == b->smin &&
	       a->smax == b->smax && a->u32_min == b->u32_min && a->u32_max == b->u32_max &&
	       a->s32_min == b->s32_min && a->s32_max == b->s32_max &&
	       a->var_off.value == b->var_off.value && a->var_off.mask == b->var_off.mask;
}

/* Is @cur safe where @old was verified safe? @exact: are they the same? */
static bool
regsafe(const struct vreg *old, const struct vreg *cur, struct idmap *m, bool exact)
{
	if (old->type == NOT_INIT)
		return !exact || cur->type == NOT_INIT;
	if (old->type != cur->type || old->flags != cur->flags)
		return false;
	if (exact || old->type != SCALAR_VALUE) {
		if (old->off != cur->off || !check_ids(m, old->id, cur->id) ||
		    !check_ids(m, old->ref_obj_id, cur->ref_obj_id))
			return false;
	}
	switch (old->type) {
	case SCALAR_VALUE:
		if (exact)
			return same_bounds(old, cur);
		return range_within(old, cur) && xdpdk_tnum_in(old->var_off, cur->var_off);
	case PTR_TO_MAP_VALUE:
	case PTR_TO_MAP_KEY:
		if (old->map != cur->map)
			return false;
		if (exact)
			return same_bounds(old, cur);
		return range_within(old, cur) && xdpdk_tnum_in(old->var_off, cur->var_off);
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
		if (exact)
			return old->range == cur->range && same_bounds(old, cur);
		/* A shorter proven range in the old state covers a longer one now. */
		if (old->range > cur->range)
			return false;
		return range_within(old, cur) && xdpdk_tnum_in(old->var_off, cur->var_off);
	case PTR_TO_STACK:
		return old->frameno == cur->frameno && same_bounds(old, cur);
	case CONST_PTR_TO_MAP:
		return old->map == cur->map;
	case PTR_TO_MEM:
		return old->mem_size == cur->mem_size && same_bounds(old, cur);
	case PTR_TO_FUNC:
		return old->subprog == cur->subprog;
	default:
		return same_bounds(old, cur);
	}
}

static bool
stacksafe(const struct venv *env, const struct vframe *old, const struct vframe *cur,
	  struct idmap *m, bool exact)
{
	if (exact && old->nslots != cur->nslots)
		return false;
	for (uint32_t s = 0; s < old->nslots; s++) {
		const struct vslot *os = &old->stack[s];
		const struct vslot *cs = s < cur->nslots ? &cur->stack[s] : NULL;

		for (int b = 0; b < 8; b++) {
			const uint8_t ot = os->type[b], ct = cs ? cs->type[b] : STACK_INVALID;

			if (exact) {
				if (ot != ct)
					return false;
				continue;
			}
			if (ot == STACK_INVALID)
				continue;
			/* Privileged: reading unknown bytes gives an unknown scalar anyway. */
			if (!env->strict && ot == STACK_MISC)
				continue;
			if (ot == STACK_MISC && ct == STACK_ZERO)
				continue;
			if (ot != ct)
				return false;
		}
		if (os->type[7] == STACK_SPILL &&
		    !regsafe(&os->spilled, &cs->spilled, m, exact))
			return false;
	}
	return true;
}

static bool
refsafe(const struct vstate *old, const struct vstate *cur, struct idmap *m)
{
	if (old->n_refs != cur->n_refs)
		return false;
	for (uint32_t i = 0; i < old->n_refs; i++)
		if (!check_ids(m, old->refs[i].id, cur->refs[i].id))
			return false;
	return true;
}

static bool
states_equal(const struct venv *env, const struct vstate *old, const struct vstate *cur,
	     bool exact)
{
	struct idmap m = { .n = 0 };

	if (old->curframe != cur->curframe)
		return false;
	if (old->active_lock_id != cur->active_lock_id ||
	    old->active_lock_map != cur->active_lock_map ||
	    old->active_lock_off != cur->active_lock_off)
		return false;
	for (uint32_t i = 0; i <= old->curframe; i++)
		if (old->frame[i]->callsite != cur->frame[i]->callsite)
			return false;
	for (uint32_t i = 0; i <= old->curframe; i++) {
		const struct vframe *of = old->frame[i], *cf = cur->frame[i];
		/* Registers dead here do not matter; liveness is per subprog. */
		const uint16_t live = i == old->curframe ? env->live_regs[cur->insn_idx] : 0xffff;

		for (int r = 0; r < XDPDK_BPF_NREGS; r++) {
			if (!exact && !(live & (1u << r)))
				continue;
			if (!regsafe(&of->regs[r], &cf->regs[r], &m, exact))
				return false;
		}
		if (!stacksafe(env, of, cf, &m, exact))
			return false;
	}
	return refsafe(old, cur, &m);
}

static uint64_t
mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h;
}

static uint64_t
hash_reg(uint64_t h, const struct vreg *r)
{
	h = mix(h, (uint64_t)r->type | (uint64_t)r->flags << 8 | (uint64_t)r->frameno << 16 |
		       (uint64_t)(uint32_t)r->off << 32);
	if (r->type == NOT_INIT)
		return h;
	h = mix(h, r->var_off.value);
	h = mix(h, r->var_off.mask);
	h = mix(h, (uint64_t)r->smin ^ r->umax);
	h = mix(h, (uint64_t)r->smax ^ r->umin);
	return mix(h, (uint64_t)(uintptr_t)r->map);	/* the union: range, size, map */
}

/*
 * Equal states hash equal: loop detection compares exactly only when the
 * hashes match, so a long loop costs one integer compare per stored state.
 */
static uint64_t
hash_state(const struct vstate *st)
{
	uint64_t h = mix(st->curframe, st->n_refs);

	for (uint32_t i = 0; i <= st->curframe; i++) {
		const struct vframe *f = st->frame[i];

		h = mix(h, f->callsite);
		for (int r = 0; r < XDPDK_BPF_NREGS; r++)
			h = hash_reg(h, &f->regs[r]);
		h = mix(h, f->nslots);
		for (uint32_t sl = 0; sl < f->nslots; sl++) {
			uint64_t t;

			memcpy(&t, f->stack[sl].type, sizeof(t));
			h = mix(h, t);
			if (f->stack[sl].type[7] == STACK_SPILL)
				h = hash_reg(h, &f->stack[sl].spilled);
		}
	}
	return h;
}

/*
 * Whether @p old and @p cur are in different simulated iterations of a
 * callback: callbacks are explored by entering them again from their exit,
 * so the same state inside a callback body recurs once per iteration. That
 * is the kernel's callback loop (pruned at its call instruction), not an
 * infinite loop, which stays within one iteration.
 */
static bool
other_cb_iteration(const struct vstate *old, const struct vstate *cur)
{
	for (uint32_t fi = 0; fi <= old->curframe && fi <= cur->curframe; fi++)
		if (old->frame[fi]->cb_iter != cur->frame[fi]->cb_iter)
			return true;
	return false;
}

int
xdpdk_v_is_state_visited(struct venv *env, uint32_t insn_idx)
{
	struct vstate_list *sl, *n;
	struct vstate *cur = env->cur;
	bool add = true;
	uint32_t count = 0;
	uint64_t hash;

	if (!env->prune_point[insn_idx])
		return 0;
	hash = hash_state(cur);
	/* Bound memory on long straight runs, as the kernel does between jumps. */
	if (env->jmps_processed - env->prev_jmps_processed < 2 &&
	    env->insn_processed - env->prev_insn_processed < 8 && !env->cb_entry[insn_idx])
		add = false;
	for (struct vstate_list **pp = &env->explored[insn_idx]; (sl = *pp) != NULL;
	     pp = sl == *pp ? &sl->next : pp) {
		count++;
		if (sl->st->branches) {
			if (sl->hash != hash || !states_equal(env, sl->st, cur, true))
				continue;
			/* A callback entered again exactly as before adds nothing new. */
			if (env->cb_entry[insn_idx] || other_cb_iteration(sl->st, cur))
				return 1;
			return xdpdk_v_reject(env, -EINVAL, "infinite loop detected at insn %u",
					      insn_idx);
		}
		if (states_equal(env, sl->st, cur, false)) {
			sl->hit++;
			return 1;
		}
		/*
		 * A state that rarely helps costs a comparison on every visit:
		 * drop it, as the kernel does. With no branches left it is no
		 * live state's ancestor, so nothing points at it.
		 */
		if (++sl->miss > sl->hit * 3 + 3) {
			*pp = sl->next;
			xdpdk_v_state_free(sl->st);
			free(sl);
			env->cur_states--;
		}
	}
	if (count > env->max_states_per_insn)
		env->max_states_per_insn = count;
	/*
	 * Bound the walk: past VMAX_STATES_PER_INSN stored states (loops whose
	 * every iteration differs), keep no more. Only pruning and loop detection
	 * lose; the processed-instruction limit still ends the walk.
	 */
	if (!add || count >= VMAX_STATES_PER_INSN)
		return 0;
	env->prev_jmps_processed = env->jmps_processed;
	env->prev_insn_processed = env->insn_processed;
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return -ENOMEM;
	n->st = xdpdk_v_state_new();
	if (n->st == NULL || xdpdk_v_state_copy(n->st, cur) != 0) {
		xdpdk_v_state_free(n->st);
		free(n);
		return -ENOMEM;
	}
	n->st->insn_idx = insn_idx;
	n->st->branches = 1;
	n->hash = hash;
	cur->parent = n->st;
	cur->branches = 1;
	n->next = env->explored[insn_idx];
	env->explored[insn_idx] = n;
	env->total_states++;
	env->cur_states++;
	if (env->cur_states > env->peak_states)
		env->peak_states = env->cur_states;
	return 0;
}

void
xdpdk_v_env_free_states(struct venv *env)
{
	while (env->head != NULL) {
		struct vstack_elem *e = env->head;

		env->head = e->next;
		xdpdk_v_state_free(e->st);
		free(e);
	}
	if (env->explored != NULL) {
		for (uint32_t i = 0; i < env->n_insns; i++) {
			struct vstate_list *sl = env->explored[i];

			while (sl != NULL) {
				struct vstate_list *next = sl->next;

				xdpdk_v_state_free(sl->st);
				free(sl);
				sl = next;
			}
		}
	}
	xdpdk_v_state_free(env->cur);
	env->cur = NULL;
}
