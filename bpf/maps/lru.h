/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal to bpf/maps/: the recency lists of the LRU hash maps (lru.c).
 *
 * Elements are pool indexes; each sits on one list (one per map, or one per
 * worker with BPF_F_NO_COMMON_LRU), newest at the head. Eviction is the
 * kernel's approximation made exact where it can be: "second chance". The
 * data path only sets a per-element reference mark on lookup (a byte store,
 * only if it is clear, so a hot entry does not bounce a cache line). A
 * writer that needs room takes the tail: if it is marked, the mark is
 * cleared and it moves to the head; otherwise it is the victim.
 *
 * What that guarantees:
 *  - with no lookups, entries leave in insertion order: after inserting
 *    capacity + k distinct keys into an empty list, exactly the k oldest are
 *    gone;
 *  - an entry looked up since it last reached the tail survives that pass;
 *  - a victim is found within count + 1 steps (a full pass clears every mark).
 *
 * Lists are changed only under the owning map's writer lock.
 */
#ifndef XDPDK_MAPS_LRU_H
#define XDPDK_MAPS_LRU_H

#include <stdbool.h>
#include <stdint.h>

#define XDPDK_LRU_NONE UINT32_MAX

struct xdpdk_lru_node {
	uint32_t prev;
	uint32_t next;
	uint32_t list;
	uint32_t pos;		/* the owner's tag: the rte_hash key position */
};

struct xdpdk_lru_list {
	uint32_t head;		/* most recent */
	uint32_t tail;		/* next candidate */
	uint32_t count;
};

struct xdpdk_lru {
	struct xdpdk_lru_node *nodes;
	uint8_t *ref;		/* set by readers, cleared by writers */
	uint32_t n_lists;
	uint32_t cap;		/* entries per list */
	struct xdpdk_lru_list lists[];
};

/* @return the lists, or NULL (ENOMEM). */
struct xdpdk_lru *xdpdk_lru_create(uint32_t n_elems, uint32_t n_lists, uint32_t cap, int socket);
void xdpdk_lru_free(struct xdpdk_lru *lru);

/* Add @p idx as the newest entry of @p list, unmarked. */
void xdpdk_lru_push(struct xdpdk_lru *lru, uint32_t idx, uint32_t list, uint32_t pos);
void xdpdk_lru_remove(struct xdpdk_lru *lru, uint32_t idx);
/* The entry to evict from @p list (non-empty), after giving marked ones their second chance. */
uint32_t xdpdk_lru_victim(struct xdpdk_lru *lru, uint32_t list);

static inline bool
xdpdk_lru_full(const struct xdpdk_lru *lru, uint32_t list)
{
	return lru->lists[list].count >= lru->cap;
}

/* Data path: note a use. Relaxed: the mark is a hint and races are harmless. */
static inline void
xdpdk_lru_mark(struct xdpdk_lru *lru, uint32_t idx)
{
	if (!__atomic_load_n(&lru->ref[idx], __ATOMIC_RELAXED))
		__atomic_store_n(&lru->ref[idx], 1, __ATOMIC_RELAXED);
}

#endif /* XDPDK_MAPS_LRU_H */
