// SPDX-License-Identifier: BSD-3-Clause
/* Refused: checks 14 bytes, then reads the 15th. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int
bad_pkt_off_by_one(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	if (data + 14 > (unsigned char *)end)
		return XDP_DROP;
	return data[14] ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
