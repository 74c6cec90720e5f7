// SPDX-License-Identifier: BSD-3-Clause
/*
 * An unguarded CO-RE access to a field xdpdk's xdp_md does not have: libbpf
 * would poison the load and the kernel verifier would reject it when
 * reached; xdpdk refuses the object, naming the program, the instruction
 * and the access.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct xdp_md___new {
	__u32 data;
	__u32 data_end;
	__u32 rx_hash; /* not in xdp_md */
} __attribute__((preserve_access_index));

SEC("xdp")
int
xdp_core_missing(struct xdp_md *ctx)
{
	struct xdp_md___new *c = (void *)ctx;

	return c->rx_hash & 1 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
