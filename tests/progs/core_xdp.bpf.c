// SPDX-License-Identifier: BSD-3-Clause
/*
 * CO-RE relocations against the types xdpdk provides, written the way
 * vmlinux.h-based programs are: local type copies with
 * preserve_access_index, fields in a different order from the kernel's (so
 * every offset must be relocated), ___flavor suffixes, a field and a type
 * the target does not have (guarded by existence checks), bitfields,
 * type sizes and enum values.
 * xdp_core writes into the packet: [0..4) rx_queue_index, [4..8)
 * ingress_ifindex, [8] ip->ihl (bitfield), [9] ip->version, [10] ip->ttl,
 * [11] exists flags (bit 0: xdp_md.rx_queue_index, bit 1: xdp_md.no_such,
 * bit 2: struct no_such_type, bit 3: XDP_REDIRECT exists), [12..14)
 * sizeof(struct iphdr) + sizeof(struct ethhdr) as the target sees them,
 * [14] XDP_TX's value, [15] the byte size of udphdr.len.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* Reordered, and with a field the kernel does not have. */
struct xdp_md___mine {
	__u32 rx_queue_index;
	__u32 no_such;
	__u32 ingress_ifindex;
	__u32 data_end;
	__u32 data;
} __attribute__((preserve_access_index));

struct ethhdr {
	unsigned char h_dest[6];
	unsigned char h_source[6];
	__be16 h_proto;
} __attribute__((preserve_access_index));

/* vmlinux.h's iphdr: bitfields, and saddr/daddr in an anonymous union. */
struct iphdr {
	__u8 ihl : 4, version : 4;
	__u8 tos;
	__be16 tot_len;
	__be16 id;
	__be16 frag_off;
	__u8 ttl;
	__u8 protocol;
	__sum16 check;
	union {
		struct {
			__be32 saddr;
			__be32 daddr;
		};
		struct {
			__be32 saddr;
			__be32 daddr;
		} addrs;
	};
} __attribute__((preserve_access_index));

struct udphdr___v2 {
	__be16 len;
	__be16 source;
} __attribute__((preserve_access_index));

struct no_such_type {
	int x;
} __attribute__((preserve_access_index));

enum xdp_action___local {
	XDP_TX___local = 3,
	XDP_REDIRECT___local = 4,
};

SEC("xdp")
int
xdp_core(struct xdp_md *ctx)
{
	struct xdp_md___mine *c = (void *)ctx;
	__u8 *data = (void *)(long)c->data;
	__u8 *data_end = (void *)(long)c->data_end;
	struct iphdr *ip = (void *)(data + sizeof(struct ethhdr));
	__u8 flags = 0;

	if ((void *)(ip + 1) > (void *)data_end || data + 16 > data_end)
		return XDP_DROP;
	if (bpf_core_field_exists(c->rx_queue_index))
		flags |= 1;
	if (bpf_core_field_exists(c->no_such))
		flags |= 2;
	if (bpf_core_type_exists(struct no_such_type))
		flags |= 4;
	if (bpf_core_enum_value_exists(enum xdp_action___local, XDP_REDIRECT___local))
		flags |= 8;
	data[8] = ip->ihl;
	data[9] = BPF_CORE_READ_BITFIELD(ip, version);
	data[10] = ip->ttl;
	data[11] = flags;
	data[12] = bpf_core_type_size(struct iphdr) + bpf_core_type_size(struct ethhdr);
	data[13] = 0;
	data[14] = bpf_core_enum_value(enum xdp_action___local, XDP_TX___local);
	data[15] = bpf_core_field_size(((struct udphdr___v2 *)0)->len);
	*(__u32 *)(data + 0) = c->rx_queue_index;
	*(__u32 *)(data + 4) = c->ingress_ifindex;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
