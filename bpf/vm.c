/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The eBPF interpreter: ISA v4 as Linux defines it, with bpf2bpf calls, tail
 * calls and the legacy packet loads. Handlers are generated from opcodes.def,
 * one template per operand kind (the VM_K_* macros below); the dispatch loop
 * in vm_loop.h is compiled twice from the same text: once for the data path
 * and once with every memory access checked and a step limit, for tools.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <xdpdk/ctx.h>

#include "xdpdk_config.h"
#include "prog_internal.h"

/* A checked run stops after this many instructions, so a loop cannot hang a tool. */
#define VM_STEP_LIMIT 10000000ULL

#define VM_FRAME_WORDS (XDPDK_BPF_STACK_SIZE / 8)
#define VM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* What a bpf2bpf call saves: where to return and the caller's callee-saved r6-r9. */
struct vm_frame {
	const struct xdpdk_prog *prog;	/* the caller's program: a tail call may switch it */
	const struct bpf_insn *ret;	/* next instruction in the caller */
	uint64_t callee_saved[4];
};

struct vm_region {
	uintptr_t lo;
	uintptr_t hi;
	bool writable;
};

/* Nested callbacks whose callers' stacks a checked callback run may use. */
#define VM_MAX_CB_NEST 8

/* Checked mode only: the memory a program may touch besides its stack frames. */
struct vm_check {
	struct vm_region region[2 + VM_MAX_CB_NEST];
	unsigned n_region;
	struct vm_region cur_stack;	/* this run's frames at its current helper call */
	const char *allowed_read;	/* for fault messages: "stack/packet/ctx" */
	const char *allowed_write;
	const struct xdpdk_prog *entry;	/* faults elsewhere name the tail-called program */
	struct xdpdk_run_result *res;
};

static void __attribute__((cold, noinline, format(printf, 5, 6)))
vm_fault(struct vm_check *chk, const struct xdpdk_prog *prog, const struct bpf_insn *insn,
	 int err, const char *fmt, ...)
{
	struct xdpdk_run_result *res = chk->res;
	uint32_t pc = (uint32_t)(insn - prog->insns);
	va_list ap;
	int n;

	res->fault = err;
	res->fault_pc = pc;
	res->retval = 0;
	n = snprintf(res->fault_msg, sizeof(res->fault_msg), "insn %u: ", pc);
	if (n < 0 || (size_t)n >= sizeof(res->fault_msg))
		return;
	va_start(ap, fmt);
	n += vsnprintf(res->fault_msg + n, sizeof(res->fault_msg) - (size_t)n, fmt, ap);
	va_end(ap);
	if (prog != chk->entry && n > 0 && (size_t)n < sizeof(res->fault_msg))
		snprintf(res->fault_msg + n, sizeof(res->fault_msg) - (size_t)n,
			 " in tail-called %s", prog->name);
}

static inline bool
vm_in(uintptr_t lo, uintptr_t hi, uint64_t addr, unsigned size)
{
	return addr >= lo && addr < hi && size <= hi - addr;
}

/*
 * The stack allowed is the current frame and every caller's frame above it:
 * a callee may be handed a pointer into its caller's stack.
 */
static inline bool
vm_access_ok(const struct vm_check *chk, uintptr_t stack_lo, uintptr_t stack_hi, uint64_t addr,
	     unsigned size, bool write)
{
	if (vm_in(stack_lo, stack_hi, addr, size))
		return true;
	for (unsigned i = 0; i < chk->n_region; i++) {
		const struct vm_region *r = &chk->region[i];

		if ((!write || r->writable) && vm_in(r->lo, r->hi, addr, size))
			return true;
	}
	return false;
}

static void
vm_add_region(struct vm_check *chk, const void *lo, const void *hi, bool writable)
{
	if (lo == NULL || hi <= lo || chk->n_region == VM_ARRAY_SIZE(chk->region))
		return;
	chk->region[chk->n_region++] = (struct vm_region){
		.lo = (uintptr_t)lo, .hi = (uintptr_t)hi, .writable = writable,
	};
}

/*
 * The regions come from the context at entry. Contexts are read-only, as the
 * kernel refuses stores to xdp_md; the packet and RAW memory are writable.
 */
static void
vm_check_setup(struct vm_check *chk, const struct xdpdk_prog *prog, uint64_t r1, uint64_t r2)
{
	const uint8_t *ctx = (const uint8_t *)(uintptr_t)r1;

	chk->allowed_read = "not stack/packet/ctx";
	chk->allowed_write = "not stack/packet";
	if (prog->type == XDPDK_PROG_TYPE_RAW) {
		chk->allowed_read = chk->allowed_write = "not stack/mem";
		if (ctx != NULL)
			vm_add_region(chk, ctx, ctx + r2, true);
		return;
	}
	if (ctx == NULL)
		return;
	if (prog->type == XDPDK_PROG_TYPE_XDP) {
		const struct xdpdk_xdp_ctx *x = (const void *)ctx;

		vm_add_region(chk, x, x + 1, false);
		if (x->data_hard_start != NULL)
			vm_add_region(chk, x->data_hard_start, x->data_hard_end, true);
		else
			vm_add_region(chk, x->data, x->data_end, true);
	} else {
		/* __sk_buff has writable fields (mark, cb[], ...): the context is writable. */
		const struct xdpdk_skb_ctx *x = (const void *)ctx;

		vm_add_region(chk, x, x + 1, true);
		if (x->head != NULL)
			vm_add_region(chk, x->head, x->buf_end, true);
		else
			vm_add_region(chk, x->data, x->data_end, true);
	}
}

/* Loads and stores of any alignment: memcpy is one mov on x86 and defined in C. */
static inline uint64_t
vm_load(uint64_t addr, unsigned size)
{
	const void *p = (const void *)(uintptr_t)addr;

	switch (size) {
	case 1: { uint8_t v; memcpy(&v, p, 1); return v; }
	case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
	case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
	default: { uint64_t v; memcpy(&v, p, 8); return v; }
	}
}

static inline void
vm_store(uint64_t addr, uint64_t val, unsigned size)
{
	void *p = (void *)(uintptr_t)addr;

	switch (size) {
	case 1: { uint8_t v = (uint8_t)val; memcpy(p, &v, 1); break; }
	case 2: { uint16_t v = (uint16_t)val; memcpy(p, &v, 2); break; }
	case 4: { uint32_t v = (uint32_t)val; memcpy(p, &v, 4); break; }
	default: memcpy(p, &val, 8); break;
	}
}

/*
 * ALU semantics; @op is a constant in every handler, so the switch folds away.
 * off selects sdiv/smod (1) and movsx (8/16/32); the checker bounds it.
 */
static inline uint64_t
vm_alu64(uint8_t op, uint64_t a, uint64_t b, int16_t off)
{
	switch (op) {
	case BPF_ADD: return a + b;
	case BPF_SUB: return a - b;
	case BPF_MUL: return a * b;
	case BPF_DIV: return xdpdk_isa_div64(a, b, off == 1);
	case BPF_MOD: return xdpdk_isa_mod64(a, b, off == 1);
	case BPF_OR: return a | b;
	case BPF_AND: return a & b;
	case BPF_XOR: return a ^ b;
	case BPF_LSH: return xdpdk_isa_lsh64(a, b);
	case BPF_RSH: return xdpdk_isa_rsh64(a, b);
	case BPF_ARSH: return xdpdk_isa_arsh64(a, b);
	case BPF_NEG: return (uint64_t)0 - a;
	case BPF_MOV: return off != 0 ? xdpdk_isa_sext(b, off) : b;
	default: return a;
	}
}

/* 32-bit ALU: operands are the low halves and the result is zero-extended. */
static inline uint64_t
vm_alu32(uint8_t op, uint32_t a, uint32_t b, int16_t off)
{
	switch (op) {
	case BPF_ADD: return (uint32_t)(a + b);
	case BPF_SUB: return (uint32_t)(a - b);
	case BPF_MUL: return (uint32_t)(a * b);
	case BPF_DIV: return xdpdk_isa_div32(a, b, off == 1);
	case BPF_MOD: return xdpdk_isa_mod32(a, b, off == 1);
	case BPF_OR: return a | b;
	case BPF_AND: return a & b;
	case BPF_XOR: return a ^ b;
	case BPF_LSH: return xdpdk_isa_lsh32(a, b);
	case BPF_RSH: return xdpdk_isa_rsh32(a, b);
	case BPF_ARSH: return xdpdk_isa_arsh32(a, b);
	case BPF_NEG: return (uint32_t)(0u - a);
	/* movsx 8/16 sign-extends into 32 bits, then the upper half is zeroed. */
	case BPF_MOV: return off != 0 ? (uint32_t)xdpdk_isa_sext(b, off) : b;
	default: return a;
	}
}

/*
 * Atomics, by the operation in imm. Fetch forms return the old value in src
 * (zero-extended for 32 bits); cmpxchg compares with r0 and returns the old
 * value in r0. Returns false for an imm the checker should have refused.
 */
#define VM_ATOMIC_ALU(X) X(BPF_ADD, add) X(BPF_OR, or) X(BPF_AND, and) X(BPF_XOR, xor)

#define VM_ATOMIC_CASE(OP, name)							\
	case OP:									\
		__atomic_fetch_##name(p, v, __ATOMIC_SEQ_CST);				\
		return true;								\
	case OP | BPF_FETCH:								\
		reg[insn->src_reg] = __atomic_fetch_##name(p, v, __ATOMIC_SEQ_CST);	\
		return true;

#define VM_ATOMIC_FN(fn, T)								\
static inline bool									\
fn(uint64_t *reg, const struct bpf_insn *insn, uint64_t addr)				\
{											\
	T *p = (T *)(uintptr_t)addr;							\
	T v = (T)reg[insn->src_reg];							\
	T old;										\
											\
	switch (insn->imm) {								\
	VM_ATOMIC_ALU(VM_ATOMIC_CASE)							\
	case BPF_XCHG:									\
		reg[insn->src_reg] = __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);	\
		return true;								\
	case BPF_CMPXCHG:								\
		old = (T)reg[0];							\
		__atomic_compare_exchange_n(p, &old, v, false, __ATOMIC_SEQ_CST,	\
					    __ATOMIC_SEQ_CST);				\
		reg[0] = old;								\
		return true;								\
	default:									\
		return false;								\
	}										\
}

VM_ATOMIC_FN(vm_atomic32, uint32_t)
VM_ATOMIC_FN(vm_atomic64, uint64_t)

/*
 * LD_ABS/LD_IND: the address of @size bytes at packet offset @off, or 0 when
 * they are out of bounds. As in the kernel's bpf_skb_load_helper_*, the offset
 * is a signed 32-bit int and a negative one (SKF_NET_OFF etc.) is not supported.
 */
static inline uint64_t
vm_pkt_addr(uint64_t ctx, uint64_t off, unsigned size)
{
	const struct xdpdk_pkt_view *pv = (const void *)(uintptr_t)ctx;
	int32_t o = (int32_t)off;
	uintptr_t len = (uintptr_t)pv->data_end - (uintptr_t)pv->data;

	if (o < 0 || pv->data_end < pv->data || (uint64_t)o + size > len)
		return 0;
	return (uintptr_t)pv->data + (uint32_t)o;
}

/*
 * Handler templates, one per operand kind of opcodes.def: VM_K_<kind>(code, op)
 * with the opcode and its op as constants. They run inside the loop of
 * vm_loop.h and use its locals: reg, insn, checked and the fault labels.
 */
#define DST reg[insn->dst_reg]
#define SRC reg[insn->src_reg]
#define IMM64 ((uint64_t)(int64_t)insn->imm)	/* K operands of ALU64 and JMP */
#define IMM32 ((uint32_t)insn->imm)		/* K operands of ALU and JMP32 */
#define MEM_OFF ((uint64_t)(int64_t)insn->off)

#define VM_K_ALU64_IMM(c, o) DST = vm_alu64(o, DST, IMM64, insn->off)
#define VM_K_ALU64_REG(c, o) DST = vm_alu64(o, DST, SRC, insn->off)
#define VM_K_ALU64_UN(c, o) DST = vm_alu64(o, DST, 0, 0)
#define VM_K_ALU32_IMM(c, o) DST = vm_alu32(o, (uint32_t)DST, IMM32, insn->off)
#define VM_K_ALU32_REG(c, o) DST = vm_alu32(o, (uint32_t)DST, (uint32_t)SRC, insn->off)
#define VM_K_ALU32_UN(c, o) DST = vm_alu32(o, (uint32_t)DST, 0, 0)
#define VM_K_END(c, o) \
	DST = xdpdk_isa_end(DST, insn->imm, BPF_CLASS(c) == BPF_ALU64 || BPF_SRC(c) == BPF_TO_BE)

/* Jumps add their offset here; the loop then steps past the jump itself. */
#define VM_K_JA(c, o) insn += xdpdk_isa_ja_offset(insn)
#define VM_K_JMP64_IMM(c, o) VM_JMP_IF(xdpdk_isa_jmp_taken(o, DST, IMM64, false))
#define VM_K_JMP64_REG(c, o) VM_JMP_IF(xdpdk_isa_jmp_taken(o, DST, SRC, false))
#define VM_K_JMP32_IMM(c, o) VM_JMP_IF(xdpdk_isa_jmp_taken(o, DST, IMM32, true))
#define VM_K_JMP32_REG(c, o) VM_JMP_IF(xdpdk_isa_jmp_taken(o, DST, SRC, true))
#define VM_JMP_IF(cond) do { if (cond) insn += insn->off; } while (0)

#define VM_K_CALL(c, o) goto do_call
#define VM_K_EXIT(c, o) goto do_exit

/* A subprogram's address (BPF_PSEUDO_FUNC) is its callback reference. */
#define VM_K_LDDW(c, o)									\
	do {										\
		if (__builtin_expect(insn->src_reg == BPF_PSEUDO_FUNC, 0))				\
			DST = (uintptr_t)xdpdk_prog_callback_ref(prog, insn);		\
		else									\
			DST = xdpdk_isa_lddw_imm(insn);					\
		insn++;									\
	} while (0)
#define VM_K_LD_ABS(c, o) VM_LD_PKT(c, IMM64)
#define VM_K_LD_IND(c, o) VM_LD_PKT(c, SRC + IMM64)

/* Out of bounds ends the function with r0 = 0, as the kernel's rewrite of LD_ABS does. */
#define VM_LD_PKT(c, off)								\
	do {										\
		const unsigned sz_ = xdpdk_isa_size_bytes(c);				\
		uint64_t a_;								\
											\
		VM_CHECK(reg[6], sizeof(struct xdpdk_pkt_view), false);		\
		a_ = vm_pkt_addr(reg[6], (off), sz_);					\
		if (a_ == 0) {								\
			reg[0] = 0;							\
			goto do_exit;							\
		}									\
		VM_CHECK(a_, sz_, false);						\
		reg[0] = sz_ == 1 ? vm_load(a_, 1)					\
				  : xdpdk_isa_end(vm_load(a_, sz_), sz_ * 8, true);	\
	} while (0)

#define VM_K_LDX(c, o)									\
	do {										\
		const uint64_t a_ = SRC + MEM_OFF;					\
											\
		VM_CHECK(a_, xdpdk_isa_size_bytes(c), false);				\
		DST = vm_load(a_, xdpdk_isa_size_bytes(c));				\
	} while (0)

#define VM_K_LDXSX(c, o)								\
	do {										\
		const uint64_t a_ = SRC + MEM_OFF;					\
											\
		VM_CHECK(a_, xdpdk_isa_size_bytes(c), false);				\
		DST = xdpdk_isa_sext(vm_load(a_, xdpdk_isa_size_bytes(c)),		\
				     8 * xdpdk_isa_size_bytes(c));			\
	} while (0)

#define VM_K_ST(c, o) VM_STORE(c, IMM64)
#define VM_K_STX(c, o) VM_STORE(c, SRC)
#define VM_STORE(c, val)								\
	do {										\
		const uint64_t a_ = DST + MEM_OFF;					\
											\
		VM_CHECK(a_, xdpdk_isa_size_bytes(c), true);				\
		vm_store(a_, (val), xdpdk_isa_size_bytes(c));				\
	} while (0)

/* The kernel refuses misaligned atomics; checked mode faults on them. */
#define VM_K_ATOMIC(c, o)								\
	do {										\
		const unsigned sz_ = xdpdk_isa_size_bytes(c);				\
		const uint64_t a_ = DST + MEM_OFF;					\
		bool ok_;								\
											\
		VM_CHECK(a_, sz_, true);						\
		if (checked && (a_ & (sz_ - 1)) != 0) {					\
			f_addr = a_;							\
			f_size = sz_;							\
			goto fault_align;						\
		}									\
		ok_ = sz_ == 4 ? vm_atomic32(reg, insn, a_) : vm_atomic64(reg, insn, a_); \
		if (!ok_)								\
			goto invalid_atomic;						\
	} while (0)

/* Checked mode: the access must lie in the stack frames of the call chain or a region. */
#define VM_CHECK(a, sz, wr)								\
	do {										\
		if (checked && !vm_access_ok(chk, VM_STACK_LO, stack_top, (a), (sz), (wr))) { \
			f_addr = (a);							\
			f_size = (sz);							\
			f_write = (wr);							\
			goto fault_access;						\
		}									\
	} while (0)
#define VM_STACK_LO (stack_top - (uintptr_t)(depth + 1) * XDPDK_BPF_STACK_SIZE)

/*
 * Dispatch. Computed goto threads each handler straight to the next one; the
 * switch is the portable fallback. Both expand the same templates.
 */
#if XDPDK_COMPUTED_GOTO
#define VM_HANDLER(c, k, m) op_##k##_##m
#define VM_DISPATCH()									\
	do {										\
		if (checked && ++steps > VM_STEP_LIMIT)					\
			goto step_limit;						\
		goto *table[insn->code];						\
	} while (0)
#else
#define VM_HANDLER(c, k, m) case c
#define VM_DISPATCH() goto dispatch
#endif
#define VM_NEXT() do { insn++; VM_DISPATCH(); } while (0)

/* The data path: no checks. */
#define VM_CHECKED 0
#define VM_LOOP_NAME vm_run_fast
#include "vm_loop.h"
#undef VM_LOOP_NAME
#undef VM_CHECKED

/* Tools: every access checked, a step limit, faults reported in chk->res. */
#define VM_CHECKED 1
#define VM_LOOP_NAME vm_run_checked
#include "vm_loop.h"
#undef VM_LOOP_NAME
#undef VM_CHECKED

/* The checked run in progress on this thread, for the callbacks its helpers run. */
static __thread struct vm_check *vm_cur_check;

int
xdpdk_vm_exec_checked(const struct xdpdk_prog *prog, uint64_t r1, uint64_t r2,
		      struct xdpdk_run_result *res)
{
	struct vm_check chk = { .res = res, .entry = prog };
	struct vm_check *outer = vm_cur_check;
	const uint64_t args[5] = { r1, r2 };
	uint64_t r0;

	memset(res, 0, sizeof(*res));
	vm_check_setup(&chk, prog, r1, r2);
	vm_cur_check = &chk;
	r0 = vm_run_checked(prog, prog->insns, args, &chk);
	vm_cur_check = outer;
	if (res->fault != 0)
		return res->fault;
	res->retval = r0;
	return 0;
}

/*
 * The interpreter's side of a callback: the subprogram runs in a fresh
 * interpreter frame (its own stack, as a JIT'd callback has its own native
 * frame). Inside a checked run it is checked too, with the caller's regions
 * and stack frames allowed (callback_ctx usually points into them).
 */
uint64_t
xdpdk_callback_interp(const struct xdpdk_callback *cb, uint64_t r1, uint64_t r2, uint64_t r3,
		      uint64_t r4, uint64_t r5)
{
	const uint64_t args[5] = { r1, r2, r3, r4, r5 };
	const struct bpf_insn *start = cb->prog->insns + cb->start;
	struct vm_check *outer = vm_cur_check;
	struct vm_check chk;
	uint64_t r0;

	/* A bounds-checked program always runs checked, so it has an outer run. */
	if (outer == NULL)
		return vm_run_fast(cb->prog, start, args, NULL);
	if (outer->res->fault != 0)
		return 0;
	chk = *outer;
	if (chk.n_region < VM_ARRAY_SIZE(chk.region))
		chk.region[chk.n_region++] = outer->cur_stack;
	vm_cur_check = &chk;
	r0 = vm_run_checked(cb->prog, start, args, &chk);
	vm_cur_check = outer;
	return r0;
}

uint64_t
xdpdk_vm_exec(const struct xdpdk_prog *prog, uint64_t r1, uint64_t r2)
{
	/* opts.bounds_check: a fault ends the run with 0 (XDP_ABORTED), never a crash. */
	if (prog->bounds_check) {
		struct xdpdk_run_result res;

		return xdpdk_vm_exec_checked(prog, r1, r2, &res) == 0 ? res.retval : 0;
	}
	{
		const uint64_t args[5] = { r1, r2 };

		return vm_run_fast(prog, prog->insns, args, NULL);
	}
}
