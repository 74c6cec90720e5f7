/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control flow before the walk, as the kernel's check_cfg: every instruction
 * reachable from the entry (through jumps, calls and callbacks), back-edges
 * refused in strict mode (the unprivileged rule); register liveness per
 * instruction for pruning; after the walk, the combined stack depth of every
 * call chain.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "verifier_internal.h"

uint32_t
xdpdk_v_subprog_of(const struct venv *env, uint32_t insn)
{
	uint32_t lo = 0, hi = env->n_subprogs;

	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (env->subprogs[mid].start <= insn)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static bool
is_jump(const struct bpf_insn *insn)
{
	const uint8_t cls = BPF_CLASS(insn->code), op = BPF_OP(insn->code);

	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_CALL && op != BPF_EXIT;
}

static uint32_t
jump_target(const struct bpf_insn *insn, uint32_t i)
{
	if (BPF_OP(insn->code) == BPF_JA)
		return i + 1 + (uint32_t)xdpdk_isa_ja_offset(insn);
	return i + 1 + (uint32_t)(int32_t)insn->off;
}

static uint32_t
insn_len(const struct bpf_insn *insn)
{
	return xdpdk_isa_is_lddw(insn) ? 2 : 1;
}

/* Successors of @i: up to two, plus a call or callback target in @extra. */
static int
successors(const struct venv *env, uint32_t i, uint32_t succ[2], uint32_t *extra)
{
	const struct bpf_insn *insn = &env->insns[i];
	int n = 0;

	*extra = UINT32_MAX;
	if (insn->code == (BPF_JMP | BPF_EXIT))
		return 0;
	if (is_jump(insn)) {
		if (BPF_OP(insn->code) != BPF_JA)
			succ[n++] = i + 1;
		succ[n++] = jump_target(insn, i);
		return n;
	}
	if (insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_CALL)
		*extra = i + 1 + (uint32_t)insn->imm;
	if (xdpdk_isa_is_lddw(insn) && insn->src_reg == BPF_PSEUDO_FUNC)
		*extra = i + 1 + (uint32_t)insn->imm;
	succ[n++] = i + insn_len(insn);
	return n;
}

/* Iterative DFS: 0 unseen, 1 on the stack, 2 done. */
int
xdpdk_v_check_cfg(struct venv *env)
{
	const uint32_t n = env->n_insns;
	uint8_t *state = calloc(n, 1), *hi = calloc(n, 1);
	uint32_t *stack = malloc(sizeof(uint32_t) * (n + 1) * 2), *edge = calloc(n, sizeof(uint32_t));
	uint32_t sp = 0;
	int rc = 0;

	if (state == NULL || hi == NULL || stack == NULL || edge == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < n; i++)
		if (xdpdk_isa_is_lddw(&env->insns[i]) && i + 1 < n)
			hi[++i] = 1;
	/* Roots: the entry, then every call/callback target as discovered. */
	stack[sp++] = 0;
	state[0] = 1;
	while (sp > 0 && rc == 0) {
		const uint32_t i = stack[sp - 1];
		uint32_t succ[2], extra, k;
		const int ns = successors(env, i, succ, &extra);
		bool pushed = false;

		/* edge[i] counts the successors already followed (extra is last). */
		for (k = edge[i]; k < (uint32_t)ns + 1 && !pushed; k++) {
			uint32_t t = k < (uint32_t)ns ? succ[k] : extra;

			if (t == UINT32_MAX || t >= n)
				continue;
			if (k == (uint32_t)ns) {
				/* A call target is a new root: no back-edge through calls. */
				if (state[t] == 0) {
					state[t] = 1;
					stack[sp++] = t;
					pushed = true;
				}
				continue;
			}
			if (state[t] == 1 && env->strict) {
				rc = xdpdk_v_reject(env, -EINVAL, "back-edge from insn %u to %u", i, t);
				break;
			}
			if (state[t] == 0) {
				state[t] = 1;
				stack[sp++] = t;
				pushed = true;
			}
		}
		edge[i] = k;
		if (!pushed && rc == 0) {
			state[i] = 2;
			sp--;
		}
	}
	for (uint32_t i = 0; i < n && rc == 0; i++)
		if (!hi[i] && state[i] == 0)
			rc = xdpdk_v_reject(env, -EINVAL, "unreachable insn %u", i);
out:
	free(state);
	free(hi);
	free(stack);
	free(edge);
	return rc;
}

/* Registers an instruction reads (use) and writes (def). */
static void
use_def(const struct bpf_insn *insn, uint16_t *use, uint16_t *def)
{
	const uint8_t cls = BPF_CLASS(insn->code), mode = BPF_MODE(insn->code);
	const uint16_t d = (uint16_t)(1u << insn->dst_reg), s = (uint16_t)(1u << insn->src_reg);

	*use = 1u << BPF_REG_10;
	*def = 0;
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (BPF_OP(insn->code) == BPF_MOV) {
			*use |= BPF_SRC(insn->code) == BPF_X ? s : 0;
		} else {
			*use |= d;
			if (BPF_SRC(insn->code) == BPF_X && BPF_OP(insn->code) != BPF_NEG &&
			    BPF_OP(insn->code) != BPF_END)
				*use |= s;
		}
		*def |= d;
		break;
	case BPF_LDX:
		*use |= s;
		*def |= d;
		break;
	case BPF_ST:
		*use |= d;
		break;
	case BPF_STX:
		*use |= d | s;
		if (mode == BPF_ATOMIC && (insn->imm & BPF_FETCH)) {
			if (insn->imm == BPF_CMPXCHG) {
				*use |= 1u << BPF_REG_0;
				*def |= 1u << BPF_REG_0;
			} else {
				*def |= s;
			}
		}
		break;
	case BPF_LD:
		if (mode == BPF_IMM) {
			*def |= d;
		} else {
			*use |= 1u << BPF_REG_6;
			if (mode == BPF_IND)
				*use |= s;
			*def |= 0x3f;
		}
		break;
	case BPF_JMP:
	case BPF_JMP32:
		if (BPF_OP(insn->code) == BPF_CALL) {
			*use |= 0x3e;
			*def |= 0x3f;
		} else if (BPF_OP(insn->code) == BPF_EXIT) {
			*use |= 1u;
		} else if (BPF_OP(insn->code) != BPF_JA) {
			*use |= d | (BPF_SRC(insn->code) == BPF_X ? s : 0);
		}
		break;
	}
}

/* Backward data flow to a fixed point; each subprog is its own function. */
int
xdpdk_v_compute_liveness(struct venv *env)
{
	const uint32_t n = env->n_insns;
	uint16_t *live = env->live_regs;
	bool changed = true;

	memset(live, 0, sizeof(*live) * n);
	while (changed) {
		changed = false;
		for (uint32_t i = n; i-- > 0;) {
			const struct bpf_insn *insn = &env->insns[i];
			uint32_t succ[2], extra;
			uint16_t use, def, out = 0, in;
			int ns;

			if (i > 0 && xdpdk_isa_is_lddw(&env->insns[i - 1]))
				continue;
			ns = successors(env, i, succ, &extra);
			for (int k = 0; k < ns; k++)
				if (succ[k] < n)
					out |= live[succ[k]];
			use_def(insn, &use, &def);
			in = (uint16_t)(use | (out & ~def));
			if (in != live[i]) {
				live[i] = in;
				changed = true;
			}
		}
	}
	return 0;
}

/* Depth of the deepest chain from subprog @s (frames rounded to 32 bytes, as the kernel). */
static int
chain_depth(struct venv *env, uint32_t s, uint32_t frames, uint32_t *depth)
{
	const struct vsubprog *sp = &env->subprogs[s];
	uint32_t own = (sp->stack_depth ? sp->stack_depth : 1);
	uint32_t deepest = 0;

	own = (own + 31) & ~31u;
	if (frames > VMAX_FRAMES)
		return 0;	/* check.c refused deeper static chains */
	for (uint32_t i = sp->start; i < sp->end; i++) {
		const struct bpf_insn *insn = &env->insns[i];
		uint32_t d;
		int rc;

		if (!(insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_CALL) &&
		    !(xdpdk_isa_is_lddw(insn) && insn->src_reg == BPF_PSEUDO_FUNC))
			continue;
		rc = chain_depth(env, xdpdk_v_subprog_of(env, i + 1 + (uint32_t)insn->imm),
				 frames + 1, &d);
		if (rc)
			return rc;
		if (d > deepest)
			deepest = d;
		if (xdpdk_isa_is_lddw(insn))
			i++;
	}
	*depth = own + deepest;
	return 0;
}

int
xdpdk_v_check_max_stack_depth(struct venv *env)
{
	uint32_t depth = 0;
	int rc = chain_depth(env, 0, 1, &depth);

	if (rc)
		return rc;
	if (depth > VSTACK && env->n_subprogs > 1)
		return xdpdk_v_reject(env, -EACCES, "combined stack size of %u calls is %u. Too large",
				      env->n_subprogs, depth);
	return 0;
}
