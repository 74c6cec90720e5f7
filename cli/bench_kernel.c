/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel's XDP on the same object, maps and packets, for
 * `xdpdk bench pipeline --scenario lb --kernel` and tests/bench/bench_lb.c.
 *
 * BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES is the kernel's XDP path
 * without a NIC: each repetition takes a page from a page pool, the program
 * runs on it, and the verdict is acted on (XDP_TX is a transmit on the
 * loopback device, which refuses it and frees the frame; XDP_PASS builds an
 * skb and runs the stack; XDP_DROP recycles the page). Its `duration` is the
 * mean time per repetition.
 *
 * One catch decides how it is used: the kernel lays the input out in a page
 * only when the pool creates the page. A recycled page gets its pointers
 * reset, not its bytes, so after the first batch a program that rewrites
 * its packet (the lb writes its outer headers over the original Ethernet
 * header) runs on what it left there, not on the input: the lb then parses
 * garbage and passes or drops it. So:
 *
 * - the program's time is taken on fresh pages only: calls of one batch
 *   each (repeat = batch_size), every repetition on a page the pool has just
 *   made, alternating with a baseline program that makes the same head
 *   adjustment and returns the same verdict (from an ordinary test run); the
 *   difference of the two means is the program's own time, on a packet just
 *   written to memory, as a driver hands one over;
 * - the per-packet frame work is the baseline's in steady state (long runs
 *   of recycled pages: it reads no packet byte, so stale bytes change nothing);
 * - their sum is what the kernel's XDP spends per packet on this core less
 *   what a NIC driver adds (descriptors, DMA syncs, doorbells): a lower bound,
 *   so comparisons with it are in the kernel's favour.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench_kernel.h"
#include "golden.h"
#include "kdiff.h"

#ifndef BPF_F_TEST_XDP_LIVE_FRAMES
#define BPF_F_TEST_XDP_LIVE_FRAMES (1U << 1)
#endif

/*
 * Repetitions of one single-batch call: the kernel's default batch (NAPI's
 * 64). Larger ones read higher and noisier here (256 fresh pages are 1 MiB,
 * the size of L2: measured 80 against 55-63 ns for the lb's established
 * path, 39-54 against 33-37 for its non-VIP one).
 */
#define LIVE_BATCH 64u
/* Repetitions of the baseline in steady state. */
#define STEADY_REPEAT 20000u

struct cli_bench_kernel {
	struct bpf_object *kobj;
	int fd;
};

int
cli_bench_kernel_baseline(int grow, int verdict)
{
	const struct bpf_insn p[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 2, .imm = -grow },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_xdp_adjust_head },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = verdict },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return grow != 0 ? bpf_prog_load(BPF_PROG_TYPE_XDP, "xdpdk_live_base", "GPL", p, 4, NULL)
			 : bpf_prog_load(BPF_PROG_TYPE_XDP, "xdpdk_live_base", "GPL", p + 2, 2,
					 NULL);
}

double
cli_bench_kernel_live_ns(int fd, const uint8_t *pkt, uint32_t len, uint32_t repeat,
			 uint32_t batch)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len,
		    .repeat = repeat, .batch_size = batch, .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

	if (bpf_prog_test_run_opts(fd, &o) != 0)
		return -errno;
	return (double)o.duration;
}

int
cli_bench_kernel_base_for(int fd, const uint8_t *pkt, uint32_t len)
{
	static uint8_t out[CLI_KDIFF_MAX_OUT];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 1);

	if (bpf_prog_test_run_opts(fd, &o) != 0)
		return -errno;
	return cli_bench_kernel_baseline((int)o.data_size_out - (int)len, (int)o.retval);
}

int
cli_bench_kernel_fresh(int fd, int bfd, const uint8_t *pkt, uint32_t len, uint32_t calls,
		       double *prog_ns, double *stderr_ns)
{
	double sum = 0, sum2 = 0, mean;

	for (uint32_t i = 0; i < calls; i++) {
		/* alternate which goes first: drift hits both alike */
		const int first = i & 1 ? fd : bfd, second = i & 1 ? bfd : fd;
		const double a = cli_bench_kernel_live_ns(first, pkt, len, LIVE_BATCH, LIVE_BATCH);
		const double b = cli_bench_kernel_live_ns(second, pkt, len, LIVE_BATCH, LIVE_BATCH);
		double d;

		if (a < 0 || b < 0)
			return (int)(a < 0 ? a : b);
		d = first == fd ? a - b : b - a;
		sum += d;
		sum2 += d * d;
	}
	mean = sum / calls;
	*prog_ns = mean;
	*stderr_ns = calls > 1 ? sqrt(fmax(sum2 / calls - mean * mean, 0) / (calls - 1)) : 0;
	return 0;
}

struct cli_bench_kernel *
cli_bench_kernel_open(const char *obj, const char *prog, const char *maps_init,
		      const char **why)
{
	struct cli_bench_kernel *k = calloc(1, sizeof(*k));
	struct cli_golden_seeds sd;
	struct bpf_program *p;

	*why = cli_kdiff_unavailable();
	if (*why != NULL || k == NULL) {
		free(k);
		return NULL;
	}
	k->kobj = cli_kdiff_load(obj);
	if (k->kobj == NULL) {
		*why = "the kernel refuses the object";
		free(k);
		return NULL;
	}
	p = bpf_object__find_program_by_name(k->kobj, prog);
	if (p == NULL || cli_golden_seeds_read(maps_init, &sd) != 0) {
		*why = p == NULL ? "no such program in the kernel's load" : "bad --maps-init";
		cli_bench_kernel_close(k);
		return NULL;
	}
	if (cli_kdiff_seed(k->kobj, &sd) != 0) {
		*why = "seeding the kernel's maps failed";
		cli_golden_seeds_free(&sd);
		cli_bench_kernel_close(k);
		return NULL;
	}
	cli_golden_seeds_free(&sd);
	k->fd = bpf_program__fd(p);
	return k;
}

int
cli_bench_kernel_packet(struct cli_bench_kernel *k, const uint8_t *pkt, uint32_t len,
			uint32_t calls, struct cli_bench_kernel_fig *fig)
{
	int bfd = cli_bench_kernel_base_for(k->fd, pkt, len);
	int rc;

	if (bfd < 0)
		return bfd;
	rc = cli_bench_kernel_fresh(k->fd, bfd, pkt, len, calls, &fig->prog_ns,
				    &fig->prog_stderr_ns);
	if (rc == 0) {
		fig->frame_ns = cli_bench_kernel_live_ns(bfd, pkt, len, STEADY_REPEAT, 0);
		rc = fig->frame_ns < 0 ? (int)fig->frame_ns : 0;
	}
	close(bfd);
	return rc;
}

void
cli_bench_kernel_close(struct cli_bench_kernel *k)
{
	if (k == NULL)
		return;
	bpf_object__close(k->kobj);
	free(k);
}
