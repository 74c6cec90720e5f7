/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The verifier: every unsafe pattern of cases.c refused with its message,
 * every safe neighbour accepted, the complexity limit, pruning keeping real
 * programs fast, and every program of tests/progs and bpf/progs accepted.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <xdpdk/bpf.h>
#include <xdpdk/elf.h>
#include <xdpdk/helpers.h>
#include <xdpdk/map.h>
#include <xdpdk/verifier.h>

#include "verifier_cases.h"
#include "verifier_support.h"

static char logbuf[1 << 20];

static int
verify(const struct vcase *c, uint32_t log_level, struct xdpdk_verify_stats *stats)
{
	struct xdpdk_prog_opts o = {
		.name = c->name, .type = c->type, .engine = XDPDK_ENGINE_INTERP,
		.helpers = xdpdk_test_resolver, .log_buf = logbuf, .log_size = sizeof(logbuf),
		.verify = { .strict = c->strict, .log_level = log_level,
			    .map_info = xdpdk_test_fake_map_info },
		.verify_stats = stats,
	};
	/* The verifier alone: the interim context pass (ctx.c) has its own tests. */
	return xdpdk_prog_verify(c->insns, c->n, &o);
}

static void
test_verifier_rejects_unsafe_patterns(void **state)
{
	const char *only = getenv("VERIFIER_CASE");
	uint32_t bad = 0;

	(void)state;
	for (uint32_t i = 0; i < xdpdk_test_n_rejected; i++) {
		if (only != NULL && strcmp(only, xdpdk_test_rejected[i].name) != 0)
			continue;
		const struct vcase *c = &xdpdk_test_rejected[i];
		int rc = verify(c, only != NULL ? 2 : 1, NULL);

		if (rc == 0 || strstr(logbuf, c->expect) == NULL) {
			printf("FAIL %s: rc=%d, want '%s' in log:\n%s\n", c->name, rc, c->expect,
			       logbuf);
			bad++;
		}
	}
	printf("%u unsafe patterns, %u refused with the expected message\n",
	       xdpdk_test_n_rejected, xdpdk_test_n_rejected - bad);
	assert_true(xdpdk_test_n_rejected >= 60);
	assert_int_equal(bad, 0);
}

static void
test_verifier_accepts_safe_neighbours(void **state)
{
	uint32_t bad = 0;

	(void)state;
	for (uint32_t i = 0; i < xdpdk_test_n_accepted; i++) {
		const struct vcase *c = &xdpdk_test_accepted[i];

		if (verify(c, 1, NULL) != 0) {
			printf("FAIL %s refused:\n%s\n", c->name, logbuf);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* Level 2 logs every instruction; level 1 the failing one with its state. */
static void
test_verifier_log_names_insn_state_and_reason(void **state)
{
	(void)state;
	assert_int_not_equal(verify(&xdpdk_test_rejected[1], 1, NULL), 0);
	assert_non_null(strstr(logbuf, "5: (71) r0 = *(u8 *)(r2 +14)"));
	assert_non_null(strstr(logbuf, "R2=pkt(id=0,off=0,r=14)"));
	assert_non_null(strstr(logbuf, "R2 offset is outside of the packet"));
	assert_non_null(strstr(logbuf, "processed "));
	assert_int_not_equal(verify(&xdpdk_test_rejected[1], 2, NULL), 0);
	assert_non_null(strstr(logbuf, "0: (61) r2 = *(u32 *)(r1 +0)"));
}

/* A counted loop that the exploration cannot finish: the kernel's limit and message. */
static void
test_verifier_complexity_limit(void **state)
{
	enum { BODY = 100 };
	struct bpf_insn *p = calloc(BODY + 4, sizeof(*p));
	struct vcase c = { "too_large", XDPDK_PROG_TYPE_XDP, false, NULL, p, BODY + 4 };
	uint32_t k = 0;

	(void)state;
	assert_non_null(p);
	p[k++] = (struct bpf_insn)BPF_MOV64_IMM(0, 0);
	p[k++] = (struct bpf_insn)BPF_ALU64_IMM(BPF_ADD, 0, 1);
	for (int i = 0; i < BODY; i++)
		p[k++] = (struct bpf_insn)BPF_MOV64_REG(2, 0);
	p[k] = (struct bpf_insn)BPF_JMP_IMM(BPF_JLT, 0, 0x7fffffff, -(int)k);
	k++;
	p[k++] = (struct bpf_insn)BPF_EXIT_INSN();
	assert_int_equal(verify(&c, 0, NULL), -E2BIG);
	assert_non_null(strstr(logbuf, "BPF program is too large. Processed 1000001 insn"));
	free(p);
}

/*
 * Pruning: 20 independent branches would be 2^20 paths without it; with
 * it every join point is visited a few times.
 */
static void
test_verifier_pruning_keeps_branchy_programs_linear(void **state)
{
	enum { N = 20 };
	struct bpf_insn p[3 + 4 * N];
	struct xdpdk_verify_stats st = { 0 };
	struct vcase c = { "branchy", XDPDK_PROG_TYPE_XDP, false, NULL, p, 0 };
	uint32_t k = 0;

	(void)state;
	p[k++] = (struct bpf_insn)BPF_MOV64_IMM(2, 0);
	for (int i = 0; i < N; i++) {
		/* a fresh unknown each time (ingress_ifindex), as parsers test fresh fields */
		p[k++] = (struct bpf_insn)BPF_LDX_MEM(BPF_W, 6, 1, 12);
		p[k++] = (struct bpf_insn)BPF_JMP_IMM(BPF_JSET, 6, 1 << i, 1);
		p[k++] = (struct bpf_insn)BPF_MOV64_IMM(2, i);
		p[k++] = (struct bpf_insn)BPF_MOV64_IMM(3, i);
	}
	p[k++] = (struct bpf_insn)BPF_MOV64_IMM(0, 2);
	p[k++] = (struct bpf_insn)BPF_EXIT_INSN();
	c.n = k;
	assert_int_equal(verify(&c, 0, &st), 0);
	printf("branchy: %u insns processed, %u states\n", st.insn_processed, st.total_states);
	assert_true(st.insn_processed < 10 * k);
}

/* ---- every shipped and test object ----------------------------------------- */

/* Programs of tests/progs that reach a CO-RE relocation xdpdk's types cannot resolve. */
static bool
refused_for_core_relo(const char *prog)
{
	return strcmp(prog, "xdp_core_missing") == 0 || strcmp(prog, "xdp_core_reached") == 0;
}

/* Verify every program of @p path; refused ones leave their log in logbuf. */
static uint32_t
verify_object(const char *path, uint32_t *n_ok)
{
	char err[4096] = "";
	struct xdpdk_obj_opts oo = { .log_buf = err, .log_size = sizeof(err) };
	struct xdpdk_obj *obj = xdpdk_obj_open(path, &oo);
	struct xdpdk_test_obj_maps om;
	uint32_t failed = 0;

	if (obj == NULL) {
		/* Objects the loader refuses (CO-RE misses) are the loader's tests. */
		printf("skip %s: the loader refuses it (%s)\n", path, strerror(errno));
		return 0;
	}
	xdpdk_test_obj_maps_init(&om, obj);
	for (uint32_t i = 0; i < xdpdk_obj_prog_count(obj); i++) {
		const struct xdpdk_obj_prog *op = xdpdk_obj_prog_at(obj, i);
		uint32_t n;
		const struct bpf_insn *src = xdpdk_obj_prog_insns(op, &n);
		struct bpf_insn *insns = malloc(sizeof(*insns) * n);
		struct xdpdk_verify_stats st = { 0 };
		struct xdpdk_prog_opts o = {
			.type = xdpdk_obj_prog_type(op), .helpers = xdpdk_test_resolver,
			.log_buf = logbuf, .log_size = sizeof(logbuf),
			.verify = { .log_level = 1, .map_info = xdpdk_test_obj_map_info,
				    .map_info_arg = &om },
			.verify_stats = &st,
		};
		int rc;

		o.verify.line_info = xdpdk_obj_prog_line_info(op, &o.verify.n_line_info);
		o.verify.core_poison = xdpdk_obj_prog_core_poison(op, &o.verify.n_core_poison);
		assert_non_null(insns);
		memcpy(insns, src, sizeof(*insns) * n);
		rc = xdpdk_insns_resolve_maps(insns, n, om.addr, om.value,
					      xdpdk_obj_map_count(obj), err, sizeof(err));
		if (rc == 0)
			rc = xdpdk_prog_verify(insns, n, &o);
		/* Loader tests of CO-RE poisoning: refused for the relocation, as meant. */
		if (refused_for_core_relo(xdpdk_obj_prog_name(op)))
			rc = rc != 0 && strstr(logbuf, "failed to resolve CO-RE relocation") ? 0 : -1;
		printf("%s %s:%s (%u insns): %u processed, %u states\n", rc ? "FAIL" : "ok  ",
		       path, xdpdk_obj_prog_name(op), n, st.insn_processed, st.total_states);
		if (rc) {
			printf("%s%s\n", err, logbuf);
			failed++;
		} else {
			(*n_ok)++;
		}
		free(insns);
	}
	xdpdk_obj_close(obj);
	return failed;
}

static void
test_verifier_accepts_every_object(void **state)
{
	const char *dirs[] = { getenv("XDPDK_PROGS_DIR"), getenv("XDPDK_BPF_PROGS_DIR") };
	uint32_t failed = 0, ok = 0;

	(void)state;
	for (size_t d = 0; d < 2; d++) {
		char cmd[1024];
		FILE *ls;
		char line[1024];

		assert_non_null(dirs[d]);
		snprintf(cmd, sizeof(cmd), "ls %s/*.bpf.o", dirs[d]);
		ls = popen(cmd, "r");
		assert_non_null(ls);
		while (fgets(line, sizeof(line), ls) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			failed += verify_object(line, &ok);
		}
		pclose(ls);
	}
	printf("%u programs verified\n", ok);
	assert_true(ok > 10);
	assert_int_equal(failed, 0);
}

/* BPF C programs each refused with its message and the source line it is at. */
static void
test_verifier_refuses_c_programs_naming_the_source_line(void **state)
{
	static const struct {
		const char *obj, *msg, *line;
	} bad[] = {
		{ "bad_pkt_no_check", "invalid access to packet", "bad_pkt_no_check.bpf.c:13" },
		{ "bad_pkt_off_by_one", "invalid access to packet, off=14 size=1",
		  "bad_pkt_off_by_one.bpf.c:15" },
		{ "bad_map_null", "invalid mem access 'map_value_or_null'", "bad_map_null.bpf.c:20" },
		{ "bad_map_index", "R0 max value is outside of the allowed memory range",
		  "bad_map_index.bpf.c:27" },
		{ "bad_ringbuf_leak", "Unreleased reference", "bad_ringbuf_leak.bpf.c:" },
		{ "bad_adjust_head_stale", "invalid mem access 'scalar'",
		  "bad_adjust_head_stale.bpf.c:17" },
		{ "bad_snprintf_fmt", "Invalid format string", "bad_snprintf_fmt.bpf.c:14" },
	};
	const char *dir = getenv("XDPDK_VERIFIER_PROGS_DIR");
	uint32_t bad_count = 0;

	(void)state;
	assert_non_null(dir);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char path[512];
		uint32_t ok = 0;

		snprintf(path, sizeof(path), "%s/%s.bpf.o", dir, bad[i].obj);
		assert_int_equal(verify_object(path, &ok), 1);
		if (strstr(logbuf, bad[i].msg) == NULL || strstr(logbuf, bad[i].line) == NULL) {
			printf("FAIL %s: want '%s' and '%s' in:\n%s\n", bad[i].obj, bad[i].msg,
			       bad[i].line, logbuf);
			bad_count++;
		}
	}
	assert_int_equal(bad_count, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verifier_rejects_unsafe_patterns),
		cmocka_unit_test(test_verifier_accepts_safe_neighbours),
		cmocka_unit_test(test_verifier_log_names_insn_state_and_reason),
		cmocka_unit_test(test_verifier_complexity_limit),
		cmocka_unit_test(test_verifier_pruning_keeps_branchy_programs_linear),
		cmocka_unit_test(test_verifier_accepts_every_object),
		cmocka_unit_test(test_verifier_refuses_c_programs_naming_the_source_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
