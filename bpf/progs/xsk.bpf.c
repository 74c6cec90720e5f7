// SPDX-License-Identifier: BSD-3-Clause
/*
 * xsk: steers one flow to an AF_XDP consumer. UDP packets (IPv4 or IPv6)
 * whose destination port is steer_port[0] (network order; 0: none) are
 * redirected to the xsks_map entry of the queue they arrived on; the rest,
 * and steered packets of a queue without a socket, are passed.
 * xsk_stats[0] counts the steered packets, xsk_stats[1] the others.
 */
#include "xdpdk_progs.h"

#define XSK_MAX_QUEUES 64

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, XSK_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __be16);
} steer_port SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct xp_stats);
} xsk_stats SEC(".maps");

/* The UDP destination port (network order), or 0. */
static __always_inline __be16
xsk_udp_dport(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	struct udphdr *uh;

	if (!XP_FITS(eth, sizeof(*eth), data_end))
		return 0;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if (!XP_FITS(ip, sizeof(*ip), data_end) || ip->protocol != IPPROTO_UDP ||
		    ip->ihl != 5 || (ip->frag_off & bpf_htons(0x1fff)))
			return 0;
		uh = (void *)(ip + 1);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if (!XP_FITS(ip6, sizeof(*ip6), data_end) || ip6->nexthdr != IPPROTO_UDP)
			return 0;
		uh = (void *)(ip6 + 1);
	} else {
		return 0;
	}
	if (!XP_FITS(uh, sizeof(*uh), data_end))
		return 0;
	return uh->dest;
}

SEC("xdp")
int
xdp_xsk_steer(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u32 zero = 0;
	__be16 *want = bpf_map_lookup_elem(&steer_port, &zero);
	__be16 port = xsk_udp_dport(data, data_end);

	if (!want || *want == 0 || port != *want) {
		xp_stats_add(&xsk_stats, 1, data_end - data);
		return XDP_PASS;
	}
	xp_stats_add(&xsk_stats, 0, data_end - data);
	return bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
