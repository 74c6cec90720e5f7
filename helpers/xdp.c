/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The XDP packet helpers with the kernel's semantics (net/core/filter.c):
 * adjust_head/meta move into the headroom, adjust_tail into the tailroom or
 * the fragments, load/store_bytes reach across the linear part and the
 * fragments of a multi-buffer packet. Every bound and error code is the
 * kernel's, so a program gives the same bytes and return values here.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <xdpdk/ctx.h>

#include "helpers_internal.h"

#define ETH_HLEN 14
/*
 * The kernel keeps a struct xdp_frame (40 bytes on 64-bit) at the start of
 * the headroom, for XDP_TX and redirect: data and data_meta may not move into it.
 */
#define XDP_FRAME_SIZE 40
/* skb_shared_info.meta_len is a u8: the largest metadata area. */
#define XDP_META_MAX 255
/* The kernel's ENOTSUPP (524), which is not in userspace errno.h. */
#define KERNEL_ENOTSUPP 524
/* bpf_xdp_pointer: offsets and lengths are bounded to 16 bits. */
#define XDP_ACCESS_MAX 0xffff

static inline struct xdpdk_xdp_ctx *
xctx(uint64_t r1)
{
	return (struct xdpdk_xdp_ctx *)(uintptr_t)r1;
}

static inline bool
has_frags(const struct xdpdk_xdp_ctx *x)
{
	return x->frags != NULL && x->frags->nr_frags != 0;
}

uint32_t
xdpdk_xdp_buff_len(const struct xdpdk_xdp_ctx *x)
{
	return (uint32_t)(x->data_end - x->data) + (has_frags(x) ? x->frags->frags_size : 0);
}

/* The metadata area's length: the kernel's xdp_get_metalen (0 when unsupported). */
static inline uint32_t
metalen(const struct xdpdk_xdp_ctx *x)
{
	return x->data_meta > x->data ? 0 : (uint32_t)(x->data - x->data_meta);
}

uint64_t
xdpdk_h_xdp_adjust_head(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct xdpdk_xdp_ctx *x = xctx(r1);
	const int32_t offset = (int32_t)r2;
	const uint32_t mlen = metalen(x);
	/* Pointer arithmetic on integers: an out-of-range offset must not be UB. */
	const uintptr_t start = (uintptr_t)x->data_hard_start + XDP_FRAME_SIZE + mlen;
	const uintptr_t data = (uintptr_t)x->data + (intptr_t)offset;

	(void)r3, (void)r4, (void)r5;
	if (data < start || data > (uintptr_t)x->data_end - ETH_HLEN)
		return (uint64_t)-EINVAL;
	if (mlen != 0)
		memmove(x->data_meta + offset, x->data_meta, mlen);
	x->data_meta += offset;
	x->data = (uint8_t *)data;
	return 0;
}

uint64_t
xdpdk_h_xdp_adjust_meta(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct xdpdk_xdp_ctx *x = xctx(r1);
	const uintptr_t meta = (uintptr_t)x->data_meta + (intptr_t)(int32_t)r2;
	const uintptr_t frame_end = (uintptr_t)x->data_hard_start + XDP_FRAME_SIZE;

	(void)r3, (void)r4, (void)r5;
	if (x->data_meta > x->data)
		return (uint64_t)-KERNEL_ENOTSUPP;
	if (meta < frame_end || meta > (uintptr_t)x->data)
		return (uint64_t)-EINVAL;
	/* xdp_metalen_invalid: a multiple of 4, at most meta_len's maximum. */
	if (((uintptr_t)x->data - meta) % 4 != 0 || (uintptr_t)x->data - meta > XDP_META_MAX)
		return (uint64_t)-EACCES;
	x->data_meta = (uint8_t *)meta;
	return 0;
}

/* bpf_xdp_frags_increase_tail: the last fragment grows into its own room. */
static int
frags_grow(struct xdpdk_xdp_frags *f, uint32_t offset)
{
	struct xdpdk_xdp_frag *last = &f->frag[f->nr_frags - 1];

	if (last->cap == 0)
		return -EOPNOTSUPP;
	if (offset > last->cap - last->len)
		return -EINVAL;
	memset(last->addr + last->len, 0, offset);
	last->len += offset;
	f->frags_size += offset;
	return 0;
}

/* bpf_xdp_frags_shrink_tail: drop from the end; what no fragment holds comes off the linear part. */
static int
frags_shrink(struct xdpdk_xdp_ctx *x, int32_t offset)
{
	struct xdpdk_xdp_frags *f = x->frags;
	uint32_t freed = 0, len_free = 0;

	if (offset > (int32_t)xdpdk_xdp_buff_len(x) - ETH_HLEN)
		return -EINVAL;
	for (int i = (int)f->nr_frags - 1; i >= 0 && offset > 0; i--) {
		struct xdpdk_xdp_frag *fr = &f->frag[i];
		int32_t shrink = offset < (int32_t)fr->len ? offset : (int32_t)fr->len;

		len_free += shrink;
		offset -= shrink;
		if ((int32_t)fr->len == shrink) {
			freed++;
		} else {
			fr->len -= shrink;
			break;
		}
	}
	f->nr_frags -= freed;
	f->frags_size -= len_free;
	if (f->nr_frags == 0)
		x->data_end -= offset;
	return 0;
}

uint64_t
xdpdk_h_xdp_adjust_tail(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct xdpdk_xdp_ctx *x = xctx(r1);
	const int32_t offset = (int32_t)r2;
	const uintptr_t data_end = (uintptr_t)x->data_end + (intptr_t)offset;

	(void)r3, (void)r4, (void)r5;
	if (has_frags(x))
		/* -offset wraps for INT_MIN, as in the kernel (no-strict-overflow). */
		return (uint64_t)(int64_t)(offset < 0 ? frags_shrink(x, (int32_t)(0u - (uint32_t)offset))
						      : frags_grow(x->frags, (uint32_t)offset));
	/* data_hard_end already leaves the kernel's skb_shared_info reserve. */
	if (data_end > (uintptr_t)x->data_hard_end)
		return (uint64_t)-EINVAL;
	if (data_end < (uintptr_t)x->data + ETH_HLEN)
		return (uint64_t)-EINVAL;
	if (offset > 0)
		memset(x->data_end, 0, (size_t)offset);
	x->data_end = (uint8_t *)data_end;
	return 0;
}

/*
 * bpf_xdp_copy_buf: copy @len bytes at packet offset @off to (store: from)
 * @buf, across the linear part and the fragments. The caller has checked
 * that off + len is within the packet.
 */
void
xdpdk_xdp_copy(const struct xdpdk_xdp_ctx *x, uint32_t off, uint8_t *buf, uint32_t len,
	       bool store)
{
	uint32_t seg_len = (uint32_t)(x->data_end - x->data), seg_off = 0, next = 0;
	uint8_t *seg = x->data;

	for (;;) {
		if (off < seg_off + seg_len) {
			uint32_t in = off - seg_off;
			uint32_t n = len < seg_len - in ? len : seg_len - in;

			if (store)
				memcpy(seg + in, buf, n);
			else
				memcpy(buf, seg + in, n);
			off += n;
			len -= n;
			buf += n;
		}
		if (len == 0 || x->frags == NULL || next == x->frags->nr_frags)
			break;
		seg_off += seg_len;
		seg = x->frags->frag[next].addr;
		seg_len = x->frags->frag[next].len;
		next++;
	}
}

/* The bounds of bpf_xdp_pointer: -EFAULT past 16 bits, -EINVAL past the packet. */
static int
access_check(const struct xdpdk_xdp_ctx *x, uint32_t off, uint32_t len)
{
	if (off > XDP_ACCESS_MAX || len > XDP_ACCESS_MAX)
		return -EFAULT;
	if (off + len > xdpdk_xdp_buff_len(x))
		return -EINVAL;
	return 0;
}

uint64_t
xdpdk_h_xdp_load_bytes(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	const struct xdpdk_xdp_ctx *x = xctx(r1);
	int rc = access_check(x, (uint32_t)r2, (uint32_t)r4);

	(void)r5;
	if (rc == 0)
		xdpdk_xdp_copy(x, (uint32_t)r2, (uint8_t *)(uintptr_t)r3, (uint32_t)r4, false);
	return (uint64_t)(int64_t)rc;
}

uint64_t
xdpdk_h_xdp_store_bytes(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	const struct xdpdk_xdp_ctx *x = xctx(r1);
	int rc = access_check(x, (uint32_t)r2, (uint32_t)r4);

	(void)r5;
	if (rc == 0)
		xdpdk_xdp_copy(x, (uint32_t)r2, (uint8_t *)(uintptr_t)r3, (uint32_t)r4, true);
	return (uint64_t)(int64_t)rc;
}

uint64_t
xdpdk_h_xdp_get_buff_len(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	(void)r2, (void)r3, (void)r4, (void)r5;
	return xdpdk_xdp_buff_len(xctx(r1));
}
