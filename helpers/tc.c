/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TC helpers on struct xdpdk_skb_ctx, with net/core/filter.c's semantics:
 * flags, limits and error codes as there. The packet is linear (data ..
 * data_end inside head .. buf_end); what the kernel does by reallocating the
 * head (skb_cow, pskb_expand_head) is done by moving the packet inside its
 * buffer, -ENOMEM when the buffer is too small. Checksums behave as for the
 * kernel's test-run skbs (CHECKSUM_NONE): skb->csum is never involved. The
 * MAC header is at data for TC (which runs at L2; the helpers that move data
 * reset it there, as the kernel's do), mac_before bytes earlier for socket
 * filters; the network header is data + network_off. The dataplane copies data/len back into the mbuf.
 */
#include <errno.h>
#include <string.h>

#include <rte_jhash.h>

#include <xdpdk/ctx.h>

#include "helpers_internal.h"

#define ETH_HLEN 14
#define VLAN_HLEN 4
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86dd
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define ENOTSUPP 524			/* the kernel's internal code, as helpers return it */
#define CSUM_MANGLED_0 0xffff
#define SKB_MAX_ALLOC 16064u		/* (PAGE_SIZE << 2) - the skb_shared_info reserve */
/* __bpf_skb_max_len without a device: SKB_MAX_ALLOC. */
#define ADJ_DECAP_L3_IPV4 (1ULL << 7)	/* BPF_F_ADJ_ROOM_DECAP_L3_IPV4 (6.3 UAPI) */
#define ADJ_DECAP_L3_IPV6 (1ULL << 8)
#define ADJ_DECAP_L3_MASK (ADJ_DECAP_L3_IPV4 | ADJ_DECAP_L3_IPV6)
#define ADJ_ENCAP_L3_MASK (BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L3_IPV6)
#define ADJ_ROOM_MASK (BPF_F_ADJ_ROOM_FIXED_GSO | ADJ_ENCAP_L3_MASK | \
		       BPF_F_ADJ_ROOM_ENCAP_L4_GRE | BPF_F_ADJ_ROOM_ENCAP_L4_UDP | \
		       BPF_F_ADJ_ROOM_ENCAP_L2_ETH | BPF_F_ADJ_ROOM_ENCAP_L2(0xff) | \
		       ADJ_DECAP_L3_MASK)

static inline struct xdpdk_skb_ctx *
skb_of(uint64_t r)
{
	return (struct xdpdk_skb_ctx *)(uintptr_t)r;
}

static inline uint64_t
err(int e)
{
	return (uint64_t)(int64_t)-e;
}

/* __be16 constant as it sits in memory (what skb->protocol holds). */
static inline uint16_t
be16(uint16_t v)
{
	return (uint16_t)(v >> 8 | v << 8);
}

static inline void
sync_len(struct xdpdk_skb_ctx *s)
{
	s->len = (uint32_t)(s->data_end - s->data);
	s->data_meta = s->data;
}

/*
 * Make @n bytes of headroom, moving the packet tailward when the head is
 * short (the kernel reallocates). 0 or -ENOMEM.
 */
static int
cow_head(struct xdpdk_skb_ctx *s, uint32_t n)
{
	size_t head = (size_t)(s->data - s->head), tail = (size_t)(s->buf_end - s->data_end);
	size_t shift;

	if (head >= n)
		return 0;
	shift = n - head;
	if (tail < shift)
		return -ENOMEM;
	memmove(s->data + shift, s->data, (size_t)(s->data_end - s->data));
	s->data += shift;
	s->data_end += shift;
	return 0;
}

/* __bpf_skb_max_len: the device's mtu + hard_header_len. */
static inline uint32_t
max_len(const struct xdpdk_skb_ctx *s)
{
	return s->dev_max_len ? s->dev_max_len : SKB_MAX_ALLOC;
}

/* skb_clear_hash */
static inline void
clear_hash(struct xdpdk_skb_ctx *s)
{
	s->hash = 0;
	s->l4_hash = 0;
	s->sw_hash = 0;
}

/* ---- ones' complement arithmetic: csum.c's (helpers_internal.h), plus -- */

static inline uint16_t
csum16_add(uint16_t c, uint16_t a)
{
	uint16_t r = (uint16_t)(c + a);

	return (uint16_t)(r + (r < a));
}

static inline uint16_t
load16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static inline void
store16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

/* ---- loads and stores --------------------------------------------------- */

/* long bpf_skb_load_bytes(skb, u32 offset, void *to, u32 len) */
uint64_t
xdpdk_h_skb_load_bytes(uint64_t skb, uint64_t off, uint64_t to, uint64_t len, uint64_t e)
{
	const struct xdpdk_skb_ctx *s = skb_of(skb);
	const uint32_t o = (uint32_t)off, n = (uint32_t)len;

	(void)e;
	if (o <= INT32_MAX && (uint64_t)o + n <= s->len) {
		memcpy((void *)(uintptr_t)to, s->data + o, n);
		return 0;
	}
	memset((void *)(uintptr_t)to, 0, n);
	return err(EFAULT);
}

/* long bpf_skb_load_bytes_relative(skb, u32 offset, void *to, u32 len, u32 start_header) */
uint64_t
xdpdk_h_skb_load_bytes_relative(uint64_t skb, uint64_t off, uint64_t to, uint64_t len,
				uint64_t start)
{
	const struct xdpdk_skb_ctx *s = skb_of(skb);
	const uint32_t o = (uint32_t)off, n = (uint32_t)len;
	const uint8_t *base = NULL;

	if ((uint32_t)start == BPF_HDR_START_MAC)
		base = s->data - s->mac_before;
	else if ((uint32_t)start == BPF_HDR_START_NET)
		base = s->data + s->network_off;
	if (base != NULL && o <= 0xffff && base + o + n <= s->data_end) {
		memcpy((void *)(uintptr_t)to, base + o, n);
		return 0;
	}
	memset((void *)(uintptr_t)to, 0, n);
	return err(EFAULT);
}

/* long bpf_skb_store_bytes(skb, u32 offset, const void *from, u32 len, u64 flags) */
uint64_t
xdpdk_h_skb_store_bytes(uint64_t skb, uint64_t off, uint64_t from, uint64_t len,
			uint64_t flags)
{
	struct xdpdk_skb_ctx *s = skb_of(skb);
	const uint32_t o = (uint32_t)off, n = (uint32_t)len;

	if (flags & ~(uint64_t)(BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH))
		return err(EINVAL);
	if (o > INT32_MAX || (uint64_t)o + n > s->len)
		return err(EFAULT);
	memmove(s->data + o, (const void *)(uintptr_t)from, n);
	if (flags & BPF_F_INVALIDATE_HASH)
		clear_hash(s);
	return 0;
}

/* long bpf_skb_pull_data(skb, u32 len): the packet is linear, so only the bound. */
uint64_t
xdpdk_h_skb_pull_data(uint64_t skb, uint64_t len, uint64_t c, uint64_t d, uint64_t e)
{
	(void)c, (void)d, (void)e;
	return (uint32_t)len > skb_of(skb)->len ? err(ENOMEM) : 0;
}

/* ---- checksums ---------------------------------------------------------- */

/* The checksum field at @off, or NULL (-EFAULT) as bpf_l3/l4_csum_replace check it. */
static uint8_t *
csum_field(struct xdpdk_skb_ctx *s, uint32_t off)
{
	if (off > 0xffff || (off & 1) || off + 2 > s->len)
		return NULL;
	return s->data + off;
}

/* long bpf_l3_csum_replace(skb, u32 offset, u64 from, u64 to, u64 flags) */
uint64_t
xdpdk_h_l3_csum_replace(uint64_t skb, uint64_t off, uint64_t from, uint64_t to,
			uint64_t flags)
{
	uint8_t *p;
	uint16_t sum;

	if (flags & ~(uint64_t)BPF_F_HDR_FIELD_MASK)
		return err(EINVAL);
	p = csum_field(skb_of(skb), (uint32_t)off);
	if (p == NULL)
		return err(EFAULT);
	sum = load16(p);
	switch (flags & BPF_F_HDR_FIELD_MASK) {
	case 0:		/* csum_replace_by_diff */
		if (from != 0)
			return err(EINVAL);
		sum = xdpdk_csum_fold(xdpdk_csum_add((uint32_t)to, (uint16_t)~sum));
		break;
	case 2:		/* csum_replace2 */
		sum = (uint16_t)~csum16_add(csum16_add((uint16_t)~sum, (uint16_t)~from),
					    (uint16_t)to);
		break;
	case 4:		/* csum_replace4 */
		sum = xdpdk_csum_fold(
			xdpdk_csum_add(xdpdk_csum_add((uint16_t)~sum, ~(uint32_t)from), (uint32_t)to));
		break;
	default:
		return err(EINVAL);
	}
	store16(p, sum);
	return 0;
}

/* long bpf_l4_csum_replace(skb, u32 offset, u64 from, u64 to, u64 flags) */
uint64_t
xdpdk_h_l4_csum_replace(uint64_t skb, uint64_t off, uint64_t from, uint64_t to,
			uint64_t flags)
{
	const bool mmzero = flags & BPF_F_MARK_MANGLED_0, mforce = flags & BPF_F_MARK_ENFORCE;
	uint8_t *p;
	uint16_t sum;

	if (flags & ~(uint64_t)(BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | BPF_F_PSEUDO_HDR |
				BPF_F_IPV6 | BPF_F_HDR_FIELD_MASK))
		return err(EINVAL);
	p = csum_field(skb_of(skb), (uint32_t)off);
	if (p == NULL)
		return err(EFAULT);
	sum = load16(p);
	if (mmzero && !mforce && sum == 0)
		return 0;
	/* inet_proto_csum_replace*: CHECKSUM_NONE, so the pseudo-header flag changes nothing. */
	switch (flags & BPF_F_HDR_FIELD_MASK) {
	case 0:
		if (from != 0)
			return err(EINVAL);
		sum = xdpdk_csum_fold(xdpdk_csum_add((uint32_t)to, (uint16_t)~sum));
		break;
	case 2:
		from = (uint16_t)from;
		to = (uint16_t)to;
		/* replace2 is replace4 of the zero-extended values */
		__attribute__((fallthrough));
	case 4:
		sum = xdpdk_csum_fold(
			xdpdk_csum_add(xdpdk_csum_add((uint16_t)~sum, ~(uint32_t)from), (uint32_t)to));
		break;
	default:
		return err(EINVAL);
	}
	if (mmzero && sum == 0)
		sum = CSUM_MANGLED_0;
	store16(p, sum);
	return 0;
}

/* s64 bpf_csum_update(skb, __wsum csum): only for CHECKSUM_COMPLETE skbs. */
uint64_t
xdpdk_h_csum_update(uint64_t skb, uint64_t csum, uint64_t c, uint64_t d, uint64_t e)
{
	(void)skb, (void)csum, (void)c, (void)d, (void)e;
	return err(ENOTSUPP);
}

/* ---- VLAN ----------------------------------------------------------------- */

static inline bool
eth_type_vlan(uint16_t proto_be)
{
	return proto_be == be16(ETH_P_8021Q) || proto_be == be16(ETH_P_8021AD);
}

/* __vlan_insert_tag of the accelerated tag: the tag goes into the packet. */
static int
vlan_insert(struct xdpdk_skb_ctx *s, uint16_t proto_be, uint16_t tci)
{
	if (cow_head(s, VLAN_HLEN) != 0)
		return -ENOMEM;
	s->data -= VLAN_HLEN;
	memmove(s->data, s->data + VLAN_HLEN, 12);
	store16(s->data + 12, proto_be);
	store16(s->data + 14, be16(tci));
	s->network_off += VLAN_HLEN;
	sync_len(s);
	return 0;
}

/* __skb_vlan_pop: the tag after the MAC addresses leaves the packet. */
static int
vlan_remove(struct xdpdk_skb_ctx *s, uint16_t *tci)
{
	uint16_t inner;

	if (s->len < ETH_HLEN + VLAN_HLEN)
		return -ENOMEM;
	*tci = be16(load16(s->data + 14));
	inner = load16(s->data + 16);
	memmove(s->data + VLAN_HLEN, s->data, 12);
	s->data += VLAN_HLEN;
	/* vlan_set_encap_proto */
	if (be16(inner) >= 0x0600)
		s->protocol = inner;
	else if (s->len >= ETH_HLEN + VLAN_HLEN + 2 && load16(s->data + ETH_HLEN) == 0xffff)
		s->protocol = be16(0x0001);	/* ETH_P_802_3 */
	else
		s->protocol = be16(0x0004);	/* ETH_P_802_2 */
	s->network_off = s->network_off < ETH_HLEN + VLAN_HLEN ? ETH_HLEN
							       : s->network_off - VLAN_HLEN;
	sync_len(s);
	return 0;
}

static inline void
vlan_put_accel(struct xdpdk_skb_ctx *s, uint16_t proto_be, uint16_t tci)
{
	s->vlan_present = 1;
	s->vlan_proto = proto_be;
	s->vlan_tci = tci;
}

/* long bpf_skb_vlan_push(skb, __be16 vlan_proto, u16 vlan_tci): skb_vlan_push */
uint64_t
xdpdk_h_skb_vlan_push(uint64_t skb, uint64_t proto, uint64_t tci, uint64_t d, uint64_t e)
{
	struct xdpdk_skb_ctx *s = skb_of(skb);
	uint16_t p = (uint16_t)proto;

	(void)d, (void)e;
	if (!eth_type_vlan(p))
		p = be16(ETH_P_8021Q);
	if (s->vlan_present) {
		if (vlan_insert(s, s->vlan_proto, s->vlan_tci) != 0)
			return err(ENOMEM);
		s->protocol = s->vlan_proto;
	}
	vlan_put_accel(s, p, (uint16_t)tci);
	return 0;
}

/* long bpf_skb_vlan_pop(skb): skb_vlan_pop */
uint64_t
xdpdk_h_skb_vlan_pop(uint64_t skb, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	struct xdpdk_skb_ctx *s = skb_of(skb);
	uint16_t tci, proto;

	(void)b, (void)c, (void)d, (void)e;
	if (s->vlan_present) {
		s->vlan_present = 0;
		s->vlan_tci = 0;
		s->vlan_proto = 0;
	} else {
		if (!eth_type_vlan(s->protocol))
			return 0;
		if (vlan_remove(s, &tci) != 0)
			return err(ENOMEM);
	}
	/* The next tag, if any, becomes the accelerated one. */
	if (!eth_type_vlan(s->protocol))
		return 0;
	proto = s->protocol;
	if (vlan_remove(s, &tci) != 0)
		return err(ENOMEM);
	vlan_put_accel(s, proto, tci);
	return 0;
}

/* ---- size changes ----------------------------------------------------- */

/* long bpf_skb_change_head(skb, u32 head_room, u64 flags) */
uint64_t
xdpdk_h_skb_change_head(uint64_t skb, uint64_t room, uint64_t flags, uint64_t d, uint64_t e)
{
	struct xdpdk_skb_ctx *s = skb_of(skb);
	const uint32_t n = (uint32_t)room, new_len = s->len + n;

	(void)d, (void)e;
	if (flags != 0 || new_len > max_len(s) || new_len < s->len)
		return err(EINVAL);
	if (cow_head(s, n) != 0)
		return err(ENOMEM);
	s->data -= n;
	memset(s->data, 0, n);
	s->network_off = (uint16_t)(s->network_off + n);
	sync_len(s);
	return 0;
}

/* long bpf_skb_change_tail(skb, u32 len, u64 flags): new bytes are not zeroed (__skb_put) */
uint64_t
xdpdk_h_skb_change_tail(uint64_t skb, uint64_t len, uint64_t flags, uint64_t d, uint64_t e)
{
	struct xdpdk_skb_ctx *s = skb_of(skb);
	const uint32_t n = (uint32_t)len;

	(void)d, (void)e;
	if (flags != 0 || n > max_len(s) || n < s->network_off)
		return err(EINVAL);
	if (s->encapsulation)
		return err(ENOTSUPP);
	if (n > s->len && s->data + n > s->buf_end)
		return err(ENOMEM);
	s->data_end = s->data + n;
	sync_len(s);
	return 0;
}

/* bpf_skb_net_hdr_push: @len zeroed bytes at @off; header offsets keep their place. */
static int
net_hdr_push(struct xdpdk_skb_ctx *s, uint32_t off, uint32_t len)
{
	if (cow_head(s, len) != 0)
		return -ENOMEM;
	s->data -= len;
	memmove(s->data, s->data + len, off);
	memset(s->data + off, 0, len);
	sync_len(s);
	return 0;
}

/* bpf_skb_net_hdr_pop: remove @len bytes at @off. */
static int
net_hdr_pop(struct xdpdk_skb_ctx *s, uint32_t off, uint32_t len)
{
	if ((uint64_t)off + len > s->len)
		return -ENOMEM;
	memmove(s->data + len, s->data, off);
	s->data += len;
	sync_len(s);
	return 0;
}

/* bpf_skb_net_base_len: the fixed IP header of the current protocol. */
static uint32_t
net_base_len(const struct xdpdk_skb_ctx *s)
{
	if (s->protocol == be16(ETH_P_IP))
		return 20;
	if (s->protocol == be16(ETH_P_IPV6))
		return 40;
	return 0;
}

/* long bpf_skb_change_proto(skb, __be16 proto, u64 flags): IPv4 <-> IPv6 room only */
uint64_t
xdpdk_h_skb_change_proto(uint64_t skb, uint64_t proto, uint64_t flags, uint64_t d, uint64_t e)
{
	struct xdpdk_skb_ctx *s = skb_of(skb);
	const uint16_t to = (uint16_t)proto;
	int rc;

	(void)d, (void)e;
	if (flags != 0)
		return err(EINVAL);
	if (s->protocol == be16(ETH_P_IP) && to == be16(ETH_P_IPV6))
		rc = net_hdr_push(s, s->network_off, 20);
	else if (s->protocol == be16(ETH_P_IPV6) && to == be16(ETH_P_IP))
		rc = net_hdr_pop(s, s->network_off, 20);
	else
		return err(ENOTSUPP);
	if (rc != 0)
		return err(-rc);
	s->protocol = to;
	clear_hash(s);
	return 0;
}

static int
net_grow(struct xdpdk_skb_ctx *s, uint32_t off, uint32_t len, uint64_t flags)
{
	const uint32_t inner_mac_len = (uint32_t)(flags >> BPF_ADJ_ROOM_ENCAP_L2_SHIFT) & 0xff;
	const bool encap = flags & ADJ_ENCAP_L3_MASK;
	int rc;

	if (encap) {
		if ((flags & ADJ_ENCAP_L3_MASK) == ADJ_ENCAP_L3_MASK ||
		    ((flags & BPF_F_ADJ_ROOM_ENCAP_L4_GRE) && (flags & BPF_F_ADJ_ROOM_ENCAP_L4_UDP)) ||
		    ((flags & BPF_F_ADJ_ROOM_ENCAP_L2_ETH) && inner_mac_len != ETH_HLEN))
			return -EINVAL;
		if (s->encapsulation)
			return -EALREADY;
		if (inner_mac_len > len)
			return -EINVAL;
	}
	rc = net_hdr_push(s, off, len);
	if (rc != 0 || !encap)
		return rc;
	s->encapsulation = 1;
	/* The outer header is the new network header, right after the MAC header. */
	s->network_off = ETH_HLEN;
	if (s->protocol == be16(ETH_P_IP) && (flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV6))
		s->protocol = be16(ETH_P_IPV6);
	else if (s->protocol == be16(ETH_P_IPV6) && (flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV4))
		s->protocol = be16(ETH_P_IP);
	return 0;
}

/* long bpf_skb_adjust_room(skb, s32 len_diff, u32 mode, u64 flags) */
uint64_t
xdpdk_h_skb_adjust_room(uint64_t skb, uint64_t diff, uint64_t mode, uint64_t flags, uint64_t e)
{
	struct xdpdk_skb_ctx *s = skb_of(skb);
	const int32_t d = (int32_t)diff;
	const uint32_t abs_d = d < 0 ? (uint32_t)-(int64_t)d : (uint32_t)d;
	const bool shrink = d < 0;
	uint32_t len_min = net_base_len(s), len_cur, off = s->network_off;
	int rc;

	(void)e;
	if (flags & ~(uint64_t)(ADJ_ROOM_MASK | BPF_F_ADJ_ROOM_NO_CSUM_RESET))
		return err(EINVAL);
	if (abs_d > 0xfff)
		return err(EFAULT);
	if (s->protocol != be16(ETH_P_IP) && s->protocol != be16(ETH_P_IPV6))
		return err(ENOTSUPP);
	switch ((uint32_t)mode) {
	case BPF_ADJ_ROOM_NET:
		off += net_base_len(s);
		break;
	case BPF_ADJ_ROOM_MAC:
		break;
	default:
		return err(ENOTSUPP);
	}
	if (flags & ADJ_DECAP_L3_MASK) {
		if (!shrink)
			return err(EINVAL);
		switch (flags & ADJ_DECAP_L3_MASK) {
		case ADJ_DECAP_L3_IPV4: len_min = 20; break;
		case ADJ_DECAP_L3_IPV6: len_min = 40; break;
		default: return err(EINVAL);
		}
	}
	len_cur = s->len - s->network_off;
	if ((shrink && (abs_d >= len_cur || len_cur - abs_d < len_min)) ||
	    (!shrink && s->len + abs_d > SKB_MAX_ALLOC))
		return err(ENOTSUPP);
	if (!shrink) {
		rc = net_grow(s, off, abs_d, flags);
	} else {
		rc = net_hdr_pop(s, off, abs_d);
		if (rc == 0 && (flags & ADJ_DECAP_L3_MASK))
			s->protocol = be16(flags & ADJ_DECAP_L3_IPV4 ? ETH_P_IP : ETH_P_IPV6);
	}
	return rc != 0 ? err(-rc) : 0;
}

/* ---- hash and ECN ------------------------------------------------------- */

/* long bpf_set_hash(skb, u32 hash): a software L4 hash */
uint64_t
xdpdk_h_set_hash(uint64_t skb, uint64_t hash, uint64_t c, uint64_t d, uint64_t e)
{
	struct xdpdk_skb_ctx *s = skb_of(skb);

	(void)c, (void)d, (void)e;
	s->hash = (uint32_t)hash;
	s->sw_hash = 1;
	s->l4_hash = 1;
	return 0;
}

/*
 * u32 bpf_get_hash_recalc(skb): skb_get_hash. Without a hash yet, a flow hash
 * of addresses, protocol and (unfragmented TCP/UDP) ports, as the kernel's
 * flow dissector hashes them; its seed is random like the kernel's hashrnd,
 * so values are stable within a process only.
 */
uint64_t
xdpdk_h_get_hash_recalc(uint64_t skb, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	static uint32_t seed;
	struct xdpdk_skb_ctx *s = skb_of(skb);
	const uint8_t *nh = s->data + s->network_off;
	uint32_t words[10] = { 0 }, n = 0, l4_off = 0, h;
	uint8_t proto = 0;

	(void)b, (void)c, (void)d, (void)e;
	if (s->l4_hash || s->sw_hash || s->hash != 0)
		return s->hash;
	if (seed == 0)
		seed = (uint32_t)xdpdk_h_get_prandom_u32(0, 0, 0, 0, 0) | 1;
	if (s->protocol == be16(ETH_P_IP) && nh + 20 <= s->data_end) {
		memcpy(words, nh + 12, 8);
		proto = nh[9];
		n = 2;
		if ((load16(nh + 6) & be16(0x3fff)) == 0)	/* not a fragment */
			l4_off = (nh[0] & 0xf) * 4u;
	} else if (s->protocol == be16(ETH_P_IPV6) && nh + 40 <= s->data_end) {
		memcpy(words, nh + 8, 32);
		proto = nh[6];
		n = 8;
		l4_off = 40;
	}
	if (n == 0)
		return 0;
	words[n++] = proto;
	if (l4_off != 0 && (proto == 6 || proto == 17 || proto == 132) &&
	    nh + l4_off + 4 <= s->data_end) {
		memcpy(&words[n++], nh + l4_off, 4);
		s->l4_hash = 1;
	}
	h = rte_jhash_32b(words, n, seed);
	s->hash = h ? h : 1;	/* as __flow_hash_from_keys: never 0 */
	return s->hash;
}

/* long bpf_skb_ecn_set_ce(skb): INET_ECN_set_ce on the network header */
uint64_t
xdpdk_h_skb_ecn_set_ce(uint64_t skb, uint64_t b, uint64_t c, uint64_t d, uint64_t e)
{
	struct xdpdk_skb_ctx *s = skb_of(skb);
	uint8_t *nh = s->data + s->network_off;
	uint16_t proto = s->protocol;
	uint32_t ecn, v;

	(void)b, (void)c, (void)d, (void)e;
	/* skb_protocol(skb, true): the protocol under any VLAN tags in the packet */
	for (uint32_t off = 12; eth_type_vlan(proto) && s->data + off + 6 <= s->data_end;
	     off += VLAN_HLEN)
		proto = load16(s->data + off + VLAN_HLEN);
	if (proto == be16(ETH_P_IP)) {
		if (s->len < 20 || nh + 20 > s->data_end)
			return 0;
		ecn = (nh[1] + 1u) & 3;
		if (!(ecn & 2))
			return !ecn;
		store16(nh + 10, csum16_add(load16(nh + 10),
					    (uint16_t)(be16(0xfffb) + be16((uint16_t)ecn))));
		nh[1] |= 3;
		return 1;
	}
	if (proto == be16(ETH_P_IPV6)) {
		if (s->len < 40 || nh + 40 > s->data_end)
			return 0;
		if (((be16(load16(nh)) >> 4) & 3) == 0)	/* not ECT */
			return 0;
		memcpy(&v, nh, 4);
		v |= (uint32_t)__builtin_bswap32(3u << 20);
		memcpy(nh, &v, 4);
		return 1;
	}
	return 0;
}
