// SPDX-License-Identifier: BSD-3-Clause
/*
 * A weak kernel symbol (__ksym __weak): xdpdk has no kernel, so it is never
 * found and reads as NULL, as libbpf leaves a weak __ksym that the running
 * kernel lacks. Programs test for it before use; xdp_ksym returns XDP_PASS
 * when it is missing and XDP_DROP when it exists. The symbol exists in no
 * kernel, so the kernel-differential suite compares both sides.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern const int xdpdk_no_such_ksym __ksym __weak;

SEC("xdp")
int
xdp_ksym(struct xdp_md *ctx)
{
	/* bpf_ksym_exists() in newer libbpf; spelled out for Debian 12's 1.1. */
	if (&xdpdk_no_such_ksym != (void *)0)
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
