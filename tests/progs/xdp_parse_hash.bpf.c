// SPDX-License-Identifier: BSD-3-Clause
/*
 * A realistic parser without maps or helpers: Ethernet (+ one 802.1Q/802.1ad
 * tag), IPv4 or IPv6, then TCP or UDP ports; a jhash-style mix of the 5-tuple.
 * TCP/UDP packets are bounced (MACs swapped, the hash written into the low
 * 4 bytes of the new source MAC, IPv4 TTL decremented with an incremental
 * checksum update) and get XDP_TX; other well-formed packets (ARP, ICMP, later
 * IPv4 fragments) get XDP_PASS; truncated or malformed ones get XDP_DROP.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

#define ROL32(x, k) (((x) << (k)) | ((x) >> (32 - (k))))

/* The final mix of Bob Jenkins' lookup3 (as the kernel's jhash_3words). */
static __always_inline __u32
mix3(__u32 a, __u32 b, __u32 c)
{
	c ^= b;
	c -= ROL32(b, 14);
	a ^= c;
	a -= ROL32(c, 11);
	b ^= a;
	b -= ROL32(a, 25);
	c ^= b;
	c -= ROL32(b, 16);
	a ^= c;
	a -= ROL32(c, 4);
	b ^= a;
	b -= ROL32(a, 14);
	c ^= b;
	c -= ROL32(b, 24);
	return c;
}

SEC("xdp")
int
xdp_parse_hash(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	void *l3 = eth + 1;
	__u32 saddr, daddr, ports, hash;
	struct iphdr *iph = NULL;
	__u16 proto;
	__u8 l4proto;
	void *l4;

	if (l3 > data_end)
		return XDP_DROP;
	proto = eth->h_proto;
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
		struct vlan_hdr *vh = l3;

		if ((void *)(vh + 1) > data_end)
			return XDP_DROP;
		proto = vh->encap_proto;
		l3 = vh + 1;
	}

	if (proto == bpf_htons(ETH_P_IP)) {
		iph = l3;
		if ((void *)(iph + 1) > data_end)
			return XDP_DROP;
		if (iph->ihl < 5)
			return XDP_DROP;
		/* Later fragments carry no L4 header: nothing to hash. */
		if (iph->frag_off & bpf_htons(0x1fff))
			return XDP_PASS;
		l4 = l3 + iph->ihl * 4;
		l4proto = iph->protocol;
		saddr = iph->saddr;
		daddr = iph->daddr;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6h = l3;

		if ((void *)(ip6h + 1) > data_end)
			return XDP_DROP;
		l4 = ip6h + 1;
		l4proto = ip6h->nexthdr;
		/* Fold each 128-bit address into 32 bits before the mix. */
		saddr = ip6h->saddr.in6_u.u6_addr32[0] ^ ip6h->saddr.in6_u.u6_addr32[1] ^
			ip6h->saddr.in6_u.u6_addr32[2] ^ ip6h->saddr.in6_u.u6_addr32[3];
		daddr = ip6h->daddr.in6_u.u6_addr32[0] ^ ip6h->daddr.in6_u.u6_addr32[1] ^
			ip6h->daddr.in6_u.u6_addr32[2] ^ ip6h->daddr.in6_u.u6_addr32[3];
	} else {
		return XDP_PASS;
	}

	if (l4proto != IPPROTO_TCP && l4proto != IPPROTO_UDP)
		return XDP_PASS;
	/* Source and destination ports sit at the same place in TCP and UDP. */
	if (l4 + sizeof(struct udphdr) > data_end)
		return XDP_DROP;
	ports = *(__u32 *)l4;

	hash = mix3(saddr + 0xdeadbeef, daddr + l4proto, ports);

	{
		__u16 *w = data;
		__u16 t0 = w[0];

		w[0] = w[3];
		w[1] = w[4];
		w[2] = w[5];
		/* New source MAC: the old destination's first 2 bytes, then the hash. */
		w[3] = t0;
		w[4] = bpf_htons(hash >> 16);
		w[5] = bpf_htons(hash & 0xffff);
	}

	if (iph) {
		/* As the kernel's ip_decrease_ttl(): TTL is the high byte of a
		 * 16-bit word, so the checksum grows by 0x0100 (RFC 1624).
		 */
		__u32 csum = iph->check + bpf_htons(0x0100);

		iph->ttl--;
		iph->check = csum + (csum >= 0xffff);
	}
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
