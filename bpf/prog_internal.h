/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal view of a program object, shared by the stages of the bpf
 * component (check, ctx rewrite, interpreter, JIT). Never included outside bpf/.
 */
#ifndef XDPDK_BPF_PROG_INTERNAL_H
#define XDPDK_BPF_PROG_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <xdpdk/bpf.h>

#include "isa.h"

/* Highest helper id the per-program table holds (enum bpf_func_id grows). */
#define XDPDK_HELPER_ID_MAX 256

/* A function of the program: the main one (index 0) and each bpf2bpf callee. */
struct xdpdk_subprog {
	uint32_t start;		/* first instruction */
	uint32_t end;		/* one past the last instruction */
};

/* Native code entries emitted by the JIT. */
typedef uint64_t (*xdpdk_jit_entry)(uint64_t r1, uint64_t r2);
typedef void (*xdpdk_jit_burst_entry)(void *const ctx[], uint32_t ret[], uint32_t n,
				      uint32_t *cur);

struct xdpdk_prog {
	char name[64];
	enum xdpdk_prog_type type;
	bool xdp_entry;		/* a devmap/cpumap entry program: no test runs */
	bool xdp_frags;		/* takes multi-buffer packets */
	enum xdpdk_engine engine;	/* effective: INTERP or JIT */

	struct bpf_insn *insns;		/* as run: after ctx rewrite */
	uint32_t n_insns;

	struct xdpdk_subprog *subprogs;	/* sorted by start; [0] is the entry */
	uint32_t n_subprogs;
	/* Per subprog: what a BPF_PSEUDO_FUNC lddw naming it loads. */
	struct xdpdk_callback *callbacks;

	/* Helper implementations indexed by id, resolved at load. */
	xdpdk_helper_fn helpers[XDPDK_HELPER_ID_MAX];
	const struct xdpdk_helper_desc *helper_desc[XDPDK_HELPER_ID_MAX];

	/* JIT output; image is read+execute only once emitted. */
	uint8_t *jit_image;
	size_t jit_size;		/* bytes of code */
	size_t jit_map_size;		/* bytes mapped */
	uint32_t *jit_insn_offsets;	/* image offset of each BPF instruction */
	xdpdk_jit_entry jit_entry;
	xdpdk_jit_burst_entry jit_burst;
	char jit_error[160];

	int bounds_check;
	bool jit_blind;		/* constant blinding in the JIT image */
	xdpdk_map_inline_fn map_inline;	/* from the options: lets the JIT inline lookups */
};

/* A load log in the caller's buffer; never printed by the engine. */
struct xdpdk_log {
	char *buf;
	size_t size;
	size_t len;
};

void xdpdk_log_printf(struct xdpdk_log *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Structural check (bpf/check.c): opcodes valid, register numbers, jumps in
 * range and not into an lddw's second half, a complete lddw, no fall-off the
 * end, calls to known helpers, bpf2bpf call targets; fills prog->subprogs.
 * Returns 0 or -EINVAL/-ENOENT with the reason in the log naming the index.
 */
int xdpdk_check_prog(struct xdpdk_prog *prog, struct xdpdk_log *log);

/*
 * The verifier (bpf/verifier/): every path of the program interpreted over
 * abstract registers, as the kernel's; runs after the structural check.
 * Returns 0 or -EACCES/-EINVAL/-E2BIG with the kernel-style log.
 */
int xdpdk_verify(struct xdpdk_prog *prog, const struct xdpdk_prog_opts *opts,
		 struct xdpdk_log *log);

/*
 * Context rewrite (bpf/ctx.c): finds, by data flow, which registers hold the
 * context at each instruction and rewrites loads from xdp_md/__sk_buff fields
 * to xdpdk's layouts. Returns 0 or -EACCES/-EINVAL with the reason in the log.
 */
int xdpdk_ctx_rewrite(struct xdpdk_prog *prog, struct xdpdk_log *log);

/*
 * The callback reference a BPF_PSEUDO_FUNC lddw at @insn loads: the one of
 * the subprogram it names (the checker made every such target a subprog).
 */
static inline const struct xdpdk_callback *
xdpdk_prog_callback_ref(const struct xdpdk_prog *prog, const struct bpf_insn *insn)
{
	uint32_t target = (uint32_t)(insn - prog->insns) + 1 + (uint32_t)insn->imm;
	uint32_t lo = 0, hi = prog->n_subprogs;

	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;

		if (prog->subprogs[mid].start <= target)
			lo = mid;
		else
			hi = mid;
	}
	return &prog->callbacks[lo];
}

/* Interpreter (bpf/vm.c). */
uint64_t xdpdk_vm_exec(const struct xdpdk_prog *prog, uint64_t r1, uint64_t r2);
int xdpdk_vm_exec_checked(const struct xdpdk_prog *prog, uint64_t r1, uint64_t r2,
			  struct xdpdk_run_result *res);

/*
 * JIT (bpf/jit/). Compiles prog->insns into prog->jit_*; returns 0, or
 * -ENOTSUP with prog->jit_error saying what it could not compile.
 */
int xdpdk_jit_compile(struct xdpdk_prog *prog);
void xdpdk_jit_free(struct xdpdk_prog *prog);

/*
 * Tail call, shared by both engines: the program at @index of the prog_array
 * @map (a struct xdpdk_prog_array), or NULL when the slot is empty or out of
 * range. The JIT may inline the same reads.
 */
static inline const struct xdpdk_prog *
xdpdk_tail_call_target(const void *map, uint64_t index)
{
	const struct xdpdk_prog_array *arr = map;

	if (arr == NULL || index >= arr->max_entries)
		return NULL;
	return arr->progs[index];
}

#endif /* XDPDK_BPF_PROG_INTERNAL_H */
