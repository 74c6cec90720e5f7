/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Perf event array: creation checks, one ring per worker, the slot rules of
 * bpf_perf_event_output (current CPU, explicit index, out of range, another
 * worker's slot), lost records counted and reported, records that would
 * wrap, the XDP packet sample through the helper, and two workers writing
 * their own slots while the control plane consumes.
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

#define N_WORKERS 2

static int
group_setup(void **state)
{
	(void)state;
	return maps_test_start(N_WORKERS);
}

static int
group_teardown(void **state)
{
	return maps_test_eal_cleanup(state);
}

static int
setup_worker0(void **state)
{
	xdpdk_maps_set_worker(0);
	return 0;
}

static struct xdpdk_map *
mk(uint32_t max_entries, uint64_t ring_bytes)
{
	const struct xdpdk_map_def d = { .name = "events", .type = BPF_MAP_TYPE_PERF_EVENT_ARRAY,
					 .key_size = 4, .value_size = 4,
					 .max_entries = max_entries, .map_extra = ring_bytes };

	return xdpdk_map_create(&d);
}

struct seen {
	uint32_t n;
	uint32_t slot[64];
	uint32_t size[64];
	uint8_t data[64][64];
	uint64_t lost[N_WORKERS];
	uint32_t lost_calls;
	int stop_at;
};

static int
sample_cb(void *ctx, uint32_t slot, const void *data, uint32_t size)
{
	struct seen *s = ctx;

	if (s->n < 64) {
		s->slot[s->n] = slot;
		s->size[s->n] = size;
		memcpy(s->data[s->n], data, RTE_MIN(size, 64u));
	}
	s->n++;
	return s->stop_at != 0 && (int)s->n == s->stop_at ? -EINTR : 0;
}

static void
lost_cb(void *ctx, uint32_t slot, uint64_t lost)
{
	struct seen *s = ctx;

	s->lost[slot] += lost;
	s->lost_calls++;
}

static void
test_perf_create_checks(void **state)
{
	struct xdpdk_map_def d = { .type = BPF_MAP_TYPE_PERF_EVENT_ARRAY, .key_size = 4,
				   .value_size = 4, .max_entries = 4 };
	struct xdpdk_map *m;

	assert_int_equal(maps_test_create_errno(&d), 0);
	d.key_size = 8;
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.key_size = 4;
	d.value_size = 8;
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.value_size = 4;
	d.map_flags = BPF_F_NO_PREALLOC;
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.map_flags = BPF_F_RDONLY_PROG;
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.map_flags = BPF_F_MMAPABLE;
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.map_flags = BPF_F_PRESERVE_ELEMS;
	assert_int_equal(maps_test_create_errno(&d), 0);
	d.map_flags = 0;
	d.map_extra = 100;		/* not a power of two */
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.map_extra = 32;		/* below the minimum */
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.map_extra = 1ull << 40;
	assert_int_equal(maps_test_create_errno(&d), EINVAL);
	d.map_extra = 4096;
	assert_int_equal(maps_test_create_errno(&d), 0);
	/* max_entries 0: one per worker, as libbpf's one per CPU */
	d.max_entries = 0;
	m = xdpdk_map_create(&d);
	assert_non_null(m);
	assert_int_equal(xdpdk_map_def(m)->max_entries, N_WORKERS);
	xdpdk_map_put(m);
}

static void
test_perf_slot_rules(void **state)
{
	struct xdpdk_map *m = mk(8, 4096);
	struct seen s = { 0 };
	uint32_t v = 0x01020304;

	assert_non_null(m);
	xdpdk_maps_set_worker(1);
	assert_int_equal(xdpdk_perf_event_output(m, BPF_F_CURRENT_CPU, &v, 4, NULL, 0), 0);
	assert_int_equal(xdpdk_perf_event_output(m, 1, &v, 4, NULL, 0), 0);
	/* the kernel: only the current CPU's event can be written */
	assert_int_equal(xdpdk_perf_event_output(m, 0, &v, 4, NULL, 0), -EOPNOTSUPP);
	/* in range of max_entries but no worker there: no event at that index */
	assert_int_equal(xdpdk_perf_event_output(m, 2, &v, 4, NULL, 0), -ENOENT);
	assert_int_equal(xdpdk_perf_event_output(m, 7, &v, 4, NULL, 0), -ENOENT);
	assert_int_equal(xdpdk_perf_event_output(m, 8, &v, 4, NULL, 0), -E2BIG);
	assert_int_equal(xdpdk_perf_event_output(m, 1ull << 32, &v, 4, NULL, 0), -EINVAL);
	xdpdk_maps_set_worker(0);
	assert_int_equal(xdpdk_perf_event_output(m, BPF_F_CURRENT_CPU, &v, 4, NULL, 0), 0);

	assert_int_equal(xdpdk_perf_consume(m, 1, sample_cb, lost_cb, &s), 2);
	assert_int_equal(s.slot[0], 1);
	assert_int_equal(s.size[0], 4);
	assert_memory_equal(s.data[0], &v, 4);
	assert_int_equal(xdpdk_perf_consume(m, 1, sample_cb, lost_cb, &s), 0);
	assert_int_equal(xdpdk_perf_consume(m, XDPDK_PERF_ALL_SLOTS, sample_cb, lost_cb, &s), 1);
	assert_int_equal(s.slot[2], 0);
	assert_int_equal(s.lost_calls, 0);
	/* consume argument checks */
	assert_int_equal(xdpdk_perf_consume(m, 2, sample_cb, lost_cb, &s), -EINVAL);
	assert_int_equal(xdpdk_perf_consume(m, -2, sample_cb, lost_cb, &s), -EINVAL);
	assert_int_equal(xdpdk_perf_consume(m, 0, NULL, lost_cb, &s), -EINVAL);
	assert_int_equal(xdpdk_perf_consume(NULL, 0, sample_cb, lost_cb, &s), -EINVAL);
	xdpdk_map_put(m);
}

static void
test_perf_lost_records_counted(void **state)
{
	struct xdpdk_map *m = mk(N_WORKERS, 256);
	struct seen s = { 0 };
	uint8_t buf[64];
	uint32_t ok = 0, lost = 0;

	assert_non_null(m);
	for (uint32_t i = 0; i < 10; i++) {
		long rc;

		memset(buf, (int)i, sizeof(buf));
		rc = xdpdk_perf_event_output(m, BPF_F_CURRENT_CPU, buf, 56, NULL, 0);
		assert_true(rc == 0 || rc == -ENOSPC);
		ok += rc == 0;
		lost += rc == -ENOSPC;
	}
	/* 64 bytes a record in a 256-byte ring: four fit */
	assert_int_equal(ok, 4);
	assert_int_equal(lost, 6);
	/* a record larger than the ring can never fit */
	assert_int_equal(xdpdk_perf_event_output(m, 0, buf, 64, buf, 200), -ENOSPC);
	assert_int_equal(xdpdk_perf_consume(m, 0, sample_cb, lost_cb, &s), 4);
	assert_int_equal(s.lost[0], 7);
	assert_int_equal(s.lost_calls, 1);
	for (uint32_t i = 0; i < 4; i++) {
		assert_int_equal(s.size[i], 56);
		assert_int_equal(s.data[i][0], i);
	}
	/* reported once */
	assert_int_equal(xdpdk_perf_consume(m, 0, sample_cb, lost_cb, &s), 0);
	assert_int_equal(s.lost_calls, 1);
	/* and counted without a lost callback too */
	for (uint32_t i = 0; i < 5; i++)
		xdpdk_perf_event_output(m, 0, buf, 56, NULL, 0);
	assert_int_equal(xdpdk_perf_consume(m, 0, sample_cb, NULL, &s), 4);
	assert_int_equal(xdpdk_perf_consume(m, 0, sample_cb, lost_cb, &s), 0);
	assert_int_equal(s.lost_calls, 1);
	xdpdk_map_put(m);
}

/* Records that would run past the end start over at the beginning. */
static void
test_perf_wrap_keeps_records_whole(void **state)
{
	struct xdpdk_map *m = mk(N_WORKERS, 256);
	uint8_t buf[100];

	assert_non_null(m);
	for (uint32_t i = 0; i < 100; i++) {
		const uint32_t size = 20 + (i * 7) % 80;
		struct seen s = { 0 };

		for (uint32_t j = 0; j < size; j++)
			buf[j] = (uint8_t)(i + j);
		assert_int_equal(xdpdk_perf_event_output(m, 0, buf, size / 2, buf + size / 2,
							 size - size / 2), 0);
		assert_int_equal(xdpdk_perf_consume(m, 0, sample_cb, lost_cb, &s), 1);
		assert_int_equal(s.size[0], size);
		assert_memory_equal(s.data[0], buf, RTE_MIN(size, 64u));
		assert_int_equal(s.lost_calls, 0);
	}
	xdpdk_map_put(m);
}

static void
test_perf_callback_error_stops(void **state)
{
	struct xdpdk_map *m = mk(N_WORKERS, 4096);
	struct seen s = { .stop_at = 2 };
	uint8_t v;

	assert_non_null(m);
	for (v = 1; v <= 3; v++)
		assert_int_equal(xdpdk_perf_event_output(m, 0, &v, 1, NULL, 0), 0);
	assert_int_equal(xdpdk_perf_consume(m, 0, sample_cb, lost_cb, &s), -EINTR);
	s.stop_at = 0;
	assert_int_equal(xdpdk_perf_consume(m, 0, sample_cb, lost_cb, &s), 1);
	assert_int_equal(s.data[2][0], 3);
	xdpdk_map_put(m);
}

static void
test_perf_key_ops(void **state)
{
	struct xdpdk_map *m = mk(3, 0);
	uint32_t k = 0, next = 99, v = 0;

	assert_non_null(m);
	assert_int_equal(xdpdk_map_lookup(m, &k, &v, 0), -ENOTSUP);
	assert_int_equal(xdpdk_map_update(m, &k, &v, 0), -ENOTSUP);
	assert_int_equal(xdpdk_map_delete(m, &k), -ENOTSUP);
	assert_null(xdpdk_map_elem_lookup(m, &k));
	/* walked as an array */
	assert_int_equal(xdpdk_map_get_next_key(m, NULL, &next), 0);
	assert_int_equal(next, 0);
	k = 1;
	assert_int_equal(xdpdk_map_get_next_key(m, &k, &next), 0);
	assert_int_equal(next, 2);
	k = 2;
	assert_int_equal(xdpdk_map_get_next_key(m, &k, &next), -ENOENT);
	k = 50;
	assert_int_equal(xdpdk_map_get_next_key(m, &k, &next), 0);
	assert_int_equal(next, 0);
	xdpdk_map_put(m);
}

/* ---- the helper: bpf_perf_event_output with the XDP packet sample -------- */

static uint64_t
call_output(uint64_t ctx, struct xdpdk_map *m, uint64_t flags, const void *data, uint64_t size)
{
	const struct xdpdk_helper_desc *d = xdpdk_helpers_get(BPF_FUNC_perf_event_output);

	assert_non_null(d);
	return d->fn(ctx, (uintptr_t)xdpdk_map_prog_addr(m), flags, (uintptr_t)data, size);
}

static void
test_perf_helper_packet_sample(void **state)
{
	struct xdpdk_map *m = mk(N_WORKERS, 4096);
	uint8_t pkt[60];
	struct xdpdk_xdp_ctx ctx = { .data = pkt, .data_end = pkt + sizeof(pkt) };
	const uint64_t c = (uintptr_t)&ctx;
	struct seen s = { 0 };
	uint32_t meta = 0xa5a5a5a5;

	assert_non_null(m);
	for (uint32_t i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)i;
	/* data, then 16 bytes of the packet */
	assert_int_equal(call_output(c, m, BPF_F_CURRENT_CPU | (16ull << 32), &meta, 4), 0);
	/* packet only */
	assert_int_equal(call_output(c, m, (60ull << 32), NULL, 0), 0);
	/* data only */
	assert_int_equal(call_output(c, m, 0, &meta, 4), 0);
	/* more than the packet: -EFAULT; unknown flag bits: -EINVAL */
	assert_int_equal((int64_t)call_output(c, m, 61ull << 32, &meta, 4), -EFAULT);
	assert_int_equal((int64_t)call_output(0, m, 0, &meta, 4), -EFAULT);
	assert_int_equal((int64_t)call_output(c, m, 1ull << 52, &meta, 4), -EINVAL);
	assert_int_equal((int64_t)call_output(c, m, 1ull << 63, &meta, 4), -EINVAL);
	/* the slot rules come through */
	assert_int_equal((int64_t)call_output(c, m, 1, &meta, 4), -EOPNOTSUPP);
	assert_int_equal((int64_t)call_output(c, m, 5, &meta, 4), -E2BIG);

	assert_int_equal(xdpdk_perf_consume(m, 0, sample_cb, lost_cb, &s), 3);
	assert_int_equal(s.size[0], 20);
	assert_memory_equal(s.data[0], &meta, 4);
	assert_memory_equal(s.data[0] + 4, pkt, 16);
	assert_int_equal(s.size[1], 60);
	assert_memory_equal(s.data[1], pkt, 60);
	assert_int_equal(s.size[2], 4);
	xdpdk_map_put(m);
}

static void
test_perf_helper_resolve(void **state)
{
	assert_non_null(xdpdk_helpers_resolve(BPF_FUNC_perf_event_output, XDPDK_PROG_TYPE_XDP,
					      NULL));
	assert_non_null(xdpdk_helpers_resolve(BPF_FUNC_perf_event_output, XDPDK_PROG_TYPE_TC,
					      NULL));
	assert_null(xdpdk_helpers_resolve(BPF_FUNC_perf_event_output, XDPDK_PROG_TYPE_RAW,
					  NULL));
	assert_string_equal(xdpdk_helpers_get(BPF_FUNC_perf_event_output)->name,
			    "bpf_perf_event_output");
}

/* An XDP program sending 8 bytes of its stack and the first 4 packet bytes. */
static void
test_perf_output_from_program(void **state)
{
	struct xdpdk_map *m = mk(N_WORKERS, 4096);
	uint8_t pkt[14] = { 0xde, 0xad, 0xbe, 0xef };
	struct xdpdk_xdp_ctx ctx = { .data = pkt, .data_end = pkt + sizeof(pkt),
				     .data_meta = pkt };
	struct seen s = { 0 };
	const struct bpf_insn p[] = {
		BPF_ST_MEM(BPF_DW, BPF_REG_10, -8, 0x55),
		BPF_LD_IMM64_RAW(BPF_REG_2, BPF_PSEUDO_MAP_FD, (uintptr_t)xdpdk_map_prog_addr(m)),
		BPF_LD_IMM64(BPF_REG_3, BPF_F_CURRENT_CPU | (4ull << 32)),
		BPF_MOV64_REG(BPF_REG_4, BPF_REG_10),
		BPF_ALU64_IMM(BPF_ADD, BPF_REG_4, -8),
		BPF_MOV64_IMM(BPF_REG_5, 8),
		BPF_CALL_HELPER(BPF_FUNC_perf_event_output),
		BPF_EXIT_INSN(),
	};
	const enum xdpdk_engine engines[] = { XDPDK_ENGINE_INTERP, XDPDK_ENGINE_AUTO };

	assert_non_null(m);
	for (size_t e = 0; e < RTE_DIM(engines); e++) {
		struct xdpdk_prog_opts o = { .type = XDPDK_PROG_TYPE_XDP, .engine = engines[e],
					     .helpers = xdpdk_helpers_resolve };
		struct xdpdk_prog *prog = xdpdk_prog_create(p, RTE_DIM(p), &o);

		assert_non_null(prog);
		assert_int_equal(xdpdk_prog_run(prog, &ctx, 0), 0);
		xdpdk_prog_free(prog);
	}
	assert_int_equal(xdpdk_perf_consume(m, 0, sample_cb, lost_cb, &s), 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(s.size[i], 12);
		assert_int_equal(s.data[i][0], 0x55);
		assert_memory_equal(s.data[i] + 8, pkt, 4);
	}
	xdpdk_map_put(m);
}

/* ---- two workers, each on its own slot, one consumer --------------------- */

#define MT_N 50000

struct mt_arg {
	struct xdpdk_map *map;
	uint32_t worker;
	uint64_t sent;
};

static void *
mt_worker(void *p)
{
	struct mt_arg *a = p;

	xdpdk_maps_set_worker(a->worker);
	for (uint32_t i = 0; i < MT_N; i++) {
		const uint32_t rec[2] = { a->worker, i };

		/* lost records are fine; the consumer checks the count adds up */
		if (xdpdk_perf_event_output(a->map, BPF_F_CURRENT_CPU, rec, sizeof(rec),
					    NULL, 0) == 0)
			a->sent++;
		else
			sched_yield();	/* let the consumer catch up */
	}
	return NULL;
}

struct mt_seen {
	uint32_t last[N_WORKERS];	/* last seq + 1 */
	uint64_t got[N_WORKERS];
	uint64_t lost[N_WORKERS];
	uint32_t bad;
};

static int
mt_sample(void *ctx, uint32_t slot, const void *data, uint32_t size)
{
	struct mt_seen *s = ctx;
	uint32_t rec[2];

	memcpy(rec, data, sizeof(rec));
	/* on the worker's own slot, in increasing order */
	if (size != sizeof(rec) || rec[0] != slot || rec[1] + 1 <= s->last[slot]) {
		s->bad++;
		return -EBADMSG;
	}
	s->last[slot] = rec[1] + 1;
	s->got[slot]++;
	return 0;
}

static void
mt_lost(void *ctx, uint32_t slot, uint64_t lost)
{
	struct mt_seen *s = ctx;

	s->lost[slot] += lost;
}

static void
test_perf_two_workers_own_slots(void **state)
{
	struct xdpdk_map *m = mk(0, 16384);
	struct mt_arg a[N_WORKERS] = { { .worker = 0 }, { .worker = 1 } };
	struct mt_seen s = { 0 };
	pthread_t t[N_WORKERS];
	int done = 0;

	assert_non_null(m);
	for (int i = 0; i < N_WORKERS; i++) {
		a[i].map = m;
		assert_int_equal(pthread_create(&t[i], NULL, mt_worker, &a[i]), 0);
	}
	while (!done) {
		done = s.got[0] + s.lost[0] == MT_N && s.got[1] + s.lost[1] == MT_N;
		assert_true(xdpdk_perf_consume(m, XDPDK_PERF_ALL_SLOTS, mt_sample, mt_lost,
					       &s) >= 0);
		sched_yield();
	}
	for (int i = 0; i < N_WORKERS; i++)
		pthread_join(t[i], NULL);
	print_message("slot 0: %lu received, %lu lost; slot 1: %lu received, %lu lost\n",
		      (unsigned long)s.got[0], (unsigned long)s.lost[0],
		      (unsigned long)s.got[1], (unsigned long)s.lost[1]);
	assert_int_equal(s.bad, 0);
	for (int i = 0; i < N_WORKERS; i++) {
		assert_int_equal(s.got[i], a[i].sent);
		assert_int_equal(s.got[i] + s.lost[i], MT_N);
	}
	xdpdk_map_put(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_perf_create_checks, setup_worker0),
		cmocka_unit_test_setup(test_perf_slot_rules, setup_worker0),
		cmocka_unit_test_setup(test_perf_lost_records_counted, setup_worker0),
		cmocka_unit_test_setup(test_perf_wrap_keeps_records_whole, setup_worker0),
		cmocka_unit_test_setup(test_perf_callback_error_stops, setup_worker0),
		cmocka_unit_test_setup(test_perf_key_ops, setup_worker0),
		cmocka_unit_test_setup(test_perf_helper_packet_sample, setup_worker0),
		cmocka_unit_test_setup(test_perf_helper_resolve, setup_worker0),
		cmocka_unit_test_setup(test_perf_output_from_program, setup_worker0),
		cmocka_unit_test_setup(test_perf_two_workers_own_slots, setup_worker0),
	};

	return cmocka_run_group_tests_name("perf", tests, group_setup, group_teardown);
}
