/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Structural check of a program before anything runs it: every opcode is one
 * of opcodes.def with the fields the kernel requires, registers exist and r10
 * is never written, jumps and calls land inside the program and never on the
 * second half of an lddw, and nothing falls off the end. Then it splits the
 * program into subprogs (entry, bpf2bpf callees, callbacks), checks that no
 * jump leaves its subprog and that static call chains stay within 8 frames
 * without recursion. The interpreter and JIT rely on all of this.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "prog_internal.h"

struct chk_op {
	const char *mnem;
	enum xdpdk_isa_kind kind;
};

static const struct chk_op ops[256] = {
#define XDPDK_OP(c, m, k, o) [c] = { #m, KIND_##k },
#include "opcodes.def"
#undef XDPDK_OP
};

/* Per-instruction marks. */
#define MARK_LDDW_HI 0x1	/* second slot of an lddw: never a target */
#define MARK_START 0x2		/* first instruction of a subprog */

#define CHK_MAX_FRAMES XDPDK_BPF_MAX_CALL_FRAMES

struct chk {
	struct xdpdk_prog *prog;
	struct xdpdk_log *log;
	uint8_t *mark;
	/* call graph walk, per subprog */
	uint8_t *state;		/* 0 new, 1 on the current path, 2 done */
	uint8_t *depth;		/* frames of the deepest chain starting there */
};

static int __attribute__((format(printf, 4, 5)))
reject(struct chk *c, uint32_t i, int err, const char *fmt, ...)
{
	const struct bpf_insn *insn = &c->prog->insns[i];
	const char *mnem = ops[insn->code].mnem;
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (mnem != NULL)
		xdpdk_log_printf(c->log, "insn %u: %s (%s, opcode 0x%02x)\n", i, msg, mnem,
				 insn->code);
	else
		xdpdk_log_printf(c->log, "insn %u: %s\n", i, msg);
	return err;
}

static bool
is_alu(enum xdpdk_isa_kind k)
{
	return k >= KIND_ALU64_IMM && k <= KIND_END;
}

static bool
is_jump(enum xdpdk_isa_kind k)
{
	return k >= KIND_JA && k <= KIND_JMP32_REG;
}

static bool
is_valid_atomic(int32_t imm)
{
	switch (imm) {
	case BPF_ADD: case BPF_ADD | BPF_FETCH:
	case BPF_OR: case BPF_OR | BPF_FETCH:
	case BPF_AND: case BPF_AND | BPF_FETCH:
	case BPF_XOR: case BPF_XOR | BPF_FETCH:
	case BPF_XCHG: case BPF_CMPXCHG:
		return true;
	default:
		return false;
	}
}

/* Target of a jump, a bpf2bpf call or a callback lddw, relative to the next insn. */
static int64_t
target_of(const struct bpf_insn *insn, uint32_t i)
{
	int64_t rel;

	if (ops[insn->code].kind == KIND_JA)
		rel = xdpdk_isa_ja_offset(insn);
	else if (ops[insn->code].kind == KIND_CALL || ops[insn->code].kind == KIND_LDDW)
		rel = insn->imm;
	else
		rel = insn->off;
	return (int64_t)i + rel + 1;
}

static bool
is_pseudo_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_CALL;
}

static bool
is_pseudo_func(const struct bpf_insn *insn)
{
	return xdpdk_isa_is_lddw(insn) && insn->src_reg == BPF_PSEUDO_FUNC;
}

/* ALU field rules, as the kernel's check_alu_op. */
static int
check_alu(struct chk *c, uint32_t i, const struct bpf_insn *insn, enum xdpdk_isa_kind k)
{
	const uint8_t op = BPF_OP(insn->code);
	const bool is64 = BPF_CLASS(insn->code) == BPF_ALU64;

	if (insn->dst_reg == BPF_REG_10)
		return reject(c, i, -EINVAL, "cannot write to r10");
	if (k == KIND_END) {
		if (insn->src_reg != 0 || insn->off != 0)
			return reject(c, i, -EINVAL, "reserved fields of END must be 0");
		if (insn->imm != 16 && insn->imm != 32 && insn->imm != 64)
			return reject(c, i, -EINVAL, "invalid END width %d (16, 32 or 64)",
				      insn->imm);
		return 0;
	}
	if (k == KIND_ALU64_UN || k == KIND_ALU32_UN) {
		if (insn->src_reg != 0 || insn->off != 0 || insn->imm != 0)
			return reject(c, i, -EINVAL, "reserved fields of neg must be 0");
		return 0;
	}
	if ((k == KIND_ALU64_IMM || k == KIND_ALU32_IMM) && insn->src_reg != 0)
		return reject(c, i, -EINVAL, "nonzero src_reg %u with an immediate operand",
			      insn->src_reg);
	if ((k == KIND_ALU64_REG || k == KIND_ALU32_REG) && insn->imm != 0)
		return reject(c, i, -EINVAL, "nonzero imm %d with a register operand", insn->imm);
	if (insn->off == 0)
		return 0;
	if ((op == BPF_DIV || op == BPF_MOD) && insn->off == 1)
		return 0;		/* sdiv, smod */
	if (op == BPF_MOV && (k == KIND_ALU64_REG || k == KIND_ALU32_REG) &&
	    (insn->off == 8 || insn->off == 16 || (is64 && insn->off == 32)))
		return 0;		/* movsx: 32 only in ALU64, as the kernel */
	return reject(c, i, -EINVAL, "invalid off %d", insn->off);
}

static int
check_jump_fields(struct chk *c, uint32_t i, const struct bpf_insn *insn, enum xdpdk_isa_kind k)
{
	if (k == KIND_JA) {
		if (insn->dst_reg != 0 || insn->src_reg != 0)
			return reject(c, i, -EINVAL, "reserved fields of ja must be 0");
		if (BPF_CLASS(insn->code) == BPF_JMP && insn->imm != 0)
			return reject(c, i, -EINVAL, "nonzero imm %d in ja", insn->imm);
		if (BPF_CLASS(insn->code) == BPF_JMP32 && insn->off != 0)
			return reject(c, i, -EINVAL, "nonzero off %d in gotol", insn->off);
		return 0;
	}
	if ((k == KIND_JMP64_IMM || k == KIND_JMP32_IMM) && insn->src_reg != 0)
		return reject(c, i, -EINVAL, "nonzero src_reg %u with an immediate operand",
			      insn->src_reg);
	if ((k == KIND_JMP64_REG || k == KIND_JMP32_REG) && insn->imm != 0)
		return reject(c, i, -EINVAL, "nonzero imm %d with a register operand", insn->imm);
	return 0;
}

static int
check_lddw(struct chk *c, uint32_t i, const struct bpf_insn *insn)
{
	const struct bpf_insn *hi = insn + 1;

	if (i + 1 >= c->prog->n_insns)
		return reject(c, i, -EINVAL, "truncated lddw");
	if (insn->dst_reg > BPF_REG_10)
		return reject(c, i, -EINVAL, "invalid register r%u", insn->dst_reg);
	if (insn->dst_reg == BPF_REG_10)
		return reject(c, i, -EINVAL, "cannot write to r10");
	if (insn->off != 0)
		return reject(c, i, -EINVAL, "nonzero off %d in lddw", insn->off);
	/* After map resolution the imm holds the address, but the pseudo source stays. */
	switch (insn->src_reg) {
	case 0:
	case BPF_PSEUDO_MAP_FD:
	case BPF_PSEUDO_MAP_VALUE:
	case BPF_PSEUDO_FUNC:
		break;
	case BPF_PSEUDO_MAP_IDX:
	case BPF_PSEUDO_MAP_IDX_VALUE:
		/* An index is not an address: running it would dereference garbage. */
		return reject(c, i, -EINVAL, "unresolved reference to map index %d (load the "
			      "object's maps first: xdpdk_obj_load)", insn->imm);
	default:
		return reject(c, i, -EINVAL, "invalid lddw src_reg %u", insn->src_reg);
	}
	if (hi->code != 0)
		return reject(c, i, -EINVAL, "second slot of lddw has opcode 0x%02x, not 0",
			      hi->code);
	if (hi->dst_reg != 0 || hi->src_reg != 0 || hi->off != 0)
		return reject(c, i, -EINVAL, "second slot of lddw has nonzero fields");
	if (insn->src_reg == BPF_PSEUDO_FUNC) {
		int64_t t = target_of(insn, i);

		if (t < 0 || t >= c->prog->n_insns)
			return reject(c, i, -EINVAL, "callback target %lld out of range",
				      (long long)t);
	}
	return 0;
}

static int
check_call(struct chk *c, uint32_t i, const struct bpf_insn *insn)
{
	if (insn->dst_reg != 0 || insn->off != 0)
		return reject(c, i, -EINVAL, "reserved fields of call must be 0");
	if (insn->src_reg == BPF_PSEUDO_KFUNC_CALL)
		return reject(c, i, -EINVAL, "call to kfunc not supported");
	if (insn->src_reg == BPF_PSEUDO_CALL) {
		int64_t t = target_of(insn, i);

		if (t < 0 || t >= c->prog->n_insns)
			return reject(c, i, -EINVAL, "bpf2bpf call target out of range (%lld)",
				      (long long)t);
		return 0;
	}
	if (insn->src_reg != 0)
		return reject(c, i, -EINVAL, "invalid call src_reg %u", insn->src_reg);
	return 0;
}

static int
check_mem(struct chk *c, uint32_t i, const struct bpf_insn *insn, enum xdpdk_isa_kind k)
{
	switch (k) {
	case KIND_LD_ABS:
	case KIND_LD_IND:
		if (insn->dst_reg != 0 || insn->off != 0 ||
		    (k == KIND_LD_ABS && insn->src_reg != 0))
			return reject(c, i, -EINVAL, "reserved fields of ld_abs/ld_ind must be 0");
		return 0;
	case KIND_LDX:
	case KIND_LDXSX:
		if (insn->dst_reg == BPF_REG_10)
			return reject(c, i, -EINVAL, "cannot write to r10");
		if (insn->imm != 0)
			return reject(c, i, -EINVAL, "nonzero imm %d in a load", insn->imm);
		return 0;
	case KIND_ST:
		if (insn->src_reg != 0)
			return reject(c, i, -EINVAL, "nonzero src_reg %u in a store of imm",
				      insn->src_reg);
		return 0;
	case KIND_STX:
		if (insn->imm != 0)
			return reject(c, i, -EINVAL, "nonzero imm %d in a store", insn->imm);
		return 0;
	case KIND_ATOMIC:
		if (!is_valid_atomic(insn->imm))
			return reject(c, i, -EINVAL, "invalid atomic operation 0x%x", insn->imm);
		/* Fetch forms write the old value to src; cmpxchg writes r0. */
		if ((insn->imm & BPF_FETCH) && insn->imm != BPF_CMPXCHG &&
		    insn->src_reg == BPF_REG_10)
			return reject(c, i, -EINVAL, "cannot write to r10");
		return 0;
	default:
		return 0;
	}
}

/* Fields of one instruction; lddw's second slot is marked and skipped. */
static int
check_insn(struct chk *c, uint32_t i)
{
	const struct bpf_insn *insn = &c->prog->insns[i];
	const enum xdpdk_isa_kind k = ops[insn->code].kind;

	if (k == KIND_NONE)
		return reject(c, i, -EINVAL, "invalid opcode 0x%02x", insn->code);
	if (k == KIND_LDDW) {
		if (i + 1 < c->prog->n_insns)
			c->mark[i + 1] |= MARK_LDDW_HI;
		return check_lddw(c, i, insn);
	}
	if (insn->dst_reg > BPF_REG_10)
		return reject(c, i, -EINVAL, "invalid register r%u", insn->dst_reg);
	if (k == KIND_CALL)
		return check_call(c, i, insn);
	if (insn->src_reg > BPF_REG_10)
		return reject(c, i, -EINVAL, "invalid register r%u", insn->src_reg);
	if (is_alu(k))
		return check_alu(c, i, insn, k);
	if (is_jump(k))
		return check_jump_fields(c, i, insn, k);
	if (k == KIND_EXIT) {
		if (insn->dst_reg != 0 || insn->src_reg != 0 || insn->off != 0 || insn->imm != 0)
			return reject(c, i, -EINVAL, "reserved fields of exit must be 0");
		return 0;
	}
	return check_mem(c, i, insn, k);
}

/* A jump, call or callback target must be an instruction, not an lddw's second half. */
static int
check_targets(struct chk *c, uint32_t i)
{
	const struct bpf_insn *insn = &c->prog->insns[i];
	const enum xdpdk_isa_kind k = ops[insn->code].kind;
	int64_t t;

	if (is_jump(k)) {
		t = target_of(insn, i);
		if (t < 0 || t >= c->prog->n_insns)
			return reject(c, i, -EINVAL, "jump out of range to %lld", (long long)t);
	} else if (is_pseudo_call(insn) || is_pseudo_func(insn)) {
		t = target_of(insn, i);
		c->mark[t] |= MARK_START;
	} else {
		return 0;
	}
	if (c->mark[t] & MARK_LDDW_HI)
		return reject(c, i, -EINVAL, "%s into the middle of lddw at %lld",
			      is_jump(k) ? "jump" : "call", (long long)t - 1);
	return 0;
}

static bool
ends_subprog(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_EXIT) || insn->code == (BPF_JMP | BPF_JA) ||
	       insn->code == (BPF_JMP32 | BPF_JA);
}

/* The subprog table from the marks; every jump must stay in its subprog. */
static int
build_subprogs(struct chk *c)
{
	struct xdpdk_prog *prog = c->prog;
	const uint32_t n = prog->n_insns;
	uint32_t count = 0, s = 0;

	c->mark[0] |= MARK_START;
	for (uint32_t i = 0; i < n; i++)
		count += (c->mark[i] & MARK_START) != 0;
	free(prog->subprogs);
	prog->subprogs = calloc(count, sizeof(*prog->subprogs));
	prog->n_subprogs = 0;
	if (prog->subprogs == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		if (!(c->mark[i] & MARK_START))
			continue;
		if (s > 0)
			prog->subprogs[s - 1].end = i;
		prog->subprogs[s++].start = i;
	}
	prog->subprogs[s - 1].end = n;
	prog->n_subprogs = count;

	for (s = 0; s < count; s++) {
		const struct xdpdk_subprog *sp = &prog->subprogs[s];

		for (uint32_t i = sp->start; i < sp->end; i++) {
			const struct bpf_insn *insn = &prog->insns[i];
			int64_t t;

			if (c->mark[i] & MARK_LDDW_HI || !is_jump(ops[insn->code].kind))
				continue;
			t = target_of(insn, i);
			if (t < sp->start || t >= sp->end)
				return reject(c, i, -EINVAL,
					      "jump to %lld leaves its subprog [%u, %u)",
					      (long long)t, sp->start, sp->end);
		}
		if (ends_subprog(&prog->insns[sp->end - 1]))
			continue;
		if (sp->end == n)
			return reject(c, sp->end - 1, -EINVAL,
				      "last instruction is not exit or jump (falls off the end)");
		return reject(c, sp->end - 1, -EINVAL,
			      "last instruction of subprog at %u is not exit or jump "
			      "(falls into subprog at %u)", sp->start, sp->end);
	}
	return 0;
}

static uint32_t
subprog_at(const struct xdpdk_prog *prog, uint32_t start)
{
	uint32_t lo = 0, hi = prog->n_subprogs;

	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (prog->subprogs[mid].start <= start)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Depth-first walk of the call graph from @s, entered by the call at @from
 * with @frames frames on the stack including @s's. The path is never longer
 * than CHK_MAX_FRAMES, so the C recursion is bounded.
 */
static int
walk_calls(struct chk *c, uint32_t s, uint32_t frames, uint32_t from)
{
	const struct xdpdk_prog *prog = c->prog;
	const struct xdpdk_subprog *sp = &prog->subprogs[s];
	uint32_t deepest = 1;

	if (c->state[s] == 1)
		return reject(c, from, -EINVAL, "recursive call to subprog at %u", sp->start);
	if (frames > CHK_MAX_FRAMES || (c->state[s] == 2 && frames - 1 + c->depth[s] >
					 CHK_MAX_FRAMES))
		return reject(c, from, -EINVAL, "call stack is deeper than %u frames",
			      CHK_MAX_FRAMES);
	if (c->state[s] == 2)
		return 0;
	c->state[s] = 1;
	for (uint32_t i = sp->start; i < sp->end; i++) {
		const struct bpf_insn *insn = &prog->insns[i];
		uint32_t callee;
		int rc;

		if (!is_pseudo_call(insn) || c->mark[i] & MARK_LDDW_HI)
			continue;
		callee = subprog_at(prog, (uint32_t)target_of(insn, i));
		rc = walk_calls(c, callee, frames + 1, i);
		if (rc != 0)
			return rc;
		if (1u + c->depth[callee] > deepest)
			deepest = 1u + c->depth[callee];
	}
	c->state[s] = 2;
	c->depth[s] = (uint8_t)deepest;
	return 0;
}

int
xdpdk_check_prog(struct xdpdk_prog *prog, struct xdpdk_log *log)
{
	struct chk c = { .prog = prog, .log = log };
	const uint32_t n = prog->n_insns;
	int rc = 0;

	if (n == 0) {
		xdpdk_log_printf(log, "empty program\n");
		return -EINVAL;
	}
	c.mark = calloc(n, 1);
	if (c.mark == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < n && rc == 0; i++) {
		rc = check_insn(&c, i);
		if (xdpdk_isa_is_lddw(&prog->insns[i]))
			i++;
	}
	for (uint32_t i = 0; i < n && rc == 0; i++) {
		if (!(c.mark[i] & MARK_LDDW_HI))
			rc = check_targets(&c, i);
	}
	if (rc == 0)
		rc = build_subprogs(&c);
	if (rc == 0) {
		c.state = calloc(prog->n_subprogs, 1);
		c.depth = calloc(prog->n_subprogs, 1);
		if (c.state == NULL || c.depth == NULL)
			rc = -ENOMEM;
	}
	/* Every subprog is a root: callbacks are not reached by calls from the entry. */
	for (uint32_t s = 0; s < prog->n_subprogs && rc == 0; s++)
		rc = walk_calls(&c, s, 1, prog->subprogs[s].start);
	free(c.depth);
	free(c.state);
	free(c.mark);
	if (rc != 0) {
		free(prog->subprogs);
		prog->subprogs = NULL;
		prog->n_subprogs = 0;
	}
	return rc;
}
