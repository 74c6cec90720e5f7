/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The eBPF verifier: a path-sensitive abstract interpreter in the spirit of
 * the kernel's kernel/bpf/verifier.c, run by xdpdk_prog_create() before a
 * program may run. This header holds what other components give it: helper
 * prototypes (modelled on the kernel's struct bpf_func_proto) and the maps a
 * program references. No DPDK here.
 */
#ifndef XDPDK_VERIFIER_H
#define XDPDK_VERIFIER_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Argument types of a helper, as the kernel's enum bpf_arg_type. */
enum xdpdk_arg_type {
	XDPDK_ARG_DONTCARE = 0,		/**< unused argument */
	XDPDK_ARG_ANYTHING,		/**< any initialised value (pointers too, as the kernel) */
	XDPDK_ARG_PTR_TO_CTX,
	XDPDK_ARG_PTR_TO_CTX_OR_NULL,
	XDPDK_ARG_CONST_MAP_PTR,
	XDPDK_ARG_PTR_TO_MAP_KEY,	/**< key_size bytes of initialised memory */
	XDPDK_ARG_PTR_TO_MAP_VALUE,	/**< value_size bytes of initialised memory */
	XDPDK_ARG_PTR_TO_UNINIT_MAP_VALUE, /**< value_size bytes the helper writes */
	XDPDK_ARG_PTR_TO_MEM,		/**< memory sized by the next CONST_SIZE argument */
	XDPDK_ARG_CONST_SIZE,
	XDPDK_ARG_CONST_SIZE_OR_ZERO,
	XDPDK_ARG_CONST_ALLOC_SIZE_OR_ZERO, /**< ringbuf_reserve's size: must be constant */
	XDPDK_ARG_PTR_TO_ALLOC_MEM,	/**< a ringbuf record (released by the helper) */
	XDPDK_ARG_PTR_TO_SPIN_LOCK,
	XDPDK_ARG_PTR_TO_FUNC,		/**< callback (bpf_loop, for_each_map_elem) */
	XDPDK_ARG_PTR_TO_STACK_OR_NULL,	/**< callback context */
	XDPDK_ARG_PTR_TO_LONG,		/**< 8 bytes the helper writes (strtol) */
	XDPDK_ARG_PTR_TO_INT,		/**< 4 bytes the helper writes */
	XDPDK_ARG_PTR_TO_CONST_STR,	/**< NUL-terminated read-only map value (snprintf fmt) */
	XDPDK_ARG_PTR_TO_BTF_ID_SOCK_COMMON, /**< a socket (never in XDP/TC here) */
	XDPDK_ARG_PTR_TO_SHORT,		/**< 2 bytes the helper writes (a kfunc's u16 *) */
};

/** Modifiers of XDPDK_ARG_PTR_TO_MEM (and _MAP_VALUE), as MEM_RDONLY / MEM_UNINIT / PTR_MAYBE_NULL. */
#define XDPDK_ARG_MEM_RDONLY 0x1	/**< the helper only reads: read-only memory is fine */
#define XDPDK_ARG_MEM_UNINIT 0x2	/**< the helper writes it: need not be initialised */
#define XDPDK_ARG_MAYBE_NULL 0x4	/**< NULL (a scalar 0) is accepted */
#define XDPDK_ARG_RELEASE 0x8		/**< releases the reference it is given */

/** Return types, as the kernel's enum bpf_return_type. */
enum xdpdk_ret_type {
	XDPDK_RET_INTEGER = 0,
	XDPDK_RET_VOID,
	XDPDK_RET_PTR_TO_MAP_VALUE_OR_NULL,
	XDPDK_RET_PTR_TO_ALLOC_MEM_OR_NULL,	/**< ringbuf_reserve: an acquired reference */
	XDPDK_RET_PTR_TO_SOCKET_OR_NULL,	/**< not supported by xdpdk */
};

/** A helper's prototype, as the kernel's struct bpf_func_proto. */
struct xdpdk_helper_proto {
	uint8_t ret_type;		/**< enum xdpdk_ret_type */
	uint8_t arg_type[5];		/**< enum xdpdk_arg_type */
	uint8_t arg_flags[5];		/**< XDPDK_ARG_MEM_* */
	bool pkt_access;		/**< may take packet pointers as memory arguments */
	bool changes_pkt_data;		/**< invalidates packet pointers (bpf_helper_changes_pkt_data) */
	bool gpl_only;
	bool defined;			/**< the row exists */
	/** map types its CONST_MAP_PTR argument accepts: bit (1 << type); 0: any that allows it */
	uint64_t map_types;
	/**
	 * bpf_snprintf's load-time check (check_bpf_snprintf_call): the format
	 * (the PTR_TO_CONST_STR argument, @p fmt_size bytes to the value's end)
	 * for the u64 array whose byte size is the last argument; 0 or -EINVAL.
	 * NULL: none.
	 */
	int (*check_fmt)(const char *fmt, uint32_t fmt_size, uint32_t num_args);
};

/**
 * The prototype of helper @p id (enum bpf_func_id), or NULL when xdpdk has
 * none. Defined by the helpers component (helpers/protos.c), reached by the
 * verifier through struct xdpdk_helper_desc.proto.
 */
const struct xdpdk_helper_proto *xdpdk_helper_proto(uint32_t id);

/** What the verifier needs of a map a program references. */
struct xdpdk_verifier_map {
	const void *addr;		/**< what lddw BPF_PSEUDO_MAP_FD resolved to */
	const void *value_addr;		/**< BPF_PSEUDO_MAP_VALUE base (key 0's value), or NULL */
	uint32_t type;			/**< enum bpf_map_type */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;		/**< BPF_F_RDONLY_PROG, BPF_F_WRONLY_PROG ... */
	int32_t spin_lock_off;		/**< offset of the value's bpf_spin_lock, -1: none */
	char name[64];
	/** map-in-map: the inner maps' shape (what a lookup returns a pointer to) */
	uint32_t inner_type;
	uint32_t inner_key_size;
	uint32_t inner_value_size;
	uint32_t inner_max_entries;
	uint32_t inner_map_flags;
};

/**
 * Describe the map behind @p addr, either a map reference (lddw
 * BPF_PSEUDO_MAP_FD) or an address inside a map's direct value
 * (BPF_PSEUDO_MAP_VALUE). Returns 0, or -ENOENT.
 */
typedef int (*xdpdk_map_info_fn)(const void *addr, struct xdpdk_verifier_map *out, void *arg);

/** Source position of an instruction (from .BTF.ext line info), for messages. */
struct xdpdk_line_info {
	uint32_t insn_off;		/**< first instruction of the line */
	uint32_t line;
	uint32_t col;
	const char *file;		/**< borrowed */
	const char *text;		/**< the source line, borrowed */
};

/**
 * The helper id of a call that stands in for an instruction whose CO-RE
 * relocation has no target (libbpf's bpf_core_poison_insn: 0xbad2310, "bad
 * relo"). Dead code guarded by bpf_core_field_exists() and friends may hold
 * one: the verifier never reaches it and the loader then turns it into a
 * trap. Reached, it is refused as the kernel refuses it ("invalid func
 * unknown#195896080"), with libbpf's explanation of the relocation.
 */
#define XDPDK_CORE_POISON_HELPER 0xbad2310

/** A poisoned instruction: where, and the relocation it stands for. */
struct xdpdk_core_poison {
	uint32_t insn_off;		/**< instruction index in the program */
	const char *what;		/**< "struct xdp_md___new.rx_hash (byte_off, access 0:2): ..." */
};

/** Options of a verification (part of xdpdk_prog_opts). */
struct xdpdk_verify_opts {
	bool strict;			/**< the kernel's unprivileged rules on top */
	uint32_t log_level;		/**< 0/1: the failing instruction; 2: every instruction */
	xdpdk_map_info_fn map_info;	/**< NULL: xdpdk_map_verifier_info when linked */
	void *map_info_arg;
	uint32_t raw_mem_size;		/**< RAW: r1 points to this many bytes, r2 = the length */
	const struct xdpdk_line_info *line_info; /**< sorted by insn_off, or NULL */
	uint32_t n_line_info;
	/** XDP: a devmap entry program (SEC("xdp/devmap"), BPF_XDP_DEVMAP), which may
	 *  read xdp_md.egress_ifindex. */
	bool xdp_devmap;
	/** CO-RE relocations the loader could not resolve, by instruction, or NULL */
	const struct xdpdk_core_poison *core_poison;
	uint32_t n_core_poison;
};

/** Statistics of the last verification, as the kernel's "processed N insns" line. */
struct xdpdk_verify_stats {
	uint32_t insn_processed;
	uint32_t total_states;
	uint32_t peak_states;
	uint32_t max_states_per_insn;
	uint32_t stack_depth;		/**< of the main program's frame */
};

/**
 * The maps component's map_info (bpf/maps): looks @p addr up among the live
 * maps. Declared weak for the engine so that the DPDK-free core links without it.
 */
int xdpdk_map_verifier_info(const void *addr, struct xdpdk_verifier_map *out, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_VERIFIER_H */
