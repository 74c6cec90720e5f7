/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one table from map type to its family's ops. A type without a row is
 * refused at creation with ENOTSUP, naming it. Families add their rows here.
 */
#include <stddef.h>

#include "map_internal.h"

/* Families' ops, defined in their own files. */
/* (declarations are added with each family) */
extern const struct xdpdk_map_ops xdpdk_map_queue_ops;
extern const struct xdpdk_map_ops xdpdk_map_stack_ops;
extern const struct xdpdk_map_ops xdpdk_map_bloom_filter_ops;
extern const struct xdpdk_map_ops xdpdk_map_ringbuf_ops;
extern const struct xdpdk_map_ops xdpdk_map_perf_event_array_ops;
extern const struct xdpdk_map_ops xdpdk_map_hash_ops;
extern const struct xdpdk_map_ops xdpdk_map_percpu_hash_ops;
extern const struct xdpdk_map_ops xdpdk_map_lru_hash_ops;
extern const struct xdpdk_map_ops xdpdk_map_lru_percpu_hash_ops;
extern const struct xdpdk_map_ops xdpdk_map_hash_of_maps_ops;
extern const struct xdpdk_map_ops xdpdk_map_lpm_trie_ops;
extern const struct xdpdk_map_ops xdpdk_map_array_ops;
extern const struct xdpdk_map_ops xdpdk_map_percpu_array_ops;
extern const struct xdpdk_map_ops xdpdk_map_prog_array_ops;
extern const struct xdpdk_map_ops xdpdk_map_array_of_maps_ops;
extern const struct xdpdk_map_ops xdpdk_map_devmap_ops;
extern const struct xdpdk_map_ops xdpdk_map_devmap_hash_ops;
extern const struct xdpdk_map_ops xdpdk_map_cpumap_ops;
extern const struct xdpdk_map_ops xdpdk_map_xskmap_ops;

const struct xdpdk_map_type_entry xdpdk_map_types[] = {
	/* { BPF_MAP_TYPE_ARRAY, "array", &xdpdk_map_array_ops }, ... */
	{ BPF_MAP_TYPE_QUEUE, "queue", &xdpdk_map_queue_ops },
	{ BPF_MAP_TYPE_STACK, "stack", &xdpdk_map_stack_ops },
	{ BPF_MAP_TYPE_BLOOM_FILTER, "bloom_filter", &xdpdk_map_bloom_filter_ops },
	{ BPF_MAP_TYPE_RINGBUF, "ringbuf", &xdpdk_map_ringbuf_ops },
	{ BPF_MAP_TYPE_PERF_EVENT_ARRAY, "perf_event_array", &xdpdk_map_perf_event_array_ops },
	{ BPF_MAP_TYPE_HASH, "hash", &xdpdk_map_hash_ops },
	{ BPF_MAP_TYPE_PERCPU_HASH, "percpu_hash", &xdpdk_map_percpu_hash_ops },
	{ BPF_MAP_TYPE_LRU_HASH, "lru_hash", &xdpdk_map_lru_hash_ops },
	{ BPF_MAP_TYPE_LRU_PERCPU_HASH, "lru_percpu_hash", &xdpdk_map_lru_percpu_hash_ops },
	{ BPF_MAP_TYPE_HASH_OF_MAPS, "hash_of_maps", &xdpdk_map_hash_of_maps_ops },
	{ BPF_MAP_TYPE_LPM_TRIE, "lpm_trie", &xdpdk_map_lpm_trie_ops },
	{ BPF_MAP_TYPE_ARRAY, "array", &xdpdk_map_array_ops },
	{ BPF_MAP_TYPE_PERCPU_ARRAY, "percpu_array", &xdpdk_map_percpu_array_ops },
	{ BPF_MAP_TYPE_PROG_ARRAY, "prog_array", &xdpdk_map_prog_array_ops },
	{ BPF_MAP_TYPE_ARRAY_OF_MAPS, "array_of_maps", &xdpdk_map_array_of_maps_ops },
	{ BPF_MAP_TYPE_DEVMAP, "devmap", &xdpdk_map_devmap_ops },
	{ BPF_MAP_TYPE_DEVMAP_HASH, "devmap_hash", &xdpdk_map_devmap_hash_ops },
	{ BPF_MAP_TYPE_CPUMAP, "cpumap", &xdpdk_map_cpumap_ops },
	{ BPF_MAP_TYPE_XSKMAP, "xskmap", &xdpdk_map_xskmap_ops },
	{ BPF_MAP_TYPE_UNSPEC, NULL, NULL },
};
