/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The bench's test programs (tests/progs/xdp_*.bpf.c) written as native C
 * over xdpdk's XDP context: the baseline the engines are compared with.
 */
#ifndef XDPDK_BENCH_NATIVE_PROGS_H
#define XDPDK_BENCH_NATIVE_PROGS_H

#include <xdpdk/ctx.h>

/* Same return values (XDP_*) and the same packet bytes as the BPF versions. */
int xdpdk_native_xdp_macswap(struct xdpdk_xdp_ctx *ctx);
int xdpdk_native_xdp_parse_hash(struct xdpdk_xdp_ctx *ctx);

#endif /* XDPDK_BENCH_NATIVE_PROGS_H */
