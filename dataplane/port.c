/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports: probe (vdevs) or find the device, configure queues and the pool with
 * XDP's headroom, name it by an xdpdk ifindex; attach programs; the
 * exception port behind XDP_PASS.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include <xdpdk/bpf.h>

#include "dp_internal.h"

#define DEFAULT_DESC 1024
#define POOL_CACHE 256

/* Programs that call these run one packet at a time: see struct xdpdk_redirect_run. */
static bool
prog_may_redirect(const struct xdpdk_prog *prog)
{
	uint32_t n;
	const struct bpf_insn *insns = xdpdk_prog_insns(prog, &n);

	for (uint32_t i = 0; i < n; i++) {
		if (insns[i].code != (BPF_JMP | BPF_CALL) || insns[i].src_reg != 0)
			continue;
		if (insns[i].imm == BPF_FUNC_redirect || insns[i].imm == BPF_FUNC_redirect_map ||
		    insns[i].imm == BPF_FUNC_tail_call)
			return true;
	}
	return false;
}

static uint32_t
free_ifindex(void)
{
	for (uint32_t i = 1; i <= XDPDK_DP_MAX_IFINDEX; i++)
		if (xdpdk_dp.by_ifindex[i] == 0)
			return i;
	return 0;
}

/* Probe a vdev from its devargs, or find an existing port by name. */
static int
find_or_probe(const char *devargs, uint16_t *port_id, bool *created)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	const char *comma = strchr(devargs, ',');
	size_t len = comma != NULL ? (size_t)(comma - devargs) : strlen(devargs);
	int ret;

	if (len == 0 || len >= sizeof(name))
		return -EINVAL;
	memcpy(name, devargs, len);
	name[len] = '\0';
	*created = false;
	if (rte_eth_dev_get_port_by_name(name, port_id) == 0)
		return 0;
	if (strncmp(name, "net_", 4) != 0)
		return -ENODEV;
	ret = rte_eal_hotplug_add("vdev", name, comma != NULL ? comma + 1 : "");
	if (ret != 0)
		return ret < 0 ? ret : -ENODEV;
	*created = true;
	return rte_eth_dev_get_port_by_name(name, port_id) == 0 ? 0 : -ENODEV;
}

static int
port_configure(struct dp_port *p, const struct xdpdk_port_opts *o)
{
	const uint16_t rx_desc = o->rx_desc ? o->rx_desc : DEFAULT_DESC;
	const uint16_t tx_desc = o->tx_desc ? o->tx_desc : DEFAULT_DESC;
	const int socket = rte_eth_dev_socket_id(p->port_id);
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	char pool_name[RTE_MEMPOOL_NAMESIZE];
	uint32_t n_mbufs;
	int ret;

	ret = rte_eth_dev_info_get(p->port_id, &info);
	if (ret != 0)
		return ret;
	p->n_rxq = o->n_rxq ? o->n_rxq : 1;
	p->n_txq = o->n_txq ? o->n_txq : (uint16_t)RTE_MAX(xdpdk_dp.n_workers, 1u);
	if (p->n_rxq > info.max_rx_queues)
		return -EINVAL;
	if (p->n_txq > info.max_tx_queues)
		p->n_txq = info.max_tx_queues;	/* e.g. net_pcap: one per tx_pcap */
	if (p->n_txq == 0)
		return -EINVAL;
	p->txq_shared = p->n_txq < xdpdk_dp.n_workers;
	for (unsigned int i = 0; i < RTE_DIM(p->txq_lock); i++)
		rte_spinlock_init(&p->txq_lock[i]);
	/* RX rings full, TX rings full, TX buffers and in-flight bursts of every worker. */
	n_mbufs = o->pool_size ? o->pool_size
			       : p->n_rxq * rx_desc + p->n_txq * tx_desc +
					 xdpdk_dp.n_workers * (POOL_CACHE + 4 * DP_TXB_SIZE) + 1024;
	snprintf(pool_name, sizeof(pool_name), "xdpdk_pool_%u", p->port_id);
	p->pool = rte_pktmbuf_pool_create(pool_name, n_mbufs, POOL_CACHE, DP_PRIV_HEADROOM,
					  DP_DATA_ROOM, socket);
	if (p->pool == NULL)
		return -rte_errno;
	if (p->n_rxq > 1 && (info.flow_type_rss_offloads & RTE_ETH_RSS_IP)) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads & RTE_ETH_RSS_IP;
	}
	ret = rte_eth_dev_configure(p->port_id, p->n_rxq, p->n_txq, &conf);
	if (ret != 0)
		return ret;
	if (o->mtu != 0) {
		uint16_t cur = 0;

		ret = rte_eth_dev_set_mtu(p->port_id, o->mtu);
		/* Devices without MTU control (net_pcap, net_ring) are fine at that MTU already. */
		if (ret == -ENOTSUP && rte_eth_dev_get_mtu(p->port_id, &cur) == 0 && cur == o->mtu)
			ret = 0;
		if (ret != 0)
			return ret;
	}
	/* what TC programs see of the device (eth_type_trans, change_head/tail limits) */
	if (rte_eth_dev_get_mtu(p->port_id, &p->mtu) != 0)
		p->mtu = RTE_ETHER_MTU;
	rte_eth_macaddr_get(p->port_id, &p->mac);
	for (uint16_t q = 0; q < p->n_rxq; q++) {
		ret = rte_eth_rx_queue_setup(p->port_id, q, rx_desc, socket, NULL, p->pool);
		if (ret != 0)
			return ret;
	}
	for (uint16_t q = 0; q < p->n_txq; q++) {
		ret = rte_eth_tx_queue_setup(p->port_id, q, tx_desc, socket, NULL);
		if (ret != 0)
			return ret;
	}
	/* Not every vdev has promiscuous mode (net_pcap, net_ring): not an error. */
	if (o->promisc >= 0)
		rte_eth_promiscuous_enable(p->port_id);
	else
		rte_eth_promiscuous_disable(p->port_id);
	return 0;
}

static void
port_release(struct dp_port *p)
{
	if (p->started)
		rte_eth_dev_stop(p->port_id);
	rte_eth_dev_close(p->port_id);
	if (p->created_vdev)
		rte_eal_hotplug_remove("vdev", p->name);
	rte_mempool_free(p->pool);
	rte_free(p->chain);	/* workers are stopped: no grace period to wait for */
	if (p->ifindex != 0)
		xdpdk_dp.by_ifindex[p->ifindex] = 0;
	memset(p, 0, sizeof(*p));
}

static int exception_setup(struct dp_port *p, const struct xdpdk_port_opts *o);

int
xdpdk_dp_port_add(const struct xdpdk_port_opts *o)
{
	struct dp_port *p;
	uint16_t port_id;
	bool created;
	uint32_t ifindex;
	int ret;

	if (!xdpdk_dp.up || o == NULL || o->devargs == NULL)
		return -EINVAL;
	if (xdpdk_dp.running)
		return -EBUSY;
	ifindex = o->ifindex ? o->ifindex : free_ifindex();
	if (ifindex == 0)
		return -ENOSPC;
	if (ifindex > XDPDK_DP_MAX_IFINDEX)
		return -EINVAL;
	if (xdpdk_dp.by_ifindex[ifindex] != 0)
		return -EEXIST;
	ret = find_or_probe(o->devargs, &port_id, &created);
	if (ret != 0)
		return ret;
	p = &xdpdk_dp.ports[port_id];
	if (p->used)
		return -EEXIST;
	p->used = true;
	p->up = true;
	p->port_id = port_id;
	p->created_vdev = created;
	p->no_poll = o->no_poll;
	rte_eth_dev_get_name_by_port(port_id, p->name);
	ret = port_configure(p, o);
	if (ret == 0) {
		p->ifindex = ifindex;
		xdpdk_dp.by_ifindex[ifindex] = port_id + 1;
		ret = exception_setup(p, o);
	}
	if (ret != 0) {
		XDPDK_DP_LOG(ERR, "port %s: %s", o->devargs, rte_strerror(-ret));
		port_release(p);
		return ret;
	}
	return (int)ifindex;
}

/* XDP_PASS: another port, a TAP created for the purpose, or drop. */
static int
exception_setup(struct dp_port *p, const struct xdpdk_port_opts *o)
{
	struct xdpdk_port_opts tap = { .no_poll = true };
	char devargs[128];
	struct dp_port *e;
	int ret;

	switch (o->exception) {
	case XDPDK_EXC_DROP:
		return 0;
	case XDPDK_EXC_PORT:
		e = dp_port_by_ifindex(o->exception_ifindex);
		if (e == NULL || e == p)
			return -ENODEV;
		p->exc_ifindex = e->ifindex;
		return 0;
	case XDPDK_EXC_TAP:
		if (o->exception_tap == NULL)
			return -EINVAL;
		snprintf(devargs, sizeof(devargs), "net_tap_xdpdk%u,iface=%s", p->port_id,
			 o->exception_tap);
		tap.devargs = devargs;
		ret = xdpdk_dp_port_add(&tap);
		if (ret < 0)
			return ret;
		p->exc_ifindex = (uint32_t)ret;
		/* What the host sends into the TAP leaves through this port. */
		dp_port_by_ifindex(p->exc_ifindex)->exc_owner = p->ifindex;
		return 0;
	}
	return -EINVAL;
}

int
xdpdk_dp_port_id(uint32_t ifindex)
{
	const struct dp_port *p = dp_port_by_ifindex(ifindex);

	return p != NULL ? p->port_id : -ENODEV;
}

const char *
xdpdk_dp_port_name(uint32_t ifindex)
{
	const struct dp_port *p = dp_port_by_ifindex(ifindex);

	return p != NULL ? p->name : NULL;
}

struct rte_mempool *
xdpdk_dp_port_pool(uint32_t ifindex)
{
	const struct dp_port *p = dp_port_by_ifindex(ifindex);

	return p != NULL ? p->pool : NULL;
}

uint32_t
xdpdk_dp_port_exception(uint32_t ifindex)
{
	const struct dp_port *p = dp_port_by_ifindex(ifindex);

	return p != NULL ? p->exc_ifindex : 0;
}

rte_spinlock_t dp_chain_lock = RTE_SPINLOCK_INITIALIZER;

/* A chain object for @p progs (NULL for none); -errno in *rc. */
static struct dp_chain *
make_chain(const struct xdpdk_dp_chain_prog *progs, uint32_t n, int *rc)
{
	struct dp_chain *c;

	*rc = 0;
	if (n > XDPDK_DP_MAX_CHAIN || (n != 0 && progs == NULL)) {
		*rc = -EINVAL;
		return NULL;
	}
	for (uint32_t i = 0; i < n; i++)
		if (progs[i].prog == NULL || xdpdk_prog_type(progs[i].prog) != XDPDK_PROG_TYPE_XDP) {
			*rc = -EINVAL;
			return NULL;
		}
	if (n == 0)
		return NULL;
	c = rte_zmalloc("xdpdk_chain", sizeof(*c), RTE_CACHE_LINE_SIZE);
	if (c == NULL) {
		*rc = -ENOMEM;
		return NULL;
	}
	c->n = n;
	c->all_frags = true;
	for (uint32_t i = 0; i < n; i++) {
		c->all_frags &= xdpdk_prog_xdp_frags(progs[i].prog);
		c->prog[i] = progs[i].prog;
		c->actions[i] = progs[i].chain_call_actions;
		c->redirects[i] = prog_may_redirect(progs[i].prog);
		c->any_redirects |= c->redirects[i];
	}
	return c;
}

int
xdpdk_dp_set_chains(const struct xdpdk_dp_port_chain *sets, uint32_t n)
{
	struct dp_chain *made[XDPDK_DP_MAX_IFINDEX], *old[XDPDK_DP_MAX_IFINDEX];
	struct dp_port *ports[XDPDK_DP_MAX_IFINDEX];
	int rc = 0;

	if (n > XDPDK_DP_MAX_IFINDEX || (n != 0 && sets == NULL))
		return -EINVAL;
	/* all or nothing: every chain is built before any is published */
	for (uint32_t i = 0; i < n; i++) {
		ports[i] = dp_port_by_ifindex(sets[i].ifindex);
		made[i] = ports[i] == NULL ? NULL : make_chain(sets[i].progs, sets[i].n, &rc);
		if (ports[i] == NULL)
			rc = -ENODEV;
		if (rc != 0) {
			while (i-- > 0)
				rte_free(made[i]);
			return rc;
		}
	}
	rte_spinlock_lock(&dp_chain_lock);
	for (uint32_t i = 0; i < n; i++)
		old[i] = __atomic_exchange_n(&ports[i]->chain, made[i], __ATOMIC_ACQ_REL);
	/* one grace period for all: after it no worker runs any old chain */
	if (xdpdk_dp.running && xdpdk_dp.rcu != NULL)
		rte_rcu_qsbr_synchronize(xdpdk_dp.rcu, RTE_QSBR_THRID_INVALID);
	for (uint32_t i = 0; i < n; i++)
		rte_free(old[i]);
	rte_spinlock_unlock(&dp_chain_lock);
	return 0;
}

int
xdpdk_dp_port_set_chain(uint32_t ifindex, const struct xdpdk_dp_chain_prog *progs, uint32_t n)
{
	const struct xdpdk_dp_port_chain one = { .ifindex = ifindex, .progs = progs, .n = n };

	return xdpdk_dp_set_chains(&one, 1);
}

int
xdpdk_dp_port_set_prog(uint32_t ifindex, const struct xdpdk_prog *prog)
{
	const struct xdpdk_dp_chain_prog one = { .prog = prog };

	return xdpdk_dp_port_set_chain(ifindex, &one, prog != NULL ? 1 : 0);
}

int
xdpdk_dp_port_set_up(uint32_t ifindex, bool up)
{
	struct dp_port *p = dp_port_by_ifindex(ifindex);

	if (p == NULL)
		return -ENODEV;
	__atomic_store_n(&p->up, up, __ATOMIC_RELEASE);
	return 0;
}

int
xdpdk_dp_poll_add(uint32_t worker, uint32_t ifindex, uint16_t queue)
{
	struct dp_port *p = dp_port_by_ifindex(ifindex);
	struct dp_worker *w;

	if (p == NULL)
		return -ENODEV;
	if (worker >= xdpdk_dp.n_workers || queue >= p->n_rxq)
		return -EINVAL;
	if (xdpdk_dp.running)
		return -EBUSY;
	for (uint32_t i = 0; i < xdpdk_dp.n_workers; i++) {
		const struct dp_worker *o = xdpdk_dp.workers[i];

		for (uint32_t j = 0; j < o->n_poll; j++)
			if (o->poll[j].port == p && o->poll[j].queue == queue)
				return -EEXIST;
	}
	w = xdpdk_dp.workers[worker];
	if (w->n_poll == XDPDK_DP_MAX_POLL)
		return -ENOSPC;
	w->poll[w->n_poll] = (struct dp_poll){ .port = p, .queue = queue };
	/* An exception port's RX (what the host sends) goes out of its owner, without XDP. */
	if (p->exc_owner != 0)
		w->poll[w->n_poll].fwd = dp_port_by_ifindex(p->exc_owner);
	w->n_poll++;
	return 0;
}

int
xdpdk_dp_poll_default(void)
{
	uint32_t next = 0;
	int ret;

	if (xdpdk_dp.n_workers == 0)
		return -EINVAL;
	for (unsigned int i = 0; i < RTE_DIM(xdpdk_dp.ports); i++) {
		const struct dp_port *p = &xdpdk_dp.ports[i];

		if (!p->used || (p->no_poll && p->exc_owner == 0))
			continue;
		for (uint16_t q = 0; q < p->n_rxq; q++) {
			ret = xdpdk_dp_poll_add(next++ % xdpdk_dp.n_workers, p->ifindex, q);
			if (ret != 0 && ret != -EEXIST)
				return ret;
		}
	}
	return 0;
}

int
xdpdk_dp_ports_start(void)
{
	for (unsigned int i = 0; i < RTE_DIM(xdpdk_dp.ports); i++) {
		struct dp_port *p = &xdpdk_dp.ports[i];
		int ret;

		if (!p->used || p->started)
			continue;
		ret = rte_eth_dev_start(p->port_id);
		if (ret != 0) {
			XDPDK_DP_LOG(ERR, "port %s: cannot start: %s", p->name, rte_strerror(-ret));
			return ret;
		}
		p->started = true;
	}
	return 0;
}

void
xdpdk_dp_ports_stop(void)
{
	for (unsigned int i = 0; i < RTE_DIM(xdpdk_dp.ports); i++) {
		struct dp_port *p = &xdpdk_dp.ports[i];

		if (p->used && p->started) {
			rte_eth_dev_stop(p->port_id);
			p->started = false;
		}
	}
}

void
xdpdk_dp_ports_close(void)
{
	for (unsigned int i = 0; i < RTE_DIM(xdpdk_dp.ports); i++)
		if (xdpdk_dp.ports[i].used)
			port_release(&xdpdk_dp.ports[i]);
}
