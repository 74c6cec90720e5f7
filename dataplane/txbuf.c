/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-worker, per-port TX buffers (rte_eth_dev_tx_buffer): XDP_TX, redirects
 * and the exception path queue here, and each buffer is sent once at the end
 * of the round. What the PMD does not take is freed and counted.
 */
#include <rte_ethdev.h>
#include <rte_malloc.h>

#include "dp_internal.h"

/* rte_eth_tx_buffer's error callback: free and count (userdata: the port's stats). */
static void
tx_unsent(struct rte_mbuf **pkts, uint16_t unsent, void *userdata)
{
	struct xdpdk_dp_stats *st = userdata;

	for (uint16_t i = 0; i < unsent; i++) {
		st->tx_bytes -= rte_pktmbuf_pkt_len(pkts[i]);
		st->tx_packets--;
	}
	st->tx_drop += unsent;
	rte_pktmbuf_free_bulk(pkts, unsent);
}

int
xdpdk_dp_txb_init(struct dp_worker *w)
{
	for (unsigned int p = 0; p < RTE_MAX_ETHPORTS; p++) {
		struct rte_eth_dev_tx_buffer *b;

		b = rte_zmalloc_socket("xdpdk_txb", RTE_ETH_TX_BUFFER_SIZE(DP_TXB_SIZE), 0,
				       rte_lcore_to_socket_id(w->lcore));
		if (b == NULL)
			return -ENOMEM;
		rte_eth_tx_buffer_init(b, DP_TXB_SIZE);
		rte_eth_tx_buffer_set_err_callback(b, tx_unsent, &w->st[p]);
		w->txb[p] = b;
	}
	return 0;
}

void
xdpdk_dp_txb_free(struct dp_worker *w)
{
	for (unsigned int p = 0; p < RTE_MAX_ETHPORTS; p++) {
		struct rte_eth_dev_tx_buffer *b = w->txb[p];

		if (b == NULL)
			continue;
		/* Never sent (the port stopped first): release them. */
		if (b->length != 0)
			rte_pktmbuf_free_bulk(b->pkts, b->length);
		rte_free(b);
		w->txb[p] = NULL;
	}
}

void
xdpdk_dp_txb_flush_port(struct dp_worker *w, uint16_t port_id)
{
	struct dp_port *p = &xdpdk_dp.ports[port_id];
	const uint16_t q = (uint16_t)(w->index % p->n_txq);
	struct rte_eth_dev_tx_buffer *b = w->txb[port_id];
	struct xdpdk_dp_stats *st = &w->st[port_id];
	uint64_t bytes = 0;

	/* Counted here, once per flush; tx_unsent takes back what the PMD refuses. */
	for (uint16_t i = 0; i < b->length; i++)
		bytes += rte_pktmbuf_pkt_len(b->pkts[i]);
	st->tx_packets += b->length;
	st->tx_bytes += bytes;

	if (unlikely(p->txq_shared)) {
		rte_spinlock_t *l = &p->txq_lock[q % RTE_DIM(p->txq_lock)];

		rte_spinlock_lock(l);
		rte_eth_tx_buffer_flush(port_id, q, b);
		rte_spinlock_unlock(l);
	} else {
		rte_eth_tx_buffer_flush(port_id, q, b);
	}
	w->txb_dirty &= ~(1ull << port_id);
}

void
xdpdk_dp_txb_flush_all(struct dp_worker *w)
{
	uint64_t dirty = w->txb_dirty;

	while (dirty != 0) {
		const uint16_t p = (uint16_t)__builtin_ctzll(dirty);

		dirty &= dirty - 1;
		xdpdk_dp_txb_flush_port(w, p);
	}
}
