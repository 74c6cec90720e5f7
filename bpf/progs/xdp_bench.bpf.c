// SPDX-License-Identifier: BSD-3-Clause
/*
 * The programs of `xdpdk bench pipeline`: one per scenario, each doing the
 * least that scenario needs, so the figure is the dataplane's cost.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

/* Key 0: the port to redirect to (the bench fills it). */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
} bench_ports SEC(".maps");

/* Key = the worker to hand over to (the bench fills worker (w + 1) % n). */
struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, 32);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} bench_cpus SEC(".maps");

/* Per worker: which cpumap key to use. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 32);
	__type(key, __u32);
	__type(value, __u32);
} bench_cpu_next SEC(".maps");

SEC("xdp")
int bench_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp")
int bench_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/* Swap the MACs and send back: the l2fwd-style XDP_TX program. */
SEC("xdp")
int bench_macswap(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
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

SEC("xdp")
int bench_devmap(struct xdp_md *ctx)
{
	return bpf_redirect_map(&bench_ports, 0, 0);
}

SEC("xdp")
int bench_cpumap(struct xdp_md *ctx)
{
	__u32 k = bpf_get_smp_processor_id();
	__u32 *next = bpf_map_lookup_elem(&bench_cpu_next, &k);

	if (!next)
		return XDP_ABORTED;
	return bpf_redirect_map(&bench_cpus, *next, 0);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
