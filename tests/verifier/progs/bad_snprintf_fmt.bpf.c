// SPDX-License-Identifier: BSD-3-Clause
/* Refused: bpf_snprintf's constant format has more conversions than arguments. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int
bad_snprintf_fmt(struct xdp_md *ctx)
{
	static const char fmt[] = "%d %d";
	__u64 args[1] = { ctx->rx_queue_index };
	char out[16];

	return bpf_snprintf(out, sizeof(out), fmt, args, sizeof(args)) > 0 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
