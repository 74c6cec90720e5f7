/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Context field rules per program type, as the kernel's is_valid_access
 * callbacks: xdp_is_valid_access for xdp_md; tc_cls_act_is_valid_access,
 * sk_filter_is_valid_access and bpf_skb_is_valid_access for __sk_buff.
 * A valid load of data/data_end/data_meta yields a packet pointer.
 */
#include <errno.h>
#include <stddef.h>

#include "verifier_internal.h"

#define END(t, f) (offsetof(t, f) + sizeof(((t *)0)->f))
#define IN(off, t, f) ((off) >= (int)offsetof(t, f) && (off) < (int)END(t, f))
#define IN_TILL(off, t, a, b) ((off) >= (int)offsetof(t, a) && (off) < (int)END(t, b))
#define SKB struct __sk_buff

static bool
narrow_ok(int off, int size, int size_default)
{
	return (off & (size_default - 1)) + size <= size_default;
}

static bool
xdp_valid(int off, int size, bool write, bool devmap, uint8_t *rt)
{
	/* No writes: the kernel allows them only to offloaded programs. */
	if (write)
		return false;
	/* egress_ifindex exists for devmap programs only (expected_attach_type). */
	if (off == (int)offsetof(struct xdp_md, egress_ifindex) && !devmap)
		return false;
	if (off < 0 || off >= (int)sizeof(struct xdp_md) || off % size != 0 || size != 4)
		return false;
	if (off == (int)offsetof(struct xdp_md, data))
		*rt = PTR_TO_PACKET;
	else if (off == (int)offsetof(struct xdp_md, data_meta))
		*rt = PTR_TO_PACKET_META;
	else if (off == (int)offsetof(struct xdp_md, data_end))
		*rt = PTR_TO_PACKET_END;
	return true;
}

/* bpf_skb_is_valid_access: the rules common to every __sk_buff user. */
static bool
skb_valid(int off, int size, bool write, uint8_t *rt)
{
	(void)rt;
	if (off < 0 || off >= (int)sizeof(SKB) || size <= 0 || off % size != 0)
		return false;
	if (IN_TILL(off, SKB, cb[0], cb[4])) {
		return off + size <= (int)END(SKB, cb[4]);
	}
	if (IN_TILL(off, SKB, remote_ip6[0], remote_ip6[3]) ||
	    IN_TILL(off, SKB, local_ip6[0], local_ip6[3]) || IN(off, SKB, remote_ip4) ||
	    IN(off, SKB, local_ip4) || IN(off, SKB, data) || IN(off, SKB, data_meta) ||
	    IN(off, SKB, data_end))
		return size == 4;
	if (IN(off, SKB, flow_keys))
		return false;
	if (IN(off, SKB, tstamp))
		return size == 8;
	if (IN(off, SKB, hwtstamp))
		return !write && size == 8;
	if (IN(off, SKB, sk))
		return false;	/* a socket pointer: xdpdk has no sockets */
	if (off >= (int)END(SKB, gso_size) && off < (int)offsetof(SKB, hwtstamp))
		return false;	/* tstamp_type and the reserved bytes */
	if (write)
		return size == 4;
	return narrow_ok(off, size, 4);
}

static bool
tc_valid(int off, int size, bool write, uint8_t *rt)
{
	if (write && !(IN(off, SKB, mark) || IN(off, SKB, tc_index) || IN(off, SKB, priority) ||
		       IN(off, SKB, tc_classid) || IN_TILL(off, SKB, cb[0], cb[4]) ||
		       IN(off, SKB, tstamp) || IN(off, SKB, queue_mapping)))
		return false;
	if (IN(off, SKB, data))
		*rt = PTR_TO_PACKET;
	else if (IN(off, SKB, data_meta))
		*rt = PTR_TO_PACKET_META;
	else if (IN(off, SKB, data_end))
		*rt = PTR_TO_PACKET_END;
	else if (IN_TILL(off, SKB, family, local_port))
		return false;
	return skb_valid(off, size, write, rt);
}

static bool
sk_filter_valid(int off, int size, bool write, uint8_t *rt)
{
	if (IN(off, SKB, tc_classid) || IN(off, SKB, data) || IN(off, SKB, data_meta) ||
	    IN(off, SKB, data_end) || IN_TILL(off, SKB, family, local_port) ||
	    IN(off, SKB, tstamp) || IN(off, SKB, wire_len) || IN(off, SKB, hwtstamp))
		return false;
	if (write && !IN_TILL(off, SKB, cb[0], cb[4]))
		return false;
	return skb_valid(off, size, write, rt);
}

int
xdpdk_v_check_ctx_access(struct venv *env, int off, int size, bool write, uint8_t *reg_type)
{
	bool ok;

	*reg_type = SCALAR_VALUE;
	switch (env->type) {
	case XDPDK_PROG_TYPE_XDP:
		ok = xdp_valid(off, size, write, env->opts->xdp_devmap, reg_type);
		break;
	case XDPDK_PROG_TYPE_TC: ok = tc_valid(off, size, write, reg_type); break;
	case XDPDK_PROG_TYPE_SOCKET_FILTER: ok = sk_filter_valid(off, size, write, reg_type); break;
	default: ok = false; break;
	}
	if (!ok)
		return xdpdk_v_reject(env, -EACCES, "invalid bpf_context access off=%d size=%d", off,
				      size);
	return 0;
}
