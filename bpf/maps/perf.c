/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY: bpf_perf_event_output's destination. The
 * kernel keeps a perf ring per CPU, attached by the control plane; xdpdk keeps
 * one byte ring per worker, attached from creation, with a lost counter, and
 * a control-plane consumer in the spirit of libbpf's perf_buffer.
 *
 * As in the kernel, a program may only write to the ring of the CPU (here:
 * worker) it runs on, so each ring has exactly one producer and needs no lock
 * or atomic read-modify-write on the data path.
 *
 * Records: an 8-byte header {size, type} and the data padded to 8 bytes. A
 * record never wraps: when it does not fit before the end, a pad record
 * fills the rest and the record starts at the beginning.
 */
#include <errno.h>
#include <stdalign.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_malloc.h>
#include <rte_spinlock.h>

#include "map_internal.h"

#define PERF_REC_SAMPLE 1u
#define PERF_REC_PAD 2u
#define PERF_HDR_SZ 8u
#define PERF_RING_MIN 64u
#define PERF_CREATE_FLAG_MASK (BPF_F_NUMA_NODE | BPF_F_PRESERVE_ELEMS | BPF_F_RDONLY | \
			       BPF_F_WRONLY)

struct perf_hdr {
	uint32_t size;			/* data bytes (pad: bytes after the header) */
	uint32_t type;
};

struct perf_ring {
	/* The producer's line: only the slot's worker writes it. */
	alignas(RTE_CACHE_LINE_SIZE) uint64_t head;
	uint64_t lost;			/* records that did not fit */
	/* The consumer's line. */
	alignas(RTE_CACHE_LINE_SIZE) uint64_t tail;
	uint64_t lost_seen;		/* lost as last reported */
	rte_spinlock_t cons_lock;	/* control-plane consumers */
	uint8_t *data;
};

struct perf {
	uint32_t n_rings;		/* one per worker */
	uint32_t size;			/* bytes of each ring, a power of two */
	struct perf_ring rings[];
};

static int
perf_check(const struct xdpdk_map_def *def)
{
	/*
	 * The kernel's fd-array checks. max_entries 0 is accepted: libbpf turns
	 * it into the number of CPUs before creating the map, xdpdk into the
	 * number of workers.
	 */
	if (def->key_size != 4 || def->value_size != 4 ||
	    (def->map_flags & ~PERF_CREATE_FLAG_MASK))
		return -EINVAL;
	if (def->map_extra != 0 &&
	    (def->map_extra < PERF_RING_MIN || def->map_extra > (1u << 30) ||
	     !rte_is_power_of_2((uint32_t)def->map_extra)))
		return -EINVAL;
	return 0;
}

static int
perf_alloc(struct xdpdk_map *map)
{
	const uint32_t n = xdpdk_maps_n_workers() ? xdpdk_maps_n_workers() : 1;
	const uint32_t size = map->def.map_extra ? (uint32_t)map->def.map_extra :
						   XDPDK_PERF_RING_DEFAULT;
	const size_t hdr = RTE_CACHE_LINE_ROUNDUP(sizeof(struct perf) +
						  n * sizeof(struct perf_ring));
	struct perf *p;
	uint32_t i;

	if (map->def.max_entries == 0)
		map->def.max_entries = n;
	p = rte_zmalloc_socket("xdpdk_perf", hdr + (size_t)n * size, RTE_CACHE_LINE_SIZE,
			       map->socket_id);
	if (p == NULL)
		return -ENOMEM;
	p->n_rings = n;
	p->size = size;
	for (i = 0; i < n; i++) {
		p->rings[i].data = (uint8_t *)p + hdr + (size_t)i * size;
		rte_spinlock_init(&p->rings[i].cons_lock);
	}
	map->priv = p;
	return 0;
}

static void
perf_free(struct xdpdk_map *map)
{
	rte_free(map->priv);
	map->priv = NULL;
}

static inline void
perf_put_hdr(uint8_t *at, uint32_t size, uint32_t type)
{
	const struct perf_hdr h = { .size = size, .type = type };

	memcpy(at, &h, sizeof(h));
}

long
xdpdk_perf_event_output(struct xdpdk_map *map, uint64_t flags, const void *data,
			uint64_t size, const void *pkt, uint64_t pkt_size)
{
	const uint32_t cpu = xdpdk_maps_worker();
	uint64_t index = flags & BPF_F_INDEX_MASK;
	uint64_t total = size + pkt_size, need, head, tail, off, pad;
	struct perf_ring *r;
	struct perf *p;

	if (unlikely(map == NULL || map->def.type != BPF_MAP_TYPE_PERF_EVENT_ARRAY ||
		     (flags & ~BPF_F_INDEX_MASK)))
		return -EINVAL;
	p = map->priv;
	if (index == BPF_F_CURRENT_CPU)
		index = cpu;
	if (unlikely(index >= map->def.max_entries))
		return -E2BIG;
	if (unlikely(index >= p->n_rings))
		return -ENOENT;		/* the kernel: no perf event at that index */
	if (unlikely(index != cpu))
		return -EOPNOTSUPP;	/* the kernel: the event is on another CPU */

	r = &p->rings[index];
	need = PERF_HDR_SZ + RTE_ALIGN_CEIL(total, 8);
	head = r->head;
	tail = __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
	off = head & (p->size - 1);
	pad = need > p->size - off ? p->size - off : 0;
	if (unlikely(total > UINT32_MAX || need + pad > p->size - (head - tail))) {
		/* Only this worker writes lost: a plain increment, published for reads. */
		__atomic_store_n(&r->lost, r->lost + 1, __ATOMIC_RELAXED);
		return -ENOSPC;
	}
	if (pad != 0) {
		/* Positions and sizes are multiples of 8: a pad always fits a header. */
		perf_put_hdr(r->data + off, (uint32_t)(pad - PERF_HDR_SZ), PERF_REC_PAD);
		head += pad;
		off = 0;
	}
	perf_put_hdr(r->data + off, (uint32_t)total, PERF_REC_SAMPLE);
	if (size != 0)
		memcpy(r->data + off + PERF_HDR_SZ, data, size);
	if (pkt_size != 0)
		memcpy(r->data + off + PERF_HDR_SZ + size, pkt, pkt_size);
	/* Publishes the record: pairs with the consumer's acquire of head. */
	__atomic_store_n(&r->head, head + need, __ATOMIC_RELEASE);
	return 0;
}

static int
perf_consume_ring(struct perf *p, uint32_t slot,
		  int (*sample_cb)(void *ctx, uint32_t slot, const void *data, uint32_t size),
		  void (*lost_cb)(void *ctx, uint32_t slot, uint64_t lost), void *ctx)
{
	struct perf_ring *r = &p->rings[slot];
	uint64_t head, tail, lost;
	struct perf_hdr h;
	int n = 0, rc = 0;

	rte_spinlock_lock(&r->cons_lock);
	lost = __atomic_load_n(&r->lost, __ATOMIC_RELAXED);
	if (lost != r->lost_seen) {
		if (lost_cb != NULL)
			lost_cb(ctx, slot, lost - r->lost_seen);
		r->lost_seen = lost;
	}
	tail = r->tail;
	head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	while (tail < head) {
		memcpy(&h, r->data + (tail & (p->size - 1)), sizeof(h));
		if (h.type == PERF_REC_SAMPLE) {
			rc = sample_cb(ctx, slot, r->data + (tail & (p->size - 1)) + PERF_HDR_SZ,
				       h.size);
			if (rc >= 0 && n < INT32_MAX)
				n++;
		}
		tail += PERF_HDR_SZ + RTE_ALIGN_CEIL((uint64_t)h.size, 8);
		/* Frees the space at once; the producer reads tail with acquire. */
		__atomic_store_n(&r->tail, tail, __ATOMIC_RELEASE);
		if (rc < 0)
			break;
	}
	rte_spinlock_unlock(&r->cons_lock);
	return rc < 0 ? rc : n;
}

int
xdpdk_perf_consume(struct xdpdk_map *map, int slot,
		   int (*sample_cb)(void *ctx, uint32_t slot, const void *data, uint32_t size),
		   void (*lost_cb)(void *ctx, uint32_t slot, uint64_t lost), void *ctx)
{
	struct perf *p;
	uint32_t first, last, i;
	int n = 0, rc;

	if (map == NULL || map->def.type != BPF_MAP_TYPE_PERF_EVENT_ARRAY || sample_cb == NULL)
		return -EINVAL;
	p = map->priv;
	if (slot == XDPDK_PERF_ALL_SLOTS) {
		first = 0;
		last = p->n_rings - 1;
	} else if (slot >= 0 && (uint32_t)slot < p->n_rings) {
		first = last = (uint32_t)slot;
	} else {
		return -EINVAL;
	}
	for (i = first; i <= last; i++) {
		rc = perf_consume_ring(p, i, sample_cb, lost_cb, ctx);
		if (rc < 0)
			return rc;
		n = n > INT32_MAX - rc ? INT32_MAX : n + rc;
	}
	return n;
}

/*
 * The kernel's slots hold perf event fds; xdpdk's rings are attached from the
 * start and have no fd to read or replace.
 */
static void *
perf_elem_lookup(struct xdpdk_map *map, const void *key)
{
	return NULL;
}

static long
perf_elem_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	return -ENOTSUP;
}

static long
perf_elem_delete(struct xdpdk_map *map, const void *key)
{
	return -ENOTSUP;
}

static int
perf_lookup(struct xdpdk_map *map, const void *key, void *value, uint64_t flags)
{
	return -ENOTSUP;
}

static int
perf_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	return -ENOTSUP;
}

static int
perf_delete(struct xdpdk_map *map, const void *key)
{
	return -ENOTSUP;
}

/* The array walk: keys 0 .. max_entries - 1. */
static int
perf_get_next_key(struct xdpdk_map *map, const void *key, void *next_key)
{
	uint32_t k = key != NULL ? *(const uint32_t *)key : UINT32_MAX;

	if (key == NULL || k >= map->def.max_entries) {
		*(uint32_t *)next_key = 0;
		return 0;
	}
	if (k == map->def.max_entries - 1)
		return -ENOENT;
	*(uint32_t *)next_key = k + 1;
	return 0;
}

const struct xdpdk_map_ops xdpdk_map_perf_event_array_ops = {
	.check = perf_check,
	.alloc = perf_alloc,
	.free = perf_free,
	.elem_lookup = perf_elem_lookup,
	.elem_update = perf_elem_update,
	.elem_delete = perf_elem_delete,
	.lookup = perf_lookup,
	.update = perf_update,
	.delete = perf_delete,
	.get_next_key = perf_get_next_key,
};
