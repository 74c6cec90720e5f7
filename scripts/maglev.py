#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Compute a VIP's Maglev lookup table for the lb program (bpf/progs/lb.bpf.c).

Maglev (Eisenbud et al., NSDI 2016): every real has a permutation of the ring
slots (offset + j * skip mod M, from two hashes of its name); reals take turns
claiming their next free preferred slot until the ring is full. With weights,
a real claims `weight` slots per turn, so it ends up with a share of the ring
proportional to its weight; removing a real moves only its own slots.

The output is the ch_rings entries of the VIP: key = vip_num * M + slot (u32,
little-endian), value = real index (u32, little-endian), in hex, as
`xdpdk map update` and the configuration's map files take them, or prefixed
with the map name (--maps) for tests/golden/*.maps.

    scripts/maglev.py --vip-num 0 --real 0=10.100.0.1 --real 1=10.100.0.2@2 [--maps]
"""

import argparse
import hashlib
import struct
import sys

RING_SIZE = 1021  # LB_RING_SIZE in lb.bpf.c: a prime


def h64(name, salt):
    return int.from_bytes(hashlib.sha256((salt + name).encode()).digest()[:8], "little")


def maglev(reals, m=RING_SIZE):
    """reals: [(index, name, weight)] -> list of m real indexes."""
    if not reals:
        raise ValueError("no reals")
    perm = [(h64(name, "offset") % m, h64(name, "skip") % (m - 1) + 1) for _, name, _ in reals]
    nxt = [0] * len(reals)
    ring = [-1] * m
    filled = 0
    while True:
        for i, (idx, _, weight) in enumerate(reals):
            for _ in range(weight):
                off, skip = perm[i]
                while True:
                    slot = (off + nxt[i] * skip) % m
                    nxt[i] += 1
                    if ring[slot] < 0:
                        break
                ring[slot] = idx
                filled += 1
                if filled == m:
                    return ring


def parse_real(s):
    """INDEX=NAME[@WEIGHT]; NAME is usually the real's address."""
    idx, rest = s.split("=", 1)
    name, _, weight = rest.partition("@")
    w = int(weight) if weight else 1
    if w < 1:
        raise argparse.ArgumentTypeError("weight must be >= 1")
    return int(idx), name, w


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vip-num", type=int, required=True)
    ap.add_argument("--real", type=parse_real, action="append", required=True,
                    help="INDEX=NAME[@WEIGHT]")
    ap.add_argument("--ring-size", type=int, default=RING_SIZE)
    ap.add_argument("--maps", action="store_true", help="prefix each line with ch_rings")
    args = ap.parse_args()
    ring = maglev(args.real, args.ring_size)
    prefix = "ch_rings " if args.maps else ""
    out = sys.stdout
    for slot, real in enumerate(ring):
        key = struct.pack("<I", args.vip_num * args.ring_size + slot).hex()
        out.write("%s%s %s\n" % (prefix, key, struct.pack("<I", real).hex()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
