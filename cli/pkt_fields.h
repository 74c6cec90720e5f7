/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Header fields of a packet, to name what differs in a golden test: which
 * field a byte belongs to ("ipv4.saddr") and its value in a person's terms
 * ("10.0.0.1"). Ethernet, VLAN/QinQ, ARP, IPv4, IPv6 (extension headers),
 * TCP, UDP, ICMP/ICMPv6 (with the quoted headers of errors), and the IPIP,
 * 6in4, 4in6, IP6IP6, GUE and VXLAN encapsulations.
 */
#ifndef XDPDK_CLI_PKT_FIELDS_H
#define XDPDK_CLI_PKT_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#define CLI_PKT_MAX_FIELDS 160

enum cli_pkt_kind {
	CLI_PKT_BYTES,		/* hex bytes */
	CLI_PKT_DEC,		/* big-endian unsigned, decimal */
	CLI_PKT_HEX,		/* big-endian unsigned, 0x hex */
	CLI_PKT_MAC,
	CLI_PKT_IP4,
	CLI_PKT_IP6,
	CLI_PKT_TCP_FLAGS,
};

struct cli_pkt_field {
	char name[48];		/* "ipv4.saddr", "inner.tcp.dest", "quoted.ipv4.daddr" */
	uint32_t off, len;	/* in the output bytes (metadata included) */
	enum cli_pkt_kind kind;
};

struct cli_pkt_layout {
	struct cli_pkt_field f[CLI_PKT_MAX_FIELDS];
	uint32_t n;
	uint32_t payload_off;	/* where the last decoded header ends */
	char layers[160];	/* "eth/vlan/ipv4/udp/gue/ipv4/tcp" */
};

/** Decode the headers of @p p (@p meta bytes of XDP metadata first). */
void cli_pkt_decode(const uint8_t *p, uint32_t len, uint32_t meta, struct cli_pkt_layout *l);

/** The field holding byte @p off, or NULL (payload). */
const struct cli_pkt_field *cli_pkt_field_at(const struct cli_pkt_layout *l, uint32_t off);

/** The value of @p f in @p p (of @p len bytes) as a person reads it. */
void cli_pkt_field_fmt(const struct cli_pkt_field *f, const uint8_t *p, uint32_t len, char *buf,
		       size_t size);

#endif
