/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TC redirect family (net/core/filter.c): bpf_redirect, bpf_redirect_peer
 * and bpf_redirect_neigh are two-phase as in the kernel: the helper records
 * the target in the calling thread's record (the kernel's per-CPU
 * bpf_redirect_info) and returns TC_ACT_REDIRECT; whoever ran the program
 * reads the record (xdpdk_tc_redirect_last) when the verdict is
 * TC_ACT_REDIRECT, as skb_do_redirect does. bpf_clone_redirect acts at once:
 * it hands a copy of the packet to the clone handler the dataplane
 * registered, or, with none (test runs), checks the device against the
 * current routing table's interfaces and records the copy.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include <xdpdk/ctx.h>
#include <xdpdk/fib.h>
#include <xdpdk/helpers.h>

#include "helpers_internal.h"

static __thread struct xdpdk_tc_redirect tc_rec;

static xdpdk_tc_clone_fn clone_fn;
static void *clone_arg;

/* Test-run record of clones, per thread. */
static __thread struct xdpdk_tc_clone clones[XDPDK_TC_CLONE_MAX];
static __thread uint32_t n_clones;

const struct xdpdk_tc_redirect *
xdpdk_tc_redirect_last(void)
{
	return &tc_rec;
}

static void
record(uint32_t ifindex, uint32_t flags)
{
	tc_rec.ifindex = ifindex;
	tc_rec.flags = flags;
	tc_rec.nh_family = 0;
	memset(tc_rec.nh_addr, 0, sizeof(tc_rec.nh_addr));
}

/* long bpf_redirect(u32 ifindex, u64 flags), TC's: only BPF_F_INGRESS. */
uint64_t
xdpdk_h_tc_redirect(uint64_t ifindex, uint64_t flags, uint64_t c, uint64_t d, uint64_t e)
{
	(void)c, (void)d, (void)e;
	if (flags & ~(uint64_t)BPF_F_INGRESS)
		return TC_ACT_SHOT;
	record((uint32_t)ifindex, (uint32_t)flags);
	return TC_ACT_REDIRECT;
}

/* long bpf_redirect_peer(u32 ifindex, u64 flags): no flags. */
uint64_t
xdpdk_h_redirect_peer(uint64_t ifindex, uint64_t flags, uint64_t c, uint64_t d, uint64_t e)
{
	(void)c, (void)d, (void)e;
	if (flags)
		return TC_ACT_SHOT;
	record((uint32_t)ifindex, XDPDK_TC_REDIR_PEER);
	return TC_ACT_REDIRECT;
}

/*
 * long bpf_redirect_neigh(u32 ifindex, struct bpf_redir_neigh *params,
 * int plen, u64 flags): params NULL/0 or the whole struct; no flags.
 */
uint64_t
xdpdk_h_redirect_neigh(uint64_t ifindex, uint64_t params, uint64_t plen, uint64_t flags,
		       uint64_t e)
{
	const struct bpf_redir_neigh *nh = (const struct bpf_redir_neigh *)(uintptr_t)params;
	const int32_t len = (int32_t)plen;

	(void)e;
	if ((len && len < (int32_t)sizeof(*nh)) || flags)
		return TC_ACT_SHOT;
	record((uint32_t)ifindex, XDPDK_TC_REDIR_NEIGH | (len ? XDPDK_TC_REDIR_NEXTHOP : 0));
	if (len) {
		tc_rec.nh_family = nh->nh_family;
		memcpy(tc_rec.nh_addr, nh->ipv6_nh, sizeof(tc_rec.nh_addr));
	}
	return TC_ACT_REDIRECT;
}

/* With no handler: the device must be one of the routing table's interfaces. */
static int
record_clone(uint32_t ifindex, uint64_t flags, const uint8_t *frame, uint32_t len, void *arg)
{
	struct xdpdk_tc_clone *c;

	(void)arg;
	if (n_clones == XDPDK_TC_CLONE_MAX)
		return -ENOMEM;	/* skb_clone failing: the record is full */
	c = &clones[n_clones++];
	c->ifindex = ifindex;
	c->flags = (uint32_t)flags;
	c->len = len;
	memcpy(c->data, frame, len < sizeof(c->data) ? len : sizeof(c->data));
	return 0;
}

/* long bpf_clone_redirect(skb, u32 ifindex, u64 flags) */
uint64_t
xdpdk_h_clone_redirect(uint64_t skb, uint64_t ifindex, uint64_t flags, uint64_t d, uint64_t e)
{
	const struct xdpdk_skb_ctx *s = (const struct xdpdk_skb_ctx *)(uintptr_t)skb;
	const xdpdk_tc_clone_fn fn = __atomic_load_n(&clone_fn, __ATOMIC_ACQUIRE);

	(void)d, (void)e;
	if (flags & ~(uint64_t)BPF_F_INGRESS)
		return (uint64_t)-EINVAL;
	/* xdpdk's skb carries no GSO type: a GSO size is the typeless test-run case. */
	if (s->gso_size)
		return (uint64_t)-EBADMSG;
	if (fn == NULL && xdpdk_fib_if_get(xdpdk_fib_current(), (uint32_t)ifindex, NULL) != 0)
		return (uint64_t)-EINVAL;	/* dev_get_by_index() found nothing */
	/* __bpf_redirect_common: a link-layer header must be there. */
	if (s->network_off == 0 || s->len == 0)
		return (uint64_t)-ERANGE;
	if (fn == NULL)
		return (uint64_t)(int64_t)record_clone((uint32_t)ifindex, flags,
						       s->data - s->mac_before,
						       s->len + s->mac_before, NULL);
	return (uint64_t)(int64_t)fn((uint32_t)ifindex, flags, s->data - s->mac_before,
				     s->len + s->mac_before, clone_arg);
}

void
xdpdk_tc_set_clone_handler(xdpdk_tc_clone_fn fn, void *arg)
{
	clone_arg = arg;
	__atomic_store_n(&clone_fn, fn, __ATOMIC_RELEASE);
}

uint32_t
xdpdk_tc_clones_take(struct xdpdk_tc_clone *out, uint32_t n)
{
	const uint32_t k = n < n_clones ? n : n_clones;

	if (k != 0)
		memcpy(out, clones, k * sizeof(*out));
	n_clones = 0;
	return k;
}
