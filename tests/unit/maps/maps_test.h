/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the maps unit tests: EAL started once per executable (maps live
 * in DPDK memory) the way xdpdk's tools start it (xdpdk_eal_init_tool: no PCI,
 * no hugepages needed, nothing left behind), then the maps component set up
 * with @p n_workers per-CPU slots.
 */
#ifndef XDPDK_TESTS_MAPS_TEST_H
#define XDPDK_TESTS_MAPS_TEST_H

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include <xdpdk/dataplane.h>
#include <xdpdk/map.h>

static inline int
maps_test_start(uint32_t n_workers)
{
	const struct xdpdk_maps_config cfg = { .n_workers = n_workers };

	if (xdpdk_eal_init_tool("test", 0, NULL) != 0)
		return -1;
	return xdpdk_maps_configure(&cfg);
}

/* Create a map from @p d and drop it: 0 if it could be created, else its errno. */
static inline int
maps_test_create_errno(const struct xdpdk_map_def *d)
{
	struct xdpdk_map *m;

	errno = 0;
	m = xdpdk_map_create(d);
	if (m != NULL) {
		xdpdk_map_put(m);
		return 0;
	}
	return errno;
}

/*
 * Set the maps' worker count and RCU variable. Maps of earlier tests may
 * still wait for their grace period (-EBUSY), so retry for up to a second.
 */
static inline int
maps_test_configure(uint32_t n_workers, struct rte_rcu_qsbr *rcu)
{
	const struct xdpdk_maps_config cfg = { .n_workers = n_workers, .rcu = rcu };
	int ret = -EBUSY;

	for (int i = 0; i < 1000 && ret == -EBUSY; i++) {
		ret = xdpdk_maps_configure(&cfg);
		if (ret == -EBUSY)
			usleep(1000);
	}
	if (ret == 0)
		xdpdk_maps_set_worker(0);
	return ret;
}

/* EAL, then an RCU variable for @p n_threads readers in *@p rcu (group setup). */
static inline int
maps_test_start_rcu(struct rte_rcu_qsbr **rcu, uint32_t n_threads)
{
	if (xdpdk_eal_init_tool("test", 0, NULL) != 0)
		return -1;
	*rcu = rte_zmalloc("test_rcu", rte_rcu_qsbr_get_memsize(n_threads), RTE_CACHE_LINE_SIZE);
	if (*rcu == NULL || rte_rcu_qsbr_init(*rcu, n_threads) != 0)
		return -1;
	return 0;
}

/* Undo maps_test_start_rcu (group teardown). */
static inline void
maps_test_stop_rcu(struct rte_rcu_qsbr *rcu)
{
	xdpdk_maps_configure(NULL);
	rte_free(rcu);
	xdpdk_eal_cleanup_tool();
}

static inline int
maps_test_eal_init(void **state)
{
	(void)state;
	return xdpdk_eal_init_tool("test", 0, NULL) == 0 ? 0 : -1;
}

static inline int
maps_test_eal_cleanup(void **state)
{
	(void)state;
	xdpdk_eal_cleanup_tool();
	return 0;
}

#endif /* XDPDK_TESTS_MAPS_TEST_H */
