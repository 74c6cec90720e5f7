/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helper benchmarks: ns per run of the programs of
 * tests/progs/bench_helpers.bpf.c, each one helper call (adjust_head: two),
 *
 *   helpers/<prog>/direct   the helper's C function called directly
 *   helpers/<prog>/jit      the program on the xdpdk JIT (xdpdk_prog_run)
 *   helpers/<prog>/kernel   the same object through BPF_PROG_TEST_RUN with
 *                           repeat; time is the kernel's own duration
 *
 * snprintf ("%u:%x" of two packet bytes) and strtol (8 decimal digits) are
 * the string helpers'.
 * base (no helper) and prandom (bench_fib's random draw without the
 * lookup) are there to subtract: helper cost = prog - base (fib: - prandom).
 * fib_lookup runs against 1M /24 routes in 16.0.0.0/4: xdpdk's table
 * (rte_fib DIR24_8) and, for the kernel, the same routes in a network
 * namespace this process creates for the run, on a veth device (root;
 * skipped otherwise).
 * The packet sits in a 4096-byte frame after 256 bytes of headroom, as the
 * kernel's test run lays it out, and is rerun in place.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include <xdpdk/bpf.h>
#include <xdpdk/ctx.h>
#include <xdpdk/elf.h>
#include <xdpdk/fib.h>
#include <xdpdk/helpers.h>
#include <xdpdk/load.h>

#include "bench.h"
#include "bench_maps.h"
#include "helpers_internal.h"

#ifndef XDPDK_BENCH_PROGS_DIR
#define XDPDK_BENCH_PROGS_DIR "tests/progs"
#endif

#define FRAME 4096
#define PKT_LEN 128
#define BATCH 1024
#define KERNEL_REPEAT 1000000u
#define N_ROUTES (1u << 20)
#define FIB_IFINDEX 2	/* xdpdk's; the kernel's comes from its namespace */
#define NETNS_DEV "xdpdkb0"

enum variant { V_DIRECT, V_JIT, V_KERNEL, V_COUNT };

static const char *const variant_names[V_COUNT] = { "direct", "jit", "kernel" };

struct hcase {
	const char *prog;
	enum variant v;
};

static const char *const progs[] = {
	"bench_base", "bench_csum20", "bench_csum40", "bench_adjust_head", "bench_prandom",
	"bench_fib",
	"bench_snprintf",
	"bench_strtol",
};

static struct hcase cases[sizeof(progs) / sizeof(progs[0])][V_COUNT];

static void
build_pkt(uint8_t *pkt, uint32_t ifindex)
{
	for (uint32_t i = 0; i < PKT_LEN; i++)
		pkt[i] = (uint8_t)(i * 13 + 1);
	pkt[12] = 0x08, pkt[13] = 0x00;
	memcpy(pkt + 60, &ifindex, 4);
}

/* xdpdk's table: 1M /24 routes over 16.0.0.0/4, built once. */
static const char *
xdpdk_fib_ready(void)
{
	static struct xdpdk_fib *fib;
	struct xdpdk_fib_if ifc = { .mtu = 1500, .forwarding = true };

	if (fib != NULL)
		return NULL;
	if (!xdpdk_bench_eal_ready())
		return "cannot start DPDK's EAL";
	fib = xdpdk_fib_create(&(struct xdpdk_fib_opts){ .max_routes = N_ROUTES + 1024,
							 .max_neigh = 1024, .num_tbl8 = 256 });
	if (fib == NULL)
		return "xdpdk_fib_create failed";
	xdpdk_fib_if_set(fib, FIB_IFINDEX, &ifc);
	for (uint32_t i = 0; i < N_ROUTES; i++) {
		uint32_t a = htonl(0x10000000u | i << 8);
		struct xdpdk_fib_route r = { .family = AF_INET, .depth = 24,
					     .ifindex = FIB_IFINDEX };

		memcpy(r.dst, &a, 4);
		if (xdpdk_fib_route_add(fib, &r) != 0)
			return "xdpdk_fib_route_add failed";
	}
	xdpdk_fib_set_current(fib);
	return NULL;
}

static void
frame_reset(struct xdpdk_xdp_ctx *ctx, uint8_t *frame, const uint8_t *pkt)
{
	memset(ctx, 0, sizeof(*ctx));
	memcpy(frame + XDPDK_XDP_HEADROOM, pkt, PKT_LEN);
	ctx->data_hard_start = frame;
	ctx->data_hard_end = frame + FRAME - XDPDK_XDP_TAIL_RESERVE;
	ctx->data_meta = ctx->data = frame + XDPDK_XDP_HEADROOM;
	ctx->data_end = ctx->data + PKT_LEN;
	ctx->ingress_ifindex = 1;
}

static void
run_direct(struct xdpdk_bench_state *st, const char *prog, struct xdpdk_xdp_ctx *ctx)
{
	const uint64_t c = (uint64_t)(uintptr_t)ctx;
	const uint64_t d = (uint64_t)(uintptr_t)(ctx->data + 14);
	struct bpf_fib_lookup p = { .family = AF_INET, .ifindex = FIB_IFINDEX };
	uint64_t seed = 1, acc = 0;

	if (strcmp(prog, "bench_csum20") == 0 || strcmp(prog, "bench_csum40") == 0) {
		const uint64_t n = prog[10] == '2' ? 20 : 40;

		while (xdpdk_bench_run_batch(st, BATCH))
			for (int i = 0; i < BATCH; i++) {
				acc += xdpdk_h_csum_diff(0, 0, d, n, 0);
				xdpdk_bench_keep(&acc);
			}
	} else if (strcmp(prog, "bench_adjust_head") == 0) {
		while (xdpdk_bench_run_batch(st, BATCH))
			for (int i = 0; i < BATCH; i++) {
				acc += xdpdk_h_xdp_adjust_head(c, (uint64_t)-32, 0, 0, 0);
				acc += xdpdk_h_xdp_adjust_head(c, 32, 0, 0, 0);
				xdpdk_bench_keep(ctx);
			}
	} else if (strcmp(prog, "bench_fib") == 0) {
		while (xdpdk_bench_run_batch(st, BATCH))
			for (int i = 0; i < BATCH; i++) {
				/* xorshift: cheaper than the program's prandom, same spread. */
				seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
				p.family = AF_INET;
				p.ifindex = FIB_IFINDEX;
				p.ipv4_dst = htonl(0x10000000u | ((uint32_t)seed & 0x0fffffffu));
				acc += xdpdk_h_xdp_fib_lookup(0, (uintptr_t)&p, sizeof(p),
							      BPF_FIB_LOOKUP_DIRECT |
								      BPF_FIB_LOOKUP_SKIP_NEIGH,
							      0);
				xdpdk_bench_keep(&p);
			}
		if (acc != 0)
			xdpdk_bench_skip(st, "fib_lookup failed on an installed route");
	} else if (strcmp(prog, "bench_snprintf") == 0) {
		static const char fmt[] = "%u:%x";
		uint64_t a[2] = { ctx->data[14], ctx->data[15] };
		char out[32];

		while (xdpdk_bench_run_batch(st, BATCH))
			for (int i = 0; i < BATCH; i++) {
				acc += xdpdk_h_snprintf((uintptr_t)out, sizeof(out), (uintptr_t)fmt,
							(uintptr_t)a, sizeof(a));
				xdpdk_bench_keep(out);
			}
	} else if (strcmp(prog, "bench_strtol") == 0) {
		static const char s[] = "12345678";
		int64_t r;

		while (xdpdk_bench_run_batch(st, BATCH))
			for (int i = 0; i < BATCH; i++) {
				acc += xdpdk_h_strtol((uintptr_t)s, 8, 10, (uintptr_t)&r, 0);
				xdpdk_bench_keep(&r);
			}
	} else {
		xdpdk_bench_skip(st, "no direct call for %s", prog);
	}
}

static void
run_jit(struct xdpdk_bench_state *st, const char *prog, struct xdpdk_xdp_ctx *ctx)
{
	char path[512], log[2048] = "";
	struct xdpdk_obj_opts oo = { .log_buf = log, .log_size = sizeof(log) };
	struct xdpdk_load_opts lo = { .engine = XDPDK_ENGINE_JIT, .helpers = xdpdk_helpers_resolve,
				      .only_prog = prog, .log_buf = log,
				      .log_size = sizeof(log) };
	struct xdpdk_obj *obj;
	struct xdpdk_loaded *l = NULL;
	struct xdpdk_prog *p;
	uint64_t ret = 0;

	/* The object's read-only data (format strings) is a map in DPDK memory. */
	if (!xdpdk_bench_eal_ready()) {
		xdpdk_bench_skip(st, "cannot start DPDK's EAL");
		return;
	}
	snprintf(path, sizeof(path), "%s/bench_helpers.bpf.o", XDPDK_BENCH_PROGS_DIR);
	obj = xdpdk_obj_open(path, &oo);
	if (obj != NULL)
		l = xdpdk_obj_load(obj, &lo);
	if (l == NULL) {
		xdpdk_bench_skip(st, "load %s: %s", path, log);
		goto out;
	}
	p = xdpdk_loaded_prog_find(l, prog);
	ret = xdpdk_prog_run(p, ctx, 0);
	if (ret != XDP_PASS) {
		xdpdk_bench_skip(st, "%s returned %llu, not XDP_PASS", prog, (unsigned long long)ret);
		goto out;
	}
	while (xdpdk_bench_run_batch(st, BATCH))
		for (int i = 0; i < BATCH; i++)
			ret += xdpdk_prog_run(p, ctx, 0);
	xdpdk_bench_keep(&ret);
out:
	xdpdk_loaded_free(l);
	xdpdk_obj_close(obj);
}

/* Run @cmd (a shell line); 0 if it exited 0. */
static int
sh(const char *cmd)
{
	int rc = system(cmd);

	return rc == 0 ? 0 : -1;
}

/*
 * The kernel's side of bench_fib: a fresh network namespace with a veth
 * device, forwarding on, and the same 1M routes, added with ip -batch.
 * Returns the device's ifindex, or 0 with @why set.
 */
static uint32_t
kernel_fib_netns(const char **why)
{
	FILE *f;

	if (unshare(CLONE_NEWNET) != 0) {
		*why = "unshare(CLONE_NEWNET) failed (needs root)";
		return 0;
	}
	/* veth: this kernel may lack the dummy driver. */
	if (sh("ip link add " NETNS_DEV " type veth peer name " NETNS_DEV "p && ip link set "
	       NETNS_DEV " up && ip link set " NETNS_DEV "p up") != 0) {
		*why = "ip link add ... type veth failed";
		return 0;
	}
	f = fopen("/proc/sys/net/ipv4/conf/" NETNS_DEV "/forwarding", "w");
	if (f == NULL || fputs("1\n", f) < 0 || fclose(f) != 0) {
		*why = "cannot enable forwarding";
		return 0;
	}
	f = popen("ip -batch -", "w");
	if (f == NULL) {
		*why = "cannot run ip -batch";
		return 0;
	}
	for (uint32_t i = 0; i < N_ROUTES; i++)
		fprintf(f, "route add %u.%u.%u.0/24 dev " NETNS_DEV "\n", 16 + (i >> 16),
			(i >> 8) & 0xff, i & 0xff);
	if (pclose(f) != 0) {
		*why = "ip -batch failed adding the routes";
		return 0;
	}
	return if_nametoindex(NETNS_DEV);
}

static void
run_kernel(struct xdpdk_bench_state *st, const char *prog, const uint8_t *pkt_in)
{
	static uint8_t out[FRAME];
	uint8_t pkt[PKT_LEN];
	char path[512];
	struct bpf_object *obj = NULL;
	int orig_ns = -1, fd, rc = 0;
	const char *why = NULL;

	memcpy(pkt, pkt_in, PKT_LEN);
	if (strcmp(prog, "bench_fib") == 0) {
		uint32_t ifindex;

		orig_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		ifindex = orig_ns < 0 ? 0 : kernel_fib_netns(&why);
		if (ifindex == 0) {
			xdpdk_bench_skip(st, "kernel routes: %s", why ? why : "no netns");
			goto out;
		}
		memcpy(pkt + 60, &ifindex, 4);
	}
	snprintf(path, sizeof(path), "%s/bench_helpers.bpf.o", XDPDK_BENCH_PROGS_DIR);
	libbpf_set_print(NULL);
	obj = bpf_object__open_file(path, NULL);
	if (obj == NULL || bpf_object__load(obj) != 0) {
		xdpdk_bench_skip(st, "libbpf: cannot load %s into the kernel", path);
		goto out;
	}
	fd = bpf_program__fd(bpf_object__find_program_by_name(obj, prog));
	{
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = PKT_LEN,
			    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);

		rc = bpf_prog_test_run_opts(fd, &o);
		if (rc != 0 || o.retval != XDP_PASS) {
			xdpdk_bench_skip(st, "BPF_PROG_TEST_RUN: rc %d retval %u", rc, o.retval);
			goto out;
		}
	}
	while (xdpdk_bench_run_batch(st, KERNEL_REPEAT)) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = PKT_LEN,
			    .data_out = out, .data_size_out = sizeof(out),
			    .repeat = KERNEL_REPEAT);

		rc = bpf_prog_test_run_opts(fd, &o);
		if (rc != 0) {
			xdpdk_bench_skip(st, "BPF_PROG_TEST_RUN: %s", strerror(errno));
			break;
		}
		/* duration: the kernel's own ns per run, rounded down to whole ns. */
		xdpdk_bench_set_iteration_time(st, (double)o.duration * KERNEL_REPEAT * 1e-9);
	}
out:
	bpf_object__close(obj);
	if (orig_ns >= 0) {
		/* Back to the original namespace: the new one goes with its last user. */
		if (setns(orig_ns, CLONE_NEWNET) != 0)
			xdpdk_bench_skip(st, "setns back failed: %s", strerror(errno));
		close(orig_ns);
	}
}

static void
bench_helper(struct xdpdk_bench_state *st, void *arg)
{
	const struct hcase *c = arg;
	uint8_t *frame = aligned_alloc(FRAME, FRAME);
	uint8_t *ctx_page = aligned_alloc(FRAME, FRAME);
	/* A fixed place in its own page, clear of 4K aliasing with the packet. */
	struct xdpdk_xdp_ctx *ctx = (struct xdpdk_xdp_ctx *)(ctx_page + 2048);
	uint8_t pkt[PKT_LEN];
	const char *err;

	build_pkt(pkt, FIB_IFINDEX);
	frame_reset(ctx, frame, pkt);
	if (c->v != V_KERNEL && (strcmp(c->prog, "bench_fib") == 0) &&
	    (err = xdpdk_fib_ready()) != NULL) {
		xdpdk_bench_skip(st, "%s", err);
	} else if (c->v == V_DIRECT) {
		run_direct(st, c->prog, ctx);
	} else if (c->v == V_JIT) {
		run_jit(st, c->prog, ctx);
	} else {
		run_kernel(st, c->prog, pkt);
	}
	free(ctx_page);
	free(frame);
}

__attribute__((constructor)) static void
register_helper_benchmarks(void)
{
	char name[96];

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
		for (int v = 0; v < V_COUNT; v++) {
			if (v == V_DIRECT && (strcmp(progs[i], "bench_base") == 0 ||
					      strcmp(progs[i], "bench_prandom") == 0))
				continue;
			cases[i][v] = (struct hcase){ progs[i], (enum variant)v };
			snprintf(name, sizeof(name), "helpers/%s/%s", progs[i] + 6,
				 variant_names[v]);
			xdpdk_bench_register(name, bench_helper, &cases[i][v],
					     v == V_KERNEL ? XDPDK_BENCH_MANUAL_TIME : 0);
		}
}
