/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BPF_MAP_TYPE_LPM_TRIE: longest-prefix match over big-endian keys
 * (struct bpf_lpm_trie_key_u8: prefixlen, then 1..256 data bytes).
 *
 * The authority is a path-compressed binary trie built exactly as the
 * kernel's lpm_trie.c builds it: real nodes for stored prefixes and
 * intermediate ("IM") nodes only where two subtrees branch. That shape
 * depends only on the set of prefixes, so get_next_key, a post-order walk
 * (more specific prefixes before the prefix that covers them), returns keys
 * in the kernel's order. Stored data is the key as given, bits past
 * prefixlen included, as the kernel returns it.
 *
 * Readers walk the trie without locks: children are published with release
 * stores after the node is filled, and a node or value is recycled only after
 * an RCU grace period. As in the kernel, an update builds a new node (and
 * here a new value) and swaps it in, so a reader sees the old value or the
 * new one whole; deleting a node with two children marks it IM in place.
 * Writers take a per-map spinlock (the kernel's trie->lock).
 *
 * IPv4 (key_size 8) maps of at least LPM4_MIN_ENTRIES entries are also
 * indexed by a DIR-24-8 table (dir24.h, which says why not rte_lpm or
 * rte_fib): one or two table reads per lookup, giving the value's pool
 * index. The trie stays the authority for update, delete and get_next_key,
 * and tells the index which route covers a deleted one. /0 lives beside the
 * index, and lookups with prefixlen < 32 (rare: programs look up with the
 * full length) go to the trie. The first-level table costs 64 MiB whatever
 * the map holds, hence the threshold. Such a map gets its own ops (lpm4_ops),
 * so no map pays a branch for the other kind. Should the index run out of
 * second-level groups, the map drops it for good and the trie answers every
 * lookup.
 *
 * IPv6 and other sizes use the trie only (rte_lpm6 in DPDK 22.11 has no RCU
 * integration: its tbl8 reuse is unsafe under lock-free readers).
 *
 * Flags follow the current kernel (6.14+, "Handle BPF_EXIST and BPF_NOEXIST
 * for LPM trie"): BPF_NOEXIST on a stored prefix -EEXIST, BPF_EXIST on a
 * missing one -ENOENT, a new prefix in a full map -ENOSPC, replacing one in
 * a full map works. Lookups with prefixlen > max return nothing.
 *
 * Memory for max_entries is reserved, not committed (the kernel allocates
 * per update, hence its BPF_F_NO_PREALLOC requirement): values, and twice
 * as many nodes, since n prefixes need at most n - 1 IM nodes; pages are
 * backed as the trie grows (pool.h). The DIR-24-8 first level is the
 * exception: it is read by every lookup, so it lives in DPDK memory.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_spinlock.h>

#include "dir24.h"
#include "map_internal.h"
#include "pool.h"

#define LPM_DATA_MIN		1u
#define LPM_DATA_MAX		256u
#define LPM_KEY_HDR		4u	/* prefixlen */
/* KMALLOC_MAX_SIZE - LPM_DATA_SIZE_MAX - sizeof(struct lpm_trie_node) */
#define LPM_VALUE_MAX		((4u << 20) - LPM_DATA_MAX - 24)
#define LPM_CREATE_FLAGS \
	(BPF_F_NO_PREALLOC | BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY | \
	 BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG)
#define LPM_HEADROOM_MIN	256u
#define LPM_HEADROOM_MAX	65536u
#define LPM_SYNC_TRIES		8

#define LPM4_MIN_ENTRIES	16384u
#define LPM4_GROUPS_MAX		65536u

#define NODE_IM			1u
#define NONE			UINT32_MAX

struct lpm_key {
	uint32_t prefixlen;
	uint8_t data[];
};

struct lpm_node {
	struct lpm_node *child[2];
	uint32_t prefixlen;
	uint32_t flags;		/* NODE_IM; set in place on delete, so read atomically */
	uint32_t val;		/* value pool index (real nodes) */
	uint32_t pad;
	uint8_t data[];
};

struct lpm {
	struct lpm_node *root;
	struct xdpdk_pool nodes;
	struct xdpdk_pool vals;
	struct xdpdk_defer defer;	/* (node index + 1 or 0, value index + 1 or 0) */
	rte_spinlock_t lock;		/* writers, and control-plane readers */
	uint32_t n_entries;
	uint32_t max_entries;
	uint32_t data_size;
	uint32_t max_prefixlen;
	/* The IPv4 index; lpm4_on is cleared for good if it fills up. */
	struct xdpdk_dir24 dir24;
	bool has_dir24;
	bool lpm4_on;
	uint32_t lpm4_default;		/* /0's value index, or NONE */
};

/* ---- bit helpers -------------------------------------------------------- */

static inline int
extract_bit(const uint8_t *data, uint32_t index)
{
	return (data[index / 8] >> (7 - index % 8)) & 1;
}

/* Up to 8 big-endian bytes as the top of a 64-bit word. */
static inline uint64_t
load_be(const uint8_t *p, uint32_t len)
{
	uint64_t v = 0;
	uint32_t w;
	uint32_t i;

	if (len == 8) {
		memcpy(&v, p, 8);
		return rte_be_to_cpu_64(v);
	}
	if (len == 4) {
		memcpy(&w, p, 4);
		return (uint64_t)rte_be_to_cpu_32(w) << 32;
	}
	for (i = 0; i < len; i++)
		v |= (uint64_t)p[i] << (56 - 8 * i);
	return v;
}

/* The kernel's longest_prefix_match: common leading bits, at most @p limit. */
static inline uint32_t
match_bits(const uint8_t *a, const uint8_t *b, uint32_t size, uint32_t limit)
{
	uint32_t n = 0, i = 0, len;
	uint64_t diff;

	while (n < limit && i < size) {
		len = RTE_MIN(size - i, 8u);
		diff = load_be(a + i, len) ^ load_be(b + i, len);
		if (diff != 0)
			return RTE_MIN(n + (uint32_t)__builtin_clzll(diff), limit);
		n += len * 8;
		i += len;
	}
	return RTE_MIN(n, limit);
}

static inline uint32_t
node_match(const struct lpm *t, const struct lpm_node *node, const struct lpm_key *key)
{
	return match_bits(node->data, key->data, t->data_size,
			  RTE_MIN(node->prefixlen, key->prefixlen));
}

static inline struct lpm_node *
load_child(struct lpm_node *const *slot)
{
	return __atomic_load_n(slot, __ATOMIC_ACQUIRE);
}

static inline void
publish(struct lpm_node **slot, struct lpm_node *node)
{
	__atomic_store_n(slot, node, __ATOMIC_RELEASE);
}

static inline bool
node_is_im(const struct lpm_node *node)
{
	return __atomic_load_n(&node->flags, __ATOMIC_RELAXED) & NODE_IM;
}

static inline void *
val_ptr(const struct lpm *t, uint32_t idx)
{
	return xdpdk_pool_ptr(&t->vals, idx);
}

/* ---- lookups ------------------------------------------------------------ */

/* trie_lookup_elem: the last real node whose prefix matches. Lock-free. */
static const struct lpm_node *
trie_match(const struct lpm *t, const struct lpm_key *key)
{
	const struct lpm_node *node, *found = NULL;
	uint32_t matchlen;

	for (node = load_child(&t->root); node != NULL;) {
		matchlen = node_match(t, node, key);
		if (matchlen == t->max_prefixlen)
			return node;
		if (matchlen < node->prefixlen)
			break;
		if (!node_is_im(node))
			found = node;
		node = load_child(&node->child[extract_bit(key->data, node->prefixlen)]);
	}
	return found;
}

static void *
lpm_elem_lookup(struct xdpdk_map *map, const void *key)
{
	const struct lpm *t = map->priv;
	const struct lpm_key *k = key;
	const struct lpm_node *node;

	if (unlikely(k->prefixlen > t->max_prefixlen))
		return NULL;
	node = trie_match(t, k);
	return node != NULL ? val_ptr(t, node->val) : NULL;
}

static void *
lpm4_elem_lookup(struct xdpdk_map *map, const void *key)
{
	const struct lpm *t = map->priv;
	const struct lpm_key *k = key;
	uint32_t ip, nh;

	if (likely(k->prefixlen == 32 && __atomic_load_n(&t->lpm4_on, __ATOMIC_ACQUIRE))) {
		memcpy(&ip, k->data, sizeof(ip));
		nh = xdpdk_dir24_lookup(&t->dir24, rte_be_to_cpu_32(ip));
		if (unlikely(nh == NONE))
			nh = __atomic_load_n(&t->lpm4_default, __ATOMIC_ACQUIRE);
		return nh != NONE ? val_ptr(t, nh) : NULL;
	}
	return lpm_elem_lookup(map, key);
}

/* ---- the IPv4 index ----------------------------------------------------- */

static void
lpm4_disable(struct lpm *t)
{
	__atomic_store_n(&t->lpm4_on, false, __ATOMIC_RELEASE);
	XDPDK_MAPS_LOG(NOTICE, "lpm_trie: IPv4 index full, the trie answers lookups");
}

static uint32_t
key_ip4(const struct lpm_key *key)
{
	uint32_t ip;

	memcpy(&ip, key->data, sizeof(ip));
	return rte_be_to_cpu_32(ip);
}

static void
lpm4_set(struct lpm *t, const struct lpm_key *key, uint32_t val)
{
	if (!t->lpm4_on)
		return;
	if (key->prefixlen == 0)
		__atomic_store_n(&t->lpm4_default, val, __ATOMIC_RELEASE);
	else if (xdpdk_dir24_add(&t->dir24, key_ip4(key), key->prefixlen, val) != 0)
		lpm4_disable(t);
}

/* After the trie lost @p key: its addresses go to the route covering it. */
static void
lpm4_clear(struct lpm *t, const struct lpm_key *key)
{
	struct { uint32_t prefixlen; uint8_t data[4]; } up;
	const struct lpm_node *cover;

	if (!t->lpm4_on)
		return;
	if (key->prefixlen == 0) {
		__atomic_store_n(&t->lpm4_default, NONE, __ATOMIC_RELEASE);
		return;
	}
	up.prefixlen = key->prefixlen - 1;
	memcpy(up.data, key->data, sizeof(up.data));
	cover = trie_match(t, (const struct lpm_key *)&up);
	/* /0 is not in the index: its addresses fall through to lpm4_default. */
	if (cover != NULL && cover->prefixlen > 0)
		xdpdk_dir24_del(&t->dir24, key_ip4(key), key->prefixlen, cover->prefixlen,
				cover->val);
	else
		xdpdk_dir24_del(&t->dir24, key_ip4(key), key->prefixlen, 0, 0);
}

/* ---- writers (under t->lock) -------------------------------------------- */

static void
lpm_release(void *ctx, uint32_t node1, uint32_t val1)
{
	struct lpm *t = ctx;

	if (node1 & XDPDK_DIR24_DEFER_TAG) {
		xdpdk_dir24_release(&t->dir24, node1 & ~XDPDK_DIR24_DEFER_TAG);
		return;
	}
	if (node1 != 0)
		xdpdk_pool_put(&t->nodes, node1 - 1);
	if (val1 != 0)
		xdpdk_pool_put(&t->vals, val1 - 1);
}

static struct lpm_node *
node_ptr(const struct lpm *t, uint32_t idx)
{
	return xdpdk_pool_ptr(&t->nodes, idx);
}

static uint32_t
node_idx(const struct lpm *t, const struct lpm_node *node)
{
	return xdpdk_pool_idx(&t->nodes, node);
}

/* Take @p n_nodes nodes and a value, reclaiming what is due if short; all or none. */
static bool
take(struct lpm *t, uint32_t n_nodes, uint32_t nodes[2], uint32_t *val)
{
	if ((xdpdk_pool_avail(&t->nodes) < n_nodes || xdpdk_pool_avail(&t->vals) == 0) &&
	    xdpdk_defer_reclaim(&t->defer) == 0)
		return false;
	if (xdpdk_pool_avail(&t->nodes) < n_nodes || xdpdk_pool_avail(&t->vals) == 0)
		return false;
	nodes[0] = xdpdk_pool_get(&t->nodes);
	if (n_nodes > 1)
		nodes[1] = xdpdk_pool_get(&t->nodes);
	*val = xdpdk_pool_get(&t->vals);
	return true;
}

/*
 * trie_update_elem. -EAGAIN: no node or value free before a grace period
 * (the control plane waits; a program gets the kernel's -ENOMEM).
 */
static int
update_locked(struct xdpdk_map *map, struct lpm *t, const struct lpm_key *key,
	      const void *value, uint64_t flags, bool prog)
{
	struct lpm_node **slot = &t->root, *node, *new, *im, *old = NULL;
	uint32_t matchlen = 0, idx[2] = { NONE, NONE }, val;
	bool exact, exists;

	while ((node = *slot) != NULL) {
		matchlen = node_match(t, node, key);
		if (node->prefixlen != matchlen || node->prefixlen == key->prefixlen ||
		    node->prefixlen == t->max_prefixlen)
			break;
		slot = &node->child[extract_bit(key->data, node->prefixlen)];
	}
	exact = node != NULL && node->prefixlen == matchlen;
	exists = exact && !node_is_im(node);
	if (exists && flags == BPF_NOEXIST)
		return -EEXIST;
	if (!exists && flags == BPF_EXIST)
		return -ENOENT;
	if (!exists && t->n_entries >= t->max_entries)
		return -ENOSPC;
	/* A split needs an IM node beside the new one. */
	if (!take(t, (node != NULL && !exact && matchlen != key->prefixlen) ? 2 : 1, idx, &val))
		return prog ? -ENOMEM : -EAGAIN;

	memset(val_ptr(t, val), 0, t->vals.stride);
	memcpy(val_ptr(t, val), value, map->def.value_size);
	new = node_ptr(t, idx[0]);
	new->child[0] = NULL;
	new->child[1] = NULL;
	new->prefixlen = key->prefixlen;
	new->flags = 0;
	new->val = val;
	memcpy(new->data, key->data, t->data_size);

	if (node == NULL) {
		publish(slot, new);
	} else if (exact) {
		new->child[0] = node->child[0];
		new->child[1] = node->child[1];
		publish(slot, new);
		old = node;
	} else if (matchlen == key->prefixlen) {
		/* The new prefix covers @node: it goes in between. */
		new->child[extract_bit(node->data, matchlen)] = node;
		publish(slot, new);
	} else {
		im = node_ptr(t, idx[1]);
		im->prefixlen = matchlen;
		im->flags = NODE_IM;
		im->val = NONE;
		memcpy(im->data, node->data, t->data_size);
		im->child[extract_bit(key->data, matchlen)] = new;
		im->child[!extract_bit(key->data, matchlen)] = node;
		publish(slot, im);
	}
	if (!exists)
		t->n_entries++;
	lpm4_set(t, key, val);
	/* Only once nothing reaches them, or a reader could outlive the grace period. */
	if (old != NULL)
		xdpdk_defer_push(&t->defer, node_idx(t, old) + 1, exists ? old->val + 1 : 0);
	return 0;
}

/* trie_delete_elem. */
static int
delete_locked(struct lpm *t, const struct lpm_key *key)
{
	struct lpm_node **trim = &t->root, **trim2 = trim, *node, *parent = NULL, *child;
	uint32_t matchlen = 0;

	while ((node = *trim) != NULL) {
		matchlen = node_match(t, node, key);
		if (node->prefixlen != matchlen || node->prefixlen == key->prefixlen)
			break;
		parent = node;
		trim2 = trim;
		trim = &node->child[extract_bit(key->data, node->prefixlen)];
	}
	if (node == NULL || node->prefixlen != key->prefixlen || node->prefixlen != matchlen ||
	    node_is_im(node))
		return -ENOENT;

	t->n_entries--;
	lpm4_clear(t, key);
	if (node->child[0] != NULL && node->child[1] != NULL) {
		/* Still a branch point: it becomes IM; a reader may still return its value. */
		__atomic_or_fetch(&node->flags, NODE_IM, __ATOMIC_RELAXED);
		xdpdk_defer_push(&t->defer, 0, node->val + 1);
		return 0;
	}
	if (parent != NULL && node_is_im(parent) && node->child[0] == NULL &&
	    node->child[1] == NULL) {
		/* A leaf under an IM node: the IM node goes too, its other child moves up. */
		publish(trim2, parent->child[parent->child[0] == node ? 1 : 0]);
		xdpdk_defer_push(&t->defer, node_idx(t, parent) + 1, 0);
	} else {
		child = node->child[0] != NULL ? node->child[0] : node->child[1];
		publish(trim, child);
	}
	xdpdk_defer_push(&t->defer, node_idx(t, node) + 1, node->val + 1);
	return 0;
}

/* ---- map ops ------------------------------------------------------------ */

/* trie_alloc's checks. */
static int
lpm_check(const struct xdpdk_map_def *def)
{
	if (def->max_entries == 0 || !(def->map_flags & BPF_F_NO_PREALLOC) ||
	    (def->map_flags & ~LPM_CREATE_FLAGS) ||
	    def->key_size < LPM_KEY_HDR + LPM_DATA_MIN ||
	    def->key_size > LPM_KEY_HDR + LPM_DATA_MAX ||
	    def->value_size < 1 || def->value_size > LPM_VALUE_MAX)
		return -EINVAL;
	return 0;
}

static void
lpm_free(struct xdpdk_map *map)
{
	struct lpm *t = map->priv;

	if (t == NULL)
		return;
	xdpdk_defer_fini(&t->defer);
	if (t->has_dir24)
		xdpdk_dir24_fini(&t->dir24);
	xdpdk_pool_fini(&t->nodes);
	xdpdk_pool_fini(&t->vals);
	rte_free(t);
	map->priv = NULL;
}

static const struct xdpdk_map_ops lpm4_ops;

static int
lpm_alloc(struct xdpdk_map *map)
{
	const struct xdpdk_map_def *def = &map->def;
	uint64_t n_vals, n_nodes, headroom, n_groups = 0;
	struct lpm *t;
	int ret;

	t = rte_zmalloc_socket("xdpdk_lpm", sizeof(*t), RTE_CACHE_LINE_SIZE, map->socket_id);
	if (t == NULL)
		return -ENOMEM;
	map->priv = t;
	rte_spinlock_init(&t->lock);
	t->max_entries = def->max_entries;
	t->data_size = def->key_size - LPM_KEY_HDR;
	t->max_prefixlen = t->data_size * 8;

	headroom = RTE_MIN(RTE_MAX(def->max_entries / 16, LPM_HEADROOM_MIN), LPM_HEADROOM_MAX);
	n_vals = (uint64_t)def->max_entries + headroom;
	n_nodes = 2 * (uint64_t)def->max_entries + headroom;
	if (n_nodes + n_vals >= UINT32_MAX) {
		ret = -ENOMEM;
		goto err;
	}
	ret = xdpdk_pool_init(&t->vals, (uint32_t)n_vals, RTE_ALIGN_CEIL(def->value_size, 8),
			      map->socket_id, true);
	if (ret == 0)
		ret = xdpdk_pool_init(&t->nodes, (uint32_t)n_nodes,
				      RTE_ALIGN_CEIL(sizeof(struct lpm_node) + t->data_size, 8),
				      map->socket_id, true);
	if (def->key_size == LPM_KEY_HDR + 4 && def->max_entries >= LPM4_MIN_ENTRIES &&
	    n_vals <= XDPDK_DIR24_IDX_MAX)
		n_groups = RTE_MIN(def->max_entries / 4 + 256, LPM4_GROUPS_MAX);
	/* Each pending entry holds at least one node, value or group. */
	if (ret == 0)
		ret = xdpdk_defer_init(&t->defer, (uint32_t)(n_nodes + n_vals + n_groups),
				       lpm_release, t, map->socket_id);
	if (ret == 0 && n_groups != 0) {
		ret = xdpdk_dir24_init(&t->dir24, n_groups, &t->defer, map->socket_id);
		t->has_dir24 = ret == 0;
		t->lpm4_on = ret == 0;
		t->lpm4_default = NONE;
		/* Its own lookup, so that no map pays a branch for the other kind. */
		map->ops = &lpm4_ops;
	}
	if (ret != 0)
		goto err;
	return 0;
err:
	lpm_free(map);
	return ret;
}

static long
lpm_elem_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	struct lpm *t = map->priv;
	const struct lpm_key *k = key;
	int ret;

	if (unlikely(flags > BPF_EXIST || k->prefixlen > t->max_prefixlen))
		return -EINVAL;
	rte_spinlock_lock(&t->lock);
	ret = update_locked(map, t, k, value, flags, true);
	rte_spinlock_unlock(&t->lock);
	return ret;
}

static long
lpm_elem_delete(struct xdpdk_map *map, const void *key)
{
	struct lpm *t = map->priv;
	const struct lpm_key *k = key;
	int ret;

	if (unlikely(k->prefixlen > t->max_prefixlen))
		return -EINVAL;
	rte_spinlock_lock(&t->lock);
	ret = delete_locked(t, k);
	rte_spinlock_unlock(&t->lock);
	return ret;
}

static int
lpm_update(struct xdpdk_map *map, const void *key, const void *value, uint64_t flags)
{
	struct lpm *t = map->priv;
	const struct lpm_key *k = key;
	int ret, tries;

	if (flags > BPF_EXIST || k->prefixlen > t->max_prefixlen)
		return -EINVAL;
	for (tries = 0;; tries++) {
		rte_spinlock_lock(&t->lock);
		ret = update_locked(map, t, k, value, flags, false);
		rte_spinlock_unlock(&t->lock);
		if (ret != -EAGAIN)
			return ret;
		if (tries == LPM_SYNC_TRIES)
			return -ENOMEM;
		/* Without the lock: a worker spinning on it would never report. */
		xdpdk_defer_sync(&t->defer);
	}
}

static int
lpm_delete(struct xdpdk_map *map, const void *key)
{
	return (int)lpm_elem_delete(map, key);
}

/* The syscall's lookup is a longest-prefix match too. */
static int
lpm_lookup(struct xdpdk_map *map, const void *key, void *value, uint64_t flags)
{
	struct lpm *t = map->priv;
	const struct lpm_key *k = key;
	const struct lpm_node *node = NULL;

	RTE_SET_USED(flags);
	rte_spinlock_lock(&t->lock);
	if (k->prefixlen <= t->max_prefixlen)
		node = trie_match(t, k);
	if (node != NULL)
		memcpy(value, val_ptr(t, node->val), map->def.value_size);
	rte_spinlock_unlock(&t->lock);
	return node != NULL ? 0 : -ENOENT;
}

/*
 * trie_get_next_key: post-order. The first key is the leftmost real node;
 * after a key comes the leftmost real node of its right sibling subtree, or
 * else its nearest real ancestor. A key that is not stored (exactly: same
 * prefixlen, same bits up to it) restarts the walk, as the kernel.
 */
static int
lpm_get_next_key(struct xdpdk_map *map, const void *key, void *next_key)
{
	const struct lpm_node *stack[LPM_DATA_MAX * 8 + 1];
	struct lpm *t = map->priv;
	const struct lpm_key *k = key;
	const struct lpm_node *node, *next = NULL, *parent, *root;
	struct lpm_key *out = next_key;
	uint32_t matchlen = 0;
	int sp = -1, ret = 0;

	rte_spinlock_lock(&t->lock);
	root = t->root;
	if (root == NULL) {
		ret = -ENOENT;
		goto out;
	}
	if (k == NULL || k->prefixlen > t->max_prefixlen)
		goto leftmost;
	for (node = root; node != NULL;) {
		stack[++sp] = node;
		matchlen = node_match(t, node, k);
		if (node->prefixlen != matchlen || node->prefixlen == k->prefixlen)
			break;
		node = node->child[extract_bit(k->data, node->prefixlen)];
	}
	if (node == NULL || node->prefixlen != k->prefixlen || matchlen != node->prefixlen ||
	    node_is_im(node))
		goto leftmost;
	node = stack[sp];
	for (; sp > 0; sp--) {
		parent = stack[sp - 1];
		if (parent->child[0] == node && parent->child[1] != NULL) {
			root = parent->child[1];
			goto leftmost;
		}
		if (!node_is_im(parent)) {
			next = parent;
			goto copy;
		}
		node = parent;
	}
	ret = -ENOENT;
	goto out;

leftmost:
	/* IM nodes have two children, so this ends on a real node. */
	for (node = root; node != NULL;) {
		if (!node_is_im(node))
			next = node;
		node = node->child[0] != NULL ? node->child[0] : node->child[1];
	}
copy:
	out->prefixlen = next->prefixlen;
	memcpy(out->data, next->data, t->data_size);
out:
	rte_spinlock_unlock(&t->lock);
	return ret;
}

#define LPM_COMMON_OPS \
	.check = lpm_check, \
	.alloc = lpm_alloc, \
	.free = lpm_free, \
	.elem_update = lpm_elem_update, \
	.elem_delete = lpm_elem_delete, \
	.lookup = lpm_lookup, \
	.update = lpm_update, \
	.delete = lpm_delete, \
	.get_next_key = lpm_get_next_key

const struct xdpdk_map_ops xdpdk_map_lpm_trie_ops = {
	LPM_COMMON_OPS,
	.elem_lookup = lpm_elem_lookup,
};

/* What an IPv4 map with the DIR-24-8 index switches to in lpm_alloc(). */
static const struct xdpdk_map_ops lpm4_ops = {
	LPM_COMMON_OPS,
	.elem_lookup = lpm4_elem_lookup,
};
