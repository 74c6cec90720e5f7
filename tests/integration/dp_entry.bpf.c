// SPDX-License-Identifier: BSD-3-Clause
/*
 * Programs of redirect-map entries (xdp/devmap, xdp/cpumap) for the
 * dataplane tests. Not in tests/progs: the kernel's BPF_PROG_TEST_RUN
 * refuses programs of these attach types (EINVAL), so the differential
 * suite has nothing to compare them with.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

/* The devmap entry's program: source MAC 02:00:00:00:00:<egress ifindex>. */
SEC("xdp/devmap")
int xdp_devmap_mac(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	unsigned char *data_end = (void *)(long)ctx->data_end;

	if (data + ETH_HLEN > data_end)
		return XDP_DROP;
	data[6] = 0x02;
	data[7] = 0;
	data[8] = 0;
	data[9] = 0;
	data[10] = 0;
	data[11] = (unsigned char)ctx->egress_ifindex;
	return XDP_PASS;
}

/* The cpumap entry's program: stamp the worker that ran it in the destination MAC. */
SEC("xdp/cpumap")
int xdp_cpumap_mark(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	unsigned char *data_end = (void *)(long)ctx->data_end;

	if (data + ETH_HLEN > data_end)
		return XDP_DROP;
	data[5] = 0xc0 | (unsigned char)bpf_get_smp_processor_id();
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
