/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bloom filter map: the kernel's creation checks (map_extra, flags), push and
 * peek with their error codes, no false negatives, a false-positive rate near
 * the theory for the kernel's sizing, BPF_F_ZERO_SEED determinism, odd and
 * unaligned values, and two workers pushing at once.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <rte_common.h>
#include <rte_eal.h>

#include <xdpdk/map.h>

#include "maps_test.h"

static int
group_setup(void **state)
{
	(void)state;
	return maps_test_start(2);
}

static int
group_teardown(void **state)
{
	return maps_test_eal_cleanup(state);
}

static struct xdpdk_map *
mk(uint32_t value_size, uint32_t max_entries, uint64_t nr_hashes, uint32_t flags)
{
	const struct xdpdk_map_def d = { .type = BPF_MAP_TYPE_BLOOM_FILTER,
					 .value_size = value_size, .max_entries = max_entries,
					 .map_flags = flags, .map_extra = nr_hashes };

	return xdpdk_map_create(&d);
}

static void
test_bloom_create_checks(void **state)
{
	struct xdpdk_map_def d = { .type = BPF_MAP_TYPE_BLOOM_FILTER, .value_size = 4,
				   .max_entries = 100 };

	assert_int_equal(maps_test_create_errno(&d), 0);
	d.key_size = 4;
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.key_size = 0;
	d.value_size = 0;
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.value_size = 4;
	d.max_entries = 0;
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.max_entries = 100;
	for (uint64_t k = 0; k <= 15; k++) {
		d.map_extra = k;
		assert_int_equal(maps_test_create_errno(&d), 0);
	}
	d.map_extra = 16;
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.map_extra = 1ull << 40;
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.map_extra = 0;
	d.map_flags = BPF_F_NO_PREALLOC;
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.map_flags = BPF_F_MMAPABLE;
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.map_flags = BPF_F_ZERO_SEED | BPF_F_RDONLY_PROG;
	assert_int_equal(maps_test_create_errno(&d), 0);
	d.map_flags = BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG;
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.map_flags = 0;
	d.value_size = 8u << 20;
	assert_int_equal(maps_test_create_errno(&d), E2BIG);
}

static void
test_bloom_push_peek_and_errors(void **state)
{
	struct xdpdk_map *m = mk(8, 100, 0, 0);
	uint64_t v = 42, k;

	assert_non_null(m);
	assert_int_equal(xdpdk_map_elem_peek(m, &v), -ENOENT);
	assert_int_equal(xdpdk_map_elem_push(m, &v, BPF_ANY), 0);
	assert_int_equal(xdpdk_map_elem_peek(m, &v), 0);
	/* push takes BPF_ANY only */
	assert_int_equal(xdpdk_map_elem_push(m, &v, BPF_NOEXIST), -EINVAL);
	assert_int_equal(xdpdk_map_elem_push(m, &v, BPF_EXIST), -EINVAL);
	assert_int_equal(xdpdk_map_elem_push(m, &v, BPF_F_LOCK), -EINVAL);
	/* nothing to pop, delete, look up by key or walk */
	assert_int_equal(xdpdk_map_elem_pop(m, &v), -EOPNOTSUPP);
	assert_int_equal(xdpdk_map_elem_delete(m, NULL), -EOPNOTSUPP);
	assert_null(xdpdk_map_elem_lookup(m, NULL));
	assert_int_equal(xdpdk_map_elem_update(m, NULL, &v, BPF_ANY), -EINVAL);
	assert_int_equal(xdpdk_map_pop(m, &v), -EOPNOTSUPP);
	assert_int_equal(xdpdk_map_delete(m, NULL), -EOPNOTSUPP);
	assert_int_equal(xdpdk_map_get_next_key(m, NULL, &k), -EOPNOTSUPP);
	xdpdk_map_put(m);
}

static void
test_bloom_control_plane(void **state)
{
	struct xdpdk_map *m = mk(4, 100, 3, 0);
	uint32_t v = 7, w = 8;

	assert_non_null(m);
	/* BPF_MAP_UPDATE_ELEM is push, BPF_MAP_LOOKUP_ELEM is peek */
	assert_int_equal(xdpdk_map_lookup(m, NULL, &v, 0), -ENOENT);
	assert_int_equal(xdpdk_map_update(m, NULL, &v, BPF_ANY), 0);
	assert_int_equal(xdpdk_map_update(m, NULL, &w, BPF_EXIST), -EINVAL);
	assert_int_equal(xdpdk_map_update(m, NULL, &w, BPF_NOEXIST), -EINVAL);
	assert_int_equal(xdpdk_map_lookup(m, NULL, &v, 0), 0);
	assert_int_equal(xdpdk_map_lookup(m, NULL, &v, BPF_F_LOCK), -EINVAL);
	assert_int_equal(v, 7);		/* peek leaves the value alone */
	xdpdk_map_put(m);
}

static uint64_t
mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

/* The kernel's bit count: n * k * 7 / 5, a power of two, at least 64. */
static double
expected_fp(uint32_t n, uint32_t k)
{
	uint64_t bits = (uint64_t)n * k / 5 * 7, m = 64;

	while (m < bits)
		m <<= 1;
	return pow(1.0 - exp(-(double)k * n / (double)m), k);
}

static void
test_bloom_no_false_negatives_and_fp_rate(void **state)
{
	const uint32_t n = 2000, probes = 200000;
	const uint32_t ks[] = { 1, 3, 5, 8 };

	for (size_t i = 0; i < RTE_DIM(ks); i++) {
		struct xdpdk_map *m = mk(8, n, ks[i] == 5 ? 0 : ks[i], 0);
		uint32_t fp = 0;
		double rate, want;
		uint64_t v;

		assert_non_null(m);
		for (uint64_t j = 0; j < n; j++) {
			v = mix(j);
			assert_int_equal(xdpdk_map_elem_push(m, &v, BPF_ANY), 0);
		}
		for (uint64_t j = 0; j < n; j++) {
			v = mix(j);
			assert_int_equal(xdpdk_map_elem_peek(m, &v), 0);
		}
		for (uint64_t j = 0; j < probes; j++) {
			v = mix(j + (1ull << 40));
			fp += xdpdk_map_elem_peek(m, &v) == 0;
		}
		rate = (double)fp / probes;
		want = expected_fp(n, ks[i]);
		print_message("k=%u: false positives %.4f (theory %.4f)\n", ks[i], rate, want);
		assert_true(rate < want * 1.5 + 0.002);
		assert_true(rate > want * 0.5);
		xdpdk_map_put(m);
	}
}

static void
test_bloom_zero_seed_is_deterministic(void **state)
{
	struct xdpdk_map *a = mk(4, 50, 2, BPF_F_ZERO_SEED);
	struct xdpdk_map *b = mk(4, 50, 2, BPF_F_ZERO_SEED);
	uint32_t v, diff = 0, fp = 0;

	assert_non_null(a);
	assert_non_null(b);
	for (v = 0; v < 50; v++) {
		assert_int_equal(xdpdk_map_elem_push(a, &v, BPF_ANY), 0);
		assert_int_equal(xdpdk_map_elem_push(b, &v, BPF_ANY), 0);
	}
	/* Same seed, same bits: the same false positives. */
	for (v = 1000; v < 100000; v++) {
		long ra = xdpdk_map_elem_peek(a, &v), rb = xdpdk_map_elem_peek(b, &v);

		diff += ra != rb;
		fp += ra == 0;
	}
	assert_int_equal(diff, 0);
	assert_true(fp > 0);
	xdpdk_map_put(a);
	xdpdk_map_put(b);
}

/* Sizes that are not multiples of 4, and values that are not 4-aligned. */
static void
test_bloom_odd_and_unaligned_values(void **state)
{
	const uint32_t sizes[] = { 1, 3, 6, 13, 64 };
	uint8_t buf[80] __rte_aligned(8), copy[80] __rte_aligned(8);

	for (size_t i = 0; i < RTE_DIM(sizes); i++) {
		const uint32_t vs = sizes[i];
		struct xdpdk_map *m = mk(vs, 300, 0, 0);

		assert_non_null(m);
		for (uint32_t j = 0; j < 200; j++) {
			memset(buf, 0, sizeof(buf));
			memcpy(buf + 1, &j, RTE_MIN(vs, 4u));	/* unaligned */
			assert_int_equal(xdpdk_map_elem_push(m, buf + 1, BPF_ANY), 0);
		}
		for (uint32_t j = 0; j < 200; j++) {
			/* the same bytes at an aligned address: the same answer */
			memset(copy, 0, sizeof(copy));
			memcpy(copy, &j, RTE_MIN(vs, 4u));
			assert_int_equal(xdpdk_map_elem_peek(m, copy), 0);
		}
		xdpdk_map_put(m);
	}
}

/* The kernel's sizing keeps tiny filters at 64 bits: 1 entry, 1 hash. */
static void
test_bloom_tiny_filter(void **state)
{
	struct xdpdk_map *m = mk(4, 1, 1, BPF_F_ZERO_SEED);
	uint32_t v = 1, hits = 0;

	assert_non_null(m);
	assert_int_equal(xdpdk_map_elem_push(m, &v, BPF_ANY), 0);
	for (v = 2; v < 6402; v++)
		hits += xdpdk_map_elem_peek(m, &v) == 0;
	/* one bit of 64 set: about 1/64 of other values match */
	assert_true(hits > 30 && hits < 300);
	xdpdk_map_put(m);
}

struct mt_arg {
	struct xdpdk_map *map;
	uint32_t worker;
};

#define MT_N 20000

static void *
pusher(void *p)
{
	struct mt_arg *a = p;

	xdpdk_maps_set_worker(a->worker);
	for (uint32_t i = 0; i < MT_N; i++) {
		uint32_t v = a->worker * MT_N + i;

		if (xdpdk_map_elem_push(a->map, &v, BPF_ANY) != 0)
			return (void *)1;
	}
	return NULL;
}

static void
test_bloom_two_workers_push_no_false_negatives(void **state)
{
	struct xdpdk_map *m = mk(4, 2 * MT_N, 0, 0);
	struct mt_arg a[2] = { { .worker = 0 }, { .worker = 1 } };
	pthread_t t[2];
	void *ret;

	assert_non_null(m);
	for (int i = 0; i < 2; i++) {
		a[i].map = m;
		assert_int_equal(pthread_create(&t[i], NULL, pusher, &a[i]), 0);
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], &ret);
		assert_null(ret);
	}
	for (uint32_t v = 0; v < 2 * MT_N; v++)
		assert_int_equal(xdpdk_map_elem_peek(m, &v), 0);
	xdpdk_map_put(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bloom_create_checks),
		cmocka_unit_test(test_bloom_push_peek_and_errors),
		cmocka_unit_test(test_bloom_control_plane),
		cmocka_unit_test(test_bloom_no_false_negatives_and_fp_rate),
		cmocka_unit_test(test_bloom_zero_seed_is_deterministic),
		cmocka_unit_test(test_bloom_odd_and_unaligned_values),
		cmocka_unit_test(test_bloom_tiny_filter),
		cmocka_unit_test(test_bloom_two_workers_push_no_false_negatives),
	};

	return cmocka_run_group_tests_name("bloom", tests, group_setup, group_teardown);
}
