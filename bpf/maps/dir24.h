/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal to bpf/maps/: the DIR-24-8 index that answers IPv4 lookups of
 * large LPM trie maps (dir24.c). One read of a 2^24-entry table, and a
 * second of a 256-entry group for addresses under a route longer than /24.
 *
 * Why not rte_lpm or rte_fib, which are the same structure: in DPDK 22.11,
 * rte_lpm keeps its rules in per-depth arrays scanned linearly on every add
 * and delete (filling it with 400K /24 routes took 48 s, quadratically), and
 * rte_fib reuses freed tbl8 groups at once, with no RCU hook, under readers
 * that take no lock. Here the map's trie holds the rules (it knows the route
 * covering a deleted one), so the index is only the tables, and freed groups
 * go through the map's RCU defer queue.
 *
 * An entry is a 32-bit word: VALID, GROUP (a tbl24 entry pointing to a
 * tbl8 group), the depth of the route it holds (1..32) and a 24-bit value
 * index (or group index). /0 is not in the tables: the caller keeps it.
 * Writers are serialised by the caller; readers take no lock.
 */
#ifndef XDPDK_MAPS_DIR24_H
#define XDPDK_MAPS_DIR24_H

#include <stdbool.h>
#include <stdint.h>

#include "pool.h"

#define XDPDK_DIR24_VALID	(1u << 31)
#define XDPDK_DIR24_GROUP	(1u << 30)
#define XDPDK_DIR24_DEPTH_SHIFT	24
#define XDPDK_DIR24_IDX_MASK	((1u << 24) - 1)
#define XDPDK_DIR24_IDX_MAX	(1u << 24)

struct xdpdk_dir24 {
	uint32_t *tbl24;		/* 2^24 entries */
	struct xdpdk_pool groups;	/* tbl8 groups of 256 entries */
	struct xdpdk_defer *defer;	/* the owner's: frees groups after a grace period */
};

/* @return 0 or -ENOMEM. @p defer releases (XDPDK_DIR24_DEFER_TAG | group, 0) pairs. */
int xdpdk_dir24_init(struct xdpdk_dir24 *d, uint32_t n_groups, struct xdpdk_defer *defer,
		     int socket);
void xdpdk_dir24_fini(struct xdpdk_dir24 *d);

/* Tag of the deferred pairs that are groups, for the owner's release callback. */
#define XDPDK_DIR24_DEFER_TAG	(1u << 31)
static inline void
xdpdk_dir24_release(struct xdpdk_dir24 *d, uint32_t group)
{
	xdpdk_pool_put(&d->groups, group);
}

/*
 * Route @p ip/@p depth (1..32, host order, bits past depth ignored) to value
 * index @p val, replacing a route of the same prefix.
 * @return 0; -ENOSPC when a group is needed and none is free.
 */
int xdpdk_dir24_add(struct xdpdk_dir24 *d, uint32_t ip, uint32_t depth, uint32_t val);

/*
 * Remove @p ip/@p depth, giving its addresses to the covering route
 * (@p cover_depth 1..depth-1 and @p cover_val), or to none if
 * @p cover_depth is 0.
 */
void xdpdk_dir24_del(struct xdpdk_dir24 *d, uint32_t ip, uint32_t depth, uint32_t cover_depth,
		     uint32_t cover_val);

/* The value index routing @p ip, or XDPDK_POOL_NONE. Lock-free. */
static inline uint32_t
xdpdk_dir24_lookup(const struct xdpdk_dir24 *d, uint32_t ip)
{
	uint32_t e = __atomic_load_n(&d->tbl24[ip >> 8], __ATOMIC_ACQUIRE);

	if (__builtin_expect(e & XDPDK_DIR24_GROUP, 0)) {
		const uint32_t *g = xdpdk_pool_ptr(&d->groups, e & XDPDK_DIR24_IDX_MASK);

		e = __atomic_load_n(&g[ip & 0xff], __ATOMIC_RELAXED);
	}
	return (e & XDPDK_DIR24_VALID) ? (e & XDPDK_DIR24_IDX_MASK) : XDPDK_POOL_NONE;
}

#endif /* XDPDK_MAPS_DIR24_H */
