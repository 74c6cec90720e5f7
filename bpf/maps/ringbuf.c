/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BPF_MAP_TYPE_RINGBUF, as the kernel's ringbuf.c: a byte ring of
 * max_entries bytes shared by every worker, records with the kernel's 8-byte
 * header (length with BUSY/DISCARD bits, page offset back to the ring), the
 * kernel's positions (free-running 64-bit consumer/producer counters), and a
 * control-plane consumer that reads records in order as libbpf's does.
 *
 * A record may run past the end of the ring; a program must still see it as
 * one contiguous object. As in the kernel, the data pages are mapped twice,
 * back to back (a memfd mapped at two addresses), so the bytes after the end
 * are the bytes at the start. That is why this map lives in mmap'd memory
 * rather than rte_malloc: DPDK memory cannot be aliased.
 *
 * Producers are serialised by a spinlock around the reservation only (the
 * kernel takes one too); filling and submitting a record is lock-free. The
 * consumer never takes the producers' lock.
 */
#include <errno.h>
#include <stdalign.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_spinlock.h>

#include "map_internal.h"

#define RB_HDR_SZ 8u			/* BPF_RINGBUF_HDR_SZ */
#define RB_BUSY_BIT (1u << 31)		/* BPF_RINGBUF_BUSY_BIT: reserved, not submitted */
#define RB_DISCARD_BIT (1u << 30)	/* BPF_RINGBUF_DISCARD_BIT */
#define RB_MAX_RECORD_SZ (UINT32_MAX / 4)
/*
 * pg_off counts 4 KiB units from the ring's start to the record's header.
 * The unit is fixed (not the system page size) so restoring the ring from a
 * record needs no global; every mapping is aligned to at least 4 KiB.
 */
#define RB_PG_SHIFT 12
#define RB_WAKEUP_FLAGS (BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP)

struct rb_hdr {
	uint32_t len;
	uint32_t pg_off;
};

/* Lives at the start of the mapping, in front of the twice-mapped data. */
struct ringbuf {
	uint8_t *data;			/* size bytes, then the same bytes again */
	uint64_t mask;			/* size - 1 */
	size_t map_len;			/* the whole mapping, for munmap */
	rte_spinlock_t lock;		/* producers */
	uint64_t pending_pos;		/* oldest record not yet submitted (under lock) */
	rte_spinlock_t cons_lock;	/* control-plane consumers */
	/* Producers and the consumer each write their own line. */
	alignas(RTE_CACHE_LINE_SIZE) uint64_t consumer_pos;
	alignas(RTE_CACHE_LINE_SIZE) uint64_t producer_pos;
};

static size_t
page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);

	return p > 0 ? (size_t)p : 4096;
}

static int
rb_check(const struct xdpdk_map_def *def)
{
	const uint32_t n = def->max_entries;

	if ((def->map_flags & ~BPF_F_NUMA_NODE) || def->key_size != 0 ||
	    def->value_size != 0 || def->map_extra != 0 || !rte_is_power_of_2(n) ||
	    n % page_size() != 0)
		return -EINVAL;
	return 0;
}

static int
rb_alloc(struct xdpdk_map *map)
{
	const size_t size = map->def.max_entries;
	const size_t meta = RTE_ALIGN_CEIL(sizeof(struct ringbuf), page_size());
	const size_t total = meta + 2 * size;
	const int prot = PROT_READ | PROT_WRITE;
	struct ringbuf *rb;
	uint8_t *base;
	int fd, rc = -ENOMEM;

	fd = memfd_create("xdpdk_ringbuf", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0) {
		rc = -errno;
		goto err_fd;
	}
	/* Reserve the whole range first so the three mappings are adjacent. */
	base = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		goto err_fd;
	if (mmap(base, meta, prot, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ||
	    mmap(base + meta, size, prot, MAP_FIXED | MAP_SHARED, fd, 0) == MAP_FAILED ||
	    mmap(base + meta + size, size, prot, MAP_FIXED | MAP_SHARED, fd, 0) == MAP_FAILED)
		goto err_unmap;
	close(fd);

	rb = (struct ringbuf *)base;
	memset(rb, 0, sizeof(*rb));
	rb->data = base + meta;
	rb->mask = size - 1;
	rb->map_len = total;
	rte_spinlock_init(&rb->lock);
	rte_spinlock_init(&rb->cons_lock);
	map->priv = rb;
	return 0;

err_unmap:
	rc = -errno;
	munmap(base, total);
err_fd:
	close(fd);
	return rc;
}

static void
rb_free(struct xdpdk_map *map)
{
	struct ringbuf *rb = map->priv;

	if (rb != NULL)
		munmap(rb, rb->map_len);
	map->priv = NULL;
}

static inline uint32_t
rb_round_len(uint32_t len)
{
	/* A record's footprint: its header plus its data rounded to 8. */
	return RTE_ALIGN_CEIL((len & ~(RB_BUSY_BIT | RB_DISCARD_BIT)) + RB_HDR_SZ, 8);
}

static void *
rb_reserve(struct ringbuf *rb, uint64_t size)
{
	uint64_t cons_pos, prod_pos, pend_pos, new_prod_pos;
	struct rb_hdr *hdr;
	uint32_t len, hdr_len;

	if (unlikely(size > RB_MAX_RECORD_SZ))
		return NULL;
	len = RTE_ALIGN_CEIL((uint32_t)size + RB_HDR_SZ, 8);
	if (unlikely(len > rb->mask + 1))
		return NULL;
	cons_pos = __atomic_load_n(&rb->consumer_pos, __ATOMIC_ACQUIRE);

	rte_spinlock_lock(&rb->lock);
	prod_pos = rb->producer_pos;
	new_prod_pos = prod_pos + len;
	/* Move past the records submitted since: only a busy one holds space. */
	pend_pos = rb->pending_pos;
	while (pend_pos < prod_pos) {
		hdr = (struct rb_hdr *)(rb->data + (pend_pos & rb->mask));
		hdr_len = __atomic_load_n(&hdr->len, __ATOMIC_ACQUIRE);
		if (hdr_len & RB_BUSY_BIT)
			break;
		pend_pos += rb_round_len(hdr_len);
	}
	rb->pending_pos = pend_pos;
	/*
	 * Full when the producer would get a whole ring ahead of the consumer,
	 * or of the oldest busy record (whose header the consumer will read).
	 */
	if (new_prod_pos - cons_pos > rb->mask || new_prod_pos - pend_pos > rb->mask) {
		rte_spinlock_unlock(&rb->lock);
		return NULL;
	}
	hdr = (struct rb_hdr *)(rb->data + (prod_pos & rb->mask));
	hdr->pg_off = (uint32_t)(((uintptr_t)hdr - (uintptr_t)rb) >> RB_PG_SHIFT);
	hdr->len = (uint32_t)size | RB_BUSY_BIT;
	/* Pairs with the consumer's acquire: it sees the busy header first. */
	__atomic_store_n(&rb->producer_pos, new_prod_pos, __ATOMIC_RELEASE);
	rte_spinlock_unlock(&rb->lock);
	return hdr + 1;
}

static void
rb_commit(void *sample, bool discard)
{
	struct rb_hdr *hdr = (struct rb_hdr *)sample - 1;
	uint32_t new_len = hdr->len ^ RB_BUSY_BIT;

	if (discard)
		new_len |= RB_DISCARD_BIT;
	/*
	 * Publishes the record's bytes with its length. Wakeup flags change
	 * nothing here: the consumer polls, no one sleeps on the ring.
	 */
	__atomic_store_n(&hdr->len, new_len, __ATOMIC_RELEASE);
}

static inline struct ringbuf *
rb_of(struct xdpdk_map *map)
{
	return likely(map != NULL && map->def.type == BPF_MAP_TYPE_RINGBUF) ? map->priv : NULL;
}

void *
xdpdk_ringbuf_reserve(struct xdpdk_map *map, uint64_t size, uint64_t flags)
{
	struct ringbuf *rb = rb_of(map);

	if (unlikely(rb == NULL || flags != 0))
		return NULL;
	return rb_reserve(rb, size);
}

void
xdpdk_ringbuf_submit(void *sample, uint64_t flags)
{
	rb_commit(sample, false);
}

void
xdpdk_ringbuf_discard(void *sample, uint64_t flags)
{
	rb_commit(sample, true);
}

long
xdpdk_ringbuf_output(struct xdpdk_map *map, const void *data, uint64_t size, uint64_t flags)
{
	struct ringbuf *rb = rb_of(map);
	void *rec;

	if (unlikely(rb == NULL || (flags & ~(uint64_t)RB_WAKEUP_FLAGS)))
		return -EINVAL;
	rec = rb_reserve(rb, size);
	if (rec == NULL)
		return -EAGAIN;
	memcpy(rec, data, size);
	rb_commit(rec, false);
	return 0;
}

uint64_t
xdpdk_ringbuf_query(struct xdpdk_map *map, uint64_t flags)
{
	struct ringbuf *rb = rb_of(map);
	uint64_t cons, prod;

	if (unlikely(rb == NULL))
		return 0;
	switch (flags) {
	case BPF_RB_AVAIL_DATA:
		cons = __atomic_load_n(&rb->consumer_pos, __ATOMIC_ACQUIRE);
		prod = __atomic_load_n(&rb->producer_pos, __ATOMIC_ACQUIRE);
		return prod - cons;
	case BPF_RB_RING_SIZE:
		return rb->mask + 1;
	case BPF_RB_CONS_POS:
		return __atomic_load_n(&rb->consumer_pos, __ATOMIC_ACQUIRE);
	case BPF_RB_PROD_POS:
		return __atomic_load_n(&rb->producer_pos, __ATOMIC_ACQUIRE);
	default:
		return 0;
	}
}

int
xdpdk_ringbuf_consume(struct xdpdk_map *map,
		      int (*cb)(void *ctx, const void *data, size_t size), void *ctx)
{
	struct ringbuf *rb = rb_of(map);
	uint64_t cons_pos, prod_pos;
	struct rb_hdr *hdr;
	uint32_t len;
	int n = 0, rc;

	if (rb == NULL || cb == NULL)
		return -EINVAL;
	rte_spinlock_lock(&rb->cons_lock);
	cons_pos = rb->consumer_pos;
	/*
	 * One pass up to the producer position seen on entry: busy workers
	 * cannot keep the control plane here forever; the caller polls again.
	 */
	prod_pos = __atomic_load_n(&rb->producer_pos, __ATOMIC_ACQUIRE);
	while (cons_pos < prod_pos) {
		hdr = (struct rb_hdr *)(rb->data + (cons_pos & rb->mask));
		len = __atomic_load_n(&hdr->len, __ATOMIC_ACQUIRE);
		if (len & RB_BUSY_BIT)
			break;	/* records after it wait: they are consumed in order */
		cons_pos += rb_round_len(len);
		if (!(len & RB_DISCARD_BIT)) {
			rc = cb(ctx, hdr + 1, len);
			if (rc < 0) {
				__atomic_store_n(&rb->consumer_pos, cons_pos, __ATOMIC_RELEASE);
				rte_spinlock_unlock(&rb->cons_lock);
				return rc;
			}
			if (n < INT32_MAX)
				n++;
		}
		/* Frees the space at once: producers see it with their acquire. */
		__atomic_store_n(&rb->consumer_pos, cons_pos, __ATOMIC_RELEASE);
	}
	rte_spinlock_unlock(&rb->cons_lock);
	return n;
}

/* No keys or values: the kernel answers every element call with ENOTSUPP. */
static void *
rb_elem_lookup(struct xdpdk_map *map, const void *key)
{
	return NULL;
}

static long
rb_elem_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	return -ENOTSUP;
}

static long
rb_elem_delete(struct xdpdk_map *map, const void *key)
{
	return -ENOTSUP;
}

static int
rb_lookup(struct xdpdk_map *map, const void *key, void *value, uint64_t flags)
{
	return -ENOTSUP;
}

static int
rb_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	return -ENOTSUP;
}

static int
rb_delete(struct xdpdk_map *map, const void *key)
{
	return -ENOTSUP;
}

static int
rb_get_next_key(struct xdpdk_map *map, const void *key, void *next_key)
{
	return -ENOTSUP;
}

const struct xdpdk_map_ops xdpdk_map_ringbuf_ops = {
	.check = rb_check,
	.alloc = rb_alloc,
	.free = rb_free,
	.elem_lookup = rb_elem_lookup,
	.elem_update = rb_elem_update,
	.elem_delete = rb_elem_delete,
	.lookup = rb_lookup,
	.update = rb_update,
	.delete = rb_delete,
	.get_next_key = rb_get_next_key,
};
