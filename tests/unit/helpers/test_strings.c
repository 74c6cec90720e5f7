/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * String, printing, process and TC redirect helpers: tests/progs/strings,
 * process and tc_redirect on a known packet, interpreter and JIT, with the
 * exact return values and texts (the kernel-differential test compares the
 * same programs with the kernel); the trace ring and its rate limit; the
 * redirect records, clones and neighbour resolution called directly.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/pkt_cls.h>
#include <cmocka.h>

#include <xdpdk/ctx.h>
#include <xdpdk/fib.h>

#include "helpers_internal.h"
#include "obj_run.h"

#define ENOSPC_ 28

static uint8_t pkt[60];

static void
run(struct obj_run *r, const char *obj, const char *prog, enum xdpdk_engine e, uint32_t *ret)
{
	uint8_t out[128];
	struct xdpdk_test_run t = { .data_in = pkt, .data_size_in = sizeof(pkt), .data_out = out,
				    .data_size_out = sizeof(out) };

	obj_run_load(r, obj, prog, e);
	assert_int_equal(xdpdk_prog_test_run(r->prog, &t), 0);
	if (ret != NULL)
		*ret = t.retval;
}

#define RV(r, k) ((int64_t)obj_run_u64(r, "rv", k))

static void
text(struct obj_run *r, uint32_t key, char out[128])
{
	struct xdpdk_map *m = xdpdk_loaded_map_find(r->lo, "txt");

	assert_non_null(m);
	assert_int_equal(xdpdk_map_lookup(m, &key, out, 0), 0);
}

static void
test_strtol(void **state)
{
	(void)state;
	for (int e = 0; e < OBJ_RUN_N_ENGINES; e++) {
		struct obj_run r = { 0 };
		static const int64_t want[][2] = {
			{ 6, -123 }, { 4, 31 }, { 4, 31 }, { 4, 0777 }, { 1, 0 },
			{ -EINVAL, 0 }, { -EINVAL, 0 }, { -ERANGE, 0 }, { 20, INT64_MIN },
			{ -ERANGE, 0 }, { -EINVAL, 0 }, { -EINVAL, 0 }, { -EINVAL, 0 },
			{ 8, 42 }, { -EINVAL, 0 }, { 20, -1 }, { -ERANGE, 0 },
			{ 8, 0xdeadbeef }, { 4, 16 }, { -EINVAL, 0 }, { 9, 123456789 },
			{ 3, 123 }, { 0, 0 }, { 0, 0 }, { 66, -12 }, { 63, 0 },
		};

		run(&r, "strings", "xdp_strtol", obj_run_engines[e], NULL);
		for (uint32_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			if (i == 22 || i == 23)
				continue;	/* 44..47: packet bytes, compared with the kernel only */
			if (RV(&r, 2 * i) != want[i][0] || RV(&r, 2 * i + 1) != want[i][1])
				fprintf(stderr, "case %u: %lld %lld\n", i, (long long)RV(&r, 2 * i),
					(long long)RV(&r, 2 * i + 1));
			assert_int_equal(RV(&r, 2 * i), want[i][0]);
			assert_int_equal(RV(&r, 2 * i + 1), want[i][1]);
		}
		obj_run_free(&r);
	}
}

static void
test_strncmp(void **state)
{
	static const int64_t want[] = { 0, -1, 1, 0, 1, -1, 1 };

	(void)state;
	for (int e = 0; e < OBJ_RUN_N_ENGINES; e++) {
		struct obj_run r = { 0 };

		run(&r, "strings", "xdp_strncmp", obj_run_engines[e], NULL);
		for (uint32_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
			assert_int_equal(RV(&r, i), want[i]);
		obj_run_free(&r);
	}
}

/* Text @p k is @p want, cut to the program's 128-byte buffer; the return its length + 1. */
static void
expect_text(struct obj_run *r, uint32_t k, const char *want)
{
	const char *full = want;
	char got[128], cut[128];

	text(r, k, got);
	snprintf(cut, sizeof(cut), "%s", want);
	want = cut;
	if (strcmp(got, want) != 0)
		fprintf(stderr, "text %u: got '%s' want '%s'\n", k, got, want);
	assert_string_equal(got, want);
	assert_int_equal(RV(r, k), (int64_t)strlen(full) + 1);
}

static void
test_snprintf(void **state)
{
	(void)state;
	for (int e = 0; e < OBJ_RUN_N_ENGINES; e++) {
		struct obj_run r = { 0 };
		char got[128], s100x2[256];

		run(&r, "strings", "xdp_snprintf", obj_run_engines[e], NULL);
		expect_text(&r, 0, "-5|4294967295|1234abcd|1234ABCD|Z|%|   42|42   |-0042|+7| 7");
		expect_text(&r, 1, "-1 -1 18446744073709551615 8000000000000000 FF "
			    "9223372036854775807 -9223372036854775808");
		expect_text(&r, 2, "[hello][][         \xc0][\xc0      ]");
		expect_text(&r, 3, "192.0.2.7 192.000.002.007 2001:0db8:0000:0000:0000:0000:0000:0001 "
			    "20010db8000000000000000000000001 "
			    "2001:0db8:0000:0000:0000:0000:0000:0001.");
		expect_text(&r, 4, "0000000000001234 0xabc 0x10                   99.");
		/* cut to the buffer, the whole length returned */
		text(&r, 5, got);
		assert_string_equal(got, "123");
		assert_int_equal(RV(&r, 5), 7);
		assert_int_equal(RV(&r, 6), 10);
		/* five strings of 100 and the sixth cut to the argument area's rest */
		text(&r, 7, got);
		snprintf(s100x2, sizeof(s100x2), "%s%s",
			 "0123456789012345678901234567890123456789012345678901234567890123"
			 "456789012345678901234567890123456789",
			 "0123456789012345678901234567890123456789012345678901234567890123"
			 "456789012345678901234567890123456789");
		s100x2[127] = 0;
		assert_string_equal(got, s100x2);
		assert_int_equal(RV(&r, 7), 5 * 100 + 1 + 6 + 1);
		assert_int_equal(RV(&r, 8), -ENOSPC_);
		expect_text(&r, 10, "no args");
		obj_run_free(&r);
	}
}

static void
test_bprintf_engine(void **state)
{
	const uint64_t args[4] = { (uint64_t)-1, 0x2a, 'q', (uint64_t)(uintptr_t)"ok" };
	char buf[64];

	(void)state;
	assert_int_equal(xdpdk_bprintf(buf, sizeof(buf), "%d %lu %c %s", 13, args, 4), 10);
	assert_string_equal(buf, "-1 42 q ok");
	/* a string at an unmapped address reads as "" (probe semantics) */
	{
		const uint64_t bad[1] = { 0x10 };

		assert_int_equal(xdpdk_bprintf(buf, sizeof(buf), "[%s]", 5, bad, 1), 2);
		assert_string_equal(buf, "[]");
	}
	/* a string on this thread's stack (read directly), cut at 512 - 1 bytes */
	{
		char big[600];
		uint64_t sa[1] = { (uint64_t)(uintptr_t)big };
		static char out[700];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = 0;
		strcpy(big, "stack");
		big[5] = 'y';
		assert_int_equal(xdpdk_bprintf(out, sizeof(out), "%s", 3, sa, 1), 511);
		assert_memory_equal(out, "stacky", 6);
		big[6] = 0;
		assert_int_equal(xdpdk_bprintf(out, sizeof(out), "<%s>", 5, sa, 1), 8);
		assert_string_equal(out, "<stacky>");
	}
	assert_int_equal(xdpdk_bprintf(buf, sizeof(buf), "%d", 2, args, 4), -EINVAL); /* no NUL */
	assert_int_equal(xdpdk_bprintf(buf, sizeof(buf), "%d%d", 5, args, 1), -EINVAL);
	assert_int_equal(xdpdk_bprintf(buf, sizeof(buf), "%.2d", 5, args, 1), -EINVAL);
	assert_int_equal(xdpdk_bprintf(buf, sizeof(buf), "%pM", 4, args, 1), -EINVAL);
	assert_int_equal(xdpdk_bprintf(buf, sizeof(buf), "%sa", 4, args, 4), -EINVAL);
	assert_int_equal(xdpdk_bprintf(buf, 0, "abc", 4, args, 0), 3);
	assert_int_equal(xdpdk_bprintf_check("%d %s", 6, 2), 0);
	assert_int_equal(xdpdk_bprintf_check("%d %s", 6, 1), -EINVAL);
}

static void
test_trace_printk(void **state)
{
	static const int64_t want[] = { 18, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, 4,
					-EINVAL, -EINVAL, 2, 7, -EINVAL, -EINVAL, 4, -EINVAL };
	static const char *const lines[] = { "xdpdk 60 str beef\n", "100%", "\xc3\xa9",
					     "1 2 3 4", "100%" };
	struct xdpdk_trace_line got[XDPDK_TRACE_RING_SIZE];
	struct xdpdk_trace_stats s0, s1;
	int n;

	(void)state;
	while (xdpdk_trace_read(got, XDPDK_TRACE_RING_SIZE) > 0)
		;
	for (int e = 0; e < OBJ_RUN_N_ENGINES; e++) {
		struct obj_run r = { 0 };

		xdpdk_trace_set_rate(0, 0);
		xdpdk_trace_stats(&s0);
		run(&r, "strings", "xdp_trace_printk", obj_run_engines[e], NULL);
		for (uint32_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
			assert_int_equal(RV(&r, i), want[i]);
		xdpdk_trace_stats(&s1);
		assert_int_equal(s1.lines - s0.lines, 5);
		assert_int_equal(s1.logged - s0.logged, 5);
		n = xdpdk_trace_read(got, XDPDK_TRACE_RING_SIZE);
		assert_int_equal(n, 5);
		for (int i = 0; i < n; i++) {
			assert_string_equal(got[i].text, lines[i]);
			assert_int_equal(got[i].len, strlen(lines[i]));
			assert_int_equal(got[i].seq, s0.lines + 1 + (uint64_t)i);
		}
		obj_run_free(&r);
		/* A budget of 2 lines: 3 of the 5 are not logged, but all are kept. */
		xdpdk_trace_set_rate(1, 2);
		run(&r, "strings", "xdp_trace_printk", obj_run_engines[e], NULL);
		xdpdk_trace_stats(&s0);
		assert_int_equal(s0.suppressed - s1.suppressed, 3);
		assert_int_equal(s0.logged - s1.logged, 2);
		assert_int_equal(xdpdk_trace_read(got, XDPDK_TRACE_RING_SIZE), 5);
		xdpdk_trace_set_rate(XDPDK_TRACE_DEFAULT_RATE, XDPDK_TRACE_DEFAULT_BURST);
		obj_run_free(&r);
	}
	assert_int_equal(xdpdk_trace_read(NULL, 1), -EINVAL);
}

/* Unread lines: the ring keeps the newest XDPDK_TRACE_RING_SIZE. */
static void
test_trace_ring_overwrites(void **state)
{
	static struct xdpdk_trace_line got[XDPDK_TRACE_RING_SIZE];
	struct xdpdk_trace_stats s0, s1;
	const uint64_t a[1] = { 0 };
	char fmt[] = "line %d";

	(void)state;
	while (xdpdk_trace_read(got, XDPDK_TRACE_RING_SIZE) > 0)
		;
	xdpdk_trace_set_rate(1, 1);
	xdpdk_trace_stats(&s0);
	for (int i = 0; i < XDPDK_TRACE_RING_SIZE + 10; i++)
		assert_int_equal(xdpdk_h_trace_printk((uintptr_t)fmt, sizeof(fmt), (uint64_t)i,
						      a[0], a[0]), i < 10 ? 6 : i < 100 ? 7 : 8);
	xdpdk_trace_stats(&s1);
	assert_int_equal(s1.overwritten - s0.overwritten, 10);
	assert_int_equal(xdpdk_trace_read(got, XDPDK_TRACE_RING_SIZE), XDPDK_TRACE_RING_SIZE);
	assert_string_equal(got[0].text, "line 10");
	assert_string_equal(got[XDPDK_TRACE_RING_SIZE - 1].text, "line 265");
	xdpdk_trace_set_rate(XDPDK_TRACE_DEFAULT_RATE, XDPDK_TRACE_DEFAULT_BURST);
}

static void
test_process(void **state)
{
	char comm[16] = { 0 };
	uint64_t w[2];
	struct bpf_pidns_info ns = { 7, 7 };
	struct stat st;
	uint64_t dev;

	(void)state;
	assert_int_equal(prctl(PR_GET_NAME, comm, 0, 0, 0), 0);
	memcpy(w, comm, 16);
	for (int e = 0; e < OBJ_RUN_N_ENGINES; e++) {
		for (int tc = 0; tc < 2; tc++) {
			struct obj_run r = { 0 };

			run(&r, "process", tc ? "tc_process" : "xdp_process", obj_run_engines[e],
			    NULL);
			assert_int_equal(obj_run_u64(&r, "rv", 0),
					 (uint64_t)getpid() << 32 | (uint32_t)gettid());
			assert_int_equal(obj_run_u64(&r, "rv", 1),
					 (uint64_t)getgid() << 32 | getuid());
			assert_int_equal(RV(&r, 2), 0);
			assert_int_equal(obj_run_u64(&r, "rv", 3), w[0]);
			assert_int_equal(obj_run_u64(&r, "rv", 4), w[1]);
			assert_int_equal(RV(&r, 5), 0);
			assert_int_equal(obj_run_u64(&r, "rv", 6),
					 (uint8_t)comm[0] | (uint8_t)comm[1] << 8 |
						 (uint32_t)(uint8_t)comm[2] << 16);
			assert_int_equal(RV(&r, 7), -EINVAL);
			assert_int_equal(RV(&r, 8), 0);	/* zeroed */
			assert_int_equal(RV(&r, 9), -EINVAL);
			obj_run_free(&r);
		}
	}
	/* The real namespace: the ids as seen in it. */
	assert_int_equal(stat("/proc/self/ns/pid", &st), 0);
	dev = (uint64_t)major(st.st_dev) << 20 | minor(st.st_dev);
	assert_int_equal(xdpdk_h_get_ns_current_pid_tgid(dev, st.st_ino, (uintptr_t)&ns,
							 sizeof(ns), 0), 0);
	assert_int_equal(ns.tgid, getpid());
	assert_int_equal(ns.pid, gettid());
	assert_int_equal(xdpdk_h_get_ns_current_pid_tgid(dev, st.st_ino, (uintptr_t)&ns, 4, 0),
			 (uint64_t)-EINVAL);
}

static void
test_tc_redirect_verdicts(void **state)
{
	static const int64_t want[] = { TC_ACT_REDIRECT, TC_ACT_REDIRECT, TC_ACT_SHOT,
					TC_ACT_SHOT, TC_ACT_REDIRECT, TC_ACT_SHOT,
					TC_ACT_REDIRECT, TC_ACT_REDIRECT, TC_ACT_SHOT,
					TC_ACT_SHOT, -EINVAL, -EINVAL, -EINVAL };
	static const int64_t fib_want[] = { -ENODEV, -EINVAL, -EINVAL, -EAFNOSUPPORT };
	static const int64_t mtu_want[] = { -EINVAL, 5, -EINVAL, 5, -EINVAL, -ENODEV, 5 };

	(void)state;
	for (int e = 0; e < OBJ_RUN_N_ENGINES; e++) {
		struct obj_run r = { 0 };
		uint32_t ret;

		run(&r, "tc_redirect", "tc_redirect_flags", obj_run_engines[e], &ret);
		for (uint32_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
			assert_int_equal(RV(&r, i), want[i]);
		/* the program's own last redirect: ifindex = len, egress (even length) */
		assert_int_equal(ret, TC_ACT_REDIRECT);
		assert_int_equal(xdpdk_tc_redirect_last()->ifindex, sizeof(pkt));
		assert_int_equal(xdpdk_tc_redirect_last()->flags, 0);
		obj_run_free(&r);
		run(&r, "tc_redirect", "tc_fib_errors", obj_run_engines[e], &ret);
		for (uint32_t i = 0; i < sizeof(fib_want) / sizeof(fib_want[0]); i++)
			assert_int_equal(RV(&r, i), fib_want[i]);
		obj_run_free(&r);
		run(&r, "tc_redirect", "tc_check_mtu_errors", obj_run_engines[e], &ret);
		for (uint32_t i = 0; i < sizeof(mtu_want) / sizeof(mtu_want[0]); i++)
			assert_int_equal(RV(&r, 4 + i), mtu_want[i]);
		obj_run_free(&r);
	}
}

static int clone_calls;

static int
clone_handler(uint32_t ifindex, uint64_t flags, const uint8_t *frame, uint32_t len, void *arg)
{
	(void)flags;
	assert_ptr_equal(arg, &clone_calls);
	assert_int_equal(len, sizeof(pkt));
	assert_memory_equal(frame, pkt, len);
	clone_calls++;
	return ifindex == 9 ? 1 : 0;	/* NET_XMIT_DROP */
}

static void
test_tc_redirect_direct(void **state)
{
	static const uint8_t mac3[6] = { 2, 0, 0, 0, 0, 3 }, nmac[6] = { 0xaa, 1, 2, 3, 4, 5 };
	static const uint8_t gmac[6] = { 0xbb, 1, 2, 3, 4, 5 };
	struct xdpdk_fib *fib = xdpdk_fib_create(&(struct xdpdk_fib_opts){ .max_routes = 64,
									 .max_neigh = 64,
									 .num_tbl8 = 16 });
	struct xdpdk_fib_if i3 = { .mtu = 1500, .forwarding = true };
	struct xdpdk_fib_route rt = { .family = AF_INET, .depth = 16, .ifindex = 3,
				      .gw_family = AF_INET };
	struct xdpdk_skb_ctx s = { 0 };
	struct xdpdk_tc_clone c[XDPDK_TC_CLONE_MAX];
	struct bpf_redir_neigh nh = { .nh_family = AF_INET };
	uint8_t buf[256], eth[14], l3[20] = { 0x45 };

	(void)state;
	assert_non_null(fib);
	memcpy(i3.mac, mac3, 6);
	assert_int_equal(xdpdk_fib_if_set(fib, 3, &i3), 0);
	inet_pton(AF_INET, "10.9.0.0", rt.dst);
	inet_pton(AF_INET, "192.0.2.254", rt.gw);
	assert_int_equal(xdpdk_fib_route_add(fib, &rt), 0);
	inet_pton(AF_INET, "192.0.2.254", buf);
	assert_int_equal(xdpdk_fib_neigh_add(fib, 3, AF_INET, buf, gmac), 0);
	inet_pton(AF_INET, "192.0.2.7", buf);
	assert_int_equal(xdpdk_fib_neigh_add(fib, 3, AF_INET, buf, nmac), 0);
	xdpdk_fib_set_current(fib);

	/* redirect_neigh without a next hop: the route's gateway's MAC */
	assert_int_equal(xdpdk_h_redirect_neigh(3, 0, 0, 0, 0), TC_ACT_REDIRECT);
	assert_int_equal(xdpdk_tc_redirect_last()->flags, XDPDK_TC_REDIR_NEIGH);
	inet_pton(AF_INET, "10.9.1.2", l3 + 16);
	assert_int_equal(xdpdk_tc_redirect_neigh_eth(xdpdk_tc_redirect_last(), l3, sizeof(l3),
						     htons(0x0800), eth), 0);
	assert_memory_equal(eth, gmac, 6);
	assert_memory_equal(eth + 6, mac3, 6);
	assert_int_equal(eth[12] << 8 | eth[13], 0x0800);
	assert_int_equal(xdpdk_tc_redirect_neigh_eth(xdpdk_tc_redirect_last(), l3, 19,
						     htons(0x0800), eth), -EINVAL);
	assert_int_equal(xdpdk_tc_redirect_neigh_eth(xdpdk_tc_redirect_last(), l3, sizeof(l3),
						     htons(0x0806), eth), -EAFNOSUPPORT);
	inet_pton(AF_INET, "10.10.1.2", l3 + 16);
	assert_int_equal(xdpdk_tc_redirect_neigh_eth(xdpdk_tc_redirect_last(), l3, sizeof(l3),
						     htons(0x0800), eth), -ENETUNREACH);
	/* with a next hop: its MAC, or -ENOENT when it has no neighbour entry */
	inet_pton(AF_INET, "192.0.2.7", &nh.ipv4_nh);
	assert_int_equal(xdpdk_h_redirect_neigh(3, (uintptr_t)&nh, sizeof(nh), 0, 0),
			 TC_ACT_REDIRECT);
	assert_int_equal(xdpdk_tc_redirect_last()->flags,
			 XDPDK_TC_REDIR_NEIGH | XDPDK_TC_REDIR_NEXTHOP);
	assert_int_equal(xdpdk_tc_redirect_neigh_eth(xdpdk_tc_redirect_last(), l3, sizeof(l3),
						     htons(0x0800), eth), 0);
	assert_memory_equal(eth, nmac, 6);
	inet_pton(AF_INET, "192.0.2.8", &nh.ipv4_nh);
	xdpdk_h_redirect_neigh(3, (uintptr_t)&nh, sizeof(nh), 0, 0);
	assert_int_equal(xdpdk_tc_redirect_neigh_eth(xdpdk_tc_redirect_last(), l3, sizeof(l3),
						     htons(0x0800), eth), -ENOENT);
	xdpdk_h_redirect_neigh(4, 0, 0, 0, 0);
	assert_int_equal(xdpdk_tc_redirect_neigh_eth(xdpdk_tc_redirect_last(), l3, sizeof(l3),
						     htons(0x0800), eth), -ENODEV);
	/* redirect_peer and TC's redirect */
	assert_int_equal(xdpdk_h_redirect_peer(3, 0, 0, 0, 0), TC_ACT_REDIRECT);
	assert_int_equal(xdpdk_tc_redirect_last()->flags, XDPDK_TC_REDIR_PEER);
	assert_int_equal(xdpdk_h_tc_redirect(3, BPF_F_INGRESS, 0, 0, 0), TC_ACT_REDIRECT);
	assert_int_equal(xdpdk_tc_redirect_last()->flags, BPF_F_INGRESS);

	/* clone_redirect without a handler: the table's devices, recorded */
	memcpy(buf + 64, pkt, sizeof(pkt));
	s.data = buf + 64;
	s.data_end = s.data + sizeof(pkt);
	s.len = sizeof(pkt);
	s.network_off = 14;
	xdpdk_tc_clones_take(c, XDPDK_TC_CLONE_MAX);
	assert_int_equal(xdpdk_h_clone_redirect((uintptr_t)&s, 3, BPF_F_INGRESS, 0, 0), 0);
	assert_int_equal(xdpdk_h_clone_redirect((uintptr_t)&s, 3, 0, 0, 0), 0);
	assert_int_equal(xdpdk_h_clone_redirect((uintptr_t)&s, 5, 0, 0, 0), (uint64_t)-EINVAL);
	assert_int_equal(xdpdk_tc_clones_take(c, XDPDK_TC_CLONE_MAX), 2);
	assert_int_equal(c[0].ifindex, 3);
	assert_int_equal(c[0].flags, BPF_F_INGRESS);
	assert_int_equal(c[1].flags, 0);
	assert_int_equal(c[1].len, sizeof(pkt));
	assert_memory_equal(c[1].data, pkt, sizeof(pkt));
	for (int i = 0; i < XDPDK_TC_CLONE_MAX; i++)
		xdpdk_h_clone_redirect((uintptr_t)&s, 3, 0, 0, 0);
	assert_int_equal(xdpdk_h_clone_redirect((uintptr_t)&s, 3, 0, 0, 0), (uint64_t)-ENOMEM);
	assert_int_equal(xdpdk_tc_clones_take(c, 1), 1);
	s.network_off = 0;
	assert_int_equal(xdpdk_h_clone_redirect((uintptr_t)&s, 3, 0, 0, 0), (uint64_t)-ERANGE);
	s.network_off = 14;
	s.gso_size = 1000;
	assert_int_equal(xdpdk_h_clone_redirect((uintptr_t)&s, 3, 0, 0, 0), (uint64_t)-EBADMSG);
	s.gso_size = 0;
	/* with a handler: it decides */
	xdpdk_tc_set_clone_handler(clone_handler, &clone_calls);
	assert_int_equal(xdpdk_h_clone_redirect((uintptr_t)&s, 77, 0, 0, 0), 0);
	assert_int_equal(xdpdk_h_clone_redirect((uintptr_t)&s, 9, 0, 0, 0), 1);
	assert_int_equal(clone_calls, 2);
	xdpdk_tc_set_clone_handler(NULL, NULL);

	/* skb check_mtu: the skb's length against MTU + 14; GSO and BPF_MTU_CHK_SEGS */
	{
		uint32_t mtu = 0;

		s.ifindex = 3;
		assert_int_equal(xdpdk_h_skb_check_mtu((uintptr_t)&s, 0, (uintptr_t)&mtu, 0, 0),
				 BPF_MTU_CHK_RET_SUCCESS);
		assert_int_equal(mtu, 1500);
		mtu = 0;
		assert_int_equal(xdpdk_h_skb_check_mtu((uintptr_t)&s, 3, (uintptr_t)&mtu, 1455, 0),
				 BPF_MTU_CHK_RET_FRAG_NEEDED);
		mtu = 1500;
		assert_int_equal(xdpdk_h_skb_check_mtu((uintptr_t)&s, 3, (uintptr_t)&mtu, 0, 0),
				 BPF_MTU_CHK_RET_SUCCESS);
		s.len = 3000;
		s.gso_size = 1400;
		s.protocol = htons(0x0800);
		buf[64 + 14] = 0x45;
		mtu = 0;
		assert_int_equal(xdpdk_h_skb_check_mtu((uintptr_t)&s, 3, (uintptr_t)&mtu, 0, 0),
				 BPF_MTU_CHK_RET_SUCCESS);
		mtu = 0;
		assert_int_equal(xdpdk_h_skb_check_mtu((uintptr_t)&s, 3, (uintptr_t)&mtu, 0,
						       BPF_MTU_CHK_SEGS), BPF_MTU_CHK_RET_SUCCESS);
		s.gso_size = 1481;
		mtu = 0;
		assert_int_equal(xdpdk_h_skb_check_mtu((uintptr_t)&s, 3, (uintptr_t)&mtu, 0,
						       BPF_MTU_CHK_SEGS),
				 BPF_MTU_CHK_RET_SEGS_TOOBIG);
	}
	xdpdk_fib_set_current(NULL);
	xdpdk_fib_free(fib);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strtol),
		cmocka_unit_test(test_strncmp),
		cmocka_unit_test(test_snprintf),
		cmocka_unit_test(test_bprintf_engine),
		cmocka_unit_test(test_trace_printk),
		cmocka_unit_test(test_trace_ring_overwrites),
		cmocka_unit_test(test_process),
		cmocka_unit_test(test_tc_redirect_verdicts),
		cmocka_unit_test(test_tc_redirect_direct),
	};

	for (size_t i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(i * 7);
	pkt[12] = 0x08;
	pkt[13] = 0x06;	/* ARP: no IP length checks in test runs */
	return cmocka_run_group_tests_name("helpers_strings", tests, obj_run_eal_init,
					   obj_run_eal_cleanup);
}
