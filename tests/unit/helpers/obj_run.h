/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helper tests on real objects: open tests/progs/<name>.bpf.o (built into
 * $XDPDK_PROGS_DIR), load one program on an engine with the helper table,
 * run it through xdpdk_prog_test_run and read its maps. The EAL (maps live in
 * DPDK memory) is started once per group, with --no-huge when needed.
 */
#ifndef XDPDK_TEST_OBJ_RUN_H
#define XDPDK_TEST_OBJ_RUN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xdpdk/bpf.h>
#include <xdpdk/dataplane.h>
#include <xdpdk/elf.h>
#include <xdpdk/helpers.h>
#include <xdpdk/load.h>
#include <xdpdk/map.h>

static const enum xdpdk_engine obj_run_engines[] = { XDPDK_ENGINE_INTERP, XDPDK_ENGINE_JIT };
#define OBJ_RUN_N_ENGINES 2

struct obj_run {
	struct xdpdk_obj *obj;
	struct xdpdk_loaded *lo;
	struct xdpdk_prog *prog;
	char log[4096];
};

static int
obj_run_eal_init(void **state)
{
	(void)state;
	return xdpdk_eal_init_tool("test", 0, NULL) == 0 ? 0 : -1;
}

static int
obj_run_eal_cleanup(void **state)
{
	(void)state;
	xdpdk_maps_configure(NULL);
	xdpdk_eal_cleanup_tool();
	return 0;
}

/* Open @p obj_name and load only @p prog_name on @p engine (fresh maps). */
/* As obj_run_load(), with constant blinding in the JIT when @p jit_blind. */
static void
obj_run_load_blind(struct obj_run *r, const char *obj_name, const char *prog_name,
		   enum xdpdk_engine engine, int jit_blind)
{
	const char *dir = getenv("XDPDK_PROGS_DIR");
	char path[512];
	struct xdpdk_obj_opts oo = { .log_buf = r->log, .log_size = sizeof(r->log) };
	struct xdpdk_load_opts lo = { .engine = engine, .helpers = xdpdk_helpers_resolve,
				      .only_prog = prog_name, .log_buf = r->log,
				      .log_size = sizeof(r->log), .jit_blind = jit_blind };

	snprintf(path, sizeof(path), "%s/%s.bpf.o", dir ? dir : "tests/progs", obj_name);
	r->obj = xdpdk_obj_open(path, &oo);
	if (r->obj == NULL)
		fprintf(stderr, "%s: %s\n", path, r->log);
	assert_non_null(r->obj);
	r->lo = xdpdk_obj_load(r->obj, &lo);
	if (r->lo == NULL)
		fprintf(stderr, "%s:%s: %s\n", path, prog_name, r->log);
	assert_non_null(r->lo);
	r->prog = xdpdk_loaded_prog_find(r->lo, prog_name);
	assert_non_null(r->prog);
	assert_int_equal(xdpdk_prog_engine(r->prog), engine);
}

static __attribute__((unused)) void
obj_run_load(struct obj_run *r, const char *obj_name, const char *prog_name,
	     enum xdpdk_engine engine)
{
	obj_run_load_blind(r, obj_name, prog_name, engine, 0);
}

static void
obj_run_free(struct obj_run *r)
{
	xdpdk_loaded_free(r->lo);
	xdpdk_obj_close(r->obj);
	memset(r, 0, sizeof(*r));
}

/* The u64 at @p key of array map @p name. */
static __attribute__((unused)) uint64_t
obj_run_u64(struct obj_run *r, const char *name, uint32_t key)
{
	struct xdpdk_map *m = xdpdk_loaded_map_find(r->lo, name);
	uint64_t v = 0;

	assert_non_null(m);
	assert_int_equal(xdpdk_map_lookup(m, &key, &v, 0), 0);
	return v;
}

#endif
