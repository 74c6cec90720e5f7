/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Packet capture at a port's XDP hook (part of the dataplane), as xdpdump
 * does in the kernel: copies of the packets a program receives (entry)
 * and/or of what it made of them with its verdict (exit), filtered by a RAW
 * program (a tcpdump expression through xdpdk_cbpf_to_ebpf()), queued by the
 * workers on a ring the control plane drains. A port with no capture costs
 * its workers one pointer read per burst.
 */
#ifndef XDPDK_CAPTURE_H
#define XDPDK_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct xdpdk_prog;
struct xdpdk_capture;

/** Capture points. */
enum {
	XDPDK_CAPTURE_ENTRY = 1,	/**< as received, before the program */
	XDPDK_CAPTURE_EXIT = 2,		/**< after the program, with its verdict */
};

/** Options of xdpdk_capture_start(); zero means default. */
struct xdpdk_capture_opts {
	uint32_t ifindex;
	uint32_t points;		/**< XDPDK_CAPTURE_*; 0: entry */
	/** RAW program, r1 = packet, r2 = length, 0 = skip; NULL: every packet.
	 *  Borrowed until xdpdk_capture_stop() returns. */
	const struct xdpdk_prog *filter;
	uint32_t snaplen;		/**< bytes kept per packet (default 9216, at most 65000) */
	uint32_t ring_size;		/**< packets queued at most (power of 2, default 1024) */
};

/** One captured packet. */
struct xdpdk_capture_pkt {
	uint64_t ts_ns;			/**< CLOCK_REALTIME, nanoseconds */
	uint32_t ifindex;
	uint16_t queue;			/**< RX queue */
	uint8_t point;			/**< XDPDK_CAPTURE_ENTRY or _EXIT */
	uint32_t verdict;		/**< exit: the program's return value */
	uint32_t wire_len;		/**< the packet's length */
	uint32_t cap_len;		/**< bytes kept (at most snaplen) */
};

/**
 * Start capturing on a port (one capture per port). Safe while workers run.
 * @return 0; -ENODEV, -EBUSY (the port already captures), -EINVAL, -ENOMEM.
 */
int xdpdk_capture_start(const struct xdpdk_capture_opts *opts, struct xdpdk_capture **out);
/**
 * The next queued packet: its description in @p pkt, its bytes (up to
 * @p size, cap_len says how many were kept) in @p buf.
 * @return 1, or 0 when none is queued. One reader at a time.
 */
int xdpdk_capture_next(struct xdpdk_capture *c, struct xdpdk_capture_pkt *pkt, uint8_t *buf,
		       size_t size);
/** Packets that matched but were not queued (ring or pool full). */
uint64_t xdpdk_capture_lost(const struct xdpdk_capture *c);
/** Detach, wait until no worker touches it, drop what is queued, free. NULL is accepted. */
void xdpdk_capture_stop(struct xdpdk_capture *c);

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_CAPTURE_H */
