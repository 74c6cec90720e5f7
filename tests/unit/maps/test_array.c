/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The array family (array, percpu_array, prog_array, array_of_maps) and the
 * redirect maps' storage (devmap, devmap_hash, cpumap, xskmap): the kernel's
 * checks, flags and error codes, the value layout programs address, tail
 * calls, inner maps, programs calling the map helpers on both engines, and a
 * control-plane writer racing a worker under RCU.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <rte_malloc.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include <xdpdk/bpf.h>
#include <xdpdk/helpers.h>
#include <xdpdk/map.h>

#include "../bpf/insn_macros.h"
#include "maps_test.h"

static const enum xdpdk_engine engines[] = { XDPDK_ENGINE_INTERP, XDPDK_ENGINE_JIT };

static struct xdpdk_map *
create(enum bpf_map_type type, uint32_t key_size, uint32_t value_size, uint32_t max_entries,
       uint32_t flags)
{
	const struct xdpdk_map_def def = {
		.name = "t", .type = type, .key_size = key_size, .value_size = value_size,
		.max_entries = max_entries, .map_flags = flags,
	};

	return xdpdk_map_create(&def);
}

/* The errno of a failed creation, 0 if it worked. */
static int
create_errno(enum bpf_map_type type, uint32_t key_size, uint32_t value_size,
	     uint32_t max_entries, uint32_t flags)
{
	struct xdpdk_map *m;

	errno = 0;
	m = create(type, key_size, value_size, max_entries, flags);
	if (m != NULL) {
		xdpdk_map_put(m);
		return 0;
	}
	return errno;
}

static struct xdpdk_prog *
prog_new(const struct bpf_insn *insns, uint32_t n, enum xdpdk_engine engine,
	 enum xdpdk_prog_type type)
{
	char log[256] = "";
	struct xdpdk_prog_opts o = { .type = type, .engine = engine,
				     .helpers = xdpdk_helpers_resolve, .log_buf = log,
				     .log_size = sizeof(log) };
	struct xdpdk_prog *p = xdpdk_prog_create(insns, n, &o);

	if (p == NULL)
		print_error("prog: %s\n", log);
	assert_non_null(p);
	assert_int_equal(xdpdk_prog_engine(p), engine);
	return p;
}

/* ---- array -------------------------------------------------------------- */

static void
test_array_create_checks(void **state)
{
	(void)state;
	assert_int_equal(create_errno(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0), 0);
	assert_int_equal(create_errno(BPF_MAP_TYPE_ARRAY, 8, 8, 4, 0), EINVAL);
	assert_int_equal(create_errno(BPF_MAP_TYPE_ARRAY, 4, 0, 4, 0), EINVAL);
	assert_int_equal(create_errno(BPF_MAP_TYPE_ARRAY, 4, 8, 0, 0), EINVAL);
	assert_int_equal(create_errno(BPF_MAP_TYPE_ARRAY, 4, 8, 4, BPF_F_NO_PREALLOC), EINVAL);
	assert_int_equal(create_errno(BPF_MAP_TYPE_ARRAY, 4, 8, 4, BPF_F_PRESERVE_ELEMS), EINVAL);
	assert_int_equal(create_errno(BPF_MAP_TYPE_ARRAY, 4, 8, 4, BPF_F_MMAPABLE), 0);
	assert_int_equal(create_errno(BPF_MAP_TYPE_ARRAY, 4, 8, 4, BPF_F_INNER_MAP), 0);
	assert_int_equal(create_errno(BPF_MAP_TYPE_ARRAY, 4, 8, 4,
				      BPF_F_RDONLY_PROG | BPF_F_RDONLY), 0);
	assert_int_equal(create_errno(BPF_MAP_TYPE_ARRAY, 4, (4u << 20) + 1, 1, 0), E2BIG);
	assert_int_equal(create_errno(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, BPF_F_MMAPABLE),
			 EINVAL);
	assert_int_equal(create_errno(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, BPF_F_INNER_MAP),
			 EINVAL);
	assert_int_equal(create_errno(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 32769, 1, 0), E2BIG);
	assert_int_equal(create_errno(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 32768, 1, 0), 0);
	/* prog_array and array_of_maps hold a descriptor: 4 bytes, no program-side flags. */
	assert_int_equal(create_errno(BPF_MAP_TYPE_PROG_ARRAY, 4, 8, 4, 0), EINVAL);
	assert_int_equal(create_errno(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, BPF_F_RDONLY_PROG),
			 EINVAL);
	assert_int_equal(create_errno(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, BPF_F_MMAPABLE), EINVAL);
	assert_int_equal(create_errno(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0), 0);
}

static void
test_array_percpu_numa_node_refused(void **state)
{
	(void)state;
	const struct xdpdk_map_def def = { .name = "p", .type = BPF_MAP_TYPE_PERCPU_ARRAY,
					   .key_size = 4, .value_size = 8, .max_entries = 2,
					   .map_flags = BPF_F_NUMA_NODE, .numa_node = 0 };

	errno = 0;
	assert_null(xdpdk_map_create(&def));
	assert_int_equal(errno, EINVAL);
}

static void
test_array_update_lookup_flags_and_errors(void **state)
{
	(void)state;
	struct xdpdk_map *m = create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	uint32_t k = 2;
	uint64_t v = 0xdead, out = 1;

	assert_int_equal(xdpdk_map_lookup(m, &k, &out, 0), 0);
	assert_int_equal(out, 0);	/* preallocated and zeroed */
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_ANY), 0);
	assert_int_equal(xdpdk_map_lookup(m, &k, &out, 0), 0);
	assert_int_equal(out, 0xdead);
	v = 0xbeef;
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_EXIST), 0);
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_NOEXIST), -EEXIST);
	k = 4;
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_ANY), -E2BIG);
	assert_int_equal(xdpdk_map_lookup(m, &k, &out, 0), -ENOENT);
	assert_null(xdpdk_map_elem_lookup(m, &k));
	k = 2;
	assert_int_equal(xdpdk_map_delete(m, &k), -EINVAL);
	assert_int_equal(xdpdk_map_elem_delete(m, &k), -EINVAL);
	/* From a program: the same codes. */
	assert_int_equal(xdpdk_map_elem_update(m, &k, &v, BPF_NOEXIST), -EEXIST);
	assert_int_equal(xdpdk_map_elem_update(m, &k, &v, BPF_EXIST + 1), -EINVAL);
	assert_int_equal(xdpdk_map_elem_update(m, &k, &v, BPF_F_LOCK), -EINVAL);
	k = 9;
	assert_int_equal(xdpdk_map_elem_update(m, &k, &v, BPF_ANY), -E2BIG);
	xdpdk_map_put(m);
}

static void
test_array_values_are_contiguous(void **state)
{
	(void)state;
	struct xdpdk_map *m = create(BPF_MAP_TYPE_ARRAY, 4, 5, 8, 0);
	uint32_t k0 = 0, k3 = 3;
	unsigned char *p0 = xdpdk_map_elem_lookup(m, &k0), *p3 = xdpdk_map_elem_lookup(m, &k3);
	const unsigned char v[5] = { 1, 2, 3, 4, 5 };
	unsigned char out[5];

	/* elem_size = round_up(value_size, 8): what the JIT will inline. */
	assert_int_equal(p3 - p0, 3 * 8);
	assert_true(((uintptr_t)p0 & 7) == 0);
	memcpy(p3, v, sizeof(v));
	assert_int_equal(xdpdk_map_lookup(m, &k3, out, 0), 0);
	assert_memory_equal(out, v, sizeof(v));
	assert_null(xdpdk_map_direct_value(m));
	xdpdk_map_put(m);
	/* Global data: the single value's address. */
	m = create(BPF_MAP_TYPE_ARRAY, 4, 64, 1, BPF_F_MMAPABLE);
	assert_ptr_equal(xdpdk_map_direct_value(m), xdpdk_map_elem_lookup(m, &k0));
	assert_ptr_equal(xdpdk_map_prog_addr(m), m);
	xdpdk_map_put(m);
}

static void
test_array_get_next_key_as_the_kernel(void **state)
{
	(void)state;
	struct xdpdk_map *m = create(BPF_MAP_TYPE_ARRAY, 4, 8, 3, 0);
	uint32_t k, next, n = 0;

	assert_int_equal(xdpdk_map_get_next_key(m, NULL, &next), 0);
	assert_int_equal(next, 0);
	k = 100;	/* out of range: restarts */
	assert_int_equal(xdpdk_map_get_next_key(m, &k, &next), 0);
	assert_int_equal(next, 0);
	k = 1;
	assert_int_equal(xdpdk_map_get_next_key(m, &k, &next), 0);
	assert_int_equal(next, 2);
	k = 2;
	assert_int_equal(xdpdk_map_get_next_key(m, &k, &next), -ENOENT);
	for (int ret = xdpdk_map_get_next_key(m, NULL, &next); ret == 0;
	     ret = xdpdk_map_get_next_key(m, &k, &next)) {
		assert_int_equal(next, n);
		k = next;
		n++;
	}
	assert_int_equal(n, 3);
	xdpdk_map_put(m);
}

/* ---- BPF_F_LOCK ---------------------------------------------------------- */

struct locked_val {
	uint64_t a;
	struct bpf_spin_lock lock;
	uint32_t b;
	uint64_t c;
};

static struct xdpdk_map *
locked_map(void)
{
	const struct xdpdk_map_def def = {
		.name = "locked", .type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
		.value_size = sizeof(struct locked_val), .max_entries = 2,
		.has_spin_lock = true, .spin_lock_off = offsetof(struct locked_val, lock),
	};

	return xdpdk_map_create(&def);
}

static void
test_array_lock_word_is_never_copied(void **state)
{
	(void)state;
	struct xdpdk_map *m = locked_map();
	uint32_t k = 1;
	struct locked_val in = { .a = 1, .lock = { .val = 0xffffffff }, .b = 2, .c = 3 }, out;
	struct locked_val *elem = xdpdk_map_elem_lookup(m, &k);

	assert_int_equal(xdpdk_map_update(m, &k, &in, BPF_F_LOCK), 0);
	assert_int_equal(elem->lock.val, 0);	/* the map's lock word is left alone */
	assert_int_equal(elem->a, 1);
	assert_int_equal(elem->c, 3);
	in.a = 10;
	assert_int_equal(xdpdk_map_update(m, &k, &in, BPF_F_LOCK | BPF_EXIST), 0);
	assert_int_equal(xdpdk_map_update(m, &k, &in, 0), 0);
	assert_int_equal(elem->lock.val, 0);
	memset(&out, 0xaa, sizeof(out));
	assert_int_equal(xdpdk_map_lookup(m, &k, &out, BPF_F_LOCK), 0);
	assert_int_equal(out.lock.val, 0);	/* zeroed in the copy, as the kernel */
	assert_int_equal(out.a, 10);
	assert_int_equal(out.b, 2);
	memset(&out, 0xaa, sizeof(out));
	assert_int_equal(xdpdk_map_lookup(m, &k, &out, 0), 0);
	assert_int_equal(out.lock.val, 0);
	assert_int_equal(xdpdk_map_elem_update(m, &k, &in, BPF_F_LOCK), 0);
	assert_int_equal(xdpdk_map_update(m, &k, &in, BPF_F_LOCK | BPF_NOEXIST), -EEXIST);
	xdpdk_map_put(m);
}

struct lock_waiter {
	struct xdpdk_map *m;
	int ret;
};

static void *
locked_update_thread(void *arg)
{
	struct lock_waiter *w = arg;
	const struct locked_val in = { .a = 42, .b = 43, .c = 44 };
	uint32_t k = 0;

	w->ret = xdpdk_map_update(w->m, &k, &in, BPF_F_LOCK);
	return NULL;
}

/* An update with BPF_F_LOCK waits while a program holds the value's lock. */
static void
test_array_lock_update_waits_for_the_lock(void **state)
{
	(void)state;
	struct lock_waiter w = { .m = locked_map(), .ret = -1 };
	uint32_t k = 0;
	struct locked_val *elem = xdpdk_map_elem_lookup(w.m, &k);
	pthread_t t;

	__atomic_store_n(&elem->lock.val, 1, __ATOMIC_RELEASE);	/* "bpf_spin_lock" */
	assert_int_equal(pthread_create(&t, NULL, locked_update_thread, &w), 0);
	usleep(50 * 1000);
	assert_int_equal(__atomic_load_n(&elem->a, __ATOMIC_ACQUIRE), 0);
	__atomic_store_n(&elem->lock.val, 0, __ATOMIC_RELEASE);	/* "bpf_spin_unlock" */
	pthread_join(t, NULL);
	assert_int_equal(w.ret, 0);
	assert_int_equal(elem->a, 42);
	assert_int_equal(elem->c, 44);
	assert_int_equal(elem->lock.val, 0);
	xdpdk_map_put(w.m);
}

/* ---- percpu_array ------------------------------------------------------- */

static int
workers4_setup(void **state)
{
	const struct xdpdk_maps_config cfg = { .n_workers = 4 };

	(void)state;
	return xdpdk_maps_configure(&cfg);
}

static int
workers_reset(void **state)
{
	(void)state;
	xdpdk_maps_set_worker(0);
	return xdpdk_maps_configure(NULL);
}

static void
test_array_percpu_slots_per_worker(void **state)
{
	(void)state;
	struct xdpdk_map *m = create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 4, 3, 0);
	uint32_t k = 1, buf32;
	uint64_t all[4];
	uint32_t *p;

	assert_int_equal(xdpdk_map_value_buf_size(m), 4 * 8);
	for (uint32_t w = 0; w < 4; w++) {
		xdpdk_maps_set_worker(w);
		p = xdpdk_map_elem_lookup(m, &k);
		assert_non_null(p);
		*p = 100 + w;
	}
	/* The control plane sees every worker's copy, 8 bytes apart. */
	assert_int_equal(xdpdk_map_lookup(m, &k, all, 0), 0);
	for (uint32_t w = 0; w < 4; w++)
		assert_int_equal((uint32_t)all[w], 100 + w);
	/* A program update writes this worker's copy only. */
	xdpdk_maps_set_worker(2);
	buf32 = 7;
	assert_int_equal(xdpdk_map_elem_update(m, &k, &buf32, BPF_ANY), 0);
	assert_int_equal(xdpdk_map_lookup(m, &k, all, 0), 0);
	assert_int_equal((uint32_t)all[1], 101);
	assert_int_equal((uint32_t)all[2], 7);
	assert_int_equal(*(uint32_t *)xdpdk_map_elem_lookup_percpu(m, &k, 3), 103);
	assert_null(xdpdk_map_elem_lookup_percpu(m, &k, 4));	/* no such worker */
	xdpdk_maps_set_worker(4);
	assert_null(xdpdk_map_elem_lookup(m, &k));
	xdpdk_maps_set_worker(0);
	/* The control plane writes every copy. */
	for (uint32_t w = 0; w < 4; w++)
		all[w] = 200 + w;
	assert_int_equal(xdpdk_map_update(m, &k, all, BPF_EXIST), 0);
	assert_int_equal(*(uint32_t *)xdpdk_map_elem_lookup_percpu(m, &k, 3), 203);
	assert_int_equal(*(uint32_t *)xdpdk_map_elem_lookup(m, &k), 200);
	assert_int_equal(xdpdk_map_update(m, &k, all, BPF_NOEXIST), -EEXIST);
	assert_int_equal(xdpdk_map_update(m, &k, all, BPF_F_LOCK), -EINVAL);
	k = 3;
	assert_int_equal(xdpdk_map_update(m, &k, all, 0), -E2BIG);
	assert_int_equal(xdpdk_map_lookup(m, &k, all, 0), -ENOENT);
	assert_int_equal(xdpdk_map_delete(m, &k), -EINVAL);
	assert_null(xdpdk_map_direct_value(m));
	xdpdk_map_put(m);
}

/* Workers' copies do not share cache lines. */
static void
test_array_percpu_workers_apart(void **state)
{
	(void)state;
	struct xdpdk_map *m = create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 2, 0);
	uint32_t k = 0;
	uintptr_t a = (uintptr_t)xdpdk_map_elem_lookup_percpu(m, &k, 0);
	uintptr_t b = (uintptr_t)xdpdk_map_elem_lookup_percpu(m, &k, 1);

	assert_true(b - a >= 64);
	xdpdk_map_put(m);
}

/* ---- prog_array --------------------------------------------------------- */

static void
test_array_prog_array_set_get_delete(void **state)
{
	(void)state;
	const struct bpf_insn ret42[] = { BPF_MOV64_IMM(BPF_REG_0, 42), BPF_EXIT_INSN() };
	struct xdpdk_map *pa = create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0);
	struct xdpdk_map *arr = create(BPF_MAP_TYPE_ARRAY, 4, 4, 4, 0);
	struct xdpdk_prog *xdp = prog_new(ret42, 2, XDPDK_ENGINE_INTERP, XDPDK_PROG_TYPE_XDP);
	struct xdpdk_prog *tc = prog_new(ret42, 2, XDPDK_ENGINE_INTERP, XDPDK_PROG_TYPE_TC);
	const struct xdpdk_prog_array *pav = xdpdk_map_prog_addr(pa);
	uint32_t k = 1, v = 0, next;

	assert_int_equal(pav->max_entries, 4);
	assert_int_equal(xdpdk_map_prog_array_set(pa, 1, xdp), 0);
	assert_ptr_equal(xdpdk_map_prog_array_get(pa, 1), xdp);
	assert_ptr_equal(pav->progs[1], xdp);
	assert_null(xdpdk_map_prog_array_get(pa, 0));
	assert_null(xdpdk_map_prog_array_get(pa, 4));
	assert_int_equal(xdpdk_map_prog_array_set(pa, 4, xdp), -E2BIG);
	/* All programs of one array share the first one's type. */
	assert_int_equal(xdpdk_map_prog_array_set(pa, 2, tc), -EINVAL);
	assert_int_equal(xdpdk_map_prog_array_set(arr, 0, xdp), -EINVAL);
	assert_int_equal(xdpdk_map_prog_array_set(NULL, 0, xdp), -EINVAL);
	/* No descriptors: values go through the functions above. */
	assert_int_equal(xdpdk_map_update(pa, &k, &v, 0), -ENOTSUP);
	assert_int_equal(xdpdk_map_lookup(pa, &k, &v, 0), -ENOTSUP);
	assert_null(xdpdk_map_elem_lookup(pa, &k));
	assert_int_equal(xdpdk_map_get_next_key(pa, &k, &next), 0);
	assert_int_equal(next, 2);
	assert_int_equal(xdpdk_map_delete(pa, &k), 0);
	assert_int_equal(xdpdk_map_delete(pa, &k), -ENOENT);
	k = 4;
	assert_int_equal(xdpdk_map_delete(pa, &k), -E2BIG);
	assert_int_equal(xdpdk_map_prog_array_set(pa, 1, NULL), 0);
	/* Freeing the map leaves the programs to their owner. */
	assert_int_equal(xdpdk_map_prog_array_set(pa, 3, xdp), 0);
	xdpdk_map_put(pa);
	assert_int_equal(xdpdk_prog_run(xdp, NULL, 0), 42);
	xdpdk_map_put(arr);
	xdpdk_prog_free(xdp);
	xdpdk_prog_free(tc);
}

static void
test_array_prog_array_tail_call(void **state)
{
	(void)state;
	struct xdpdk_map *pa = create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0);
	const uint64_t addr = (uintptr_t)xdpdk_map_prog_addr(pa);
	const struct bpf_insn caller[] = {
		BPF_LD_IMM64_RAW(BPF_REG_2, BPF_PSEUDO_MAP_FD, addr),
		BPF_MOV64_IMM(BPF_REG_3, 2),
		BPF_CALL_HELPER(BPF_FUNC_tail_call),
		BPF_MOV64_IMM(BPF_REG_0, 1),	/* empty slot: fall through */
		BPF_EXIT_INSN(),
	};
	const struct bpf_insn t42[] = { BPF_MOV64_IMM(BPF_REG_0, 42), BPF_EXIT_INSN() };
	const struct bpf_insn t7[] = { BPF_MOV64_IMM(BPF_REG_0, 7), BPF_EXIT_INSN() };

	for (size_t e = 0; e < RTE_DIM(engines); e++) {
		struct xdpdk_prog *c = prog_new(caller, RTE_DIM(caller), engines[e],
						XDPDK_PROG_TYPE_XDP);
		struct xdpdk_prog *a = prog_new(t42, 2, engines[e], XDPDK_PROG_TYPE_XDP);
		struct xdpdk_prog *b = prog_new(t7, 2, engines[e], XDPDK_PROG_TYPE_XDP);
		uint32_t k = 2;

		assert_int_equal(xdpdk_prog_run(c, NULL, 0), 1);
		assert_int_equal(xdpdk_map_prog_array_set(pa, 2, a), 0);
		assert_int_equal(xdpdk_prog_run(c, NULL, 0), 42);
		assert_int_equal(xdpdk_map_prog_array_set(pa, 2, b), 0);	/* replace */
		assert_int_equal(xdpdk_prog_run(c, NULL, 0), 7);
		assert_int_equal(xdpdk_map_delete(pa, &k), 0);
		assert_int_equal(xdpdk_prog_run(c, NULL, 0), 1);
		xdpdk_prog_free(c);
		xdpdk_prog_free(a);
		xdpdk_prog_free(b);
	}
	xdpdk_map_put(pa);
}

/* ---- array_of_maps ------------------------------------------------------ */

static struct xdpdk_map *
outer_map(const struct xdpdk_map *tmpl, uint32_t max_entries)
{
	const struct xdpdk_map_def def = {
		.name = "outer", .type = BPF_MAP_TYPE_ARRAY_OF_MAPS, .key_size = 4,
		.value_size = 4, .max_entries = max_entries, .inner_template = tmpl,
	};

	return xdpdk_map_create(&def);
}

static void
test_array_of_maps_create_checks(void **state)
{
	(void)state;
	struct xdpdk_map *tmpl = create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	struct xdpdk_map *pa = create(BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0);
	struct xdpdk_map *outer;
	struct xdpdk_map_def def = { .name = "o", .type = BPF_MAP_TYPE_ARRAY_OF_MAPS,
				     .key_size = 4, .value_size = 4, .max_entries = 2 };

	errno = 0;
	assert_null(xdpdk_map_create(&def));	/* no template */
	assert_int_equal(errno, EINVAL);
	def.inner_template = pa;
	assert_null(xdpdk_map_create(&def));
	assert_int_equal(errno, ENOTSUP);
	def.inner_template = tmpl;
	def.value_size = 8;
	assert_null(xdpdk_map_create(&def));
	assert_int_equal(errno, EINVAL);
	outer = outer_map(tmpl, 2);
	assert_non_null(outer);
	def.value_size = 4;
	def.inner_template = outer;	/* one level only */
	assert_null(xdpdk_map_create(&def));
	assert_int_equal(errno, EINVAL);
	/* The template may go: the outer map keeps what it needs. */
	xdpdk_map_put(tmpl);
	assert_ptr_equal(xdpdk_map_def(outer)->inner_template, tmpl);
	assert_int_equal(xdpdk_map_def(xdpdk_map_def(outer)->inner_template)->value_size, 8);
	xdpdk_map_put(outer);
	xdpdk_map_put(pa);
}

static void
test_array_of_maps_inner_must_match(void **state)
{
	(void)state;
	struct xdpdk_map *tmpl = create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	struct xdpdk_map *outer = outer_map(tmpl, 2);
	struct xdpdk_map *ok = create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	struct xdpdk_map *bad_vs = create(BPF_MAP_TYPE_ARRAY, 4, 16, 4, 0);
	struct xdpdk_map *bad_max = create(BPF_MAP_TYPE_ARRAY, 4, 8, 5, 0);
	struct xdpdk_map *bad_flags = create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, BPF_F_RDONLY_PROG);
	struct xdpdk_map *bad_type = create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 4, 0);
	struct xdpdk_map *flex_tmpl = create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, BPF_F_INNER_MAP);
	struct xdpdk_map *flex = outer_map(flex_tmpl, 2);
	struct xdpdk_map *big = create(BPF_MAP_TYPE_ARRAY, 4, 8, 64, BPF_F_INNER_MAP);
	uint32_t k = 0;

	assert_int_equal(xdpdk_map_set_inner(outer, &k, ok), 0);
	assert_int_equal(xdpdk_map_set_inner(outer, &k, bad_vs), -EINVAL);
	assert_int_equal(xdpdk_map_set_inner(outer, &k, bad_max), -EINVAL);
	assert_int_equal(xdpdk_map_set_inner(outer, &k, bad_flags), -EINVAL);
	assert_int_equal(xdpdk_map_set_inner(outer, &k, bad_type), -EINVAL);
	assert_int_equal(xdpdk_map_set_inner(outer, &k, outer), -EINVAL);
	assert_int_equal(xdpdk_map_set_inner(tmpl, &k, ok), -EINVAL);	/* not map-in-map */
	/* BPF_F_INNER_MAP: arrays of any size fit (the flag itself must match). */
	assert_int_equal(xdpdk_map_set_inner(flex, &k, big), 0);
	assert_int_equal(xdpdk_map_set_inner(flex, &k, ok), -EINVAL);
	k = 2;
	assert_int_equal(xdpdk_map_set_inner(outer, &k, ok), -E2BIG);
	xdpdk_map_put(ok);
	xdpdk_map_put(bad_vs);
	xdpdk_map_put(bad_max);
	xdpdk_map_put(bad_flags);
	xdpdk_map_put(bad_type);
	xdpdk_map_put(big);
	xdpdk_map_put(flex);
	xdpdk_map_put(flex_tmpl);
	xdpdk_map_put(outer);
	xdpdk_map_put(tmpl);
}

static void
test_array_of_maps_values_are_ids_and_refs(void **state)
{
	(void)state;
	struct xdpdk_map *tmpl = create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	struct xdpdk_map *outer = outer_map(tmpl, 2);
	struct xdpdk_map *a = create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	struct xdpdk_map *b = create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	const uint32_t ida = xdpdk_map_id(a), idb = xdpdk_map_id(b);
	uint32_t k = 1, v, bogus = 999999;
	uint64_t val = 5;
	struct xdpdk_map *inner, *x;

	/* Update takes the inner map's id (the kernel's fd), lookup returns it. */
	assert_int_equal(xdpdk_map_update(outer, &k, &ida, BPF_ANY), 0);
	assert_int_equal(xdpdk_map_lookup(outer, &k, &v, 0), 0);
	assert_int_equal(v, ida);
	assert_int_equal(xdpdk_map_update(outer, &k, &ida, BPF_EXIST), -EINVAL);
	assert_int_equal(xdpdk_map_update(outer, &k, &ida, BPF_NOEXIST), -EINVAL);
	assert_int_equal(xdpdk_map_update(outer, &k, &bogus, BPF_ANY), -EBADF);
	/* A program looks up the inner map, then looks up in it. */
	inner = xdpdk_map_elem_lookup(outer, &k);
	assert_ptr_equal(inner, a);
	k = 0;
	assert_int_equal(xdpdk_map_update(a, &k, &val, 0), 0);
	assert_int_equal(*(uint64_t *)xdpdk_map_elem_lookup(inner, &k), 5);
	assert_null(xdpdk_map_elem_lookup(outer, &k));	/* empty slot */
	assert_int_equal(xdpdk_map_lookup(outer, &k, &v, 0), -ENOENT);
	/* The outer map holds references: the creator's can go. */
	xdpdk_map_put(a);
	x = xdpdk_map_get_by_id(ida);
	assert_ptr_equal(x, a);
	xdpdk_map_put(x);
	/* Replacing drops the old inner map (no RCU here: at once). */
	k = 1;
	assert_int_equal(xdpdk_map_set_inner(outer, &k, b), 0);
	assert_null(xdpdk_map_get_by_id(ida));
	assert_ptr_equal(xdpdk_map_elem_lookup(outer, &k), b);
	assert_int_equal(xdpdk_map_delete(outer, &k), 0);
	assert_int_equal(xdpdk_map_delete(outer, &k), -ENOENT);
	assert_int_equal(xdpdk_map_set_inner(outer, &k, NULL), -ENOENT);
	k = 2;
	assert_int_equal(xdpdk_map_delete(outer, &k), -E2BIG);
	/* The last outer reference releases the inner maps. */
	k = 0;
	assert_int_equal(xdpdk_map_set_inner(outer, &k, b), 0);
	xdpdk_map_put(b);
	x = xdpdk_map_get_by_id(idb);
	assert_non_null(x);
	xdpdk_map_put(x);
	xdpdk_map_put(outer);
	assert_null(xdpdk_map_get_by_id(idb));
	xdpdk_map_put(tmpl);
	assert_int_equal(xdpdk_maps_configure(NULL), 0);	/* nothing left */
}

/* ---- redirect maps ------------------------------------------------------ */

static void
test_redirect_create_checks(void **state)
{
	(void)state;
	struct xdpdk_map *m;

	assert_int_equal(create_errno(BPF_MAP_TYPE_DEVMAP, 4, 4, 4, 0), 0);
	assert_int_equal(create_errno(BPF_MAP_TYPE_DEVMAP, 4, 8, 4, 0), 0);
	assert_int_equal(create_errno(BPF_MAP_TYPE_DEVMAP, 4, 6, 4, 0), EINVAL);
	assert_int_equal(create_errno(BPF_MAP_TYPE_DEVMAP, 8, 4, 4, 0), EINVAL);
	assert_int_equal(create_errno(BPF_MAP_TYPE_DEVMAP, 4, 4, 0, 0), EINVAL);
	assert_int_equal(create_errno(BPF_MAP_TYPE_DEVMAP, 4, 4, 4, BPF_F_RDONLY_PROG), EINVAL);
	assert_int_equal(create_errno(BPF_MAP_TYPE_DEVMAP, 4, 4, 4, BPF_F_RDONLY), 0);
	assert_int_equal(create_errno(BPF_MAP_TYPE_DEVMAP_HASH, 4, 8, 4, 0), 0);
	assert_int_equal(create_errno(BPF_MAP_TYPE_CPUMAP, 4, 4, 4, 0), 0);
	assert_int_equal(create_errno(BPF_MAP_TYPE_CPUMAP, 4, 8, 4, 0), 0);
	assert_int_equal(create_errno(BPF_MAP_TYPE_CPUMAP, 4, 8, 4, BPF_F_RDONLY), EINVAL);
	assert_int_equal(create_errno(BPF_MAP_TYPE_CPUMAP, 4, 8, RTE_MAX_LCORE + 1, 0), E2BIG);
	assert_int_equal(create_errno(BPF_MAP_TYPE_XSKMAP, 4, 4, 4, 0), 0);
	assert_int_equal(create_errno(BPF_MAP_TYPE_XSKMAP, 4, 8, 4, 0), EINVAL);
	/* A devmap lookup points straight at the value: read-only for programs. */
	m = create(BPF_MAP_TYPE_DEVMAP, 4, 4, 4, 0);
	assert_true(xdpdk_map_def(m)->map_flags & BPF_F_RDONLY_PROG);
	xdpdk_map_put(m);
}

static void
test_redirect_devmap(void **state)
{
	(void)state;
	struct xdpdk_map *m = create(BPF_MAP_TYPE_DEVMAP, 4, 8, 4, 0);
	struct bpf_devmap_val v = { .ifindex = 7, .bpf_prog.fd = -1 }, out;
	const struct bpf_devmap_val *p;
	uint32_t k = 1, next;

	assert_int_equal(xdpdk_map_lookup(m, &k, &out, 0), -ENOENT);
	assert_null(xdpdk_map_elem_lookup(m, &k));
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_ANY), 0);
	p = xdpdk_map_elem_lookup(m, &k);
	assert_non_null(p);
	assert_int_equal(p->ifindex, 7);
	memset(&out, 0xff, sizeof(out));
	assert_int_equal(xdpdk_map_lookup(m, &k, &out, 0), 0);
	assert_int_equal(out.ifindex, 7);
	assert_int_equal(out.bpf_prog.id, 0);	/* no program */
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_NOEXIST), -EEXIST);
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_EXIST + 1), -EINVAL);
	v.bpf_prog.fd = 3;
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_ANY), -ENOTSUP);
	v.ifindex = 0;
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_ANY), -EINVAL);
	v.bpf_prog.fd = 0;	/* ifindex 0: the slot empties */
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_ANY), 0);
	assert_int_equal(xdpdk_map_lookup(m, &k, &out, 0), -ENOENT);
	k = 4;
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_ANY), -E2BIG);
	assert_int_equal(xdpdk_map_delete(m, &k), -EINVAL);
	k = 2;
	assert_int_equal(xdpdk_map_delete(m, &k), 0);	/* empty: still 0 */
	assert_int_equal(xdpdk_map_get_next_key(m, NULL, &next), 0);
	assert_int_equal(next, 0);
	k = 3;
	assert_int_equal(xdpdk_map_get_next_key(m, &k, &next), -ENOENT);
	xdpdk_map_put(m);
	/* The 4-byte layout: just the ifindex. */
	m = create(BPF_MAP_TYPE_DEVMAP, 4, 4, 2, 0);
	k = 0;
	next = 9;
	assert_int_equal(xdpdk_map_update(m, &k, &next, 0), 0);
	assert_int_equal(*(const uint32_t *)xdpdk_map_elem_lookup(m, &k), 9);
	xdpdk_map_put(m);
}

static void
test_redirect_devmap_hash(void **state)
{
	(void)state;
	struct xdpdk_map *m = create(BPF_MAP_TYPE_DEVMAP_HASH, 4, 4, 2, 0);
	uint32_t k1 = 1000, k2 = 7, k3 = 5, ifx = 3, out, next, seen = 0;
	int ret;

	assert_int_equal(xdpdk_map_get_next_key(m, NULL, &next), -ENOENT);
	assert_int_equal(xdpdk_map_update(m, &k1, &ifx, BPF_NOEXIST), 0);
	/* BPF_EXIST is not checked by the kernel's devmap_hash either. */
	assert_int_equal(xdpdk_map_update(m, &k2, &ifx, BPF_EXIST), 0);
	assert_int_equal(xdpdk_map_update(m, &k3, &ifx, BPF_ANY), -E2BIG);
	assert_int_equal(xdpdk_map_update(m, &k1, &ifx, BPF_NOEXIST), -EEXIST);
	ifx = 4;
	assert_int_equal(xdpdk_map_update(m, &k1, &ifx, BPF_ANY), 0);	/* replace */
	assert_int_equal(xdpdk_map_lookup(m, &k1, &out, 0), 0);
	assert_int_equal(out, 4);
	assert_int_equal(*(uint32_t *)xdpdk_map_elem_lookup(m, &k2), 3);
	assert_null(xdpdk_map_elem_lookup(m, &k3));
	assert_int_equal(xdpdk_map_lookup(m, &k3, &out, 0), -ENOENT);
	ifx = 0;
	assert_int_equal(xdpdk_map_update(m, &k3, &ifx, BPF_ANY), -EINVAL);
	/* Every key once, then the end; a missing key restarts. */
	for (ret = xdpdk_map_get_next_key(m, NULL, &next); ret == 0;
	     ret = xdpdk_map_get_next_key(m, &out, &next)) {
		seen |= next == k1 ? 1 : next == k2 ? 2 : 4;
		out = next;
	}
	assert_int_equal(ret, -ENOENT);
	assert_int_equal(seen, 3);
	assert_int_equal(xdpdk_map_get_next_key(m, &k3, &next), 0);
	assert_true(next == k1 || next == k2);
	assert_int_equal(xdpdk_map_delete(m, &k1), 0);
	assert_int_equal(xdpdk_map_delete(m, &k1), -ENOENT);
	ifx = 5;
	assert_int_equal(xdpdk_map_update(m, &k3, &ifx, BPF_ANY), 0);	/* room again */
	xdpdk_map_put(m);
}

static void
test_redirect_cpumap(void **state)
{
	(void)state;
	struct xdpdk_map *m = create(BPF_MAP_TYPE_CPUMAP, 4, 8, 8, 0);
	struct bpf_cpumap_val v = { .qsize = 512 }, out;
	uint32_t k = 0;

	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_ANY), 0);
	assert_int_equal(xdpdk_map_lookup(m, &k, &out, 0), 0);
	assert_int_equal(out.qsize, 512);
	assert_int_equal(out.bpf_prog.id, 0);
	assert_null(xdpdk_map_elem_lookup(m, &k));	/* programs only redirect to it */
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_NOEXIST), -EEXIST);
	v.qsize = 16385;
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_ANY), -EOVERFLOW);
	v.qsize = 64;
	v.bpf_prog.fd = 5;
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_ANY), -ENOTSUP);
	v.bpf_prog.fd = 0;
	k = 1;	/* one worker: "CPU" 1 does not exist */
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_ANY), -ENODEV);
	k = 8;
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_ANY), -E2BIG);
	assert_int_equal(xdpdk_map_delete(m, &k), -EINVAL);
	k = 0;
	v.qsize = 0;	/* qsize 0 empties the slot */
	assert_int_equal(xdpdk_map_update(m, &k, &v, BPF_ANY), 0);
	assert_int_equal(xdpdk_map_lookup(m, &k, &out, 0), -ENOENT);
	assert_int_equal(xdpdk_map_delete(m, &k), 0);
	xdpdk_map_put(m);
}

static void
test_redirect_xskmap(void **state)
{
	(void)state;
	struct xdpdk_map *m = create(BPF_MAP_TYPE_XSKMAP, 4, 4, 4, 0);
	uint32_t k = 1, sock = 11, out;

	assert_int_equal(xdpdk_map_update(m, &k, &sock, BPF_EXIST), -ENOENT);
	assert_null(xdpdk_map_elem_lookup(m, &k));
	assert_int_equal(xdpdk_map_update(m, &k, &sock, BPF_NOEXIST), 0);
	assert_non_null(xdpdk_map_elem_lookup(m, &k));
	assert_int_equal(xdpdk_map_update(m, &k, &sock, BPF_NOEXIST), 0);	/* same socket */
	sock = 12;
	assert_int_equal(xdpdk_map_update(m, &k, &sock, BPF_NOEXIST), -EEXIST);
	assert_int_equal(xdpdk_map_update(m, &k, &sock, BPF_EXIST), 0);
	assert_int_equal(*(uint32_t *)xdpdk_map_elem_lookup(m, &k), 12);
	/* The kernel refuses control-plane lookups on an xskmap. */
	assert_int_equal(xdpdk_map_lookup(m, &k, &out, 0), -ENOTSUP);
	k = 4;
	assert_int_equal(xdpdk_map_update(m, &k, &sock, BPF_ANY), -E2BIG);
	assert_int_equal(xdpdk_map_delete(m, &k), -EINVAL);
	k = 1;
	assert_int_equal(xdpdk_map_delete(m, &k), 0);
	assert_null(xdpdk_map_elem_lookup(m, &k));
	xdpdk_map_put(m);
}

/* ---- programs calling the map helpers ----------------------------------- */

static void
test_array_helpers_lookup_and_increment(void **state)
{
	(void)state;
	struct xdpdk_map *m = create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	const uint64_t addr = (uintptr_t)xdpdk_map_prog_addr(m);

	for (size_t e = 0; e < RTE_DIM(engines); e++) {
		for (int32_t key = 0; key <= 4; key++) {
			const struct bpf_insn p[] = {
				BPF_ST_MEM(BPF_W, BPF_REG_10, -4, key),
				BPF_LD_IMM64_RAW(BPF_REG_1, BPF_PSEUDO_MAP_FD, addr),
				BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
				BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
				BPF_CALL_HELPER(BPF_FUNC_map_lookup_elem),
				BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 4),
				BPF_MOV64_IMM(BPF_REG_1, 1),
				BPF_ATOMIC_OP(BPF_DW, BPF_ADD, BPF_REG_0, BPF_REG_1, 0),
				BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
				BPF_EXIT_INSN(),
				BPF_MOV64_IMM(BPF_REG_0, 0xdead),	/* NULL: out of range */
				BPF_EXIT_INSN(),
			};
			struct xdpdk_prog *prog = prog_new(p, RTE_DIM(p), engines[e],
							   XDPDK_PROG_TYPE_XDP);
			const uint64_t expect = key == 4 ? 0xdead : (uint64_t)(e * 3 + 1);

			assert_int_equal(xdpdk_prog_run(prog, NULL, 0), expect);
			if (key < 4) {
				assert_int_equal(xdpdk_prog_run(prog, NULL, 0), expect + 1);
				assert_int_equal(xdpdk_prog_run(prog, NULL, 0), expect + 2);
			}
			xdpdk_prog_free(prog);
		}
	}
	for (uint32_t k = 0; k < 4; k++) {
		uint64_t v;

		assert_int_equal(xdpdk_map_lookup(m, &k, &v, 0), 0);
		assert_int_equal(v, 6);	/* three runs on each engine */
	}
	xdpdk_map_put(m);
}

static void
test_array_helpers_update_delete_and_percpu(void **state)
{
	(void)state;
	struct xdpdk_map *m = create(BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	struct xdpdk_map *pc = create(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 2, 0);
	const uint64_t addr = (uintptr_t)m, pcaddr = (uintptr_t)pc;

	for (size_t e = 0; e < RTE_DIM(engines); e++) {
		for (int32_t flags = BPF_ANY; flags <= BPF_EXIST; flags++) {
			const struct bpf_insn upd[] = {
				BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 3),
				BPF_ST_MEM(BPF_DW, BPF_REG_10, -16, 77 + flags),
				BPF_LD_IMM64_RAW(BPF_REG_1, BPF_PSEUDO_MAP_FD, addr),
				BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
				BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
				BPF_MOV64_REG(BPF_REG_3, BPF_REG_10),
				BPF_ALU64_IMM(BPF_ADD, BPF_REG_3, -16),
				BPF_MOV64_IMM(BPF_REG_4, flags),
				BPF_CALL_HELPER(BPF_FUNC_map_update_elem),
				BPF_EXIT_INSN(),
			};
			struct xdpdk_prog *prog = prog_new(upd, RTE_DIM(upd), engines[e],
							   XDPDK_PROG_TYPE_XDP);
			const int64_t ret = (int64_t)xdpdk_prog_run(prog, NULL, 0);
			uint32_t k = 3;
			uint64_t v;

			assert_int_equal(ret, flags == BPF_NOEXIST ? -EEXIST : 0);
			assert_int_equal(xdpdk_map_lookup(m, &k, &v, 0), 0);
			assert_int_equal(v, flags == BPF_EXIST ? 79 : 77);
			xdpdk_prog_free(prog);
		}
		const struct bpf_insn del[] = {
			BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 0),
			BPF_LD_IMM64_RAW(BPF_REG_1, BPF_PSEUDO_MAP_FD, addr),
			BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
			BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
			BPF_CALL_HELPER(BPF_FUNC_map_delete_elem),
			BPF_EXIT_INSN(),
		};
		struct xdpdk_prog *prog = prog_new(del, RTE_DIM(del), engines[e],
						   XDPDK_PROG_TYPE_TC);

		assert_int_equal((int64_t)xdpdk_prog_run(prog, NULL, 0), -EINVAL);
		xdpdk_prog_free(prog);
		/* bpf_map_lookup_percpu_elem(map, key, cpu): another worker's copy. */
		for (int32_t cpu = 0; cpu <= 1; cpu++) {
			const struct bpf_insn lp[] = {
				BPF_ST_MEM(BPF_W, BPF_REG_10, -4, 1),
				BPF_LD_IMM64_RAW(BPF_REG_1, BPF_PSEUDO_MAP_FD, pcaddr),
				BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
				BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -4),
				BPF_MOV64_IMM(BPF_REG_3, cpu),
				BPF_CALL_HELPER(BPF_FUNC_map_lookup_percpu_elem),
				BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2),
				BPF_LDX_MEM(BPF_DW, BPF_REG_0, BPF_REG_0, 0),
				BPF_EXIT_INSN(),
				BPF_MOV64_IMM(BPF_REG_0, 0xdead),
				BPF_EXIT_INSN(),
			};
			uint32_t k = 1;
			uint64_t *slot0;

			prog = prog_new(lp, RTE_DIM(lp), engines[e], XDPDK_PROG_TYPE_XDP);
			slot0 = xdpdk_map_elem_lookup(pc, &k);	/* worker 0 */
			*slot0 = 55;
			/* One worker configured: cpu 1 finds nothing. */
			assert_int_equal(xdpdk_prog_run(prog, NULL, 0), cpu == 0 ? 55 : 0xdead);
			xdpdk_prog_free(prog);
		}
	}
	xdpdk_map_put(m);
	xdpdk_map_put(pc);
}

/* ---- a control-plane writer racing a worker ----------------------------- */

struct race {
	struct rte_rcu_qsbr *rcu;
	struct xdpdk_map *outer, *arr, *dev;
	volatile int stop;
	uint64_t reads, inner_reads, errors;
};

/* Worker 0: reads through pointers it got from lookups, quiescent once per "burst". */
static void *
race_reader(void *arg)
{
	struct race *r = arg;
	const uint32_t k0 = 0;

	rte_rcu_qsbr_thread_register(r->rcu, 0);
	rte_rcu_qsbr_thread_online(r->rcu, 0);
	xdpdk_maps_set_worker(0);
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		struct xdpdk_map *inner = xdpdk_map_elem_lookup(r->outer, &k0);
		const struct bpf_devmap_val *d = xdpdk_map_elem_lookup(r->dev, &k0);
		const uint64_t *a = xdpdk_map_elem_lookup(r->arr, &k0);
		uint64_t v1 = 0, v2 = 0;
		uint32_t i1 = 0, i2 = 0;

		if (inner != NULL) {
			const volatile uint64_t *p = xdpdk_map_elem_lookup(inner, &k0);

			/* A published inner map's value is never 0 and never changes. */
			v1 = *p;
			for (int i = 0; i < 200; i++)
				rte_pause();
			v2 = *p;
			r->errors += v1 == 0 || v1 != v2;
			__atomic_fetch_add(&r->inner_reads, 1, __ATOMIC_RELAXED);
		}
		if (d != NULL) {
			i1 = ((const volatile struct bpf_devmap_val *)d)->ifindex;
			for (int i = 0; i < 50; i++)
				rte_pause();
			i2 = ((const volatile struct bpf_devmap_val *)d)->ifindex;
			r->errors += i1 == 0 || i1 != i2;
		}
		r->errors += a == NULL;
		r->reads++;
		rte_rcu_qsbr_quiescent(r->rcu, 0);
	}
	rte_rcu_qsbr_thread_offline(r->rcu, 0);
	rte_rcu_qsbr_thread_unregister(r->rcu, 0);
	return NULL;
}

static void
test_array_rcu_writer_races_reader(void **state)
{
	(void)state;
	struct race r = { 0 };
	const struct xdpdk_maps_config cfg = { .n_workers = 1 };
	struct xdpdk_map *tmpl;
	pthread_t t;
	uint32_t k0 = 0;

	r.rcu = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(1), RTE_CACHE_LINE_SIZE);
	assert_non_null(r.rcu);
	assert_int_equal(rte_rcu_qsbr_init(r.rcu, 1), 0);
	assert_int_equal(xdpdk_maps_configure(&(struct xdpdk_maps_config){ .n_workers = 1,
									 .rcu = r.rcu }), 0);
	tmpl = create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
	r.outer = outer_map(tmpl, 1);
	r.arr = create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
	r.dev = create(BPF_MAP_TYPE_DEVMAP, 4, 4, 1, 0);
	assert_int_equal(pthread_create(&t, NULL, race_reader, &r), 0);

	/* At least 3000 replacements, and until the reader has seen plenty of them. */
	for (uint64_t i = 1; i <= 3000 || (__atomic_load_n(&r.inner_reads, __ATOMIC_RELAXED) <
					  20000 && i < 1000000); i++) {
		struct xdpdk_map *inner = create(BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0);
		const uint32_t ifindex = (uint32_t)i;

		assert_non_null(inner);
		assert_int_equal(xdpdk_map_update(inner, &k0, &i, 0), 0);
		assert_int_equal(xdpdk_map_set_inner(r.outer, &k0, inner), 0);
		xdpdk_map_put(inner);	/* the outer map's reference is the only one */
		assert_int_equal(xdpdk_map_update(r.arr, &k0, &i, 0), 0);
		assert_int_equal(xdpdk_map_update(r.dev, &k0, &ifindex, 0), 0);
		if (i % 500 == 0)
			assert_int_equal(xdpdk_map_delete(r.outer, &k0), 0);
		xdpdk_maps_reclaim();
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	assert_int_equal(r.errors, 0);
	assert_true(r.inner_reads > 0);

	xdpdk_map_put(r.outer);
	xdpdk_map_put(r.arr);
	xdpdk_map_put(r.dev);
	xdpdk_map_put(tmpl);
	/* The reader is offline: everything can go now. */
	assert_int_equal(xdpdk_maps_reclaim(), 0);
	assert_int_equal(xdpdk_maps_configure(&cfg), 0);
	rte_free(r.rcu);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_array_create_checks),
		cmocka_unit_test(test_array_percpu_numa_node_refused),
		cmocka_unit_test(test_array_update_lookup_flags_and_errors),
		cmocka_unit_test(test_array_values_are_contiguous),
		cmocka_unit_test(test_array_get_next_key_as_the_kernel),
		cmocka_unit_test(test_array_lock_word_is_never_copied),
		cmocka_unit_test(test_array_lock_update_waits_for_the_lock),
		cmocka_unit_test_setup_teardown(test_array_percpu_slots_per_worker,
						workers4_setup, workers_reset),
		cmocka_unit_test_setup_teardown(test_array_percpu_workers_apart,
						workers4_setup, workers_reset),
		cmocka_unit_test(test_array_prog_array_set_get_delete),
		cmocka_unit_test(test_array_prog_array_tail_call),
		cmocka_unit_test(test_array_of_maps_create_checks),
		cmocka_unit_test(test_array_of_maps_inner_must_match),
		cmocka_unit_test(test_array_of_maps_values_are_ids_and_refs),
		cmocka_unit_test(test_redirect_create_checks),
		cmocka_unit_test(test_redirect_devmap),
		cmocka_unit_test(test_redirect_devmap_hash),
		cmocka_unit_test(test_redirect_cpumap),
		cmocka_unit_test(test_redirect_xskmap),
		cmocka_unit_test(test_array_helpers_lookup_and_increment),
		cmocka_unit_test(test_array_helpers_update_delete_and_percpu),
		cmocka_unit_test(test_array_rcu_writer_races_reader),
	};

	return cmocka_run_group_tests_name("maps_array", tests, maps_test_eal_init,
					   maps_test_eal_cleanup);
}
