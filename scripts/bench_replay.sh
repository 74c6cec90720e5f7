#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Replay throughput, one capture of 64 64-byte UDP packets, three ways, in one session:
# `xdpdk bench replay` (xdpdk replay --topspeed on one lcore into net_null, and
# net_pcap's infinite_rx forwarded into net_null), then tcpreplay --topspeed
# (preloaded, looping) into a veth pair inside a network namespace made here.
# Needs root and tcpreplay (scripts/install-deps.sh). Results: docs/performance.md.
# usage: scripts/bench_replay.sh [build/cli/xdpdk] [seconds]
set -euo pipefail
X=${1:-build/cli/xdpdk}
SECONDS_XDPDK=${2:-4}
T=$(mktemp -d)
NS=xdpdk-rp-$$
cleanup() { ip netns del "$NS" 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT

python3 - "$T/in.pcap" <<'PY'
import struct, sys
b = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1)
for i in range(64):
    p = (b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00"
         + struct.pack("!BBHHHBBH4s4s", 0x45, 0, 50, 0, 0, 64, 17, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
         + struct.pack("!HHHH", i, 2000, 30, 0) + b"\0" * 22)
    b += struct.pack("<IIII", 1, i, len(p), len(p)) + p
open(sys.argv[1], "wb").write(b)
PY

echo "== xdpdk bench replay --pcap (64 x 64 bytes), ${SECONDS_XDPDK} s"
"$X" bench replay --pcap "$T/in.pcap" --seconds "$SECONDS_XDPDK" --json 2>/dev/null | tee "$T/x.json"

echo "== tcpreplay --topspeed -K --loop 5000 into a veth (namespace $NS)"
ip netns add "$NS"
ip -n "$NS" link add rp0 type veth peer name rp1
ip -n "$NS" link set rp0 up
ip -n "$NS" link set rp1 up
ip netns exec "$NS" tcpreplay --topspeed -K --loop 5000 -i rp0 "$T/in.pcap" >"$T/tcpreplay.out" 2>&1
grep -E "Actual|Rated|Successful|Failed" "$T/tcpreplay.out"

python3 - "$T/x.json" "$T/tcpreplay.out" <<'PY'
import json, re, sys
x = json.load(open(sys.argv[1]))
t = open(sys.argv[2]).read()
tpps = float(re.search(r"Rated: .*?([0-9.]+) pps", t).group(1))
print("xdpdk replay %.3f Mpps, net_pcap infinite_rx %.3f Mpps (ratio %.3f), "
      "tcpreplay %.3f Mpps (ratio %.1f)" % (x["replay_pps"] / 1e6, x["net_pcap_infinite_rx_pps"] / 1e6,
                                           x["ratio"], tpps / 1e6, x["replay_pps"] / tpps))
PY
