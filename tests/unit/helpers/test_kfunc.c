/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * XDP metadata kfuncs: tests/progs/xdp_kfunc.bpf.o calls them through
 * `extern __ksym` declarations (the loader resolves them by name) on mbufs
 * with and without an RSS hash, an Rx timestamp and stripped VLAN tags, on
 * both engines; without an mbuf they answer -EOPNOTSUPP, as the kernel's for
 * a program bound to no device.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include <linux/bpf.h>

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include <xdpdk/ctx.h>
#include <xdpdk/dataplane.h>
#include <xdpdk/elf.h>
#include <xdpdk/helpers.h>
#include <xdpdk/load.h>

struct meta_out {
	int32_t rc_ts, rc_hash, rc_vlan;
	uint32_t hash;
	uint32_t rss_type;
	uint16_t vlan_proto, vlan_tci;
	uint64_t ts;
	uint64_t pad;
};

static const enum xdpdk_engine engines[] = { XDPDK_ENGINE_INTERP, XDPDK_ENGINE_JIT };

struct fixture {
	struct xdpdk_obj *obj;
	struct xdpdk_prog *prog[2];
	struct xdpdk_loaded *lo[2];
	struct rte_mempool *pool;
	int ts_off;
	uint64_t ts_flag;
	char log[2048];
};

static int
setup(void **state)
{
	const char *dir = getenv("XDPDK_PROGS_DIR");
	struct fixture *f = calloc(1, sizeof(*f));
	struct xdpdk_obj_opts o = { .log_buf = f->log, .log_size = sizeof(f->log) };
	char path[512];

	if (xdpdk_eal_init_tool("test_helpers_kfunc", 0, NULL) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/xdp_kfunc.bpf.o", dir ? dir : "tests/progs");
	f->obj = xdpdk_obj_open(path, &o);
	if (f->obj == NULL) {
		fprintf(stderr, "%s\n", f->log);
		return -1;
	}
	for (size_t e = 0; e < 2; e++) {
		struct xdpdk_load_opts lo = { .engine = engines[e],
					      .helpers = xdpdk_helpers_resolve,
					      .log_buf = f->log, .log_size = sizeof(f->log) };

		f->lo[e] = xdpdk_obj_load(f->obj, &lo);
		if (f->lo[e] == NULL) {
			fprintf(stderr, "%s\n", f->log);
			return -1;
		}
		f->prog[e] = xdpdk_loaded_prog_find(f->lo[e], "xdp_kfunc");
	}
	f->pool = rte_pktmbuf_pool_create("kfunc_test", 63, 0, 0, 2048 + 256, SOCKET_ID_ANY);
	if (f->pool == NULL ||
	    rte_mbuf_dyn_rx_timestamp_register(&f->ts_off, &f->ts_flag) != 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	for (size_t e = 0; e < 2; e++)
		xdpdk_loaded_free(f->lo[e]);
	xdpdk_obj_close(f->obj);
	rte_mempool_free(f->pool);
	free(f);
	xdpdk_eal_cleanup_tool();
	return 0;
}

/* Run on a 64-byte packet in @m (NULL: a plain buffer, no mbuf); both engines agree. */
static void
run(struct fixture *f, struct rte_mbuf *m, struct meta_out *out)
{
	struct meta_out res[2];

	for (size_t e = 0; e < 2; e++) {
		static uint8_t buf[4096];
		uint8_t *data = m ? rte_pktmbuf_mtod(m, uint8_t *) : buf + 256;
		struct xdpdk_xdp_ctx ctx = {
			.data = data, .data_end = data + 64, .data_meta = data,
			.data_hard_start = m ? (uint8_t *)m->buf_addr : buf,
			.data_hard_end = data + 64, .mbuf = m,
		};

		memset(data, 0, 64);
		assert_int_equal(xdpdk_prog_run(f->prog[e], &ctx, 0), XDP_PASS);
		memcpy(&res[e], data, sizeof(res[e]));
	}
	assert_memory_equal(&res[0], &res[1], sizeof(res[0]));
	*out = res[0];
}

static void
test_kfunc_without_mbuf(void **state)
{
	struct fixture *f = *state;
	struct meta_out o;

	run(f, NULL, &o);
	assert_int_equal(o.rc_ts, -EOPNOTSUPP);
	assert_int_equal(o.rc_hash, -EOPNOTSUPP);
	assert_int_equal(o.rc_vlan, -EOPNOTSUPP);
}

static void
test_kfunc_mbuf_without_metadata(void **state)
{
	struct fixture *f = *state;
	struct rte_mbuf *m = rte_pktmbuf_alloc(f->pool);
	struct meta_out o;

	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, 64));
	m->ol_flags = 0;
	run(f, m, &o);
	assert_int_equal(o.rc_ts, -ENODATA);
	assert_int_equal(o.rc_hash, -ENODATA);
	assert_int_equal(o.rc_vlan, -ENODATA);
	rte_pktmbuf_free(m);
}

static void
test_kfunc_mbuf_with_metadata(void **state)
{
	struct fixture *f = *state;
	struct rte_mbuf *m = rte_pktmbuf_alloc(f->pool);
	struct meta_out o;

	assert_non_null(m);
	assert_non_null(rte_pktmbuf_append(m, 64));
	m->ol_flags = RTE_MBUF_F_RX_RSS_HASH | RTE_MBUF_F_RX_VLAN_STRIPPED | f->ts_flag;
	m->hash.rss = 0xdeadbeef;
	m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4 | RTE_PTYPE_L4_TCP;
	m->vlan_tci = 100;
	*RTE_MBUF_DYNFIELD(m, f->ts_off, rte_mbuf_timestamp_t *) = 123456789012345ull;
	run(f, m, &o);
	assert_int_equal(o.rc_ts, 0);
	assert_true(o.ts == 123456789012345ull);
	assert_int_equal(o.rc_hash, 0);
	assert_int_equal(o.hash, 0xdeadbeef);
	assert_int_equal(o.rss_type, 1 | 8 | 16); /* XDP_RSS_TYPE_L4_IPV4_TCP */
	assert_int_equal(o.rc_vlan, 0);
	assert_int_equal(o.vlan_proto, htons(0x8100));
	assert_int_equal(o.vlan_tci, 100);

	/* Q-in-Q stripped: the outer tag. */
	m->ol_flags |= RTE_MBUF_F_RX_QINQ_STRIPPED;
	m->vlan_tci_outer = 200;
	m->packet_type = RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV6_EXT | RTE_PTYPE_L4_UDP;
	run(f, m, &o);
	assert_int_equal(o.vlan_proto, htons(0x88a8));
	assert_int_equal(o.vlan_tci, 200);
	assert_int_equal(o.rss_type, 2 | 4 | 8 | 32); /* XDP_RSS_TYPE_L4_IPV6_UDP_EX */
	rte_pktmbuf_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kfunc_without_mbuf),
		cmocka_unit_test(test_kfunc_mbuf_without_metadata),
		cmocka_unit_test(test_kfunc_mbuf_with_metadata),
	};

	return cmocka_run_group_tests_name("helpers_kfunc", tests, setup, teardown);
}
