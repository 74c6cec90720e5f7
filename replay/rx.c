/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The receive side: counts, an optional capture (nanosecond pcap through
 * libpcap's dumper), latency from the stamp the TX side wrote (min, max and
 * sum exact, percentiles from a log-linear histogram); and the RX callback
 * that injects a ring's packets into a running dataplane's queue.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "replay_internal.h"

#define BURST XDPDK_REPLAY_BURST
#define SCRATCH (64 * 1024)

static uint32_t
hist_index(uint64_t ns)
{
	uint32_t e;

	if (ns < (1u << RP_HIST_SUB_BITS))
		return (uint32_t)ns;
	e = 63u - (uint32_t)__builtin_clzll(ns);
	return ((e - RP_HIST_SUB_BITS + 1) << RP_HIST_SUB_BITS) +
	       (uint32_t)((ns >> (e - RP_HIST_SUB_BITS)) & ((1u << RP_HIST_SUB_BITS) - 1));
}

/* The middle of bucket @p b (its lower bound below 32 ns, where buckets are exact). */
static double
hist_value(uint32_t b)
{
	uint32_t e, sub;
	double lo;

	if (b < (1u << RP_HIST_SUB_BITS))
		return b;
	e = (b >> RP_HIST_SUB_BITS) + RP_HIST_SUB_BITS - 1;
	sub = b & ((1u << RP_HIST_SUB_BITS) - 1);
	lo = (double)((1ull << RP_HIST_SUB_BITS) + sub) * (double)(1ull << (e - RP_HIST_SUB_BITS));
	return lo + (double)(1ull << (e - RP_HIST_SUB_BITS)) / 2;
}

static double
hist_percentile(const struct rp_rx *rx, double q)
{
	const uint64_t want = (uint64_t)((double)rx->stamped * q + 0.5);
	uint64_t acc = 0;

	for (uint32_t b = 0; b < RP_HIST_SIZE; b++) {
		acc += rx->hist[b];
		if (acc >= want && acc != 0)
			return hist_value(b);
	}
	return 0;
}

static void
latency(struct rp_rx *rx, const uint8_t *p, uint32_t len, uint64_t now, double ns_per_cycle)
{
	const int32_t off = xdpdk_replay_stamp_offset(p, len);
	uint64_t stamp[2], d;

	if (off < 0)
		return;
	memcpy(stamp, p + off, sizeof(stamp));
	if (stamp[0] != RP_STAMP_MAGIC || stamp[1] > now)
		return;
	d = now - stamp[1];
	rx->stamped++;
	rx->lat_sum += d;
	if (d < rx->lat_min || rx->stamped == 1)
		rx->lat_min = d;
	if (d > rx->lat_max)
		rx->lat_max = d;
	rx->hist[hist_index((uint64_t)((double)d * ns_per_cycle))]++;
}

static void
capture(struct rp_rx *rx, uint32_t len, uint32_t caplen, const uint8_t *p, uint64_t ts_ns)
{
	struct pcap_pkthdr h = {
		.ts = { .tv_sec = (time_t)(ts_ns / 1000000000ull),
			.tv_usec = (suseconds_t)(ts_ns % 1000000000ull) },	/* nanoseconds */
		.caplen = caplen,
		.len = len,
	};

	pcap_dump(rx->dumper, &h, p);
}

int
xdpdk_replay_rx_main(void *arg)
{
	struct rp_rx *rx = arg;
	const struct xdpdk_replay *r = rx->r;
	const uint16_t port = (uint16_t)r->o.rx_port, nq = r->o.rx_queues ? r->o.rx_queues : 1;
	const double ns_per_cycle = 1e9 / (double)r->hz;
	struct rte_mbuf *m[BURST];

	while (!rx->stop) {
		for (uint16_t q = 0; q < nq; q++) {
			const uint16_t n = rte_eth_rx_burst(port, q, m, BURST);
			uint64_t now;

			if (n == 0)
				continue;
			now = rte_rdtsc();
			rx->last_tsc = now;
			for (uint16_t j = 0; j < n; j++) {
				const uint32_t len = rte_pktmbuf_pkt_len(m[j]);
				/* Chained mbufs are linearised into scratch: at most its size. */
				const uint32_t cl = RTE_MIN(len, (uint32_t)SCRATCH);
				const uint8_t *p = rte_pktmbuf_read(m[j], 0, cl, rx->scratch);

				rx->rx_bytes += len;
				if (r->o.latency)
					latency(rx, p, cl, now, ns_per_cycle);
				if (rx->dumper != NULL)
					capture(rx, len, cl, p,
						r->wall0_ns + (uint64_t)((double)(now - r->t0) *
									 ns_per_cycle));
			}
			rx->rx_packets += n;
			rte_pktmbuf_free_bulk(m, n);
		}
	}
	return 0;
}

int
xdpdk_replay_rx_open(struct xdpdk_replay *r, char *err, size_t err_size)
{
	struct rp_rx *rx = rte_zmalloc("xdpdk_replay_rx", sizeof(*rx), RTE_CACHE_LINE_SIZE);

	if (rx == NULL) {
		snprintf(err, err_size, "out of memory");
		return -ENOMEM;
	}
	rx->r = r;
	r->rx = rx;
	rx->scratch = rte_malloc("xdpdk_replay_scratch", SCRATCH, 0);
	if (rx->scratch == NULL) {
		snprintf(err, err_size, "out of memory");
		return -ENOMEM;
	}
	if (r->o.capture_out == NULL)
		return 0;
	rx->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535,
							PCAP_TSTAMP_PRECISION_NANO);
	if (rx->dead == NULL) {
		snprintf(err, err_size, "out of memory");
		return -ENOMEM;
	}
	rx->dumper = pcap_dump_open(rx->dead, r->o.capture_out);
	if (rx->dumper == NULL) {
		snprintf(err, err_size, "--capture-out %s: %s", r->o.capture_out,
			 pcap_geterr(rx->dead));
		return -EIO;
	}
	return 0;
}

void
xdpdk_replay_rx_finish(struct rp_rx *rx)
{
	if (rx == NULL)
		return;
	if (rx->dumper != NULL)
		pcap_dump_close(rx->dumper);
	if (rx->dead != NULL)
		pcap_close(rx->dead);
	rx->dumper = NULL;
	rx->dead = NULL;
}

void
xdpdk_replay_rx_close(struct rp_rx *rx)
{
	if (rx == NULL)
		return;
	xdpdk_replay_rx_finish(rx);
	rte_free(rx->scratch);
	rte_free(rx);
}

void
xdpdk_replay_rx_stats(const struct xdpdk_replay *r, struct xdpdk_replay_stats *st)
{
	const struct rp_rx *rx = r->rx;
	const double ns_per_cycle = 1e9 / (double)r->hz;

	if (rx == NULL)
		return;
	st->rx_packets = __atomic_load_n(&rx->rx_packets, __ATOMIC_RELAXED);
	st->rx_bytes = __atomic_load_n(&rx->rx_bytes, __ATOMIC_RELAXED);
	st->rx_stamped = __atomic_load_n(&rx->stamped, __ATOMIC_RELAXED);
	if (rx->last_tsc > r->t0)
		st->rx_seconds = (double)(rx->last_tsc - r->t0) / (double)r->hz;
	if (st->rx_stamped == 0 || r->running)
		return;
	st->lat_min = (double)rx->lat_min * ns_per_cycle;
	st->lat_max = (double)rx->lat_max * ns_per_cycle;
	st->lat_avg = (double)rx->lat_sum / (double)rx->stamped * ns_per_cycle;
	/* A bucket's middle may lie past the exact extremes. */
	st->lat_p50 = RTE_MAX(RTE_MIN(hist_percentile(rx, 0.50), st->lat_max), st->lat_min);
	st->lat_p99 = RTE_MAX(RTE_MIN(hist_percentile(rx, 0.99), st->lat_max), st->lat_min);
}

/* ---- in-process injection ------------------------------------------------ */

#define INJECT_MAX 8

static struct {
	uint16_t port, queue;
	const struct rte_eth_rxtx_callback *cb;
} inject[INJECT_MAX];

static uint16_t
inject_cb(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t nb, uint16_t max,
	  void *arg)
{
	struct rte_ring *ring = arg;

	if (nb < max)
		nb += (uint16_t)rte_ring_sc_dequeue_burst(ring, (void **)pkts + nb, max - nb, NULL);
	return nb;
}

int
xdpdk_replay_inject_attach(uint16_t port_id, uint16_t queue, struct rte_ring *ring)
{
	for (int i = 0; i < INJECT_MAX; i++) {
		if (inject[i].cb != NULL)
			continue;
		inject[i].cb = rte_eth_add_rx_callback(port_id, queue, inject_cb, ring);
		if (inject[i].cb == NULL)
			return -rte_errno;
		inject[i].port = port_id;
		inject[i].queue = queue;
		return 0;
	}
	return -ENOSPC;
}

void
xdpdk_replay_inject_detach(uint16_t port_id, uint16_t queue)
{
	for (int i = 0; i < INJECT_MAX; i++) {
		if (inject[i].cb == NULL || inject[i].port != port_id || inject[i].queue != queue)
			continue;
		rte_eth_remove_rx_callback(port_id, queue, inject[i].cb);
		inject[i].cb = NULL;
	}
}
