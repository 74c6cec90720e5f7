// SPDX-License-Identifier: BSD-3-Clause
/*
 * spread: a cpumap spreader (software RSS). The flow's hash (addresses and,
 * for TCP/UDP, ports: both directions of a flow hash alike) picks one of
 * spread_cfg[0].n_cpus entries of spread_cfg[0]'s list, and the packet is
 * redirected to that entry of cpu_map, whose consumer (a worker lcore in
 * xdpdk, a kthread in the kernel) runs the rest of the pipeline, for
 * example the lb's xdp_lb_cpumap. Packets of no flow (non-IP, fragments'
 * tails hash on addresses only) still spread. Without configuration, or when
 * the cpumap slot is empty, the packet is passed. spread_stats (per-CPU,
 * by slot) counts what each slot was handed.
 */
#include "xdpdk_progs.h"

#define SPREAD_MAX_CPUS 64

struct spread_cfg {
	__u32 n_cpus;			/* entries of cpus[] in use */
	__u32 cpus[SPREAD_MAX_CPUS];	/* cpu_map keys */
};

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, SPREAD_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} cpu_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct spread_cfg);
} spread_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SPREAD_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct xp_stats);
} spread_stats SEC(".maps");

/* Symmetric: a ^ b and a + b do not change when the two ends swap. */
static __always_inline __u32
spread_pair(__u32 h, __u32 a, __u32 b)
{
	h ^= (a ^ b) * 0x9e3779b1;
	h = (h << 13) | (h >> 19);
	h += (a + b) * 0x85ebca6b;
	return h;
}

static __always_inline __u32
spread_hash(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	__u32 h = 0x2545f491;
	void *l4 = NULL;
	__u8 proto = 0;

	if (!XP_FITS(eth, sizeof(*eth), data_end))
		return 0;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if (!XP_FITS(ip, sizeof(*ip), data_end))
			return 0;
		h = spread_pair(h, ip->saddr, ip->daddr);
		proto = ip->protocol;
		if (!(ip->frag_off & bpf_htons(0x3fff)) && ip->ihl == 5)
			l4 = ip + 1;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if (!XP_FITS(ip6, sizeof(*ip6), data_end))
			return 0;
#pragma unroll
		for (int i = 0; i < 4; i++)
			h = spread_pair(h, ip6->saddr.in6_u.u6_addr32[i],
					ip6->daddr.in6_u.u6_addr32[i]);
		proto = ip6->nexthdr;
		l4 = ip6 + 1;
	} else {
		return eth->h_proto;
	}
	if (l4 && (proto == IPPROTO_TCP || proto == IPPROTO_UDP)) {
		struct udphdr *uh = l4;

		if (XP_FITS(uh, sizeof(*uh), data_end))
			h = spread_pair(h, uh->source, uh->dest);
	}
	h ^= proto;
	h ^= h >> 16;
	h *= 0x7feb352d;
	h ^= h >> 15;
	return h;
}

SEC("xdp")
int
xdp_spread(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct spread_cfg *cfg;
	__u32 zero = 0, slot, cpu;

	cfg = bpf_map_lookup_elem(&spread_cfg, &zero);
	if (!cfg || cfg->n_cpus == 0 || cfg->n_cpus > SPREAD_MAX_CPUS)
		return XDP_PASS;
	slot = spread_hash(data, data_end) % cfg->n_cpus;
	/* identity (slot < n_cpus <= 64), a bound for the verifier clang must keep */
	asm volatile("" : "+r"(slot));
	slot &= SPREAD_MAX_CPUS - 1;
	cpu = cfg->cpus[slot];
	xp_stats_add(&spread_stats, slot, data_end - data);
	return bpf_redirect_map(&cpu_map, cpu, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
