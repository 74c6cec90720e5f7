// SPDX-License-Identifier: BSD-3-Clause
/*
 * BTF-defined maps of several shapes: key/value given by type (__type) or
 * by size (__uint(key_size, N)), flags, pinning, numa_node, map_extra, a
 * ring buffer whose size libbpf rounds up. Two programs share a .text
 * subprogram that references maps itself, so each program's appended copy
 * must carry the map references.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct flow_key {
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto;
};

struct flow_stats {
	__u64 packets;
	__u64 bytes;
	__u32 last_seen;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
	__uint(map_flags, BPF_F_NO_COMMON_LRU);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 24);
	__uint(max_entries, 8);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u64);
	__type(value, __u32[3]);
	__uint(map_flags, BPF_F_NUMA_NODE);
	__uint(numa_node, 1);
} by_numa SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 5000);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__type(value, __u32);
	__uint(max_entries, 100);
	__uint(map_extra, 3);
} seen SEC(".maps");

static __noinline int
count(__u32 slot, __u32 len)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &slot);

	if (!c)
		return 0;
	c[0] += 1;
	c[1] += len;
	return bpf_map_push_elem(&seen, &slot, 0) == 0;
}

SEC("xdp")
int
xdp_flows(struct xdp_md *ctx)
{
	struct flow_key k = {.proto = 17};
	struct flow_stats *st;

	k.sport = (__u16)ctx->rx_queue_index;
	st = bpf_map_lookup_elem(&flows, &k);
	if (st)
		st->packets++;
	count(0, ctx->data_end - ctx->data);
	return XDP_PASS;
}

SEC("tc")
int
tc_count(struct __sk_buff *skb)
{
	__u64 key = skb->len;
	__u32 *v = bpf_map_lookup_elem(&by_numa, &key);

	if (v)
		bpf_ringbuf_output(&events, v, sizeof(*v) * 3, 0);
	return count(1, skb->len) ? 0 : 2;
}

char LICENSE[] SEC("license") = "GPL";
