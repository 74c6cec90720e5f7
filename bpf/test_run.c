/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test runs in the kernel's shape (net/bpf/test_run.c): the packet sits in a
 * 4096-byte frame after 256 bytes of headroom, with the skb_shared_info
 * reserve at the end, ctx_in/ctx_out are struct xdp_md with offsets, and
 * data_out runs from data_meta to data_end. Same input, same limits, so a
 * program gives the same answer here and in BPF_PROG_TEST_RUN.
 *
 * Like the kernel (bpf_prog_test_run_xdp), a packet longer than the linear
 * area is split: the program sees the first XDP_MAX_DATA bytes, the rest are
 * fragments (at most MAX_SKB_FRAGS pages, each of frag_size FRAME_SIZE as the
 * kernel sets the test queue's) in ctx->frags, which the multi-buffer helpers
 * read and change; data_out is the linear part and then the fragments.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xdpdk/ctx.h>

#include "prog_internal.h"

#define FRAME_SIZE 4096
#define ETH_HLEN_MIN 14
#define XDP_MAX_DATA (FRAME_SIZE - XDPDK_XDP_HEADROOM - XDPDK_XDP_TAIL_RESERVE)
#define XDP_MAX_FRAGS XDPDK_XDP_MAX_FRAGS

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Lay the packet out in @frame (fragments in the pages after it) and point @ctx at it. */
static void
xdp_reset(struct xdpdk_xdp_ctx *ctx, uint8_t *frame, struct xdpdk_xdp_frags *frags,
	  const struct xdpdk_test_run *t, uint32_t linear, uint32_t metalen,
	  const struct xdp_md *md)
{
	uint8_t *start = frame + XDPDK_XDP_HEADROOM;
	uint32_t off = linear;

	memcpy(start, t->data_in, linear);
	memset(ctx, 0, sizeof(*ctx));
	frags->nr_frags = 0;
	frags->frags_size = t->data_size_in - linear;
	for (uint32_t i = 0; off < t->data_size_in; i++) {
		uint32_t n = t->data_size_in - off < FRAME_SIZE ? t->data_size_in - off : FRAME_SIZE;

		frags->frag[i] = (struct xdpdk_xdp_frag){ frame + (i + 1) * FRAME_SIZE, n,
							 FRAME_SIZE };
		memcpy(frags->frag[i].addr, (const uint8_t *)t->data_in + off, n);
		frags->nr_frags++;
		off += n;
	}
	ctx->frags = frags;
	ctx->data_hard_start = frame;
	ctx->data_hard_end = frame + FRAME_SIZE - XDPDK_XDP_TAIL_RESERVE;
	ctx->data_meta = start;
	ctx->data = start + metalen;
	ctx->data_end = start + linear;
	/* Without ctx_in the kernel receives test packets on the netns loopback device. */
	ctx->ingress_ifindex = XDPDK_TEST_RUN_DEFAULT_IFINDEX;
	if (md != NULL) {
		ctx->ingress_ifindex = md->ingress_ifindex;
		ctx->rx_queue_index = md->rx_queue_index;
	}
}

/* The kernel's xdp_convert_md_to_buff checks: metadata first, 4-byte multiple, ≤ 32. */
static int
check_xdp_ctx_in(const struct xdp_md *md, uint32_t size)
{
	if (md->data_meta != 0 || md->data_end != size || md->data > md->data_end ||
	    (md->data & 3) != 0 || md->data > 32 || md->egress_ifindex != 0)
		return -EINVAL;
	return 0;
}

static int
run_xdp(const struct xdpdk_prog *prog, struct xdpdk_test_run *t)
{
	struct xdp_md md_in = { 0 };
	const struct xdp_md *md = NULL;
	struct xdpdk_xdp_ctx ctx;
	struct xdpdk_xdp_frags frags;
	uint32_t repeat = t->repeat ? t->repeat : 1;
	uint32_t metalen = 0, out_len, linear, frags_len, n_pages;
	uint64_t t0, t_run, t_reset = 0;
	uint8_t *frame;
	int rc = 0;

	if (t->data_size_in < ETH_HLEN_MIN)
		return -EINVAL;
	linear = t->data_size_in < XDP_MAX_DATA ? t->data_size_in : XDP_MAX_DATA;
	frags_len = t->data_size_in - linear;
	if (frags_len > XDP_MAX_FRAGS * FRAME_SIZE)
		return -ENOMEM; /* the kernel runs out of frags the same way */
	if (t->ctx_in != NULL && t->ctx_size_in > 0) {
		memcpy(&md_in, t->ctx_in,
		       t->ctx_size_in < sizeof(md_in) ? t->ctx_size_in : sizeof(md_in));
		if (frags_len != 0 || check_xdp_ctx_in(&md_in, t->data_size_in) != 0)
			return -EINVAL;
		md = &md_in;
		metalen = md_in.data;
	}
	/* The frame, then one page per fragment. */
	n_pages = 1 + (frags_len + FRAME_SIZE - 1) / FRAME_SIZE;
	frame = aligned_alloc(64, (size_t)n_pages * FRAME_SIZE);
	if (frame == NULL)
		return -ENOMEM;
	memset(frame, 0, (size_t)n_pages * FRAME_SIZE);

	if (t->fresh_input && repeat > 1) {
		/* Measure re-laying the packet out, to take it out of the figure. */
		t0 = now_ns();
		for (uint32_t i = 1; i < repeat; i++) {
			xdp_reset(&ctx, frame, &frags, t, linear, metalen, md);
			__asm__ volatile("" : : "r"(&ctx) : "memory");
		}
		t_reset = now_ns() - t0;
	}
	xdp_reset(&ctx, frame, &frags, t, linear, metalen, md);
	t0 = now_ns();
	for (uint32_t i = 0; i < repeat; i++) {
		if (t->fresh_input && i > 0)
			xdp_reset(&ctx, frame, &frags, t, linear, metalen, md);
		t->retval = (uint32_t)xdpdk_prog_run(prog, &ctx, 0);
	}
	t_run = now_ns() - t0;
	t->duration_ns = (t_run > t_reset ? t_run - t_reset : 0) / repeat;

	/* Output: the linear part as the program left it, then the fragments. */
	linear = (uint32_t)(ctx.data_end - ctx.data_meta);
	out_len = linear + frags.frags_size;
	if (t->data_out != NULL) {
		uint32_t n = linear < t->data_size_out ? linear : t->data_size_out;

		memcpy(t->data_out, ctx.data_meta, n);
		for (uint32_t i = 0; i < frags.nr_frags && n < t->data_size_out; i++) {
			uint32_t nf = t->data_size_out - n < frags.frag[i].len ?
					      t->data_size_out - n : frags.frag[i].len;

			memcpy((uint8_t *)t->data_out + n, frags.frag[i].addr, nf);
			n += nf;
		}
		if (n < out_len)
			rc = -ENOSPC;
	}
	t->data_size_out = out_len;
	if (t->ctx_out != NULL && t->ctx_size_out > 0) {
		struct xdp_md out = {
			.data = (uint32_t)(ctx.data - ctx.data_meta),
			.data_end = linear, /* xdp_convert_buff_to_md: the linear part */
			.data_meta = 0,
			.ingress_ifindex = ctx.ingress_ifindex,
			.rx_queue_index = ctx.rx_queue_index,
		};

		memcpy(t->ctx_out, &out,
		       t->ctx_size_out < sizeof(out) ? t->ctx_size_out : sizeof(out));
	}
	free(frame);
	return rc;
}

/*
 * TC and socket filters, as bpf_prog_test_run_skb: the packet at
 * NET_SKB_PAD (64) bytes of headroom in a buffer of at most a page with the
 * skb_shared_info reserve; eth_type_trans on the loopback device (MAC
 * 00:00:00:00:00:00) gives protocol and pkt_type; TC sees the packet from
 * the MAC header, socket filters from the network header (and data_out has
 * a zeroed MAC header in front). Helpers that grow the packet may use room
 * past the page, as the kernel reallocates the head.
 */
#define SKB_HEADROOM 64			/* NET_SKB_PAD + NET_IP_ALIGN on x86 */
#define SKB_MAX_DATA (FRAME_SIZE - SKB_HEADROOM - XDPDK_XDP_TAIL_RESERVE)
#define SKB_BUF_SIZE (64 * 1024 + FRAME_SIZE)	/* room for head/tail growth */
#define GSO_LEGACY_MAX_SIZE 65536u
#define GSO_MAX_SEGS 65535u
#define ETH_P_802_3_MIN 0x0600
#define PACKET_MULTICAST 2
#define PACKET_OTHERHOST 3

/* Bytes [from, to) of @p md are zero. */
static bool
range_is_zero(const void *md, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (((const uint8_t *)md)[i] != 0)
			return false;
	return true;
}

/* The kernel's convert___skb_to_skb checks: only the fields it accepts may be set. */
static int
check_skb_ctx_in(const struct __sk_buff *md, uint32_t len)
{
#define SKB_END(f) (offsetof(struct __sk_buff, f) + sizeof(md->f))
	if (!range_is_zero(md, 0, offsetof(struct __sk_buff, mark)) ||
	    !range_is_zero(md, SKB_END(mark), offsetof(struct __sk_buff, priority)) ||
	    !range_is_zero(md, SKB_END(priority), offsetof(struct __sk_buff, ingress_ifindex)) ||
	    !range_is_zero(md, SKB_END(ingress_ifindex), offsetof(struct __sk_buff, ifindex)) ||
	    !range_is_zero(md, SKB_END(ifindex), offsetof(struct __sk_buff, cb)) ||
	    !range_is_zero(md, SKB_END(cb), offsetof(struct __sk_buff, tstamp)) ||
	    !range_is_zero(md, SKB_END(gso_segs), offsetof(struct __sk_buff, gso_size)) ||
	    !range_is_zero(md, SKB_END(gso_size), offsetof(struct __sk_buff, hwtstamp)) ||
	    !range_is_zero(md, SKB_END(hwtstamp), sizeof(*md)))
		return -EINVAL;
#undef SKB_END
	if (md->wire_len != 0 && (md->wire_len < len || md->wire_len > GSO_LEGACY_MAX_SIZE))
		return -EINVAL;
	if (md->gso_segs > GSO_MAX_SEGS)
		return -EINVAL;
	return 0;
}

/*
 * eth_type_trans on the loopback: its address and its broadcast address are
 * all zeroes, so ff:ff:ff:ff:ff:ff is PACKET_MULTICAST there, not BROADCAST.
 */
static void
eth_type_trans(struct xdpdk_skb_ctx *ctx, const uint8_t *eth)
{
	static const uint8_t zero[6];
	const uint16_t proto = (uint16_t)(eth[12] << 8 | eth[13]);

	ctx->pkt_type = 0;	/* PACKET_HOST */
	if (memcmp(eth, zero, 6) != 0)
		ctx->pkt_type = eth[0] & 1 ? PACKET_MULTICAST : PACKET_OTHERHOST;
	if (proto >= ETH_P_802_3_MIN)
		ctx->protocol = (uint16_t)(eth[13] << 8 | eth[12]);	/* as on the wire */
	else if (ctx->data_end - ctx->data >= 16 && eth[14] == 0xff && eth[15] == 0xff)
		ctx->protocol = 0x0100;	/* htons(ETH_P_802_3) */
	else
		ctx->protocol = 0x0400;	/* htons(ETH_P_802_2) */
}

static void
skb_reset(struct xdpdk_skb_ctx *ctx, uint8_t *buf, const struct xdpdk_test_run *t,
	  const struct __sk_buff *md, bool l2)
{
	uint8_t *start = buf + SKB_HEADROOM;

	memcpy(start, t->data_in, t->data_size_in);
	memset(ctx, 0, sizeof(*ctx));
	ctx->head = buf;
	ctx->buf_end = buf + SKB_BUF_SIZE;
	ctx->data = start + (l2 ? 0 : ETH_HLEN_MIN);
	ctx->data_meta = ctx->data;
	ctx->data_end = start + t->data_size_in;
	ctx->len = (uint32_t)(ctx->data_end - ctx->data);
	ctx->network_off = l2 ? ETH_HLEN_MIN : 0;
	ctx->mac_before = l2 ? 0 : ETH_HLEN_MIN;
	ctx->ifindex = XDPDK_TEST_RUN_DEFAULT_IFINDEX;
	ctx->dev_max_len = 65536 + ETH_HLEN_MIN;	/* the loopback's MTU + hard_header_len */
	eth_type_trans(ctx, start);
	if (md == NULL)
		return;
	ctx->mark = md->mark;
	ctx->priority = md->priority;
	ctx->ingress_ifindex = md->ingress_ifindex;
	if (md->ifindex > 1)
		ctx->ifindex = md->ifindex;
	ctx->tstamp = md->tstamp;
	memcpy(ctx->cb, md->cb, sizeof(ctx->cb));
	ctx->wire_len = md->wire_len ? md->wire_len : t->data_size_in;
	ctx->gso_segs = md->gso_segs;
	ctx->gso_size = md->gso_size;
	ctx->hwtstamp = md->hwtstamp;
}

static int
run_skb(const struct xdpdk_prog *prog, struct xdpdk_test_run *t)
{
	const bool l2 = prog->type == XDPDK_PROG_TYPE_TC;
	struct __sk_buff md = { 0 };
	const struct __sk_buff *mdp = NULL;
	struct xdpdk_skb_ctx ctx;
	uint32_t repeat = t->repeat ? t->repeat : 1, out_len, hh = l2 ? 0 : ETH_HLEN_MIN;
	const uint8_t *out;
	uint64_t t0;
	uint8_t *buf;
	int rc = 0;

	if (t->data_size_in < ETH_HLEN_MIN || t->data_size_in > SKB_MAX_DATA)
		return -EINVAL;
	/* Recent kernels (6.x) refuse an IPv4 or IPv6 packet cut inside its fixed header. */
	{
		const uint8_t *e = t->data_in;
		const uint16_t proto = (uint16_t)(e[12] << 8 | e[13]);

		if ((proto == 0x0800 && t->data_size_in < ETH_HLEN_MIN + 20) ||
		    (proto == 0x86dd && t->data_size_in < ETH_HLEN_MIN + 40))
			return -EINVAL;
	}
	if (t->ctx_in != NULL && t->ctx_size_in > 0) {
		if (t->ctx_size_in > sizeof(md) &&
		    !range_is_zero(t->ctx_in, sizeof(md), t->ctx_size_in))
			return -E2BIG;
		memcpy(&md, t->ctx_in, t->ctx_size_in < sizeof(md) ? t->ctx_size_in : sizeof(md));
	}
	/* The kernel converts a (zeroed) __sk_buff whenever ctx_in or ctx_out is given. */
	if ((t->ctx_in != NULL && t->ctx_size_in > 0) || (t->ctx_out != NULL && t->ctx_size_out)) {
		if (check_skb_ctx_in(&md, t->data_size_in) != 0)
			return -EINVAL;
		mdp = &md;
	}
	buf = aligned_alloc(64, SKB_BUF_SIZE);
	if (buf == NULL)
		return -ENOMEM;
	memset(buf, 0, SKB_BUF_SIZE);
	t0 = now_ns();
	for (uint32_t i = 0; i < repeat; i++) {
		if (i == 0 || t->fresh_input)
			skb_reset(&ctx, buf, t, mdp, l2);
		t->retval = (uint32_t)xdpdk_prog_run(prog, &ctx, 0);
	}
	t->duration_ns = (now_ns() - t0) / repeat;

	/* Socket filters ran from L3: the kernel puts back a zeroed MAC header. */
	out = ctx.data - hh;
	out_len = (uint32_t)(ctx.data_end - ctx.data) + hh;
	if (hh != 0)
		memset(ctx.data - hh, 0, hh);
	if (t->data_out != NULL) {
		uint32_t n = out_len < t->data_size_out ? out_len : t->data_size_out;

		memcpy(t->data_out, out, n);
		if (n < out_len)
			rc = -ENOSPC;
	}
	t->data_size_out = out_len;
	if (t->ctx_out != NULL && t->ctx_size_out > 0) {
		struct __sk_buff o = { 0 };

		o.mark = ctx.mark;
		o.priority = ctx.priority;
		o.ingress_ifindex = ctx.ingress_ifindex;
		o.ifindex = ctx.ifindex;
		o.tstamp = ctx.tstamp;
		memcpy(o.cb, ctx.cb, sizeof(o.cb));
		o.wire_len = ctx.wire_len;
		o.gso_segs = ctx.gso_segs;
		o.hwtstamp = ctx.hwtstamp;
		memcpy(t->ctx_out, &o, t->ctx_size_out < sizeof(o) ? t->ctx_size_out : sizeof(o));
	}
	free(buf);
	return rc;
}

/* RAW: r1 = a copy of the data, r2 = its length; data_out is the memory after. */
static int
run_raw(const struct xdpdk_prog *prog, struct xdpdk_test_run *t)
{
	uint32_t repeat = t->repeat ? t->repeat : 1;
	uint8_t *mem = malloc(t->data_size_in ? t->data_size_in : 1);
	uint64_t t0;
	int rc = 0;

	if (mem == NULL)
		return -ENOMEM;
	memcpy(mem, t->data_in, t->data_size_in);
	t0 = now_ns();
	for (uint32_t i = 0; i < repeat; i++) {
		if (t->fresh_input && i > 0)
			memcpy(mem, t->data_in, t->data_size_in);
		t->retval = (uint32_t)xdpdk_prog_run(prog, mem, t->data_size_in);
	}
	t->duration_ns = (now_ns() - t0) / repeat;
	if (t->data_out != NULL) {
		uint32_t n = t->data_size_in < t->data_size_out ? t->data_size_in : t->data_size_out;

		memcpy(t->data_out, mem, n);
		if (n < t->data_size_in)
			rc = -ENOSPC;
	}
	t->data_size_out = t->data_size_in;
	free(mem);
	return rc;
}

int
xdpdk_prog_test_run(const struct xdpdk_prog *prog, struct xdpdk_test_run *t)
{
	switch (prog->type) {
	case XDPDK_PROG_TYPE_XDP:
		/* bpf_prog_test_run_xdp: entry programs run only behind a devmap/cpumap */
		if (prog->xdp_entry)
			return -EINVAL;
		return run_xdp(prog, t);
	case XDPDK_PROG_TYPE_RAW:
		return run_raw(prog, t);
	case XDPDK_PROG_TYPE_TC:
	case XDPDK_PROG_TYPE_SOCKET_FILTER:
		return run_skb(prog, t);
	default:
		return -ENOTSUP;
	}
}
