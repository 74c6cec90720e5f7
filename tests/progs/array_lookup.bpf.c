// SPDX-License-Identifier: BSD-3-Clause
/*
 * Array and percpu_array lookups, the ones the JIT inlines (as the kernel's
 * map_gen_lookup): in-range and out-of-range keys from the packet, values of
 * an odd size (elem_size 24, not a power of two) and of 8 bytes.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct val24 {
	__u64 packets;
	__u64 bytes;
	__u32 last;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, struct val24);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} pcpu SEC(".maps");

SEC("xdp")
int
xdp_array_lookup(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 len = end - data, k;
	struct val24 *v;
	__u64 *c;

	if (data + 20 > end)
		return XDP_DROP;
	k = ((__u8 *)data)[19] % 20;		/* 16..19: out of range */
	v = bpf_map_lookup_elem(&stats, &k);
	if (v) {
		v->packets++;
		v->bytes += len;
		v->last = k;
	}
	k = len % 6;				/* 4, 5: out of range */
	c = bpf_map_lookup_elem(&pcpu, &k);
	if (c)
		*c += len;
	return v ? (c ? XDP_PASS : XDP_TX) : XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
