/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BPF_MAP_TYPE_BLOOM_FILTER, as the kernel's bloom_filter.c: push adds a
 * value, peek answers "maybe present" (0) or "certainly absent" (-ENOENT).
 * Same sizing (n * k / ln 2 bits, a power of two) and hashes (jhash seeded
 * with seed + i), so a BPF_F_ZERO_SEED filter sets the same bits as the kernel's.
 *
 * Concurrency: bits are only ever set, with an atomic OR; a reader racing a
 * writer may see a value as absent until the writer is done, as in the kernel.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "map_internal.h"

#define BLOOM_CREATE_FLAG_MASK (BPF_F_NUMA_NODE | BPF_F_ZERO_SEED | BPF_F_RDONLY | \
				BPF_F_WRONLY | BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)
#define BLOOM_DEFAULT_HASHES 5
/* The kernel's limit is KMALLOC_MAX_SIZE; a value is hashed whole. */
#define BLOOM_VALUE_MAX (4u << 20)

struct bloom {
	uint32_t bitset_mask;		/* nr_bits - 1 */
	uint32_t hash_seed;
	uint32_t nr_hash_funcs;
	uint64_t bitset[] __rte_aligned(8);
};

static int
bloom_check(const struct xdpdk_map_def *def)
{
	if (def->key_size != 0 || def->value_size == 0 || def->max_entries == 0 ||
	    (def->map_flags & ~BLOOM_CREATE_FLAG_MASK) ||
	    (def->map_flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)) ==
		    (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG) ||
	    (def->map_extra & ~0xfull))
		return -EINVAL;
	if (def->value_size > BLOOM_VALUE_MAX)
		return -E2BIG;
	return 0;
}

static int
bloom_alloc(struct xdpdk_map *map)
{
	const struct xdpdk_map_def *def = &map->def;
	uint32_t k = (uint32_t)def->map_extra ? (uint32_t)def->map_extra : BLOOM_DEFAULT_HASHES;
	uint64_t nr_bits = (uint64_t)def->max_entries * k;
	uint64_t mask;
	struct bloom *b;

	/*
	 * The optimal size for n values and k hashes is n * k / ln 2 bits; the
	 * kernel approximates 1 / ln 2 by 7 / 5 and caps the set at 2^32 bits.
	 */
	if (nr_bits > UINT32_MAX || (nr_bits / 5) * 7 > UINT32_MAX ||
	    (nr_bits / 5) * 7 > (1ull << 31)) {
		mask = UINT32_MAX;
	} else {
		nr_bits = (nr_bits / 5) * 7;
		nr_bits = nr_bits <= 64 ? 64 : rte_align64pow2(nr_bits);
		mask = nr_bits - 1;
	}
	b = rte_zmalloc_socket("xdpdk_bloom", sizeof(*b) + (mask + 1) / 8, RTE_CACHE_LINE_SIZE,
			       map->socket_id);
	if (b == NULL)
		return -ENOMEM;
	b->bitset_mask = (uint32_t)mask;
	b->nr_hash_funcs = k;
	b->hash_seed = (def->map_flags & BPF_F_ZERO_SEED) ? 0 : (uint32_t)rte_rand();
	map->priv = b;
	return 0;
}

static void
bloom_free(struct xdpdk_map *map)
{
	rte_free(map->priv);
	map->priv = NULL;
}

static inline uint32_t
load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));	/* values need not be 4-aligned */
	return v;
}

/*
 * The kernel's jhash() (lookup3), on DPDK's mix and final steps. Not
 * rte_jhash() itself: it loads whole 32-bit words, so for a size that is not
 * a multiple of 4 it reads up to 3 bytes past the value (a program's stack
 * slot, a control-plane buffer). The kernel's jhash2 for sizes that are a
 * multiple of 4 gives the same result on little-endian.
 */
static uint32_t
bloom_jhash(const uint8_t *k, uint32_t len, uint32_t initval)
{
	uint32_t a, b, c;

	a = b = c = RTE_JHASH_GOLDEN_RATIO + len + initval;
	while (len > 12) {
		a += load32(k);
		b += load32(k + 4);
		c += load32(k + 8);
		__rte_jhash_mix(a, b, c);
		k += 12;
		len -= 12;
	}
	switch (len) {
	case 12: c += (uint32_t)k[11] << 24; /* fall through */
	case 11: c += (uint32_t)k[10] << 16; /* fall through */
	case 10: c += (uint32_t)k[9] << 8; /* fall through */
	case 9: c += k[8]; /* fall through */
	case 8: b += (uint32_t)k[7] << 24; /* fall through */
	case 7: b += (uint32_t)k[6] << 16; /* fall through */
	case 6: b += (uint32_t)k[5] << 8; /* fall through */
	case 5: b += k[4]; /* fall through */
	case 4: a += (uint32_t)k[3] << 24; /* fall through */
	case 3: a += (uint32_t)k[2] << 16; /* fall through */
	case 2: a += (uint32_t)k[1] << 8; /* fall through */
	case 1:
		a += k[0];
		__rte_jhash_final(a, b, c);
		break;
	default:	/* 0: nothing left to mix */
		break;
	}
	return c;
}

static inline uint32_t
bloom_hash(const struct bloom *b, const void *value, uint32_t size, uint32_t i)
{
	return bloom_jhash(value, size, b->hash_seed + i) & b->bitset_mask;
}

static long
bloom_push(struct xdpdk_map *map, const void *value, uint64_t flags)
{
	struct bloom *b = map->priv;
	uint32_t i, h;
	uint64_t bit;

	if (flags != BPF_ANY)
		return -EINVAL;
	for (i = 0; i < b->nr_hash_funcs; i++) {
		h = bloom_hash(b, value, map->def.value_size, i);
		bit = 1ull << (h % 64);
		/* Skip the atomic when set: most pushes find most bits already set. */
		if (!(__atomic_load_n(&b->bitset[h / 64], __ATOMIC_RELAXED) & bit))
			__atomic_fetch_or(&b->bitset[h / 64], bit, __ATOMIC_RELAXED);
	}
	return 0;
}

static long
bloom_peek(struct xdpdk_map *map, void *value)
{
	struct bloom *b = map->priv;
	uint32_t i, h;

	for (i = 0; i < b->nr_hash_funcs; i++) {
		h = bloom_hash(b, value, map->def.value_size, i);
		if (!(__atomic_load_n(&b->bitset[h / 64], __ATOMIC_RELAXED) & (1ull << (h % 64))))
			return -ENOENT;
	}
	return 0;
}

/* A filter cannot tell which values it holds: nothing to pop, delete or walk. */
static long
bloom_pop(struct xdpdk_map *map, void *value)
{
	return -EOPNOTSUPP;
}

static void *
bloom_elem_lookup(struct xdpdk_map *map, const void *key)
{
	return NULL;
}

static long
bloom_elem_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	return -EINVAL;
}

static long
bloom_elem_delete(struct xdpdk_map *map, const void *key)
{
	return -EOPNOTSUPP;
}

/* BPF_MAP_LOOKUP_ELEM is peek and BPF_MAP_UPDATE_ELEM push (bpf_map_copy_value). */
static int
bloom_lookup(struct xdpdk_map *map, const void *key, void *value, uint64_t flags)
{
	if (flags != 0)
		return -EINVAL;
	return (int)bloom_peek(map, value);
}

static int
bloom_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	return (int)bloom_push(map, value, flags);
}

static int
bloom_delete(struct xdpdk_map *map, const void *key)
{
	return -EOPNOTSUPP;
}

static int
bloom_get_next_key(struct xdpdk_map *map, const void *key, void *next_key)
{
	return -EOPNOTSUPP;
}

const struct xdpdk_map_ops xdpdk_map_bloom_filter_ops = {
	.check = bloom_check,
	.alloc = bloom_alloc,
	.free = bloom_free,
	.elem_lookup = bloom_elem_lookup,
	.elem_update = bloom_elem_update,
	.elem_delete = bloom_elem_delete,
	.elem_push = bloom_push,
	.elem_pop = bloom_pop,
	.elem_peek = bloom_peek,
	.lookup = bloom_lookup,
	.update = bloom_update,
	.delete = bloom_delete,
	.get_next_key = bloom_get_next_key,
};
