/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the helper families; never included outside helpers/. */
#ifndef XDPDK_HELPERS_INTERNAL_H
#define XDPDK_HELPERS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <xdpdk/ctx.h>
#include <xdpdk/helpers.h>
#include <xdpdk/verifier.h>

/* The verifier prototypes by helper id (protos.c); registry rows point into it. */
#define XDPDK_HELPER_PROTOS_N 256
extern const struct xdpdk_helper_proto xdpdk_helper_protos[XDPDK_HELPER_PROTOS_N];

/* Which program types may call a helper (bit per enum xdpdk_prog_type). */
#define XDPDK_HELPER_ANY 0xffffffffu
#define XDPDK_HELPER_XDP (1u << XDPDK_PROG_TYPE_XDP)
#define XDPDK_HELPER_TC (1u << XDPDK_PROG_TYPE_TC)
#define XDPDK_HELPER_SOCKET_FILTER (1u << XDPDK_PROG_TYPE_SOCKET_FILTER)

/*
 * The worker index is the maps component's (xdpdk_maps_worker()): one index
 * for bpf_get_smp_processor_id() and the per-CPU map slots.
 */

/* Time and random family (time.c). */
uint64_t xdpdk_h_ktime_get_ns(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_ktime_get_boot_ns(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_ktime_get_coarse_ns(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_jiffies64(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_get_prandom_u32(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_get_smp_processor_id(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_get_numa_node_id(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* Map family (maps.c). */
uint64_t xdpdk_h_map_lookup_elem(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_map_update_elem(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_map_delete_elem(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_map_push_elem(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_map_pop_elem(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_map_peek_elem(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_map_lookup_percpu_elem(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* Output family: ring buffer and perf event array (output.c). */
uint64_t xdpdk_h_ringbuf_output(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_ringbuf_reserve(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_ringbuf_submit(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_ringbuf_discard(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_ringbuf_query(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_perf_event_output(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* XDP packet family (xdp.c). */
uint64_t xdpdk_h_xdp_adjust_head(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_xdp_adjust_meta(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_xdp_adjust_tail(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_xdp_load_bytes(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_xdp_store_bytes(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_xdp_get_buff_len(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
/* Linear part plus fragments: xdp_get_buff_len. */
uint32_t xdpdk_xdp_buff_len(const struct xdpdk_xdp_ctx *x);
/* Copy bytes at a packet offset to (store: from) buf across fragments; bounds checked by caller. */
void xdpdk_xdp_copy(const struct xdpdk_xdp_ctx *x, uint32_t off, uint8_t *buf, uint32_t len,
		    bool store);

/* Routing family (fib.c): on the process-wide table of include/xdpdk/fib.h. */
uint64_t xdpdk_h_xdp_fib_lookup(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_xdp_check_mtu(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* SYN cookies (syncookie.c). */
uint64_t xdpdk_h_tcp_raw_gen_syncookie_ipv4(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_tcp_raw_gen_syncookie_ipv6(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_tcp_raw_check_syncookie_ipv4(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_tcp_raw_check_syncookie_ipv6(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* XDP metadata kfuncs (kfunc.c), called by the ids of include/xdpdk/kfunc.h. */
uint64_t xdpdk_kf_xdp_metadata_rx_timestamp(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_kf_xdp_metadata_rx_hash(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_kf_xdp_metadata_rx_vlan_tag(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/*
 * Checksum arithmetic (csum.c), the kernel's on x86-64, for csum_diff and the
 * TC checksum helpers: 32-bit unfolded sums (__wsum) and 16-bit folds.
 */
uint32_t xdpdk_csum_partial(const void *buf, uint32_t len, uint32_t sum);
uint64_t xdpdk_h_csum_diff(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

static inline uint32_t
xdpdk_csum_add(uint32_t a, uint32_t b)
{
	uint32_t r = a + b;

	return r + (r < b);
}

static inline uint32_t
xdpdk_csum_sub(uint32_t a, uint32_t b)
{
	return xdpdk_csum_add(a, ~b);
}

/* csum_from32to16: the 16-bit ones' complement sum of a __wsum, not inverted. */
static inline uint16_t
xdpdk_csum_from32to16(uint32_t sum)
{
	sum += (sum >> 16) | (sum << 16);
	return (uint16_t)(sum >> 16);
}

/* csum_fold: the 16-bit checksum field value of a __wsum. */
static inline uint16_t
xdpdk_csum_fold(uint32_t sum)
{
	return (uint16_t)~xdpdk_csum_from32to16(sum);
}
/* Callback family (loop.c). */
uint64_t xdpdk_h_loop(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_for_each_map_elem(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* Spin locks in map values (lock.c). */
uint64_t xdpdk_h_spin_lock(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_spin_unlock(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* TC family: __sk_buff helpers (tc.c). */
uint64_t xdpdk_h_skb_load_bytes(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_skb_load_bytes_relative(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_skb_store_bytes(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_skb_pull_data(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_l3_csum_replace(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_l4_csum_replace(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_csum_update(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_skb_vlan_push(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_skb_vlan_pop(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_skb_change_head(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_skb_change_tail(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_skb_change_proto(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_skb_adjust_room(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_set_hash(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_get_hash_recalc(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_skb_ecn_set_ce(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
/* Redirect family (redirect.c). */
uint64_t xdpdk_h_redirect(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_redirect_map(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/*
 * The format engine of trace_printk, trace_vprintk and snprintf (bprintf.c):
 * bpf_bprintf_prepare's checks, then vsnprintf into @p buf of @p size.
 * Returns the formatted length without the NUL, or -EINVAL / -ENOSPC.
 */
/* The kernel's isspace (lib/ctype.c): its table also counts 0xa0, Latin-1 NBSP. */
static inline bool
xdpdk_k_isspace(unsigned char c)
{
	return (c >= 9 && c <= 13) || c == ' ' || c == 0xa0;
}

#define XDPDK_BPRINTF_MAX_ARGS 12	/* MAX_BPRINTF_VARARGS */
int xdpdk_bprintf(char *buf, uint32_t size, const char *fmt, uint32_t fmt_size,
		  const uint64_t *args, uint32_t num_args);
/* The verifier's check of a constant format for @p num_args arguments: 0 or -EINVAL. */
int xdpdk_bprintf_check(const char *fmt, uint32_t fmt_size, uint32_t num_args);

/* Printing (trace.c) and strings (string.c). */
uint64_t xdpdk_h_trace_printk(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_trace_vprintk(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_snprintf(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_strtol(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_strtoul(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_strncmp(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* The calling process and thread (process.c). */
uint64_t xdpdk_h_get_current_pid_tgid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_get_current_uid_gid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_get_current_comm(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_get_ns_current_pid_tgid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

/* TC redirect family (tc_redirect.c) and the skb routing helpers (fib.c). */
uint64_t xdpdk_h_tc_redirect(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_redirect_peer(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_redirect_neigh(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_clone_redirect(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_skb_fib_lookup(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);
uint64_t xdpdk_h_skb_check_mtu(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

#endif
