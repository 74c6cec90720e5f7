/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TX lcores. Core c of N sends the packets whose global number
 * g = loop * n + i is c modulo N, so N cores share one schedule: packet g is
 * due at t0 + loop * period + off[i] (cycles), computed from the start each
 * time, so that no error accumulates. A burst takes every packet already due
 * (at most 32): a late core catches up, an early one spins.
 *
 * Shared mode sends the core's own template mbufs with one more reference
 * each (the PMD's free drops it; short captures are replicated so that no
 * burst holds an mbuf twice); copy mode (varied fields, latency stamps,
 * injection into a dataplane whose programs write packets) sends a private
 * copy per packet.
 */
#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_pause.h>
#include <rte_random.h>
#include <rte_ring.h>

#include <netinet/in.h>

#include "replay_internal.h"

#define BURST XDPDK_REPLAY_BURST

static uint32_t
vary_value(const struct xdpdk_replay_vary *v, uint64_t g)
{
	const uint64_t span = (uint64_t)v->hi - v->lo + 1;

	return (uint32_t)(v->lo + (v->random ? rte_rand_max(span) : g % span));
}

/* The varied fields of one copy; true when a checksum must follow. */
static bool
vary_apply(const struct xdpdk_replay *r, const struct rp_pkt *k, uint8_t *p, uint64_t g,
	   bool *ip_changed)
{
	bool l4_changed = false;

	for (uint32_t j = 0; j < r->o.n_vary; j++) {
		const struct xdpdk_replay_vary *v = &r->o.vary[j];
		const uint32_t val = vary_value(v, g);
		const rte_be32_t be32 = rte_cpu_to_be_32(val);
		const rte_be16_t be16 = rte_cpu_to_be_16((uint16_t)val);

		switch (v->field) {
		case XDPDK_REPLAY_SRC_IP:
		case XDPDK_REPLAY_DST_IP:
			if (k->ipv != 4)
				break;
			memcpy(p + k->l3 + (v->field == XDPDK_REPLAY_SRC_IP ? 12 : 16), &be32, 4);
			*ip_changed = true;
			break;
		case XDPDK_REPLAY_SRC_PORT:
		case XDPDK_REPLAY_DST_PORT:
			if (k->l4 < 0 || (k->proto != IPPROTO_UDP && k->proto != IPPROTO_TCP))
				break;
			memcpy(p + k->l4 + (v->field == XDPDK_REPLAY_SRC_PORT ? 0 : 2), &be16, 2);
			l4_changed = true;
			break;
		}
	}
	return l4_changed || *ip_changed;
}

/* Recompute the IPv4 header sum and the UDP/TCP sum (the pseudo-header covers the addresses). */
static void
fix_checksums(const struct rp_pkt *k, uint8_t *p, bool ip_changed)
{
	void *l4 = p + k->l4;
	uint16_t *sum;

	if (k->ipv == 4 && ip_changed) {
		struct rte_ipv4_hdr *ip = (void *)(p + k->l3);

		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	if (!k->l4_csum)
		return;
	sum = (uint16_t *)((uint8_t *)l4 + (k->proto == IPPROTO_UDP ? 6 : 16));
	*sum = 0;
	if (k->ipv == 4)
		*sum = rte_ipv4_udptcp_cksum((const struct rte_ipv4_hdr *)(p + k->l3), l4);
	else
		*sum = rte_ipv6_udptcp_cksum((const struct rte_ipv6_hdr *)(p + k->l3), l4);
}

/* Copies of packets idx[0..k) from the blob: varied, stamped, summed. false: no mbufs. */
static bool
make_copies(struct rp_core *c, struct rte_mbuf **m, const uint32_t *idx, const uint64_t *gs,
	    uint16_t k)
{
	const struct xdpdk_replay *r = c->r;

	if (rte_pktmbuf_alloc_bulk(c->copy_pool, m, k) != 0)
		return false;
	for (uint16_t j = 0; j < k; j++) {
		const struct rp_pkt *pk = &r->cap.pkt[idx[j]];
		uint8_t *p = rte_pktmbuf_mtod(m[j], uint8_t *);
		bool ip_changed = false, fix = false;

		rte_memcpy(p, r->cap.blob + pk->off, pk->len);
		m[j]->data_len = (uint16_t)pk->len;
		m[j]->pkt_len = pk->len;
		m[j]->port = c->sink.port_id;
		if (r->o.n_vary != 0)
			fix = vary_apply(r, pk, p, gs[j], &ip_changed);
		if (r->o.latency && pk->stamp >= 0) {
			const uint64_t stamp[2] = { RP_STAMP_MAGIC, rte_rdtsc() };

			memcpy(p + pk->stamp, stamp, sizeof(stamp));
			fix = true;
		}
		if (fix && pk->l4 >= 0)
			fix_checksums(pk, p, ip_changed);
		else if (ip_changed)
			fix_checksums(&(struct rp_pkt){ .ipv = 4, .l3 = pk->l3 }, p, true);
	}
	return true;
}

/* Send all @p k, retrying while the port (or ring) is full; the rest are freed on stop. */
static uint16_t
send_all(struct rp_core *c, struct rte_mbuf **m, uint16_t k)
{
	uint16_t sent = 0;

	for (;;) {
		if (c->sink.ring != NULL)
			sent += (uint16_t)rte_ring_enqueue_burst(c->sink.ring, (void **)m + sent,
								 k - sent, NULL);
		else
			sent += rte_eth_tx_burst(c->sink.port_id, c->sink.queue, m + sent, k - sent);
		if (likely(sent == k))
			return sent;
		c->tx_retries++;
		if (c->stop || *c->ext_stop) {
			rte_pktmbuf_free_bulk(m + sent, k - sent);
			return sent;
		}
		rte_pause();
	}
}

/* One TX lcore: @p paced and @p copy are constants in each wrapper below. */
static __rte_always_inline void
tx_loop(struct rp_core *c, const bool paced, const bool copy)
{
	const struct xdpdk_replay *r = c->r;
	const uint32_t n = r->cap.n, step = r->o.n_cores;
	const uint64_t total = r->total, end = r->end_tsc, t0 = r->t0;
	const uint64_t *off = r->off;
	const struct rp_pkt *pkt = r->cap.pkt;
	const uint64_t ontime = r->hz / 1000000 * RP_ONTIME_US;
	uint64_t g = c->index, loop = g / n, base, due = 0, late;
	bool last = false;
	const uint32_t n_tpl = c->n_tpl;
	uint32_t i = (uint32_t)(g % n), rep = copy ? 0 : (uint32_t)(loop % c->n_rep) * n;
	struct rte_mbuf *m[BURST];
	uint32_t idx[BURST], tix[BURST];
	uint64_t gs[BURST];

	base = t0 + (uint64_t)((double)loop * r->period);
	while (rte_rdtsc() < t0)
		rte_pause();
	while (!c->stop && !*c->ext_stop && g < total && !last) {
		const uint64_t now = rte_rdtsc();
		uint64_t first_due = now, bytes = 0;
		uint16_t k = 0, sent;

		/* Paced, the end is in schedule time: what was due before it goes, even late. */
		if (!paced && unlikely(now >= end))
			break;
		while (k < BURST && g < total) {
			if (paced) {
				due = base + off[i];
				if (unlikely(due >= end)) {
					last = true;
					break;
				}
				if (due > now)
					break;
				if (k == 0)
					first_due = due;
			}
			idx[k] = i;
			tix[k] = i + rep;
			gs[k++] = g;
			g += step;
			i += step;
			if (unlikely(i >= n)) {
				/* No division in the common case (one core, or fewer cores than packets). */
				if (likely(i - n < n)) {
					i -= n;
					loop++;
					/* rep stays (loop % n_rep) * n */
					if (!copy && (rep += n) >= n_tpl)
						rep = 0;
				} else {
					loop += i / n;
					i %= n;
					if (!copy)
						rep = (uint32_t)(loop % c->n_rep) * n;
				}
				if (paced)
					base = t0 + (uint64_t)((double)loop * r->period);
			}
		}
		if (k == 0) {
			if (!last)
				rte_pause();
			continue;
		}
		if (copy) {
			if (unlikely(!make_copies(c, m, idx, gs, k))) {
				/* Pool empty: the copies are still in flight; try these again. */
				g = gs[0];
				i = idx[0];
				loop = g / n;
				last = false;
				base = t0 + (uint64_t)((double)loop * r->period);
				c->tx_retries++;
				rte_pause();
				continue;
			}
		} else {
			for (uint16_t j = 0; j < k; j++) {
				m[j] = c->tpl[tix[j]];
				rte_mbuf_refcnt_update(m[j], 1);
			}
		}
		for (uint16_t j = 0; j < k; j++)
			bytes += pkt[idx[j]].len;
		late = paced ? now - first_due : 0;
		if (c->tx_packets == 0)
			c->first_late = late;
		c->last_late = late;
		if (late <= ontime) {
			if (c->first_tsc == 0) {
				c->first_tsc = now;
				c->first_count = c->tx_packets;
			}
			c->last_tsc = now;
			c->last_count = c->tx_packets;
		}
		sent = send_all(c, m, k);
		c->tx_packets += sent;
		c->tx_bytes += sent == k ? bytes : 0;
		if (unlikely(sent < k)) {
			for (uint16_t j = 0; j < sent; j++)
				c->tx_bytes += pkt[idx[j]].len;
			break;
		}
	}
	c->done_tsc = rte_rdtsc();
	__atomic_store_n(&c->done, true, __ATOMIC_RELEASE);
}

static void
tx_paced_copy(struct rp_core *c)
{
	tx_loop(c, true, true);
}

static void
tx_paced_shared(struct rp_core *c)
{
	tx_loop(c, true, false);
}

static void
tx_top_copy(struct rp_core *c)
{
	tx_loop(c, false, true);
}

static void
tx_top_shared(struct rp_core *c)
{
	tx_loop(c, false, false);
}

int
xdpdk_replay_tx_main(void *arg)
{
	struct rp_core *c = arg;
	const bool paced = c->r->o.rate != XDPDK_REPLAY_TOPSPEED;

	if (paced)
		(c->r->copy ? tx_paced_copy : tx_paced_shared)(c);
	else
		(c->r->copy ? tx_top_copy : tx_top_shared)(c);
	return 0;
}
