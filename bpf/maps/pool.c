/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Element pools and RCU-deferred release for the hash and LPM families
 * (see pool.h). The defer queue is DPDK's rte_rcu_qsbr_dq in its
 * single-threaded flavour: every push and reclaim happens under the owning
 * map's writer lock, so the ring needs no atomics of its own.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_rcu_qsbr.h>

#include "map_internal.h"
#include "pool.h"

/* Entries reclaimed per push once this many are waiting: keeps the free stacks fed. */
#define DEFER_TRIGGER	32
#define DEFER_BATCH	64

/* Address space backed on first touch, asking for transparent huge pages. */
static void *
reserve(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, len, MADV_HUGEPAGE);
	return p;
}

int
xdpdk_pool_init(struct xdpdk_pool *p, uint32_t n, size_t stride, int socket, bool lazy)
{
	const size_t len = (size_t)n * stride;

	memset(p, 0, sizeof(*p));
	p->stride = stride;
	p->stride_shift = stride != 0 && (stride & (stride - 1)) == 0 ?
			  (uint8_t)__builtin_ctzll(stride) : 0xff;
	p->n = n;
	if (lazy) {
		/* One mapping: the elements, then the free stack (page-aligned). */
		const size_t off = RTE_ALIGN_CEIL(len, 4096);

		p->lazy_len = off + (size_t)n * sizeof(uint32_t);
		p->base = reserve(p->lazy_len);
		if (p->base == NULL) {
			p->lazy_len = 0;
			return -ENOMEM;
		}
		p->free = (uint32_t *)(p->base + off);
		return 0;
	}
	p->base = rte_zmalloc_socket("xdpdk_pool", len, RTE_CACHE_LINE_SIZE, socket);
	p->free = rte_malloc_socket("xdpdk_pool_free", (size_t)n * sizeof(uint32_t), 0, socket);
	if (p->base == NULL || p->free == NULL) {
		xdpdk_pool_fini(p);
		return -ENOMEM;
	}
	return 0;
}

void
xdpdk_pool_fini(struct xdpdk_pool *p)
{
	if (p->lazy_len != 0) {
		munmap(p->base, p->lazy_len);
	} else {
		rte_free(p->base);
		rte_free(p->free);
	}
	p->base = NULL;
	p->free = NULL;
	p->n_free = 0;
	p->next = p->n;
	p->lazy_len = 0;
}

struct defer_entry {
	uint32_t a;
	uint32_t b;
};

static void
defer_release(void *p, void *e, unsigned int n)
{
	struct xdpdk_defer *d = p;
	const struct defer_entry *ent = e;
	unsigned int i;

	for (i = 0; i < n; i++)
		d->release(d->ctx, ent[i].a, ent[i].b);
}

void
xdpdk_maps_unique_name(char *buf, size_t size, const char *prefix)
{
	static uint32_t seq;

	snprintf(buf, size, "%s%u", prefix, __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
}

int
xdpdk_defer_init(struct xdpdk_defer *d, uint32_t size, xdpdk_defer_release_fn release,
		 void *ctx, int socket)
{
	struct rte_rcu_qsbr_dq_parameters params;
	char name[RTE_RCU_QSBR_DQ_NAMESIZE];

	RTE_SET_USED(socket);	/* the 22.11 defer queue takes no socket */
	memset(d, 0, sizeof(*d));
	d->release = release;
	d->ctx = ctx;
	d->rcu = xdpdk_maps_rcu();
	if (d->rcu == NULL)
		return 0;

	xdpdk_maps_unique_name(name, sizeof(name), "xdq");
	memset(&params, 0, sizeof(params));
	params.name = name;
	params.flags = RTE_RCU_QSBR_DQ_MT_UNSAFE;
	params.size = size;
	params.esize = sizeof(struct defer_entry);
	params.trigger_reclaim_limit = DEFER_TRIGGER;
	params.max_reclaim_size = DEFER_BATCH;
	params.free_fn = defer_release;
	params.p = d;
	params.v = d->rcu;
	d->dq = rte_rcu_qsbr_dq_create(&params);
	return d->dq != NULL ? 0 : -ENOMEM;
}

void
xdpdk_defer_push(struct xdpdk_defer *d, uint32_t a, uint32_t b)
{
	struct defer_entry e = { .a = a, .b = b };

	if (d->dq == NULL) {
		d->release(d->ctx, a, b);
		return;
	}
	/*
	 * Full means more pairs are waiting than the owner sized for: a bug,
	 * not a runtime condition. Leaking the element is safe; reusing it
	 * before its grace period is not.
	 */
	if (rte_rcu_qsbr_dq_enqueue(d->dq, &e) != 0)
		d->leaked++;
}

unsigned int
xdpdk_defer_reclaim(struct xdpdk_defer *d)
{
	unsigned int freed = 0, pending, avail;

	if (d->dq != NULL)
		rte_rcu_qsbr_dq_reclaim(d->dq, UINT32_MAX, &freed, &pending, &avail);
	return freed;
}

void
xdpdk_defer_sync(struct xdpdk_defer *d)
{
	if (d->rcu != NULL)
		rte_rcu_qsbr_synchronize(d->rcu, RTE_QSBR_THRID_INVALID);
}

void
xdpdk_defer_fini(struct xdpdk_defer *d)
{
	if (d->dq == NULL)
		return;
	/* The map is freed after a grace period, so this normally succeeds at once. */
	while (rte_rcu_qsbr_dq_delete(d->dq) != 0)
		rte_rcu_qsbr_synchronize(d->rcu, RTE_QSBR_THRID_INVALID);
	d->dq = NULL;
}
