/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Header fields of a packet (pkt_fields.h): a small decoder that only names
 * byte ranges. It never trusts lengths in the packet beyond its end, since
 * the packets it reads are the ones a test found wrong.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_ether.h>
#include <rte_ip.h>

#include "pkt_fields.h"

#define GUE_PORT 6080		/* Katran's, and bpf/progs/lb's default */
#define VXLAN_PORT 4789
#define MAX_DEPTH 4		/* encapsulations followed */

struct dec {
	const uint8_t *p;
	uint32_t len;
	struct cli_pkt_layout *l;
	char prefix[32];	/* "", "inner.", "quoted." */
	int depth;
};

/* Record a field; false when it does not fit in the packet (decoding stops there). */
static bool
add(struct dec *d, const char *name, uint32_t off, uint32_t len, enum cli_pkt_kind kind)
{
	struct cli_pkt_field *f;

	if (d->l->n == CLI_PKT_MAX_FIELDS || off >= d->len)
		return false;
	f = &d->l->f[d->l->n++];
	snprintf(f->name, sizeof(f->name), "%s%s", d->prefix, name);
	f->off = off;
	f->len = off + len <= d->len ? len : d->len - off;
	f->kind = f->len == len ? kind : CLI_PKT_BYTES;
	d->l->payload_off = off + f->len;
	return f->len == len;
}

/* A header's fixed fields: name, offset in the header, length, kind. */
struct hdr_field {
	const char *name;
	uint8_t off, len;
	enum cli_pkt_kind kind;
};

#define FIELDS(t) (t), sizeof(t) / sizeof((t)[0])

/* Record the fixed fields of a header at @p off; false when the packet ends inside them. */
static bool
add_all(struct dec *d, uint32_t off, const struct hdr_field *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!add(d, t[i].name, off + t[i].off, t[i].len, t[i].kind))
			return false;
	return true;
}

static const struct hdr_field eth_fields[] = {
	{ "eth.dst", 0, 6, CLI_PKT_MAC },
	{ "eth.src", 6, 6, CLI_PKT_MAC },
	{ "eth.type", 12, 2, CLI_PKT_HEX },
};

static const struct hdr_field ipv4_fields[] = {
	{ "ipv4.version_ihl", 0, 1, CLI_PKT_HEX },
	{ "ipv4.tos", 1, 1, CLI_PKT_HEX },
	{ "ipv4.tot_len", 2, 2, CLI_PKT_DEC },
	{ "ipv4.id", 4, 2, CLI_PKT_HEX },
	{ "ipv4.frag_off", 6, 2, CLI_PKT_HEX },
	{ "ipv4.ttl", 8, 1, CLI_PKT_DEC },
	{ "ipv4.protocol", 9, 1, CLI_PKT_DEC },
	{ "ipv4.check", 10, 2, CLI_PKT_HEX },
	{ "ipv4.saddr", 12, 4, CLI_PKT_IP4 },
	{ "ipv4.daddr", 16, 4, CLI_PKT_IP4 },
};

static const struct hdr_field ipv6_fields[] = {
	{ "ipv6.vtc_flow", 0, 4, CLI_PKT_HEX },
	{ "ipv6.payload_len", 4, 2, CLI_PKT_DEC },
	{ "ipv6.nexthdr", 6, 1, CLI_PKT_DEC },
	{ "ipv6.hop_limit", 7, 1, CLI_PKT_DEC },
	{ "ipv6.saddr", 8, 16, CLI_PKT_IP6 },
	{ "ipv6.daddr", 24, 16, CLI_PKT_IP6 },
};

static const struct hdr_field tcp_fields[] = {
	{ "tcp.source", 0, 2, CLI_PKT_DEC },
	{ "tcp.dest", 2, 2, CLI_PKT_DEC },
	{ "tcp.seq", 4, 4, CLI_PKT_DEC },
	{ "tcp.ack_seq", 8, 4, CLI_PKT_DEC },
	{ "tcp.doff", 12, 1, CLI_PKT_HEX },
	{ "tcp.flags", 13, 1, CLI_PKT_TCP_FLAGS },
	{ "tcp.window", 14, 2, CLI_PKT_DEC },
	{ "tcp.check", 16, 2, CLI_PKT_HEX },
	{ "tcp.urg_ptr", 18, 2, CLI_PKT_DEC },
};

static const struct hdr_field udp_fields[] = {
	{ "udp.source", 0, 2, CLI_PKT_DEC },
	{ "udp.dest", 2, 2, CLI_PKT_DEC },
	{ "udp.len", 4, 2, CLI_PKT_DEC },
	{ "udp.check", 6, 2, CLI_PKT_HEX },
};

static const struct hdr_field vxlan_fields[] = {
	{ "vxlan.flags", 0, 4, CLI_PKT_HEX },
	{ "vxlan.vni", 4, 3, CLI_PKT_DEC },
	{ "vxlan.reserved", 7, 1, CLI_PKT_HEX },
};

static const struct hdr_field gue_fields[] = {
	{ "gue.hlen", 0, 1, CLI_PKT_HEX },
	{ "gue.proto", 1, 1, CLI_PKT_DEC },
	{ "gue.flags", 2, 2, CLI_PKT_HEX },
};

static const struct hdr_field arp_fields[] = {
	{ "arp.htype", 0, 2, CLI_PKT_DEC },
	{ "arp.ptype", 2, 2, CLI_PKT_HEX },
	{ "arp.hlen", 4, 1, CLI_PKT_DEC },
	{ "arp.plen", 5, 1, CLI_PKT_DEC },
	{ "arp.oper", 6, 2, CLI_PKT_DEC },
};

/* Ethernet and IPv4 addresses: only with hlen 6 and plen 4. */
static const struct hdr_field arp_addr_fields[] = {
	{ "arp.sha", 8, 6, CLI_PKT_MAC },
	{ "arp.spa", 14, 4, CLI_PKT_IP4 },
	{ "arp.tha", 18, 6, CLI_PKT_MAC },
	{ "arp.tpa", 24, 4, CLI_PKT_IP4 },
};

static void
layer(struct dec *d, const char *name)
{
	size_t n = strlen(d->l->layers);

	snprintf(d->l->layers + n, sizeof(d->l->layers) - n, "%s%s", n ? "/" : "", name);
}

static uint32_t
be16(const struct dec *d, uint32_t off)
{
	return (uint32_t)d->p[off] << 8 | d->p[off + 1];
}

enum nest { NEST_ETH, NEST_IP4, NEST_IP6 };

static void ipv4(struct dec *d, uint32_t off);
static void ipv6(struct dec *d, uint32_t off);
static void l2_next(struct dec *d, uint32_t off, uint32_t type);

/* Decode one more level of encapsulation, its fields named under @p prefix. */
static void
nested(struct dec *d, const char *prefix, uint32_t off, enum nest what)
{
	struct dec in = *d;

	if (d->depth >= MAX_DEPTH)
		return;
	in.depth++;
	snprintf(in.prefix, sizeof(in.prefix), "%s%s", d->prefix, prefix);
	if (what == NEST_ETH)
		l2_next(&in, off, 0);
	else if (what == NEST_IP4)
		ipv4(&in, off);
	else
		ipv6(&in, off);
}

static void ip_next(struct dec *d, uint32_t off, uint8_t proto);

static void
ipv4(struct dec *d, uint32_t off)
{
	uint32_t ihl;

	layer(d, "ipv4");
	if (!add_all(d, off, FIELDS(ipv4_fields)))
		return;
	ihl = (d->p[off] & 0xf) * 4u;
	if (ihl < 20)
		return;
	if (ihl > 20 && !add(d, "ipv4.options", off + 20, ihl - 20, CLI_PKT_BYTES))
		return;
	/* A later fragment carries no transport header. */
	if ((be16(d, off + 6) & RTE_IPV4_HDR_OFFSET_MASK) != 0)
		return;
	ip_next(d, off + ihl, d->p[off + 9]);
}

static void
ipv6(struct dec *d, uint32_t off)
{
	uint8_t next;

	layer(d, "ipv6");
	if (!add_all(d, off, FIELDS(ipv6_fields)))
		return;
	next = d->p[off + 6];
	off += 40;
	/* Extension headers: hop-by-hop, routing, destination options, fragment. */
	for (int k = 0; k < 8; k++) {
		const char *ext = next == 0 ? "hopopts" : next == 43 ? "routing" :
				  next == 60 ? "dstopts" : next == 44 ? "frag" : NULL;
		char name[32];
		uint32_t hlen;

		if (ext == NULL)
			break;
		layer(d, ext);
		snprintf(name, sizeof(name), "ipv6.%s.nexthdr", ext);
		if (!add(d, name, off, 1, CLI_PKT_DEC))
			return;
		if (next == 44) {
			snprintf(name, sizeof(name), "ipv6.frag.frag_off");
			if (!add(d, name, off + 2, 2, CLI_PKT_HEX) ||
			    !add(d, "ipv6.frag.id", off + 4, 4, CLI_PKT_HEX))
				return;
			if ((be16(d, off + 2) & 0xfff8) != 0)
				return;	/* a later fragment */
			hlen = 8;
		} else {
			snprintf(name, sizeof(name), "ipv6.%s.hdrlen", ext);
			if (!add(d, name, off + 1, 1, CLI_PKT_DEC))
				return;
			hlen = (d->p[off + 1] + 1u) * 8;
			snprintf(name, sizeof(name), "ipv6.%s.data", ext);
			if (!add(d, name, off + 2, hlen - 2, CLI_PKT_BYTES))
				return;
		}
		next = d->p[off];
		off += hlen;
	}
	ip_next(d, off, next);
}

static void
tcp(struct dec *d, uint32_t off)
{
	uint32_t doff;

	layer(d, "tcp");
	if (!add_all(d, off, FIELDS(tcp_fields)))
		return;
	doff = (d->p[off + 12] >> 4) * 4u;
	if (doff > 20)
		add(d, "tcp.options", off + 20, doff - 20, CLI_PKT_BYTES);
}

static void
udp(struct dec *d, uint32_t off)
{
	uint32_t sport, dport;
	const uint8_t *h = d->p + off + 8;

	layer(d, "udp");
	if (!add_all(d, off, FIELDS(udp_fields)) || off + 8 >= d->len)
		return;
	sport = be16(d, off);
	dport = be16(d, off + 2);
	if (sport != GUE_PORT && dport != GUE_PORT && dport != VXLAN_PORT)
		return;
	off += 8;
	if (dport == VXLAN_PORT) {
		/* Only a header that looks like one: port 4789 carries other things in tests. */
		if (off + 8 > d->len || h[0] != 0x08 || h[1] || h[2] || h[3] || h[7])
			return;
		layer(d, "vxlan");
		if (add_all(d, off, FIELDS(vxlan_fields)))
			nested(d, "inner.", off + 8, NEST_ETH);
		return;
	}
	/* GUE variant 1 is the bare inner IP header; variant 0 has a 4-byte header first. */
	if (h[0] >> 4 == 4 || h[0] >> 4 == 6) {
		layer(d, "gue");
		nested(d, "inner.", off, h[0] >> 4 == 4 ? NEST_IP4 : NEST_IP6);
	} else if (h[0] >> 6 == 0 && off + 4 <= d->len && (h[1] == 4 || h[1] == 41)) {
		uint32_t hlen = 4 + (h[0] & 0x1f) * 4u;

		layer(d, "gue");
		if (add_all(d, off, FIELDS(gue_fields)) &&
		    (hlen == 4 || add(d, "gue.options", off + 4, hlen - 4, CLI_PKT_BYTES)))
			nested(d, "inner.", off + hlen, h[1] == 4 ? NEST_IP4 : NEST_IP6);
	}
}

/* ICMP and ICMPv6: type, code, checksum, then echo ids or the quoted packet of an error. */
static void
icmp(struct dec *d, uint32_t off, bool v6)
{
	const char *n = v6 ? "icmpv6" : "icmp";
	char name[32];
	uint8_t type;
	bool echo, error;

	layer(d, n);
	snprintf(name, sizeof(name), "%s.type", n);
	if (!add(d, name, off, 1, CLI_PKT_DEC))
		return;
	type = d->p[off];
	snprintf(name, sizeof(name), "%s.code", n);
	if (!add(d, name, off + 1, 1, CLI_PKT_DEC))
		return;
	snprintf(name, sizeof(name), "%s.check", n);
	if (!add(d, name, off + 2, 2, CLI_PKT_HEX))
		return;
	echo = v6 ? type == 128 || type == 129 : type == 0 || type == 8;
	error = v6 ? type >= 1 && type <= 4 : type == 3 || type == 4 || type == 5 || type == 11 ||
							     type == 12;
	if (echo) {
		snprintf(name, sizeof(name), "%s.id", n);
		if (add(d, name, off + 4, 2, CLI_PKT_DEC)) {
			snprintf(name, sizeof(name), "%s.seq", n);
			add(d, name, off + 6, 2, CLI_PKT_DEC);
		}
		return;
	}
	if (v6 && (type == 135 || type == 136)) {
		if (add(d, "icmpv6.nd.reserved", off + 4, 4, CLI_PKT_HEX) &&
		    add(d, "icmpv6.nd.target", off + 8, 16, CLI_PKT_IP6) && off + 24 < d->len)
			add(d, "icmpv6.nd.options", off + 24, d->len - off - 24, CLI_PKT_BYTES);
		return;
	}
	if (!error)
		return;
	/* Frag-needed and packet-too-big carry the MTU: name it. */
	if ((!v6 && type == 3 && d->p[off + 1] == 4) || (v6 && type == 2)) {
		snprintf(name, sizeof(name), "%s.mtu", n);
		if (!add(d, v6 ? name : "icmp.unused", off + 4, v6 ? 4 : 2, v6 ? CLI_PKT_DEC :
		    CLI_PKT_HEX) || (!v6 && !add(d, "icmp.mtu", off + 6, 2, CLI_PKT_DEC)))
			return;
	} else {
		snprintf(name, sizeof(name), "%s.unused", n);
		if (!add(d, name, off + 4, 4, CLI_PKT_HEX))
			return;
	}
	nested(d, "quoted.", off + 8, v6 ? NEST_IP6 : NEST_IP4);
}

static void
arp(struct dec *d, uint32_t off)
{
	layer(d, "arp");
	if (add_all(d, off, FIELDS(arp_fields)) && d->p[off + 4] == 6 && d->p[off + 5] == 4)
		add_all(d, off, FIELDS(arp_addr_fields));
}

static void
ip_next(struct dec *d, uint32_t off, uint8_t proto)
{
	if (proto == IPPROTO_TCP)
		tcp(d, off);
	else if (proto == IPPROTO_UDP)
		udp(d, off);
	else if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)
		icmp(d, off, proto == IPPROTO_ICMPV6);
	else if (proto == IPPROTO_IPIP || proto == IPPROTO_IPV6)	/* IPIP, 4in6, 6in4, IP6IP6 */
		nested(d, "inner.", off, proto == IPPROTO_IPIP ? NEST_IP4 : NEST_IP6);
}

/*
 * An EtherType at @p off - 2 was read as @p type (0: the Ethernet header
 * itself starts at @p off).
 */
static void
l2_next(struct dec *d, uint32_t off, uint32_t type)
{
	char name[32];

	if (type == 0) {
		layer(d, "eth");
		if (!add_all(d, off, FIELDS(eth_fields)))
			return;
		type = be16(d, off + 12);
		off += 14;
	}
	for (int tag = 0; type == RTE_ETHER_TYPE_VLAN || type == RTE_ETHER_TYPE_QINQ ||
			  type == RTE_ETHER_TYPE_QINQ1; tag++) {
		layer(d, "vlan");
		snprintf(name, sizeof(name), "vlan%s.tci", tag ? "[1]" : "");
		if (tag == 2 || !add(d, name, off, 2, CLI_PKT_HEX))
			return;
		snprintf(name, sizeof(name), "vlan%s.type", tag ? "[1]" : "");
		if (!add(d, name, off + 2, 2, CLI_PKT_HEX))
			return;
		type = be16(d, off + 2);
		off += 4;
	}
	if (type == RTE_ETHER_TYPE_IPV4)
		ipv4(d, off);
	else if (type == RTE_ETHER_TYPE_IPV6)
		ipv6(d, off);
	else if (type == RTE_ETHER_TYPE_ARP)
		arp(d, off);
}

void
cli_pkt_decode(const uint8_t *p, uint32_t len, uint32_t meta, struct cli_pkt_layout *l)
{
	struct dec d = { .p = p, .len = len, .l = l };

	memset(l, 0, sizeof(*l));
	if (meta > 0) {
		layer(&d, "meta");
		if (!add(&d, "meta", 0, meta, CLI_PKT_BYTES))
			return;
	}
	l2_next(&d, meta, 0);
}

const struct cli_pkt_field *
cli_pkt_field_at(const struct cli_pkt_layout *l, uint32_t off)
{
	for (uint32_t i = 0; i < l->n; i++)
		if (off >= l->f[i].off && off < l->f[i].off + l->f[i].len)
			return &l->f[i];
	return NULL;
}

void
cli_pkt_field_fmt(const struct cli_pkt_field *f, const uint8_t *p, uint32_t len, char *buf,
		  size_t size)
{
	static const char *const flags[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE",
					     "CWR" };
	uint64_t v = 0;
	size_t n;

	if (f->off + f->len > len) {
		snprintf(buf, size, "(past the end)");
		return;
	}
	p += f->off;
	for (uint32_t i = 0; i < f->len && i < 8; i++)
		v = v << 8 | p[i];
	switch (f->kind) {
	case CLI_PKT_DEC:
		snprintf(buf, size, "%llu", (unsigned long long)v);
		return;
	case CLI_PKT_HEX:
		snprintf(buf, size, "0x%0*llx", (int)f->len * 2, (unsigned long long)v);
		return;
	case CLI_PKT_MAC:
		snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", p[0], p[1], p[2], p[3], p[4],
			 p[5]);
		return;
	case CLI_PKT_IP4:
	case CLI_PKT_IP6:
		if (inet_ntop(f->kind == CLI_PKT_IP4 ? AF_INET : AF_INET6, p, buf,
			      (socklen_t)size) == NULL)
			snprintf(buf, size, "?");
		return;
	case CLI_PKT_TCP_FLAGS:
		n = (size_t)snprintf(buf, size, "0x%02x (", p[0]);
		for (int b = 0, k = 0; b < 8 && n < size; b++)
			if (p[0] & (1 << b))
				n += (size_t)snprintf(buf + n, size - n, "%s%s", k++ ? "," : "",
						      flags[b]);
		if (n < size)
			snprintf(buf + n, size - n, "%s)", p[0] ? "" : "none");
		return;
	case CLI_PKT_BYTES:
	default:
		n = 0;
		for (uint32_t i = 0; i < f->len && n + 3 < size; i++) {
			if (i == 16 && f->len > 17) {
				snprintf(buf + n, size - n, "...");
				return;
			}
			n += (size_t)snprintf(buf + n, size - n, "%02x", p[i]);
		}
		if (f->len == 0)
			snprintf(buf, size, "(empty)");
		return;
	}
}
