// SPDX-License-Identifier: BSD-3-Clause
/*
 * Legacy map definitions: struct bpf_map_def records in SEC("maps"), as
 * samples/bpf and pre-BTF libbpf wrote them. This record has the two extra
 * fields of the old samples (inner_map_idx, numa_node), set to nonzero values
 * the loader must ignore: the record size is the section size divided by the
 * number of map symbols, and only the first five fields are read.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
	unsigned int inner_map_idx;
	unsigned int numa_node;
};

struct bpf_map_def SEC("maps") flow_hash = {
    .type = BPF_MAP_TYPE_HASH,
    .key_size = sizeof(__u32),
    .value_size = sizeof(__u64),
    .max_entries = 1024,
    .map_flags = BPF_F_NO_PREALLOC,
    .inner_map_idx = 7,
    .numa_node = 3,
};

struct bpf_map_def SEC("maps") rx_count = {
    .type = BPF_MAP_TYPE_PERCPU_ARRAY,
    .key_size = sizeof(__u32),
    .value_size = sizeof(__u64),
    .max_entries = 4,
    .inner_map_idx = 0xffffffff,
};

struct bpf_map_def SEC("maps") tx_port = {
    .type = BPF_MAP_TYPE_DEVMAP,
    .key_size = sizeof(__u32),
    .value_size = sizeof(__u32),
    .max_entries = 64,
};

SEC("xdp")
int
xdp_legacy(struct xdp_md *ctx)
{
	__u32 key = ctx->rx_queue_index & 3;
	__u64 *cnt = bpf_map_lookup_elem(&rx_count, &key);

	if (cnt)
		*cnt += 1;
	if (bpf_map_lookup_elem(&flow_hash, &key))
		return bpf_redirect_map(&tx_port, key, XDP_PASS);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
__u32 _version SEC("version") = 0x060100;
