// SPDX-License-Identifier: BSD-3-Clause
/*
 * router: L3 forwarding with bpf_fib_lookup(), as the kernel's xdp_fwd sample.
 *
 * IPv4 and IPv6 packets are looked up in the routing table (the kernel's, or
 * xdpdk's routes/neighbours from the configuration). On success the TTL / hop
 * limit is decremented (the IPv4 checksum updated incrementally), the MACs
 * are rewritten to the next hop's and the egress port's, and the packet is
 * redirected through tx_port (a devmap keyed by egress ifindex). Blackhole,
 * unreachable and prohibited routes drop; everything the fast path cannot
 * finish (no neighbour yet, local delivery, TTL expiring, IP options,
 * egress not in tx_port) is passed to the stack, which answers with ICMP.
 * fib_stats (per-CPU) counts each outcome by BPF_FIB_LKUP_RET_* code;
 * slot ROUTER_CNT_TTL counts TTL expiry.
 */
#include "xdpdk_progs.h"

#define AF_INET 2
#define AF_INET6 10
#define ROUTER_CNT_TTL 16
#define ROUTER_CNT_NO_PORT 17

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 64);
	__type(key, __u32);	/* egress ifindex */
	__type(value, __u32);	/* the device (ifindex) to send on */
} tx_port SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 18);
	__type(key, __u32);
	__type(value, struct xp_stats);
} fib_stats SEC(".maps");

static __always_inline int
router_finish(struct xdp_md *ctx, struct ethhdr *eth, const struct bpf_fib_lookup *p, __u64 len)
{
	/* The devmap entry is the opt-in: a port not in tx_port goes to the stack. */
	if (!bpf_map_lookup_elem(&tx_port, &p->ifindex)) {
		xp_stats_add(&fib_stats, ROUTER_CNT_NO_PORT, len);
		return XDP_PASS;
	}
	__builtin_memcpy(eth->h_dest, p->dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, p->smac, ETH_ALEN);
	return bpf_redirect_map(&tx_port, p->ifindex, 0);
}

static __always_inline int
router_ret(__u32 rc, __u64 len)
{
	xp_stats_add(&fib_stats, rc, len);
	switch (rc) {
	case BPF_FIB_LKUP_RET_BLACKHOLE:
	case BPF_FIB_LKUP_RET_UNREACHABLE:
	case BPF_FIB_LKUP_RET_PROHIBIT:
		return XDP_DROP;
	default:
		return XDP_PASS;
	}
}

SEC("xdp")
int
xdp_router(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u64 len = data_end - data;
	struct bpf_fib_lookup p = {};
	struct ethhdr *eth = data;
	long rc;

	if (!XP_FITS(eth, sizeof(*eth), data_end))
		return XDP_DROP;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if (!XP_FITS(ip, sizeof(*ip), data_end))
			return XDP_DROP;
		if (ip->ihl != 5)
			return XDP_PASS;
		if (ip->ttl <= 1) {
			xp_stats_add(&fib_stats, ROUTER_CNT_TTL, len);
			return XDP_PASS;
		}
		p.family = AF_INET;
		p.tos = ip->tos;
		p.l4_protocol = ip->protocol;
		p.tot_len = bpf_ntohs(ip->tot_len);
		p.ipv4_src = ip->saddr;
		p.ipv4_dst = ip->daddr;
		p.ifindex = ctx->ingress_ifindex;
		rc = bpf_fib_lookup(ctx, &p, sizeof(p), 0);
		if (rc != BPF_FIB_LKUP_RET_SUCCESS)
			return router_ret(rc, len);
		xp_stats_add(&fib_stats, rc, len);
		/* TTL is the high byte of its 16-bit word with the protocol. */
		ip->check = xp_csum_replace16(ip->check, bpf_htons((__u16)ip->ttl << 8),
					      bpf_htons((__u16)(ip->ttl - 1) << 8));
		ip->ttl--;
		return router_finish(ctx, eth, &p, len);
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if (!XP_FITS(ip6, sizeof(*ip6), data_end))
			return XDP_DROP;
		if (ip6->hop_limit <= 1) {
			xp_stats_add(&fib_stats, ROUTER_CNT_TTL, len);
			return XDP_PASS;
		}
		p.family = AF_INET6;
		p.flowinfo = *(__be32 *)ip6 & bpf_htonl(0x0fffffff);
		p.l4_protocol = ip6->nexthdr;
		p.tot_len = bpf_ntohs(ip6->payload_len);
		__builtin_memcpy(p.ipv6_src, &ip6->saddr, 16);
		__builtin_memcpy(p.ipv6_dst, &ip6->daddr, 16);
		p.ifindex = ctx->ingress_ifindex;
		rc = bpf_fib_lookup(ctx, &p, sizeof(p), 0);
		if (rc != BPF_FIB_LKUP_RET_SUCCESS)
			return router_ret(rc, len);
		xp_stats_add(&fib_stats, rc, len);
		ip6->hop_limit--;
		return router_finish(ctx, eth, &p, len);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
