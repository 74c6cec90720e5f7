/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The load balancer (bpf/progs/lb.bpf.o, xdp_lb: root + tail call) per
 * packet, on xdpdk's interpreter and JIT and in the Linux kernel, with the
 * golden test's maps (tests/golden/lb.maps) and packets (pcaps/lb-in.pcap):
 *
 *   established  TCP ACK to 10.0.0.1:80 whose connection is in lb_conns
 *                (the first run puts it there)                      -> IPIP
 *   syn4         TCP SYN to 10.0.0.1:80: Maglev ring, LRU update  -> IPIP
 * (packets are numbered from 1, as in the lb_cases table)
 *   gue          UDP to 10.0.0.2:53 (connection known)            -> GUE/IPv4
 *   syn6         IPv6 SYN to [fd00::100]:443: Maglev ring, LRU update -> IP6IP6
 *   non_vip      UDP to [fd00::100]:443, which no VIP takes (two vip_map misses) -> XDP_PASS
 *
 * xdpdk: xdpdk_prog_test_run() with repeat and fresh_input (each run starts
 * from the input packet; the cost of laying it out again is measured and
 * taken out). The kernel: BPF_PROG_TEST_RUN reruns on the buffer the previous
 * run modified, which for an encapsulating program means a different packet
 * each time (and, after 12 runs, no headroom). So every kernel run is a call
 * with repeat = 1, whose `duration` includes the kernel's timer (two
 * ktime_get_ns() and the loop around one run): that overhead is measured with
 * a two-instruction XDP_PASS program (repeat 1 minus repeat 1000000 per run)
 * and subtracted. non_vip, which leaves the packet alone, is also timed with
 * repeat (non_vip/kernel_repeat) as a check of that correction, and on the
 * JIT without fresh input (non_vip/jit_rerun: the kernel's way). The
 * kernel's durations are whole ns, so its figures carry ~0.5 ns of rounding.
 * Per-CPU state (lb_conns) is per CPU in the kernel: the kernel variant runs
 * pinned to CPU 0.
 */
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define bpf_insn cbpf_insn /* libpcap's classic struct clashes with linux/bpf.h */
#include <pcap/pcap.h>
#undef bpf_insn

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <rte_cycles.h>

#include <xdpdk/bpf.h>
#include <xdpdk/dataplane.h>
#include <xdpdk/elf.h>
#include <xdpdk/helpers.h>
#include <xdpdk/load.h>

#include "bench.h"
#include "bench_kernel.h"
#include "../golden/seeds.h"

#define LB_BATCH 20000u		/* runs per batch (xdpdk: one test run with repeat) */
#define LB_OUT 4096

/* LB_JIT_BLIND: the JIT with constant blinding (xdpdk_load_opts.jit_blind). */
enum lb_variant {
	LB_INTERP, LB_JIT, LB_JIT_RERUN, LB_JIT_BLIND, LB_KERNEL, LB_KERNEL_REPEAT, LB_KERNEL_LIVE
};

struct lb_case {
	const char *name;
	uint32_t pkt;		/* 1-based index in lb-in.pcap */
	enum lb_variant variant;
};

static const struct lb_case lb_cases[] = {
	{ "lb/established/interp", 2, LB_INTERP },
	{ "lb/established/jit", 2, LB_JIT },
	{ "lb/established/kernel", 2, LB_KERNEL },
	{ "lb/established/kernel_live", 2, LB_KERNEL_LIVE },
	{ "lb/syn4/interp", 3, LB_INTERP },
	{ "lb/syn4/jit", 3, LB_JIT },
	{ "lb/syn4/kernel", 3, LB_KERNEL },
	{ "lb/syn4/kernel_live", 3, LB_KERNEL_LIVE },
	{ "lb/gue/interp", 5, LB_INTERP },
	{ "lb/gue/jit", 5, LB_JIT },
	{ "lb/gue/kernel", 5, LB_KERNEL },
	{ "lb/gue/kernel_live", 5, LB_KERNEL_LIVE },
	{ "lb/syn6/interp", 7, LB_INTERP },
	{ "lb/syn6/jit", 7, LB_JIT },
	{ "lb/syn6/kernel", 7, LB_KERNEL },
	{ "lb/syn6/kernel_live", 7, LB_KERNEL_LIVE },
	{ "lb/non_vip/interp", 15, LB_INTERP },
	{ "lb/non_vip/jit", 15, LB_JIT },
	{ "lb/non_vip/kernel", 15, LB_KERNEL },
	{ "lb/non_vip/jit_rerun", 15, LB_JIT_RERUN },
	{ "lb/non_vip/kernel_repeat", 15, LB_KERNEL_REPEAT },
	{ "lb/non_vip/kernel_live", 15, LB_KERNEL_LIVE },
	{ "lb/established/jit_blind", 2, LB_JIT_BLIND },
	{ "lb/syn4/jit_blind", 3, LB_JIT_BLIND },
	{ "lb/gue/jit_blind", 5, LB_JIT_BLIND },
	{ "lb/syn6/jit_blind", 7, LB_JIT_BLIND },
	{ "lb/non_vip/jit_blind", 15, LB_JIT_BLIND },
};

static const char *
env_or(const char *var, const char *dflt)
{
	const char *v = getenv(var);

	return v != NULL && v[0] != '\0' ? v : dflt;
}

/* Packet @p idx (1-based) of @p file into @p buf; its length, or 0. */
static uint32_t
lb_packet(const char *file, uint32_t idx, uint8_t *buf, uint32_t size)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *pc = pcap_open_offline(file, err);
	uint32_t i = 0, len = 0;

	if (pc == NULL)
		return 0;
	while (pcap_next_ex(pc, &h, &d) == 1)
		if (++i == idx && h->caplen <= size) {
			memcpy(buf, d, h->caplen);
			len = h->caplen;
			break;
		}
	pcap_close(pc);
	return len;
}

struct lb_input {
	char obj[512];
	uint8_t pkt[LB_OUT];
	uint32_t len;
	struct cli_golden_seeds seeds;
};

static int
lb_input(struct xdpdk_bench_state *st, const struct lb_case *c, struct lb_input *in)
{
	const char *src = env_or("XDPDK_SOURCE_ROOT", XDPDK_BENCH_SOURCE_ROOT);
	char path[512];

	snprintf(in->obj, sizeof(in->obj), "%s/lb.bpf.o",
		 env_or("XDPDK_BPF_PROGS_DIR", XDPDK_BENCH_BPF_PROGS_DIR));
	snprintf(path, sizeof(path), "%s/pcaps/lb-in.pcap", src);
	in->len = lb_packet(path, c->pkt, in->pkt, sizeof(in->pkt));
	if (in->len == 0) {
		xdpdk_bench_skip(st, "%s: no packet %u", path, c->pkt);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/tests/golden/lb.maps", src);
	if (cli_golden_seeds_read(path, &in->seeds) != 0) {
		xdpdk_bench_skip(st, "cannot read %s", path);
		return -1;
	}
	return 0;
}

static void
lb_report(struct xdpdk_bench_state *st, double ns_total)
{
	uint64_t n = xdpdk_bench_iterations(st);

	xdpdk_bench_set_items(st, n);
	xdpdk_bench_counter(st, "cycles", ns_total * (double)rte_get_tsc_hz() / 1e9,
			    XDPDK_BENCH_COUNTER_PER_ITEM);
}

static void
lb_xdpdk(struct xdpdk_bench_state *st, const struct lb_case *c, struct lb_input *in)
{
	char log[2048] = "";
	struct xdpdk_obj_opts xo = { .log_buf = log, .log_size = sizeof(log) };
	struct xdpdk_load_opts lo_opts = {
		.engine = c->variant == LB_INTERP ? XDPDK_ENGINE_INTERP : XDPDK_ENGINE_JIT,
		.helpers = xdpdk_helpers_resolve, .only_prog = "xdp_lb",
		.log_buf = log, .log_size = sizeof(log),
		.jit_blind = c->variant == LB_JIT_BLIND,
	};
	struct xdpdk_obj *obj = xdpdk_obj_open(in->obj, &xo);
	struct xdpdk_loaded *lo = obj ? xdpdk_obj_load(obj, &lo_opts) : NULL;
	const struct xdpdk_prog *prog;
	static uint8_t out[LB_OUT];
	double total = 0;

	if (lo == NULL) {
		xdpdk_bench_skip(st, "xdpdk cannot load %s: %s", in->obj, log);
		goto out;
	}
	if (cli_golden_seed_xdpdk(lo, &in->seeds) != 0) {
		xdpdk_bench_skip(st, "seeding lb's maps failed");
		goto out;
	}
	prog = xdpdk_loaded_prog_find(lo, "xdp_lb");
	/* One run first: the connection is then known, as in the kernel variant. */
	{
		struct xdpdk_test_run t = { .data_in = in->pkt, .data_size_in = in->len,
					    .data_out = out, .data_size_out = sizeof(out) };

		xdpdk_prog_test_run(prog, &t);
	}
	while (xdpdk_bench_run_batch(st, LB_BATCH)) {
		struct xdpdk_test_run t = { .data_in = in->pkt, .data_size_in = in->len,
					    .data_out = out, .data_size_out = sizeof(out),
					    .repeat = LB_BATCH,
					    .fresh_input = c->variant != LB_JIT_RERUN };

		if (xdpdk_prog_test_run(prog, &t) != 0) {
			xdpdk_bench_skip(st, "xdpdk_prog_test_run failed");
			break;
		}
		xdpdk_bench_set_iteration_time(st, (double)t.duration_ns * LB_BATCH * 1e-9);
		total += (double)t.duration_ns * LB_BATCH;
	}
	lb_report(st, total);
	xdpdk_bench_label(st, "%s%s", xdpdk_engine_name(xdpdk_prog_engine(prog)),
			  xdpdk_prog_jit_blinded(prog) ? ", blinded" : "");
out:
	xdpdk_loaded_free(lo);
	xdpdk_obj_close(obj);
}

/* Mean kernel `duration` of @p calls test runs of @p fd with @p repeat. */
static double
kernel_mean(int fd, const uint8_t *pkt, uint32_t len, uint32_t repeat, uint32_t calls)
{
	static uint8_t out[LB_OUT];
	uint64_t sum = 0;

	for (uint32_t i = 0; i < calls; i++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len,
			    .data_out = out, .data_size_out = sizeof(out), .repeat = repeat);

		if (bpf_prog_test_run_opts(fd, &o) != 0)
			return -1;
		sum += o.duration;
	}
	return (double)sum / calls;
}

/* The kernel timer's cost in a repeat-1 test run, from a program that does nothing. */
static double
kernel_timer_overhead(const uint8_t *pkt, uint32_t len)
{
	static double overhead = -1;
	const struct bpf_insn p[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd;

	if (overhead >= 0)
		return overhead;
	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "lb_timer", "GPL", p, 2, NULL);
	if (fd < 0)
		return -1;
	overhead = kernel_mean(fd, pkt, len, 1, 200000) - kernel_mean(fd, pkt, len, 1000000, 5);
	close(fd);
	return overhead;
}

/*
 * Live frames (BPF_F_TEST_XDP_LIVE_FRAMES), on fresh pages only
 * (cli/bench_kernel.c says why: a recycled page keeps the bytes the lb
 * wrote, and the lb would then parse its own output): single-batch calls,
 * each repetition on a page the pool has just laid out from the input,
 * alternating with a baseline that makes the same head adjustment and
 * returns the same verdict; the difference is the program's own time (less
 * one bpf_xdp_adjust_head, which the baseline also calls: in the kernel's
 * favour).
 */
static void
lb_kernel_live(struct xdpdk_bench_state *st, int fd, struct lb_input *in)
{
	const uint32_t calls = LB_BATCH / 64;	/* pairs of single-batch calls of 64 runs */
	double total = 0, var = 0;
	uint64_t batches = 0;
	int bfd = cli_bench_kernel_base_for(fd, in->pkt, in->len);	/* the connection is then known */

	if (bfd < 0) {
		xdpdk_bench_skip(st, "BPF_PROG_TEST_RUN: %s", strerror(-bfd));
		return;
	}
	while (xdpdk_bench_run_batch(st, LB_BATCH)) {
		double ns, se;
		int rc = cli_bench_kernel_fresh(fd, bfd, in->pkt, in->len, calls, &ns, &se);

		if (rc != 0) {
			xdpdk_bench_skip(st, "BPF_PROG_TEST_RUN (live frames): %s", strerror(-rc));
			break;
		}
		if (ns <= 0)
			ns = 0;	/* within the noise of a program about as cheap as its baseline */
		xdpdk_bench_set_iteration_time(st, ns * LB_BATCH * 1e-9);
		total += ns * LB_BATCH;
		var += se * se;
		batches++;
	}
	lb_report(st, total);
	xdpdk_bench_label(st, "kernel, live frames on fresh pages, baseline subtracted, "
			  "± %.1f ns", batches ? sqrt(var) / (double)batches : 0);
	close(bfd);
}

static void
lb_kernel(struct xdpdk_bench_state *st, const struct lb_case *c, struct lb_input *in)
{
	struct bpf_object *kobj = bpf_object__open_file(in->obj, NULL);
	bool repeat = c->variant == LB_KERNEL_REPEAT;
	cpu_set_t old, cpu0;
	double total = 0, overhead = 0;
	int fd;

	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	sched_getaffinity(0, sizeof(old), &old);
	sched_setaffinity(0, sizeof(cpu0), &cpu0);
	libbpf_set_print(NULL);
	if (kobj == NULL || bpf_object__load(kobj) != 0) {
		xdpdk_bench_skip(st, "the kernel does not load %s: %s", in->obj, strerror(errno));
		goto out;
	}
	if (golden_seed_kernel(kobj, &in->seeds) != 0) {
		xdpdk_bench_skip(st, "seeding lb's maps in the kernel failed");
		goto out;
	}
	fd = bpf_program__fd(bpf_object__find_program_by_name(kobj, "xdp_lb"));
	if (c->variant == LB_KERNEL_LIVE) {
		lb_kernel_live(st, fd, in);
		goto out;
	}
	if (!repeat) {
		overhead = kernel_timer_overhead(in->pkt, in->len);
		if (overhead < 0) {
			xdpdk_bench_skip(st, "BPF_PROG_TEST_RUN: %s", strerror(errno));
			goto out;
		}
	}
	kernel_mean(fd, in->pkt, in->len, 1, 1); /* the connection is then known */
	while (xdpdk_bench_run_batch(st, LB_BATCH)) {
		double ns = repeat ? kernel_mean(fd, in->pkt, in->len, LB_BATCH, 1)
				   : kernel_mean(fd, in->pkt, in->len, 1, LB_BATCH) - overhead;

		if (ns < 0) {
			xdpdk_bench_skip(st, "BPF_PROG_TEST_RUN: %s", strerror(errno));
			break;
		}
		xdpdk_bench_set_iteration_time(st, ns * LB_BATCH * 1e-9);
		total += ns * LB_BATCH;
	}
	lb_report(st, total);
	if (repeat)
		xdpdk_bench_label(st, "kernel, repeat %u", LB_BATCH);
	else
		xdpdk_bench_label(st, "kernel, repeat 1, timer %.1f ns subtracted", overhead);
out:
	bpf_object__close(kobj);
	sched_setaffinity(0, sizeof(old), &old);
}

/* EAL once for all cases (maps live in DPDK memory); --no-huge when none are free. */
static bool
lb_eal_ready(void)
{
	static int state; /* 0 not tried, 1 up, -1 failed */
	char *extra[] = { "--log-level", "*:error" };

	if (state == 0) {
		state = xdpdk_eal_init_tool("xdpdk_bench_lb", 2, extra) == 0 ? 1 : -1;
		/* Hugepage files and the runtime directory go with the process. */
		if (state == 1)
			atexit(xdpdk_eal_cleanup_tool);
	}
	return state > 0;
}

static void
bench_lb_case(struct xdpdk_bench_state *st, void *arg)
{
	const struct lb_case *c = arg;
	struct lb_input *in = calloc(1, sizeof(*in));

	if (in == NULL || !lb_eal_ready()) {
		xdpdk_bench_skip(st, "rte_eal_init failed");
		free(in);
		return;
	}
	if (lb_input(st, c, in) == 0) {
		if (c->variant <= LB_JIT_BLIND)
			lb_xdpdk(st, c, in);
		else
			lb_kernel(st, c, in);
	}
	cli_golden_seeds_free(&in->seeds);
	free(in);
}

__attribute__((constructor)) static void
register_lb_benchmarks(void)
{
	xdpdk_bench_add_context("lb", "tests/golden/lb.maps, pcaps/lb-in.pcap");
	for (size_t i = 0; i < sizeof(lb_cases) / sizeof(lb_cases[0]); i++)
		xdpdk_bench_register(lb_cases[i].name, bench_lb_case, (void *)&lb_cases[i],
				     XDPDK_BENCH_MANUAL_TIME);
}
