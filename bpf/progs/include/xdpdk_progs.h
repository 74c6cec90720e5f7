/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the bundled programs share: packet header structs the UAPI lacks,
 * bounds-checked header access, and the Internet checksum done in the
 * program (no csum helper needed, so the same code runs under XDP and TC).
 */
#ifndef XDPDK_PROGS_H
#define XDPDK_PROGS_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* linux/icmp.h pulls in glibc's socket headers, which a BPF build lacks. */
struct icmphdr {
	__u8 type;
	__u8 code;
	__sum16 checksum;
	__be32 rest;
};

struct icmp6hdr {
	__u8 icmp6_type;
	__u8 icmp6_code;
	__sum16 icmp6_cksum;
	__be32 icmp6_rest;
};

#define ICMP_DEST_UNREACH 3
#define ICMP_FRAG_NEEDED 4
#define ICMPV6_PKT_TOOBIG 2

struct vlan_hdr {
	__be16 tci;
	__be16 proto;
};

/* Packet and byte counters, the value of every stats array. */
struct xp_stats {
	__u64 pkts;
	__u64 bytes;
};

/* p + n <= end, in the form the verifier tracks. */
#define XP_FITS(p, n, end) ((void *)(p) + (n) <= (void *)(end))

/* Fold a 32-bit one's-complement sum to 16 bits. */
static __always_inline __u16
xp_csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* The IPv4 header checksum of a 20-byte header (check field included as 0). */
static __always_inline __u16
xp_ipv4_csum(const struct iphdr *ip)
{
	const __u16 *w = (const __u16 *)ip;
	__u32 sum = 0;

#pragma unroll
	for (int i = 0; i < 10; i++)
		sum += w[i];
	return xp_csum_fold(sum);
}

/* RFC 1624 incremental update: the field's 16-bit word changes from @old to @new. */
static __always_inline __u16
xp_csum_replace16(__u16 check, __u16 old, __u16 new)
{
	__u32 sum = (__u16)~check + (__u16)~old + (__u32)new;

	return xp_csum_fold(sum);
}

static __always_inline void
xp_stats_add(void *map, __u32 key, __u64 bytes)
{
	struct xp_stats *s = bpf_map_lookup_elem(map, &key);

	if (s) {
		s->pkts++;
		s->bytes += bytes;
	}
}

#endif /* XDPDK_PROGS_H */
