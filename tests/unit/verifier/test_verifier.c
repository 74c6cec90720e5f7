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

/* ---- the fake maps and helpers ------------------------------------------ */

static const struct xdpdk_verifier_map fake_maps[] = {
	{ .addr = (void *)M_HASH, .type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 16,
	  .max_entries = 128, .spin_lock_off = -1, .name = "hash" },
	{ .addr = (void *)M_ARRAY, .value_addr = (void *)VALUE_OF(M_ARRAY),
	  .type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8, .max_entries = 4,
	  .spin_lock_off = -1, .name = "array" },
	{ .addr = (void *)M_RO, .value_addr = (void *)VALUE_OF(M_RO), .type = BPF_MAP_TYPE_ARRAY,
	  .key_size = 4, .value_size = 16, .max_entries = 1, .map_flags = BPF_F_RDONLY_PROG,
	  .spin_lock_off = -1, .name = ".rodata" },
	{ .addr = (void *)M_RINGBUF, .type = BPF_MAP_TYPE_RINGBUF, .max_entries = 4096,
	  .spin_lock_off = -1, .name = "events" },
	{ .addr = (void *)M_PROGS, .type = BPF_MAP_TYPE_PROG_ARRAY, .key_size = 4,
	  .value_size = 4, .max_entries = 4, .spin_lock_off = -1, .name = "jump" },
	{ .addr = (void *)M_LOCK, .type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 8,
	  .max_entries = 16, .spin_lock_off = 0, .name = "locked" },
	{ .addr = (void *)M_QUEUE, .type = BPF_MAP_TYPE_QUEUE, .value_size = 4,
	  .max_entries = 16, .spin_lock_off = -1, .name = "queue" },
};

static int
fake_map_info(const void *addr, struct xdpdk_verifier_map *out, void *arg)
{
	(void)arg;
	for (size_t i = 0; i < sizeof(fake_maps) / sizeof(fake_maps[0]); i++) {
		const struct xdpdk_verifier_map *m = &fake_maps[i];
		const char *a = addr, *v = m->value_addr;

		if (m->addr == addr || (v != NULL && a >= v && a < v + m->value_size)) {
			*out = *m;
			return 0;
		}
	}
	return -ENOENT;
}

static uint64_t
no_helper(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	(void)a, (void)b, (void)c, (void)d, (void)e;
	return 0;
}

/* Every helper with a prototype; the XDP and skb families only for their types. */
static struct xdpdk_helper_desc descs[256];

static const struct xdpdk_helper_desc *
test_resolver(uint32_t id, enum xdpdk_prog_type type, void *arg)
{
	const struct xdpdk_helper_proto *p = xdpdk_helper_proto(id);
	const char *name = xdpdk_helpers_kernel_name(id);

	(void)arg;
	if (id >= 256 || p == NULL || name == NULL)
		return NULL;
	if (strncmp(name, "bpf_xdp_", 8) == 0 && type != XDPDK_PROG_TYPE_XDP)
		return NULL;
	if ((strncmp(name, "bpf_skb_", 8) == 0 || strncmp(name, "bpf_l3_", 7) == 0 ||
	     strncmp(name, "bpf_l4_", 7) == 0) && type == XDPDK_PROG_TYPE_XDP)
		return NULL;
	descs[id] = (struct xdpdk_helper_desc){ id, name, no_helper, p };
	return &descs[id];
}

static char logbuf[1 << 20];

static int
verify(const struct vcase *c, uint32_t log_level, struct xdpdk_verify_stats *stats)
{
	struct xdpdk_prog_opts o = {
		.name = c->name, .type = c->type, .engine = XDPDK_ENGINE_INTERP,
		.helpers = test_resolver, .log_buf = logbuf, .log_size = sizeof(logbuf),
		.verify = { .strict = c->strict, .log_level = log_level,
			    .map_info = fake_map_info },
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

/* Object maps at fake addresses: index i is at 0x100000 * (i + 1). */
struct obj_maps {
	const struct xdpdk_obj *obj;
	void *addr[64];
	void *value[64];
};

static int
obj_map_info(const void *addr, struct xdpdk_verifier_map *out, void *arg)
{
	const struct obj_maps *om = arg;

	for (uint32_t i = 0; i < xdpdk_obj_map_count(om->obj); i++) {
		const struct xdpdk_map_def *d = xdpdk_obj_map_def(xdpdk_obj_map_at(om->obj, i));
		const struct xdpdk_map_def *in = xdpdk_obj_map_inner_def(xdpdk_obj_map_at(om->obj,
											 i));
		const char *v = om->value[i], *a = addr;

		if (om->addr[i] != addr && !(v != NULL && a >= v && a < v + d->value_size))
			continue;
		*out = (struct xdpdk_verifier_map){
			.addr = om->addr[i], .value_addr = om->value[i], .type = d->type,
			.key_size = d->key_size, .value_size = d->value_size,
			.max_entries = d->max_entries, .map_flags = d->map_flags,
			.spin_lock_off = d->has_spin_lock ? (int32_t)d->spin_lock_off : -1,
		};
		snprintf(out->name, sizeof(out->name), "%s", d->name ? d->name : "?");
		if (in != NULL) {
			out->inner_type = in->type;
			out->inner_key_size = in->key_size;
			out->inner_value_size = in->value_size;
			out->inner_max_entries = in->max_entries;
		}
		return 0;
	}
	return -ENOENT;
}

static uint32_t
verify_object(const char *path, uint32_t *n_ok)
{
	char err[4096] = "";
	struct xdpdk_obj_opts oo = { .log_buf = err, .log_size = sizeof(err) };
	struct xdpdk_obj *obj = xdpdk_obj_open(path, &oo);
	struct obj_maps om = { .obj = obj };
	uint32_t failed = 0;

	if (obj == NULL) {
		/* Objects the loader refuses (CO-RE misses) are the loader's tests. */
		printf("skip %s: the loader refuses it (%s)\n", path, strerror(errno));
		return 0;
	}
	for (uint32_t i = 0; i < xdpdk_obj_map_count(obj) && i < 64; i++) {
		om.addr[i] = (void *)(uintptr_t)(0x100000ull * (i + 1));
		om.value[i] = (void *)(uintptr_t)(0x100000ull * (i + 1) + 0x1000);
	}
	for (uint32_t i = 0; i < xdpdk_obj_prog_count(obj); i++) {
		const struct xdpdk_obj_prog *op = xdpdk_obj_prog_at(obj, i);
		uint32_t n;
		const struct bpf_insn *src = xdpdk_obj_prog_insns(op, &n);
		struct bpf_insn *insns = malloc(sizeof(*insns) * n);
		struct xdpdk_verify_stats st = { 0 };
		struct xdpdk_prog_opts o = {
			.type = xdpdk_obj_prog_type(op), .helpers = test_resolver,
			.log_buf = logbuf, .log_size = sizeof(logbuf),
			.verify = { .map_info = obj_map_info, .map_info_arg = &om },
			.verify_stats = &st,
		};
		int rc;

		assert_non_null(insns);
		memcpy(insns, src, sizeof(*insns) * n);
		rc = xdpdk_insns_resolve_maps(insns, n, om.addr, om.value,
					      xdpdk_obj_map_count(obj), err, sizeof(err));
		if (rc == 0)
			rc = xdpdk_prog_verify(insns, n, &o);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
