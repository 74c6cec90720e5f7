// SPDX-License-Identifier: BSD-3-Clause
/* Refused: indexes a map value with a packet byte, unchecked. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8[64]);
} table SEC(".maps");

SEC("xdp")
int
bad_map_index(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 key = 0;
	__u8 *row;

	if (data + 1 > (unsigned char *)end)
		return XDP_DROP;
	row = bpf_map_lookup_elem(&table, &key);
	if (!row)
		return XDP_DROP;
	return row[data[0]];
}

char LICENSE[] SEC("license") = "GPL";
