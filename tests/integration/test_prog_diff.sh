#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `xdpdk prog diff`, the kernel against xdpdk, end to end: the bundled programs
# on their golden inputs and seeds give no difference (exact counts), --json's
# shape, bad input (exit 2 with a message), an object the kernel refuses (xdpdk
# runs alone, exit 3), and a real difference: tests/progs/xdp_hostdep writes
# bpf_get_prandom_u32() into the packet and bpf_ktime_get_ns() into a map,
# which no two runs agree on. Skips (77) only when the kernel refuses
# BPF_PROG_TEST_RUN (no root/CAP_BPF). Prints "N passed, N failed".
set -u
XDPDK=${1:?usage: test_prog_diff.sh path/to/xdpdk}
. "$(dirname "$0")/assert.sh"
pass=0 fail=0 TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# Test programs, bundled programs, pcaps, the source tree (tests/golden's seeds).
PROGS=${XDPDK_PROGS_DIR:?} BPF=${XDPDK_BPF_PROGS_DIR:?} PCAPS=${XDPDK_PCAPS_DIR:?}
SRC=${XDPDK_SOURCE_ROOT:?}

"$XDPDK" prog diff "$PROGS/xdp_macswap.bpf.o" -i "$PCAPS/ipv4_udp.pcap" >"$TMP/out" 2>"$TMP/err"
if grep -Eq 'refuses (BPF_PROG_TEST_RUN|to load XDP programs)' "$TMP/err"; then
	echo "SKIP: $(cat "$TMP/err")"
	exit 77
fi

# --- no difference: the bundled programs on their golden inputs and seeds -----------
# One case per packet and engine, and one per engine for the maps after the run.
# Not here: router (its devmap seeds name the golden netns's ifindexes, which the
# host's kernel refuses: exit 3 below) and ddos (token buckets refilled by
# bpf_ktime_get_ns: host-dependent, docs/differential.md).
while read -r name obj prog pkts; do
	expect_rc "$name: no difference on both engines" 0 "$XDPDK" prog diff \
		"$BPF/$obj.bpf.o" --prog "$prog" --maps-init "$SRC/tests/golden/$name.maps" \
		--pcap-in "$PCAPS/$obj-in.pcap"
	expect_grep "$name: the summary counts $pkts packets x 2 engines + 2 map checks" out \
		"^$((pkts * 2 + 2)) passed, 0 failed, 0 skipped\$"
	if [ "$(wc -l <"$TMP/out")" -eq 1 ]; then ok "$name: nothing else is printed"; else
		bad "$name: nothing else is printed" "$(head -5 "$TMP/out")"; fi
done <<'CASES'
lb lb xdp_lb 19
firewall firewall xdp_firewall 14
tc_ingress tc tc_ingress_count 5
tc_egress tc tc_egress_dscp 5
spread spread xdp_spread 14
xsk xsk xdp_xsk_steer 5
CASES
expect_rc "one engine (jit)" 0 "$XDPDK" prog diff "$BPF/lb.bpf.o" --prog xdp_lb \
	--maps-init "$SRC/tests/golden/lb.maps" --pcap-in "$PCAPS/lb-in.pcap" --engine jit
expect_grep "one engine: 19 packets + the maps" out '^20 passed, 0 failed, 0 skipped$'
expect_rc "a program without maps over mixed.pcap" 0 "$XDPDK" prog diff \
	"$PROGS/xdp_macswap.bpf.o" --pcap-in "$PCAPS/mixed.pcap"
expect_grep "mixed: 64 packets x 2 + 2" out '^130 passed, 0 failed, 0 skipped$'
expect_rc "refusals are compared: a runt is refused by both" 0 "$XDPDK" prog diff \
	"$PROGS/xdp_macswap.bpf.o" --pcap-in "$PCAPS/runt.pcap"
expect_grep "the refused runt counts as passed" out '^4 passed, 0 failed, 0 skipped$'
expect_rc "--type tc picks the object's first TC program" 0 "$XDPDK" prog diff \
	"$BPF/tc.bpf.o" --type tc --pcap-in "$PCAPS/tc-in.pcap" --json
expect_grep "the TC program is tc_ingress_count" out '"program":"tc_ingress_count","type":"tc"'

# --- --json --------------------------------------------------------------------------
expect_rc "--json, no difference" 0 "$XDPDK" prog diff "$BPF/lb.bpf.o" --prog xdp_lb \
	--maps-init "$SRC/tests/golden/lb.maps" --pcap-in "$PCAPS/lb-in.pcap" --json
if python3 - "$TMP/out" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["program"] == "xdp_lb" and j["type"] == "xdp" and j["packets"] == 19, j
assert j["kernel"] is True and j["engines"] == ["interp", "jit"], j
assert j["differences"] == [] and j["host_helpers"] == [], j
assert (j["passed"], j["failed"], j["skipped"], j["exit"]) == (40, 0, 0, 0), j
PY
then ok "--json: one object with the program, counts and no differences"; else
	bad "--json: one object with the program, counts and no differences" "$(head -c 400 "$TMP/out")"; fi

# --- a real difference: host-dependent helpers -----------------------------------------
HD=("$PROGS/xdp_hostdep.bpf.o" --pcap-in "$PCAPS/ipv4_udp.pcap")
expect_rc "bpf_get_prandom_u32 in the packet is a difference (exit 1)" 1 "$XDPDK" prog diff "${HD[@]}"
expect_grep "each differing byte: packet, offset, field, kernel and xdpdk bytes" out \
	'^pkt [1-4] \((interp|jit)\): byte [6-9], eth\.src: kernel 0x[0-9a-f]{2}, xdpdk 0x[0-9a-f]{2}'
expect_grep "the field's value on each side, as a MAC" out \
	'\(eth\.src kernel ([0-9a-f]{2}:){5}[0-9a-f]{2}, xdpdk ([0-9a-f]{2}:){5}[0-9a-f]{2}\)$'
expect_grep "the map value that differs after the run (bpf_ktime_get_ns)" out \
	'^map last_seen \(interp\): key 00000000: kernel [0-9a-f ]+, xdpdk [0-9a-f ]+$'
expect_grep "the host-dependent helpers are named" out \
	"^note: 'xdp_hostdep' calls bpf_ktime_get_ns, bpf_get_prandom_u32, whose results depend on the host"
expect_grep "every packet and both map checks fail" out '^0 passed, 10 failed, 0 skipped$'
expect_rc "--json of a difference" 1 "$XDPDK" prog diff "${HD[@]}" --json --engine interp
if python3 - "$TMP/out" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
d = j["differences"]
b = [x for x in d if x["kind"] == "byte"]
m = [x for x in d if x["kind"] == "map"]
assert b and all(x["field"] == "eth.src" and 6 <= x["offset"] <= 9 for x in b), d
assert all(set(x) >= {"engine", "packet", "offset", "kernel", "xdpdk"} for x in b), b
assert b[0]["kernel_value"] != b[0]["xdpdk_value"], b[0]
assert len(m) == 1 and m[0]["map"] == "last_seen" and m[0]["key"] == "00000000", m
assert j["host_helpers"] == ["bpf_ktime_get_ns", "bpf_get_prandom_u32"], j
assert (j["passed"], j["failed"], j["exit"]) == (0, 5, 1), j
PY
then ok "--json: byte and map differences with both values"; else
	bad "--json: byte and map differences with both values" "$(head -c 600 "$TMP/out")"; fi

# --- the kernel refuses: xdpdk alone (exit 3) ------------------------------------------
expect_rc "a legacy 'maps' section: the kernel refuses, xdpdk runs alone (exit 3)" 3 \
	"$XDPDK" prog diff "$PROGS/legacy_maps.bpf.o" --pcap-in "$PCAPS/ipv4_udp.pcap"
expect_grep "it says the kernel refused, and why" err \
	"the kernel refuses to load .*legacy map definitions in 'maps' section.*xdpdk ran alone \(jit compared with interp\)"
expect_grep "nothing is compared with the kernel: all skipped" out '^0 passed, 0 failed, 8 skipped$'
expect_rc "router: the kernel refuses the devmap seeds (exit 3)" 3 "$XDPDK" prog diff \
	"$BPF/router.bpf.o" --prog xdp_router --maps-init "$SRC/tests/golden/router.maps" \
	--pcap-in "$PCAPS/router-in.pcap" --json
expect_grep "--json says why the kernel is out" out \
	'"kernel":false,"kernel_error":"the kernel.s maps do not take the entries of '

# --- bad input: exit 2 with a message ------------------------------------------------------
expect_rc "a missing object exits 2" 2 "$XDPDK" prog diff "$TMP/none.o" --pcap-in "$PCAPS/arp.pcap"
expect_grep "it says so" err "cannot open '$TMP/none.o': No such file or directory"
expect_rc "a missing pcap exits 2" 2 "$XDPDK" prog diff "$PROGS/xdp_macswap.bpf.o" \
	--pcap-in "$TMP/none.pcap"
expect_grep "it names the pcap" err "cannot read '$TMP/none.pcap'"
expect_rc "a truncated pcap exits 2" 2 "$XDPDK" prog diff "$PROGS/xdp_macswap.bpf.o" \
	--pcap-in "$PCAPS/bad-truncated.pcap"
expect_grep "libpcap's reason and where" err 'truncated dump file.*\(after 3 complete packets\)'
expect_rc "a link type other than Ethernet exits 2" 2 "$XDPDK" prog diff \
	"$PROGS/xdp_macswap.bpf.o" --pcap-in "$PCAPS/bad-linktype.pcap"
expect_grep "the link type is named" err 'link type [0-9]+ \(RAW\): only Ethernet'
expect_rc "an unknown program exits 2" 2 "$XDPDK" prog diff "$PROGS/xdp_macswap.bpf.o" \
	--prog nope --pcap-in "$PCAPS/arp.pcap" --json
expect_grep "--json carries the error" out \
	"^\{\"object\":\"[^\"]*\",\"error\":\"no program named 'nope' in '[^']*'\",\"exit\":2\}$"
expect_rc "--type tc on an XDP-only object exits 2" 2 "$XDPDK" prog diff \
	"$PROGS/xdp_macswap.bpf.o" --type tc --pcap-in "$PCAPS/arp.pcap"
expect_grep "it says there is none" err "has no tc program"
expect_rc "no --pcap-in is a usage error" 2 "$XDPDK" prog diff "$PROGS/xdp_macswap.bpf.o"
expect_rc "bad seeds exit 2" 2 "$XDPDK" prog diff "$PROGS/xdp_hostdep.bpf.o" \
	--maps-init <(echo "no_such_map 00000000 00") --pcap-in "$PCAPS/arp.pcap"
expect_rc "--help exits 0" 0 "$XDPDK" prog diff --help
expect_grep "--help names the exit codes" out 'Exit 0: no difference; 1: a difference; 2:'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
