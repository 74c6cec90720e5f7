/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bpf_fib_lookup and bpf_check_mtu on xdpdk's routing table: every
 * BPF_FIB_LKUP_RET_* code xdpdk can give, the flags (DIRECT, TBID, OUTPUT,
 * SKIP_NEIGH, SRC), the argument errors, and check_mtu's arithmetic, from
 * tests/progs/xdp_fib.bpf.c on both engines.
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

#include <xdpdk/dataplane.h>
#include <xdpdk/elf.h>
#include <xdpdk/fib.h>
#include <xdpdk/helpers.h>
#include <xdpdk/load.h>

/* As in the program: the request after the Ethernet header. */
struct fib_req {
	uint32_t flags;
	uint32_t mtu_ifindex;
	int32_t mtu_len_diff;
	uint32_t mtu_len;
	struct bpf_fib_lookup p;
	int64_t rc_fib;
	int64_t rc_short;
	int64_t rc_mtu;
	int64_t rc_mtu_segs;
};

#define PKT_LEN 200

static const enum xdpdk_engine engines[] = { XDPDK_ENGINE_INTERP, XDPDK_ENGINE_JIT };
static const uint8_t mac1[6] = { 2, 0, 0, 0, 0, 1 }, mac2[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t mac_a[6] = { 0xaa, 1, 2, 3, 4, 5 }, mac_b[6] = { 0xbb, 1, 2, 3, 4, 5 };
static const uint8_t mac_c[6] = { 0xcc, 1, 2, 3, 4, 5 }, mac_d[6] = { 0xdd, 1, 2, 3, 4, 5 };

struct fixture {
	struct xdpdk_obj *obj;
	struct xdpdk_loaded *lo[2];
	struct xdpdk_fib *fib;
	char log[2048];
};

static void
v4(uint8_t *out, const char *s)
{
	assert_int_equal(inet_pton(AF_INET, s, out), 1);
}

static void
v6(uint8_t *out, const char *s)
{
	assert_int_equal(inet_pton(AF_INET6, s, out), 1);
}

static void
route(struct xdpdk_fib *fib, uint32_t table, int family, const char *dst, uint8_t depth,
      enum xdpdk_fib_route_type type, const char *gw, uint32_t ifindex, uint32_t metric)
{
	struct xdpdk_fib_route r = { .family = family, .depth = depth, .table = table,
				     .type = type, .ifindex = ifindex, .metric = metric };

	(family == AF_INET ? v4 : v6)(r.dst, dst);
	if (gw != NULL) {
		r.gw_family = strchr(gw, ':') ? AF_INET6 : AF_INET;
		(r.gw_family == AF_INET ? v4 : v6)(r.gw, gw);
	}
	assert_int_equal(xdpdk_fib_route_add(fib, &r), 0);
}

static void
neigh(struct xdpdk_fib *fib, uint32_t ifindex, const char *ip, const uint8_t *mac)
{
	uint8_t a[16];
	int family = strchr(ip, ':') ? AF_INET6 : AF_INET;

	(family == AF_INET ? v4 : v6)(a, ip);
	assert_int_equal(xdpdk_fib_neigh_add(fib, ifindex, family, a, mac), 0);
}

/*
 * if 1: the test run's ingress, MTU 1500; if 2: MTU 1400 with addresses;
 * if 3: forwarding off; if 4: no addresses.
 */
static void
fill(struct xdpdk_fib *fib)
{
	struct xdpdk_fib_if i1 = { .mtu = 1500, .forwarding = true, .forwarding6 = true };
	struct xdpdk_fib_if i2 = { .mtu = 1400, .forwarding = true, .forwarding6 = true };
	struct xdpdk_fib_if i3 = { .mtu = 1500 };
	struct xdpdk_fib_if i4 = { .mtu = 9000, .forwarding = true };

	memcpy(i1.mac, mac1, 6);
	memcpy(i2.mac, mac2, 6);
	v4(i1.addr4, "10.0.0.1");
	v4(i2.addr4, "192.0.2.1");
	v6(i2.addr6, "2001:db8:2::1");
	assert_int_equal(xdpdk_fib_if_set(fib, 1, &i1), 0);
	assert_int_equal(xdpdk_fib_if_set(fib, 2, &i2), 0);
	assert_int_equal(xdpdk_fib_if_set(fib, 3, &i3), 0);
	assert_int_equal(xdpdk_fib_if_set(fib, 4, &i4), 0);
	assert_int_equal(xdpdk_fib_if_set(fib, 0, &i4), -EINVAL);

	route(fib, 0, AF_INET, "10.1.0.0", 16, XDPDK_FIB_ROUTE_UNICAST, "192.0.2.254", 2, 7);
	route(fib, 0, AF_INET, "10.2.0.0", 16, XDPDK_FIB_ROUTE_UNICAST, NULL, 2, 0);
	route(fib, 0, AF_INET, "10.3.0.0", 16, XDPDK_FIB_ROUTE_BLACKHOLE, NULL, 0, 0);
	route(fib, 0, AF_INET, "10.4.0.0", 16, XDPDK_FIB_ROUTE_UNREACHABLE, NULL, 0, 0);
	route(fib, 0, AF_INET, "10.5.0.0", 16, XDPDK_FIB_ROUTE_PROHIBIT, NULL, 0, 0);
	route(fib, 0, AF_INET, "10.6.0.1", 32, XDPDK_FIB_ROUTE_LOCAL, NULL, 0, 0);
	route(fib, 0, AF_INET, "10.7.0.0", 16, XDPDK_FIB_ROUTE_UNICAST, NULL, 2, 0);
	route(fib, 0, AF_INET, "10.8.0.0", 24, XDPDK_FIB_ROUTE_UNICAST, NULL, 1, 0);
	route(fib, 0, AF_INET, "10.8.0.0", 16, XDPDK_FIB_ROUTE_UNICAST, NULL, 2, 0);
	route(fib, 0, AF_INET, "10.9.0.0", 16, XDPDK_FIB_ROUTE_UNICAST, NULL, 4, 0);
	route(fib, 0, AF_INET, "10.10.0.0", 16, XDPDK_FIB_ROUTE_UNICAST, "2001:db8:2::fe", 2, 0);
	route(fib, 100, AF_INET, "10.1.0.0", 16, XDPDK_FIB_ROUTE_UNICAST, "10.0.0.254", 1, 3);
	route(fib, 0, AF_INET6, "2001:db8:1::", 48, XDPDK_FIB_ROUTE_UNICAST, "2001:db8:2::fe", 2,
	      1024);
	route(fib, 0, AF_INET6, "2001:db8:3::", 48, XDPDK_FIB_ROUTE_PROHIBIT, NULL, 0, 0);
	neigh(fib, 2, "192.0.2.254", mac_a);
	neigh(fib, 2, "10.2.0.9", mac_b);
	neigh(fib, 2, "2001:db8:2::fe", mac_c);
	neigh(fib, 1, "10.0.0.254", mac_d);
	neigh(fib, 1, "10.8.0.5", mac_d);
	neigh(fib, 2, "10.8.0.5", mac_b);
}

static int
setup(void **state)
{
	const char *dir = getenv("XDPDK_PROGS_DIR");
	struct fixture *f = calloc(1, sizeof(*f));
	struct xdpdk_obj_opts o = { .log_buf = f->log, .log_size = sizeof(f->log) };
	char path[512];

	if (xdpdk_eal_init_tool("test_helpers_fib", 0, NULL) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/xdp_fib.bpf.o", dir ? dir : "tests/progs");
	f->obj = xdpdk_obj_open(path, &o);
	if (f->obj == NULL)
		return -1;
	for (size_t e = 0; e < 2; e++) {
		struct xdpdk_load_opts lo = { .engine = engines[e],
					      .helpers = xdpdk_helpers_resolve,
					      .log_buf = f->log, .log_size = sizeof(f->log) };

		f->lo[e] = xdpdk_obj_load(f->obj, &lo);
		if (f->lo[e] == NULL)
			return -1;
	}
	/* Small: the tests need no more, and they must pass without hugepages. */
	f->fib = xdpdk_fib_create(&(struct xdpdk_fib_opts){ .max_routes = 1024,
							    .max_neigh = 1024,
							    .num_tbl8 = 64 });
	if (f->fib == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	xdpdk_fib_set_current(NULL);
	xdpdk_fib_free(f->fib);
	for (size_t e = 0; e < 2; e++)
		xdpdk_loaded_free(f->lo[e]);
	xdpdk_obj_close(f->obj);
	free(f);
	xdpdk_eal_cleanup_tool();
	return 0;
}

static int
fill_and_set(void **state)
{
	struct fixture *f = *state;

	fill(f->fib);
	xdpdk_fib_set_current(f->fib);
	return 0;
}

/* Run the request on both engines (same answer), return it in @req. */
static void
run(struct fixture *f, struct fib_req *req)
{
	struct fib_req out[2];

	for (size_t e = 0; e < 2; e++) {
		uint8_t pkt[PKT_LEN] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00 };
		uint8_t res[PKT_LEN];
		struct xdpdk_test_run t = { .data_in = pkt, .data_size_in = PKT_LEN,
					    .data_out = res, .data_size_out = PKT_LEN,
					    .repeat = 1 };
		struct xdpdk_prog *prog = xdpdk_loaded_prog_find(f->lo[e], "xdp_fib_req");

		memcpy(pkt + 14, req, sizeof(*req));
		assert_int_equal(xdpdk_prog_test_run(prog, &t), 0);
		assert_int_equal(t.retval, XDP_PASS);
		memcpy(&out[e], res + 14, sizeof(out[e]));
	}
	assert_memory_equal(&out[0], &out[1], sizeof(out[0]));
	*req = out[0];
}

static struct fib_req
req4(uint32_t ifindex, const char *dst, uint32_t flags)
{
	struct fib_req r = { .flags = flags };

	r.p.family = AF_INET;
	r.p.ifindex = ifindex;
	r.p.tot_len = 100;
	v4((uint8_t *)&r.p.ipv4_dst, dst);
	v4((uint8_t *)&r.p.ipv4_src, "10.0.0.1");
	return r;
}

static struct fib_req
req6(uint32_t ifindex, const char *dst, uint32_t flags)
{
	struct fib_req r = { .flags = flags };

	r.p.family = AF_INET6;
	r.p.ifindex = ifindex;
	r.p.tot_len = 100;
	v6((uint8_t *)r.p.ipv6_dst, dst);
	v6((uint8_t *)r.p.ipv6_src, "2001:db8::1");
	return r;
}

static uint32_t
ip4(const char *s)
{
	uint32_t a;

	v4((uint8_t *)&a, s);
	return a;
}

static void
test_fib_success_via_gateway(void **state)
{
	struct fixture *f = *state;
	struct fib_req r = req4(1, "10.1.2.3", 0);

	run(f, &r);
	assert_int_equal(r.rc_fib, BPF_FIB_LKUP_RET_SUCCESS);
	assert_int_equal(r.p.ifindex, 2);
	assert_int_equal(r.p.ipv4_dst, ip4("192.0.2.254"));
	assert_memory_equal(r.p.dmac, mac_a, 6);
	assert_memory_equal(r.p.smac, mac2, 6);
	assert_int_equal(r.p.rt_metric, 7);
	assert_int_equal(r.p.mtu_result, 1400);
	assert_int_equal(r.p.h_vlan_TCI, 0);
	assert_int_equal(r.rc_short, -EINVAL); /* plen 8 < sizeof(struct bpf_fib_lookup) */

	r = req4(1, "10.2.0.9", 0); /* connected: the destination is the next hop */
	run(f, &r);
	assert_int_equal(r.rc_fib, 0);
	assert_int_equal(r.p.ipv4_dst, ip4("10.2.0.9"));
	assert_memory_equal(r.p.dmac, mac_b, 6);

	r = req6(1, "2001:db8:1::42", 0);
	run(f, &r);
	assert_int_equal(r.rc_fib, 0);
	assert_int_equal(r.p.ifindex, 2);
	assert_int_equal(r.p.rt_metric, 1024);
	assert_memory_equal(r.p.dmac, mac_c, 6);
	{
		uint8_t gw[16];

		v6(gw, "2001:db8:2::fe");
		assert_memory_equal(r.p.ipv6_dst, gw, 16);
	}

	/* IPv4 via an IPv6 gateway: the answer's family turns AF_INET6. */
	r = req4(1, "10.10.0.1", 0);
	run(f, &r);
	assert_int_equal(r.rc_fib, 0);
	assert_int_equal(r.p.family, AF_INET6);
	assert_memory_equal(r.p.dmac, mac_c, 6);
}

static void
test_fib_reject_codes(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *dst;
		uint32_t ifindex;
		uint32_t flags;
		int64_t rc;
	} cases[] = {
		{ "10.3.0.1", 1, 0, BPF_FIB_LKUP_RET_BLACKHOLE },
		{ "10.4.0.1", 1, 0, BPF_FIB_LKUP_RET_UNREACHABLE },
		{ "10.5.0.1", 1, 0, BPF_FIB_LKUP_RET_PROHIBIT },
		{ "10.6.0.1", 1, 0, BPF_FIB_LKUP_RET_NOT_FWDED },	/* local */
		{ "172.16.0.1", 1, 0, BPF_FIB_LKUP_RET_NOT_FWDED },	/* no route */
		{ "10.1.0.1", 3, 0, BPF_FIB_LKUP_RET_FWD_DISABLED },
		{ "10.7.0.1", 1, 0, BPF_FIB_LKUP_RET_NO_NEIGH },
		{ "10.1.0.1", 99, 0, -ENODEV },
		{ "10.1.0.1", 1, 1u << 7, -EINVAL },			/* unknown flag */
		/* DIRECT | TBID with a table that does not exist. */
		{ "10.1.0.1", 1, BPF_FIB_LOOKUP_DIRECT | BPF_FIB_LOOKUP_TBID,
		  BPF_FIB_LKUP_RET_NOT_FWDED },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fib_req r = req4(cases[i].ifindex, cases[i].dst, cases[i].flags);

		r.p.tbid = 77;
		run(f, &r);
		if (r.rc_fib != cases[i].rc)
			fail_msg("%s: %lld, expected %lld", cases[i].dst, (long long)r.rc_fib,
				 (long long)cases[i].rc);
	}

	struct fib_req r = req4(1, "10.1.2.3", 0);

	r.p.tot_len = 1401;
	run(f, &r);
	assert_int_equal(r.rc_fib, BPF_FIB_LKUP_RET_FRAG_NEEDED);
	assert_int_equal(r.p.mtu_result, 1400);

	r = req6(1, "2001:db8:3::1", 0);
	run(f, &r);
	assert_int_equal(r.rc_fib, BPF_FIB_LKUP_RET_PROHIBIT);
	r = req6(1, "fe80::1", 0); /* link-local: never forwarded */
	run(f, &r);
	assert_int_equal(r.rc_fib, BPF_FIB_LKUP_RET_NOT_FWDED);
	r = req6(4, "2001:db8:1::1", 0); /* if 4 forwards IPv4 only */
	run(f, &r);
	assert_int_equal(r.rc_fib, BPF_FIB_LKUP_RET_FWD_DISABLED);
	r = req4(1, "10.1.0.1", 0);
	r.p.family = 3;
	run(f, &r);
	assert_int_equal(r.rc_fib, -EAFNOSUPPORT);
}

static void
test_fib_flags(void **state)
{
	struct fixture *f = *state;
	struct fib_req r = req4(1, "10.1.2.3", BPF_FIB_LOOKUP_DIRECT | BPF_FIB_LOOKUP_TBID);

	/* TBID: table 100's route; tbid is zeroed (it shares the vlan output fields). */
	r.p.tbid = 100;
	run(f, &r);
	assert_int_equal(r.rc_fib, 0);
	assert_int_equal(r.p.ifindex, 1);
	assert_int_equal(r.p.ipv4_dst, ip4("10.0.0.254"));
	assert_memory_equal(r.p.dmac, mac_d, 6);
	assert_int_equal(r.p.tbid, 0);

	/* SKIP_NEIGH: success without a neighbour, MACs left as they were. */
	r = req4(1, "10.7.0.1", BPF_FIB_LOOKUP_SKIP_NEIGH);
	memset(r.p.dmac, 0x5a, 6);
	run(f, &r);
	assert_int_equal(r.rc_fib, 0);
	assert_int_equal(r.p.ifindex, 2);
	assert_int_equal(r.p.dmac[0], 0x5a);
	assert_int_equal(r.p.mtu_result, 1400);

	/* SRC: the egress interface's address, else another interface's. */
	r = req4(1, "10.1.2.3", BPF_FIB_LOOKUP_SRC);
	run(f, &r);
	assert_int_equal(r.rc_fib, 0);
	assert_int_equal(r.p.ipv4_src, ip4("192.0.2.1"));
	r = req4(1, "10.9.0.1", BPF_FIB_LOOKUP_SRC | BPF_FIB_LOOKUP_SKIP_NEIGH);
	run(f, &r);
	assert_int_equal(r.rc_fib, 0);
	assert_int_equal(r.p.ipv4_src, ip4("10.0.0.1"));
	/* No interface with an IPv6 address: NO_SRC_ADDR, and no MACs. */
	{
		struct xdpdk_fib_if i2 = { .mtu = 1400, .forwarding = true, .forwarding6 = true };

		memcpy(i2.mac, mac2, 6);
		v4(i2.addr4, "192.0.2.1");
		assert_int_equal(xdpdk_fib_if_set(f->fib, 2, &i2), 0);
		r = req6(1, "2001:db8:1::42", BPF_FIB_LOOKUP_SRC);
		run(f, &r);
		assert_int_equal(r.rc_fib, BPF_FIB_LKUP_RET_NO_SRC_ADDR);
		assert_int_equal(r.p.dmac[0], 0);
		v6(i2.addr6, "2001:db8:2::1");
		assert_int_equal(xdpdk_fib_if_set(f->fib, 2, &i2), 0);
		r = req6(1, "2001:db8:1::42", BPF_FIB_LOOKUP_SRC);
		run(f, &r);
		assert_int_equal(r.rc_fib, 0);
		assert_memory_equal(r.p.ipv6_src, i2.addr6, 16);
	}

	/* OUTPUT on if 2: the /24 via if 1 is skipped for the /16 via if 2. */
	r = req4(2, "10.8.0.5", 0);
	run(f, &r);
	assert_int_equal(r.p.ifindex, 1);
	r = req4(2, "10.8.0.5", BPF_FIB_LOOKUP_OUTPUT);
	run(f, &r);
	assert_int_equal(r.rc_fib, 0);
	assert_int_equal(r.p.ifindex, 2);
	assert_memory_equal(r.p.dmac, mac_b, 6);
	/* OUTPUT on if 4: no route through it, whatever the prefix. */
	r = req4(4, "10.8.0.5", BPF_FIB_LOOKUP_OUTPUT);
	run(f, &r);
	assert_int_equal(r.rc_fib, BPF_FIB_LKUP_RET_NOT_FWDED);
	/* DIRECT alone: the main table. */
	r = req4(1, "10.1.2.3", BPF_FIB_LOOKUP_DIRECT);
	run(f, &r);
	assert_int_equal(r.p.ifindex, 2);
}

static void
test_fib_table_changes(void **state)
{
	struct fixture *f = *state;
	struct fib_req r = req4(1, "10.2.0.9", 0);
	uint8_t a[16];

	v4(a, "10.2.0.9");
	assert_int_equal(xdpdk_fib_neigh_del(f->fib, 2, AF_INET, a), 0);
	assert_int_equal(xdpdk_fib_neigh_del(f->fib, 2, AF_INET, a), -ENOENT);
	run(f, &r);
	assert_int_equal(r.rc_fib, BPF_FIB_LKUP_RET_NO_NEIGH);
	neigh(f->fib, 2, "10.2.0.9", mac_b);

	v4(a, "10.2.0.0");
	assert_int_equal(xdpdk_fib_route_del(f->fib, 0, AF_INET, a, 16), 0);
	assert_int_equal(xdpdk_fib_route_del(f->fib, 0, AF_INET, a, 16), -ENOENT);
	r = req4(1, "10.2.0.9", 0);
	run(f, &r);
	assert_int_equal(r.rc_fib, BPF_FIB_LKUP_RET_NOT_FWDED);
	/* 10.7.0.0/16 shared its next hop (dev 2, no gateway): still there. */
	r = req4(1, "10.7.0.1", BPF_FIB_LOOKUP_SKIP_NEIGH);
	run(f, &r);
	assert_int_equal(r.rc_fib, 0);
	assert_int_equal(r.p.ifindex, 2);
	route(f->fib, 0, AF_INET, "10.2.0.0", 16, XDPDK_FIB_ROUTE_UNICAST, NULL, 2, 0);

	/* Replacing a route changes its next hop in place. */
	route(f->fib, 0, AF_INET, "10.2.0.0", 16, XDPDK_FIB_ROUTE_BLACKHOLE, NULL, 0, 0);
	r = req4(1, "10.2.0.9", 0);
	run(f, &r);
	assert_int_equal(r.rc_fib, BPF_FIB_LKUP_RET_BLACKHOLE);
	route(f->fib, 0, AF_INET, "10.2.0.0", 16, XDPDK_FIB_ROUTE_UNICAST, NULL, 2, 0);

	/* Without a current table every device is unknown. */
	xdpdk_fib_set_current(NULL);
	r = req4(1, "10.2.0.9", 0);
	run(f, &r);
	assert_int_equal(r.rc_fib, -ENODEV);
	assert_int_equal(r.rc_mtu, -ENODEV);
	xdpdk_fib_set_current(f->fib);
	run(f, &r);
	assert_int_equal(r.rc_fib, 0);

	struct xdpdk_fib_route bad = { .family = AF_INET, .depth = 33 };

	assert_int_equal(xdpdk_fib_route_add(f->fib, &bad), -EINVAL);
	bad.depth = 8; /* unicast without a device */
	assert_int_equal(xdpdk_fib_route_add(f->fib, &bad), -EINVAL);
}

static void
test_check_mtu(void **state)
{
	struct fixture *f = *state;
	struct fib_req r = req4(1, "10.2.0.9", 0);

	/* ifindex 0: the receiving device (1, MTU 1500); the packet's 200 bytes fit. */
	run(f, &r);
	assert_int_equal(r.rc_mtu, BPF_MTU_CHK_RET_SUCCESS);
	assert_int_equal(r.mtu_len, 1500);
	assert_int_equal(r.rc_mtu_segs, -EINVAL);

	/* 200 + 1314 = 1514 = MTU + ETH_HLEN fits; one more does not. */
	r.mtu_len = 0; /* the packet's own length again */
	r.mtu_len_diff = 1314;
	run(f, &r);
	assert_int_equal(r.rc_mtu, BPF_MTU_CHK_RET_SUCCESS);
	r = req4(1, "10.2.0.9", 0);
	r.mtu_len_diff = 1315;
	run(f, &r);
	assert_int_equal(r.rc_mtu, BPF_MTU_CHK_RET_FRAG_NEEDED);
	assert_int_equal(r.mtu_len, 1500);

	/* *mtu_len as the L3 length, against if 2's 1400. */
	r = req4(1, "10.2.0.9", 0);
	r.mtu_ifindex = 2;
	r.mtu_len = 1400;
	run(f, &r);
	assert_int_equal(r.rc_mtu, BPF_MTU_CHK_RET_SUCCESS);
	r.mtu_len = 1401;
	r.mtu_len_diff = 0;
	run(f, &r);
	assert_int_equal(r.rc_mtu, BPF_MTU_CHK_RET_FRAG_NEEDED);
	assert_int_equal(r.mtu_len, 1400);
	r.mtu_len = 1401;
	r.mtu_len_diff = -1;
	run(f, &r);
	assert_int_equal(r.rc_mtu, BPF_MTU_CHK_RET_SUCCESS);

	r.mtu_ifindex = 99;
	run(f, &r);
	assert_int_equal(r.rc_mtu, -ENODEV);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_fib_success_via_gateway, fill_and_set),
		cmocka_unit_test(test_fib_reject_codes),
		cmocka_unit_test(test_fib_flags),
		cmocka_unit_test(test_fib_table_changes),
		cmocka_unit_test(test_check_mtu),
	};

	return cmocka_run_group_tests_name("helpers_fib", tests, setup, teardown);
}
