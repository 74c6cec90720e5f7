// SPDX-License-Identifier: BSD-3-Clause
/*
 * bpf_fib_lookup and bpf_check_mtu driven from the packet: after the Ethernet
 * header comes a request (flags, then a struct bpf_fib_lookup, then the
 * check_mtu arguments); the program writes back the updated struct and every
 * return value in place, so tests can reach each BPF_FIB_LKUP_RET_* code.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

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

char LICENSE[] SEC("license") = "Dual BSD/GPL";
