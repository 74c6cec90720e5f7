/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hash maps: HASH, PERCPU_HASH, LRU_HASH, LRU_PERCPU_HASH and HASH_OF_MAPS,
 * on DPDK's rte_hash in lock-free read/write mode.
 *
 * rte_hash maps a key to a pointer into a preallocated value pool (pool.h);
 * the pointer is what a program's lookup returns, so a lookup is one
 * rte_hash_lookup_data() and nothing else. As in the kernel's
 * htab_map_update_elem, replacing a value takes a fresh element and swaps
 * the pointer atomically, so a concurrent reader sees the old or the new
 * value whole, never a mix; the old element (and on delete, the rte_hash key
 * slot, which lock-free mode does not free by itself) goes back to its free
 * list only after an RCU grace period (xdpdk_defer). The exceptions are the
 * kernel's too: per-CPU values and BPF_F_LOCK updates are written in place.
 *
 * Writers (control plane and programs' updates/deletes) take one spinlock
 * per map: rte_hash without MULTI_WRITER_ADD is single-writer, and the
 * lookup/swap/free-old sequence must be atomic against another writer of the
 * same key anyway. (The kernel takes a per-bucket raw spinlock; lookups take
 * no lock in either.) The control plane also reads under it, since it is
 * no RCU reader and must not copy a value being recycled.
 *
 * Memory: max_entries elements plus headroom for those waiting for their
 * grace period, preallocated in DPDK memory; with BPF_F_NO_PREALLOC the
 * values are only reserved and backed as they are first used (pool.h), while
 * rte_hash's own key slots stay preallocated (rte_hash always preallocates). When the headroom runs out (workers not reporting
 * quiescent states), the control plane waits for a grace period; a program
 * gets -E2BIG for a new key (the kernel's answer when its preallocated free
 * list is empty) and, for an existing key, its value written in place (what
 * the kernel's preallocated maps do in every case, reusing elements at once).
 *
 * LRU maps evict with the second-chance lists of lru.c; lru.h says exactly
 * what that guarantees. An update never evicts for an existing key, and
 * checks BPF_NOEXIST/BPF_EXIST before evicting (the kernel may evict first).
 * With BPF_F_NO_COMMON_LRU each worker has its own list of
 * max_entries / n_workers entries (max_entries is rounded up to a multiple of
 * n_workers, as the kernel rounds to the number of CPUs): an insert evicts
 * from the inserting worker's list; the control plane counts as its worker
 * (xdpdk_maps_set_worker, 0 by default).
 *
 * get_next_key walks rte_hash key positions: any key after the given one's
 * position, the first when the key is missing, each live key once.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#ifdef __SSE4_2__
#include <nmmintrin.h>
#endif

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_random.h>
#include <rte_spinlock.h>

#include "lru.h"
#include "map_internal.h"
#include "pool.h"

/* The kernel's limits: KMALLOC_MAX_SIZE - sizeof(struct htab_elem), PCPU_MIN_UNIT_SIZE. */
#define HTAB_KV_MAX		((4u << 20) - 48)
#define HTAB_PCPU_VALUE_MAX	(32u << 10)
#define HTAB_CREATE_FLAGS \
	(BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU | BPF_F_NUMA_NODE | BPF_F_RDONLY | \
	 BPF_F_WRONLY | BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG | BPF_F_ZERO_SEED)
/* Elements beyond max_entries, for those waiting for their grace period. */
#define HTAB_HEADROOM_MIN	256u
#define HTAB_HEADROOM_MAX	65536u
/* Control-plane attempts that wait for a grace period before giving up. */
#define HTAB_SYNC_TRIES		8

struct htab {
	/* What a data-path lookup reads, first (map->dp points here). */
	struct rte_hash *h;
	uint8_t *filter;		/* keys per slot, saturating; NULL: no filter */
	uint32_t filter_shift;		/* slot = hash >> filter_shift */
	uint32_t seed;			/* rte_hash's hash_func_init_val */
	uint32_t key_size;
	struct xdpdk_pool vals;		/* elements of elem_size bytes */
	struct xdpdk_defer defer;	/* (element, key position + 1 or 0) */
	struct xdpdk_lru *lru;		/* LRU types, else NULL */
	rte_spinlock_t lock;		/* writers, and control-plane readers */
	uint32_t count;			/* live entries */
	uint32_t max_entries;
	uint32_t n_slots;		/* per-CPU slots, 1 otherwise */
	uint32_t stride;		/* bytes per slot: round_up(value_size, 8) */
	bool percpu;
	bool of_maps;
};

static bool
type_is_lru(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_LRU_HASH || t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool
type_is_percpu(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* htab_map_alloc_check(), and fd_htab_map_alloc_check() for hash_of_maps. */
static int
htab_check(const struct xdpdk_map_def *def)
{
	const bool lru = type_is_lru(def->type), percpu = type_is_percpu(def->type);
	const bool percpu_lru = def->map_flags & BPF_F_NO_COMMON_LRU;
	const bool numa = (def->map_flags & BPF_F_NUMA_NODE) && def->numa_node >= 0;

	if (def->type == BPF_MAP_TYPE_HASH_OF_MAPS && def->value_size != sizeof(uint32_t))
		return -EINVAL;
	if (def->map_flags & ~HTAB_CREATE_FLAGS)
		return -EINVAL;
	if (!lru && percpu_lru)
		return -EINVAL;
	/* The kernel's -ENOTSUPP (524) has no userspace name; ENOTSUP is its meaning. */
	if (lru && (def->map_flags & BPF_F_NO_PREALLOC))
		return -ENOTSUP;
	if (numa && (percpu || percpu_lru))
		return -EINVAL;
	if (def->max_entries == 0 || def->key_size == 0 || def->value_size == 0)
		return -EINVAL;
	if ((uint64_t)def->key_size + def->value_size >= HTAB_KV_MAX)
		return -E2BIG;
	if (percpu && RTE_ALIGN_CEIL(def->value_size, 8) > HTAB_PCPU_VALUE_MAX)
		return -E2BIG;
	return 0;
}

/*
 * The key's hash: CRC32C over 8-byte words, then 4, 2 and 1 bytes, the value
 * rte_hash_crc gives. Computed here, inline, rather than by rte_hash through
 * its hash_func pointer: the data-path lookups pass it to
 * rte_hash_lookup_with_hash_data, which saves the indirect call and
 * rte_hash_crc's per-word dispatch (a quarter of a lookup that misses).
 * rte_hash gets the same function for its own use (inserts, deletes).
 *
 * A program's key may sit anywhere in a packet (an IPv4 address at offset
 * 26): words are read with memcpy, so unaligned keys are fine (UBSan found
 * the aligned reads of rte_hash_crc: test_random_diff, packet keys).
 */
static inline uint32_t
htab_crc(const void *key, uint32_t len, uint32_t h)
{
	const uint8_t *p = key;
#ifdef __SSE4_2__
	uint64_t w;
	uint32_t w4;
	uint16_t w2;

	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&w, p, sizeof(w));
		h = (uint32_t)_mm_crc32_u64(h, w);
	}
	if (len & 4) {
		memcpy(&w4, p, sizeof(w4));
		h = _mm_crc32_u32(h, w4);
		p += 4;
	}
	if (len & 2) {
		memcpy(&w2, p, sizeof(w2));
		h = _mm_crc32_u16(h, w2);
		p += 2;
	}
	if (len & 1)
		h = _mm_crc32_u8(h, *p);
	return h;
#else
	uint64_t buf[32];

	if (((uintptr_t)p & 7) == 0)
		return rte_hash_crc(p, len, h);
	while (len > sizeof(buf)) {
		memcpy(buf, p, sizeof(buf));
		h = rte_hash_crc(buf, sizeof(buf), h);
		p += sizeof(buf);
		len -= (uint32_t)sizeof(buf);
	}
	memcpy(buf, p, len);
	return rte_hash_crc(buf, len, h);
#endif
}

static uint32_t
htab_hash(const void *key, uint32_t len, uint32_t init)
{
	return htab_crc(key, len, init);
}

/*
 * A filter of absent keys for maps of up to HTAB_FILTER_MAX_ENTRIES: four
 * counters a key, each counting the live keys whose hash selects it. A lookup
 * whose counter is 0 answers "no such key" without searching rte_hash, whose
 * miss costs half again a hit (both candidate buckets scanned, eight entries
 * each): the common case for tables like a load balancer's VIPs, looked up
 * by every packet, most of which are for no VIP. Writers hold ht->lock; an
 * insert counts the key before rte_hash publishes it (its release store
 * orders ours), a delete after rte_hash has removed it, so a lookup that
 * finds the counter at 0 never misses a key that was there before it began.
 * A counter that reaches 255 stays there (the filter only ever says "maybe").
 */
#define HTAB_FILTER_MAX_ENTRIES	16384u
#define HTAB_FILTER_PER_KEY	4u

static inline uint8_t *
filter_slot(const struct htab *ht, hash_sig_t sig)
{
	return &ht->filter[sig >> ht->filter_shift];
}

/* Count a key in (@p delta 1) or out (-1); a saturated counter stays. Writers only. */
static void
filter_count(struct htab *ht, hash_sig_t sig, int delta)
{
	uint8_t *c;

	if (ht->filter == NULL)
		return;
	c = filter_slot(ht, sig);
	if (*c != UINT8_MAX)
		__atomic_store_n(c, (uint8_t)(*c + delta), __ATOMIC_RELAXED);
}

static int
filter_init(struct htab *ht, uint32_t max_entries, int socket)
{
	uint32_t bits;

	if (max_entries > HTAB_FILTER_MAX_ENTRIES)
		return 0;
	bits = (uint32_t)rte_log2_u32(rte_align32pow2(RTE_MAX(max_entries * HTAB_FILTER_PER_KEY,
							       (uint32_t)RTE_CACHE_LINE_SIZE)));
	ht->filter = rte_zmalloc_socket("xdpdk_htab_filter", (size_t)1 << bits,
					RTE_CACHE_LINE_SIZE, socket);
	if (ht->filter == NULL)
		return -ENOMEM;
	ht->filter_shift = 32 - bits;
	return 0;
}

/*
 * The data-path search: the element, or NULL. The filter's counter is read
 * before rte_hash: relaxed is enough, x86 and the writers' order do the rest.
 */
static inline void *
htab_find(const struct htab *ht, const void *key)
{
	const hash_sig_t sig = htab_crc(key, ht->key_size, ht->seed);
	void *data;

	if (ht->filter != NULL && __atomic_load_n(filter_slot(ht, sig), __ATOMIC_RELAXED) == 0)
		return NULL;
	if (rte_hash_lookup_with_hash_data(ht->h, key, sig, &data) < 0)
		return NULL;
	return data;
}

/*
 * Key compares for the sizes BPF keys usually have (u32, u64, a 5-tuple's
 * 13, an IPv6 address and port's 20, an IPv6 flow's 36 or 40): rte_hash
 * calls memcmp for any length that is not a multiple of 16, which costs a
 * quarter of a 4-byte lookup. Overlapping loads cover every length from 4
 * to 64: two of 4 or 8 bytes, or two or four of 16.
 */
static int
cmp_4_8(const void *a, const void *b, size_t len)
{
	uint32_t a0, b0, a1, b1;

	memcpy(&a0, a, 4);
	memcpy(&b0, b, 4);
	memcpy(&a1, (const uint8_t *)a + len - 4, 4);
	memcpy(&b1, (const uint8_t *)b + len - 4, 4);
	return ((a0 ^ b0) | (a1 ^ b1)) != 0;
}

#ifdef __SSE4_2__
static inline __m128i
xor16(const void *a, const void *b, size_t off)
{
	return _mm_xor_si128(_mm_loadu_si128((const __m128i *)((const uint8_t *)a + off)),
			     _mm_loadu_si128((const __m128i *)((const uint8_t *)b + off)));
}

static int
cmp_16_32(const void *a, const void *b, size_t len)
{
	const __m128i x = _mm_or_si128(xor16(a, b, 0), xor16(a, b, len - 16));

	return !_mm_testz_si128(x, x);
}

static int
cmp_32_64(const void *a, const void *b, size_t len)
{
	const __m128i x = _mm_or_si128(_mm_or_si128(xor16(a, b, 0), xor16(a, b, 16)),
				       _mm_or_si128(xor16(a, b, len - 32), xor16(a, b, len - 16)));

	return !_mm_testz_si128(x, x);
}
#endif

static int
cmp_8_16(const void *a, const void *b, size_t len)
{
	uint64_t a0, b0, a1, b1;

	memcpy(&a0, a, 8);
	memcpy(&b0, b, 8);
	memcpy(&a1, (const uint8_t *)a + len - 8, 8);
	memcpy(&b1, (const uint8_t *)b + len - 8, 8);
	return ((a0 ^ b0) | (a1 ^ b1)) != 0;
}

/* After the grace period: the element, and a deleted key's slot, are free again. */
static void
htab_release(void *ctx, uint32_t idx, uint32_t pos1)
{
	struct htab *ht = ctx;

	if (pos1 != 0)
		rte_hash_free_key_with_position(ht->h, (int32_t)(pos1 - 1));
	xdpdk_pool_put(&ht->vals, idx);
}

static void
htab_free(struct xdpdk_map *map)
{
	struct htab *ht = map->priv;
	uint32_t i;

	if (ht == NULL)
		return;
	if (ht->of_maps && ht->h != NULL) {
		const void *k;
		void *data;

		for (i = 0; i < (uint32_t)rte_hash_max_key_id(ht->h); i++)
			if (rte_hash_get_key_with_position(ht->h, (int32_t)i, (void **)&k) == 0 &&
			    rte_hash_lookup_data(ht->h, k, &data) >= 0)
				xdpdk_map_put(*(struct xdpdk_map **)data);
	}
	/* Releases touch the hash and the pool: first. */
	xdpdk_defer_fini(&ht->defer);
	rte_hash_free(ht->h);
	rte_free(ht->filter);
	xdpdk_lru_free(ht->lru);
	xdpdk_pool_fini(&ht->vals);
	rte_free(ht);
	map->priv = NULL;
}

static int
htab_alloc(struct xdpdk_map *map)
{
	const struct xdpdk_map_def *def = &map->def;
	struct rte_hash_parameters hp;
	char name[RTE_HASH_NAMESIZE];
	uint32_t n_lists = 1, cap, n_elems;
	struct htab *ht;
	int ret;

	ht = rte_zmalloc_socket("xdpdk_htab", sizeof(*ht), RTE_CACHE_LINE_SIZE, map->socket_id);
	if (ht == NULL)
		return -ENOMEM;
	map->priv = ht;
	rte_spinlock_init(&ht->lock);
	ht->percpu = type_is_percpu(def->type);
	ht->of_maps = def->type == BPF_MAP_TYPE_HASH_OF_MAPS;
	ht->n_slots = ht->percpu ? map->n_slots : 1;
	/* hash_of_maps holds struct xdpdk_map pointers, not the 4-byte ids. */
	ht->stride = ht->of_maps ? sizeof(void *) : RTE_ALIGN_CEIL(def->value_size, 8);

	cap = def->max_entries;
	if (def->map_flags & BPF_F_NO_COMMON_LRU) {
		n_lists = xdpdk_maps_n_workers();
		cap = (uint32_t)RTE_MIN((uint64_t)(cap + n_lists - 1) / n_lists * n_lists,
					(uint64_t)UINT32_MAX / n_lists * n_lists);
		map->def.max_entries = cap;
	}
	ht->max_entries = cap;
	n_elems = RTE_MIN(RTE_MAX(cap / 16, HTAB_HEADROOM_MIN), HTAB_HEADROOM_MAX);
	if (cap > RTE_HASH_ENTRIES_MAX - n_elems) {
		ret = -E2BIG;
		goto err;
	}
	n_elems += cap;

	ret = xdpdk_pool_init(&ht->vals, n_elems, (size_t)ht->stride * ht->n_slots,
			      map->socket_id, def->map_flags & BPF_F_NO_PREALLOC);
	if (ret != 0)
		goto err;
	ret = xdpdk_defer_init(&ht->defer, n_elems, htab_release, ht, map->socket_id);
	if (ret != 0)
		goto err;
	if (type_is_lru(def->type)) {
		ht->lru = xdpdk_lru_create(n_elems, n_lists, cap / n_lists, map->socket_id);
		if (ht->lru == NULL) {
			ret = -ENOMEM;
			goto err;
		}
	}

	xdpdk_maps_unique_name(name, sizeof(name), "xh");
	memset(&hp, 0, sizeof(hp));
	hp.name = name;
	/* Key slots: live keys plus deleted ones waiting, never more than elements. */
	hp.entries = n_elems;
	hp.key_len = def->key_size;
	hp.hash_func = htab_hash;
	hp.hash_func_init_val = (def->map_flags & BPF_F_ZERO_SEED) ? 0 : (uint32_t)rte_rand();
	ht->seed = hp.hash_func_init_val;
	ht->key_size = def->key_size;
	hp.socket_id = map->socket_id;
	/* EXT_TABLE: no insert fails on a crowded bucket before the table is full. */
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
	ht->h = rte_hash_create(&hp);
	if (ht->h == NULL) {
		ret = rte_errno == ENOMEM ? -ENOMEM : -EINVAL;
		goto err;
	}
	ret = filter_init(ht, cap, map->socket_id);
	if (ret != 0)
		goto err;
	map->dp = ht;
	if (def->key_size >= 4 && def->key_size < 8)
		rte_hash_set_cmp_func(ht->h, cmp_4_8);
	else if (def->key_size >= 8 && def->key_size < 16)
		rte_hash_set_cmp_func(ht->h, cmp_8_16);
#ifdef __SSE4_2__
	else if (def->key_size > 16 && def->key_size < 32)
		rte_hash_set_cmp_func(ht->h, cmp_16_32);
	else if (def->key_size > 32 && def->key_size < 64 && def->key_size != 48)
		rte_hash_set_cmp_func(ht->h, cmp_32_64);
#endif
	return 0;

err:
	htab_free(map);
	return ret;
}

/* ---- data path lookups: one rte_hash lookup, no lock ------------------- */

static void *
htab_elem_lookup(struct xdpdk_map *map, const void *key)
{
	return htab_find(map->dp, key);
}

/* A worker's slot of a per-CPU element, marked for the LRU if @p lru. Inlined into both entries. */
static __rte_always_inline void *
percpu_slot(struct xdpdk_map *map, const void *key, uint32_t cpu, bool lru)
{
	struct htab *ht = map->dp;
	void *data;

	if (unlikely(cpu >= ht->n_slots) || (data = htab_find(ht, key)) == NULL)
		return NULL;
	if (lru)
		xdpdk_lru_mark(ht->lru, xdpdk_pool_idx(&ht->vals, data));
	return (uint8_t *)data + (size_t)cpu * ht->stride;
}

static void *
htab_percpu_elem_lookup_percpu(struct xdpdk_map *map, const void *key, uint32_t cpu)
{
	return percpu_slot(map, key, cpu, false);
}

static void *
htab_percpu_elem_lookup(struct xdpdk_map *map, const void *key)
{
	return percpu_slot(map, key, xdpdk_maps_cur_worker, false);
}

static void *
htab_lru_elem_lookup(struct xdpdk_map *map, const void *key)
{
	struct htab *ht = map->dp;
	void *data = htab_find(ht, key);

	if (data == NULL)
		return NULL;
	xdpdk_lru_mark(ht->lru, xdpdk_pool_idx(&ht->vals, data));
	return data;
}

static void *
htab_lru_percpu_elem_lookup_percpu(struct xdpdk_map *map, const void *key, uint32_t cpu)
{
	return percpu_slot(map, key, cpu, true);
}

static void *
htab_lru_percpu_elem_lookup(struct xdpdk_map *map, const void *key)
{
	return percpu_slot(map, key, xdpdk_maps_cur_worker, true);
}

/* The kernel's htab_of_map_lookup_elem: the inner map itself, not the slot. */
static void *
htab_of_maps_elem_lookup(struct xdpdk_map *map, const void *key)
{
	void *data = htab_find(map->dp, key);

	if (data == NULL)
		return NULL;
	return __atomic_load_n((struct xdpdk_map **)data, __ATOMIC_RELAXED);
}

/* ---- writers (under ht->lock) ------------------------------------------ */

static uint32_t
cur_slot(const struct htab *ht)
{
	uint32_t w = xdpdk_maps_cur_worker;

	return likely(w < ht->n_slots) ? w : 0;
}

/*
 * Per-CPU values: a program writes its own worker's slot; the control plane
 * writes every slot from a buffer of n_slots * stride bytes (the kernel's
 * pcpu_copy_value). @p init: a new element, whose other slots a program's
 * update zeroes (pcpu_init_value).
 */
/* A program's value into its slot: counters and small records of 4-16 bytes without a call. */
static inline void
copy_slot(uint8_t *dst, const uint8_t *src, uint32_t n)
{
	uint64_t a, b;
	uint32_t c, d;

	if (n >= 8 && n <= 16) {
		memcpy(&a, src, 8);
		memcpy(&b, src + n - 8, 8);
		memcpy(dst, &a, 8);
		memcpy(dst + n - 8, &b, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(&c, src, 4);
		memcpy(&d, src + n - 4, 4);
		memcpy(dst, &c, 4);
		memcpy(dst + n - 4, &d, 4);
	} else {
		memcpy(dst, src, n);
	}
}

static void
percpu_store(const struct htab *ht, uint32_t value_size, void *elem, const void *value,
	     bool prog, bool init)
{
	uint8_t *e = elem;

	if (!prog) {
		memcpy(e, value, (size_t)ht->stride * ht->n_slots);
		return;
	}
	if (init)
		memset(e, 0, (size_t)ht->stride * ht->n_slots);
	copy_slot(e + (size_t)cur_slot(ht) * ht->stride, value, value_size);
}

/* Room for one more key in @p list: the LRU's victim goes, its key first. */
static void
lru_evict(struct htab *ht, uint32_t list)
{
	uint32_t victim = xdpdk_lru_victim(ht->lru, list);
	int32_t pos = (int32_t)ht->lru->nodes[victim].pos;
	void *k;

	/* Lock-free mode keeps the slot's key until it is freed: k stays valid. */
	if (rte_hash_get_key_with_position(ht->h, pos, &k) == 0) {
		const hash_sig_t sig = htab_crc(k, ht->key_size, ht->seed);

		if (rte_hash_del_key_with_hash(ht->h, k, sig) >= 0)
			filter_count(ht, sig, -1);
	}
	xdpdk_lru_remove(ht->lru, victim);
	ht->count--;
	xdpdk_defer_push(&ht->defer, victim, (uint32_t)pos + 1);
}

/* A fresh element, after reclaiming what is due if none is free. */
static uint32_t
elem_get(struct htab *ht)
{
	uint32_t idx = xdpdk_pool_get(&ht->vals);

	if (idx == XDPDK_POOL_NONE && xdpdk_defer_reclaim(&ht->defer) != 0)
		idx = xdpdk_pool_get(&ht->vals);
	return idx;
}

/*
 * Insert or replace. @p value is the caller's buffer, or for hash_of_maps
 * the struct xdpdk_map pointer to store; a replaced inner map goes to
 * @p put_inner, to be released outside the lock. -EAGAIN: no element free
 * until a grace period passes (the control plane waits and retries).
 */
static int
update_locked(struct xdpdk_map *map, struct htab *ht, const void *key, const void *value,
	      uint64_t flags, bool prog, struct xdpdk_map **put_inner)
{
	const uint64_t op = flags & ~(uint64_t)BPF_F_LOCK;
	const hash_sig_t sig = htab_crc(key, ht->key_size, ht->seed);
	uint32_t idx, old_idx = 0, list = 0;
	void *old = NULL, *elem;
	int32_t pos;
	int ret;

	pos = rte_hash_lookup_with_hash_data(ht->h, key, sig, &old);
	if (pos >= 0 && op == BPF_NOEXIST)
		return -EEXIST;
	if (pos < 0 && op == BPF_EXIST)
		return -ENOENT;
	if (pos >= 0) {
		old_idx = xdpdk_pool_idx(&ht->vals, old);
		if (ht->percpu) {
			percpu_store(ht, map->def.value_size, old, value, prog, false);
			if (ht->lru != NULL)
				xdpdk_lru_mark(ht->lru, old_idx);
			return 0;
		}
		if (flags & BPF_F_LOCK) {
			xdpdk_map_value_store(map, old, value, true);
			return 0;
		}
	} else if (ht->lru == NULL && ht->count >= ht->max_entries) {
		return -E2BIG;
	}

	idx = elem_get(ht);
	if (idx == XDPDK_POOL_NONE) {
		if (!prog)
			return -EAGAIN;
		if (pos < 0)
			return -E2BIG;
		/* A program cannot wait: reuse in place, as the kernel's prealloc maps. */
		if (ht->of_maps)
			return -E2BIG;
		xdpdk_map_value_store(map, old, value, false);
		return 0;
	}
	elem = xdpdk_pool_ptr(&ht->vals, idx);
	if (ht->of_maps) {
		*(const void **)elem = value;
	} else if (ht->percpu) {
		percpu_store(ht, map->def.value_size, elem, value, prog, true);
	} else {
		/* Zero first: the padding, and a bpf_spin_lock the copy skips. */
		memset(elem, 0, ht->stride);
		xdpdk_map_value_store(map, elem, value, false);
	}

	if (ht->lru != NULL) {
		/* A replaced key keeps its list; a new one joins the inserting worker's. */
		list = pos >= 0 ? ht->lru->nodes[old_idx].list
				: xdpdk_maps_cur_worker % ht->lru->n_lists;
		if (pos < 0 && xdpdk_lru_full(ht->lru, list))
			lru_evict(ht, list);
	}
	if (pos < 0)
		filter_count(ht, sig, 1);
	ret = rte_hash_add_key_with_hash_data(ht->h, key, sig, elem);
	if (ret < 0) {
		if (pos < 0)
			filter_count(ht, sig, -1);
		xdpdk_pool_put(&ht->vals, idx);
		if (ret != -ENOSPC)
			return ret;
		return prog ? -E2BIG : -EAGAIN;
	}
	if (pos >= 0) {
		if (ht->lru != NULL)
			xdpdk_lru_remove(ht->lru, old_idx);
		if (ht->of_maps)
			*put_inner = *(struct xdpdk_map **)old;
		xdpdk_defer_push(&ht->defer, old_idx, 0);
	} else {
		ht->count++;
		if (ht->lru != NULL)
			pos = rte_hash_lookup_with_hash(ht->h, key, sig);
	}
	if (ht->lru != NULL)
		xdpdk_lru_push(ht->lru, idx, list, (uint32_t)pos);
	return 0;
}

static int
delete_locked(struct htab *ht, const void *key, struct xdpdk_map **put_inner)
{
	const hash_sig_t sig = htab_crc(key, ht->key_size, ht->seed);
	void *old;
	int32_t pos;
	uint32_t idx;

	pos = rte_hash_lookup_with_hash_data(ht->h, key, sig, &old);
	if (pos < 0)
		return -ENOENT;
	rte_hash_del_key_with_hash(ht->h, key, sig);
	filter_count(ht, sig, -1);
	idx = xdpdk_pool_idx(&ht->vals, old);
	if (ht->lru != NULL)
		xdpdk_lru_remove(ht->lru, idx);
	if (ht->of_maps)
		*put_inner = *(struct xdpdk_map **)old;
	ht->count--;
	xdpdk_defer_push(&ht->defer, idx, (uint32_t)pos + 1);
	return 0;
}

/* ---- data path writers -------------------------------------------------- */

static long
htab_elem_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	struct htab *ht = map->priv;
	const uint64_t op = flags & ~(uint64_t)BPF_F_LOCK;
	struct xdpdk_map *put = NULL;
	void *old;
	int ret;

	if (unlikely(op > BPF_EXIST) || ((flags & BPF_F_LOCK) && !map->def.has_spin_lock))
		return -EINVAL;
	/* Per-CPU values of existing keys are written in place: no lock needed. */
	if (ht->percpu && op != BPF_NOEXIST && (old = htab_find(ht, key)) != NULL) {
		percpu_store(ht, map->def.value_size, old, value, true, false);
		if (ht->lru != NULL)
			xdpdk_lru_mark(ht->lru, xdpdk_pool_idx(&ht->vals, old));
		return 0;
	}
	rte_spinlock_lock(&ht->lock);
	ret = update_locked(map, ht, key, value, flags, true, &put);
	rte_spinlock_unlock(&ht->lock);
	return ret;
}

static long
htab_elem_delete(struct xdpdk_map *map, const void *key)
{
	struct htab *ht = map->priv;
	struct xdpdk_map *put = NULL;
	int ret;

	rte_spinlock_lock(&ht->lock);
	ret = delete_locked(ht, key, &put);
	rte_spinlock_unlock(&ht->lock);
	return ret;
}

/* ---- control plane ------------------------------------------------------ */

static int
htab_update_value(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	struct htab *ht = map->priv;
	struct xdpdk_map *put = NULL;
	int ret, tries;

	for (tries = 0;; tries++) {
		rte_spinlock_lock(&ht->lock);
		ret = update_locked(map, ht, key, value, flags, false, &put);
		rte_spinlock_unlock(&ht->lock);
		if (ret != -EAGAIN)
			break;
		if (tries == HTAB_SYNC_TRIES)
			return -ENOMEM;
		/* Without the lock: a worker waiting on it would never report. */
		xdpdk_defer_sync(&ht->defer);
	}
	xdpdk_map_put(put);
	return ret;
}

static int
htab_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	struct xdpdk_map *inner;
	uint32_t id;
	int ret;

	if (map->def.type != BPF_MAP_TYPE_HASH_OF_MAPS)
		return htab_update_value(map, key, value, flags);
	/* The value is an inner map's id, the stand-in for the kernel's fd. */
	memcpy(&id, value, sizeof(id));
	inner = xdpdk_map_get_by_id(id);
	if (inner == NULL)
		return -EBADF;
	ret = xdpdk_map_inner_check(map, inner);
	if (ret == 0)
		ret = htab_update_value(map, key, inner, flags);
	if (ret != 0)
		xdpdk_map_put(inner);
	return ret;
}

static int
htab_delete(struct xdpdk_map *map, const void *key)
{
	struct htab *ht = map->priv;
	struct xdpdk_map *put = NULL;
	int ret;

	rte_spinlock_lock(&ht->lock);
	ret = delete_locked(ht, key, &put);
	rte_spinlock_unlock(&ht->lock);
	xdpdk_map_put(put);
	return ret;
}

/* Copies out: every slot of a per-CPU value, the id of an inner map. No LRU mark. */
static int
htab_lookup(struct xdpdk_map *map, const void *key, void *value, uint64_t flags)
{
	struct htab *ht = map->priv;
	void *data;
	uint32_t id;

	rte_spinlock_lock(&ht->lock);
	if (rte_hash_lookup_data(ht->h, key, &data) < 0) {
		rte_spinlock_unlock(&ht->lock);
		return -ENOENT;
	}
	if (ht->of_maps) {
		id = xdpdk_map_id(*(struct xdpdk_map **)data);
		memcpy(value, &id, sizeof(id));
	} else if (ht->percpu) {
		memcpy(value, data, (size_t)ht->stride * ht->n_slots);
	} else {
		xdpdk_map_value_load(map, value, data, flags & BPF_F_LOCK);
	}
	rte_spinlock_unlock(&ht->lock);
	return 0;
}

static int
htab_get_next_key(struct xdpdk_map *map, const void *key, void *next_key)
{
	struct htab *ht = map->priv;
	int32_t pos = 0, end;
	void *k;
	int ret = -ENOENT;

	rte_spinlock_lock(&ht->lock);
	if (key != NULL) {
		pos = rte_hash_lookup(ht->h, key);
		pos = pos >= 0 ? pos + 1 : 0;
	}
	end = rte_hash_max_key_id(ht->h);
	/* get_key_with_position checks the slot holds a live key. */
	for (; pos < end; pos++) {
		if (rte_hash_get_key_with_position(ht->h, pos, &k) == 0) {
			memcpy(next_key, k, map->def.key_size);
			ret = 0;
			break;
		}
	}
	rte_spinlock_unlock(&ht->lock);
	return ret;
}

/*
 * bpf_for_each_map_elem: rte_hash's slots in order (the kernel walks its
 * buckets; the order is unspecified in both). Lock-free like a lookup: a key
 * slot deleted meanwhile is recycled only after a grace period.
 */
static int
htab_elem_next(struct xdpdk_map *map, struct xdpdk_map_iter *it)
{
	const struct htab *ht = map->priv;
	void *data;

	if (ht->of_maps)	/* not a type the kernel walks */
		return -EOPNOTSUPP;
	if (rte_hash_iterate(ht->h, &it->key, &data, &it->pos) < 0)
		return 0;
	it->value = ht->percpu ? (uint8_t *)data + (size_t)cur_slot(ht) * ht->stride : data;
	return 1;
}

#define HTAB_COMMON_OPS \
	.check = htab_check, \
	.alloc = htab_alloc, \
	.free = htab_free, \
	.lookup = htab_lookup, \
	.update = htab_update, \
	.delete = htab_delete, \
	.get_next_key = htab_get_next_key, \
	.elem_next = htab_elem_next

const struct xdpdk_map_ops xdpdk_map_hash_ops = {
	HTAB_COMMON_OPS,
	.elem_lookup = htab_elem_lookup,
	.elem_update = htab_elem_update,
	.elem_delete = htab_elem_delete,
};

const struct xdpdk_map_ops xdpdk_map_percpu_hash_ops = {
	HTAB_COMMON_OPS,
	.elem_lookup = htab_percpu_elem_lookup,
	.elem_lookup_percpu = htab_percpu_elem_lookup_percpu,
	.elem_update = htab_elem_update,
	.elem_delete = htab_elem_delete,
};

const struct xdpdk_map_ops xdpdk_map_lru_hash_ops = {
	HTAB_COMMON_OPS,
	.elem_lookup = htab_lru_elem_lookup,
	.elem_update = htab_elem_update,
	.elem_delete = htab_elem_delete,
};

const struct xdpdk_map_ops xdpdk_map_lru_percpu_hash_ops = {
	HTAB_COMMON_OPS,
	.elem_lookup = htab_lru_percpu_elem_lookup,
	.elem_lookup_percpu = htab_lru_percpu_elem_lookup_percpu,
	.elem_update = htab_elem_update,
	.elem_delete = htab_elem_delete,
};

/* Programs may only look up in a map-in-map (the verifier's rule). */
const struct xdpdk_map_ops xdpdk_map_hash_of_maps_ops = {
	HTAB_COMMON_OPS,
	.elem_lookup = htab_of_maps_elem_lookup,
};
