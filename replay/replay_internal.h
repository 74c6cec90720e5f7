/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal to replay/: the capture in memory, the TX and RX lcores' state. */
#ifndef XDPDK_REPLAY_INTERNAL_H
#define XDPDK_REPLAY_INTERNAL_H

#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf.h>

#include <xdpdk/replay.h>

/* The latency stamp: magic then the TX TSC, the last 16 bytes of the IP datagram (or frame). */
#define RP_STAMP_MAGIC 0x74616c6b64706478ull	/* "xdpdklat" little-endian */
#define RP_STAMP_LEN 16

/* Template mbufs per core at least (short captures are replicated): two bursts' worth. */
#define RP_MIN_TEMPLATES (2 * XDPDK_REPLAY_BURST)

/* A burst within this of its schedule is on time (the pacer's own rate measure). */
#define RP_ONTIME_US 10

/* Latency histogram: exact below 32 ns, then 32 sub-buckets per power of two (~3%). */
#define RP_HIST_SUB_BITS 5
#define RP_HIST_SIZE (64 << RP_HIST_SUB_BITS)

/* One packet of the capture, parsed once. */
struct rp_pkt {
	uint64_t off;		/* in the blob */
	uint64_t ts_ns;		/* capture timestamp */
	uint32_t len;		/* captured bytes (what is sent) */
	int16_t l3, l4;		/* offsets; -1: none */
	int32_t stamp;		/* latency stamp offset; -1: too short */
	uint8_t ipv;		/* 4, 6 or 0 */
	uint8_t proto;		/* IPPROTO_UDP/TCP or other */
	bool l4_csum;		/* a UDP/TCP checksum over a datagram that is all there */
};

/* The capture in plain memory. */
struct rp_capture {
	struct rp_pkt *pkt;
	uint8_t *blob;
	uint32_t n;
	uint32_t max_len;
};

/* A TX lcore's state: its own templates (no refcount cache line shared between lcores). */
struct rp_core {
	struct xdpdk_replay *r;
	uint32_t index;
	struct xdpdk_replay_sink sink;
	struct rte_mempool *tpl_pool;	/* shared mode: one mbuf per packet */
	struct rte_mbuf **tpl;		/* n_rep replicas of the capture, one after the other */
	uint32_t n_tpl, n_rep;
	struct rte_mempool *copy_pool;	/* copy mode */
	bool own_copy_pool;
	volatile const int *ext_stop;	/* xdpdk_replay_run_here()'s, else a constant 0 */
	volatile bool stop;
	bool done;			/* atomic */
	bool launched;
	alignas(RTE_CACHE_LINE_SIZE) uint64_t tx_packets;	/* written by this lcore only */
	uint64_t tx_bytes, tx_retries;
	uint64_t first_late, last_late, done_tsc;
	uint64_t first_tsc, first_count;	/* the first on-time burst, packets before it */
	uint64_t last_tsc, last_count;		/* the last one */
};

/* The RX lcore's state. */
struct rp_rx {
	struct xdpdk_replay *r;
	volatile bool stop;
	bool launched;
	void *dumper;			/* pcap_dumper_t */
	void *dead;			/* pcap_t behind it */
	uint8_t *scratch;		/* multi-segment packets are linearised here */
	alignas(RTE_CACHE_LINE_SIZE) uint64_t rx_packets;
	uint64_t rx_bytes, last_tsc, stamped;
	uint64_t lat_min, lat_max, lat_sum;	/* cycles */
	uint64_t hist[RP_HIST_SIZE];		/* nanoseconds */
};

struct xdpdk_replay {
	struct xdpdk_replay_opts o;
	struct rp_capture cap;
	uint64_t *off;		/* per packet: cycles from its loop's start to its send time */
	double period;		/* cycles per loop */
	uint64_t total;		/* packets to send over all cores, UINT64_MAX: open-ended */
	uint64_t t0, end_tsc, hz;
	uint64_t wall0_ns;	/* CLOCK_REALTIME at t0, for capture timestamps */
	bool copy;		/* private copy per packet */
	bool running;
	struct rp_core *core[XDPDK_REPLAY_MAX_CORES];
	struct rp_rx *rx;
};

/* pcap.c: read the capture; count what is skipped. -errno with a message. */
int xdpdk_replay_capture_read(const struct xdpdk_replay_opts *o, uint32_t max_room,
			      struct rp_capture *cap, struct xdpdk_replay_info *info, char *err,
			      size_t err_size);
void xdpdk_replay_capture_free(struct rp_capture *cap);
/* Where a packet's latency stamp goes (TX) or is (RX); -1 when it is too short. */
int32_t xdpdk_replay_stamp_offset(const uint8_t *p, uint32_t len);
/* Parse @p p into @p k's l3/l4/ipv/proto/l4_csum/stamp fields. */
void xdpdk_replay_parse(const uint8_t *p, uint32_t len, struct rp_pkt *k);

/* tx.c: the TX lcores. */
int xdpdk_replay_tx_main(void *arg);
/* rx.c: the RX lcore, and the histogram. */
int xdpdk_replay_rx_main(void *arg);
int xdpdk_replay_rx_open(struct xdpdk_replay *r, char *err, size_t err_size);
/* Close the capture (at stop); then free everything (at free). */
void xdpdk_replay_rx_finish(struct rp_rx *rx);
void xdpdk_replay_rx_close(struct rp_rx *rx);
void xdpdk_replay_rx_stats(const struct xdpdk_replay *r, struct xdpdk_replay_stats *st);

#endif
