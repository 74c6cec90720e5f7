#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks on the pcapng files `xdpdk capture -w` writes (test_daemon_ctl.sh).

  pcapng_check.py consecutive CAPTURE.pcapng INPUT.pcap N
      N packets, each commented "... entry", equal to N consecutive packets of
      INPUT replayed in a loop (frames shorter than Ethernet never reach XDP).
  pcapng_check.py macswap CAPTURE.pcapng
      entry and exit packets of an XDP_TX MAC-swapping program: each exit one is
      an entry one with its MAC addresses swapped, commented "exit XDP_TX".
  pcapng_check.py srcmac OUT.pcap N MAC
      a classic pcap of N packets, each with source MAC address MAC.

A small reader of our own: scapy 2.5 wants a newline at the end of comments.
"""
import struct
import sys


def read_pcapng(path):
    data = open(path, "rb").read()
    off, pkts = 0, []
    while off < len(data):
        btype, blen = struct.unpack_from("<II", data, off)
        if blen < 12 or off + blen > len(data):
            sys.exit(f"{path}: bad block length {blen} at {off}")
        if struct.unpack_from("<I", data, off + blen - 4)[0] != blen:
            sys.exit(f"{path}: trailing length differs at {off}")
        if btype == 6:
            caplen, wirelen = struct.unpack_from("<II", data, off + 20)
            body = data[off + 28:off + 28 + caplen]
            o = off + 28 + ((caplen + 3) & ~3)
            comment, flags = None, None
            while o < off + blen - 4:
                code, ln = struct.unpack_from("<HH", data, o)
                if code == 0:
                    break
                val = data[o + 4:o + 4 + ln]
                if code == 1:
                    comment = val.decode()
                elif code == 2:
                    flags = struct.unpack("<I", val)[0]
                o += 4 + ((ln + 3) & ~3)
            pkts.append((body, wirelen, comment, flags))
        off += blen
    return pkts


def read_pcap(path):
    data = open(path, "rb").read()
    off, pkts = 24, []
    while off + 16 <= len(data):
        caplen = struct.unpack_from("<I", data, off + 8)[0]
        pkts.append(data[off + 16:off + 16 + caplen])
        off += 16 + caplen
    return pkts


def consecutive(cap, inp, n):
    got = read_pcapng(cap)
    src = [p for p in read_pcap(inp) if len(p) >= 14]
    if len(got) != n:
        sys.exit(f"{len(got)} packets captured, expected {n}")
    for i, (_, wirelen, comment, flags) in enumerate(got):
        if comment is None or not comment.endswith(" entry") or flags != 1:
            sys.exit(f"packet {i}: comment {comment!r} flags {flags}")
    for start in range(len(src)):
        if all(got[i][0] == src[(start + i) % len(src)] for i in range(n)):
            print(f"{n} packets = input packets {start}.. of {len(src)}, in a loop")
            return
    sys.exit("the captured packets are not consecutive input packets")


def macswap(cap):
    got = read_pcapng(cap)
    entries = [p[0] for p in got if p[2].endswith(" entry")]
    exits = [p for p in got if " exit " in p[2]]
    if not exits or not entries:
        sys.exit(f"{len(entries)} entry and {len(exits)} exit packets")
    for body, _, comment, flags in exits:
        if not comment.endswith("exit XDP_TX") or flags != 2:
            sys.exit(f"exit packet commented {comment!r}, flags {flags}")
        if body[6:12] + body[0:6] + body[12:] not in entries:
            sys.exit("an exit packet is no entry packet with its MACs swapped")
    print(f"{len(exits)} exit packets: entry packets with their MACs swapped, XDP_TX")


def srcmac(path, n, mac):
    want = bytes(int(x, 16) for x in mac.split(":"))
    pkts = read_pcap(path)
    bad = sum(p[6:12] != want for p in pkts)
    print(f"{len(pkts)} packets, {bad} with another source MAC")
    if len(pkts) != n or bad:
        sys.exit(1)


if __name__ == "__main__":
    if sys.argv[1] == "srcmac":
        srcmac(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif sys.argv[1] == "consecutive":
        consecutive(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        macswap(sys.argv[2])
