// SPDX-License-Identifier: BSD-3-Clause
/*
 * Counts packets in a BTF-defined array map: the smallest program whose
 * result is in a map (loader relocation, map creation, the lookup helper,
 * an atomic add into map memory).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} pkt_count SEC(".maps");

SEC("xdp")
int
xdp_count(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&pkt_count, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
