/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LPM trie maps: the kernel's creation checks and error codes, longest
 * prefix match for IPv4 (trie, and the DIR-24-8 index of large maps), IPv6
 * and odd key sizes, lookups bounded by the key's prefixlen, get_next_key in
 * the kernel's post-order, thousands of random prefixes against a
 * brute-force reference, the DIR-24-8 index running out, and a reader
 * validating values against a concurrent writer.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include <xdpdk/map.h>

#include "maps_test.h"

#include "maps/map_internal.h"

extern const struct xdpdk_map_ops xdpdk_map_lpm_trie_ops;

#define RCU_THREADS	2
#define DATA_MAX	256
/* Maps this large get the DIR-24-8 index (lpm.c's LPM4_MIN_ENTRIES). */
#define LPM4_BIG	16384

struct fixture {
	struct rte_rcu_qsbr *rcu;
};

struct key {
	uint32_t prefixlen;
	uint8_t data[DATA_MAX];
};

static int
group_setup(void **state)
{
	static struct fixture fx;

	*state = &fx;
	return maps_test_start_rcu(&fx.rcu, RCU_THREADS);
}

static int
group_teardown(void **state)
{
	struct fixture *fx = *state;

	maps_test_stop_rcu(fx->rcu);
	return 0;
}

static void
configure(struct rte_rcu_qsbr *rcu)
{
	assert_int_equal(maps_test_configure(1, rcu), 0);
}

static struct xdpdk_map *
mk(uint32_t data_size, uint32_t value_size, uint32_t max_entries)
{
	const struct xdpdk_map_def d = { .name = "lpm", .type = BPF_MAP_TYPE_LPM_TRIE,
					 .key_size = 4 + data_size, .value_size = value_size,
					 .max_entries = max_entries,
					 .map_flags = BPF_F_NO_PREALLOC, .numa_node = -1 };
	struct xdpdk_map *m = xdpdk_map_create(&d);

	assert_non_null(m);
	return m;
}

static struct key
k4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint32_t plen)
{
	struct key k = { .prefixlen = plen, .data = { a, b, c, d } };

	return k;
}

static int
add(struct xdpdk_map *m, struct key k, uint64_t v, uint64_t flags)
{
	return xdpdk_map_update(m, &k, &v, flags);
}

/* The value found for @p k by a program's lookup (0: none). */
static uint64_t
find(struct xdpdk_map *m, struct key k)
{
	const uint64_t *p = xdpdk_map_elem_lookup(m, &k);

	return p != NULL ? *p : 0;
}

static void
test_lpm_create_checks(void **state)
{
	struct xdpdk_map_def d = { .name = "c", .type = BPF_MAP_TYPE_LPM_TRIE, .key_size = 8,
				   .value_size = 8, .max_entries = 16,
				   .map_flags = BPF_F_NO_PREALLOC, .numa_node = -1 };
	struct xdpdk_map_def t;
	struct xdpdk_map *m;

	(void)state;
	configure(NULL);
#define EXPECT(field_assign, err) do {					\
		t = d;							\
		field_assign;						\
		errno = 0;						\
		m = xdpdk_map_create(&t);				\
		assert_int_equal(m == NULL ? errno : 0, (err));		\
		xdpdk_map_put(m);					\
	} while (0)
	EXPECT((void)0, 0);
	EXPECT(t.map_flags = 0, EINVAL);		/* BPF_F_NO_PREALLOC is required */
	EXPECT(t.map_flags |= BPF_F_ZERO_SEED, EINVAL);
	EXPECT(t.map_flags |= BPF_F_RDONLY_PROG, 0);
	EXPECT(t.key_size = 4, EINVAL);
	EXPECT(t.key_size = 5, 0);
	EXPECT(t.key_size = 260, 0);
	EXPECT(t.key_size = 261, EINVAL);
	EXPECT(t.value_size = 0, EINVAL);
	EXPECT(t.value_size = 4u << 20, EINVAL);
	EXPECT(t.max_entries = 0, EINVAL);
#undef EXPECT
}

static void
check_ipv4_basics(struct xdpdk_map *m)
{
	struct key k;
	uint64_t v;

	assert_int_equal(find(m, k4(10, 1, 1, 1, 32)), 0);
	assert_int_equal(add(m, k4(10, 0, 0, 0, 8), 1, BPF_ANY), 0);
	assert_int_equal(add(m, k4(10, 1, 0, 0, 16), 2, BPF_ANY), 0);
	assert_int_equal(add(m, k4(10, 1, 1, 0, 24), 3, BPF_ANY), 0);
	assert_int_equal(add(m, k4(10, 1, 1, 1, 32), 4, BPF_ANY), 0);
	assert_int_equal(add(m, k4(10, 1, 1, 128, 25), 6, BPF_ANY), 0);
	assert_int_equal(find(m, k4(10, 1, 1, 1, 32)), 4);
	assert_int_equal(find(m, k4(10, 1, 1, 2, 32)), 3);
	assert_int_equal(find(m, k4(10, 1, 1, 200, 32)), 6);
	assert_int_equal(find(m, k4(10, 1, 2, 2, 32)), 2);
	assert_int_equal(find(m, k4(10, 2, 2, 2, 32)), 1);
	assert_int_equal(find(m, k4(11, 2, 2, 2, 32)), 0);
	/* The key's prefixlen bounds the match. */
	assert_int_equal(find(m, k4(10, 1, 1, 1, 24)), 3);
	assert_int_equal(find(m, k4(10, 1, 1, 1, 20)), 2);
	assert_int_equal(find(m, k4(10, 1, 1, 1, 7)), 0);
	assert_int_equal(find(m, k4(10, 1, 1, 1, 33)), 0);
	/* /0 matches everything else. */
	assert_int_equal(add(m, k4(0, 0, 0, 0, 0), 5, BPF_NOEXIST), 0);
	assert_int_equal(find(m, k4(11, 2, 2, 2, 32)), 5);
	assert_int_equal(find(m, k4(10, 1, 1, 1, 7)), 5);
	/* The control plane's lookup matches the same way. */
	k = k4(10, 1, 9, 9, 32);
	assert_int_equal(xdpdk_map_lookup(m, &k, &v, 0), 0);
	assert_int_equal(v, 2);
	k.prefixlen = 33;
	assert_int_equal(xdpdk_map_lookup(m, &k, &v, 0), -ENOENT);
	/* Replace in place of a prefix, then deletes restore covering routes. */
	assert_int_equal(add(m, k4(10, 1, 0, 0, 16), 7, BPF_EXIST), 0);
	assert_int_equal(find(m, k4(10, 1, 2, 2, 32)), 7);
	k = k4(10, 1, 0, 0, 16);
	assert_int_equal(xdpdk_map_delete(m, &k), 0);
	assert_int_equal(find(m, k4(10, 1, 2, 2, 32)), 1);
	assert_int_equal(find(m, k4(10, 1, 1, 2, 32)), 3);
	k = k4(10, 1, 1, 1, 32);
	assert_int_equal(xdpdk_map_delete(m, &k), 0);
	assert_int_equal(find(m, k4(10, 1, 1, 1, 32)), 3);
	k = k4(0, 0, 0, 0, 0);
	assert_int_equal(xdpdk_map_delete(m, &k), 0);
	assert_int_equal(find(m, k4(11, 2, 2, 2, 32)), 0);
	assert_int_equal(find(m, k4(10, 9, 9, 9, 32)), 1);
}

static void
test_lpm_ipv4_longest_match(void **state)
{
	struct xdpdk_map *m;

	(void)state;
	configure(NULL);
	m = mk(4, 8, 64);
	assert_ptr_equal(m->ops, &xdpdk_map_lpm_trie_ops);
	check_ipv4_basics(m);
	xdpdk_map_put(m);
	m = mk(4, 8, LPM4_BIG);		/* with the DIR-24-8 index */
	assert_ptr_not_equal(m->ops, &xdpdk_map_lpm_trie_ops);
	check_ipv4_basics(m);
	xdpdk_map_put(m);
}

static void
test_lpm_flags_and_errors(void **state)
{
	struct xdpdk_map *m;
	struct key k;
	uint64_t v = 1;
	uint32_t i;

	(void)state;
	configure(NULL);
	m = mk(4, 8, 4);
	assert_int_equal(add(m, k4(10, 0, 0, 0, 8), 1, BPF_EXIST), -ENOENT);
	assert_int_equal(add(m, k4(10, 0, 0, 0, 8), 1, BPF_NOEXIST), 0);
	assert_int_equal(add(m, k4(10, 0, 0, 0, 8), 2, BPF_NOEXIST), -EEXIST);
	assert_int_equal(add(m, k4(10, 9, 9, 9, 8), 3, BPF_EXIST), 0);	/* same /8 */
	assert_int_equal(find(m, k4(10, 2, 3, 4, 32)), 3);
	assert_int_equal(add(m, k4(10, 0, 0, 0, 8), 2, BPF_EXIST + 1), -EINVAL);
	assert_int_equal(add(m, k4(10, 0, 0, 0, 8), 2, BPF_F_LOCK), -EINVAL);
	assert_int_equal(add(m, k4(10, 0, 0, 0, 33), 2, BPF_ANY), -EINVAL);
	k = k4(10, 0, 0, 0, 33);
	assert_int_equal(xdpdk_map_delete(m, &k), -EINVAL);
	assert_int_equal(xdpdk_map_elem_delete(m, &k), -EINVAL);
	assert_int_equal(xdpdk_map_elem_update(m, &k, &v, BPF_ANY), -EINVAL);
	k = k4(10, 0, 0, 0, 9);
	assert_int_equal(xdpdk_map_delete(m, &k), -ENOENT);
	/* Two /24s under the /8 branch at an intermediate /22: it is no key. */
	assert_int_equal(add(m, k4(10, 1, 0, 0, 24), 4, BPF_ANY), 0);
	assert_int_equal(add(m, k4(10, 1, 2, 0, 24), 5, BPF_ANY), 0);
	k = k4(10, 1, 0, 0, 22);
	assert_int_equal(xdpdk_map_delete(m, &k), -ENOENT);
	/* Full: a new prefix -ENOSPC, replacing one still works. */
	assert_int_equal(add(m, k4(10, 1, 3, 0, 24), 6, BPF_ANY), 0);
	assert_int_equal(add(m, k4(10, 1, 4, 0, 24), 7, BPF_ANY), -ENOSPC);
	k = k4(10, 1, 4, 0, 24);
	assert_int_equal(xdpdk_map_elem_update(m, &k, &v, BPF_ANY), -ENOSPC);
	for (i = 0; i < 2000; i++)
		assert_int_equal(add(m, k4(10, 1, 3, 0, 24), i, BPF_ANY), 0);
	k = k4(10, 1, 3, 0, 24);
	for (i = 0; i < 2000; i++)
		assert_int_equal(xdpdk_map_elem_update(m, &k, &v, BPF_EXIST), 0);
	/* Data-path delete, then there is room again. */
	assert_int_equal(xdpdk_map_elem_delete(m, &k), 0);
	assert_int_equal(xdpdk_map_elem_delete(m, &k), -ENOENT);
	k = k4(10, 1, 4, 0, 24);
	assert_int_equal(xdpdk_map_elem_update(m, &k, &v, BPF_NOEXIST), 0);
	assert_int_equal(find(m, k4(10, 1, 4, 4, 32)), 1);
	xdpdk_map_put(m);
}

static void
test_lpm_ipv6_and_odd_sizes(void **state)
{
	struct key k = { 0 };
	struct xdpdk_map *m;
	uint64_t v;

	(void)state;
	configure(NULL);
	/* IPv6: 2001:db8::/32, 2001:db8:1::/48, 2001:db8:1::1/128. */
	m = mk(16, 8, 16);
	k.prefixlen = 32;
	memcpy(k.data, "\x20\x01\x0d\xb8", 4);
	assert_int_equal(add(m, k, 1, BPF_ANY), 0);
	k.prefixlen = 48;
	k.data[5] = 1;
	assert_int_equal(add(m, k, 2, BPF_ANY), 0);
	k.prefixlen = 128;
	k.data[15] = 1;
	assert_int_equal(add(m, k, 3, BPF_ANY), 0);
	assert_int_equal(find(m, k), 3);
	k.data[15] = 2;
	assert_int_equal(find(m, k), 2);
	k.data[5] = 2;
	assert_int_equal(find(m, k), 1);
	k.data[0] = 0x30;
	assert_int_equal(find(m, k), 0);
	xdpdk_map_put(m);

	/* key_size 6: 2 data bytes, prefixes up to /16. */
	m = mk(2, 4, 8);
	memset(&k, 0, sizeof(k));
	k.prefixlen = 4;
	k.data[0] = 0xa0;
	v = 1;
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_ANY), 0);
	k.prefixlen = 12;
	k.data[1] = 0x50;
	v = 2;
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_ANY), 0);
	k.prefixlen = 16;
	k.data[1] = 0x5f;
	assert_int_equal(*(uint32_t *)xdpdk_map_elem_lookup(m, &k), 2);
	k.data[1] = 0x6f;
	assert_int_equal(*(uint32_t *)xdpdk_map_elem_lookup(m, &k), 1);
	k.prefixlen = 17;
	assert_null(xdpdk_map_elem_lookup(m, &k));
	xdpdk_map_put(m);

	/* key_size 5: one data byte. */
	m = mk(1, 1, 300);
	memset(&k, 0, sizeof(k));
	for (uint32_t len = 0; len <= 8; len++) {
		k.prefixlen = len;
		k.data[0] = 0xff;
		assert_int_equal(xdpdk_map_update(m, &k, &(uint8_t){ (uint8_t)len }, BPF_ANY), 0);
	}
	k.prefixlen = 8;
	for (uint32_t b = 0; b < 256; b++) {
		k.data[0] = (uint8_t)b;
		/* The longest match of b against 0xff/len is its count of leading ones. */
		assert_int_equal(*(uint8_t *)xdpdk_map_elem_lookup(m, &k),
				 b == 0xff ? 8 : __builtin_clz(~(b << 24)));
	}
	xdpdk_map_put(m);
}

/* ---- get_next_key -------------------------------------------------------- */

static void
expect_walk(struct xdpdk_map *m, const struct key *want, uint32_t n, uint32_t dsize)
{
	struct key cur, next;
	uint32_t i;

	memset(&next, 0, sizeof(next));
	for (i = 0; i < n; i++) {
		assert_int_equal(xdpdk_map_get_next_key(m, i == 0 ? NULL : &cur, &next), 0);
		assert_int_equal(next.prefixlen, want[i].prefixlen);
		assert_memory_equal(next.data, want[i].data, dsize);
		cur = next;
	}
	assert_int_equal(xdpdk_map_get_next_key(m, &cur, &next), -ENOENT);
}

/* The kernel's selftest (test_lpm_get_next_key): more specific prefixes first. */
static void
test_lpm_get_next_key_kernel_order(void **state)
{
	const struct key order[] = {
		k4(192, 168, 0, 0, 24), k4(192, 168, 1, 1, 32), k4(192, 168, 1, 0, 24),
		k4(192, 168, 128, 0, 24), k4(192, 168, 0, 0, 16), k4(192, 128, 0, 0, 9),
	};
	struct xdpdk_map *m;
	struct key k, next;

	(void)state;
	configure(NULL);
	m = mk(4, 8, 16);
	assert_int_equal(xdpdk_map_get_next_key(m, NULL, &next), -ENOENT);
	assert_int_equal(add(m, k4(192, 168, 0, 0, 16), 1, BPF_ANY), 0);
	expect_walk(m, &order[4], 1, 4);
	assert_int_equal(add(m, k4(192, 168, 0, 0, 24), 2, BPF_ANY), 0);
	expect_walk(m, (const struct key[]){ order[0], order[4] }, 2, 4);
	assert_int_equal(add(m, k4(192, 128, 0, 0, 9), 3, BPF_ANY), 0);
	expect_walk(m, (const struct key[]){ order[0], order[4], order[5] }, 3, 4);
	assert_int_equal(add(m, k4(192, 168, 1, 0, 24), 4, BPF_ANY), 0);
	expect_walk(m, (const struct key[]){ order[0], order[2], order[4], order[5] }, 4, 4);
	assert_int_equal(add(m, k4(192, 168, 128, 0, 24), 5, BPF_ANY), 0);
	expect_walk(m, (const struct key[]){ order[0], order[2], order[3], order[4], order[5] },
		    5, 4);
	assert_int_equal(add(m, k4(192, 168, 1, 1, 32), 6, BPF_ANY), 0);
	expect_walk(m, order, 6, 4);
	/* A key that is not stored, or an invalid one, restarts the walk. */
	k = k4(192, 168, 1, 0, 23);
	assert_int_equal(xdpdk_map_get_next_key(m, &k, &next), 0);
	assert_memory_equal(&next, &order[0], 8);
	k = k4(192, 168, 2, 0, 24);	/* same length, other bits */
	assert_int_equal(xdpdk_map_get_next_key(m, &k, &next), 0);
	assert_memory_equal(&next, &order[0], 8);
	k.prefixlen = 33;
	assert_int_equal(xdpdk_map_get_next_key(m, &k, &next), 0);
	assert_memory_equal(&next, &order[0], 8);
	/* Stored data is returned as given, bits past prefixlen included. */
	assert_int_equal(add(m, k4(192, 168, 1, 77, 24), 7, BPF_EXIST), 0);
	k = order[0];
	assert_int_equal(xdpdk_map_get_next_key(m, &k, &next), 0);
	assert_int_equal(next.prefixlen, 32);
	assert_int_equal(xdpdk_map_get_next_key(m, &next, &next), 0);
	k = k4(192, 168, 1, 77, 24);
	assert_memory_equal(&next, &k, 8);
	xdpdk_map_put(m);
}

/* ---- random prefixes against a brute-force reference ---------------------- */

struct ref {
	uint32_t dsize;
	uint32_t n;
	struct key *keys;	/* masked data */
	uint64_t *vals;
};

static int
bit(const uint8_t *d, uint32_t i)
{
	return (d[i / 8] >> (7 - i % 8)) & 1;
}

static uint32_t
common_bits(const uint8_t *a, const uint8_t *b, uint32_t limit)
{
	uint32_t i;

	for (i = 0; i < limit; i++)
		if (bit(a, i) != bit(b, i))
			break;
	return i;
}

static void
mask(struct key *k, uint32_t dsize)
{
	for (uint32_t i = k->prefixlen; i < dsize * 8; i++)
		k->data[i / 8] &= (uint8_t)~(1u << (7 - i % 8));
}

static int
ref_find_exact(const struct ref *r, const struct key *k)
{
	for (uint32_t i = 0; i < r->n; i++)
		if (r->keys[i].prefixlen == k->prefixlen &&
		    memcmp(r->keys[i].data, k->data, r->dsize) == 0)
			return (int)i;
	return -1;
}

static uint64_t
ref_lookup(const struct ref *r, const struct key *k)
{
	int best = -1;

	for (uint32_t i = 0; i < r->n; i++) {
		const struct key *p = &r->keys[i];

		if (p->prefixlen <= k->prefixlen &&
		    common_bits(p->data, k->data, p->prefixlen) == p->prefixlen &&
		    (best < 0 || p->prefixlen > r->keys[best].prefixlen))
			best = (int)i;
	}
	return best < 0 ? 0 : r->vals[best];
}

/* The kernel's post-order as a comparison: nested prefixes longest first, else bit order. */

static int
cmp_postorder(const void *pa, const void *pb)
{
	const struct key *a = pa, *b = pb;
	uint32_t lim = RTE_MIN(a->prefixlen, b->prefixlen);
	uint32_t m = common_bits(a->data, b->data, lim);

	if (m == lim)
		return a->prefixlen > b->prefixlen ? -1 : a->prefixlen < b->prefixlen;
	return bit(a->data, m) ? 1 : -1;
}

static void
random_key(struct key *k, uint32_t dsize, const struct ref *r)
{
	memset(k, 0, sizeof(*k));
	if (r != NULL && r->n > 0 && rand() % 2) {
		*k = r->keys[(uint32_t)rand() % r->n];
		for (uint32_t i = k->prefixlen; i < dsize * 8; i++)
			if (rand() % 2)
				k->data[i / 8] |= (uint8_t)(1u << (7 - i % 8));
	} else {
		for (uint32_t i = 0; i < dsize; i++)
			k->data[i] = (uint8_t)rand();
	}
	k->prefixlen = dsize * 8;
	if (rand() % 16 == 0)
		k->prefixlen = (uint32_t)rand() % (dsize * 8 + 1);
}

static void
check_against_ref(struct xdpdk_map *m, const struct ref *r, uint32_t n_lookups)
{
	struct key k, prev, next, *sorted;
	uint64_t v;
	uint32_t i;

	for (i = 0; i < n_lookups; i++) {
		random_key(&k, r->dsize, r);
		const uint64_t *p = xdpdk_map_elem_lookup(m, &k);

		assert_int_equal(p != NULL ? *p : 0, ref_lookup(r, &k));
		if (i % 8 == 0)
			assert_int_equal(xdpdk_map_lookup(m, &k, &v, 0) == 0 ? v : 0,
					 ref_lookup(r, &k));
	}
	/* get_next_key walks every prefix once, in the kernel's order. */
	sorted = malloc(sizeof(*sorted) * (r->n + 1));
	assert_non_null(sorted);
	memcpy(sorted, r->keys, sizeof(*sorted) * r->n);
	qsort(sorted, r->n, sizeof(*sorted), cmp_postorder);
	for (i = 0; i < r->n; i++) {
		assert_int_equal(xdpdk_map_get_next_key(m, i == 0 ? NULL : &prev, &next), 0);
		assert_int_equal(next.prefixlen, sorted[i].prefixlen);
		assert_memory_equal(next.data, sorted[i].data, r->dsize);
		prev = next;
	}
	if (r->n > 0)
		assert_int_equal(xdpdk_map_get_next_key(m, &prev, &next), -ENOENT);
	free(sorted);
}

static void
run_random(uint32_t dsize, uint32_t max_entries, uint32_t n_prefixes, uint32_t seed)
{
	struct ref r = { .dsize = dsize };
	struct xdpdk_map *m;
	struct key k;
	uint32_t i, j;
	int at;

	srand(seed);
	r.keys = calloc(n_prefixes, sizeof(*r.keys));
	r.vals = calloc(n_prefixes, sizeof(*r.vals));
	assert_non_null(r.keys);
	assert_non_null(r.vals);
	m = mk(dsize, 8, max_entries);
	for (i = 0; i < n_prefixes; i++) {
		random_key(&k, dsize, NULL);
		/* Lengths biased to the long end, where prefixes nest and branch. */
		if (rand() % 4)
			k.prefixlen = dsize * 8 - (uint32_t)rand() % RTE_MIN(dsize * 8 + 1, 17u);
		else
			k.prefixlen = (uint32_t)rand() % (dsize * 8 + 1);
		mask(&k, dsize);
		assert_int_equal(add(m, k, i + 1, BPF_ANY), 0);
		at = ref_find_exact(&r, &k);
		if (at < 0) {
			at = (int)r.n++;
			r.keys[at] = k;
		}
		r.vals[at] = i + 1;
	}
	check_against_ref(m, &r, 20000);
	/* Delete half, at random, and check again. */
	for (i = 0, j = r.n / 2; i < j; i++) {
		at = rand() % (int)r.n;
		assert_int_equal(xdpdk_map_delete(m, &r.keys[at]), 0);
		assert_int_equal(xdpdk_map_delete(m, &r.keys[at]), -ENOENT);
		r.keys[at] = r.keys[r.n - 1];
		r.vals[at] = r.vals[r.n - 1];
		r.n--;
	}
	check_against_ref(m, &r, 20000);
	xdpdk_map_put(m);
	free(r.keys);
	free(r.vals);
}

static void
test_lpm_random_against_reference(void **state)
{
	(void)state;
	configure(NULL);
	run_random(4, 4000, 3000, 1);		/* IPv4, trie */
	run_random(4, LPM4_BIG, 3000, 2);	/* IPv4, DIR-24-8 index */
	run_random(16, 4000, 3000, 3);		/* IPv6 */
	run_random(2, 4000, 3000, 4);		/* key_size 6 */
	run_random(1, 600, 1000, 5);		/* key_size 5: the whole space */
	run_random(7, 4000, 2000, 6);		/* key_size 11: unaligned tails */
}

/* More /32s in distinct /24s than the index has groups: the trie takes over. */
static void
test_lpm_ipv4_index_overflow_falls_back_to_trie(void **state)
{
	enum { N = 6000 };
	struct xdpdk_map *m;
	uint32_t i;

	(void)state;
	configure(NULL);
	m = mk(4, 8, LPM4_BIG);
	assert_int_equal(add(m, k4(10, 0, 0, 0, 8), 1, BPF_ANY), 0);
	for (i = 0; i < N; i++)
		assert_int_equal(add(m, k4(10, (uint8_t)(i >> 8), (uint8_t)i, 7, 32), i + 2,
				     BPF_ANY), 0);
	for (i = 0; i < N; i++) {
		assert_int_equal(find(m, k4(10, (uint8_t)(i >> 8), (uint8_t)i, 7, 32)), i + 2);
		assert_int_equal(find(m, k4(10, (uint8_t)(i >> 8), (uint8_t)i, 8, 32)), 1);
	}
	xdpdk_map_put(m);
}

/* ---- concurrency ------------------------------------------------------------ */

#define CC_WORDS 8

/* Prefixes 10.x.0.0/16 and 10.x.y.0/24, x, y < 8; an id says which. */
static uint32_t
cc_id(uint32_t x, uint32_t y, uint32_t len)
{
	return len == 16 ? 1000 + x : x * 8 + y + 1;
}

struct cc_reader {
	struct xdpdk_map *map;
	struct rte_rcu_qsbr *rcu;
	volatile bool stop;
	uint64_t seen;
	uint64_t bad;
};

static void *
cc_reader_main(void *arg)
{
	struct cc_reader *r = arg;
	uint32_t n = 0, i, j;

	rte_rcu_qsbr_thread_register(r->rcu, 1);
	rte_rcu_qsbr_thread_online(r->rcu, 1);
	while (!r->stop) {
		for (i = 0; i < 32; i++, n++) {
			uint32_t x = n % 8, y = (n / 8) % 8;
			struct key k = k4(10, (uint8_t)x, (uint8_t)y, (uint8_t)n, 32);
			const uint64_t *v = xdpdk_map_elem_lookup(r->map, &k);
			uint64_t w0;
			uint32_t id;

			if (v == NULL)
				continue;
			r->seen++;
			for (j = 1; j < CC_WORDS; j++)
				if (v[j] != v[0])
					r->bad++;
			/* Whatever matched must cover the address. */
			id = (uint32_t)(v[0] >> 32);
			if (id != cc_id(x, y, 24) && id != cc_id(x, y, 16))
				r->bad++;
			/* Held across a yield, the value may not change before our next report. */
			w0 = v[0];
			if (i % 8 == 0)
				sched_yield();
			else
				rte_delay_us_block(1);
			for (j = 0; j < CC_WORDS; j++)
				if (v[j] != w0)
					r->bad++;
		}
		rte_rcu_qsbr_quiescent(r->rcu, 1);
	}
	rte_rcu_qsbr_thread_offline(r->rcu, 1);
	rte_rcu_qsbr_thread_unregister(r->rcu, 1);
	return NULL;
}

static void
run_concurrency(struct rte_rcu_qsbr *rcu, uint32_t max_entries)
{
	struct cc_reader r = { .rcu = rcu };
	uint64_t v[CC_WORDS];
	pthread_t th;
	uint32_t i, x, y, len;
	struct key k;
	long ret;

	configure(rcu);
	r.map = mk(4, sizeof(v), max_entries);
	assert_int_equal(pthread_create(&th, NULL, cc_reader_main, &r), 0);
	srand(7);
	for (i = 1; i <= 40000; i++) {
		x = (uint32_t)rand() % 8;
		y = (uint32_t)rand() % 8;
		len = rand() % 4 ? 24 : 16;
		k = k4(10, (uint8_t)x, len == 24 ? (uint8_t)y : 0, 0, len);
		for (uint32_t j = 0; j < CC_WORDS; j++)
			v[j] = (uint64_t)cc_id(x, y, len) << 32 | i;
		switch (rand() % 4) {
		case 0:
			ret = xdpdk_map_delete(r.map, &k);
			assert_true(ret == 0 || ret == -ENOENT);
			break;
		case 1:
			ret = xdpdk_map_elem_update(r.map, &k, v, BPF_ANY);
			assert_true(ret == 0 || ret == -ENOMEM);
			break;
		default:
			ret = xdpdk_map_update(r.map, &k, v, BPF_ANY);
			assert_int_equal(ret, 0);
			break;
		}
	}
	r.stop = true;
	pthread_join(th, NULL);
	assert_int_equal(r.bad, 0);
	assert_true(r.seen > 0);
	xdpdk_map_put(r.map);
}

static void
test_lpm_concurrent_reader_sees_whole_covering_values(void **state)
{
	struct fixture *fx = *state;

	run_concurrency(fx->rcu, 128);		/* trie */
	run_concurrency(fx->rcu, LPM4_BIG);	/* DIR-24-8 index */
}

/*
 * Control-plane keys at any address, as a hex parser or a batch array gives
 * them: the map copies an unaligned key before reading its u32 prefixlen
 * (UBSan in the sanitizer build catches the typed read otherwise).
 */
static void
test_lpm_unaligned_control_plane_keys(void **state)
{
	_Alignas(8) uint8_t buf[1 + sizeof(struct key)];
	struct key k = k4(10, 1, 0, 0, 16);
	struct xdpdk_map *m;
	uint64_t v = 42, out = 0;

	(void)state;
	m = mk(4, 8, 64);
	memcpy(buf + 1, &k, sizeof(k));
	assert_int_equal(xdpdk_map_update(m, buf + 1, &v, BPF_NOEXIST), 0);
	assert_int_equal(xdpdk_map_lookup(m, buf + 1, &out, 0), 0);
	assert_int_equal(out, 42);
	assert_int_equal(find(m, k4(10, 1, 2, 3, 32)), 42);
	assert_int_equal(xdpdk_map_delete(m, buf + 1), 0);
	assert_int_equal(xdpdk_map_lookup(m, buf + 1, &out, 0), -ENOENT);
	xdpdk_map_put(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lpm_create_checks),
		cmocka_unit_test(test_lpm_ipv4_longest_match),
		cmocka_unit_test(test_lpm_flags_and_errors),
		cmocka_unit_test(test_lpm_ipv6_and_odd_sizes),
		cmocka_unit_test(test_lpm_get_next_key_kernel_order),
		cmocka_unit_test(test_lpm_random_against_reference),
		cmocka_unit_test(test_lpm_ipv4_index_overflow_falls_back_to_trie),
		cmocka_unit_test(test_lpm_concurrent_reader_sees_whole_covering_values),
		cmocka_unit_test(test_lpm_unaligned_control_plane_keys),
	};

	return cmocka_run_group_tests_name("lpm", tests, group_setup, group_teardown);
}
