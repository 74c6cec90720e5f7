// SPDX-License-Identifier: BSD-3-Clause
/*
 * ddos: per-source rate limits for TCP SYNs (SYN without ACK) and UDP.
 *
 * Each (source address, kind) has a token bucket in ddos_buckets, an LRU
 * per-CPU hash: per worker, so no atomics, and a flood from many sources
 * evicts the oldest instead of failing. A bucket holds up to burst tokens
 * and refills at rate tokens per second (ddos_cfg[0]; a rate of 0 means no
 * limit for that kind); a packet costs one token, and a packet that finds
 * the bucket empty is dropped. Everything else passes. ddos_stats (per-CPU)
 * counts by DDOS_CNT_*. Buckets count in 1e-9 tokens so that refill needs no
 * division: elapsed ns * rate.
 */
#include "xdpdk_progs.h"

#define NSEC 1000000000ull
#define DDOS_MAX_ELAPSED (10 * NSEC) /* longer idle: a full bucket anyway */

enum { DDOS_SYN, DDOS_UDP };

enum {
	DDOS_CNT_SYN_PASS,
	DDOS_CNT_SYN_DROP,
	DDOS_CNT_UDP_PASS,
	DDOS_CNT_UDP_DROP,
	DDOS_CNT_MAX,
};

struct ddos_cfg {
	__u64 syn_rate;		/* tokens per second; 0: unlimited */
	__u64 syn_burst;	/* bucket size, in packets */
	__u64 udp_rate;
	__u64 udp_burst;
};

struct ddos_key {
	__be32 addr[4];		/* source; IPv4 in addr[0] */
	__u32 kind;		/* DDOS_SYN / DDOS_UDP */
};

struct ddos_bucket {
	__u64 tokens;		/* in 1e-9 tokens */
	__u64 last_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ddos_cfg);
} ddos_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct ddos_key);
	__type(value, struct ddos_bucket);
} ddos_buckets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DDOS_CNT_MAX);
	__type(key, __u32);
	__type(value, struct xp_stats);
} ddos_stats SEC(".maps");

/* Take a token from @k's bucket; false when it is empty. */
static __always_inline bool
ddos_take(const struct ddos_key *k, __u64 rate, __u64 burst)
{
	__u64 now = bpf_ktime_get_ns(), cap = burst * NSEC, elapsed;
	struct ddos_bucket *b = bpf_map_lookup_elem(&ddos_buckets, k);

	if (!b) {
		struct ddos_bucket nb = { .last_ns = now };

		if (burst == 0)
			return false;
		nb.tokens = cap - NSEC;
		bpf_map_update_elem(&ddos_buckets, k, &nb, BPF_ANY);
		return true;
	}
	elapsed = now - b->last_ns;
	if (elapsed > DDOS_MAX_ELAPSED)
		elapsed = DDOS_MAX_ELAPSED;
	b->last_ns = now;
	b->tokens += elapsed * rate;
	if (b->tokens > cap)
		b->tokens = cap;
	if (b->tokens < NSEC)
		return false;
	b->tokens -= NSEC;
	return true;
}

SEC("xdp")
int
xdp_ddos(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u64 len = data_end - data, rate, burst;
	struct ethhdr *eth = data;
	struct ddos_key k = {};
	struct ddos_cfg *cfg;
	__u32 zero = 0, cnt;
	void *l4;
	__u8 proto;

	if (!XP_FITS(eth, sizeof(*eth), data_end))
		return XDP_DROP;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if (!XP_FITS(ip, sizeof(*ip), data_end) || ip->ihl < 5)
			return XDP_DROP;
		k.addr[0] = ip->saddr;
		proto = ip->protocol;
		/* A fragment's tail counts against nobody: its head did. */
		if (ip->frag_off & bpf_htons(0x1fff))
			return XDP_PASS;
		l4 = (void *)ip + ip->ihl * 4;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if (!XP_FITS(ip6, sizeof(*ip6), data_end))
			return XDP_DROP;
		__builtin_memcpy(k.addr, &ip6->saddr, 16);
		proto = ip6->nexthdr;
		l4 = ip6 + 1;
	} else {
		return XDP_PASS;
	}
	cfg = bpf_map_lookup_elem(&ddos_cfg, &zero);
	if (!cfg)
		return XDP_PASS;
	if (proto == IPPROTO_TCP) {
		struct tcphdr *th = l4;

		if (!XP_FITS(th, sizeof(*th), data_end))
			return XDP_DROP;
		if (!th->syn || th->ack)
			return XDP_PASS;
		k.kind = DDOS_SYN;
		rate = cfg->syn_rate;
		burst = cfg->syn_burst;
		cnt = DDOS_CNT_SYN_PASS;
	} else if (proto == IPPROTO_UDP) {
		k.kind = DDOS_UDP;
		rate = cfg->udp_rate;
		burst = cfg->udp_burst;
		cnt = DDOS_CNT_UDP_PASS;
	} else {
		return XDP_PASS;
	}
	if (rate == 0 || ddos_take(&k, rate, burst)) {
		xp_stats_add(&ddos_stats, cnt, len);
		return XDP_PASS;
	}
	xp_stats_add(&ddos_stats, cnt + 1, len);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
