// SPDX-License-Identifier: BSD-3-Clause
/*
 * A map with structured key and value types, for typed (BTF) output of map
 * entries (bpf/btf_json.c): structs, bitfields, enums, char arrays, unions,
 * nested arrays, signed and boolean integers.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum color { RED = 1, GREEN = 2, BLUE = 4 };

struct flow {
	__u32 addr;
	__u16 port;
	__u8 proto;
	__u8 pad;
};

struct stats {
	__u64 packets;
	char name[8];
	enum color color;
	__u32 flags : 3, level : 5, rest : 24;
	__s16 delta;
	_Bool on;
	__u8 arr[3];
	union {
		__u32 word;
		__u8 bytes[4];
	} u;
	struct {
		__s32 x, y;
	} pos[2];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct flow);
	__type(value, struct stats);
} flows SEC(".maps");

SEC("xdp")
int
xdp_btf_types(struct xdp_md *ctx)
{
	struct flow k = { .addr = ctx->ingress_ifindex, .port = 80, .proto = 6 };
	struct stats *s = bpf_map_lookup_elem(&flows, &k);

	if (s)
		__sync_fetch_and_add(&s->packets, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
