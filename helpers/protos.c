/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The verifier's prototype of every helper xdpdk knows, as the kernel's
 * struct bpf_func_proto rows (net/core/filter.c, kernel/bpf/helpers.c,
 * kernel/trace/bpf_trace.c): argument and return types, packet access,
 * whether the helper changes packet data (bpf_helper_changes_pkt_data), and
 * the map types its map argument accepts (check_map_func_compatibility).
 * Implementations live in the family files; registry.c points here.
 */
#include <stddef.h>
#include <linux/bpf.h>

#include <xdpdk/kfunc.h>

#include "helpers_internal.h"

#define A(x) XDPDK_ARG_##x
#define R(x) XDPDK_RET_##x
#define RO XDPDK_ARG_MEM_RDONLY
#define UNINIT XDPDK_ARG_MEM_UNINIT
#define NUL XDPDK_ARG_MAYBE_NULL
#define MT(t) (1ULL << BPF_MAP_TYPE_##t)

/* P(name, ret, {args}, {flags}, pkt_access, changes_pkt_data, map types[, fields]) */
#define P(fn, ret, args, flags, pkt, chg, maps, ...)                                \
	[BPF_FUNC_##fn] = { .defined = true, .ret_type = R(ret), .arg_type = args,    \
			    .arg_flags = flags, .pkt_access = pkt, .changes_pkt_data = chg, \
			    .map_types = maps, __VA_ARGS__ }
#define ARGS(...) { __VA_ARGS__ }
#define NOFL { 0 }

#define REDIRECT_MAPS (MT(DEVMAP) | MT(DEVMAP_HASH) | MT(CPUMAP) | MT(XSKMAP))
#define PERCPU_MAPS (MT(PERCPU_ARRAY) | MT(PERCPU_HASH) | MT(LRU_PERCPU_HASH))
#define FOREACH_MAPS (MT(HASH) | MT(LRU_HASH) | MT(ARRAY) | MT(PERCPU_ARRAY) | \
		      MT(PERCPU_HASH) | MT(LRU_PERCPU_HASH))

const struct xdpdk_helper_proto xdpdk_helper_protos[XDPDK_HELPER_PROTOS_N] = {
	/* maps (kernel/bpf/helpers.c) */
	P(map_lookup_elem, PTR_TO_MAP_VALUE_OR_NULL, ARGS(A(CONST_MAP_PTR), A(PTR_TO_MAP_KEY)),
	  NOFL, true, false, 0),
	P(map_update_elem, INTEGER, ARGS(A(CONST_MAP_PTR), A(PTR_TO_MAP_KEY),
	  A(PTR_TO_MAP_VALUE), A(ANYTHING)), NOFL, true, false, 0),
	P(map_delete_elem, INTEGER, ARGS(A(CONST_MAP_PTR), A(PTR_TO_MAP_KEY)), NOFL, true, false,
	  0),
	P(map_push_elem, INTEGER, ARGS(A(CONST_MAP_PTR), A(PTR_TO_MAP_VALUE), A(ANYTHING)), NOFL,
	  false, false, MT(QUEUE) | MT(STACK) | MT(BLOOM_FILTER)),
	P(map_pop_elem, INTEGER, ARGS(A(CONST_MAP_PTR), A(PTR_TO_UNINIT_MAP_VALUE)), NOFL, false,
	  false, MT(QUEUE) | MT(STACK)),
	P(map_peek_elem, INTEGER, ARGS(A(CONST_MAP_PTR), A(PTR_TO_UNINIT_MAP_VALUE)), NOFL, false,
	  false, MT(QUEUE) | MT(STACK) | MT(BLOOM_FILTER)),
	P(map_lookup_percpu_elem, PTR_TO_MAP_VALUE_OR_NULL, ARGS(A(CONST_MAP_PTR),
	  A(PTR_TO_MAP_KEY), A(ANYTHING)), NOFL, false, false, PERCPU_MAPS),
	P(for_each_map_elem, INTEGER, ARGS(A(CONST_MAP_PTR), A(PTR_TO_FUNC),
	  A(PTR_TO_STACK_OR_NULL), A(ANYTHING)), NOFL, false, false, FOREACH_MAPS),
	/* ring buffer and perf output */
	P(ringbuf_output, INTEGER, ARGS(A(CONST_MAP_PTR), A(PTR_TO_MEM), A(CONST_SIZE_OR_ZERO),
	  A(ANYTHING)), ARGS(0, RO), false, false, MT(RINGBUF)),
	P(ringbuf_reserve, PTR_TO_ALLOC_MEM_OR_NULL, ARGS(A(CONST_MAP_PTR),
	  A(CONST_ALLOC_SIZE_OR_ZERO), A(ANYTHING)), NOFL, false, false, MT(RINGBUF)),
	P(ringbuf_submit, VOID, ARGS(A(PTR_TO_ALLOC_MEM), A(ANYTHING)), ARGS(XDPDK_ARG_RELEASE),
	  false, false, 0),
	P(ringbuf_discard, VOID, ARGS(A(PTR_TO_ALLOC_MEM), A(ANYTHING)), ARGS(XDPDK_ARG_RELEASE),
	  false, false, 0),
	P(ringbuf_query, INTEGER, ARGS(A(CONST_MAP_PTR), A(ANYTHING)), NOFL, false, false,
	  MT(RINGBUF)),
	P(perf_event_output, INTEGER, ARGS(A(PTR_TO_CTX), A(CONST_MAP_PTR), A(ANYTHING),
	  A(PTR_TO_MEM), A(CONST_SIZE_OR_ZERO)), ARGS(0, 0, 0, RO), false, false,
	  MT(PERF_EVENT_ARRAY)),
	/* time, random, cpu */
	P(ktime_get_ns, INTEGER, NOFL, NOFL, false, false, 0),
	P(ktime_get_boot_ns, INTEGER, NOFL, NOFL, false, false, 0),
	P(ktime_get_coarse_ns, INTEGER, NOFL, NOFL, false, false, 0),
	P(ktime_get_tai_ns, INTEGER, NOFL, NOFL, false, false, 0),
	P(jiffies64, INTEGER, NOFL, NOFL, false, false, 0),
	P(get_prandom_u32, INTEGER, NOFL, NOFL, false, false, 0),
	P(get_smp_processor_id, INTEGER, NOFL, NOFL, false, false, 0),
	P(get_numa_node_id, INTEGER, NOFL, NOFL, false, false, 0),
	P(get_current_pid_tgid, INTEGER, NOFL, NOFL, false, false, 0),
	P(get_current_uid_gid, INTEGER, NOFL, NOFL, false, false, 0),
	P(get_current_comm, INTEGER, ARGS(A(PTR_TO_MEM), A(CONST_SIZE)), ARGS(UNINIT), false,
	  false, 0),
	P(get_ns_current_pid_tgid, INTEGER, ARGS(A(ANYTHING), A(ANYTHING), A(PTR_TO_MEM),
	  A(CONST_SIZE)), ARGS(0, 0, UNINIT), false, false, 0),
	/* control flow */
	P(loop, INTEGER, ARGS(A(ANYTHING), A(PTR_TO_FUNC), A(PTR_TO_STACK_OR_NULL), A(ANYTHING)),
	  NOFL, false, false, 0),
	P(spin_lock, VOID, ARGS(A(PTR_TO_SPIN_LOCK)), NOFL, false, false, 0),
	P(spin_unlock, VOID, ARGS(A(PTR_TO_SPIN_LOCK)), NOFL, false, false, 0),
	/* strings and printing */
	/* The kernel declares two arguments: the three values are not checked. */
	P(trace_printk, INTEGER, ARGS(A(PTR_TO_MEM), A(CONST_SIZE)), ARGS(RO), false, false, 0),
	P(snprintf, INTEGER, ARGS(A(PTR_TO_MEM), A(CONST_SIZE_OR_ZERO), A(PTR_TO_CONST_STR),
	  A(PTR_TO_MEM), A(CONST_SIZE_OR_ZERO)), ARGS(NUL, 0, 0, RO | NUL), false, false, 0,
	  .check_fmt = xdpdk_bprintf_check),
	P(trace_vprintk, INTEGER, ARGS(A(PTR_TO_MEM), A(CONST_SIZE), A(PTR_TO_MEM),
	  A(CONST_SIZE_OR_ZERO)), ARGS(RO, 0, RO | NUL), false, false, 0),
	P(strtol, INTEGER, ARGS(A(PTR_TO_MEM), A(CONST_SIZE), A(ANYTHING), A(PTR_TO_LONG)),
	  ARGS(RO), false, false, 0),
	P(strtoul, INTEGER, ARGS(A(PTR_TO_MEM), A(CONST_SIZE), A(ANYTHING), A(PTR_TO_LONG)),
	  ARGS(RO), false, false, 0),
	P(strncmp, INTEGER, ARGS(A(PTR_TO_MEM), A(CONST_SIZE), A(PTR_TO_CONST_STR)), ARGS(RO),
	  false, false, 0),
	/* XDP (net/core/filter.c) */
	P(xdp_adjust_head, INTEGER, ARGS(A(PTR_TO_CTX), A(ANYTHING)), NOFL, false, true, 0),
	P(xdp_adjust_tail, INTEGER, ARGS(A(PTR_TO_CTX), A(ANYTHING)), NOFL, false, true, 0),
	P(xdp_adjust_meta, INTEGER, ARGS(A(PTR_TO_CTX), A(ANYTHING)), NOFL, false, true, 0),
	P(xdp_load_bytes, INTEGER, ARGS(A(PTR_TO_CTX), A(ANYTHING), A(PTR_TO_MEM), A(CONST_SIZE)),
	  ARGS(0, 0, UNINIT), false, false, 0),
	P(xdp_store_bytes, INTEGER, ARGS(A(PTR_TO_CTX), A(ANYTHING), A(PTR_TO_MEM),
	  A(CONST_SIZE)), ARGS(0, 0, RO), false, false, 0),
	P(xdp_get_buff_len, INTEGER, ARGS(A(PTR_TO_CTX)), NOFL, false, false, 0),
	P(xdp_output, INTEGER, ARGS(A(PTR_TO_CTX), A(CONST_MAP_PTR), A(ANYTHING), A(PTR_TO_MEM),
	  A(CONST_SIZE_OR_ZERO)), ARGS(0, 0, 0, RO), false, false, MT(PERF_EVENT_ARRAY)),
	P(redirect, INTEGER, ARGS(A(ANYTHING), A(ANYTHING)), NOFL, false, false, 0),
	P(redirect_map, INTEGER, ARGS(A(CONST_MAP_PTR), A(ANYTHING), A(ANYTHING)), NOFL, false,
	  false, REDIRECT_MAPS),
	P(fib_lookup, INTEGER, ARGS(A(PTR_TO_CTX), A(PTR_TO_MEM), A(CONST_SIZE), A(ANYTHING)),
	  NOFL, false, false, 0),
	P(csum_diff, INTEGER, ARGS(A(PTR_TO_MEM), A(CONST_SIZE_OR_ZERO), A(PTR_TO_MEM),
	  A(CONST_SIZE_OR_ZERO), A(ANYTHING)), ARGS(RO | NUL, 0, RO | NUL), true, false, 0),
	P(check_mtu, INTEGER, ARGS(A(PTR_TO_CTX), A(ANYTHING), A(PTR_TO_INT), A(ANYTHING),
	  A(ANYTHING)), NOFL, false, false, 0),
	P(tcp_raw_gen_syncookie_ipv4, INTEGER, ARGS(A(PTR_TO_MEM), A(PTR_TO_MEM),
	  A(CONST_SIZE_OR_ZERO)), ARGS(RO, RO), true, false, 0),
	P(tcp_raw_gen_syncookie_ipv6, INTEGER, ARGS(A(PTR_TO_MEM), A(PTR_TO_MEM),
	  A(CONST_SIZE_OR_ZERO)), ARGS(RO, RO), true, false, 0),
	P(tcp_raw_check_syncookie_ipv4, INTEGER, ARGS(A(PTR_TO_MEM), A(PTR_TO_MEM)),
	  ARGS(RO, RO), true, false, 0),
	P(tcp_raw_check_syncookie_ipv6, INTEGER, ARGS(A(PTR_TO_MEM), A(PTR_TO_MEM)),
	  ARGS(RO, RO), true, false, 0),
	/* TC (net/core/filter.c) */
	P(skb_load_bytes, INTEGER, ARGS(A(PTR_TO_CTX), A(ANYTHING), A(PTR_TO_MEM), A(CONST_SIZE)),
	  ARGS(0, 0, UNINIT), false, false, 0),
	P(skb_load_bytes_relative, INTEGER, ARGS(A(PTR_TO_CTX), A(ANYTHING), A(PTR_TO_MEM),
	  A(CONST_SIZE), A(ANYTHING)), ARGS(0, 0, UNINIT), false, false, 0),
	P(skb_store_bytes, INTEGER, ARGS(A(PTR_TO_CTX), A(ANYTHING), A(PTR_TO_MEM), A(CONST_SIZE),
	  A(ANYTHING)), ARGS(0, 0, RO), false, true, 0),
	P(l3_csum_replace, INTEGER, ARGS(A(PTR_TO_CTX), A(ANYTHING), A(ANYTHING), A(ANYTHING),
	  A(ANYTHING)), NOFL, false, true, 0),
	P(l4_csum_replace, INTEGER, ARGS(A(PTR_TO_CTX), A(ANYTHING), A(ANYTHING), A(ANYTHING),
	  A(ANYTHING)), NOFL, false, true, 0),
	P(csum_update, INTEGER, ARGS(A(PTR_TO_CTX), A(ANYTHING)), NOFL, false, false, 0),
	P(skb_vlan_push, INTEGER, ARGS(A(PTR_TO_CTX), A(ANYTHING), A(ANYTHING)), NOFL, false,
	  true, 0),
	P(skb_vlan_pop, INTEGER, ARGS(A(PTR_TO_CTX)), NOFL, false, true, 0),
	P(skb_change_head, INTEGER, ARGS(A(PTR_TO_CTX), A(ANYTHING), A(ANYTHING)), NOFL, false,
	  true, 0),
	P(skb_change_tail, INTEGER, ARGS(A(PTR_TO_CTX), A(ANYTHING), A(ANYTHING)), NOFL, false,
	  true, 0),
	P(skb_adjust_room, INTEGER, ARGS(A(PTR_TO_CTX), A(ANYTHING), A(ANYTHING), A(ANYTHING)),
	  NOFL, false, true, 0),
	P(skb_change_proto, INTEGER, ARGS(A(PTR_TO_CTX), A(ANYTHING), A(ANYTHING)), NOFL, false,
	  true, 0),
	P(skb_pull_data, INTEGER, ARGS(A(PTR_TO_CTX), A(ANYTHING)), NOFL, false, true, 0),
	P(clone_redirect, INTEGER, ARGS(A(PTR_TO_CTX), A(ANYTHING), A(ANYTHING)), NOFL, false,
	  true, 0),
	P(redirect_neigh, INTEGER, ARGS(A(ANYTHING), A(PTR_TO_MEM), A(CONST_SIZE_OR_ZERO),
	  A(ANYTHING)), ARGS(0, RO | NUL), false, false, 0),
	P(redirect_peer, INTEGER, ARGS(A(ANYTHING), A(ANYTHING)), NOFL, false, false, 0),
	P(set_hash, INTEGER, ARGS(A(PTR_TO_CTX), A(ANYTHING)), NOFL, false, false, 0),
	P(set_hash_invalid, VOID, ARGS(A(PTR_TO_CTX)), NOFL, false, false, 0),
	P(get_hash_recalc, INTEGER, ARGS(A(PTR_TO_CTX)), NOFL, false, false, 0),
	P(skb_ecn_set_ce, INTEGER, ARGS(A(PTR_TO_CTX)), NOFL, false, false, 0),
	P(get_cgroup_classid, INTEGER, ARGS(A(PTR_TO_CTX)), NOFL, false, false, 0),
	P(get_route_realm, INTEGER, ARGS(A(PTR_TO_CTX)), NOFL, false, false, 0),
	P(skb_under_cgroup, INTEGER, ARGS(A(PTR_TO_CTX), A(CONST_MAP_PTR), A(ANYTHING)), NOFL,
	  false, false, MT(CGROUP_ARRAY)),
	P(get_socket_cookie, INTEGER, ARGS(A(PTR_TO_CTX)), NOFL, false, false, 0),
	P(skb_get_tunnel_key, INTEGER, ARGS(A(PTR_TO_CTX), A(PTR_TO_MEM), A(CONST_SIZE),
	  A(ANYTHING)), ARGS(0, UNINIT), false, false, 0),
	P(skb_set_tunnel_key, INTEGER, ARGS(A(PTR_TO_CTX), A(PTR_TO_MEM), A(CONST_SIZE),
	  A(ANYTHING)), ARGS(0, RO), false, false, 0),
	P(tail_call, VOID, ARGS(A(PTR_TO_CTX), A(CONST_MAP_PTR), A(ANYTHING)), NOFL, false, false,
	  MT(PROG_ARRAY)),
	/*
	 * XDP metadata kfuncs (net/core/xdp.c), at the call ids the loader gives
	 * them (include/xdpdk/kfunc.h): the context, then where to write.
	 */
	[XDPDK_KFUNC_ID_BASE + 0] = { .defined = true, .ret_type = R(INTEGER),
				      .arg_type = ARGS(A(PTR_TO_CTX), A(PTR_TO_LONG)) },
	[XDPDK_KFUNC_ID_BASE + 1] = { .defined = true, .ret_type = R(INTEGER),
				      .arg_type = ARGS(A(PTR_TO_CTX), A(PTR_TO_INT), A(PTR_TO_INT)) },
	[XDPDK_KFUNC_ID_BASE + 2] = { .defined = true, .ret_type = R(INTEGER),
				      .arg_type = ARGS(A(PTR_TO_CTX), A(PTR_TO_SHORT),
						       A(PTR_TO_SHORT)) },
};

const struct xdpdk_helper_proto *
xdpdk_helper_proto(uint32_t id)
{
	if (id >= XDPDK_HELPER_PROTOS_N || !xdpdk_helper_protos[id].defined)
		return NULL;
	return &xdpdk_helper_protos[id];
}
