// SPDX-License-Identifier: BSD-3-Clause
/*
 * One helper per program, for tests/bench/bench_helpers.c: the same object
 * runs on xdpdk and through BPF_PROG_TEST_RUN. bench_base is the cost of a
 * run without a helper, to subtract. Each program leaves the packet as it
 * found it, since repeated runs reuse the buffer.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#ifndef AF_INET
#define AF_INET 2
#endif

SEC("xdp")
int
bench_base(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;

	return data + 64 > end ? XDP_ABORTED : XDP_PASS;
}

SEC("xdp")
int
bench_csum20(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;

	if (data + 64 > end)
		return XDP_ABORTED;
	return bpf_csum_diff(0, 0, data + 14, 20, 0) == 0x12345 ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int
bench_csum40(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;

	if (data + 64 > end)
		return XDP_ABORTED;
	return bpf_csum_diff(0, 0, data + 14, 40, 0) == 0x12345 ? XDP_DROP : XDP_PASS;
}

/* Two calls per run: out by 32 bytes and back. */
SEC("xdp")
int
bench_adjust_head(struct xdp_md *ctx)
{
	if (bpf_xdp_adjust_head(ctx, -32) != 0 || bpf_xdp_adjust_head(ctx, 32) != 0)
		return XDP_ABORTED;
	return XDP_PASS;
}

/*
 * A random destination in 16.0.0.0/4, where the benchmark installs 1M /24
 * routes, through the interface whose index is at packet offset 60.
 */
SEC("xdp")
int
bench_fib(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct bpf_fib_lookup p = {};

	if (data + 64 > end)
		return XDP_ABORTED;
	p.family = AF_INET;
	p.ifindex = *(__u32 *)(data + 60);
	p.ipv4_dst = bpf_htonl(0x10000000u | (bpf_get_prandom_u32() & 0x0fffffffu));
	return bpf_fib_lookup(ctx, &p, sizeof(p),
			      BPF_FIB_LOOKUP_DIRECT | BPF_FIB_LOOKUP_SKIP_NEIGH) == 0 ? XDP_PASS
										     : XDP_DROP;
}

/* The random draw alone, to subtract from bench_fib. */
SEC("xdp")
int
bench_prandom(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct bpf_fib_lookup p = {};

	if (data + 64 > end)
		return XDP_ABORTED;
	p.ifindex = *(__u32 *)(data + 60);
	p.ipv4_dst = bpf_htonl(0x10000000u | (bpf_get_prandom_u32() & 0x0fffffffu));
	return p.ipv4_dst == p.ifindex ? XDP_DROP : XDP_PASS;
}

/* bpf_snprintf of two numbers from the packet into a stack buffer. */
SEC("xdp")
int
bench_snprintf(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	char out[32];
	__u64 a[2];

	if (data + 64 > end)
		return XDP_ABORTED;
	a[0] = data[14];
	a[1] = data[15];
	return bpf_snprintf(out, sizeof(out), "%u:%x", a, sizeof(a)) > 0 ? XDP_PASS : XDP_DROP;
}

/* bpf_strtol of an 8-digit decimal. */
SEC("xdp")
int
bench_strtol(struct xdp_md *ctx)
{
	static const char s[] = "12345678";
	long r;

	return bpf_strtol(s, sizeof(s) - 1, 10, &r) == 8 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
