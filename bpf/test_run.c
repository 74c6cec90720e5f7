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
		return run_xdp(prog, t);
	case XDPDK_PROG_TYPE_RAW:
		return run_raw(prog, t);
	default:
		return -ENOTSUP; /* TC test runs come with the __sk_buff context */
	}
}
