/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * xdpdk's routing and neighbour table, which bpf_fib_lookup() and
 * bpf_check_mtu() consult in place of the kernel's: routes per table id on
 * rte_fib (IPv4) and rte_fib6 (IPv6), neighbours (ip → MAC) per ifindex, and
 * per-ifindex MTU, MAC, source addresses and forwarding switches.
 *
 * Programs reach the table through one process-wide current table,
 * xdpdk_fib_set_current(), set by the dataplane or config before workers
 * start. The table is filled from the control plane; lookups are lock-free
 * and allocate nothing. Writers (route/neigh/interface calls) must be
 * serialised by the caller; a writer running while workers look up is safe
 * for routes (rte_fib updates entries atomically) but a route's next hop and
 * a neighbour's MAC are plain copies that a concurrent lookup may see half
 * written: change them in a quiescent period, or replace the whole table and
 * swap the current pointer after an RCU grace period.
 */
#ifndef XDPDK_FIB_H
#define XDPDK_FIB_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Largest ifindex the interface table holds. */
#define XDPDK_FIB_MAX_IFINDEX 4095
/** The kernel's main routing table (RT_TABLE_MAIN): table 0 means it too. */
#define XDPDK_FIB_TABLE_MAIN 254

struct xdpdk_fib;

/** Sizes; zero means the default given. */
struct xdpdk_fib_opts {
	uint32_t max_routes;	/**< routes over all tables and families (65536) */
	uint32_t max_neigh;	/**< neighbour entries (65536) */
	uint32_t num_tbl8;	/**< rte_fib tbl8 groups per table: routes longer than /24 (4096) */
	int socket_id;		/**< NUMA socket for the tables (SOCKET_ID_ANY) */
};

/** Route types, as the kernel's RTN_*; the lookup result follows the kernel's. */
enum xdpdk_fib_route_type {
	XDPDK_FIB_ROUTE_UNICAST = 0,	/**< forward (BPF_FIB_LKUP_RET_SUCCESS) */
	XDPDK_FIB_ROUTE_BLACKHOLE,	/**< BPF_FIB_LKUP_RET_BLACKHOLE */
	XDPDK_FIB_ROUTE_UNREACHABLE,	/**< BPF_FIB_LKUP_RET_UNREACHABLE */
	XDPDK_FIB_ROUTE_PROHIBIT,	/**< BPF_FIB_LKUP_RET_PROHIBIT */
	XDPDK_FIB_ROUTE_LOCAL,		/**< delivered locally: BPF_FIB_LKUP_RET_NOT_FWDED */
};

/** One route. Addresses are in network byte order, as in packets. */
struct xdpdk_fib_route {
	int family;			/**< AF_INET or AF_INET6 */
	uint8_t dst[16];		/**< prefix (4 bytes used for AF_INET) */
	uint8_t depth;			/**< prefix length */
	uint32_t table;			/**< table id; 0: XDPDK_FIB_TABLE_MAIN */
	enum xdpdk_fib_route_type type;
	int gw_family;			/**< 0: directly connected; AF_INET or AF_INET6 */
	uint8_t gw[16];			/**< gateway (next hop) */
	uint32_t ifindex;		/**< egress interface (unicast routes) */
	uint32_t metric;		/**< reported as bpf_fib_lookup.rt_metric */
	uint8_t prefsrc[16];		/**< preferred source; zero: the interface's */
};

/** Interface settings, by ifindex. */
struct xdpdk_fib_if {
	uint32_t mtu;			/**< L3 MTU (dev->mtu) */
	uint8_t mac[6];			/**< source MAC of forwarded packets */
	bool forwarding;		/**< net.ipv4.conf.IF.forwarding */
	bool forwarding6;		/**< net.ipv6.conf.IF.forwarding */
	uint8_t addr4[4];		/**< source address for BPF_FIB_LOOKUP_SRC; zero: none */
	uint8_t addr6[16];		/**< IPv6 one; zero: none */
};

/** Create an empty table. NULL with errno set on failure. */
struct xdpdk_fib *xdpdk_fib_create(const struct xdpdk_fib_opts *opts);
/** Free a table (NULL is accepted). It must not be the current one any more. */
void xdpdk_fib_free(struct xdpdk_fib *fib);

/** Add or replace the route for (table, family, dst/depth). 0 or -errno. */
int xdpdk_fib_route_add(struct xdpdk_fib *fib, const struct xdpdk_fib_route *r);
/** Delete a route. 0, -ENOENT if there is none, or -errno. */
int xdpdk_fib_route_del(struct xdpdk_fib *fib, uint32_t table, int family, const void *dst,
			uint8_t depth);

/**
 * Call @p fn for every route, in no particular order, stopping at the first
 * non-zero return, which is returned. The table must not change meanwhile.
 */
int xdpdk_fib_route_walk(const struct xdpdk_fib *fib,
			 int (*fn)(const struct xdpdk_fib_route *r, void *arg), void *arg);

/** Add or replace the neighbour @p ip (network order) on @p ifindex. 0 or -errno. */
int xdpdk_fib_neigh_add(struct xdpdk_fib *fib, uint32_t ifindex, int family, const void *ip,
			const uint8_t mac[6]);
/** Delete a neighbour. 0, -ENOENT or -errno. */
int xdpdk_fib_neigh_del(struct xdpdk_fib *fib, uint32_t ifindex, int family, const void *ip);

/** Create or change interface @p ifindex (1..XDPDK_FIB_MAX_IFINDEX). 0 or -EINVAL. */
int xdpdk_fib_if_set(struct xdpdk_fib *fib, uint32_t ifindex, const struct xdpdk_fib_if *ifc);
/** Interface @p ifindex's settings into @p out (may be NULL): 0, or -ENODEV. */
int xdpdk_fib_if_get(const struct xdpdk_fib *fib, uint32_t ifindex, struct xdpdk_fib_if *out);
/** Remove interface @p ifindex: lookups through it then fail with -ENODEV. */
void xdpdk_fib_if_del(struct xdpdk_fib *fib, uint32_t ifindex);

/**
 * Make @p fib the table that bpf_fib_lookup() and bpf_check_mtu() use in this
 * process (NULL: none; the helpers then answer as for an unknown device,
 * -ENODEV). Set it before workers start or swap it under RCU.
 */
void xdpdk_fib_set_current(struct xdpdk_fib *fib);
/** The current table, or NULL. */
struct xdpdk_fib *xdpdk_fib_current(void);

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_FIB_H */
