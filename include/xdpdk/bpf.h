/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * xdpdk eBPF engine: program objects built from eBPF instructions, run by the
 * interpreter or the x86-64 JIT. This part of xdpdk does not use DPDK.
 */
#ifndef XDPDK_BPF_H
#define XDPDK_BPF_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/bpf.h>

#include <xdpdk/verifier.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a program is run on, which decides r1 and the valid return codes. */
enum xdpdk_prog_type {
	XDPDK_PROG_TYPE_RAW = 0,	/**< r1 = memory, r2 = its length (conformance) */
	XDPDK_PROG_TYPE_XDP,		/**< r1 = struct xdpdk_xdp_ctx (seen as xdp_md) */
	XDPDK_PROG_TYPE_TC,		/**< r1 = struct xdpdk_skb_ctx (seen as __sk_buff) */
	XDPDK_PROG_TYPE_SOCKET_FILTER,	/**< r1 = struct xdpdk_skb_ctx */
};

/** Which engine runs a program. */
enum xdpdk_engine {
	XDPDK_ENGINE_AUTO = 0,	/**< JIT, falling back to the interpreter with a message */
	XDPDK_ENGINE_INTERP,
	XDPDK_ENGINE_JIT,	/**< JIT only: a program the JIT cannot compile fails to load */
};

/** Helper ABI, as in the kernel: five 64-bit arguments, one 64-bit result. */
typedef uint64_t (*xdpdk_helper_fn)(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				    uint64_t r5);

/** A helper the engine can call; ids are those of enum bpf_func_id. */
struct xdpdk_helper_desc {
	uint32_t id;
	const char *name;	/**< "bpf_map_lookup_elem" */
	xdpdk_helper_fn fn;
	const void *proto;	/**< verifier prototype, owned by the helpers component */
};

/**
 * Resolves a helper id for a program type. Returns NULL when the id is unknown
 * or not allowed for @p type; the program then fails to load, naming the id.
 */
typedef const struct xdpdk_helper_desc *(*xdpdk_helper_resolver)(uint32_t id,
								  enum xdpdk_prog_type type,
								  void *arg);

/**
 * An array map as the JIT inlines bpf_map_lookup_elem on it, as the kernel's
 * map_gen_lookup: a bounds check and an address computation, no call. For
 * other maps, the family's lookup, which the JIT calls directly (as the
 * kernel's verifier patches the helper call into ops->map_lookup_elem).
 */
struct xdpdk_map_inline {
	const uint8_t *values;	/**< element 0 (worker 0's region for percpu_array) */
	uint32_t max_entries;
	uint32_t elem_size;	/**< bytes between elements */
	uint64_t slot_size;	/**< percpu_array: bytes per worker region; 0 for array */
	uint32_t n_slots;	/**< percpu_array: workers that have a region */
	/**
	 * percpu_array: the calling thread's worker index, a variable in the
	 * executable's static TLS (so at the same offset from every thread's
	 * thread pointer).
	 */
	const uint32_t *worker;
	/**
	 * Not inlined (values NULL): the function bpf_map_lookup_elem ends in,
	 * called with the map and the key; NULL: call the helper.
	 */
	void *(*lookup)(void *map, const void *key);
	/** The same for bpf_map_update_elem and bpf_map_delete_elem, any map. */
	long (*update)(void *map, const void *key, const void *value, uint64_t flags);
	long (*delete)(void *map, const void *key);
};

/**
 * Fills @p out for the map a program's map reference resolved to (@p map_addr),
 * if its lookup can be inlined or called directly; returns 0, or -EOPNOTSUPP.
 */
typedef int (*xdpdk_map_inline_fn)(const void *map_addr, struct xdpdk_map_inline *out);

/** Options for xdpdk_prog_create(); zero means "default" everywhere. */
struct xdpdk_prog_opts {
	const char *name;		/**< shown in logs and dumps */
	enum xdpdk_prog_type type;
	enum xdpdk_engine engine;
	xdpdk_helper_resolver helpers;	/**< NULL: no helper may be called */
	void *helpers_arg;
	char *log_buf;			/**< load log: why a program was refused */
	size_t log_size;
	int bounds_check;		/**< check every access (interpreter only; with AUTO the
				     JIT is not used, with JIT loading fails) */
	/** Lets the JIT inline array lookups (NULL: every lookup is a call). The
	 * environment variable XDPDK_JIT_NO_INLINE=1 turns inlining off. */
	xdpdk_map_inline_fn map_inline;
	/**
	 * 1: skip the verifier (tests and tools that run raw instruction
	 * streams with their own checks, e.g. bounds_check). Default: verify.
	 */
	int no_verify;
	/**
	 * XDP: a devmap or cpumap entry program (SEC("xdp/devmap"), "xdp/cpumap"):
	 * the dataplane runs it on redirected packets, and BPF_PROG_TEST_RUN
	 * refuses it, as the kernel refuses test runs of BPF_XDP_DEVMAP/CPUMAP.
	 */
	int xdp_entry;
	/**
	 * XDP: takes multi-buffer packets (SEC("xdp.frags"), the kernel's
	 * BPF_F_XDP_HAS_FRAGS): the dataplane hands it packets of several
	 * segments as fragments, which others never see.
	 */
	int xdp_frags;
	/**
	 * 1: constant blinding in the JIT, for untrusted programs (the kernel's
	 * bpf_jit_harden): no immediate of the program appears in the image;
	 * each is loaded xor'ed with a random value drawn per instruction and
	 * per compilation, then xor'ed back (inlined array lookups too). The
	 * interpreter ignores it.
	 */
	int jit_blind;
	struct xdpdk_verify_opts verify;	/**< strict mode, log level, maps, line info */
	struct xdpdk_verify_stats *verify_stats; /**< filled after verification, or NULL */
};

struct xdpdk_prog;

/** The result of a checked run. */
struct xdpdk_run_result {
	uint64_t retval;
	int fault;			/**< 0, or -EFAULT/-EINVAL when the run was stopped */
	uint32_t fault_pc;		/**< instruction index of the fault */
	char fault_msg[128];
};

/**
 * Build a program from instructions (after relocation). The instructions are
 * copied, checked for structure (opcodes, jump targets, lddw pairs, exit,
 * helper ids) and, for XDP and TC, their context accesses are rewritten to
 * xdpdk's context layout. Then the JIT compiles them unless the engine is
 * INTERP.
 *
 * @return the program, or NULL with errno set (-EINVAL: structure, -ENOENT:
 *   unknown helper, -ENOTSUP: JIT only and the JIT cannot compile it); the
 *   log says which instruction and why.
 */
struct xdpdk_prog *xdpdk_prog_create(const struct bpf_insn *insns, uint32_t n_insns,
				     const struct xdpdk_prog_opts *opts);

/**
 * Verify instructions as xdpdk_prog_create() does (structure, then the
 * verifier), without building a program: for tools, tests and fuzzing.
 * Helpers are resolved through @p opts->helpers for their prototypes.
 * @return 0 if the program is safe; -EINVAL, -EACCES, -E2BIG, -ENOMEM with
 *   the verifier log in @p opts->log_buf.
 */
int xdpdk_prog_verify(const struct bpf_insn *insns, uint32_t n_insns,
		      const struct xdpdk_prog_opts *opts);

/** Free a program; NULL is accepted. */
void xdpdk_prog_free(struct xdpdk_prog *prog);

/** Run once with r1 = @p ctx (and r2 = @p len for RAW programs); returns r0. */
uint64_t xdpdk_prog_run(const struct xdpdk_prog *prog, void *ctx, uint64_t len);

/**
 * Run over a burst: ret[i] = program(ctx[i]). The JIT emits the loop itself,
 * so there is no indirect call per packet.
 */
void xdpdk_prog_run_burst(const struct xdpdk_prog *prog, void *const ctx[], uint32_t ret[],
			  uint32_t n);
/**
 * As xdpdk_prog_run_burst(), storing each packet's index into @p cur before
 * its run: helpers that record something per packet (bpf_redirect*) read it.
 */
void xdpdk_prog_run_burst_idx(const struct xdpdk_prog *prog, void *const ctx[], uint32_t ret[],
			      uint32_t n, uint32_t *cur);

/**
 * Run on the interpreter with every memory access checked against the stack,
 * the context, the packet and the RAW memory; a bad access stops the run with
 * a fault instead of a crash. For tools and tests, not the data path.
 */
int xdpdk_prog_run_checked(const struct xdpdk_prog *prog, void *ctx, uint64_t len,
			   struct xdpdk_run_result *res);

/**
 * A test run, shaped like the kernel's BPF_PROG_TEST_RUN (bpf_test_run_opts):
 * the packet is laid out as the kernel lays it out for XDP (a 4096-byte frame,
 * 256 bytes of headroom, the skb_shared_info reserve at the end; what does not
 * fit follows as fragments), so helpers that move data/data_end reach the
 * same limits as in the kernel.
 */
struct xdpdk_test_run {
	const void *data_in;
	uint32_t data_size_in;
	void *data_out;		/**< XDP: from data_meta to data_end, as the kernel */
	uint32_t data_size_out;	/**< in: capacity; out: bytes the program left */
	const void *ctx_in;	/**< XDP: struct xdp_md (data = metadata length); TC: __sk_buff; or NULL */
	uint32_t ctx_size_in;
	void *ctx_out;		/**< XDP: xdp_md with the final offsets; TC: __sk_buff; or NULL */
	uint32_t ctx_size_out;
	uint32_t repeat;	/**< 0 or 1: once */
	int fresh_input;	/**< each repeat starts from data_in (the kernel reruns
				     on the modified buffer) */
	/* results */
	uint32_t retval;
	uint64_t duration_ns;	/**< per run, averaged over repeat */
};

/** ingress_ifindex of a test run without ctx_in: the kernel's loopback device. */
#define XDPDK_TEST_RUN_DEFAULT_IFINDEX 1

/** Largest data_out a test run produces: the linear part and MAX_SKB_FRAGS pages. */
#define XDPDK_TEST_RUN_MAX_OUT (18 * 4096)

/**
 * Run @p prog as BPF_PROG_TEST_RUN would.
 * @return 0; -EINVAL for a packet shorter than 14 bytes or an invalid ctx_in,
 *   -ENOMEM for one longer than the linear area plus 17 fragment pages (as the
 *   kernel); -ENOSPC when data_out was too small (what fits is copied);
 *   -ENOTSUP for program types without test runs.
 */
int xdpdk_prog_test_run(const struct xdpdk_prog *prog, struct xdpdk_test_run *t);

/** Accessors (borrowed). */
const char *xdpdk_prog_name(const struct xdpdk_prog *prog);
enum xdpdk_prog_type xdpdk_prog_type(const struct xdpdk_prog *prog);
/** The engine that runs the program: INTERP or JIT, never AUTO. */
enum xdpdk_engine xdpdk_prog_engine(const struct xdpdk_prog *prog);
/** Whether the program takes multi-buffer packets (xdpdk_prog_opts.xdp_frags). */
bool xdpdk_prog_xdp_frags(const struct xdpdk_prog *prog);
/** The instructions as run (after context rewriting). */
const struct bpf_insn *xdpdk_prog_insns(const struct xdpdk_prog *prog, uint32_t *n_insns);
/** The JIT image and, per BPF instruction, its offset in the image; NULL if interpreted. */
const uint8_t *xdpdk_prog_jit_image(const struct xdpdk_prog *prog, size_t *size,
				    const uint32_t **insn_offsets);
/** Whether the JIT image was built with constant blinding (xdpdk_prog_opts.jit_blind). */
bool xdpdk_prog_jit_blinded(const struct xdpdk_prog *prog);
/** Why the JIT did not compile the program ("" when it did). */
const char *xdpdk_prog_jit_error(const struct xdpdk_prog *prog);

/**
 * A prog_array as the engine sees it: what bpf_tail_call(ctx, map, index)
 * jumps through. The prog_array map type wraps one; its address is what the
 * program's map reference resolves to. Slots are replaced under RCU by the
 * control plane.
 */
struct xdpdk_prog_array {
	uint32_t max_entries;
	uint32_t reserved;
	const struct xdpdk_prog *progs[];
};

/** Create an empty prog_array of @p max_entries slots; NULL with errno on failure. */
struct xdpdk_prog_array *xdpdk_prog_array_create(uint32_t max_entries);
/** Set slot @p index (NULL clears it); -E2BIG if out of range. */
int xdpdk_prog_array_set(struct xdpdk_prog_array *arr, uint32_t index,
			 const struct xdpdk_prog *prog);
void xdpdk_prog_array_free(struct xdpdk_prog_array *arr);

/**
 * A callable reference to a subprogram: what `lddw rX, BPF_PSEUDO_FUNC` loads
 * (the address of a static function in C, a bpf_loop / for_each_map_elem
 * callback). Helpers call it with the helper ABI through xdpdk_callback_call():
 * JIT'd programs run the subprogram's native code, interpreted ones run it in
 * a fresh interpreter frame. Owned by the program.
 */
struct xdpdk_callback {
	xdpdk_helper_fn native;		/**< JIT entry of the subprogram, or NULL */
	const struct xdpdk_prog *prog;
	uint32_t start;			/**< first instruction of the subprogram */
};

/** Run @p cb on the interpreter: r1-r5 in, r0 out (native == NULL). */
uint64_t xdpdk_callback_interp(const struct xdpdk_callback *cb, uint64_t r1, uint64_t r2,
			       uint64_t r3, uint64_t r4, uint64_t r5);

/** Call a callback reference as a helper would: r1-r5 in, r0 out. */
static inline uint64_t
xdpdk_callback_call(const struct xdpdk_callback *cb, uint64_t r1, uint64_t r2, uint64_t r3,
		    uint64_t r4, uint64_t r5)
{
	if (cb->native != NULL)
		return cb->native(r1, r2, r3, r4, r5);
	return xdpdk_callback_interp(cb, r1, r2, r3, r4, r5);
}

/** Name of an engine ("jit", "interp"); parse one (-EINVAL if unknown). */
const char *xdpdk_engine_name(enum xdpdk_engine engine);
int xdpdk_engine_parse(const char *s, enum xdpdk_engine *out);

/**
 * Disassemble one instruction in bpftool's "xlated" syntax into @p buf.
 * @return the number of instruction slots it used (2 for lddw), or -EINVAL.
 */
int xdpdk_disasm_insn(const struct bpf_insn *insn, uint32_t n_left, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_BPF_H */
