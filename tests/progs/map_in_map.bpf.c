// SPDX-License-Identifier: BSD-3-Clause
/*
 * Maps holding maps and programs, with initial entries: an array of maps and
 * a hash of maps whose inner definition comes from __array(values, ...),
 * and a prog_array filled with `.values = { [i] = &prog }`. The initial
 * entries are relocations in .maps against the inner maps and programs.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
};

struct inner inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 3);
	__type(key, __u32);
	__array(values, struct inner);
} outer_arr SEC(".maps") = {
    .values = {[0] = &inner_a, [2] = &inner_b},
};

/* An anonymous inner definition; no initial entries. */
/* clang-format off */
struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, struct {
		__uint(type, BPF_MAP_TYPE_HASH);
		__uint(max_entries, 32);
		__type(key, __u16);
		__type(value, __u32);
	});
} outer_hash SEC(".maps");
/* clang-format on */

SEC("xdp")
int xdp_tail_a(struct xdp_md *ctx);
SEC("xdp")
int xdp_tail_b(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int(struct xdp_md *));
} jump SEC(".maps") = {
    .values = {[1] = (void *)&xdp_tail_a, [3] = (void *)&xdp_tail_b},
};

SEC("xdp")
int
xdp_tail_a(struct xdp_md *ctx)
{
	return XDP_TX;
}

SEC("xdp")
int
xdp_tail_b(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp")
int
xdp_dispatch(struct xdp_md *ctx)
{
	__u32 k = 0, q = ctx->rx_queue_index;
	void *in = bpf_map_lookup_elem(&outer_arr, &k);
	__u64 *v;

	if (in) {
		v = bpf_map_lookup_elem(in, &k);
		if (v)
			*v += 1;
	}
	if (bpf_map_lookup_elem(&outer_hash, &q))
		return XDP_ABORTED;
	bpf_tail_call(ctx, &jump, q & 3);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
