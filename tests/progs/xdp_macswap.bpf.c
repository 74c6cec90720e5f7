// SPDX-License-Identifier: BSD-3-Clause
/*
 * Smallest useful XDP program: bounce every Ethernet frame back out of the
 * port it came in on, with source and destination MAC swapped.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int
xdp_macswap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	/* 16-bit words: the Ethernet header is only guaranteed 2-byte aligned. */
	__u16 *w = data;
	__u16 t0, t1, t2;

	if (data + ETH_HLEN > data_end)
		return XDP_DROP;
	t0 = w[0];
	t1 = w[1];
	t2 = w[2];
	w[0] = w[3];
	w[1] = w[4];
	w[2] = w[5];
	w[3] = t0;
	w[4] = t1;
	w[5] = t2;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
