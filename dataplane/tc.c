/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TC hooks, as clsact runs direct-action programs: ingress on the exception
 * path (what XDP passed, before it reaches the exception port, which stands
 * for the host's stack), egress on what the exception port sends out of the
 * port. The program sees the mbuf through struct xdpdk_skb_ctx (the
 * __sk_buff rewrite), its changes to data/data_end go back to the mbuf, and
 * its verdict is acted on as sch_handle_ingress/egress and skb_do_redirect
 * do. A port without TC programs pays one pointer read per exception burst.
 */
#include <errno.h>
#include <string.h>

#include <linux/if_packet.h>
#include <linux/pkt_cls.h>

#include <rte_ether.h>
#include <rte_rcu_qsbr.h>

#include <xdpdk/bpf.h>
#include <xdpdk/ctx.h>
#include <xdpdk/helpers.h>

#include "dp_internal.h"

/* The worker running TC programs on this thread, for bpf_clone_redirect's copies.
 * queue_mapping on ingress is the RX queue + 1, as skb_record_rx_queue sets it. */
static __thread struct dp_worker *tc_worker;

int
xdpdk_dp_port_set_tc(uint32_t ifindex, enum xdpdk_tc_hook hook, const struct xdpdk_prog *prog)
{
	struct dp_port *p = dp_port_by_ifindex(ifindex);

	if (p == NULL)
		return -ENODEV;
	if ((hook != XDPDK_TC_INGRESS && hook != XDPDK_TC_EGRESS) ||
	    (prog != NULL && xdpdk_prog_type(prog) != XDPDK_PROG_TYPE_TC))
		return -EINVAL;
	__atomic_store_n(&p->tc[hook], prog, __ATOMIC_RELEASE);
	if (xdpdk_dp.running && xdpdk_dp.rcu != NULL)
		rte_rcu_qsbr_synchronize(xdpdk_dp.rcu, RTE_QSBR_THRID_INVALID);
	return 0;
}

/* eth_type_trans on the port: pkt_type from the destination MAC, protocol from the type. */
static void
eth_type_trans(struct xdpdk_skb_ctx *c, const struct dp_port *p)
{
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)c->data;
	const uint16_t type = rte_be_to_cpu_16(eth->ether_type);

	if (rte_is_multicast_ether_addr(&eth->dst_addr))
		c->pkt_type = rte_is_broadcast_ether_addr(&eth->dst_addr) ? PACKET_BROADCAST :
									    PACKET_MULTICAST;
	else if (!rte_is_same_ether_addr(&eth->dst_addr, &p->mac))
		c->pkt_type = PACKET_OTHERHOST;
	if (type >= 0x0600) /* ETH_P_802_3_MIN */
		c->protocol = eth->ether_type;
	else
		c->protocol = rte_cpu_to_be_16(c->len >= 16 && c->data[14] == 0xff &&
					       c->data[15] == 0xff ? 0x0001 : 0x0004);
}

static void
skb_from_mbuf(struct xdpdk_skb_ctx *c, struct rte_mbuf *m, const struct dp_port *p, int hook,
	      uint16_t queue, uint32_t worker)
{
	memset(c, 0, sizeof(*c));
	c->head = m->buf_addr;
	c->buf_end = c->head + m->buf_len;
	c->data = rte_pktmbuf_mtod(m, uint8_t *);
	c->data_meta = c->data;
	c->data_end = c->data + m->data_len;
	c->len = m->data_len;
	c->wire_len = m->pkt_len;
	c->ifindex = p->ifindex;
	c->ingress_ifindex = hook == XDPDK_TC_INGRESS ? p->ifindex : 0;
	c->queue_mapping = queue;
	c->network_off = RTE_ETHER_HDR_LEN;
	c->dev_max_len = (uint32_t)p->mtu + RTE_ETHER_HDR_LEN;
	c->worker = worker;
	c->mbuf = m;
	if (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH) {
		c->hash = m->hash.rss;
		c->l4_hash = 1;
	}
	if (hook == XDPDK_TC_INGRESS)
		eth_type_trans(c, p);
	else
		c->protocol = ((const struct rte_ether_hdr *)c->data)->ether_type;
}

/*
 * The program moved data/data_end (push/pop, change_head/tail, adjust_room).
 * A tag bpf_skb_vlan_push left in the skb's accelerated slot goes into the
 * frame, as a device without VLAN insertion offload gets it
 * (__vlan_hwaccel_push_inside). @return false when there is no room for it.
 */
static bool
skb_to_mbuf(const struct xdpdk_skb_ctx *c, struct rte_mbuf *m)
{
	uint8_t *d;

	m->data_off = (uint16_t)(c->data - (uint8_t *)m->buf_addr);
	m->data_len = (uint16_t)(c->data_end - c->data);
	m->pkt_len = m->data_len;
	if (!c->vlan_present)
		return true;
	if (m->data_len < 2 * RTE_ETHER_ADDR_LEN || (d = (uint8_t *)rte_pktmbuf_prepend(m, 4)) == NULL)
		return false;
	memmove(d, d + 4, 2 * RTE_ETHER_ADDR_LEN);
	memcpy(d + 12, &c->vlan_proto, 2);	/* network order already */
	d[14] = (uint8_t)(c->vlan_tci >> 8);
	d[15] = (uint8_t)c->vlan_tci;
	return true;
}

/*
 * Into @p to's "stack": its exception path (BPF_F_INGRESS, bpf_redirect_peer),
 * without its TC ingress program again: no loop between two redirecting
 * programs can keep a worker.
 */
static void
to_ingress(struct dp_worker *w, struct dp_port *to, struct rte_mbuf *m)
{
	dp_exception_deliver(w, to, &m, 1);
}

/* skb_do_redirect: @p m leaves as the recorded redirect says, or is dropped (false). */
static bool
do_redirect(struct dp_worker *w, const struct xdpdk_skb_ctx *c, struct rte_mbuf *m)
{
	const struct xdpdk_tc_redirect *r = xdpdk_tc_redirect_last();
	struct dp_port *to = dp_port_by_ifindex(r->ifindex);

	if (to == NULL || !__atomic_load_n(&to->up, __ATOMIC_RELAXED))
		return false;
	if (r->flags & (BPF_F_INGRESS | XDPDK_TC_REDIR_PEER)) {
		to_ingress(w, to, m);
		return true;
	}
	if (r->flags & XDPDK_TC_REDIR_NEIGH) {
		/* the kernel pulls the MAC header and lets the neighbour layer build one */
		uint8_t eth[RTE_ETHER_HDR_LEN];
		const uint32_t l2 = c->network_off;

		if (m->data_len < l2 ||
		    xdpdk_tc_redirect_neigh_eth(r, rte_pktmbuf_mtod_offset(m, uint8_t *, l2),
						m->data_len - l2, c->protocol, eth) != 0)
			return false;
		if (l2 != RTE_ETHER_HDR_LEN) {
			if (l2 > RTE_ETHER_HDR_LEN)
				rte_pktmbuf_adj(m, (uint16_t)(l2 - RTE_ETHER_HDR_LEN));
			else if (rte_pktmbuf_prepend(m, (uint16_t)(RTE_ETHER_HDR_LEN - l2)) == NULL)
				return false;
		}
		memcpy(rte_pktmbuf_mtod(m, void *), eth, sizeof(eth));
	}
	dp_tx_bulk(w, to, &m, 1);
	return true;
}

uint16_t
dp_tc_run(struct dp_worker *w, struct dp_port *p, int hook, const struct xdpdk_prog *prog,
	  struct rte_mbuf **m, uint16_t n, uint16_t queue)
{
	struct xdpdk_dp_stats *st = &w->st[p->port_id];
	uint16_t kept = 0;

	tc_worker = w;
	for (uint16_t i = 0; i < n; i++) {
		struct xdpdk_skb_ctx c;
		int32_t ret;

		if (unlikely(m[i]->nb_segs != 1) && rte_pktmbuf_linearize(m[i]) != 0) {
			st->tc_shot++;
			rte_pktmbuf_free(m[i]);
			continue;
		}
		skb_from_mbuf(&c, m[i], p, hook, queue, w->index);
		ret = (int32_t)xdpdk_prog_run(prog, &c, 0);
		st->tc_runs++;
		if (unlikely(!skb_to_mbuf(&c, m[i])))
			ret = TC_ACT_SHOT;
		switch (ret) {
		case TC_ACT_SHOT:
			st->tc_shot++;
			rte_pktmbuf_free(m[i]);
			break;
		case TC_ACT_STOLEN:
		case TC_ACT_QUEUED:
		case TC_ACT_TRAP:
			st->tc_stolen++;
			rte_pktmbuf_free(m[i]);
			break;
		case TC_ACT_REDIRECT:
			if (do_redirect(w, &c, m[i])) {
				st->tc_redirect++;
			} else {
				st->tc_redirect_err++;
				rte_pktmbuf_free(m[i]);
			}
			break;
		default: /* OK, UNSPEC, PIPE, RECLASSIFY and the rest: on its way */
			m[kept++] = m[i];
			break;
		}
	}
	tc_worker = NULL;
	return kept;
}

/* bpf_clone_redirect on a worker: a copy out of (or into) another port, at once. */
static int
clone_redirect(uint32_t ifindex, uint64_t flags, const uint8_t *frame, uint32_t len, void *arg)
{
	struct dp_worker *w = tc_worker;
	struct dp_port *to = dp_port_by_ifindex(ifindex);
	struct rte_mbuf *copy;

	(void)arg;
	if (to == NULL)
		return -EINVAL;
	if (w == NULL || !__atomic_load_n(&to->up, __ATOMIC_RELAXED))
		return 1; /* NET_XMIT_DROP */
	copy = rte_pktmbuf_alloc(to->pool);
	if (copy == NULL || len > rte_pktmbuf_tailroom(copy)) {
		rte_pktmbuf_free(copy);
		return -ENOMEM;
	}
	memcpy(rte_pktmbuf_append(copy, (uint16_t)len), frame, len);
	if (flags & BPF_F_INGRESS)
		to_ingress(w, to, copy);
	else
		dp_tx_bulk(w, to, &copy, 1);
	return 0;
}

void
dp_tc_init(void)
{
	xdpdk_tc_set_clone_handler(clone_redirect, NULL);
}

void
dp_tc_fini(void)
{
	xdpdk_tc_set_clone_handler(NULL, NULL);
}
