// SPDX-License-Identifier: BSD-3-Clause
/*
 * A stateless firewall of the size real XDP programs have (about a thousand
 * instructions): Ethernet with up to two VLAN tags, IPv4 with options, IPv6
 * with up to eight extension headers, TCP/UDP/ICMP; a table of port-range
 * rules scanned in order (unrolled), an exact 5-tuple allow map, per-verdict
 * counters. Drops, passes, or swaps MACs and returns XDP_TX for ICMP echo.
 * The verifier benchmark verifies it; kernel_diff runs it on every pcap.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* linux/in.h and linux/icmp.h pull in libc headers: the few names needed. */
#define IPPROTO_HOPOPTS 0
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_ROUTING 43
#define IPPROTO_FRAGMENT 44
#define IPPROTO_ICMPV6 58
#define IPPROTO_DSTOPTS 60
#define ICMP_ECHO 8

struct icmphdr {
	__u8 type;
	__u8 code;
	__u16 checksum;
	__u32 rest;
};

#define N_RULES 32
#define MAX_EXT 8

struct rule {
	__u16 lo, hi;	/* destination port range */
	__u8 proto;	/* 0: any */
	__u8 action;	/* XDP_DROP or XDP_PASS */
};

struct tuple {
	__u32 saddr[4];
	__u32 daddr[4];
	__u16 sport, dport;
	__u8 proto, pad[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, N_RULES);
	__type(key, __u32);
	__type(value, struct rule);
} rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct tuple);
	__type(value, __u64);
} allowed SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} verdicts SEC(".maps");

static __always_inline int
count(int action)
{
	__u32 k = (__u32)action;
	__u64 *c = bpf_map_lookup_elem(&verdicts, &k);

	if (c)
		__sync_fetch_and_add(c, 1);
	return action;
}

static __always_inline int
parse_l4(void *l4, void *end, __u8 proto, struct tuple *t)
{
	if (proto == IPPROTO_TCP) {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > end)
			return -1;
		if (th->syn && th->fin)
			return -1;
		t->sport = th->source;
		t->dport = th->dest;
	} else if (proto == IPPROTO_UDP) {
		struct udphdr *uh = l4;

		if ((void *)(uh + 1) > end)
			return -1;
		if (bpf_ntohs(uh->len) < sizeof(*uh))
			return -1;
		t->sport = uh->source;
		t->dport = uh->dest;
	} else if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) {
		struct icmphdr *ih = l4;

		if ((void *)(ih + 1) > end)
			return -1;
		t->sport = ih->type;
		t->dport = ih->code;
	}
	t->proto = proto;
	return 0;
}

static __always_inline void *
skip_ipv6_ext(void *p, void *end, __u8 *nexthdr)
{
#pragma unroll
	for (int i = 0; i < MAX_EXT; i++) {
		__u8 *h = p;

		switch (*nexthdr) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			if ((void *)(h + 2) > end)
				return 0;
			*nexthdr = h[0];
			p += (h[1] + 1) * 8;
			break;
		case IPPROTO_FRAGMENT:
			if ((void *)(h + 8) > end)
				return 0;
			*nexthdr = h[0];
			p += 8;
			break;
		default:
			return p;
		}
	}
	return p;
}

static __always_inline int
match_rules(const struct tuple *t)
{
	__u16 port = bpf_ntohs(t->dport);

#pragma unroll
	for (__u32 i = 0; i < N_RULES; i++) {
		__u32 k = i;
		struct rule *r = bpf_map_lookup_elem(&rules, &k);

		if (!r || r->hi == 0)
			continue;
		if (r->proto && r->proto != t->proto)
			continue;
		if (port >= r->lo && port <= r->hi)
			return r->action;
	}
	return -1;
}

SEC("xdp")
int
xdp_firewall(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct tuple t = {};
	__u16 proto;
	void *l3, *l4;
	__u8 l4proto;
	int action;

	if ((void *)(eth + 1) > end)
		return count(XDP_DROP);
	proto = eth->h_proto;
	l3 = eth + 1;
#pragma unroll
	for (int i = 0; i < 2; i++) {
		if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
			__u16 *vh = l3;

			if ((void *)(vh + 2) > end)
				return count(XDP_DROP);
			proto = vh[1];
			l3 = vh + 2;
		}
	}
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = l3;

		if ((void *)(iph + 1) > end || iph->ihl < 5)
			return count(XDP_DROP);
		if (iph->frag_off & bpf_htons(0x3fff))
			return count(XDP_PASS);
		l4 = l3 + iph->ihl * 4;
		t.saddr[0] = iph->saddr;
		t.daddr[0] = iph->daddr;
		l4proto = iph->protocol;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l3;

		if ((void *)(ip6 + 1) > end)
			return count(XDP_DROP);
		__builtin_memcpy(t.saddr, &ip6->saddr, 16);
		__builtin_memcpy(t.daddr, &ip6->daddr, 16);
		l4proto = ip6->nexthdr;
		l4 = skip_ipv6_ext(ip6 + 1, end, &l4proto);
		if (!l4)
			return count(XDP_DROP);
	} else {
		return count(XDP_PASS);
	}
	if (parse_l4(l4, end, l4proto, &t) < 0)
		return count(XDP_DROP);
	if (bpf_map_lookup_elem(&allowed, &t))
		return count(XDP_PASS);
	action = match_rules(&t);
	if (action >= 0)
		return count(action);
	if (l4proto == IPPROTO_ICMP && t.sport == ICMP_ECHO) {
		__u8 tmp[ETH_ALEN];

		__builtin_memcpy(tmp, eth->h_dest, ETH_ALEN);
		__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
		__builtin_memcpy(eth->h_source, tmp, ETH_ALEN);
		return count(XDP_TX);
	}
	return count(XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
