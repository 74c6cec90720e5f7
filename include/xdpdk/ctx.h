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

/**
 * TC (and socket filter) context: what a program sees as struct __sk_buff.
 * Pointers first, as in every xdpdk context; then the fields __sk_buff
 * exposes, each as wide as the kernel's rewrite reads it. Fields the kernel
 * keeps in 16 bits are a uint16_t followed by a zero pad, so a 32-bit load
 * reads the zero-extended value and a store writes 16 bits, as the kernel's.
 * The packet is linear: data .. data_end, inside head .. buf_end.
 */
struct xdpdk_skb_ctx {
	uint8_t *data;			/**< __sk_buff.data: the MAC header for TC */
	uint8_t *data_end;		/**< __sk_buff.data_end */
	uint8_t *data_meta;		/**< __sk_buff.data_meta (== data: no metadata) */
	uint8_t *head;			/**< start of the buffer: headroom limit */
	uint8_t *buf_end;		/**< end of the buffer: tailroom limit */
	uint64_t tstamp;		/**< __sk_buff.tstamp (writable) */
	uint64_t hwtstamp;		/**< __sk_buff.hwtstamp */
	void *sk;			/**< __sk_buff.sk: always NULL (no sockets) */
	uint32_t len;			/**< __sk_buff.len: data_end - data */
	uint32_t pkt_type;		/**< PACKET_HOST etc. */
	uint32_t mark;
	uint16_t queue_mapping;
	uint16_t pad0;
	uint16_t protocol;		/**< network byte order, as skb->protocol */
	uint16_t pad1;
	uint32_t vlan_present;
	uint16_t vlan_tci;
	uint16_t pad2;
	uint16_t vlan_proto;		/**< network byte order */
	uint16_t pad3;
	uint32_t priority;
	uint32_t ingress_ifindex;
	uint32_t ifindex;
	uint16_t tc_index;
	uint16_t pad4;
	uint32_t cb[5];
	uint32_t hash;
	uint16_t tc_classid;
	uint16_t pad5;
	uint32_t napi_id;
	uint32_t wire_len;
	uint32_t gso_segs;
	uint32_t gso_size;
	/* Not in __sk_buff: helper state. */
	uint16_t network_off;		/**< network header offset from data (skb_network_offset) */
	uint8_t l4_hash;		/**< hash is a canonical L4 hash */
	uint8_t sw_hash;		/**< hash was set by software (set_hash, recalc) */
	uint32_t encapsulation;		/**< adjust_room added an encapsulation */
	uint32_t dev_max_len;		/**< the device's MTU + MAC header: change_head/tail limit */
	uint32_t mac_before;		/**< MAC header start before data: 0 for TC, 14 for socket filters */
	uint32_t worker;		/**< worker index: per-CPU slot */
	void *mbuf;			/**< the packet's rte_mbuf, NULL outside the dataplane */
	void *run;			/**< per-worker run state */
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
