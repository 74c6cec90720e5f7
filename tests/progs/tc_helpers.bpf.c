// SPDX-License-Identifier: BSD-3-Clause
/*
 * TC helpers with their error paths: each program adds every helper's return
 * value into `rv` (compared with the kernel's by the differential test, with
 * the output bytes and the verdict).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} rv SEC(".maps");

static void
add(__u32 k, long v)
{
	__u64 *p = bpf_map_lookup_elem(&rv, &k);

	if (p)
		*p += (__u64)v;
}

SEC("tc")
int
tc_load_store(struct __sk_buff *skb)
{
	__u8 buf[20], mac[12];
	__u32 len = skb->len;

	add(0, bpf_skb_load_bytes(skb, 0, buf, 14));
	add(1, buf[12] | buf[13] << 8);
	add(2, bpf_skb_load_bytes(skb, len - 4, buf, 8));		/* past the end */
	add(3, buf[0] + buf[7]);					/* zeroed */
	add(4, bpf_skb_load_bytes_relative(skb, 0, buf, 20, BPF_HDR_START_NET));
	add(5, buf[0] + buf[9] + buf[19]);
	add(6, bpf_skb_load_bytes_relative(skb, 6, buf, 8, BPF_HDR_START_MAC));
	add(7, bpf_skb_load_bytes_relative(skb, 0, buf, 4, 5));		/* bad start */
	add(8, bpf_skb_load_bytes_relative(skb, 0x10000, buf, 4, BPF_HDR_START_MAC));
	/* swap the MAC addresses */
	if (bpf_skb_load_bytes(skb, 0, mac, 12) == 0) {
		add(9, bpf_skb_store_bytes(skb, 0, mac + 6, 6, BPF_F_INVALIDATE_HASH));
		add(9, bpf_skb_store_bytes(skb, 6, mac, 6, BPF_F_RECOMPUTE_CSUM));
	}
	add(10, bpf_skb_store_bytes(skb, 0, mac, 6, 4));		/* bad flags */
	add(11, bpf_skb_store_bytes(skb, len - 2, mac, 4, 0));		/* past the end */
	add(12, bpf_skb_pull_data(skb, 0));
	add(13, bpf_skb_pull_data(skb, len + 1));
	add(14, bpf_skb_pull_data(skb, len));
	return len & 1 ? 2 : 0;
}

SEC("tc")
int
tc_csum(struct __sk_buff *skb)
{
	__u8 ip[20];
	__u16 old_ttl, new_ttl;
	__u32 old_daddr, new_daddr = bpf_htonl(0x0a0b0c0d);
	__u32 l4;

	add(20, bpf_csum_update(skb, 5));				/* -ENOTSUPP */
	add(21, bpf_l3_csum_replace(skb, 25, 0, 0, 2));			/* odd: -EFAULT */
	add(22, bpf_l3_csum_replace(skb, 24, 0, 0, 0x10));		/* flags: -EINVAL */
	add(23, bpf_l4_csum_replace(skb, 24, 1, 0, 0));			/* from: -EINVAL */
	add(24, bpf_l3_csum_replace(skb, skb->len, 0, 0, 2));		/* -EFAULT */
	if (skb->protocol != bpf_htons(ETH_P_IP) || bpf_skb_load_bytes(skb, 14, ip, 20))
		return 0;
	old_ttl = *(__u16 *)&ip[8];
	ip[8] -= 1;
	new_ttl = *(__u16 *)&ip[8];
	add(25, bpf_skb_store_bytes(skb, 14 + 8, &ip[8], 1, 0));
	add(26, bpf_l3_csum_replace(skb, 14 + 10, old_ttl, new_ttl, 2));
	old_daddr = *(__u32 *)&ip[16];
	add(27, bpf_skb_store_bytes(skb, 14 + 16, &new_daddr, 4, 0));
	add(28, bpf_l3_csum_replace(skb, 14 + 10, old_daddr, new_daddr, 4));
	l4 = 14 + (ip[0] & 0xf) * 4;
	if (ip[9] == 17)
		add(29, bpf_l4_csum_replace(skb, l4 + 6, old_daddr, new_daddr,
					    4 | BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0));
	else if (ip[9] == 6)
		add(29, bpf_l4_csum_replace(skb, l4 + 16, old_daddr, new_daddr,
					    4 | BPF_F_PSEUDO_HDR));
	/* a diff (size 0) replace and a 2-byte one on the l4 checksum */
	add(30, bpf_l4_csum_replace(skb, l4 + 6, 0, 0x1234, BPF_F_PSEUDO_HDR));
	add(31, bpf_l4_csum_replace(skb, l4 + 6, 0x11, 0x22, 2 | BPF_F_MARK_MANGLED_0 |
						      BPF_F_MARK_ENFORCE));
	return 0;
}

SEC("tc")
int
tc_vlan(struct __sk_buff *skb)
{
	add(40, bpf_skb_vlan_pop(skb));
	add(41, skb->vlan_present + skb->vlan_tci + skb->len + skb->protocol);
	add(42, bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021AD), 0x1005));
	add(43, skb->vlan_present + skb->vlan_tci + skb->vlan_proto + skb->len);
	add(42, bpf_skb_vlan_push(skb, 0x1234, 7));			/* -> 802.1Q */
	add(43, skb->vlan_present + skb->vlan_tci + skb->vlan_proto + skb->len +
		skb->protocol);
	if (skb->len & 2)
		add(44, bpf_skb_vlan_pop(skb));
	add(45, skb->vlan_present + skb->vlan_tci + skb->len + skb->protocol);
	return 0;
}

SEC("tc")
int
tc_resize(struct __sk_buff *skb)
{
	__u32 len = skb->len;

	add(50, bpf_skb_change_head(skb, 4, 1));			/* -EINVAL */
	add(51, bpf_skb_change_tail(skb, 10, 0));			/* < network header */
	add(52, bpf_skb_adjust_room(skb, 8, 7, 0));			/* bad mode */
	add(53, bpf_skb_adjust_room(skb, 0x1000, BPF_ADJ_ROOM_NET, 0));	/* -EFAULT */
	add(54, bpf_skb_change_proto(skb, bpf_htons(ETH_P_ARP), 0));	/* -ENOTSUPP */
	add(46, bpf_skb_change_tail(skb, 65551, 0));			/* > mtu + 14 */
	add(47, bpf_skb_change_head(skb, 65551 - len, 0));		/* the same */
	switch (len % 5) {
	case 0:
		add(55, bpf_skb_change_tail(skb, len + 10, 0));
		add(55, bpf_skb_change_tail(skb, len - 2, 0));
		break;
	case 1:
		add(56, bpf_skb_change_head(skb, 8, 0));
		break;
	case 2:
		add(57, bpf_skb_change_proto(skb, bpf_htons(ETH_P_IPV6), 0));
		add(57, bpf_skb_change_proto(skb, bpf_htons(ETH_P_IP), 0));
		break;
	case 3:
		add(58, bpf_skb_adjust_room(skb, 8, BPF_ADJ_ROOM_NET, 0));
		add(58, bpf_skb_adjust_room(skb, -4, BPF_ADJ_ROOM_MAC, 0));
		break;
	default:
		add(59, bpf_skb_adjust_room(skb, 20, BPF_ADJ_ROOM_MAC,
					    BPF_F_ADJ_ROOM_ENCAP_L3_IPV4));
		add(59, bpf_skb_adjust_room(skb, 20, BPF_ADJ_ROOM_MAC,
					    BPF_F_ADJ_ROOM_ENCAP_L3_IPV4));	/* -EALREADY */
		add(60, bpf_skb_change_tail(skb, len, 0));		/* encapsulated */
		break;
	}
	add(61, skb->len + skb->protocol);
	return 0;
}

SEC("tc")
int
tc_hash_ecn(struct __sk_buff *skb)
{
	add(62, bpf_set_hash(skb, 0x1234 + skb->len));
	add(62, bpf_get_hash_recalc(skb) + skb->hash);
	add(63, bpf_skb_ecn_set_ce(skb));
	return 0;
}

#define DECAP_L3_IPV4 (1ULL << 7)	/* BPF_F_ADJ_ROOM_DECAP_L3_IPV4 (6.3 UAPI) */
#define DECAP_L3_IPV6 (1ULL << 8)

/* adjust_room's encapsulation flags and their refusals. */
SEC("tc")
int
tc_encap(struct __sk_buff *skb)
{
	const __u64 l3 = BPF_F_ADJ_ROOM_ENCAP_L3_IPV4, l3v6 = BPF_F_ADJ_ROOM_ENCAP_L3_IPV6;

	add(16, bpf_skb_adjust_room(skb, 28, BPF_ADJ_ROOM_MAC, l3 | l3v6));
	add(17, bpf_skb_adjust_room(skb, 28, BPF_ADJ_ROOM_MAC, l3 | BPF_F_ADJ_ROOM_ENCAP_L4_GRE |
						    BPF_F_ADJ_ROOM_ENCAP_L4_UDP));
	add(18, bpf_skb_adjust_room(skb, 28, BPF_ADJ_ROOM_MAC, l3 | BPF_F_ADJ_ROOM_ENCAP_L2_ETH |
						    BPF_F_ADJ_ROOM_ENCAP_L2(10)));
	add(19, bpf_skb_adjust_room(skb, 8, BPF_ADJ_ROOM_MAC, l3 | BPF_F_ADJ_ROOM_ENCAP_L2(14)));
	add(38, bpf_skb_adjust_room(skb, 8, BPF_ADJ_ROOM_MAC, DECAP_L3_IPV4));
	add(39, bpf_skb_adjust_room(skb, 8, BPF_ADJ_ROOM_MAC, 1ULL << 20));
	add(48, bpf_skb_adjust_room(skb, -(int)skb->len, BPF_ADJ_ROOM_MAC, 0));
	switch (skb->len % 4) {
	case 0:
		add(49, bpf_skb_adjust_room(skb, 28, BPF_ADJ_ROOM_MAC, l3 |
							BPF_F_ADJ_ROOM_ENCAP_L4_UDP));
		break;
	case 1:
		add(49, bpf_skb_adjust_room(skb, 38, BPF_ADJ_ROOM_MAC, l3v6 |
							BPF_F_ADJ_ROOM_ENCAP_L4_GRE));
		break;
	case 2:
		add(49, bpf_skb_adjust_room(skb, 34, BPF_ADJ_ROOM_MAC, l3 |
							BPF_F_ADJ_ROOM_ENCAP_L2_ETH |
							BPF_F_ADJ_ROOM_ENCAP_L2(14)));
		break;
	default:
		add(49, bpf_skb_adjust_room(skb, -20, BPF_ADJ_ROOM_MAC, DECAP_L3_IPV4));
		add(49, bpf_skb_adjust_room(skb, -40, BPF_ADJ_ROOM_MAC, DECAP_L3_IPV6));
		add(49, bpf_skb_adjust_room(skb, -4, BPF_ADJ_ROOM_NET, DECAP_L3_IPV4 |
							DECAP_L3_IPV6));
		break;
	}
	add(49, skb->len + skb->protocol);
	add(49, bpf_skb_change_tail(skb, skb->len, 0));
	return 0;
}

/* A socket filter sees the packet from the network header; it may only load. */
SEC("socket")
int
sf_load(struct __sk_buff *skb)
{
	__u8 b[4];

	add(32, bpf_skb_load_bytes(skb, 0, b, 4));
	add(33, b[0] + b[3]);
	add(34, bpf_skb_load_bytes_relative(skb, 0, b, 2, BPF_HDR_START_MAC));
	add(35, b[0] + b[1]);
	add(36, bpf_skb_load_bytes_relative(skb, 8, b, 4, BPF_HDR_START_NET));
	add(37, skb->len + skb->protocol + skb->pkt_type + skb->ifindex);
	skb->cb[2] = 3;
	return skb->len - skb->cb[2];
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
