/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * xdpdk's AF_XDP sockets: what an xskmap entry delivers to. Shaped like
 * AF_XDP: a socket is bound to one (port, queue); XDP_REDIRECT into an
 * xskmap entry holding it puts the packet on its RX ring (from the worker,
 * in bulk at the end of the burst); the application receives descriptors,
 * and gives each buffer back (the fill ring's role) or sends it (TX ring,
 * reinjection without a copy); the worker polling the bound queue sends
 * what the TX ring holds out of the port and counts completions.
 * Buffers are mbufs: zero copy both ways. In-process for now.
 */
#ifndef XDPDK_XSK_H
#define XDPDK_XSK_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct xdpdk_xsk;

/** Options of xdpdk_xsk_create(); zero means default. */
struct xdpdk_xsk_opts {
	uint32_t ifindex;	/**< the port it is bound to */
	uint16_t queue;		/**< the RX queue it is bound to (packets from others are refused) */
	uint32_t rx_size;	/**< RX ring entries (default 2048, power of two) */
	uint32_t tx_size;	/**< TX ring entries (default 2048, power of two) */
};

/** A packet on a ring: its bytes and the buffer behind them. */
struct xdpdk_xsk_desc {
	uint8_t *data;
	uint32_t len;
	void *buf;		/**< opaque (the mbuf) */
};

/**
 * Create a socket bound to (ifindex, queue); the dataplane must be set up
 * and the queue polled by a worker.
 * @return the socket, or NULL with errno (ENODEV, EINVAL, ENOSPC, ENOMEM).
 */
struct xdpdk_xsk *xdpdk_xsk_create(const struct xdpdk_xsk_opts *opts);
/**
 * Free a socket; remove it from every xskmap first. Buffers still on its
 * rings are freed. NULL is accepted.
 */
void xdpdk_xsk_free(struct xdpdk_xsk *xsk);
/** The value to store in an xskmap for this socket (the kernel's socket fd). */
uint32_t xdpdk_xsk_fd(const struct xdpdk_xsk *xsk);

/** Take up to @p n packets from the RX ring. @return how many. */
uint32_t xdpdk_xsk_recv(struct xdpdk_xsk *xsk, struct xdpdk_xsk_desc *d, uint32_t n);
/** Give received buffers back (the fill ring's role). */
void xdpdk_xsk_release(struct xdpdk_xsk *xsk, const struct xdpdk_xsk_desc *d, uint32_t n);
/**
 * A fresh buffer for @p len bytes to send (from the port's pool).
 * @return 0; -ENOMEM (pool empty), -EMSGSIZE.
 */
int xdpdk_xsk_alloc(struct xdpdk_xsk *xsk, struct xdpdk_xsk_desc *d, uint32_t len);
/**
 * Put descriptors on the TX ring (received or allocated ones; @p d[i].len
 * may have changed, @p d[i].data must not move). @return how many were
 * taken; the rest stay the caller's.
 */
uint32_t xdpdk_xsk_send(struct xdpdk_xsk *xsk, const struct xdpdk_xsk_desc *d, uint32_t n);
/** Packets sent by the worker since the last call (the completion ring's count). */
uint32_t xdpdk_xsk_complete(struct xdpdk_xsk *xsk);
/** Packets refused because the RX ring was full, since creation. */
uint64_t xdpdk_xsk_rx_dropped(const struct xdpdk_xsk *xsk);

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_XSK_H */
