/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The burst loop: receive, build the XDP contexts, run the program over the
 * burst, hand the mbufs back with what the program did to data/data_end,
 * then act on the verdicts in batches and flush every target once.
 * Nothing here allocates, locks (but shared TX queues) or logs.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>

#include <xdpdk/bpf.h>
#include <xdpdk/capture.h>
#include <xdpdk/helpers.h>
#include <xdpdk/map.h>

#include "dp_internal.h"

void
xdpdk_dp_trace(struct dp_worker *w, const struct dp_port *in, uint16_t queue, uint8_t reason,
	       uint8_t action, uint32_t target)
{
	struct xdpdk_dp_trace_event *t = &w->trace[w->trace_pos++ % DP_TRACE_SIZE];

	t->tsc = rte_rdtsc();
	t->ifindex = in != NULL ? in->ifindex : 0;
	t->queue = queue;
	t->reason = reason;
	t->action = action;
	t->target = target;
}

/* Drop with a counter and a trace event (cold). */
static __rte_noinline void
drop_bad(struct dp_worker *w, struct dp_port *in, uint16_t queue, struct rte_mbuf *m,
	 uint8_t reason, uint32_t action)
{
	struct xdpdk_dp_stats *st = &w->st[in->port_id];

	if (reason == DP_TR_RUNT)
		st->runt++;
	else if (reason == DP_TR_OVERSIZE)
		st->oversize++;
	xdpdk_dp_trace(w, in, queue, reason, (uint8_t)action, 0);
	rte_pktmbuf_free(m);
}

/*
 * Keep the packets a program may see (single-segment Ethernet frames) and
 * build their contexts, in one pass over the mbufs the PMD just wrote.
 */
static inline uint16_t
rx_to_ctx(struct dp_worker *w, struct dp_poll *pl, uint16_t n, bool frags_ok)
{
	struct rte_mbuf **pkts = w->pkts;
	uint64_t bytes = 0;
	uint16_t k = 0;

	/* ingress_ifindex, rx_queue_index: rewritten only when the (port, queue) changes. */
	if (unlikely(w->ctx_owner != pl)) {
		for (uint32_t i = 0; i < XDPDK_DP_MAX_BURST; i++) {
			w->ctx[i].ingress_ifindex = pl->port->ifindex;
			w->ctx[i].rx_queue_index = pl->queue;
		}
		w->ctx_owner = pl;
	}

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		bytes += m->pkt_len;
		if (unlikely(m->nb_segs != 1 || m->data_len < RTE_ETHER_HDR_LEN)) {
			/* xdp.frags programs take several segments, others never see them */
			if (m->data_len >= RTE_ETHER_HDR_LEN && frags_ok) {
				dp_ctx_from_mbuf(&w->ctx[k], m);
				if (dp_frags_from_mbuf(&w->ctx[k], &w->frags[k], m)) {
					pkts[k++] = m;
					continue;
				}
			}
			drop_bad(w, pl->port, pl->queue, m,
				 m->nb_segs != 1 ? DP_TR_OVERSIZE : DP_TR_RUNT, XDP_DROP);
			continue;
		}
		dp_ctx_from_mbuf(&w->ctx[k], m);
		pkts[k++] = m;
	}
	pl->st.rx_packets += n;
	pl->st.rx_bytes += bytes;
	w->st[pl->port->port_id].rx_packets += n;
	w->st[pl->port->port_id].rx_bytes += bytes;
	return k;
}

/*
 * The programs after the first of a chain (libxdp's dispatcher semantics):
 * each runs on the packets whose verdict so far is in the previous one's
 * chain_call_actions. Redirect records are not reset between programs: as
 * the kernel's bpf_redirect_info, a redirect set earlier in the chain holds
 * until a verdict uses it.
 */
static __rte_noinline void
run_chain_rest(struct dp_worker *w, const struct dp_chain *c, uint16_t n)
{
	uint8_t alive[XDPDK_DP_MAX_BURST];
	void *ctxp[XDPDK_DP_MAX_BURST];
	uint32_t ret[XDPDK_DP_MAX_BURST];
	uint16_t na = n;

	for (uint16_t i = 0; i < n; i++)
		alive[i] = (uint8_t)i;
	for (uint32_t j = 1; j < c->n; j++) {
		const uint32_t go_on = c->actions[j - 1];
		uint16_t nn = 0;

		for (uint16_t a = 0; a < na; a++)
			if (w->ret[alive[a]] < 32 && (go_on >> w->ret[alive[a]]) & 1)
				alive[nn++] = alive[a];
		na = nn;
		if (na == 0)
			return;
		if (c->redirects[j]) {
			/* the helpers record for packet run.cur: the burst's index, not a */
			for (uint16_t a = 0; a < na; a++) {
				w->run.cur = alive[a];
				w->ret[alive[a]] = (uint32_t)xdpdk_prog_run(c->prog[j],
									w->ctxp[alive[a]], 0);
			}
			continue;
		}
		for (uint16_t a = 0; a < na; a++)
			ctxp[a] = w->ctxp[alive[a]];
		xdpdk_prog_run_burst(c->prog[j], ctxp, ret, na);
		for (uint16_t a = 0; a < na; a++)
			w->ret[alive[a]] = ret[a];
	}
}

/*
 * Run the hook's programs on the burst. A redirecting program runs on the
 * burst entry too: the JIT's loop stores each packet's index in run.cur
 * before the call, so its bpf_redirect* records land in run.rec[index].
 */
static inline void
run_prog(struct dp_worker *w, const struct dp_chain *c, uint16_t n)
{
	w->burst_redirects = c->any_redirects;
	if (unlikely(c->any_redirects)) {
		for (uint16_t i = 0; i < n; i++)
			w->run.rec[i].kind = XDPDK_REDIR_NONE;
		xdpdk_prog_run_burst_idx(c->prog[0], w->ctxp, w->ret, n, &w->run.cur);
	} else {
		xdpdk_prog_run_burst(c->prog[0], w->ctxp, w->ret, n);
	}
	if (unlikely(c->n > 1))
		run_chain_rest(w, c, n);
}

/*
 * The port of a redirect that is just "send out of that port" (bpf_redirect,
 * or a devmap entry without a program), if it is up; NULL for anything else,
 * which goes through xdpdk_dp_redirect().
 */
static inline struct dp_port *
plain_port_target(const struct xdpdk_redirect_rec *rec)
{
	struct dp_port *out;
	uint32_t ifindex;

	if (rec->kind == XDPDK_REDIR_IFINDEX)
		ifindex = rec->index;
	else if (rec->kind == XDPDK_REDIR_DEVMAP && rec->tgt == NULL)
		ifindex = ((const struct bpf_devmap_val *)rec->val)->ifindex;
	else
		return NULL;
	out = dp_port_by_ifindex(ifindex);
	if (out == NULL || !__atomic_load_n(&out->up, __ATOMIC_RELAXED))
		return NULL;
	return out;
}

/* The verdicts other than XDP_DROP, one packet at a time (cold for drop-only bursts). */
static __rte_noinline uint16_t
act_others(struct dp_worker *w, struct dp_port *p, uint16_t queue, const uint8_t *idx,
	   uint16_t n_idx, uint16_t nd)
{
	struct xdpdk_dp_stats *st = &w->st[p->port_id];
	struct rte_mbuf *tx[XDPDK_DP_MAX_BURST], *pass[XDPDK_DP_MAX_BURST];
	struct rte_mbuf *rdr[XDPDK_DP_MAX_BURST];
	struct dp_port *rdr_port = NULL;
	uint16_t ntx = 0, npass = 0, nrdr = 0, nredir = 0;
	uint64_t b_tx = 0, b_pass = 0, b_redir = 0;

	/*
	 * TX and PASS are gathered and queued at once, and so are runs of
	 * redirects to the same port: one TX buffer update each. Counters (the
	 * received length, read before the program's changes are applied) are
	 * kept in registers and added once: an array slot added to per packet
	 * is a store-to-load chain.
	 */
	for (uint16_t j = 0; j < n_idx; j++) {
		const uint16_t i = idx[j];
		struct rte_mbuf *m = w->pkts[i];
		const uint32_t v = w->ret[i];
		const uint64_t len = m->data_len;

		switch (v) {
		case XDP_TX:
			b_tx += len;
			dp_ctx_to_mbuf(&w->ctx[i], m);
			tx[ntx++] = m;
			break;
		case XDP_PASS:
			b_pass += len;
			dp_ctx_to_mbuf(&w->ctx[i], m);
			pass[npass++] = m;
			break;
		case XDP_REDIRECT:
			nredir++;
			b_redir += len;
			dp_ctx_to_mbuf(&w->ctx[i], m);
			if (likely(w->burst_redirects)) {
				struct dp_port *out = plain_port_target(&w->run.rec[i]);

				if (out != rdr_port && nrdr != 0) {
					dp_tx_bulk(w, rdr_port, rdr, nrdr);
					nrdr = 0;
				}
				if (out != NULL) {
					rdr_port = out;
					rdr[nrdr++] = m;
				} else {
					xdpdk_dp_redirect(w, p, queue, &w->run.rec[i], m);
				}
			} else {
				/* XDP_REDIRECT without bpf_redirect*: no target, as the kernel. */
				st->redirect_err++;
				xdpdk_dp_trace(w, p, queue, DP_TR_REDIRECT_ERR, XDP_REDIRECT, 0);
				w->drop[nd++] = m;
			}
			break;
		default:	/* XDP_ABORTED, out of range */
			/* rare: straight to the arrays */
			st->action_packets[v < XDP_REDIRECT ? v : XDPDK_DP_N_ACTIONS - 1]++;
			st->action_bytes[v < XDP_REDIRECT ? v : XDPDK_DP_N_ACTIONS - 1] += len;
			xdpdk_dp_trace(w, p, queue,
				       v == XDP_ABORTED ? DP_TR_ABORTED : DP_TR_BAD_ACTION,
				       (uint8_t)w->ret[i], 0);
			w->drop[nd++] = m;
			break;
		}
	}
	st->action_packets[XDP_TX] += ntx;
	st->action_bytes[XDP_TX] += b_tx;
	st->action_packets[XDP_PASS] += npass;
	st->action_bytes[XDP_PASS] += b_pass;
	st->action_packets[XDP_REDIRECT] += nredir;
	st->action_bytes[XDP_REDIRECT] += b_redir;
	if (nrdr != 0)
		dp_tx_bulk(w, rdr_port, rdr, nrdr);
	if (ntx != 0) {
		if (likely(__atomic_load_n(&p->up, __ATOMIC_RELAXED))) {
			dp_tx_bulk(w, p, tx, ntx);
		} else {
			st->redirect_down += ntx;
			memcpy(&w->drop[nd], tx, ntx * sizeof(tx[0]));
			nd += ntx;
		}
	}
	if (npass != 0)
		xdpdk_dp_exception_bulk(w, p, pass, npass, queue);
	return nd;
}

/*
 * Act on the verdicts: a tight first pass sets drops aside (freed in bulk),
 * then the others go to their targets. Counters are added once per burst:
 * a counter in memory incremented per packet is a store-to-load chain.
 */
static inline void
act(struct dp_worker *w, struct dp_port *p, uint16_t queue, uint16_t n)
{
	struct xdpdk_dp_stats *st = &w->st[p->port_id];
	uint8_t idx[XDPDK_DP_MAX_BURST];
	uint64_t b_drop = 0;
	uint16_t nd = 0, no = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = w->pkts[i];

		if (w->ret[i] == XDP_DROP) {
			b_drop += m->data_len;
			w->drop[nd++] = m;
		} else {
			idx[no++] = (uint8_t)i;
		}
	}
	st->action_packets[XDP_DROP] += nd;
	st->action_bytes[XDP_DROP] += b_drop;
	if (no != 0)
		nd = act_others(w, p, queue, idx, no, nd);
	if (nd != 0)
		rte_pktmbuf_free_bulk(w->drop, nd);
}

/* One (port, queue): receive a burst and deal with it. */
static inline uint16_t
poll_one(struct dp_worker *w, struct dp_poll *pl)
{
	struct dp_port *p = pl->port;
	const struct dp_chain *chain;
	const struct xdpdk_prog *tc;
	struct xdpdk_capture *cap;
	uint16_t n, k;

	if (unlikely(!__atomic_load_n(&p->up, __ATOMIC_RELAXED)))
		return 0;
	n = rte_eth_rx_burst(p->port_id, pl->queue, w->pkts, (uint16_t)xdpdk_dp.burst);
	if (n == 0)
		return 0;
	if (unlikely(pl->fwd != NULL)) {
		/* The host's packets from an exception TAP leave through its owner. */
		pl->st.rx_packets += n;
		if (unlikely(!__atomic_load_n(&pl->fwd->up, __ATOMIC_RELAXED))) {
			w->st[pl->fwd->port_id].tx_drop += n;
			rte_pktmbuf_free_bulk(w->pkts, n);
			return n;
		}
		/* the host's packets leave through the port: its TC egress program first */
		tc = __atomic_load_n(&pl->fwd->tc[XDPDK_TC_EGRESS], __ATOMIC_ACQUIRE);
		k = unlikely(tc != NULL) ? dp_tc_run(w, pl->fwd, XDPDK_TC_EGRESS, tc, w->pkts, n, 0) : n;
		if (k != 0)
			dp_tx_bulk(w, pl->fwd, w->pkts, k);
		return n;
	}
	chain = __atomic_load_n(&p->chain, __ATOMIC_ACQUIRE);
	k = rx_to_ctx(w, pl, n, chain != NULL && chain->all_frags);
	cap = __atomic_load_n(&p->capture, __ATOMIC_ACQUIRE);
	if (unlikely(cap != NULL))
		dp_capture_burst(w, cap, pl, k, XDPDK_CAPTURE_ENTRY);
	if (unlikely(chain == NULL)) {
		w->st[p->port_id].no_prog += k;
		if (k != 0)
			xdpdk_dp_exception_bulk(w, p, w->pkts, k, pl->queue);
		return n;
	}
	if (xdpdk_dp.prog_cycles && (w->bursts++ & xdpdk_dp.prog_cycles_mask) == 0) {
		const uint64_t t0 = rte_rdtsc();

		run_prog(w, chain, k);
		w->st[p->port_id].prog_cycles += rte_rdtsc() - t0;
		w->st[p->port_id].prog_timed += k;
	} else {
		run_prog(w, chain, k);
	}
	w->st[p->port_id].prog_runs += k;
	/* before act(): the contexts still point into the mbufs it sends or frees */
	if (unlikely(cap != NULL))
		dp_capture_burst(w, cap, pl, k, XDPDK_CAPTURE_EXIT);
	act(w, p, pl->queue, k);
	return n;
}

/* The kernel's xdp_do_flush: every target queued to in this round. */
void
xdpdk_dp_worker_flush(struct dp_worker *w)
{
	if (w->n_pend != 0)
		xdpdk_dp_ring_flush(w);
	if (w->txb_dirty != 0)
		xdpdk_dp_txb_flush_all(w);
}

uint32_t
xdpdk_dp_worker_round(struct dp_worker *w)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < w->n_poll; i++) {
		struct dp_poll *pl = &w->poll[i];
		struct xdpdk_xsk *xsk = __atomic_load_n(&pl->xsk, __ATOMIC_ACQUIRE);

		n += poll_one(w, pl);
		if (unlikely(xsk != NULL))
			xdpdk_dp_xsk_tx(w, pl, xsk);
		xdpdk_dp_worker_flush(w);
	}
	return n + xdpdk_dp_cpumap_poll(w);
}

static void
worker_set_thread(struct dp_worker *w)
{
	xdpdk_helpers_set_worker(w->index);
	xdpdk_maps_set_worker(w->index);
	xdpdk_redirect_set_run(&w->run);
}

int
xdpdk_dp_worker_main(void *arg)
{
	struct dp_worker *w = arg;

	worker_set_thread(w);
	if (xdpdk_dp.rcu != NULL)
		rte_rcu_qsbr_thread_online(xdpdk_dp.rcu, w->index);
	while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
		xdpdk_dp_worker_round(w);
		/* Between rounds no program or map entry is held: one report per round. */
		if (xdpdk_dp.rcu != NULL)
			rte_rcu_qsbr_quiescent(xdpdk_dp.rcu, w->index);
	}
	xdpdk_dp_worker_flush(w);
	if (xdpdk_dp.rcu != NULL)
		rte_rcu_qsbr_thread_offline(xdpdk_dp.rcu, w->index);
	return 0;
}

int
xdpdk_dp_worker_enter(uint32_t worker)
{
	if (worker >= xdpdk_dp.n_workers)
		return -EINVAL;
	worker_set_thread(xdpdk_dp.workers[worker]);
	return 0;
}

/* In place, the caller is also the control plane: it stays offline for RCU. */
uint32_t
xdpdk_dp_worker_poll(uint32_t worker)
{
	if (worker >= xdpdk_dp.n_workers)
		return 0;
	return xdpdk_dp_worker_round(xdpdk_dp.workers[worker]);
}
