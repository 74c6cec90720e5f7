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
                       ICMPv6EchoReply, ICMPv6EchoRequest, ICMPv6ND_NS, IPv6,
                       Raw, fragment, wrpcap)

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
    return [name + ".pcap" for name, _ in KINDS] + ["mixed.pcap"]


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
