/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal to bpf/maps/: the map object every family embeds and the ops table
 * each family registers (one file per family: array.c, hash.c, lru.c,
 * lpm.c, queue.c, bloom.c, ringbuf.c, ...). Never included outside bpf/maps/.
 */
#ifndef XDPDK_MAP_INTERNAL_H
#define XDPDK_MAP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_log.h>
#include <rte_spinlock.h>

#include <xdpdk/map.h>

struct xdpdk_map_ops {
	/* Checks the definition as the kernel's map_alloc_check: -EINVAL/-E2BIG. */
	int (*check)(const struct xdpdk_map_def *def);
	/* Allocates the family's state into @map (rte_malloc/memzone memory). */
	int (*alloc)(struct xdpdk_map *map);
	void (*free)(struct xdpdk_map *map);

	/* Data path (helpers): no allocation, lock-free for readers. */
	void *(*elem_lookup)(struct xdpdk_map *map, const void *key);
	long (*elem_update)(struct xdpdk_map *map, const void *key, const void *value,
			    uint64_t flags);
	long (*elem_delete)(struct xdpdk_map *map, const void *key);
	long (*elem_push)(struct xdpdk_map *map, const void *value, uint64_t flags);
	long (*elem_pop)(struct xdpdk_map *map, void *value);
	long (*elem_peek)(struct xdpdk_map *map, void *value);
	void *(*elem_lookup_percpu)(struct xdpdk_map *map, const void *key, uint32_t cpu);
	/* bpf_for_each_map_elem's walk: 1 and the element, 0 at the end. */
	int (*elem_next)(struct xdpdk_map *map, struct xdpdk_map_iter *it);

	/* Control plane: value buffers of xdpdk_map_value_buf_size() bytes. */
	int (*lookup)(struct xdpdk_map *map, const void *key, void *value, uint64_t flags);
	int (*update)(struct xdpdk_map *map, const void *key, const void *value,
		      uint64_t flags);
	int (*delete)(struct xdpdk_map *map, const void *key);
	int (*get_next_key)(struct xdpdk_map *map, const void *key, void *next_key);

	/* Address programs get for a map reference; NULL op: the map itself. */
	void *(*prog_addr)(struct xdpdk_map *map);
	/* Value address for BPF_PSEUDO_MAP_VALUE (single-entry arrays). */
	void *(*direct_value)(struct xdpdk_map *map);

	/*
	 * Optional batch operations (map.c's generic ones, built on
	 * get_next_key/lookup/update/delete, are used when NULL). Same
	 * contract as xdpdk_map_*_batch; flags are already checked.
	 */
	int (*lookup_batch)(struct xdpdk_map *map, const void *in_batch, void *out_batch,
			    void *keys, void *values, uint32_t *count, uint64_t flags);
	int (*update_batch)(struct xdpdk_map *map, const void *keys, const void *values,
			    uint32_t *count, uint64_t flags);
	int (*delete_batch)(struct xdpdk_map *map, const void *keys, uint32_t *count);
};

/* One registration per map type; families define these in their own files. */
struct xdpdk_map_type_entry {
	enum bpf_map_type type;
	const char *name;		/* the kernel's: "lru_percpu_hash" */
	const struct xdpdk_map_ops *ops;
};

struct xdpdk_map {
	const struct xdpdk_map_ops *ops;
	struct xdpdk_map_def def;
	char name[XDPDK_MAP_NAME_MAX];
	uint32_t id;
	uint32_t refcnt;		/* atomic */
	uint32_t n_slots;		/* per-CPU slots (n_workers), 1 otherwise */
	uint32_t value_stride;		/* round_up(value_size, 8) for per-CPU slots */
	void *priv;			/* the family's state */
	int socket_id;			/* NUMA node for the family's memory, or SOCKET_ID_ANY */
	/*
	 * What the family's data-path lookup needs first (hash.c: its state,
	 * whose first line holds the rte_hash, the filter and the seed): read
	 * without going through priv.
	 */
	void *dp;
	/* typed keys and values for the control plane (xdpdk_map_set_btf), or NULL */
	struct xdpdk_btf *btf;
	uint32_t btf_key, btf_value;
} __rte_cache_aligned;

/* The worker index of the calling thread (per-CPU slot). */
extern __thread uint32_t xdpdk_maps_cur_worker;

/* The RCU variable from xdpdk_maps_configure(), or NULL. */
struct rte_rcu_qsbr *xdpdk_maps_rcu(void);

/*
 * Free @p ptr (rte_free) once every worker has passed a quiescent state:
 * immediately without RCU, else through a deferred queue.
 */
void xdpdk_maps_defer_free(void *ptr);

/*
 * Array family layout (array.c), simple enough for the JIT to inline a lookup:
 * map->priv is a struct xdpdk_map_array, element i is at
 * values + i * elem_size, and for a percpu_array worker w's copy of it is at
 * values + w * slot_size + i * elem_size (one region per worker, so workers
 * never share a cache line). A prog_array's values is its struct
 * xdpdk_prog_array (what bpf_tail_call reads); an array_of_maps' values holds
 * struct xdpdk_map pointers (elem_size 8).
 */
struct xdpdk_map_array {
	uint32_t max_entries;
	uint32_t elem_size;		/* round_up(value_size, 8) */
	uint64_t slot_size;		/* percpu_array: bytes per worker region */
	unsigned char *values;
	int owner_type;			/* prog_array: type of its programs, -1: none yet */
	rte_spinlock_t lock;		/* array_of_maps: control-plane writers and readers */
};

/* ---- maps core services (map.c) for the families ----------------------- */

/* The registry (registry.c), terminated by a BPF_MAP_TYPE_UNSPEC row. */
extern const struct xdpdk_map_type_entry xdpdk_map_types[];

/* One log type for the maps component. */
extern int xdpdk_logtype_maps;
#define XDPDK_MAPS_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, xdpdk_logtype_maps, "xdpdk.maps: " fmt "\n", ##__VA_ARGS__)

/* Per-CPU types: one slot per worker (n_slots = n_workers). */
static inline int
xdpdk_map_type_is_percpu(enum bpf_map_type type)
{
	return type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

/*
 * Call @p fn(@p arg) once every worker has passed a quiescent state (now
 * without RCU). Lock-free and allocation-free (rte_rcu_qsbr_dq), so callable
 * from any thread; @p fn runs in whichever thread reclaims (possibly inside
 * this call), and may defer again. So do not call it holding a lock that a
 * deferred callback (a map's free) could take.
 */
void xdpdk_maps_defer_call(void (*fn)(void *arg), void *arg);

/* xdpdk_map_spin_lock/unlock (bpf_spin_lock) are public: see map.h. */

/*
 * Value copies as the kernel's copy_map_value[_locked]: the bpf_spin_lock
 * word is never copied. store: into the map's @p elem from @p src; load: out
 * of @p elem into @p dst, whose lock word is zeroed (check_and_init_map_value).
 * @p locked: hold @p elem's lock during the copy (BPF_F_LOCK). value_size bytes.
 */
void xdpdk_map_value_store(const struct xdpdk_map *map, void *elem, const void *src,
			   bool locked);
void xdpdk_map_value_load(const struct xdpdk_map *map, void *dst, const void *elem,
			  bool locked);

/*
 * Map-in-map: may @p inner be stored in @p outer? The kernel's
 * map_meta_equal against the inner template: type, key_size, value_size,
 * map_flags and spin lock equal; for (percpu_)array also max_entries unless
 * the template has BPF_F_INNER_MAP. 0 or -EINVAL.
 */
int xdpdk_map_inner_check(const struct xdpdk_map *outer, const struct xdpdk_map *inner);

#endif /* XDPDK_MAP_INTERNAL_H */
