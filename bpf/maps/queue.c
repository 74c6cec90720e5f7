/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BPF_MAP_TYPE_QUEUE (FIFO) and BPF_MAP_TYPE_STACK (LIFO), as the kernel's
 * queue_stack_maps.c: no keys, push/pop/peek, BPF_EXIST makes room by
 * dropping the oldest value when full.
 *
 * Workers push and pop concurrently. The queue is an rte_ring in HTS mode
 * (serialised producers and consumers), the only multi-producer/consumer mode
 * whose zero-copy API can peek and copy exactly value_size bytes in and out.
 * A stack needs LIFO, which no rte_ring mode gives, so it is the kernel's
 * circular buffer under a spinlock (the kernel takes a raw spinlock for both).
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>
#include <rte_ring_elem.h>
#include <rte_spinlock.h>

#include "map_internal.h"

#define QS_CREATE_FLAG_MASK (BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY | \
			     BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)
/* The kernel's limit is KMALLOC_MAX_SIZE; values are copied whole on every op. */
#define QS_VALUE_MAX (4u << 20)

struct queue {
	struct rte_ring *ring;		/* elements of esize bytes; ring memory follows */
	uint32_t esize;			/* value_size rounded up to 4, as rte_ring wants */
};

/* The ring follows struct queue in the same allocation, cache-aligned as it wants. */
#define RING_OFF RTE_CACHE_LINE_ROUNDUP(sizeof(struct queue))

struct stack {
	rte_spinlock_t lock;
	uint32_t head;			/* next free slot */
	uint32_t tail;			/* oldest value */
	uint32_t size;			/* max_entries + 1: head == tail means empty */
	uint8_t elements[] __rte_aligned(8);
};

static int
qs_check(const struct xdpdk_map_def *def)
{
	if (def->max_entries == 0 || def->key_size != 0 || def->value_size == 0 ||
	    def->map_extra != 0 || (def->map_flags & ~QS_CREATE_FLAG_MASK) ||
	    (def->map_flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)) ==
		    (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG))
		return -EINVAL;
	if (def->value_size > QS_VALUE_MAX)
		return -E2BIG;
	return 0;
}

static long
qs_check_push_flags(uint64_t flags)
{
	/* BPF_ANY or BPF_EXIST (make room when full); nothing else. */
	return (flags & BPF_NOEXIST) || flags > BPF_EXIST ? -EINVAL : 0;
}

/* ---- queue: an HTS rte_ring --------------------------------------------- */

static int
queue_alloc(struct xdpdk_map *map)
{
	const uint32_t n = map->def.max_entries;
	const uint32_t esize = RTE_ALIGN_CEIL(map->def.value_size, 4);
	struct queue *q;
	ssize_t sz;
	int rc;

	/* RING_F_EXACT_SZ holds exactly n values in a power-of-two ring above n. */
	if (n > RTE_RING_SZ_MASK / 2)
		return -E2BIG;
	sz = rte_ring_get_memsize_elem(esize, rte_align32pow2(n + 1));
	if (sz < 0)
		return (int)sz;
	q = rte_zmalloc_socket("xdpdk_queue", RING_OFF + (size_t)sz, RTE_CACHE_LINE_SIZE,
			       map->socket_id);
	if (q == NULL)
		return -ENOMEM;
	q->ring = (struct rte_ring *)((uint8_t *)q + RING_OFF);
	q->esize = esize;
	/* rte_ring_init does not register the name: it need not be unique. */
	rc = rte_ring_init(q->ring, "xdpdk_queue", n,
			   RING_F_MP_HTS_ENQ | RING_F_MC_HTS_DEQ | RING_F_EXACT_SZ);
	if (rc < 0) {
		rte_free(q);
		return rc;
	}
	map->priv = q;
	return 0;
}

static void
queue_free(struct xdpdk_map *map)
{
	rte_free(map->priv);
	map->priv = NULL;
}

static long
queue_push(struct xdpdk_map *map, const void *value, uint64_t flags)
{
	struct queue *q = map->priv;
	struct rte_ring_zc_data zcd;
	long rc = qs_check_push_flags(flags);

	if (rc != 0)
		return rc;
	while (rte_ring_enqueue_zc_bulk_elem_start(q->ring, q->esize, 1, &zcd, NULL) == 0) {
		if (!(flags & BPF_EXIST))
			return -E2BIG;
		/*
		 * Drop the oldest and retry. Unlike the kernel's single locked step,
		 * another producer may take the freed slot first; every push still
		 * lands, and only the oldest values are ever dropped.
		 */
		if (rte_ring_dequeue_zc_bulk_elem_start(q->ring, q->esize, 1, &zcd, NULL) != 0)
			rte_ring_dequeue_zc_elem_finish(q->ring, 1);
	}
	memcpy(zcd.ptr1, value, map->def.value_size);
	rte_ring_enqueue_zc_elem_finish(q->ring, 1);
	return 0;
}

static long
queue_get(struct xdpdk_map *map, void *value, bool delete)
{
	struct queue *q = map->priv;
	struct rte_ring_zc_data zcd;

	if (rte_ring_dequeue_zc_bulk_elem_start(q->ring, q->esize, 1, &zcd, NULL) == 0) {
		/* The kernel zeroes the output on failure: no stale stack bytes leak. */
		memset(value, 0, map->def.value_size);
		return -ENOENT;
	}
	memcpy(value, zcd.ptr1, map->def.value_size);
	rte_ring_dequeue_zc_elem_finish(q->ring, delete ? 1 : 0);
	return 0;
}

static long
queue_pop(struct xdpdk_map *map, void *value)
{
	return queue_get(map, value, true);
}

static long
queue_peek(struct xdpdk_map *map, void *value)
{
	return queue_get(map, value, false);
}

/* ---- stack: the kernel's circular buffer under a spinlock ------------- */

static int
stack_alloc(struct xdpdk_map *map)
{
	const uint64_t size = (uint64_t)map->def.max_entries + 1;
	const uint64_t bytes = size * map->def.value_size;
	struct stack *s;

	if (bytes > SIZE_MAX / 2 || size > UINT32_MAX)
		return -E2BIG;
	s = rte_zmalloc_socket("xdpdk_stack", sizeof(*s) + bytes, RTE_CACHE_LINE_SIZE,
			       map->socket_id);
	if (s == NULL)
		return -ENOMEM;
	rte_spinlock_init(&s->lock);
	s->size = (uint32_t)size;
	map->priv = s;
	return 0;
}

static long
stack_push(struct xdpdk_map *map, const void *value, uint64_t flags)
{
	struct stack *s = map->priv;
	const uint32_t vs = map->def.value_size;
	long rc = qs_check_push_flags(flags);
	uint32_t next;

	if (rc != 0)
		return rc;
	rte_spinlock_lock(&s->lock);
	next = s->head + 1 == s->size ? 0 : s->head + 1;
	if (next == s->tail) {
		if (!(flags & BPF_EXIST)) {
			rte_spinlock_unlock(&s->lock);
			return -E2BIG;
		}
		/* As the kernel: make room by dropping the oldest (bottom) value. */
		s->tail = s->tail + 1 == s->size ? 0 : s->tail + 1;
	}
	memcpy(&s->elements[(size_t)s->head * vs], value, vs);
	s->head = next;
	rte_spinlock_unlock(&s->lock);
	return 0;
}

static long
stack_get(struct xdpdk_map *map, void *value, bool delete)
{
	struct stack *s = map->priv;
	const uint32_t vs = map->def.value_size;
	uint32_t top;

	rte_spinlock_lock(&s->lock);
	if (s->head == s->tail) {
		rte_spinlock_unlock(&s->lock);
		memset(value, 0, vs);
		return -ENOENT;
	}
	top = s->head == 0 ? s->size - 1 : s->head - 1;
	memcpy(value, &s->elements[(size_t)top * vs], vs);
	if (delete)
		s->head = top;
	rte_spinlock_unlock(&s->lock);
	return 0;
}

static long
stack_pop(struct xdpdk_map *map, void *value)
{
	return stack_get(map, value, true);
}

static long
stack_peek(struct xdpdk_map *map, void *value)
{
	return stack_get(map, value, false);
}

static void
stack_free(struct xdpdk_map *map)
{
	rte_free(map->priv);
	map->priv = NULL;
}

/* ---- what both share: the kernel's answers to key-based calls ---------- */

static void *
qs_elem_lookup(struct xdpdk_map *map, const void *key)
{
	return NULL;	/* no keys: programs use peek */
}

static long
qs_elem_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	return -EINVAL;
}

static long
qs_elem_delete(struct xdpdk_map *map, const void *key)
{
	return -EINVAL;
}

/* BPF_MAP_LOOKUP_ELEM is peek, BPF_MAP_UPDATE_ELEM push (bpf_map_copy_value). */
static int
qs_lookup(struct xdpdk_map *map, const void *key, void *value, uint64_t flags)
{
	if (flags != 0)		/* BPF_F_LOCK needs a spin lock in the value */
		return -EINVAL;
	return (int)map->ops->elem_peek(map, value);
}

static int
qs_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	return (int)map->ops->elem_push(map, value, flags);
}

static int
qs_delete(struct xdpdk_map *map, const void *key)
{
	return -EINVAL;
}

static int
qs_get_next_key(struct xdpdk_map *map, const void *key, void *next_key)
{
	return -EINVAL;
}

const struct xdpdk_map_ops xdpdk_map_queue_ops = {
	.check = qs_check,
	.alloc = queue_alloc,
	.free = queue_free,
	.elem_lookup = qs_elem_lookup,
	.elem_update = qs_elem_update,
	.elem_delete = qs_elem_delete,
	.elem_push = queue_push,
	.elem_pop = queue_pop,
	.elem_peek = queue_peek,
	.lookup = qs_lookup,
	.update = qs_update,
	.delete = qs_delete,
	.get_next_key = qs_get_next_key,
};

const struct xdpdk_map_ops xdpdk_map_stack_ops = {
	.check = qs_check,
	.alloc = stack_alloc,
	.free = stack_free,
	.elem_lookup = qs_elem_lookup,
	.elem_update = qs_elem_update,
	.elem_delete = qs_elem_delete,
	.elem_push = stack_push,
	.elem_pop = stack_pop,
	.elem_peek = stack_peek,
	.lookup = qs_lookup,
	.update = qs_update,
	.delete = qs_delete,
	.get_next_key = qs_get_next_key,
};

/* The kernel's BPF_MAP_LOOKUP_AND_DELETE_ELEM for the keyless types (bloom: -EOPNOTSUPP). */
int
xdpdk_map_pop(struct xdpdk_map *map, void *value)
{
	if (map == NULL || value == NULL)
		return -EINVAL;
	switch (map->def.type) {
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
	case BPF_MAP_TYPE_BLOOM_FILTER:
		return (int)map->ops->elem_pop(map, value);
	default:
		return -EINVAL;
	}
}
