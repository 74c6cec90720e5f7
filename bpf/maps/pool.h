/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal to bpf/maps/: the two pieces every "values by pointer" family
 * (hash, lru, lpm) shares.
 *
 *  - xdpdk_pool: an array of fixed-size elements that never move (programs
 *    keep pointers into them) and a LIFO stack of free indexes. LIFO so
 *    that a freed element, still warm in cache, is reused first. Indexes
 *    never handed out are taken in order after the stack, so the elements
 *    touched are those up to the map's high-water mark. A preallocated pool
 *    lives in DPDK memory, committed at creation; a lazy one
 *    (BPF_F_NO_PREALLOC, and LPM tries, which the kernel never
 *    preallocates) only reserves address space, and its pages are backed
 *    when first used. The caller serialises get/put (its map's writer lock).
 *
 *  - xdpdk_defer: an RCU defer queue (rte_rcu_qsbr_dq) of (a, b) pairs
 *    handed to a release callback once every worker has passed a quiescent
 *    state. Without RCU (no workers configured) release is immediate. The
 *    callback runs inside push/reclaim, so under the caller's writer lock.
 */
#ifndef XDPDK_MAPS_POOL_H
#define XDPDK_MAPS_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>

#define XDPDK_POOL_NONE UINT32_MAX

struct rte_rcu_qsbr;
struct rte_rcu_qsbr_dq;

struct xdpdk_pool {
	uint8_t *base;		/* n * stride bytes, zeroed at creation */
	size_t stride;
	uint8_t stride_shift;	/* log2(stride) when a power of two, else 0xff */
	uint32_t n;
	uint32_t n_free;	/* on the stack */
	uint32_t next;		/* [next, n) never handed out */
	uint32_t *free;		/* LIFO of freed indexes */
	size_t lazy_len;	/* lazy: bytes mapped at base and at free; else 0 */
};

/*
 * @p lazy: reserve, do not commit (see above).
 * @return 0 or -ENOMEM. Every element starts free and zeroed.
 */
int xdpdk_pool_init(struct xdpdk_pool *p, uint32_t n, size_t stride, int socket, bool lazy);
void xdpdk_pool_fini(struct xdpdk_pool *p);

static inline void *
xdpdk_pool_ptr(const struct xdpdk_pool *p, uint32_t i)
{
	return p->base + (size_t)i * p->stride;
}

static inline uint32_t
xdpdk_pool_idx(const struct xdpdk_pool *p, const void *elem)
{
	const size_t off = (size_t)((const uint8_t *)elem - p->base);

	/* a shift, not a 64-bit div (LRU lookups take the index of every hit) */
	if (likely(p->stride_shift != 0xff))
		return (uint32_t)(off >> p->stride_shift);
	return (uint32_t)(off / p->stride);
}

/* A free index, or XDPDK_POOL_NONE. */
static inline uint32_t
xdpdk_pool_get(struct xdpdk_pool *p)
{
	if (p->n_free != 0)
		return p->free[--p->n_free];
	return p->next < p->n ? p->next++ : XDPDK_POOL_NONE;
}

/* How many gets would succeed now. */
static inline uint32_t
xdpdk_pool_avail(const struct xdpdk_pool *p)
{
	return p->n_free + (p->n - p->next);
}

static inline void
xdpdk_pool_put(struct xdpdk_pool *p, uint32_t i)
{
	p->free[p->n_free++] = i;
}

typedef void (*xdpdk_defer_release_fn)(void *ctx, uint32_t a, uint32_t b);

struct xdpdk_defer {
	struct rte_rcu_qsbr *rcu;	/* NULL: release at once */
	struct rte_rcu_qsbr_dq *dq;
	xdpdk_defer_release_fn release;
	void *ctx;
	uint64_t leaked;		/* pushes that found the queue full: a sizing bug */
};

/*
 * @p size: the most pairs that can be pending at once; the owner sizes it so
 * that a push never finds the queue full. @return 0, -ENOMEM.
 */
int xdpdk_defer_init(struct xdpdk_defer *d, uint32_t size, xdpdk_defer_release_fn release,
		     void *ctx, int socket);
/* Release everything still queued (waits for a grace period if needed). */
void xdpdk_defer_fini(struct xdpdk_defer *d);
/* Queue (a, b) for release after a grace period. */
void xdpdk_defer_push(struct xdpdk_defer *d, uint32_t a, uint32_t b);
/* Release what has passed its grace period; @return how many. */
unsigned int xdpdk_defer_reclaim(struct xdpdk_defer *d);
/*
 * Wait until everything queued so far can be released. Blocks on the
 * workers: control plane only, and never with a lock a worker may take.
 */
void xdpdk_defer_sync(struct xdpdk_defer *d);

/* A name unique among this process's DPDK objects: "<prefix><n>". */
void xdpdk_maps_unique_name(char *buf, size_t size, const char *prefix);

#endif /* XDPDK_MAPS_POOL_H */
