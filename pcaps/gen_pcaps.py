#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Generate the small, deterministic captures in pcaps/ (one per packet kind,
plus mixed.pcap for the demo). Needs python3-scapy (the system python).

Deterministic: every address, id, sequence number, payload and timestamp is
fixed, so two runs write identical bytes (check with --check).

    pcaps/gen_pcaps.py [--out DIR] [--check]
"""

import argparse
import filecmp
import logging
import os
import sys
import tempfile

# The runt is raw bytes without a link layer: scapy warns about its
# "linktype" although every file is written as Ethernet (linktype 1).
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

from scapy.all import (ARP, ICMP, IP, TCP, UDP, Dot1AD, Dot1Q, Ether,
                       ICMPv6EchoReply, ICMPv6EchoRequest, ICMPv6ND_NS,
                       ICMPv6PacketTooBig, IPerror, IPOption_NOP, IPOption_RR,
                       IPOption_Router_Alert, IPv6, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting,
                       Raw, TCPerror, fragment, wrpcap)
from scapy.utils import wrpcapng

# Two hosts and a gateway; locally administered MACs.
MAC_A = "02:00:00:00:00:0a"
MAC_B = "02:00:00:00:00:0b"
MAC_BCAST = "ff:ff:ff:ff:ff:ff"
IP4_A, IP4_B = "10.0.0.1", "10.0.0.2"
IP4_TUN_A, IP4_TUN_B = "192.168.1.1", "192.168.1.2"
IP6_A, IP6_B = "fd00::1", "fd00::2"

# Katran's GUE port: the inner IPv4 header follows the UDP header directly
# (GUE variant 1, no GUE header).
GUE_PORT = 6080

# 2023-11-14 22:13:20 UTC; each packet 1 ms after the previous one.
T0 = 1700000000


def payload(n, seed=0):
    """n bytes of a fixed, recognisable pattern."""
    return bytes((seed + i * 7) & 0xFF for i in range(n))


def eth(src=MAC_A, dst=MAC_B):
    return Ether(src=src, dst=dst)


def eth_ipv4_raw(data):
    """Ethernet (type IPv4) carrying bytes scapy must not re-encode."""
    return Ether(src=MAC_A, dst=MAC_B, type=0x0800) / Raw(data)


def ipv4_udp():
    return [
        eth() / IP(src=IP4_A, dst=IP4_B, id=1) / UDP(sport=1234, dport=5678) / Raw(payload(18)),
        eth() / IP(src=IP4_A, dst=IP4_B, id=2) / UDP(sport=1234, dport=53) / Raw(payload(32, 1)),
        eth(MAC_B, MAC_A) / IP(src=IP4_B, dst=IP4_A, id=3) / UDP(sport=5678, dport=1234)
        / Raw(payload(100, 2)),
        eth() / IP(src=IP4_A, dst=IP4_B, id=4, ttl=1) / UDP(sport=40000, dport=4789)
        / Raw(payload(6, 3)),
    ]


def ipv4_tcp():
    a = IP(src=IP4_A, dst=IP4_B, id=10)
    b = IP(src=IP4_B, dst=IP4_A, id=20)
    return [
        eth() / a / TCP(sport=40000, dport=80, seq=1000, flags="S", window=64240),
        eth(MAC_B, MAC_A) / b / TCP(sport=80, dport=40000, seq=5000, ack=1001, flags="SA",
                                    window=65160),
        eth() / a / TCP(sport=40000, dport=80, seq=1001, ack=5001, flags="A"),
        eth() / a / TCP(sport=40000, dport=80, seq=1001, ack=5001, flags="PA")
        / Raw(b"GET / HTTP/1.1\r\nHost: b\r\n\r\n"),
        eth() / a / TCP(sport=40000, dport=80, seq=1028, ack=5001, flags="FA"),
    ]


def ipv4_icmp():
    return [
        eth() / IP(src=IP4_A, dst=IP4_B, id=30) / ICMP(type=8, id=0x1234, seq=1)
        / Raw(payload(56, 4)),
        eth(MAC_B, MAC_A) / IP(src=IP4_B, dst=IP4_A, id=31) / ICMP(type=0, id=0x1234, seq=1)
        / Raw(payload(56, 4)),
    ]


def ipv6_udp():
    return [
        eth() / IPv6(src=IP6_A, dst=IP6_B) / UDP(sport=1234, dport=5678) / Raw(payload(18, 5)),
        eth(MAC_B, MAC_A) / IPv6(src=IP6_B, dst=IP6_A) / UDP(sport=5678, dport=1234)
        / Raw(payload(64, 6)),
    ]


def ipv6_tcp():
    return [
        eth() / IPv6(src=IP6_A, dst=IP6_B) / TCP(sport=40001, dport=443, seq=2000, flags="S",
                                                 window=64800),
        eth(MAC_B, MAC_A) / IPv6(src=IP6_B, dst=IP6_A)
        / TCP(sport=443, dport=40001, seq=9000, ack=2001, flags="SA", window=64800),
        eth() / IPv6(src=IP6_A, dst=IP6_B) / TCP(sport=40001, dport=443, seq=2001, ack=9001,
                                                 flags="PA") / Raw(payload(40, 7)),
    ]


def ipv6_icmp():
    return [
        eth() / IPv6(src=IP6_A, dst=IP6_B) / ICMPv6EchoRequest(id=0x42, seq=1, data=payload(32, 8)),
        eth(MAC_B, MAC_A) / IPv6(src=IP6_B, dst=IP6_A)
        / ICMPv6EchoReply(id=0x42, seq=1, data=payload(32, 8)),
        Ether(src=MAC_A, dst="33:33:ff:00:00:02")
        / IPv6(src=IP6_A, dst="ff02::1:ff00:2", hlim=255) / ICMPv6ND_NS(tgt=IP6_B),
    ]


def arp():
    return [
        Ether(src=MAC_A, dst=MAC_BCAST) / ARP(op=1, hwsrc=MAC_A, psrc=IP4_A,
                                              hwdst="00:00:00:00:00:00", pdst=IP4_B),
        eth(MAC_B, MAC_A) / ARP(op=2, hwsrc=MAC_B, psrc=IP4_B, hwdst=MAC_A, pdst=IP4_A),
    ]


def vlan():
    return [
        eth() / Dot1Q(vlan=100, prio=0) / IP(src=IP4_A, dst=IP4_B, id=40)
        / UDP(sport=1234, dport=5678) / Raw(payload(18, 9)),
        eth(MAC_B, MAC_A) / Dot1Q(vlan=100, prio=5) / IP(src=IP4_B, dst=IP4_A, id=41)
        / UDP(sport=5678, dport=1234) / Raw(payload(30, 10)),
    ]


def qinq():
    return [
        eth() / Dot1AD(vlan=200) / Dot1Q(vlan=100) / IP(src=IP4_A, dst=IP4_B, id=50)
        / UDP(sport=1234, dport=5678) / Raw(payload(18, 11)),
    ]


def ipip():
    inner = IP(src=IP4_A, dst=IP4_B, id=60) / UDP(sport=1234, dport=5678) / Raw(payload(18, 12))
    return [
        eth() / IP(src=IP4_TUN_A, dst=IP4_TUN_B, id=61, proto=4) / inner,
    ]


def gue():
    inner = IP(src=IP4_A, dst=IP4_B, id=70) / TCP(sport=40002, dport=80, seq=3000, flags="S",
                                                  window=64240)
    inner2 = IP(src=IP4_A, dst=IP4_B, id=71) / UDP(sport=1234, dport=5678) / Raw(payload(18, 13))
    return [
        eth() / IP(src=IP4_TUN_A, dst=IP4_TUN_B, id=72) / UDP(sport=31000, dport=GUE_PORT)
        / Raw(bytes(inner)),
        eth() / IP(src=IP4_TUN_A, dst=IP4_TUN_B, id=73) / UDP(sport=31001, dport=GUE_PORT)
        / Raw(bytes(inner2)),
    ]


def ipv4_frag():
    """A 2000-byte UDP datagram in two fragments: first (MF, offset 0), then last."""
    whole = IP(src=IP4_A, dst=IP4_B, id=0x4242) / UDP(sport=1234, dport=5678) \
        / Raw(payload(2000, 14))
    return [eth() / f for f in fragment(whole, fragsize=1480)]


def truncated():
    """Ethernet and the first 10 bytes of an IPv4 header; the frame really ends there."""
    ip = bytes(IP(src=IP4_A, dst=IP4_B, id=80) / UDP(sport=1234, dport=5678) / Raw(payload(18)))
    return [eth_ipv4_raw(ip[:10])]


def malformed():
    """IPv4 with ihl 4 (< 5), and IPv4 whose total length exceeds the frame."""
    short_ihl = bytearray(bytes(IP(src=IP4_A, dst=IP4_B, id=90) / UDP(sport=1234, dport=5678)
                                / Raw(payload(18))))
    short_ihl[0] = 0x44
    too_long = IP(src=IP4_A, dst=IP4_B, id=91, len=1500) / UDP(sport=1234, dport=5678) \
        / Raw(payload(18))
    return [eth_ipv4_raw(bytes(short_ihl)), eth() / too_long]


def jumbo():
    """One 9000-byte frame: Ethernet + IPv4 (total length 8986) + UDP."""
    return [eth() / IP(src=IP4_A, dst=IP4_B, id=100) / UDP(sport=1234, dport=9000)
            / Raw(payload(9000 - 14 - 20 - 8, 15))]


def runt():
    """10 bytes: shorter than an Ethernet header."""
    return [Raw(bytes(eth())[:10])]


# ---- inputs of the bundled programs' golden tests (tests/golden/) ----------
# Clients in 192.0.2.0/24 and 2001:db8::/64; the addresses the programs'
# maps name are in tests/golden/<name>.maps.

def lb_in():
    """VIPs 10.0.0.1:80/tcp (IPIP), 10.0.0.2:53/udp (GUE), [fd00::100]:443/tcp
    (IP6IP6), 10.0.0.3:any/tcp (4in6), [fd00::200]:4789/udp (GUE over IPv6),
    [fd00::300]:80/tcp (6in4, no connection table), and what is not for a VIP."""
    c4, c6 = "192.0.2.10", "2001:db8::10"
    syn = dict(flags="S", seq=1000)
    quoted = IPerror(src="10.0.0.1", dst=c4, id=7, len=1500) / TCPerror(sport=80, dport=40000)
    quoted6 = IPv6(src="fd00::100", dst=c6, plen=1460, nh=6) / TCPerror(sport=443, dport=40000)
    return [
        eth() / IP(src=c4, dst="10.0.0.1", id=1) / TCP(sport=40000, dport=80, **syn),
        eth() / IP(src=c4, dst="10.0.0.1", id=2) / TCP(sport=40000, dport=80, flags="A",
                                                      seq=1001, ack=1) / Raw(payload(40)),
        eth() / IP(src="192.0.2.11", dst="10.0.0.1", id=3) / TCP(sport=40001, dport=80, **syn),
        eth() / IP(src="192.0.2.12", dst="10.0.0.1", id=4, tos=0xb8) / TCP(sport=40002, dport=80,
                                                                          **syn),
        eth() / IP(src=c4, dst="10.0.0.2", id=5) / UDP(sport=5000, dport=53) / Raw(payload(30)),
        eth() / IP(src="192.0.2.13", dst="10.0.0.2", id=6) / UDP(sport=5001, dport=53)
        / Raw(payload(30, 2)),
        eth() / IPv6(src=c6, dst="fd00::100") / TCP(sport=40000, dport=443, **syn),
        eth() / IPv6(src="2001:db8::11", dst="fd00::100") / TCP(sport=40003, dport=443, **syn),
        eth() / IP(src="192.0.2.14", dst="10.0.0.3", id=8) / TCP(sport=40004, dport=8080, **syn),
        eth() / IPv6(src="2001:db8::12", dst="fd00::200") / UDP(sport=6000, dport=4789)
        / Raw(payload(24, 3)),
        eth() / IPv6(src="2001:db8::13", dst="fd00::300") / TCP(sport=40005, dport=80, flags="A",
                                                               seq=5, ack=9),
        # ICMP errors about VIP flows go where the flow goes.
        eth() / IP(src="198.51.100.1", dst="10.0.0.1", id=9) / ICMP(type=3, code=4, nexthopmtu=1400)
        / quoted,
        eth() / IPv6(src="2001:db8:ffff::1", dst="fd00::100") / ICMPv6PacketTooBig(mtu=1280)
        / quoted6,
        # Not for the load balancer: passed.
        eth() / IP(src=c4, dst="10.0.0.1", id=10) / ICMP(type=8, id=1, seq=1),
        eth() / IPv6(src=c6, dst="fd00::100") / UDP(sport=40000, dport=443),
        eth() / IP(src=c4, dst="10.0.0.9", id=11) / TCP(sport=40000, dport=80, **syn),
        eth() / IP(src=c4, dst="10.0.0.1", id=12, flags="MF") / TCP(sport=40000, dport=80, **syn),
        Ether(src=MAC_A, dst=MAC_BCAST) / ARP(op=1, hwsrc=MAC_A, psrc=c4, pdst="10.0.0.1"),
        # A VIP packet whose TCP header is cut short: dropped.
        eth_ipv4_raw(bytes(IP(src=c4, dst="10.0.0.1", id=13) / TCP(sport=40000, dport=80))[:30]),
    ]


def firewall_in():
    """Sources in the allow and deny lists, port rules, and the default."""
    def t4(src, dport, proto=TCP, **kw):
        return eth() / IP(src=src, dst=IP4_B, **kw) / proto(sport=33000, dport=dport) \
            / Raw(payload(12))

    def t6(src, dport):
        return eth() / IPv6(src=src, dst=IP6_B) / TCP(sport=33000, dport=dport)
    return [
        t4("10.1.2.3", 22),                 # allow_v4 10.1.2.0/24 beats deny_v4 10.1.0.0/16
        t4("10.1.9.9", 443),                # deny_v4 10.1.0.0/16
        t4("192.0.2.1", 22),                # port rule: tcp/22 drop
        t4("192.0.2.1", 53, UDP),           # port rule: udp/53 pass
        t4("192.0.2.1", 443),               # default
        t4("192.0.2.1", 80),                # port rule: tcp/80 pass
        eth() / Dot1Q(vlan=10) / IP(src="192.0.2.2", dst=IP4_B) / TCP(sport=1, dport=22),
        t6("2001:db8:bad::1", 80),          # deny_v6 2001:db8:bad::/48
        t6("2001:db8:bad:1::5", 22),        # allow_v6 2001:db8:bad:1::/64
        t6("2001:db8::1", 22),              # port rule
        t6("2001:db8::1", 8080),            # default
        Ether(src=MAC_A, dst=MAC_BCAST) / ARP(op=1, hwsrc=MAC_A, psrc=IP4_A, pdst=IP4_B),
        eth() / IP(src="192.0.2.3", dst=IP4_B, frag=100, proto=6) / Raw(payload(16)),
        eth_ipv4_raw(bytes(IP(src="192.0.2.4", dst=IP4_B, proto=17)) + b"\x00\x35"),
    ]


def router_in():
    """Routed, blackholed, unresolved and expiring packets (routes: router.maps)."""
    return [
        eth() / IP(src="10.2.0.1", dst="10.1.0.10", ttl=64, id=1) / UDP(sport=1000, dport=2000)
        / Raw(payload(20)),
        eth() / IP(src="10.1.0.10", dst="198.18.0.1", ttl=2, id=2) / TCP(sport=1000, dport=80),
        eth() / IP(src="10.1.0.10", dst="192.0.2.5", id=3) / UDP(sport=1, dport=2),
        eth() / IP(src="10.1.0.10", dst="198.18.0.1", ttl=1, id=4) / UDP(sport=1, dport=2),
        eth() / IP(src="10.2.0.1", dst="10.1.0.99", id=5) / UDP(sport=1, dport=2),
        eth() / IPv6(src="2001:db8:1::10", dst="2001:4860::1", hlim=64) / UDP(sport=1, dport=2)
        / Raw(payload(8)),
        eth() / IPv6(src="2001:db8:2::1", dst="2001:db8:1::10", hlim=1) / UDP(sport=1, dport=2),
        Ether(src=MAC_A, dst=MAC_BCAST) / ARP(op=1, hwsrc=MAC_A, psrc=IP4_A, pdst=IP4_B),
    ]


def tc_in():
    """IPv4 and IPv6 to be marked, and what is not IP."""
    return [
        eth() / IP(src=IP4_A, dst=IP4_B, tos=0x01, id=1) / UDP(sport=1, dport=2) / Raw(payload(8)),
        eth() / IP(src=IP4_A, dst=IP4_B, tos=0xfe, id=2) / TCP(sport=1, dport=2),
        eth() / IPv6(src=IP6_A, dst=IP6_B, tc=0x03, fl=0x12345) / UDP(sport=1, dport=2),
        eth() / IPv6(src=IP6_A, dst=IP6_B) / TCP(sport=1, dport=2),
        Ether(src=MAC_A, dst=MAC_BCAST) / ARP(op=1, hwsrc=MAC_A, psrc=IP4_A, pdst=IP4_B),
    ]


def spread_in():
    """Flows in both directions (they must land on the same slot) and non-IP."""
    out = []
    for i in range(6):
        a, b = "10.0.%d.1" % i, "10.9.0.%d" % (i + 1)
        out.append(eth() / IP(src=a, dst=b, id=i) / TCP(sport=1000 + i, dport=80))
        out.append(eth(MAC_B, MAC_A) / IP(src=b, dst=a, id=i) / TCP(sport=80, dport=1000 + i))
    out.append(eth() / IPv6(src=IP6_A, dst=IP6_B) / UDP(sport=7, dport=9))
    out.append(Ether(src=MAC_A, dst=MAC_BCAST) / ARP(op=1, hwsrc=MAC_A, psrc=IP4_A, pdst=IP4_B))
    return out


def xsk_in():
    """The steered flow (UDP 4789) over IPv4 and IPv6, and others."""
    return [
        eth() / IP(src=IP4_A, dst=IP4_B) / UDP(sport=1, dport=4789) / Raw(payload(16)),
        eth() / IPv6(src=IP6_A, dst=IP6_B) / UDP(sport=1, dport=4789),
        eth() / IP(src=IP4_A, dst=IP4_B) / UDP(sport=4789, dport=1),
        eth() / IP(src=IP4_A, dst=IP4_B) / TCP(sport=1, dport=4789),
        Ether(src=MAC_A, dst=MAC_BCAST) / ARP(op=1, hwsrc=MAC_A, psrc=IP4_A, pdst=IP4_B),
    ]


def ddos_in():
    """A SYN burst and a UDP burst from one source, others from a second."""
    out = []
    for i in range(5):
        out.append(eth() / IP(src="192.0.2.66", dst=IP4_B, id=i) / TCP(sport=2000 + i, dport=80,
                                                                      flags="S"))
    out.append(eth() / IP(src="192.0.2.66", dst=IP4_B) / TCP(sport=2000, dport=80, flags="A"))
    out.append(eth() / IP(src="192.0.2.67", dst=IP4_B) / TCP(sport=2000, dport=80, flags="S"))
    for i in range(4):
        out.append(eth() / IPv6(src="2001:db8::66", dst=IP6_B) / UDP(sport=3000 + i, dport=53))
    out.append(eth() / IP(src="192.0.2.66", dst=IP4_B) / UDP(sport=3000, dport=53))
    out.append(eth() / IP(src="192.0.2.66", dst=IP4_B) / ICMP())
    return out


PROGRAM_INPUTS = [
    ("lb-in", lb_in),
    ("firewall-in", firewall_in),
    ("router-in", router_in),
    ("tc-in", tc_in),
    ("spread-in", spread_in),
    ("xsk-in", xsk_in),
    ("ddos-in", ddos_in),
]


KINDS = [
    ("ipv4_udp", ipv4_udp),
    ("ipv4_tcp", ipv4_tcp),
    ("ipv4_icmp", ipv4_icmp),
    ("ipv6_udp", ipv6_udp),
    ("ipv6_tcp", ipv6_tcp),
    ("ipv6_icmp", ipv6_icmp),
    ("arp", arp),
    ("vlan_udp", vlan),
    ("qinq_udp", qinq),
    ("ipip", ipip),
    ("gue", gue),
    ("ipv4_frag", ipv4_frag),
    ("truncated", truncated),
    ("malformed", malformed),
    ("jumbo", jumbo),
    ("runt", runt),
]

MIXED_COUNT = 64


# ---- edge cases for the kernel differential (tests/differential) ----------
# What parsers get wrong and what test runs refuse: the kernel and xdpdk must
# agree on every one, refusals (with their errno) included.

# The largest XDP test-run input: 4096 - 256 (headroom) - 320 (skb_shared_info)
# in the linear part and 17 (MAX_SKB_FRAGS) pages of fragments.
XDP_TEST_RUN_MAX = 4096 - 256 - 320 + 17 * 4096


def fix_ipv4(raw):
    """Bytes of an Ethernet/IPv4 frame scapy must not re-encode (checksums kept)."""
    return eth_ipv4_raw(bytes(raw))


def edge():
    """Runts, size limits, stacked VLANs, IPv6 extension chains, fragments, IPv4
    options and broken headers, checksums, TCP options, ARP, an unknown EtherType."""
    udp = UDP(sport=1234, dport=5678)
    out = [Raw(bytes(eth() / IP(src=IP4_A, dst=IP4_B))[:n]) for n in range(1, 14)]
    out.append(Raw(bytes(eth(MAC_A, MAC_B))[:12] + b"\x08\x00"))  # 14: only Ethernet
    # Size limits: the largest standard frame; frames either side of the XDP
    # test-run limit (TC's is 4096 - 64 - 320: both are refused there), beyond
    # what an IPv4 length can say: EtherType 0x88b5 (local experimental).
    out.append(eth() / IP(src=IP4_A, dst=IP4_B, id=200) / udp
               / Raw(payload(1514 - 14 - 20 - 8, 20)))
    for size in (XDP_TEST_RUN_MAX, XDP_TEST_RUN_MAX + 1):
        out.append(Ether(src=MAC_A, dst=MAC_B, type=0x88B5) / Raw(payload(size - 14, 23)))
    # Stacked VLANs: 802.1ad + 802.1Q, and 802.1Q in 802.1Q.
    inner = IP(src=IP4_A, dst=IP4_B, id=201) / udp / Raw(payload(18))
    out.append(eth() / Dot1AD(vlan=300) / Dot1Q(vlan=30) / inner)
    out.append(eth() / Dot1Q(vlan=10) / Dot1Q(vlan=20) / inner)
    # IPv6 extension headers, alone and chained.
    v6 = dict(src=IP6_A, dst=IP6_B)
    seg = dict(addresses=["fd00::3", "fd00::4"], segleft=1)
    for ext in (IPv6ExtHdrHopByHop(), IPv6ExtHdrRouting(**seg), IPv6ExtHdrDestOpt(),
                IPv6ExtHdrFragment(id=7, offset=0, m=1),
                IPv6ExtHdrHopByHop() / IPv6ExtHdrRouting(**seg) / IPv6ExtHdrDestOpt()
                / IPv6ExtHdrFragment(id=8, offset=0, m=0),
                IPv6ExtHdrDestOpt() / IPv6ExtHdrFragment(id=9, offset=100, m=1)):
        out.append(eth() / IPv6(**v6) / ext / UDP(sport=1234, dport=5678) / Raw(payload(16)))
    # IPv4 fragments: first, middle, last of one datagram.
    whole = IP(src=IP4_A, dst=IP4_B, id=0x4343) / udp / Raw(payload(2400, 21))
    out += [eth() / f for f in fragment(whole, fragsize=800)]
    # IPv4 options: record route, router alert, padding.
    out.append(eth() / IP(src=IP4_A, dst=IP4_B, id=202,
                          options=[IPOption_RR(routers=["0.0.0.0"] * 2),
                                   IPOption_Router_Alert(), IPOption_NOP()])
               / udp / Raw(payload(18)))
    # Checksums: IPv4 header, UDP, TCP wrong by one.
    good = bytearray(bytes(IP(src=IP4_A, dst=IP4_B, id=203) / udp / Raw(payload(18))))
    good[10] ^= 0x01
    out.append(fix_ipv4(good))
    bad_udp = bytearray(bytes(IP(src=IP4_A, dst=IP4_B, id=204) / udp / Raw(payload(18))))
    bad_udp[20 + 6] ^= 0x01
    out.append(fix_ipv4(bad_udp))
    bad_tcp = bytearray(bytes(IP(src=IP4_A, dst=IP4_B, id=205)
                              / TCP(sport=40000, dport=80, flags="S", seq=1)))
    bad_tcp[20 + 16] ^= 0x01
    out.append(fix_ipv4(bad_tcp))
    # Broken IPv4 headers: ihl 0 and 4 (< 5), total length above and below the frame.
    for ihl in (0x40, 0x44):
        b = bytearray(bytes(IP(src=IP4_A, dst=IP4_B, id=206) / udp / Raw(payload(18))))
        b[0] = ihl
        out.append(fix_ipv4(b))
    out.append(eth() / IP(src=IP4_A, dst=IP4_B, id=207, len=9000) / udp / Raw(payload(18)))
    out.append(eth() / IP(src=IP4_A, dst=IP4_B, id=208, len=28) / udp / Raw(payload(100)))
    # TCP with options (MSS, SACK permitted, timestamps, NOP, window scale).
    out.append(eth() / IP(src=IP4_A, dst=IP4_B, id=209)
               / TCP(sport=40000, dport=80, flags="S", seq=1,
                     options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1, 0)),
                              ("NOP", None), ("WScale", 7)]))
    # UDP with no payload, over IPv4 and IPv6.
    out.append(eth() / IP(src=IP4_A, dst=IP4_B, id=210) / udp)
    out.append(eth() / IPv6(**v6) / udp)
    # ARP request, an unknown EtherType (0x88b5, local experimental).
    out.append(Ether(src=MAC_A, dst=MAC_BCAST) / ARP(op=1, hwsrc=MAC_A, psrc=IP4_A, pdst=IP4_B))
    out.append(Ether(src=MAC_A, dst=MAC_B, type=0x88B5) / Raw(payload(46, 22)))
    return out


def write_edge(path):
    """snaplen 262144: libpcap must keep the jumbo frames whole."""
    wrpcap(path, stamp(edge()), linktype=1, snaplen=262144)


# ---- bad input: what `xdpdk prog test` must refuse with a message ----------

def bad_truncated(path):
    """ipv4_udp.pcap's four packets, the file cut 30 bytes into the last one's 48."""
    wrpcap(path, stamp(ipv4_udp()), linktype=1)
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[:-18])


def bad_linktype(path):
    """Raw IPv4 packets (link type 101, LINKTYPE_RAW): no Ethernet header."""
    wrpcap(path, stamp([IP(src=IP4_A, dst=IP4_B, id=110) / UDP(sport=1234, dport=5678)
                        / Raw(payload(18))]), linktype=101)


def bad_oversize(path):
    """A frame of 80014 bytes between two small ones: more than an XDP test run
    takes (73152: the linear part and 17 fragment pages); snaplen 262144 so that
    libpcap keeps it whole."""
    # No IP header can say such a length: EtherType 0x88b5 (local experimental).
    big = Ether(src=MAC_A, dst=MAC_B, type=0x88B5) / Raw(payload(80000, 16))
    wrpcap(path, stamp([ipv4_udp()[0], big, ipv4_udp()[1]]), linktype=1, snaplen=262144)


BAD = [
    ("bad-truncated", bad_truncated),
    ("bad-linktype", bad_linktype),
    ("bad-oversize", bad_oversize),
]


def stamp(pkts):
    """Fixed timestamps: T0, then 1 ms apart (scapy would use the clock)."""
    out = []
    for i, p in enumerate(pkts):
        p = p.copy() if hasattr(p, "copy") else p
        p.time = T0 + i / 1000
        out.append(p)
    return out


def mixed():
    """Round-robin over the kinds' packets until MIXED_COUNT, jumbo once at most."""
    pools = [(name, fn()) for name, fn in KINDS]
    out, turn = [], 0
    while len(out) < MIXED_COUNT:
        name, pkts = pools[turn % len(pools)]
        round_no = turn // len(pools)
        if name == "jumbo" and round_no > 0:
            turn += 1
            continue
        out.append(pkts[round_no % len(pkts)])
        turn += 1
    return out


def write_all(out_dir):
    for name, fn in KINDS:
        wrpcap(os.path.join(out_dir, name + ".pcap"), stamp(fn()), linktype=1)
    wrpcap(os.path.join(out_dir, "mixed.pcap"), stamp(mixed()), linktype=1)
    for name, fn in PROGRAM_INPUTS:
        wrpcap(os.path.join(out_dir, name + ".pcap"), stamp(fn()), linktype=1)
    for name, fn in BAD:
        fn(os.path.join(out_dir, name + ".pcap"))
    write_edge(os.path.join(out_dir, "edge.pcap"))
    # The lb's input again as pcapng: the same golden test must pass on it.
    wrpcapng(os.path.join(out_dir, "lb-in.pcapng"), stamp(lb_in()))
    return ([name + ".pcap" for name, _ in KINDS] + ["mixed.pcap"]
            + [name + ".pcap" for name, _ in PROGRAM_INPUTS]
            + [name + ".pcap" for name, _ in BAD] + ["lb-in.pcapng", "edge.pcap"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)),
                    help="output directory (default: this script's directory)")
    ap.add_argument("--check", action="store_true",
                    help="regenerate into a temporary directory and compare with --out")
    args = ap.parse_args()

    if not args.check:
        for f in write_all(args.out):
            print(os.path.join(args.out, f))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        files = write_all(tmp)
        bad = [f for f in files
               if not os.path.exists(os.path.join(args.out, f))
               or not filecmp.cmp(os.path.join(tmp, f), os.path.join(args.out, f), shallow=False)]
    for f in bad:
        print("differs: " + f, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
