// SPDX-License-Identifier: BSD-3-Clause
/*
 * Every __sk_buff field a TC program may read, and the writable ones written
 * and read back (16-bit fields truncate as in the kernel), into the `out`
 * array; narrow loads of protocol. (Adjacent fields are read in separate
 * statements: clang may merge two into one 8-byte load, which the kernel refuses.) The differential test compares `out`.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 32);
	__type(key, __u32);
	__type(value, __u64);
} out SEC(".maps");

/* Sums over every packet run, so that each packet's values count. */
static void
put(__u32 k, __u64 v)
{
	__u64 *p = bpf_map_lookup_elem(&out, &k);

	if (p)
		*p += v;
}

SEC("tc")
int
tc_fields(struct __sk_buff *skb)
{
	volatile __u8 *proto_lo = (volatile __u8 *)&skb->protocol;
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	void *meta = (void *)(long)skb->data_meta;

	put(0, skb->len);
	put(1, skb->pkt_type);
	put(2, skb->protocol);
	put(3, proto_lo[0] | proto_lo[1] << 8);
	put(4, skb->vlan_present | skb->vlan_tci << 1 | (__u64)skb->vlan_proto << 20);
	put(5, skb->ingress_ifindex | (__u64)skb->ifindex << 32);
	put(6, skb->hash | (__u64)skb->napi_id << 32);
	put(7, skb->wire_len);
	put(8, skb->gso_size + ((__u64)skb->gso_segs << 32));
	put(9, skb->tstamp);
	put(10, skb->hwtstamp);
	put(11, end - data);
	put(12, data - meta);
	put(13, skb->mark | (__u64)skb->priority << 32);

	skb->mark = skb->len * 3;
	skb->priority = 7;
	skb->tc_index = 0x12345;		/* 16 bits kept */
	skb->tc_classid = 0x10002;
	skb->queue_mapping = 5;
	skb->cb[0] = 1;
	skb->cb[4] = skb->cb[0] + 41;
	skb->tstamp = 1000;
	put(14, skb->mark | (__u64)skb->priority << 32);
	put(15, skb->tc_index | (__u64)skb->tc_classid << 32);
	put(16, skb->queue_mapping);
	put(17, skb->cb[0] + skb->cb[1] + skb->cb[4]);
	put(18, skb->tstamp);
	return skb->len > 100 ? 2 /* TC_ACT_SHOT */ : 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
