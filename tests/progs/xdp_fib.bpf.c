// SPDX-License-Identifier: BSD-3-Clause
/*
 * bpf_fib_lookup and bpf_check_mtu driven from the packet: after the Ethernet
 * header comes a request (flags, then a struct bpf_fib_lookup, then the
 * check_mtu arguments); the program writes back the updated struct and every
 * return value in place, so tests can reach each BPF_FIB_LKUP_RET_* code.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct fib_req {
	__u32 flags;
	__u32 mtu_ifindex;
	__s32 mtu_len_diff;
	__u32 mtu_len;		/* in: check_mtu's *mtu_len; out: its result */
	struct bpf_fib_lookup p;
	long rc_fib;
	long rc_short;		/* plen smaller than the struct */
	long rc_mtu;
	long rc_mtu_segs;	/* BPF_MTU_CHK_SEGS is not for XDP */
};

SEC("xdp")
int
xdp_fib_req(struct xdp_md *ctx)
{
	struct fib_req r;
	__u32 mtu;

	if (bpf_xdp_load_bytes(ctx, 14, &r, sizeof(r)) != 0)
		return XDP_DROP;
	r.rc_fib = bpf_fib_lookup(ctx, &r.p, sizeof(r.p), r.flags);
	r.rc_short = bpf_fib_lookup(ctx, &r.p, 8, 0);
	mtu = 0;
	r.rc_mtu_segs = bpf_check_mtu(ctx, r.mtu_ifindex, &mtu, 0, BPF_MTU_CHK_SEGS);
	r.rc_mtu = bpf_check_mtu(ctx, r.mtu_ifindex, &r.mtu_len, r.mtu_len_diff, 0);
	if (bpf_xdp_store_bytes(ctx, 14, &r, sizeof(r)) != 0)
		return XDP_ABORTED;
	return XDP_PASS;
}

/*
 * TC's: the skb variants of both helpers on the same request, plus
 * bpf_clone_redirect to the check_mtu device (egress and ingress). Only
 * frames of the local experimental EtherType 0x88b5 carry a request, so the
 * pcaps of the general differential test leave it alone.
 */
struct tc_fib_req {
	struct fib_req r;
	long rc_clone;
	long rc_clone_ingress;
};

SEC("tc")
int
tc_fib_req(struct __sk_buff *skb)
{
	struct tc_fib_req t;
	__u32 mtu;

	if (skb->protocol != bpf_htons(0x88b5) ||
	    bpf_skb_load_bytes(skb, 14, &t, sizeof(t)) != 0)
		return TC_ACT_OK;
	t.r.rc_fib = bpf_fib_lookup(skb, &t.r.p, sizeof(t.r.p), t.r.flags);
	t.r.rc_short = bpf_fib_lookup(skb, &t.r.p, 8, 0);
	mtu = 0;
	t.r.rc_mtu_segs = bpf_check_mtu(skb, t.r.mtu_ifindex, &mtu, 0, BPF_MTU_CHK_SEGS);
	t.r.rc_mtu = bpf_check_mtu(skb, t.r.mtu_ifindex, &t.r.mtu_len, t.r.mtu_len_diff, 0);
	t.rc_clone = bpf_clone_redirect(skb, t.r.mtu_ifindex, 0);
	t.rc_clone_ingress = bpf_clone_redirect(skb, t.r.mtu_ifindex, BPF_F_INGRESS);
	if (bpf_skb_store_bytes(skb, 14, &t, sizeof(t), 0) != 0)
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
