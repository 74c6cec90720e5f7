// SPDX-License-Identifier: BSD-3-Clause
/*
 * Function pointers: taking the address of a static function makes clang emit
 * an lddw with an R_BPF_64_64 relocation against .text, which the loader turns
 * into a BPF_PSEUDO_FUNC lddw pointing at the appended subprogram. xdp_fp
 * needs no helper (it only materialises two such addresses); xdp_loop is the real
 * use, a bpf_loop() callback.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __noinline int
loop_cb(__u32 index, void *data)
{
	return index >= 3;
}

static __noinline __u32
scale(__u32 x)
{
	return x * 3 + 1;
}

SEC("xdp")
int
xdp_fp(struct xdp_md *ctx)
{
	__u64 a = (__u64)(long)&loop_cb;
	__u64 b = (__u64)(long)&scale;

	/*
	 * Keep both addresses alive so the lddws stay, but do not compare them:
	 * the kernel's verifier decides such a comparison statically (it gave
	 * XDP_ABORTED for a != b), which a runtime with real addresses cannot.
	 */
	asm volatile("" : : "r"(a), "r"(b));
	return scale(ctx->rx_queue_index) & 3;
}

SEC("xdp")
int
xdp_loop(struct xdp_md *ctx)
{
	return bpf_loop(8, loop_cb, NULL, 0) == 4 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
