#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Seed corpora for fuzz_control and fuzz_verifier, written into DIR.

control: request bodies as the daemon's decoder reads them (u32 LE argc, then
argc NUL-terminated strings): the verbs `xdpdk` sends, with their options.
verifier: one type byte (odd: XDP, even: RAW) and then struct bpf_insn
records: small programs of the kinds the target mutates best from (packet
bounds checks, ALU of every class, a bounded loop, stack spills, atomics).

usage: seeds.py control|verifier DIR STAMP
"""
import os
import struct
import sys

REQUESTS = [
    ["map", "show", "--json"],
    ["map", "dump", "vip_map"],
    ["map", "lookup", "vip_map", "0a000001000000000000000000000000005006 00"],
    ["map", "update", "reals", "00000000", "0a640001000000000000000000000000 00000000"],
    ["map", "delete", "lb_conns", "00" * 40],
    ["prog", "show", "--json"],
    ["prog", "replace", "--port", "vip", "/tmp/lb.bpf.o", "--prog", "xdp_lb"],
    ["prog", "attach", "--all-ports", "--hook", "tc_egress", "--priority", "10", "x.o"],
    ["prog", "detach", "--port", "p0"],
    ["port", "show"],
    ["stats", "--json"],
    ["stats", "--raw"],
    ["route", "add", "10.0.0.0/8", "via", "192.0.2.1", "dev", "2"],
    ["route", "del", "10.0.0.0/8"],
    ["route", "show", "--json"],
    ["trace", "--map", "events"],
    ["capture", "--port", "p0", "--filter", "tcp port 80", "--count", "10"],
]


def request(argv):
    body = struct.pack("<I", len(argv))
    for a in argv:
        body += a.encode() + b"\0"
    return body


def insn(code, dst=0, src=0, off=0, imm=0):
    return struct.pack("<BBhi", code, (src << 4) | dst, off, imm)


# opcodes (linux/bpf.h)
LDX_W, LDX_B, LDX_DW = 0x61, 0x71, 0x79
STX_DW, ST_W = 0x7B, 0x62
MOV64_K, MOV64_X, ADD64_K, ADD64_X = 0xB7, 0xBF, 0x07, 0x0F
MOV32_K, ALU32_DIV_X, ALU64_MOD_K = 0xB4, 0x3C, 0x97
AND64_K, LSH64_K, RSH64_X, XOR64_X, MUL64_K = 0x57, 0x67, 0x7F, 0xAF, 0x27
JGT_X, JEQ_K, JLT_K, EXIT = 0x2D, 0x15, 0xA5, 0x95
ATOMIC_DW = 0xDB
XDP_PASS, XDP_DROP, XDP_TX = 2, 1, 3


def xdp_bounds(n):
    """r2 = data, r3 = data_end; if data + n > data_end: pass; read byte n-1."""
    return [
        insn(LDX_W, 2, 1, 0),          # r2 = ctx->data
        insn(LDX_W, 3, 1, 4),          # r3 = ctx->data_end
        insn(MOV64_X, 4, 2),
        insn(ADD64_K, 4, 0, 0, n),
        insn(MOV64_K, 0, 0, 0, XDP_PASS),
        insn(JGT_X, 4, 3, 2),          # r4 > r3: out
        insn(LDX_B, 5, 2, n - 1),
        insn(MOV64_K, 0, 0, 0, XDP_DROP),
        insn(EXIT),
    ]


def alu_mix():
    return [
        insn(MOV64_K, 1, 0, 0, 1000),
        insn(MOV64_K, 2, 0, 0, 7),
        insn(MUL64_K, 1, 0, 0, 3),
        insn(ALU64_MOD_K, 1, 0, 0, 13),
        insn(MOV32_K, 3, 0, 0, 0),
        insn(ALU32_DIV_X, 1, 3),       # by zero: 0, as the kernel
        insn(LSH64_K, 2, 0, 0, 60),
        insn(RSH64_X, 2, 1),
        insn(XOR64_X, 1, 2),
        insn(AND64_K, 1, 0, 0, 3),
        insn(MOV64_X, 0, 1),
        insn(EXIT),
    ]


def loop():
    return [
        insn(MOV64_K, 0, 0, 0, 0),
        insn(MOV64_K, 1, 0, 0, 0),
        insn(ADD64_X, 0, 1),           # loop: r0 += r1
        insn(ADD64_K, 1, 0, 0, 1),
        insn(JLT_K, 1, 0, -3, 16),     # while r1 < 16
        insn(AND64_K, 0, 0, 0, 3),
        insn(EXIT),
    ]


def spill():
    return [
        insn(MOV64_K, 1, 0, 0, 42),
        insn(STX_DW, 10, 1, -8),
        insn(ST_W, 10, 0, -16, 7),
        insn(LDX_DW, 2, 10, -8),
        insn(LDX_W, 3, 10, -16),
        insn(ADD64_X, 2, 3),
        insn(JEQ_K, 2, 0, 1, 49),
        insn(MOV64_K, 0, 0, 0, XDP_DROP),
        insn(MOV64_K, 0, 0, 0, XDP_PASS),
        insn(EXIT),
    ]


def atomic():
    """A stack slot, then an atomic add to it (the target resolves no helpers)."""
    return [
        insn(MOV64_K, 1, 0, 0, 5),
        insn(STX_DW, 10, 1, -8),
        insn(MOV64_K, 2, 0, 0, 3),
        insn(ATOMIC_DW, 10, 2, -8, 0),  # lock *(u64 *)(r10 - 8) += r2
        insn(LDX_DW, 0, 10, -8),
        insn(AND64_K, 0, 0, 0, 3),
        insn(EXIT),
    ]


PROGRAMS = {
    "xdp_pass": (1, [insn(MOV64_K, 0, 0, 0, XDP_PASS), insn(EXIT)]),
    "xdp_bounds14": (1, xdp_bounds(14)),
    "xdp_bounds64": (1, xdp_bounds(64)),
    "raw_alu": (0, alu_mix()),
    "raw_loop": (0, loop()),
    "xdp_spill": (1, spill()),
    "xdp_atomic": (1, atomic()),
}


def main():
    kind, out, stamp = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    if kind == "control":
        seeds = {"req%02d" % i: request(r) for i, r in enumerate(REQUESTS)}
    else:
        seeds = {name: bytes([t]) + b"".join(p) for name, (t, p) in PROGRAMS.items()}
    for name, data in seeds.items():
        with open(os.path.join(out, "seed-" + name), "wb") as f:
            f.write(data)
    with open(stamp, "w") as f:
        f.write("%d seeds\n" % len(seeds))


if __name__ == "__main__":
    main()
