/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The XDP packet helpers and csum_diff: the programs of
 * tests/progs/xdp_pkt_helpers.bpf.c run through the XDP test run (the
 * kernel's geometry: 256 bytes of headroom, 40 of them the xdp_frame, 320
 * bytes of tail reserve, fragments past 3520 bytes) on both engines, with
 * the return values and bytes the kernel gives; and the helpers called
 * directly, for the packet left unchanged on every error path.
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

#include <xdpdk/ctx.h>
#include <xdpdk/elf.h>
#include <xdpdk/helpers.h>
#include <xdpdk/load.h>

#include "helpers_internal.h"

#define FRAME 4096
#define HEADROOM_FREE 216 /* 256 - sizeof(struct xdp_frame) */
#define MAX_LINEAR 3520
#define BIG (MAX_LINEAR + 2 * 4096 + 1000)

static const enum xdpdk_engine engines[] = { XDPDK_ENGINE_INTERP, XDPDK_ENGINE_JIT };

struct fixture {
	struct xdpdk_obj *obj;
	struct xdpdk_loaded *lo[2]; /* per engine */
	char log[2048];
};

struct result {
	uint32_t retval;
	uint32_t len;
	uint8_t data[BIG + 4096];
};

static int
setup_obj(void **state, const char *obj)
{
	const char *dir = getenv("XDPDK_PROGS_DIR");
	struct fixture *f = calloc(1, sizeof(*f));
	char path[512];
	struct xdpdk_obj_opts o = { .log_buf = f->log, .log_size = sizeof(f->log) };

	snprintf(path, sizeof(path), "%s/%s.bpf.o", dir ? dir : "tests/progs", obj);
	f->obj = xdpdk_obj_open(path, &o);
	if (f->obj == NULL) {
		fprintf(stderr, "open %s: %s\n", path, f->log);
		return -1;
	}
	for (size_t e = 0; e < 2; e++) {
		struct xdpdk_load_opts lo = { .engine = engines[e],
					      .helpers = xdpdk_helpers_resolve,
					      .log_buf = f->log, .log_size = sizeof(f->log) };

		f->lo[e] = xdpdk_obj_load(f->obj, &lo);
		if (f->lo[e] == NULL) {
			fprintf(stderr, "load: %s\n", f->log);
			return -1;
		}
	}
	*state = f;
	return 0;
}

static int
setup(void **state)
{
	return setup_obj(state, "xdp_pkt_helpers");
}

static int
setup_syncookie(void **state)
{
	return setup_obj(state, "xdp_syncookie");
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	for (size_t e = 0; e < 2; e++)
		xdpdk_loaded_free(f->lo[e]);
	xdpdk_obj_close(f->obj);
	free(f);
	return 0;
}

/* A deterministic Ethernet/IPv4/UDP-looking packet of @len bytes. */
static uint8_t *
make_pkt(uint32_t len)
{
	static const uint8_t hdr[] = {
		0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x0a, 0x08, 0x00,
		0x45, 0x00, 0x00, 0x2e, 0x00, 0x01, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
		10, 0, 0, 1, 10, 0, 0, 2, 0x04, 0xd2, 0x16, 0x2e, 0x00, 0x1a, 0x00, 0x00,
	};
	uint8_t *p = malloc(len);

	for (uint32_t i = 0; i < len; i++)
		p[i] = i < sizeof(hdr) ? hdr[i] : (uint8_t)(i * 7 + 3);
	return p;
}

/* Run @name on both engines; the two must agree, and the interpreter's outcome is returned. */
static void
run(struct fixture *f, const char *name, const uint8_t *pkt, uint32_t len, struct result *r)
{
	static struct result other;

	for (size_t e = 0; e < 2; e++) {
		struct result *o = e == 0 ? r : &other;
		struct xdpdk_prog *prog = xdpdk_loaded_prog_find(f->lo[e], name);
		struct xdpdk_test_run t = { .data_in = pkt, .data_size_in = len,
					    .data_out = o->data, .data_size_out = sizeof(o->data),
					    .repeat = 1 };

		assert_non_null(prog);
		assert_int_equal(xdpdk_prog_test_run(prog, &t), 0);
		o->retval = t.retval;
		o->len = t.data_size_out;
	}
	assert_int_equal(r->retval, other.retval);
	assert_int_equal(r->len, other.len);
	assert_memory_equal(r->data, other.data, r->len);
}

static int64_t
word(const struct result *r, uint32_t off, uint32_t i)
{
	int64_t v;

	memcpy(&v, r->data + off + i * 8, 8);
	return v;
}

static void
test_xdp_adjust_head_limits(void **state)
{
	struct fixture *f = *state;
	static struct result r;
	uint8_t *pkt = make_pkt(100);

	run(f, "xdp_head", pkt, 100, &r);
	assert_int_equal(r.retval, XDP_PASS);
	assert_int_equal(word(&r, 0, 0), -EINVAL);	/* -300: before the buffer */
	assert_int_equal(word(&r, 0, 1), -EINVAL);	/* -217: into the xdp_frame */
	assert_int_equal(word(&r, 0, 2), -EINVAL);	/* leaves 13 bytes */
	assert_int_equal(word(&r, 0, 3), 0);		/* leaves 14 */
	assert_int_equal(word(&r, 0, 4), 0);		/* back to the headroom limit */
	assert_int_equal(word(&r, 0, 5), -EINVAL);	/* one more byte */
	assert_int_equal(word(&r, 0, 6), 0);
	assert_int_equal(word(&r, 0, 7), 100 + 64);	/* a 64-byte new header */
	assert_int_equal(r.len, 164);
	/* The 64-byte new header holds the results; the packet follows unchanged. */
	assert_memory_equal(r.data + 64, pkt, 100);
	free(pkt);
}

static void
test_xdp_adjust_meta_limits(void **state)
{
	struct fixture *f = *state;
	static struct result r;
	uint8_t *pkt = make_pkt(100);
	const uint64_t magic = 0x1122334455667788ull;
	uint64_t m;

	run(f, "xdp_meta", pkt, 100, &r);
	assert_int_equal(r.retval, XDP_PASS);
	/* data_out starts at data_meta: 8 bytes of metadata carried along, then the results. */
	memcpy(&m, r.data, 8);
	assert_true(m == magic);
	assert_int_equal(r.len, 8 + 100 - 2 + HEADROOM_FREE - 8 - 2);
	/* data sits at the limit: the xdp_frame, then 8 bytes of metadata. */
	assert_int_equal(word(&r, 8, 0), -EINVAL);	/* meta past data */
	assert_int_equal(word(&r, 8, 1), -EACCES);	/* not a multiple of 4 */
	assert_int_equal(word(&r, 8, 2), -EINVAL);	/* into the xdp_frame */
	assert_int_equal(word(&r, 8, 3), 0);
	assert_int_equal(word(&r, 8, 4), 0);		/* head +2, metadata moved */
	assert_int_equal(word(&r, 8, 5), -EINVAL);	/* data would cross the metadata */
	assert_int_equal(word(&r, 8, 6), 0);		/* exactly to the limit */
	assert_int_equal(word(&r, 8, 7), -EINVAL);	/* meta 4 bytes into the xdp_frame */

	free(pkt);
	pkt = make_pkt(200);
	run(f, "xdp_meta_big", pkt, 200, &r);
	assert_int_equal(r.retval, XDP_PASS);
	assert_int_equal(word(&r, 0, 0), 0);
	assert_int_equal(word(&r, 0, 1), 0);
	assert_int_equal(word(&r, 0, 2), -EACCES);	/* 256 bytes > meta_len's 255 */
	assert_int_equal(word(&r, 0, 3), 0);
	assert_int_equal(word(&r, 0, 4), 252);
	assert_int_equal(word(&r, 0, 5), 0);
	assert_int_equal(r.len, 200 - 64);
	free(pkt);
}

static void
test_xdp_adjust_tail_linear(void **state)
{
	struct fixture *f = *state;
	static struct result r;
	uint8_t *pkt = make_pkt(100);

	run(f, "xdp_tail", pkt, 100, &r);
	assert_int_equal(r.retval, XDP_PASS);
	assert_int_equal(word(&r, 0, 0), -EINVAL);	/* +4096: past the buffer */
	assert_int_equal(word(&r, 0, 1), -EINVAL);	/* below ETH_HLEN */
	assert_int_equal(word(&r, 0, 2), 0);
	assert_int_equal(word(&r, 0, 3), 0);
	/* 100 + 60 bytes, then 256-byte steps up to 3520 (the kernel's tailroom). */
	assert_int_equal(word(&r, 0, 4), (MAX_LINEAR - 160) / 256);
	assert_int_equal(word(&r, 0, 5), 160 + 256 * ((MAX_LINEAR - 160) / 256));
	assert_int_equal(word(&r, 0, 8), 14);
	assert_int_equal(word(&r, 0, 9), 0);
	assert_int_equal(r.len, 80);
	free(pkt);
}

static void
test_xdp_adjust_tail_frags(void **state)
{
	struct fixture *f = *state;
	static struct result r;
	uint8_t *pkt = make_pkt(BIG);

	run(f, "xdp_tail", pkt, BIG, &r);
	assert_int_equal(word(&r, 0, 0), -EINVAL);	/* the last fragment has < 4096 free */
	assert_int_equal(word(&r, 0, 2), 0);		/* 1000 + 100 - 40 in the last fragment */
	/* 1060 bytes used of the last 4096-byte fragment: 11 steps of 256. */
	assert_int_equal(word(&r, 0, 4), (4096 - 1060) / 256);
	assert_int_equal(word(&r, 0, 5), BIG + 60 + 256 * ((4096 - 1060) / 256));
	assert_int_equal(word(&r, 0, 6), 0);		/* -1500 frees the last fragment */
	assert_int_equal(word(&r, 0, 7), 0);		/* down to 14 bytes, all fragments gone */
	assert_int_equal(word(&r, 0, 8), 14);
	assert_int_equal(word(&r, 0, 9), 0);		/* linear again: grows into tailroom */
	assert_int_equal(r.len, 80);
	free(pkt);
}

static void
test_xdp_load_store_bytes(void **state)
{
	struct fixture *f = *state;
	static struct result r;
	uint8_t *pkt = make_pkt(BIG);

	run(f, "xdp_bytes", pkt, BIG, &r);
	assert_int_equal(r.retval, XDP_PASS);
	assert_int_equal(r.len, BIG);
	assert_int_equal(word(&r, 0, 0), 0);
	assert_int_equal(word(&r, 0, 1), -EINVAL);	/* past the end */
	assert_int_equal(word(&r, 0, 2), -EFAULT);	/* offset past 16 bits */
	assert_int_equal(word(&r, 0, 3), -EFAULT);
	assert_int_equal(word(&r, 0, 4), -EINVAL);	/* store past the end */
	assert_int_equal(word(&r, 0, 5), 0);
	assert_int_equal(word(&r, 0, 6), 0);		/* load across linear and fragment */
	assert_int_equal(word(&r, 0, 7), 0);		/* store across two fragments */
	assert_int_equal(word(&r, 0, 8), 0);
	/* The last 16 bytes are the first 16 of the packet. */
	assert_memory_equal(r.data + BIG - 16, pkt, 16);
	/* 7600..7631 hold the 32 bytes loaded from 3500. */
	assert_memory_equal(r.data + 7600, pkt + 3500, 32);
	/* The last load saw the store: buf[47] is the packet's byte 15. */
	assert_int_equal(word(&r, 0, 9), pkt[15]);
	/* Untouched elsewhere. */
	assert_memory_equal(r.data + 80, pkt + 80, 7600 - 80);
	assert_memory_equal(r.data + 7632, pkt + 7632, BIG - 16 - 7632);

	/* A short packet: the results do not fit, store_bytes refuses, the program drops. */
	run(f, "xdp_bytes", pkt, 60, &r);
	assert_int_equal(r.retval, XDP_DROP);
	free(pkt);
}

/* Reference: the 16-bit ones' complement sum of little-endian words (RFC 1071 on x86). */
static uint16_t
ref_sum16(const uint8_t *p, uint32_t len, uint32_t seed)
{
	uint64_t s = (seed & 0xffff) + (seed >> 16);

	for (uint32_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] | (uint32_t)p[i + 1] << 8;
	if (len & 1)
		s += p[len - 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void
test_xdp_csum_diff(void **state)
{
	struct fixture *f = *state;
	static struct result r;
	uint8_t *pkt = make_pkt(600);
	const uint8_t *b = pkt + 14;

	run(f, "xdp_csum", pkt, 600, &r);
	assert_int_equal(r.retval, XDP_PASS);
	assert_int_equal(word(&r, 0, 0), ref_sum16(b, 20, 0));
	/* pull: ~(sum(from) + ~seed) */
	assert_int_equal(word(&r, 0, 1),
			 (uint16_t)~ref_sum16(b, 20, (uint16_t)~0x1234));
	/* diff: to - from, so the same bytes on both sides sum to the seed. */
	assert_int_equal(word(&r, 0, 9), 0xffff);
	/* Sizes need not be multiples of 4 (since 6.13): 6 and 2 bytes are summed. */
	assert_int_equal(word(&r, 0, 4), (uint16_t)~ref_sum16(b, 6, 0xffff));
	assert_int_equal(word(&r, 0, 5), ref_sum16(b, 2, 0));
	/* At an odd address the kernel sums with swapped lanes and swaps back: same fold. */
	assert_int_equal(word(&r, 0, 7), (uint16_t)~ref_sum16(pkt + 15, 20, ~7u));
	free(pkt);
}

/*
 * csum_partial on every length 0..96 at even and odd addresses with varied
 * seeds: its 16-bit fold is the RFC 1071 sum of the bytes and the seed.
 */
static void
test_csum_partial_matches_reference(void **state)
{
	uint8_t buf[128];
	uint64_t x = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
	for (uint32_t align = 0; align < 2; align++)
		for (uint32_t len = 0; len <= 96; len++) {
			uint32_t seed = len * 0x01000193u + align;
			uint32_t sum = xdpdk_csum_partial(buf + 8 + align, len, seed);
			uint16_t want = len == 0 && align ? (uint16_t)xdpdk_csum_from32to16(seed)
							  : ref_sum16(buf + 8 + align, len, seed);

			if (xdpdk_csum_from32to16(sum) != want)
				fail_msg("len %u align %u: 0x%04x, expected 0x%04x", len, align,
					 xdpdk_csum_from32to16(sum), want);
		}
	/* All ones never folds to zero: 0xffff + 0xffff is 0xffff in ones' complement. */
	memset(buf, 0xff, 16);
	assert_int_equal(xdpdk_csum_from32to16(xdpdk_csum_partial(buf, 16, 0)), 0xffff);
	assert_int_equal(xdpdk_csum_fold(xdpdk_csum_partial(buf, 16, 0)), 0);
}

/*
 * Found by test_random_diff (seed 21827): x86-64 sums from an odd address as
 * from any other (no lane rotation since 6.8), so pulling 32 zero bytes with
 * seed 0 gives 0, where the rotation gave the other zero, 0xffff.
 */
static void
test_csum_partial_odd_address_not_rotated(void **state)
{
	uint8_t buf[48] = { 0 };

	(void)state;
	assert_int_equal(xdpdk_csum_partial(buf + 1, 32, 0xffffffffu), 0xffffffffu);
	assert_int_equal(xdpdk_h_csum_diff((uintptr_t)(buf + 1), 32, (uintptr_t)buf, 0, 0), 0);
	assert_int_equal(xdpdk_h_csum_diff((uintptr_t)(buf + 2), 32, (uintptr_t)buf, 0, 0), 0);
}

/* The helpers directly: every error leaves the packet and the context as they were. */
static void
test_xdp_errors_leave_packet_unchanged(void **state)
{
	static uint8_t frame[FRAME];
	static uint8_t copy[FRAME];
	struct xdpdk_xdp_ctx x = { 0 }, before;
	const uint64_t c = (uint64_t)(uintptr_t)&x;
	uint8_t buf[16] = { 0xee };

	(void)state;
	for (uint32_t i = 0; i < FRAME; i++)
		frame[i] = (uint8_t)i;
	x.data_hard_start = frame;
	x.data_hard_end = frame + FRAME - 320;
	x.data_meta = x.data = frame + 256;
	x.data_end = x.data + 64;
	before = x;
	memcpy(copy, frame, FRAME);

	assert_int_equal((int64_t)xdpdk_h_xdp_adjust_head(c, (uint64_t)-217, 0, 0, 0), -EINVAL);
	assert_int_equal((int64_t)xdpdk_h_xdp_adjust_head(c, 51, 0, 0, 0), -EINVAL);
	assert_int_equal((int64_t)xdpdk_h_xdp_adjust_head(c, (uint64_t)INT32_MIN, 0, 0, 0),
			 -EINVAL);
	assert_int_equal((int64_t)xdpdk_h_xdp_adjust_tail(c, 3520 - 64 + 1, 0, 0, 0), -EINVAL);
	assert_int_equal((int64_t)xdpdk_h_xdp_adjust_tail(c, (uint64_t)-51, 0, 0, 0), -EINVAL);
	assert_int_equal((int64_t)xdpdk_h_xdp_adjust_meta(c, (uint64_t)-2, 0, 0, 0), -EACCES);
	assert_int_equal((int64_t)xdpdk_h_xdp_adjust_meta(c, 4, 0, 0, 0), -EINVAL);
	assert_int_equal((int64_t)xdpdk_h_xdp_store_bytes(c, 60, (uintptr_t)buf, 5, 0), -EINVAL);
	assert_int_equal((int64_t)xdpdk_h_xdp_store_bytes(c, 0x10000, (uintptr_t)buf, 1, 0),
			 -EFAULT);
	assert_int_equal((int64_t)xdpdk_h_xdp_load_bytes(c, 64, (uintptr_t)buf, 1, 0), -EINVAL);
	assert_memory_equal(&x, &before, sizeof(x));
	assert_memory_equal(frame, copy, FRAME);
	assert_int_equal(buf[0], 0xee);

	/* The limits themselves succeed. */
	assert_int_equal(xdpdk_h_xdp_adjust_tail(c, 3520 - 64, 0, 0, 0), 0);
	assert_int_equal(xdpdk_h_xdp_get_buff_len(c, 0, 0, 0, 0), 3520);
	assert_int_equal(xdpdk_h_xdp_adjust_head(c, (uint64_t)-216, 0, 0, 0), 0);
	assert_ptr_equal(x.data, frame + 40);
}

/* A TCP SYN over IPv4 or IPv6 with an MSS option of @mss (0: none). */
static uint32_t
make_syn(uint8_t *pkt, int v6, uint16_t mss)
{
	static const uint8_t eth4[] = { 2, 0, 0, 0, 0, 0x0b, 2, 0, 0, 0, 0, 0x0a, 0x08, 0x00 };
	static const uint8_t eth6[] = { 2, 0, 0, 0, 0, 0x0b, 2, 0, 0, 0, 0, 0x0a, 0x86, 0xdd };
	const uint32_t l3 = v6 ? 40 : 20, th_len = mss ? 24 : 20;
	uint8_t *ip = pkt + 14, *th = ip + l3;

	memset(pkt, 0, 14 + l3 + th_len);
	memcpy(pkt, v6 ? eth6 : eth4, 14);
	if (v6) {
		ip[0] = 0x60;
		ip[5] = (uint8_t)th_len;
		ip[6] = 6; /* TCP */
		ip[7] = 64;
		ip[8] = 0x20, ip[9] = 0x01, ip[23] = 1;	/* 2001::1 */
		ip[24] = 0x20, ip[25] = 0x01, ip[39] = 2;	/* 2001::2 */
	} else {
		ip[0] = 0x45;
		ip[3] = (uint8_t)(l3 + th_len);
		ip[8] = 64;
		ip[9] = 6;
		ip[12] = 10, ip[15] = 1, ip[16] = 10, ip[19] = 2;
	}
	th[0] = 0x30, th[1] = 0x39;	/* 12345 */
	th[3] = 80;
	th[4] = 0x12, th[5] = 0x34, th[6] = 0x56, th[7] = 0x78;
	th[12] = (uint8_t)((th_len / 4) << 4);
	th[13] = 0x02; /* SYN */
	if (mss) {
		th[20] = 2, th[21] = 4, th[22] = (uint8_t)(mss >> 8), th[23] = (uint8_t)mss;
	}
	return 14 + l3 + th_len;
}

static int32_t
rc32(const struct result *r, uint32_t i)
{
	int32_t v;

	memcpy(&v, r->data + 14 + 4 * i, 4);
	return v;
}

static void
test_syncookie_round_trip_and_errors(void **state)
{
	struct fixture *f = *state;
	static struct result r;
	static const struct {
		int v6;
		uint16_t mss_in, mss_kept;
	} cases[] = {
		{ 0, 0, 536 },		/* no option: TCP_MSS_DEFAULT */
		{ 0, 1460, 1460 },
		{ 0, 1450, 1440 },	/* the largest msstab entry not above it */
		{ 0, 1000, 536 },
		{ 0, 9000, 1460 },
		{ 1, 0, 1220 },		/* IPv6 without option: IPV6_MIN_MTU - 60 */
		{ 1, 1440, 1440 },
		{ 1, 9000, 8940 },
		{ 1, 1500, 1440 },
	};
	uint8_t pkt[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t len = make_syn(pkt, cases[i].v6, cases[i].mss_in);

		run(f, "xdp_syncookie", pkt, len, &r);
		assert_int_equal(r.retval, XDP_TX);
		assert_int_equal(rc32(&r, 0), cases[i].mss_kept);
		assert_int_equal(rc32(&r, 1), -EINVAL);	/* th_len != doff * 4 */
		assert_int_equal(rc32(&r, 2), -EINVAL);	/* th_len 0 */
		assert_int_equal(rc32(&r, 3), 0);		/* the ACK's cookie checks */
		assert_int_equal(rc32(&r, 4), -EACCES);	/* from another minute */
		assert_int_equal(rc32(&r, 5), -EACCES);	/* another hash */
		assert_int_equal(rc32(&r, 7), 1);
	}
}

/* The helpers directly: the cookie carries the MSS index and the SYN's sequence number. */
static void
test_syncookie_direct(void **state)
{
	uint8_t pkt[128], ack[60];
	uint32_t len;
	uint64_t g, g2;
	uint32_t cookie;

	(void)state;
	len = make_syn(pkt, 0, 1460);
	assert_int_equal(len, 14 + 20 + 24);
	g = xdpdk_h_tcp_raw_gen_syncookie_ipv4((uintptr_t)(pkt + 14), (uintptr_t)(pkt + 34), 24,
					       0, 0);
	assert_int_equal(g >> 32, 1460);
	/* Same tuple, same minute: same cookie; another source port: another cookie. */
	g2 = xdpdk_h_tcp_raw_gen_syncookie_ipv4((uintptr_t)(pkt + 14), (uintptr_t)(pkt + 34), 24,
						0, 0);
	assert_int_equal(g, g2);
	pkt[34] ^= 1;
	g2 = xdpdk_h_tcp_raw_gen_syncookie_ipv4((uintptr_t)(pkt + 14), (uintptr_t)(pkt + 34), 24,
						0, 0);
	assert_int_not_equal((uint32_t)g, (uint32_t)g2);
	pkt[34] ^= 1;
	cookie = (uint32_t)g;
	memcpy(ack, pkt + 34, 20);
	ack[4] = 0x12, ack[5] = 0x34, ack[6] = 0x56, ack[7] = 0x79;	/* seq + 1 */
	cookie += 1;
	ack[8] = (uint8_t)(cookie >> 24), ack[9] = (uint8_t)(cookie >> 16);
	ack[10] = (uint8_t)(cookie >> 8), ack[11] = (uint8_t)cookie;
	assert_int_equal(xdpdk_h_tcp_raw_check_syncookie_ipv4((uintptr_t)(pkt + 14),
							      (uintptr_t)ack, 0, 0, 0), 0);
	/* Another client address does not pass. */
	pkt[14 + 15] = 9;
	assert_int_equal((int64_t)xdpdk_h_tcp_raw_check_syncookie_ipv4((uintptr_t)(pkt + 14),
								       (uintptr_t)ack, 0, 0, 0),
			 -EACCES);
	/* A header length short of the struct. */
	assert_int_equal((int64_t)xdpdk_h_tcp_raw_gen_syncookie_ipv6((uintptr_t)(pkt + 14),
								     (uintptr_t)(pkt + 34), 16, 0,
								     0),
			 -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest syncookie_tests[] = {
		cmocka_unit_test(test_syncookie_round_trip_and_errors),
		cmocka_unit_test(test_syncookie_direct),
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xdp_adjust_head_limits),
		cmocka_unit_test(test_xdp_adjust_meta_limits),
		cmocka_unit_test(test_xdp_adjust_tail_linear),
		cmocka_unit_test(test_xdp_adjust_tail_frags),
		cmocka_unit_test(test_xdp_load_store_bytes),
		cmocka_unit_test(test_xdp_csum_diff),
		cmocka_unit_test(test_xdp_errors_leave_packet_unchanged),
		cmocka_unit_test(test_csum_partial_matches_reference),
		cmocka_unit_test(test_csum_partial_odd_address_not_rotated),
	};

	int failed = cmocka_run_group_tests_name("helpers_xdp", tests, setup, teardown);

	return failed + cmocka_run_group_tests_name("helpers_syncookie", syncookie_tests,
						    setup_syncookie, teardown);
}
