/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Array and percpu_array lookups inlined by the JIT (map_gen_lookup): the
 * same results as the helper call and the interpreter for keys in and out of
 * range and for each worker slot (and a worker index without a slot: NULL),
 * and no call left in the image. Blinded (constant blinding), the same
 * results, and the values' address is not in the image.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "obj_run.h"

#define N_WORKERS 3

enum variant { V_INTERP, V_JIT_CALL, V_JIT_INLINE, V_JIT_BLIND, N_VARIANTS };

static void
load_variant(struct obj_run *r, enum variant v)
{
	if (v == V_JIT_CALL)
		setenv("XDPDK_JIT_NO_INLINE", "1", 1);
	obj_run_load_blind(r, "array_lookup", "xdp_array_lookup",
			   v == V_INTERP ? XDPDK_ENGINE_INTERP : XDPDK_ENGINE_JIT, v == V_JIT_BLIND);
	unsetenv("XDPDK_JIT_NO_INLINE");
}

static int
setup_workers(void **state)
{
	const struct xdpdk_maps_config cfg = { .n_workers = N_WORKERS };

	if (obj_run_eal_init(state) != 0)
		return -1;
	return xdpdk_maps_configure(&cfg);
}

static void
test_inline_same_results(void **state)
{
	(void)state;
	uint32_t rets[N_VARIANTS][N_WORKERS + 1][24];
	uint8_t vals[N_VARIANTS][16 * 24 + 4 * 8 * N_WORKERS];
	size_t image[N_VARIANTS] = { 0 };
	bool addr_shows[N_VARIANTS] = { false };

	for (int v = 0; v < N_VARIANTS; v++) {
		struct obj_run r = { 0 };
		struct xdpdk_map *stats, *pcpu;

		load_variant(&r, (enum variant)v);
		if (v != V_INTERP) {
			const uint8_t *code = xdpdk_prog_jit_image(r.prog, &image[v], NULL);
			struct xdpdk_map_inline in;

			assert_int_equal(xdpdk_map_inline_info(xdpdk_loaded_map_find(r.lo, "stats"),
							       &in), 0);
			addr_shows[v] = memmem(code, image[v], &in.values, sizeof(in.values)) != NULL;
		}
		for (uint32_t w = 0; w <= N_WORKERS; w++) {
			xdpdk_maps_set_worker(w);	/* N_WORKERS: no slot */
			for (uint32_t i = 0; i < 24; i++) {
				uint8_t pkt[128] = { 0 };
				struct xdpdk_test_run t = { .data_in = pkt, .data_size_in = 60 + i };

				pkt[19] = (uint8_t)(i * 7);
				assert_int_equal(xdpdk_prog_test_run(r.prog, &t), 0);
				rets[v][w][i] = t.retval;
			}
		}
		xdpdk_maps_set_worker(0);
		stats = xdpdk_loaded_map_find(r.lo, "stats");
		pcpu = xdpdk_loaded_map_find(r.lo, "pcpu");
		for (uint32_t k = 0; k < 16; k++)
			assert_int_equal(xdpdk_map_lookup(stats, &k, vals[v] + k * 24, 0), 0);
		for (uint32_t k = 0; k < 4; k++)
			assert_int_equal(xdpdk_map_lookup(pcpu, &k, vals[v] + 16 * 24 +
							  k * 8 * N_WORKERS, 0), 0);
		obj_run_free(&r);
	}
	/* out-of-range keys and the slotless worker give NULL: XDP_DROP / XDP_TX */
	assert_int_equal(rets[V_INTERP][N_WORKERS][0], XDP_TX);
	assert_int_equal(rets[V_INTERP][0][8], XDP_DROP);	/* key 56 % 20 = 16: out of range */
	for (int v = 1; v < N_VARIANTS; v++) {
		assert_memory_equal(rets[v], rets[V_INTERP], sizeof(rets[0]));
		assert_memory_equal(vals[v], vals[V_INTERP], sizeof(vals[0]));
	}
	/* each worker's slot got its own packets' lengths */
	{
		const uint64_t *slot = (const uint64_t *)(vals[V_INTERP] + 16 * 24);

		assert_true(slot[0] != 0 && slot[1] != 0 && slot[2] != 0);
	}
	/* two calls fewer: the inlined image has no call for the lookups */
	assert_true(image[V_JIT_INLINE] != image[V_JIT_CALL]);
	assert_true(addr_shows[V_JIT_INLINE]);
	assert_false(addr_shows[V_JIT_BLIND]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inline_same_results),
	};

	return cmocka_run_group_tests_name("jit_inline", tests, setup_workers,
					   obj_run_eal_cleanup);
}
