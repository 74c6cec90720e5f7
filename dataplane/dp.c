/* SPDX-License-Identifier: BSD-3-Clause */
/* The dataplane's life: set-up, workers on their lcores, start, stop, teardown. */
#include <errno.h>
#include <string.h>

#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include <xdpdk/map.h>

#include "dp_internal.h"

RTE_LOG_REGISTER(xdpdk_logtype_dp, xdpdk.dp, INFO);

struct dp_state xdpdk_dp;

static struct dp_worker *
worker_new(uint32_t index, unsigned int lcore)
{
	struct dp_worker *w;

	w = rte_zmalloc_socket("xdpdk_worker", sizeof(*w), RTE_CACHE_LINE_SIZE,
			       rte_lcore_to_socket_id(lcore));
	if (w == NULL)
		return NULL;
	w->index = index;
	w->lcore = lcore;
	for (uint32_t i = 0; i < XDPDK_DP_MAX_BURST; i++) {
		w->ctxp[i] = &w->ctx[i];
		w->ctx[i].worker = index;
		w->ctx[i].run = &w->run;
	}
	if (xdpdk_dp_txb_init(w) != 0) {
		xdpdk_dp_txb_free(w);
		rte_free(w);
		return NULL;
	}
	return w;
}

static int
workers_create(const struct xdpdk_dp_opts *o)
{
	unsigned int lcore;
	uint32_t n = 0;

	if (o->n_workers != 0 && o->lcores != NULL) {
		for (n = 0; n < o->n_workers; n++) {
			if (!rte_lcore_is_enabled(o->lcores[n]))
				return -EINVAL;
			xdpdk_dp.workers[n] = worker_new(n, o->lcores[n]);
			if (xdpdk_dp.workers[n] == NULL)
				return -ENOMEM;
		}
	} else {
		RTE_LCORE_FOREACH_WORKER(lcore) {
			if (n == XDPDK_DP_MAX_WORKERS || (o->n_workers != 0 && n == o->n_workers))
				break;
			xdpdk_dp.workers[n] = worker_new(n, lcore);
			if (xdpdk_dp.workers[n] == NULL)
				return -ENOMEM;
			n++;
		}
		/* No worker lcore: one worker, driven in place by the caller. */
		if (n == 0) {
			xdpdk_dp.workers[0] = worker_new(0, rte_lcore_id());
			if (xdpdk_dp.workers[0] == NULL)
				return -ENOMEM;
			n = 1;
		}
	}
	xdpdk_dp.n_workers = n;
	return 0;
}

int
xdpdk_dp_init(const struct xdpdk_dp_opts *opts)
{
	const struct xdpdk_dp_opts dflt = { 0 };
	const struct xdpdk_dp_opts *o = opts != NULL ? opts : &dflt;
	struct xdpdk_maps_config mc;
	size_t sz;
	int ret;

	if (xdpdk_dp.up)
		return -EBUSY;
	if (o->n_workers > XDPDK_DP_MAX_WORKERS || o->burst > XDPDK_DP_MAX_BURST ||
	    (o->lcores != NULL && o->n_workers == 0) || o->prog_cycles_shift > 16)
		return -EINVAL;
	memset(&xdpdk_dp, 0, sizeof(xdpdk_dp));
	xdpdk_dp.up = true;
	dp_tc_init();
	xdpdk_dp.burst = o->burst ? o->burst : 32;
	xdpdk_dp.prog_cycles = !o->no_prog_cycles;
	xdpdk_dp.prog_cycles_mask = (1u << (o->prog_cycles_shift ? o->prog_cycles_shift : 3)) - 1;
	ret = workers_create(o);
	if (ret != 0)
		goto err;
	sz = rte_rcu_qsbr_get_memsize(xdpdk_dp.n_workers);
	xdpdk_dp.rcu = rte_zmalloc("xdpdk_dp_rcu", sz, RTE_CACHE_LINE_SIZE);
	if (xdpdk_dp.rcu == NULL || rte_rcu_qsbr_init(xdpdk_dp.rcu, xdpdk_dp.n_workers) != 0) {
		ret = -ENOMEM;
		goto err;
	}
	for (uint32_t i = 0; i < xdpdk_dp.n_workers; i++)
		rte_rcu_qsbr_thread_register(xdpdk_dp.rcu, i);
	mc = (struct xdpdk_maps_config){ .n_workers = xdpdk_dp.n_workers, .rcu = xdpdk_dp.rcu };
	ret = xdpdk_maps_configure(&mc);
	if (ret != 0)
		goto err;
	xdpdk_dp_redirect_init();
	if (!o->no_telemetry)
		xdpdk_dp_telemetry_init();
	return 0;
err:
	xdpdk_dp_fini();
	return ret;
}

uint32_t
xdpdk_dp_n_workers(void)
{
	return xdpdk_dp.n_workers;
}

int
xdpdk_dp_start(void)
{
	int ret;

	if (!xdpdk_dp.up)
		return -EINVAL;
	if (xdpdk_dp.running)
		return -EBUSY;
	ret = xdpdk_dp_ports_start();
	if (ret != 0)
		return ret;
	xdpdk_dp.running = true;
	for (uint32_t i = 0; i < xdpdk_dp.n_workers; i++) {
		struct dp_worker *w = xdpdk_dp.workers[i];

		w->stop = false;
		if (w->lcore == rte_lcore_id())
			continue;	/* driven in place by the caller */
		ret = rte_eal_remote_launch(xdpdk_dp_worker_main, w, w->lcore);
		if (ret != 0) {
			XDPDK_DP_LOG(ERR, "worker %u: cannot launch on lcore %u", i, w->lcore);
			xdpdk_dp_stop();
			return ret;
		}
		w->launched = true;
	}
	return 0;
}

void
xdpdk_dp_stop(void)
{
	if (!xdpdk_dp.running)
		return;
	for (uint32_t i = 0; i < xdpdk_dp.n_workers; i++)
		__atomic_store_n(&xdpdk_dp.workers[i]->stop, true, __ATOMIC_RELEASE);
	for (uint32_t i = 0; i < xdpdk_dp.n_workers; i++) {
		struct dp_worker *w = xdpdk_dp.workers[i];

		if (w->launched)
			rte_eal_wait_lcore(w->lcore);
		else
			xdpdk_dp_worker_flush(w);
		w->launched = false;
	}
	xdpdk_dp.running = false;
	xdpdk_dp_ports_stop();
}

void
xdpdk_dp_fini(void)
{
	if (!xdpdk_dp.up)
		return;
	xdpdk_dp_stop();
	/* Maps whose entries hold rings are the caller's; their frees need the hooks. */
	for (uint32_t i = 0; i < xdpdk_dp.n_workers; i++) {
		struct dp_worker *w = xdpdk_dp.workers[i];

		if (w == NULL)
			continue;
		xdpdk_dp_txb_free(w);
		rte_free(w);
		xdpdk_dp.workers[i] = NULL;
	}
	xdpdk_dp_ports_close();
	xdpdk_dp_redirect_fini();
	dp_tc_fini();
	xdpdk_maps_configure(NULL);
	rte_free(xdpdk_dp.rcu);
	memset(&xdpdk_dp, 0, sizeof(xdpdk_dp));
}
