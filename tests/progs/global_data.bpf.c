// SPDX-License-Identifier: BSD-3-Clause
/*
 * Global variables (.rodata and .bss): libbpf turns them into internal array
 * maps, and so does the loader (global_data_all covers every section kind).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

volatile const __u32 drop_queue = 7;
__u64 seen;

SEC("xdp")
int
xdp_global(struct xdp_md *ctx)
{
	seen++;
	return ctx->rx_queue_index == drop_queue ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
