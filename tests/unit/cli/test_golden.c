/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The pieces of `xdpdk prog test` that need no program: the header-field
 * decoder (cli/pkt_fields.c) on the bundled pcaps, and the golden file
 * parsers (cli/golden_files.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pcap_compat.h"
#include "golden.h"
#include "pkt_fields.h"

struct fixture {
	uint8_t pkt[16384];
	uint32_t len;
	struct cli_pkt_layout l;
	char path[256];
};

/* Packet @p n (from 1) of pcaps/@p name, decoded. */
static void
load(struct fixture *fx, const char *name, int n)
{
	const char *dir = getenv("XDPDK_PCAPS_DIR");
	char err[PCAP_ERRBUF_SIZE], path[512];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *pc;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "pcaps", name);
	pc = pcap_open_offline(path, err);
	assert_non_null(pc);
	for (int i = 0; i < n; i++)
		assert_int_equal(pcap_next_ex(pc, &h, &d), 1);
	assert_true(h->caplen <= sizeof(fx->pkt));
	memcpy(fx->pkt, d, h->caplen);
	fx->len = h->caplen;
	pcap_close(pc);
	cli_pkt_decode(fx->pkt, fx->len, 0, &fx->l);
}

/* The field at @p off is @p name and reads @p value. */
static void
field_is(struct fixture *fx, uint32_t off, const char *name, const char *value)
{
	const struct cli_pkt_field *f = cli_pkt_field_at(&fx->l, off);
	char buf[128];

	assert_non_null(f);
	assert_string_equal(f->name, name);
	if (value != NULL) {
		cli_pkt_field_fmt(f, fx->pkt, fx->len, buf, sizeof(buf));
		assert_string_equal(buf, value);
	}
}

static int
setup(void **state)
{
	*state = calloc(1, sizeof(struct fixture));
	return *state ? 0 : -1;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	if (fx->path[0])
		unlink(fx->path);
	free(fx);
	return 0;
}

static void
test_pkt_fields_qinq_names_both_tags(void **state)
{
	struct fixture *fx = *state;

	load(fx, "qinq_udp.pcap", 1);
	assert_string_equal(fx->l.layers, "eth/vlan/vlan/ipv4/udp");
	field_is(fx, 12, "eth.type", "0x88a8");
	field_is(fx, 15, "vlan.tci", "0x00c8");
	field_is(fx, 18, "vlan[1].tci", "0x0064");
	field_is(fx, 22 + 12, "ipv4.saddr", "10.0.0.1");
	field_is(fx, 22 + 20 + 2, "udp.dest", "5678");
	assert_null(cli_pkt_field_at(&fx->l, fx->len - 1));	/* payload */
}

static void
test_pkt_fields_gue_inner_headers(void **state)
{
	struct fixture *fx = *state;

	load(fx, "gue.pcap", 1);
	assert_string_equal(fx->l.layers, "eth/ipv4/udp/gue/ipv4/tcp");
	field_is(fx, 14 + 20 + 2, "udp.dest", "6080");
	field_is(fx, 14 + 20 + 8 + 16, "inner.ipv4.daddr", "10.0.0.2");
	field_is(fx, 14 + 20 + 8 + 20 + 13, "inner.tcp.flags", "0x02 (SYN)");
}

static void
test_pkt_fields_ipip_and_arp(void **state)
{
	struct fixture *fx = *state;

	load(fx, "ipip.pcap", 1);
	assert_string_equal(fx->l.layers, "eth/ipv4/ipv4/udp");
	field_is(fx, 14 + 9, "ipv4.protocol", "4");
	field_is(fx, 14 + 20 + 12, "inner.ipv4.saddr", "10.0.0.1");
	load(fx, "arp.pcap", 1);
	assert_string_equal(fx->l.layers, "eth/arp");
	field_is(fx, 0, "eth.dst", "ff:ff:ff:ff:ff:ff");
	field_is(fx, 14 + 6, "arp.oper", "1");
	field_is(fx, 14 + 24, "arp.tpa", "10.0.0.2");
}

static void
test_pkt_fields_icmpv6_nd_target(void **state)
{
	struct fixture *fx = *state;

	load(fx, "ipv6_icmp.pcap", 3);
	assert_string_equal(fx->l.layers, "eth/ipv6/icmpv6");
	field_is(fx, 14 + 7, "ipv6.hop_limit", "255");
	field_is(fx, 14 + 40, "icmpv6.type", "135");
	field_is(fx, 14 + 40 + 8, "icmpv6.nd.target", "fd00::2");
}

/* lb-in.pcap's ICMP frag-needed quotes a VIP flow: the quoted headers are named. */
static void
test_pkt_fields_icmp_error_quotes(void **state)
{
	struct fixture *fx = *state;
	bool v4 = false, v6 = false;

	for (int i = 1; i <= 19; i++) {
		load(fx, "lb-in.pcap", i);
		if (strcmp(fx->l.layers, "eth/ipv4/icmp/ipv4/tcp") == 0) {
			field_is(fx, 14 + 20 + 6, "icmp.mtu", NULL);
			field_is(fx, 14 + 20 + 8 + 16, "quoted.ipv4.daddr", NULL);
			v4 = true;
		}
		if (strncmp(fx->l.layers, "eth/ipv6/icmpv6/ipv6", 20) == 0) {
			field_is(fx, 14 + 40 + 4, "icmpv6.mtu", NULL);
			field_is(fx, 14 + 40 + 8 + 24, "quoted.ipv6.daddr", NULL);
			v6 = true;
		}
	}
	assert_true(v4 && v6);
}

/* Cut and odd packets decode as far as they go, never past their end. */
static void
test_pkt_fields_cut_packets_stop(void **state)
{
	struct fixture *fx = *state;

	load(fx, "truncated.pcap", 1);
	assert_string_equal(fx->l.layers, "eth/ipv4");
	field_is(fx, 14 + 8, "ipv4.ttl", NULL);
	assert_null(cli_pkt_field_at(&fx->l, 14 + 10));
	for (uint32_t i = 0; i < fx->l.n; i++)
		assert_true(fx->l.f[i].off + fx->l.f[i].len <= fx->len);
	load(fx, "ipv4_frag.pcap", 2);	/* a later fragment: no UDP header */
	assert_string_equal(fx->l.layers, "eth/ipv4");
	load(fx, "runt.pcap", 1);
	assert_true(fx->l.n <= 2);
	/* XDP metadata in front of the packet is its own field. */
	load(fx, "ipv4_udp.pcap", 1);
	memmove(fx->pkt + 8, fx->pkt, fx->len);
	cli_pkt_decode(fx->pkt, fx->len + 8, 8, &fx->l);
	assert_string_equal(fx->l.layers, "meta/eth/ipv4/udp");
	field_is(fx, 3, "meta", NULL);
	field_is(fx, 8 + 6, "eth.src", "02:00:00:00:00:0a");
}

/* Decode the first @p len bytes of @p pkt, as is and with a few bytes changed. */
static void
decode_prefix(struct cli_pkt_layout *l, const uint8_t *pkt, uint32_t len, uint32_t *seed)
{
	for (int round = 0; round < 4; round++) {
		/* Exactly @p len bytes, so that ASan catches a read past the end. */
		uint8_t *p = malloc(len ? len : 1);

		assert_non_null(p);
		memcpy(p, pkt, len);
		/* Rounds 1..3 change a few bytes (lengths, types, versions). */
		for (int k = 0; round && len && k < 3; k++) {
			*seed = *seed * 1103515245u + 12345u;
			p[(*seed >> 8) % len] = (uint8_t)(*seed >> 20);
		}
		cli_pkt_decode(p, len, 0, l);
		for (uint32_t j = 0; j < l->n; j++) {
			char buf[128];

			assert_true(l->f[j].off + l->f[j].len <= len);
			cli_pkt_field_fmt(&l->f[j], p, len, buf, sizeof(buf));
		}
		free(p);
	}
}

/* Every prefix of the packets of some pcaps (headers are in the first 256 bytes). */
static void
test_pkt_fields_never_read_past_the_end(void **state)
{
	static const struct {
		const char *name;
		int n;
	} files[] = { { "mixed.pcap", 64 }, { "lb-in.pcap", 19 }, { "router-in.pcap", 8 },
		      { "firewall-in.pcap", 14 } };
	struct fixture *fx = *state;
	uint32_t seed = 1;

	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		for (int i = 1; i <= files[f].n; i++) {
			load(fx, files[f].name, i);
			for (uint32_t len = 0; len <= fx->len && len <= 256; len++)
				decode_prefix(&fx->l, fx->pkt, len, &seed);
			if (fx->len > 256)
				decode_prefix(&fx->l, fx->pkt, fx->len, &seed);
		}
	}
}

static void
tmpfile_with(struct fixture *fx, const char *text)
{
	FILE *f;

	snprintf(fx->path, sizeof(fx->path), "/tmp/xdpdk-test-golden-%d", (int)getpid());
	f = fopen(fx->path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_golden_expect_lines(void **state)
{
	struct fixture *fx = *state;
	struct cli_golden_expect e = { 0 };

	tmpfile_with(fx, "# comment\n\npkt 2 ret XDP_TX len 60\npkt 1 error Invalid argument\n"
			 "pkt 4 ret 1   # no length\nmap stats 01:02 none\nmap stats 0102 0a_0b\n");
	assert_int_equal(cli_golden_expect_read(fx->path, XDPDK_PROG_TYPE_XDP, &e), 0);
	assert_int_equal(e.n_pkt, 4);
	assert_int_equal(e.n_pkt_lines, 3);
	assert_int_equal(e.pkt[0].kind, CLI_GOLDEN_ERROR);
	assert_string_equal(e.pkt[0].error, "Invalid argument");
	assert_int_equal(e.pkt[1].kind, CLI_GOLDEN_RET);
	assert_int_equal(e.pkt[1].retval, 3);
	assert_true(e.pkt[1].has_len && e.pkt[1].len == 60);
	assert_int_equal(e.pkt[1].lineno, 3);
	assert_int_equal(e.pkt[2].kind, CLI_GOLDEN_NONE);
	assert_false(e.pkt[3].has_len);
	assert_int_equal(e.n_map, 2);
	assert_true(e.map[0].none && e.map[0].klen == 2);
	assert_false(e.map[1].none);
	assert_int_equal(e.map[1].vlen, 2);
	assert_int_equal(e.map[1].val[1], 0x0b);
	/* The same file again (--expect-verdicts and --expect-maps) adds nothing. */
	assert_int_equal(cli_golden_expect_read(fx->path, XDPDK_PROG_TYPE_XDP, &e), 0);
	assert_int_equal(e.n_map, 2);
	cli_golden_expect_free(&e);
}

static void
test_golden_expect_refuses_bad_lines(void **state)
{
	struct fixture *fx = *state;
	static const char *const bad[] = {
		"pkt 1 ret 2\npkt 1 ret 3\n",	/* two lines for packet 1 */
		"pkt 0 ret 2\n", "pkt 1 ret XDP_MAYBE\n", "pkt 1 ret 2 len\n",
		"map m 0g 00\n", "map m 00\n", "frob\n",
		"pkt 1 ret TC_ACT_SHOT\n",	/* not an XDP verdict */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cli_golden_expect e = { 0 };

		tmpfile_with(fx, bad[i]);
		assert_int_equal(cli_golden_expect_read(fx->path, XDPDK_PROG_TYPE_XDP, &e), -1);
		cli_golden_expect_free(&e);
	}
}

static void
test_golden_verdict_names(void **state)
{
	uint32_t r;

	(void)state;
	assert_int_equal(cli_golden_verdict_parse("TC_ACT_SHOT", XDPDK_PROG_TYPE_TC, &r), 0);
	assert_int_equal(r, 2);
	assert_int_equal(cli_golden_verdict_parse("TC_ACT_UNSPEC", XDPDK_PROG_TYPE_TC, &r), 0);
	assert_int_equal(r, UINT32_MAX);
	assert_int_equal(cli_golden_verdict_parse("XDP_REDIRECT", XDPDK_PROG_TYPE_XDP, &r), 0);
	assert_int_equal(r, 4);
	assert_int_equal(cli_golden_verdict_parse("0x10", XDPDK_PROG_TYPE_XDP, &r), 0);
	assert_int_equal(r, 16);
	assert_int_not_equal(cli_golden_verdict_parse("XDP_TX", XDPDK_PROG_TYPE_TC, &r), 0);
}

static void
test_golden_seeds_lines(void **state)
{
	struct fixture *fx = *state;
	struct cli_golden_seeds sd;

	tmpfile_with(fx, "# seeds\nvip 0a000001.0050 01:00:00:00\ncheck stats 00000000\n"
			 "fib-route 0.0.0.0/0 via 203.0.113.1 dev 20  # default\n");
	assert_int_equal(cli_golden_seeds_read(fx->path, &sd), 0);
	assert_int_equal(sd.n, 2);
	assert_false(sd.v[0].check);
	assert_int_equal(sd.v[0].klen, 6);
	assert_int_equal(sd.v[0].vlen, 4);
	assert_true(sd.v[1].check);
	assert_string_equal(sd.v[1].map, "stats");
	assert_int_equal(sd.v[1].lineno, 3);
	assert_int_equal(sd.n_fib, 1);
	assert_string_equal(sd.fib[0], "fib-route 0.0.0.0/0 via 203.0.113.1 dev 20");
	cli_golden_seeds_free(&sd);
	tmpfile_with(fx, "vip 0a000001\n");	/* no value */
	assert_int_equal(cli_golden_seeds_read(fx->path, &sd), -1);
}

int
main(void)
{
	/* One scratch fixture for the group: each test loads what it reads. */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pkt_fields_qinq_names_both_tags),
		cmocka_unit_test(test_pkt_fields_gue_inner_headers),
		cmocka_unit_test(test_pkt_fields_ipip_and_arp),
		cmocka_unit_test(test_pkt_fields_icmpv6_nd_target),
		cmocka_unit_test(test_pkt_fields_icmp_error_quotes),
		cmocka_unit_test(test_pkt_fields_cut_packets_stop),
		cmocka_unit_test(test_pkt_fields_never_read_past_the_end),
		cmocka_unit_test(test_golden_expect_lines),
		cmocka_unit_test(test_golden_expect_refuses_bad_lines),
		cmocka_unit_test(test_golden_verdict_names),
		cmocka_unit_test(test_golden_seeds_lines),
	};

	return cmocka_run_group_tests_name("cli_golden", tests, setup, teardown);
}
