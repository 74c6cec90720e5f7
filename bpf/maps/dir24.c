/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DIR-24-8 tables for IPv4 LPM lookups (see dir24.h). Every entry holds the
 * longest route covering its addresses; an add overwrites the entries of its
 * range whose route is no longer than it, a delete hands the entries it
 * holds to the covering route. Entries are single 32-bit stores, so a reader
 * sees either route; a group is filled before the release store that
 * publishes it, and collapsed back into its tbl24 entry (and freed after a
 * grace period) when its 256 entries agree again.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "dir24.h"

#define TBL24_SIZE	(1u << 24)
#define GROUP_SIZE	256u

static inline uint32_t
entry(uint32_t val, uint32_t depth)
{
	return XDPDK_DIR24_VALID | depth << XDPDK_DIR24_DEPTH_SHIFT | val;
}

static inline uint32_t
entry_depth(uint32_t e)
{
	return (e >> XDPDK_DIR24_DEPTH_SHIFT) & 0x3f;
}

static inline void
store(uint32_t *p, uint32_t e)
{
	__atomic_store_n(p, e, __ATOMIC_RELEASE);
}

static inline uint32_t *
group_ptr(const struct xdpdk_dir24 *d, uint32_t e)
{
	return xdpdk_pool_ptr(&d->groups, e & XDPDK_DIR24_IDX_MASK);
}

int
xdpdk_dir24_init(struct xdpdk_dir24 *d, uint32_t n_groups, struct xdpdk_defer *defer,
		 int socket)
{
	int ret;

	memset(d, 0, sizeof(*d));
	d->defer = defer;
	d->tbl24 = rte_zmalloc_socket("xdpdk_dir24", TBL24_SIZE * sizeof(uint32_t),
				      RTE_CACHE_LINE_SIZE, socket);
	if (d->tbl24 == NULL)
		return -ENOMEM;
	ret = xdpdk_pool_init(&d->groups, n_groups, GROUP_SIZE * sizeof(uint32_t), socket,
			      true);
	if (ret != 0)
		xdpdk_dir24_fini(d);
	return ret;
}

void
xdpdk_dir24_fini(struct xdpdk_dir24 *d)
{
	rte_free(d->tbl24);
	d->tbl24 = NULL;
	xdpdk_pool_fini(&d->groups);
}

/* Entries [lo, lo + n) of @p t: the new route takes those no more specific. */
static void
fill_add(uint32_t *t, uint32_t lo, uint32_t n, uint32_t e, uint32_t depth)
{
	for (uint32_t i = lo; i < lo + n; i++)
		if (!(t[i] & XDPDK_DIR24_VALID) || entry_depth(t[i]) <= depth)
			store(&t[i], e);
}

/* Entries [lo, lo + n) of @p t held by the route of @p depth go to @p cover. */
static void
fill_del(uint32_t *t, uint32_t lo, uint32_t n, uint32_t depth, uint32_t cover)
{
	for (uint32_t i = lo; i < lo + n; i++)
		if ((t[i] & XDPDK_DIR24_VALID) && entry_depth(t[i]) == depth)
			store(&t[i], cover);
}

/* A group whose entries all agree goes back to being one tbl24 entry. */
static void
collapse(struct xdpdk_dir24 *d, uint32_t i24)
{
	const uint32_t e = d->tbl24[i24];
	const uint32_t *g = group_ptr(d, e);

	for (uint32_t j = 1; j < GROUP_SIZE; j++)
		if (g[j] != g[0])
			return;
	store(&d->tbl24[i24], g[0]);
	xdpdk_defer_push(d->defer, XDPDK_DIR24_DEFER_TAG | (e & XDPDK_DIR24_IDX_MASK), 0);
}

int
xdpdk_dir24_add(struct xdpdk_dir24 *d, uint32_t ip, uint32_t depth, uint32_t val)
{
	const uint32_t e = entry(val, depth);
	uint32_t i24 = ip >> 8, n, gi, *g;

	if (depth <= 24) {
		n = 1u << (24 - depth);
		i24 &= ~(n - 1);
		for (uint32_t i = i24; i < i24 + n; i++) {
			if (d->tbl24[i] & XDPDK_DIR24_GROUP)
				fill_add(group_ptr(d, d->tbl24[i]), 0, GROUP_SIZE, e, depth);
			else
				fill_add(d->tbl24, i, 1, e, depth);
		}
		return 0;
	}
	if (!(d->tbl24[i24] & XDPDK_DIR24_GROUP)) {
		gi = xdpdk_pool_get(&d->groups);
		if (gi == XDPDK_POOL_NONE && xdpdk_defer_reclaim(d->defer) != 0)
			gi = xdpdk_pool_get(&d->groups);
		if (gi == XDPDK_POOL_NONE)
			return -ENOSPC;
		g = xdpdk_pool_ptr(&d->groups, gi);
		for (uint32_t j = 0; j < GROUP_SIZE; j++)
			g[j] = d->tbl24[i24];
		store(&d->tbl24[i24], XDPDK_DIR24_GROUP | gi);
	}
	n = 1u << (32 - depth);
	fill_add(group_ptr(d, d->tbl24[i24]), ip & 0xff & ~(n - 1), n, e, depth);
	return 0;
}

void
xdpdk_dir24_del(struct xdpdk_dir24 *d, uint32_t ip, uint32_t depth, uint32_t cover_depth,
		uint32_t cover_val)
{
	const uint32_t cover = cover_depth != 0 ? entry(cover_val, cover_depth) : 0;
	uint32_t i24 = ip >> 8, n;

	if (depth <= 24) {
		n = 1u << (24 - depth);
		i24 &= ~(n - 1);
		for (uint32_t i = i24; i < i24 + n; i++) {
			if (d->tbl24[i] & XDPDK_DIR24_GROUP) {
				fill_del(group_ptr(d, d->tbl24[i]), 0, GROUP_SIZE, depth, cover);
				collapse(d, i);
			} else {
				fill_del(d->tbl24, i, 1, depth, cover);
			}
		}
		return;
	}
	if (!(d->tbl24[i24] & XDPDK_DIR24_GROUP))
		return;
	n = 1u << (32 - depth);
	fill_del(group_ptr(d, d->tbl24[i24]), ip & 0xff & ~(n - 1), n, depth, cover);
	collapse(d, i24);
}
