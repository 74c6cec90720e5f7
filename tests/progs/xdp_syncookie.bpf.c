// SPDX-License-Identifier: GPL-2.0
/*
 * SYN cookies as xdp-synproxy uses them: for a TCP packet (IPv4 or IPv6),
 * generate a cookie, answer it as the client's ACK would and check it, then
 * check tampered ACKs and bad header lengths. The secret is random, so only
 * what does not depend on it goes into the packet: the MSS, the check
 * results and the error codes. (GPL: the kernel's cookie helpers are gpl_only.)
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define N_RC 8

static __always_inline void
run(long *rc, void *iph, struct tcphdr *th, __u32 th_len, int v6)
{
	struct tcphdr ack;
	__s64 g;
	__u32 cookie;

#define GEN(l) (v6 ? bpf_tcp_raw_gen_syncookie_ipv6(iph, th, l) \
		   : bpf_tcp_raw_gen_syncookie_ipv4(iph, th, l))
#define CHECK(t) (v6 ? bpf_tcp_raw_check_syncookie_ipv6(iph, t) \
		     : bpf_tcp_raw_check_syncookie_ipv4(iph, t))
	g = GEN(th_len);
	rc[0] = g < 0 ? g : g >> 32;				/* the MSS kept */
	rc[1] = GEN(th_len - 4);				/* != doff * 4 */
	rc[2] = GEN(0);
	cookie = (__u32)g;
	__builtin_memcpy(&ack, th, sizeof(ack));
	ack.seq = bpf_htonl(bpf_ntohl(th->seq) + 1);
	ack.ack_seq = bpf_htonl(cookie + 1);
	rc[3] = CHECK(&ack);					/* the round trip */
	ack.ack_seq = bpf_htonl(cookie + 1 + (1 << 24));	/* another minute */
	rc[4] = CHECK(&ack);
	ack.ack_seq = bpf_htonl(cookie + 1 + (1 << 12));	/* another hash */
	rc[5] = CHECK(&ack);
	ack.ack_seq = bpf_htonl(cookie + 1);
	ack.seq = th->seq;					/* not the SYN's seq + 1 */
	rc[6] = CHECK(&ack);
	rc[7] = g >= 0;
}

SEC("xdp")
int
xdp_syncookie(struct xdp_md *ctx)
{
	__u8 l3[sizeof(struct ipv6hdr)];
	__u8 l4[60];
	long rc[N_RC] = {};
	__s32 out[N_RC];
	__u16 proto;
	__u32 l4_off, th_len;
	int v6;

	if (bpf_xdp_load_bytes(ctx, 12, &proto, 2) != 0)
		return XDP_DROP;
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = (void *)l3;

		if (bpf_xdp_load_bytes(ctx, 14, l3, sizeof(struct iphdr)) != 0 ||
		    iph->protocol != IPPROTO_TCP || iph->ihl < 5)
			return XDP_PASS;
		l4_off = 14 + iph->ihl * 4;
		v6 = 0;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)l3;

		if (bpf_xdp_load_bytes(ctx, 14, l3, sizeof(struct ipv6hdr)) != 0 ||
		    ip6->nexthdr != IPPROTO_TCP)
			return XDP_PASS;
		l4_off = 14 + sizeof(struct ipv6hdr);
		v6 = 1;
	} else {
		return XDP_PASS;
	}
	if (bpf_xdp_load_bytes(ctx, l4_off, l4, sizeof(struct tcphdr)) != 0)
		return XDP_DROP;
	th_len = ((struct tcphdr *)l4)->doff * 4;
	if (th_len < sizeof(struct tcphdr) || th_len > sizeof(l4))
		return XDP_DROP;
	/* The options too, as far as the header goes. */
	if (th_len > sizeof(struct tcphdr) &&
	    bpf_xdp_load_bytes(ctx, l4_off, l4, th_len) != 0)
		return XDP_DROP;
	run(rc, l3, (struct tcphdr *)l4, th_len, v6);
	/* Over the headers: the results as 32-bit values, not the cookie. */
	for (int i = 0; i < N_RC; i++)
		out[i] = (__s32)rc[i];
	if (bpf_xdp_store_bytes(ctx, 14, out, sizeof(out)) != 0)
		return XDP_ABORTED;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
