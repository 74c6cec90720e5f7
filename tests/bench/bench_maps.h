/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the map benchmarks share: the cases (a structure, its contents and
 * the keys to use), EAL start-up and a reproducible random source.
 * bench_maps.c builds the structures and times lookups; bench_maps_update.c
 * times updates on the same structures, and array lookups.
 */
#ifndef XDPDK_BENCH_MAPS_H
#define XDPDK_BENCH_MAPS_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_fib.h>
#include <rte_hash.h>
#include <rte_lpm.h>

#include <xdpdk/map.h>

#include "bench.h"

/* lookups per pass over the key array (a power of two) */
#define N_LOOKUPS (1u << 20)
/* keys of the _hot variants */
#define N_HOT 4096u
/* rte_fib's "no route" next hop; its 4-byte next hops have 31 bits */
#define FIB_MISS 0x7ffffff0u

enum impl {
	I_XDPDK,
	I_RTE_HASH,
	I_RTE_HASH_CMP,
	I_RTE_LPM,
	I_RTE_FIB,
};

enum kind {
	K_HASH,
	K_LRU,
	K_LPM4,
};

struct maps_case {
	enum kind kind;
	enum impl impl;
	uint32_t n;		/* keys or routes */
	uint32_t max_entries;	/* of the xdpdk map */
	bool hot;		/* N_HOT keys only */
	/* built on first use, kept for later runs of the same case */
	struct xdpdk_map *map;
	struct rte_hash *h;
	struct rte_lpm *lpm;
	struct rte_fib *fib;
	uint64_t *values;	/* the direct structures' values */
	uint32_t *keys;		/* N_LOOKUPS keys (hash) or addresses, network order (lpm) */
	const char *err;
};

/* Start EAL once (hugepages when free); false if it cannot start. */
bool xdpdk_bench_eal_ready(void);
/* Whether EAL runs on hugepages. */
bool xdpdk_bench_hugepages(void);
/* splitmix64 step. */
uint64_t xdpdk_bench_rnd64(uint64_t *s);
/* The case's structure, built on first use (c->err says why it could not be). */
struct maps_case *xdpdk_bench_maps_built(struct maps_case *c);
/* Report cycles per item from a TSC delta; @p acc keeps the work alive. */
void xdpdk_bench_maps_report(struct xdpdk_bench_state *st, uint64_t tsc, uint64_t acc);

#endif /* XDPDK_BENCH_MAPS_H */
