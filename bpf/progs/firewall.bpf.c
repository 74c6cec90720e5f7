// SPDX-License-Identifier: BSD-3-Clause
/*
 * firewall: stateless filtering on the source address and the destination port.
 *
 * In order, first match wins:
 *   1. allow_v4 / allow_v6 (LPM tries on the source address) -> XDP_PASS
 *   2. deny_v4 / deny_v6 (LPM tries on the source address)   -> XDP_DROP
 *   3. port_rules (protocol, destination port) -> the rule's action
 *   4. otherwise XDP_PASS (rule 0).
 * Every value carries a rule id; rule_stats (per-CPU, by rule id) counts the
 * packets and bytes each rule matched. One 802.1Q tag is skipped; non-IP
 * traffic is passed, uncounted. IPv4 fragments after the first have no ports:
 * only the address lists apply to them.
 */
#include "xdpdk_progs.h"

#define FW_MAX_RULES 1024

struct fw_lpm_v4 {
	__u32 prefixlen;
	__u8 addr[4];
};

struct fw_lpm_v6 {
	__u32 prefixlen;
	__u8 addr[16];
};

struct fw_port_key {
	__u8 proto;		/* IPPROTO_TCP / IPPROTO_UDP */
	__u8 pad;
	__be16 port;		/* destination port */
};

struct fw_port_rule {
	__u32 id;		/* < FW_MAX_RULES: its rule_stats slot */
	__u32 action;		/* XDP_DROP or XDP_PASS */
};

#define FW_LPM(name, keytype)					\
	struct {						\
		__uint(type, BPF_MAP_TYPE_LPM_TRIE);		\
		__uint(max_entries, 4096);			\
		__uint(map_flags, BPF_F_NO_PREALLOC);		\
		__type(key, keytype);				\
		__type(value, __u32); /* rule id */		\
	} name SEC(".maps")

FW_LPM(allow_v4, struct fw_lpm_v4);
FW_LPM(deny_v4, struct fw_lpm_v4);
FW_LPM(allow_v6, struct fw_lpm_v6);
FW_LPM(deny_v6, struct fw_lpm_v6);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct fw_port_key);
	__type(value, struct fw_port_rule);
} port_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FW_MAX_RULES);
	__type(key, __u32);
	__type(value, struct xp_stats);
} rule_stats SEC(".maps");

static __always_inline int
fw_verdict(__u32 id, int action, __u64 len)
{
	xp_stats_add(&rule_stats, id, len);
	return action;
}

SEC("xdp")
int
xdp_firewall(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u64 len = data_end - data;
	struct ethhdr *eth = data;
	struct fw_port_key pk = {};
	struct fw_port_rule *pr;
	__u32 *rule;
	void *l3, *l4 = NULL;
	__u16 proto;

	if (!XP_FITS(eth, sizeof(*eth), data_end))
		return XDP_DROP;
	proto = eth->h_proto;
	l3 = eth + 1;
	if (proto == bpf_htons(ETH_P_8021Q)) {
		struct vlan_hdr *vh = l3;

		if (!XP_FITS(vh, sizeof(*vh), data_end))
			return XDP_DROP;
		proto = vh->proto;
		l3 = vh + 1;
	}
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = l3;
		struct fw_lpm_v4 k = { .prefixlen = 32 };

		if (!XP_FITS(ip, sizeof(*ip), data_end) || ip->ihl < 5)
			return XDP_DROP;
		__builtin_memcpy(k.addr, &ip->saddr, 4);
		rule = bpf_map_lookup_elem(&allow_v4, &k);
		if (rule)
			return fw_verdict(*rule, XDP_PASS, len);
		rule = bpf_map_lookup_elem(&deny_v4, &k);
		if (rule)
			return fw_verdict(*rule, XDP_DROP, len);
		pk.proto = ip->protocol;
		if (!(ip->frag_off & bpf_htons(0x1fff)))
			l4 = (void *)ip + ip->ihl * 4;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l3;
		struct fw_lpm_v6 k = { .prefixlen = 128 };

		if (!XP_FITS(ip6, sizeof(*ip6), data_end))
			return XDP_DROP;
		__builtin_memcpy(k.addr, &ip6->saddr, 16);
		rule = bpf_map_lookup_elem(&allow_v6, &k);
		if (rule)
			return fw_verdict(*rule, XDP_PASS, len);
		rule = bpf_map_lookup_elem(&deny_v6, &k);
		if (rule)
			return fw_verdict(*rule, XDP_DROP, len);
		/* Extension headers are not walked: they meet the default rule. */
		pk.proto = ip6->nexthdr;
		l4 = ip6 + 1;
	} else {
		return XDP_PASS;
	}
	if (l4 && (pk.proto == IPPROTO_TCP || pk.proto == IPPROTO_UDP)) {
		struct udphdr *uh = l4; /* the ports sit at the same offsets in TCP */

		if (!XP_FITS(uh, sizeof(*uh), data_end))
			return fw_verdict(0, XDP_DROP, len); /* truncated L4 header */
		pk.port = uh->dest;
		pr = bpf_map_lookup_elem(&port_rules, &pk);
		if (pr)
			return fw_verdict(pr->id, pr->action == XDP_DROP ? XDP_DROP : XDP_PASS,
					  len);
	}
	return fw_verdict(0, XDP_PASS, len);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
