/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * XDP_REDIRECT, second phase (the kernel's xdp_do_redirect and
 * xdp_do_flush): the worker takes the target the helper recorded for the
 * packet and queues the packet to it — a port's TX buffer (bpf_redirect,
 * devmap, devmap_hash, broadcast), a cpumap entry's ring — and every queue is
 * flushed once at the end of the round. Programs of devmap entries run before
 * TX with egress_ifindex set; cpumap entries' programs run on the target
 * worker after it dequeues.
 *
 * Map entries get their dataplane object through the maps' redirect hooks:
 * a cpumap entry's ring (created on update, registered with its target
 * worker), a devmap entry's program (named by a handle from
 * xdpdk_dp_prog_register, which stands in for the kernel's fd).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include <xdpdk/bpf.h>
#include <xdpdk/map.h>

#include "dp_internal.h"

#define MAX_PROG_HANDLES 64
#define MAX_BROADCAST 64

static const struct xdpdk_prog *prog_handles[MAX_PROG_HANDLES + 1];

int
xdpdk_dp_prog_register(const struct xdpdk_prog *prog)
{
	if (prog == NULL)
		return -EINVAL;
	for (int h = 1; h <= MAX_PROG_HANDLES; h++) {
		if (prog_handles[h] == NULL) {
			prog_handles[h] = prog;
			return h;
		}
	}
	return -ENOSPC;
}

void
xdpdk_dp_prog_unregister(int handle)
{
	if (handle > 0 && handle <= MAX_PROG_HANDLES)
		prog_handles[handle] = NULL;
}

static const struct xdpdk_prog *
prog_of_handle(int fd, enum xdpdk_prog_type type)
{
	if (fd <= 0 || fd > MAX_PROG_HANDLES || prog_handles[fd] == NULL ||
	    xdpdk_prog_type(prog_handles[fd]) != type)
		return NULL;
	return prog_handles[fd];
}

/* ---- the entries' objects (control plane) ------------------------------- */

struct dp_dev_tgt {
	const struct xdpdk_prog *prog;
};

enum { TGT_DEV = 1, TGT_CPU, TGT_XSK };

struct dp_tgt {
	int kind;
	union {
		struct dp_dev_tgt dev;
		struct dp_cpu_tgt cpu;
		struct xdpdk_xsk *xsk;
	};
};

static int
cpu_attach(const struct bpf_cpumap_val *v, uint32_t key, struct dp_tgt *t)
{
	static uint32_t seq;
	char name[RTE_RING_NAMESIZE];
	struct dp_worker *w;

	if (key >= xdpdk_dp.n_workers)
		return -ENODEV;
	w = xdpdk_dp.workers[key];
	if (v->bpf_prog.fd > 0) {
		t->cpu.prog = prog_of_handle(v->bpf_prog.fd, XDPDK_PROG_TYPE_XDP);
		if (t->cpu.prog == NULL)
			return -EINVAL;
	}
	for (t->cpu.slot = 0; t->cpu.slot < DP_MAX_CPU_IN; t->cpu.slot++)
		if (w->cpu_in[t->cpu.slot] == NULL)
			break;
	if (t->cpu.slot == DP_MAX_CPU_IN)
		return -ENOSPC;
	snprintf(name, sizeof(name), "xdpdk_cpu%u", __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	/* qsize usable slots, as the kernel's ptr_ring of qsize. */
	t->cpu.ring = rte_ring_create_elem(name, sizeof(void *), v->qsize,
					   rte_lcore_to_socket_id(w->lcore),
					   RING_F_SC_DEQ | RING_F_EXACT_SZ);
	if (t->cpu.ring == NULL)
		return -rte_errno;
	t->cpu.worker = key;
	w->cpu_in_prog[t->cpu.slot] = t->cpu.prog;
	__atomic_store_n(&w->cpu_in[t->cpu.slot], t->cpu.ring, __ATOMIC_RELEASE);
	return 0;
}

static int
tgt_attach(struct xdpdk_map *map, uint32_t key, const void *val, void **out)
{
	const enum bpf_map_type type = xdpdk_map_def(map)->type;
	struct dp_tgt *t;
	int ret = 0;

	*out = NULL;
	if ((type == BPF_MAP_TYPE_DEVMAP || type == BPF_MAP_TYPE_DEVMAP_HASH) &&
	    ((const struct bpf_devmap_val *)val)->bpf_prog.fd <= 0)
		return 0;	/* a plain port: nothing to attach */
	t = rte_zmalloc("xdpdk_redir_tgt", sizeof(*t), 0);
	if (t == NULL)
		return -ENOMEM;
	if (type == BPF_MAP_TYPE_CPUMAP) {
		t->kind = TGT_CPU;
		ret = cpu_attach(val, key, t);
	} else if (type == BPF_MAP_TYPE_XSKMAP) {
		/* The value names a socket, as the kernel's socket fd (EBADF if none). */
		t->kind = TGT_XSK;
		t->xsk = xdpdk_dp_xsk_by_fd(*(const uint32_t *)val);
		if (t->xsk == NULL)
			ret = -EBADF;
	} else {
		t->kind = TGT_DEV;
		t->dev.prog = prog_of_handle(((const struct bpf_devmap_val *)val)->bpf_prog.fd,
					     XDPDK_PROG_TYPE_XDP);
		if (t->dev.prog == NULL)
			ret = -EINVAL;
	}
	if (ret != 0) {
		rte_free(t);
		return ret;
	}
	*out = t;
	return 0;
}

/* No producer reaches the entry any more; wait for the consumer, then drain. */
static void
tgt_detach(void *arg)
{
	struct dp_tgt *t = arg;

	if (t->kind == TGT_CPU) {
		struct dp_worker *w = xdpdk_dp.workers[t->cpu.worker];
		void *m;

		if (w != NULL) {
			__atomic_store_n(&w->cpu_in[t->cpu.slot], NULL, __ATOMIC_RELEASE);
			if (xdpdk_dp.running && xdpdk_dp.rcu != NULL)
				rte_rcu_qsbr_synchronize(xdpdk_dp.rcu, RTE_QSBR_THRID_INVALID);
			w->cpu_in_prog[t->cpu.slot] = NULL;
		}
		while (rte_ring_dequeue(t->cpu.ring, &m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(t->cpu.ring);
	}
	rte_free(t);
}

static const struct xdpdk_map_redirect_hooks hooks = {
	.attach = tgt_attach,
	.detach = tgt_detach,
};

int
xdpdk_dp_redirect_init(void)
{
	xdpdk_maps_set_redirect_hooks(&hooks);
	return 0;
}

void
xdpdk_dp_redirect_fini(void)
{
	xdpdk_maps_set_redirect_hooks(NULL);
	memset(prog_handles, 0, sizeof(prog_handles));
}

/* ---- the data path ------------------------------------------------------ */

static __rte_noinline void
redirect_fail(struct dp_worker *w, struct dp_port *in, uint16_t queue, struct rte_mbuf *m,
	      bool down, uint32_t target)
{
	struct xdpdk_dp_stats *st = &w->st[in->port_id];

	if (down)
		st->redirect_down++;
	else
		st->redirect_err++;
	xdpdk_dp_trace(w, in, queue, down ? DP_TR_REDIRECT_DOWN : DP_TR_REDIRECT_ERR,
		       XDP_REDIRECT, target);
	rte_pktmbuf_free(m);
}

/*
 * A devmap entry's program, before TX (dev_map_bpf_prog_run_skb/_xdp): only
 * XDP_PASS lets the packet go on. @return true if it goes on.
 */
static bool
devmap_prog(struct dp_worker *w, const struct dp_port *in, const struct xdpdk_prog *prog,
	    uint32_t egress, struct rte_mbuf *m)
{
	struct xdpdk_xdp_ctx c = {
		.ingress_ifindex = in->ifindex,
		.egress_ifindex = egress,
		.worker = w->index,
		.run = &w->run,
	};

	dp_ctx_from_mbuf(&c, m);
	if ((uint32_t)xdpdk_prog_run(prog, &c, 0) != XDP_PASS)
		return false;
	dp_ctx_to_mbuf(&c, m);
	return true;
}

/* To a port by ifindex, through the entry's program if any. */
static inline void
to_port(struct dp_worker *w, struct dp_port *in, uint16_t queue, uint32_t ifindex,
	const struct dp_tgt *t, struct rte_mbuf *m)
{
	struct dp_port *out = dp_port_by_ifindex(ifindex);

	if (unlikely(out == NULL || !__atomic_load_n(&out->up, __ATOMIC_RELAXED))) {
		redirect_fail(w, in, queue, m, out != NULL, ifindex);
		return;
	}
	if (t != NULL && t->kind == TGT_DEV && !devmap_prog(w, in, t->dev.prog, ifindex, m)) {
		w->st[in->port_id].action_packets[XDP_DROP]++;
		rte_pktmbuf_free(m);
		return;
	}
	dp_tx(w, out, m);
}

/* dev_map_enqueue_multi(): every entry (but the ingress port with EXCLUDE_INGRESS). */
static void
broadcast(struct dp_worker *w, struct dp_port *in, uint16_t queue,
	  const struct xdpdk_redirect_rec *rec, struct rte_mbuf *m)
{
	const bool excl = rec->flags & BPF_F_EXCLUDE_INGRESS;
	uint32_t ifx[MAX_BROADCAST];
	void *tgts[MAX_BROADCAST];
	uint32_t it = 0, n = 0;
	const void *v;
	void *tgt;

	while (n < MAX_BROADCAST && (v = xdpdk_map_redirect_next(rec->map, &it, &tgt)) != NULL) {
		const uint32_t ifindex = ((const struct bpf_devmap_val *)v)->ifindex;

		if (excl && ifindex == in->ifindex)
			continue;
		ifx[n] = ifindex;
		tgts[n++] = tgt;
	}
	if (n == 0) {
		rte_pktmbuf_free(m);
		return;
	}
	for (uint32_t i = 0; i + 1 < n; i++) {
		struct rte_mbuf *c;

		/* Entries with a program may write: they get a copy; others share by refcount. */
		if (tgts[i] != NULL) {
			c = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
			if (c == NULL) {
				redirect_fail(w, in, queue, NULL, false, ifx[i]);
				continue;
			}
		} else {
			rte_mbuf_refcnt_update(m, 1);
			c = m;
		}
		to_port(w, in, queue, ifx[i], tgts[i], c);
	}
	to_port(w, in, queue, ifx[n - 1], tgts[n - 1], m);
}

/* Queue for a cpumap entry's or a socket's ring; enqueued in bulk at the flush. */
static inline void
to_ring(struct dp_worker *w, struct dp_port *in, uint16_t queue, struct rte_ring *r,
	uint64_t *full, struct rte_mbuf *m)
{
	uint32_t i;

	for (i = 0; i < w->n_pend; i++)
		if (w->pend_ring[i] == r)
			break;
	if (i == w->n_pend) {
		if (unlikely(i == XDPDK_DP_MAX_BURST)) {
			redirect_fail(w, in, queue, m, false, 0);
			return;
		}
		w->pend_ring[i] = r;
		w->pend_full[i] = full;
		w->pend_n[i] = 0;
		w->n_pend++;
	}
	if (unlikely(w->pend_n[i] == XDPDK_DP_MAX_BURST)) {
		redirect_fail(w, in, queue, m, false, 0);
		return;
	}
	/*
	 * The flush and the cpumap's consumer find the ingress port through
	 * m->port (the kernel's xdp_frame keeps dev_rx); not every PMD sets it
	 * (net_ring leaves what the mbuf had, RTE_MBUF_PORT_INVALID when new).
	 */
	m->port = in->port_id;
	w->pend[i][w->pend_n[i]++] = m;
}

void
xdpdk_dp_redirect(struct dp_worker *w, struct dp_port *in, uint16_t queue,
		  const struct xdpdk_redirect_rec *rec, struct rte_mbuf *m)
{
	const struct dp_tgt *t = rec->tgt;

	switch (rec->kind) {
	case XDPDK_REDIR_IFINDEX:
		to_port(w, in, queue, rec->index, NULL, m);
		return;
	case XDPDK_REDIR_DEVMAP:
		to_port(w, in, queue, ((const struct bpf_devmap_val *)rec->val)->ifindex, t, m);
		return;
	case XDPDK_REDIR_BROADCAST:
		broadcast(w, in, queue, rec, m);
		return;
	case XDPDK_REDIR_CPUMAP:
		if (likely(t != NULL && t->kind == TGT_CPU)) {
			to_ring(w, in, queue, t->cpu.ring, NULL, m);
			return;
		}
		break;
	case XDPDK_REDIR_XSKMAP:
		/* xsk_rcv(): only packets of the queue the socket is bound to. */
		if (likely(t != NULL && t->kind == TGT_XSK && t->xsk->ifindex == in->ifindex &&
			   t->xsk->queue == queue)) {
			to_ring(w, in, queue, t->xsk->rx, &t->xsk->rx_full, m);
			return;
		}
		break;
	default:
		break;
	}
	redirect_fail(w, in, queue, m, false, rec->index);
}

void
xdpdk_dp_ring_flush(struct dp_worker *w)
{
	for (uint32_t i = 0; i < w->n_pend; i++) {
		const uint16_t n = w->pend_n[i];
		const unsigned int k = rte_ring_enqueue_burst(w->pend_ring[i], (void **)w->pend[i],
							      n, NULL);

		if (unlikely(k < n)) {
			/* Ring full: dropped, counted on the ingress port and the target. */
			w->st[w->pend[i][k]->port].ring_full += n - k;
			if (w->pend_full[i] != NULL)
				__atomic_fetch_add(w->pend_full[i], n - k, __ATOMIC_RELAXED);
			rte_pktmbuf_free_bulk(&w->pend[i][k], n - k);
		}
	}
	w->n_pend = 0;
}

/*
 * The target side (cpu_map_kthread_run): dequeue, run the entry's program
 * (PASS: on to the stack, i.e. the exception path; REDIRECT: again; else
 * drop), then pass the rest on.
 */
static uint32_t
cpu_ring_poll(struct dp_worker *w, struct rte_ring *r, const struct xdpdk_prog *prog)
{
	const unsigned int n = rte_ring_dequeue_burst(r, (void **)w->pkts, xdpdk_dp.burst, NULL);
	struct rte_mbuf *pass[XDPDK_DP_MAX_BURST];
	struct dp_port *pass_in = NULL;
	uint16_t npass = 0;

	for (unsigned int i = 0; i < n; i++) {
		struct rte_mbuf *m = w->pkts[i];
		struct dp_port *in = &xdpdk_dp.ports[m->port];
		uint32_t v = XDP_PASS;

		if (prog != NULL) {
			struct xdpdk_xdp_ctx *c = &w->ctx[i];

			dp_ctx_from_mbuf(c, m);
			c->ingress_ifindex = in->ifindex;
			c->rx_queue_index = 0;
			w->ctx_owner = NULL;	/* the RX path rewrites ingress/queue */
			w->run.cur = i;
			w->run.rec[i].kind = XDPDK_REDIR_NONE;
			v = (uint32_t)xdpdk_prog_run(prog, c, 0);
			dp_ctx_to_mbuf(c, m);
		}
		if (v == XDP_PASS) {
			/* Runs of packets from one ingress port go to its exception path at once. */
			if (in != pass_in && npass != 0) {
				w->st[pass_in->port_id].cpumap_in += npass;
				xdpdk_dp_exception_bulk(w, pass_in, pass, npass, 0);
				npass = 0;
			}
			pass_in = in;
			pass[npass++] = m;
			continue;
		}
		w->st[m->port].cpumap_in++;
		if (v == XDP_REDIRECT)
			xdpdk_dp_redirect(w, in, 0, &w->run.rec[i], m);
		else
			rte_pktmbuf_free(m);
	}
	if (npass != 0) {
		w->st[pass_in->port_id].cpumap_in += npass;
		xdpdk_dp_exception_bulk(w, pass_in, pass, npass, 0);
	}
	return n;
}

uint32_t
xdpdk_dp_cpumap_poll(struct dp_worker *w)
{
	uint32_t n = 0;

	for (uint32_t s = 0; s < DP_MAX_CPU_IN; s++) {
		struct rte_ring *r = __atomic_load_n(&w->cpu_in[s], __ATOMIC_ACQUIRE);

		if (r == NULL)
			continue;
		n += cpu_ring_poll(w, r, w->cpu_in_prog[s]);
		xdpdk_dp_worker_flush(w);
	}
	return n;
}
