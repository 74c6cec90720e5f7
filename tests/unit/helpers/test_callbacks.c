/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Callbacks (BPF_PSEUDO_FUNC references) and the helpers that run them:
 * bpf_loop and bpf_for_each_map_elem, on the interpreter and the JIT, from
 * tests/progs/callbacks.bpf.c and from hand-written instructions.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "obj_run.h"

#define I(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
					     .off = (o), .imm = (i) })
#define MOV_K(d, k) I(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, k)
#define MOV_X(d, s) I(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD_K(d, k) I(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, k)
#define CALL(id) I(BPF_JMP | BPF_CALL, 0, 0, 0, id)
#define EXIT() I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define LD_FUNC(d, rel) I(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_FUNC, 0, rel), I(0, 0, 0, 0, 0)
#define STX_DW(d, s, o) I(BPF_STX | BPF_MEM | BPF_DW, d, s, o, 0)
#define LDX_DW(d, s, o) I(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)

/* A 60-byte Ethernet frame whose bytes are their offsets plus @p seed. */
static void
make_pkt(uint8_t *p, uint32_t len, uint8_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i + seed);
}

/* What xdp_loops computes for a packet of @p len bytes. */
static void
loops_reference(uint32_t len, uint64_t *n, uint64_t *sum)
{
	uint32_t nr = len % 17, stop = len % 13, i;

	*sum = 0;
	for (i = 0; i < nr; i++) {
		*sum += i * 3 + 1;
		if ((i & 3) == 3)
			*sum += 2000;
		if (i == stop) {
			i++;
			break;
		}
	}
	*n = i;
}

static void
test_callbacks_bpf_loop(void **state)
{
	(void)state;
	for (int e = 0; e < OBJ_RUN_N_ENGINES; e++) {
		struct obj_run r = { 0 };
		uint64_t n_tot = 0, sum_tot = 0;

		obj_run_load(&r, "callbacks", "xdp_loops", obj_run_engines[e]);
		for (uint32_t len = 14; len < 80; len += 3) {
			uint8_t pkt[128];
			struct xdpdk_test_run t = { .data_in = pkt, .data_size_in = len };
			uint64_t n, sum;

			make_pkt(pkt, len, 0);
			assert_int_equal(xdpdk_prog_test_run(r.prog, &t), 0);
			loops_reference(len, &n, &sum);
			n_tot += n;
			sum_tot += sum;
			assert_int_equal(t.retval, n & 3);
		}
		assert_int_equal(obj_run_u64(&r, "res", 0), n_tot);
		assert_int_equal(obj_run_u64(&r, "res", 1), sum_tot);
		/* flags != 0: the helper's full -EINVAL; too many loops: the inlined -E2BIG */
		assert_int_equal(obj_run_u64(&r, "res", 2), (uint64_t)-EINVAL);
		assert_int_equal(obj_run_u64(&r, "res", 3), (uint32_t)-E2BIG);
		assert_int_equal(obj_run_u64(&r, "res", 4), 0);
		obj_run_free(&r);
	}
}

static void
test_callbacks_for_each_map_elem(void **state)
{
	(void)state;
	for (int e = 0; e < OBJ_RUN_N_ENGINES; e++) {
		struct obj_run r = { 0 };
		uint8_t pkt[60];
		struct xdpdk_test_run t = { .data_in = pkt, .data_size_in = sizeof(pkt) };
		uint32_t k = (23 ^ 13 ^ 60) & 31, ai = k & 7;
		uint64_t v = 12 + 1, val;

		obj_run_load(&r, "callbacks", "xdp_for_each", obj_run_engines[e]);
		make_pkt(pkt, sizeof(pkt), 0);
		assert_int_equal(xdpdk_prog_test_run(r.prog, &t), 0);
		assert_int_equal(t.retval, XDP_PASS);
		assert_int_equal(obj_run_u64(&r, "res", 5), 8);	/* every array index */
		assert_int_equal(obj_run_u64(&r, "res", 6), 1);	/* the one hash entry */
		assert_int_equal(obj_run_u64(&r, "res", 7), 1);
		/* arr: 8 indexes (key * 7 + value), h and lh: k * 7 + v each */
		assert_int_equal(obj_run_u64(&r, "res", 8),
				 7 * (0 + 1 + 2 + 3 + 4 + 5 + 6 + 7) + v + 2 * (k * 7 + v));
		assert_int_equal(obj_run_u64(&r, "res", 9), 8);
		assert_int_equal(obj_run_u64(&r, "res", 10), 1);
		assert_int_equal(obj_run_u64(&r, "res", 11), 1);
		assert_int_equal(obj_run_u64(&r, "res", 12), 28 + 2 * k);
		assert_int_equal(obj_run_u64(&r, "res", 13), 2);	/* stopped at once */
		assert_int_equal(obj_run_u64(&r, "res", 14), (uint64_t)-EINVAL);
		/* the callback wrote through the value pointers */
		assert_int_equal(obj_run_u64(&r, "arr", ai), v + ai + 1);
		assert_int_equal(obj_run_u64(&r, "arr", (ai + 1) & 7), ((ai + 1) & 7) + 1);
		assert_int_equal(xdpdk_map_lookup(xdpdk_loaded_map_find(r.lo, "h"), &k, &val, 0),
				 0);
		assert_int_equal(val, v + k + 1);
		/* pkt[0] is even: nothing deleted; an odd first byte deletes odd keys */
		pkt[0] = 1;
		pkt[23] = (uint8_t)(pkt[23] ^ 1);
		assert_int_equal(xdpdk_prog_test_run(r.prog, &t), 0);
		assert_int_equal(obj_run_u64(&r, "res", 15), 2);
		assert_int_equal(xdpdk_map_lookup(xdpdk_loaded_map_find(r.lo, "h"), &k, &val, 0),
				 (k & 1) ? -ENOENT : 0);
		obj_run_free(&r);
	}
}

static uint64_t
run_raw(const struct bpf_insn *p, uint32_t n, enum xdpdk_engine engine, int bounds_check)
{
	char log[512];
	struct xdpdk_prog_opts o = { .type = XDPDK_PROG_TYPE_RAW, .engine = engine,
				     .helpers = xdpdk_helpers_resolve, .log_buf = log,
				     .log_size = sizeof(log), .bounds_check = bounds_check,
				     /* raw streams of the engine's own tests, as in test_vm.c */
				     .no_verify = 1 };
	struct xdpdk_prog *prog = xdpdk_prog_create(p, n, &o);
	struct xdpdk_run_result res;
	uint64_t r;

	if (prog == NULL)
		fprintf(stderr, "%s", log);
	assert_non_null(prog);
	assert_int_equal(xdpdk_prog_engine(prog), engine);
	if (bounds_check) {
		assert_int_equal(xdpdk_prog_run_checked(prog, NULL, 0, &res), 0);
		r = res.retval;
	} else {
		r = xdpdk_prog_run(prog, NULL, 0);
	}
	xdpdk_prog_free(prog);
	return r;
}

/*
 * A callback that adds its index to a counter on the caller's stack (ctx),
 * in a program that also tail calls (through no map: falls through), so the
 * JIT gives the callback its own entry with a tail call counter.
 */
static void
test_callbacks_stack_ctx_and_tail_calls(void **state)
{
	(void)state;
	const struct bpf_insn p[] = {
		MOV_K(0, 100),
		STX_DW(10, 0, -8),		/* *(fp - 8) = 100 */
		MOV_K(1, 10),
		LD_FUNC(2, 10),			/* cb at insn 14 */
		MOV_X(3, 10),
		ADD_K(3, -8),
		MOV_K(4, 0),
		CALL(BPF_FUNC_loop),		/* 10 calls */
		MOV_K(2, 0),
		MOV_K(3, 0),
		CALL(BPF_FUNC_tail_call),
		LDX_DW(0, 10, -8),
		EXIT(),
		/* cb(index = r1, ctx = r2): *ctx += index; continue */
		LDX_DW(3, 2, 0),
		I(BPF_ALU64 | BPF_ADD | BPF_X, 3, 1, 0, 0),
		STX_DW(2, 3, 0),
		MOV_K(0, 0),
		EXIT(),
	};
	const uint32_t n = sizeof(p) / sizeof(p[0]);

	assert_int_equal(run_raw(p, n, XDPDK_ENGINE_INTERP, 0), 145);
	assert_int_equal(run_raw(p, n, XDPDK_ENGINE_JIT, 0), 145);
	/* checked: the callback may write its caller's stack, which is in bounds */
	assert_int_equal(run_raw(p, n, XDPDK_ENGINE_INTERP, 1), 145);
}

/* A checked run faults in the callback: the whole run stops with the fault. */
static void
test_callbacks_checked_fault_stops_run(void **state)
{
	(void)state;
	const struct bpf_insn p[] = {
		MOV_K(1, 3),
		LD_FUNC(2, 6),			/* cb at insn 8 */
		MOV_K(3, 0),
		MOV_K(4, 0),
		CALL(BPF_FUNC_loop),
		MOV_K(0, 7),
		EXIT(),
		LDX_DW(0, 1, 0),		/* cb: a load from address index: faults */
		EXIT(),
	};
	/* Unverified on purpose: the checked interpreter is what stops this one. */
	struct xdpdk_prog_opts o = { .type = XDPDK_PROG_TYPE_RAW, .engine = XDPDK_ENGINE_INTERP,
				     .helpers = xdpdk_helpers_resolve, .no_verify = 1 };
	struct xdpdk_prog *prog = xdpdk_prog_create(p, sizeof(p) / sizeof(p[0]), &o);
	struct xdpdk_run_result res;

	assert_non_null(prog);
	assert_int_equal(xdpdk_prog_run_checked(prog, NULL, 0, &res), -EFAULT);
	assert_int_equal(res.fault_pc, 8);
	xdpdk_prog_free(prog);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_callbacks_bpf_loop),
		cmocka_unit_test(test_callbacks_for_each_map_elem),
		cmocka_unit_test(test_callbacks_stack_ctx_and_tail_calls),
		cmocka_unit_test(test_callbacks_checked_fault_stops_run),
	};

	return cmocka_run_group_tests_name("callbacks", tests, obj_run_eal_init,
					   obj_run_eal_cleanup);
}
