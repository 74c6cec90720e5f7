/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The dataplane: EAL start-up, ports, worker lcores, the burst loop, verdicts,
 * redirect targets and the exception path.
 *
 * One dataplane per process (DPDK ports are process-global). Ports are named
 * by their xdpdk ifindex, which programs use with bpf_redirect() and devmap
 * entries. A configuration layer drives it in this order:
 * xdpdk_dp_init() → xdpdk_dp_port_add()... → xdpdk_dp_poll_add()... (or
 * xdpdk_dp_poll_default()) → xdpdk_dp_port_set_prog() → xdpdk_dp_start() →
 * ... → xdpdk_dp_stop() → xdpdk_dp_fini().
 */
#ifndef XDPDK_DATAPLANE_H
#define XDPDK_DATAPLANE_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct xdpdk_prog;
struct xdpdk_map;
struct rte_mempool;

/**
 * Start DPDK's EAL for a tool that needs DPDK memory (maps) but no ports:
 * one lcore, no PCI, in-memory (no files left behind, no hugepages needed),
 * a file prefix unique to the process, DPDK logs at warnings and above.
 * Extra EAL arguments (e.g. "--huge-dir=..."), may be NULL/0.
 * Idempotent: later calls return 0.
 * @return 0, or -errno with a message on stderr naming @p who.
 */
int xdpdk_eal_init_tool(const char *who, int n_extra, char **extra);

/**
 * As xdpdk_eal_init_tool() but with the lcore list @p lcores ("-l"/"--lcores"
 * syntax, e.g. "0-1" or "(0-2)@(0-1)") so that worker lcores exist, and vdevs
 * allowed. --no-huge when no hugepage is free, or when @p no_huge.
 */
int xdpdk_eal_init_dataplane(const char *who, const char *lcores, bool no_huge, int n_extra,
			     char **extra);

/** Stop the EAL started by xdpdk_eal_init_tool(), if any. */
void xdpdk_eal_cleanup_tool(void);

/* ---- the dataplane ------------------------------------------------------ */

/** Largest burst a worker receives. */
#define XDPDK_DP_MAX_BURST 64
/** Largest xdpdk ifindex. */
#define XDPDK_DP_MAX_IFINDEX 1024
/** Most (port, queue) pairs one worker polls. */
#define XDPDK_DP_MAX_POLL 16
/** Most workers. */
#define XDPDK_DP_MAX_WORKERS 32

/** Options of xdpdk_dp_init(); zero means default. */
struct xdpdk_dp_opts {
	/**
	 * Worker lcores, in worker-index order (worker i is per-CPU slot i).
	 * n_workers 0: every EAL worker lcore (not the main one).
	 */
	uint32_t n_workers;
	const unsigned int *lcores;
	uint32_t burst;			/**< RX burst (default 32, at most XDPDK_DP_MAX_BURST) */
	bool no_prog_cycles;		/**< do not time programs at all */
	/**
	 * Time one burst in 2^prog_cycles_shift (default 3: one in 8); TSC
	 * reads are slow on some virtual machines.
	 */
	uint32_t prog_cycles_shift;
	bool no_telemetry;		/**< do not register the /xdpdk/ telemetry endpoints */
};

/**
 * Set the dataplane up: workers, the RCU variable the maps use (one
 * quiescent report per burst), the per-CPU slot count (maps must not exist
 * yet: the maps component refuses to change it then), telemetry.
 * @return 0; -EBUSY (already up), -EINVAL, -ENOMEM.
 */
int xdpdk_dp_init(const struct xdpdk_dp_opts *opts);
/**
 * Stop everything, close the ports, free the pools; safe when not
 * initialised. Free the maps first: cpumap entries' rings are released
 * through the dataplane's hooks, which end here.
 */
void xdpdk_dp_fini(void);
/** The number of workers. */
uint32_t xdpdk_dp_n_workers(void);

/** What happens to XDP_PASS packets of a port. */
enum xdpdk_exception_kind {
	XDPDK_EXC_DROP = 0,	/**< drop and count */
	XDPDK_EXC_PORT,		/**< send out of another xdpdk port (exception_ifindex) */
	XDPDK_EXC_TAP,		/**< a net_tap port created for it (exception_tap names it) */
};

/** Options of xdpdk_dp_port_add(); zero means default. */
struct xdpdk_port_opts {
	/**
	 * The device: a vdev's devargs ("net_null0", "net_pcap0,rx_pcap=a,tx_pcap=b",
	 * "net_ring0", "net_tap0,iface=xd0") which is created, or the name of a
	 * port DPDK already has (a PCI address).
	 */
	const char *devargs;
	uint32_t ifindex;		/**< 0: the lowest free one, from 1 */
	uint16_t n_rxq;			/**< default 1 */
	uint16_t n_txq;			/**< default: one per worker, so TX needs no lock */
	uint16_t rx_desc;		/**< default 1024 */
	uint16_t tx_desc;		/**< default 1024 */
	uint16_t mtu;			/**< 0: the device's */
	int promisc;			/**< 0: on, 1: on, -1: off */
	uint32_t pool_size;		/**< mbufs in the port's pool (0: from queues and descriptors) */
	bool no_poll;			/**< not polled by xdpdk_dp_poll_default() (TX-only ports) */
	enum xdpdk_exception_kind exception;
	uint32_t exception_ifindex;	/**< XDPDK_EXC_PORT */
	const char *exception_tap;	/**< XDPDK_EXC_TAP: the TAP interface name */
};

/**
 * Add a port: probe the vdev (or find the device), configure queues, pool
 * (256 bytes of headroom for XDP), MTU, promiscuous mode.
 * @return its ifindex (> 0); -EEXIST (ifindex taken), -ENODEV (no such
 *   device), -EINVAL, -ENOMEM, -ENOSPC (no free ifindex), or DPDK's error.
 */
int xdpdk_dp_port_add(const struct xdpdk_port_opts *opts);
/** The DPDK port id of @p ifindex; -ENODEV. */
int xdpdk_dp_port_id(uint32_t ifindex);
/** The port's name as DPDK knows it, or NULL. */
const char *xdpdk_dp_port_name(uint32_t ifindex);
/** The port's mbuf pool (borrowed), or NULL. */
struct rte_mempool *xdpdk_dp_port_pool(uint32_t ifindex);
/** The exception port's ifindex (TAP or other port), 0 when PASS drops. */
uint32_t xdpdk_dp_port_exception(uint32_t ifindex);
/**
 * Attach @p prog (XDP, borrowed: keep it alive until detached and a grace
 * period has passed) to @p ifindex; NULL detaches (packets then take the
 * XDP_PASS path). Safe while workers run: the swap is one atomic store and
 * returns after a grace period, so the old program may be freed then.
 * @return 0; -ENODEV, -EINVAL (not an XDP program).
 */
int xdpdk_dp_port_set_prog(uint32_t ifindex, const struct xdpdk_prog *prog);

/** A port's TC hooks (clsact ingress and egress). */
enum xdpdk_tc_hook {
	XDPDK_TC_INGRESS = 0,
	XDPDK_TC_EGRESS = 1,
};

/**
 * Attach a TC program (__sk_buff; "tc", "classifier", "tcx/ingress" ...
 * sections) to a port's ingress or egress hook, in direct-action mode as
 * clsact runs it; NULL detaches. Ingress sees what XDP passed (and what a
 * port without an XDP program receives) on its way to the exception path;
 * egress sees what the exception port (the host) sends out of the port.
 * Verdicts as sch_handle_ingress/egress: TC_ACT_OK, UNSPEC, PIPE,
 * RECLASSIFY go on; TC_ACT_SHOT drops; STOLEN, QUEUED, TRAP consume;
 * TC_ACT_REDIRECT sends where bpf_redirect/_peer/_neigh said: out of a
 * port, or with BPF_F_INGRESS (and _peer) into its exception path. Safe
 * while workers run (one atomic store, returns after a grace period).
 * @return 0; -ENODEV, -EINVAL (not a TC program, bad hook).
 */
int xdpdk_dp_port_set_tc(uint32_t ifindex, enum xdpdk_tc_hook hook,
			 const struct xdpdk_prog *prog);

/** Most programs on one XDP hook. */
#define XDPDK_DP_MAX_CHAIN 16

/** One program of a hook's chain. */
struct xdpdk_dp_chain_prog {
	const struct xdpdk_prog *prog;	/**< XDP, borrowed as for xdpdk_dp_port_set_prog() */
	/** verdicts after which the next program runs: bit (1 << XDP_*); libxdp's
	 *  default is (1 << XDP_PASS). Ignored for the last program. */
	uint32_t chain_call_actions;
};

/**
 * Run @p n programs on @p ifindex's XDP hook, in this order, with libxdp's
 * dispatcher semantics: a packet goes to the next program when the verdict
 * of the one before is in its chain_call_actions, else that verdict is
 * final; the last program's verdict is final. Unlike a dispatcher program,
 * a chain costs nothing per program that a packet does not reach, and a
 * one-program chain is exactly xdpdk_dp_port_set_prog(). The whole chain is
 * replaced at once (one atomic store; workers read it once per burst), and
 * this returns after an RCU grace period. n 0 detaches.
 * @return 0; -ENODEV, -EINVAL (not XDP programs, n too big), -ENOMEM.
 */
int xdpdk_dp_port_set_chain(uint32_t ifindex, const struct xdpdk_dp_chain_prog *progs,
			    uint32_t n);

/** One port's new chain, for xdpdk_dp_set_chains(). */
struct xdpdk_dp_port_chain {
	uint32_t ifindex;
	const struct xdpdk_dp_chain_prog *progs;
	uint32_t n;
};

/**
 * Replace the chains of several ports in one step: every chain is checked
 * and built first (nothing changes if one is refused), then all are
 * published and one grace period covers them all. Each port's workers take
 * its new chain at their next burst of it.
 * @return 0; -ENODEV, -EINVAL, -ENOMEM as xdpdk_dp_port_set_chain().
 */
int xdpdk_dp_set_chains(const struct xdpdk_dp_port_chain *sets, uint32_t n);
/**
 * Administrative state: a down port is not polled, and TX/redirect to it is
 * dropped and counted (as ndo_xdp_xmit's -ENETDOWN). Ports start up.
 */
int xdpdk_dp_port_set_up(uint32_t ifindex, bool up);

/**
 * Make worker @p worker poll RX queue @p queue of @p ifindex. Each pair is
 * polled by one worker. Before xdpdk_dp_start().
 * @return 0; -ENODEV, -EINVAL (queue or worker out of range), -EEXIST, -ENOSPC.
 */
int xdpdk_dp_poll_add(uint32_t worker, uint32_t ifindex, uint16_t queue);
/** Every RX queue of every port (not no_poll ones) round-robin over the workers. */
int xdpdk_dp_poll_default(void);

/**
 * Start the ports and launch the workers on their lcores. Workers whose lcore
 * is the calling one are not launched: the caller drives them with
 * xdpdk_dp_worker_poll().
 */
int xdpdk_dp_start(void);
/** Stop the workers (each finishes and flushes its burst) and the ports. */
void xdpdk_dp_stop(void);

/**
 * Make the calling thread worker @p worker (per-CPU slot, redirect state):
 * for tools and tests that poll in place.
 */
int xdpdk_dp_worker_enter(uint32_t worker);
/**
 * One round of worker @p worker on the calling thread (which entered it):
 * every queue polled once, every queue flushed.
 * @return packets received.
 */
uint32_t xdpdk_dp_worker_poll(uint32_t worker);

/**
 * A handle for @p prog (XDP) that devmap and cpumap values name in
 * bpf_prog.fd, as the kernel's program fd: the entry's program.
 * @return the handle (> 0); -EINVAL, -ENOSPC.
 */
int xdpdk_dp_prog_register(const struct xdpdk_prog *prog);
/** Forget a handle (entries already stored keep their program). */
void xdpdk_dp_prog_unregister(int handle);

/* ---- stats -------------------------------------------------------------- */

/** Index of a verdict in the action counters: the XDP action, 5 for out of range. */
#define XDPDK_DP_N_ACTIONS 6

/** Counters; summed over workers (port), ports (worker) or one queue. */
struct xdpdk_dp_stats {
	uint64_t rx_packets, rx_bytes;
	uint64_t action_packets[XDPDK_DP_N_ACTIONS];	/**< by verdict: ABORTED..REDIRECT, bad */
	uint64_t action_bytes[XDPDK_DP_N_ACTIONS];
	uint64_t no_prog;		/**< received without a program: took the PASS path */
	uint64_t runt;			/**< shorter than an Ethernet header: dropped */
	uint64_t oversize;		/**< multi-segment for a non-frags program: dropped */
	uint64_t redirect_err;		/**< no target, missing entry, bad flags: dropped */
	uint64_t redirect_down;		/**< target port down: dropped */
	uint64_t ring_full;		/**< cpumap/xsk ring full: dropped */
	uint64_t exception_pkts;	/**< XDP_PASS sent to the exception port */
	uint64_t exception_drop;	/**< XDP_PASS dropped (no exception port, or it is down) */
	uint64_t tx_packets, tx_bytes;	/**< sent on this port (any source) */
	uint64_t tx_drop;		/**< the PMD did not take them: dropped */
	uint64_t prog_runs;		/**< packets the program ran on */
	uint64_t prog_cycles;		/**< TSC cycles in the program, over the timed bursts */
	uint64_t prog_timed;		/**< packets of the timed bursts: cycles/packet = cycles/timed */
	uint64_t cpumap_in;		/**< worker: packets dequeued from cpumap rings */
	uint64_t tc_runs;		/**< packets a TC program ran on (ingress and egress) */
	uint64_t tc_shot;		/**< TC_ACT_SHOT: dropped */
	uint64_t tc_stolen;		/**< TC_ACT_STOLEN, QUEUED, TRAP: consumed */
	uint64_t tc_redirect;		/**< TC_ACT_REDIRECT: sent where the program said */
	uint64_t tc_redirect_err;	/**< ... to no port, a port down, no neighbour: dropped */
	/*
	 * The device's own counters (rte_eth_stats), port totals only: read from
	 * the PMD when asked, so the burst loop pays nothing for them.
	 */
	uint64_t rx_nombuf;		/**< RX mbuf allocation failures (an exhausted pool) */
	uint64_t rx_missed;		/**< dropped by the device: its RX ring was full */
};

/** Port @p ifindex's counters (RX side by ingress, TX side by egress). */
int xdpdk_dp_port_stats(uint32_t ifindex, struct xdpdk_dp_stats *st);
/** One RX queue's counters. */
int xdpdk_dp_queue_stats(uint32_t ifindex, uint16_t queue, struct xdpdk_dp_stats *st);
/** One worker's counters (all ports). */
int xdpdk_dp_worker_stats(uint32_t worker, struct xdpdk_dp_stats *st);
/** Why a packet was dropped outside XDP_DROP (trace events). */
enum xdpdk_dp_trace_reason {
	XDPDK_DP_TRACE_ABORTED = 1,	/**< the program returned XDP_ABORTED */
	XDPDK_DP_TRACE_BAD_ACTION,	/**< a verdict out of range */
	XDPDK_DP_TRACE_REDIRECT_ERR,	/**< no target, or a missing one */
	XDPDK_DP_TRACE_REDIRECT_DOWN,	/**< the target port is down */
	XDPDK_DP_TRACE_RING_FULL,
	XDPDK_DP_TRACE_RUNT,
	XDPDK_DP_TRACE_OVERSIZE,
};

/** One trace event (the kernel's xdp_exception / xdp_redirect_err tracepoints). */
struct xdpdk_dp_trace_event {
	uint64_t tsc;
	uint32_t ifindex;	/**< ingress */
	uint16_t queue;
	uint8_t reason;		/**< enum xdpdk_dp_trace_reason */
	uint8_t action;		/**< the verdict (low 8 bits) */
	uint32_t target;	/**< ifindex or map key, when there is one */
};

/**
 * The last events of worker @p worker (it keeps a small ring of them),
 * oldest first. Read while the worker is stopped for an exact result.
 * @return how many were written to @p ev (at most @p max); -EINVAL.
 */
int xdpdk_dp_trace_get(uint32_t worker, struct xdpdk_dp_trace_event *ev, uint32_t max);

/** Zero every counter (workers must be stopped). */
void xdpdk_dp_stats_reset(void);

/* ---- redirect (shared with the helpers' bpf_redirect*) ------------------ */

/** What bpf_redirect* recorded for the packet being run. */
enum xdpdk_redirect_kind {
	XDPDK_REDIR_NONE = 0,
	XDPDK_REDIR_IFINDEX,	/**< bpf_redirect(ifindex) */
	XDPDK_REDIR_DEVMAP,	/**< devmap / devmap_hash entry (val) */
	XDPDK_REDIR_CPUMAP,	/**< cpumap entry (tgt: the dataplane's target) */
	XDPDK_REDIR_XSKMAP,	/**< xskmap entry (tgt: the socket) */
	XDPDK_REDIR_BROADCAST,	/**< every entry of a devmap (map), flags */
};

/** The kernel's bpf_redirect_info, one record per packet of a burst. */
struct xdpdk_redirect_rec {
	uint32_t kind;		/**< enum xdpdk_redirect_kind */
	uint32_t index;		/**< ifindex or map key */
	uint64_t flags;		/**< broadcast: BPF_F_EXCLUDE_INGRESS */
	const void *val;	/**< the map entry's value */
	void *tgt;		/**< the dataplane's object for the entry */
	struct xdpdk_map *map;	/**< broadcast */
};

/** Per-worker run state: where the redirect helpers write. */
struct xdpdk_redirect_run {
	uint32_t cur;		/**< index of the packet being run */
	uint32_t pad;
	struct xdpdk_redirect_rec rec[XDPDK_DP_MAX_BURST];
};

/**
 * Set the calling thread's run state (the dataplane does it per worker);
 * without one (test runs), the helpers record into a scratch record.
 */
void xdpdk_redirect_set_run(struct xdpdk_redirect_run *run);

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_DATAPLANE_H */
