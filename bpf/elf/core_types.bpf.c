// SPDX-License-Identifier: BSD-3-Clause
/*
 * The types xdpdk provides to CO-RE relocations: what a program built
 * against vmlinux.h may read with preserve_access_index, in the layout
 * xdpdk gives it. Compiled with clang -g -target bpf at build time; only the
 * object's BTF is used (embedded in the library by embed_btf.py), so this
 * file needs no code, just one variable that holds every type by value
 * (through a pointer, clang would emit only a forward declaration).
 *
 * The UAPI headers give the context structs, xdp_md and __sk_buff (the
 * layout programs address; xdpdk's context rewrite maps them onto its own),
 * the helper argument structs, and the packet headers, which the kernel
 * defines identically. A few kernel-internal headers that vmlinux.h-based
 * XDP programs use are copied from include/linux (vlan_hdr, vlan_ethhdr,
 * gre_base_hdr), and arphdr and icmphdr from linux/if_arp.h and
 * linux/icmp.h, which pull in libc headers a BPF build cannot use. Types
 * a userspace runtime does not have (sk_buff, task_struct, ...) are absent
 * on purpose: relocations against them fail to resolve, with the access
 * named, instead of reading garbage.
 */
#include <linux/bpf.h>
#include <linux/icmpv6.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/mpls.h>
#include <linux/stddef.h>
#include <linux/tcp.h>
#include <linux/udp.h>

/* include/linux/if_vlan.h */
struct vlan_hdr {
	__be16 h_vlan_TCI;
	__be16 h_vlan_encapsulated_proto;
};

/* The macro's last argument is a member list. */
/* clang-format off */
struct vlan_ethhdr {
	__struct_group(/* no tag */, addrs, /* no attrs */,
		unsigned char h_dest[ETH_ALEN];
		unsigned char h_source[ETH_ALEN];
	);
	__be16 h_vlan_proto;
	__be16 h_vlan_TCI;
	__be16 h_vlan_encapsulated_proto;
};
/* clang-format on */

/* linux/if_arp.h */
struct arphdr {
	__be16 ar_hrd;
	__be16 ar_pro;
	unsigned char ar_hln;
	unsigned char ar_pln;
	__be16 ar_op;
};

/* linux/icmp.h */
struct icmphdr {
	__u8 type;
	__u8 code;
	__sum16 checksum;
	union {
		struct {
			__be16 id;
			__be16 sequence;
		} echo;
		__be32 gateway;
		struct {
			__be16 __unused;
			__be16 mtu;
		} frag;
		__u8 reserved[4];
	} un;
};

/* include/net/gre.h */
struct gre_base_hdr {
	__be16 flags;
	__be16 protocol;
} __attribute__((packed));

struct xdpdk_core_types {
	/* Contexts and helper arguments (linux/bpf.h). */
	struct xdp_md xdp_md;
	struct __sk_buff sk_buff;
	struct bpf_sock sock;
	struct bpf_tcp_sock tcp_sock;
	struct bpf_sock_tuple sock_tuple;
	struct bpf_fib_lookup fib_lookup;
	struct bpf_redir_neigh redir_neigh;
	struct bpf_tunnel_key tunnel_key;
	struct bpf_xfrm_state xfrm_state;
	struct bpf_flow_keys flow_keys;
	struct bpf_spin_lock spin_lock;
	struct bpf_timer timer;
	struct bpf_xdp_sock xdp_sock;
	enum xdp_action xdp_action;
	enum bpf_adj_room_mode adj_room_mode;
	enum bpf_hdr_start_off hdr_start_off;
	/* Packet headers. */
	struct ethhdr ethhdr;
	struct vlan_hdr vlan_hdr;
	struct vlan_ethhdr vlan_ethhdr;
	struct arphdr arphdr;
	struct mpls_label mpls_label;
	struct iphdr iphdr;
	struct ipv6hdr ipv6hdr;
	struct ipv6_opt_hdr ipv6_opt_hdr;
	struct in_addr in_addr;
	struct in6_addr in6_addr;
	struct tcphdr tcphdr;
	struct udphdr udphdr;
	struct icmphdr icmphdr;
	struct icmp6hdr icmp6hdr;
	struct gre_base_hdr gre_base_hdr;
};

struct xdpdk_core_types xdpdk_core_types;
