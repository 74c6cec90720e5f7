/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * replay/: the capture reader (pcap, pcapng, bad input), --vary parsing,
 * the pacer's accuracy and loops into net_null, varied copies with valid
 * checksums through net_ring. Captures are written into a temporary
 * directory here (libpcap's dumper; pcapng by hand: libpcap only reads it).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include <xdpdk/dataplane.h>
#include <xdpdk/replay.h>

static char dir[64];
static int null_ifx, ring_ifx;

/* An Ethernet/IPv4/UDP packet of @p len bytes (>= 42) with valid checksums. */
static uint32_t
make_udp(uint8_t *p, uint32_t len, uint16_t sport)
{
	struct rte_ipv4_hdr *ip = (void *)(p + 14);
	struct rte_udp_hdr *udp = (void *)(p + 34);

	memset(p, 0, len);
	memcpy(p, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00", 14);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(len - 14));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(0x0a000001);
	ip->dst_addr = rte_cpu_to_be_32(0x0a000002);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16(sport);
	udp->dst_port = rte_cpu_to_be_16(2000);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(len - 34));
	for (uint32_t i = 42; i < len; i++)
		p[i] = (uint8_t)i;
	udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	return len;
}

/* A pcap of @p n UDP packets of sizes len[i] (1 ms apart) with link type @p dlt. */
static void
write_pcap(const char *path, int dlt, uint32_t n, const uint32_t *len)
{
	pcap_t *dead = pcap_open_dead(dlt, 65535);
	pcap_dumper_t *d = pcap_dump_open(dead, path);
	uint8_t buf[9000];

	assert_non_null(d);
	for (uint32_t i = 0; i < n; i++) {
		struct pcap_pkthdr h = { .ts = { .tv_sec = 1, .tv_usec = (suseconds_t)(i * 1000) },
					 .caplen = len[i], .len = len[i] };

		make_udp(buf, len[i], (uint16_t)(1000 + i));
		pcap_dump((u_char *)d, &h, buf);
	}
	pcap_dump_close(d);
	pcap_close(dead);
}

static void
put32(FILE *f, uint32_t v)
{
	fwrite(&v, 4, 1, f);
}

/* The same as pcapng: section header, one Ethernet interface, enhanced packet blocks. */
static void
write_pcapng(const char *path, uint32_t n, uint32_t len)
{
	FILE *f = fopen(path, "wb");
	uint8_t buf[2048];

	assert_non_null(f);
	put32(f, 0x0a0d0d0a);	/* SHB */
	put32(f, 28);
	put32(f, 0x1a2b3c4d);
	put32(f, 0x00000001);	/* version 1.0 */
	put32(f, 0xffffffff);	/* section length unknown */
	put32(f, 0xffffffff);
	put32(f, 28);
	put32(f, 1);		/* IDB */
	put32(f, 20);
	put32(f, 1);		/* LINKTYPE_ETHERNET, reserved 0 */
	put32(f, 65535);
	put32(f, 20);
	for (uint32_t i = 0; i < n; i++) {
		const uint32_t padded = (len + 3) & ~3u, total = 32 + padded;
		const uint64_t ts = 1000000 + i * 1000;	/* microseconds */

		put32(f, 6);	/* EPB */
		put32(f, total);
		put32(f, 0);
		put32(f, (uint32_t)(ts >> 32));
		put32(f, (uint32_t)ts);
		put32(f, len);
		put32(f, len);
		make_udp(buf, len, (uint16_t)(1000 + i));
		memset(buf + len, 0, padded - len);
		fwrite(buf, 1, padded, f);
		put32(f, total);
	}
	fclose(f);
}

static char *
tmp(const char *name)
{
	static char p[4][128];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
	return p[k];
}

static struct xdpdk_replay *
create(const struct xdpdk_replay_opts *o, struct xdpdk_replay_info *info, char *err)
{
	return xdpdk_replay_create(o, info, err, 256);
}

static struct xdpdk_replay_opts
null_opts(const char *pcap)
{
	struct xdpdk_replay_opts o = { .pcap = pcap, .rx_port = -1, .socket = SOCKET_ID_ANY };

	o.sinks[0].port_id = (uint16_t)xdpdk_dp_port_id((uint32_t)null_ifx);
	return o;
}

/* ---- the capture reader ---------------------------------------------------- */

static void
test_pcap_and_pcapng(void **state)
{
	const uint32_t len[3] = { 60, 100, 1514 };
	struct xdpdk_replay_info info;
	struct xdpdk_replay *r;
	struct xdpdk_replay_opts o = null_opts(tmp("three.pcap"));
	char err[256];

	(void)state;
	write_pcap(o.pcap, DLT_EN10MB, 3, len);
	r = create(&o, &info, err);
	assert_non_null(r);
	assert_int_equal(info.packets, 3);
	assert_int_equal(info.bytes, 60 + 100 + 1514);
	assert_false(info.truncated);
	assert_true(info.span > 0.0019 && info.span < 0.0021);
	xdpdk_replay_free(r);

	o.pcap = tmp("five.pcapng");
	write_pcapng(o.pcap, 5, 64);
	r = create(&o, &info, err);
	assert_non_null(r);
	assert_int_equal(info.packets, 5);
	assert_int_equal(info.bytes, 5 * 64);
	assert_true(info.span > 0.0039 && info.span < 0.0041);
	xdpdk_replay_free(r);
}

static void
test_bad_input(void **state)
{
	uint32_t len[6] = { 60, 1600, 100, 1600, 9000, 64 };
	struct xdpdk_replay_opts o = null_opts(tmp("big.pcap"));
	struct xdpdk_replay_info info;
	struct xdpdk_replay *r;
	char err[256] = "";
	FILE *f;
	long size;

	(void)state;
	/* Larger than the MTU: skipped and counted. */
	write_pcap(o.pcap, DLT_EN10MB, 6, len);
	o.mtu = 1500;
	r = create(&o, &info, err);
	assert_non_null(r);
	assert_int_equal(info.packets, 3);
	assert_int_equal(info.skipped_big, 3);
	xdpdk_replay_free(r);

	/* Truncated inside the last record: the whole ones before it are kept. */
	o.pcap = tmp("trunc.pcap");
	write_pcap(o.pcap, DLT_EN10MB, 3, (uint32_t[]){ 100, 100, 100 });
	f = fopen(o.pcap, "r+b");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fclose(f);
	assert_int_equal(truncate(o.pcap, size - 30), 0);
	r = create(&o, &info, err);
	assert_non_null(r);
	assert_true(info.truncated);
	assert_int_equal(info.packets, 2);
	assert_non_null(strstr(info.trunc_msg, "truncated"));
	xdpdk_replay_free(r);

	/* A link type a port cannot send. */
	o.pcap = tmp("raw.pcap");
	write_pcap(o.pcap, DLT_RAW, 1, len);
	assert_null(create(&o, &info, err));
	assert_int_equal(errno, EPROTO);
	assert_non_null(strstr(err, "link type"));

	/* Empty, and everything too large: nothing to send. */
	o.pcap = tmp("empty.pcap");
	write_pcap(o.pcap, DLT_EN10MB, 0, len);
	assert_null(create(&o, &info, err));
	assert_int_equal(errno, ENODATA);
	assert_non_null(strstr(err, "no packet"));
	o.pcap = tmp("allbig.pcap");
	write_pcap(o.pcap, DLT_EN10MB, 1, (uint32_t[]){ 1600 });
	assert_null(create(&o, &info, err));
	assert_int_equal(errno, ENODATA);

	/* Not a capture at all; no such file. */
	o.pcap = tmp("garbage.pcap");
	f = fopen(o.pcap, "w");
	fputs("this is not a capture, not even a short one\n", f);
	fclose(f);
	assert_null(create(&o, &info, err));
	assert_int_equal(errno, EPROTO);
	o.pcap = tmp("missing.pcap");
	assert_null(create(&o, &info, err));
	assert_int_equal(errno, ENOENT);
}

static void
test_vary_parse(void **state)
{
	struct xdpdk_replay_vary v;

	(void)state;
	assert_int_equal(xdpdk_replay_vary_parse("src-ip:10.0.0.1-10.0.0.254", &v), 0);
	assert_int_equal(v.field, XDPDK_REPLAY_SRC_IP);
	assert_int_equal(v.lo, 0x0a000001);
	assert_int_equal(v.hi, 0x0a0000fe);
	assert_false(v.random);
	assert_int_equal(xdpdk_replay_vary_parse("dst-port:1000-2000:rand", &v), 0);
	assert_int_equal(v.field, XDPDK_REPLAY_DST_PORT);
	assert_int_equal(v.lo, 1000);
	assert_int_equal(v.hi, 2000);
	assert_true(v.random);
	assert_int_equal(xdpdk_replay_vary_parse("src-port:53", &v), 0);
	assert_int_equal(v.lo, 53);
	assert_int_equal(v.hi, 53);
	assert_int_equal(xdpdk_replay_vary_parse("dst-port:2000-1000", &v), -EINVAL);
	assert_int_equal(xdpdk_replay_vary_parse("dst-port:70000", &v), -EINVAL);
	assert_int_equal(xdpdk_replay_vary_parse("ttl:1-2", &v), -EINVAL);
	assert_int_equal(xdpdk_replay_vary_parse("src-ip:10.0.0.1-10.0.0", &v), -EINVAL);
	assert_int_equal(xdpdk_replay_vary_parse("src-ip:10.0.0.1:sometimes", &v), -EINVAL);
}

/* ---- sending into net_null --------------------------------------------------- */

static void
test_loops(void **state)
{
	struct xdpdk_replay_opts o = null_opts(tmp("loops.pcap"));
	struct xdpdk_replay_stats st;
	struct xdpdk_replay *r;
	char err[256];

	(void)state;
	write_pcap(o.pcap, DLT_EN10MB, 3, (uint32_t[]){ 60, 70, 80 });
	o.loops = 1000;
	o.rate = XDPDK_REPLAY_TOPSPEED;
	r = create(&o, NULL, err);
	assert_non_null(r);
	assert_int_equal(xdpdk_replay_run_here(r, NULL), 0);
	xdpdk_replay_stats(r, &st);
	assert_int_equal(st.tx_packets, 3000);
	assert_int_equal(st.tx_bytes, 1000 * (60 + 70 + 80));
	/* Again, with private copies. */
	xdpdk_replay_free(r);
	o.copy = true;
	r = create(&o, NULL, err);
	assert_non_null(r);
	assert_int_equal(xdpdk_replay_run_here(r, NULL), 0);
	xdpdk_replay_stats(r, &st);
	assert_int_equal(st.tx_packets, 3000);
	xdpdk_replay_free(r);
}

/*
 * Paced runs of one 64-byte packet looped into net_null; the rate measured
 * from the TSC of the bursts that went out on time (see struct
 * xdpdk_replay_stats): preemption by the machine's other users only removes
 * bursts from the measure. A run whose on-time bursts span less than half of
 * it is measured again, up to 5 times.
 */
static double
paced_rate(enum xdpdk_replay_rate rate, double value, uint64_t loops, double expect_s,
	   const char *pcap)
{
	struct xdpdk_replay_opts o = null_opts(pcap);
	struct xdpdk_replay_stats st;
	double measured = 0;
	char err[256];

	o.rate = rate;
	o.rate_value = value;
	o.loops = loops;
	for (int attempt = 0; attempt < 5; attempt++) {
		struct xdpdk_replay *r = create(&o, NULL, err);
		double span;

		assert_non_null(r);
		assert_int_equal(xdpdk_replay_run_here(r, NULL), 0);
		xdpdk_replay_stats(r, &st);
		xdpdk_replay_free(r);
		assert_int_equal(st.tx_packets, loops * 10);
		span = (double)(st.last_tsc - st.first_tsc) / (double)st.tsc_hz;
		measured = span > 0 ? (double)st.sched_packets / span : 0;
		printf("# attempt %d: %.1f pps over %.4f s on time of %.4f s; first burst %.1f us "
		       "late, last %.1f us\n", attempt, measured, span, st.seconds,
		       (double)st.first_late * 1e6 / (double)st.tsc_hz,
		       (double)st.last_late * 1e6 / (double)st.tsc_hz);
		if (span > expect_s / 2)
			break;
	}
	return measured;
}

/* 100k packets at 1 Mpps: within 2%. */
static void
test_pacing(void **state)
{
	const char *pcap = tmp("pace.pcap");
	double rate;

	(void)state;
	write_pcap(pcap, DLT_EN10MB, 10, (uint32_t[]){ 64, 64, 64, 64, 64, 64, 64, 64, 64, 64 });
	rate = paced_rate(XDPDK_REPLAY_PPS, 1e6, 10000, 0.1, pcap);
	assert_true(rate > 0.98e6 && rate < 1.02e6);
}

/* Multiplier 10 over a 1 ms-spaced capture: 100 us apart, 10 kpps. */
static void
test_multiplier(void **state)
{
	const char *pcap = tmp("mult.pcap");
	double rate;

	(void)state;
	write_pcap(pcap, DLT_EN10MB, 10, (uint32_t[]){ 64, 64, 64, 64, 64, 64, 64, 64, 64, 64 });
	rate = paced_rate(XDPDK_REPLAY_MULTIPLIER, 10, 50, 0.05, pcap);
	assert_true(rate > 0.98e4 && rate < 1.02e4);
}

/* ---- varied copies through net_ring ---------------------------------------- */

static void
test_vary_checksums(void **state)
{
	struct xdpdk_replay_opts o = null_opts(tmp("vary.pcap"));
	const uint16_t ring = (uint16_t)xdpdk_dp_port_id((uint32_t)ring_ifx);
	struct rte_mbuf *m[32];
	struct xdpdk_replay *r;
	uint32_t seen_src = 0, got = 0;
	char err[256];

	(void)state;
	write_pcap(o.pcap, DLT_EN10MB, 1, (uint32_t[]){ 100 });
	o.sinks[0].port_id = ring;
	o.loops = 64;
	o.rate = XDPDK_REPLAY_TOPSPEED;
	o.latency = true;
	o.n_vary = 2;
	assert_int_equal(xdpdk_replay_vary_parse("src-ip:10.1.0.0-10.1.0.3", &o.vary[0]), 0);
	assert_int_equal(xdpdk_replay_vary_parse("dst-port:5000-5999:rand", &o.vary[1]), 0);
	r = create(&o, NULL, err);
	assert_non_null(r);
	assert_int_equal(xdpdk_replay_run_here(r, NULL), 0);
	for (int round = 0; round < 4; round++) {
		const uint16_t n = rte_eth_rx_burst(ring, 0, m, 32);

		for (uint16_t i = 0; i < n; i++) {
			const uint8_t *p = rte_pktmbuf_mtod(m[i], const uint8_t *);
			const struct rte_ipv4_hdr *ip = (const void *)(p + 14);
			const struct rte_udp_hdr *udp = (const void *)(p + 34);
			const uint32_t src = rte_be_to_cpu_32(ip->src_addr);
			const uint16_t dport = rte_be_to_cpu_16(udp->dst_port);
			uint64_t magic;

			assert_int_equal(rte_ipv4_cksum(ip), 0);
			assert_int_equal(rte_ipv4_udptcp_cksum_verify(ip, udp), 0);
			assert_true(src >= 0x0a010000 && src <= 0x0a010003);
			assert_int_equal(src, 0x0a010000 + (got % 4));
			assert_true(dport >= 5000 && dport <= 5999);
			memcpy(&magic, p + 100 - 16, 8);
			assert_int_equal(magic, 0x74616c6b64706478ull);
			seen_src |= 1u << (src & 3);
			got++;
		}
		rte_pktmbuf_free_bulk(m, n);
	}
	assert_int_equal(got, 64);
	assert_int_equal(seen_src, 0xf);
	xdpdk_replay_free(r);
}

static int
setup(void **state)
{
	struct xdpdk_dp_opts dpo = { .no_telemetry = true };
	struct xdpdk_port_opts po = { .devargs = "net_null_replay0", .no_poll = true };

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/xdpdk-replay-test.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	/* Built twice: with hugepages when some are free, and without (REPLAY_NO_HUGE). */
#ifdef REPLAY_NO_HUGE
	const bool no_huge = true;
#else
	const bool no_huge = false;
#endif

	if (xdpdk_eal_init_dataplane("test_replay", "0", no_huge, 0, NULL) != 0 ||
	    xdpdk_dp_init(&dpo) != 0)
		return -1;
	null_ifx = xdpdk_dp_port_add(&po);
	po.devargs = "net_ring_replay0";
	ring_ifx = xdpdk_dp_port_add(&po);
	if (null_ifx < 0 || ring_ifx < 0)
		return -1;
	return xdpdk_dp_start();
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	xdpdk_dp_stop();
	xdpdk_dp_fini();
	xdpdk_eal_cleanup_tool();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcap_and_pcapng),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_vary_parse),
		cmocka_unit_test(test_loops),
		cmocka_unit_test(test_pacing),
		cmocka_unit_test(test_multiplier),
		cmocka_unit_test(test_vary_checksums),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
