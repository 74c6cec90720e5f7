/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hash maps (hash, percpu_hash, lru_hash, lru_percpu_hash, hash_of_maps):
 * the kernel's creation checks, flags and error codes on both faces, full
 * maps, replacement by a new element and RCU-deferred reuse, per-CPU slots,
 * get_next_key visiting every key once, LRU eviction (common and per-worker
 * lists), bpf_spin_lock values, map-in-map, and a reader validating values
 * against a concurrent writer.
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
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include <xdpdk/map.h>

#include "maps_test.h"

#define RCU_THREADS 4

struct fixture {
	struct rte_rcu_qsbr *rcu;
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
configure(uint32_t n_workers, struct rte_rcu_qsbr *rcu)
{
	assert_int_equal(maps_test_configure(n_workers, rcu), 0);
}

static struct xdpdk_map *
mk(enum bpf_map_type type, uint32_t key_size, uint32_t value_size, uint32_t max_entries,
   uint32_t flags)
{
	const struct xdpdk_map_def d = { .name = "h", .type = type, .key_size = key_size,
					 .value_size = value_size, .max_entries = max_entries,
					 .map_flags = flags, .numa_node = -1 };
	struct xdpdk_map *m = xdpdk_map_create(&d);

	assert_non_null(m);
	return m;
}

static int
upd(struct xdpdk_map *m, uint32_t key, uint64_t val, uint64_t flags)
{
	return xdpdk_map_update(m, &key, &val, flags);
}

static int
get(struct xdpdk_map *m, uint32_t key, uint64_t *val)
{
	return xdpdk_map_lookup(m, &key, val, 0);
}

static bool
has(struct xdpdk_map *m, uint32_t key)
{
	uint64_t v;

	return get(m, key, &v) == 0;
}

/*
 * A program's key may sit at any offset of a packet: lookups with an
 * unaligned copy of a key find what an aligned one stored, for short keys
 * and for keys longer than the hash's aligned buffer (UBSan guards the loads).
 */
static void
test_hash_unaligned_keys_from_packets(void **state)
{
	static const uint32_t sizes[] = { 4, 6, 8, 13, 16, 300 };
	uint64_t key[40], val = 0x1122334455667788ull;
	uint8_t pkt[8 + sizeof(key)];

	(void)state;
	configure(1, NULL);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct xdpdk_map *m = mk(BPF_MAP_TYPE_HASH, sizes[i], 8, 4, 0);

		for (uint32_t b = 0; b < sizes[i]; b++)
			((uint8_t *)key)[b] = (uint8_t)(b * 7 + i);
		assert_int_equal(xdpdk_map_update(m, key, &val, BPF_ANY), 0);
		for (uint32_t off = 1; off < 8; off++) {
			const uint64_t *v;

			memcpy(pkt + off, key, sizes[i]);
			v = xdpdk_map_elem_lookup(m, pkt + off);
			assert_non_null(v);
			assert_true(*v == val);
		}
		xdpdk_map_put(m);
	}
}

/*
 * Maps of up to 16K entries keep a filter of absent keys (counters by hash,
 * hash.c): a data-path lookup whose counter is 0 answers "none" at once. The
 * filter must never hide a stored key: not after 300 keys that share one
 * counter (it saturates at 255 and stays there), not after deletes, and not
 * after an LRU map's evictions, where the data path must agree with the
 * control plane key for key.
 */
static bool
dp_has(struct xdpdk_map *m, uint32_t key)
{
	return xdpdk_map_elem_lookup(m, &key) != NULL;
}

static void
test_hash_absent_filter_never_hides_keys(void **state)
{
	/* BPF_F_ZERO_SEED: the hash is CRC32C from 0; 16K entries: 64K counters, hash >> 16 */
	struct xdpdk_map *m;
	uint32_t same[300], n = 0, other = 0;
	const uint32_t slot0 = rte_hash_crc_4byte(1, 0) >> 16;

	(void)state;
	configure(1, NULL);
	m = mk(BPF_MAP_TYPE_HASH, 4, 8, 16384, BPF_F_ZERO_SEED);
	for (uint32_t k = 1; n < 300; k++) {
		if (rte_hash_crc_4byte(k, 0) >> 16 == slot0)
			same[n++] = k;
		else if (other == 0)
			other = k;
	}
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(upd(m, same[i], i, BPF_NOEXIST), 0);
	for (uint32_t i = 0; i < n; i++)
		assert_true(dp_has(m, same[i]));
	assert_false(dp_has(m, other));
	assert_int_equal(upd(m, other, 1, BPF_NOEXIST), 0);
	assert_true(dp_has(m, other));
	assert_int_equal(xdpdk_map_delete(m, &other), 0);
	assert_false(dp_has(m, other));
	/* 255 deletes would bring an unsaturated counter to 0: the other 45 stay found */
	for (uint32_t i = 0; i < 255; i++)
		assert_int_equal(xdpdk_map_delete(m, &same[i]), 0);
	for (uint32_t i = 0; i < n; i++)
		assert_true(dp_has(m, same[i]) == (i >= 255));
	/* all 300 gone: the saturated counter says "maybe", rte_hash says no */
	for (uint32_t i = 255; i < n; i++)
		assert_int_equal(xdpdk_map_delete(m, &same[i]), 0);
	for (uint32_t i = 0; i < n; i++)
		assert_false(dp_has(m, same[i]));
	for (uint32_t i = 0; i < 10; i++)
		assert_int_equal(upd(m, same[i], i, BPF_NOEXIST), 0);
	for (uint32_t i = 0; i < n; i++)
		assert_true(dp_has(m, same[i]) == (i < 10));
	xdpdk_map_put(m);

	/* LRU: 64 entries, 1000 keys: every eviction leaves the filter in step */
	m = mk(BPF_MAP_TYPE_LRU_HASH, 4, 8, 64, 0);
	for (uint32_t k = 0; k < 1000; k++) {
		assert_int_equal(upd(m, k * 2654435761u, k, BPF_ANY), 0);
		if (k % 97 == 0)
			for (uint32_t j = 0; j <= k; j++)
				assert_true(dp_has(m, j * 2654435761u) == has(m, j * 2654435761u));
	}
	xdpdk_map_put(m);
}

static void
test_hash_create_checks(void **state)
{
	struct xdpdk_map_def d = { .name = "c", .type = BPF_MAP_TYPE_HASH, .key_size = 4,
				   .value_size = 8, .max_entries = 16, .numa_node = -1 };
	struct xdpdk_map_def t;

	(void)state;
	configure(2, NULL);
	assert_int_equal(maps_test_create_errno(&d), 0);
	t = d, t.map_flags = BPF_F_NO_PREALLOC;		/* accepted, still preallocated */
	assert_int_equal(maps_test_create_errno(&t), 0);
	t = d, t.map_flags = BPF_F_ZERO_SEED;
	assert_int_equal(maps_test_create_errno(&t), 0);
	t = d, t.map_flags = BPF_F_MMAPABLE;
	assert_int_equal(maps_test_create_errno(&t), EINVAL);
	t = d, t.map_flags = BPF_F_NO_COMMON_LRU;
	assert_int_equal(maps_test_create_errno(&t), EINVAL);
	t = d, t.max_entries = 0;
	assert_int_equal(maps_test_create_errno(&t), EINVAL);
	t = d, t.key_size = 0;
	assert_int_equal(maps_test_create_errno(&t), EINVAL);
	t = d, t.value_size = 0;
	assert_int_equal(maps_test_create_errno(&t), EINVAL);
	t = d, t.value_size = 4u << 20;
	assert_int_equal(maps_test_create_errno(&t), E2BIG);
	t = d, t.type = BPF_MAP_TYPE_PERCPU_HASH, t.value_size = (32u << 10) + 1;
	assert_int_equal(maps_test_create_errno(&t), E2BIG);
	t = d, t.type = BPF_MAP_TYPE_PERCPU_HASH, t.map_flags = BPF_F_NUMA_NODE, t.numa_node = 0;
	assert_int_equal(maps_test_create_errno(&t), EINVAL);
	t = d, t.type = BPF_MAP_TYPE_LRU_HASH, t.map_flags = BPF_F_NO_PREALLOC;
	assert_int_equal(maps_test_create_errno(&t), ENOTSUP);
	t = d, t.type = BPF_MAP_TYPE_LRU_HASH, t.map_flags = BPF_F_NO_COMMON_LRU;
	assert_int_equal(maps_test_create_errno(&t), 0);
	t = d, t.type = BPF_MAP_TYPE_LRU_PERCPU_HASH, t.map_flags = BPF_F_NO_COMMON_LRU |
								 BPF_F_NUMA_NODE;
	t.numa_node = 0;
	assert_int_equal(maps_test_create_errno(&t), EINVAL);
	t = d, t.type = BPF_MAP_TYPE_HASH_OF_MAPS, t.value_size = 4;
	assert_int_equal(maps_test_create_errno(&t), EINVAL);	/* no inner template */
	assert_string_equal(xdpdk_map_type_name(BPF_MAP_TYPE_LRU_PERCPU_HASH),
			    "lru_percpu_hash");
}

/* Resident memory of this process, in KiB. */
static long
rss_kib(void)
{
	char line[128];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/*
 * BPF_F_NO_PREALLOC: 1M values of 64 KiB are 64 GiB, more than the machine
 * has, so the map can only exist if its values are backed as they are used.
 */
static void
test_hash_no_prealloc_backs_values_on_use(void **state)
{
	static uint8_t val[65536], out[65536];
	struct xdpdk_map *m;
	long before;

	(void)state;
	configure(1, NULL);
	before = rss_kib();
	m = mk(BPF_MAP_TYPE_HASH, 4, sizeof(val), 1u << 20, BPF_F_NO_PREALLOC);
	for (uint32_t k = 0; k < 64; k++) {
		memset(val, (int)k + 1, sizeof(val));
		assert_int_equal(xdpdk_map_update(m, &k, val, BPF_NOEXIST), 0);
	}
	for (uint32_t k = 0; k < 64; k++) {
		assert_int_equal(xdpdk_map_lookup(m, &k, out, 0), 0);
		assert_int_equal(out[0], k + 1);
		assert_int_equal(out[sizeof(out) - 1], k + 1);
	}
	/* 64 values (4 MiB) and rte_hash's preallocated key slots, not 64 GiB. */
	assert_true(rss_kib() - before < 512 * 1024);
	for (uint32_t k = 0; k < 64; k += 2)
		assert_int_equal(xdpdk_map_delete(m, &k), 0);
	for (uint32_t k = 64; k < 96; k++)
		assert_int_equal(xdpdk_map_update(m, &k, val, BPF_NOEXIST), 0);
	assert_int_equal(xdpdk_map_lookup(m, &(uint32_t){ 2 }, out, 0), -ENOENT);
	assert_int_equal(xdpdk_map_lookup(m, &(uint32_t){ 3 }, out, 0), 0);
	assert_int_equal(out[100], 4);
	xdpdk_map_put(m);
}

static void
test_hash_update_flags_and_errors(void **state)
{
	struct xdpdk_map *m;
	uint32_t key = 7, missing = 8;
	uint64_t v = 0, val = 1;

	(void)state;
	configure(1, NULL);
	m = mk(BPF_MAP_TYPE_HASH, 4, 8, 8, 0);
	assert_int_equal(upd(m, 7, 1, BPF_EXIST), -ENOENT);
	assert_int_equal(upd(m, 7, 1, BPF_NOEXIST), 0);
	assert_int_equal(upd(m, 7, 2, BPF_NOEXIST), -EEXIST);
	assert_int_equal(upd(m, 7, 3, BPF_EXIST), 0);
	assert_int_equal(get(m, 7, &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(upd(m, 7, 4, BPF_ANY), 0);
	assert_int_equal(get(m, 7, &v), 0);
	assert_int_equal(v, 4);
	assert_int_equal(upd(m, 7, 4, BPF_EXIST + 1), -EINVAL);
	assert_int_equal(upd(m, 7, 4, BPF_F_LOCK), -EINVAL);	/* no bpf_spin_lock */
	assert_int_equal(xdpdk_map_lookup(m, &key, &v, 4), -EINVAL);
	assert_int_equal(get(m, 8, &v), -ENOENT);

	/* The data path: the same codes. */
	assert_int_equal(xdpdk_map_elem_update(m, &key, &val, BPF_NOEXIST), -EEXIST);
	assert_int_equal(xdpdk_map_elem_update(m, &missing, &val, BPF_EXIST), -ENOENT);
	assert_int_equal(xdpdk_map_elem_update(m, &key, &val, 3), -EINVAL);
	assert_int_equal(xdpdk_map_elem_update(m, &key, &val, BPF_F_LOCK), -EINVAL);
	assert_null(xdpdk_map_elem_lookup(m, &missing));
	assert_null(xdpdk_map_elem_lookup_percpu(m, &key, 0));	/* not per-CPU */
	assert_int_equal(xdpdk_map_elem_delete(m, &missing), -ENOENT);
	assert_int_equal(xdpdk_map_elem_update(m, &missing, &val, BPF_ANY), 0);
	assert_int_equal(*(uint64_t *)xdpdk_map_elem_lookup(m, &missing), 1);
	assert_int_equal(xdpdk_map_elem_delete(m, &missing), 0);
	assert_int_equal(xdpdk_map_delete(m, &key), 0);
	assert_int_equal(xdpdk_map_delete(m, &key), -ENOENT);
	assert_null(xdpdk_map_elem_lookup(m, &key));
	xdpdk_map_put(m);
}

static void
test_hash_full_map(void **state)
{
	struct xdpdk_map *m;
	uint32_t i, key;
	uint64_t val = 9;

	(void)state;
	configure(1, NULL);
	m = mk(BPF_MAP_TYPE_HASH, 4, 8, 100, 0);
	for (i = 0; i < 100; i++)
		assert_int_equal(upd(m, i, i, BPF_ANY), 0);
	assert_int_equal(upd(m, 100, 0, BPF_ANY), -E2BIG);
	key = 100;
	assert_int_equal(xdpdk_map_elem_update(m, &key, &val, BPF_ANY), -E2BIG);
	/* Replacing works when full, on both faces, many times over. */
	for (i = 0; i < 1000; i++)
		assert_int_equal(upd(m, i % 100, i, BPF_ANY), 0);
	key = 5;
	for (i = 0; i < 1000; i++)
		assert_int_equal(xdpdk_map_elem_update(m, &key, &val, BPF_EXIST), 0);
	assert_int_equal(upd(m, 3, 0, BPF_EXIST), 0);
	assert_int_equal(xdpdk_map_delete(m, &(uint32_t){ 3 }), 0);
	assert_int_equal(upd(m, 100, 0, BPF_NOEXIST), 0);
	assert_int_equal(upd(m, 101, 0, BPF_NOEXIST), -E2BIG);
	/* Churn through 50x max_entries while full: deletes give elements back. */
	for (i = 0; i < 101; i++)
		xdpdk_map_delete(m, &i);
	for (i = 0; i < 100; i++)
		assert_int_equal(upd(m, 10000 + i, i, BPF_NOEXIST), 0);
	for (i = 0; i < 5000; i++) {
		key = 10000 + i;
		assert_int_equal(xdpdk_map_delete(m, &key), 0);
		assert_int_equal(upd(m, key + 100, i, BPF_NOEXIST), 0);
		assert_int_equal(upd(m, key, i, BPF_NOEXIST), -E2BIG);
	}
	xdpdk_map_put(m);
}

static void
test_hash_replace_takes_new_element_and_defers_reuse(void **state)
{
	struct fixture *fx = *state;
	struct xdpdk_map *m;
	uint32_t key = 1, other;
	uint64_t *p1, *p2, *p3;
	int i;

	configure(1, fx->rcu);
	m = mk(BPF_MAP_TYPE_HASH, 4, 8, 4, 0);
	/* This thread is an RCU reader that has not reported: nothing may be reused. */
	assert_int_equal(rte_rcu_qsbr_thread_register(fx->rcu, 0), 0);
	rte_rcu_qsbr_thread_online(fx->rcu, 0);
	assert_int_equal(upd(m, 1, 111, BPF_ANY), 0);
	p1 = xdpdk_map_elem_lookup(m, &key);
	assert_non_null(p1);
	assert_int_equal(upd(m, 1, 222, BPF_ANY), 0);
	p2 = xdpdk_map_elem_lookup(m, &key);
	assert_ptr_not_equal(p1, p2);
	assert_int_equal(*p1, 111);	/* the old element is intact */
	assert_int_equal(*p2, 222);
	assert_int_equal(xdpdk_map_delete(m, &key), 0);
	for (i = 0; i < 50; i++) {
		other = 10 + i % 3;
		assert_int_equal(upd(m, other, (uint64_t)i, BPF_ANY), 0);
	}
	assert_int_equal(*p1, 111);
	assert_int_equal(*p2, 222);
	rte_rcu_qsbr_quiescent(fx->rcu, 0);
	rte_rcu_qsbr_thread_offline(fx->rcu, 0);
	rte_rcu_qsbr_thread_unregister(fx->rcu, 0);
	/* After the grace period the LIFO hands the elements out again. */
	for (i = 0; i < 400; i++)
		assert_int_equal(upd(m, 10 + i % 2, (uint64_t)i, BPF_ANY), 0);
	p3 = xdpdk_map_elem_lookup(m, &(uint32_t){ 10 });
	assert_non_null(p3);
	xdpdk_map_put(m);
}

static void
test_hash_get_next_key_visits_every_key_once(void **state)
{
	static const enum bpf_map_type types[] = {
		BPF_MAP_TYPE_HASH, BPF_MAP_TYPE_PERCPU_HASH, BPF_MAP_TYPE_LRU_HASH,
	};
	enum { N = 3000 };
	uint8_t *seen = calloc(N, 1);
	uint32_t key, next, count, t, i;
	struct xdpdk_map *m;
	uint64_t vals[2] = { 0, 0 };

	(void)state;
	assert_non_null(seen);
	configure(2, NULL);
	for (t = 0; t < RTE_DIM(types); t++) {
		m = mk(types[t], 4, 8, N, 0);
		assert_int_equal(xdpdk_map_get_next_key(m, NULL, &next), -ENOENT);
		for (i = 0; i < N; i++) {
			key = i * 7919u;
			assert_int_equal(xdpdk_map_update(m, &key, vals, BPF_NOEXIST), 0);
		}
		memset(seen, 0, N);
		count = 0;
		for (int ret = xdpdk_map_get_next_key(m, NULL, &next); ret == 0;
		     ret = xdpdk_map_get_next_key(m, &key, &next)) {
			assert_int_equal(next % 7919u, 0);
			assert_true(next / 7919u < N);
			assert_false(seen[next / 7919u]);
			seen[next / 7919u] = 1;
			key = next;
			count++;
		}
		assert_int_equal(count, N);
		/* A missing key restarts from the first key, as the kernel. */
		key = 1;
		assert_int_equal(xdpdk_map_get_next_key(m, &key, &next), 0);
		assert_int_equal(xdpdk_map_get_next_key(m, NULL, &key), 0);
		assert_int_equal(key, next);
		/* The usual drain loop: next key, then delete the previous one. */
		count = 0;
		while (xdpdk_map_get_next_key(m, NULL, &next) == 0) {
			assert_int_equal(xdpdk_map_delete(m, &next), 0);
			count++;
		}
		assert_int_equal(count, N);
		xdpdk_map_put(m);
	}
	free(seen);
}

static void
test_hash_batch_ops(void **state)
{
	enum { N = 100 };
	uint32_t keys[N], out_keys[N], token, count, i;
	uint64_t vals[N], out_vals[N], sum = 0;
	struct xdpdk_map *m;

	(void)state;
	configure(1, NULL);
	m = mk(BPF_MAP_TYPE_HASH, 4, 8, N, 0);
	for (i = 0; i < N; i++) {
		keys[i] = i + 1;
		vals[i] = (i + 1) * 10;
	}
	count = N;
	assert_int_equal(xdpdk_map_update_batch(m, keys, vals, &count, 0), 0);
	assert_int_equal(count, N);
	count = N;
	assert_int_equal(xdpdk_map_lookup_batch(m, NULL, &token, out_keys, out_vals, &count, 0),
			 0);
	assert_int_equal(count, N);
	count = N;
	assert_int_equal(xdpdk_map_lookup_batch(m, &token, &token, keys + N / 2, vals + N / 2,
						&count, 0), -ENOENT);
	assert_int_equal(count, 0);
	for (i = 0; i < N; i++) {
		assert_int_equal(out_vals[i], out_keys[i] * 10);
		sum += out_keys[i];
	}
	assert_int_equal(sum, N * (N + 1) / 2);
	count = N;
	assert_int_equal(xdpdk_map_delete_batch(m, keys, &count), 0);
	assert_int_equal(xdpdk_map_get_next_key(m, NULL, &token), -ENOENT);
	xdpdk_map_put(m);
}

static void
test_percpu_hash_slots(void **state)
{
	enum { W = 4 };
	struct xdpdk_map *m;
	uint64_t buf[W], one = 42, *p;
	uint32_t key = 5, key2 = 6, w;

	(void)state;
	configure(W, NULL);
	m = mk(BPF_MAP_TYPE_PERCPU_HASH, 4, 8, 16, 0);
	assert_int_equal(xdpdk_map_value_buf_size(m), W * 8);
	for (w = 0; w < W; w++)
		buf[w] = 100 + w;
	assert_int_equal(xdpdk_map_update(m, &key, buf, BPF_ANY), 0);
	for (w = 0; w < W; w++) {
		xdpdk_maps_set_worker(w);
		p = xdpdk_map_elem_lookup(m, &key);
		assert_non_null(p);
		assert_int_equal(*p, 100 + w);
		assert_ptr_equal(xdpdk_map_elem_lookup_percpu(m, &key, w), p);
	}
	assert_null(xdpdk_map_elem_lookup_percpu(m, &key, W));
	/* A program's update writes its own slot, in place. */
	xdpdk_maps_set_worker(2);
	p = xdpdk_map_elem_lookup(m, &key);
	assert_int_equal(xdpdk_map_elem_update(m, &key, &one, BPF_EXIST), 0);
	assert_ptr_equal(xdpdk_map_elem_lookup(m, &key), p);
	assert_int_equal(xdpdk_map_lookup(m, &key, buf, 0), 0);
	assert_int_equal(buf[0], 100);
	assert_int_equal(buf[1], 101);
	assert_int_equal(buf[2], 42);
	assert_int_equal(buf[3], 103);
	/* A new key from a program: its slot set, the others zero. */
	assert_int_equal(xdpdk_map_elem_update(m, &key2, &one, BPF_NOEXIST), 0);
	assert_int_equal(xdpdk_map_elem_update(m, &key2, &one, BPF_NOEXIST), -EEXIST);
	assert_int_equal(xdpdk_map_lookup(m, &key2, buf, 0), 0);
	for (w = 0; w < W; w++)
		assert_int_equal(buf[w], w == 2 ? 42 : 0);
	/* The control plane writes every slot, in place too (the kernel's onallcpus). */
	for (w = 0; w < W; w++)
		buf[w] = 7 * w;
	assert_int_equal(xdpdk_map_update(m, &key, buf, BPF_EXIST), 0);
	assert_ptr_equal(xdpdk_map_elem_lookup(m, &key), p);
	assert_int_equal(*p, 14);
	xdpdk_maps_set_worker(0);
	xdpdk_map_put(m);

	/* Odd value sizes: slots are round_up(value_size, 8) apart. */
	m = mk(BPF_MAP_TYPE_PERCPU_HASH, 4, 12, 4, 0);
	assert_int_equal(xdpdk_map_value_buf_size(m), W * 16);
	xdpdk_map_put(m);
}

/* No lookups: entries leave in insertion order, exactly the oldest. */
static void
test_lru_evicts_exactly_the_oldest(void **state)
{
	enum { CAP = 64, K = 10 };
	struct xdpdk_map *m;
	uint32_t i, key;
	uint64_t val = 1;

	(void)state;
	configure(1, NULL);
	m = mk(BPF_MAP_TYPE_LRU_HASH, 4, 8, CAP, 0);
	for (i = 0; i < CAP + K; i++)
		assert_int_equal(upd(m, i, i, BPF_NOEXIST), 0);
	for (i = 0; i < CAP + K; i++)
		assert_int_equal(has(m, i), i >= K);
	/* The data path evicts the same way. */
	for (i = 0; i < K; i++) {
		key = 1000 + i;
		assert_int_equal(xdpdk_map_elem_update(m, &key, &val, BPF_ANY), 0);
	}
	for (i = K; i < 2 * K; i++)
		assert_false(has(m, i));
	assert_true(has(m, 2 * K));
	/* Replacing an existing key evicts nothing; a failed NOEXIST evicts nothing. */
	assert_int_equal(upd(m, 2 * K, 5, BPF_ANY), 0);
	assert_int_equal(upd(m, 2 * K + 1, 5, BPF_NOEXIST), -EEXIST);
	assert_int_equal(upd(m, 99999, 5, BPF_EXIST), -ENOENT);
	for (i = 2 * K; i < CAP + K; i++)
		assert_true(has(m, i));
	xdpdk_map_put(m);
}

/* A program's lookup marks an entry: it survives the next pass of evictions. */
static void
test_lru_lookup_gives_second_chance(void **state)
{
	enum { CAP = 64 };
	struct xdpdk_map *m;
	uint32_t i, key;

	(void)state;
	configure(1, NULL);
	m = mk(BPF_MAP_TYPE_LRU_HASH, 4, 8, CAP, 0);
	for (i = 0; i < CAP; i++)
		assert_int_equal(upd(m, i, i, BPF_ANY), 0);
	for (key = 0; key < 2; key++)
		assert_non_null(xdpdk_map_elem_lookup(m, &key));
	/* Control-plane lookups do not mark (the kernel's lookup_elem_sys). */
	assert_true(has(m, 2));
	for (i = CAP; i < CAP + 3; i++)
		assert_int_equal(upd(m, i, i, BPF_ANY), 0);
	assert_true(has(m, 0));
	assert_true(has(m, 1));
	assert_false(has(m, 2));
	assert_false(has(m, 3));
	assert_false(has(m, 4));
	assert_true(has(m, 5));
	/* Marks are cleared by the pass: without new lookups 0 and 1 go in time. */
	for (i = CAP + 3; i < 2 * CAP + 3; i++)
		assert_int_equal(upd(m, i, i, BPF_ANY), 0);
	assert_false(has(m, 0));
	assert_false(has(m, 1));
	/* Every entry marked: one full pass, then the oldest goes. */
	for (i = CAP + 3; i < 2 * CAP + 3; i++) {
		key = i;
		assert_non_null(xdpdk_map_elem_lookup(m, &key));
	}
	assert_int_equal(upd(m, 5000, 0, BPF_ANY), 0);
	assert_false(has(m, CAP + 3));
	assert_true(has(m, CAP + 4));
	xdpdk_map_put(m);
}

/* BPF_F_NO_COMMON_LRU: one list per worker, max_entries / n_workers each. */
static void
test_lru_no_common_lru_per_worker_lists(void **state)
{
	struct xdpdk_map *m;
	uint32_t i;

	(void)state;
	configure(2, NULL);
	m = mk(BPF_MAP_TYPE_LRU_HASH, 4, 8, 63, BPF_F_NO_COMMON_LRU);
	assert_int_equal(xdpdk_map_def(m)->max_entries, 64);	/* rounded up, as the kernel */
	xdpdk_maps_set_worker(0);
	for (i = 0; i < 40; i++)
		assert_int_equal(upd(m, i, i, BPF_ANY), 0);
	for (i = 0; i < 40; i++)
		assert_int_equal(has(m, i), i >= 8);
	xdpdk_maps_set_worker(1);
	for (i = 100; i < 132; i++)
		assert_int_equal(upd(m, i, i, BPF_ANY), 0);
	for (i = 8; i < 40; i++)
		assert_true(has(m, i));
	for (i = 100; i < 132; i++)
		assert_true(has(m, i));
	/* Worker 1's list is full: its oldest goes, worker 0's stay. */
	assert_int_equal(upd(m, 132, 0, BPF_ANY), 0);
	assert_false(has(m, 100));
	assert_true(has(m, 8));
	/* A replaced key stays on its list. */
	assert_int_equal(upd(m, 8, 1, BPF_ANY), 0);
	xdpdk_maps_set_worker(0);
	assert_int_equal(upd(m, 200, 0, BPF_ANY), 0);
	assert_false(has(m, 9));
	assert_true(has(m, 101));
	xdpdk_map_put(m);
}

static void
test_lru_percpu_hash(void **state)
{
	enum { W = 2 };
	struct xdpdk_map *m;
	uint64_t buf[W], one = 3, *p;
	uint32_t key = 1, i;

	(void)state;
	configure(W, NULL);
	m = mk(BPF_MAP_TYPE_LRU_PERCPU_HASH, 4, 8, 8, 0);
	buf[0] = 10;
	buf[1] = 11;
	assert_int_equal(xdpdk_map_update(m, &key, buf, BPF_ANY), 0);
	xdpdk_maps_set_worker(1);
	p = xdpdk_map_elem_lookup(m, &key);
	assert_non_null(p);
	assert_int_equal(*p, 11);
	assert_int_equal(xdpdk_map_elem_update(m, &key, &one, BPF_ANY), 0);
	assert_int_equal(*p, 3);
	xdpdk_maps_set_worker(0);
	assert_int_equal(*(uint64_t *)xdpdk_map_elem_lookup(m, &key), 10);
	/* Key 1 was looked up: it outlives the 8 keys inserted after it. */
	for (i = 2; i < 10; i++)
		assert_int_equal(xdpdk_map_update(m, &i, buf, BPF_ANY), 0);
	assert_int_equal(xdpdk_map_lookup(m, &key, buf, 0), 0);
	i = 2;
	assert_int_equal(xdpdk_map_lookup(m, &i, buf, 0), -ENOENT);
	xdpdk_map_put(m);
}

static void
test_hash_spin_lock_values(void **state)
{
	struct xdpdk_map_def d = { .name = "l", .type = BPF_MAP_TYPE_HASH, .key_size = 4,
				   .value_size = 16, .max_entries = 4, .numa_node = -1,
				   .has_spin_lock = true, .spin_lock_off = 0 };
	struct { uint32_t lock; uint32_t a; uint64_t b; } v = { 0xffffffff, 1, 2 }, out, *p, *q;
	struct xdpdk_map *m;
	uint32_t key = 3;

	(void)state;
	configure(1, NULL);
	m = xdpdk_map_create(&d);
	assert_non_null(m);
	/* BPF_F_LOCK on a new key inserts (the kernel falls through to insert). */
	assert_int_equal(xdpdk_map_update(m, &key, &v, BPF_F_LOCK), 0);
	p = xdpdk_map_elem_lookup(m, &key);
	assert_int_equal(p->lock, 0);	/* the lock word is never copied in */
	assert_int_equal(p->a, 1);
	/* On an existing key it writes in place, under the value's lock. */
	v.a = 5;
	assert_int_equal(xdpdk_map_update(m, &key, &v, BPF_F_LOCK | BPF_EXIST), 0);
	assert_ptr_equal(xdpdk_map_elem_lookup(m, &key), p);
	assert_int_equal(p->a, 5);
	assert_int_equal(xdpdk_map_elem_update(m, &key, &v, BPF_F_LOCK), 0);
	assert_ptr_equal(xdpdk_map_elem_lookup(m, &key), p);
	/* Without it a new element replaces the old. */
	v.a = 6;
	assert_int_equal(xdpdk_map_update(m, &key, &v, BPF_ANY), 0);
	q = xdpdk_map_elem_lookup(m, &key);
	assert_ptr_not_equal(q, p);
	assert_int_equal(q->lock, 0);
	memset(&out, 0xab, sizeof(out));
	assert_int_equal(xdpdk_map_lookup(m, &key, &out, BPF_F_LOCK), 0);
	assert_int_equal(out.lock, 0);
	assert_int_equal(out.a, 6);
	assert_int_equal(out.b, 2);
	xdpdk_map_put(m);
}

static void
test_hash_of_maps(void **state)
{
	struct xdpdk_map *tmpl, *inner, *other, *wrong, *outer;
	struct xdpdk_map_def d = { .name = "o", .type = BPF_MAP_TYPE_HASH_OF_MAPS,
				   .key_size = 4, .value_size = 4, .max_entries = 4,
				   .numa_node = -1 };
	uint32_t key = 1, id, bad = 0xfffffff0;
	uint64_t v = 1;

	(void)state;
	configure(1, NULL);
	tmpl = mk(BPF_MAP_TYPE_HASH, 4, 8, 16, 0);
	inner = mk(BPF_MAP_TYPE_HASH, 4, 8, 16, 0);
	other = mk(BPF_MAP_TYPE_HASH, 4, 8, 32, 0);	/* max_entries may differ for hash */
	wrong = mk(BPF_MAP_TYPE_HASH, 4, 16, 16, 0);
	d.inner_template = tmpl;
	outer = xdpdk_map_create(&d);
	assert_non_null(outer);
	assert_null(xdpdk_map_elem_lookup(outer, &key));
	assert_int_equal(xdpdk_map_set_inner(outer, &key, inner), 0);
	assert_ptr_equal(xdpdk_map_elem_lookup(outer, &key), inner);
	assert_int_equal(xdpdk_map_lookup(outer, &key, &id, 0), 0);
	assert_int_equal(id, xdpdk_map_id(inner));
	assert_int_equal(xdpdk_map_set_inner(outer, &key, wrong), -EINVAL);
	assert_int_equal(xdpdk_map_update(outer, &key, &bad, BPF_ANY), -EBADF);
	id = xdpdk_map_id(other);
	assert_int_equal(xdpdk_map_update(outer, &key, &id, BPF_NOEXIST), -EEXIST);
	assert_int_equal(xdpdk_map_update(outer, &key, &id, BPF_EXIST), 0);
	assert_ptr_equal(xdpdk_map_elem_lookup(outer, &key), other);
	/* Programs may only look up in a map-in-map. */
	assert_int_equal(xdpdk_map_elem_update(outer, &key, &v, BPF_ANY), -ENOTSUP);
	assert_int_equal(xdpdk_map_elem_delete(outer, &key), -ENOTSUP);
	/* The outer map holds a reference: the inner map outlives our put. */
	xdpdk_map_put(other);
	assert_ptr_equal(xdpdk_map_elem_lookup(outer, &key), other);
	assert_int_equal(xdpdk_map_update(other, &key, &v, BPF_ANY), 0);
	assert_int_equal(xdpdk_map_set_inner(outer, &key, NULL), 0);
	assert_null(xdpdk_map_elem_lookup(outer, &key));
	assert_int_equal(xdpdk_map_set_inner(outer, &key, inner), 0);
	xdpdk_map_put(outer);	/* drops its reference on inner */
	xdpdk_map_put(inner);
	xdpdk_map_put(wrong);
	xdpdk_map_put(tmpl);
}

/* ---- concurrency: a reader validating every value it sees ------------------ */

#define CC_KEYS		64
#define CC_WORDS	8

struct cc_value {
	uint64_t w[CC_WORDS];	/* all equal: key << 32 | version */
};

struct cc_reader {
	struct xdpdk_map *map;
	struct rte_rcu_qsbr *rcu;
	volatile bool stop;
	uint64_t seen;
	uint64_t torn;
};

static void *
cc_reader_main(void *arg)
{
	struct cc_reader *r = arg;
	uint32_t key = 0, i;

	rte_rcu_qsbr_thread_register(r->rcu, 1);
	rte_rcu_qsbr_thread_online(r->rcu, 1);
	while (!r->stop) {
		for (i = 0; i < 32; i++, key = (key + 1) % CC_KEYS) {
			const struct cc_value *v = xdpdk_map_elem_lookup(r->map, &key);
			uint64_t w0;

			if (v == NULL)
				continue;
			w0 = v->w[0];
			r->seen++;
			for (int j = 1; j < CC_WORDS; j++)
				if (v->w[j] != w0)
					r->torn++;
			if (w0 >> 32 != key)
				r->torn++;
			/*
			 * Hold the pointer a while (and let the writer run on
			 * this core): the element may not change before this
			 * reader's next quiescent state, however long.
			 */
			if (i % 8 == 0)
				sched_yield();
			else
				rte_delay_us_block(1);
			for (int j = 0; j < CC_WORDS; j++)
				if (v->w[j] != w0)
					r->torn++;
		}
		rte_rcu_qsbr_quiescent(r->rcu, 1);	/* once per "burst" */
	}
	rte_rcu_qsbr_thread_offline(r->rcu, 1);
	rte_rcu_qsbr_thread_unregister(r->rcu, 1);
	return NULL;
}

static void
cc_fill(struct cc_value *v, uint32_t key, uint32_t version)
{
	for (int j = 0; j < CC_WORDS; j++)
		v->w[j] = (uint64_t)key << 32 | version;
}

static void
run_concurrency(struct rte_rcu_qsbr *rcu, enum bpf_map_type type, uint32_t max_entries)
{
	struct cc_reader r = { .rcu = rcu };
	struct cc_value v;
	pthread_t th;
	uint32_t i, key;
	long ret;

	configure(1, rcu);
	r.map = mk(type, 4, sizeof(struct cc_value), max_entries, 0);
	assert_int_equal(pthread_create(&th, NULL, cc_reader_main, &r), 0);
	srand(1);
	for (i = 1; i <= 60000; i++) {
		key = (uint32_t)rand() % CC_KEYS;
		cc_fill(&v, key, i);
		switch (rand() % 5) {
		case 0:
			ret = xdpdk_map_delete(r.map, &key);
			assert_true(ret == 0 || ret == -ENOENT);
			break;
		case 1:
			/* A program's insert: never in place, so never torn. */
			ret = xdpdk_map_elem_update(r.map, &key, &v, BPF_NOEXIST);
			assert_true(ret == 0 || ret == -EEXIST || ret == -E2BIG);
			break;
		case 2:
			ret = xdpdk_map_elem_delete(r.map, &key);
			assert_true(ret == 0 || ret == -ENOENT);
			break;
		default:
			ret = xdpdk_map_update(r.map, &key, &v, BPF_ANY);
			assert_true(ret == 0 || ret == -E2BIG);
			break;
		}
	}
	r.stop = true;
	pthread_join(th, NULL);
	assert_int_equal(r.torn, 0);
	assert_true(r.seen > 0);
	xdpdk_map_put(r.map);
}

static void
test_hash_concurrent_reader_never_sees_torn_values(void **state)
{
	struct fixture *fx = *state;

	run_concurrency(fx->rcu, BPF_MAP_TYPE_HASH, CC_KEYS);
	run_concurrency(fx->rcu, BPF_MAP_TYPE_LRU_HASH, CC_KEYS / 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_create_checks),
		cmocka_unit_test(test_hash_update_flags_and_errors),
		cmocka_unit_test(test_hash_no_prealloc_backs_values_on_use),
		cmocka_unit_test(test_hash_full_map),
		cmocka_unit_test(test_hash_replace_takes_new_element_and_defers_reuse),
		cmocka_unit_test(test_hash_get_next_key_visits_every_key_once),
		cmocka_unit_test(test_hash_batch_ops),
		cmocka_unit_test(test_percpu_hash_slots),
		cmocka_unit_test(test_lru_evicts_exactly_the_oldest),
		cmocka_unit_test(test_lru_lookup_gives_second_chance),
		cmocka_unit_test(test_lru_no_common_lru_per_worker_lists),
		cmocka_unit_test(test_lru_percpu_hash),
		cmocka_unit_test(test_hash_spin_lock_values),
		cmocka_unit_test(test_hash_of_maps),
		cmocka_unit_test(test_hash_concurrent_reader_never_sees_torn_values),
		cmocka_unit_test(test_hash_unaligned_keys_from_packets),
		cmocka_unit_test(test_hash_absent_filter_never_hides_keys),
	};

	return cmocka_run_group_tests_name("hash", tests, group_setup, group_teardown);
}
