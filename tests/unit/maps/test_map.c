/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The maps core: configuration, creation checks shared by every type, ids,
 * references and deferred reclamation, the registry of program addresses,
 * control-plane argument and flag checks, and the generic batch operations.
 * Array maps stand in for "a map" where a concrete type is needed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include <xdpdk/map.h>

#include "maps_test.h"

static struct xdpdk_map *
array_map(uint32_t value_size, uint32_t max_entries, uint32_t flags)
{
	const struct xdpdk_map_def def = {
		.name = "arr", .type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
		.value_size = value_size, .max_entries = max_entries, .map_flags = flags,
	};

	return xdpdk_map_create(&def);
}

/* Create with @p def expecting failure; the errno. */
static void
test_map_type_names_are_the_kernels(void **state)
{
	(void)state;
	assert_string_equal(xdpdk_map_type_name(BPF_MAP_TYPE_HASH), "hash");
	assert_string_equal(xdpdk_map_type_name(BPF_MAP_TYPE_ARRAY), "array");
	assert_string_equal(xdpdk_map_type_name(BPF_MAP_TYPE_PROG_ARRAY), "prog_array");
	assert_string_equal(xdpdk_map_type_name(BPF_MAP_TYPE_LRU_PERCPU_HASH), "lru_percpu_hash");
	assert_string_equal(xdpdk_map_type_name(BPF_MAP_TYPE_ARRAY_OF_MAPS), "array_of_maps");
	assert_string_equal(xdpdk_map_type_name(BPF_MAP_TYPE_DEVMAP_HASH), "devmap_hash");
	assert_string_equal(xdpdk_map_type_name(BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE),
			    "percpu_cgroup_storage");
	assert_string_equal(xdpdk_map_type_name(BPF_MAP_TYPE_BLOOM_FILTER), "bloom_filter");
	assert_string_equal(xdpdk_map_type_name(BPF_MAP_TYPE_USER_RINGBUF), "user_ringbuf");
	for (int t = BPF_MAP_TYPE_UNSPEC; t <= BPF_MAP_TYPE_USER_RINGBUF; t++)
		assert_non_null(xdpdk_map_type_name(t));
	assert_null(xdpdk_map_type_name((enum bpf_map_type)9999));
}

static void
test_map_create_unsupported_type_is_enotsup(void **state)
{
	(void)state;
	struct xdpdk_map_def def = { .name = "s", .type = BPF_MAP_TYPE_SOCKMAP, .key_size = 4,
				     .value_size = 4, .max_entries = 4 };

	assert_int_equal(maps_test_create_errno(&def), ENOTSUP);
	def.type = (enum bpf_map_type)9999;
	assert_int_equal(maps_test_create_errno(&def), ENOTSUP);
	errno = 0;
	assert_null(xdpdk_map_create(NULL));
	assert_int_equal(errno, EINVAL);
}

static void
test_map_create_generic_checks(void **state)
{
	(void)state;
	char long_name[XDPDK_MAP_NAME_MAX + 1];
	struct xdpdk_map_def def = { .name = "g", .type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
				     .value_size = 8, .max_entries = 4 };

	assert_int_equal(maps_test_create_errno(&def), 0);
	def.map_flags = BPF_F_RDONLY | BPF_F_WRONLY;
	assert_int_equal(maps_test_create_errno(&def), EINVAL);
	def.map_flags = BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG;
	assert_int_equal(maps_test_create_errno(&def), EINVAL);
	def.map_flags = 1u << 30;	/* no such flag */
	assert_int_equal(maps_test_create_errno(&def), EINVAL);
	def.map_flags = BPF_F_NUMA_NODE;
	def.numa_node = 1000;
	assert_int_equal(maps_test_create_errno(&def), EINVAL);
	def.numa_node = 0;
	assert_int_equal(maps_test_create_errno(&def), 0);
	def.map_flags = 0;
	def.numa_node = 1000;	/* ignored without BPF_F_NUMA_NODE */
	assert_int_equal(maps_test_create_errno(&def), 0);
	def.numa_node = 0;
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	def.name = long_name;
	assert_int_equal(maps_test_create_errno(&def), EINVAL);
	long_name[XDPDK_MAP_NAME_MAX - 1] = '\0';	/* 63 chars fit */
	assert_int_equal(maps_test_create_errno(&def), 0);
}

static void
test_map_create_spin_lock_checks(void **state)
{
	(void)state;
	struct xdpdk_map_def def = { .name = "l", .type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
				     .value_size = 16, .max_entries = 2, .has_spin_lock = true,
				     .spin_lock_off = 8 };

	assert_int_equal(maps_test_create_errno(&def), 0);
	def.spin_lock_off = 6;	/* misaligned */
	assert_int_equal(maps_test_create_errno(&def), EINVAL);
	def.spin_lock_off = 16;	/* outside the value */
	assert_int_equal(maps_test_create_errno(&def), EINVAL);
	def.spin_lock_off = 12;
	assert_int_equal(maps_test_create_errno(&def), 0);
	def.map_flags = BPF_F_RDONLY_PROG;
	assert_int_equal(maps_test_create_errno(&def), EACCES);
	def.map_flags = 0;
	def.type = BPF_MAP_TYPE_PERCPU_ARRAY;
	assert_int_equal(maps_test_create_errno(&def), ENOTSUP);
}

static void
test_map_ids_are_monotonic_and_found_by_id(void **state)
{
	(void)state;
	struct xdpdk_map *a = array_map(8, 4, 0), *b = array_map(8, 4, 0), *c;
	uint32_t ida, idb;

	assert_non_null(a);
	assert_non_null(b);
	ida = xdpdk_map_id(a);
	idb = xdpdk_map_id(b);
	assert_true(ida >= 1);
	assert_true(idb > ida);
	c = xdpdk_map_get_by_id(idb);
	assert_ptr_equal(c, b);
	xdpdk_map_put(c);
	xdpdk_map_put(b);
	errno = 0;
	assert_null(xdpdk_map_get_by_id(idb));
	assert_int_equal(errno, ENOENT);
	c = array_map(8, 4, 0);
	assert_true(xdpdk_map_id(c) > idb);	/* never reused */
	assert_string_equal(xdpdk_map_def(c)->name, "arr");
	assert_int_equal(xdpdk_map_def(c)->type, BPF_MAP_TYPE_ARRAY);
	xdpdk_map_put(c);
	xdpdk_map_put(a);
	xdpdk_map_put(NULL);
}

static void
test_map_refcount_last_put_frees(void **state)
{
	(void)state;
	struct xdpdk_map *m = array_map(8, 4, 0);
	uint32_t id = xdpdk_map_id(m);

	assert_ptr_equal(xdpdk_map_get(m), m);
	xdpdk_map_put(m);
	assert_ptr_equal(xdpdk_map_from_prog_addr(m), m);	/* one reference left */
	xdpdk_map_put(m);
	assert_null(xdpdk_map_from_prog_addr(m));
	assert_null(xdpdk_map_get_by_id(id));
	/* Without RCU it is gone at once, so the component can be reconfigured. */
	assert_int_equal(xdpdk_maps_configure(NULL), 0);
}

static void
test_map_prog_addr_registry(void **state)
{
	(void)state;
	const struct xdpdk_map_def pa_def = { .name = "pa", .type = BPF_MAP_TYPE_PROG_ARRAY,
					      .key_size = 4, .value_size = 4, .max_entries = 4 };
	struct xdpdk_map *arr = array_map(8, 4, 0), *pa = xdpdk_map_create(&pa_def);
	int local;

	assert_non_null(pa);
	assert_ptr_equal(xdpdk_map_prog_addr(arr), arr);
	assert_ptr_not_equal(xdpdk_map_prog_addr(pa), pa);
	assert_ptr_equal(xdpdk_map_from_prog_addr(xdpdk_map_prog_addr(arr)), arr);
	assert_ptr_equal(xdpdk_map_from_prog_addr(xdpdk_map_prog_addr(pa)), pa);
	assert_null(xdpdk_map_from_prog_addr(&local));
	assert_null(xdpdk_map_from_prog_addr(NULL));
	xdpdk_map_put(pa);
	xdpdk_map_put(arr);
}

static void
test_map_configure_workers_and_busy(void **state)
{
	(void)state;
	const struct xdpdk_maps_config four = { .n_workers = 4 };
	const struct xdpdk_maps_config many = { .n_workers = RTE_MAX_LCORE + 1 };
	const struct xdpdk_map_def pc = { .name = "pc", .type = BPF_MAP_TYPE_PERCPU_ARRAY,
					  .key_size = 4, .value_size = 12, .max_entries = 2 };
	struct xdpdk_map *m, *a;

	assert_int_equal(xdpdk_maps_configure(&many), -EINVAL);
	assert_int_equal(xdpdk_maps_configure(&four), 0);
	assert_int_equal(xdpdk_maps_n_workers(), 4);
	m = xdpdk_map_create(&pc);
	a = array_map(12, 2, 0);
	assert_int_equal(xdpdk_map_value_buf_size(m), 16 * 4);	/* round_up(12, 8) each */
	assert_int_equal(xdpdk_map_value_buf_size(a), 12);
	assert_int_equal(xdpdk_maps_configure(NULL), -EBUSY);
	xdpdk_map_put(m);
	xdpdk_map_put(a);
	assert_int_equal(xdpdk_maps_configure(&(struct xdpdk_maps_config){ 0 }), 0);
	assert_int_equal(xdpdk_maps_n_workers(), 1);	/* 0: the default */
}

static void
test_map_worker_index(void **state)
{
	(void)state;
	xdpdk_maps_set_worker(3);
	assert_int_equal(xdpdk_maps_worker(), 3);
	xdpdk_maps_set_worker(0);
	assert_int_equal(xdpdk_maps_worker(), 0);
}

static void
test_map_control_plane_argument_checks(void **state)
{
	(void)state;
	struct xdpdk_map *m = array_map(8, 4, 0);
	uint32_t k = 0, next;
	uint64_t v = 1;

	assert_int_equal(xdpdk_map_lookup(m, NULL, &v, 0), -EINVAL);
	assert_int_equal(xdpdk_map_lookup(m, &k, NULL, 0), -EINVAL);
	assert_int_equal(xdpdk_map_update(m, NULL, &v, 0), -EINVAL);
	assert_int_equal(xdpdk_map_update(m, &k, NULL, 0), -EINVAL);
	assert_int_equal(xdpdk_map_delete(m, NULL), -EINVAL);
	assert_int_equal(xdpdk_map_get_next_key(m, NULL, NULL), -EINVAL);
	assert_int_equal(xdpdk_map_lookup(NULL, &k, &v, 0), -EINVAL);
	/* Flags: lookup takes BPF_F_LOCK only, update up to BPF_EXIST | BPF_F_LOCK. */
	assert_int_equal(xdpdk_map_lookup(m, &k, &v, BPF_EXIST), -EINVAL);
	assert_int_equal(xdpdk_map_lookup(m, &k, &v, BPF_F_LOCK), -EINVAL);	/* no lock */
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_EXIST + 1), -EINVAL);
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_F_LOCK), -EINVAL);
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_ANY), 0);
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_EXIST), 0);
	assert_int_equal(xdpdk_map_get_next_key(m, NULL, &next), 0);
	xdpdk_map_put(m);
}

static void
test_map_rdonly_wronly_are_control_plane(void **state)
{
	(void)state;
	struct xdpdk_map *ro = array_map(8, 4, BPF_F_RDONLY);
	struct xdpdk_map *wo = array_map(8, 4, BPF_F_WRONLY);
	struct xdpdk_map *rop = array_map(8, 4, BPF_F_RDONLY_PROG);
	uint32_t k = 1, next, cnt = 1;
	uint64_t v = 7;

	assert_int_equal(xdpdk_map_update(ro, &k, &v, 0), -EPERM);
	assert_int_equal(xdpdk_map_delete(ro, &k), -EPERM);
	assert_int_equal(xdpdk_map_update_batch(ro, &k, &v, &cnt, 0), -EPERM);
	assert_int_equal(xdpdk_map_lookup(ro, &k, &v, 0), 0);
	assert_int_equal(xdpdk_map_get_next_key(ro, &k, &next), 0);

	assert_int_equal(xdpdk_map_lookup(wo, &k, &v, 0), -EPERM);
	assert_int_equal(xdpdk_map_get_next_key(wo, &k, &next), -EPERM);
	assert_int_equal(xdpdk_map_lookup_batch(wo, NULL, &next, &k, &v, &cnt, 0), -EPERM);
	assert_int_equal(xdpdk_map_update(wo, &k, &v, 0), 0);

	/* Program-side restrictions leave the control plane alone (the verifier's job). */
	assert_int_equal(xdpdk_map_update(rop, &k, &v, 0), 0);
	assert_int_equal(xdpdk_map_def(rop)->map_flags, BPF_F_RDONLY_PROG);
	xdpdk_map_put(ro);
	xdpdk_map_put(wo);
	xdpdk_map_put(rop);
}

static void
test_map_lookup_batch_walks_in_chunks(void **state)
{
	(void)state;
	struct xdpdk_map *m = array_map(8, 10, 0);
	uint32_t keys[10], out, in, cnt, total = 0;
	uint64_t vals[10];
	int ret;

	for (uint32_t k = 0; k < 10; k++) {
		uint64_t v = 100 + k;

		assert_int_equal(xdpdk_map_update(m, &k, &v, 0), 0);
	}
	cnt = 0;
	assert_int_equal(xdpdk_map_lookup_batch(m, NULL, &out, keys, vals, &cnt, 0), 0);
	assert_int_equal(cnt, 0);
	cnt = 4;
	assert_int_equal(xdpdk_map_lookup_batch(m, NULL, &out, keys, vals, &cnt, 0), 0);
	assert_int_equal(cnt, 4);
	assert_int_equal(out, 3);
	for (uint32_t i = 0; i < 4; i++) {
		assert_int_equal(keys[i], i);
		assert_int_equal(vals[i], 100 + i);
	}
	total += cnt;
	for (;;) {
		in = out;
		cnt = 4;
		ret = xdpdk_map_lookup_batch(m, &in, &out, keys, vals, &cnt, 0);
		for (uint32_t i = 0; i < cnt; i++)
			assert_int_equal(vals[i], 100 + keys[i]);
		total += cnt;
		if (ret == -ENOENT)
			break;
		assert_int_equal(ret, 0);
	}
	/* 10 = 4 + 4 + 2: the last chunk is short and ends the walk with -ENOENT. */
	assert_int_equal(cnt, 2);
	assert_int_equal(keys[1], 9);
	assert_int_equal(total, 10);
	/* Exactly at the end: nothing copied, -ENOENT. */
	in = 9;
	cnt = 4;
	assert_int_equal(xdpdk_map_lookup_batch(m, &in, &out, keys, vals, &cnt, 0), -ENOENT);
	assert_int_equal(cnt, 0);
	cnt = 4;
	assert_int_equal(xdpdk_map_lookup_batch(m, NULL, &out, keys, vals, &cnt, BPF_EXIST),
			 -EINVAL);
	assert_int_equal(xdpdk_map_lookup_batch(m, NULL, &out, keys, vals, &cnt, BPF_F_LOCK),
			 -EINVAL);
	xdpdk_map_put(m);
}

static void
test_map_update_batch_stops_at_first_error(void **state)
{
	(void)state;
	struct xdpdk_map *m = array_map(8, 4, 0);
	const uint32_t keys[] = { 0, 1, 99, 3 };
	const uint64_t vals[] = { 10, 11, 12, 13 };
	uint32_t cnt = 4, k;
	uint64_t v;

	assert_int_equal(xdpdk_map_update_batch(m, keys, vals, &cnt, 0), -E2BIG);
	assert_int_equal(cnt, 2);
	k = 1;
	assert_int_equal(xdpdk_map_lookup(m, &k, &v, 0), 0);
	assert_int_equal(v, 11);
	k = 3;
	assert_int_equal(xdpdk_map_lookup(m, &k, &v, 0), 0);
	assert_int_equal(v, 0);	/* after the failure: not written */
	/* The batch's element flags are BPF_F_LOCK only. */
	cnt = 2;
	assert_int_equal(xdpdk_map_update_batch(m, keys, vals, &cnt, BPF_NOEXIST), -EINVAL);
	cnt = 0;
	assert_int_equal(xdpdk_map_update_batch(m, keys, vals, &cnt, 0), 0);
	xdpdk_map_put(m);
}

static void
test_map_delete_batch_stops_at_first_error(void **state)
{
	(void)state;
	const struct xdpdk_map_def dd = { .name = "dev", .type = BPF_MAP_TYPE_DEVMAP,
					  .key_size = 4, .value_size = 4, .max_entries = 8 };
	struct xdpdk_map *dev = xdpdk_map_create(&dd), *arr = array_map(8, 4, 0);
	const uint32_t keys[] = { 0, 1, 2, 99, 4 };
	uint32_t cnt = 5, ifindex = 3, k;

	assert_non_null(dev);
	for (k = 0; k < 5; k++)
		assert_int_equal(xdpdk_map_update(dev, &k, &ifindex, 0), 0);
	/* Key 99 is out of range: the batch stops there. */
	assert_int_equal(xdpdk_map_delete_batch(dev, keys, &cnt), -EINVAL);
	assert_int_equal(cnt, 3);
	k = 2;
	assert_int_equal(xdpdk_map_lookup(dev, &k, &ifindex, 0), -ENOENT);
	k = 4;
	assert_int_equal(xdpdk_map_lookup(dev, &k, &ifindex, 0), 0);
	/* Array elements cannot be deleted: the first one fails. */
	cnt = 2;
	assert_int_equal(xdpdk_map_delete_batch(arr, keys, &cnt), -EINVAL);
	assert_int_equal(cnt, 0);
	xdpdk_map_put(dev);
	xdpdk_map_put(arr);
}

/* With RCU, the last put frees only once every registered worker was quiescent. */
static void
test_map_put_with_rcu_waits_for_grace_period(void **state)
{
	(void)state;
	struct rte_rcu_qsbr *v = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(1), 0);
	const struct xdpdk_maps_config cfg = { .n_workers = 1, .rcu = v };
	struct xdpdk_map *m;

	assert_non_null(v);
	assert_int_equal(rte_rcu_qsbr_init(v, 1), 0);
	assert_int_equal(xdpdk_maps_configure(&cfg), 0);
	/* This thread plays worker 0, inside a read-side section. */
	assert_int_equal(rte_rcu_qsbr_thread_register(v, 0), 0);
	rte_rcu_qsbr_thread_online(v, 0);

	m = array_map(8, 4, 0);
	assert_non_null(m);
	xdpdk_map_put(m);
	assert_null(xdpdk_map_from_prog_addr(m));	/* unreachable for the control plane */
	assert_int_equal(xdpdk_maps_reclaim(), 1);	/* but not freed: worker 0 may use it */
	assert_int_equal(xdpdk_maps_configure(NULL), -EBUSY);
	rte_rcu_qsbr_quiescent(v, 0);
	assert_int_equal(xdpdk_maps_reclaim(), 0);

	rte_rcu_qsbr_thread_offline(v, 0);
	rte_rcu_qsbr_thread_unregister(v, 0);
	assert_int_equal(xdpdk_maps_configure(NULL), 0);
	rte_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_type_names_are_the_kernels),
		cmocka_unit_test(test_map_create_unsupported_type_is_enotsup),
		cmocka_unit_test(test_map_create_generic_checks),
		cmocka_unit_test(test_map_create_spin_lock_checks),
		cmocka_unit_test(test_map_ids_are_monotonic_and_found_by_id),
		cmocka_unit_test(test_map_refcount_last_put_frees),
		cmocka_unit_test(test_map_prog_addr_registry),
		cmocka_unit_test(test_map_configure_workers_and_busy),
		cmocka_unit_test(test_map_worker_index),
		cmocka_unit_test(test_map_control_plane_argument_checks),
		cmocka_unit_test(test_map_rdonly_wronly_are_control_plane),
		cmocka_unit_test(test_map_lookup_batch_walks_in_chunks),
		cmocka_unit_test(test_map_update_batch_stops_at_first_error),
		cmocka_unit_test(test_map_delete_batch_stops_at_first_error),
		cmocka_unit_test(test_map_put_with_rcu_waits_for_grace_period),
	};

	return cmocka_run_group_tests_name("maps_map", tests, maps_test_eal_init,
					   maps_test_eal_cleanup);
}
