// SPDX-License-Identifier: BSD-3-Clause
/*
 * Three programs in two sections sharing two static subprograms in .text
 * (one calling the other): exercises bpf2bpf call relocation, appending each
 * subprogram once per program, and several programs in one section.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Leaf subprogram: a small mix so it cannot be folded into the caller. */
static __noinline __u32
mix(__u32 a, __u32 b)
{
	a ^= b;
	a -= (b << 7) | (b >> 25);
	return a;
}

/* Calls mix(): reaching it from a program needs the transitive closure. */
static __noinline __u32
pkt_len_mix(__u32 start, __u32 end)
{
	return mix(end - start, 0x9e3779b9) & 0xff;
}

SEC("xdp")
int
xdp_first(struct xdp_md *ctx)
{
	return pkt_len_mix(ctx->data, ctx->data_end) > 0x80 ? XDP_PASS : XDP_DROP;
}

SEC("tc")
int
tc_only(struct __sk_buff *skb)
{
	return pkt_len_mix(skb->data, skb->data_end) == 0 ? 2 /* TC_ACT_SHOT */ : 0;
}

/* Same section as xdp_first; calls only the leaf. */
SEC("xdp")
int
xdp_second(struct xdp_md *ctx)
{
	return mix(ctx->ingress_ifindex, ctx->rx_queue_index) & 1 ? XDP_PASS : XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
