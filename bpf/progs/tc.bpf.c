// SPDX-License-Identifier: BSD-3-Clause
/*
 * tc: two TC (sched_cls) programs for the exception path.
 *
 * tc_ingress_count counts, per EtherType class (TC_CLASS_*), the packets that
 * reach the host (tc_counts, per-CPU) and lets them through (TC_ACT_OK).
 *
 * tc_egress_dscp marks what the host sends out: the DSCP of IPv4 and IPv6
 * packets becomes dscp_cfg[0].dscp (ECN bits kept, the IPv4 checksum updated
 * incrementally), for packets whose protocol is dscp_cfg[0].proto (0: all).
 * Nothing is configured, nothing is changed. Marked packets are counted in
 * tc_counts[TC_CLASS_MARKED].
 */
#include "xdpdk_progs.h"
#include <linux/pkt_cls.h>

enum {
	TC_CLASS_IPV4,
	TC_CLASS_IPV6,
	TC_CLASS_ARP,
	TC_CLASS_OTHER,
	TC_CLASS_MARKED,
	TC_CLASS_MAX,
};

struct tc_dscp_cfg {
	__u8 enabled;
	__u8 dscp;		/* 0..63 */
	__u8 proto;		/* IPPROTO_*, 0: every protocol */
	__u8 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TC_CLASS_MAX);
	__type(key, __u32);
	__type(value, struct xp_stats);
} tc_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tc_dscp_cfg);
} dscp_cfg SEC(".maps");

SEC("tc")
int
tc_ingress_count(struct __sk_buff *skb)
{
	__u32 cls;

	switch (bpf_ntohs(skb->protocol)) {
	case ETH_P_IP:
		cls = TC_CLASS_IPV4;
		break;
	case ETH_P_IPV6:
		cls = TC_CLASS_IPV6;
		break;
	case ETH_P_ARP:
		cls = TC_CLASS_ARP;
		break;
	default:
		cls = TC_CLASS_OTHER;
	}
	xp_stats_add(&tc_counts, cls, skb->len);
	return TC_ACT_OK;
}

SEC("tc")
int
tc_egress_dscp(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct tc_dscp_cfg *cfg;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&dscp_cfg, &zero);
	if (!cfg || !cfg->enabled || !XP_FITS(eth, sizeof(*eth), data_end))
		return TC_ACT_OK;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		__u8 tos;

		if (!XP_FITS(ip, sizeof(*ip), data_end))
			return TC_ACT_OK;
		if (cfg->proto && ip->protocol != cfg->proto)
			return TC_ACT_OK;
		tos = (cfg->dscp << 2) | (ip->tos & 3);
		/* tos is the low byte of the first 16-bit word (version, ihl, tos) */
		ip->check = xp_csum_replace16(ip->check, *(__be16 *)ip,
					      bpf_htons((*(__u8 *)ip << 8) | tos));
		ip->tos = tos;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		__u32 w;

		if (!XP_FITS(ip6, sizeof(*ip6), data_end))
			return TC_ACT_OK;
		if (cfg->proto && ip6->nexthdr != cfg->proto)
			return TC_ACT_OK;
		/* version(4) traffic class(8: DSCP 6 + ECN 2) flow label(20) */
		w = bpf_ntohl(*(__be32 *)ip6);
		w = (w & ~(0x3fu << 22)) | ((__u32)(cfg->dscp & 0x3f) << 22);
		*(__be32 *)ip6 = bpf_htonl(w);
	} else {
		return TC_ACT_OK;
	}
	xp_stats_add(&tc_counts, TC_CLASS_MARKED, skb->len);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
