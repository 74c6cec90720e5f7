/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ring buffer map: the kernel's creation checks, reserve/submit/discard/
 * output/query with their flags and errors, the record header, consumption
 * order (discarded records skipped, a busy record holding back the rest),
 * wraparound through the double mapping, two producer workers against one
 * consumer, and the bpf_ringbuf_* helpers called directly and from a program.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <rte_common.h>
#include <rte_eal.h>

#include <xdpdk/bpf.h>
#include <xdpdk/ctx.h>
#include <xdpdk/helpers.h>
#include <xdpdk/map.h>

#include "maps_test.h"

#include "../bpf/insn_macros.h"

#define RB_BUSY (1u << 31)
#define RB_DISCARD (1u << 30)

static int
group_setup(void **state)
{
	(void)state;
	return maps_test_start(2);
}

static int
group_teardown(void **state)
{
	return maps_test_eal_cleanup(state);
}

static struct xdpdk_map *
mk(uint32_t size)
{
	const struct xdpdk_map_def d = { .name = "rb", .type = BPF_MAP_TYPE_RINGBUF,
					 .max_entries = size };

	return xdpdk_map_create(&d);
}

/* What a consumer callback saw. */
struct seen {
	uint32_t n;
	uint32_t size[64];
	uint8_t first[64];	/* first byte of each record */
	int stop_at;		/* return -EINTR on this record (1-based), 0: never */
};

static int
record_cb(void *ctx, const void *data, size_t size)
{
	struct seen *s = ctx;

	if (s->n < RTE_DIM(s->size)) {
		s->size[s->n] = (uint32_t)size;
		s->first[s->n] = size ? *(const uint8_t *)data : 0;
	}
	s->n++;
	return s->stop_at != 0 && (int)s->n == s->stop_at ? -EINTR : 0;
}

static uint32_t *
hdr_of(void *rec)
{
	return (uint32_t *)rec - 2;	/* {len, pg_off} */
}

static void
test_ringbuf_create_checks(void **state)
{
	struct xdpdk_map_def d = { .type = BPF_MAP_TYPE_RINGBUF, .max_entries = 4096 };

	assert_int_equal(maps_test_create_errno(&d), 0);
	d.max_entries = 1u << 20;
	assert_int_equal(maps_test_create_errno(&d), 0);
	d.max_entries = 0;
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.max_entries = 3 * 4096;		/* page-aligned, not a power of two */
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.max_entries = 2048;			/* a power of two, not page-aligned */
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.max_entries = 4096;
	d.key_size = 4;
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.key_size = 0;
	d.value_size = 4;
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.value_size = 0;
	d.map_flags = BPF_F_NO_PREALLOC;
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.map_flags = BPF_F_RDONLY_PROG;
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.map_flags = BPF_F_NUMA_NODE;
	d.numa_node = -1;
	assert_int_equal(maps_test_create_errno(&d), 0);
	d.map_flags = 0;
	d.map_extra = 1;
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
}

static void
test_ringbuf_reserve_submit_discard_header(void **state)
{
	struct xdpdk_map *m = mk(4096);
	struct seen s = { 0 };
	uint8_t *a, *b, *c;
	uintptr_t base;

	assert_non_null(m);
	assert_null(xdpdk_ringbuf_reserve(m, 8, 1));		/* flags must be 0 */
	assert_null(xdpdk_ringbuf_reserve(m, 8, BPF_RB_NO_WAKEUP));
	a = xdpdk_ringbuf_reserve(m, 5, 0);
	b = xdpdk_ringbuf_reserve(m, 16, 0);
	c = xdpdk_ringbuf_reserve(m, 0, 0);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	/* 8-byte header, records rounded to 8 bytes, laid out back to back */
	assert_ptr_equal(b, a + 16);
	assert_ptr_equal(c, b + 24);
	assert_int_equal(hdr_of(a)[0], 5 | RB_BUSY);
	assert_int_equal(hdr_of(b)[0], 16 | RB_BUSY);
	/* pg_off leads every record back to the same ring start */
	base = ((uintptr_t)hdr_of(a) & ~(uintptr_t)4095) - ((uintptr_t)hdr_of(a)[1] << 12);
	assert_true(hdr_of(a)[1] >= 1);
	assert_true(((uintptr_t)hdr_of(c) & ~(uintptr_t)4095) -
			    ((uintptr_t)hdr_of(c)[1] << 12) == base);
	assert_int_equal(xdpdk_ringbuf_query(m, BPF_RB_PROD_POS), 16 + 24 + 8);

	memset(a, 0xa1, 5);
	memset(b, 0xb2, 16);
	xdpdk_ringbuf_submit(a, 0);
	xdpdk_ringbuf_discard(b, BPF_RB_FORCE_WAKEUP);
	xdpdk_ringbuf_submit(c, BPF_RB_NO_WAKEUP);
	assert_int_equal(hdr_of(a)[0], 5);
	assert_int_equal(hdr_of(b)[0], 16 | RB_DISCARD);
	assert_int_equal(hdr_of(c)[0], 0);

	assert_int_equal(xdpdk_ringbuf_consume(m, record_cb, &s), 2);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.size[0], 5);
	assert_int_equal(s.first[0], 0xa1);
	assert_int_equal(s.size[1], 0);
	assert_int_equal(xdpdk_ringbuf_query(m, BPF_RB_CONS_POS), 48);
	assert_int_equal(xdpdk_ringbuf_consume(m, record_cb, &s), 0);
	xdpdk_map_put(m);
}

static void
test_ringbuf_busy_record_holds_back_later_ones(void **state)
{
	struct xdpdk_map *m = mk(4096);
	struct seen s = { 0 };
	uint8_t one = 1, two = 2, *a, *c, *d;

	assert_non_null(m);
	a = xdpdk_ringbuf_reserve(m, 8, 0);
	assert_non_null(a);
	assert_int_equal(xdpdk_ringbuf_output(m, &one, 1, 0), 0);
	assert_int_equal(xdpdk_ringbuf_consume(m, record_cb, &s), 0);
	assert_int_equal(xdpdk_ringbuf_query(m, BPF_RB_CONS_POS), 0);
	xdpdk_ringbuf_discard(a, 0);
	assert_int_equal(xdpdk_ringbuf_consume(m, record_cb, &s), 1);
	assert_int_equal(s.first[0], 1);

	/* submitted out of order, consumed in reservation order */
	c = xdpdk_ringbuf_reserve(m, 1, 0);
	d = xdpdk_ringbuf_reserve(m, 1, 0);
	*c = 3;
	*d = 4;
	xdpdk_ringbuf_submit(d, 0);
	assert_int_equal(xdpdk_ringbuf_consume(m, record_cb, &s), 0);
	xdpdk_ringbuf_submit(c, 0);
	assert_int_equal(xdpdk_ringbuf_output(m, &two, 1, 0), 0);
	assert_int_equal(xdpdk_ringbuf_consume(m, record_cb, &s), 3);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.first[1], 3);
	assert_int_equal(s.first[2], 4);
	assert_int_equal(s.first[3], 2);
	xdpdk_map_put(m);
}

static void
test_ringbuf_output_flags_and_full(void **state)
{
	struct xdpdk_map *m = mk(4096);
	static uint8_t big[4096];
	struct seen s = { 0 };

	assert_non_null(m);
	assert_int_equal(xdpdk_ringbuf_output(m, big, 1, 4), -EINVAL);
	assert_int_equal(xdpdk_ringbuf_output(m, big, 1, BPF_RB_NO_WAKEUP | 8), -EINVAL);
	assert_int_equal(xdpdk_ringbuf_output(m, big, 1, BPF_RB_NO_WAKEUP), 0);
	assert_int_equal(xdpdk_ringbuf_output(m, big, 1, BPF_RB_FORCE_WAKEUP), 0);
	assert_int_equal(xdpdk_ringbuf_output(m, big, 1,
					      BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP), 0);
	assert_int_equal(xdpdk_ringbuf_consume(m, record_cb, &s), 3);

	/* At most size - 8 bytes in flight: a record of 4088 (4096 with header) never fits. */
	assert_null(xdpdk_ringbuf_reserve(m, 4088, 0));
	assert_null(xdpdk_ringbuf_reserve(m, 1u << 20, 0));
	assert_null(xdpdk_ringbuf_reserve(m, UINT32_MAX, 0));
	assert_null(xdpdk_ringbuf_reserve(m, 1ull << 40, 0));
	assert_int_equal(xdpdk_ringbuf_output(m, big, 4088, 0), -EAGAIN);
	assert_int_equal(xdpdk_ringbuf_output(m, big, 4080, 0), 0);
	assert_int_equal(xdpdk_ringbuf_output(m, big, 0, 0), -EAGAIN);
	assert_null(xdpdk_ringbuf_reserve(m, 0, 0));
	assert_int_equal(xdpdk_ringbuf_consume(m, record_cb, &s), 1);
	assert_int_equal(xdpdk_ringbuf_output(m, big, 0, 0), 0);
	xdpdk_map_put(m);
}

static void
test_ringbuf_query(void **state)
{
	struct xdpdk_map *m = mk(8192);
	struct seen s = { 0 };
	uint8_t buf[10] = { 0 };

	assert_non_null(m);
	assert_int_equal(xdpdk_ringbuf_query(m, BPF_RB_RING_SIZE), 8192);
	assert_int_equal(xdpdk_ringbuf_query(m, BPF_RB_AVAIL_DATA), 0);
	assert_int_equal(xdpdk_ringbuf_output(m, buf, 10, 0), 0);
	assert_int_equal(xdpdk_ringbuf_query(m, BPF_RB_AVAIL_DATA), 24);
	assert_int_equal(xdpdk_ringbuf_query(m, BPF_RB_PROD_POS), 24);
	assert_int_equal(xdpdk_ringbuf_query(m, BPF_RB_CONS_POS), 0);
	assert_non_null(xdpdk_ringbuf_reserve(m, 3, 0));	/* busy data counts too */
	assert_int_equal(xdpdk_ringbuf_query(m, BPF_RB_AVAIL_DATA), 40);
	assert_int_equal(xdpdk_ringbuf_consume(m, record_cb, &s), 1);
	assert_int_equal(xdpdk_ringbuf_query(m, BPF_RB_AVAIL_DATA), 16);
	assert_int_equal(xdpdk_ringbuf_query(m, BPF_RB_CONS_POS), 24);
	assert_int_equal(xdpdk_ringbuf_query(m, BPF_RB_PROD_POS), 40);
	/* BPF_RB_AVAIL_DATA is 0; anything past BPF_RB_PROD_POS answers 0 */
	assert_int_equal(xdpdk_ringbuf_query(m, 4), 0);
	assert_int_equal(xdpdk_ringbuf_query(m, 1ull << 40), 0);
	assert_int_equal(xdpdk_ringbuf_query(m, BPF_RB_PROD_POS | 4), 0);
	xdpdk_map_put(m);
}

static void
test_ringbuf_consume_callback_error_stops(void **state)
{
	struct xdpdk_map *m = mk(4096);
	struct seen s = { .stop_at = 2 };
	uint8_t v;

	assert_non_null(m);
	for (v = 1; v <= 3; v++)
		assert_int_equal(xdpdk_ringbuf_output(m, &v, 1, 0), 0);
	assert_int_equal(xdpdk_ringbuf_consume(m, record_cb, &s), -EINTR);
	assert_int_equal(s.n, 2);
	/* the record the callback refused is consumed all the same */
	s.stop_at = 0;
	assert_int_equal(xdpdk_ringbuf_consume(m, record_cb, &s), 1);
	assert_int_equal(s.first[2], 3);
	assert_int_equal(xdpdk_ringbuf_consume(m, NULL, &s), -EINVAL);
	assert_int_equal(xdpdk_ringbuf_consume(NULL, record_cb, &s), -EINVAL);
	xdpdk_map_put(m);
}

struct wrap_check {
	uint32_t want_size;
	uint8_t want_byte;
	uint32_t n;
};

static int
wrap_cb(void *ctx, const void *data, size_t size)
{
	struct wrap_check *w = ctx;
	const uint8_t *p = data;

	if (size != w->want_size)
		return -EBADMSG;
	for (size_t i = 0; i < size; i++)
		if (p[i] != (uint8_t)(w->want_byte + i))
			return -EBADMSG;
	w->n++;
	return 0;
}

static void
test_ringbuf_wraparound_records_are_contiguous(void **state)
{
	struct xdpdk_map *m = mk(4096);
	uint8_t buf[1100];
	uint32_t straddled = 0;

	assert_non_null(m);
	for (uint32_t i = 0; i < 200; i++) {
		struct wrap_check w = { .want_size = 1000 + (i % 5) * 3, .want_byte = (uint8_t)i };
		uint64_t pos = xdpdk_ringbuf_query(m, BPF_RB_PROD_POS);
		uint8_t *rec;

		for (uint32_t j = 0; j < w.want_size; j++)
			buf[j] = (uint8_t)(i + j);
		/* Half through output, half written in place through the pointer. */
		if (i % 2 == 0) {
			assert_int_equal(xdpdk_ringbuf_output(m, buf, w.want_size, 0), 0);
		} else {
			rec = xdpdk_ringbuf_reserve(m, w.want_size, 0);
			assert_non_null(rec);
			memcpy(rec, buf, w.want_size);
			xdpdk_ringbuf_submit(rec, 0);
		}
		straddled += (pos % 4096) + 8 + w.want_size > 4096;
		assert_int_equal(xdpdk_ringbuf_consume(m, wrap_cb, &w), 1);
		assert_int_equal(w.n, 1);
	}
	assert_true(straddled > 20);
	assert_true(xdpdk_ringbuf_query(m, BPF_RB_CONS_POS) > 40 * 4096);
	xdpdk_map_put(m);
}

static void
test_ringbuf_key_ops_and_wrong_types(void **state)
{
	struct xdpdk_map *m = mk(4096);
	const struct xdpdk_map_def qd = { .type = BPF_MAP_TYPE_QUEUE, .value_size = 4,
					  .max_entries = 4 };
	struct xdpdk_map *q = xdpdk_map_create(&qd);
	uint32_t k = 0, v = 0;

	assert_non_null(m);
	assert_non_null(q);
	assert_int_equal(xdpdk_map_lookup(m, NULL, &v, 0), -ENOTSUP);
	assert_int_equal(xdpdk_map_update(m, NULL, &v, 0), -ENOTSUP);
	assert_int_equal(xdpdk_map_delete(m, NULL), -ENOTSUP);
	assert_int_equal(xdpdk_map_get_next_key(m, NULL, &k), -ENOTSUP);
	assert_null(xdpdk_map_elem_lookup(m, NULL));
	assert_int_equal(xdpdk_map_elem_push(m, &v, 0), -ENOTSUP);
	/* the ringbuf calls on another type */
	assert_null(xdpdk_ringbuf_reserve(q, 8, 0));
	assert_int_equal(xdpdk_ringbuf_output(q, &v, 4, 0), -EINVAL);
	assert_int_equal(xdpdk_ringbuf_query(q, BPF_RB_RING_SIZE), 0);
	assert_int_equal(xdpdk_ringbuf_consume(q, record_cb, NULL), -EINVAL);
	xdpdk_map_put(q);
	xdpdk_map_put(m);
}

/* ---- two producer workers, one consumer --------------------------------- */

#define MP_PER_PRODUCER 60000
#define MP_DISCARD_TAG 0xffu

struct mp_rec {
	uint32_t tid;
	uint32_t seq;
	uint8_t pad[24];
};

struct mp_arg {
	struct xdpdk_map *map;
	uint32_t worker;
	uint64_t retries;
};

static uint32_t
mp_size(uint32_t seq)
{
	return 8 + (seq % 4) * 6 + seq % 3;	/* 8 .. 28 bytes */
}

/* Full: let the consumer run (two cores, three threads). */
static void
mp_wait(struct mp_arg *a)
{
	a->retries++;
	sched_yield();
}

static void *
mp_producer(void *p)
{
	struct mp_arg *a = p;

	xdpdk_maps_set_worker(a->worker);
	for (uint32_t seq = 0; seq < MP_PER_PRODUCER; seq++) {
		struct mp_rec r = { .tid = a->worker, .seq = seq };
		const uint32_t size = mp_size(seq);
		struct mp_rec *rec;

		memset(r.pad, (int)(seq & 0xff), sizeof(r.pad));
		if (seq % 7 == 0) {
			/* a record given up: the consumer must never see it */
			while ((rec = xdpdk_ringbuf_reserve(a->map, 12, 0)) == NULL)
				mp_wait(a);
			rec->tid = MP_DISCARD_TAG;
			xdpdk_ringbuf_discard(rec, 0);
		}
		if (seq % 2 == 0) {
			while (xdpdk_ringbuf_output(a->map, &r, size, 0) == -EAGAIN)
				mp_wait(a);
		} else {
			while ((rec = xdpdk_ringbuf_reserve(a->map, size, 0)) == NULL)
				mp_wait(a);
			memcpy(rec, &r, size);
			xdpdk_ringbuf_submit(rec, 0);
		}
	}
	return NULL;
}

struct mp_consumer {
	uint32_t next[2];
	uint32_t total;
	uint32_t bad;
};

static int
mp_cb(void *ctx, const void *data, size_t size)
{
	struct mp_consumer *c = ctx;
	struct mp_rec r = { 0 };

	memcpy(&r, data, RTE_MIN(size, sizeof(r)));
	/* every record once, each producer's in the order it reserved them */
	if (r.tid > 1 || r.seq != c->next[r.tid] || size != mp_size(r.seq)) {
		c->bad++;
		return -EBADMSG;
	}
	for (size_t i = 0; i + 8 < size; i++)
		if (r.pad[i] != (uint8_t)(r.seq & 0xff)) {
			c->bad++;
			return -EBADMSG;
		}
	c->next[r.tid]++;
	c->total++;
	return 0;
}

static void
test_ringbuf_two_producers_one_consumer(void **state)
{
	struct xdpdk_map *m = mk(16384);
	struct mp_arg a[2] = { { .worker = 0 }, { .worker = 1 } };
	struct mp_consumer c = { 0 };
	pthread_t t[2];
	int rc;

	assert_non_null(m);
	for (int i = 0; i < 2; i++) {
		a[i].map = m;
		assert_int_equal(pthread_create(&t[i], NULL, mp_producer, &a[i]), 0);
	}
	while (c.total < 2 * MP_PER_PRODUCER) {
		rc = xdpdk_ringbuf_consume(m, mp_cb, &c);
		if (rc < 0)
			break;
		if (rc == 0)
			sched_yield();
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	print_message("consumed %u records; producers retried %lu + %lu times when full\n",
		      c.total, (unsigned long)a[0].retries, (unsigned long)a[1].retries);
	assert_int_equal(c.bad, 0);
	assert_int_equal(c.next[0], MP_PER_PRODUCER);
	assert_int_equal(c.next[1], MP_PER_PRODUCER);
	assert_int_equal(xdpdk_ringbuf_consume(m, mp_cb, &c), 0);
	assert_int_equal(xdpdk_ringbuf_query(m, BPF_RB_AVAIL_DATA), 0);
	assert_int_equal(xdpdk_ringbuf_query(m, BPF_RB_CONS_POS),
			 xdpdk_ringbuf_query(m, BPF_RB_PROD_POS));
	xdpdk_map_put(m);
}

/* ---- helpers ------------------------------------------------------------- */

static uint64_t
call(uint32_t id, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	const struct xdpdk_helper_desc *d = xdpdk_helpers_get(id);

	assert_non_null(d);
	return d->fn(r1, r2, r3, r4, r5);
}

static void
test_ringbuf_helpers_resolve(void **state)
{
	const uint32_t ids[] = { BPF_FUNC_ringbuf_output, BPF_FUNC_ringbuf_reserve,
				 BPF_FUNC_ringbuf_submit, BPF_FUNC_ringbuf_discard,
				 BPF_FUNC_ringbuf_query };
	const enum xdpdk_prog_type types[] = { XDPDK_PROG_TYPE_XDP, XDPDK_PROG_TYPE_TC,
					       XDPDK_PROG_TYPE_SOCKET_FILTER };

	for (size_t i = 0; i < RTE_DIM(ids); i++) {
		for (size_t t = 0; t < RTE_DIM(types); t++) {
			const struct xdpdk_helper_desc *d =
				xdpdk_helpers_resolve(ids[i], types[t], NULL);

			assert_non_null(d);
			assert_int_equal(d->id, ids[i]);
		}
	}
	assert_string_equal(xdpdk_helpers_get(BPF_FUNC_ringbuf_reserve)->name,
			    "bpf_ringbuf_reserve");
}

static void
test_ringbuf_helpers_abi(void **state)
{
	struct xdpdk_map *m = mk(4096);
	const uint64_t mp = (uint64_t)(uintptr_t)xdpdk_map_prog_addr(m);
	struct seen s = { 0 };
	uint64_t rec;
	uint8_t v = 9;

	assert_non_null(m);
	assert_int_equal(call(BPF_FUNC_ringbuf_output, mp, (uintptr_t)&v, 1, 0, 0), 0);
	assert_int_equal((int64_t)call(BPF_FUNC_ringbuf_output, mp, (uintptr_t)&v, 1, 4, 0),
			 -EINVAL);
	assert_int_equal(call(BPF_FUNC_ringbuf_reserve, mp, 8, 1, 0, 0), 0);
	rec = call(BPF_FUNC_ringbuf_reserve, mp, 8, 0, 0, 0);
	assert_true(rec != 0);
	*(uint8_t *)(uintptr_t)rec = 10;
	assert_int_equal(call(BPF_FUNC_ringbuf_submit, rec, 0, 0, 0, 0), 0);
	rec = call(BPF_FUNC_ringbuf_reserve, mp, 8, 0, 0, 0);
	assert_int_equal(call(BPF_FUNC_ringbuf_discard, rec, BPF_RB_NO_WAKEUP, 0, 0, 0), 0);
	assert_int_equal(call(BPF_FUNC_ringbuf_query, mp, BPF_RB_AVAIL_DATA, 0, 0, 0), 48);
	assert_int_equal(call(BPF_FUNC_ringbuf_query, mp, BPF_RB_RING_SIZE, 0, 0, 0), 4096);
	assert_int_equal(xdpdk_ringbuf_consume(m, record_cb, &s), 2);
	assert_int_equal(s.first[0], 9);
	assert_int_equal(s.first[1], 10);
	xdpdk_map_put(m);
}

/* A program that writes 8 bytes from its stack with bpf_ringbuf_output. */
static void
test_ringbuf_output_from_program(void **state)
{
	const enum xdpdk_engine engines[] = { XDPDK_ENGINE_INTERP, XDPDK_ENGINE_AUTO };
	struct xdpdk_map *m = mk(4096);
	struct xdpdk_xdp_ctx ctx = { 0 };
	struct seen s = { 0 };

	assert_non_null(m);
	for (size_t e = 0; e < RTE_DIM(engines); e++) {
		const struct bpf_insn p[] = {
			BPF_LD_IMM64(BPF_REG_0, 0x1122334455667788ull),
			BPF_STX_MEM(BPF_DW, BPF_REG_10, BPF_REG_0, -8),
			BPF_LD_IMM64_RAW(BPF_REG_1, BPF_PSEUDO_MAP_FD,
					 (uintptr_t)xdpdk_map_prog_addr(m)),
			BPF_MOV64_REG(BPF_REG_2, BPF_REG_10),
			BPF_ALU64_IMM(BPF_ADD, BPF_REG_2, -8),
			BPF_MOV64_IMM(BPF_REG_3, 8),
			BPF_MOV64_IMM(BPF_REG_4, 0),
			BPF_CALL_HELPER(BPF_FUNC_ringbuf_output),
			BPF_EXIT_INSN(),
		};
		struct xdpdk_prog_opts o = { .type = XDPDK_PROG_TYPE_XDP, .engine = engines[e],
					     .helpers = xdpdk_helpers_resolve };
		struct xdpdk_prog *prog = xdpdk_prog_create(p, RTE_DIM(p), &o);

		assert_non_null(prog);
		assert_int_equal(xdpdk_prog_run(prog, &ctx, 0), 0);
		xdpdk_prog_free(prog);
	}
	assert_int_equal(xdpdk_ringbuf_consume(m, record_cb, &s), 2);
	assert_int_equal(s.size[0], 8);
	assert_int_equal(s.first[0], 0x88);
	assert_int_equal(s.first[1], 0x88);
	xdpdk_map_put(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ringbuf_create_checks),
		cmocka_unit_test(test_ringbuf_reserve_submit_discard_header),
		cmocka_unit_test(test_ringbuf_busy_record_holds_back_later_ones),
		cmocka_unit_test(test_ringbuf_output_flags_and_full),
		cmocka_unit_test(test_ringbuf_query),
		cmocka_unit_test(test_ringbuf_consume_callback_error_stops),
		cmocka_unit_test(test_ringbuf_wraparound_records_are_contiguous),
		cmocka_unit_test(test_ringbuf_key_ops_and_wrong_types),
		cmocka_unit_test(test_ringbuf_two_producers_one_consumer),
		cmocka_unit_test(test_ringbuf_helpers_resolve),
		cmocka_unit_test(test_ringbuf_helpers_abi),
		cmocka_unit_test(test_ringbuf_output_from_program),
	};

	return cmocka_run_group_tests_name("ringbuf", tests, group_setup, group_teardown);
}
