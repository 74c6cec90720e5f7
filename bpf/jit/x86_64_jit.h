/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The x86-64 JIT's shared state, between x86_64.c (passes, frames, the
 * instruction emitters) and x86_64_call.c (calls: helpers, bpf2bpf, tail
 * calls and the inlined map lookups). Never included outside bpf/jit/.
 */
#ifndef XDPDK_JIT_X86_64_JIT_H
#define XDPDK_JIT_X86_64_JIT_H

#include <stdbool.h>
#include <stdint.h>

#include "../prog_internal.h"
#include "x86_64_enc.h"

/*
 * BPF register -> x86-64 register, the kernel's map. r1-r5 are the System V
 * argument registers in order, so a helper call needs no moves, and r0 is the
 * return register. r6-r9 live in callee-saved registers, so they survive helper
 * calls for free, and r10 (read-only frame pointer) is rbp.
 * Scratch: r9, r10 and r11, caller-saved and outside the map. r12 is avoided:
 * as a base register its ModRM.rm value 100 is the SIB escape (like rsp), so
 * every memory access through it costs one more byte. r13 has the sibling quirk
 * (rm 101 with mod 00 means RIP-relative) but only needs a zero disp8 when the
 * offset is 0; the kernel makes the same choice.
 */
static const uint8_t reg_map[XDPDK_BPF_NREGS] = {
	[BPF_REG_0] = X86_RAX,
	[BPF_REG_1] = X86_RDI,
	[BPF_REG_2] = X86_RSI,
	[BPF_REG_3] = X86_RDX,
	[BPF_REG_4] = X86_RCX,
	[BPF_REG_5] = X86_R8,
	[BPF_REG_6] = X86_RBX,
	[BPF_REG_7] = X86_R13,
	[BPF_REG_8] = X86_R14,
	[BPF_REG_9] = X86_R15,
	[BPF_REG_10] = X86_RBP,
};

#define AUX X86_R10	/* keeps r0 (rax) while div or a fetch loop needs rax */
#define AUX2 X86_R9	/* keeps r3 (rdx) while div needs rdx */
#define TMP X86_R11	/* divisor, shift save, tail call target */

/* Callee-saved registers a function may have to push, in push order. */
static const uint8_t callee_saved[] = { X86_RBX, X86_R13, X86_R14, X86_R15 };

/* One BPF function (main or bpf2bpf callee) and its frame. */
struct jit_func {
	uint32_t start;		/* first instruction */
	uint32_t end;		/* one past the last */
	uint16_t saved;		/* callee-saved x86 registers it writes: bit per register */
	uint32_t stack;		/* bytes below rbp: the BPF stack, then alignment */
	bool frame;		/* push rbp; mov rbp, rsp; leave */
	bool tcc;		/* keeps the tail call counter pointer at [rbp - stack - 8] */
};

/* An array lookup compiled inline (the kernel's map_gen_lookup). */
struct jit_lookup {
	struct xdpdk_map_inline m;	/* m.values == NULL: not inlined, a call */
	int32_t tls_off;		/* percpu: the worker index is at fs:tls_off */
};

/* Compilation state: one per xdpdk_jit_compile() call. */
struct jit {
	struct xdpdk_prog *prog;
	struct x86_buf b;
	uint32_t *addr;		/* this pass: offset of each instruction's code */
	uint32_t *prev;		/* previous pass */
	uint32_t *fentry;	/* this pass: offset of each function's prologue */
	uint32_t *prev_fentry;
	struct jit_func *funcs;
	uint32_t n_funcs;
	const struct jit_func *f;	/* the function being emitted */
	uint32_t burst_off;
	uint32_t entry_off;
	uint32_t *cb_entry;	/* per function: its C entry (a stub with tail calls) */
	struct jit_lookup *lookup;	/* per insn, or NULL: map lookups inlined */
	bool *target;		/* per insn: some jump lands there */
	uintptr_t base;		/* image address, known after the first pass */
	size_t map_size;
	bool first_pass;	/* no addresses yet: every variable form at its longest */
	bool bmi2;
	bool tail_calls;	/* some function tail calls */
	bool bad_label;		/* an internal rel8 did not fit */
	bool blind;		/* constant blinding (prog->jit_blind) */
	uint64_t blind_seed;	/* per compilation; the same in every pass */
};

/* Programs may not be larger than this in the image (rel32 everywhere). */
#define JIT_MAX_IMAGE (1u << 30)

int xdpdk_jit_fail(struct jit *j, uint32_t i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Internal forward branches (within one operation) are rel8, bound later. */
uint32_t xdpdk_jit_fwd_jcc8(struct jit *j, enum x86_cc cc);
uint32_t xdpdk_jit_fwd_jmp8(struct jit *j);
void xdpdk_jit_fwd_bind(struct jit *j, uint32_t from);

/* Call a C function: rel32 when the image is near it, else movabs + call rax. */
void xdpdk_jit_call_abs(struct jit *j, uintptr_t fn);
/* Undo the prologue up to the return address (for exit and tail calls). */
void xdpdk_jit_unwind(struct jit *j);
/* Target of a jump at @i by @off, or -1 when outside the program. */
int64_t xdpdk_jit_jump_target(const struct jit *j, uint32_t i, int32_t off);

/*
 * Constant blinding (jit->blind): reg = imm or v without the value in the
 * image; k tells apart the values of one instruction (each gets its own rnd).
 */
void xdpdk_jit_blinded_imm(struct jit *j, uint32_t i, unsigned k, bool w, unsigned reg,
			   int32_t imm);
void xdpdk_jit_blinded_u64(struct jit *j, uint32_t i, unsigned k, unsigned reg, unsigned scratch,
			   uint64_t v);

/* x86_64_call.c: the call instruction, and which lookups to inline. */
int xdpdk_jit_emit_call(struct jit *j, uint32_t i, const struct bpf_insn *insn);
int xdpdk_jit_plan_lookups(struct jit *j);
int xdpdk_jit_plan_targets(struct jit *j);

#endif
