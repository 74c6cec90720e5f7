/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Helper functions callable from programs, by enum bpf_func_id, with their
 * kernel semantics; one table maps ids to implementations and prototypes.
 */
#ifndef XDPDK_HELPERS_H
#define XDPDK_HELPERS_H

#include <stdint.h>

#include <xdpdk/bpf.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The resolver to pass as xdpdk_prog_opts.helpers: the helper @p id if xdpdk
 * implements it and it is allowed for @p type, else NULL.
 */
const struct xdpdk_helper_desc *xdpdk_helpers_resolve(uint32_t id, enum xdpdk_prog_type type,
						      void *arg);

/** The helper of a given id regardless of program type (for messages); NULL if none. */
const struct xdpdk_helper_desc *xdpdk_helpers_get(uint32_t id);

/** The kernel's name of helper @p id ("bpf_map_lookup_elem"), or NULL if the id is unknown. */
const char *xdpdk_helpers_kernel_name(uint32_t id);

/**
 * Set the calling thread's worker index: bpf_get_smp_processor_id() and the
 * per-CPU map slot. The dataplane sets it once per worker lcore.
 */
void xdpdk_helpers_set_worker(uint32_t worker);
uint32_t xdpdk_helpers_worker(void);

/* ---- bpf_trace_printk / bpf_trace_vprintk output ------------------------ */

/** Longest trace line with its NUL, as the kernel's BPF_TRACE_PRINTK_SIZE. */
#define XDPDK_TRACE_LINE_MAX 1024
/** Lines the trace ring keeps; when nobody reads, the oldest makes room. */
#define XDPDK_TRACE_RING_SIZE 256
/** Default log budget per worker: lines per second, and the burst above it. */
#define XDPDK_TRACE_DEFAULT_RATE 100
#define XDPDK_TRACE_DEFAULT_BURST 100

/** One line a program printed. */
struct xdpdk_trace_line {
	uint64_t seq;			/**< 1, 2, ... over the process: gaps are lines overwritten */
	uint64_t ts_ns;			/**< CLOCK_MONOTONIC when printed */
	uint32_t worker;		/**< the worker index that printed it */
	uint32_t len;			/**< bytes of text, without the NUL */
	char text[XDPDK_TRACE_LINE_MAX];	/**< as formatted, NUL-terminated */
};

/** Counters of the trace output since the process started. */
struct xdpdk_trace_stats {
	uint64_t lines;			/**< lines printed by programs */
	uint64_t logged;		/**< of those, written to the xdpdk.trace log */
	uint64_t suppressed;		/**< not logged: over a worker's rate limit */
	uint64_t overwritten;		/**< dropped from the ring unread */
};

/**
 * Take up to @p n lines from the trace ring, oldest first (they are then
 * gone from it). Safe to call while workers print.
 * @return lines copied to @p out (0: none waiting), or -EINVAL.
 */
int xdpdk_trace_read(struct xdpdk_trace_line *out, uint32_t n);

/**
 * Set the per-worker budget of lines logged through rte_log (the ring keeps
 * every line regardless): @p lines_per_sec, 0 for no limit, with bursts of
 * @p burst lines. Workers pick it up at their next line.
 */
void xdpdk_trace_set_rate(uint32_t lines_per_sec, uint32_t burst);

/** Read the trace counters. */
void xdpdk_trace_stats(struct xdpdk_trace_stats *st);

/* ---- TC redirect (bpf_redirect, _peer, _neigh, bpf_clone_redirect) ------- */

/** xdpdk_tc_redirect.flags besides BPF_F_INGRESS: which helper recorded it. */
#define XDPDK_TC_REDIR_PEER (1u << 8)		/**< bpf_redirect_peer: the peer's ingress */
#define XDPDK_TC_REDIR_NEIGH (1u << 9)		/**< bpf_redirect_neigh: fill L2 from the FIB */
#define XDPDK_TC_REDIR_NEXTHOP (1u << 10)	/**< ... towards nh_family/nh_addr */

/**
 * Where the last bpf_redirect / bpf_redirect_peer / bpf_redirect_neigh of a
 * TC program run by this thread sends the packet (the kernel's
 * bpf_redirect_info). Valid when the program returned TC_ACT_REDIRECT.
 */
struct xdpdk_tc_redirect {
	uint32_t ifindex;	/**< target device */
	uint32_t flags;		/**< BPF_F_INGRESS and XDPDK_TC_REDIR_* */
	uint32_t nh_family;	/**< with XDPDK_TC_REDIR_NEXTHOP: AF_INET or AF_INET6 */
	uint8_t nh_addr[16];	/**< the next hop (4 bytes for AF_INET), network order */
};

/** This thread's redirect record; read it right after the program returns. */
const struct xdpdk_tc_redirect *xdpdk_tc_redirect_last(void);

/**
 * The Ethernet header bpf_redirect_neigh's packet leaves with, as the
 * kernel's bpf_out_neigh_v4/v6 on the current routing table: the next hop
 * is the recorded one, else the route's gateway towards the packet's
 * destination on @p r->ifindex (or the destination itself when directly
 * connected); the neighbour's MAC is the destination, the device's the
 * source. @p l3 points at the IPv4/IPv6 header (@p proto, network order,
 * says which), the caller puts @p eth in front of it.
 * @return 0, -EAFNOSUPPORT (not IP), -EINVAL (truncated header), -ENODEV
 *   (unknown device), -ENETUNREACH (no unicast route), -ENOENT (no
 *   neighbour entry: the kernel would resolve it, xdpdk drops).
 */
int xdpdk_tc_redirect_neigh_eth(const struct xdpdk_tc_redirect *r, const uint8_t *l3,
				uint32_t l3_len, uint16_t proto, uint8_t eth[14]);

/**
 * Sends bpf_clone_redirect's copy: @p frame from its MAC header, @p flags
 * BPF_F_INGRESS or 0. Returns what the helper returns: 0 (sent), a
 * positive NET_XMIT/NET_RX drop code, or -errno (-EINVAL: no such device).
 */
typedef int (*xdpdk_tc_clone_fn)(uint32_t ifindex, uint64_t flags, const uint8_t *frame,
				 uint32_t len, void *arg);

/** Set the process's clone handler (NULL: the test-run recorder below). */
void xdpdk_tc_set_clone_handler(xdpdk_tc_clone_fn fn, void *arg);

/** Clones a thread records at most between two xdpdk_tc_clones_take calls. */
#define XDPDK_TC_CLONE_MAX 8

/** One clone recorded without a handler (test runs). */
struct xdpdk_tc_clone {
	uint32_t ifindex;
	uint32_t flags;
	uint32_t len;		/**< the whole frame's length */
	uint8_t data[256];	/**< its first bytes */
};

/**
 * Without a handler, bpf_clone_redirect accepts the devices of the current
 * routing table (include/xdpdk/fib.h; -EINVAL for others) and records each
 * clone for this thread (-ENOMEM past XDPDK_TC_CLONE_MAX). Take them, oldest
 * first, and empty the record. @return clones copied to @p out.
 */
uint32_t xdpdk_tc_clones_take(struct xdpdk_tc_clone *out, uint32_t n);

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_HELPERS_H */
