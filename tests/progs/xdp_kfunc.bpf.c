// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP metadata kfuncs: hash, timestamp and VLAN tag of the received
 * packet, with their return codes, written over the packet's first 40 bytes.
 * The kernel only loads this bound to a device (and then cannot test-run
 * it), so it is checked on xdpdk only, with mbufs that carry the metadata.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum xdp_rss_hash_type { XDP_RSS_TYPE_NONE = 0 };

extern int bpf_xdp_metadata_rx_timestamp(const struct xdp_md *ctx, __u64 *timestamp) __ksym;
extern int bpf_xdp_metadata_rx_hash(const struct xdp_md *ctx, __u32 *hash,
				    enum xdp_rss_hash_type *rss_type) __ksym;
extern int bpf_xdp_metadata_rx_vlan_tag(const struct xdp_md *ctx, __be16 *vlan_proto,
					__u16 *vlan_tci) __ksym;

struct meta_out {
	__s32 rc_ts, rc_hash, rc_vlan;
	__u32 hash;
	__u32 rss_type;
	__u16 vlan_proto, vlan_tci;
	__u64 ts;
	__u64 pad;
};

SEC("xdp")
int
xdp_kfunc(struct xdp_md *ctx)
{
	struct meta_out o = {};
	enum xdp_rss_hash_type t = XDP_RSS_TYPE_NONE;

	o.rc_ts = bpf_xdp_metadata_rx_timestamp(ctx, &o.ts);
	o.rc_hash = bpf_xdp_metadata_rx_hash(ctx, &o.hash, &t);
	o.rss_type = t;
	o.rc_vlan = bpf_xdp_metadata_rx_vlan_tag(ctx, &o.vlan_proto, &o.vlan_tci);
	return bpf_xdp_store_bytes(ctx, 0, &o, sizeof(o)) ? XDP_ABORTED : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
