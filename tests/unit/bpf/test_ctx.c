/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Context rewrite: xdp_md loads become loads from struct xdpdk_xdp_ctx,
 * followed through moves, stack spills and bpf2bpf arguments; writes,
 * narrow loads, bad offsets, modified and ambiguous context pointers are
 * refused with the instruction index.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <xdpdk/bpf.h>
#include <xdpdk/ctx.h>

#define I(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
					     .off = (o), .imm = (i) })
#define LDXW(d, s, o) I(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define LDXH(d, s, o) I(BPF_LDX | BPF_MEM | BPF_H, d, s, o, 0)
#define LDXB(d, s, o) I(BPF_LDX | BPF_MEM | BPF_B, d, s, o, 0)
#define LDXDW(d, s, o) I(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)
#define STXDW(d, s, o) I(BPF_STX | BPF_MEM | BPF_DW, d, s, o, 0)
#define STXW(d, s, o) I(BPF_STX | BPF_MEM | BPF_W, d, s, o, 0)
#define MOV(d, s) I(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOVI(d, v) I(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, v)
#define ADDI(d, v) I(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, v)
#define SUB(d, s) I(BPF_ALU64 | BPF_SUB | BPF_X, d, s, 0, 0)
#define JEQI(d, v, o) I(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, v)
#define CALL_LOCAL(o) I(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, o)
#define EXIT() I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

struct fixture {
	uint8_t frame[4096];
	struct xdpdk_xdp_ctx ctx;
	char log[1024];
	struct xdpdk_prog *prog;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->ctx.data_hard_start = f->frame;
	f->ctx.data_meta = f->ctx.data = f->frame + XDPDK_XDP_HEADROOM;
	f->ctx.data_end = f->ctx.data + 60;
	f->ctx.data_hard_end = f->frame + sizeof(f->frame) - XDPDK_XDP_TAIL_RESERVE;
	f->ctx.ingress_ifindex = 7;
	f->ctx.rx_queue_index = 3;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	xdpdk_prog_free(f->prog);
	free(f);
	return 0;
}

static struct xdpdk_prog *
load(struct fixture *f, const struct bpf_insn *insns, uint32_t n, enum xdpdk_prog_type type)
{
	struct xdpdk_prog_opts o = {
		.type = type, .engine = XDPDK_ENGINE_INTERP,
		.log_buf = f->log, .log_size = sizeof(f->log),
		.no_verify = 1,	/* the rewrite pass alone, on programs the verifier refuses */
	};

	xdpdk_prog_free(f->prog);
	f->prog = xdpdk_prog_create(insns, n, &o);
	return f->prog;
}

#define LOAD(f, p, t) load(f, p, sizeof(p) / sizeof((p)[0]), t)

static void
test_ctx_data_end_minus_data(void **state)
{
	struct fixture *f = *state;
	const struct bpf_insn p[] = {
		LDXW(2, 1, 0), LDXW(3, 1, 4), MOV(0, 3), SUB(0, 2), EXIT(),
	};
	const struct bpf_insn *x;

	assert_non_null(LOAD(f, p, XDPDK_PROG_TYPE_XDP));
	x = xdpdk_prog_insns(f->prog, NULL);
	assert_int_equal(x[0].code, BPF_LDX | BPF_MEM | BPF_DW);
	assert_int_equal(x[0].off, offsetof(struct xdpdk_xdp_ctx, data));
	assert_int_equal(x[1].code, BPF_LDX | BPF_MEM | BPF_DW);
	assert_int_equal(x[1].off, offsetof(struct xdpdk_xdp_ctx, data_end));
	assert_int_equal(xdpdk_prog_run(f->prog, &f->ctx, 0), 60);
}

static void
test_ctx_every_xdp_md_field(void **state)
{
	struct fixture *f = *state;
	const struct bpf_insn p[] = {
		LDXW(2, 1, 8),	/* data_meta */
		LDXW(3, 1, 12),	/* ingress_ifindex */
		LDXW(4, 1, 16),	/* rx_queue_index */
		LDXW(5, 1, 20),	/* egress_ifindex */
		LDXW(6, 1, 0),	/* data */
		SUB(6, 2),	/* data - data_meta = 0 */
		MOV(0, 3), I(BPF_ALU64 | BPF_LSH | BPF_K, 0, 0, 0, 8),
		I(BPF_ALU64 | BPF_OR | BPF_X, 0, 4, 0, 0),
		I(BPF_ALU64 | BPF_LSH | BPF_K, 0, 0, 0, 8),
		I(BPF_ALU64 | BPF_OR | BPF_X, 0, 5, 0, 0),
		I(BPF_ALU64 | BPF_ADD | BPF_X, 0, 6, 0, 0),
		EXIT(),
	};

	f->ctx.egress_ifindex = 9;
	assert_non_null(LOAD(f, p, XDPDK_PROG_TYPE_XDP));
	assert_int_equal(xdpdk_prog_run(f->prog, &f->ctx, 0), (7 << 16) | (3 << 8) | 9);
}

static void
test_ctx_followed_through_stack_spill(void **state)
{
	struct fixture *f = *state;
	const struct bpf_insn p[] = {
		STXDW(10, 1, -8), MOVI(1, 0), LDXDW(6, 10, -8), LDXW(0, 6, 12), EXIT(),
	};

	assert_non_null(LOAD(f, p, XDPDK_PROG_TYPE_XDP));
	assert_int_equal(xdpdk_prog_insns(f->prog, NULL)[3].off,
			 offsetof(struct xdpdk_xdp_ctx, ingress_ifindex));
	assert_int_equal(xdpdk_prog_run(f->prog, &f->ctx, 0), 7);
}

static void
test_ctx_followed_through_frame_pointer_copy(void **state)
{
	struct fixture *f = *state;
	const struct bpf_insn p[] = {
		MOV(2, 10), ADDI(2, -16), STXDW(2, 1, 0), LDXDW(3, 10, -16), LDXW(0, 3, 16),
		EXIT(),
	};

	assert_non_null(LOAD(f, p, XDPDK_PROG_TYPE_XDP));
	assert_int_equal(xdpdk_prog_run(f->prog, &f->ctx, 0), 3);
}

static void
test_ctx_followed_into_subprogram(void **state)
{
	struct fixture *f = *state;
	const struct bpf_insn p[] = {
		MOV(6, 1), CALL_LOCAL(2), LDXW(0, 6, 16), EXIT(),
		/* subprog at 4: returns ingress_ifindex of its argument */
		LDXW(0, 1, 12), EXIT(),
	};

	assert_non_null(LOAD(f, p, XDPDK_PROG_TYPE_XDP));
	assert_int_equal(xdpdk_prog_insns(f->prog, NULL)[4].off,
			 offsetof(struct xdpdk_xdp_ctx, ingress_ifindex));
	assert_int_equal(xdpdk_prog_run(f->prog, &f->ctx, 0), 3);
}

static void
test_ctx_packet_loads_untouched(void **state)
{
	struct fixture *f = *state;
	const struct bpf_insn p[] = {
		LDXW(2, 1, 0), LDXW(0, 2, 0), LDXW(0, 2, 4), EXIT(),
	};
	const struct bpf_insn *x;

	assert_non_null(LOAD(f, p, XDPDK_PROG_TYPE_XDP));
	x = xdpdk_prog_insns(f->prog, NULL);
	assert_int_equal(x[1].code, BPF_LDX | BPF_MEM | BPF_W);
	assert_int_equal(x[1].off, 0);
	assert_int_equal(x[2].off, 4);
}

static void
test_ctx_raw_programs_untouched(void **state)
{
	struct fixture *f = *state;
	const struct bpf_insn p[] = { LDXW(0, 1, 4), EXIT() };

	assert_non_null(LOAD(f, p, XDPDK_PROG_TYPE_RAW));
	assert_int_equal(xdpdk_prog_insns(f->prog, NULL)[0].code, BPF_LDX | BPF_MEM | BPF_W);
	assert_int_equal(xdpdk_prog_insns(f->prog, NULL)[0].off, 4);
}

/* Each refused program: instructions, and what the log must say. */
static void
expect_refused(struct fixture *f, const struct bpf_insn *p, uint32_t n, const char *msg)
{
	assert_null(load(f, p, n, XDPDK_PROG_TYPE_XDP));
	assert_int_equal(errno, EACCES);
	if (strstr(f->log, msg) == NULL)
		fail_msg("log '%s' lacks '%s'", f->log, msg);
}

static void
test_ctx_write_refused(void **state)
{
	const struct bpf_insn p[] = { MOVI(2, 0), STXW(1, 2, 0), MOVI(0, 0), EXIT() };

	expect_refused(*state, p, 4, "insn 1: invalid bpf_context access (write)");
}

static void
test_ctx_bad_offset_refused(void **state)
{
	const struct bpf_insn p[] = { LDXW(0, 1, 24), EXIT() };

	expect_refused(*state, p, 2, "insn 0: invalid bpf_context access off=24 size=4");
}

static void
test_ctx_narrow_pointer_load_refused(void **state)
{
	const struct bpf_insn p[] = { LDXH(0, 1, 0), EXIT() };

	expect_refused(*state, p, 2, "insn 0: invalid bpf_context access off=0 size=2");
}

static void
test_ctx_modified_pointer_refused(void **state)
{
	const struct bpf_insn p[] = { ADDI(1, 4), LDXW(0, 1, 0), EXIT() };

	expect_refused(*state, p, 3, "insn 1: dereference of modified ctx ptr");
}

static void
test_ctx_ambiguous_pointer_refused(void **state)
{
	/* r1 is the context on one path and the stack on the other. */
	const struct bpf_insn p[] = {
		LDXW(2, 1, 12), JEQI(2, 0, 2), MOV(1, 10), ADDI(1, -8), LDXW(0, 1, 0), EXIT(),
	};

	expect_refused(*state, p, 6, "insn 4: load through a register that is the context");
}

/* TC: loads and stores rewritten to struct xdpdk_skb_ctx, or refused. */
static void
test_ctx_skb_fields_rewritten(void **state)
{
	struct fixture *f = *state;
	const struct bpf_insn p[] = {
		LDXW(2, 1, offsetof(struct __sk_buff, data)),
		LDXW(3, 1, offsetof(struct __sk_buff, mark)),
		LDXB(4, 1, offsetof(struct __sk_buff, protocol) + 1),
		STXW(1, 3, offsetof(struct __sk_buff, priority)),
		STXW(1, 3, offsetof(struct __sk_buff, tc_index)),
		MOVI(0, 0),
		EXIT(),
	};
	struct xdpdk_prog *prog = load(f, p, 7, XDPDK_PROG_TYPE_TC);
	const struct bpf_insn *x;

	assert_non_null(prog);
	x = xdpdk_prog_insns(prog, NULL);
	assert_int_equal(x[0].code, BPF_LDX | BPF_MEM | BPF_DW);
	assert_int_equal(x[0].off, offsetof(struct xdpdk_skb_ctx, data));
	assert_int_equal(x[1].off, offsetof(struct xdpdk_skb_ctx, mark));
	assert_int_equal(x[2].code, BPF_LDX | BPF_MEM | BPF_B);	/* narrow load kept narrow */
	assert_int_equal(x[2].off, offsetof(struct xdpdk_skb_ctx, protocol) + 1);
	assert_int_equal(x[3].off, offsetof(struct xdpdk_skb_ctx, priority));
	assert_int_equal(x[4].code, BPF_STX | BPF_MEM | BPF_H);	/* tc_index is 16 bits */
	assert_int_equal(x[4].off, offsetof(struct xdpdk_skb_ctx, tc_index));
}

static void
expect_skb_refused(struct fixture *f, const struct bpf_insn *p, uint32_t n,
		   enum xdpdk_prog_type type, const char *msg)
{
	assert_null(load(f, p, n, type));
	assert_int_equal(errno, EACCES);
	if (strstr(f->log, msg) == NULL)
		fail_msg("log '%s' lacks '%s'", f->log, msg);
}

static void
test_ctx_skb_rules(void **state)
{
	struct fixture *f = *state;
	/* len is read-only */
	const struct bpf_insn w_len[] = { MOVI(2, 0), STXW(1, 2, 0), MOVI(0, 0), EXIT() };
	/* data may only be read whole */
	const struct bpf_insn n_data[] = {
		LDXH(0, 1, offsetof(struct __sk_buff, data)), EXIT() };
	/* family and the addresses are sk_skb only */
	const struct bpf_insn fam[] = { LDXW(0, 1, offsetof(struct __sk_buff, family)), EXIT() };
	/* socket filters: no data pointers, only cb[] writable */
	const struct bpf_insn sf_mark[] = {
		MOVI(2, 0), STXW(1, 2, offsetof(struct __sk_buff, mark)), MOVI(0, 0), EXIT() };

	expect_skb_refused(f, w_len, 4, XDPDK_PROG_TYPE_TC,
			   "insn 1: invalid bpf_context access (write): off=0 size=4");
	expect_skb_refused(f, n_data, 2, XDPDK_PROG_TYPE_TC,
			   "insn 0: invalid bpf_context access off=76 size=2 (__sk_buff)");
	expect_skb_refused(f, fam, 2, XDPDK_PROG_TYPE_TC, "invalid bpf_context access off=88");
	expect_skb_refused(f, n_data, 2, XDPDK_PROG_TYPE_SOCKET_FILTER, "off=76");
	expect_skb_refused(f, sf_mark, 4, XDPDK_PROG_TYPE_SOCKET_FILTER, "(write): off=8");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ctx_data_end_minus_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctx_every_xdp_md_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctx_followed_through_stack_spill, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctx_followed_through_frame_pointer_copy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctx_followed_into_subprogram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctx_packet_loads_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctx_raw_programs_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctx_write_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctx_bad_offset_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctx_narrow_pointer_load_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ctx_modified_pointer_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctx_ambiguous_pointer_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctx_skb_fields_rewritten, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ctx_skb_rules, setup, teardown),
	};

	return cmocka_run_group_tests_name("ctx", tests, NULL, NULL);
}
