/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal to dataplane/: ports, workers and the per-worker burst state. */
#ifndef XDPDK_DP_INTERNAL_H
#define XDPDK_DP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_spinlock.h>

#include <xdpdk/ctx.h>
#include <xdpdk/dataplane.h>

extern int xdpdk_logtype_dp;
#define XDPDK_DP_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, xdpdk_logtype_dp, "xdpdk dp: " fmt "\n", ##__VA_ARGS__)

/*
 * The pool's mbufs keep 128 bytes of private area right before buf_addr; with
 * DPDK's own 128-byte headroom that makes the 256 bytes XDP needs in front of
 * the data where every PMD puts it, at no cost per packet. A program that
 * moves data in front of buf_addr (encapsulation) costs one memmove back.
 */
#define DP_PRIV_HEADROOM (XDPDK_XDP_HEADROOM - RTE_PKTMBUF_HEADROOM)
/* The kernel's frame: 4096 bytes less the headroom and the skb_shared_info reserve. */
#define DP_MAX_FRAME (4096 - XDPDK_XDP_HEADROOM - XDPDK_XDP_TAIL_RESERVE)
#define DP_DATA_ROOM (RTE_PKTMBUF_HEADROOM + DP_MAX_FRAME + XDPDK_XDP_TAIL_RESERVE)

/* Per-worker TX buffers hold two bursts, so a burst never flushes half-way. */
#define DP_TXB_SIZE (2 * XDPDK_DP_MAX_BURST)

/* Most cpumap entries one worker receives from. */
#define DP_MAX_CPU_IN 16

/* Trace events kept per worker (a ring, newest overwrite oldest). */
#define DP_TRACE_SIZE 64

/* The trace ring holds the public events (enum xdpdk_dp_trace_reason). */
#define DP_TR_ABORTED XDPDK_DP_TRACE_ABORTED
#define DP_TR_BAD_ACTION XDPDK_DP_TRACE_BAD_ACTION
#define DP_TR_REDIRECT_ERR XDPDK_DP_TRACE_REDIRECT_ERR
#define DP_TR_REDIRECT_DOWN XDPDK_DP_TRACE_REDIRECT_DOWN
#define DP_TR_RING_FULL XDPDK_DP_TRACE_RING_FULL
#define DP_TR_RUNT XDPDK_DP_TRACE_RUNT
#define DP_TR_OVERSIZE XDPDK_DP_TRACE_OVERSIZE

struct dp_port {
	bool used;
	bool up;		/* administrative state (atomic) */
	bool started;
	bool created_vdev;	/* probed by us: removed at fini */
	bool no_poll;
	bool txq_shared;	/* fewer TX queues than workers: TX under txq_lock */
	uint16_t port_id;
	uint16_t n_rxq, n_txq;
	uint32_t ifindex;
	uint32_t exc_ifindex;	/* XDP_PASS goes out of it; 0: dropped */
	uint32_t exc_owner;	/* this port is the exception port of exc_owner */
	struct dp_chain *chain;		/* atomic: the XDP hook's programs, or NULL */
	struct xdpdk_capture *capture;	/* atomic: a capture session (capture.c), or NULL */
	const struct xdpdk_prog *tc[2];	/* atomic: TC ingress, egress programs (tc.c), or NULL */
	uint16_t mtu;
	struct rte_ether_addr mac;
	struct rte_mempool *pool;
	rte_spinlock_t txq_lock[RTE_MAX_LCORE > 64 ? 64 : RTE_MAX_LCORE];
	char name[RTE_ETH_NAME_MAX_LEN];
};

/*
 * A port's XDP programs (xdpdk_dp_port_set_chain), immutable once published:
 * replaced whole, freed after a grace period.
 */
struct dp_chain {
	uint32_t n;
	bool any_redirects;
	bool all_frags;		/* every program takes multi-buffer packets (xdp.frags) */
	/* the program may call bpf_redirect*: it runs one packet at a time */
	bool redirects[XDPDK_DP_MAX_CHAIN];
	uint32_t actions[XDPDK_DP_MAX_CHAIN];
	const struct xdpdk_prog *prog[XDPDK_DP_MAX_CHAIN];
};

/* Serialises chain replacement with control-plane readers (telemetry); workers use RCU. */
extern rte_spinlock_t dp_chain_lock;

struct dp_worker;
struct dp_poll;
struct xdpdk_capture;

/*
 * tc.c: @p prog, the port's program at @p hook (which the caller read from
 * p->tc[hook]), on @p m[0..n) (ingress: what goes to the exception path;
 * egress: what the exception port sends out of @p p). Packets it keeps for
 * the caller are compacted to the front of @p m; the others were dropped,
 * consumed or redirected. @return how many it kept.
 */
uint16_t dp_tc_run(struct dp_worker *w, struct dp_port *p, int hook,
		   const struct xdpdk_prog *prog, struct rte_mbuf **m, uint16_t n, uint16_t queue);
void dp_tc_init(void);
void dp_tc_fini(void);

/* capture.c: copy the burst's packets (w->ctx, w->ret) matching the capture at @p point. */
void dp_capture_burst(struct dp_worker *w, struct xdpdk_capture *c, const struct dp_poll *pl,
		      uint16_t n, uint8_t point);

struct dp_poll {
	struct dp_port *port;
	uint16_t queue;
	struct xdpdk_xsk *xsk;	/* bound to this queue: its TX ring is sent here (atomic) */
	struct dp_port *fwd;	/* an exception port's RX: sent out of fwd without XDP */
	struct xdpdk_dp_stats st;	/* RX side of this queue */
};

/* A cpumap entry: a ring to a target worker, and its program. */
struct dp_cpu_tgt {
	struct rte_ring *ring;
	const struct xdpdk_prog *prog;
	uint32_t worker;
	uint32_t slot;		/* in the target's cpu_in[] */
};

/* An xdpdk AF_XDP socket (xsk.c). */
struct xdpdk_xsk {
	uint32_t fd;
	uint32_t ifindex;
	uint16_t queue;
	struct rte_ring *rx;	/* workers → application */
	struct rte_ring *tx;	/* application → the worker of (ifindex, queue) */
	struct rte_mempool *pool;
	struct dp_poll *poll;
	uint64_t rx_full;	/* atomic */
	uint64_t tx_done;	/* atomic: sent by the worker */
	uint64_t tx_seen;	/* application side: completions reported */
};

/* The socket of xskmap value @p fd, or NULL. */
struct xdpdk_xsk *xdpdk_dp_xsk_by_fd(uint32_t fd);
/* The worker's side of a socket: send what its TX ring holds. */
void xdpdk_dp_xsk_tx(struct dp_worker *w, struct dp_poll *pl, struct xdpdk_xsk *xsk);

/* What a worker owns: only it writes here. */
struct dp_worker {
	uint32_t index;
	unsigned int lcore;
	volatile bool stop;
	bool launched;
	uint32_t n_poll;
	struct dp_poll poll[XDPDK_DP_MAX_POLL];
	uint64_t txb_dirty;	/* bit per port id with a non-empty TX buffer */
	struct rte_eth_dev_tx_buffer *txb[RTE_MAX_ETHPORTS];
	struct xdpdk_dp_stats st[RTE_MAX_ETHPORTS];	/* by port id */

	/* cpumap: rings this worker dequeues from (atomic pointers) */
	struct rte_ring *cpu_in[DP_MAX_CPU_IN];
	const struct xdpdk_prog *cpu_in_prog[DP_MAX_CPU_IN];
	/* cpumap and xsk rings with packets pending in this round (bulk enqueue at flush) */
	uint32_t n_pend;
	struct rte_ring *pend_ring[XDPDK_DP_MAX_BURST];
	uint64_t *pend_full[XDPDK_DP_MAX_BURST];	/* the target's own ring-full counter, or NULL */
	struct rte_mbuf *pend[XDPDK_DP_MAX_BURST][XDPDK_DP_MAX_BURST];
	uint16_t pend_n[XDPDK_DP_MAX_BURST];

	uint32_t bursts;		/* for sampling the program's cycles */
	uint32_t trace_pos;
	struct xdpdk_dp_trace_event trace[DP_TRACE_SIZE];

	struct xdpdk_redirect_run run;
	bool burst_redirects;		/* run.rec[] holds this burst's redirects */
	const struct dp_poll *ctx_owner;	/* whose ingress/queue the ctx slots hold */
	struct xdpdk_xdp_ctx ctx[XDPDK_DP_MAX_BURST];
	void *ctxp[XDPDK_DP_MAX_BURST];
	uint32_t ret[XDPDK_DP_MAX_BURST];
	/* multi-buffer packets' fragments (ctx[i].frags points here, else NULL) */
	struct xdpdk_xdp_frags frags[XDPDK_DP_MAX_BURST];
	struct rte_mbuf *pkts[XDPDK_DP_MAX_BURST];
	struct rte_mbuf *drop[XDPDK_DP_MAX_BURST];
} __rte_cache_aligned;

struct dp_state {
	bool up;
	bool running;
	uint32_t burst;
	bool prog_cycles;
	uint32_t prog_cycles_mask;	/* time the bursts where (count & mask) == 0 */
	uint32_t n_workers;
	struct dp_worker *workers[XDPDK_DP_MAX_WORKERS];
	struct dp_port ports[RTE_MAX_ETHPORTS];	/* by DPDK port id */
	uint16_t by_ifindex[XDPDK_DP_MAX_IFINDEX + 1];	/* port id + 1; 0: none */
	struct rte_rcu_qsbr *rcu;
};

extern struct dp_state xdpdk_dp;

/* The port of @p ifindex, or NULL. */
static inline struct dp_port *
dp_port_by_ifindex(uint32_t ifindex)
{
	uint16_t p;

	if (unlikely(ifindex > XDPDK_DP_MAX_IFINDEX))
		return NULL;
	p = xdpdk_dp.by_ifindex[ifindex];
	return p != 0 ? &xdpdk_dp.ports[p - 1] : NULL;
}

/* worker.c */
uint32_t xdpdk_dp_worker_round(struct dp_worker *w);
int xdpdk_dp_worker_main(void *arg);
void xdpdk_dp_worker_flush(struct dp_worker *w);
void xdpdk_dp_trace(struct dp_worker *w, const struct dp_port *in, uint16_t queue,
		    uint8_t reason, uint8_t action, uint32_t target);

/* txbuf.c: per-worker, per-port TX buffers */
int xdpdk_dp_txb_init(struct dp_worker *w);
void xdpdk_dp_txb_free(struct dp_worker *w);
void xdpdk_dp_txb_flush_port(struct dp_worker *w, uint16_t port_id);
void xdpdk_dp_txb_flush_all(struct dp_worker *w);

/* Queue @p m for TX on @p out (counted when flushed). */
static inline void
dp_tx(struct dp_worker *w, struct dp_port *out, struct rte_mbuf *m)
{
	struct rte_eth_dev_tx_buffer *b = w->txb[out->port_id];

	if (unlikely(b->length == b->size))
		xdpdk_dp_txb_flush_port(w, out->port_id);
	b->pkts[b->length++] = m;
	w->txb_dirty |= 1ull << out->port_id;
}

/* The mbuf as a program sees it: XDP's 256 bytes of headroom reach into the private area. */
static inline void
dp_ctx_from_mbuf(struct xdpdk_xdp_ctx *c, struct rte_mbuf *m)
{
	uint8_t *buf = m->buf_addr;

	c->data = buf + m->data_off;
	c->data_end = c->data + m->data_len;
	c->data_meta = c->data;
	c->data_hard_start = buf - DP_PRIV_HEADROOM;
	c->data_hard_end = buf + m->buf_len - XDPDK_XDP_TAIL_RESERVE;
	c->mbuf = m;
	c->frags = NULL;
}

/*
 * A multi-buffer packet for an xdp.frags program: the first segment is the
 * linear part, each next one a fragment that may grow into its tailroom.
 * @return false when it has more segments than the kernel's MAX_SKB_FRAGS.
 */
static inline bool
dp_frags_from_mbuf(struct xdpdk_xdp_ctx *c, struct xdpdk_xdp_frags *f, struct rte_mbuf *m)
{
	uint32_t i = 0;

	if (m->nb_segs - 1u > XDPDK_XDP_MAX_FRAGS)
		return false;
	f->frags_size = 0;
	for (struct rte_mbuf *s = m->next; s != NULL; s = s->next, i++) {
		f->frag[i] = (struct xdpdk_xdp_frag){
			.addr = rte_pktmbuf_mtod(s, uint8_t *), .len = s->data_len,
			.cap = s->data_len + rte_pktmbuf_tailroom(s) };
		f->frags_size += s->data_len;
	}
	f->nr_frags = i;
	c->frags = f;
	return true;
}

/*
 * What bpf_xdp_adjust_tail did to the fragments: their lengths, and the
 * segments it emptied freed (cold: only multi-buffer packets).
 */
static inline void
dp_frags_to_mbuf(const struct xdpdk_xdp_ctx *c, struct rte_mbuf *m)
{
	const struct xdpdk_xdp_frags *f = c->frags;
	struct rte_mbuf *s = m, *next;
	uint32_t i = 0;

	m->pkt_len = m->data_len;
	for (; s->next != NULL && i < f->nr_frags; s = s->next, i++) {
		s->next->data_len = (uint16_t)f->frag[i].len;
		m->pkt_len += f->frag[i].len;
	}
	next = s->next;
	s->next = NULL;
	m->nb_segs = (uint16_t)(i + 1);
	while (next != NULL) {
		struct rte_mbuf *after = next->next;

		rte_pktmbuf_free_seg(next);
		next = after;
	}
}

/*
 * bpf_xdp_adjust_head/tail/meta moved data/data_end: make the mbuf say the
 * same. Data moved in front of buf_addr (into the private area) is moved
 * back into the buffer, as an mbuf cannot point there; metadata is not
 * carried by the mbuf.
 */
static inline void
dp_ctx_to_mbuf(const struct xdpdk_xdp_ctx *c, struct rte_mbuf *m)
{
	uint8_t *buf = m->buf_addr;
	const uint32_t len = (uint32_t)(c->data_end - c->data);

	if (likely(c->frags == NULL && c->data == buf + m->data_off && len == m->data_len))
		return;
	if (unlikely(c->data < buf)) {
		memmove(buf, c->data, len);
		m->data_off = 0;
	} else {
		m->data_off = (uint16_t)(c->data - buf);
	}
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	if (unlikely(c->frags != NULL))
		dp_frags_to_mbuf(c, m);	/* pkt_len: the linear part and the fragments */
}

/* Queue @p n packets for TX on @p out at once (counted when flushed). */
static inline void
dp_tx_bulk(struct dp_worker *w, struct dp_port *out, struct rte_mbuf **m, uint16_t n)
{
	struct rte_eth_dev_tx_buffer *b = w->txb[out->port_id];

	while (n != 0) {
		uint16_t k;

		if (unlikely(b->length == b->size))
			xdpdk_dp_txb_flush_port(w, out->port_id);
		k = RTE_MIN(n, (uint16_t)(b->size - b->length));
		memcpy(&b->pkts[b->length], m, k * sizeof(*m));
		b->length += k;
		m += k;
		n -= k;
	}
	w->txb_dirty |= 1ull << out->port_id;
}

/* redirect.c */
void xdpdk_dp_redirect(struct dp_worker *w, struct dp_port *in, uint16_t queue,
		       const struct xdpdk_redirect_rec *rec, struct rte_mbuf *m);
void xdpdk_dp_ring_flush(struct dp_worker *w);
uint32_t xdpdk_dp_cpumap_poll(struct dp_worker *w);
int xdpdk_dp_redirect_init(void);
void xdpdk_dp_redirect_fini(void);

/* exception.c: TC ingress (tc.c), then the exception port; @p queue: the RX queue. */
void xdpdk_dp_exception(struct dp_worker *w, struct dp_port *in, struct rte_mbuf *m);
void xdpdk_dp_exception_bulk(struct dp_worker *w, struct dp_port *in, struct rte_mbuf **m,
			     uint16_t n, uint16_t queue);
/* ... the exception port alone, without TC (redirects into a port's ingress). */
void dp_exception_deliver(struct dp_worker *w, struct dp_port *in, struct rte_mbuf **m,
			  uint16_t n);

/* stats.c */
int xdpdk_dp_telemetry_init(void);

/* port.c */
void xdpdk_dp_ports_close(void);
int xdpdk_dp_ports_start(void);
void xdpdk_dp_ports_stop(void);

#endif /* XDPDK_DP_INTERNAL_H */
