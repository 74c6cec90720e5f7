// SPDX-License-Identifier: BSD-3-Clause
/*
 * xdp_flowhash: the demo's program until the load balancer lands. Parses
 * Ethernet (+ one 802.1Q tag), IPv4/IPv6 and TCP/UDP, hashes the 5-tuple onto
 * one of 8 backends, rewrites the destination MAC to that backend's and the
 * source MAC to ours, and sends the packet back out (XDP_TX). Non-IP traffic
 * is passed to the stack; malformed packets are dropped.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define N_BACKENDS 8

struct vlan_hdr {
	__be16 tci;
	__be16 proto;
};

/* A Murmur3-style finaliser: cheap, and spreads nearby tuples apart. */
static __always_inline __u32
mix(__u32 h, __u32 v)
{
	v *= 0xcc9e2d51;
	v = (v << 15) | (v >> 17);
	v *= 0x1b873593;
	h ^= v;
	h = (h << 13) | (h >> 19);
	return h * 5 + 0xe6546b64;
}

SEC("xdp")
int xdp_flowhash(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 h = 0x2545f491, ports = 0;
	__u16 proto;
	__u8 l4;
	void *l4h;

	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	proto = eth->h_proto;
	l4h = eth + 1;
	if (proto == bpf_htons(ETH_P_8021Q)) {
		struct vlan_hdr *vh = l4h;

		if ((void *)(vh + 1) > data_end)
			return XDP_DROP;
		proto = vh->proto;
		l4h = vh + 1;
	}
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = l4h;

		if ((void *)(ip + 1) > data_end || ip->ihl < 5)
			return XDP_DROP;
		if (ip->frag_off & bpf_htons(0x3fff))
			return XDP_PASS; /* fragments: no ports to hash */
		h = mix(h, ip->saddr);
		h = mix(h, ip->daddr);
		l4 = ip->protocol;
		l4h = (void *)ip + ip->ihl * 4;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l4h;

		if ((void *)(ip6 + 1) > data_end)
			return XDP_DROP;
#pragma unroll
		for (int i = 0; i < 4; i++) {
			h = mix(h, ip6->saddr.in6_u.u6_addr32[i]);
			h = mix(h, ip6->daddr.in6_u.u6_addr32[i]);
		}
		l4 = ip6->nexthdr;
		l4h = ip6 + 1;
	} else {
		return XDP_PASS;
	}
	if (l4 == IPPROTO_TCP || l4 == IPPROTO_UDP) {
		struct udphdr *uh = l4h; /* ports sit at the same offsets in TCP */

		if ((void *)(uh + 1) > data_end)
			return XDP_DROP;
		ports = ((__u32)uh->source << 16) | uh->dest;
	} else {
		return XDP_PASS;
	}
	h = mix(h, ports ^ l4);
	h ^= h >> 16;

	/* Backend MAC 02:00:00:00:00:0N, ours 02:00:00:00:00:ff. */
	eth->h_source[0] = 0x02;
	__builtin_memset(eth->h_source + 1, 0, 4);
	eth->h_source[5] = 0xff;
	eth->h_dest[0] = 0x02;
	__builtin_memset(eth->h_dest + 1, 0, 4);
	eth->h_dest[5] = h % N_BACKENDS;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
