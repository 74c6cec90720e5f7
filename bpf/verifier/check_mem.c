/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memory accesses through each pointer kind, as the kernel's check_mem_access:
 * the stack (spills and fills keep pointer types, 512 bytes per frame),
 * the context (per program type), the packet (only the range proven against
 * data_end), map values (value_size, read-only maps, spin locks), helper-
 * returned memory; plus the memory a helper argument names.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "verifier_internal.h"

struct vframe *
xdpdk_v_stack_frame(struct venv *env, const struct vreg *reg)
{
	return env->cur->frame[reg->frameno];
}

void
xdpdk_v_update_stack_depth(struct venv *env, uint32_t frameno, int off)
{
	const struct vframe *f = env->cur->frame[frameno];
	struct vsubprog *sp = &env->subprogs[f->subprog];
	uint32_t depth = (uint32_t)-off;

	if (depth > sp->stack_depth)
		sp->stack_depth = depth;
}

int
xdpdk_v_check_ptr_alignment(struct venv *env, const struct vreg *reg, int off, int size)
{
	struct tnum ro;
	char tn[48];

	/* x86-64 has efficient unaligned access: only the stack is strict, as the kernel. */
	if (reg->type != PTR_TO_STACK)
		return 0;
	ro = xdpdk_tnum_add(reg->var_off, xdpdk_tnum_const((uint64_t)(int64_t)(reg->off + off)));
	if (xdpdk_tnum_is_aligned(ro, (uint64_t)size))
		return 0;
	xdpdk_tnum_sbin(tn, sizeof(tn), reg->var_off);
	return xdpdk_v_reject(env, -EACCES, "misaligned stack access off %s+%d+%d size %d", tn,
			      reg->off, off, size);
}

/* ---- generic regions (map values, helper memory) ------------------------ */

static bool
mem_ok(int64_t off, int64_t size, uint64_t mem_size, bool zero_ok)
{
	return off >= 0 && (size > 0 || (size == 0 && zero_ok)) && (uint64_t)off + size <= mem_size;
}

static int
region_fail(struct venv *env, uint32_t regno, int64_t off, int64_t size, uint64_t mem_size,
	    const char *what, const char *which)
{
	const bool map = strcmp(what, "map value") == 0;

	return xdpdk_v_reject(env, -EACCES, "invalid access to %s, %s=%" PRIu64 " off=%" PRId64
			      " size=%" PRId64 "\nR%u %s value is outside of the allowed memory "
			      "range", map ? "map value" : "memory", map ? "value_size" : "mem_size",
			      mem_size, off, size, regno, which);
}

/* The kernel's check_mem_region_access: fixed @off plus the register's range. */
static int
check_region(struct venv *env, uint32_t regno, int off, int64_t size, uint64_t mem_size,
	     bool zero_ok, const char *what)
{
	const struct vreg *reg = &cur_regs(env)[regno];

	if (reg->smin < 0 && (reg->smin == INT64_MIN || reg->smin + off < 0 ||
			      (int64_t)(int32_t)(reg->smin + off) != reg->smin + off))
		return xdpdk_v_reject(env, -EACCES, "R%u min value is negative, either use unsigned "
				      "index or do a if (index >=0) check.", regno);
	if (!mem_ok(reg->smin + off, size, mem_size, zero_ok))
		return region_fail(env, regno, reg->smin + off, size, mem_size, what, "min");
	if (reg->umax >= VMAX_VAR_OFF)
		return xdpdk_v_reject(env, -EACCES, "R%u unbounded memory access, make sure to "
				      "bounds check any such access", regno);
	if (!mem_ok((int64_t)reg->umax + off, size, mem_size, zero_ok))
		return region_fail(env, regno, (int64_t)reg->umax + off, size, mem_size, what,
				   "max");
	return 0;
}

static int
check_map_value(struct venv *env, uint32_t regno, int off, int64_t size, bool write,
		bool zero_ok)
{
	const struct vreg *reg = &cur_regs(env)[regno];
	const struct xdpdk_verifier_map *map = reg->map;
	int rc;

	if (write && (map->map_flags & BPF_F_RDONLY_PROG))
		return xdpdk_v_reject(env, -EACCES, "write into map forbidden, value_size=%u off=%d "
				      "size=%" PRId64, map->value_size, off, size);
	if (!write && (map->map_flags & BPF_F_WRONLY_PROG))
		return xdpdk_v_reject(env, -EACCES, "read from map forbidden, value_size=%u off=%d "
				      "size=%" PRId64, map->value_size, off, size);
	rc = check_region(env, regno, off, size, map->value_size, zero_ok, "map value");
	if (rc)
		return rc;
	if (map->spin_lock_off >= 0) {
		const int64_t lo = reg->smin + off, hi = (int64_t)reg->umax + off + size;

		if (lo < map->spin_lock_off + 4 && map->spin_lock_off < hi)
			return xdpdk_v_reject(env, -EACCES, "bpf_spin_lock cannot be accessed "
					      "directly by load/store");
	}
	return 0;
}

static int
check_packet(struct venv *env, uint32_t regno, int off, int64_t size, bool zero_ok)
{
	const struct vreg *reg = &cur_regs(env)[regno];

	if (reg->smin < 0)
		return xdpdk_v_reject(env, -EACCES, "R%u min value is negative, either use unsigned "
				      "index or do a if (index >=0) check.", regno);
	/* The proven range starts at the variable part: only the fixed offset counts. */
	if (reg->range < 0 || !mem_ok(off, size, (uint64_t)reg->range, zero_ok))
		return xdpdk_v_reject(env, -EACCES, "invalid access to packet, off=%d size=%" PRId64
				      ", R%u(id=%u,off=%d,r=%d)\nR%u offset is outside of the "
				      "packet", off, size, regno, reg->id, off, reg->range, regno);
	return 0;
}

static bool
may_access_pkt(const struct venv *env, bool write)
{
	(void)write;
	return env->type == XDPDK_PROG_TYPE_XDP || env->type == XDPDK_PROG_TYPE_TC;
}

/* ---- stack -------------------------------------------------------------- */

/* Bytes [min_off, max_off) of the frame; both relative to its frame pointer. */
static int
stack_bounds(struct venv *env, uint32_t regno, int off, int64_t size, const char *extra,
	     int64_t *min_off, int64_t *max_off)
{
	const struct vreg *reg = &cur_regs(env)[regno];
	char tn[48];

	if (tnum_is_const(reg->var_off)) {
		*min_off = (int64_t)reg->var_off.value + off;
		*max_off = *min_off + size;
	} else {
		if (reg->smax >= VMAX_VAR_OFF || reg->smin <= -VMAX_VAR_OFF)
			return xdpdk_v_reject(env, -EACCES, "invalid unbounded variable-offset%s "
					      "stack R%u", extra, regno);
		*min_off = reg->smin + off;
		*max_off = reg->smax + off + size;
	}
	if (*min_off >= -VSTACK && *max_off <= 0)
		return 0;
	if (tnum_is_const(reg->var_off))
		return xdpdk_v_reject(env, -EACCES, "invalid%s stack R%u off=%d size=%" PRId64,
				      extra, regno, (int)(off + (int64_t)reg->var_off.value), size);
	xdpdk_tnum_sbin(tn, sizeof(tn), reg->var_off);
	return xdpdk_v_reject(env, -EACCES, "invalid variable-offset%s stack R%u var_off=%s "
			      "off=%d size=%" PRId64, extra, regno, tn, off, size);
}

static uint8_t *
stack_byte(struct vframe *f, int64_t off)
{
	const int64_t i = -off - 1;	/* byte index below fp */

	return &f->stack[i / 8].type[7 - i % 8];
}

static int
ensure_slots(struct venv *env, uint32_t frameno, int64_t min_off)
{
	const uint32_t need = (uint32_t)((-min_off + 7) / 8);

	xdpdk_v_update_stack_depth(env, frameno, (int)min_off);
	return xdpdk_v_grow_stack(env->cur, frameno, need);
}

static bool
is_spillable(const struct vreg *r)
{
	return r->type != SCALAR_VALUE && r->type != NOT_INIT;
}

int
xdpdk_v_check_stack_write(struct venv *env, struct vframe *f, int off, int size,
			  int value_regno, const struct vreg *value, uint32_t insn_idx)
{
	struct vslot *slot;
	int spi = (-off - 1) / 8, rc;

	(void)insn_idx;
	(void)value_regno;
	slot = &f->stack[spi];
	if (value != NULL && is_spillable(value)) {
		if (size != 8)
			return xdpdk_v_reject(env, -EACCES, "invalid size of register spill");
		if (value->type == PTR_TO_STACK && value->frameno > env->cur->curframe)
			return xdpdk_v_reject(env, -EACCES, "cannot spill pointers to stack into "
					      "stack frame of the caller");
	}
	if (value != NULL && size == 8 && !(off % 8) && value->type != NOT_INIT) {
		slot->spilled = *value;
		memset(slot->type, STACK_SPILL, 8);
		return 0;
	}
	/* A partial write destroys a spilled register. */
	if (slot->type[7] == STACK_SPILL) {
		if (env->strict && is_spillable(&slot->spilled))
			return xdpdk_v_reject(env, -EACCES, "attempt to corrupt spilled pointer on "
					      "stack");
		for (int b = 0; b < 8; b++)
			slot->type[b] = STACK_MISC;
	}
	rc = STACK_MISC;
	if (value != NULL && value->type == SCALAR_VALUE && tnum_equals_const(value->var_off, 0))
		rc = STACK_ZERO;
	for (int b = 0; b < size; b++)
		*stack_byte(f, off + b) = (uint8_t)rc;
	return 0;
}

static int
stack_write(struct venv *env, uint32_t regno, int off, int size, int value_regno,
	    const struct vreg *value, uint32_t insn_idx)
{
	/* Growing the frame may move it: work on copies, not pointers into it. */
	const struct vreg reg_copy = cur_regs(env)[regno], *reg = &reg_copy;
	const struct vreg val_copy = value != NULL ? *value : (struct vreg){ .type = NOT_INIT };
	const uint32_t frameno = reg->frameno;
	int64_t lo, hi;
	int rc = stack_bounds(env, regno, off, size, " write to", &lo, &hi);

	if (rc)
		return rc;
	rc = ensure_slots(env, frameno, lo);
	if (rc)
		return rc;
	if (tnum_is_const(reg->var_off))
		return xdpdk_v_check_stack_write(env, env->cur->frame[frameno], (int)lo, size,
						 value_regno, value != NULL ? &val_copy : NULL,
						 insn_idx);
	/* Variable offset: any byte in the range may change; spills there are lost. */
	for (int64_t o = lo; o < hi; o++) {
		struct vframe *f = env->cur->frame[frameno];
		const int spi = (int)((-o - 1) / 8);

		if (f->stack[spi].type[7] == STACK_SPILL) {
			if (env->strict && is_spillable(&f->stack[spi].spilled))
				return xdpdk_v_reject(env, -EACCES, "spilled ptr in range of "
						      "var-offset stack write; insn %u", insn_idx);
			memset(f->stack[spi].type, STACK_MISC, 8);
		}
		if (*stack_byte(f, o) != STACK_INVALID || !env->strict)
			*stack_byte(f, o) = STACK_MISC;
	}
	return 0;
}

static int
stack_read(struct venv *env, uint32_t regno, int off, int size, int value_regno)
{
	const struct vreg *reg = &cur_regs(env)[regno];
	struct vframe *f = env->cur->frame[reg->frameno];
	struct vreg *dst = value_regno >= 0 ? &cur_regs(env)[value_regno] : NULL;
	int64_t lo, hi;
	int zeros = 0, rc = stack_bounds(env, regno, off, size, " read from", &lo, &hi);

	if (rc)
		return rc;
	xdpdk_v_update_stack_depth(env, reg->frameno, (int)lo);
	for (int64_t o = lo; o < hi; o++) {
		const int64_t spi = (-o - 1) / 8;
		uint8_t t = spi < f->nslots ? *stack_byte(f, o) : STACK_INVALID;

		if (t == STACK_ZERO)
			zeros++;
		if (t == STACK_INVALID && env->strict) {
			if (tnum_is_const(reg->var_off))
				return xdpdk_v_reject(env, -EACCES, "invalid read from stack off "
						      "%d+%d size %d", (int)(lo - off), off, size);
			return xdpdk_v_reject(env, -EACCES, "invalid read from stack R%u var_off "
					      "off %d size %d", regno, off, size);
		}
	}
	if (tnum_is_const(reg->var_off) && !(lo % 8) && (-lo - 1) / 8 < f->nslots &&
	    f->stack[(-lo - 1) / 8].type[7] == STACK_SPILL) {
		const struct vslot *s = &f->stack[(-lo - 1) / 8];

		for (int b = 0; b < 8; b++)
			if (s->type[b] != STACK_SPILL)
				return xdpdk_v_reject(env, -EACCES, "corrupted spill memory");
		if (size != 8 && s->spilled.type != SCALAR_VALUE)
			return xdpdk_v_reject(env, -EACCES, "invalid size of register fill");
		if (dst == NULL)
			return 0;
		if (size == 8) {
			*dst = s->spilled;
			return 0;
		}
		xdpdk_v_mark_unknown(dst);
		return 0;
	}
	/* A read overlapping (part of) a spilled pointer cannot give it back. */
	for (int64_t o = lo; o < hi; o += 8) {
		const int64_t spi = (-o - 1) / 8;

		if (spi < f->nslots && f->stack[spi].type[7] == STACK_SPILL &&
		    is_spillable(&f->stack[spi].spilled) && tnum_is_const(reg->var_off))
			return xdpdk_v_reject(env, -EACCES, "invalid size of register fill");
	}
	if (dst != NULL) {
		if (zeros == size && tnum_is_const(reg->var_off)) {
			xdpdk_v_mark_unknown(dst);
			xdpdk_v_mark_known(dst, 0);
		} else {
			xdpdk_v_mark_unknown(dst);
		}
	}
	return 0;
}

/* ---- the load/store entry ------------------------------------------------ */

static int
invalid_mem(struct venv *env, uint32_t regno)
{
	char t[48];

	return xdpdk_v_reject(env, -EACCES, "R%u invalid mem access '%s'", regno,
			      xdpdk_v_type_str(&cur_regs(env)[regno], t, sizeof(t)));
}

static int
check_ctx_reg(struct venv *env, uint32_t regno, const char *what)
{
	const struct vreg *reg = &cur_regs(env)[regno];
	char tn[48];

	if (reg->off)
		return xdpdk_v_reject(env, -EACCES, "dereference of modified %s ptr R%u off=%d "
				      "disallowed", what, regno, reg->off);
	if (!tnum_is_const(reg->var_off) || reg->var_off.value) {
		xdpdk_tnum_sbin(tn, sizeof(tn), reg->var_off);
		return xdpdk_v_reject(env, -EACCES, "variable %s access var_off=%s disallowed", what,
				      tn);
	}
	return 0;
}

int
xdpdk_v_check_mem_access(struct venv *env, uint32_t insn_idx, uint32_t regno, int off,
			 int size, bool write, int value_regno, bool sext)
{
	struct vreg *regs = cur_regs(env);
	struct vreg *reg = &regs[regno];
	const struct vreg *val = !write ? NULL : value_regno >= 0 ? &regs[value_regno] : env->st_imm;
	const bool val_is_ptr = val != NULL && reg_is_pointer(val);
	int rc = xdpdk_v_check_ptr_alignment(env, reg, off, size);

	if (rc)
		return rc;
	if (reg->flags & PTR_MAYBE_NULL)
		return invalid_mem(env, regno);
	off += reg->off;
	switch (reg->type) {
	case PTR_TO_MAP_VALUE:
		if (val_is_ptr && env->strict)
			return xdpdk_v_reject(env, -EACCES, "R%d leaks addr into map", value_regno);
		rc = check_map_value(env, regno, off, size, write, false);
		if (rc == 0 && !write && value_regno >= 0)
			xdpdk_v_mark_unknown(&regs[value_regno]);
		break;
	case PTR_TO_MAP_KEY:
		if (write)
			return xdpdk_v_reject(env, -EACCES, "write to change key R%u not allowed",
					      regno);
		rc = check_region(env, regno, off, size, reg->map->key_size, false, "map key");
		if (rc == 0 && value_regno >= 0)
			xdpdk_v_mark_unknown(&regs[value_regno]);
		break;
	case PTR_TO_MEM:
		if (write && (reg->flags & MEM_RDONLY)) {
			char t[48];

			return xdpdk_v_reject(env, -EACCES, "R%u cannot write into %s", regno,
					      xdpdk_v_type_str(reg, t, sizeof(t)));
		}
		if (val_is_ptr && env->strict)
			return xdpdk_v_reject(env, -EACCES, "R%d leaks addr into mem", value_regno);
		rc = check_region(env, regno, off, size, reg->mem_size, false, "mem");
		if (rc == 0 && !write && value_regno >= 0)
			xdpdk_v_mark_unknown(&regs[value_regno]);
		break;
	case PTR_TO_CTX: {
		uint8_t rt;

		if (val_is_ptr && env->strict)
			return xdpdk_v_reject(env, -EACCES, "R%d leaks addr into ctx", value_regno);
		rc = check_ctx_reg(env, regno, "ctx");
		if (rc == 0)
			rc = xdpdk_v_check_ctx_access(env, off, size, write, &rt);
		if (rc == 0 && !write && value_regno >= 0) {
			if (rt == SCALAR_VALUE) {
				xdpdk_v_mark_unknown(&regs[value_regno]);
			} else {
				xdpdk_v_mark_unknown(&regs[value_regno]);
				xdpdk_v_mark_reg_known_zero(&regs[value_regno]);
				regs[value_regno].type = rt;
			}
		}
		break;
	}
	case PTR_TO_STACK:
		rc = write ? stack_write(env, regno, off, size, value_regno, val, insn_idx)
			   : stack_read(env, regno, off, size, value_regno);
		regs = cur_regs(env);	/* the frame may have moved */
		/* A fill restores the type; a narrow scalar load below gets truncated. */
		if (rc == 0 && !write && value_regno >= 0 && regs[value_regno].type != SCALAR_VALUE)
			return 0;
		break;
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
		if (!may_access_pkt(env, write))
			return xdpdk_v_reject(env, -EACCES, "cannot %s into packet",
					      write ? "write" : "read");
		if (val_is_ptr && env->strict)
			return xdpdk_v_reject(env, -EACCES, "R%d leaks addr into packet",
					      value_regno);
		rc = check_packet(env, regno, off, size, false);
		if (rc == 0 && !write && value_regno >= 0)
			xdpdk_v_mark_unknown(&regs[value_regno]);
		break;
	default:
		return invalid_mem(env, regno);
	}
	if (rc == 0 && !write && value_regno >= 0 && regs[value_regno].type == SCALAR_VALUE &&
	    size < 8) {
		if (sext)
			xdpdk_v_coerce_sext(&regs[value_regno], size);
		else
			xdpdk_v_coerce_reg_to_size(&regs[value_regno], size);
	}
	return rc;
}

/* ---- helper memory arguments ------------------------------------------- */

static int
stack_range_init(struct venv *env, uint32_t regno, int64_t size, bool zero_ok, bool uninit_ok)
{
	const struct vreg reg_copy = cur_regs(env)[regno], *reg = &reg_copy;
	const uint32_t frameno = reg->frameno;
	int64_t lo, hi;
	int rc;

	if (size == 0 && zero_ok)
		return 0;
	rc = stack_bounds(env, regno, reg->off, size, " indirect access to", &lo, &hi);
	if (rc)
		return rc;
	rc = ensure_slots(env, frameno, lo);
	if (rc)
		return rc;
	for (int64_t o = lo; o < hi; o++) {
		struct vframe *f = env->cur->frame[frameno];
		const int64_t spi = (-o - 1) / 8;
		uint8_t *t = stack_byte(f, o);

		if (uninit_ok) {
			/* The helper writes it: spills there are gone. */
			if (f->stack[spi].type[7] == STACK_SPILL)
				memset(f->stack[spi].type, STACK_MISC, 8);
			*t = STACK_MISC;
			continue;
		}
		if (*t == STACK_MISC || *t == STACK_ZERO || (*t == STACK_INVALID && !env->strict))
			continue;
		if (*t == STACK_SPILL && (f->stack[spi].spilled.type == SCALAR_VALUE ||
					  !env->strict))
			continue;
		if (tnum_is_const(reg->var_off))
			return xdpdk_v_reject(env, -EACCES, "invalid indirect read from stack R%u "
					      "off %d+%d size %" PRId64, regno,
					      (int)(lo - reg->off), reg->off, size);
		return xdpdk_v_reject(env, -EACCES, "invalid indirect read from stack R%u var_off "
				      "off %d size %" PRId64, regno, reg->off, size);
	}
	return 0;
}

/* The kernel's check_helper_mem_access: @regno points to @size bytes. */
int
xdpdk_v_check_helper_mem(struct venv *env, uint32_t regno, int64_t size, bool zero_ok,
			 bool write, bool uninit_ok)
{
	struct vreg *reg = &cur_regs(env)[regno];
	char t[48];

	switch (reg->type) {
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
		return check_packet(env, regno, reg->off, size, zero_ok);
	case PTR_TO_MAP_KEY:
		if (write)
			return xdpdk_v_reject(env, -EACCES, "R%u cannot write into map_key", regno);
		return check_region(env, regno, reg->off, size, reg->map->key_size, zero_ok,
				    "map key");
	case PTR_TO_MAP_VALUE:
		return check_map_value(env, regno, reg->off, size, write, zero_ok);
	case PTR_TO_MEM:
		if (write && (reg->flags & MEM_RDONLY))
			return xdpdk_v_reject(env, -EACCES, "R%u cannot write into %s", regno,
					      xdpdk_v_type_str(reg, t, sizeof(t)));
		return check_region(env, regno, reg->off, size, reg->mem_size, zero_ok, "mem");
	case PTR_TO_STACK:
		return stack_range_init(env, regno, size, zero_ok, uninit_ok);
	case PTR_TO_CTX:
		/* Helpers that take ctx memory (none of xdpdk's) would go here. */
	default:
		return xdpdk_v_reject(env, -EACCES, "R%u type=%s expected=fp, pkt, pkt_meta, "
				      "map_key, map_value, mem", regno,
				      xdpdk_v_type_str(reg, t, sizeof(t)));
	}
}
