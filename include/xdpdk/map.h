/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Maps: the kernel's map types in DPDK memory, with the kernel's flags and
 * error codes. Programs address values directly (lookup returns a pointer
 * into the map), so values never move while a program may hold a pointer:
 * deletions and replacements are reclaimed through RCU (rte_rcu_qsbr) once
 * every worker has passed a quiescent state.
 *
 * Two faces: the data path (xdpdk_map_elem_*: what the helpers call, no
 * allocation, lock-free reads) and the control plane (xdpdk_map_*: copies
 * keys and values in and out, safe while workers run).
 *
 * DPDK's EAL must be initialised before a map is created (--no-huge works).
 */
#ifndef XDPDK_MAP_H
#define XDPDK_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

#ifdef __cplusplus
extern "C" {
#endif

struct xdpdk_map;
struct rte_rcu_qsbr;
struct xdpdk_map_inline;

/** What a map is; the fields of a BTF-defined or legacy map definition. */
struct xdpdk_map_def {
	const char *name;		/**< copied; at most XDPDK_MAP_NAME_MAX - 1 chars */
	enum bpf_map_type type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;		/**< BPF_F_NO_PREALLOC, BPF_F_RDONLY_PROG, ... */
	int numa_node;			/**< -1 (or 0 with !BPF_F_NUMA_NODE): any */
	/** map-in-map: the inner map's template (its type/sizes are enforced). */
	const struct xdpdk_map *inner_template;
	/**
	 * The kernel's map_extra. bloom_filter: the number of hash functions in
	 * bits 0-3 (0: 5). perf_event_array (xdpdk extension): bytes of each
	 * worker's ring, a power of two >= 64 (0: XDPDK_PERF_RING_DEFAULT).
	 */
	uint64_t map_extra;
	/**
	 * The value holds a struct bpf_spin_lock at @ref spin_lock_off (what the
	 * kernel learns from BTF): BPF_F_LOCK is allowed, and value copies skip
	 * the lock word. Only hash and array maps (else ENOTSUP, as the kernel);
	 * the offset must be 4-aligned and inside the value (else EINVAL).
	 */
	bool has_spin_lock;
	uint32_t spin_lock_off;
};

#define XDPDK_MAP_NAME_MAX 64

/** The global setup maps need, set once before maps are created. */
struct xdpdk_maps_config {
	/** Number of per-CPU slots: one per worker (default 1). */
	uint32_t n_workers;
	/** RCU for deferred reclamation; NULL: reclaim immediately (no workers). */
	struct rte_rcu_qsbr *rcu;
};

/**
 * Configure the maps component (NULL: defaults); -EBUSY once a map exists
 * or a deferred free is still waiting for a grace period; -EINVAL for more
 * than RTE_MAX_LCORE workers; -ENOMEM.
 */
int xdpdk_maps_configure(const struct xdpdk_maps_config *cfg);

/**
 * Run the deferred frees whose grace period is over (the control plane calls
 * this periodically; creation and frees also do it in passing).
 * @return how many are still waiting.
 */
uint32_t xdpdk_maps_reclaim(void);
/** The number of per-CPU slots. */
uint32_t xdpdk_maps_n_workers(void);

/**
 * The worker the calling thread is (per-CPU slot index, and what
 * bpf_get_smp_processor_id() returns). The dataplane sets it once per lcore.
 */
void xdpdk_maps_set_worker(uint32_t worker);
uint32_t xdpdk_maps_worker(void);

/**
 * Create a map.
 * @return the map (reference count 1), or NULL with errno: EINVAL (sizes,
 *   flags or type do not fit, as the kernel's map_alloc_check), E2BIG,
 *   ENOMEM, ENOTSUP (a type xdpdk does not have).
 */
struct xdpdk_map *xdpdk_map_create(const struct xdpdk_map_def *def);
/** Take another reference (maps shared by pinning, map-in-map). */
struct xdpdk_map *xdpdk_map_get(struct xdpdk_map *map);
/** Drop a reference; the last one frees the map after an RCU grace period. NULL is accepted. */
void xdpdk_map_put(struct xdpdk_map *map);

/** The definition (borrowed) and a stable id for the control plane. */
const struct xdpdk_map_def *xdpdk_map_def(const struct xdpdk_map *map);
uint32_t xdpdk_map_id(const struct xdpdk_map *map);
/**
 * The live map with id @p id, with a new reference (as BPF_MAP_GET_FD_BY_ID);
 * NULL with errno ENOENT. Ids start at 1 and are never reused.
 */
struct xdpdk_map *xdpdk_map_get_by_id(uint32_t id);
/**
 * The live map with the smallest id above @p id, with a new reference (as
 * BPF_MAP_GET_NEXT_ID then GET_FD_BY_ID): start from 0 to walk every map.
 * NULL with errno ENOENT after the last one.
 */
struct xdpdk_map *xdpdk_map_get_next(uint32_t id);
struct xdpdk_btf;
/**
 * Give @p map the BTF of the object that defined it and its key and value
 * type ids, for typed output (`map dump --json`'s "formatted"). A reference
 * to @p btf is taken; a map that has BTF keeps it (pinned maps: the first).
 */
void xdpdk_map_set_btf(struct xdpdk_map *map, struct xdpdk_btf *btf, uint32_t key_type,
		       uint32_t value_type);
/** The map's BTF (borrowed, NULL when none) and its key and value type ids. */
struct xdpdk_btf *xdpdk_map_btf(const struct xdpdk_map *map, uint32_t *key_type,
				uint32_t *value_type);
/** The kernel's name of a map type ("hash", "lru_percpu_hash"); NULL if unknown. */
const char *xdpdk_map_type_name(enum bpf_map_type type);
/** Whether xdpdk implements map type @p type (else creation fails with ENOTSUP). */
bool xdpdk_map_type_supported(enum bpf_map_type type);

/**
 * The address a program's map reference (lddw BPF_PSEUDO_MAP_FD/IDX) becomes.
 * For a prog_array it is its struct xdpdk_prog_array, which bpf_tail_call
 * reads; for every other type the map itself.
 */
void *xdpdk_map_prog_addr(struct xdpdk_map *map);
/**
 * The map behind such an address; NULL if @p addr is no map's. Control plane
 * (a scan of the live maps under a lock): the map helpers need no such
 * lookup, since the address they receive is the struct xdpdk_map itself (a
 * prog_array's address only ever reaches bpf_tail_call; the kernel's
 * verifier keeps prog_arrays from the map helpers).
 */
struct xdpdk_map *xdpdk_map_from_prog_addr(void *addr);

/**
 * Global data and BPF_PSEUDO_MAP_VALUE: the address of the value of a
 * single-entry array (key 0). NULL for other types.
 */
void *xdpdk_map_direct_value(struct xdpdk_map *map);

/* ---- control plane: copies in and out, safe while workers run ---------- */

/**
 * Size of the value buffer the control plane exchanges: value_size, or for
 * per-CPU maps round_up(value_size, 8) * n_workers (all slots, as the kernel's
 * "one value per possible CPU").
 */
uint32_t xdpdk_map_value_buf_size(const struct xdpdk_map *map);

/** @return 0; -ENOENT (no such key), -EINVAL (bad flags). */
int xdpdk_map_lookup(struct xdpdk_map *map, const void *key, void *value, uint64_t flags);
/**
 * @p flags: BPF_ANY, BPF_NOEXIST, BPF_EXIST, | BPF_F_LOCK.
 * @return 0; -EEXIST, -ENOENT, -E2BIG (full), -EINVAL, -ENOMEM, -EPERM
 *   (BPF_F_RDONLY), -ENOTSUP (no update for this type).
 */
int xdpdk_map_update(struct xdpdk_map *map, const void *key, const void *value,
		     uint64_t flags);
/** @return 0; -ENOENT; -EINVAL for arrays (as the kernel). */
int xdpdk_map_delete(struct xdpdk_map *map, const void *key);
/** First key when @p key is NULL (or not found, as the kernel); -ENOENT at the end. */
int xdpdk_map_get_next_key(struct xdpdk_map *map, const void *key, void *next_key);
/**
 * Batch operations, as BPF_MAP_*_BATCH: @p count in/out. lookup_batch walks
 * from @p in_batch (NULL: start) and writes the position to resume from to
 * @p out_batch (a key-sized token); -ENOENT when the walk is done.
 */
int xdpdk_map_lookup_batch(struct xdpdk_map *map, const void *in_batch, void *out_batch,
			   void *keys, void *values, uint32_t *count, uint64_t flags);
int xdpdk_map_update_batch(struct xdpdk_map *map, const void *keys, const void *values,
			   uint32_t *count, uint64_t flags);
int xdpdk_map_delete_batch(struct xdpdk_map *map, const void *keys, uint32_t *count);

/*
 * ---- values that are objects: prog_array and array_of_maps -------------
 *
 * The kernel exchanges these values as file descriptors (update) and ids
 * (lookup). xdpdk has no descriptors, so:
 * - prog_array: xdpdk_map_prog_array_set()/_get() with program pointers;
 *   xdpdk_map_update/lookup on a prog_array return -ENOTSUP, delete and
 *   get_next_key work as the kernel's.
 * - array_of_maps (and hash_of_maps): the 4-byte value is a map id, the
 *   stand-in for the kernel's fd: xdpdk_map_update takes an inner map's id
 *   (see xdpdk_map_id), lookup returns the inner map's id.
 *   xdpdk_map_set_inner() does the same with a map pointer.
 */
struct xdpdk_prog;

/**
 * Store @p prog in slot @p index of a prog_array (NULL clears it). The slot
 * is swapped atomically; the map does not own programs: whoever replaces a
 * program may free it only after an RCU grace period.
 * @return 0; -E2BIG (index out of range), -EINVAL (not a prog_array, or a
 *   program type other than the one the array already holds, as the kernel).
 */
int xdpdk_map_prog_array_set(struct xdpdk_map *map, uint32_t index,
			     const struct xdpdk_prog *prog);
/** The program in slot @p index (borrowed), or NULL. */
const struct xdpdk_prog *xdpdk_map_prog_array_get(struct xdpdk_map *map, uint32_t index);

/**
 * Store @p inner at @p key of an array_of_maps or hash_of_maps (NULL
 * deletes): xdpdk_map_update with @p inner's id. The outer map takes a
 * reference; the one it drops on replacement is released after an RCU grace
 * period.
 * @return 0; -EINVAL (not map-in-map, or @p inner does not match the inner
 *   template), -E2BIG (index out of range, or full), -ENOENT (NULL on an
 *   empty slot), as xdpdk_map_update/xdpdk_map_delete.
 */
int xdpdk_map_set_inner(struct xdpdk_map *map, const void *key, struct xdpdk_map *inner);

/* ---- data path: what the helpers call ---------------------------------- */

/** bpf_map_lookup_elem: a pointer to the value (this worker's slot), or NULL. */
void *xdpdk_map_elem_lookup(struct xdpdk_map *map, const void *key);
/** bpf_map_update_elem from a program; the kernel's return codes. */
long xdpdk_map_elem_update(struct xdpdk_map *map, const void *key, const void *value,
			   uint64_t flags);
/** bpf_map_delete_elem from a program. */
long xdpdk_map_elem_delete(struct xdpdk_map *map, const void *key);
/** bpf_map_push_elem / pop / peek (queue, stack, bloom_filter for push/peek). */
long xdpdk_map_elem_push(struct xdpdk_map *map, const void *value, uint64_t flags);
long xdpdk_map_elem_pop(struct xdpdk_map *map, void *value);
long xdpdk_map_elem_peek(struct xdpdk_map *map, void *value);
/**
 * For xdpdk_prog_opts.map_inline: the layout of an array or percpu_array
 * behind a program's map reference, for the JIT to inline its lookups.
 * @return 0; -EOPNOTSUPP for other types.
 */
int xdpdk_map_inline_info(const void *map_addr, struct xdpdk_map_inline *out);

/**
 * bpf_spin_lock / bpf_spin_unlock on the 4-byte struct bpf_spin_lock inside a
 * value (def.spin_lock_off): a test-and-set lock, as rte_spinlock, and the
 * same one the control plane's BPF_F_LOCK copies take.
 */
void xdpdk_map_spin_lock(struct bpf_spin_lock *lock);
void xdpdk_map_spin_unlock(struct bpf_spin_lock *lock);

/**
 * A data-path walk over a map's elements, as bpf_for_each_map_elem does it:
 * zero it, then call xdpdk_map_elem_next() until it returns 0. Elements
 * updated or deleted during the walk (by the callback too) are seen once or
 * not at all; values stay valid until the worker's next quiescent state.
 */
struct xdpdk_map_iter {
	uint32_t pos;		/**< where the walk resumes (0: the start) */
	uint32_t index;		/**< array maps: the key of the current element */
	const void *key;	/**< the current element's key */
	void *value;		/**< its value; per-CPU maps: this worker's slot */
};

/**
 * The next element of the walk into @p it->key and @p it->value.
 * @return 1; 0 at the end; -EOPNOTSUPP for a type bpf_for_each_map_elem does
 *   not walk (only array, percpu_array and the hash and lru_hash families).
 */
int xdpdk_map_elem_next(struct xdpdk_map *map, struct xdpdk_map_iter *it);

/** bpf_map_lookup_percpu_elem: slot @p cpu's value, or NULL. */
void *xdpdk_map_elem_lookup_percpu(struct xdpdk_map *map, const void *key, uint32_t cpu);

/**
 * The redirect helpers' lookup: the value at @p key of a devmap, devmap_hash,
 * cpumap or xskmap (struct bpf_devmap_val, bpf_cpumap_val, or the u32), and in
 * *@p tgt what the dataplane attached to the entry (NULL if nothing); NULL
 * if there is no entry or the map is of another type.
 */
const void *xdpdk_map_redirect_lookup(struct xdpdk_map *map, uint32_t key, void **tgt);
/**
 * Broadcast: the next entry of a devmap or devmap_hash after position *@p it
 * (0 to start; advanced), with its dataplane object in *@p tgt; NULL at the end.
 */
const void *xdpdk_map_redirect_next(struct xdpdk_map *map, uint32_t *it, void **tgt);

/**
 * What the dataplane attaches to redirect-map entries (a cpumap entry's ring,
 * a devmap entry's program). attach runs on the control plane when an entry
 * is stored, with the value as given (bpf_prog.fd names a program the
 * dataplane knows); it may refuse the update with -errno. detach runs once
 * no worker can reach the entry any more (after an RCU grace period).
 * Without hooks, values that name programs are refused with -ENOTSUP.
 */
struct xdpdk_map_redirect_hooks {
	int (*attach)(struct xdpdk_map *map, uint32_t key, const void *val, void **tgt);
	void (*detach)(void *tgt);
};

/** Install @p hooks (NULL removes them); the dataplane does it at start-up. */
void xdpdk_maps_set_redirect_hooks(const struct xdpdk_map_redirect_hooks *hooks);

/* ---- queue and stack: the control plane's BPF_MAP_LOOKUP_AND_DELETE_ELEM --- */

/**
 * Pop the oldest (queue) or newest (stack) value into @p value.
 * @return 0; -ENOENT (empty: @p value is zeroed, as the kernel), -EINVAL
 *   (a map of another type).
 */
int xdpdk_map_pop(struct xdpdk_map *map, void *value);

/* ---- ring buffer (BPF_MAP_TYPE_RINGBUF) -------------------------------- */

/**
 * bpf_ringbuf_reserve: a record of @p size bytes to fill and then submit or
 * discard. @return the record, or NULL (no space, @p flags != 0, too large,
 *   or not a ringbuf).
 */
void *xdpdk_ringbuf_reserve(struct xdpdk_map *map, uint64_t size, uint64_t flags);
/** bpf_ringbuf_submit: publish a reserved record (BPF_RB_NO_WAKEUP/FORCE_WAKEUP accepted). */
void xdpdk_ringbuf_submit(void *sample, uint64_t flags);
/** bpf_ringbuf_discard: release a reserved record; consumers skip it. */
void xdpdk_ringbuf_discard(void *sample, uint64_t flags);
/**
 * bpf_ringbuf_output: reserve, copy @p size bytes of @p data, submit.
 * @return 0; -EAGAIN (no space), -EINVAL (flags other than the wakeup ones,
 *   or not a ringbuf).
 */
long xdpdk_ringbuf_output(struct xdpdk_map *map, const void *data, uint64_t size,
			  uint64_t flags);
/**
 * bpf_ringbuf_query: BPF_RB_AVAIL_DATA (bytes not consumed), BPF_RB_RING_SIZE,
 * BPF_RB_CONS_POS, BPF_RB_PROD_POS; 0 for any other @p flags.
 */
uint64_t xdpdk_ringbuf_query(struct xdpdk_map *map, uint64_t flags);
/**
 * Consume submitted records in order, calling @p cb on each (discarded ones
 * are skipped) and stopping at the first record still reserved. Consumers
 * are serialised; producers (workers) run concurrently.
 * @return the number of records passed to @p cb; -EINVAL (not a ringbuf), or
 *   the negative value @p cb returned (that record counts as consumed).
 */
int xdpdk_ringbuf_consume(struct xdpdk_map *map,
			  int (*cb)(void *ctx, const void *data, size_t size), void *ctx);

/* ---- perf event array (BPF_MAP_TYPE_PERF_EVENT_ARRAY) ------------------ */

/** Default bytes of each worker's perf ring (map_extra 0). */
#define XDPDK_PERF_RING_DEFAULT (64u * 1024)
/** xdpdk_perf_consume(): every slot. */
#define XDPDK_PERF_ALL_SLOTS (-1)

/**
 * The data part of bpf_perf_event_output: one record of @p size bytes of
 * @p data followed by @p pkt_size bytes of @p pkt, into the ring of the slot
 * @p flags & BPF_F_INDEX_MASK (BPF_F_CURRENT_CPU: the calling worker). As in
 * the kernel, a program may only write to its own worker's slot.
 * @return 0; -E2BIG (index >= max_entries), -ENOENT (no ring at that index:
 *   index >= number of workers), -EOPNOTSUPP (another worker's slot),
 *   -ENOSPC (ring full: the record is lost and counted), -EINVAL (flags, or
 *   not a perf_event_array).
 */
long xdpdk_perf_event_output(struct xdpdk_map *map, uint64_t flags, const void *data,
			     uint64_t size, const void *pkt, uint64_t pkt_size);
/**
 * Consume the records of slot @p slot (or XDPDK_PERF_ALL_SLOTS) in order:
 * first @p lost_cb (may be NULL) with the records lost since the last call,
 * if any, then @p sample_cb on each record (its exact size, no padding).
 * @return the number of records consumed; -EINVAL (bad slot, not a
 *   perf_event_array), or the negative value @p sample_cb returned.
 */
int xdpdk_perf_consume(struct xdpdk_map *map, int slot,
		       int (*sample_cb)(void *ctx, uint32_t slot, const void *data, uint32_t size),
		       void (*lost_cb)(void *ctx, uint32_t slot, uint64_t lost), void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_MAP_H */
