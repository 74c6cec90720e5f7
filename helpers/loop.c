/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Callback helpers: bpf_loop and bpf_for_each_map_elem, as kernel/bpf/bpf_iter.c
 * and the maps' map_for_each_callback. The callback is what the program's
 * BPF_PSEUDO_FUNC lddw loaded: a struct xdpdk_callback (see bpf.h), run
 * natively when the program is JIT'd and in a fresh interpreter frame when not.
 */
#include <errno.h>

#include <xdpdk/map.h>

#include "helpers_internal.h"

/* The kernel's BPF_MAX_LOOPS. */
#define LOOP_MAX (8u * 1024 * 1024)

static inline const struct xdpdk_callback *
cb_of(uint64_t r)
{
	return (const struct xdpdk_callback *)(uintptr_t)r;
}

/*
 * long bpf_loop(u32 nr_loops, callback(u64 index, void *ctx), void *ctx, u64 flags):
 * flags first (-EINVAL), then the bound (-E2BIG); the callback returning
 * nonzero stops the loop; the result is the number of calls made.
 *
 * What programs get in the kernel is its verifier's inlined loop
 * (inline_bpf_loop), used whenever flags is a known 0, as in practice always:
 * it compares all 64 bits of nr_loops and sets -E2BIG with a 32-bit move, so
 * r0 is 0xfffffff9, not -7. A nonzero flags can only reach the helper itself,
 * whose -EINVAL is a full 64-bit -22. Both are reproduced here.
 */
uint64_t
xdpdk_h_loop(uint64_t nr, uint64_t fn, uint64_t ctx, uint64_t flags, uint64_t e)
{
	const struct xdpdk_callback *cb = cb_of(fn);
	uint64_t i;

	(void)e;
	if (flags != 0)
		return (uint64_t)-EINVAL;
	if (nr > LOOP_MAX)
		return (uint32_t)-E2BIG;
	for (i = 0; i < nr; i++)
		if (xdpdk_callback_call(cb, i, ctx, 0, 0, 0) != 0)
			return i + 1;
	return i;
}

/*
 * long bpf_for_each_map_elem(map, callback(map, key, value, ctx), ctx, flags):
 * every element (per-CPU maps: this worker's slot) until the callback returns
 * nonzero; the result is the number of elements visited, the one that
 * stopped the walk included.
 */
uint64_t
xdpdk_h_for_each_map_elem(uint64_t map, uint64_t fn, uint64_t ctx, uint64_t flags, uint64_t e)
{
	const struct xdpdk_callback *cb = cb_of(fn);
	struct xdpdk_map *m = (struct xdpdk_map *)(uintptr_t)map;
	struct xdpdk_map_iter it = { 0 };
	uint64_t n = 0;
	int rc;

	(void)e;
	if (flags != 0)
		return (uint64_t)-EINVAL;
	while ((rc = xdpdk_map_elem_next(m, &it)) > 0) {
		n++;
		if (xdpdk_callback_call(cb, map, (uintptr_t)it.key, (uintptr_t)it.value, ctx, 0))
			break;
	}
	return rc < 0 ? (uint64_t)(int64_t)rc : n;
}
