/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Recency lists for LRU_HASH and LRU_PERCPU_HASH (see lru.h): doubly linked
 * through index arrays beside the value pool, so that the values themselves
 * carry no header and stay where programs point.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "lru.h"

struct xdpdk_lru *
xdpdk_lru_create(uint32_t n_elems, uint32_t n_lists, uint32_t cap, int socket)
{
	struct xdpdk_lru *lru;
	uint32_t i;

	lru = rte_zmalloc_socket("xdpdk_lru", sizeof(*lru) + n_lists * sizeof(lru->lists[0]),
				 RTE_CACHE_LINE_SIZE, socket);
	if (lru == NULL)
		return NULL;
	lru->nodes = rte_zmalloc_socket("xdpdk_lru_nodes", (size_t)n_elems * sizeof(*lru->nodes),
					RTE_CACHE_LINE_SIZE, socket);
	lru->ref = rte_zmalloc_socket("xdpdk_lru_ref", n_elems, RTE_CACHE_LINE_SIZE, socket);
	if (lru->nodes == NULL || lru->ref == NULL) {
		xdpdk_lru_free(lru);
		return NULL;
	}
	lru->n_lists = n_lists;
	lru->cap = cap;
	for (i = 0; i < n_lists; i++) {
		lru->lists[i].head = XDPDK_LRU_NONE;
		lru->lists[i].tail = XDPDK_LRU_NONE;
	}
	return lru;
}

void
xdpdk_lru_free(struct xdpdk_lru *lru)
{
	if (lru == NULL)
		return;
	rte_free(lru->nodes);
	rte_free(lru->ref);
	rte_free(lru);
}

static void
link_head(struct xdpdk_lru *lru, uint32_t idx, uint32_t list)
{
	struct xdpdk_lru_list *l = &lru->lists[list];
	struct xdpdk_lru_node *n = &lru->nodes[idx];

	n->list = list;
	n->prev = XDPDK_LRU_NONE;
	n->next = l->head;
	if (l->head != XDPDK_LRU_NONE)
		lru->nodes[l->head].prev = idx;
	else
		l->tail = idx;
	l->head = idx;
	l->count++;
}

static void
unlink(struct xdpdk_lru *lru, uint32_t idx)
{
	struct xdpdk_lru_node *n = &lru->nodes[idx];
	struct xdpdk_lru_list *l = &lru->lists[n->list];

	if (n->prev != XDPDK_LRU_NONE)
		lru->nodes[n->prev].next = n->next;
	else
		l->head = n->next;
	if (n->next != XDPDK_LRU_NONE)
		lru->nodes[n->next].prev = n->prev;
	else
		l->tail = n->prev;
	l->count--;
}

void
xdpdk_lru_push(struct xdpdk_lru *lru, uint32_t idx, uint32_t list, uint32_t pos)
{
	__atomic_store_n(&lru->ref[idx], 0, __ATOMIC_RELAXED);
	lru->nodes[idx].pos = pos;
	link_head(lru, idx, list);
}

void
xdpdk_lru_remove(struct xdpdk_lru *lru, uint32_t idx)
{
	unlink(lru, idx);
}

uint32_t
xdpdk_lru_victim(struct xdpdk_lru *lru, uint32_t list)
{
	struct xdpdk_lru_list *l = &lru->lists[list];
	uint32_t idx, steps;

	/*
	 * Each step either returns or clears one mark, so one pass over the
	 * list is enough; the bound only guards against a corrupted list.
	 */
	for (steps = 0; steps <= l->count; steps++) {
		idx = l->tail;
		if (!__atomic_load_n(&lru->ref[idx], __ATOMIC_RELAXED))
			return idx;
		__atomic_store_n(&lru->ref[idx], 0, __ATOMIC_RELAXED);
		unlink(lru, idx);
		link_head(lru, idx, list);
	}
	return l->tail;
}
