/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The maps core: configuration (workers, RCU), creation with the kernel's
 * generic checks, ids and reference counts, RCU-deferred reclamation, the
 * registry of live maps, and every entry point (control plane and data path)
 * checking its arguments before dispatching to the family's ops. Batch
 * operations are generic, on top of get_next_key/lookup/update/delete, as
 * the kernel's generic_map_*_batch.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>

#include <xdpdk/elf.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include <xdpdk/verifier.h>

#include "map_internal.h"

RTE_LOG_REGISTER(xdpdk_logtype_maps, xdpdk.maps, INFO);

__thread uint32_t xdpdk_maps_cur_worker;

/* Deferred calls waiting in the defer queue. */
struct defer_item {
	void (*fn)(void *arg);
	void *arg;
};

/*
 * Deferred frees go through an rte_rcu_qsbr_dq rather than a blocking
 * rte_rcu_qsbr_synchronize(): enqueueing is lock-free and allocation-free,
 * so a put never waits for the workers (and a worker that drops a reference
 * cannot deadlock waiting for itself). Reclamation happens in passing on
 * every enqueue and in xdpdk_maps_reclaim(). DPDK calls free_fn after the
 * element has left the ring, so a callback may defer again.
 */
#define DEFER_QUEUE_SIZE 8192
#define DEFER_RECLAIM_MAX 64

/* The MAP_LOOKUP_RETRIES of the kernel's generic_map_lookup_batch. */
#define BATCH_LOOKUP_RETRIES 3

/* Configuration and the registry of live maps: control plane, one lock. */
static pthread_mutex_t maps_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t maps_n_workers = 1;
static struct rte_rcu_qsbr *maps_rcu;
static struct rte_rcu_qsbr_dq *maps_dq;
static uint32_t maps_dq_seq;
static uint32_t maps_next_id = 1;
static uint32_t maps_alive;		/* created and not yet freed (atomic) */
static struct xdpdk_map **maps_live;	/* the registry: maps with a reference */
static uint32_t maps_n_live;
static uint32_t maps_cap_live;

/* The kernel's names, as libbpf and bpftool print them (6.1 UAPI). */
static const char *const type_names[] = {
	[BPF_MAP_TYPE_UNSPEC] = "unspec",
	[BPF_MAP_TYPE_HASH] = "hash",
	[BPF_MAP_TYPE_ARRAY] = "array",
	[BPF_MAP_TYPE_PROG_ARRAY] = "prog_array",
	[BPF_MAP_TYPE_PERF_EVENT_ARRAY] = "perf_event_array",
	[BPF_MAP_TYPE_PERCPU_HASH] = "percpu_hash",
	[BPF_MAP_TYPE_PERCPU_ARRAY] = "percpu_array",
	[BPF_MAP_TYPE_STACK_TRACE] = "stack_trace",
	[BPF_MAP_TYPE_CGROUP_ARRAY] = "cgroup_array",
	[BPF_MAP_TYPE_LRU_HASH] = "lru_hash",
	[BPF_MAP_TYPE_LRU_PERCPU_HASH] = "lru_percpu_hash",
	[BPF_MAP_TYPE_LPM_TRIE] = "lpm_trie",
	[BPF_MAP_TYPE_ARRAY_OF_MAPS] = "array_of_maps",
	[BPF_MAP_TYPE_HASH_OF_MAPS] = "hash_of_maps",
	[BPF_MAP_TYPE_DEVMAP] = "devmap",
	[BPF_MAP_TYPE_SOCKMAP] = "sockmap",
	[BPF_MAP_TYPE_CPUMAP] = "cpumap",
	[BPF_MAP_TYPE_XSKMAP] = "xskmap",
	[BPF_MAP_TYPE_SOCKHASH] = "sockhash",
	[BPF_MAP_TYPE_CGROUP_STORAGE] = "cgroup_storage",
	[BPF_MAP_TYPE_REUSEPORT_SOCKARRAY] = "reuseport_sockarray",
	[BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE] = "percpu_cgroup_storage",
	[BPF_MAP_TYPE_QUEUE] = "queue",
	[BPF_MAP_TYPE_STACK] = "stack",
	[BPF_MAP_TYPE_SK_STORAGE] = "sk_storage",
	[BPF_MAP_TYPE_DEVMAP_HASH] = "devmap_hash",
	[BPF_MAP_TYPE_STRUCT_OPS] = "struct_ops",
	[BPF_MAP_TYPE_RINGBUF] = "ringbuf",
	[BPF_MAP_TYPE_INODE_STORAGE] = "inode_storage",
	[BPF_MAP_TYPE_TASK_STORAGE] = "task_storage",
	[BPF_MAP_TYPE_BLOOM_FILTER] = "bloom_filter",
	[BPF_MAP_TYPE_USER_RINGBUF] = "user_ringbuf",
};

/* Every map_flags bit the 6.1 UAPI defines; families narrow this down. */
#define KNOWN_MAP_FLAGS \
	(BPF_F_NO_PREALLOC | BPF_F_NO_COMMON_LRU | BPF_F_NUMA_NODE | BPF_F_RDONLY | \
	 BPF_F_WRONLY | BPF_F_STACK_BUILD_ID | BPF_F_ZERO_SEED | BPF_F_RDONLY_PROG | \
	 BPF_F_WRONLY_PROG | BPF_F_CLONE | BPF_F_MMAPABLE | BPF_F_PRESERVE_ELEMS | \
	 BPF_F_INNER_MAP)

/* ---- configuration and workers ------------------------------------------ */

static void
dq_free_cb(void *p, void *e, unsigned int n)
{
	struct defer_item *it = e;

	(void)p;
	for (unsigned int i = 0; i < n; i++)
		it[i].fn(it[i].arg);
}

/* Reclaim all that is due; the number still waiting. Caller holds no lock. */
static uint32_t
reclaim_due(struct rte_rcu_qsbr_dq *dq)
{
	unsigned int freed, pending = 0;

	if (dq == NULL)
		return 0;
	do {
		if (rte_rcu_qsbr_dq_reclaim(dq, DEFER_RECLAIM_MAX, &freed, &pending, NULL) != 0)
			break;
	} while (freed == DEFER_RECLAIM_MAX);
	return pending;
}

int
xdpdk_maps_configure(const struct xdpdk_maps_config *cfg)
{
	const struct xdpdk_maps_config defaults = { .n_workers = 1 };
	struct rte_rcu_qsbr_dq *dq = NULL;
	uint32_t pending;
	int ret = 0;

	if (cfg == NULL)
		cfg = &defaults;
	if (cfg->n_workers > RTE_MAX_LCORE)
		return -EINVAL;
	/* Pending map frees count as maps until their grace period is over. */
	pending = reclaim_due(maps_dq);
	pthread_mutex_lock(&maps_lock);
	if (__atomic_load_n(&maps_alive, __ATOMIC_ACQUIRE) != 0 || pending != 0) {
		ret = -EBUSY;
		goto out;
	}
	if (cfg->rcu != NULL) {
		char name[RTE_RING_NAMESIZE];
		struct rte_rcu_qsbr_dq_parameters p = {
			.name = name,
			.size = DEFER_QUEUE_SIZE,
			.esize = sizeof(struct defer_item),
			.trigger_reclaim_limit = 0,	/* reclaim on every enqueue */
			.max_reclaim_size = DEFER_RECLAIM_MAX,
			.free_fn = dq_free_cb,
			.v = cfg->rcu,
		};

		/* Ring names are global to the DPDK process. */
		snprintf(name, sizeof(name), "xdpdk_maps_dq%u", maps_dq_seq++);
		dq = rte_rcu_qsbr_dq_create(&p);
		if (dq == NULL) {
			ret = -ENOMEM;
			goto out;
		}
	}
	if (maps_dq != NULL)
		rte_rcu_qsbr_dq_delete(maps_dq);	/* empty: nothing pending */
	maps_dq = dq;
	maps_rcu = cfg->rcu;
	maps_n_workers = cfg->n_workers == 0 ? 1 : cfg->n_workers;
out:
	pthread_mutex_unlock(&maps_lock);
	return ret;
}

uint32_t
xdpdk_maps_n_workers(void)
{
	return maps_n_workers;
}

void
xdpdk_maps_set_worker(uint32_t worker)
{
	xdpdk_maps_cur_worker = worker;
}

uint32_t
xdpdk_maps_worker(void)
{
	return xdpdk_maps_cur_worker;
}

struct rte_rcu_qsbr *
xdpdk_maps_rcu(void)
{
	return maps_rcu;
}

uint32_t
xdpdk_maps_reclaim(void)
{
	return reclaim_due(maps_dq);
}

void
xdpdk_maps_defer_call(void (*fn)(void *arg), void *arg)
{
	struct defer_item it = { .fn = fn, .arg = arg };
	struct rte_rcu_qsbr_dq *dq = maps_dq;

	if (dq == NULL) {
		fn(arg);
		return;
	}
	if (rte_rcu_qsbr_dq_enqueue(dq, &it) == 0)
		return;
	/*
	 * The queue is full (thousands of frees waiting for a worker that does
	 * not report): wait for the grace period here. Only the control plane
	 * gets this far in practice; a worker must not, as it would wait for
	 * itself.
	 */
	XDPDK_MAPS_LOG(WARNING, "defer queue full, waiting for a grace period");
	rte_rcu_qsbr_synchronize(maps_rcu, RTE_QSBR_THRID_INVALID);
	fn(arg);
}

void
xdpdk_maps_defer_free(void *ptr)
{
	if (ptr != NULL)
		xdpdk_maps_defer_call(rte_free, ptr);
}

/* ---- registry of live maps ---------------------------------------------- */

static int
registry_add(struct xdpdk_map *map)
{
	if (maps_n_live == maps_cap_live) {
		uint32_t cap = maps_cap_live ? maps_cap_live * 2 : 64;
		struct xdpdk_map **t = realloc(maps_live, sizeof(*t) * cap);

		if (t == NULL)
			return -ENOMEM;
		maps_live = t;
		maps_cap_live = cap;
	}
	maps_live[maps_n_live++] = map;
	return 0;
}

static void
registry_del(struct xdpdk_map *map)
{
	for (uint32_t i = 0; i < maps_n_live; i++) {
		if (maps_live[i] == map) {
			maps_live[i] = maps_live[--maps_n_live];
			return;
		}
	}
}

/*
 * Control plane only (loader, CLI): a scan under the lock. The data path
 * never needs it: a program's map reference is the struct xdpdk_map itself
 * for every type but prog_array, so the helpers cast r1 directly. A
 * prog_array's address (its struct xdpdk_prog_array) only ever reaches
 * bpf_tail_call, because the kernel's verifier forbids the map helpers on a
 * prog_array.
 */
struct xdpdk_map *
xdpdk_map_from_prog_addr(void *addr)
{
	struct xdpdk_map *found = NULL;

	if (addr == NULL)
		return NULL;
	pthread_mutex_lock(&maps_lock);
	for (uint32_t i = 0; i < maps_n_live && found == NULL; i++)
		if (xdpdk_map_prog_addr(maps_live[i]) == addr)
			found = maps_live[i];
	pthread_mutex_unlock(&maps_lock);
	return found;
}

/* Fill the verifier's view of @p m; the reference behind @p addr resolved to it. */
static void
verifier_view(struct xdpdk_map *m, struct xdpdk_verifier_map *out)
{
	const struct xdpdk_map_def *d = &m->def;

	*out = (struct xdpdk_verifier_map){
		.addr = xdpdk_map_prog_addr(m),
		.value_addr = xdpdk_map_direct_value(m),
		.type = d->type,
		.key_size = d->key_size,
		.value_size = d->value_size,
		.max_entries = d->max_entries,
		.map_flags = d->map_flags,
		.spin_lock_off = d->has_spin_lock ? (int32_t)d->spin_lock_off : -1,
	};
	snprintf(out->name, sizeof(out->name), "%s", m->name);
	if (d->inner_template != NULL) {
		const struct xdpdk_map_def *in = &d->inner_template->def;

		out->inner_type = in->type;
		out->inner_key_size = in->key_size;
		out->inner_value_size = in->value_size;
		out->inner_max_entries = in->max_entries;
		out->inner_map_flags = in->map_flags;
	}
}

int
xdpdk_map_verifier_info(const void *addr, struct xdpdk_verifier_map *out, void *arg)
{
	int rc = -ENOENT;

	(void)arg;
	if (addr == NULL)
		return -ENOENT;
	pthread_mutex_lock(&maps_lock);
	for (uint32_t i = 0; i < maps_n_live && rc != 0; i++) {
		struct xdpdk_map *m = maps_live[i];
		const unsigned char *v = xdpdk_map_direct_value(m);

		if (xdpdk_map_prog_addr(m) == addr ||
		    (v != NULL && (const unsigned char *)addr >= v &&
		     (const unsigned char *)addr < v + m->def.value_size)) {
			verifier_view(m, out);
			rc = 0;
		}
	}
	pthread_mutex_unlock(&maps_lock);
	return rc;
}

struct xdpdk_map *
xdpdk_map_get_by_id(uint32_t id)
{
	struct xdpdk_map *found = NULL;

	pthread_mutex_lock(&maps_lock);
	for (uint32_t i = 0; i < maps_n_live; i++) {
		if (maps_live[i]->id == id) {
			found = maps_live[i];
			/* Under the lock: the last put cannot race past us. */
			__atomic_add_fetch(&found->refcnt, 1, __ATOMIC_RELAXED);
			break;
		}
	}
	pthread_mutex_unlock(&maps_lock);
	if (found == NULL)
		errno = ENOENT;
	return found;
}

struct xdpdk_map *
xdpdk_map_get_next(uint32_t id)
{
	struct xdpdk_map *found = NULL;

	pthread_mutex_lock(&maps_lock);
	for (uint32_t i = 0; i < maps_n_live; i++)
		if (maps_live[i]->id > id && (found == NULL || maps_live[i]->id < found->id))
			found = maps_live[i];
	if (found != NULL)
		__atomic_add_fetch(&found->refcnt, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&maps_lock);
	if (found == NULL)
		errno = ENOENT;
	return found;
}

/* ---- creation and references -------------------------------------------- */

static const struct xdpdk_map_type_entry *
find_type(enum bpf_map_type type)
{
	for (const struct xdpdk_map_type_entry *e = xdpdk_map_types; e->ops != NULL; e++)
		if (e->type == type)
			return e;
	return NULL;
}

bool
xdpdk_map_type_supported(enum bpf_map_type type)
{
	return find_type(type) != NULL;
}

const char *
xdpdk_map_type_name(enum bpf_map_type type)
{
	if ((unsigned int)type >= RTE_DIM(type_names))
		return NULL;
	return type_names[type];
}

static int
socket_valid(int node)
{
	for (unsigned int i = 0; i < rte_socket_count(); i++)
		if (rte_socket_id_by_idx(i) == node)
			return 1;
	return 0;
}

/* What the kernel checks for every type before the type's own check. */
static int
check_generic(const struct xdpdk_map_def *def)
{
	const uint32_t f = def->map_flags;

	if (def->name != NULL && strlen(def->name) >= XDPDK_MAP_NAME_MAX)
		return -EINVAL;
	if (f & ~KNOWN_MAP_FLAGS)
		return -EINVAL;
	/* bpf_get_file_flag() and bpf_map_flags_access_ok() */
	if ((f & BPF_F_RDONLY) && (f & BPF_F_WRONLY))
		return -EINVAL;
	if ((f & BPF_F_RDONLY_PROG) && (f & BPF_F_WRONLY_PROG))
		return -EINVAL;
	if ((f & BPF_F_NUMA_NODE) && def->numa_node >= 0 && !socket_valid(def->numa_node))
		return -EINVAL;
	if (def->has_spin_lock) {
		/* map_check_btf(): only these types take a bpf_spin_lock. */
		if (def->type != BPF_MAP_TYPE_HASH && def->type != BPF_MAP_TYPE_ARRAY)
			return -ENOTSUP;
		if (f & BPF_F_RDONLY_PROG)
			return -EACCES;
		if (def->spin_lock_off % 4 != 0 ||
		    (uint64_t)def->spin_lock_off + sizeof(struct bpf_spin_lock) > def->value_size)
			return -EINVAL;
	}
	if (def->type == BPF_MAP_TYPE_ARRAY_OF_MAPS || def->type == BPF_MAP_TYPE_HASH_OF_MAPS) {
		const struct xdpdk_map *t = def->inner_template;

		/* bpf_map_meta_alloc(): one level of nesting, no prog_array inside. */
		if (t == NULL)
			return -EINVAL;
		if (t->def.type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
		    t->def.type == BPF_MAP_TYPE_HASH_OF_MAPS)
			return -EINVAL;
		if (t->def.type == BPF_MAP_TYPE_PROG_ARRAY)
			return -ENOTSUP;
	}
	return 0;
}

static int
is_map_in_map(const struct xdpdk_map *map)
{
	return map->def.type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
	       map->def.type == BPF_MAP_TYPE_HASH_OF_MAPS;
}

struct xdpdk_map *
xdpdk_map_create(const struct xdpdk_map_def *def)
{
	const struct xdpdk_map_type_entry *te;
	struct xdpdk_map *map;
	int socket = SOCKET_ID_ANY;
	int ret;

	if (def == NULL) {
		errno = EINVAL;
		return NULL;
	}
	te = find_type(def->type);
	if (te == NULL) {
		const char *tn = xdpdk_map_type_name(def->type);

		XDPDK_MAPS_LOG(ERR, "map '%s': type %s (%u) is not supported",
			       def->name ? def->name : "", tn ? tn : "unknown",
			       (unsigned int)def->type);
		errno = ENOTSUP;
		return NULL;
	}
	ret = check_generic(def);
	if (ret == 0 && te->ops->check != NULL)
		ret = te->ops->check(def);
	if (ret != 0) {
		errno = -ret;
		return NULL;
	}
	if ((def->map_flags & BPF_F_NUMA_NODE) && def->numa_node >= 0)
		socket = def->numa_node;

	xdpdk_maps_reclaim();	/* keep memory from piling up behind slow workers */
	map = rte_zmalloc_socket("xdpdk_map", sizeof(*map), RTE_CACHE_LINE_SIZE, socket);
	if (map == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	map->ops = te->ops;
	map->def = *def;
	if (def->name != NULL)
		strcpy(map->name, def->name);
	map->def.name = map->name;
	map->refcnt = 1;
	map->socket_id = socket;
	map->n_slots = xdpdk_map_type_is_percpu(def->type) ? maps_n_workers : 1;
	map->value_stride = RTE_ALIGN_CEIL(def->value_size, 8);
	if (is_map_in_map(map))
		xdpdk_map_get((struct xdpdk_map *)(uintptr_t)def->inner_template);
	else
		map->def.inner_template = NULL;

	ret = map->ops->alloc != NULL ? map->ops->alloc(map) : 0;
	if (ret != 0)
		goto err_alloc;
	pthread_mutex_lock(&maps_lock);
	ret = registry_add(map);
	if (ret == 0) {
		map->id = maps_next_id++;
		__atomic_add_fetch(&maps_alive, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&maps_lock);
	if (ret != 0)
		goto err_registry;
	return map;

err_registry:
	if (map->ops->free != NULL)
		map->ops->free(map);
err_alloc:
	if (is_map_in_map(map))
		xdpdk_map_put((struct xdpdk_map *)(uintptr_t)map->def.inner_template);
	rte_free(map);
	errno = -ret;
	return NULL;
}

struct xdpdk_map *
xdpdk_map_get(struct xdpdk_map *map)
{
	if (map != NULL)
		__atomic_add_fetch(&map->refcnt, 1, __ATOMIC_RELAXED);
	return map;
}

void
xdpdk_map_set_btf(struct xdpdk_map *map, struct xdpdk_btf *btf, uint32_t key_type,
		  uint32_t value_type)
{
	struct xdpdk_btf *none = NULL;

	if (map == NULL || btf == NULL || (key_type == 0 && value_type == 0))
		return;
	xdpdk_btf_get(btf);
	if (!__atomic_compare_exchange_n(&map->btf, &none, btf, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_RELAXED)) {
		xdpdk_btf_put(btf);
		return;
	}
	/* control-plane readers only: one that looks meanwhile sees no type yet */
	__atomic_store_n(&map->btf_key, key_type, __ATOMIC_RELEASE);
	__atomic_store_n(&map->btf_value, value_type, __ATOMIC_RELEASE);
}

struct xdpdk_btf *
xdpdk_map_btf(const struct xdpdk_map *map, uint32_t *key_type, uint32_t *value_type)
{
	struct xdpdk_btf *b = __atomic_load_n(&map->btf, __ATOMIC_ACQUIRE);

	*key_type = b != NULL ? __atomic_load_n(&map->btf_key, __ATOMIC_ACQUIRE) : 0;
	*value_type = b != NULL ? __atomic_load_n(&map->btf_value, __ATOMIC_ACQUIRE) : 0;
	return b;
}

/* After the grace period: no program can still reach the map. */
static void
map_destroy(void *arg)
{
	struct xdpdk_map *map = arg;

	xdpdk_btf_put(map->btf);
	if (map->ops->free != NULL)
		map->ops->free(map);
	if (is_map_in_map(map))
		xdpdk_map_put((struct xdpdk_map *)(uintptr_t)map->def.inner_template);
	rte_free(map);
	__atomic_sub_fetch(&maps_alive, 1, __ATOMIC_RELEASE);
}

void
xdpdk_map_put(struct xdpdk_map *map)
{
	if (map == NULL)
		return;
	/* get_by_id takes its reference under maps_lock, so drop the last one there too. */
	pthread_mutex_lock(&maps_lock);
	if (__atomic_sub_fetch(&map->refcnt, 1, __ATOMIC_ACQ_REL) != 0) {
		pthread_mutex_unlock(&maps_lock);
		return;
	}
	registry_del(map);
	pthread_mutex_unlock(&maps_lock);
	xdpdk_maps_defer_call(map_destroy, map);
}

const struct xdpdk_map_def *
xdpdk_map_def(const struct xdpdk_map *map)
{
	return &map->def;
}

uint32_t
xdpdk_map_id(const struct xdpdk_map *map)
{
	return map->id;
}

void *
xdpdk_map_prog_addr(struct xdpdk_map *map)
{
	return map->ops->prog_addr != NULL ? map->ops->prog_addr(map) : map;
}

void *
xdpdk_map_direct_value(struct xdpdk_map *map)
{
	return map->ops->direct_value != NULL ? map->ops->direct_value(map) : NULL;
}

uint32_t
xdpdk_map_value_buf_size(const struct xdpdk_map *map)
{
	if (xdpdk_map_type_is_percpu(map->def.type))
		return map->value_stride * map->n_slots;
	return map->def.value_size;
}

/* ---- services for the families ------------------------------------------ */

void
xdpdk_map_spin_lock(struct bpf_spin_lock *lock)
{
	while (__atomic_exchange_n(&lock->val, 1, __ATOMIC_ACQUIRE) != 0)
		while (__atomic_load_n(&lock->val, __ATOMIC_RELAXED) != 0)
			rte_pause();
}

void
xdpdk_map_spin_unlock(struct bpf_spin_lock *lock)
{
	__atomic_store_n(&lock->val, 0, __ATOMIC_RELEASE);
}

/* Copy a value, leaving out the lock word (the kernel's copy_map_value). */
static void
copy_skip_lock(const struct xdpdk_map *map, void *dst, const void *src)
{
	const uint32_t off = map->def.spin_lock_off;
	const uint32_t end = off + sizeof(struct bpf_spin_lock);

	if (!map->def.has_spin_lock) {
		memcpy(dst, src, map->def.value_size);
		return;
	}
	memcpy(dst, src, off);
	memcpy((char *)dst + end, (const char *)src + end, map->def.value_size - end);
}

void
xdpdk_map_value_store(const struct xdpdk_map *map, void *elem, const void *src, bool locked)
{
	struct bpf_spin_lock *l = (void *)((char *)elem + map->def.spin_lock_off);

	if (locked)
		xdpdk_map_spin_lock(l);
	copy_skip_lock(map, elem, src);
	if (locked)
		xdpdk_map_spin_unlock(l);
}

void
xdpdk_map_value_load(const struct xdpdk_map *map, void *dst, const void *elem, bool locked)
{
	struct bpf_spin_lock *l = (void *)((char *)(uintptr_t)elem + map->def.spin_lock_off);

	if (locked)
		xdpdk_map_spin_lock(l);
	copy_skip_lock(map, dst, elem);
	if (locked)
		xdpdk_map_spin_unlock(l);
	if (map->def.has_spin_lock)
		memset((char *)dst + map->def.spin_lock_off, 0, sizeof(struct bpf_spin_lock));
}

int
xdpdk_map_inner_check(const struct xdpdk_map *outer, const struct xdpdk_map *inner)
{
	const struct xdpdk_map_def *t = &outer->def.inner_template->def;
	const struct xdpdk_map_def *d = &inner->def;

	if (!is_map_in_map(outer) || is_map_in_map(inner))
		return -EINVAL;
	if (d->type != t->type || d->key_size != t->key_size ||
	    d->value_size != t->value_size || d->map_flags != t->map_flags ||
	    d->has_spin_lock != t->has_spin_lock ||
	    (d->has_spin_lock && d->spin_lock_off != t->spin_lock_off))
		return -EINVAL;
	/* array_map_meta_equal(): arrays are inlined by size unless BPF_F_INNER_MAP. */
	if ((t->type == BPF_MAP_TYPE_ARRAY || t->type == BPF_MAP_TYPE_PERCPU_ARRAY) &&
	    !(t->map_flags & BPF_F_INNER_MAP) && d->max_entries != t->max_entries)
		return -EINVAL;
	return 0;
}

/* ---- control plane ------------------------------------------------------ */

/* The kernel's fd becomes the inner map's id: one path for both map-in-map types. */
int
xdpdk_map_set_inner(struct xdpdk_map *map, const void *key, struct xdpdk_map *inner)
{
	uint32_t id;

	if (map == NULL || !is_map_in_map(map))
		return -EINVAL;
	if (inner == NULL)
		return xdpdk_map_delete(map, key);
	id = inner->id;
	return xdpdk_map_update(map, key, &id, BPF_ANY);
}

static int
has_key_arg(const struct xdpdk_map *map, const void *key)
{
	return key != NULL || map->def.key_size == 0;
}

static int
can_read(const struct xdpdk_map *map)
{
	return !(map->def.map_flags & BPF_F_WRONLY);
}

static int
can_write(const struct xdpdk_map *map)
{
	return !(map->def.map_flags & BPF_F_RDONLY);
}

static int
lock_flag_ok(const struct xdpdk_map *map, uint64_t flags)
{
	return !(flags & BPF_F_LOCK) || map->def.has_spin_lock;
}

/* In the kernel's order: flags, then access, then BPF_F_LOCK (map_lookup_elem). */
static int
check_lookup(const struct xdpdk_map *map, uint64_t flags)
{
	if (flags & ~(uint64_t)BPF_F_LOCK)
		return -EINVAL;
	if (!can_read(map))
		return -EPERM;
	if (!lock_flag_ok(map, flags))
		return -EINVAL;
	return 0;
}

/* map_update_elem, then the per-type "(flags & ~BPF_F_LOCK) > BPF_EXIST". */
static int
check_update(const struct xdpdk_map *map, uint64_t flags)
{
	if (!can_write(map))
		return -EPERM;
	if (!lock_flag_ok(map, flags))
		return -EINVAL;
	if ((flags & ~(uint64_t)BPF_F_LOCK) > BPF_EXIST)
		return -EINVAL;
	return 0;
}

/*
 * Control-plane keys come from anywhere (a hex parser, a batch array at
 * key_size strides), while families read them as typed structs (an LPM key's
 * u32 prefixlen, an array's u32 index): an unaligned one is copied first, as
 * the kernel copies every syscall key into a buffer of its own. Larger keys
 * are only ever hashed and compared bytewise.
 */
#define KEY_COPY_WORDS 34	/* an LPM key of 256 data bytes and its prefixlen */

static inline const void *
aligned_key(const struct xdpdk_map *map, const void *key, uint64_t buf[KEY_COPY_WORDS])
{
	if (key == NULL || ((uintptr_t)key & 7) == 0 ||
	    map->def.key_size > KEY_COPY_WORDS * sizeof(uint64_t))
		return key;
	memcpy(buf, key, map->def.key_size);
	return buf;
}

int
xdpdk_map_lookup(struct xdpdk_map *map, const void *key, void *value, uint64_t flags)
{
	uint64_t kbuf[KEY_COPY_WORDS];
	int ret;

	if (map == NULL || !has_key_arg(map, key) || value == NULL)
		return -EINVAL;
	ret = check_lookup(map, flags);
	if (ret != 0)
		return ret;
	if (map->ops->lookup == NULL)
		return -ENOTSUP;
	return map->ops->lookup(map, aligned_key(map, key, kbuf), value, flags);
}

int
xdpdk_map_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	uint64_t kbuf[KEY_COPY_WORDS];
	int ret;

	if (map == NULL || !has_key_arg(map, key) || (value == NULL && map->def.value_size != 0))
		return -EINVAL;
	ret = check_update(map, flags);
	if (ret != 0)
		return ret;
	if (map->ops->update == NULL)
		return -ENOTSUP;
	return map->ops->update(map, aligned_key(map, key, kbuf), value, flags);
}

int
xdpdk_map_delete(struct xdpdk_map *map, const void *key)
{
	uint64_t kbuf[KEY_COPY_WORDS];

	if (map == NULL || !has_key_arg(map, key))
		return -EINVAL;
	if (!can_write(map))
		return -EPERM;
	if (map->ops->delete == NULL)
		return -ENOTSUP;
	return map->ops->delete(map, aligned_key(map, key, kbuf));
}

int
xdpdk_map_get_next_key(struct xdpdk_map *map, const void *key, void *next_key)
{
	uint64_t kbuf[KEY_COPY_WORDS];

	if (map == NULL || next_key == NULL)
		return -EINVAL;
	if (!can_read(map))
		return -EPERM;
	if (map->ops->get_next_key == NULL)
		return -ENOTSUP;
	return map->ops->get_next_key(map, aligned_key(map, key, kbuf), next_key);
}

/* generic_map_lookup_batch: walk with get_next_key, copy each element. */
static int
generic_lookup_batch(struct xdpdk_map *map, const void *in_batch, void *out_batch, void *keys,
		     void *values, uint32_t *count, uint64_t flags)
{
	const uint32_t ks = map->def.key_size, vs = xdpdk_map_value_buf_size(map);
	const uint32_t max = *count;
	unsigned char *buf, *prev_key = NULL, *key, *value;
	uint32_t cp = 0, retry = BATCH_LOOKUP_RETRIES;
	int err = -ENOENT;

	*count = 0;
	/* Two key buffers that swap roles (previous, current) and a value. */
	buf = malloc(2 * (size_t)ks + vs);
	if (buf == NULL)
		return -ENOMEM;
	key = buf + ks;
	value = buf + 2 * (size_t)ks;
	if (in_batch != NULL) {
		memcpy(buf, in_batch, ks);
		prev_key = buf;
	}
	while (cp < max) {
		err = map->ops->get_next_key(map, prev_key, key);
		if (err != 0)
			break;
		err = map->ops->lookup(map, key, value, flags);
		if (err == -ENOENT) {
			/* Deleted between the two calls: move on, a few times. */
			if (retry-- > 0)
				continue;
			err = -EINTR;
			break;
		}
		if (err != 0)
			goto out;
		memcpy((unsigned char *)keys + (size_t)cp * ks, key, ks);
		memcpy((unsigned char *)values + (size_t)cp * vs, value, vs);
		if (prev_key == NULL)
			prev_key = buf;
		RTE_SWAP(prev_key, key);
		retry = BATCH_LOOKUP_RETRIES;
		cp++;
	}
	*count = cp;
	if (cp != 0)
		memcpy(out_batch, prev_key, ks);
out:
	free(buf);
	return err;
}

/* generic_map_update_batch: stop at the first error, count what was done. */
static int
generic_update_batch(struct xdpdk_map *map, const void *keys, const void *values,
		     uint32_t *count, uint64_t flags)
{
	const uint32_t ks = map->def.key_size, vs = xdpdk_map_value_buf_size(map);
	uint64_t kbuf[KEY_COPY_WORDS];
	uint32_t cp;
	int err = 0;

	for (cp = 0; cp < *count; cp++) {
		err = map->ops->update(map,
				       aligned_key(map, (const unsigned char *)keys + (size_t)cp * ks,
						   kbuf),
				       (const unsigned char *)values + (size_t)cp * vs, flags);
		if (err != 0)
			break;
	}
	*count = cp;
	return err;
}

static int
generic_delete_batch(struct xdpdk_map *map, const void *keys, uint32_t *count)
{
	const uint32_t ks = map->def.key_size;
	uint64_t kbuf[KEY_COPY_WORDS];
	uint32_t cp;
	int err = 0;

	for (cp = 0; cp < *count; cp++) {
		err = map->ops->delete(map, aligned_key(map, (const unsigned char *)keys +
							     (size_t)cp * ks, kbuf));
		if (err != 0)
			break;
	}
	*count = cp;
	return err;
}

int
xdpdk_map_lookup_batch(struct xdpdk_map *map, const void *in_batch, void *out_batch, void *keys,
		       void *values, uint32_t *count, uint64_t flags)
{
	int ret;

	if (map == NULL || count == NULL)
		return -EINVAL;
	/* bpf_map_do_batch checks access before the flags. */
	if (!can_read(map))
		return -EPERM;
	ret = check_lookup(map, flags);
	if (ret != 0)
		return ret;
	if (*count == 0)
		return 0;
	if (keys == NULL || values == NULL || out_batch == NULL)
		return -EINVAL;
	if (map->ops->lookup_batch != NULL)
		return map->ops->lookup_batch(map, in_batch, out_batch, keys, values, count,
					      flags);
	if (map->ops->get_next_key == NULL || map->ops->lookup == NULL)
		return -ENOTSUP;
	return generic_lookup_batch(map, in_batch, out_batch, keys, values, count, flags);
}

int
xdpdk_map_update_batch(struct xdpdk_map *map, const void *keys, const void *values,
		       uint32_t *count, uint64_t flags)
{
	int ret;

	if (map == NULL || count == NULL)
		return -EINVAL;
	/* bpf_map_do_batch checks access first; the batch's elem_flags are BPF_F_LOCK only. */
	if (!can_write(map))
		return -EPERM;
	if (flags & ~(uint64_t)BPF_F_LOCK)
		return -EINVAL;
	ret = check_update(map, flags);
	if (ret != 0)
		return ret;
	if (*count == 0)
		return 0;
	if (keys == NULL || values == NULL)
		return -EINVAL;
	if (map->ops->update_batch != NULL)
		return map->ops->update_batch(map, keys, values, count, flags);
	if (map->ops->update == NULL)
		return -ENOTSUP;
	return generic_update_batch(map, keys, values, count, flags);
}

int
xdpdk_map_delete_batch(struct xdpdk_map *map, const void *keys, uint32_t *count)
{
	if (map == NULL || count == NULL)
		return -EINVAL;
	if (!can_write(map))
		return -EPERM;
	if (*count == 0)
		return 0;
	if (keys == NULL)
		return -EINVAL;
	if (map->ops->delete_batch != NULL)
		return map->ops->delete_batch(map, keys, count);
	if (map->ops->delete == NULL)
		return -ENOTSUP;
	return generic_delete_batch(map, keys, count);
}

/* ---- data path: no argument checks beyond a missing op (the verifier's job) */

void *
xdpdk_map_elem_lookup(struct xdpdk_map *map, const void *key)
{
	if (unlikely(map->ops->elem_lookup == NULL))
		return NULL;
	return map->ops->elem_lookup(map, key);
}

long
xdpdk_map_elem_update(struct xdpdk_map *map, const void *key, const void *value,
		      uint64_t flags)
{
	if (unlikely(map->ops->elem_update == NULL))
		return -ENOTSUP;
	return map->ops->elem_update(map, key, value, flags);
}

long
xdpdk_map_elem_delete(struct xdpdk_map *map, const void *key)
{
	if (unlikely(map->ops->elem_delete == NULL))
		return -ENOTSUP;
	return map->ops->elem_delete(map, key);
}

long
xdpdk_map_elem_push(struct xdpdk_map *map, const void *value, uint64_t flags)
{
	if (unlikely(map->ops->elem_push == NULL))
		return -ENOTSUP;
	return map->ops->elem_push(map, value, flags);
}

long
xdpdk_map_elem_pop(struct xdpdk_map *map, void *value)
{
	if (unlikely(map->ops->elem_pop == NULL))
		return -ENOTSUP;
	return map->ops->elem_pop(map, value);
}

long
xdpdk_map_elem_peek(struct xdpdk_map *map, void *value)
{
	if (unlikely(map->ops->elem_peek == NULL))
		return -ENOTSUP;
	return map->ops->elem_peek(map, value);
}

int
xdpdk_map_elem_next(struct xdpdk_map *map, struct xdpdk_map_iter *it)
{
	if (unlikely(map->ops->elem_next == NULL))
		return -EOPNOTSUPP;
	return map->ops->elem_next(map, it);
}

void *
xdpdk_map_elem_lookup_percpu(struct xdpdk_map *map, const void *key, uint32_t cpu)
{
	/* As the kernel: a CPU that does not exist finds nothing. */
	if (unlikely(map->ops->elem_lookup_percpu == NULL || cpu >= map->n_slots))
		return NULL;
	return map->ops->elem_lookup_percpu(map, key, cpu);
}
