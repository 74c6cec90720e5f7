#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# xdpdk run end to end on net_pcap: MAC swap (XDP_TX) twice gives back the
# input's valid packets byte for byte; XDP_PASS to a --pass-to port writes
# them there. usage: test_run.sh path/to/xdpdk
set -uo pipefail
X=${1:?usage: test_run.sh xdpdk}
PROGS=${XDPDK_PROGS_DIR:?}
PCAPS=${XDPDK_PCAPS_DIR:?}
PY=/usr/bin/python3
if ! $PY -c 'import scapy' 2>/dev/null; then
	echo "SKIP: comparing pcaps needs python3-scapy"; exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
check() { if "$@"; then pass=$((pass + 1)); else echo "FAIL: $*"; fail=$((fail + 1)); fi; }

# The packets a program sees: >= 14 bytes, single segment (<= 3520 bytes).
$PY - "$PCAPS/mixed.pcap" "$T/valid.bin" <<'PY'
import sys, logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import rdpcap
with open(sys.argv[2], "wb") as f:
    for p in rdpcap(sys.argv[1]):
        b = bytes(p)
        if 14 <= len(b) <= 3520:
            f.write(len(b).to_bytes(4, "big") + b)
PY
same() { # pcap, reference
	$PY - "$1" "$2" <<'PY'
import sys, logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import rdpcap
got = b"".join(len(bytes(p)).to_bytes(4, "big") + bytes(p) for p in rdpcap(sys.argv[1]))
sys.exit(0 if got == open(sys.argv[2], "rb").read() else 1)
PY
}

check "$X" run "$PROGS/dp_verdicts.bpf.o" --prog xdp_macswap_tx --seconds 0.5 \
	--ports "net_pcap0,rx_pcap=$PCAPS/mixed.pcap,tx_pcap=$T/swap1.pcap" > "$T/out1"
check grep -q "XDP_TX *59" "$T/out1"
check "$X" run "$PROGS/dp_verdicts.bpf.o" --prog xdp_macswap_tx --seconds 0.5 \
	--ports "net_pcap0,rx_pcap=$T/swap1.pcap,tx_pcap=$T/swap2.pcap" > /dev/null
check same "$T/swap2.pcap" "$T/valid.bin"
check "$X" run "$PROGS/dp_verdicts.bpf.o" --prog xdp_pass --seconds 0.5 --json \
	--ports "net_pcap0,rx_pcap=$PCAPS/mixed.pcap,tx_pcap=$T/a.pcap" \
	--pass-to "net_pcap1,tx_pcap=$T/pass.pcap" > "$T/out2"
check grep -q '"XDP_PASS": 59' "$T/out2"
check same "$T/pass.pcap" "$T/valid.bin"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
