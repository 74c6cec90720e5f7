/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * capture: the dataplane side of `xdpdk capture` (cmd_capture.c), served
 * on the control socket. Like xdpdump, but the filter is a tcpdump
 * expression (libpcap compiles it to classic BPF, bpf/cbpf.c translates it,
 * xdpdk's JIT runs it on the workers), the capture point may be the
 * program's entry, its exit (with the verdict), or both, and a port that
 * nobody captures pays one pointer read per burst.
 *
 *   capture --port P [--point entry|exit|both] [--count N] [--duration S]
 *           [--snaplen N] [--format pcapng|text] [--filter EXPR]
 *
 * The reply is a pcapng file (one interface, nanosecond timestamps, each
 * packet's capture point, queue and verdict in its comment and the
 * direction in its flags) or one text line per packet; what was lost goes
 * to the error stream.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pcap_compat.h" /* before cli.h: see there */
#include "cli.h"

#include <xdpdk/capture.h>
#include <xdpdk/cbpf.h>

#define MAX_DURATION 600.0
#define DEFAULT_DURATION 10.0

/* ---- pcapng (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng) ---- */

static void
put32(FILE *f, uint32_t v)
{
	fwrite(&v, 4, 1, f);
}

static void
put16(FILE *f, uint16_t v)
{
	fwrite(&v, 2, 1, f);
}

static void
put_pad(FILE *f, size_t len)
{
	static const uint8_t zero[4];

	fwrite(zero, 1, (4 - len % 4) % 4, f);
}

static size_t
padded(size_t len)
{
	return (len + 3) & ~(size_t)3;
}

/* A string option (code, length, value, padding). */
static void
put_opt_str(FILE *f, uint16_t code, const char *s)
{
	put16(f, code);
	put16(f, (uint16_t)strlen(s));
	fwrite(s, 1, strlen(s), f);
	put_pad(f, strlen(s));
}

static void
pcapng_header(FILE *f, const char *ifname, uint32_t snaplen)
{
	/* header 16, if_tsresol 8, if_name, end of options 4, trailing length 4 */
	const uint32_t idb_len = (uint32_t)(16 + 8 + 4 + padded(strlen(ifname)) + 4 + 4);

	/* Section Header Block */
	put32(f, 0x0A0D0D0A);
	put32(f, 28);
	put32(f, 0x1A2B3C4D);
	put16(f, 1);
	put16(f, 0);
	put32(f, 0xffffffff); /* section length: unknown */
	put32(f, 0xffffffff);
	put32(f, 28);
	/* Interface Description Block: Ethernet, if_tsresol 9 (ns), if_name */
	put32(f, 1);
	put32(f, idb_len);
	put16(f, 1);
	put16(f, 0);
	put32(f, snaplen);
	put16(f, 9);
	put16(f, 1);
	fputc(9, f);
	put_pad(f, 1);
	put_opt_str(f, 2, ifname);
	put32(f, 0); /* opt_endofopt */
	put32(f, idb_len);
}

static void
pcapng_packet(FILE *f, const struct xdpdk_capture_pkt *p, const uint8_t *data,
	      const char *comment)
{
	const uint32_t len = (uint32_t)(32 + padded(p->cap_len) + 4 + padded(strlen(comment)) +
					 8 + 4);
	/* epb_flags: inbound at the entry; what leaves the port (TX) outbound */
	const uint32_t flags = p->point == XDPDK_CAPTURE_ENTRY ? 1 : p->verdict == XDP_TX ? 2 : 0;

	put32(f, 6);
	put32(f, len);
	put32(f, 0);
	put32(f, (uint32_t)(p->ts_ns >> 32));
	put32(f, (uint32_t)p->ts_ns);
	put32(f, p->cap_len);
	put32(f, p->wire_len);
	fwrite(data, 1, p->cap_len, f);
	put_pad(f, p->cap_len);
	put_opt_str(f, 1, comment);
	put16(f, 2);
	put16(f, 4);
	put32(f, flags);
	put32(f, 0);
	put32(f, len);
}

/* ---- text ------------------------------------------------------------------ */

/* "IPv4 10.0.0.1.1234 > 10.0.0.2.53 UDP": what a person needs to recognise a packet. */
static void
describe(FILE *f, const uint8_t *d, uint32_t len)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	uint32_t off = 14, l4 = 0;
	uint16_t type;
	uint8_t proto = 0;

	if (len < 14) {
		fputs("runt", f);
		return;
	}
	type = (uint16_t)(d[12] << 8 | d[13]);
	while ((type == 0x8100 || type == 0x88a8) && off + 4 <= len) {
		fprintf(f, "vlan %u ", (unsigned)((d[off] << 8 | d[off + 1]) & 0xfff));
		type = (uint16_t)(d[off + 2] << 8 | d[off + 3]);
		off += 4;
	}
	if (type == 0x0800 && off + 20 <= len) {
		inet_ntop(AF_INET, d + off + 12, a, sizeof(a));
		inet_ntop(AF_INET, d + off + 16, b, sizeof(b));
		proto = d[off + 9];
		l4 = off + 4u * (d[off] & 0xf);
		fputs("IPv4 ", f);
	} else if (type == 0x86dd && off + 40 <= len) {
		inet_ntop(AF_INET6, d + off + 8, a, sizeof(a));
		inet_ntop(AF_INET6, d + off + 24, b, sizeof(b));
		proto = d[off + 6];
		l4 = off + 40;
		fputs("IPv6 ", f);
	} else {
		fprintf(f, "ethertype 0x%04x", type);
		return;
	}
	if ((proto == 6 || proto == 17) && l4 + 4 <= len) {
		fprintf(f, "%s.%u > %s.%u %s", a, (unsigned)(d[l4] << 8 | d[l4 + 1]), b,
			(unsigned)(d[l4 + 2] << 8 | d[l4 + 3]), proto == 6 ? "TCP" : "UDP");
		return;
	}
	fprintf(f, "%s > %s ", a, b);
	switch (proto) {
	case 1: fputs("ICMP", f); break;
	case 58: fputs("ICMPv6", f); break;
	case 4: fputs("IPIP", f); break;
	case 41: fputs("IPv6-in-IP", f); break;
	case 47: fputs("GRE", f); break;
	case 6: fputs("TCP (truncated)", f); break;
	case 17: fputs("UDP (truncated)", f); break;
	default: fprintf(f, "proto %u", proto); break;
	}
}

static void
text_packet(FILE *f, const struct xdpdk_capture_pkt *p, const uint8_t *data, const char *port)
{
	const time_t s = (time_t)(p->ts_ns / 1000000000ull);
	struct tm tm;
	char when[16];

	localtime_r(&s, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	fprintf(f, "%s.%06u %s q%u %s", when, (unsigned)(p->ts_ns % 1000000000ull / 1000), port,
		p->queue, p->point == XDPDK_CAPTURE_ENTRY ? "entry" : "exit ");
	if (p->point == XDPDK_CAPTURE_EXIT) {
		const char *v = cli_action_name(XDPDK_PROG_TYPE_XDP, p->verdict);

		if (v != NULL)
			fprintf(f, " %s", v);
		else
			fprintf(f, " verdict %u", p->verdict);
	}
	fprintf(f, " %u bytes: ", p->wire_len);
	describe(f, data, p->cap_len);
	fputc('\n', f);
}

/* ---- the verb -------------------------------------------------------------- */

/* Compile @p expr with libpcap and load it on xdpdk's JIT; NULL with a message. */
static struct xdpdk_prog *
make_filter(const char *expr, uint32_t snaplen, FILE *err)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, (int)snaplen);
	struct bpf_program bp;
	struct bpf_insn *insns = NULL;
	struct xdpdk_prog *prog = NULL;
	struct xdpdk_prog_opts o = { .name = "capture_filter", .type = XDPDK_PROG_TYPE_RAW,
				     .no_verify = true };
	uint32_t n;
	char why[256] = "";

	if (dead == NULL) {
		fprintf(err, "Error: out of memory\n");
		return NULL;
	}
	if (pcap_compile(dead, &bp, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		fprintf(err, "Error: filter '%s': %s\n", expr, pcap_geterr(dead));
		pcap_close(dead);
		return NULL;
	}
	if (xdpdk_cbpf_to_ebpf((const struct sock_filter *)bp.bf_insns, bp.bf_len, &insns, &n, why,
			       sizeof(why)) != 0)
		fprintf(err, "Error: filter '%s': %s\n", expr, why);
	else if ((prog = xdpdk_prog_create(insns, n, &o)) == NULL)
		fprintf(err, "Error: filter '%s': %s\n", expr, strerror(errno));
	free(insns);
	pcap_freecode(&bp);
	pcap_close(dead);
	return prog;
}

static bool
parse_num(const char *s, double max, double *out)
{
	char *end;

	if (s == NULL)
		return true;
	*out = strtod(s, &end);
	return *end == '\0' && end != s && *out >= 0 && *out <= max;
}

int
cli_ctl_capture(struct cli_daemon *d, int argc, char **argv, FILE *out, FILE *err)
{
	const char *port = cli_opt_val(argc, argv, "--port"), *point = cli_opt_val(argc, argv, "--point");
	const char *format = cli_opt_val(argc, argv, "--format");
	const char *expr = cli_opt_val(argc, argv, "--filter");
	struct xdpdk_capture_opts o = { .points = XDPDK_CAPTURE_ENTRY };
	double count = 0, duration = DEFAULT_DURATION, snaplen = 0;
	struct xdpdk_prog *filter = NULL;
	struct xdpdk_capture *c;
	struct xdpdk_capture_pkt p;
	uint8_t *buf;
	uint64_t got = 0, end, lost;
	bool text = format != NULL && strcmp(format, "text") == 0;
	int ret;

	o.ifindex = cli_daemon_port(d, port, err);
	if (o.ifindex == 0)
		return CLI_FAIL;
	if (point != NULL) {
		o.points = strcmp(point, "entry") == 0 ? XDPDK_CAPTURE_ENTRY :
			   strcmp(point, "exit") == 0  ? XDPDK_CAPTURE_EXIT :
			   strcmp(point, "both") == 0  ? XDPDK_CAPTURE_ENTRY | XDPDK_CAPTURE_EXIT :
							 0;
		if (o.points == 0) {
			fprintf(err, "Error: --point '%s': expected entry, exit or both\n", point);
			return CLI_USAGE;
		}
	}
	if (format != NULL && !text && strcmp(format, "pcapng") != 0) {
		fprintf(err, "Error: --format '%s': expected pcapng or text\n", format);
		return CLI_USAGE;
	}
	if (!parse_num(cli_opt_val(argc, argv, "--count"), 1e9, &count) ||
	    !parse_num(cli_opt_val(argc, argv, "--duration"), MAX_DURATION, &duration) ||
	    !parse_num(cli_opt_val(argc, argv, "--snaplen"), 65000, &snaplen)) {
		fprintf(err, "Error: --count (0..1e9), --duration (0..%.0f s) and --snaplen "
			"(1..65000) take numbers\n", MAX_DURATION);
		return CLI_USAGE;
	}
	o.snaplen = (uint32_t)snaplen;
	if (expr != NULL && expr[0] != '\0' && (filter = make_filter(expr, 65535, err)) == NULL)
		return CLI_FAIL;
	o.filter = filter;
	ret = xdpdk_capture_start(&o, &c);
	if (ret != 0) {
		fprintf(err, "Error: cannot capture on port %s: %s\n", port,
			ret == -EBUSY ? "somebody else captures there" : strerror(-ret));
		xdpdk_prog_free(filter);
		return CLI_FAIL;
	}
	buf = malloc(65536);
	if (!text)
		pcapng_header(out, cli_daemon_port_name(d, o.ifindex), o.snaplen ? o.snaplen : 9216);
	end = (uint64_t)time(NULL) * 1000 + (uint64_t)(duration * 1000);
	for (;;) {
		struct timespec now;

		if (count > 0 && got >= (uint64_t)count)
			break;
		if (buf != NULL && xdpdk_capture_next(c, &p, buf, 65536) == 1) {
			char comment[96];

			got++;
			if (text) {
				text_packet(out, &p, buf, cli_daemon_port_name(d, o.ifindex));
				continue;
			}
			snprintf(comment, sizeof(comment), "port %s queue %u %s%s%s",
				 cli_daemon_port_name(d, o.ifindex), p.queue,
				 p.point == XDPDK_CAPTURE_ENTRY ? "entry" : "exit",
				 p.point == XDPDK_CAPTURE_EXIT ? " " : "",
				 p.point != XDPDK_CAPTURE_EXIT ? "" :
				 cli_action_name(XDPDK_PROG_TYPE_XDP, p.verdict) ?
						   cli_action_name(XDPDK_PROG_TYPE_XDP, p.verdict) :
						   "verdict ?");
			pcapng_packet(out, &p, buf, comment);
			continue;
		}
		clock_gettime(CLOCK_REALTIME, &now);
		if ((uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000 >= end ||
		    cli_daemon_stopping(d))
			break;
		usleep(1000);
	}
	lost = xdpdk_capture_lost(c); /* before stopping: what it missed while it counted */
	fprintf(err, "%" PRIu64 " packets captured on port %s", got,
		cli_daemon_port_name(d, o.ifindex));
	if (lost != 0)
		fprintf(err, ", %" PRIu64 " matching packets missed (the capture ring was full: "
			"the control thread drains it slower than the workers fill it)", lost);
	fputc('\n', err);
	xdpdk_capture_stop(c);
	xdpdk_prog_free(filter);
	free(buf);
	return CLI_OK;
}
