// SPDX-License-Identifier: BSD-3-Clause
/*
 * A program whose answers come from the machine, not from its input: it
 * writes bpf_get_prandom_u32() over the Ethernet source MAC's first four
 * bytes and keeps bpf_ktime_get_ns() in an array. The kernel and xdpdk
 * cannot agree on either; `xdpdk prog diff` must say so (the differences its
 * test shows are real ones), and the kernel differential lists the program as
 * host-dependent (docs/differential.md).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} last_seen SEC(".maps");

SEC("xdp")
int
xdp_hostdep(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 key = 0, r;
	__u64 *seen;

	if (data + ETH_HLEN > data_end)
		return XDP_DROP;
	r = bpf_get_prandom_u32();
	__builtin_memcpy(eth->h_source, &r, sizeof(r));
	seen = bpf_map_lookup_elem(&last_seen, &key);
	if (seen)
		*seen = bpf_ktime_get_ns();
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
