// SPDX-License-Identifier: BSD-3-Clause
/*
 * lb: an L4 load balancer in Katran's mould.
 *
 * xdp_lb (the root) tail-calls through lb_progs into xdp_lb_v4 or xdp_lb_v6.
 * Each looks the destination up in vip_map (address, port, protocol; port 0
 * is the any-port fallback), picks a real: first the per-worker connection
 * table lb_conns (an LRU per-CPU hash, so established flows stay on their
 * real when the reals change), else the VIP's Maglev ring in ch_rings (filled
 * by the control plane: scripts/maglev.py), and encapsulates the packet
 * towards the real: IPIP / IP6IP6 (or 4in6, 6in4), or GUE (variant 1: the
 * inner IP header right after UDP) when the VIP asks for it. The result goes
 * back out of the port it came from (XDP_TX) to the gateway's MAC in lb_ctl.
 *
 * ICMP "fragmentation needed" and ICMPv6 "packet too big" about a VIP's flow
 * go to the real that serves that flow, so the real learns the path MTU.
 * Counters: vip_stats and real_stats (per-CPU, by VIP number / real index)
 * and lb_counters (LB_CNT_*).
 *
 * xdp_lb_cpumap is the same logic without the tail call, for a cpumap's
 * entry program (section xdp/cpumap).
 */
#include "xdpdk_progs.h"

#define LB_MAX_VIPS 64
#define LB_MAX_REALS 512
/* Maglev's ring size: a prime much larger than the number of reals of a VIP. */
#define LB_RING_SIZE 1021
#define LB_CONNS 16384

/* vip flags */
#define LB_VIP_GUE 0x1		/* GUE instead of IP-in-IP */
#define LB_VIP_NO_LRU 0x2	/* do not remember connections (pure Maglev) */
/* real flags */
#define LB_REAL_IPV6 0x1

enum {
	LB_CNT_LRU_MISS,
	LB_CNT_ICMP_TOOBIG,
	LB_CNT_NO_REAL,
	LB_CNT_NON_VIP,
	LB_CNT_MAX,
};

enum { LB_PROG_V4, LB_PROG_V6 };

struct lb_vip_key {
	__be32 addr[4];		/* IPv4 in addr[0], the rest zero */
	__be16 port;		/* 0: any port */
	__u8 proto;
	__u8 pad;
};

struct lb_vip_meta {
	__u32 flags;		/* LB_VIP_* */
	__u32 vip_num;		/* < LB_MAX_VIPS: its ring and stats slot */
};

struct lb_real {
	__be32 addr[4];		/* IPv4 in addr[0] */
	__u32 flags;		/* LB_REAL_* */
};

/* Where encapsulated packets go and what they come from. */
struct lb_ctl {
	__u8 gw_mac[6];		/* next hop towards the reals */
	__be16 gue_port;	/* GUE destination port */
	__be32 src_v4;		/* outer source addresses */
	__be32 src_v6[4];
};

struct lb_flow {
	__be32 src[4];
	__be32 dst[4];
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 pad[3];
};

struct lb_conn {
	__u32 real;
	__u32 vip_num;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LB_MAX_VIPS);
	__type(key, struct lb_vip_key);
	__type(value, struct lb_vip_meta);
} vip_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LB_MAX_REALS);
	__type(key, __u32);
	__type(value, struct lb_real);
} reals SEC(".maps");

/* VIP n's ring is entries [n * LB_RING_SIZE, (n + 1) * LB_RING_SIZE): real indexes. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LB_MAX_VIPS * LB_RING_SIZE);
	__type(key, __u32);
	__type(value, __u32);
} ch_rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, LB_CONNS);
	__type(key, struct lb_flow);
	__type(value, struct lb_conn);
} lb_conns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lb_ctl);
} lb_ctl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LB_MAX_VIPS);
	__type(key, __u32);
	__type(value, struct xp_stats);
} vip_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LB_MAX_REALS);
	__type(key, __u32);
	__type(value, struct xp_stats);
} real_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LB_CNT_MAX);
	__type(key, __u32);
	__type(value, struct xp_stats);
} lb_counters SEC(".maps");

static __always_inline __u32
mix(__u32 h, __u32 v)
{
	v *= 0xcc9e2d51;
	v = (v << 15) | (v >> 17);
	v *= 0x1b873593;
	h ^= v;
	h = (h << 13) | (h >> 19);
	return h * 5 + 0xe6546b64;
}

/*
 * Murmur3-style hash of the flow key (its 10 words), in two lanes (even and
 * odd words) joined at the end: each mix is a chain of two multiplies, so
 * one lane over ten words would be some 90 cycles from the key to the hash,
 * which a SYN waits for before its Maglev slot.
 */
static __always_inline __u32
lb_hash(const struct lb_flow *f)
{
	const __u32 *w = (const __u32 *)f;
	__u32 h = 0x9747b28c, h1 = 0x2545f491;

#pragma unroll
	for (int i = 0; i < (int)(sizeof(*f) / 4); i += 2) {
		h = mix(h, w[i]);
		h1 = mix(h1, w[i + 1]);
	}
	h ^= (h1 << 16) | (h1 >> 16);
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	return h;
}

/*
 * An ICMP error quotes the packet a VIP sent: its source is the VIP and its
 * destination the client. The flow it belongs to is that quote reversed.
 */
static __always_inline int
lb_quote4(const struct iphdr *in, void *data_end, struct lb_flow *f)
{
	const struct udphdr *uh = (const void *)(in + 1);

	if (!XP_FITS(uh, sizeof(*uh), data_end) || in->ihl != 5)
		return -1;
	f->proto = in->protocol;
	f->src[0] = in->daddr;
	f->dst[0] = in->saddr;
	f->sport = uh->dest;
	f->dport = uh->source;
	return 0;
}

static __always_inline int
lb_quote6(const struct ipv6hdr *in, void *data_end, struct lb_flow *f)
{
	const struct udphdr *uh = (const void *)(in + 1);

	if (!XP_FITS(uh, sizeof(*uh), data_end))
		return -1;
	f->proto = in->nexthdr;
	__builtin_memcpy(f->src, &in->daddr, 16);
	__builtin_memcpy(f->dst, &in->saddr, 16);
	f->sport = uh->dest;
	f->dport = uh->source;
	return 0;
}

/*
 * Fill @f from the packet. Returns -1 to pass the packet on, -2 to drop it,
 * else 0; *syn says a TCP SYN (a new connection: rehash), *toobig an ICMP
 * error about a VIP's flow.
 */
static __always_inline int
lb_parse(void *data, void *data_end, bool v6, struct lb_flow *f, bool *syn, bool *toobig)
{
	void *l4;

	if (!v6) {
		struct iphdr *ip = data + sizeof(struct ethhdr);

		if (!XP_FITS(ip, sizeof(*ip), data_end))
			return -2;
		/* Options and fragments are rare: the stack handles them. */
		if (ip->ihl != 5 || (ip->frag_off & bpf_htons(0x3fff)))
			return -1;
		f->proto = ip->protocol;
		f->src[0] = ip->saddr;
		f->dst[0] = ip->daddr;
		l4 = ip + 1;
		if (f->proto == IPPROTO_ICMP) {
			struct icmphdr *ic = l4;

			if (!XP_FITS(ic, sizeof(*ic) + sizeof(struct iphdr), data_end))
				return -1;
			if (ic->type != ICMP_DEST_UNREACH || ic->code != ICMP_FRAG_NEEDED)
				return -1;
			*toobig = true;
			return lb_quote4((void *)(ic + 1), data_end, f) ? -1 : 0;
		}
	} else {
		struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);

		if (!XP_FITS(ip6, sizeof(*ip6), data_end))
			return -2;
		f->proto = ip6->nexthdr;
		__builtin_memcpy(f->src, &ip6->saddr, 16);
		__builtin_memcpy(f->dst, &ip6->daddr, 16);
		l4 = ip6 + 1;
		if (f->proto == IPPROTO_ICMPV6) {
			struct icmp6hdr *ic = l4;

			if (!XP_FITS(ic, sizeof(*ic) + sizeof(struct ipv6hdr), data_end))
				return -1;
			if (ic->icmp6_type != ICMPV6_PKT_TOOBIG)
				return -1;
			*toobig = true;
			return lb_quote6((void *)(ic + 1), data_end, f) ? -1 : 0;
		}
	}
	if (f->proto == IPPROTO_TCP) {
		struct tcphdr *th = l4;

		if (!XP_FITS(th, sizeof(*th), data_end))
			return -2;
		*syn = th->syn && !th->ack;
		f->sport = th->source;
		f->dport = th->dest;
	} else if (f->proto == IPPROTO_UDP) {
		struct udphdr *uh = l4;

		if (!XP_FITS(uh, sizeof(*uh), data_end))
			return -2;
		f->sport = uh->source;
		f->dport = uh->dest;
	} else {
		return -1;
	}
	return 0;
}

static __always_inline void
lb_count(__u32 which, __u64 bytes)
{
	xp_stats_add(&lb_counters, which, bytes);
}

/*
 * port, proto and pad of a VIP key in one 32-bit store. A map's hash reads
 * the key in words (the kernel's jhash 4 bytes at a time, xdpdk's CRC 8),
 * and a load that spans several narrower stores still in flight cannot be
 * forwarded from them: it waits until they reach the cache, some 15 cycles
 * on every lookup.
 */
static __always_inline void
lb_vip_tail(struct lb_vip_key *vk, __be16 port, __u8 proto)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	__u32 w = (__u32)port | (__u32)proto << 16;
#else
	__u32 w = (__u32)port << 16 | (__u32)proto << 8;
#endif

	__builtin_memcpy(&vk->port, &w, sizeof(w));
}

/*
 * The real for this flow: the connection table, else the VIP's Maglev ring.
 * The flow's hash is computed for the ring if not yet (into *hash, *hashed
 * set): a packet of a known connection needs none unless its encapsulation
 * does.
 */
static __always_inline int
lb_pick(const struct lb_flow *f, const struct lb_vip_meta *vip, bool syn, bool toobig,
	__u64 len, __u32 *hash, bool *hashed)
{
	bool use_lru = !(vip->flags & LB_VIP_NO_LRU);
	struct lb_conn *c = NULL, nc = {};
	__u32 key, *real;

	if (use_lru && !syn)
		c = bpf_map_lookup_elem(&lb_conns, f);
	if (c && c->vip_num == vip->vip_num)
		return c->real;
	if (!*hashed) {
		*hash = lb_hash(f);
		*hashed = true;
	}
	key = vip->vip_num * LB_RING_SIZE + *hash % LB_RING_SIZE;
	real = bpf_map_lookup_elem(&ch_rings, &key);
	if (!real)
		return -1;
	/* An ICMP error does not open a connection. */
	if (use_lru && !toobig) {
		nc.real = *real;
		nc.vip_num = vip->vip_num;
		bpf_map_update_elem(&lb_conns, f, &nc, BPF_ANY);
		lb_count(LB_CNT_LRU_MISS, len);
	}
	return *real;
}

/* The outer IPv4 header; its protocol says what follows. */
static __always_inline void
lb_outer4(struct iphdr *o, const struct lb_ctl *ctl, const struct lb_real *rd, __u8 tos,
	  __u16 tot_len, __u8 proto)
{
	o->version = 4;
	o->ihl = 5;
	o->tos = tos;
	o->tot_len = bpf_htons(tot_len);
	o->id = 0;
	o->frag_off = 0;
	o->ttl = 64;
	o->protocol = proto;
	o->saddr = ctl->src_v4;
	o->daddr = rd->addr[0];
	/*
	 * The checksum from the values, its 16-bit words as memory holds them,
	 * not read back: a 16-bit load of two byte stores just made (version
	 * and tos, ttl and protocol) cannot be forwarded from the store buffer
	 * and waits for both to reach the cache, in the kernel as in xdpdk.
	 */
	o->check = xp_csum_fold((__u32)bpf_htons(0x4500 | tos) + bpf_htons(tot_len) +
				bpf_htons(64 << 8 | proto) + (ctl->src_v4 & 0xffff) +
				(ctl->src_v4 >> 16) + (rd->addr[0] & 0xffff) +
				(rd->addr[0] >> 16));
}

static __always_inline void
lb_outer6(struct ipv6hdr *o, const struct lb_ctl *ctl, const struct lb_real *rd,
	  __u16 payload_len, __u8 nexthdr, __u32 hash)
{
	/* version 6, traffic class 0, the flow label from the flow's hash (ECMP entropy) */
	*(__be32 *)o = bpf_htonl((6u << 28) | (hash & 0xfffff));
	o->payload_len = bpf_htons(payload_len);
	o->nexthdr = nexthdr;
	o->hop_limit = 64;
	__builtin_memcpy(&o->saddr, ctl->src_v6, 16);
	__builtin_memcpy(&o->daddr, rd->addr, 16);
}

static __always_inline void
lb_gue(struct udphdr *uh, const struct lb_ctl *ctl, __u32 hash, __u16 len)
{
	/* The source port carries the flow's hash, for the reals' RSS. */
	uh->source = bpf_htons(0xc000 | (hash & 0x3fff));
	uh->dest = ctl->gue_port;
	uh->len = bpf_htons(len);
	uh->check = 0; /* allowed for IPv4, and for tunnels over IPv6 (RFC 6935) */
}

/*
 * Prepend Ethernet + outer IP (+ UDP for GUE) in front of the inner IP packet.
 * The original Ethernet header is overwritten: its destination (our MAC)
 * becomes the source.
 */
static __always_inline int
lb_encap(struct xdp_md *ctx, bool v6, const struct lb_real *rd, const struct lb_ctl *ctl,
	 bool gue, __u32 hash)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	bool outer6 = rd->flags & LB_REAL_IPV6;
	__u8 inner_proto = v6 ? IPPROTO_IPV6 : IPPROTO_IPIP;
	__u16 inner_len = data_end - data - sizeof(struct ethhdr);
	int room = (outer6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr)) +
		   (gue ? sizeof(struct udphdr) : 0);
	__u8 our_mac[6], tos = 0;

	/* The inner IPv4 TOS byte is copied out (lb_parse saw the whole header). */
	if (!XP_FITS(eth, sizeof(*eth) + 2, data_end))
		return XDP_DROP;
	__builtin_memcpy(our_mac, eth->h_dest, 6);
	if (!v6)
		tos = ((struct iphdr *)(eth + 1))->tos;
	if (bpf_xdp_adjust_head(ctx, -room))
		return XDP_DROP;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	if (!XP_FITS(eth, sizeof(*eth), data_end))
		return XDP_DROP;
	__builtin_memcpy(eth->h_dest, ctl->gw_mac, 6);
	__builtin_memcpy(eth->h_source, our_mac, 6);
	if (outer6) {
		struct ipv6hdr *o6 = (void *)(eth + 1);
		struct udphdr *uh = (void *)(o6 + 1);

		eth->h_proto = bpf_htons(ETH_P_IPV6);
		if (!XP_FITS(o6, sizeof(*o6), data_end))
			return XDP_DROP;
		if (gue) {
			if (!XP_FITS(uh, sizeof(*uh), data_end))
				return XDP_DROP;
			lb_outer6(o6, ctl, rd, inner_len + sizeof(*uh), IPPROTO_UDP, hash);
			lb_gue(uh, ctl, hash, inner_len + sizeof(*uh));
		} else {
			lb_outer6(o6, ctl, rd, inner_len, inner_proto, hash);
		}
	} else {
		struct iphdr *o4 = (void *)(eth + 1);
		struct udphdr *uh = (void *)(o4 + 1);

		eth->h_proto = bpf_htons(ETH_P_IP);
		if (!XP_FITS(o4, sizeof(*o4), data_end))
			return XDP_DROP;
		if (gue) {
			if (!XP_FITS(uh, sizeof(*uh), data_end))
				return XDP_DROP;
			lb_gue(uh, ctl, hash, inner_len + sizeof(*uh));
			lb_outer4(o4, ctl, rd, tos, inner_len + sizeof(*uh) + sizeof(*o4),
				  IPPROTO_UDP);
		} else {
			lb_outer4(o4, ctl, rd, tos, inner_len + sizeof(*o4), inner_proto);
		}
	}
	return XDP_TX;
}

static __always_inline int
lb_process(struct xdp_md *ctx, bool v6)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u64 len = data_end - data;
	struct lb_flow f = {};
	struct lb_vip_key vk = {};
	struct lb_vip_meta *vip;
	struct lb_real *rd;
	struct lb_ctl *ctl;
	bool syn = false, toobig = false, hashed = false;
	__u32 zero = 0, hash = 0, real;
	int rc;

	rc = lb_parse(data, data_end, v6, &f, &syn, &toobig);
	if (rc)
		return rc == -1 ? XDP_PASS : XDP_DROP;
	/*
	 * A SYN goes to the Maglev ring, so its hash is needed: computed now, its
	 * chain of multiplies runs beside the VIP lookup. Other packets mostly
	 * find their connection and need none (lb_pick hashes on a miss).
	 */
	if (syn) {
		hash = lb_hash(&f);
		hashed = true;
	}
	__builtin_memcpy(vk.addr, f.dst, 16);
	lb_vip_tail(&vk, f.dport, f.proto);
	vip = bpf_map_lookup_elem(&vip_map, &vk);
	if (!vip) {
		lb_vip_tail(&vk, 0, f.proto);
		vip = bpf_map_lookup_elem(&vip_map, &vk);
	}
	if (!vip) {
		lb_count(LB_CNT_NON_VIP, len);
		return XDP_PASS;
	}
	if (toobig)
		lb_count(LB_CNT_ICMP_TOOBIG, len);
	rc = lb_pick(&f, vip, syn, toobig, len, &hash, &hashed);
	real = rc;
	rd = rc < 0 ? NULL : bpf_map_lookup_elem(&reals, &real);
	ctl = bpf_map_lookup_elem(&lb_ctl, &zero);
	/* A ring slot naming an unset real (all zero) is a hole in the configuration. */
	if (!rd || !ctl || rd->addr[0] == 0) {
		lb_count(LB_CNT_NO_REAL, len);
		return XDP_DROP;
	}
	xp_stats_add(&vip_stats, vip->vip_num, len);
	xp_stats_add(&real_stats, real, len);
	/* an IPv6 outer header's flow label and GUE's source port carry the hash */
	if (!hashed && ((rd->flags & LB_REAL_IPV6) || (vip->flags & LB_VIP_GUE)))
		hash = lb_hash(&f);
	return lb_encap(ctx, v6, rd, ctl, vip->flags & LB_VIP_GUE, hash);
}

SEC("xdp")
int
xdp_lb_v4(struct xdp_md *ctx)
{
	return lb_process(ctx, false);
}

SEC("xdp")
int
xdp_lb_v6(struct xdp_md *ctx)
{
	return lb_process(ctx, true);
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__uint(key_size, sizeof(__u32));
	__array(values, int(void *));
} lb_progs SEC(".maps") = {
	.values = {
		[LB_PROG_V4] = (void *)&xdp_lb_v4,
		[LB_PROG_V6] = (void *)&xdp_lb_v6,
	},
};

/* The Ethernet type, or 0 for a runt. */
static __always_inline __u16
lb_ethertype(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if (!XP_FITS(eth, sizeof(*eth), data_end))
		return 0;
	return bpf_ntohs(eth->h_proto);
}

SEC("xdp")
int
xdp_lb(struct xdp_md *ctx)
{
	__u16 type = lb_ethertype(ctx);

	if (type == 0)
		return XDP_DROP;
	if (type == ETH_P_IP)
		bpf_tail_call(ctx, &lb_progs, LB_PROG_V4);
	else if (type == ETH_P_IPV6)
		bpf_tail_call(ctx, &lb_progs, LB_PROG_V6);
	/* Not IP, or the slot is empty: the stack's. */
	return XDP_PASS;
}

SEC("xdp/cpumap")
int
xdp_lb_cpumap(struct xdp_md *ctx)
{
	__u16 type = lb_ethertype(ctx);

	if (type == ETH_P_IP)
		return lb_process(ctx, false);
	if (type == ETH_P_IPV6)
		return lb_process(ctx, true);
	return type ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
