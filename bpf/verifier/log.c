/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The verifier log, in the kernel's style: the instruction (bpftool syntax),
 * the register state, the reason; with BTF line info, the source line first
 * so users need not map instruction numbers back by hand.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "verifier_internal.h"

void
xdpdk_v_log(struct venv *env, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	xdpdk_log_printf(env->log, "%s", buf);
}

static const char *const type_names[VTYPE_COUNT] = {
	[NOT_INIT] = "?",
	[SCALAR_VALUE] = "scalar",
	[PTR_TO_CTX] = "ctx",
	[CONST_PTR_TO_MAP] = "map_ptr",
	[PTR_TO_MAP_VALUE] = "map_value",
	[PTR_TO_MAP_KEY] = "map_key",
	[PTR_TO_STACK] = "fp",
	[PTR_TO_PACKET_META] = "pkt_meta",
	[PTR_TO_PACKET] = "pkt",
	[PTR_TO_PACKET_END] = "pkt_end",
	[PTR_TO_MEM] = "mem",
	[PTR_TO_FUNC] = "func",
};

/* The kernel's reg_type_str: prefixes for flags, "_or_null" for maybe-NULL. */
const char *
xdpdk_v_type_str(const struct vreg *reg, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s", reg->flags & MEM_RDONLY ? "rdonly_" : "",
		 reg->flags & MEM_RINGBUF ? "ringbuf_" : "", type_names[reg->type],
		 reg->flags & PTR_MAYBE_NULL ? "_or_null" : "");
	return buf;
}

static int
scalar_str(const struct vreg *r, char *buf, size_t size)
{
	size_t n = 0;
	char sep = '(';

	if (tnum_is_const(r->var_off))
		return snprintf(buf, size, "%" PRId64, (int64_t)r->var_off.value);
	n += snprintf(buf + n, size - n, "scalar");
#define FIELD(cond, fmt, v)                                                        \
	do {                                                                       \
		if ((cond) && n < size) {                                          \
			n += snprintf(buf + n, size - n, "%c" fmt, sep, v);        \
			sep = ',';                                                 \
		}                                                                  \
	} while (0)
	if (r->id)
		FIELD(1, "id=%u", r->id);
	FIELD(r->smin != INT64_MIN && r->smin != (int64_t)r->umin, "smin=%" PRId64, r->smin);
	FIELD(r->smax != INT64_MAX && r->smax != (int64_t)r->umax, "smax=%" PRId64, r->smax);
	FIELD(r->umin != 0, "umin=%" PRIu64, r->umin);
	FIELD(r->umax != UINT64_MAX, "umax=%" PRIu64, r->umax);
	FIELD(r->s32_min != INT32_MIN && r->s32_min != (int32_t)r->u32_min, "smin32=%d",
	      r->s32_min);
	FIELD(r->s32_max != INT32_MAX && r->s32_max != (int32_t)r->u32_max, "smax32=%d",
	      r->s32_max);
	FIELD(r->u32_min != 0 && r->u32_min != r->umin, "umin32=%u", r->u32_min);
	FIELD(r->u32_max != UINT32_MAX && r->u32_max != r->umax, "umax32=%u", r->u32_max);
	if (!tnum_is_unknown(r->var_off) && n < size) {
		n += snprintf(buf + n, size - n, "%cvar_off=", sep);
		sep = ',';
		if (n < size)
			n += xdpdk_tnum_sbin(buf + n, size - n, r->var_off);
	}
#undef FIELD
	if (n < size)
		n += snprintf(buf + n, size - n, "%s", sep == '(' ? "()" : ")");
	return (int)n;
}

/* "pkt(id=0,off=14,r=0)", "fp-8", "map_value(map=counts,ks=4,vs=8,off=4)" ... */
int
xdpdk_v_reg_str(const struct vreg *r, char *buf, size_t size)
{
	char t[48], var[64] = "";

	if (r->type == NOT_INIT)
		return snprintf(buf, size, "?");
	if (r->type == SCALAR_VALUE)
		return scalar_str(r, buf, size);
	if (r->type == PTR_TO_STACK && tnum_is_const(r->var_off))
		return snprintf(buf, size, "fp%d", r->off + (int32_t)r->var_off.value);
	if (!tnum_is_const(r->var_off) || r->var_off.value != 0) {
		char tn[48];

		xdpdk_tnum_sbin(tn, sizeof(tn), r->var_off);
		snprintf(var, sizeof(var), ",var_off=%s,umax=%" PRIu64, tn, r->umax);
	}
	xdpdk_v_type_str(r, t, sizeof(t));
	switch (r->type) {
	case PTR_TO_PACKET:
	case PTR_TO_PACKET_META:
		return snprintf(buf, size, "%s(id=%u,off=%d,r=%d%s)", t, r->id, r->off, r->range,
				var);
	case CONST_PTR_TO_MAP:
	case PTR_TO_MAP_VALUE:
	case PTR_TO_MAP_KEY:
		return snprintf(buf, size, "%s(%sid=%u,map=%s,ks=%u,vs=%u,off=%d%s)", t,
				r->ref_obj_id ? "ref," : "", r->id, r->map->name, r->map->key_size,
				r->map->value_size, r->off, var);
	case PTR_TO_MEM:
		return snprintf(buf, size, "%s(id=%u,ref_obj_id=%u,off=%d,sz=%u%s)", t, r->id,
				r->ref_obj_id, r->off, r->mem_size, var);
	default:
		return snprintf(buf, size, "%s(off=%d%s)", t, r->off, var);
	}
}

void
xdpdk_v_print_state(struct venv *env, const struct vstate *st)
{
	const struct vframe *f = st->frame[st->curframe];
	char buf[1536];
	size_t n = 0;

	if (st->curframe)
		n += snprintf(buf + n, sizeof(buf) - n, "frame%u: ", st->curframe);
	for (int r = 0; r < XDPDK_BPF_NREGS && n < sizeof(buf); r++) {
		char rs[192];

		if (f->regs[r].type == NOT_INIT)
			continue;
		xdpdk_v_reg_str(&f->regs[r], rs, sizeof(rs));
		n += snprintf(buf + n, sizeof(buf) - n, "%sR%d=%s", n ? " " : "", r, rs);
	}
	for (uint32_t s = 0; s < f->nslots && n < sizeof(buf); s++) {
		const struct vslot *sl = &f->stack[s];
		char rs[192];

		if (sl->type[7] == STACK_SPILL) {
			xdpdk_v_reg_str(&sl->spilled, rs, sizeof(rs));
			n += snprintf(buf + n, sizeof(buf) - n, " fp%d=%s", -(int)(s + 1) * 8, rs);
		} else if (memcmp(sl->type, "\0\0\0\0\0\0\0\0", 8) != 0) {
			char k[9];

			for (int b = 0; b < 8; b++)
				k[b] = "?rm0"[sl->type[7 - b]];
			k[8] = '\0';
			n += snprintf(buf + n, sizeof(buf) - n, " fp%d=%s", -(int)(s + 1) * 8, k);
		}
	}
	xdpdk_log_printf(env->log, "%s\n", buf);
}

void
xdpdk_v_print_insn(struct venv *env, uint32_t idx)
{
	char text[128];

	if (xdpdk_disasm_insn(&env->insns[idx], env->n_insns - idx, text, sizeof(text)) < 0)
		snprintf(text, sizeof(text), "(invalid)");
	xdpdk_log_printf(env->log, "%u: (%02x) %s\n", idx, env->insns[idx].code, text);
}

/* "; data[14] == 0 @ xdp_prog.c:12" as the kernel prints line info, once per line. */
void
xdpdk_v_print_source(struct venv *env, uint32_t idx)
{
	const struct xdpdk_line_info *li = env->opts->line_info, *best = NULL;
	uint32_t lo = 0, hi = env->opts->n_line_info;

	if (li == NULL || hi == 0)
		return;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (li[mid].insn_off <= idx) {
			best = &li[mid];
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	/* As the kernel: a line is printed when it changes, and always before a refusal. */
	if (best == NULL || (best == env->last_line && env->err == 0))
		return;
	env->last_line = best;
	xdpdk_log_printf(env->log, "; %s @ %s:%u\n", best->text ? best->text : "",
			 best->file ? best->file : "?", best->line);
}

int
xdpdk_v_reject(struct venv *env, int err, const char *fmt, ...)
{
	va_list ap;

	if (env->err)
		return env->err;
	va_start(ap, fmt);
	vsnprintf(env->reason, sizeof(env->reason), fmt, ap);
	va_end(ap);
	env->err = err;
	env->last_line = NULL;
	if (env->cur != NULL && env->cur->frame[0] != NULL && env->log_level < 2) {
		uint32_t idx = env->cur->insn_idx;

		if (idx < env->n_insns) {
			xdpdk_v_print_source(env, idx);
			xdpdk_v_print_insn(env, idx);
			xdpdk_v_print_state(env, env->cur);
		}
	}
	/* A plain load log has no other context: name the instruction. */
	if (env->log_level == 0 && env->cur != NULL)
		xdpdk_log_printf(env->log, "insn %u: %s\n", env->cur->insn_idx, env->reason);
	else
		xdpdk_log_printf(env->log, "%s\n", env->reason);
	return err;
}
