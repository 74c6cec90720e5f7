/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Array and percpu_array lookups from a JIT'd program: inlined by the JIT
 * (the kernel's map_gen_lookup) against the same program calling the
 * bpf_map_lookup_elem helper, in the same run. Each program run makes
 * LOOKUPS lookups over 16 keys and sums the values; the counters give
 * cycles and ns per lookup.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <x86intrin.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include <xdpdk/bpf.h>
#include <xdpdk/helpers.h>
#include <xdpdk/map.h>

#include "bench.h"
#include "bench_maps.h"

#define LOOKUPS 64
#define RUNS_PER_BATCH 64

#define I(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
					     .off = (o), .imm = (i) })

struct inline_case {
	enum bpf_map_type type;
	bool inlined;
	struct xdpdk_map *map;
	struct xdpdk_prog *prog;
	const char *err;
};

/* EAL once for the maps (another benchmark file may have started it already). */
/*
 * r6 = i, r7 = sum; loop: key = i & 15; r0 = lookup(map, &key); if r0: sum += *r0;
 * while (++i < LOOKUPS); return sum.
 */
static const char *
build_prog(struct inline_case *c)
{
	const uint64_t m = (uintptr_t)c->map;
	const struct bpf_insn p[] = {
		I(BPF_ALU64 | BPF_MOV | BPF_K, 6, 0, 0, 0),
		I(BPF_ALU64 | BPF_MOV | BPF_K, 7, 0, 0, 0),
		I(BPF_ALU64 | BPF_MOV | BPF_X, 1, 6, 0, 0),		/* loop: */
		I(BPF_ALU64 | BPF_AND | BPF_K, 1, 0, 0, 15),
		I(BPF_STX | BPF_MEM | BPF_W, 10, 1, -4, 0),
		I(BPF_LD | BPF_DW | BPF_IMM, 1, BPF_PSEUDO_MAP_FD, 0, (int32_t)(uint32_t)m),
		I(0, 0, 0, 0, (int32_t)(uint32_t)(m >> 32)),
		I(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0),
		I(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -4),
		I(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem),
		I(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2, 0),
		I(BPF_LDX | BPF_MEM | BPF_DW, 1, 0, 0, 0),
		I(BPF_ALU64 | BPF_ADD | BPF_X, 7, 1, 0, 0),
		I(BPF_ALU64 | BPF_ADD | BPF_K, 6, 0, 0, 1),		/* skip: */
		I(BPF_JMP | BPF_JLT | BPF_K, 6, 0, -13, LOOKUPS),
		I(BPF_ALU64 | BPF_MOV | BPF_X, 0, 7, 0, 0),
		I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	struct xdpdk_prog_opts o = { .type = XDPDK_PROG_TYPE_RAW, .engine = XDPDK_ENGINE_JIT,
				     .helpers = xdpdk_helpers_resolve,
				     .map_inline = c->inlined ? xdpdk_map_inline_info : NULL };

	c->prog = xdpdk_prog_create(p, sizeof(p) / sizeof(p[0]), &o);
	return c->prog == NULL ? "program refused" : NULL;
}

/* The map (values = keys), then the program that names it. */
static const char *
build(struct inline_case *c)
{
	struct xdpdk_map_def d = { .name = "bench_inl", .type = c->type, .key_size = 4,
				   .value_size = 8, .max_entries = 16 };

	if (!xdpdk_bench_eal_ready())
		return "EAL did not start";
	c->map = xdpdk_map_create(&d);
	if (c->map == NULL)
		return "map creation failed";
	for (uint32_t k = 0; k < 16; k++) {
		uint64_t v[64] = { k };	/* per-CPU: slot 0 */

		xdpdk_map_update(c->map, &k, v, BPF_ANY);
	}
	return build_prog(c);
}

static void
bench_lookup(struct xdpdk_bench_state *st, void *arg)
{
	struct inline_case *c = arg;
	uint64_t acc = 0, t0;

	if (c->prog == NULL && c->err == NULL)
		c->err = build(c);
	if (c->err != NULL) {
		xdpdk_bench_skip(st, "%s", c->err);
		return;
	}
	/* The sum of keys 0..15, four times: the lookups really happened. */
	if (xdpdk_prog_run(c->prog, NULL, 0) != 4 * 120) {
		xdpdk_bench_skip(st, "wrong result");
		return;
	}
	t0 = __rdtsc();
	while (xdpdk_bench_run_batch(st, RUNS_PER_BATCH))
		for (int i = 0; i < RUNS_PER_BATCH; i++)
			acc += xdpdk_prog_run(c->prog, NULL, 0);
	xdpdk_bench_keep(&acc);
	xdpdk_bench_set_items(st, xdpdk_bench_iterations(st) * LOOKUPS);
	xdpdk_bench_counter(st, "cycles_per_lookup",
			    (double)(__rdtsc() - t0) / ((double)xdpdk_bench_iterations(st) * LOOKUPS),
			    XDPDK_BENCH_COUNTER_TOTAL);
	xdpdk_bench_label(st, "%d lookups per run, %s", LOOKUPS,
			  c->inlined ? "inlined by the JIT" : "helper call");
}

static struct inline_case cases[] = {
	{ .type = BPF_MAP_TYPE_ARRAY, .inlined = true },
	{ .type = BPF_MAP_TYPE_ARRAY, .inlined = false },
	{ .type = BPF_MAP_TYPE_PERCPU_ARRAY, .inlined = true },
	{ .type = BPF_MAP_TYPE_PERCPU_ARRAY, .inlined = false },
};

__attribute__((constructor)) static void
register_inline_benchmarks(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[96];

		snprintf(name, sizeof(name), "jit_lookup/%s/%s", xdpdk_map_type_name(cases[i].type),
			 cases[i].inlined ? "inlined" : "call");
		xdpdk_bench_register(name, bench_lookup, &cases[i], 0);
	}
}
