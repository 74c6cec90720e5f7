/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Map lookup benchmarks: what a program's bpf_map_lookup_elem costs, in ns
 * (Google Benchmark's time) and TSC cycles ("cycles") per lookup, next to
 * the DPDK structure underneath called directly on identical contents in
 * the same run:
 *
 *   maps/hash/<n>/xdpdk        xdpdk_map_elem_lookup on a hash map of n keys
 *   maps/hash/<n>/rte_hash     rte_hash_lookup_data on an rte_hash built
 *                              with the same parameters (goal: xdpdk <= 1.2x)
 *   maps/hash/<n>/rte_hash_cmp the same with the 4-byte key compare hash.c
 *                              installs (rte_hash's default is memcmp): the
 *                              pure cost of xdpdk's dispatch
 *   maps/lru_hash/<n>/xdpdk    the same on an LRU hash (lookups set the mark)
 *   maps/lpm4/<n>/xdpdk        xdpdk_map_elem_lookup on an IPv4 LPM trie map
 *                              of n routes (goal at 1M: <= 40 cycles);
 *                              1K_trie is a map below the DIR-24-8 threshold
 *   maps/lpm4/<n>/rte_lpm      rte_lpm_lookup on the same routes (1K only:
 *                              rte_lpm's adds are linear in its rule count,
 *                              so 1M routes would take minutes to load)
 *   maps/lpm4/<n>/rte_fib      rte_fib DIR24_8, one address per call
 *
 * Keys are looked up in a random order over the stored keys (addresses under
 * the stored routes for LPM), each lookup reading 8 bytes of the value, as
 * a program would. Lookups are independent, so this is throughput, as in a
 * burst. At 1M the tables are far larger than the caches and random keys
 * make nearly every lookup a cache miss; the "_hot" variants cycle over
 * 4096 of the keys instead (traffic with locality), which leaves the
 * lookup's own cost.
 *
 * EAL starts on the first map benchmark, without hugepages (2 GiB), and its
 * memory is then madvised for transparent huge pages: with 4 KiB pages a
 * random lookup in a 64 MiB table is a TLB miss as well, which production
 * (hugepages) does not pay. Without THP the numbers are just higher.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <x86intrin.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_fib.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lpm.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include <xdpdk/map.h>

#include "bench.h"

#define BATCH 1024
/* rte_fib's "no route" next hop; its 4-byte next hops have 31 bits */
#define FIB_MISS 0x7ffffff0u

/* lookups per pass over the key array (a power of two) */
#define N_LOOKUPS (1u << 20)
/* keys of the _hot variants */
#define N_HOT 4096u

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

static int
advise_thp(const struct rte_memseg_list *msl, void *arg)
{
	RTE_SET_USED(arg);
	madvise(msl->base_va, msl->len, MADV_HUGEPAGE);
	return 0;
}

static bool
eal_ready(void)
{
	static int state;	/* 0: not tried, 1: up, -1: failed */
	char prefix[64];
	char *argv[] = { "bench", "--no-huge", "--no-pci", "--no-shconf", "-l", "0", "-m", "2048",
			 "--log-level", "*:error", "--file-prefix", prefix };

	if (state == 0) {
		snprintf(prefix, sizeof(prefix), "xdpdk-bench-%d", (int)getpid());
		/* EALREADY: another benchmark file started it. */
		state = rte_eal_init((int)RTE_DIM(argv), argv) < 0 && rte_errno != EALREADY ? -1 : 1;
		if (state == 1)
			rte_memseg_list_walk(advise_thp, NULL);
	}
	return state == 1;
}

static uint64_t
rnd64(uint64_t *s)
{
	/* splitmix64: reproducible, and no rand() state shared with other benchmarks */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void
shuffle(uint32_t *a, uint32_t n, uint64_t *seed)
{
	for (uint32_t i = n - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(rnd64(seed) % (i + 1)), t = a[i];

		a[i] = a[j];
		a[j] = t;
	}
}

/* ---- hash ---------------------------------------------------------------- */

static int
cmp4(const void *a, const void *b, size_t len)
{
	uint32_t x, y;

	RTE_SET_USED(len);
	memcpy(&x, a, 4);
	memcpy(&y, b, 4);
	return x != y;
}

static const char *
build_hash(struct maps_case *c)
{
	const struct xdpdk_map_def def = {
		.name = "bench_hash", .type = c->kind == K_LRU ? BPF_MAP_TYPE_LRU_HASH :
								  BPF_MAP_TYPE_HASH,
		.key_size = 4, .value_size = 8, .max_entries = c->n, .numa_node = -1,
	};
	uint32_t *stored = malloc(sizeof(uint32_t) * c->n), i;
	uint64_t seed = 42, v;

	c->keys = malloc(sizeof(uint32_t) * N_LOOKUPS);
	if (stored == NULL || c->keys == NULL)
		return "out of memory";
	/* Distinct keys: an odd multiplier is a bijection on 32 bits. */
	for (i = 0; i < c->n; i++)
		stored[i] = i * 2654435761u + 12345u;
	if (c->impl == I_XDPDK) {
		c->map = xdpdk_map_create(&def);
		if (c->map == NULL)
			return "xdpdk_map_create failed";
		for (i = 0; i < c->n; i++) {
			v = stored[i];
			if (xdpdk_map_update(c->map, &stored[i], &v, BPF_NOEXIST) != 0)
				return "xdpdk_map_update failed";
		}
	} else {
		/* As hash.c creates it: max_entries plus its grace-period headroom. */
		char name[RTE_HASH_NAMESIZE];
		struct rte_hash_parameters hp = {
			.name = name,
			.entries = c->n + RTE_MIN(RTE_MAX(c->n / 16, 256u), 65536u),
			.key_len = 4,
			.hash_func = rte_hash_crc,
			.hash_func_init_val = 0x5eed,
			.socket_id = SOCKET_ID_ANY,
			.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
				      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
		};

		snprintf(name, sizeof(name), "bh%u_%d", c->n, (int)c->impl);
		c->h = rte_hash_create(&hp);
		if (c->h != NULL && c->impl == I_RTE_HASH_CMP)
			rte_hash_set_cmp_func(c->h, cmp4);
		c->values = rte_zmalloc("bench_vals", (size_t)hp.entries * 8, 64);
		if (c->h == NULL || c->values == NULL)
			return "rte_hash_create failed";
		for (i = 0; i < c->n; i++) {
			c->values[i] = stored[i];
			if (rte_hash_add_key_data(c->h, &stored[i], &c->values[i]) != 0)
				return "rte_hash_add_key_data failed";
		}
	}
	for (i = 0; i < N_LOOKUPS; i++)
		c->keys[i] = stored[i % c->n];
	shuffle(c->keys, N_LOOKUPS, &seed);
	free(stored);
	return NULL;
}

/* ---- IPv4 LPM ------------------------------------------------------------ */

struct route {
	uint32_t ip;		/* host order, masked */
	uint8_t depth;
};

/* Roughly a full Internet table: mostly /24, few short, a little past /24. */
static uint8_t
route_depth(uint64_t *seed)
{
	uint32_t r = (uint32_t)(rnd64(seed) % 100);

	if (r < 60)
		return 24;
	if (r < 75)
		return (uint8_t)(22 + rnd64(seed) % 2);
	if (r < 94)
		return (uint8_t)(16 + rnd64(seed) % 6);
	if (r < 95)
		return (uint8_t)(10 + rnd64(seed) % 6);
	return (uint8_t)(25 + rnd64(seed) % 8);
}

static const char *
build_lpm4(struct maps_case *c)
{
	const struct xdpdk_map_def def = {
		.name = "bench_lpm", .type = BPF_MAP_TYPE_LPM_TRIE, .key_size = 8,
		.value_size = 8, .max_entries = c->max_entries,
		.map_flags = BPF_F_NO_PREALLOC, .numa_node = -1,
	};
	struct route *rt = malloc(sizeof(*rt) * c->n);
	uint64_t seed = 7, v;
	uint32_t i;

	c->keys = malloc(sizeof(uint32_t) * N_LOOKUPS);
	if (rt == NULL || c->keys == NULL)
		return "out of memory";
	for (i = 0; i < c->n; i++) {
		rt[i].depth = route_depth(&seed);
		rt[i].ip = (uint32_t)rnd64(&seed) & (uint32_t)(~0ull << (32 - rt[i].depth));
	}
	switch (c->impl) {
	case I_XDPDK:
		c->map = xdpdk_map_create(&def);
		if (c->map == NULL)
			return "xdpdk_map_create failed";
		for (i = 0; i < c->n; i++) {
			struct { uint32_t prefixlen; uint32_t ip; } k = {
				rt[i].depth, rte_cpu_to_be_32(rt[i].ip)
			};

			v = i;
			if (xdpdk_map_update(c->map, &k, &v, BPF_ANY) != 0)
				return "xdpdk_map_update failed";
		}
		break;
	case I_RTE_LPM: {
		struct rte_lpm_config cfg = { .max_rules = c->n, .number_tbl8s = 4096 };

		c->lpm = rte_lpm_create("bench_lpm", SOCKET_ID_ANY, &cfg);
		if (c->lpm == NULL)
			return "rte_lpm_create failed";
		for (i = 0; i < c->n; i++)
			if (rte_lpm_add(c->lpm, rt[i].ip, rt[i].depth, i) != 0)
				return "rte_lpm_add failed";
		break;
	}
	default: {
		struct rte_fib_conf cfg = {
			.type = RTE_FIB_DIR24_8, .default_nh = FIB_MISS,
			.max_routes = (int)c->n,
			.dir24_8 = { .nh_sz = RTE_FIB_DIR24_8_4B, .num_tbl8 = 65535 },
		};

		c->fib = rte_fib_create(c->n == 1024 ? "bf1k" : "bf1m", SOCKET_ID_ANY, &cfg);
		if (c->fib == NULL)
			return "rte_fib_create failed";
		for (i = 0; i < c->n; i++)
			if (rte_fib_add(c->fib, rt[i].ip, rt[i].depth, i) != 0)
				return "rte_fib_add failed";
		break;
	}
	}
	c->values = rte_zmalloc("bench_vals", (size_t)c->n * 8, 64);
	if (c->values == NULL)
		return "out of memory";
	/* Addresses under the routes: host bits at random. */
	for (i = 0; i < N_LOOKUPS; i++) {
		const struct route *r = &rt[rnd64(&seed) % c->n];
		uint32_t host = r->depth == 32 ? 0 : (uint32_t)rnd64(&seed) >> r->depth;

		c->keys[i] = r->ip | host;
	}
	if (c->impl == I_XDPDK)
		for (i = 0; i < N_LOOKUPS; i++)
			c->keys[i] = rte_cpu_to_be_32(c->keys[i]);
	free(rt);
	return NULL;
}

/* ---- the timed loops ----------------------------------------------------- */

static void
report(struct xdpdk_bench_state *st, uint64_t tsc, uint64_t acc)
{
	xdpdk_bench_keep(&acc);
	xdpdk_bench_set_items(st, xdpdk_bench_iterations(st));
	xdpdk_bench_counter(st, "cycles", (double)tsc, XDPDK_BENCH_COUNTER_PER_ITEM);
}

static void
run_map(struct xdpdk_bench_state *st, struct maps_case *c)
{
	const uint32_t mask = c->hot ? N_HOT - 1 : N_LOOKUPS - 1;
	uint64_t acc = 0, t0 = __rdtsc();
	uint32_t j = 0;

	while (xdpdk_bench_run_batch(st, BATCH)) {
		for (uint32_t i = 0; i < BATCH; i++, j++) {
			const uint64_t *p = xdpdk_map_elem_lookup(c->map, &c->keys[j & mask]);

			acc += p != NULL ? *p : 1;
		}
	}
	report(st, __rdtsc() - t0, acc);
}

static void
run_lpm_map(struct xdpdk_bench_state *st, struct maps_case *c)
{
	const uint32_t mask = c->hot ? N_HOT - 1 : N_LOOKUPS - 1;
	struct { uint32_t prefixlen; uint32_t ip; } k = { 32, 0 };
	uint64_t acc = 0, t0 = __rdtsc();
	uint32_t j = 0;

	while (xdpdk_bench_run_batch(st, BATCH)) {
		for (uint32_t i = 0; i < BATCH; i++, j++) {
			const uint64_t *p;

			k.ip = c->keys[j & mask];
			p = xdpdk_map_elem_lookup(c->map, &k);
			acc += p != NULL ? *p : 1;
		}
	}
	report(st, __rdtsc() - t0, acc);
}

static void
run_rte_hash(struct xdpdk_bench_state *st, struct maps_case *c)
{
	const uint32_t mask = c->hot ? N_HOT - 1 : N_LOOKUPS - 1;
	uint64_t acc = 0, t0 = __rdtsc();
	uint32_t j = 0;
	void *data;

	while (xdpdk_bench_run_batch(st, BATCH)) {
		for (uint32_t i = 0; i < BATCH; i++, j++) {
			if (rte_hash_lookup_data(c->h, &c->keys[j & mask], &data) >= 0)
				acc += *(const uint64_t *)data;
			else
				acc++;
		}
	}
	report(st, __rdtsc() - t0, acc);
}

static void
run_rte_lpm(struct xdpdk_bench_state *st, struct maps_case *c)
{
	const uint32_t mask = c->hot ? N_HOT - 1 : N_LOOKUPS - 1;
	uint64_t acc = 0, t0 = __rdtsc();
	uint32_t j = 0, nh;

	while (xdpdk_bench_run_batch(st, BATCH)) {
		for (uint32_t i = 0; i < BATCH; i++, j++) {
			if (rte_lpm_lookup(c->lpm, c->keys[j & mask], &nh) == 0)
				acc += c->values[nh];
			else
				acc++;
		}
	}
	report(st, __rdtsc() - t0, acc);
}

static void
run_rte_fib(struct xdpdk_bench_state *st, struct maps_case *c)
{
	const uint32_t mask = c->hot ? N_HOT - 1 : N_LOOKUPS - 1;
	uint64_t acc = 0, t0 = __rdtsc(), nh;
	uint32_t j = 0, ip;

	while (xdpdk_bench_run_batch(st, BATCH)) {
		for (uint32_t i = 0; i < BATCH; i++, j++) {
			ip = c->keys[j & mask];
			rte_fib_lookup_bulk(c->fib, &ip, &nh, 1);
			acc += nh != FIB_MISS ? c->values[nh] : 1;
		}
	}
	report(st, __rdtsc() - t0, acc);
}

static struct maps_case cases[] = {
	{ K_HASH, I_XDPDK, 1024, 1024 },
	{ K_HASH, I_RTE_HASH, 1024, 1024 },
	{ K_HASH, I_RTE_HASH_CMP, 1024, 1024 },
	{ K_HASH, I_XDPDK, 65536, 65536 },
	{ K_HASH, I_RTE_HASH, 65536, 65536 },
	{ K_HASH, I_RTE_HASH_CMP, 65536, 65536 },
	{ K_HASH, I_XDPDK, 1u << 20, 1u << 20 },
	{ K_HASH, I_RTE_HASH, 1u << 20, 1u << 20 },
	{ K_HASH, I_RTE_HASH_CMP, 1u << 20, 1u << 20 },
	{ K_HASH, I_XDPDK, 1u << 20, 1u << 20, true },
	{ K_HASH, I_RTE_HASH, 1u << 20, 1u << 20, true },
	{ K_HASH, I_RTE_HASH_CMP, 1u << 20, 1u << 20, true },
	{ K_LRU, I_XDPDK, 65536, 65536 },
	{ K_LPM4, I_XDPDK, 1024, 1024 },		/* below the DIR-24-8 threshold: trie */
	{ K_LPM4, I_XDPDK, 1024, 16384 },
	{ K_LPM4, I_RTE_LPM, 1024, 1024 },
	{ K_LPM4, I_RTE_FIB, 1024, 1024 },
	{ K_LPM4, I_XDPDK, 1u << 20, 1u << 20 },
	{ K_LPM4, I_RTE_FIB, 1u << 20, 1u << 20 },
	{ K_LPM4, I_XDPDK, 1u << 20, 1u << 20, true },
	{ K_LPM4, I_RTE_FIB, 1u << 20, 1u << 20, true },
};

static const size_t n_cases = RTE_DIM(cases);

/* A _hot case runs on the structure its cold twin built. */
static struct maps_case *
built(struct maps_case *c)
{
	struct maps_case *b = c;

	for (size_t i = 0; c->hot && i < n_cases; i++)
		if (!cases[i].hot && cases[i].kind == c->kind && cases[i].impl == c->impl &&
		    cases[i].n == c->n && cases[i].max_entries == c->max_entries)
			b = &cases[i];
	if (b->keys == NULL && b->err == NULL)
		b->err = b->kind == K_LPM4 ? build_lpm4(b) : build_hash(b);
	return b;
}

static void
bench_map_case(struct xdpdk_bench_state *st, void *arg)
{
	struct maps_case *c = arg, run;

	if (!eal_ready()) {
		xdpdk_bench_skip(st, "rte_eal_init failed");
		return;
	}
	run = *built(c);
	if (run.err != NULL) {
		xdpdk_bench_skip(st, "%s", run.err);
		return;
	}
	run.hot = c->hot;
	c = &run;
	switch (c->impl) {
	case I_XDPDK:
		if (c->kind == K_LPM4)
			run_lpm_map(st, c);
		else
			run_map(st, c);
		break;
	case I_RTE_HASH:
	case I_RTE_HASH_CMP:
		run_rte_hash(st, c);
		break;
	case I_RTE_LPM:
		run_rte_lpm(st, c);
		break;
	case I_RTE_FIB:
		run_rte_fib(st, c);
		break;
	}
}


static const char *
size_name(uint32_t n)
{
	return n == 1024 ? "1K" : n == 65536 ? "64K" : "1M";
}

__attribute__((constructor)) static void
register_map_benchmarks(void)
{
	static const char *const impl_names[] = {
		[I_XDPDK] = "xdpdk", [I_RTE_HASH] = "rte_hash", [I_RTE_HASH_CMP] = "rte_hash_cmp",
		[I_RTE_LPM] = "rte_lpm", [I_RTE_FIB] = "rte_fib",
	};
	static const char *const kind_names[] = {
		[K_HASH] = "hash", [K_LRU] = "lru_hash", [K_LPM4] = "lpm4",
	};
	char name[64];

	for (size_t i = 0; i < RTE_DIM(cases); i++) {
		const struct maps_case *c = &cases[i];

		snprintf(name, sizeof(name), "maps/%s/%s%s%s/%s", kind_names[c->kind],
			 size_name(c->n),
			 c->kind == K_LPM4 && c->impl == I_XDPDK && c->max_entries < 16384 ?
			 "_trie" : "", c->hot ? "_hot" : "", impl_names[c->impl]);
		xdpdk_bench_register(name, bench_map_case, &cases[i], 0);
	}
}
