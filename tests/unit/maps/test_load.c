/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Object loading (xdpdk_obj_load): programs run against the maps created for
 * them, maps pinned by name are shared through a pin registry (and a
 * mismatching definition is refused), only_prog loads one program, prog_array
 * initial entries point at the loaded programs, and references keep shared
 * maps alive.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xdpdk/elf.h>
#include <xdpdk/helpers.h>
#include <xdpdk/load.h>
#include <xdpdk/map.h>

#include "maps_test.h"

struct fixture {
	char log[2048];
	struct xdpdk_pins *pins;
};

static struct xdpdk_obj *
open_obj(struct fixture *f, const char *name)
{
	const char *dir = getenv("XDPDK_PROGS_DIR");
	char path[512];
	struct xdpdk_obj_opts o = { .log_buf = f->log, .log_size = sizeof(f->log) };
	struct xdpdk_obj *obj;

	snprintf(path, sizeof(path), "%s/%s.bpf.o", dir ? dir : "tests/progs", name);
	obj = xdpdk_obj_open(path, &o);
	if (obj == NULL)
		fail_msg("open %s: %s", path, f->log);
	return obj;
}

static struct xdpdk_loaded *
load(struct fixture *f, const struct xdpdk_obj *obj, const char *only, struct xdpdk_pins *pins)
{
	struct xdpdk_load_opts o = {
		.engine = XDPDK_ENGINE_JIT, .helpers = xdpdk_helpers_resolve, .pins = pins,
		.only_prog = only, .log_buf = f->log, .log_size = sizeof(f->log),
	};

	return xdpdk_obj_load(obj, &o);
}

/* Run @p prog once on a 64-byte packet; returns its verdict. */
static uint32_t
run(struct xdpdk_prog *prog)
{
	uint8_t pkt[64] = { 0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00 };
	struct xdpdk_test_run t = { .data_in = pkt, .data_size_in = sizeof(pkt), .repeat = 1 };

	assert_int_equal(xdpdk_prog_test_run(prog, &t), 0);
	return t.retval;
}

static uint64_t
counter(struct xdpdk_map *m, uint32_t key)
{
	uint64_t v = 0;

	assert_int_equal(xdpdk_map_lookup(m, &key, &v, 0), 0);
	return v;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->pins = xdpdk_pins_create();
	*state = f;
	return f->pins ? 0 : -1;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	xdpdk_pins_free(f->pins);
	free(f);
	return 0;
}

static void
test_load_program_uses_its_map(void **state)
{
	struct fixture *f = *state;
	struct xdpdk_obj *obj = open_obj(f, "maps_ref");
	struct xdpdk_loaded *lo = load(f, obj, NULL, NULL);
	struct xdpdk_map *m;

	if (lo == NULL)
		fail_msg("load: %s", f->log);
	xdpdk_obj_close(obj); /* the loaded object does not borrow from it */
	m = xdpdk_loaded_map_find(lo, "pkt_count");
	assert_non_null(m);
	assert_ptr_equal(xdpdk_loaded_map_at(lo, 0), m);
	for (int i = 0; i < 3; i++)
		assert_int_equal(run(xdpdk_loaded_prog_find(lo, "xdp_count")), XDP_PASS);
	assert_int_equal(counter(m, 0), 3);
	xdpdk_loaded_free(lo);
}

static void
test_load_pinned_map_is_shared(void **state)
{
	struct fixture *f = *state;
	struct xdpdk_obj *obj = open_obj(f, "pinned");
	struct xdpdk_loaded *a = load(f, obj, NULL, f->pins);
	struct xdpdk_loaded *b = load(f, obj, NULL, f->pins);
	struct xdpdk_map *m;

	assert_non_null(a);
	assert_non_null(b);
	m = xdpdk_loaded_map_find(a, "shared_cnt");
	assert_ptr_equal(m, xdpdk_loaded_map_find(b, "shared_cnt"));
	assert_ptr_equal(m, xdpdk_pins_find(f->pins, "shared_cnt"));
	run(xdpdk_loaded_prog_find(a, "xdp_pinned"));
	run(xdpdk_loaded_prog_find(b, "xdp_pinned"));
	assert_int_equal(counter(m, 0), 2);
	/* One load gone: the other and the registry keep the map alive. */
	xdpdk_loaded_free(a);
	run(xdpdk_loaded_prog_find(b, "xdp_pinned"));
	assert_int_equal(counter(xdpdk_pins_find(f->pins, "shared_cnt"), 0), 3);
	xdpdk_loaded_free(b);
	assert_int_equal(counter(xdpdk_pins_find(f->pins, "shared_cnt"), 0), 3);
	xdpdk_obj_close(obj);
}

static void
test_load_without_registry_maps_are_private(void **state)
{
	struct fixture *f = *state;
	struct xdpdk_obj *obj = open_obj(f, "pinned");
	struct xdpdk_loaded *a = load(f, obj, NULL, NULL);
	struct xdpdk_loaded *b = load(f, obj, NULL, NULL);

	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_not_equal(xdpdk_loaded_map_find(a, "shared_cnt"),
			     xdpdk_loaded_map_find(b, "shared_cnt"));
	xdpdk_loaded_free(a);
	xdpdk_loaded_free(b);
	xdpdk_obj_close(obj);
}

static void
test_load_pinned_definition_mismatch_refused(void **state)
{
	struct fixture *f = *state;
	struct xdpdk_obj *obj = open_obj(f, "pinned");
	struct xdpdk_obj *other = open_obj(f, "pinned_conflict");
	struct xdpdk_loaded *a = load(f, obj, NULL, f->pins);

	assert_non_null(a);
	assert_null(load(f, other, NULL, f->pins));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(f->log, "map 'shared_cnt': pinned map of that name has another "
				       "definition"));
	xdpdk_loaded_free(a);
	xdpdk_obj_close(obj);
	xdpdk_obj_close(other);
}

static void
test_load_only_prog(void **state)
{
	struct fixture *f = *state;
	struct xdpdk_obj *obj = open_obj(f, "multi_prog");
	struct xdpdk_loaded *lo = load(f, obj, "xdp_first", NULL);

	assert_non_null(lo);
	assert_non_null(xdpdk_loaded_prog_find(lo, "xdp_first"));
	assert_null(xdpdk_loaded_prog_find(lo, "xdp_second"));
	assert_null(xdpdk_loaded_prog_find(lo, "tc_only"));
	xdpdk_loaded_free(lo);
	assert_null(load(f, obj, "no_such_prog", NULL));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(f->log, "no program named 'no_such_prog'"));
	xdpdk_obj_close(obj);
}

static void
test_load_prog_array_entries_are_loaded_programs(void **state)
{
	struct fixture *f = *state;
	struct xdpdk_obj *obj = open_obj(f, "map_in_map");
	/* only_prog still loads what the object's prog_arrays name. */
	struct xdpdk_loaded *lo = load(f, obj, "xdp_dispatch", NULL);
	const struct xdpdk_obj_map_init *init;
	struct xdpdk_map *jump;
	uint32_t n;

	if (lo == NULL)
		fail_msg("load: %s", f->log);
	jump = xdpdk_loaded_map_find(lo, "jump");
	assert_non_null(jump);
	init = xdpdk_obj_map_inits(xdpdk_obj_map_find(obj, "jump"), &n);
	assert_true(n > 0);
	for (uint32_t i = 0; i < n; i++)
		assert_ptr_equal(xdpdk_map_prog_array_get(jump, init[i].index),
				 xdpdk_loaded_prog_find(lo, init[i].target));
	xdpdk_loaded_free(lo);
	xdpdk_obj_close(obj);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_program_uses_its_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_pinned_map_is_shared, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_without_registry_maps_are_private, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_load_pinned_definition_mismatch_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_only_prog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_prog_array_entries_are_loaded_programs,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("maps_load", tests, maps_test_eal_init,
					   maps_test_eal_cleanup);
}
