/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TC helpers from tests/progs/tc_helpers.bpf.c on a known IPv4/UDP packet,
 * interpreter and JIT: return values (errors included) and output bytes.
 * The kernel-differential test runs the same programs on every pcap.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <xdpdk/ctx.h>

#include "obj_run.h"

#define ENOTSUPP 524

static uint16_t inet_csum(const uint8_t *p, size_t n);

/*
 * 60 bytes: Ethernet, IPv4 (ECT(0), ttl 64, udp, valid checksum) 10.0.0.1 ->
 * 10.0.0.2, UDP 1234 -> 80.
 */
static void
make_udp(uint8_t *p)
{
	static const uint8_t hdr[] = {
		0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x0a, 0x08, 0x00,
		0x45, 0x02, 0x00, 0x2e, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
		10, 0, 0, 1, 10, 0, 0, 2,
		0x04, 0xd2, 0x00, 0x50, 0x00, 0x1a, 0x12, 0x34,
	};

	memset(p, 0, 60);
	memcpy(p, hdr, sizeof(hdr));
	for (int i = sizeof(hdr); i < 60; i++)
		p[i] = (uint8_t)i;
	p[24] = (uint8_t)(inet_csum(p + 14, 20) >> 8);
	p[25] = (uint8_t)inet_csum(p + 14, 20);
}

struct tc_out {
	uint8_t data[256];
	uint32_t len;
	uint32_t retval;
};

static void
run_tc(struct obj_run *r, const char *prog, enum xdpdk_engine e, const uint8_t *pkt,
       uint32_t len, struct tc_out *o)
{
	struct xdpdk_test_run t = { .data_in = pkt, .data_size_in = len, .data_out = o->data,
				    .data_size_out = sizeof(o->data) };

	obj_run_load(r, "tc_helpers", prog, e);
	assert_int_equal(xdpdk_prog_test_run(r->prog, &t), 0);
	o->len = t.data_size_out;
	o->retval = t.retval;
}

/* Run @p prog on make_udp()'s packet on each engine, then @p check the result. */
static void
each_engine(const char *prog,
	    void (*check)(struct obj_run *r, const uint8_t *pkt, const struct tc_out *o))
{
	for (int e = 0; e < OBJ_RUN_N_ENGINES; e++) {
		struct obj_run r = { 0 };
		uint8_t pkt[60];
		struct tc_out o;

		make_udp(pkt);
		run_tc(&r, prog, obj_run_engines[e], pkt, sizeof(pkt), &o);
		check(&r, pkt, &o);
		obj_run_free(&r);
	}
}

#define RV(r, k) obj_run_u64(r, "rv", k)
#define NEG(e) ((uint64_t)-(int64_t)(e))

static void
check_load_store(struct obj_run *r, const uint8_t *pkt, const struct tc_out *o)
{
	(void)pkt;
	assert_int_equal(o->retval, 0);
	assert_int_equal(RV(r, 0), 0);
	assert_int_equal(RV(r, 1), 0x0008);
	assert_int_equal(RV(r, 2), NEG(EFAULT));
	assert_int_equal(RV(r, 3), 0);			/* zeroed on error */
	assert_int_equal(RV(r, 4), 0);
	assert_int_equal(RV(r, 5), 0x45 + 0x11 + 2);	/* NET: iph[0], [9], [19] */
	assert_int_equal(RV(r, 6), 0);
	assert_int_equal(RV(r, 7), NEG(EFAULT));
	assert_int_equal(RV(r, 8), NEG(EFAULT));
	assert_int_equal(RV(r, 9), 0);
	assert_int_equal(RV(r, 10), NEG(EINVAL));
	assert_int_equal(RV(r, 11), NEG(EFAULT));
	assert_int_equal(RV(r, 12), 0);
	assert_int_equal(RV(r, 13), NEG(ENOMEM));
	assert_int_equal(RV(r, 14), 0);
	/* MAC addresses swapped, the rest untouched */
	assert_int_equal(o->len, 60);
	assert_memory_equal(o->data, pkt + 6, 6);
	assert_memory_equal(o->data + 6, pkt, 6);
	assert_memory_equal(o->data + 12, pkt + 12, 48);
}

static void
test_tc_load_store(void **state)
{
	(void)state;
	each_engine("tc_load_store", check_load_store);
}

/* Internet checksum of @p n bytes (for checking the rewritten IP header). */
static uint16_t
inet_csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
check_csum(struct obj_run *r, const uint8_t *pkt, const struct tc_out *o)
{
	(void)pkt;
	assert_int_equal(RV(r, 20), NEG(ENOTSUPP));
	assert_int_equal(RV(r, 21), NEG(EFAULT));
	assert_int_equal(RV(r, 22), NEG(EINVAL));
	assert_int_equal(RV(r, 23), NEG(EINVAL));
	assert_int_equal(RV(r, 24), NEG(EFAULT));
	for (int k = 25; k <= 31; k++)
		assert_int_equal(RV(r, k), 0);
	/* ttl - 1, daddr 10.11.12.13, and the IP checksum still valid */
	assert_int_equal(o->data[22], 63);
	assert_int_equal(o->data[30], 10);
	assert_int_equal(o->data[33], 13);
	assert_int_equal(inet_csum(o->data + 14, 20), 0);
}

static void
test_tc_csum(void **state)
{
	(void)state;
	each_engine("tc_csum", check_csum);
}

static void
check_vlan(struct obj_run *r, const uint8_t *pkt, const struct tc_out *o)
{
	(void)pkt;
	assert_int_equal(RV(r, 40), 0);
	assert_int_equal(RV(r, 41), 60 + 8);
	assert_int_equal(RV(r, 42), 0);
	/* first push: accelerated tag only; second: the first goes into the packet */
	assert_int_equal(RV(r, 43), (1 + 0x1005 + 0xa888 + 60) + (1 + 7 + 0x81 + 64 + 0xa888));
	assert_int_equal(RV(r, 45), 1 + 7 + 64 + 0xa888);
	assert_int_equal(o->len, 64);
	assert_memory_equal(o->data, pkt, 12);
	assert_int_equal(o->data[12], 0x88);
	assert_int_equal(o->data[13], 0xa8);
	assert_int_equal(o->data[14], 0x10);
	assert_int_equal(o->data[15], 0x05);
	assert_memory_equal(o->data + 16, pkt + 12, 48);
}

static void
test_tc_vlan(void **state)
{
	(void)state;
	each_engine("tc_vlan", check_vlan);
}

static void
test_tc_resize(void **state)
{
	(void)state;
	for (int e = 0; e < OBJ_RUN_N_ENGINES; e++) {
		struct obj_run r = { 0 };
		uint8_t pkt[64];
		struct tc_out o;

		make_udp(pkt);
		/* 60 % 5 == 0: change_tail +10 then to len - 2 */
		run_tc(&r, "tc_resize", obj_run_engines[e], pkt, 60, &o);
		assert_int_equal(RV(&r, 50), NEG(EINVAL));
		assert_int_equal(RV(&r, 51), NEG(EINVAL));
		assert_int_equal(RV(&r, 52), NEG(ENOTSUPP));
		assert_int_equal(RV(&r, 53), NEG(EFAULT));
		assert_int_equal(RV(&r, 54), NEG(ENOTSUPP));
		assert_int_equal(RV(&r, 46), NEG(EINVAL));
		assert_int_equal(RV(&r, 47), NEG(EINVAL));
		assert_int_equal(RV(&r, 55), 0);
		assert_int_equal(RV(&r, 61), 58 + 8);
		assert_int_equal(o.len, 58);
		assert_memory_equal(o.data, pkt, 58);
		obj_run_free(&r);

		/* 61 % 5 == 1: change_head 8 zero bytes in front */
		memset(pkt + 60, 0x77, 4);
		run_tc(&r, "tc_resize", obj_run_engines[e], pkt, 61, &o);
		assert_int_equal(RV(&r, 56), 0);
		assert_int_equal(o.len, 69);
		assert_memory_equal(o.data + 8, pkt, 61);
		assert_int_equal(o.data[0] | o.data[7], 0);
		obj_run_free(&r);

		/* 63 % 5 == 3: adjust_room NET +8 (zeroes after the IP header), MAC -4 */
		run_tc(&r, "tc_resize", obj_run_engines[e], pkt, 63, &o);
		assert_int_equal(RV(&r, 58), 0);
		assert_int_equal(o.len, 67);
		assert_memory_equal(o.data, pkt, 14);
		assert_memory_equal(o.data + 14, pkt + 18, 16);	/* 4 bytes of IP gone */
		assert_int_equal(o.data[30] | o.data[37], 0);
		assert_memory_equal(o.data + 38, pkt + 34, 29);
		obj_run_free(&r);
	}
}

static void
check_hash_ecn(struct obj_run *r, const uint8_t *pkt, const struct tc_out *o)
{
	(void)pkt;
	assert_int_equal(RV(r, 62), 2 * (0x1234 + 60));	/* the set hash is kept */
	assert_int_equal(RV(r, 63), 1);
	assert_int_equal(o->data[15], 0x03);			/* CE */
}

static void
test_tc_hash_ecn(void **state)
{
	(void)state;
	each_engine("tc_hash_ecn", check_hash_ecn);
}

static void
test_tc_spin_lock(void **state)
{
	(void)state;
	for (int e = 0; e < OBJ_RUN_N_ENGINES; e++) {
		struct obj_run r = { 0 };
		uint8_t pkt[64] = { 0 };
		struct xdpdk_test_run t = { .data_in = pkt, .data_size_in = 60 };
		uint64_t v[3];
		uint32_t k = 0;

		obj_run_load(&r, "callbacks", "xdp_spin", obj_run_engines[e]);
		for (int i = 0; i < 5; i++)
			assert_int_equal(xdpdk_prog_test_run(r.prog, &t), 0);
		assert_int_equal(xdpdk_map_lookup(xdpdk_loaded_map_find(r.lo, "locked"), &k, v, 0),
				 0);
		assert_int_equal(v[0] & 0xffffffff, 0);	/* unlocked */
		assert_int_equal(v[1], 5);
		assert_int_equal(v[2], 300);
		/* the loader found the lock in the value's BTF: BPF_F_LOCK works */
		assert_true(xdpdk_map_def(xdpdk_loaded_map_find(r.lo, "locked"))->has_spin_lock);
		assert_int_equal(xdpdk_map_def(xdpdk_loaded_map_find(r.lo, "locked"))->spin_lock_off,
				 0);
		v[1] = 10;
		assert_int_equal(xdpdk_map_update(xdpdk_loaded_map_find(r.lo, "locked"), &k, v,
						  BPF_F_LOCK), 0);
		assert_int_equal(xdpdk_prog_test_run(r.prog, &t), 0);
		assert_int_equal(xdpdk_map_lookup(xdpdk_loaded_map_find(r.lo, "locked"), &k, v,
						  BPF_F_LOCK), 0);
		assert_int_equal(v[1], 11);
		obj_run_free(&r);
	}
}

static void
check_encap(struct obj_run *r, const uint8_t *pkt, const struct tc_out *o)
{
	assert_int_equal(RV(r, 16), NEG(EINVAL));	/* both L3 */
	assert_int_equal(RV(r, 17), NEG(EINVAL));	/* both L4 */
	assert_int_equal(RV(r, 18), NEG(EINVAL));	/* L2_ETH of 10 bytes */
	assert_int_equal(RV(r, 19), NEG(EINVAL));	/* inner MAC longer than the room */
	assert_int_equal(RV(r, 38), NEG(EINVAL));	/* decap while growing */
	assert_int_equal(RV(r, 39), NEG(EINVAL));	/* unknown flag */
	assert_int_equal(RV(r, 48), NEG(ENOTSUPP));	/* shrink past the packet */
	/* 60 % 4 == 0: 28 zero bytes after the MAC header, then the packet; then
	 * change_tail refuses an encapsulated packet */
	assert_int_equal(RV(r, 49), 0 + 88 + 8 + NEG(ENOTSUPP));
	assert_int_equal(o->len, 88);
	assert_memory_equal(o->data, pkt, 14);
	for (int i = 14; i < 42; i++)
		assert_int_equal(o->data[i], 0);
	assert_memory_equal(o->data + 42, pkt + 14, 46);
}

static void
test_tc_encap(void **state)
{
	(void)state;
	each_engine("tc_encap", check_encap);
}

/* BPF_PROG_TEST_RUN's __sk_buff in and out, and the packets it refuses. */
static void
test_tc_test_run_ctx(void **state)
{
	(void)state;
	for (int e = 0; e < OBJ_RUN_N_ENGINES; e++) {
		struct obj_run r = { 0 };
		uint8_t pkt[3800] = { 0 }, out[64];
		struct __sk_buff in = { .mark = 5, .priority = 6, .cb = { 0, 9 }, .tstamp = 77,
					.wire_len = 100 }, res;
		struct xdpdk_test_run t = { .data_in = pkt, .data_size_in = 60, .data_out = out,
					    .data_size_out = sizeof(out), .ctx_in = &in,
					    .ctx_size_in = sizeof(in), .ctx_out = &res,
					    .ctx_size_out = sizeof(res) };

		make_udp(pkt);
		obj_run_load(&r, "tc_ctx_fields", "tc_fields", obj_run_engines[e]);
		assert_int_equal(xdpdk_prog_test_run(r.prog, &t), 0);
		assert_int_equal(obj_run_u64(&r, "out", 0), 60);		/* len */
		assert_int_equal(obj_run_u64(&r, "out", 1), 3);		/* PACKET_OTHERHOST */
		assert_int_equal(obj_run_u64(&r, "out", 2), 0x0008);	/* htons(ETH_P_IP) */
		assert_int_equal(obj_run_u64(&r, "out", 5), 1ull << 32);	/* ifindex: lo */
		assert_int_equal(obj_run_u64(&r, "out", 7), 100);		/* wire_len */
		assert_int_equal(obj_run_u64(&r, "out", 9), 77);		/* tstamp */
		assert_int_equal(obj_run_u64(&r, "out", 13), 5 | 6ull << 32);
		assert_int_equal(obj_run_u64(&r, "out", 15), 0x2345 | 0x2ull << 32);
		assert_int_equal(obj_run_u64(&r, "out", 17), 1 + 9 + 42);
		assert_int_equal(res.mark, 180);
		assert_int_equal(res.priority, 7);
		assert_int_equal(res.cb[0], 1);
		assert_int_equal(res.cb[1], 9);
		assert_int_equal(res.cb[4], 42);
		assert_int_equal(res.tstamp, 1000);
		assert_int_equal(res.wire_len, 100);
		assert_int_equal(res.ifindex, 1);
		/* fields the kernel does not take, a wire_len below len, cut headers, size */
		in.len = 1;
		assert_int_equal(xdpdk_prog_test_run(r.prog, &t), -EINVAL);
		in.len = 0;
		in.wire_len = 59;
		assert_int_equal(xdpdk_prog_test_run(r.prog, &t), -EINVAL);
		in.wire_len = 0;
		t.data_size_in = 33;	/* IPv4 header cut */
		assert_int_equal(xdpdk_prog_test_run(r.prog, &t), -EINVAL);
		t.data_size_in = 3712;
		assert_int_equal(xdpdk_prog_test_run(r.prog, &t), -ENOSPC);	/* out too small */
		t.data_size_out = sizeof(out);
		t.data_size_in = 3713;
		assert_int_equal(xdpdk_prog_test_run(r.prog, &t), -EINVAL);
		obj_run_free(&r);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tc_load_store),
		cmocka_unit_test(test_tc_csum),
		cmocka_unit_test(test_tc_vlan),
		cmocka_unit_test(test_tc_resize),
		cmocka_unit_test(test_tc_hash_ecn),
		cmocka_unit_test(test_tc_encap),
		cmocka_unit_test(test_tc_spin_lock),
		cmocka_unit_test(test_tc_test_run_ctx),
	};

	return cmocka_run_group_tests_name("tc", tests, obj_run_eal_init, obj_run_eal_cleanup);
}
