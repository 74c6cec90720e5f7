/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Output helpers: the BPF ring buffer (bpf_ringbuf_*) and the perf event
 * array (bpf_perf_event_output). Thin ABI wrappers over the maps component;
 * the map arguments are the addresses programs got for their map references,
 * which for these types are the maps themselves.
 */
#include <errno.h>
#include <linux/bpf.h>

#include <xdpdk/ctx.h>
#include <xdpdk/map.h>

#include "helpers_internal.h"

#define PTR(x) ((void *)(uintptr_t)(x))

uint64_t
xdpdk_h_ringbuf_output(uint64_t map, uint64_t data, uint64_t size, uint64_t flags, uint64_t e)
{
	return (uint64_t)xdpdk_ringbuf_output(PTR(map), PTR(data), size, flags);
}

uint64_t
xdpdk_h_ringbuf_reserve(uint64_t map, uint64_t size, uint64_t flags, uint64_t d, uint64_t e)
{
	return (uint64_t)(uintptr_t)xdpdk_ringbuf_reserve(PTR(map), size, flags);
}

uint64_t
xdpdk_h_ringbuf_submit(uint64_t sample, uint64_t flags, uint64_t c, uint64_t d, uint64_t e)
{
	xdpdk_ringbuf_submit(PTR(sample), flags);
	return 0;
}

uint64_t
xdpdk_h_ringbuf_discard(uint64_t sample, uint64_t flags, uint64_t c, uint64_t d, uint64_t e)
{
	xdpdk_ringbuf_discard(PTR(sample), flags);
	return 0;
}

uint64_t
xdpdk_h_ringbuf_query(uint64_t map, uint64_t flags, uint64_t c, uint64_t d, uint64_t e)
{
	return xdpdk_ringbuf_query(PTR(map), flags);
}

/*
 * For XDP and TC the kernel's bpf_perf_event_output is bpf_xdp_event_output /
 * bpf_skb_event_output: the upper 32 bits of flags (BPF_F_CTXLEN_MASK) ask
 * for that many bytes of the packet, from data, after the program's data.
 * Every xdpdk context starts with data and data_end (struct xdpdk_pkt_view).
 */
uint64_t
xdpdk_h_perf_event_output(uint64_t ctx, uint64_t map, uint64_t flags, uint64_t data,
			  uint64_t size)
{
	const struct xdpdk_pkt_view *pkt = PTR(ctx);
	const uint64_t pkt_size = (flags & BPF_F_CTXLEN_MASK) >> 32;

	if (flags & ~(BPF_F_CTXLEN_MASK | BPF_F_INDEX_MASK))
		return (uint64_t)-EINVAL;
	if (pkt == NULL || pkt_size > (uint64_t)(pkt->data_end - pkt->data))
		return (uint64_t)-EFAULT;
	return (uint64_t)xdpdk_perf_event_output(PTR(map), flags & BPF_F_INDEX_MASK, PTR(data),
						 size, pkt->data, pkt_size);
}
