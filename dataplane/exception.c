/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception path: what XDP_PASS (or a port without a program) hands to
 * "the kernel stack" — here a TAP port (the host's stack gets it, as without
 * xdpdk), another port, or nothing (dropped and counted).
 *
 * TC ingress programs (tc.c) run here first, on what goes to the exception
 * port; TC egress programs run on what the exception port's RX sends back
 * out (worker.c, dp_poll.fwd).
 */
#include <rte_mbuf.h>

#include "dp_internal.h"

void
dp_exception_deliver(struct dp_worker *w, struct dp_port *in, struct rte_mbuf **m, uint16_t n)
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
xdpdk_dp_exception_bulk(struct dp_worker *w, struct dp_port *in, struct rte_mbuf **m, uint16_t n,
			uint16_t queue)
{
	const struct xdpdk_prog *tc = __atomic_load_n(&in->tc[XDPDK_TC_INGRESS], __ATOMIC_ACQUIRE);

	if (unlikely(tc != NULL))
		n = dp_tc_run(w, in, XDPDK_TC_INGRESS, tc, m, n, (uint16_t)(queue + 1));
	if (n != 0)
		dp_exception_deliver(w, in, m, n);
}

void
xdpdk_dp_exception(struct dp_worker *w, struct dp_port *in, struct rte_mbuf *m)
{
	xdpdk_dp_exception_bulk(w, in, &m, 1, 0);
}
