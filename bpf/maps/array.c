/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The array family: array, percpu_array, prog_array and array_of_maps, with
 * the kernel's checks, flags and error codes (kernel/bpf/arraymap.c). Values
 * are preallocated and contiguous (layout in map_internal.h), so a lookup is
 * a bounds check and a multiply; elements always exist, never move and are
 * never freed before the map. prog_array and array_of_maps hold pointers that
 * the control plane swaps atomically; programs read them without locks.
 */
#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_malloc.h>

#include <xdpdk/bpf.h>

#include "map_internal.h"

/* The kernel's KMALLOC_MAX_SIZE (x86-64) and PCPU_MIN_UNIT_SIZE. */
#define ARRAY_VALUE_MAX (4u << 20)
#define PERCPU_VALUE_MAX (32u << 10)

/* ARRAY_CREATE_FLAG_MASK of arraymap.c */
#define ARRAY_CREATE_FLAGS \
	(BPF_F_NUMA_NODE | BPF_F_MMAPABLE | BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_RDONLY_PROG | \
	 BPF_F_WRONLY_PROG | BPF_F_PRESERVE_ELEMS | BPF_F_INNER_MAP)

static inline struct xdpdk_map_array *
arr_of(const struct xdpdk_map *map)
{
	return map->priv;
}

/* A prog_array's values are its struct xdpdk_prog_array. */
static inline struct xdpdk_prog_array *
progs_of(const struct xdpdk_map *map)
{
	return (struct xdpdk_prog_array *)arr_of(map)->values;
}

static inline uint32_t
key_index(const void *key)
{
	uint32_t idx;

	memcpy(&idx, key, sizeof(idx));	/* a program's key may be unaligned */
	return idx;
}

/* ---- creation ----------------------------------------------------------- */

/* array_map_alloc_check() */
static int
array_check(const struct xdpdk_map_def *def)
{
	const int percpu = def->type == BPF_MAP_TYPE_PERCPU_ARRAY;

	if (def->max_entries == 0 || def->key_size != 4 || def->value_size == 0 ||
	    (def->map_flags & ~ARRAY_CREATE_FLAGS))
		return -EINVAL;
	if (percpu && (def->map_flags & BPF_F_NUMA_NODE) && def->numa_node >= 0)
		return -EINVAL;
	if (def->type != BPF_MAP_TYPE_ARRAY &&
	    (def->map_flags & (BPF_F_MMAPABLE | BPF_F_INNER_MAP)))
		return -EINVAL;
	/* Only perf_event_array keeps its elements past the last user. */
	if (def->map_flags & BPF_F_PRESERVE_ELEMS)
		return -EINVAL;
	if (def->value_size > ARRAY_VALUE_MAX)
		return -E2BIG;
	if (percpu && RTE_ALIGN_CEIL(def->value_size, 8) > PERCPU_VALUE_MAX)
		return -E2BIG;
	return 0;
}

/* fd_array_map_alloc_check(): the value is a descriptor (u32). */
static int
fd_array_check(const struct xdpdk_map_def *def)
{
	if (def->value_size != sizeof(uint32_t))
		return -EINVAL;
	if (def->map_flags & (BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG))
		return -EINVAL;
	return array_check(def);
}

/* One block: the header, then the values on a cache line of their own. */
static int
alloc_block(struct xdpdk_map *map, uint32_t elem_size, uint64_t values_size,
	    uint64_t slot_size)
{
	const size_t hdr = RTE_CACHE_LINE_ROUNDUP(sizeof(struct xdpdk_map_array));
	struct xdpdk_map_array *a;

	if (values_size > (uint64_t)SIZE_MAX - hdr)
		return -ENOMEM;
	a = rte_zmalloc_socket("xdpdk_map_array", hdr + values_size, RTE_CACHE_LINE_SIZE,
			       map->socket_id);
	if (a == NULL)
		return -ENOMEM;
	a->max_entries = map->def.max_entries;
	a->elem_size = elem_size;
	a->slot_size = slot_size;
	a->values = (unsigned char *)a + hdr;
	a->owner_type = -1;
	rte_spinlock_init(&a->lock);
	map->priv = a;
	return 0;
}

static int
array_alloc(struct xdpdk_map *map)
{
	const uint32_t es = map->value_stride;

	return alloc_block(map, es, (uint64_t)es * map->def.max_entries, 0);
}

static int
percpu_alloc(struct xdpdk_map *map)
{
	const uint32_t es = map->value_stride;
	const uint64_t slot = RTE_ALIGN_CEIL((uint64_t)es * map->def.max_entries,
					     RTE_CACHE_LINE_SIZE);

	return alloc_block(map, es, slot * map->n_slots, slot);
}

static int
prog_array_alloc(struct xdpdk_map *map)
{
	const uint64_t n = map->def.max_entries;
	int ret;

	ret = alloc_block(map, sizeof(void *),
			  sizeof(struct xdpdk_prog_array) + n * sizeof(void *), 0);
	if (ret == 0)
		progs_of(map)->max_entries = map->def.max_entries;
	return ret;
}

static int
of_maps_alloc(struct xdpdk_map *map)
{
	return alloc_block(map, sizeof(void *), (uint64_t)map->def.max_entries * sizeof(void *),
			   0);
}

static void
array_free(struct xdpdk_map *map)
{
	rte_free(map->priv);
}

/* Past the outer map's grace period: drop what it still holds. */
static void
of_maps_free(struct xdpdk_map *map)
{
	struct xdpdk_map **slots = (void *)arr_of(map)->values;

	for (uint32_t i = 0; i < map->def.max_entries; i++)
		xdpdk_map_put(slots[i]);
	rte_free(map->priv);
}

/* ---- array -------------------------------------------------------------- */

static void *
array_elem_lookup(struct xdpdk_map *map, const void *key)
{
	const struct xdpdk_map_array *a = arr_of(map);
	const uint32_t idx = key_index(key);

	if (unlikely(idx >= a->max_entries))
		return NULL;
	return a->values + (size_t)idx * a->elem_size;
}

/* array_map_update_elem(): the checks in the kernel's order. */
static long
array_elem_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	const struct xdpdk_map_array *a = arr_of(map);
	const uint32_t idx = key_index(key);

	if (unlikely((flags & ~(uint64_t)BPF_F_LOCK) > BPF_EXIST))
		return -EINVAL;
	if (unlikely(idx >= a->max_entries))
		return -E2BIG;
	if (unlikely(flags & BPF_NOEXIST))
		return -EEXIST;	/* every element always exists */
	if (unlikely((flags & BPF_F_LOCK) && !map->def.has_spin_lock))
		return -EINVAL;
	xdpdk_map_value_store(map, a->values + (size_t)idx * a->elem_size, value,
			      flags & BPF_F_LOCK);
	return 0;
}

static long
array_elem_delete(struct xdpdk_map *map, const void *key)
{
	return -EINVAL;
}

static int
array_lookup(struct xdpdk_map *map, const void *key, void *value, uint64_t flags)
{
	const void *elem = array_elem_lookup(map, key);

	if (elem == NULL)
		return -ENOENT;
	xdpdk_map_value_load(map, value, elem, flags & BPF_F_LOCK);
	return 0;
}

static int
array_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	return (int)array_elem_update(map, key, value, flags);
}

static int
array_delete(struct xdpdk_map *map, const void *key)
{
	return -EINVAL;
}

/* array_map_get_next_key(): a missing or out-of-range key restarts at 0. */
static int
array_get_next_key(struct xdpdk_map *map, const void *key, void *next_key)
{
	const uint32_t max = map->def.max_entries;
	const uint32_t idx = key != NULL ? key_index(key) : UINT32_MAX;
	uint32_t next;

	if (idx >= max)
		next = 0;
	else if (idx == max - 1)
		return -ENOENT;
	else
		next = idx + 1;
	memcpy(next_key, &next, sizeof(next));
	return 0;
}

/* Global data (.bss/.data/.rodata) are single-entry arrays. */
static void *
array_direct_value(struct xdpdk_map *map)
{
	return map->def.max_entries == 1 ? arr_of(map)->values : NULL;
}

/* ---- percpu_array ------------------------------------------------------- */

static inline unsigned char *
percpu_elem(const struct xdpdk_map_array *a, uint32_t worker, uint32_t idx)
{
	return a->values + worker * a->slot_size + (size_t)idx * a->elem_size;
}

static void *
percpu_elem_lookup(struct xdpdk_map *map, const void *key)
{
	const struct xdpdk_map_array *a = arr_of(map);
	const uint32_t idx = key_index(key);
	const uint32_t w = xdpdk_maps_cur_worker;

	if (unlikely(idx >= a->max_entries || w >= map->n_slots))
		return NULL;
	return percpu_elem(a, w, idx);
}

static void *
percpu_elem_lookup_percpu(struct xdpdk_map *map, const void *key, uint32_t cpu)
{
	const struct xdpdk_map_array *a = arr_of(map);
	const uint32_t idx = key_index(key);

	if (unlikely(idx >= a->max_entries))
		return NULL;
	return percpu_elem(a, cpu, idx);	/* cpu < n_slots: checked by map.c */
}

/* From a program: this worker's copy only, as this_cpu_ptr() in the kernel. */
static long
percpu_elem_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	const struct xdpdk_map_array *a = arr_of(map);
	const uint32_t idx = key_index(key);
	const uint32_t w = xdpdk_maps_cur_worker;

	if (unlikely((flags & ~(uint64_t)BPF_F_LOCK) > BPF_EXIST))
		return -EINVAL;
	if (unlikely(idx >= a->max_entries))
		return -E2BIG;
	if (unlikely(flags & BPF_NOEXIST))
		return -EEXIST;
	if (unlikely((flags & BPF_F_LOCK) || w >= map->n_slots))
		return -EINVAL;
	memcpy(percpu_elem(a, w, idx), value, map->def.value_size);
	return 0;
}

/* bpf_percpu_array_copy(): every worker's copy, round_up(value_size, 8) apart. */
static int
percpu_lookup(struct xdpdk_map *map, const void *key, void *value, uint64_t flags)
{
	const struct xdpdk_map_array *a = arr_of(map);
	const uint32_t idx = key_index(key);

	if (idx >= a->max_entries)
		return -ENOENT;
	for (uint32_t w = 0; w < map->n_slots; w++)
		memcpy((unsigned char *)value + (size_t)w * a->elem_size, percpu_elem(a, w, idx),
		       a->elem_size);
	return 0;
}

/* bpf_percpu_array_update() */
static int
percpu_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	const struct xdpdk_map_array *a = arr_of(map);
	const uint32_t idx = key_index(key);
	const unsigned char *src = value;

	if (flags > BPF_EXIST)
		return -EINVAL;
	if (idx >= a->max_entries)
		return -E2BIG;
	if (flags == BPF_NOEXIST)
		return -EEXIST;
	for (uint32_t w = 0; w < map->n_slots; w++)
		memcpy(percpu_elem(a, w, idx), src + (size_t)w * a->elem_size, a->elem_size);
	return 0;
}

/* ---- prog_array --------------------------------------------------------- */

/* What a program's map reference resolves to: what bpf_tail_call reads. */
static void *
prog_array_addr(struct xdpdk_map *map)
{
	return progs_of(map);
}

int
xdpdk_map_prog_array_set(struct xdpdk_map *map, uint32_t index, const struct xdpdk_prog *prog)
{
	struct xdpdk_map_array *a;
	int type;

	if (map == NULL || map->def.type != BPF_MAP_TYPE_PROG_ARRAY)
		return -EINVAL;
	a = arr_of(map);
	if (index >= a->max_entries)
		return -E2BIG;
	if (prog != NULL) {
		/*
		 * bpf_prog_map_compatible(): every program of one array has the
		 * type of the first. Setters are the control plane; the CAS keeps
		 * two of them from fixing different types.
		 */
		int none = -1;

		type = (int)xdpdk_prog_type(prog);
		if (!__atomic_compare_exchange_n(&a->owner_type, &none, type, false,
						 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) &&
		    none != type)
			return -EINVAL;
	}
	/* One atomic store: a running tail call sees the old or the new program. */
	return xdpdk_prog_array_set(progs_of(map), index, prog);
}

const struct xdpdk_prog *
xdpdk_map_prog_array_get(struct xdpdk_map *map, uint32_t index)
{
	if (map == NULL || map->def.type != BPF_MAP_TYPE_PROG_ARRAY ||
	    index >= arr_of(map)->max_entries)
		return NULL;
	return __atomic_load_n(&progs_of(map)->progs[index], __ATOMIC_ACQUIRE);
}

/* fd_array_map_delete_elem(); the program stays its creator's. */
static int
prog_array_delete(struct xdpdk_map *map, const void *key)
{
	const uint32_t idx = key_index(key);
	struct xdpdk_prog_array *pa = progs_of(map);

	if (idx >= pa->max_entries)
		return -E2BIG;
	if (__atomic_exchange_n(&pa->progs[idx], NULL, __ATOMIC_ACQ_REL) == NULL)
		return -ENOENT;
	return 0;
}

/* ---- array_of_maps ------------------------------------------------------ */

static struct xdpdk_map **
inner_slot(struct xdpdk_map *map, uint32_t idx)
{
	return (struct xdpdk_map **)arr_of(map)->values + idx;
}

/* array_of_map_lookup_elem(): the inner map itself, which the program then uses. */
static void *
of_maps_elem_lookup(struct xdpdk_map *map, const void *key)
{
	const uint32_t idx = key_index(key);

	if (unlikely(idx >= arr_of(map)->max_entries))
		return NULL;
	return __atomic_load_n(inner_slot(map, idx), __ATOMIC_ACQUIRE);
}

/*
 * The kernel returns the inner map's id to the control plane. Under the lock:
 * the control plane is no RCU reader, so a replaced inner map could otherwise
 * be released while we read it.
 */
static int
of_maps_lookup(struct xdpdk_map *map, const void *key, void *value, uint64_t flags)
{
	struct xdpdk_map_array *a = arr_of(map);
	const struct xdpdk_map *inner;
	uint32_t id = 0;

	rte_spinlock_lock(&a->lock);
	inner = of_maps_elem_lookup(map, key);
	if (inner != NULL)
		id = inner->id;
	rte_spinlock_unlock(&a->lock);
	if (inner == NULL)
		return -ENOENT;
	memcpy(value, &id, sizeof(id));
	return 0;
}

static void
put_cb(void *arg)
{
	xdpdk_map_put(arg);
}

/*
 * A program may still use the inner map it looked up: the old one is dropped
 * after a grace period. The deferral happens outside the lock, since it may
 * run callbacks.
 */
static void
inner_replace(struct xdpdk_map *map, uint32_t idx, struct xdpdk_map *inner)
{
	struct xdpdk_map_array *a = arr_of(map);
	struct xdpdk_map *old;

	rte_spinlock_lock(&a->lock);
	old = __atomic_exchange_n(inner_slot(map, idx), inner, __ATOMIC_ACQ_REL);
	rte_spinlock_unlock(&a->lock);
	if (old != NULL)
		xdpdk_maps_defer_call(put_cb, old);
}

/* bpf_fd_array_map_update_elem(), with the inner map's id for the fd. */
static int
of_maps_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	const uint32_t idx = key_index(key);
	struct xdpdk_map *inner;
	uint32_t id;

	if (flags != BPF_ANY)
		return -EINVAL;
	if (idx >= arr_of(map)->max_entries)
		return -E2BIG;
	memcpy(&id, value, sizeof(id));
	inner = xdpdk_map_get_by_id(id);
	if (inner == NULL)
		return -EBADF;	/* what a bad fd gives */
	if (xdpdk_map_inner_check(map, inner) != 0) {
		xdpdk_map_put(inner);
		return -EINVAL;
	}
	inner_replace(map, idx, inner);
	return 0;
}

static int
of_maps_delete(struct xdpdk_map *map, const void *key)
{
	const uint32_t idx = key_index(key);
	struct xdpdk_map_array *a = arr_of(map);
	struct xdpdk_map *old;

	if (idx >= a->max_entries)
		return -E2BIG;
	rte_spinlock_lock(&a->lock);
	old = __atomic_exchange_n(inner_slot(map, idx), NULL, __ATOMIC_ACQ_REL);
	rte_spinlock_unlock(&a->lock);
	if (old == NULL)
		return -ENOENT;
	xdpdk_maps_defer_call(put_cb, old);
	return 0;
}

/* ---- ops ---------------------------------------------------------------- */

/* The kernel's bpf_for_each_array_elem: every index, this worker's slot. */
static int
array_elem_next(struct xdpdk_map *map, struct xdpdk_map_iter *it)
{
	if (it->pos >= arr_of(map)->max_entries)
		return 0;
	it->index = it->pos++;
	it->key = &it->index;
	it->value = map->ops->elem_lookup(map, &it->index);
	return 1;
}

const struct xdpdk_map_ops xdpdk_map_array_ops = {
	.check = array_check,
	.alloc = array_alloc,
	.free = array_free,
	.elem_lookup = array_elem_lookup,
	.elem_next = array_elem_next,
	.elem_update = array_elem_update,
	.elem_delete = array_elem_delete,
	.lookup = array_lookup,
	.update = array_update,
	.delete = array_delete,
	.get_next_key = array_get_next_key,
	.direct_value = array_direct_value,
};

const struct xdpdk_map_ops xdpdk_map_percpu_array_ops = {
	.check = array_check,
	.alloc = percpu_alloc,
	.free = array_free,
	.elem_lookup = percpu_elem_lookup,
	.elem_next = array_elem_next,
	.elem_update = percpu_elem_update,
	.elem_delete = array_elem_delete,
	.elem_lookup_percpu = percpu_elem_lookup_percpu,
	.lookup = percpu_lookup,
	.update = percpu_update,
	.delete = array_delete,
	.get_next_key = array_get_next_key,
};

/*
 * No lookup or update: the kernel exchanges programs as fds and ids, which
 * xdpdk does not have (xdpdk_map_prog_array_set/get instead); no program
 * access but bpf_tail_call, as the kernel's verifier.
 */
const struct xdpdk_map_ops xdpdk_map_prog_array_ops = {
	.check = fd_array_check,
	.alloc = prog_array_alloc,
	.free = array_free,
	.delete = prog_array_delete,
	.get_next_key = array_get_next_key,
	.prog_addr = prog_array_addr,
};

/* Programs look up and use inner maps; only the control plane changes them. */
const struct xdpdk_map_ops xdpdk_map_array_of_maps_ops = {
	.check = fd_array_check,
	.alloc = of_maps_alloc,
	.free = of_maps_free,
	.elem_lookup = of_maps_elem_lookup,
	.lookup = of_maps_lookup,
	.update = of_maps_update,
	.delete = of_maps_delete,
	.get_next_key = array_get_next_key,
};

/*
 * The JIT inlines lookups on these two from this description (map_gen_lookup),
 * and calls the others' data-path lookup directly.
 */
int
xdpdk_map_inline_info(const void *map_addr, struct xdpdk_map_inline *out)
{
	const struct xdpdk_map *map = map_addr;
	const struct xdpdk_map_array *a;

	if (map == NULL)
		return -EOPNOTSUPP;
	/* The helpers' -ENOTSUP for a missing op stays theirs: NULL, no direct call. */
	*out = (struct xdpdk_map_inline){
		.update = (long (*)(void *, const void *, const void *, uint64_t))
			  map->ops->elem_update,
		.delete = (long (*)(void *, const void *))map->ops->elem_delete,
	};
	if (map->ops != &xdpdk_map_array_ops && map->ops != &xdpdk_map_percpu_array_ops) {
		out->lookup = (void *(*)(void *, const void *))map->ops->elem_lookup;
		return 0;
	}
	a = arr_of(map);
	out->values = a->values;
	out->max_entries = a->max_entries;
	out->elem_size = a->elem_size;
	if (map->ops == &xdpdk_map_percpu_array_ops) {
		out->slot_size = a->slot_size;
		out->n_slots = map->n_slots;
		out->worker = &xdpdk_maps_cur_worker;
	}
	return 0;
}
