// SPDX-License-Identifier: BSD-3-Clause
/* Refused: keeps using a packet pointer after bpf_xdp_adjust_head. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int
bad_adjust_head_stale(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	if (data + 4 > (unsigned char *)end)
		return XDP_DROP;
	if (bpf_xdp_adjust_head(ctx, -4))
		return XDP_DROP;
	return data[0];
}

char LICENSE[] SEC("license") = "GPL";
