/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The helper table and the time/random/CPU family: resolution by id and
 * program type, the kernel's names, and each helper called from a program.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <setjmp.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <xdpdk/bpf.h>
#include <xdpdk/helpers.h>

#define I(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
					     .off = (o), .imm = (i) })
#define CALL(id) I(BPF_JMP | BPF_CALL, 0, 0, 0, id)
#define EXIT() I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static uint64_t
run_helper(uint32_t id, enum xdpdk_engine engine)
{
	const struct bpf_insn p[] = { CALL(id), EXIT() };
	struct xdpdk_prog_opts o = { .type = XDPDK_PROG_TYPE_XDP, .engine = engine,
				     .helpers = xdpdk_helpers_resolve };
	struct xdpdk_prog *prog = xdpdk_prog_create(p, 2, &o);
	uint64_t r;

	assert_non_null(prog);
	r = xdpdk_prog_run(prog, NULL, 0);
	xdpdk_prog_free(prog);
	return r;
}

static uint64_t
mono_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
test_helpers_resolve_known_and_unknown(void **state)
{
	(void)state;
	const struct xdpdk_helper_desc *d =
		xdpdk_helpers_resolve(BPF_FUNC_ktime_get_ns, XDPDK_PROG_TYPE_XDP, NULL);

	assert_non_null(d);
	assert_int_equal(d->id, BPF_FUNC_ktime_get_ns);
	assert_string_equal(d->name, "bpf_ktime_get_ns");
	assert_null(xdpdk_helpers_resolve(10000, XDPDK_PROG_TYPE_XDP, NULL));
	assert_null(xdpdk_helpers_resolve(0, XDPDK_PROG_TYPE_XDP, NULL));
}

static void
test_helpers_kernel_names(void **state)
{
	(void)state;
	assert_string_equal(xdpdk_helpers_kernel_name(BPF_FUNC_map_lookup_elem),
			    "bpf_map_lookup_elem");
	assert_string_equal(xdpdk_helpers_kernel_name(BPF_FUNC_xdp_adjust_head),
			    "bpf_xdp_adjust_head");
	assert_null(xdpdk_helpers_kernel_name(100000));
}

static void
test_helpers_unknown_helper_refused_at_load(void **state)
{
	(void)state;
	char log[256];
	/* bpf_skb_get_tunnel_key is not implemented: refused, by id. */
	const struct bpf_insn p[] = { CALL(BPF_FUNC_skb_get_tunnel_key), EXIT() };
	struct xdpdk_prog_opts o = { .type = XDPDK_PROG_TYPE_TC, .helpers = xdpdk_helpers_resolve,
				     .log_buf = log, .log_size = sizeof(log) };

	assert_null(xdpdk_prog_create(p, 2, &o));
	assert_non_null(strstr(log, "insn 0"));
	assert_non_null(strstr(log, "helper id 20"));
}

static void
test_helpers_ktime_is_monotonic_clock(void **state)
{
	(void)state;
	static const enum xdpdk_engine engines[] = { XDPDK_ENGINE_INTERP, XDPDK_ENGINE_JIT };

	for (size_t e = 0; e < sizeof(engines) / sizeof(engines[0]); e++) {
		uint64_t before = mono_ns(CLOCK_MONOTONIC);
		uint64_t t = run_helper(BPF_FUNC_ktime_get_ns, engines[e]);
		uint64_t after = mono_ns(CLOCK_MONOTONIC);

		assert_true(t >= before && t <= after);
	}
	uint64_t b0 = mono_ns(CLOCK_BOOTTIME);
	uint64_t b = run_helper(BPF_FUNC_ktime_get_boot_ns, XDPDK_ENGINE_INTERP);

	assert_true(b >= b0 && b <= mono_ns(CLOCK_BOOTTIME));
	/* The coarse clock may lag the precise one by up to a tick. */
	assert_true(run_helper(BPF_FUNC_ktime_get_coarse_ns, XDPDK_ENGINE_INTERP) <=
		    mono_ns(CLOCK_MONOTONIC));
}

/* The kernel's jiffies, as /proc/timer_list shows them (0: not readable). */
static uint64_t
kernel_jiffies(void)
{
	FILE *f = fopen("/proc/timer_list", "r");
	unsigned long long j = 0;
	char line[256];

	while (f != NULL && j == 0 && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "jiffies: %llu", &j) != 1)
			j = 0;
	if (f != NULL)
		fclose(f);
	return j;
}

/* bpf_jiffies64 is the kernel's jiffies_64: between two readings of it, give or take a tick. */
static void
test_helpers_jiffies64_is_the_kernels(void **state)
{
	uint64_t before, x, after;

	(void)state;
	before = kernel_jiffies();
	if (before == 0) {
		print_message("skipped: /proc/timer_list is not readable (not root?)\n");
		skip();
	}
	x = run_helper(BPF_FUNC_jiffies64, XDPDK_ENGINE_JIT);
	after = kernel_jiffies();
	if (x + 2 < before || x > after + 2)
		fail_msg("jiffies64 %llu, the kernel's %llu..%llu", (unsigned long long)x,
			 (unsigned long long)before, (unsigned long long)after);
}

static void
test_helpers_prandom_varies_and_is_32_bits(void **state)
{
	(void)state;
	uint64_t seen[64];
	int distinct = 0;

	for (int i = 0; i < 64; i++) {
		seen[i] = run_helper(BPF_FUNC_get_prandom_u32, XDPDK_ENGINE_INTERP);
		assert_true(seen[i] <= UINT32_MAX);
		int dup = 0;

		for (int j = 0; j < i; j++)
			dup |= seen[j] == seen[i];
		distinct += !dup;
	}
	assert_true(distinct >= 60);
}

static void
test_helpers_smp_processor_id_is_worker_index(void **state)
{
	(void)state;
	xdpdk_helpers_set_worker(5);
	assert_int_equal(run_helper(BPF_FUNC_get_smp_processor_id, XDPDK_ENGINE_INTERP), 5);
	assert_int_equal(run_helper(BPF_FUNC_get_smp_processor_id, XDPDK_ENGINE_JIT), 5);
	xdpdk_helpers_set_worker(0);
	assert_int_equal(run_helper(BPF_FUNC_get_smp_processor_id, XDPDK_ENGINE_INTERP), 0);
	assert_int_equal(xdpdk_helpers_worker(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_helpers_resolve_known_and_unknown),
		cmocka_unit_test(test_helpers_kernel_names),
		cmocka_unit_test(test_helpers_unknown_helper_refused_at_load),
		cmocka_unit_test(test_helpers_ktime_is_monotonic_clock),
		cmocka_unit_test(test_helpers_prandom_varies_and_is_32_bits),
		cmocka_unit_test(test_helpers_jiffies64_is_the_kernels),
		cmocka_unit_test(test_helpers_smp_processor_id_is_worker_index),
	};

	return cmocka_run_group_tests_name("helpers", tests, NULL, NULL);
}
