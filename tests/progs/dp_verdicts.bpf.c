// SPDX-License-Identifier: BSD-3-Clause
/*
 * Programs for the dataplane tests: one per verdict and redirect target.
 * cfg[0] is the target ifindex for xdp_redirect_ifindex; hits is a per-CPU
 * counter of packets seen by xdp_count. The tc_* programs run on the
 * exception path (TC ingress) and on what the host sends (TC egress).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
} tx_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
} bcast_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} cpus SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/* MAC swap through the stack, then back out of the same port. */
SEC("xdp")
int xdp_macswap_tx(struct xdp_md *ctx)
{
	unsigned char *data = (void *)(long)ctx->data;
	unsigned char *data_end = (void *)(long)ctx->data_end;
	unsigned char mac[ETH_ALEN];

	if (data + ETH_HLEN > data_end)
		return XDP_DROP;
	__builtin_memcpy(mac, data, ETH_ALEN);
	__builtin_memcpy(data, data + ETH_ALEN, ETH_ALEN);
	__builtin_memcpy(data + ETH_ALEN, mac, ETH_ALEN);
	return XDP_TX;
}

SEC("xdp")
int xdp_bad_action(struct xdp_md *ctx)
{
	return 7;
}

SEC("xdp")
int xdp_aborted(struct xdp_md *ctx)
{
	return XDP_ABORTED;
}

/* The verdict in cfg[0] (XDP_ABORTED until the control plane sets one). */
SEC("xdp")
int xdp_verdict_cfg(struct xdp_md *ctx)
{
	__u32 k = 0, *v = bpf_map_lookup_elem(&cfg, &k);

	return v ? *v : XDP_ABORTED;
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&hits, &k);

	if (v)
		*v += 1;
	return XDP_DROP;
}

SEC("xdp")
int xdp_redirect_ifindex(struct xdp_md *ctx)
{
	__u32 k = 0;
	__u32 *ifindex = bpf_map_lookup_elem(&cfg, &k);

	if (!ifindex)
		return XDP_ABORTED;
	return bpf_redirect(*ifindex, 0);
}

/* Key 0 of tx_ports; a missing entry falls back to XDP_PASS (lower flag bits). */
SEC("xdp")
int xdp_redirect_devmap(struct xdp_md *ctx)
{
	return bpf_redirect_map(&tx_ports, 0, XDP_PASS);
}

SEC("xdp")
int xdp_broadcast(struct xdp_md *ctx)
{
	return bpf_redirect_map(&bcast_ports, 0, BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS);
}

/* To worker 1. */
SEC("xdp")
int xdp_to_cpu(struct xdp_md *ctx)
{
	return bpf_redirect_map(&cpus, 1, 0);
}

/* To the socket of the receiving queue, as xdp-tools' AF_XDP programs; none: pass. */
SEC("xdp")
int xdp_to_xsk(struct xdp_md *ctx)
{
	return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
}

/*
 * Multi-buffer packets (xdp.frags): the whole length, fragments included,
 * added to hits; the last 4 bytes cut (from the last fragment when there
 * are some); sent back.
 */
SEC("xdp.frags")
int xdp_frags_trim(struct xdp_md *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&hits, &k);

	if (v)
		*v += bpf_xdp_get_buff_len(ctx);
	if (bpf_xdp_adjust_tail(ctx, -4))
		return XDP_ABORTED;
	return XDP_TX;
}

/* ---- records for `xdpdk trace --map` ------------------------------------- */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16384);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

/* Each packet's Ethernet header into the ring buffer; dropped. */
SEC("xdp")
int xdp_ringbuf_out(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u8 eth[14];

	if (data + sizeof(eth) > end)
		return XDP_ABORTED;
	__builtin_memcpy(eth, data, sizeof(eth));
	bpf_ringbuf_output(&events, eth, sizeof(eth), 0);
	return XDP_DROP;
}

/* The same into this worker's perf ring. */
SEC("xdp")
int xdp_perf_out(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u8 eth[14];

	if (data + sizeof(eth) > end)
		return XDP_ABORTED;
	__builtin_memcpy(eth, data, sizeof(eth));
	bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, eth, sizeof(eth));
	return XDP_DROP;
}

/* ---- TC programs of the exception path (tests/integration/test_dataplane.c) ---- */

/* The source MAC's last byte becomes 0xab. */
SEC("tc")
int tc_mark(struct __sk_buff *skb)
{
	__u8 v = 0xab;

	bpf_skb_store_bytes(skb, 11, &v, 1, 0);
	return TC_ACT_OK;
}

/* IPv4 UDP is dropped, the rest goes on. */
SEC("tc")
int tc_shot_udp(struct __sk_buff *skb)
{
	__u8 proto;

	if (skb->protocol != bpf_htons(ETH_P_IP) || bpf_skb_load_bytes(skb, 14 + 9, &proto, 1))
		return TC_ACT_OK;
	return proto == IPPROTO_UDP ? TC_ACT_SHOT : TC_ACT_OK;
}

/* Out of the port in cfg[0]. */
SEC("tc")
int tc_redirect_cfg(struct __sk_buff *skb)
{
	__u32 k = 0, *ifindex = bpf_map_lookup_elem(&cfg, &k);

	return ifindex ? bpf_redirect(*ifindex, 0) : TC_ACT_SHOT;
}

/* A copy out of the port in cfg[0]; the packet goes on. */
SEC("tc")
int tc_clone_cfg(struct __sk_buff *skb)
{
	__u32 k = 0, *ifindex = bpf_map_lookup_elem(&cfg, &k);

	if (ifindex)
		bpf_clone_redirect(skb, *ifindex, 0);
	return TC_ACT_OK;
}

/* Tagged with VLAN 100 (the skb's accelerated tag, inserted on the way out). */
SEC("tc")
int tc_vlan_push(struct __sk_buff *skb)
{
	bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), 100);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
