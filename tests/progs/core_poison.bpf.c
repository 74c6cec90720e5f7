// SPDX-License-Identifier: BSD-3-Clause
/*
 * CO-RE relocations with no target in xdpdk's types, as libbpf poisons
 * them: guarded by an existence check they are dead code and the program
 * loads (and runs the fallback); unguarded, the verifier refuses the program
 * at the poisoned instruction, naming the relocation.
 */
#include <linux/bpf.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

struct xdp_md___new {
	__u32 data;
	__u32 data_end;
	__u32 rx_hash; /* not in xdp_md */
} __attribute__((preserve_access_index));

enum xdp_action___new {
	XDP_FUTURE___new = 7, /* not in enum xdp_action */
};

/* Guarded: the field and the enum value do not exist, the program passes. */
SEC("xdp")
int
xdp_core_guarded(struct xdp_md *ctx)
{
	struct xdp_md___new *c = (void *)ctx;

	if (bpf_core_field_exists(c->rx_hash))
		return c->rx_hash & 1 ? XDP_DROP : XDP_TX;
	if (bpf_core_enum_value_exists(enum xdp_action___new, XDP_FUTURE___new))
		return bpf_core_enum_value(enum xdp_action___new, XDP_FUTURE___new);
	return XDP_PASS;
}

/* Unguarded behind a runtime condition: reached, so refused. */
SEC("xdp")
int
xdp_core_reached(struct xdp_md *ctx)
{
	struct xdp_md___new *c = (void *)ctx;
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;

	if (data + 14 > end)
		return XDP_ABORTED;
	return c->rx_hash & 1 ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
