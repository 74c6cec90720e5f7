/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception path: what XDP_PASS (or a port without a program) hands to
 * "the kernel stack" — here a TAP port (the host's stack gets it, as without
 * xdpdk), another port, or nothing (dropped and counted).
 *
 * Hook for TC: TC ingress programs (struct xdpdk_skb_ctx, __sk_buff) run here,
 * before the packet leaves for the exception port, and TC egress programs on
 * what the exception port's RX sends back out (worker.c, dp_poll.fwd). The
 * __sk_buff context comes with the engine's TC work; until then a port has no
 * TC program and this is a straight hand-over.
 */
#include <rte_mbuf.h>

#include "dp_internal.h"

void
xdpdk_dp_exception_bulk(struct dp_worker *w, struct dp_port *in, struct rte_mbuf **m,
			uint16_t n)
{
	struct xdpdk_dp_stats *st = &w->st[in->port_id];
	struct dp_port *out = in->exc_ifindex != 0 ? dp_port_by_ifindex(in->exc_ifindex) : NULL;

	if (out == NULL || !__atomic_load_n(&out->up, __ATOMIC_RELAXED)) {
		st->exception_drop += n;
		rte_pktmbuf_free_bulk(m, n);
		return;
	}
	st->exception_pkts += n;
	dp_tx_bulk(w, out, m, n);
}

void
xdpdk_dp_exception(struct dp_worker *w, struct dp_port *in, struct rte_mbuf *m)
{
	xdpdk_dp_exception_bulk(w, in, &m, 1);
}
