/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Program objects: the load pipeline (copy → structural check → context
 * rewrite → helper resolution → JIT) and the run entry points. Each stage
 * stops at the first error and the one cleanup is safe on partial state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prog_internal.h"

void
xdpdk_log_printf(struct xdpdk_log *log, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (log == NULL || log->buf == NULL || log->size == 0 || log->len + 1 >= log->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(log->buf + log->len, log->size - log->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		log->len += (size_t)n < log->size - log->len ? (size_t)n : log->size - log->len - 1;
}

/* One callback reference per subprog, for BPF_PSEUDO_FUNC lddws; the JIT fills native. */
static int
make_callbacks(struct xdpdk_prog *prog)
{
	prog->callbacks = calloc(prog->n_subprogs ? prog->n_subprogs : 1,
				 sizeof(*prog->callbacks));
	if (prog->callbacks == NULL)
		return -ENOMEM;
	for (uint32_t k = 0; k < prog->n_subprogs; k++)
		prog->callbacks[k] = (struct xdpdk_callback){ .prog = prog,
							      .start = prog->subprogs[k].start };
	return 0;
}

/*
 * After verification, poisoned CO-RE calls are dead code: make them the
 * kernel's trap for dead code (sanitize_dead_code: "ja -1"), so that the
 * engines never see a call to a helper that does not exist.
 */
static void
trap_core_poison(struct xdpdk_prog *prog)
{
	const struct bpf_insn trap = { .code = BPF_JMP | BPF_JA, .off = -1 };

	for (uint32_t i = 0; i < prog->n_insns; i++)
		if (prog->insns[i].code == (BPF_JMP | BPF_CALL) && prog->insns[i].src_reg == 0 &&
		    prog->insns[i].imm == XDPDK_CORE_POISON_HELPER)
			prog->insns[i] = trap;
}

/* Resolve every helper a call instruction names; -ENOENT names the first unknown. */
static int
resolve_helpers(struct xdpdk_prog *prog, const struct xdpdk_prog_opts *opts,
		struct xdpdk_log *log)
{
	for (uint32_t i = 0; i < prog->n_insns; i++) {
		const struct bpf_insn *insn = &prog->insns[i];
		const struct xdpdk_helper_desc *d = NULL;
		uint32_t id;

		if (insn->code != (BPF_JMP | BPF_CALL) || insn->src_reg != 0)
			continue;
		id = (uint32_t)insn->imm;
		/* tail_call is the engine's own: it needs no implementation. */
		if (id == BPF_FUNC_tail_call)
			continue;
		/* A poisoned CO-RE relocation: the verifier refuses it if it is reached. */
		if (id == XDPDK_CORE_POISON_HELPER && !opts->no_verify)
			continue;
		if (id < XDPDK_HELPER_ID_MAX && opts->helpers != NULL)
			d = opts->helpers(id, prog->type, opts->helpers_arg);
		if (d == NULL || d->fn == NULL) {
			xdpdk_log_printf(log, "insn %u: call to unknown or unsupported helper id %u\n",
					 i, id);
			return -ENOENT;
		}
		prog->helpers[id] = d->fn;
		prog->helper_desc[id] = d;
	}
	return 0;
}

struct xdpdk_prog *
xdpdk_prog_create(const struct bpf_insn *insns, uint32_t n_insns,
		  const struct xdpdk_prog_opts *opts)
{
	static const struct xdpdk_prog_opts no_opts;
	struct xdpdk_log log;
	struct xdpdk_prog *prog;
	int rc;

	if (opts == NULL)
		opts = &no_opts;
	log = (struct xdpdk_log){ .buf = opts->log_buf, .size = opts->log_size };
	if (log.buf != NULL && log.size > 0)
		log.buf[0] = '\0';
	if (insns == NULL || n_insns == 0 || n_insns > XDPDK_BPF_MAX_INSNS) {
		xdpdk_log_printf(&log, "program has %u instructions (1..%u allowed)\n", n_insns,
				 XDPDK_BPF_MAX_INSNS);
		errno = EINVAL;
		return NULL;
	}
	prog = calloc(1, sizeof(*prog));
	if (prog == NULL)
		return NULL;
	snprintf(prog->name, sizeof(prog->name), "%s", opts->name ? opts->name : "prog");
	prog->type = opts->type;
	prog->xdp_entry = opts->type == XDPDK_PROG_TYPE_XDP && opts->xdp_entry;
	prog->xdp_frags = opts->type == XDPDK_PROG_TYPE_XDP && opts->xdp_frags;
	prog->bounds_check = opts->bounds_check;
	prog->jit_blind = opts->jit_blind != 0;
	prog->map_inline = opts->map_inline;
	prog->insns = malloc(sizeof(*insns) * n_insns);
	if (prog->insns == NULL) {
		rc = -ENOMEM;
		goto err;
	}
	memcpy(prog->insns, insns, sizeof(*insns) * n_insns);
	prog->n_insns = n_insns;

	rc = xdpdk_check_prog(prog, &log);
	if (rc == 0)
		rc = make_callbacks(prog);
	if (rc == 0)
		rc = resolve_helpers(prog, opts, &log);
	if (rc == 0 && !opts->no_verify)
		rc = xdpdk_verify(prog, opts, &log);
	if (rc == 0 && !opts->no_verify)
		trap_core_poison(prog);
	if (rc == 0)
		rc = xdpdk_ctx_rewrite(prog, &log);
	if (rc != 0)
		goto err;

	prog->engine = XDPDK_ENGINE_INTERP;
	if (opts->bounds_check && opts->engine == XDPDK_ENGINE_JIT) {
		/* Checks live in the interpreter only: a checked JIT program would not be. */
		xdpdk_log_printf(&log, "bounds checking needs the interpreter, not the JIT\n");
		rc = -EINVAL;
		goto err;
	}
	if (opts->engine != XDPDK_ENGINE_INTERP && !opts->bounds_check) {
		rc = xdpdk_jit_compile(prog);
		if (rc == 0) {
			prog->engine = XDPDK_ENGINE_JIT;
		} else if (opts->engine == XDPDK_ENGINE_JIT) {
			xdpdk_log_printf(&log, "jit: %s\n", prog->jit_error);
			goto err;
		} else {
			/* AUTO: the interpreter runs it; say so, never silently. */
			xdpdk_log_printf(&log, "jit: %s; falling back to the interpreter\n",
					 prog->jit_error);
		}
	}
	return prog;
err:
	xdpdk_prog_free(prog);
	errno = -rc;
	return NULL;
}

void
xdpdk_prog_free(struct xdpdk_prog *prog)
{
	if (prog == NULL)
		return;
	xdpdk_jit_free(prog);
	free(prog->callbacks);
	free(prog->subprogs);
	free(prog->insns);
	free(prog);
}

uint64_t
xdpdk_prog_run(const struct xdpdk_prog *prog, void *ctx, uint64_t len)
{
	if (prog->jit_entry != NULL)
		return prog->jit_entry((uint64_t)(uintptr_t)ctx, len);
	return xdpdk_vm_exec(prog, (uint64_t)(uintptr_t)ctx, len);
}

void
xdpdk_prog_run_burst_idx(const struct xdpdk_prog *prog, void *const ctx[], uint32_t ret[],
			 uint32_t n, uint32_t *cur)
{
	if (prog->jit_burst != NULL) {
		prog->jit_burst(ctx, ret, n, cur);
		return;
	}
	if (prog->jit_entry != NULL) {
		for (uint32_t i = 0; i < n; i++) {
			*cur = i;
			ret[i] = (uint32_t)prog->jit_entry((uint64_t)(uintptr_t)ctx[i], 0);
		}
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		*cur = i;
		ret[i] = (uint32_t)xdpdk_vm_exec(prog, (uint64_t)(uintptr_t)ctx[i], 0);
	}
}

void
xdpdk_prog_run_burst(const struct xdpdk_prog *prog, void *const ctx[], uint32_t ret[],
		     uint32_t n)
{
	static __thread uint32_t ignored;

	xdpdk_prog_run_burst_idx(prog, ctx, ret, n, &ignored);
}

int
xdpdk_prog_run_checked(const struct xdpdk_prog *prog, void *ctx, uint64_t len,
		       struct xdpdk_run_result *res)
{
	memset(res, 0, sizeof(*res));
	return xdpdk_vm_exec_checked(prog, (uint64_t)(uintptr_t)ctx, len, res);
}

const char *
xdpdk_prog_name(const struct xdpdk_prog *prog)
{
	return prog->name;
}

enum xdpdk_prog_type
xdpdk_prog_type(const struct xdpdk_prog *prog)
{
	return prog->type;
}

bool
xdpdk_prog_xdp_frags(const struct xdpdk_prog *prog)
{
	return prog->xdp_frags;
}

bool
xdpdk_prog_jit_blinded(const struct xdpdk_prog *prog)
{
	return prog->jit_image != NULL && prog->jit_blind;
}

enum xdpdk_engine
xdpdk_prog_engine(const struct xdpdk_prog *prog)
{
	return prog->engine;
}

const struct bpf_insn *
xdpdk_prog_insns(const struct xdpdk_prog *prog, uint32_t *n_insns)
{
	if (n_insns != NULL)
		*n_insns = prog->n_insns;
	return prog->insns;
}

const uint8_t *
xdpdk_prog_jit_image(const struct xdpdk_prog *prog, size_t *size, const uint32_t **insn_offsets)
{
	if (size != NULL)
		*size = prog->jit_size;
	if (insn_offsets != NULL)
		*insn_offsets = prog->jit_insn_offsets;
	return prog->jit_image;
}

const char *
xdpdk_prog_jit_error(const struct xdpdk_prog *prog)
{
	return prog->jit_error;
}

const char *
xdpdk_engine_name(enum xdpdk_engine engine)
{
	switch (engine) {
	case XDPDK_ENGINE_INTERP: return "interp";
	case XDPDK_ENGINE_JIT: return "jit";
	default: return "auto";
	}
}

int
xdpdk_engine_parse(const char *s, enum xdpdk_engine *out)
{
	if (strcmp(s, "jit") == 0)
		*out = XDPDK_ENGINE_JIT;
	else if (strcmp(s, "interp") == 0)
		*out = XDPDK_ENGINE_INTERP;
	else if (strcmp(s, "auto") == 0)
		*out = XDPDK_ENGINE_AUTO;
	else
		return -EINVAL;
	return 0;
}

struct xdpdk_prog_array *
xdpdk_prog_array_create(uint32_t max_entries)
{
	struct xdpdk_prog_array *arr;

	arr = calloc(1, sizeof(*arr) + sizeof(arr->progs[0]) * (size_t)max_entries);
	if (arr == NULL)
		return NULL;
	arr->max_entries = max_entries;
	return arr;
}

int
xdpdk_prog_array_set(struct xdpdk_prog_array *arr, uint32_t index, const struct xdpdk_prog *prog)
{
	if (index >= arr->max_entries)
		return -E2BIG;
	__atomic_store_n(&arr->progs[index], prog, __ATOMIC_RELEASE);
	return 0;
}

void
xdpdk_prog_array_free(struct xdpdk_prog_array *arr)
{
	free(arr);
}
