/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Native C versions of tests/progs/xdp_macswap.bpf.c and xdp_parse_hash.bpf.c,
 * statement for statement, compiled at -O2 as a baseline for the engines. The
 * only change is the context: xdpdk's struct with real pointers instead of
 * xdp_md. This file is its own translation unit so the bench calls it (no
 * inlining into the timed loop), as the engines are called.
 */
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>

#include "native_progs.h"

/* The BPF sources read through packed headers; keep unaligned reads defined here. */
static inline uint32_t
ld32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int
xdpdk_native_xdp_macswap(struct xdpdk_xdp_ctx *ctx)
{
	uint8_t *data = ctx->data;
	uint8_t *data_end = ctx->data_end;
	uint16_t *w = (uint16_t *)data;
	uint16_t t0, t1, t2;

	if (data + ETH_HLEN > data_end)
		return XDP_DROP;
	t0 = w[0];
	t1 = w[1];
	t2 = w[2];
	w[0] = w[3];
	w[1] = w[4];
	w[2] = w[5];
	w[3] = t0;
	w[4] = t1;
	w[5] = t2;
	return XDP_TX;
}

struct vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

#define ROL32(x, k) (((x) << (k)) | ((x) >> (32 - (k))))

static inline uint32_t
mix3(uint32_t a, uint32_t b, uint32_t c)
{
	c ^= b; c -= ROL32(b, 14);
	a ^= c; a -= ROL32(c, 11);
	b ^= a; b -= ROL32(a, 25);
	c ^= b; c -= ROL32(b, 16);
	a ^= c; a -= ROL32(c, 4);
	b ^= a; b -= ROL32(a, 14);
	c ^= b; c -= ROL32(b, 24);
	return c;
}

int
xdpdk_native_xdp_parse_hash(struct xdpdk_xdp_ctx *ctx)
{
	uint8_t *data = ctx->data;
	uint8_t *data_end = ctx->data_end;
	struct ethhdr *eth = (struct ethhdr *)data;
	uint8_t *l3 = (uint8_t *)(eth + 1);
	uint32_t saddr, daddr, ports, hash;
	struct iphdr *iph = NULL;
	uint16_t proto;
	uint8_t l4proto;
	uint8_t *l4;

	if (l3 > data_end)
		return XDP_DROP;
	proto = eth->h_proto;
	if (proto == htons(ETH_P_8021Q) || proto == htons(ETH_P_8021AD)) {
		struct vlan_hdr *vh = (struct vlan_hdr *)l3;

		if ((uint8_t *)(vh + 1) > data_end)
			return XDP_DROP;
		proto = vh->encap_proto;
		l3 = (uint8_t *)(vh + 1);
	}

	if (proto == htons(ETH_P_IP)) {
		iph = (struct iphdr *)l3;
		if ((uint8_t *)(iph + 1) > data_end)
			return XDP_DROP;
		if (iph->ihl < 5)
			return XDP_DROP;
		if (iph->frag_off & htons(0x1fff))
			return XDP_PASS;
		l4 = l3 + iph->ihl * 4;
		l4proto = iph->protocol;
		saddr = ld32(&iph->saddr);
		daddr = ld32(&iph->daddr);
	} else if (proto == htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = (struct ipv6hdr *)l3;
		const uint8_t *s = (const uint8_t *)&ip6h->saddr;
		const uint8_t *d = (const uint8_t *)&ip6h->daddr;

		if ((uint8_t *)(ip6h + 1) > data_end)
			return XDP_DROP;
		l4 = (uint8_t *)(ip6h + 1);
		l4proto = ip6h->nexthdr;
		saddr = ld32(s) ^ ld32(s + 4) ^ ld32(s + 8) ^ ld32(s + 12);
		daddr = ld32(d) ^ ld32(d + 4) ^ ld32(d + 8) ^ ld32(d + 12);
	} else {
		return XDP_PASS;
	}

	if (l4proto != IPPROTO_TCP && l4proto != IPPROTO_UDP)
		return XDP_PASS;
	if (l4 + sizeof(struct udphdr) > data_end)
		return XDP_DROP;
	ports = ld32(l4);

	hash = mix3(saddr + 0xdeadbeef, daddr + l4proto, ports);

	{
		uint16_t *w = (uint16_t *)data;
		uint16_t t0 = w[0];

		w[0] = w[3];
		w[1] = w[4];
		w[2] = w[5];
		w[3] = t0;
		w[4] = htons(hash >> 16);
		w[5] = htons(hash & 0xffff);
	}

	if (iph) {
		uint32_t csum = iph->check + htons(0x0100);

		iph->ttl--;
		iph->check = csum + (csum >= 0xffff);
	}
	return XDP_TX;
}
