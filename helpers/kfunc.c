/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * XDP metadata kfuncs (net/core/xdp.c): the receive hash, timestamp and
 * VLAN tag the NIC reported, read from the packet's rte_mbuf (ctx->mbuf).
 * As a driver does, each returns -ENODATA when the packet has no such value;
 * without an mbuf (test runs: the program is bound to no device) they return
 * -EOPNOTSUPP, the kernel's default for programs not bound to a device.
 */
#include <errno.h>
#include <stdatomic.h>
#include <arpa/inet.h>

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "helpers_internal.h"

/* enum xdp_rss_hash_type (include/net/xdp.h), not in the UAPI headers. */
#define XDP_RSS_L3_IPV4 (1u << 0)
#define XDP_RSS_L3_IPV6 (1u << 1)
#define XDP_RSS_L3_DYNHDR (1u << 2)
#define XDP_RSS_L4 (1u << 3)
#define XDP_RSS_L4_TCP (1u << 4)
#define XDP_RSS_L4_UDP (1u << 5)
#define XDP_RSS_L4_SCTP (1u << 6)
#define XDP_RSS_L4_ICMP (1u << 8)
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8

static inline const struct rte_mbuf *
mbuf_of(uint64_t r1)
{
	return ((const struct xdpdk_xdp_ctx *)(uintptr_t)r1)->mbuf;
}

/*
 * The timestamp dynamic field and flag, looked up once: a PMD registers them
 * (rte_mbuf_dyn_rx_timestamp_register) before it receives any packet.
 * -2: not looked up yet; -1: not registered.
 */
static atomic_int ts_off = -2;
static atomic_int ts_flag_bit = -2;

static bool
timestamp_field(int *off, uint64_t *flag)
{
	int o = atomic_load_explicit(&ts_off, memory_order_relaxed);
	int b = atomic_load_explicit(&ts_flag_bit, memory_order_relaxed);

	if (o == -2 || b == -2) {
		o = rte_mbuf_dynfield_lookup(RTE_MBUF_DYNFIELD_TIMESTAMP_NAME, NULL);
		b = rte_mbuf_dynflag_lookup(RTE_MBUF_DYNFLAG_RX_TIMESTAMP_NAME, NULL);
		/* Not registered yet is not final: look again next time. */
		if (o >= 0 && b >= 0) {
			atomic_store_explicit(&ts_off, o, memory_order_relaxed);
			atomic_store_explicit(&ts_flag_bit, b, memory_order_relaxed);
		}
	}
	if (o < 0 || b < 0)
		return false;
	*off = o;
	*flag = 1ull << b;
	return true;
}

/* int bpf_xdp_metadata_rx_timestamp(const struct xdp_md *ctx, __u64 *timestamp) */
uint64_t
xdpdk_kf_xdp_metadata_rx_timestamp(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				   uint64_t r5)
{
	const struct rte_mbuf *m = mbuf_of(r1);
	uint64_t flag;
	int off;

	(void)r3, (void)r4, (void)r5;
	if (m == NULL)
		return (uint64_t)-EOPNOTSUPP;
	if (!timestamp_field(&off, &flag) || !(m->ol_flags & flag))
		return (uint64_t)-ENODATA;
	*(uint64_t *)(uintptr_t)r2 = *RTE_MBUF_DYNFIELD(m, off, const rte_mbuf_timestamp_t *);
	return 0;
}

/* The hash's type from the packet type the PMD parsed. */
static uint32_t
rss_type(uint32_t ptype)
{
	uint32_t t = 0;

	if (RTE_ETH_IS_IPV4_HDR(ptype))
		t |= XDP_RSS_L3_IPV4;
	else if (RTE_ETH_IS_IPV6_HDR(ptype))
		t |= XDP_RSS_L3_IPV6;
	if ((ptype & RTE_PTYPE_L3_MASK) == RTE_PTYPE_L3_IPV4_EXT ||
	    (ptype & RTE_PTYPE_L3_MASK) == RTE_PTYPE_L3_IPV6_EXT)
		t |= XDP_RSS_L3_DYNHDR;
	switch (ptype & RTE_PTYPE_L4_MASK) {
	case RTE_PTYPE_L4_TCP:
		t |= XDP_RSS_L4 | XDP_RSS_L4_TCP;
		break;
	case RTE_PTYPE_L4_UDP:
		t |= XDP_RSS_L4 | XDP_RSS_L4_UDP;
		break;
	case RTE_PTYPE_L4_SCTP:
		t |= XDP_RSS_L4 | XDP_RSS_L4_SCTP;
		break;
	case RTE_PTYPE_L4_ICMP:
		t |= XDP_RSS_L4_ICMP;
		break;
	default:
		break;
	}
	return t;
}

/* int bpf_xdp_metadata_rx_hash(const struct xdp_md *ctx, __u32 *hash, enum xdp_rss_hash_type *) */
uint64_t
xdpdk_kf_xdp_metadata_rx_hash(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	const struct rte_mbuf *m = mbuf_of(r1);

	(void)r4, (void)r5;
	if (m == NULL)
		return (uint64_t)-EOPNOTSUPP;
	if (!(m->ol_flags & RTE_MBUF_F_RX_RSS_HASH))
		return (uint64_t)-ENODATA;
	*(uint32_t *)(uintptr_t)r2 = m->hash.rss;
	*(uint32_t *)(uintptr_t)r3 = rss_type(m->packet_type);
	return 0;
}

/*
 * int bpf_xdp_metadata_rx_vlan_tag(const struct xdp_md *ctx, __be16 *vlan_proto,
 *				    u16 *vlan_tci): the outermost tag the NIC stripped.
 */
uint64_t
xdpdk_kf_xdp_metadata_rx_vlan_tag(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				  uint64_t r5)
{
	const struct rte_mbuf *m = mbuf_of(r1);

	(void)r4, (void)r5;
	if (m == NULL)
		return (uint64_t)-EOPNOTSUPP;
	if (m->ol_flags & RTE_MBUF_F_RX_QINQ_STRIPPED) {
		*(uint16_t *)(uintptr_t)r2 = htons(ETH_P_8021AD);
		*(uint16_t *)(uintptr_t)r3 = m->vlan_tci_outer;
		return 0;
	}
	if (!(m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED))
		return (uint64_t)-ENODATA;
	*(uint16_t *)(uintptr_t)r2 = htons(ETH_P_8021Q);
	*(uint16_t *)(uintptr_t)r3 = m->vlan_tci;
	return 0;
}
