/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The x86-64 JIT's calls: helpers (with array lookups inlined as the
 * kernel's map_gen_lookup), bpf2bpf calls and tail calls.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>

#include "x86_64_jit.h"

/* A tail call target that runs on the interpreter: its result is this frame's. */
static uint64_t
tail_call_interp(uint64_t ctx, const struct xdpdk_prog *target)
{
	return xdpdk_vm_exec(target, ctx, 0);
}

/*
 * bpf_tail_call(ctx = r1, map = r2, index = r3), kernel style: check the
 * index and the per-run counter (shared by all frames through a pointer kept
 * in each frame), then unwind this frame and jump to the target's image start
 * with rax = counter pointer and rdi = ctx. Like the kernel, the counter is
 * taken before the slot is found empty. Failing checks fall through.
 */
static int
emit_tail_call(struct jit *j, uint32_t i, const struct bpf_insn *insn)
{
	struct x86_buf *b = &j->b;
	int32_t tcc_off = -(int32_t)(j->f->stack + 8);
	uint32_t out0, out1, out2, out3, interp;

	(void)i;
	(void)insn;
	x86_alu_rr(b, X86_OP_TEST_MR, true, X86_RSI, X86_RSI);
	out0 = xdpdk_jit_fwd_jcc8(j, X86_CC_E);			/* no map: as the interpreter */
	x86_mov_rr(b, false, X86_RDX, X86_RDX);	/* the index is a u32 */
	x86_op_mem(b, 4, X86_OP_CMP_MR, 0, X86_RDX, X86_RSI,
		   offsetof(struct xdpdk_prog_array, max_entries));
	out1 = xdpdk_jit_fwd_jcc8(j, X86_CC_BE);			/* max_entries <= index */
	x86_load(b, 8, false, X86_RAX, X86_RBP, tcc_off);
	x86_alu_mi8(b, X86_CMP, 4, X86_RAX, 0, XDPDK_BPF_MAX_TAIL_CALLS);
	out2 = xdpdk_jit_fwd_jcc8(j, X86_CC_AE);
	x86_alu_mi8(b, X86_ADD, 4, X86_RAX, 0, 1);
	x86_load_idx8(b, X86_RCX, X86_RSI, X86_RDX, offsetof(struct xdpdk_prog_array, progs));
	x86_alu_rr(b, X86_OP_TEST_MR, true, X86_RCX, X86_RCX);
	out3 = xdpdk_jit_fwd_jcc8(j, X86_CC_E);			/* empty slot */
	x86_load(b, 8, false, TMP, X86_RCX, offsetof(struct xdpdk_prog, jit_image));
	x86_alu_rr(b, X86_OP_TEST_MR, true, TMP, TMP);
	interp = xdpdk_jit_fwd_jcc8(j, X86_CC_E);
	xdpdk_jit_unwind(j);
	x86_jmp_r(b, TMP);
	xdpdk_jit_fwd_bind(j, interp);
	x86_mov_rr(b, true, X86_RSI, X86_RCX);
	xdpdk_jit_call_abs(j, (uintptr_t)tail_call_interp);
	xdpdk_jit_unwind(j);
	x86_ret(b);
	xdpdk_jit_fwd_bind(j, out0);
	xdpdk_jit_fwd_bind(j, out1);
	xdpdk_jit_fwd_bind(j, out2);
	xdpdk_jit_fwd_bind(j, out3);
	return 0;
}

/* Index of the function starting at @start, or -1. */
static int64_t
func_at(const struct jit *j, int64_t start)
{
	for (uint32_t k = 0; k < j->n_funcs; k++)
		if (j->funcs[k].start == start)
			return k;
	return -1;
}

/*
 * r0 = bpf_map_lookup_elem(r1 = array map, r2 = key) without a call, as the
 * kernel's array_map_gen_lookup / percpu_array_map_gen_lookup:
 *   mov eax, [rsi]; cmp eax, max_entries; jae null
 *   (percpu: mov ecx, fs:[worker]; cmp ecx, n_slots; jae null; rcx *= slot_size)
 *   rax *= elem_size; rax += values (+ rcx); jmp done; null: xor eax, eax
 * Only r0-r5 and r11 change, which a helper call may clobber too.
 * With blinding, as the kernel's blinded map_gen_lookup: max_entries, the
 * sizes and the values' address are built in rdx/r11 (what the program
 * chose; the worker's TLS offset and n_slots are xdpdk's own).
 */

/* mov eax, [rsi]; cmp eax, max_entries, blinded. */
static void
blinded_lookup(struct jit *j, uint32_t i, const struct jit_lookup *l)
{
	struct x86_buf *b = &j->b;
	const struct xdpdk_map_inline *m = &l->m;

	x86_load(b, 4, false, X86_RAX, X86_RSI, 0);
	xdpdk_jit_blinded_imm(j, i, 0, false, X86_RDX, (int32_t)m->max_entries);
	x86_alu_rr(b, X86_OP_CMP_MR, false, X86_RAX, X86_RDX);
}

static int
emit_inline_lookup(struct jit *j, uint32_t i, const struct jit_lookup *l)
{
	struct x86_buf *b = &j->b;
	const struct xdpdk_map_inline *m = &l->m;
	uint32_t null0, null1 = 0, done;

	if (j->blind) {
		blinded_lookup(j, i, l);
	} else {
		x86_load(b, 4, false, X86_RAX, X86_RSI, 0);
		x86_alu_ri(b, X86_CMP, false, X86_RAX, (int32_t)m->max_entries);
	}
	null0 = xdpdk_jit_fwd_jcc8(j, X86_CC_AE);
	if (m->worker != NULL) {
		x86_emit2(b, 0x64, 0x8b);	/* mov ecx, fs:[disp32] */
		x86_emit2(b, 0x0c, 0x25);
		x86_emit_u32(b, (uint32_t)l->tls_off);
		x86_alu_ri(b, X86_CMP, false, X86_RCX, (int32_t)m->n_slots);
		null1 = xdpdk_jit_fwd_jcc8(j, X86_CC_AE);
		if (j->blind) {
			xdpdk_jit_blinded_u64(j, i, 1, TMP, X86_RDX, m->slot_size);
			x86_imul_rr(b, true, X86_RCX, TMP);
		} else if (x86_is_simm32((int64_t)m->slot_size)) {
			x86_imul_rri(b, true, X86_RCX, X86_RCX, (int32_t)m->slot_size);
		} else {
			x86_mov_ri(b, TMP, m->slot_size);
			x86_imul_rr(b, true, X86_RCX, TMP);
		}
	}
	if (j->blind) {
		xdpdk_jit_blinded_u64(j, i, 2, TMP, X86_RDX, m->elem_size);
		x86_imul_rr(b, true, X86_RAX, TMP);
	} else if ((m->elem_size & (m->elem_size - 1)) == 0) {
		x86_shift_ri(b, X86_SHL, true, X86_RAX, (uint8_t)__builtin_ctz(m->elem_size));
	} else if (x86_is_simm32(m->elem_size)) {
		x86_imul_rri(b, true, X86_RAX, X86_RAX, (int32_t)m->elem_size);
	} else {
		x86_mov_ri(b, TMP, m->elem_size);
		x86_imul_rr(b, true, X86_RAX, TMP);
	}
	if (j->blind)
		xdpdk_jit_blinded_u64(j, i, 3, TMP, X86_RDX, (uintptr_t)m->values);
	else
		x86_mov_ri(b, TMP, (uintptr_t)m->values);
	x86_alu_rr(b, X86_OP_ADD_MR, true, X86_RAX, TMP);
	if (m->worker != NULL)
		x86_alu_rr(b, X86_OP_ADD_MR, true, X86_RAX, X86_RCX);
	done = xdpdk_jit_fwd_jmp8(j);
	xdpdk_jit_fwd_bind(j, null0);
	if (null1 != 0)
		xdpdk_jit_fwd_bind(j, null1);
	x86_zero(b, X86_RAX);
	xdpdk_jit_fwd_bind(j, done);
	return 0;
}

int
xdpdk_jit_emit_call(struct jit *j, uint32_t i, const struct bpf_insn *insn)
{
	if (insn->src_reg == BPF_PSEUDO_CALL) {
		int64_t fi = func_at(j, (int64_t)i + 1 + insn->imm);
		int64_t here;

		if (fi < 0)
			return xdpdk_jit_fail(j, i, "call target %" PRId64 " is not a function",
					(int64_t)i + 1 + insn->imm);
		if (j->f->tcc)	/* pass the tail call counter pointer */
			x86_load(&j->b, 8, false, X86_RAX, X86_RBP, -(int32_t)(j->f->stack + 8));
		here = (int64_t)j->prev[i] + (j->b.pos - j->addr[i]);
		x86_call32(&j->b, (int32_t)((int64_t)j->prev_fentry[fi] - (here + 5)));
		return 0;
	}
	if (insn->src_reg != 0)
		return xdpdk_jit_fail(j, i, "call kind %u (kfunc?) not supported", insn->src_reg);
	if (insn->imm == BPF_FUNC_tail_call)
		return emit_tail_call(j, i, insn);
	if (insn->imm < 0 || insn->imm >= XDPDK_HELPER_ID_MAX ||
	    j->prog->helpers[insn->imm] == NULL)
		return xdpdk_jit_fail(j, i, "helper %d is not resolved", insn->imm);
	if (j->lookup != NULL) {
		/* r1 is the map, r2-r4 the rest: the family's function takes them as they are */
		const struct xdpdk_map_inline *m = &j->lookup[i].m;
		uintptr_t direct = 0;

		if (insn->imm == BPF_FUNC_map_lookup_elem && m->values != NULL)
			return emit_inline_lookup(j, i, &j->lookup[i]);
		if (insn->imm == BPF_FUNC_map_lookup_elem)
			direct = (uintptr_t)m->lookup;
		else if (insn->imm == BPF_FUNC_map_update_elem)
			direct = (uintptr_t)m->update;
		else if (insn->imm == BPF_FUNC_map_delete_elem)
			direct = (uintptr_t)m->delete;
		if (direct != 0) {
			xdpdk_jit_call_abs(j, direct);
			return 0;
		}
	}
	xdpdk_jit_call_abs(j, (uintptr_t)j->prog->helpers[insn->imm]);
	return 0;
}

/* An instruction that may write BPF register @r (conservative). */
static bool
writes_reg(const struct bpf_insn *insn, unsigned r)
{
	const uint8_t cls = BPF_CLASS(insn->code);

	if (cls == BPF_ALU || cls == BPF_ALU64 || cls == BPF_LDX)
		return insn->dst_reg == r;
	if (cls == BPF_LD)	/* lddw; LD_ABS/LD_IND clobber r1-r5 */
		return insn->dst_reg == r || !xdpdk_isa_is_lddw(insn);
	if (cls == BPF_STX && BPF_MODE(insn->code) == BPF_ATOMIC)
		return insn->src_reg == r || r == BPF_REG_0;
	if ((cls == BPF_JMP || cls == BPF_JMP32) && BPF_OP(insn->code) == BPF_CALL)
		return r <= BPF_REG_5;
	return false;
}

/* The map helpers the JIT inlines or calls past, when the helper is resolved. */
static bool
is_map_call(const struct xdpdk_prog *prog, int32_t id)
{
	return (id == BPF_FUNC_map_lookup_elem || id == BPF_FUNC_map_update_elem ||
		id == BPF_FUNC_map_delete_elem) && prog->helpers[id] != NULL;
}

/*
 * Which bpf_map_lookup_elem calls to inline: those whose r1 is, on every path
 * to the call, one lddw of an array or percpu_array map. The kernel knows that
 * from its verifier; here a forward scan of each straight-line run (reset at
 * every jump target) finds the lddw that last wrote r1. Lookups on other maps
 * known that way, and updates and deletes on any, call the map family's
 * function directly, past the helper and its dispatch (the kernel's verifier
 * patches these calls into the map's ops the same way).
 */
int
xdpdk_jit_plan_lookups(struct jit *j)
{
	const struct xdpdk_prog *prog = j->prog;
	const struct bpf_insn *insns = prog->insns;
	const char *off = getenv("XDPDK_JIT_NO_INLINE");
	const bool *target = j->target;
	uintptr_t tp;

	if (prog->map_inline == NULL || (off != NULL && off[0] != '\0' && off[0] != '0'))
		return 0;
	__asm__("mov %%fs:0, %0" : "=r"(tp));	/* the thread pointer (TCB self pointer) */
	j->lookup = calloc(prog->n_insns, sizeof(*j->lookup));
	if (j->lookup == NULL)
		return -ENOMEM;
	for (uint32_t k = 0; k < j->n_funcs; k++) {
		const struct bpf_insn *r1 = NULL;	/* the map lddw r1 holds */

		for (uint32_t i = j->funcs[k].start; i < j->funcs[k].end; i++) {
			const struct bpf_insn *insn = &insns[i];
			struct jit_lookup *l = &j->lookup[i];

			if (target[i])
				r1 = NULL;
			if (insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == 0 &&
			    is_map_call(prog, insn->imm) && r1 != NULL &&
			    prog->map_inline((const void *)(uintptr_t)xdpdk_isa_lddw_imm(r1),
					     &l->m) == 0) {
				intptr_t d = (intptr_t)(uintptr_t)l->m.worker - (intptr_t)tp;

				if (l->m.worker != NULL && !x86_is_simm32(d))
					l->m.values = NULL;	/* not static TLS: call */
				l->tls_off = (int32_t)d;
			}
			if (xdpdk_isa_is_lddw(insn) && insn->dst_reg == BPF_REG_1)
				r1 = insn->src_reg == BPF_PSEUDO_MAP_FD ? insn : NULL;
			else if (writes_reg(insn, BPF_REG_1) || insn->code == (BPF_JMP | BPF_EXIT))
				r1 = NULL;
			if (xdpdk_isa_is_lddw(insn))
				i++;
		}
	}
	return 0;
}

/* Which instructions some jump lands on (j->target), for the analyses above and the peepholes. */
int
xdpdk_jit_plan_targets(struct jit *j)
{
	const struct xdpdk_prog *prog = j->prog;
	const struct bpf_insn *insns = prog->insns;

	j->target = calloc(prog->n_insns + 1, sizeof(*j->target));
	if (j->target == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < prog->n_insns; i++) {
		const uint8_t cls = BPF_CLASS(insns[i].code), op = BPF_OP(insns[i].code);

		if ((cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_CALL && op != BPF_EXIT) {
			int64_t t = xdpdk_jit_jump_target(j, i, op == BPF_JA && cls == BPF_JMP32 ?
						      insns[i].imm : insns[i].off);

			if (t >= 0 && t <= prog->n_insns)
				j->target[t] = true;
		}
		if (xdpdk_isa_is_lddw(&insns[i]))
			i++;
	}
	return 0;
}
