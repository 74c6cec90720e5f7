/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Map update benchmarks, and array lookups, beside the direct DPDK (or C)
 * operation on an identical structure in the same run:
 *
 *   maps/hash_update/<n>/xdpdk      xdpdk_map_elem_update(BPF_EXIST) of a stored
 *                                   key, what a program's bpf_map_update_elem
 *                                   costs: a fresh element, the pointer swapped,
 *                                   the old one released (no RCU here: at once)
 *   maps/hash_update/<n>/rte_hash   rte_hash_add_key_data of a stored key: the
 *                                   same rte_hash replacing the data pointer
 *   maps/lru_update/64K/xdpdk       a new key into a full LRU hash: an eviction
 *                                   per update (rte_hash has no LRU to compare)
 *   maps/lpm4_update/<n>/xdpdk      add then delete a /32 route (the costly
 *                                   kind: a second-level group appears and goes)
 *                                   in a table of n routes; per add+delete pair
 *   maps/lpm4_update/<n>/rte_fib    rte_fib_add + rte_fib_delete of the same
 *   maps/array/256/xdpdk            xdpdk_map_elem_lookup on an array
 *   maps/percpu_array/256/xdpdk     the same on a percpu_array (this worker's slot)
 *   maps/percpu_array/256/direct    the address computed in C from the index:
 *                                   what an inlined lookup costs
 */
#include <stdio.h>
#include <stdlib.h>

#include <x86intrin.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_malloc.h>

#include "bench_maps.h"

#define BATCH 256
#define ARRAY_N 256u

enum op {
	OP_HASH_UPDATE,
	OP_LRU_UPDATE,
	OP_LPM_UPDATE,
	OP_ARRAY,
	OP_PERCPU_ARRAY,
	OP_PERCPU_DIRECT,
};

struct update_case {
	enum op op;
	struct maps_case c;
	struct xdpdk_map *arr;		/* OP_ARRAY, OP_PERCPU_* */
	uint64_t *direct;		/* OP_PERCPU_DIRECT: one slot of ARRAY_N values */
};

static void
run_hash_update(struct xdpdk_bench_state *st, struct maps_case *c)
{
	uint64_t acc = 0, t0 = __rdtsc(), v = 1;
	uint32_t j = 0;

	while (xdpdk_bench_run_batch(st, BATCH)) {
		for (uint32_t i = 0; i < BATCH; i++, j++) {
			v++;
			acc += (uint64_t)xdpdk_map_elem_update(c->map, &c->keys[j & (N_LOOKUPS - 1)],
							       &v, BPF_EXIST);
		}
	}
	xdpdk_bench_maps_report(st, __rdtsc() - t0, acc);
}

static void
run_rte_hash_update(struct xdpdk_bench_state *st, struct maps_case *c)
{
	uint64_t acc = 0, t0 = __rdtsc();
	uint32_t j = 0;

	while (xdpdk_bench_run_batch(st, BATCH)) {
		for (uint32_t i = 0; i < BATCH; i++, j++) {
			/* A distinct data pointer each time, as xdpdk swaps in a fresh element. */
			acc += (uint64_t)rte_hash_add_key_data(c->h, &c->keys[j & (N_LOOKUPS - 1)],
							       &c->values[j & (c->n - 1)]);
		}
	}
	xdpdk_bench_maps_report(st, __rdtsc() - t0, acc);
}

static void
run_lru_update(struct xdpdk_bench_state *st, struct maps_case *c)
{
	uint64_t acc = 0, t0 = __rdtsc(), v = 1;
	/* Keys above every stored one (the odd-multiplier keys wrap; these are new). */
	uint32_t key = 0x80000000u;

	while (xdpdk_bench_run_batch(st, BATCH)) {
		for (uint32_t i = 0; i < BATCH; i++) {
			key = key * 2654435761u + 1u;	/* an LCG: no repeat for 2^32 keys */
			acc += (uint64_t)xdpdk_map_elem_update(c->map, &key, &v, BPF_ANY);
		}
	}
	xdpdk_bench_maps_report(st, __rdtsc() - t0, acc);
}

static void
run_lpm_update(struct xdpdk_bench_state *st, struct maps_case *c)
{
	struct { uint32_t prefixlen; uint32_t ip; } k = { 32, 0 };
	uint64_t acc = 0, t0 = __rdtsc(), v = 7;
	uint32_t j = 0;

	while (xdpdk_bench_run_batch(st, BATCH)) {
		for (uint32_t i = 0; i < BATCH; i++, j++) {
			k.ip = c->keys[j & (N_LOOKUPS - 1)];
			acc += (uint64_t)xdpdk_map_elem_update(c->map, &k, &v, BPF_ANY);
			acc += (uint64_t)xdpdk_map_elem_delete(c->map, &k);
		}
	}
	xdpdk_bench_maps_report(st, __rdtsc() - t0, acc);
}

static void
run_fib_update(struct xdpdk_bench_state *st, struct maps_case *c)
{
	uint64_t acc = 0, t0 = __rdtsc();
	uint32_t j = 0, ip;

	while (xdpdk_bench_run_batch(st, BATCH)) {
		for (uint32_t i = 0; i < BATCH; i++, j++) {
			ip = c->keys[j & (N_LOOKUPS - 1)];
			acc += (uint64_t)rte_fib_add(c->fib, ip, 32, 7);
			acc += (uint64_t)rte_fib_delete(c->fib, ip, 32);
		}
	}
	xdpdk_bench_maps_report(st, __rdtsc() - t0, acc);
}

static const char *
build_array(struct update_case *u)
{
	const struct xdpdk_map_def def = {
		.name = "bench_array",
		.type = u->op == OP_ARRAY ? BPF_MAP_TYPE_ARRAY : BPF_MAP_TYPE_PERCPU_ARRAY,
		.key_size = 4, .value_size = 8, .max_entries = ARRAY_N, .numa_node = -1,
	};
	uint64_t seed = 99;

	u->c.keys = malloc(sizeof(uint32_t) * N_LOOKUPS);
	if (u->c.keys == NULL)
		return "out of memory";
	for (uint32_t i = 0; i < N_LOOKUPS; i++)
		u->c.keys[i] = (uint32_t)(xdpdk_bench_rnd64(&seed) % ARRAY_N);
	if (u->op == OP_PERCPU_DIRECT) {
		u->direct = rte_zmalloc("bench_direct", ARRAY_N * 8, 64);
		return u->direct == NULL ? "out of memory" : NULL;
	}
	u->arr = xdpdk_map_create(&def);
	return u->arr == NULL ? "xdpdk_map_create failed" : NULL;
}

static void
run_array(struct xdpdk_bench_state *st, struct update_case *u)
{
	uint64_t acc = 0, t0 = __rdtsc();
	uint32_t j = 0;

	while (xdpdk_bench_run_batch(st, BATCH)) {
		for (uint32_t i = 0; i < BATCH; i++, j++) {
			const uint64_t *p = xdpdk_map_elem_lookup(u->arr, &u->c.keys[j & (N_LOOKUPS - 1)]);

			acc += p != NULL ? *p : 1;
		}
	}
	xdpdk_bench_maps_report(st, __rdtsc() - t0, acc);
}

static void
run_direct(struct xdpdk_bench_state *st, struct update_case *u)
{
	uint64_t acc = 0, t0 = __rdtsc();
	uint32_t j = 0;

	while (xdpdk_bench_run_batch(st, BATCH)) {
		for (uint32_t i = 0; i < BATCH; i++, j++) {
			const uint32_t idx = u->c.keys[j & (N_LOOKUPS - 1)];
			/* The inlined form keeps the bounds check: the index comes from the packet. */
			const uint64_t *p = idx < ARRAY_N ? &u->direct[idx] : NULL;

			xdpdk_bench_keep(&idx);
			acc += p != NULL ? *p : 1;
		}
	}
	xdpdk_bench_maps_report(st, __rdtsc() - t0, acc);
}

static struct update_case cases[] = {
	{ OP_HASH_UPDATE, { K_HASH, I_XDPDK, 1024, 1024 } },
	{ OP_HASH_UPDATE, { K_HASH, I_RTE_HASH, 1024, 1024 } },
	{ OP_HASH_UPDATE, { K_HASH, I_XDPDK, 65536, 65536 } },
	{ OP_HASH_UPDATE, { K_HASH, I_RTE_HASH, 65536, 65536 } },
	{ OP_HASH_UPDATE, { K_HASH, I_XDPDK, 1u << 20, 1u << 20 } },
	{ OP_HASH_UPDATE, { K_HASH, I_RTE_HASH, 1u << 20, 1u << 20 } },
	{ OP_LRU_UPDATE, { K_LRU, I_XDPDK, 65536, 65536 } },
	{ OP_LPM_UPDATE, { K_LPM4, I_XDPDK, 1u << 20, 1u << 20 } },
	{ OP_LPM_UPDATE, { K_LPM4, I_RTE_FIB, 1u << 20, 1u << 20 } },
	{ OP_ARRAY, { K_HASH, I_XDPDK, ARRAY_N, ARRAY_N } },
	{ OP_PERCPU_ARRAY, { K_HASH, I_XDPDK, ARRAY_N, ARRAY_N } },
	{ OP_PERCPU_DIRECT, { K_HASH, I_XDPDK, ARRAY_N, ARRAY_N } },
};

static void
bench_update_case(struct xdpdk_bench_state *st, void *arg)
{
	struct update_case *u = arg;
	struct maps_case *c = &u->c;

	if (!xdpdk_bench_eal_ready()) {
		xdpdk_bench_skip(st, "rte_eal_init failed");
		return;
	}
	if (u->op >= OP_ARRAY) {
		if (c->keys == NULL && c->err == NULL)
			c->err = build_array(u);
	} else {
		c = xdpdk_bench_maps_built(c);
	}
	if (c->err != NULL) {
		xdpdk_bench_skip(st, "%s", c->err);
		return;
	}
	xdpdk_bench_label(st, "%s", xdpdk_bench_hugepages() ? "hugepages" : "4K pages+THP");
	switch (u->op) {
	case OP_HASH_UPDATE:
		if (c->impl == I_XDPDK)
			run_hash_update(st, c);
		else
			run_rte_hash_update(st, c);
		break;
	case OP_LRU_UPDATE:
		run_lru_update(st, c);
		break;
	case OP_LPM_UPDATE:
		if (c->impl == I_XDPDK)
			run_lpm_update(st, c);
		else
			run_fib_update(st, c);
		break;
	case OP_ARRAY:
	case OP_PERCPU_ARRAY:
		run_array(st, u);
		break;
	case OP_PERCPU_DIRECT:
		run_direct(st, u);
		break;
	}
}

__attribute__((constructor)) static void
register_update_benchmarks(void)
{
	static const char *const op_names[] = {
		[OP_HASH_UPDATE] = "hash_update", [OP_LRU_UPDATE] = "lru_update",
		[OP_LPM_UPDATE] = "lpm4_update", [OP_ARRAY] = "array",
		[OP_PERCPU_ARRAY] = "percpu_array", [OP_PERCPU_DIRECT] = "percpu_array",
	};
	char name[64];

	for (size_t i = 0; i < RTE_DIM(cases); i++) {
		const struct update_case *u = &cases[i];
		const uint32_t n = u->c.n;

		snprintf(name, sizeof(name), "maps/%s/%s/%s", op_names[u->op],
			 n == 1024 ? "1K" : n == 65536 ? "64K" : n == ARRAY_N ? "256" : "1M",
			 u->op == OP_PERCPU_DIRECT ? "direct" :
			 u->c.impl == I_RTE_HASH ? "rte_hash" :
			 u->c.impl == I_RTE_FIB ? "rte_fib" : "xdpdk");
		xdpdk_bench_register(name, bench_update_case, &cases[i], 0);
	}
}
