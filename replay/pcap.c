/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The capture, read once with libpcap (pcap and pcapng, nanosecond
 * timestamps) into one blob, each packet parsed once for what varying and
 * stamping need: where L3 and L4 start, whether the L4 checksum can be
 * recomputed, where the latency stamp goes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>
#include <pcap/pcap.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>

#include "replay_internal.h"

/* Ethernet, up to two VLAN tags: the L3 offset and ethertype; -1 when not IP. */
static int
l3_start(const uint8_t *p, uint32_t len, uint16_t *type)
{
	uint32_t off = 12;

	for (int tags = 0; off + 2 <= len; tags++) {
		const uint16_t t = (uint16_t)(p[off] << 8 | p[off + 1]);

		if ((t == RTE_ETHER_TYPE_VLAN || t == RTE_ETHER_TYPE_QINQ) && tags < 2) {
			off += 4;
			continue;
		}
		*type = t;
		return (int)off + 2;
	}
	return -1;
}

void
xdpdk_replay_parse(const uint8_t *p, uint32_t len, struct rp_pkt *k)
{
	uint16_t type = 0;
	const int l3 = l3_start(p, len, &type);
	uint32_t end = len, l4hdr = 0;

	k->l3 = k->l4 = -1;
	k->ipv = 0;
	k->proto = 0;
	k->l4_csum = false;
	k->stamp = len >= RTE_ETHER_HDR_LEN + RP_STAMP_LEN ? (int32_t)(len - RP_STAMP_LEN) : -1;
	if (l3 < 0)
		return;
	if (type == RTE_ETHER_TYPE_IPV4 && (uint32_t)l3 + sizeof(struct rte_ipv4_hdr) <= len) {
		const struct rte_ipv4_hdr *ip = (const void *)(p + l3);
		const uint32_t ihl = (ip->version_ihl & 0xf) * 4u;
		const uint32_t tot = rte_be_to_cpu_16(ip->total_length);

		if ((ip->version_ihl >> 4) != 4 || ihl < 20 || tot < ihl || l3 + tot > len)
			return;
		k->ipv = 4;
		k->l3 = (int16_t)l3;
		k->proto = ip->next_proto_id;
		end = l3 + tot;
		/* Fragments carry no whole L4 header: only the first has ports, none a full sum. */
		if ((rte_be_to_cpu_16(ip->fragment_offset) & (RTE_IPV4_HDR_MF_FLAG |
							     RTE_IPV4_HDR_OFFSET_MASK)) == 0)
			k->l4 = (int16_t)(l3 + ihl);
	} else if (type == RTE_ETHER_TYPE_IPV6 && (uint32_t)l3 + sizeof(struct rte_ipv6_hdr) <= len) {
		const struct rte_ipv6_hdr *ip = (const void *)(p + l3);
		const uint32_t pl = rte_be_to_cpu_16(ip->payload_len);

		if ((p[l3] >> 4) != 6 || l3 + 40 + pl > len)
			return;
		k->ipv = 6;
		k->l3 = (int16_t)l3;
		k->proto = ip->proto;	/* extension headers: no L4 (ports stay as they are) */
		end = l3 + 40 + pl;
		k->l4 = (int16_t)(l3 + 40);
	} else {
		return;
	}
	if (k->l4 >= 0 && k->proto == IPPROTO_UDP && (uint32_t)k->l4 + 8 <= end) {
		const uint16_t sum = (uint16_t)(p[k->l4 + 6] << 8 | p[k->l4 + 7]);

		l4hdr = 8;
		k->l4_csum = sum != 0 || k->ipv == 6;	/* IPv4 UDP without a sum stays without */
	} else if (k->l4 >= 0 && k->proto == IPPROTO_TCP && (uint32_t)k->l4 + 20 <= end) {
		l4hdr = (p[k->l4 + 12] >> 4) * 4u;
		k->l4_csum = l4hdr >= 20;
	} else if (k->l4 >= 0 && (k->proto == IPPROTO_UDP || k->proto == IPPROTO_TCP)) {
		k->l4 = -1;	/* the header is cut short */
	}
	/* The stamp goes at the end of the datagram, after any L4 header, before padding. */
	{
		const uint32_t first = (uint32_t)(k->l4 >= 0 ? k->l4 : k->l3) + l4hdr;

		k->stamp = end >= first + RP_STAMP_LEN ? (int32_t)(end - RP_STAMP_LEN) : -1;
	}
}

int32_t
xdpdk_replay_stamp_offset(const uint8_t *p, uint32_t len)
{
	struct rp_pkt k;

	xdpdk_replay_parse(p, len, &k);
	return k.stamp;
}

/* Bytes of L2 header in front of the L3 payload that the MTU counts. */
static uint32_t
l2_len(const uint8_t *p, uint32_t len)
{
	uint16_t type;
	const int l3 = l3_start(p, len, &type);

	return l3 > 0 ? (uint32_t)l3 : RTE_ETHER_HDR_LEN;
}

static int
grow(struct rp_capture *cap, uint32_t *cap_pkts, uint64_t *cap_blob, uint64_t blob_len,
     uint32_t add)
{
	if (cap->n == *cap_pkts) {
		const uint32_t n = *cap_pkts ? *cap_pkts * 2 : 1024;
		struct rp_pkt *np = realloc(cap->pkt, (size_t)n * sizeof(*np));

		if (np == NULL)
			return -ENOMEM;
		cap->pkt = np;
		*cap_pkts = n;
	}
	if (blob_len + add > *cap_blob) {
		uint64_t n = *cap_blob ? *cap_blob : 1 << 20;
		uint8_t *nb;

		while (n < blob_len + add)
			n *= 2;
		nb = realloc(cap->blob, n);
		if (nb == NULL)
			return -ENOMEM;
		cap->blob = nb;
		*cap_blob = n;
	}
	return 0;
}

int
xdpdk_replay_capture_read(const struct xdpdk_replay_opts *o, uint32_t max_room,
			  struct rp_capture *cap, struct xdpdk_replay_info *info, char *err,
			  size_t err_size)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *pc = pcap_open_offline_with_tstamp_precision(o->pcap, PCAP_TSTAMP_PRECISION_NANO,
							     ebuf);
	uint32_t cap_pkts = 0;
	uint64_t cap_blob = 0, blob_len = 0, first_ts = 0;
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc, ret = 0;

	memset(cap, 0, sizeof(*cap));
	memset(info, 0, sizeof(*info));
	if (pc == NULL) {
		FILE *f = fopen(o->pcap, "rb");

		if (f == NULL) {
			snprintf(err, err_size, "%s: %s", o->pcap, strerror(errno));
			return -errno;
		}
		fclose(f);
		snprintf(err, err_size, "%s: not a pcap or pcapng capture: %s", o->pcap, ebuf);
		return -EPROTO;
	}
	info->linktype = pcap_datalink(pc);
	if (info->linktype != DLT_EN10MB) {
		const char *name = pcap_datalink_val_to_name(info->linktype);

		snprintf(err, err_size, "%s: link type %d (%s) is not supported: only Ethernet "
			 "(EN10MB) captures can be sent into a port", o->pcap, info->linktype,
			 name != NULL ? name : "unknown");
		pcap_close(pc);
		return -EPROTO;
	}
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		const uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
		struct rp_pkt *k;

		if (h->caplen < RTE_ETHER_HDR_LEN || h->caplen > max_room ||
		    (o->mtu != 0 && h->caplen > o->mtu + l2_len(data, h->caplen))) {
			info->skipped_big += h->caplen >= RTE_ETHER_HDR_LEN;
			info->skipped_short += h->caplen < RTE_ETHER_HDR_LEN;
			continue;
		}
		ret = grow(cap, &cap_pkts, &cap_blob, blob_len, h->caplen);
		if (ret != 0) {
			snprintf(err, err_size, "%s: out of memory after %u packets", o->pcap, cap->n);
			goto out;
		}
		k = &cap->pkt[cap->n++];
		memcpy(cap->blob + blob_len, data, h->caplen);
		k->off = blob_len;
		k->len = h->caplen;
		if (cap->n == 1)
			first_ts = ts;
		/* Out-of-order timestamps would make the schedule go back: keep it monotonic. */
		k->ts_ns = cap->n > 1 && ts < cap->pkt[cap->n - 2].ts_ns ? cap->pkt[cap->n - 2].ts_ns
								     : ts;
		xdpdk_replay_parse(data, h->caplen, k);
		blob_len += h->caplen;
		info->bytes += h->caplen;
		info->snapped += h->caplen < h->len;
		info->unstampable += k->stamp < 0;
		if (h->caplen > cap->max_len)
			cap->max_len = h->caplen;
	}
	if (rc == PCAP_ERROR) {
		/* libpcap says "truncated dump file; ..." for a record cut short. */
		info->truncated = true;
		snprintf(info->trunc_msg, sizeof(info->trunc_msg), "%s", pcap_geterr(pc));
	}
	info->packets = cap->n;
	info->span = cap->n > 1 ? (double)(cap->pkt[cap->n - 1].ts_ns - first_ts) / 1e9 : 0;
	if (cap->n == 0) {
		snprintf(err, err_size, "%s: no packet to send (%" PRIu64 " larger than the MTU%s, "
			 "%" PRIu64 " shorter than an Ethernet header%s%s)", o->pcap,
			 info->skipped_big, o->mtu ? "" : " or a buffer", info->skipped_short,
			 info->truncated ? "; " : "", info->truncated ? info->trunc_msg : "");
		ret = -ENODATA;
	}
out:
	pcap_close(pc);
	if (ret != 0)
		xdpdk_replay_capture_free(cap);
	return ret;
}

void
xdpdk_replay_capture_free(struct rp_capture *cap)
{
	free(cap->pkt);
	free(cap->blob);
	memset(cap, 0, sizeof(*cap));
}
