/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one table from helper id (enum bpf_func_id) to implementation, name and
 * the program types allowed to call it. Helpers that xdpdk does not implement
 * have no row: a program calling one is refused at load with its name.
 */
#include <stddef.h>
#include <linux/bpf.h>

#include <xdpdk/kfunc.h>

#include "helpers_internal.h"

struct helper_row {
	struct xdpdk_helper_desc desc;
	uint32_t types; /* bit per enum xdpdk_prog_type */
};

#define ROW(func, impl, allowed) \
	[BPF_FUNC_##func] = { { BPF_FUNC_##func, "bpf_" #func, impl, \
				&xdpdk_helper_protos[BPF_FUNC_##func] }, allowed }

/* XDP only: the metadata kfuncs are registered for BPF_PROG_TYPE_XDP. */
#define KFUNC_ROW(name, idx, impl) \
	[XDPDK_KFUNC_ID_BASE + (idx)] = { { XDPDK_KFUNC_ID_BASE + (idx), #name, impl,    \
					    &xdpdk_helper_protos[XDPDK_KFUNC_ID_BASE + (idx)] }, \
					  XDPDK_HELPER_XDP }

static const struct helper_row helper_table[] = {
	ROW(ktime_get_ns, xdpdk_h_ktime_get_ns, XDPDK_HELPER_ANY),
	ROW(ktime_get_boot_ns, xdpdk_h_ktime_get_boot_ns, XDPDK_HELPER_ANY),
	ROW(ktime_get_coarse_ns, xdpdk_h_ktime_get_coarse_ns, XDPDK_HELPER_ANY),
	ROW(jiffies64, xdpdk_h_jiffies64, XDPDK_HELPER_ANY),
	ROW(get_prandom_u32, xdpdk_h_get_prandom_u32, XDPDK_HELPER_ANY),
	ROW(get_smp_processor_id, xdpdk_h_get_smp_processor_id, XDPDK_HELPER_ANY),
	ROW(get_numa_node_id, xdpdk_h_get_numa_node_id, XDPDK_HELPER_ANY),
	/* bpf_base_func_proto(): the map helpers are open to every program type. */
	ROW(map_lookup_elem, xdpdk_h_map_lookup_elem, XDPDK_HELPER_ANY),
	ROW(map_update_elem, xdpdk_h_map_update_elem, XDPDK_HELPER_ANY),
	ROW(map_delete_elem, xdpdk_h_map_delete_elem, XDPDK_HELPER_ANY),
	ROW(map_push_elem, xdpdk_h_map_push_elem, XDPDK_HELPER_ANY),
	ROW(map_pop_elem, xdpdk_h_map_pop_elem, XDPDK_HELPER_ANY),
	ROW(map_peek_elem, xdpdk_h_map_peek_elem, XDPDK_HELPER_ANY),
	ROW(map_lookup_percpu_elem, xdpdk_h_map_lookup_percpu_elem, XDPDK_HELPER_ANY),
	ROW(ringbuf_output, xdpdk_h_ringbuf_output, XDPDK_HELPER_ANY),
	ROW(ringbuf_reserve, xdpdk_h_ringbuf_reserve, XDPDK_HELPER_ANY),
	ROW(ringbuf_submit, xdpdk_h_ringbuf_submit, XDPDK_HELPER_ANY),
	ROW(ringbuf_discard, xdpdk_h_ringbuf_discard, XDPDK_HELPER_ANY),
	ROW(ringbuf_query, xdpdk_h_ringbuf_query, XDPDK_HELPER_ANY),
	ROW(perf_event_output, xdpdk_h_perf_event_output, XDPDK_HELPER_XDP | XDPDK_HELPER_TC),
	/* xdp_func_proto: the packet helpers are XDP's own. */
	ROW(xdp_adjust_head, xdpdk_h_xdp_adjust_head, XDPDK_HELPER_XDP),
	ROW(xdp_adjust_meta, xdpdk_h_xdp_adjust_meta, XDPDK_HELPER_XDP),
	ROW(xdp_adjust_tail, xdpdk_h_xdp_adjust_tail, XDPDK_HELPER_XDP),
	ROW(xdp_load_bytes, xdpdk_h_xdp_load_bytes, XDPDK_HELPER_XDP),
	ROW(xdp_store_bytes, xdpdk_h_xdp_store_bytes, XDPDK_HELPER_XDP),
	ROW(xdp_get_buff_len, xdpdk_h_xdp_get_buff_len, XDPDK_HELPER_XDP),
	/* The XDP variants; TC's (bpf_skb_fib_lookup, bpf_skb_check_mtu) differ. */
	ROW(fib_lookup, xdpdk_h_xdp_fib_lookup, XDPDK_HELPER_XDP),
	ROW(check_mtu, xdpdk_h_xdp_check_mtu, XDPDK_HELPER_XDP),
	/* In both xdp_func_proto and tc_cls_act_func_proto. */
	ROW(csum_diff, xdpdk_h_csum_diff, XDPDK_HELPER_XDP | XDPDK_HELPER_TC),
	ROW(tcp_raw_gen_syncookie_ipv4, xdpdk_h_tcp_raw_gen_syncookie_ipv4,
	    XDPDK_HELPER_XDP | XDPDK_HELPER_TC),
	ROW(tcp_raw_gen_syncookie_ipv6, xdpdk_h_tcp_raw_gen_syncookie_ipv6,
	    XDPDK_HELPER_XDP | XDPDK_HELPER_TC),
	ROW(tcp_raw_check_syncookie_ipv4, xdpdk_h_tcp_raw_check_syncookie_ipv4,
	    XDPDK_HELPER_XDP | XDPDK_HELPER_TC),
	ROW(tcp_raw_check_syncookie_ipv6, xdpdk_h_tcp_raw_check_syncookie_ipv6,
	    XDPDK_HELPER_XDP | XDPDK_HELPER_TC),
	/* Kfuncs, at the ids the loader gives their calls (include/xdpdk/kfunc.h). */
	KFUNC_ROW(bpf_xdp_metadata_rx_timestamp, 0, xdpdk_kf_xdp_metadata_rx_timestamp),
	KFUNC_ROW(bpf_xdp_metadata_rx_hash, 1, xdpdk_kf_xdp_metadata_rx_hash),
	KFUNC_ROW(bpf_xdp_metadata_rx_vlan_tag, 2, xdpdk_kf_xdp_metadata_rx_vlan_tag),
	ROW(loop, xdpdk_h_loop, XDPDK_HELPER_ANY),
	ROW(for_each_map_elem, xdpdk_h_for_each_map_elem, XDPDK_HELPER_ANY),
	ROW(spin_lock, xdpdk_h_spin_lock, XDPDK_HELPER_ANY),
	ROW(spin_unlock, xdpdk_h_spin_unlock, XDPDK_HELPER_ANY),
	/* sk_filter_func_proto also gives socket filters the two loads. */
	ROW(skb_load_bytes, xdpdk_h_skb_load_bytes, XDPDK_HELPER_TC | XDPDK_HELPER_SOCKET_FILTER),
	ROW(skb_load_bytes_relative, xdpdk_h_skb_load_bytes_relative,
	    XDPDK_HELPER_TC | XDPDK_HELPER_SOCKET_FILTER),
	ROW(skb_store_bytes, xdpdk_h_skb_store_bytes, XDPDK_HELPER_TC),
	ROW(skb_pull_data, xdpdk_h_skb_pull_data, XDPDK_HELPER_TC),
	ROW(l3_csum_replace, xdpdk_h_l3_csum_replace, XDPDK_HELPER_TC),
	ROW(l4_csum_replace, xdpdk_h_l4_csum_replace, XDPDK_HELPER_TC),
	ROW(csum_update, xdpdk_h_csum_update, XDPDK_HELPER_TC),
	ROW(skb_vlan_push, xdpdk_h_skb_vlan_push, XDPDK_HELPER_TC),
	ROW(skb_vlan_pop, xdpdk_h_skb_vlan_pop, XDPDK_HELPER_TC),
	ROW(skb_change_head, xdpdk_h_skb_change_head, XDPDK_HELPER_TC),
	ROW(skb_change_tail, xdpdk_h_skb_change_tail, XDPDK_HELPER_TC),
	ROW(skb_change_proto, xdpdk_h_skb_change_proto, XDPDK_HELPER_TC),
	ROW(skb_adjust_room, xdpdk_h_skb_adjust_room, XDPDK_HELPER_TC),
	ROW(set_hash, xdpdk_h_set_hash, XDPDK_HELPER_TC),
	ROW(get_hash_recalc, xdpdk_h_get_hash_recalc, XDPDK_HELPER_TC),
	ROW(skb_ecn_set_ce, xdpdk_h_skb_ecn_set_ce, XDPDK_HELPER_TC),
	/* XDP's versions (bpf_xdp_redirect*); TC's bpf_redirect is another function. */
	ROW(redirect, xdpdk_h_redirect, XDPDK_HELPER_XDP),
	ROW(redirect_map, xdpdk_h_redirect_map, XDPDK_HELPER_XDP),
	/* bpf_base_func_proto (CAP_PERFMON part): printing and strings. */
	ROW(trace_printk, xdpdk_h_trace_printk, XDPDK_HELPER_ANY),
	ROW(trace_vprintk, xdpdk_h_trace_vprintk, XDPDK_HELPER_ANY),
	ROW(snprintf, xdpdk_h_snprintf, XDPDK_HELPER_ANY),
	ROW(strtol, xdpdk_h_strtol, XDPDK_HELPER_ANY),
	ROW(strtoul, xdpdk_h_strtoul, XDPDK_HELPER_ANY),
	ROW(strncmp, xdpdk_h_strncmp, XDPDK_HELPER_ANY),
	/* Process helpers: the xdpdk thread that runs the program (process.c). */
	ROW(get_current_pid_tgid, xdpdk_h_get_current_pid_tgid, XDPDK_HELPER_ANY),
	ROW(get_current_uid_gid, xdpdk_h_get_current_uid_gid, XDPDK_HELPER_ANY),
	ROW(get_current_comm, xdpdk_h_get_current_comm, XDPDK_HELPER_ANY),
	ROW(get_ns_current_pid_tgid, xdpdk_h_get_ns_current_pid_tgid, XDPDK_HELPER_ANY),
	/* tc_cls_act_func_proto only. */
	ROW(clone_redirect, xdpdk_h_clone_redirect, XDPDK_HELPER_TC),
	ROW(redirect_neigh, xdpdk_h_redirect_neigh, XDPDK_HELPER_TC),
	ROW(redirect_peer, xdpdk_h_redirect_peer, XDPDK_HELPER_TC),
};

/*
 * TC's own functions behind ids whose row above is XDP's: the kernel's
 * tc_cls_act_func_proto returns bpf_redirect_proto, bpf_skb_fib_lookup_proto
 * and bpf_skb_check_mtu_proto there.
 */
static const struct helper_row tc_variants[] = {
	ROW(redirect, xdpdk_h_tc_redirect, XDPDK_HELPER_TC),
	ROW(fib_lookup, xdpdk_h_skb_fib_lookup, XDPDK_HELPER_TC),
	ROW(check_mtu, xdpdk_h_skb_check_mtu, XDPDK_HELPER_TC),
};

/* The kernel's helper names, for messages about helpers xdpdk lacks. */
/* 6.1 UAPI: the mapper separates entries with commas itself. */
#define XDPDK_HELPER_NAME(x, ...) [BPF_FUNC_##x] = "bpf_" #x
static const char *const kernel_names[] = {
	__BPF_FUNC_MAPPER(XDPDK_HELPER_NAME)
};

const struct xdpdk_helper_desc *
xdpdk_helpers_get(uint32_t id)
{
	if (id >= sizeof(helper_table) / sizeof(helper_table[0]) || helper_table[id].desc.fn == NULL)
		return NULL;
	return &helper_table[id].desc;
}

const struct xdpdk_helper_desc *
xdpdk_helpers_resolve(uint32_t id, enum xdpdk_prog_type type, void *arg)
{
	const struct xdpdk_helper_desc *d = xdpdk_helpers_get(id);

	(void)arg;
	if (type == XDPDK_PROG_TYPE_TC && id < sizeof(tc_variants) / sizeof(tc_variants[0]) &&
	    tc_variants[id].desc.fn != NULL)
		return &tc_variants[id].desc;
	if (d == NULL || !(helper_table[id].types & (1u << type)))
		return NULL;
	return d;
}

const char *
xdpdk_helpers_kernel_name(uint32_t id)
{
	if (id >= sizeof(kernel_names) / sizeof(kernel_names[0]))
		return NULL;
	return kernel_names[id];
}
