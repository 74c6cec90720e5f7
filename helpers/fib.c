/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bpf_fib_lookup and bpf_check_mtu for XDP, on xdpdk's own routing table
 * (include/xdpdk/fib.h): the kernel's bpf_ipv4_fib_lookup,
 * bpf_ipv6_fib_lookup and bpf_xdp_check_mtu (net/core/filter.c) step by step,
 * with rte_fib/rte_fib6 for the longest-prefix match, an rte_hash of routes
 * (for deletion and the IPv4 egress-interface walk) and one of neighbours.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/bpf.h>

#include <rte_errno.h>
#include <rte_fib.h>
#include <rte_fib6.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_memory.h>

#include <xdpdk/ctx.h>
#include <xdpdk/fib.h>
#include <xdpdk/helpers.h>

#include "helpers_internal.h"

#define MAX_TABLES 16
#define TABLE_LOCAL 255
#define TABLE_DEFAULT 253
#define ETH_HLEN 14
#define VLAN_HLEN 4
#define IP_MAX_MTU 65535u
#define IP6_MAX_MTU (65535u + 40u)
/* Newer than this UAPI header: accepted by the kernel, meaningless without fib rules. */
#define FIB_LOOKUP_MARK (1u << 5)
#define FIB_FLAGS_KNOWN (BPF_FIB_LOOKUP_DIRECT | BPF_FIB_LOOKUP_OUTPUT | \
			 BPF_FIB_LOOKUP_SKIP_NEIGH | BPF_FIB_LOOKUP_TBID | \
			 BPF_FIB_LOOKUP_SRC | FIB_LOOKUP_MARK)

struct route_key {
	uint32_t table;
	uint8_t family;
	uint8_t depth;
	uint8_t pad[2];
	uint8_t dst[16]; /* masked to depth */
};

/*
 * What routes share, as the kernel's fib_info: routes with the same next
 * hop, type, metric and source use one next hop entry, so a lookup over a
 * large table touches one hot entry after the LPM (rte_fib's next hop value
 * is its position + 1).
 */
struct nh_key {
	uint32_t type;
	uint32_t gw_family;
	uint32_t ifindex;
	uint32_t metric;
	uint8_t gw[16];
	uint8_t prefsrc[16];
};

struct nexthop {
	struct xdpdk_fib_route r;	/* dst, depth and table unused */
	uint32_t refs;			/* routes using it */
};

struct neigh_key {
	uint32_t ifindex;
	uint32_t family;
	uint8_t ip[16];
};

struct fib_table {
	uint32_t id;
	struct rte_fib *v4;
	struct rte_fib6 *v6;
};

struct fib_if {
	bool present;
	struct xdpdk_fib_if c;
};

struct xdpdk_fib {
	struct xdpdk_fib_opts o;
	struct rte_hash *routes;	/* route_key -> position in route_nh[] */
	uint32_t *route_nh;		/* the route's next hop: position in nh[] */
	struct rte_hash *nhs;		/* nh_key -> position in nh[] */
	struct nexthop *nh;
	struct rte_hash *neighs;	/* neigh_key -> position in mac[] */
	uint8_t (*mac)[6];
	struct fib_table table[MAX_TABLES];
	uint32_t n_tables;
	uint32_t serial;		/* names the DPDK objects */
	struct fib_if ifs[XDPDK_FIB_MAX_IFINDEX + 1];
};

static struct xdpdk_fib *_Atomic current_fib;
static atomic_uint fib_serial;

void
xdpdk_fib_set_current(struct xdpdk_fib *fib)
{
	atomic_store_explicit(&current_fib, fib, memory_order_release);
}

struct xdpdk_fib *
xdpdk_fib_current(void)
{
	return atomic_load_explicit(&current_fib, memory_order_acquire);
}

static struct rte_hash *
make_hash(const struct xdpdk_fib *fib, const char *what, uint32_t entries, uint32_t key_len)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters p = {
		.name = name, .entries = entries, .key_len = key_len,
		.hash_func = rte_jhash, .socket_id = fib->o.socket_id,
		/* Lookups from workers may run while the control plane writes. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};

	snprintf(name, sizeof(name), "xf%s%d_%u", what, (int)getpid(), fib->serial);
	return rte_hash_create(&p);
}

struct xdpdk_fib *
xdpdk_fib_create(const struct xdpdk_fib_opts *opts)
{
	struct xdpdk_fib *fib = calloc(1, sizeof(*fib));

	if (fib == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if (opts != NULL)
		fib->o = *opts;
	fib->o.max_routes = fib->o.max_routes ? fib->o.max_routes : 65536;
	fib->o.max_neigh = fib->o.max_neigh ? fib->o.max_neigh : 65536;
	fib->o.num_tbl8 = fib->o.num_tbl8 ? fib->o.num_tbl8 : 4096;
	if (opts == NULL || opts->socket_id == 0)
		fib->o.socket_id = SOCKET_ID_ANY;
	fib->serial = atomic_fetch_add(&fib_serial, 1);
	fib->routes = make_hash(fib, "r", fib->o.max_routes, sizeof(struct route_key));
	fib->neighs = make_hash(fib, "n", fib->o.max_neigh, sizeof(struct neigh_key));
	fib->nhs = make_hash(fib, "h", fib->o.max_routes, sizeof(struct nh_key));
	fib->route_nh = calloc(fib->o.max_routes, sizeof(*fib->route_nh));
	fib->nh = calloc(fib->o.max_routes, sizeof(*fib->nh));
	fib->mac = calloc(fib->o.max_neigh, sizeof(*fib->mac));
	if (fib->routes == NULL || fib->neighs == NULL || fib->nhs == NULL ||
	    fib->route_nh == NULL || fib->nh == NULL || fib->mac == NULL) {
		xdpdk_fib_free(fib);
		errno = ENOMEM;
		return NULL;
	}
	return fib;
}

void
xdpdk_fib_free(struct xdpdk_fib *fib)
{
	if (fib == NULL)
		return;
	for (uint32_t i = 0; i < fib->n_tables; i++) {
		rte_fib_free(fib->table[i].v4);
		rte_fib6_free(fib->table[i].v6);
	}
	rte_hash_free(fib->routes);
	rte_hash_free(fib->nhs);
	free(fib->route_nh);
	free(fib->nh);
	rte_hash_free(fib->neighs);
	free(fib->mac);
	free(fib);
}

static const struct fib_table *
find_table(const struct xdpdk_fib *fib, uint32_t id)
{
	for (uint32_t i = 0; i < fib->n_tables; i++)
		if (fib->table[i].id == id)
			return &fib->table[i];
	return NULL;
}

/* The table's LPM structure for @family, created on first use. */
static int
table_for(struct xdpdk_fib *fib, uint32_t id, int family, struct fib_table **out)
{
	struct fib_table *t = (struct fib_table *)find_table(fib, id);
	char name[32]; /* well under rte_fib's name limit */

	if (t == NULL) {
		if (fib->n_tables == MAX_TABLES)
			return -ENOSPC;
		t = &fib->table[fib->n_tables++];
		t->id = id;
	}
	snprintf(name, sizeof(name), "xf%d_%u_%u_%d", (int)getpid(), fib->serial, id, family);
	if (family == AF_INET && t->v4 == NULL) {
		struct rte_fib_conf c = {
			.type = RTE_FIB_DIR24_8, .default_nh = 0,
			.max_routes = (int)fib->o.max_routes,
			.dir24_8 = { .nh_sz = RTE_FIB_DIR24_8_4B, .num_tbl8 = fib->o.num_tbl8 },
		};

		t->v4 = rte_fib_create(name, fib->o.socket_id, &c);
		if (t->v4 == NULL)
			return -rte_errno;
	} else if (family == AF_INET6 && t->v6 == NULL) {
		struct rte_fib6_conf c = {
			.type = RTE_FIB6_TRIE, .default_nh = 0,
			.max_routes = (int)fib->o.max_routes,
			.trie = { .nh_sz = RTE_FIB6_TRIE_4B, .num_tbl8 = fib->o.num_tbl8 },
		};

		t->v6 = rte_fib6_create(name, fib->o.socket_id, &c);
		if (t->v6 == NULL)
			return -rte_errno;
	}
	*out = t;
	return 0;
}

static uint32_t
addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static void
route_key_make(struct route_key *k, uint32_t table, int family, const uint8_t *dst,
	       uint8_t depth)
{
	memset(k, 0, sizeof(*k));
	k->table = table ? table : XDPDK_FIB_TABLE_MAIN;
	k->family = (uint8_t)family;
	k->depth = depth;
	for (uint32_t b = 0; b < depth / 8u; b++)
		k->dst[b] = dst[b];
	if (depth % 8)
		k->dst[depth / 8] = dst[depth / 8] & (uint8_t)(0xff00u >> (depth % 8));
}

static uint32_t
be32_host(const uint8_t *a)
{
	uint32_t v;

	memcpy(&v, a, 4);
	return ntohl(v);
}

/*
 * Lock-free hashes keep a deleted key's slot until it is freed explicitly;
 * free it at once (see fib.h: deletions want workers quiescent).
 */
static int
hash_del(struct rte_hash *h, const void *key)
{
	int32_t pos = rte_hash_del_key(h, key);

	if (pos < 0)
		return -ENOENT;
	rte_hash_free_key_with_position(h, pos);
	return 0;
}

/* The next hop entry for @r's next hop, shared if one exists; a reference is taken. */
static int32_t
nh_get(struct xdpdk_fib *fib, const struct xdpdk_fib_route *r)
{
	struct nh_key k = { .type = r->type, .gw_family = (uint32_t)r->gw_family,
			    .ifindex = r->ifindex, .metric = r->metric };
	int32_t pos;

	memcpy(k.gw, r->gw, sizeof(k.gw));
	memcpy(k.prefsrc, r->prefsrc, sizeof(k.prefsrc));
	pos = rte_hash_lookup(fib->nhs, &k);
	if (pos < 0) {
		pos = rte_hash_add_key(fib->nhs, &k);
		if (pos < 0)
			return pos;
		fib->nh[pos] = (struct nexthop){ .r = *r, .refs = 0 };
		memset(fib->nh[pos].r.dst, 0, sizeof(fib->nh[pos].r.dst));
		fib->nh[pos].r.depth = 0;
		fib->nh[pos].r.table = 0;
	}
	fib->nh[pos].refs++;
	return pos;
}

static void
nh_put(struct xdpdk_fib *fib, uint32_t pos)
{
	const struct xdpdk_fib_route *r = &fib->nh[pos].r;
	struct nh_key k = { .type = r->type, .gw_family = (uint32_t)r->gw_family,
			    .ifindex = r->ifindex, .metric = r->metric };

	if (--fib->nh[pos].refs != 0)
		return;
	memcpy(k.gw, r->gw, sizeof(k.gw));
	memcpy(k.prefsrc, r->prefsrc, sizeof(k.prefsrc));
	hash_del(fib->nhs, &k);
}

int
xdpdk_fib_route_add(struct xdpdk_fib *fib, const struct xdpdk_fib_route *r)
{
	struct route_key k;
	struct fib_table *t = NULL;
	int32_t pos, nh, old = -1;
	int rc;

	if ((r->family != AF_INET && r->family != AF_INET6) ||
	    r->depth > addr_len(r->family) * 8 || r->type > XDPDK_FIB_ROUTE_LOCAL ||
	    (r->type == XDPDK_FIB_ROUTE_UNICAST &&
	     (r->ifindex == 0 || r->ifindex > XDPDK_FIB_MAX_IFINDEX)) ||
	    (r->gw_family != 0 && r->gw_family != AF_INET && r->gw_family != AF_INET6))
		return -EINVAL;
	route_key_make(&k, r->table, r->family, r->dst, r->depth);
	rc = table_for(fib, k.table, r->family, &t);
	if (rc != 0)
		return rc;
	nh = nh_get(fib, r);
	if (nh < 0)
		return nh;
	pos = rte_hash_lookup(fib->routes, &k);
	if (pos >= 0)
		old = (int32_t)fib->route_nh[pos];
	else
		pos = rte_hash_add_key(fib->routes, &k);
	if (pos < 0) {
		nh_put(fib, (uint32_t)nh);
		return pos;
	}
	rc = r->family == AF_INET ? rte_fib_add(t->v4, be32_host(k.dst), k.depth, (uint64_t)nh + 1)
				  : rte_fib6_add(t->v6, k.dst, k.depth, (uint64_t)nh + 1);
	if (rc != 0) {
		nh_put(fib, (uint32_t)nh);
		if (old < 0)
			hash_del(fib->routes, &k);
		return rc;
	}
	fib->route_nh[pos] = (uint32_t)nh;
	if (old >= 0)
		nh_put(fib, (uint32_t)old);
	return 0;
}

int
xdpdk_fib_route_del(struct xdpdk_fib *fib, uint32_t table, int family, const void *dst,
		    uint8_t depth)
{
	struct route_key k;
	const struct fib_table *t;
	int32_t pos;
	int rc;

	if ((family != AF_INET && family != AF_INET6) || depth > addr_len(family) * 8)
		return -EINVAL;
	route_key_make(&k, table, family, dst, depth);
	t = find_table(fib, k.table);
	pos = t == NULL ? -ENOENT : rte_hash_lookup(fib->routes, &k);
	if (pos < 0)
		return -ENOENT;
	rc = family == AF_INET ? rte_fib_delete(t->v4, be32_host(k.dst), depth)
			       : rte_fib6_delete(t->v6, k.dst, depth);
	if (rc != 0)
		return rc;
	nh_put(fib, fib->route_nh[pos]);
	return hash_del(fib->routes, &k);
}

static void
neigh_key_make(struct neigh_key *k, uint32_t ifindex, int family, const void *ip)
{
	memset(k, 0, sizeof(*k));
	k->ifindex = ifindex;
	k->family = (uint32_t)family;
	memcpy(k->ip, ip, addr_len(family));
}

int
xdpdk_fib_neigh_add(struct xdpdk_fib *fib, uint32_t ifindex, int family, const void *ip,
		    const uint8_t mac[6])
{
	struct neigh_key k;
	int32_t pos;

	if (family != AF_INET && family != AF_INET6)
		return -EINVAL;
	neigh_key_make(&k, ifindex, family, ip);
	pos = rte_hash_add_key(fib->neighs, &k);
	if (pos < 0)
		return pos;
	memcpy(fib->mac[pos], mac, 6);
	return 0;
}

int
xdpdk_fib_neigh_del(struct xdpdk_fib *fib, uint32_t ifindex, int family, const void *ip)
{
	struct neigh_key k;

	if (family != AF_INET && family != AF_INET6)
		return -EINVAL;
	neigh_key_make(&k, ifindex, family, ip);
	return hash_del(fib->neighs, &k);
}

int
xdpdk_fib_if_set(struct xdpdk_fib *fib, uint32_t ifindex, const struct xdpdk_fib_if *ifc)
{
	if (ifindex == 0 || ifindex > XDPDK_FIB_MAX_IFINDEX)
		return -EINVAL;
	fib->ifs[ifindex].c = *ifc;
	fib->ifs[ifindex].present = true;
	return 0;
}

void
xdpdk_fib_if_del(struct xdpdk_fib *fib, uint32_t ifindex)
{
	if (ifindex != 0 && ifindex <= XDPDK_FIB_MAX_IFINDEX)
		fib->ifs[ifindex].present = false;
}

static const struct fib_if *
get_if(const struct xdpdk_fib *fib, uint32_t ifindex)
{
	if (fib == NULL || ifindex == 0 || ifindex > XDPDK_FIB_MAX_IFINDEX ||
	    !fib->ifs[ifindex].present)
		return NULL;
	return &fib->ifs[ifindex];
}

/* Longest-prefix match in one table: the route, or NULL. */
static const struct xdpdk_fib_route *
lpm(const struct xdpdk_fib *fib, const struct fib_table *t, int family, const uint8_t *dst)
{
	uint64_t nh = 0;

	if (family == AF_INET) {
		uint32_t ip = be32_host(dst);

		if (t->v4 != NULL)
			rte_fib_lookup_bulk(t->v4, &ip, &nh, 1);
	} else if (t->v6 != NULL) {
		uint8_t ip[1][RTE_FIB6_IPV6_ADDR_SIZE];

		memcpy(ip[0], dst, 16);
		rte_fib6_lookup_bulk(t->v6, ip, &nh, 1);
	}
	return nh == 0 ? NULL : &fib->nh[nh - 1].r;
}

/*
 * IPv4 with an output interface: fib_table_lookup skips routes whose next hop
 * is on another device and backtracks to shorter prefixes; reject routes
 * (blackhole, unreachable, prohibit) answer whatever the device.
 */
static const struct xdpdk_fib_route *
lpm_oif(const struct xdpdk_fib *fib, const struct fib_table *t, const uint8_t *dst,
	uint32_t oif)
{
	for (int depth = 32; depth >= 0; depth--) {
		const struct xdpdk_fib_route *r;
		struct route_key k;
		int32_t pos;

		route_key_make(&k, t->id, AF_INET, dst, (uint8_t)depth);
		pos = rte_hash_lookup(fib->routes, &k);
		if (pos < 0)
			continue;
		r = &fib->nh[fib->route_nh[pos]].r;
		if (r->type != XDPDK_FIB_ROUTE_UNICAST || r->ifindex == oif)
			return r;
	}
	return NULL;
}

/*
 * The route for @dst: one table when DIRECT (main or TBID; a missing table is
 * NOT_FWDED), else the default rules' order local, main, default.
 */
static int
route_lookup(const struct xdpdk_fib *fib, struct bpf_fib_lookup *p, uint32_t flags, int family,
	     const uint8_t *dst, uint32_t oif, const struct xdpdk_fib_route **out)
{
	static const uint32_t rules[] = { TABLE_LOCAL, XDPDK_FIB_TABLE_MAIN, TABLE_DEFAULT };
	const struct xdpdk_fib_route *r = NULL;

	if (flags & BPF_FIB_LOOKUP_DIRECT) {
		uint32_t id = XDPDK_FIB_TABLE_MAIN;
		const struct fib_table *t;

		if (flags & BPF_FIB_LOOKUP_TBID) {
			id = p->tbid;
			p->tbid = 0; /* zeroed for the vlan output fields, as the kernel */
		}
		t = find_table(fib, id);
		if (t == NULL)
			return BPF_FIB_LKUP_RET_NOT_FWDED;
		r = oif ? lpm_oif(fib, t, dst, oif) : lpm(fib, t, family, dst);
	} else {
		for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]) && r == NULL; i++) {
			const struct fib_table *t = find_table(fib, rules[i]);

			if (t != NULL)
				r = oif ? lpm_oif(fib, t, dst, oif) : lpm(fib, t, family, dst);
		}
	}
	*out = r;
	return 0;
}

static int
reject_code(const struct xdpdk_fib_route *r)
{
	switch (r->type) {
	case XDPDK_FIB_ROUTE_UNICAST:
		return BPF_FIB_LKUP_RET_SUCCESS;
	case XDPDK_FIB_ROUTE_BLACKHOLE:
		return BPF_FIB_LKUP_RET_BLACKHOLE;
	case XDPDK_FIB_ROUTE_UNREACHABLE:
		return BPF_FIB_LKUP_RET_UNREACHABLE;
	case XDPDK_FIB_ROUTE_PROHIBIT:
		return BPF_FIB_LKUP_RET_PROHIBIT;
	default:
		return BPF_FIB_LKUP_RET_NOT_FWDED;
	}
}

static bool
all_zero(const uint8_t *a, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (a[i] != 0)
			return false;
	return true;
}

/* rt6_need_strict: multicast, link-local and loopback addresses are never forwarded. */
static bool
v6_strict(const uint8_t *a)
{
	static const uint8_t loopback[16] = { [15] = 1 };

	return a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
	       memcmp(a, loopback, 16) == 0;
}

/*
 * The source address of a packet leaving through @ifindex: its own, else (as
 * inet_select_addr and IPv6 source selection fall back to other devices)
 * the first interface's that has one; NULL if none has.
 */
static const uint8_t *
if_source(const struct xdpdk_fib *fib, uint32_t ifindex, int family)
{
	const struct fib_if *e = get_if(fib, ifindex);
	const uint8_t *a;

	if (e != NULL) {
		a = family == AF_INET ? e->c.addr4 : e->c.addr6;
		if (!all_zero(a, addr_len(family)))
			return a;
	}
	for (uint32_t i = 1; i <= XDPDK_FIB_MAX_IFINDEX; i++) {
		if (!fib->ifs[i].present)
			continue;
		a = family == AF_INET ? fib->ifs[i].c.addr4 : fib->ifs[i].c.addr6;
		if (!all_zero(a, addr_len(family)))
			return a;
	}
	return NULL;
}

/* Both families after the route is found: MTU, next hop, source, neighbour. */
static int
forward(const struct xdpdk_fib *fib, struct bpf_fib_lookup *p, uint32_t flags, int family,
	const struct xdpdk_fib_route *r)
{
	const struct fib_if *eif = get_if(fib, r->ifindex);
	uint8_t *dst = family == AF_INET ? (uint8_t *)&p->ipv4_dst : (uint8_t *)p->ipv6_dst;
	uint8_t *src = family == AF_INET ? (uint8_t *)&p->ipv4_src : (uint8_t *)p->ipv6_src;
	const uint8_t *ifsrc;
	struct neigh_key nk;
	uint32_t mtu;
	int32_t pos;

	if (eif == NULL)
		return BPF_FIB_LKUP_RET_NOT_FWDED; /* the device is gone: so is the route */
	mtu = eif->c.mtu < (family == AF_INET ? IP_MAX_MTU : IP6_MAX_MTU) ?
		      eif->c.mtu : (family == AF_INET ? IP_MAX_MTU : IP6_MAX_MTU);
	if (p->tot_len > mtu) {
		p->mtu_result = (uint16_t)mtu;
		return BPF_FIB_LKUP_RET_FRAG_NEEDED;
	}
	p->rt_metric = r->metric;
	p->ifindex = r->ifindex;
	if (flags & BPF_FIB_LOOKUP_SRC) {
		ifsrc = all_zero(r->prefsrc, addr_len(family)) ? if_source(fib, r->ifindex, family)
							       : r->prefsrc;
		if (ifsrc == NULL)
			return BPF_FIB_LKUP_RET_NO_SRC_ADDR;
		memcpy(src, ifsrc, addr_len(family));
	}
	if (r->gw_family == AF_INET6 && family == AF_INET) {
		/* An IPv4 route via an IPv6 gateway (RFC 5549): the answer turns IPv6. */
		p->family = AF_INET6;
		dst = (uint8_t *)p->ipv6_dst;
		family = AF_INET6;
	}
	if (r->gw_family != 0)
		memcpy(dst, r->gw, addr_len(r->gw_family));
	if (!(flags & BPF_FIB_LOOKUP_SKIP_NEIGH)) {
		neigh_key_make(&nk, r->ifindex, family, dst);
		pos = rte_hash_lookup(fib->neighs, &nk);
		if (pos < 0)
			return BPF_FIB_LKUP_RET_NO_NEIGH;
		memcpy(p->dmac, fib->mac[pos], 6);
		memcpy(p->smac, eif->c.mac, 6);
	}
	/* bpf_fib_set_fwd_params */
	p->h_vlan_TCI = 0;
	p->h_vlan_proto = 0;
	p->mtu_result = (uint16_t)mtu;
	return BPF_FIB_LKUP_RET_SUCCESS;
}

static int
fib_lookup(const struct xdpdk_fib *fib, struct bpf_fib_lookup *p, uint32_t flags)
{
	const int family = p->family;
	const struct fib_if *in = get_if(fib, p->ifindex);
	const struct xdpdk_fib_route *r;
	uint8_t dst[16];
	int rc;

	if (in == NULL)
		return -ENODEV;
	if (!(family == AF_INET ? in->c.forwarding : in->c.forwarding6))
		return BPF_FIB_LKUP_RET_FWD_DISABLED;
	if (family == AF_INET6 &&
	    (v6_strict((const uint8_t *)p->ipv6_dst) || v6_strict((const uint8_t *)p->ipv6_src)))
		return BPF_FIB_LKUP_RET_NOT_FWDED;
	memcpy(dst, family == AF_INET ? (const void *)&p->ipv4_dst : (const void *)p->ipv6_dst,
	       addr_len(family));
	/* Only IPv4 filters next hops by the output device (see lpm_oif). */
	rc = route_lookup(fib, p, flags, family, dst,
			  family == AF_INET && (flags & BPF_FIB_LOOKUP_OUTPUT) ? p->ifindex : 0,
			  &r);
	if (rc != 0)
		return rc;
	if (r == NULL)
		return BPF_FIB_LKUP_RET_NOT_FWDED; /* -ENETUNREACH in the kernel's lookup */
	rc = reject_code(r);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return rc;
	return forward(fib, p, flags, family, r);
}

uint64_t
xdpdk_h_xdp_fib_lookup(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct bpf_fib_lookup *p = (struct bpf_fib_lookup *)(uintptr_t)r2;
	const uint32_t flags = (uint32_t)r4;

	(void)r1, (void)r5;
	if ((int32_t)r3 < (int32_t)sizeof(*p) || (flags & ~FIB_FLAGS_KNOWN) != 0)
		return (uint64_t)-EINVAL;
	if (p->family != AF_INET && p->family != AF_INET6)
		return (uint64_t)-EAFNOSUPPORT;
	return (uint64_t)(int64_t)fib_lookup(xdpdk_fib_current(), p, flags);
}

/*
 * bpf_xdp_check_mtu: the linear length (or *mtu_len as L3 length) plus
 * len_diff against the device's MTU plus its Ethernet header; ifindex 0 is
 * the receiving device. XDP has no segment check: any flag is -EINVAL.
 */
uint64_t
xdpdk_h_xdp_check_mtu(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	const struct xdpdk_xdp_ctx *x = (const struct xdpdk_xdp_ctx *)(uintptr_t)r1;
	uint32_t *mtu_len = (uint32_t *)(uintptr_t)r3;
	const uint32_t ifindex = (uint32_t)r2 ? (uint32_t)r2 : x->ingress_ifindex;
	const struct fib_if *dev;
	int32_t len = (int32_t)(x->data_end - x->data);
	int mtu;

	if (r5 != 0)
		return (uint64_t)-EINVAL;
	dev = get_if(xdpdk_fib_current(), ifindex);
	if (dev == NULL)
		return (uint64_t)-ENODEV;
	mtu = (int)dev->c.mtu;
	/* int arithmetic that wraps, as the kernel's (-fno-strict-overflow). */
	if (*mtu_len != 0)
		len = (int32_t)(*mtu_len + ETH_HLEN);
	len = (int32_t)((uint32_t)len + (uint32_t)r4);
	*mtu_len = (uint32_t)mtu;
	return len > mtu + ETH_HLEN ? BPF_MTU_CHK_RET_FRAG_NEEDED : BPF_MTU_CHK_RET_SUCCESS;
}

int
xdpdk_fib_route_walk(const struct xdpdk_fib *fib,
		     int (*fn)(const struct xdpdk_fib_route *r, void *arg), void *arg)
{
	const void *key;
	void *data;
	uint32_t iter = 0;
	int32_t pos;
	int rc;

	while ((pos = rte_hash_iterate(fib->routes, &key, &data, &iter)) >= 0) {
		const struct route_key *k = key;
		struct xdpdk_fib_route r = fib->nh[fib->route_nh[pos]].r;

		r.family = k->family;
		r.depth = k->depth;
		r.table = k->table;
		memcpy(r.dst, k->dst, sizeof(r.dst));
		rc = fn(&r, arg);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
xdpdk_fib_if_get(const struct xdpdk_fib *fib, uint32_t ifindex, struct xdpdk_fib_if *out)
{
	const struct fib_if *e = get_if(fib, ifindex);

	if (e == NULL)
		return -ENODEV;
	if (out != NULL)
		*out = e->c;
	return 0;
}

/*
 * bpf_skb_fib_lookup: as XDP's, but the MTU is checked against tot_len only
 * when the program gave one; otherwise, on success, the skb's length
 * against the egress device (is_skb_forwardable: MTU + MAC header + a VLAN
 * tag; GSO packets pass), and mtu_result is the device's MTU.
 */
uint64_t
xdpdk_h_skb_fib_lookup(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	const struct xdpdk_skb_ctx *s = (const struct xdpdk_skb_ctx *)(uintptr_t)r1;
	struct bpf_fib_lookup *p = (struct bpf_fib_lookup *)(uintptr_t)r2;
	const struct xdpdk_fib *fib = xdpdk_fib_current();
	const uint32_t flags = (uint32_t)r4;
	const struct fib_if *dev;
	bool check_mtu;
	int rc;

	(void)r5;
	if ((int32_t)r3 < (int32_t)sizeof(*p) || (flags & ~FIB_FLAGS_KNOWN) != 0)
		return (uint64_t)-EINVAL;
	check_mtu = p->tot_len != 0;
	if (p->family != AF_INET && p->family != AF_INET6)
		return (uint64_t)-EAFNOSUPPORT;
	rc = fib_lookup(fib, p, flags);
	if (rc == BPF_FIB_LKUP_RET_SUCCESS && !check_mtu) {
		dev = get_if(fib, p->ifindex);
		if (s->len > dev->c.mtu + ETH_HLEN + VLAN_HLEN && s->gso_size == 0)
			rc = BPF_FIB_LKUP_RET_FRAG_NEEDED;
		p->mtu_result = (uint16_t)dev->c.mtu;
	}
	return (uint64_t)(int64_t)rc;
}

/* The IP header's length at the network header, for the GSO segment check. */
static uint32_t
l3_hlen(const struct xdpdk_skb_ctx *s)
{
	const uint8_t *l3 = s->data + s->network_off;

	if (s->protocol == htons(0x0800) && l3 + 20 <= s->data_end)
		return (uint32_t)(l3[0] & 15) * 4;
	if (s->protocol == htons(0x86dd))
		return 40;
	return 0;
}

/*
 * bpf_skb_check_mtu: the skb's length (or *mtu_len as an L3 length) plus
 * len_diff against the device's MTU + MAC header; a GSO packet passes
 * unless BPF_MTU_CHK_SEGS asks for its segments to be checked. *mtu_len
 * gets the MTU, except on the errors, which return before (as the kernel's).
 */
uint64_t
xdpdk_h_skb_check_mtu(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	const struct xdpdk_skb_ctx *s = (const struct xdpdk_skb_ctx *)(uintptr_t)r1;
	uint32_t *mtu_len = (uint32_t *)(uintptr_t)r3;
	const uint32_t ifindex = (uint32_t)r2 ? (uint32_t)r2 : s->ifindex;
	int64_t ret = BPF_MTU_CHK_RET_FRAG_NEEDED;
	const struct fib_if *dev;
	int32_t skb_len;
	int mtu;

	if (r5 & ~(uint64_t)BPF_MTU_CHK_SEGS)
		return (uint64_t)-EINVAL;
	if ((r5 & BPF_MTU_CHK_SEGS) && ((int32_t)r4 != 0 || *mtu_len != 0))
		return (uint64_t)-EINVAL;
	dev = get_if(xdpdk_fib_current(), ifindex);
	if (dev == NULL)
		return (uint64_t)-ENODEV;
	mtu = (int)dev->c.mtu;
	/* int arithmetic that wraps, as the kernel's (-fno-strict-overflow). */
	skb_len = *mtu_len ? (int32_t)(*mtu_len + ETH_HLEN) : (int32_t)s->len;
	skb_len = (int32_t)((uint32_t)skb_len + (uint32_t)r4);
	if (skb_len <= mtu + ETH_HLEN) {
		ret = BPF_MTU_CHK_RET_SUCCESS;
	} else if (s->gso_size) {
		ret = BPF_MTU_CHK_RET_SUCCESS;
		if ((r5 & BPF_MTU_CHK_SEGS) && l3_hlen(s) + s->gso_size > (uint32_t)mtu)
			ret = BPF_MTU_CHK_RET_SEGS_TOOBIG;
	}
	*mtu_len = (uint32_t)mtu;
	return (uint64_t)ret;
}

int
xdpdk_tc_redirect_neigh_eth(const struct xdpdk_tc_redirect *rd, const uint8_t *l3,
			    uint32_t l3_len, uint16_t proto, uint8_t eth[14])
{
	const struct xdpdk_fib *fib = xdpdk_fib_current();
	const struct fib_if *dev = get_if(fib, rd->ifindex);
	const struct xdpdk_fib_route *r = NULL;
	struct bpf_fib_lookup p = { 0 };
	const uint8_t *nh;
	struct neigh_key nk;
	int family, nh_family;
	int32_t pos;

	if (proto == htons(0x0800))
		family = AF_INET;
	else if (proto == htons(0x86dd))
		family = AF_INET6;
	else
		return -EAFNOSUPPORT;
	if (l3_len < (family == AF_INET ? 20u : 40u))
		return -EINVAL;
	if (dev == NULL)
		return -ENODEV;
	if (rd->flags & XDPDK_TC_REDIR_NEXTHOP) {
		nh_family = (int)rd->nh_family;
		nh = rd->nh_addr;
		/* An IPv4 packet may go via an IPv6 next hop; not the reverse. */
		if (nh_family != AF_INET6 && (nh_family != AF_INET || family != AF_INET))
			return -EAFNOSUPPORT;
	} else {
		const uint8_t *dst = l3 + (family == AF_INET ? 16 : 24);

		p.ifindex = rd->ifindex;
		route_lookup(fib, &p, 0, family, dst, family == AF_INET ? rd->ifindex : 0, &r);
		if (r == NULL || (r->type != XDPDK_FIB_ROUTE_UNICAST &&
				  r->type != XDPDK_FIB_ROUTE_LOCAL))
			return -ENETUNREACH;
		nh_family = r->gw_family ? r->gw_family : family;
		nh = r->gw_family ? r->gw : dst;
	}
	neigh_key_make(&nk, rd->ifindex, nh_family, nh);
	pos = rte_hash_lookup(fib->neighs, &nk);
	if (pos < 0)
		return -ENOENT;
	memcpy(eth, fib->mac[pos], 6);
	memcpy(eth + 6, dev->c.mac, 6);
	memcpy(eth + 12, &proto, 2);
	return 0;
}
