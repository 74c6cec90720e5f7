/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The contexts xdpdk hands to programs. Programs are compiled against the UAPI
 * structs (xdp_md, __sk_buff) whose data fields are 32 bits wide; xdpdk rewrites
 * each context access at load time to these layouts, which hold real pointers
 * (as the kernel's convert_ctx_accesses does). See docs/architecture.md.
 */
#ifndef XDPDK_CTX_H
#define XDPDK_CTX_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Headroom in front of a packet, as XDP_PACKET_HEADROOM. */
#define XDPDK_XDP_HEADROOM 256
/** Tail reserve that the kernel keeps for skb_shared_info on x86-64. */
#define XDPDK_XDP_TAIL_RESERVE 320

/** Fragments of a multi-buffer packet at most, as the kernel's MAX_SKB_FRAGS. */
#define XDPDK_XDP_MAX_FRAGS 17

/** One fragment of a multi-buffer packet (the kernel's skb_frag_t). */
struct xdpdk_xdp_frag {
	uint8_t *addr;			/**< first byte of the fragment's data */
	uint32_t len;			/**< bytes of data */
	uint32_t cap;			/**< bytes from addr the fragment may grow to */
};

/**
 * The fragments after the linear part of a multi-buffer packet, as the
 * kernel's skb_shared_info: the multi-buffer helpers read and change them.
 */
struct xdpdk_xdp_frags {
	uint32_t nr_frags;		/**< fragments in use */
	uint32_t frags_size;		/**< sum of their len (xdp_frags_size) */
	struct xdpdk_xdp_frag frag[XDPDK_XDP_MAX_FRAGS];
};

/**
 * XDP context. data and data_end come first in every xdpdk context, so
 * LD_ABS/LD_IND and the checked interpreter find the packet the same way.
 */
struct xdpdk_xdp_ctx {
	uint8_t *data;			/**< xdp_md.data */
	uint8_t *data_end;		/**< xdp_md.data_end */
	uint8_t *data_meta;		/**< xdp_md.data_meta (== data when no metadata) */
	uint8_t *data_hard_start;	/**< start of the buffer: headroom limit */
	uint8_t *data_hard_end;		/**< end of the buffer usable by adjust_tail */
	uint32_t ingress_ifindex;	/**< xdp_md.ingress_ifindex */
	uint32_t rx_queue_index;	/**< xdp_md.rx_queue_index */
	uint32_t egress_ifindex;	/**< xdp_md.egress_ifindex (devmap programs) */
	uint32_t worker;		/**< worker index: per-CPU slot */
	void *mbuf;			/**< the packet's rte_mbuf, NULL outside the dataplane */
	void *run;			/**< per-worker run state (redirect target, flush lists) */
	struct xdpdk_xdp_frags *frags;	/**< fragments; NULL or none in use: linear packet */
};

/** The packet-area fields shared by every context layout. */
struct xdpdk_pkt_view {
	uint8_t *data;
	uint8_t *data_end;
};

#ifdef __cplusplus
}
#endif

#endif /* XDPDK_CTX_H */
