/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Capture at a port's XDP hook (include/xdpdk/capture.h). Workers copy the
 * packets that pass the filter into mbufs of the capture's own pool (their
 * metadata in the mbuf's private area) and enqueue them on a
 * multi-producer ring; the control thread dequeues. Copies, not
 * references: the packet goes on to its verdict at once and its mbuf is
 * freed or sent, and an exit capture must see the bytes as the program left
 * them, which only the context knows (data may have moved).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>

#include <xdpdk/bpf.h>
#include <xdpdk/capture.h>

#include "dp_internal.h"

#define CAP_DEFAULT_SNAPLEN 9216
#define CAP_MAX_SNAPLEN 65000
#define CAP_DEFAULT_RING 1024

struct cap_meta {
	uint64_t tsc;
	uint32_t ifindex;
	uint32_t verdict;
	uint32_t wire_len;
	uint16_t queue;
	uint8_t point;
};

struct xdpdk_capture {
	struct dp_port *port;
	uint32_t points;
	uint32_t snaplen;
	const struct xdpdk_prog *filter;
	struct rte_mempool *pool;
	struct rte_ring *ring;
	uint64_t lost;			/* atomic: workers add */
	uint64_t tsc0, ns0, hz;		/* TSC to CLOCK_REALTIME */
};

static unsigned int capture_serial;

static void
capture_free(struct xdpdk_capture *c)
{
	struct rte_mbuf *m;

	if (c->ring != NULL)
		while (rte_ring_dequeue(c->ring, (void **)&m) == 0)
			rte_pktmbuf_free(m);
	rte_ring_free(c->ring);
	rte_mempool_free(c->pool);
	rte_free(c);
}

int
xdpdk_capture_start(const struct xdpdk_capture_opts *o, struct xdpdk_capture **out)
{
	struct dp_port *p = dp_port_by_ifindex(o->ifindex);
	const uint32_t ring = o->ring_size ? o->ring_size : CAP_DEFAULT_RING;
	const uint32_t snap = o->snaplen ? o->snaplen : CAP_DEFAULT_SNAPLEN;
	struct xdpdk_capture *c, *expected = NULL;
	char name[RTE_MEMPOOL_NAMESIZE];
	struct timespec ts;
	unsigned int serial;

	*out = NULL;
	if (p == NULL)
		return -ENODEV;
	if (!rte_is_power_of_2(ring) || ring < 2 || snap > CAP_MAX_SNAPLEN ||
	    (o->points & ~(uint32_t)(XDPDK_CAPTURE_ENTRY | XDPDK_CAPTURE_EXIT)) != 0 ||
	    (o->filter != NULL && xdpdk_prog_type(o->filter) != XDPDK_PROG_TYPE_RAW))
		return -EINVAL;
	c = rte_zmalloc("xdpdk_capture", sizeof(*c), RTE_CACHE_LINE_SIZE);
	if (c == NULL)
		return -ENOMEM;
	c->port = p;
	c->points = o->points ? o->points : XDPDK_CAPTURE_ENTRY;
	c->snaplen = snap;
	c->filter = o->filter;
	serial = __atomic_fetch_add(&capture_serial, 1, __ATOMIC_RELAXED);
	snprintf(name, sizeof(name), "xdpdk_cap%u", serial);
	/* the ring holds ring - 1; the pool also covers copies in flight in bursts */
	c->pool = rte_pktmbuf_pool_create(name, ring + 2 * XDPDK_DP_MAX_BURST, 0,
					  RTE_ALIGN(sizeof(struct cap_meta), RTE_MBUF_PRIV_ALIGN),
					  (uint16_t)(RTE_PKTMBUF_HEADROOM + snap), SOCKET_ID_ANY);
	snprintf(name, sizeof(name), "xdpdk_capr%u", serial);
	c->ring = rte_ring_create(name, ring, SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (c->pool == NULL || c->ring == NULL) {
		capture_free(c);
		return -ENOMEM;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	c->tsc0 = rte_get_tsc_cycles();
	c->ns0 = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	c->hz = rte_get_tsc_hz();
	if (!__atomic_compare_exchange_n(&p->capture, &expected, c, false, __ATOMIC_RELEASE,
					 __ATOMIC_RELAXED)) {
		capture_free(c);
		return -EBUSY;
	}
	*out = c;
	return 0;
}

void
xdpdk_capture_stop(struct xdpdk_capture *c)
{
	if (c == NULL)
		return;
	__atomic_store_n(&c->port->capture, NULL, __ATOMIC_RELEASE);
	if (xdpdk_dp.running && xdpdk_dp.rcu != NULL)
		rte_rcu_qsbr_synchronize(xdpdk_dp.rcu, RTE_QSBR_THRID_INVALID);
	capture_free(c);
}

uint64_t
xdpdk_capture_lost(const struct xdpdk_capture *c)
{
	return __atomic_load_n(&c->lost, __ATOMIC_RELAXED);
}

int
xdpdk_capture_next(struct xdpdk_capture *c, struct xdpdk_capture_pkt *pkt, uint8_t *buf,
		   size_t size)
{
	const struct cap_meta *meta;
	struct rte_mbuf *m;

	if (rte_ring_sc_dequeue(c->ring, (void **)&m) != 0)
		return 0;
	meta = rte_mbuf_to_priv(m);
	*pkt = (struct xdpdk_capture_pkt){
		.ts_ns = c->ns0 + (uint64_t)((double)(meta->tsc - c->tsc0) * 1e9 / (double)c->hz),
		.ifindex = meta->ifindex,
		.queue = meta->queue,
		.point = meta->point,
		.verdict = meta->verdict,
		.wire_len = meta->wire_len,
		.cap_len = RTE_MIN((uint32_t)m->data_len, (uint32_t)size),
	};
	memcpy(buf, rte_pktmbuf_mtod(m, const void *), pkt->cap_len);
	rte_pktmbuf_free(m);
	return 1;
}

/* Worker side (cold: only while somebody captures). */
void
dp_capture_burst(struct dp_worker *w, struct xdpdk_capture *c, const struct dp_poll *pl,
		 uint16_t n, uint8_t point)
{
	struct rte_mbuf *copies[XDPDK_DP_MAX_BURST];
	const uint64_t tsc = rte_rdtsc();
	unsigned int nc = 0, queued;
	uint64_t lost = 0;

	if (!(c->points & point))
		return;
	for (uint16_t i = 0; i < n; i++) {
		const struct xdpdk_xdp_ctx *x = &w->ctx[i];
		const uint32_t len = (uint32_t)(x->data_end - x->data);
		struct cap_meta *meta;
		struct rte_mbuf *m;

		if (c->filter != NULL && xdpdk_prog_run(c->filter, x->data, len) == 0)
			continue;
		m = rte_pktmbuf_alloc(c->pool);
		if (m == NULL) {
			lost++;
			continue;
		}
		m->data_len = (uint16_t)RTE_MIN(len, c->snaplen);
		m->pkt_len = m->data_len;
		memcpy(rte_pktmbuf_mtod(m, void *), x->data, m->data_len);
		meta = rte_mbuf_to_priv(m);
		*meta = (struct cap_meta){ .tsc = tsc, .ifindex = pl->port->ifindex,
					   .verdict = point == XDPDK_CAPTURE_EXIT ? w->ret[i] : 0,
					   .wire_len = len, .queue = pl->queue, .point = point };
		copies[nc++] = m;
	}
	queued = nc != 0 ? rte_ring_mp_enqueue_burst(c->ring, (void **)copies, nc, NULL) : 0;
	if (queued < nc) {
		rte_pktmbuf_free_bulk(copies + queued, nc - queued);
		lost += nc - queued;
	}
	if (lost != 0)
		__atomic_fetch_add(&c->lost, lost, __ATOMIC_RELAXED);
}
