/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The interpreter's dispatch loop, a template that vm.c includes twice:
 * VM_CHECKED 0 (the data path) and 1 (accesses checked, a step limit), named
 * VM_LOOP_NAME. It is a textual template rather than an inline function with
 * a constant flag because GCC will neither inline nor clone a function that
 * stores the addresses of its labels, which the computed-goto table needs.
 * With the flag a constant, each copy keeps only its own checks.
 */

static uint64_t
VM_LOOP_NAME(const struct xdpdk_prog *prog, const struct bpf_insn *start, const uint64_t args[5],
	     struct vm_check *chk)
{
	const bool checked = VM_CHECKED;
	/* Frame 0 is the top 512 bytes; each bpf2bpf call takes the next 512 below. */
	uint64_t stack[XDPDK_BPF_MAX_CALL_FRAMES * VM_FRAME_WORDS] __attribute__((aligned(16)));
	const uintptr_t stack_top = (uintptr_t)(stack + VM_ARRAY_SIZE(stack));
	struct vm_frame frames[XDPDK_BPF_MAX_CALL_FRAMES];
	uint64_t reg[XDPDK_BPF_NREGS] = { [1] = args[0], [2] = args[1], [3] = args[2],
					  [4] = args[3], [5] = args[4], [10] = stack_top };
	const struct bpf_insn *insn = start;
	uint32_t depth = 0;
	uint32_t tail_calls = 0;
	uint64_t steps = 0;
	/* Set before jumping to fault_access / fault_align. */
	uint64_t f_addr = 0;
	unsigned f_size = 0;
	bool f_write = false;

#if XDPDK_COMPUTED_GOTO
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
	static const void *const table[256] = {
		[0 ... 255] = &&invalid,
#define XDPDK_OP(c, m, k, o) [c] = &&VM_HANDLER(c, k, m),
#include "opcodes.def"
#undef XDPDK_OP
	};
#pragma GCC diagnostic pop
#endif

	/* Uninitialised stack would make checked runs differ from run to run. */
	if (checked)
		memset(stack, 0, sizeof(stack));

#if XDPDK_COMPUTED_GOTO
	VM_DISPATCH();
#else
dispatch:
	if (checked && ++steps > VM_STEP_LIMIT)
		goto step_limit;
	switch (insn->code) {
#endif

#define XDPDK_OP(c, m, k, o)		\
	VM_HANDLER(c, k, m):		\
		VM_K_##k(c, o);		\
		VM_NEXT();
#include "opcodes.def"
#undef XDPDK_OP

#if !XDPDK_COMPUTED_GOTO
	default:
		goto invalid;
	}
#endif

do_call:
	if (insn->src_reg == BPF_PSEUDO_CALL) {
		struct vm_frame *fr;

		if (depth + 1 >= XDPDK_BPF_MAX_CALL_FRAMES) {
			if (checked)
				vm_fault(chk, prog, insn, -EINVAL,
					 "call stack deeper than %u frames",
					 XDPDK_BPF_MAX_CALL_FRAMES);
			return 0;
		}
		fr = &frames[depth++];
		fr->prog = prog;
		fr->ret = insn + 1;
		memcpy(fr->callee_saved, &reg[6], sizeof(fr->callee_saved));
		reg[10] -= XDPDK_BPF_STACK_SIZE;
		insn += insn->imm + 1;
		VM_DISPATCH();
	}
	if (insn->imm == BPF_FUNC_tail_call) {
		/*
		 * As the kernel: the index is checked first, then the count,
		 * which an empty slot also consumes. The target replaces the
		 * current function in its frame: its exit returns to whoever
		 * called that function, which from the main program ends the run.
		 */
		const struct xdpdk_prog_array *arr = (const void *)(uintptr_t)reg[2];
		const uint32_t idx = (uint32_t)reg[3];
		const struct xdpdk_prog *target;

		if (arr != NULL && idx < arr->max_entries &&
		    tail_calls < XDPDK_BPF_MAX_TAIL_CALLS) {
			tail_calls++;
			target = xdpdk_tail_call_target(arr, idx);
			if (target != NULL) {
				prog = target;
				insn = target->insns;
				VM_DISPATCH();
			}
		}
		VM_NEXT();
	}
	{
		const uint32_t id = (uint32_t)insn->imm;
		xdpdk_helper_fn fn = id < XDPDK_HELPER_ID_MAX ? prog->helpers[id] : NULL;

		if (fn == NULL) {
			if (checked)
				vm_fault(chk, prog, insn, -EINVAL, "call to unresolved helper %u",
					 id);
			return 0;
		}
		/*
		 * r1-r5 are left as they were: the verifier treats them as clobbered.
		 * Checked: a callback the helper runs may use every frame of this
		 * call chain, and its fault ends this run too.
		 */
		if (checked) {
			chk->cur_stack = (struct vm_region){ VM_STACK_LO, stack_top, true };
			reg[0] = fn(reg[1], reg[2], reg[3], reg[4], reg[5]);
			if (chk->res->fault != 0)
				return 0;
		} else {
			reg[0] = fn(reg[1], reg[2], reg[3], reg[4], reg[5]);
		}
		VM_NEXT();
	}

do_exit:
	if (depth == 0)
		return reg[0];
	{
		const struct vm_frame *fr = &frames[--depth];

		memcpy(&reg[6], fr->callee_saved, sizeof(fr->callee_saved));
		reg[10] += XDPDK_BPF_STACK_SIZE;
		prog = fr->prog;
		insn = fr->ret;
		VM_DISPATCH();
	}

	/* The structural check refuses these; a checked run says so rather than guessing. */
invalid:
	if (checked)
		vm_fault(chk, prog, insn, -EINVAL, "invalid opcode 0x%02x", insn->code);
	return 0;

invalid_atomic:
	if (checked)
		vm_fault(chk, prog, insn, -EINVAL, "invalid atomic operation 0x%x", insn->imm);
	return 0;

fault_access:
	vm_fault(chk, prog, insn, -EFAULT, "invalid %s of %u bytes at 0x%" PRIx64 " (%s)",
		 f_write ? "write" : "read", f_size, f_addr,
		 f_write ? chk->allowed_write : chk->allowed_read);
	return 0;

fault_align:
	vm_fault(chk, prog, insn, -EFAULT, "misaligned atomic of %u bytes at 0x%" PRIx64, f_size,
		 f_addr);
	return 0;

step_limit:
	vm_fault(chk, prog, insn, -EINVAL, "instruction limit exceeded (%llu)", VM_STEP_LIMIT);
	return 0;
}
