// SPDX-License-Identifier: BSD-3-Clause
/*
 * A map pinned under the same name as pinned.bpf.c's but with another
 * definition (max_entries): loading both into one dataplane must fail, as
 * libbpf refuses to reuse a pinned map that does not match.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} shared_cnt SEC(".maps");

SEC("xdp")
int
xdp_conflict(struct xdp_md *ctx)
{
	__u32 key = 1;

	return bpf_map_lookup_elem(&shared_cnt, &key) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
