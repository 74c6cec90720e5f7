/* SPDX-License-Identifier: BSD-3-Clause */
/* The kernel's XDP on the same object and packets, for `bench pipeline --kernel` (bench_kernel.c). */
#ifndef XDPDK_CLI_BENCH_KERNEL_H
#define XDPDK_CLI_BENCH_KERNEL_H

#include <stdint.h>
#include <stdlib.h>

struct cli_bench_kernel;

/* Load @p obj in the kernel, seed its maps from @p maps_init; NULL and *why if not possible. */
struct cli_bench_kernel *cli_bench_kernel_open(const char *obj, const char *prog,
					       const char *maps_init, const char **why);
/* ns per packet of @p repeat live-frame runs of @p pkt by program @p fd, or -errno. */
double cli_bench_kernel_live_ns(int fd, const uint8_t *pkt, uint32_t len, uint32_t repeat);
/* A program that moves the head by @p grow bytes and returns @p verdict: a baseline's fd. */
int cli_bench_kernel_baseline(int grow, int verdict);
/* ns per packet of @p repeat live-frame runs of @p pkt (program and frame work), or -errno. */
double cli_bench_kernel_ns(struct cli_bench_kernel *k, const uint8_t *pkt, uint32_t len,
			   uint32_t repeat);
/*
 * The packet's figure against a baseline program making the same head adjustment and
 * returning the same verdict (an ordinary test run tells both): @return 0 with both
 * figures, the packet's comparable if *prog_ns > *base_ns; else -errno.
 */
int cli_bench_kernel_check(struct cli_bench_kernel *k, const uint8_t *pkt, uint32_t len,
			   uint32_t repeat, double *prog_ns, double *base_ns);
void cli_bench_kernel_close(struct cli_bench_kernel *k);

#endif /* XDPDK_CLI_BENCH_KERNEL_H */
