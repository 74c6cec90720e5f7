/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Map helpers: thin wrappers over the maps component's data path. r1 is what
 * the program's map reference resolved to, which for every map a map helper
 * may receive is the struct xdpdk_map itself (only a prog_array resolves to
 * something else, and the kernel's verifier keeps it from map helpers), so
 * there is no lookup per call.
 */
#include <xdpdk/map.h>

#include "helpers_internal.h"

static inline struct xdpdk_map *
map_of(uint64_t r)
{
	return (struct xdpdk_map *)(uintptr_t)r;
}

static inline void *
ptr_of(uint64_t r)
{
	return (void *)(uintptr_t)r;
}

/* void *bpf_map_lookup_elem(map, key) */
uint64_t
xdpdk_h_map_lookup_elem(uint64_t map, uint64_t key, uint64_t c, uint64_t d, uint64_t e)
{
	return (uintptr_t)xdpdk_map_elem_lookup(map_of(map), ptr_of(key));
}

/* long bpf_map_update_elem(map, key, value, flags) */
uint64_t
xdpdk_h_map_update_elem(uint64_t map, uint64_t key, uint64_t value, uint64_t flags, uint64_t e)
{
	return (uint64_t)xdpdk_map_elem_update(map_of(map), ptr_of(key), ptr_of(value), flags);
}

/* long bpf_map_delete_elem(map, key) */
uint64_t
xdpdk_h_map_delete_elem(uint64_t map, uint64_t key, uint64_t c, uint64_t d, uint64_t e)
{
	return (uint64_t)xdpdk_map_elem_delete(map_of(map), ptr_of(key));
}

/* long bpf_map_push_elem(map, value, flags) */
uint64_t
xdpdk_h_map_push_elem(uint64_t map, uint64_t value, uint64_t flags, uint64_t d, uint64_t e)
{
	return (uint64_t)xdpdk_map_elem_push(map_of(map), ptr_of(value), flags);
}

/* long bpf_map_pop_elem(map, value) */
uint64_t
xdpdk_h_map_pop_elem(uint64_t map, uint64_t value, uint64_t c, uint64_t d, uint64_t e)
{
	return (uint64_t)xdpdk_map_elem_pop(map_of(map), ptr_of(value));
}

/* long bpf_map_peek_elem(map, value) */
uint64_t
xdpdk_h_map_peek_elem(uint64_t map, uint64_t value, uint64_t c, uint64_t d, uint64_t e)
{
	return (uint64_t)xdpdk_map_elem_peek(map_of(map), ptr_of(value));
}

/* void *bpf_map_lookup_percpu_elem(map, key, cpu): cpu is a worker index. */
uint64_t
xdpdk_h_map_lookup_percpu_elem(uint64_t map, uint64_t key, uint64_t cpu, uint64_t d,
			       uint64_t e)
{
	return (uintptr_t)xdpdk_map_elem_lookup_percpu(map_of(map), ptr_of(key), (uint32_t)cpu);
}
