/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Redirect targets: devmap, devmap_hash, cpumap and xskmap, as storage with
 * the kernel's value layouts, checks and error codes (kernel/bpf/devmap.c,
 * cpumap.c, net/xdp/xskmap.c). Redirecting packets to them comes with the
 * dataplane. Each entry is a separate allocation that programs reach through
 * one pointer: the control plane swaps the pointer and frees the old entry
 * after an RCU grace period, as the kernel does, so a program's lookup
 * result stays valid for its run.
 *
 * What the values mean here: a devmap's ifindex is taken as given (the
 * dataplane resolves it to a port); a cpumap's key is a worker index (<
 * n_workers, else ENODEV); an xskmap's value is stored as given (the
 * AF_XDP socket behind it comes with the dataplane). The dataplane attaches
 * its own object to each entry through hooks (xdpdk_maps_set_redirect_hooks:
 * a cpumap entry's ring, a devmap entry's program, which bpf_prog.fd names);
 * without hooks, program fds (fd > 0) are refused with ENOTSUP.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_hash.h>
#include <rte_malloc.h>
#include <rte_spinlock.h>

#include "map_internal.h"

/* The kernel's sanity limit on a cpumap queue (cpu_map_update_elem). */
#define CPUMAP_QSIZE_MAX 16384

/* DEV_CREATE_FLAG_MASK; xskmap accepts the same, cpumap only NUMA_NODE. */
#define DEV_CREATE_FLAGS (BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY)

/* What a program's lookup points to: the value first, as the kernel's &dev->val. */
struct redir_entry {
	union {
		struct bpf_devmap_val dev;
		struct bpf_cpumap_val cpu;
		uint32_t xsk;
	} val;
	uint32_t key;
	void *tgt;		/* the dataplane's object for the entry (hooks) */
	struct rte_hash *h;	/* devmap_hash: the key slot to free with the entry */
	int32_t pos;
};

struct redir {
	uint32_t max_entries;
	uint32_t items;			/* devmap_hash */
	rte_spinlock_t lock;		/* control plane: writers, and readers of entries */
	struct rte_hash *h;		/* devmap_hash: key -> entry, lock-free readers */
	struct redir_entry *slots[];	/* devmap, cpumap, xskmap */
};

/* Set once by the dataplane before entries exist. */
static const struct xdpdk_map_redirect_hooks *hooks;

void
xdpdk_maps_set_redirect_hooks(const struct xdpdk_map_redirect_hooks *h)
{
	hooks = h;
}

/* Build the dataplane's object for a new entry; 0 without hooks. */
static int
entry_attach(struct xdpdk_map *map, struct redir_entry *e)
{
	if (hooks == NULL || hooks->attach == NULL)
		return 0;
	return hooks->attach(map, e->key, &e->val, &e->tgt);
}

/* Past the grace period: release the entry's object, then the key slot and entry. */
static void
entry_free(void *arg)
{
	struct redir_entry *e = arg;

	if (e == NULL)
		return;
	if (e->tgt != NULL && hooks != NULL && hooks->detach != NULL)
		hooks->detach(e->tgt);
	if (e->h != NULL)
		rte_hash_free_key_with_position(e->h, e->pos);
	rte_free(e);
}

static void
entry_defer_free(struct redir_entry *e)
{
	if (e != NULL)
		xdpdk_maps_defer_call(entry_free, e);
}

static inline struct redir *
redir_of(const struct xdpdk_map *map)
{
	return map->priv;
}

static inline uint32_t
key_index(const void *key)
{
	uint32_t idx;

	memcpy(&idx, key, sizeof(idx));
	return idx;
}

/* ---- creation ----------------------------------------------------------- */

/* dev_map_init_map(): value is the ifindex, or ifindex + program fd. */
static int
devmap_check(const struct xdpdk_map_def *def)
{
	if (def->max_entries == 0 || def->key_size != 4 ||
	    (def->value_size != offsetof(struct bpf_devmap_val, bpf_prog) &&
	     def->value_size != sizeof(struct bpf_devmap_val)) ||
	    (def->map_flags & ~DEV_CREATE_FLAGS))
		return -EINVAL;
	/* devmap_hash: n_buckets = roundup_pow_of_two(max_entries) must not overflow. */
	if (def->type == BPF_MAP_TYPE_DEVMAP_HASH && def->max_entries > (1u << 31))
		return -EINVAL;
	return 0;
}

/* cpu_map_alloc() */
static int
cpumap_check(const struct xdpdk_map_def *def)
{
	if (def->max_entries == 0 || def->key_size != 4 ||
	    (def->value_size != offsetof(struct bpf_cpumap_val, bpf_prog) &&
	     def->value_size != sizeof(struct bpf_cpumap_val)) ||
	    (def->map_flags & ~BPF_F_NUMA_NODE))
		return -EINVAL;
	/* NR_CPUS there: the most workers xdpdk can have here. */
	if (def->max_entries > RTE_MAX_LCORE)
		return -E2BIG;
	return 0;
}

/* xsk_map_alloc() */
static int
xskmap_check(const struct xdpdk_map_def *def)
{
	if (def->max_entries == 0 || def->key_size != 4 || def->value_size != 4 ||
	    (def->map_flags & ~DEV_CREATE_FLAGS))
		return -EINVAL;
	return 0;
}

static int
redir_alloc(struct xdpdk_map *map)
{
	const uint64_t n = map->def.type == BPF_MAP_TYPE_DEVMAP_HASH ? 0 : map->def.max_entries;
	const uint64_t size = sizeof(struct redir) + n * sizeof(struct redir_entry *);
	struct redir *r;

	r = rte_zmalloc_socket("xdpdk_map_redir", size, RTE_CACHE_LINE_SIZE, map->socket_id);
	if (r == NULL)
		return -ENOMEM;
	r->max_entries = map->def.max_entries;
	rte_spinlock_init(&r->lock);
	map->priv = r;
	/* The kernel too: a lookup points straight at the value, which programs must not write. */
	if (map->def.type == BPF_MAP_TYPE_DEVMAP || map->def.type == BPF_MAP_TYPE_DEVMAP_HASH)
		map->def.map_flags |= BPF_F_RDONLY_PROG;
	return 0;
}

static int
devmap_hash_alloc(struct xdpdk_map *map)
{
	static uint32_t seq;
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters p = {
		.name = name,
		/* Room for keys deleted but not yet freed (waiting for a grace period). */
		.entries = RTE_MAX(2 * (uint64_t)map->def.max_entries, 16u),
		.key_len = sizeof(uint32_t),
		.socket_id = map->socket_id,
		/* Lock-free readers, and as many keys as entries whatever the collisions. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	int ret;

	if (p.entries > (1u << 30))
		return -ENOMEM;
	ret = redir_alloc(map);
	if (ret != 0)
		return ret;
	/* rte_hash names are global to the DPDK process. */
	snprintf(name, sizeof(name), "xdpdk_dmh%u", __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	redir_of(map)->h = rte_hash_create(&p);
	if (redir_of(map)->h == NULL) {
		rte_free(map->priv);
		return -ENOMEM;
	}
	return 0;
}

/* Past the grace period: nothing reaches the entries any more. */
static void
redir_free(struct xdpdk_map *map)
{
	struct redir *r = redir_of(map);

	if (r->h != NULL) {
		const void *k;
		void *data;
		uint32_t it = 0;

		while (rte_hash_iterate(r->h, &k, &data, &it) >= 0)
			entry_free(data);
		rte_hash_free(r->h);
	} else {
		for (uint32_t i = 0; i < r->max_entries; i++)
			entry_free(r->slots[i]);
	}
	rte_free(r);
}

/* ---- slot-indexed maps: devmap, cpumap, xskmap -------------------------- */

static void *
slot_elem_lookup(struct xdpdk_map *map, const void *key)
{
	const struct redir *r = redir_of(map);
	const uint32_t idx = key_index(key);
	struct redir_entry *e;

	if (unlikely(idx >= r->max_entries))
		return NULL;
	e = __atomic_load_n(&r->slots[idx], __ATOMIC_ACQUIRE);
	return e != NULL ? &e->val : NULL;
}

/* The control plane copies the value under the lock (it is no RCU reader). */
static int
slot_lookup(struct xdpdk_map *map, const void *key, void *value, uint64_t flags)
{
	struct redir *r = redir_of(map);
	const void *v;

	rte_spinlock_lock(&r->lock);
	v = slot_elem_lookup(map, key);
	if (v != NULL)
		memcpy(value, v, map->def.value_size);
	rte_spinlock_unlock(&r->lock);
	return v != NULL ? 0 : -ENOENT;
}

/* Swap in @p e (NULL clears); the old entry is freed after a grace period. */
static void
slot_replace(struct xdpdk_map *map, uint32_t idx, struct redir_entry *e)
{
	struct redir *r = redir_of(map);
	struct redir_entry *old;

	rte_spinlock_lock(&r->lock);
	old = __atomic_exchange_n(&r->slots[idx], e, __ATOMIC_ACQ_REL);
	rte_spinlock_unlock(&r->lock);
	entry_defer_free(old);	/* outside the lock: it may run callbacks */
}

static struct redir_entry *
entry_new(const struct xdpdk_map *map, uint32_t key)
{
	struct redir_entry *e;

	e = rte_zmalloc_socket("xdpdk_map_redir_entry", sizeof(*e), 0, map->socket_id);
	if (e != NULL)
		e->key = key;
	return e;
}

/* A missing or out-of-range key restarts at 0, as the array maps. */
static int
slot_get_next_key(struct xdpdk_map *map, const void *key, void *next_key)
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

/* dev_map_delete_elem(), cpu_map_delete_elem(), xsk_map_delete_elem(): 0 even if empty. */
static int
slot_delete(struct xdpdk_map *map, const void *key)
{
	const uint32_t idx = key_index(key);

	if (idx >= map->def.max_entries)
		return -EINVAL;
	slot_replace(map, idx, NULL);
	return 0;
}

/* ---- devmap ------------------------------------------------------------- */

/* The value as given, with the kernel's default of no program (fd -1). */
static int
devmap_value(const struct xdpdk_map *map, const void *value, struct bpf_devmap_val *val)
{
	*val = (struct bpf_devmap_val){ .bpf_prog.fd = -1 };
	memcpy(val, value, map->def.value_size);
	if (val->bpf_prog.fd > 0) {
		if (val->ifindex == 0)
			return -EINVAL;
		if (hooks == NULL) {
			XDPDK_MAPS_LOG(ERR, "map '%s': devmap programs need the dataplane",
				       map->name);
			return -ENOTSUP;
		}
		/* The kernel reads back the program's id; xdpdk's is its handle. */
		val->bpf_prog.id = (uint32_t)val->bpf_prog.fd;
	} else {
		val->bpf_prog.id = 0;	/* what a lookup reads back: no program */
	}
	return 0;
}

/* __dev_map_update_elem(): ifindex 0 empties the slot. */
static int
devmap_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	const uint32_t idx = key_index(key);
	struct bpf_devmap_val val;
	struct redir_entry *e = NULL;
	int ret;

	if (flags > BPF_EXIST)
		return -EINVAL;
	if (idx >= map->def.max_entries)
		return -E2BIG;
	if (flags == BPF_NOEXIST)
		return -EEXIST;
	ret = devmap_value(map, value, &val);
	if (ret != 0)
		return ret;
	if (val.ifindex != 0) {
		e = entry_new(map, idx);
		if (e == NULL)
			return -ENOMEM;
		e->val.dev = val;
		ret = entry_attach(map, e);
		if (ret != 0) {
			rte_free(e);
			return ret;
		}
	}
	slot_replace(map, idx, e);
	return 0;
}

/* ---- devmap_hash -------------------------------------------------------- */

static void *
dmh_elem_lookup(struct xdpdk_map *map, const void *key)
{
	void *data;

	/* rte_hash reads the key bytes as they are: copy for alignment. */
	const uint32_t k = key_index(key);

	if (rte_hash_lookup_data(redir_of(map)->h, &k, &data) < 0)
		return NULL;
	return &((struct redir_entry *)data)->val;
}

static int
dmh_lookup(struct xdpdk_map *map, const void *key, void *value, uint64_t flags)
{
	struct redir *r = redir_of(map);
	const void *v;

	rte_spinlock_lock(&r->lock);
	v = dmh_elem_lookup(map, key);
	if (v != NULL)
		memcpy(value, v, map->def.value_size);
	rte_spinlock_unlock(&r->lock);
	return v != NULL ? 0 : -ENOENT;
}

/* __dev_map_hash_update_elem(): BPF_EXIST is not checked there either. */
static int
dmh_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	struct redir *r = redir_of(map);
	const uint32_t k = key_index(key);
	struct bpf_devmap_val val;
	struct redir_entry *e, *old = NULL;
	void *data;
	int ret;

	if (flags > BPF_EXIST)
		return -EINVAL;
	ret = devmap_value(map, value, &val);
	if (ret != 0)
		return ret;
	if (val.ifindex == 0)
		return -EINVAL;	/* dev_get_by_index(0) finds no device */
	e = entry_new(map, k);
	if (e == NULL)
		return -ENOMEM;
	e->val.dev = val;
	ret = entry_attach(map, e);
	if (ret != 0) {
		rte_free(e);
		return ret;
	}
	rte_spinlock_lock(&r->lock);
	if (rte_hash_lookup_data(r->h, &k, &data) >= 0)
		old = data;
	if (old != NULL && (flags & BPF_NOEXIST)) {
		ret = -EEXIST;
	} else if (old == NULL && r->items >= r->max_entries) {
		ret = -E2BIG;
	} else {
		/* Replacing the data of a present key is one atomic store for readers. */
		ret = rte_hash_add_key_data(r->h, &k, e);
		if (ret == 0 && old == NULL)
			r->items++;
	}
	rte_spinlock_unlock(&r->lock);
	if (ret != 0) {
		entry_free(e);
		return ret == -ENOSPC ? -E2BIG : ret;
	}
	entry_defer_free(old);
	return 0;
}

static int
dmh_delete(struct xdpdk_map *map, const void *key)
{
	struct redir *r = redir_of(map);
	const uint32_t k = key_index(key);
	struct redir_entry *e = NULL;
	void *data;
	int32_t pos;

	rte_spinlock_lock(&r->lock);
	if (rte_hash_lookup_data(r->h, &k, &data) >= 0) {
		e = data;
		pos = rte_hash_del_key(r->h, &k);
		e->h = r->h;
		e->pos = pos;
		r->items--;
	}
	rte_spinlock_unlock(&r->lock);
	if (e == NULL)
		return -ENOENT;
	entry_defer_free(e);
	return 0;
}

/* dev_map_hash_get_next_key(): the key after @p key in table order; a missing key restarts. */
static int
dmh_get_next_key(struct xdpdk_map *map, const void *key, void *next_key)
{
	struct redir *r = redir_of(map);
	const uint32_t want = key != NULL ? key_index(key) : 0;
	bool have_first = false, found = false, done = false;
	uint32_t it = 0, first = 0, next = 0;
	const void *k;
	void *data;

	rte_spinlock_lock(&r->lock);
	while (!done && rte_hash_iterate(r->h, &k, &data, &it) >= 0) {
		const uint32_t cur = key_index(k);

		if (!have_first) {
			first = cur;
			have_first = true;
		}
		if (key == NULL || found) {
			next = cur;
			done = true;
		}
		found |= cur == want;
	}
	rte_spinlock_unlock(&r->lock);
	if (!done && !found && have_first) {
		next = first;
		done = true;
	}
	if (!done)
		return -ENOENT;
	memcpy(next_key, &next, sizeof(next));
	return 0;
}

/* ---- cpumap ------------------------------------------------------------- */

/* cpu_map_update_elem(): qsize 0 empties the slot. */
static int
cpumap_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	const uint32_t idx = key_index(key);
	struct bpf_cpumap_val val = { 0 };
	struct redir_entry *e = NULL;

	memcpy(&val, value, map->def.value_size);
	if (flags > BPF_EXIST)
		return -EINVAL;
	if (idx >= map->def.max_entries)
		return -E2BIG;
	if (flags == BPF_NOEXIST)
		return -EEXIST;
	if (val.qsize > CPUMAP_QSIZE_MAX)
		return -EOVERFLOW;
	if (idx >= xdpdk_maps_n_workers())
		return -ENODEV;	/* not a possible "CPU": no such worker */
	if (val.qsize != 0) {
		int ret;

		if (val.bpf_prog.fd > 0 && hooks == NULL) {
			XDPDK_MAPS_LOG(ERR, "map '%s': cpumap programs need the dataplane",
				       map->name);
			return -ENOTSUP;
		}
		val.bpf_prog.id = val.bpf_prog.fd > 0 ? (uint32_t)val.bpf_prog.fd : 0;
		e = entry_new(map, idx);
		if (e == NULL)
			return -ENOMEM;
		e->val.cpu = val;
		ret = entry_attach(map, e);
		if (ret != 0) {
			rte_free(e);
			return ret;
		}
	}
	slot_replace(map, idx, e);
	return 0;
}

/* ---- xskmap ------------------------------------------------------------- */

/* xsk_map_update_elem(): the same socket again is a no-op, whatever the flags. */
static int
xskmap_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	struct redir *r = redir_of(map);
	const uint32_t idx = key_index(key);
	struct redir_entry *e, *old;
	uint32_t sock;
	int ret = 0;

	if (flags > BPF_EXIST)
		return -EINVAL;
	if (idx >= map->def.max_entries)
		return -E2BIG;
	memcpy(&sock, value, sizeof(sock));
	e = entry_new(map, idx);
	if (e == NULL)
		return -ENOMEM;
	e->val.xsk = sock;
	ret = entry_attach(map, e);
	if (ret != 0) {
		rte_free(e);
		return ret;
	}
	rte_spinlock_lock(&r->lock);
	old = r->slots[idx];
	if (old != NULL && old->val.xsk == sock)
		ret = 1;
	else if (old != NULL && flags == BPF_NOEXIST)
		ret = -EEXIST;
	else if (old == NULL && flags == BPF_EXIST)
		ret = -ENOENT;
	else
		__atomic_store_n(&r->slots[idx], e, __ATOMIC_RELEASE);
	rte_spinlock_unlock(&r->lock);
	if (ret != 0) {
		entry_free(e);
		return ret == 1 ? 0 : ret;
	}
	entry_defer_free(old);
	return 0;
}

/* ---- the redirect helpers' lookup -------------------------------------- */

const void *
xdpdk_map_redirect_lookup(struct xdpdk_map *map, uint32_t key, void **tgt)
{
	const struct redir *r;
	struct redir_entry *e;
	void *data;

	switch (map->def.type) {
	case BPF_MAP_TYPE_DEVMAP:
	case BPF_MAP_TYPE_CPUMAP:
	case BPF_MAP_TYPE_XSKMAP:
		r = redir_of(map);
		if (unlikely(key >= r->max_entries))
			return NULL;
		e = __atomic_load_n(&r->slots[key], __ATOMIC_ACQUIRE);
		break;
	case BPF_MAP_TYPE_DEVMAP_HASH:
		if (rte_hash_lookup_data(redir_of(map)->h, &key, &data) < 0)
			return NULL;
		e = data;
		break;
	default:
		return NULL;
	}
	if (e == NULL)
		return NULL;
	*tgt = e->tgt;
	return &e->val;
}

/* Broadcast: the entries in order; *it starts at 0. */
const void *
xdpdk_map_redirect_next(struct xdpdk_map *map, uint32_t *it, void **tgt)
{
	struct redir *r = redir_of(map);
	struct redir_entry *e;
	const void *k;
	void *data;

	if (map->def.type == BPF_MAP_TYPE_DEVMAP_HASH) {
		if (rte_hash_iterate(r->h, &k, &data, it) < 0)
			return NULL;
		e = data;
		*tgt = e->tgt;
		return &e->val;
	}
	while (*it < r->max_entries) {
		e = __atomic_load_n(&r->slots[(*it)++], __ATOMIC_ACQUIRE);
		if (e != NULL) {
			*tgt = e->tgt;
			return &e->val;
		}
	}
	return NULL;
}

/* ---- ops ---------------------------------------------------------------- */

/* Programs may look devmap and xskmap entries up; cpumap only redirects. */
const struct xdpdk_map_ops xdpdk_map_devmap_ops = {
	.check = devmap_check,
	.alloc = redir_alloc,
	.free = redir_free,
	.elem_lookup = slot_elem_lookup,
	.lookup = slot_lookup,
	.update = devmap_update,
	.delete = slot_delete,
	.get_next_key = slot_get_next_key,
};

const struct xdpdk_map_ops xdpdk_map_devmap_hash_ops = {
	.check = devmap_check,
	.alloc = devmap_hash_alloc,
	.free = redir_free,
	.elem_lookup = dmh_elem_lookup,
	.lookup = dmh_lookup,
	.update = dmh_update,
	.delete = dmh_delete,
	.get_next_key = dmh_get_next_key,
};

const struct xdpdk_map_ops xdpdk_map_cpumap_ops = {
	.check = cpumap_check,
	.alloc = redir_alloc,
	.free = redir_free,
	.lookup = slot_lookup,
	.update = cpumap_update,
	.delete = slot_delete,
	.get_next_key = slot_get_next_key,
};

/* No control-plane lookup: the kernel refuses it (EOPNOTSUPP) for xskmap. */
const struct xdpdk_map_ops xdpdk_map_xskmap_ops = {
	.check = xskmap_check,
	.alloc = redir_alloc,
	.free = redir_free,
	.elem_lookup = slot_elem_lookup,
	.update = xskmap_update,
	.delete = slot_delete,
	.get_next_key = slot_get_next_key,
};
