/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xdpdk's AF_XDP sockets (include/xdpdk/xsk.h): an RX ring the workers fill
 * from xskmap redirects, a TX ring the worker polling the bound queue
 * drains, over mbufs. The xskmap value is the socket's fd from a small
 * registry, as the kernel's socket fd.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include <xdpdk/xsk.h>

#include "dp_internal.h"

#define MAX_XSK 64
#define DEFAULT_RING 2048

static struct xdpdk_xsk *xsks[MAX_XSK + 1];

struct xdpdk_xsk *
xdpdk_dp_xsk_by_fd(uint32_t fd)
{
	return fd >= 1 && fd <= MAX_XSK ? xsks[fd] : NULL;
}

static struct dp_poll *
find_poll(const struct dp_port *p, uint16_t queue)
{
	for (uint32_t i = 0; i < xdpdk_dp.n_workers; i++) {
		struct dp_worker *w = xdpdk_dp.workers[i];

		for (uint32_t j = 0; j < w->n_poll; j++)
			if (w->poll[j].port == p && w->poll[j].queue == queue)
				return &w->poll[j];
	}
	return NULL;
}

static void
ring_drain_free(struct rte_ring *r)
{
	void *m;

	while (r != NULL && rte_ring_dequeue(r, &m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(r);
}

struct xdpdk_xsk *
xdpdk_xsk_create(const struct xdpdk_xsk_opts *o)
{
	struct dp_port *p = o != NULL ? dp_port_by_ifindex(o->ifindex) : NULL;
	char name[RTE_RING_NAMESIZE];
	struct xdpdk_xsk *x;
	uint32_t fd;

	if (p == NULL) {
		errno = ENODEV;
		return NULL;
	}
	for (fd = 1; fd <= MAX_XSK && xsks[fd] != NULL; fd++)
		;
	if (fd > MAX_XSK) {
		errno = ENOSPC;
		return NULL;
	}
	x = rte_zmalloc("xdpdk_xsk", sizeof(*x), RTE_CACHE_LINE_SIZE);
	if (x == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	x->fd = fd;
	x->ifindex = o->ifindex;
	x->queue = o->queue;
	x->pool = p->pool;
	x->poll = find_poll(p, o->queue);
	if (x->poll == NULL) {
		rte_free(x);
		errno = EINVAL;	/* the queue is not polled: nothing would send its TX */
		return NULL;
	}
	/* Many workers may redirect to one socket; one application thread receives. */
	snprintf(name, sizeof(name), "xdpdk_xsk%u_rx", fd);
	x->rx = rte_ring_create(name, o->rx_size ? o->rx_size : DEFAULT_RING, SOCKET_ID_ANY,
				RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "xdpdk_xsk%u_tx", fd);
	x->tx = rte_ring_create(name, o->tx_size ? o->tx_size : DEFAULT_RING, SOCKET_ID_ANY,
				RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (x->rx == NULL || x->tx == NULL) {
		rte_ring_free(x->rx);
		rte_ring_free(x->tx);
		rte_free(x);
		errno = rte_errno;
		return NULL;
	}
	xsks[fd] = x;
	__atomic_store_n(&x->poll->xsk, x, __ATOMIC_RELEASE);
	return x;
}

void
xdpdk_xsk_free(struct xdpdk_xsk *x)
{
	if (x == NULL)
		return;
	__atomic_store_n(&x->poll->xsk, NULL, __ATOMIC_RELEASE);
	/* The worker may be sending from the TX ring: wait for it. */
	if (xdpdk_dp.running && xdpdk_dp.rcu != NULL)
		rte_rcu_qsbr_synchronize(xdpdk_dp.rcu, RTE_QSBR_THRID_INVALID);
	xsks[x->fd] = NULL;
	ring_drain_free(x->rx);
	ring_drain_free(x->tx);
	rte_free(x);
}

uint32_t
xdpdk_xsk_fd(const struct xdpdk_xsk *x)
{
	return x->fd;
}

uint32_t
xdpdk_xsk_recv(struct xdpdk_xsk *x, struct xdpdk_xsk_desc *d, uint32_t n)
{
	struct rte_mbuf *m[64];
	uint32_t got = 0;

	while (got < n) {
		const uint32_t want = RTE_MIN(n - got, (uint32_t)RTE_DIM(m));
		const uint32_t k = rte_ring_dequeue_burst(x->rx, (void **)m, want, NULL);

		for (uint32_t i = 0; i < k; i++) {
			d[got + i].data = rte_pktmbuf_mtod(m[i], uint8_t *);
			d[got + i].len = m[i]->data_len;
			d[got + i].buf = m[i];
		}
		got += k;
		if (k < want)
			break;
	}
	return got;
}

void
xdpdk_xsk_release(struct xdpdk_xsk *x, const struct xdpdk_xsk_desc *d, uint32_t n)
{
	(void)x;
	for (uint32_t i = 0; i < n; i++)
		rte_pktmbuf_free(d[i].buf);
}

int
xdpdk_xsk_alloc(struct xdpdk_xsk *x, struct xdpdk_xsk_desc *d, uint32_t len)
{
	struct rte_mbuf *m;

	if (len > DP_MAX_FRAME)
		return -EMSGSIZE;
	m = rte_pktmbuf_alloc(x->pool);
	if (m == NULL)
		return -ENOMEM;
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	d->data = rte_pktmbuf_mtod(m, uint8_t *);
	d->len = len;
	d->buf = m;
	return 0;
}

uint32_t
xdpdk_xsk_send(struct xdpdk_xsk *x, const struct xdpdk_xsk_desc *d, uint32_t n)
{
	struct rte_mbuf *m[64];
	uint32_t sent = 0;

	while (sent < n) {
		const uint32_t k = RTE_MIN(n - sent, (uint32_t)RTE_DIM(m));
		uint32_t done;

		for (uint32_t i = 0; i < k; i++) {
			struct rte_mbuf *b = d[sent + i].buf;

			/* The data stays where it was; its length may have changed. */
			b->data_len = (uint16_t)d[sent + i].len;
			b->pkt_len = d[sent + i].len;
			m[i] = b;
		}
		done = rte_ring_enqueue_burst(x->tx, (void **)m, k, NULL);
		sent += done;
		if (done < k)
			break;
	}
	return sent;
}

uint32_t
xdpdk_xsk_complete(struct xdpdk_xsk *x)
{
	const uint64_t done = __atomic_load_n(&x->tx_done, __ATOMIC_ACQUIRE);
	const uint32_t n = (uint32_t)(done - x->tx_seen);

	x->tx_seen = done;
	return n;
}

uint64_t
xdpdk_xsk_rx_dropped(const struct xdpdk_xsk *x)
{
	return __atomic_load_n(&x->rx_full, __ATOMIC_RELAXED);
}

/* Worker side: the socket's TX ring out of the bound port. */
void
xdpdk_dp_xsk_tx(struct dp_worker *w, struct dp_poll *pl, struct xdpdk_xsk *x)
{
	struct rte_mbuf *m[XDPDK_DP_MAX_BURST];
	const uint32_t n = rte_ring_dequeue_burst(x->tx, (void **)m, xdpdk_dp.burst, NULL);

	if (n == 0)
		return;
	if (unlikely(!__atomic_load_n(&pl->port->up, __ATOMIC_RELAXED))) {
		/* Released and reported as completed: a down port sends nothing. */
		w->st[pl->port->port_id].tx_drop += n;
		rte_pktmbuf_free_bulk(m, n);
	} else {
		dp_tx_bulk(w, pl->port, m, (uint16_t)n);
	}
	__atomic_fetch_add(&x->tx_done, n, __ATOMIC_RELEASE);
}
