// SPDX-License-Identifier: BSD-3-Clause
/*
 * Programs for the fault tests (tests/unit/dataplane/test_faults.c):
 * xdp_tail_self tail-calls itself until the runtime refuses (the kernel's
 * MAX_TAIL_CALL_CNT, 33: the 34th call falls through), counting its runs;
 * xdp_fill_flows inserts one new key per packet into a small hash map and
 * counts what bpf_map_update_elem returned once the map is full.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define E2BIG 7

/* 0: runs of xdp_tail_self; 1: the next key of xdp_fill_flows */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} runs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} flows SEC(".maps");

/* what bpf_map_update_elem returned: 0 ok, 1 -E2BIG, 2 anything else */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} upd SEC(".maps");

int xdp_tail_self(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__array(values, int(void *));
} jmp SEC(".maps") = {
	.values = { [0] = (void *)&xdp_tail_self },
};

static __always_inline void
bump(void *map, __u32 k)
{
	__u64 *v = bpf_map_lookup_elem(map, &k);

	if (v)
		*v += 1;
}

SEC("xdp")
int xdp_tail_self(struct xdp_md *ctx)
{
	bump(&runs, 0);
	bpf_tail_call(ctx, &jmp, 0);
	/* only once the limit is reached: the packet still goes on, back out */
	return XDP_TX;
}

SEC("xdp")
int xdp_fill_flows(struct xdp_md *ctx)
{
	__u32 k = 1, one = 1, key;
	__u64 *next = bpf_map_lookup_elem(&runs, &k);
	long r;

	if (!next)
		return XDP_ABORTED;
	key = (__u32)*next;
	*next += 1;
	r = bpf_map_update_elem(&flows, &key, &one, BPF_NOEXIST);
	bump(&upd, r == 0 ? 0 : r == -E2BIG ? 1 : 2);
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
