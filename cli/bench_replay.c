/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdpdk bench replay: top-speed replay on one TX lcore into net_null, beside
 * DPDK's own way of replaying from memory, net_pcap's infinite_rx, forwarded
 * by a bare rx/tx loop into net_null on the same lcore, in the same run.
 * Rounds alternate and the best of each is kept (other processes on the
 * machine only ever take packets away). Private copies (what --vary and
 * --latency send) are measured too. scripts/bench_replay.sh adds tcpreplay
 * through a veth.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include <xdpdk/dataplane.h>
#include <xdpdk/replay.h>

#include "pcap_compat.h"
#include "cli.h"

#define ROUNDS 2

struct bench_replay_cfg {
	const char *pcap;
	unsigned long long packets;
	unsigned long long size;
	double seconds;
	bool json;
	bool no_huge;
};

static const struct xdpdk_opt bench_replay_opts[] = {
	{ "pcap", 'r', XDPDK_OPT_STRING, offsetof(struct bench_replay_cfg, pcap), "FILE",
	  "the capture (default: --packets UDP packets of --size bytes, made here)" },
	{ "packets", 'n', XDPDK_OPT_UINT, offsetof(struct bench_replay_cfg, packets), "N",
	  "packets in the made capture (default 64)" },
	{ "size", 0, XDPDK_OPT_UINT, offsetof(struct bench_replay_cfg, size), "BYTES",
	  "their frame size (default 64)" },
	{ "seconds", 't', XDPDK_OPT_DOUBLE, offsetof(struct bench_replay_cfg, seconds), "S",
	  "measured time, split over the rounds of both (default 4)" },
	{ "json", 'j', XDPDK_OPT_FLAG, offsetof(struct bench_replay_cfg, json), NULL, "JSON output" },
	{ "no-huge", 0, XDPDK_OPT_FLAG, offsetof(struct bench_replay_cfg, no_huge), NULL,
	  "run DPDK without hugepages" },
	XDPDK_OPT_END,
};

/* UDP packets with distinct source ports, as a pcap at @p path. */
static int
make_pcap(const char *path, uint32_t n, uint32_t size)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d = dead != NULL ? pcap_dump_open(dead, path) : NULL;
	uint8_t p[2048] = { 0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
			    0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2 };

	if (d == NULL) {
		if (dead != NULL)
			pcap_close(dead);
		return -EIO;
	}
	p[16] = (uint8_t)((size - 14) >> 8);
	p[17] = (uint8_t)(size - 14);
	for (uint32_t i = 0; i < n; i++) {
		struct pcap_pkthdr h = { .ts = { .tv_sec = 1, .tv_usec = (suseconds_t)i },
					 .caplen = size, .len = size };

		p[34] = (uint8_t)(i >> 8);	/* UDP source port */
		p[35] = (uint8_t)i;
		p[36] = 0x07;
		p[37] = 0xd0;
		p[38] = (uint8_t)((size - 34) >> 8);
		p[39] = (uint8_t)(size - 34);
		pcap_dump((u_char *)d, &h, p);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	return 0;
}

/* ---- net_pcap infinite_rx → net_null, a bare loop -------------------------- */

static struct {
	uint16_t in, out;
	volatile bool stop;
	uint64_t pkts;
} fwd;

static int
fwd_main(void *arg)
{
	struct rte_mbuf *m[XDPDK_REPLAY_BURST];

	(void)arg;
	while (!fwd.stop) {
		const uint16_t n = rte_eth_rx_burst(fwd.in, 0, m, XDPDK_REPLAY_BURST);
		uint16_t k;

		if (n == 0)
			continue;
		k = rte_eth_tx_burst(fwd.out, 0, m, n);
		if (k < n)
			rte_pktmbuf_free_bulk(m + k, n - k);
		__atomic_store_n(&fwd.pkts, fwd.pkts + k, __ATOMIC_RELAXED);
	}
	return 0;
}

/* Packets per second over @p s, after a warm-up: the bare loop, on @p lcore. */
static double
fwd_round(unsigned int lcore, double s)
{
	uint64_t p0, t0, p1, t1;

	fwd.stop = false;
	fwd.pkts = 0;
	rte_eal_remote_launch(fwd_main, NULL, lcore);
	usleep(100 * 1000);
	p0 = __atomic_load_n(&fwd.pkts, __ATOMIC_RELAXED);
	t0 = rte_rdtsc();
	usleep((useconds_t)(s * 1e6));
	p1 = __atomic_load_n(&fwd.pkts, __ATOMIC_RELAXED);
	t1 = rte_rdtsc();
	fwd.stop = true;
	rte_eal_wait_lcore(lcore);
	return (double)(p1 - p0) * (double)rte_get_tsc_hz() / (double)(t1 - t0);
}

/* The same for xdpdk's replay: top speed, looping, over @p s after a warm-up. */
static double
replay_round(const struct xdpdk_replay_opts *o, double s, char *err, size_t err_size)
{
	struct xdpdk_replay *r = xdpdk_replay_create(o, NULL, err, err_size);
	struct xdpdk_replay_stats a, b;
	double pps;

	if (r == NULL || xdpdk_replay_start(r) != 0) {
		xdpdk_replay_free(r);
		return -1;
	}
	usleep(100 * 1000);
	xdpdk_replay_stats(r, &a);
	usleep((useconds_t)(s * 1e6));
	xdpdk_replay_stats(r, &b);
	xdpdk_replay_stop(r, 0);
	pps = (double)(b.tx_packets - a.tx_packets) / (b.seconds - a.seconds);
	xdpdk_replay_free(r);
	return pps;
}

static int
bench_run(const char *path, const struct bench_replay_cfg *cfg, const char *pcap,
	  double *x_best, double *c_best, double *p_best)
{
	const unsigned int lcore = rte_get_next_lcore(rte_get_main_lcore(), 1, 0);
	const unsigned int main_lcore = rte_get_main_lcore();
	struct xdpdk_dp_opts dpo = { .n_workers = 1, .lcores = &main_lcore, .no_telemetry = true };
	struct xdpdk_port_opts po = { .devargs = "net_null_rpb0", .no_poll = true, .n_txq = 1 };
	struct xdpdk_replay_opts o = { .pcap = pcap, .rate = XDPDK_REPLAY_TOPSPEED,
				       .forever = true, .n_cores = 1, .rx_port = -1,
				       .socket = SOCKET_ID_ANY };
	char devargs[PATH_MAX + 64], err[512] = "";
	int ret, tx, in, out;

	ret = xdpdk_dp_init(&dpo);
	if (ret != 0)
		return ret;
	tx = xdpdk_dp_port_add(&po);
	snprintf(devargs, sizeof(devargs), "net_pcap_rpb0,rx_pcap=%s,infinite_rx=1", pcap);
	po.devargs = devargs;
	in = xdpdk_dp_port_add(&po);
	po.devargs = "net_null_rpb1";
	out = xdpdk_dp_port_add(&po);
	if (tx < 0 || in < 0 || out < 0) {
		cli_err(path, "cannot add the ports: %s", strerror(-(tx < 0 ? tx : in < 0 ? in : out)));
		return -ENODEV;
	}
	o.tx_lcores[0] = lcore;
	o.sinks[0].port_id = (uint16_t)xdpdk_dp_port_id((uint32_t)tx);
	fwd.in = (uint16_t)xdpdk_dp_port_id((uint32_t)in);
	fwd.out = (uint16_t)xdpdk_dp_port_id((uint32_t)out);
	ret = xdpdk_dp_start();
	for (int round = 0; ret == 0 && round < ROUNDS; round++) {
		const double s = cfg->seconds / (2 * ROUNDS);
		struct xdpdk_replay_opts copies = o;
		const double x = replay_round(&o, s, err, sizeof(err));
		const double p = fwd_round(lcore, s);
		double c;

		copies.copy = true;
		c = replay_round(&copies, s / 2, err, sizeof(err));
		if (x < 0 || c < 0) {
			cli_err(path, "%s", err[0] ? err : "cannot start the replay");
			ret = -EINVAL;
			break;
		}
		*x_best = RTE_MAX(*x_best, x);
		*c_best = RTE_MAX(*c_best, c);
		*p_best = RTE_MAX(*p_best, p);
	}
	xdpdk_dp_stop();
	xdpdk_dp_fini();
	return ret;
}

int
cli_bench_replay(const char *path, int argc, char **argv)
{
	struct bench_replay_cfg cfg = { .packets = 64, .size = 64, .seconds = 4 };
	char tmpl[] = "/tmp/xdpdk-bench-replay.XXXXXX", file[sizeof(tmpl) + 16];
	const unsigned int lcores[1] = { 1 };
	double x = 0, c = 0, p = 0;
	bool done, made = false;
	int rc = cli_parse(path, "Top-speed replay on one lcore into net_null, beside net_pcap's "
			   "infinite_rx forwarded into net_null by a bare loop.",
			   bench_replay_opts, argc, argv, &cfg, &done);

	if (done)
		return rc;
	if (cfg.packets == 0 || cfg.packets > 65536 || cfg.size < 60 || cfg.size > 1514 ||
	    cfg.seconds <= 0) {
		cli_err(path, "--packets 1..65536, --size 60..1514, --seconds > 0");
		return CLI_USAGE;
	}
	if (cfg.pcap == NULL) {
		if (mkdtemp(tmpl) == NULL) {
			cli_err(path, "cannot make a temporary directory: %s", strerror(errno));
			return CLI_FAIL;
		}
		snprintf(file, sizeof(file), "%s/in.pcap", tmpl);
		if (make_pcap(file, (uint32_t)cfg.packets, (uint32_t)cfg.size) != 0) {
			cli_err(path, "cannot write %s", file);
			rmdir(tmpl);
			return CLI_FAIL;
		}
		cfg.pcap = file;
		made = true;
	}
	rc = cli_eal_lcores(path, lcores, 1, cfg.no_huge, 0, NULL) != 0 ? CLI_FAIL : CLI_OK;
	if (rc == CLI_OK && bench_run(path, &cfg, cfg.pcap, &x, &c, &p) != 0)
		rc = CLI_FAIL;
	if (rc == CLI_OK && cfg.json) {
		printf("{\"replay_pps\": %.0f, \"replay_copies_pps\": %.0f, "
		       "\"net_pcap_infinite_rx_pps\": %.0f, \"ratio\": %.3f, \"pcap\": ",
		       x, c, p, p > 0 ? x / p : 0);
		cli_json_str(stdout, made ? "generated" : cfg.pcap);
		printf("}\n");
	} else if (rc == CLI_OK)
		printf("xdpdk replay --topspeed, 1 lcore   %8.3f Mpps (templates by reference)\n"
		       "  the same with private copies     %8.3f Mpps\n"
		       "net_pcap infinite_rx → net_null   %8.3f Mpps\n"
		       "ratio                              %8.3f\n", x / 1e6, c / 1e6, p / 1e6,
		       p > 0 ? x / p : 0);
	xdpdk_eal_cleanup_tool();
	if (made) {
		unlink(file);
		rmdir(tmpl);
	}
	return rc;
}
