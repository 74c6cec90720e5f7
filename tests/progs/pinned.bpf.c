// SPDX-License-Identifier: BSD-3-Clause
/*
 * A counter pinned by name (LIBBPF_PIN_BY_NAME): every object loaded into
 * one dataplane with this map shares it, so two loads count into one map.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} shared_cnt SEC(".maps");

SEC("xdp")
int
xdp_pinned(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&shared_cnt, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
