// SPDX-License-Identifier: BSD-3-Clause
/*
 * Reads every xdp_md field a plain XDP program may read and writes them into
 * the packet, so a test can see that each context access was rewritten to
 * xdpdk's layout: bytes 0-3 = ingress_ifindex, 4-7 = rx_queue_index,
 * 8-11 = metadata length (data - data_meta), each only if the packet has room.
 * egress_ifindex is left out: the kernel allows it in devmap programs only.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int
xdp_ctx_fields(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	void *data_meta = (void *)(long)ctx->data_meta;
	__u32 *w = data;

	if (data + 4 > data_end)
		return XDP_PASS;
	w[0] = ctx->ingress_ifindex;
	if (data + 8 > data_end)
		return XDP_PASS;
	w[1] = ctx->rx_queue_index;
	if (data + 12 > data_end)
		return XDP_PASS;
	w[2] = (__u32)(data - data_meta);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
