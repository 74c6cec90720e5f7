/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel's XDP on the same object and packets (bench_kernel.c says how,
 * and why the program's time is taken on fresh pages only), for
 * `bench pipeline --kernel` and tests/bench/bench_lb.c.
 */
#ifndef XDPDK_CLI_BENCH_KERNEL_H
#define XDPDK_CLI_BENCH_KERNEL_H

#include <stdint.h>
#include <stdlib.h>

struct cli_bench_kernel;

/* One packet's figures, ns. */
struct cli_bench_kernel_fig {
	double prog_ns;		/* the program's own time, on fresh pages */
	double prog_stderr_ns;	/* its standard error over the calls */
	double frame_ns;	/* the frame work of its verdict, in steady state */
};

/* A program that moves the head by @p grow bytes and returns @p verdict: a baseline's fd. */
int cli_bench_kernel_baseline(int grow, int verdict);
/* The baseline for program @p fd on @p pkt (an ordinary test run tells its verdict and size). */
int cli_bench_kernel_base_for(int fd, const uint8_t *pkt, uint32_t len);
/*
 * ns per repetition of @p repeat live-frame runs of program @p fd on @p pkt, in batches
 * of @p batch (0: the kernel's default), or -errno. Valid only for programs that do not
 * read bytes they rewrite: a recycled page keeps them.
 */
double cli_bench_kernel_live_ns(int fd, const uint8_t *pkt, uint32_t len, uint32_t repeat,
				uint32_t batch);
/*
 * Program @p fd's own time on @p pkt: @p calls pairs of single-batch live runs (every
 * repetition on a fresh page), alternating with baseline @p bfd; the mean difference
 * and its standard error. @return 0 or -errno.
 */
int cli_bench_kernel_fresh(int fd, int bfd, const uint8_t *pkt, uint32_t len, uint32_t calls,
			   double *prog_ns, double *stderr_ns);

/* Load @p obj in the kernel, seed its maps from @p maps_init; NULL and *why if not possible. */
struct cli_bench_kernel *cli_bench_kernel_open(const char *obj, const char *prog,
					       const char *maps_init, const char **why);
/* @p calls pairs for the program's time, then the frame work: @return 0 or -errno. */
int cli_bench_kernel_packet(struct cli_bench_kernel *k, const uint8_t *pkt, uint32_t len,
			    uint32_t calls, struct cli_bench_kernel_fig *fig);
void cli_bench_kernel_close(struct cli_bench_kernel *k);

#endif /* XDPDK_CLI_BENCH_KERNEL_H */
