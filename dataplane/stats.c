/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters: plain per-worker uint64_t written by their worker only, summed
 * when read (a read while workers run is a consistent-enough snapshot, as
 * DPDK's own xstats). Exposed through rte_telemetry under /xdpdk/.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include <xdpdk/bpf.h>
#include <xdpdk/map.h>

#include "dp_internal.h"

#define N_U64 (sizeof(struct xdpdk_dp_stats) / sizeof(uint64_t))

static void
add(struct xdpdk_dp_stats *dst, const struct xdpdk_dp_stats *src)
{
	uint64_t *d = (uint64_t *)dst;
	const uint64_t *s = (const uint64_t *)src;

	for (size_t i = 0; i < N_U64; i++)
		d[i] += __atomic_load_n(&s[i], __ATOMIC_RELAXED);
}

/* What the device counted itself: packets it lost before any worker saw them. */
static void
device_counters(const struct dp_port *p, struct xdpdk_dp_stats *st)
{
	struct rte_eth_stats es;

	if (rte_eth_stats_get(p->port_id, &es) != 0)
		return;
	st->rx_nombuf = es.rx_nombuf;
	st->rx_missed = es.imissed;
}

int
xdpdk_dp_port_stats(uint32_t ifindex, struct xdpdk_dp_stats *st)
{
	const struct dp_port *p = dp_port_by_ifindex(ifindex);

	if (p == NULL)
		return -ENODEV;
	memset(st, 0, sizeof(*st));
	for (uint32_t i = 0; i < xdpdk_dp.n_workers; i++)
		add(st, &xdpdk_dp.workers[i]->st[p->port_id]);
	device_counters(p, st);
	return 0;
}

int
xdpdk_dp_queue_stats(uint32_t ifindex, uint16_t queue, struct xdpdk_dp_stats *st)
{
	const struct dp_port *p = dp_port_by_ifindex(ifindex);

	if (p == NULL)
		return -ENODEV;
	memset(st, 0, sizeof(*st));
	for (uint32_t i = 0; i < xdpdk_dp.n_workers; i++) {
		const struct dp_worker *w = xdpdk_dp.workers[i];

		for (uint32_t j = 0; j < w->n_poll; j++)
			if (w->poll[j].port == p && w->poll[j].queue == queue) {
				add(st, &w->poll[j].st);
				return 0;
			}
	}
	return -ENOENT;
}

int
xdpdk_dp_worker_stats(uint32_t worker, struct xdpdk_dp_stats *st)
{
	if (worker >= xdpdk_dp.n_workers)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	for (unsigned int p = 0; p < RTE_MAX_ETHPORTS; p++)
		add(st, &xdpdk_dp.workers[worker]->st[p]);
	return 0;
}

int
xdpdk_dp_trace_get(uint32_t worker, struct xdpdk_dp_trace_event *ev, uint32_t max)
{
	const struct dp_worker *w;
	uint32_t n, first;

	if (worker >= xdpdk_dp.n_workers || (ev == NULL && max != 0))
		return -EINVAL;
	w = xdpdk_dp.workers[worker];
	n = RTE_MIN(w->trace_pos, (uint32_t)DP_TRACE_SIZE);
	n = RTE_MIN(n, max);
	first = w->trace_pos - n;
	for (uint32_t i = 0; i < n; i++)
		ev[i] = w->trace[(first + i) % DP_TRACE_SIZE];
	return (int)n;
}

void
xdpdk_dp_stats_reset(void)
{
	for (uint32_t i = 0; i < xdpdk_dp.n_workers; i++) {
		struct dp_worker *w = xdpdk_dp.workers[i];

		memset(w->st, 0, sizeof(w->st));
		w->trace_pos = 0;
		for (uint32_t j = 0; j < w->n_poll; j++)
			memset(&w->poll[j].st, 0, sizeof(w->poll[j].st));
	}
	for (unsigned int p = 0; p < RTE_DIM(xdpdk_dp.ports); p++)
		if (xdpdk_dp.ports[p].used)
			rte_eth_stats_reset(xdpdk_dp.ports[p].port_id);
}

/* ---- telemetry ---------------------------------------------------------- */

static const char *const action_names[XDPDK_DP_N_ACTIONS] = {
	"aborted", "drop", "pass", "tx", "redirect", "invalid",
};

static void
stats_to_dict(struct rte_tel_data *d, const struct xdpdk_dp_stats *st)
{
	char name[64];

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "rx_packets", st->rx_packets);
	rte_tel_data_add_dict_u64(d, "rx_bytes", st->rx_bytes);
	for (int a = 0; a < XDPDK_DP_N_ACTIONS; a++) {
		snprintf(name, sizeof(name), "%s_packets", action_names[a]);
		rte_tel_data_add_dict_u64(d, name, st->action_packets[a]);
		snprintf(name, sizeof(name), "%s_bytes", action_names[a]);
		rte_tel_data_add_dict_u64(d, name, st->action_bytes[a]);
	}
	rte_tel_data_add_dict_u64(d, "no_prog", st->no_prog);
	rte_tel_data_add_dict_u64(d, "runt", st->runt);
	rte_tel_data_add_dict_u64(d, "oversize", st->oversize);
	rte_tel_data_add_dict_u64(d, "redirect_err", st->redirect_err);
	rte_tel_data_add_dict_u64(d, "redirect_down", st->redirect_down);
	rte_tel_data_add_dict_u64(d, "ring_full", st->ring_full);
	rte_tel_data_add_dict_u64(d, "exception_pkts", st->exception_pkts);
	rte_tel_data_add_dict_u64(d, "exception_drop", st->exception_drop);
	rte_tel_data_add_dict_u64(d, "tx_packets", st->tx_packets);
	rte_tel_data_add_dict_u64(d, "tx_bytes", st->tx_bytes);
	rte_tel_data_add_dict_u64(d, "tx_drop", st->tx_drop);
	rte_tel_data_add_dict_u64(d, "prog_runs", st->prog_runs);
	rte_tel_data_add_dict_u64(d, "prog_cycles", st->prog_cycles);
	rte_tel_data_add_dict_u64(d, "prog_cycles_per_pkt",
				  st->prog_timed ? st->prog_cycles / st->prog_timed : 0);
	rte_tel_data_add_dict_u64(d, "cpumap_in", st->cpumap_in);
	rte_tel_data_add_dict_u64(d, "tc_runs", st->tc_runs);
	rte_tel_data_add_dict_u64(d, "tc_shot", st->tc_shot);
	rte_tel_data_add_dict_u64(d, "tc_stolen", st->tc_stolen);
	rte_tel_data_add_dict_u64(d, "tc_redirect", st->tc_redirect);
	rte_tel_data_add_dict_u64(d, "tc_redirect_err", st->tc_redirect_err);
	rte_tel_data_add_dict_u64(d, "rx_nombuf", st->rx_nombuf);
	rte_tel_data_add_dict_u64(d, "rx_missed", st->rx_missed);
}

/* /xdpdk/ports: the ifindexes. */
static int
tel_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd;
	(void)params;
	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	for (uint32_t i = 1; i <= XDPDK_DP_MAX_IFINDEX; i++)
		if (xdpdk_dp.by_ifindex[i] != 0)
			rte_tel_data_add_array_int(d, (int)i);
	return 0;
}

/* /xdpdk/port_stats,IFINDEX */
static int
tel_port_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct xdpdk_dp_stats st;

	(void)cmd;
	if (params == NULL || xdpdk_dp_port_stats((uint32_t)atoi(params), &st) != 0)
		return -EINVAL;
	stats_to_dict(d, &st);
	return 0;
}

/* /xdpdk/worker_stats,WORKER */
static int
tel_worker_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct xdpdk_dp_stats st;

	(void)cmd;
	if (params == NULL || xdpdk_dp_worker_stats((uint32_t)atoi(params), &st) != 0)
		return -EINVAL;
	stats_to_dict(d, &st);
	return 0;
}

/* /xdpdk/queue_stats,IFINDEX,QUEUE */
static int
tel_queue_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct xdpdk_dp_stats st;
	unsigned int ifindex, queue;

	(void)cmd;
	if (params == NULL || sscanf(params, "%u,%u", &ifindex, &queue) != 2 ||
	    queue > UINT16_MAX || xdpdk_dp_queue_stats(ifindex, (uint16_t)queue, &st) != 0)
		return -EINVAL;
	stats_to_dict(d, &st);
	return 0;
}

/* /xdpdk/port_info,IFINDEX: name, DPDK port, queues, state, the XDP chain, capture */
static int
tel_port_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct dp_port *p;
	const struct dp_chain *c;
	struct rte_tel_data *progs;

	(void)cmd;
	if (params == NULL || (p = dp_port_by_ifindex((uint32_t)atoi(params))) == NULL)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", p->name);
	rte_tel_data_add_dict_int(d, "ifindex", (int)p->ifindex);
	rte_tel_data_add_dict_int(d, "dpdk_port", p->port_id);
	rte_tel_data_add_dict_int(d, "rx_queues", p->n_rxq);
	rte_tel_data_add_dict_int(d, "tx_queues", p->n_txq);
	rte_tel_data_add_dict_int(d, "up", __atomic_load_n(&p->up, __ATOMIC_RELAXED));
	rte_tel_data_add_dict_int(d, "exception_ifindex", (int)p->exc_ifindex);
	rte_tel_data_add_dict_int(d, "capturing",
				  __atomic_load_n(&p->capture, __ATOMIC_ACQUIRE) != NULL);
	progs = rte_tel_data_alloc();
	if (progs == NULL)
		return -ENOMEM;
	rte_tel_data_start_array(progs, RTE_TEL_STRING_VAL);
	/* not an RCU reader: the lock keeps the chain from being freed meanwhile */
	rte_spinlock_lock(&dp_chain_lock);
	c = __atomic_load_n(&p->chain, __ATOMIC_ACQUIRE);
	for (uint32_t i = 0; c != NULL && i < c->n; i++)
		rte_tel_data_add_array_string(progs, xdpdk_prog_name(c->prog[i]));
	rte_spinlock_unlock(&dp_chain_lock);
	rte_tel_data_add_dict_container(d, "xdp_programs", progs, 0);
	return 0;
}

/* /xdpdk/maps: every live map, as `xdpdk map show` lists them */
static int
tel_maps(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct xdpdk_map *m;

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (uint32_t id = 0; (m = xdpdk_map_get_next(id)) != NULL; id = xdpdk_map_id(m)) {
		const struct xdpdk_map_def *def = xdpdk_map_def(m);
		struct rte_tel_data *one = rte_tel_data_alloc();
		const char *tn = xdpdk_map_type_name(def->type);
		char key[16];

		if (one == NULL) {
			xdpdk_map_put(m);
			return -ENOMEM;
		}
		rte_tel_data_start_dict(one);
		rte_tel_data_add_dict_string(one, "name", def->name);
		rte_tel_data_add_dict_string(one, "type", tn != NULL ? tn : "unknown");
		rte_tel_data_add_dict_int(one, "key_size", (int)def->key_size);
		rte_tel_data_add_dict_int(one, "value_size", (int)def->value_size);
		rte_tel_data_add_dict_int(one, "max_entries", (int)def->max_entries);
		rte_tel_data_add_dict_int(one, "flags", (int)def->map_flags);
		snprintf(key, sizeof(key), "%u", xdpdk_map_id(m));
		rte_tel_data_add_dict_container(d, key, one, 0);
		xdpdk_map_put(m);
	}
	return 0;
}

int
xdpdk_dp_telemetry_init(void)
{
	static bool done;

	/* Registration is for the process's life: once. */
	if (done)
		return 0;
	done = true;
	rte_telemetry_register_cmd("/xdpdk/ports", tel_ports, "xdpdk ports by ifindex");
	rte_telemetry_register_cmd("/xdpdk/port_stats", tel_port_stats,
				   "xdpdk counters of a port. Parameters: ifindex");
	rte_telemetry_register_cmd("/xdpdk/worker_stats", tel_worker_stats,
				   "xdpdk counters of a worker. Parameters: worker index");
	rte_telemetry_register_cmd("/xdpdk/queue_stats", tel_queue_stats,
				   "xdpdk counters of an RX queue. Parameters: ifindex,queue");
	rte_telemetry_register_cmd("/xdpdk/port_info", tel_port_info,
				   "xdpdk port: name, queues, state, XDP programs. Parameters: ifindex");
	rte_telemetry_register_cmd("/xdpdk/maps", tel_maps,
				   "xdpdk maps by id: name, type, sizes, flags");
	return 0;
}
