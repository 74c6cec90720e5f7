/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Queue and stack maps: the kernel's creation checks, FIFO and LIFO order,
 * BPF_EXIST overwriting the oldest value when full, error codes and flags on
 * the data path and the control plane, odd value sizes, and workers pushing
 * and popping concurrently.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
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
mk(enum bpf_map_type type, uint32_t value_size, uint32_t max_entries)
{
	const struct xdpdk_map_def d = { .name = "q", .type = type, .value_size = value_size,
					 .max_entries = max_entries };

	return xdpdk_map_create(&d);
}

static void
test_queue_create_checks(void **state)
{
	const enum bpf_map_type types[] = { BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_STACK };

	for (size_t i = 0; i < RTE_DIM(types); i++) {
		struct xdpdk_map_def d = { .type = types[i], .value_size = 4, .max_entries = 8 };

		assert_int_equal(maps_test_create_errno(&d), 0);
		d.key_size = 4;
		assert_int_equal(maps_test_create_errno(&d), EINVAL);
		d.key_size = 0;
		d.value_size = 0;
		assert_int_equal(maps_test_create_errno(&d), EINVAL);
		d.value_size = 4;
		d.max_entries = 0;
		assert_int_equal(maps_test_create_errno(&d), EINVAL);
		d.max_entries = 8;
		d.map_flags = BPF_F_NO_PREALLOC;
		assert_int_equal(maps_test_create_errno(&d), EINVAL);
		d.map_flags = BPF_F_ZERO_SEED;
		assert_int_equal(maps_test_create_errno(&d), EINVAL);
		d.map_flags = BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG;
		assert_int_equal(maps_test_create_errno(&d), EINVAL);
		d.map_flags = BPF_F_RDONLY_PROG;
		assert_int_equal(maps_test_create_errno(&d), 0);
		d.map_flags = 0;
		d.map_extra = 1;
		assert_int_equal(maps_test_create_errno(&d), EINVAL);
		d.map_extra = 0;
		d.value_size = 8u << 20;
		assert_int_equal(maps_test_create_errno(&d), E2BIG);
	}
}

static void
test_queue_fifo_order_and_full(void **state)
{
	struct xdpdk_map *m = mk(BPF_MAP_TYPE_QUEUE, 4, 5);
	uint32_t v;

	assert_non_null(m);
	for (uint32_t i = 1; i <= 5; i++)
		assert_int_equal(xdpdk_map_elem_push(m, &i, BPF_ANY), 0);
	v = 6;
	assert_int_equal(xdpdk_map_elem_push(m, &v, BPF_ANY), -E2BIG);
	assert_int_equal(xdpdk_map_elem_peek(m, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(xdpdk_map_elem_peek(m, &v), 0);	/* peek does not remove */
	assert_int_equal(v, 1);
	for (uint32_t i = 1; i <= 5; i++) {
		assert_int_equal(xdpdk_map_elem_pop(m, &v), 0);
		assert_int_equal(v, i);
	}
	v = 0xdeadbeef;
	assert_int_equal(xdpdk_map_elem_pop(m, &v), -ENOENT);
	assert_int_equal(v, 0);		/* zeroed, as the kernel */
	v = 0xdeadbeef;
	assert_int_equal(xdpdk_map_elem_peek(m, &v), -ENOENT);
	assert_int_equal(v, 0);
	xdpdk_map_put(m);
}

static void
test_stack_lifo_order_and_full(void **state)
{
	struct xdpdk_map *m = mk(BPF_MAP_TYPE_STACK, 4, 5);
	uint32_t v;

	assert_non_null(m);
	for (uint32_t i = 1; i <= 5; i++)
		assert_int_equal(xdpdk_map_elem_push(m, &i, BPF_ANY), 0);
	v = 6;
	assert_int_equal(xdpdk_map_elem_push(m, &v, 0), -E2BIG);
	assert_int_equal(xdpdk_map_elem_peek(m, &v), 0);
	assert_int_equal(v, 5);
	for (uint32_t i = 5; i >= 1; i--) {
		assert_int_equal(xdpdk_map_elem_pop(m, &v), 0);
		assert_int_equal(v, i);
	}
	v = 0xdeadbeef;
	assert_int_equal(xdpdk_map_elem_pop(m, &v), -ENOENT);
	assert_int_equal(v, 0);
	v = 0xdeadbeef;
	assert_int_equal(xdpdk_map_elem_peek(m, &v), -ENOENT);
	assert_int_equal(v, 0);
	xdpdk_map_put(m);
}

static void
test_queue_exist_overwrites_oldest(void **state)
{
	struct xdpdk_map *m = mk(BPF_MAP_TYPE_QUEUE, 4, 4);
	uint32_t v;

	assert_non_null(m);
	for (uint32_t i = 1; i <= 4; i++)
		assert_int_equal(xdpdk_map_elem_push(m, &i, BPF_EXIST), 0);
	for (uint32_t i = 5; i <= 6; i++)
		assert_int_equal(xdpdk_map_elem_push(m, &i, BPF_EXIST), 0);
	for (uint32_t i = 3; i <= 6; i++) {
		assert_int_equal(xdpdk_map_elem_pop(m, &v), 0);
		assert_int_equal(v, i);
	}
	assert_int_equal(xdpdk_map_elem_pop(m, &v), -ENOENT);
	xdpdk_map_put(m);
}

static void
test_stack_exist_overwrites_oldest(void **state)
{
	struct xdpdk_map *m = mk(BPF_MAP_TYPE_STACK, 4, 4);
	uint32_t v;

	assert_non_null(m);
	for (uint32_t i = 1; i <= 6; i++)
		assert_int_equal(xdpdk_map_elem_push(m, &i, BPF_EXIST), 0);
	/* 1 and 2, the bottom of the stack, made room for 5 and 6. */
	for (uint32_t i = 6; i >= 3; i--) {
		assert_int_equal(xdpdk_map_elem_pop(m, &v), 0);
		assert_int_equal(v, i);
	}
	assert_int_equal(xdpdk_map_elem_pop(m, &v), -ENOENT);
	xdpdk_map_put(m);
}

static void
test_queue_push_flags(void **state)
{
	const enum bpf_map_type types[] = { BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_STACK };
	const uint64_t bad[] = { BPF_NOEXIST, BPF_NOEXIST | BPF_EXIST, 4, BPF_F_LOCK,
				 1ull << 40 };
	uint32_t v = 7;

	for (size_t t = 0; t < RTE_DIM(types); t++) {
		struct xdpdk_map *m = mk(types[t], 4, 2);

		assert_non_null(m);
		for (size_t i = 0; i < RTE_DIM(bad); i++)
			assert_int_equal(xdpdk_map_elem_push(m, &v, bad[i]), -EINVAL);
		assert_int_equal(xdpdk_map_elem_pop(m, &v), -ENOENT);
		xdpdk_map_put(m);
	}
}

static void
test_queue_key_ops_refused(void **state)
{
	const enum bpf_map_type types[] = { BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_STACK };
	uint32_t v = 1, k = 0;

	for (size_t t = 0; t < RTE_DIM(types); t++) {
		struct xdpdk_map *m = mk(types[t], 4, 2);

		assert_non_null(m);
		assert_null(xdpdk_map_elem_lookup(m, NULL));
		assert_int_equal(xdpdk_map_elem_update(m, NULL, &v, BPF_ANY), -EINVAL);
		assert_int_equal(xdpdk_map_elem_delete(m, NULL), -EINVAL);
		assert_int_equal(xdpdk_map_delete(m, NULL), -EINVAL);
		assert_int_equal(xdpdk_map_get_next_key(m, NULL, &k), -EINVAL);
		xdpdk_map_put(m);
	}
}

static void
test_queue_control_plane(void **state)
{
	struct xdpdk_map *q = mk(BPF_MAP_TYPE_QUEUE, 8, 3);
	struct xdpdk_map *s = mk(BPF_MAP_TYPE_STACK, 8, 3);
	uint64_t v, out;

	assert_non_null(q);
	assert_non_null(s);
	for (v = 10; v < 13; v++) {
		assert_int_equal(xdpdk_map_update(q, NULL, &v, BPF_ANY), 0);
		assert_int_equal(xdpdk_map_update(s, NULL, &v, BPF_ANY), 0);
	}
	v = 99;
	assert_int_equal(xdpdk_map_update(q, NULL, &v, BPF_ANY), -E2BIG);
	assert_int_equal(xdpdk_map_update(q, NULL, &v, BPF_NOEXIST), -EINVAL);
	assert_int_equal(xdpdk_map_lookup(q, NULL, &out, BPF_F_LOCK), -EINVAL);
	/* lookup is peek */
	assert_int_equal(xdpdk_map_lookup(q, NULL, &out, 0), 0);
	assert_int_equal(out, 10);
	assert_int_equal(xdpdk_map_lookup(s, NULL, &out, 0), 0);
	assert_int_equal(out, 12);
	/* update with BPF_EXIST overwrites the oldest */
	assert_int_equal(xdpdk_map_update(q, NULL, &v, BPF_EXIST), 0);
	assert_int_equal(xdpdk_map_update(s, NULL, &v, BPF_EXIST), 0);
	/* lookup_and_delete is pop */
	assert_int_equal(xdpdk_map_pop(q, &out), 0);
	assert_int_equal(out, 11);
	assert_int_equal(xdpdk_map_pop(q, &out), 0);
	assert_int_equal(out, 12);
	assert_int_equal(xdpdk_map_pop(q, &out), 0);
	assert_int_equal(out, 99);
	assert_int_equal(xdpdk_map_pop(q, &out), -ENOENT);
	assert_int_equal(xdpdk_map_lookup(q, NULL, &out, 0), -ENOENT);
	assert_int_equal(xdpdk_map_pop(s, &out), 0);
	assert_int_equal(out, 99);
	assert_int_equal(xdpdk_map_pop(s, &out), 0);
	assert_int_equal(out, 12);
	assert_int_equal(xdpdk_map_pop(s, &out), 0);
	assert_int_equal(out, 11);
	assert_int_equal(xdpdk_map_pop(s, &out), -ENOENT);
	assert_int_equal(xdpdk_map_pop(NULL, &out), -EINVAL);
	xdpdk_map_put(q);
	xdpdk_map_put(s);
}

static void
test_queue_pop_refused_for_other_types(void **state)
{
	const struct xdpdk_map_def d = { .type = BPF_MAP_TYPE_RINGBUF, .max_entries = 4096 };
	struct xdpdk_map *rb = xdpdk_map_create(&d);
	uint64_t out;

	assert_non_null(rb);
	assert_int_equal(xdpdk_map_pop(rb, &out), -EINVAL);
	xdpdk_map_put(rb);
}

/* Sizes that are not multiples of 4 (the queue's ring rounds them up). */
static void
test_queue_odd_value_sizes_and_wrap(void **state)
{
	const uint32_t sizes[] = { 1, 3, 13, 100 };
	const enum bpf_map_type types[] = { BPF_MAP_TYPE_QUEUE, BPF_MAP_TYPE_STACK };

	for (size_t t = 0; t < RTE_DIM(types); t++) {
		for (size_t z = 0; z < RTE_DIM(sizes); z++) {
			const uint32_t vs = sizes[z];
			struct xdpdk_map *m = mk(types[t], vs, 3);
			uint8_t in[100], out[100];

			assert_non_null(m);
			/* Many rounds of two in, two out: indexes wrap many times. */
			for (uint32_t r = 0; r < 50; r++) {
				for (uint32_t j = 0; j < 2; j++) {
					memset(in, (int)(r * 2 + j), vs);
					assert_int_equal(xdpdk_map_elem_push(m, in, 0), 0);
				}
				for (uint32_t j = 0; j < 2; j++) {
					uint32_t want = types[t] == BPF_MAP_TYPE_QUEUE ? j : 1 - j;

					memset(out, 0xee, sizeof(out));
					assert_int_equal(xdpdk_map_elem_pop(m, out), 0);
					memset(in, (int)(r * 2 + want), vs);
					assert_memory_equal(out, in, vs);
					/* Not a byte past value_size is written. */
					if (vs < sizeof(out))
						assert_int_equal(out[vs], 0xee);
				}
			}
			xdpdk_map_put(m);
		}
	}
}

/* ---- workers pushing and popping concurrently --------------------------- */

#define MT_PER_PRODUCER 20000

struct mt_arg {
	struct xdpdk_map *map;
	uint32_t worker;
	uint64_t sum;			/* stack: values this thread popped */
	uint32_t popped;
};

static void *
queue_producer(void *p)
{
	struct mt_arg *a = p;

	xdpdk_maps_set_worker(a->worker);
	for (uint32_t i = 0; i < MT_PER_PRODUCER; i++) {
		uint32_t v = a->worker << 24 | i;

		while (xdpdk_map_elem_push(a->map, &v, BPF_ANY) == -E2BIG)
			sched_yield();	/* full: let the consumer run */
	}
	return NULL;
}

static void
test_queue_mpmc_every_value_once_in_order(void **state)
{
	struct xdpdk_map *m = mk(BPF_MAP_TYPE_QUEUE, 4, 64);
	struct mt_arg a[2] = { { .worker = 0 }, { .worker = 1 } };
	pthread_t t[2];
	uint32_t next[2] = { 0, 0 }, got = 0, v;

	assert_non_null(m);
	for (int i = 0; i < 2; i++) {
		a[i].map = m;
		assert_int_equal(pthread_create(&t[i], NULL, queue_producer, &a[i]), 0);
	}
	while (got < 2 * MT_PER_PRODUCER) {
		if (xdpdk_map_elem_pop(m, &v) != 0) {
			sched_yield();
			continue;
		}
		/* FIFO: each producer's values come out in the order it pushed them. */
		assert_true((v >> 24) < 2);
		assert_int_equal(v & 0xffffff, next[v >> 24]);
		next[v >> 24]++;
		got++;
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(xdpdk_map_elem_pop(m, &v), -ENOENT);
	xdpdk_map_put(m);
}

static void *
stack_worker(void *p)
{
	struct mt_arg *a = p;
	uint32_t v;

	xdpdk_maps_set_worker(a->worker);
	for (uint32_t i = 0; i < MT_PER_PRODUCER; i++) {
		v = a->worker << 24 | i;
		while (xdpdk_map_elem_push(a->map, &v, BPF_ANY) == -E2BIG)
			sched_yield();
		if (i % 2 == 0 && xdpdk_map_elem_pop(a->map, &v) == 0) {
			a->sum += v;
			a->popped++;
		}
	}
	return NULL;
}

static void
test_stack_concurrent_push_pop_conserves_values(void **state)
{
	struct xdpdk_map *m = mk(BPF_MAP_TYPE_STACK, 4, 2 * MT_PER_PRODUCER);
	struct mt_arg a[2] = { { .worker = 0 }, { .worker = 1 } };
	pthread_t t[2];
	uint64_t want = 0, sum = 0;
	uint32_t n = 0, v;

	assert_non_null(m);
	for (int i = 0; i < 2; i++) {
		a[i].map = m;
		assert_int_equal(pthread_create(&t[i], NULL, stack_worker, &a[i]), 0);
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		sum += a[i].sum;
		n += a[i].popped;
	}
	while (xdpdk_map_elem_pop(m, &v) == 0) {
		sum += v;
		n++;
	}
	for (uint64_t w = 0; w < 2; w++)
		for (uint64_t i = 0; i < MT_PER_PRODUCER; i++)
			want += w << 24 | i;
	assert_int_equal(n, 2 * MT_PER_PRODUCER);
	assert_true(sum == want);
	xdpdk_map_put(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_create_checks),
		cmocka_unit_test(test_queue_fifo_order_and_full),
		cmocka_unit_test(test_stack_lifo_order_and_full),
		cmocka_unit_test(test_queue_exist_overwrites_oldest),
		cmocka_unit_test(test_stack_exist_overwrites_oldest),
		cmocka_unit_test(test_queue_push_flags),
		cmocka_unit_test(test_queue_key_ops_refused),
		cmocka_unit_test(test_queue_control_plane),
		cmocka_unit_test(test_queue_pop_refused_for_other_types),
		cmocka_unit_test(test_queue_odd_value_sizes_and_wrap),
		cmocka_unit_test(test_queue_mpmc_every_value_once_in_order),
		cmocka_unit_test(test_stack_concurrent_push_pop_conserves_values),
	};

	return cmocka_run_group_tests_name("queue", tests, group_setup, group_teardown);
}
