/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mbuf as an XDP program sees it and back: 256 bytes of headroom in
 * front of the data where the PMD puts it (XDP_PACKET_HEADROOM), the
 * kernel's tail limit, and what adjust_head/tail/meta leave in ctx turned
 * back into data_off/data_len — including data moved in front of buf_addr.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "dp_internal.h"

static struct rte_mempool *pool;

static int
setup(void **state)
{
	(void)state;
	if (xdpdk_eal_init_tool("test", 0, NULL) != 0)
		return -1;
	/* The dataplane's pool layout (port.c). */
	pool = rte_pktmbuf_pool_create("t_pool", 63, 0, DP_PRIV_HEADROOM, DP_DATA_ROOM,
				       SOCKET_ID_ANY);
	return pool != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	rte_mempool_free(pool);
	xdpdk_eal_cleanup_tool();
	return 0;
}

/* A 64-byte packet 0, 1, 2, ... where the PMD would put it. */
static struct rte_mbuf *
pkt(void)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *d;

	assert_non_null(m);
	d = (uint8_t *)rte_pktmbuf_append(m, 64);
	for (int i = 0; i < 64; i++)
		d[i] = (uint8_t)i;
	return m;
}

/* The mbuf says data_off/len as expected; then it goes back to the pool. */
static void
check_and_free(struct rte_mbuf *m, uint16_t off, uint16_t len)
{
	assert_int_equal(m->data_off, off);
	assert_int_equal(m->data_len, len);
	assert_int_equal(m->pkt_len, len);
	rte_pktmbuf_free(m);
}

static void
test_layout_is_the_kernels(void **state)
{
	struct xdpdk_xdp_ctx c;
	struct rte_mbuf *m = pkt();

	(void)state;
	dp_ctx_from_mbuf(&c, m);
	assert_int_equal(c.data - c.data_hard_start, XDPDK_XDP_HEADROOM);
	assert_ptr_equal(c.data_meta, c.data);
	assert_int_equal(c.data_end - c.data, 64);
	/* As the kernel's 4096-byte frame: headroom, data and the skb_shared_info reserve. */
	assert_int_equal(c.data_hard_end - c.data_hard_start,
			 4096 - XDPDK_XDP_HEADROOM - XDPDK_XDP_TAIL_RESERVE + XDPDK_XDP_HEADROOM);
	assert_ptr_equal(c.mbuf, m);
	/* The headroom in front of buf_addr is this mbuf's own private area. */
	assert_ptr_equal(c.data_hard_start, rte_mbuf_to_priv(m));
	dp_ctx_to_mbuf(&c, m);
	check_and_free(m, RTE_PKTMBUF_HEADROOM, 64);
}

static void
test_head_and_tail_moves(void **state)
{
	struct xdpdk_xdp_ctx c;
	struct rte_mbuf *m = pkt();

	(void)state;
	dp_ctx_from_mbuf(&c, m);
	c.data += 14;		/* adjust_head(+14): decapsulation */
	c.data_end -= 4;	/* adjust_tail(-4) */
	dp_ctx_to_mbuf(&c, m);
	assert_int_equal(m->data_off, RTE_PKTMBUF_HEADROOM + 14);
	assert_int_equal(m->data_len, 46);
	assert_int_equal(m->pkt_len, 46);
	assert_int_equal(rte_pktmbuf_mtod(m, uint8_t *)[0], 14);
	dp_ctx_from_mbuf(&c, m);
	c.data -= 34;		/* adjust_head(-34): still inside DPDK's headroom */
	c.data_end += 100;	/* adjust_tail(+100) */
	dp_ctx_to_mbuf(&c, m);
	check_and_free(m, RTE_PKTMBUF_HEADROOM - 20, 180);
}

/* Encapsulation past buf_addr (up to XDP's 256 bytes): the data is moved back into the buffer. */
static void
test_head_into_private_area(void **state)
{
	struct xdpdk_xdp_ctx c;
	struct rte_mbuf *m = pkt();
	uint8_t want[64 + 200];

	(void)state;
	dp_ctx_from_mbuf(&c, m);
	c.data -= 200;
	memset(c.data, 0xee, 200);	/* the new outer headers */
	memcpy(want, c.data, sizeof(want));
	dp_ctx_to_mbuf(&c, m);
	assert_memory_equal(rte_pktmbuf_mtod(m, uint8_t *), want, sizeof(want));
	check_and_free(m, 0, sizeof(want));
	/* Back in the pool and out again, it is an ordinary mbuf. */
	check_and_free(pkt(), RTE_PKTMBUF_HEADROOM, 64);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_is_the_kernels),
		cmocka_unit_test(test_head_and_tail_moves),
		cmocka_unit_test(test_head_into_private_area),
	};

	return cmocka_run_group_tests_name("dataplane_mbuf_ctx", tests, setup, teardown);
}
