/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bpf_redirect and bpf_redirect_map, first phase: what they return and what
 * they record for the packet being run, as __bpf_xdp_redirect_map() in the
 * kernel (flags checks, the lower two bits as the verdict for a missing key,
 * broadcast), and the maps' data-path lookup they use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <xdpdk/dataplane.h>
#include <xdpdk/helpers.h>
#include <xdpdk/map.h>

static struct xdpdk_redirect_run run;

static uint64_t
call(uint32_t id, uint64_t a, uint64_t b, uint64_t c)
{
	const struct xdpdk_helper_desc *d = xdpdk_helpers_resolve(id, XDPDK_PROG_TYPE_XDP, NULL);

	assert_non_null(d);
	return d->fn(a, b, c, 0, 0);
}

static struct xdpdk_map *
mk(enum bpf_map_type type, uint32_t value_size)
{
	const struct xdpdk_map_def def = { .name = "m", .type = type, .key_size = 4,
					   .value_size = value_size, .max_entries = 4 };
	struct xdpdk_map *m = xdpdk_map_create(&def);

	assert_non_null(m);
	return m;
}

static int
setup(void **state)
{
	const struct xdpdk_maps_config cfg = { .n_workers = 2 };

	(void)state;
	if (xdpdk_eal_init_tool("test", 0, NULL) != 0 || xdpdk_maps_configure(&cfg) != 0)
		return -1;
	xdpdk_redirect_set_run(&run);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	xdpdk_redirect_set_run(NULL);
	xdpdk_maps_configure(NULL);
	xdpdk_eal_cleanup_tool();
	return 0;
}

static void
test_redirect_ifindex(void **state)
{
	(void)state;
	run.cur = 3;
	assert_int_equal(call(BPF_FUNC_redirect, 7, 0, 0), XDP_REDIRECT);
	assert_int_equal(run.rec[3].kind, XDPDK_REDIR_IFINDEX);
	assert_int_equal(run.rec[3].index, 7);
	/* XDP's bpf_redirect takes no flags (not even BPF_F_INGRESS). */
	assert_int_equal(call(BPF_FUNC_redirect, 7, BPF_F_INGRESS, 0), XDP_ABORTED);
}

static void
test_redirect_map_devmap(void **state)
{
	struct xdpdk_map *m = mk(BPF_MAP_TYPE_DEVMAP, 4);
	const uint32_t k = 1, ifx = 9;

	(void)state;
	run.cur = 0;
	/* A missing key: the lower two bits of flags are the verdict. */
	for (uint64_t a = XDP_ABORTED; a <= XDP_TX; a++)
		assert_int_equal(call(BPF_FUNC_redirect_map, (uintptr_t)m, k, a), a);
	assert_int_equal(run.rec[0].kind, XDPDK_REDIR_NONE);
	/* Other bits than the action and the devmap flags: aborted. */
	assert_int_equal(call(BPF_FUNC_redirect_map, (uintptr_t)m, k, 1u << 5), XDP_ABORTED);
	assert_int_equal(xdpdk_map_update(m, &k, &ifx, BPF_ANY), 0);
	assert_int_equal(call(BPF_FUNC_redirect_map, (uintptr_t)m, k, XDP_PASS), XDP_REDIRECT);
	assert_int_equal(run.rec[0].kind, XDPDK_REDIR_DEVMAP);
	assert_int_equal(((const struct bpf_devmap_val *)run.rec[0].val)->ifindex, ifx);
	/* Broadcast redirects even with no entry at the key. */
	assert_int_equal(call(BPF_FUNC_redirect_map, (uintptr_t)m, 3,
			      BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS),
			 XDP_REDIRECT);
	assert_int_equal(run.rec[0].kind, XDPDK_REDIR_BROADCAST);
	assert_ptr_equal(run.rec[0].map, m);
	assert_int_equal(run.rec[0].flags, BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS);
	xdpdk_map_put(m);
}

static void
test_redirect_map_devmap_hash_iter(void **state)
{
	struct xdpdk_map *m = mk(BPF_MAP_TYPE_DEVMAP_HASH, 4);
	uint32_t it = 0, seen = 0;
	const void *v;
	void *tgt;

	(void)state;
	for (uint32_t k = 10; k < 13; k++)
		assert_int_equal(xdpdk_map_update(m, &k, &k, BPF_ANY), 0);
	while ((v = xdpdk_map_redirect_next(m, &it, &tgt)) != NULL) {
		seen |= 1u << (((const struct bpf_devmap_val *)v)->ifindex - 10);
		assert_null(tgt);
	}
	assert_int_equal(seen, 7);
	assert_non_null(xdpdk_map_redirect_lookup(m, 11, &tgt));
	assert_null(xdpdk_map_redirect_lookup(m, 14, &tgt));
	xdpdk_map_put(m);
}

static void
test_redirect_map_cpumap_xskmap(void **state)
{
	struct xdpdk_map *c = mk(BPF_MAP_TYPE_CPUMAP, 4);
	struct xdpdk_map *x = mk(BPF_MAP_TYPE_XSKMAP, 4);
	const uint32_t k = 1, qsize = 64, sock = 5;

	(void)state;
	run.cur = 1;
	/* Neither takes BPF_F_BROADCAST. */
	assert_int_equal(call(BPF_FUNC_redirect_map, (uintptr_t)c, k, BPF_F_BROADCAST),
			 XDP_ABORTED);
	assert_int_equal(call(BPF_FUNC_redirect_map, (uintptr_t)x, k, BPF_F_BROADCAST),
			 XDP_ABORTED);
	assert_int_equal(call(BPF_FUNC_redirect_map, (uintptr_t)c, k, XDP_DROP), XDP_DROP);
	assert_int_equal(xdpdk_map_update(c, &k, &qsize, BPF_ANY), 0);
	assert_int_equal(call(BPF_FUNC_redirect_map, (uintptr_t)c, k, 0), XDP_REDIRECT);
	assert_int_equal(run.rec[1].kind, XDPDK_REDIR_CPUMAP);
	assert_int_equal(run.rec[1].index, k);
	assert_int_equal(xdpdk_map_update(x, &k, &sock, BPF_ANY), 0);
	assert_int_equal(call(BPF_FUNC_redirect_map, (uintptr_t)x, k, 0), XDP_REDIRECT);
	assert_int_equal(run.rec[1].kind, XDPDK_REDIR_XSKMAP);
	xdpdk_map_put(c);
	xdpdk_map_put(x);
}

/* A map type the kernel's verifier would refuse for bpf_redirect_map. */
static void
test_redirect_map_other_type(void **state)
{
	struct xdpdk_map *a = mk(BPF_MAP_TYPE_ARRAY, 4);

	(void)state;
	assert_int_equal(call(BPF_FUNC_redirect_map, (uintptr_t)a, 0, XDP_PASS), XDP_ABORTED);
	xdpdk_map_put(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redirect_ifindex),
		cmocka_unit_test(test_redirect_map_devmap),
		cmocka_unit_test(test_redirect_map_devmap_hash_iter),
		cmocka_unit_test(test_redirect_map_cpumap_xskmap),
		cmocka_unit_test(test_redirect_map_other_type),
	};

	return cmocka_run_group_tests_name("dataplane_redirect", tests, setup, teardown);
}
