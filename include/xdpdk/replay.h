/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * pcap replay: a capture (pcap or pcapng, read once with libpcap) sent from
 * templates into DPDK ports at a paced rate or top speed, on one or more TX
 * lcores, with an optional receive side that counts, captures and measures
 * latency from a TSC stamp written into the payload.
 *
 * Life: xdpdk_replay_create() (reads the capture, builds the templates) →
 * xdpdk_replay_start() (TX and RX lcores launched) → xdpdk_replay_done() /
 * xdpdk_replay_stats() while it runs → xdpdk_replay_stop() →
 * xdpdk_replay_free(). Or xdpdk_replay_run_here(), which sends from the
 * calling thread (the in-process mode injects into a running dataplane's RX
 * queue through xdpdk_replay_inject_attach()).
 *
 * EAL and the ports are the caller's (the dataplane's xdpdk_dp_port_add()).
 */
#ifndef XDPDK_REPLAY_H
#define XDPDK_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rte_ring;

/** Most TX lcores. */
#define XDPDK_REPLAY_MAX_CORES 16
/** Most --vary fields. */
#define XDPDK_REPLAY_MAX_VARY 4
/** Packets one tx_burst sends at most. */
#define XDPDK_REPLAY_BURST 32

/** How fast packets go out. */
enum xdpdk_replay_rate {
	XDPDK_REPLAY_TOPSPEED = 0,	/**< as fast as the port takes them */
	XDPDK_REPLAY_PPS,		/**< rate: packets per second (all cores together) */
	XDPDK_REPLAY_MBPS,		/**< rate: megabits per second of frame bytes */
	XDPDK_REPLAY_MULTIPLIER,	/**< rate: speed-up of the capture's own timing */
};

/** A header field varied per packet (IPv4 addresses; UDP/TCP ports over IPv4 or IPv6). */
enum xdpdk_replay_field {
	XDPDK_REPLAY_SRC_IP = 0,
	XDPDK_REPLAY_DST_IP,
	XDPDK_REPLAY_SRC_PORT,
	XDPDK_REPLAY_DST_PORT,
};

/** One varied field: values lo..hi (host order, inclusive). */
struct xdpdk_replay_vary {
	enum xdpdk_replay_field field;
	uint32_t lo, hi;
	bool random;		/**< uniform in lo..hi; false: lo + (packet number % span) */
};

/** Where a TX lcore sends: a port's TX queue, or a ring (in-process injection). */
struct xdpdk_replay_sink {
	uint16_t port_id;
	uint16_t queue;
	struct rte_ring *ring;	/**< non-NULL: enqueue here instead of rte_eth_tx_burst */
};

/** Options of xdpdk_replay_create(); zero means default. */
struct xdpdk_replay_opts {
	const char *pcap;		/**< the capture (pcap or pcapng, Ethernet) */
	enum xdpdk_replay_rate rate;
	double rate_value;		/**< pps, Mbps or multiplier (> 0 unless TOPSPEED) */
	uint64_t loops;			/**< times the capture is sent (0: 1; see forever) */
	bool forever;			/**< loop until duration or xdpdk_replay_stop() */
	double duration;		/**< seconds; 0: none */
	/** Packets whose L3 part is larger are skipped (the port's MTU); 0: no limit. */
	uint32_t mtu;
	uint32_t n_cores;		/**< TX lcores (default 1) */
	unsigned int tx_lcores[XDPDK_REPLAY_MAX_CORES];	/**< for xdpdk_replay_start() */
	struct xdpdk_replay_sink sinks[XDPDK_REPLAY_MAX_CORES];	/**< one per TX lcore */
	/**
	 * Pool the private copies come from (varied, stamped or injected
	 * packets); NULL: one per core of the replay's own. The in-process mode
	 * passes the port's pool, whose headroom XDP needs.
	 */
	struct rte_mempool *copy_pool;
	bool copy;			/**< always send private copies (programs may write them) */
	uint32_t n_vary;
	struct xdpdk_replay_vary vary[XDPDK_REPLAY_MAX_VARY];
	bool latency;			/**< stamp TSC + magic into each packet's payload */
	/** Receive side: rx_port < 0 none; polled by rx_lcore, queues 0..rx_queues-1. */
	int rx_port;
	uint16_t rx_queues;
	unsigned int rx_lcore;
	const char *capture_out;	/**< received packets to this pcap (nanoseconds) */
	int socket;			/**< NUMA socket of the templates (SOCKET_ID_ANY: -1) */
};

/** What xdpdk_replay_create() found in the capture. */
struct xdpdk_replay_info {
	uint64_t packets;		/**< kept as templates */
	uint64_t bytes;			/**< of those, per loop */
	uint64_t skipped_big;		/**< larger than the MTU (+ L2 header): not sent */
	uint64_t skipped_short;		/**< shorter than an Ethernet header: not sent */
	uint64_t snapped;		/**< captured shorter than on the wire: sent as captured */
	uint64_t unstampable;		/**< too short for the latency stamp: sent unstamped */
	bool truncated;			/**< the file ends inside a record: the records before it are kept */
	char trunc_msg[256];		/**< libpcap's word on it */
	int linktype;			/**< DLT_* */
	double span;			/**< seconds from the first to the last packet's timestamp */
};

/** Figures so far (while running) or final (after xdpdk_replay_stop()). */
struct xdpdk_replay_stats {
	uint64_t tx_packets, tx_bytes;
	uint64_t tx_retries;		/**< bursts the port did not take at once (back-pressure) */
	uint64_t total;			/**< packets to send; UINT64_MAX when open-ended */
	uint64_t rx_packets, rx_bytes;
	uint64_t rx_stamped;		/**< received with a valid latency stamp */
	double seconds;			/**< from the start to the last packet sent */
	double rx_seconds;		/**< from the start to the last packet received */
	/** Latency in nanoseconds (over rx_stamped packets); p50/p99 from a histogram (~3%). */
	double lat_min, lat_avg, lat_p50, lat_p99, lat_max;
	/**
	 * The pacer's own view, robust to preemption by other processes: TSC
	 * of the first and the last burst that went out on time (within 10 us
	 * of its schedule; every burst at top speed), the packets sent from the
	 * one to the other, so the rate kept is sched_packets * tsc_hz /
	 * (last_tsc - first_tsc); and how late the very first and last bursts
	 * were (cycles).
	 */
	uint64_t first_tsc, last_tsc, sched_packets, first_late, last_late;
	uint64_t tsc_hz;
};

struct xdpdk_replay;

/**
 * Read the capture into templates and prepare the lcores' state.
 * @param err a message for a person (file name, what is wrong, counts).
 * @return the replay, or NULL with errno set: EINVAL (options), ENOENT,
 *   EPROTO (not a capture, or an unsupported link type), ENODATA (no packet
 *   to send), ENOMEM.
 */
struct xdpdk_replay *xdpdk_replay_create(const struct xdpdk_replay_opts *opts,
					 struct xdpdk_replay_info *info, char *err, size_t err_size);
/** Launch the TX lcores (and the RX lcore). @return 0; -EBUSY, -errno. */
int xdpdk_replay_start(struct xdpdk_replay *r);
/** Every TX lcore has sent what it had to (the RX lcore may still run). */
bool xdpdk_replay_done(const struct xdpdk_replay *r);
/** Sum the lcores' counters (plain loads while running: a snapshot). */
void xdpdk_replay_stats(const struct xdpdk_replay *r, struct xdpdk_replay_stats *st);
/**
 * Stop: TX lcores stop at once; the RX lcore keeps receiving up to
 * @p drain_ms while packets still arrive, then stops; the capture is closed.
 */
void xdpdk_replay_stop(struct xdpdk_replay *r, unsigned int drain_ms);
/** Free the templates and pools; NULL is fine. Stop first. */
void xdpdk_replay_free(struct xdpdk_replay *r);
/**
 * Send from the calling thread (core 0's share, sinks[0]) until done or
 * *@p stop becomes non-zero. For one core, without a receive side.
 * @return 0; -EBUSY, -EINVAL.
 */
int xdpdk_replay_run_here(struct xdpdk_replay *r, volatile const int *stop);

/**
 * Inject @p ring's packets into RX queue @p queue of @p port_id: an RX
 * callback appends them to what the PMD received, so the dataplane polling
 * that queue sees them as arrivals. The ring outlives the callback: DPDK
 * frees neither, removal only unhooks it (a poller may be in the callback).
 * @return 0; -ENOTSUP, -EINVAL.
 */
int xdpdk_replay_inject_attach(uint16_t port_id, uint16_t queue, struct rte_ring *ring);
/** Unhook the callback of xdpdk_replay_inject_attach(). */
void xdpdk_replay_inject_detach(uint16_t port_id, uint16_t queue);

/** Parse "src-ip:10.0.0.1-10.0.0.254[:rand]" or "dst-port:1000-2000". @return 0; -EINVAL. */
int xdpdk_replay_vary_parse(const char *text, struct xdpdk_replay_vary *out);

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_REPLAY_H */
