// SPDX-License-Identifier: BSD-3-Clause
/*
 * The TC redirect family and the skb variants of fib_lookup and check_mtu,
 * on the paths that do not depend on the machine's devices and routes: the
 * verdicts (TC_ACT_REDIRECT, TC_ACT_SHOT) and error codes, into `rv`, the
 * program's verdict from the last redirect. Success paths against real
 * devices are in xdp_fib.bpf.c (tc_fib_req), which test_fib_diff runs in a
 * network namespace of its own. check_mtu's errors return before *mtu_len
 * is written, in XDP and TC alike.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define NO_DEV 0x7ffe	/* no such device, here or in the kernel */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 32);
	__type(key, __u32);
	__type(value, __u64);
} rv SEC(".maps");

static __always_inline void
set(__u32 k, long v)
{
	__u64 *p = bpf_map_lookup_elem(&rv, &k);

	if (p)
		*p = (__u64)v;
}

SEC("tc")
int
tc_redirect_flags(struct __sk_buff *skb)
{
	struct bpf_redir_neigh nh = { .nh_family = 2 };

	set(0, bpf_redirect(5, 0));
	set(1, bpf_redirect(5, BPF_F_INGRESS));
	set(2, bpf_redirect(5, 2));				/* unknown flag: TC_ACT_SHOT */
	set(3, bpf_redirect(5, 1ULL << 40));
	set(4, bpf_redirect_peer(5, 0));
	set(5, bpf_redirect_peer(5, BPF_F_INGRESS));		/* no flags at all */
	set(6, bpf_redirect_neigh(5, 0, 0, 0));
	set(7, bpf_redirect_neigh(5, &nh, sizeof(nh), 0));
	set(8, bpf_redirect_neigh(5, &nh, 8, 0));		/* short params */
	set(9, bpf_redirect_neigh(5, 0, 0, 1));			/* flags */
	set(10, bpf_clone_redirect(skb, NO_DEV, 0));		/* no device: -EINVAL */
	set(11, bpf_clone_redirect(skb, NO_DEV, BPF_F_INGRESS));
	set(12, bpf_clone_redirect(skb, 1, 2));			/* bad flags: -EINVAL */
	return bpf_redirect(skb->len & 0xff, skb->len & 1 ? BPF_F_INGRESS : 0);
}

SEC("tc")
int
tc_fib_errors(struct __sk_buff *skb)
{
	struct bpf_fib_lookup p = { .family = 2, .ifindex = NO_DEV };

	set(0, bpf_fib_lookup(skb, &p, sizeof(p), 0));		/* no device: -ENODEV */
	set(1, bpf_fib_lookup(skb, &p, 8, 0));			/* short: -EINVAL */
	set(2, bpf_fib_lookup(skb, &p, sizeof(p), 1 << 7));	/* unknown flag: -EINVAL */
	p.family = 3;
	set(3, bpf_fib_lookup(skb, &p, sizeof(p), 0));		/* -EAFNOSUPPORT */
	return 0;
}

/* Apart from fib_lookup, whose map differences depend on the host's routes. */
SEC("tc")
int
tc_check_mtu_errors(struct __sk_buff *skb)
{
	__u32 mtu = 5;

	set(4, bpf_check_mtu(skb, 0, &mtu, 0, 2));		/* unknown flag: -EINVAL */
	set(5, mtu);						/* untouched */
	mtu = 5;
	set(6, bpf_check_mtu(skb, 0, &mtu, 0, BPF_MTU_CHK_SEGS));	/* SEGS with a length */
	set(7, mtu);
	mtu = 0;
	set(8, bpf_check_mtu(skb, 0, &mtu, 1, BPF_MTU_CHK_SEGS));	/* SEGS with len_diff */
	mtu = 5;
	set(9, bpf_check_mtu(skb, NO_DEV, &mtu, 0, 0));		/* -ENODEV */
	set(10, mtu);
	return 0;
}

/* XDP's check_mtu on the same error paths: *mtu_len is zeroed there too. */
SEC("xdp")
int
xdp_check_mtu_errors(struct xdp_md *ctx)
{
	__u32 mtu = 5;

	set(0, bpf_check_mtu(ctx, 0, &mtu, 0, BPF_MTU_CHK_SEGS));	/* XDP takes no flags */
	set(1, mtu);
	mtu = 5;
	set(2, bpf_check_mtu(ctx, NO_DEV, &mtu, 0, 0));		/* -ENODEV */
	set(3, mtu);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
