#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Seed corpus of fuzz_packet: one file per packet of each object's pcap,
with fuzz_packet's 8-byte header in front (see tests/fuzz/fuzz_packet.c).

usage: packet_seeds.py OUTDIR STAMP PCAPDIR
"""
import os
import struct
import sys

# fuzz_packet's object order; programs per object only spread the seeds over
# each object's programs (the selector is taken modulo the real count).
OBJECTS = [('lb', 4), ('firewall', 1), ('router', 1), ('ddos', 1), ('spread', 1),
           ('xsk', 1), ('tc', 2)]


def packets(path):
    """The packets of a classic pcap file (either byte order)."""
    with open(path, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    end = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    off = 24
    while off + 16 <= len(data):
        caplen = struct.unpack(end + 'I', data[off + 8:off + 12])[0]
        yield data[off + 16:off + 16 + caplen]
        off += 16 + caplen


def main():
    out, stamp, pcaps = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    for oi, (name, n_progs) in enumerate(OBJECTS):
        for k, pkt in enumerate(packets(os.path.join(pcaps, name + '-in.pcap'))):
            for p in range(n_progs):
                # Odd packets: the tight layout with 256 bytes of headroom;
                # even ones: a test run. ifindex 1, the clock at 0.
                flags = 0xe1 if k % 2 else 0
                hdr = bytes([oi, p, flags, 1, 0, 0, 0, 0])
                with open(os.path.join(out, '%s-%d-%d' % (name, p, k)), 'wb') as f:
                    f.write(hdr + pkt)
    open(stamp, 'w').close()


if __name__ == '__main__':
    main()
