/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bpf_redirect and bpf_redirect_map for XDP, two-phase as the kernel's
 * xdp_do_redirect: the helper only records the target for the packet being
 * run (bpf_redirect_info there, the worker's struct xdpdk_redirect_run here)
 * and returns XDP_REDIRECT; the worker acts on the record after the program
 * returns, and flushes all targets at the end of the burst.
 *
 * The helpers get no context, so the run state is a thread-local pointer
 * set once per worker lcore; the worker sets run->cur before each packet
 * of a program that calls these helpers.
 */
#include <linux/bpf.h>

#include <xdpdk/dataplane.h>
#include <xdpdk/map.h>

#include "helpers_internal.h"

static __thread struct xdpdk_redirect_run *cur_run;
/* Outside a worker (test runs): recorded and forgotten, as a test run's. */
static __thread struct xdpdk_redirect_rec spare_rec;

void
xdpdk_redirect_set_run(struct xdpdk_redirect_run *run)
{
	cur_run = run;
}

static inline struct xdpdk_redirect_rec *
cur_rec(void)
{
	struct xdpdk_redirect_run *run = cur_run;

	return run != NULL ? &run->rec[run->cur] : &spare_rec;
}

/* long bpf_redirect(u32 ifindex, u64 flags): XDP takes no flags (bpf_xdp_redirect). */
uint64_t
xdpdk_h_redirect(uint64_t ifindex, uint64_t flags, uint64_t c, uint64_t d, uint64_t e)
{
	struct xdpdk_redirect_rec *rec = cur_rec();

	if (flags != 0)
		return XDP_ABORTED;
	rec->kind = XDPDK_REDIR_IFINDEX;
	rec->index = (uint32_t)ifindex;
	rec->flags = 0;
	rec->val = NULL;
	rec->tgt = NULL;
	rec->map = NULL;
	return XDP_REDIRECT;
}

/*
 * long bpf_redirect_map(map, u32 key, u64 flags), as __bpf_xdp_redirect_map():
 * the lower two bits of flags are the verdict when the key has no entry;
 * devmaps also take BPF_F_BROADCAST and BPF_F_EXCLUDE_INGRESS.
 */
uint64_t
xdpdk_h_redirect_map(uint64_t mapp, uint64_t key, uint64_t flags, uint64_t d, uint64_t e)
{
	const uint64_t action_mask = XDP_ABORTED | XDP_DROP | XDP_PASS | XDP_TX;
	struct xdpdk_map *map = (struct xdpdk_map *)(uintptr_t)mapp;
	struct xdpdk_redirect_rec *rec = cur_rec();
	const enum bpf_map_type type = xdpdk_map_def(map)->type;
	uint64_t flag_mask = 0;
	uint32_t kind;
	const void *val;
	void *tgt = NULL;

	switch (type) {
	case BPF_MAP_TYPE_DEVMAP:
	case BPF_MAP_TYPE_DEVMAP_HASH:
		flag_mask = BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS;
		kind = XDPDK_REDIR_DEVMAP;
		break;
	case BPF_MAP_TYPE_CPUMAP:
		kind = XDPDK_REDIR_CPUMAP;
		break;
	case BPF_MAP_TYPE_XSKMAP:
		kind = XDPDK_REDIR_XSKMAP;
		break;
	default:
		return XDP_ABORTED;	/* the kernel's verifier refuses other maps */
	}
	if ((flags & ~(action_mask | flag_mask)) != 0)
		return XDP_ABORTED;
	val = xdpdk_map_redirect_lookup(map, (uint32_t)key, &tgt);
	if (val == NULL && !(flags & BPF_F_BROADCAST)) {
		rec->kind = XDPDK_REDIR_NONE;
		return flags & action_mask;
	}
	rec->index = (uint32_t)key;
	rec->val = val;
	rec->tgt = tgt;
	if (flags & BPF_F_BROADCAST) {
		rec->kind = XDPDK_REDIR_BROADCAST;
		rec->map = map;
		rec->flags = flags;
	} else {
		rec->kind = kind;
		rec->map = NULL;
		rec->flags = 0;
	}
	return XDP_REDIRECT;
}
