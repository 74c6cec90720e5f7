/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdpdk replay: replay a pcap at line rate into a DPDK port and measure what
 * comes back; and its in-process form, `xdpdk run -c FILE --replay PCAP`,
 * which injects into a running configuration's port (cli_replay_in_process).
 * EAL and the ports come from the dataplane's start-up; the sending, pacing
 * and receiving from replay/.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_ring.h>

#include <xdpdk/dataplane.h>
#include <xdpdk/replay.h>

#include "cli.h"

struct replay_cfg {
	const char *pcap;
	const char *port;
	bool topspeed;
	double pps, mbps, multiplier;
	unsigned long long loops;
	double duration;
	unsigned long long cores;
	const char *rx_port;
	const char *capture_out;
	bool latency;
	const char *vary;
	bool json;
	bool no_huge;
};

static const struct xdpdk_opt replay_opts[] = {
	{ "pcap", 'r', XDPDK_OPT_STRING, offsetof(struct replay_cfg, pcap), "FILE",
	  "the capture to send (pcap or pcapng, Ethernet)", NULL, true },
	{ "port", 'P', XDPDK_OPT_STRING, offsetof(struct replay_cfg, port), "DEVSPEC",
	  "the port to send into: a vdev's devargs (\"net_null0\", \"net_ring0\", "
	  "\"net_pcap0,tx_pcap=out.pcap\", \"net_af_packet0,iface=eth1\")", NULL, true },
	{ "topspeed", 0, XDPDK_OPT_FLAG, offsetof(struct replay_cfg, topspeed), NULL,
	  "as fast as the port takes them" },
	{ "pps", 0, XDPDK_OPT_DOUBLE, offsetof(struct replay_cfg, pps), "N",
	  "packets per second (all cores together)" },
	{ "mbps", 0, XDPDK_OPT_DOUBLE, offsetof(struct replay_cfg, mbps), "N",
	  "megabits per second of frame bytes (as captured, no preamble or FCS)" },
	{ "multiplier", 'x', XDPDK_OPT_DOUBLE, offsetof(struct replay_cfg, multiplier), "X",
	  "the capture's own timing sped up X times (the default: X = 1)" },
	{ "loop", 'l', XDPDK_OPT_UINT, offsetof(struct replay_cfg, loops), "N",
	  "send the capture N times (default 1; 0 with --duration: until then)" },
	{ "duration", 'd', XDPDK_OPT_DOUBLE, offsetof(struct replay_cfg, duration), "S",
	  "stop after S seconds (looping until then unless --loop is given)" },
	{ "cores", 'c', XDPDK_OPT_UINT, offsetof(struct replay_cfg, cores), "N",
	  "TX lcores, one TX queue each (default 1)" },
	{ "rx-port", 0, XDPDK_OPT_STRING, offsetof(struct replay_cfg, rx_port), "DEVSPEC",
	  "receive here: count, capture, latency (may be --port itself, e.g. net_ring0)" },
	{ "capture-out", 'w', XDPDK_OPT_STRING, offsetof(struct replay_cfg, capture_out), "FILE",
	  "write what --rx-port receives to this pcap (nanosecond timestamps)" },
	{ "latency", 0, XDPDK_OPT_FLAG, offsetof(struct replay_cfg, latency), NULL,
	  "stamp TSC + magic into each payload; --rx-port reports min/avg/p50/p99/max" },
	{ "vary", 0, XDPDK_OPT_STRING, offsetof(struct replay_cfg, vary), "FIELD:LO-HI[:rand],...",
	  "vary src-ip, dst-ip (IPv4), src-port, dst-port (UDP/TCP) over a range per packet, "
	  "incrementing or random; checksums are fixed" },
	{ "json", 'j', XDPDK_OPT_FLAG, offsetof(struct replay_cfg, json), NULL, "JSON output" },
	{ "no-huge", 0, XDPDK_OPT_FLAG, offsetof(struct replay_cfg, no_huge), NULL,
	  "run DPDK without hugepages" },
	XDPDK_OPT_END,
};

/* --loop not given: once, or until --duration. */
#define LOOPS_UNSET ULLONG_MAX

static volatile sig_atomic_t replay_stop;

static void
on_signal(int sig)
{
	(void)sig;
	replay_stop = 1;
}

/* The rate option given (at most one); -1 when several. */
static int
rate_of(const struct replay_cfg *cfg, struct xdpdk_replay_opts *o)
{
	int n = 0;

	o->rate = XDPDK_REPLAY_MULTIPLIER;
	o->rate_value = 1.0;
	if (cfg->topspeed) {
		o->rate = XDPDK_REPLAY_TOPSPEED;
		n++;
	}
	if (cfg->pps != 0) {
		o->rate = XDPDK_REPLAY_PPS;
		o->rate_value = cfg->pps;
		n++;
	}
	if (cfg->mbps != 0) {
		o->rate = XDPDK_REPLAY_MBPS;
		o->rate_value = cfg->mbps;
		n++;
	}
	if (cfg->multiplier != 0) {
		o->rate = XDPDK_REPLAY_MULTIPLIER;
		o->rate_value = cfg->multiplier;
		n++;
	}
	return n > 1 || o->rate_value <= 0 ? -1 : 0;
}

static int
parse_vary(const char *path, const char *text, struct xdpdk_replay_opts *o)
{
	char *s = strdup(text), *save = NULL;
	int ret = 0;

	if (s == NULL)
		return -ENOMEM;
	for (char *v = strtok_r(s, ",", &save); v != NULL; v = strtok_r(NULL, ",", &save)) {
		if (o->n_vary == XDPDK_REPLAY_MAX_VARY ||
		    xdpdk_replay_vary_parse(v, &o->vary[o->n_vary]) != 0) {
			cli_err(path, "--vary: '%s' is not FIELD:LO-HI[:rand|:inc] (FIELD src-ip, "
				"dst-ip, src-port, dst-port; at most %d)", v, XDPDK_REPLAY_MAX_VARY);
			ret = -EINVAL;
			break;
		}
		o->n_vary++;
	}
	free(s);
	return ret;
}

/* The device name of a DEVSPEC: "net_ring0,..." → "net_ring0". */
static bool
same_device(const char *a, const char *b)
{
	const size_t la = strcspn(a, ","), lb = strcspn(b, ",");

	return la == lb && strncmp(a, b, la) == 0;
}

static void
print_warnings(const char *path, const struct xdpdk_replay_info *in, uint16_t mtu, bool latency)
{
	if (in->truncated)
		cli_err(path, "warning: the capture is truncated (%s): replaying the %" PRIu64
			" whole packets before it", in->trunc_msg, in->packets);
	if (in->skipped_big)
		cli_err(path, "warning: skipped %" PRIu64 " packet%s larger than the MTU %u",
			in->skipped_big, in->skipped_big == 1 ? "" : "s", mtu);
	if (in->skipped_short)
		cli_err(path, "warning: skipped %" PRIu64 " packet%s shorter than an Ethernet "
			"header", in->skipped_short, in->skipped_short == 1 ? "" : "s");
	if (in->snapped)
		cli_err(path, "warning: %" PRIu64 " packet%s captured shorter than on the wire "
			"(snap length): sent as captured", in->snapped, in->snapped == 1 ? "" : "s");
	if (latency && in->unstampable)
		cli_err(path, "warning: %" PRIu64 " packet%s too short for a latency stamp "
			"(16 payload bytes): sent unstamped", in->unstampable,
			in->unstampable == 1 ? "" : "s");
}

static void
print_progress(const struct xdpdk_replay_stats *st, double duration)
{
	const double pps = st->seconds > 0 ? (double)st->tx_packets / st->seconds : 0;
	double eta = -1;

	fprintf(stderr, "\r  %" PRIu64 " packets  %.3f Mpps  %.1f s", st->tx_packets, pps / 1e6,
		st->seconds);
	if (st->total != UINT64_MAX && pps > 0)
		eta = (double)(st->total - st->tx_packets) / pps;
	if (duration > 0 && (eta < 0 || duration - st->seconds < eta))
		eta = RTE_MAX(duration - st->seconds, 0.0);
	if (eta >= 0)
		fprintf(stderr, "  ETA %.1f s", eta);
	fprintf(stderr, "   ");
}

static void
print_summary(const struct xdpdk_replay_stats *st, const struct xdpdk_replay_info *in,
	      bool rx, bool latency, bool json)
{
	const double s = st->seconds > 0 ? st->seconds : 0;
	const double pps = s > 0 ? (double)st->tx_packets / s : 0;
	const double bps = s > 0 ? (double)st->tx_bytes * 8 / s : 0;
	const bool lat = latency && st->rx_stamped > 0;

	if (json) {
		printf("{\"tx_packets\": %" PRIu64 ", \"tx_bytes\": %" PRIu64 ", \"tx_pps\": %.1f, "
		       "\"tx_bps\": %.1f, \"seconds\": %.6f, \"pcap_packets\": %" PRIu64
		       ", \"skipped\": %" PRIu64 ", \"tx_retries\": %" PRIu64,
		       st->tx_packets, st->tx_bytes, pps, bps, s, in->packets,
		       in->skipped_big + in->skipped_short, st->tx_retries);
		if (rx)
			printf(", \"rx_packets\": %" PRIu64 ", \"rx_bytes\": %" PRIu64
			       ", \"lost\": %" PRId64,
			       st->rx_packets, st->rx_bytes,
			       (int64_t)st->tx_packets - (int64_t)st->rx_packets);
		else
			printf(", \"rx_packets\": null, \"lost\": null");
		if (lat)
			printf(", \"latency_samples\": %" PRIu64 ", \"latency_min_ns\": %.1f, "
			       "\"latency_avg_ns\": %.1f, \"latency_p50_ns\": %.1f, "
			       "\"latency_p99_ns\": %.1f, \"latency_max_ns\": %.1f",
			       st->rx_stamped, st->lat_min, st->lat_avg, st->lat_p50, st->lat_p99,
			       st->lat_max);
		printf("}\n");
		return;
	}
	printf("sent %" PRIu64 " packets, %" PRIu64 " bytes in %.3f s: %.3f Mpps, %.3f Gbit/s\n",
	       st->tx_packets, st->tx_bytes, s, pps / 1e6, bps / 1e9);
	if (rx)
		printf("received %" PRIu64 " packets, %" PRIu64 " bytes; lost %" PRId64 "\n",
		       st->rx_packets, st->rx_bytes,
		       (int64_t)st->tx_packets - (int64_t)st->rx_packets);
	if (lat)
		printf("latency over %" PRIu64 " packets (ns): min %.0f  avg %.0f  p50 %.0f  "
		       "p99 %.0f  max %.0f\n",
		       st->rx_stamped, st->lat_min, st->lat_avg, st->lat_p50, st->lat_p99,
		       st->lat_max);
	else if (latency)
		printf("latency: no stamped packet came back\n");
}

/* Ports through the dataplane's port set-up; fills the sinks and the receive side. */
static int
add_ports(const char *path, const struct replay_cfg *cfg, struct xdpdk_replay_opts *o,
	  uint16_t *mtu)
{
	const bool same = cfg->rx_port != NULL && same_device(cfg->port, cfg->rx_port);
	struct xdpdk_port_opts po = { .devargs = cfg->port, .n_txq = (uint16_t)o->n_cores,
				      .n_rxq = same ? (uint16_t)o->n_cores : 1, .no_poll = true };
	int tx, rx, ret;

	tx = xdpdk_dp_port_add(&po);
	if (tx < 0) {
		cli_err(path, "--port %s: %s", cfg->port, strerror(-tx));
		return tx;
	}
	ret = rte_eth_dev_get_mtu((uint16_t)xdpdk_dp_port_id((uint32_t)tx), mtu);
	if (ret != 0)
		*mtu = 0;
	for (uint32_t i = 0; i < o->n_cores; i++)
		o->sinks[i] = (struct xdpdk_replay_sink){
			.port_id = (uint16_t)xdpdk_dp_port_id((uint32_t)tx), .queue = (uint16_t)i };
	o->rx_port = -1;
	if (cfg->rx_port == NULL)
		return 0;
	rx = tx;
	o->rx_queues = po.n_rxq;
	if (!same) {
		struct xdpdk_port_opts ro = { .devargs = cfg->rx_port, .no_poll = true };

		rx = xdpdk_dp_port_add(&ro);
		if (rx < 0) {
			cli_err(path, "--rx-port %s: %s", cfg->rx_port, strerror(-rx));
			return rx;
		}
		o->rx_queues = 1;
	}
	o->rx_port = xdpdk_dp_port_id((uint32_t)rx);
	return 0;
}

static int
check_cfg(const char *path, const struct replay_cfg *cfg, struct xdpdk_replay_opts *o)
{
	if (rate_of(cfg, o) != 0) {
		cli_err(path, "one of --topspeed, --pps N, --mbps N, --multiplier X (> 0)");
		return CLI_USAGE;
	}
	if (cfg->cores == 0 || cfg->cores > XDPDK_REPLAY_MAX_CORES || cfg->duration < 0) {
		cli_err(path, "--cores 1..%d, --duration >= 0", XDPDK_REPLAY_MAX_CORES);
		return CLI_USAGE;
	}
	if ((cfg->capture_out != NULL || cfg->latency) && cfg->rx_port == NULL) {
		cli_err(path, "--capture-out and --latency need --rx-port");
		return CLI_USAGE;
	}
	o->pcap = cfg->pcap;
	o->n_cores = (uint32_t)cfg->cores;
	o->duration = cfg->duration;
	/* --duration alone loops until then; --loop 0 until then or a signal. */
	o->forever = cfg->loops == LOOPS_UNSET ? cfg->duration > 0 : cfg->loops == 0;
	o->loops = cfg->loops == LOOPS_UNSET || cfg->loops == 0 ? 1 : cfg->loops;
	o->latency = cfg->latency;
	o->capture_out = cfg->capture_out;
	o->socket = SOCKET_ID_ANY;
	if (cfg->vary != NULL && parse_vary(path, cfg->vary, o) != 0)
		return CLI_USAGE;
	return CLI_OK;
}

/* Progress on a terminal twice a second until the TX lcores are done or a signal. */
static void
wait_done(struct xdpdk_replay *r, bool progress, double duration)
{
	struct xdpdk_replay_stats st;
	uint64_t next = 0;

	while (!replay_stop && !xdpdk_replay_done(r)) {
		if (progress && rte_rdtsc() >= next) {
			xdpdk_replay_stats(r, &st);
			print_progress(&st, duration);
			next = rte_rdtsc() + rte_get_tsc_hz() / 2;
		}
		usleep(10000);
	}
	if (progress)
		fprintf(stderr, "\r%60s\r", "");
}

static int
replay_main(const char *path, const struct replay_cfg *cfg, struct xdpdk_replay_opts *o)
{
	const unsigned int main_lcore = rte_get_main_lcore();
	struct xdpdk_dp_opts dpo = { .n_workers = 1, .lcores = &main_lcore, .no_telemetry = true };
	struct xdpdk_replay_info info;
	struct xdpdk_replay_stats st;
	struct xdpdk_replay *r = NULL;
	char err[512] = "";
	uint16_t mtu = 0;
	int ret;

	/* The ports are the dataplane's (no worker runs: this lcore only starts them). */
	ret = xdpdk_dp_init(&dpo);
	if (ret != 0) {
		cli_err(path, "cannot set the ports up: %s", strerror(-ret));
		return CLI_FAIL;
	}
	ret = add_ports(path, cfg, o, &mtu);
	if (ret == 0) {
		o->mtu = mtu;
		r = xdpdk_replay_create(o, &info, err, sizeof(err));
		if (r == NULL) {
			cli_err(path, "%s", err);
			ret = -1;
		}
	}
	if (r != NULL) {
		print_warnings(path, &info, mtu, o->latency);
		ret = xdpdk_dp_start();
		if (ret == 0)
			ret = xdpdk_replay_start(r);
		if (ret != 0)
			cli_err(path, "cannot start: %s", strerror(-ret));
	}
	if (ret == 0) {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		wait_done(r, isatty(STDERR_FILENO) != 0, o->duration);
		xdpdk_replay_stop(r, 200);
		xdpdk_replay_stats(r, &st);
		print_summary(&st, &info, o->rx_port >= 0, o->latency, cfg->json);
	}
	/* The PMDs drop their references to the templates when the ports stop. */
	xdpdk_dp_stop();
	xdpdk_replay_free(r);
	xdpdk_dp_fini();
	return ret == 0 ? CLI_OK : CLI_FAIL;
}

/* "0000:03:00.0" or "03:00.0": a PCI device, not a vdev's devargs. */
static bool
is_pci_addr(const char *s)
{
	unsigned int d, b, dev, f;
	char end;

	return s != NULL && (sscanf(s, "%x:%x:%x.%x%c", &d, &b, &dev, &f, &end) == 4 ||
			     sscanf(s, "%x:%x.%x%c", &b, &dev, &f, &end) == 3);
}

int
cli_cmd_replay(const char *path, int argc, char **argv)
{
	struct replay_cfg cfg = { .loops = LOOPS_UNSET, .cores = 1 };
	struct xdpdk_replay_opts o = { 0 };
	unsigned int lcores[XDPDK_REPLAY_MAX_CORES + 1];
	char *no_telemetry[] = { "--no-telemetry" };
	unsigned int n_lcores;
	bool done;
	int rc = cli_parse(path, "Replay a pcap at line rate into a DPDK port and measure what "
			   "comes back.", replay_opts, argc, argv, &cfg, &done);

	if (done)
		return rc;
	rc = check_cfg(path, &cfg, &o);
	if (rc != CLI_OK)
		return rc;
	/* TX lcores 1..N, then the RX lcore; the main lcore 0 reports. */
	n_lcores = (unsigned int)cfg.cores + (cfg.rx_port != NULL);
	for (unsigned int i = 0; i < n_lcores; i++)
		lcores[i] = i + 1;
	for (unsigned int i = 0; i < cfg.cores; i++)
		o.tx_lcores[i] = lcores[i];
	o.rx_lcore = lcores[cfg.cores];
	{
		/* a NIC (PCI address) is probed only when named: EAL's -a for each */
		char *extra[5] = { no_telemetry[0] };
		int n_extra = 1;

		if (is_pci_addr(cfg.port)) {
			extra[n_extra++] = "-a";
			extra[n_extra++] = (char *)cfg.port;
		}
		if (cfg.rx_port != NULL && is_pci_addr(cfg.rx_port) &&
		    !same_device(cfg.port, cfg.rx_port)) {
			extra[n_extra++] = "-a";
			extra[n_extra++] = (char *)cfg.rx_port;
		}
		if (cli_eal_lcores(path, lcores, n_lcores, cfg.no_huge, n_extra, extra) != 0)
			return CLI_FAIL;
	}
	rc = replay_main(path, &cfg, &o);
	xdpdk_eal_cleanup_tool();
	return rc;
}

/* ---- in-process: xdpdk run -c FILE --replay PCAP ------------------------- */

struct cli_run_replay cli_run_replay;

#define INJECT_RING 1024

int
cli_replay_in_process(const char *path, volatile sig_atomic_t *stop, double seconds)
{
	const struct cli_run_replay *c = &cli_run_replay;
	const uint32_t ifindex = c->ifindex ? c->ifindex : 1;
	const int port = xdpdk_dp_port_id(ifindex);
	struct replay_cfg cfg = { .topspeed = c->pps == 0 && c->mbps == 0 && c->multiplier == 0,
				  .pps = c->pps, .mbps = c->mbps, .multiplier = c->multiplier };
	struct xdpdk_replay_opts o = { .pcap = c->pcap, .copy = true, .rx_port = -1,
				       .socket = SOCKET_ID_ANY };
	static unsigned int seq;
	struct xdpdk_replay_info info;
	struct xdpdk_replay_stats st;
	struct xdpdk_replay *r;
	struct rte_ring *ring;
	char err[512], name[RTE_RING_NAMESIZE];
	uint64_t deadline;
	uint16_t mtu = 0;
	int ret;

	if (port < 0) {
		cli_err(path, "--replay-port %u: no such port", ifindex);
		return -ENODEV;
	}
	if (rate_of(&cfg, &o) != 0) {
		cli_err(path, "--replay takes one of --pps, --mbps, --multiplier (> 0), or none "
			"for top speed");
		return -EINVAL;
	}
	o.loops = c->loops ? c->loops : 1;
	o.duration = seconds > 0 ? seconds : 0;
	o.forever = c->loops == 0 && seconds > 0;
	rte_eth_dev_get_mtu((uint16_t)port, &mtu);
	o.mtu = mtu;
	/* Copies from the port's own pool: the headroom XDP needs, and programs may write them. */
	o.copy_pool = xdpdk_dp_port_pool(ifindex);
	snprintf(name, sizeof(name), "xdpdk_inject%u", seq++);
	ring = rte_ring_create(name, INJECT_RING, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (ring == NULL) {
		cli_err(path, "--replay: cannot make the injection ring: %s",
			rte_strerror(rte_errno));
		return -ENOMEM;
	}
	o.sinks[0] = (struct xdpdk_replay_sink){ .port_id = (uint16_t)port, .ring = ring };
	r = xdpdk_replay_create(&o, &info, err, sizeof(err));
	if (r == NULL) {
		cli_err(path, "--replay: %s", err);
		return -errno;
	}
	print_warnings(path, &info, mtu, false);
	ret = xdpdk_replay_inject_attach((uint16_t)port, 0, ring);
	if (ret != 0) {
		cli_err(path, "--replay: cannot inject into port %u: %s", ifindex, strerror(-ret));
		xdpdk_replay_free(r);
		return ret;
	}
	xdpdk_replay_run_here(r, stop);
	/* Until the worker polling the port took everything (at most a second). */
	deadline = rte_rdtsc() + rte_get_tsc_hz();
	while (rte_ring_count(ring) != 0 && rte_rdtsc() < deadline && !*stop)
		usleep(1000);
	ret = rte_ring_count(ring) == 0 || *stop ? 0 : -ETIMEDOUT;
	xdpdk_replay_inject_detach((uint16_t)port, 0);
	xdpdk_replay_stats(r, &st);
	printf("replay: %s into port %u (%s): ", c->pcap, ifindex, xdpdk_dp_port_name(ifindex));
	print_summary(&st, &info, false, false, false);
	if (ret != 0)
		cli_err(path, "--replay: %u packets were not taken: is queue 0 of port %u polled?",
			rte_ring_count(ring), ifindex);
	/* A poller may still be in the callback: the ring stays (EAL's memory goes at exit). */
	xdpdk_replay_free(r);
	return ret;
}
