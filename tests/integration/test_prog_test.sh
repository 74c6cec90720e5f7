#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `xdpdk prog test`, the golden pcap test, end to end: a pass on both engines,
# each kind of mismatch with the diff it must print (verdict, a byte in a named
# header field, length, map value, missing packet), JSON, bad input (truncated
# pcap, unknown link type, packets too big for the program), usage errors.
# The expectations are the kernel's (tests/golden), changed here on purpose.
# Prints "N passed, N failed".
set -u
XDPDK=${1:?usage: test_prog_test.sh path/to/xdpdk}
# Test programs, bundled programs, pcaps, and the source tree (tests/golden's expectations).
PROGS=${XDPDK_PROGS_DIR:?} BPF=${XDPDK_BPF_PROGS_DIR:?} PCAPS=${XDPDK_PCAPS_DIR:?}
SRC=${XDPDK_SOURCE_ROOT:?}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0 fail=0

. "$(dirname "$0")/assert.sh"

# Copy a pcap, changing packets: "xor N OFF MASK" (N from 1), "cut N BYTES" (drop the
# last BYTES of packet N), "drop N" (packet N and all after it).
pcap_edit() {
	python3 - "$@" <<'EOF'
import struct, sys
src, dst, ops = sys.argv[1], sys.argv[2], sys.argv[3:]
b = open(src, "rb").read()
head, off, pk = b[:24], 24, []
while off < len(b):
    ts, us, cl, _ = struct.unpack("<IIII", b[off:off + 16])
    pk.append([ts, us, bytearray(b[off + 16:off + 16 + cl])])
    off += 16 + cl
i = 0
while i < len(ops):
    if ops[i] == "xor":
        pk[int(ops[i + 1]) - 1][2][int(ops[i + 2])] ^= int(ops[i + 3], 0)
        i += 4
    elif ops[i] == "cut":
        n = int(ops[i + 1]) - 1
        pk[n][2] = pk[n][2][:len(pk[n][2]) - int(ops[i + 2])]
        i += 3
    elif ops[i] == "drop":
        pk = pk[:int(ops[i + 1]) - 1]
        i += 2
with open(dst, "wb") as f:
    f.write(head)
    for ts, us, d in pk:
        f.write(struct.pack("<IIII", ts, us, len(d), len(d)) + d)
EOF
}

LB=("$BPF/lb.bpf.o" --prog xdp_lb --maps-init "$SRC/tests/golden/lb.maps"
	--pcap-in "$PCAPS/lb-in.pcap")
LB_OUT=$PCAPS/golden/lb-out.pcap
LB_EXP=$SRC/tests/golden/lb.expect

# --- pass ---------------------------------------------------------------------
expect_rc "lb golden test passes on both engines" 0 "$XDPDK" prog test "${LB[@]}" \
	--expect "$LB_OUT" --expect-verdicts "$LB_EXP" --expect-maps "$LB_EXP"
expect_grep "a pass is one summary line" out \
	'^19 packets: 19 match; 17 map entries: 17 match \(xdp_lb, engines interp and jit\)$'
if [ "$(wc -l <"$TMP/out")" -eq 1 ]; then ok "a pass prints nothing else"; else
	bad "a pass prints nothing else" "$(cat "$TMP/out")"; fi
for e in interp jit; do
	expect_rc "one engine: $e" 0 "$XDPDK" prog test "${LB[@]}" --expect "$LB_OUT" \
		--expect-verdicts "$LB_EXP" --engine "$e"
	# lb.expect holds map lines too: every line of an expectations file is checked.
	expect_grep "the summary names the engine ($e)" out \
		"^19 packets: 19 match; 17 map entries: 17 match \(xdp_lb, engine $e\)$"
done
expect_rc "pcapng input gives the same result" 0 "$XDPDK" prog test "$BPF/lb.bpf.o" --prog xdp_lb \
	--maps-init "$SRC/tests/golden/lb.maps" --pcap-in "$PCAPS/lb-in.pcapng" \
	--expect "$LB_OUT" --expect-verdicts "$LB_EXP"
expect_grep "pcapng: 19 packets match" out '^19 packets: 19 match'
expect_rc "a TC program passes (tc_ingress_count)" 0 "$XDPDK" prog test "$BPF/tc.bpf.o" \
	--prog tc_ingress_count --maps-init "$SRC/tests/golden/tc_ingress.maps" \
	--pcap-in "$PCAPS/tc-in.pcap" --expect "$PCAPS/golden/tc_ingress-out.pcap" \
	--expect-verdicts "$SRC/tests/golden/tc_ingress.expect"
expect_grep "TC: 5 packets match" out '^5 packets: 5 match'
# Verdicts by name, without lengths: a documented superset of the kernel writer's lines.
printf 'pkt 1 ret XDP_TX\npkt 19 ret XDP_DROP  # the last one\n' >"$TMP/names.expect"
expect_rc "verdict names and a subset of packets" 0 "$XDPDK" prog test "${LB[@]}" \
	--expect-verdicts "$TMP/names.expect"
expect_grep "unchecked packets are counted" out '^19 packets: 2 match, 17 not checked'
expect_rc "a refusal the expectations name matches (runt)" 0 "$XDPDK" prog test \
	"$PROGS/xdp_macswap.bpf.o" --pcap-in "$PCAPS/runt.pcap" \
	--expect-verdicts <(echo "pkt 1 error Invalid argument")

# --- wrong verdict ---------------------------------------------------------------
sed 's/^pkt 3 ret 3 len 74$/pkt 3 ret XDP_DROP len 74/' "$LB_EXP" >"$TMP/verdict.expect"
expect_rc "a wrong verdict exits 1" 1 "$XDPDK" prog test "${LB[@]}" --expect "$LB_OUT" \
	--expect-verdicts "$TMP/verdict.expect"
expect_grep "the verdicts are named, with the line" out \
	"^packet 3: verdict: expected XDP_DROP, got XDP_TX \($TMP/verdict.expect:5\)$"
expect_grep "the summary counts it" out \
	'^FAIL: 19 packets: 18 match, 1 differs; 17 map entries: 17 match \(xdp_lb, engines interp and jit\)$'
sed 's/^pkt 1 ret 0 len/pkt 1 ret TC_ACT_SHOT len/' "$SRC/tests/golden/tc_ingress.expect" \
	>"$TMP/tc.expect"
expect_rc "a wrong TC verdict exits 1" 1 "$XDPDK" prog test "$BPF/tc.bpf.o" \
	--prog tc_ingress_count --pcap-in "$PCAPS/tc-in.pcap" --expect-verdicts "$TMP/tc.expect"
expect_grep "TC verdicts are named" out '^packet 1: verdict: expected TC_ACT_SHOT, got TC_ACT_OK'

# --- wrong bytes in named fields -------------------------------------------------
# lb packet 1: IPIP to a real; the outer IPv4 source at byte 26, the inner destination
# at 14 + 20 + 16 = 50, its TCP flags (SYN) at 14 + 20 + 20 + 13 = 67; packet 2's
# inner TTL at 14 + 20 + 8 = 42.
pcap_edit "$LB_OUT" "$TMP/bytes.pcap" xor 1 29 0x01 xor 1 53 0x02 xor 1 67 0x10 xor 2 42 0x01
expect_rc "wrong bytes exit 1" 1 "$XDPDK" prog test "${LB[@]}" --expect "$TMP/bytes.pcap"
expect_grep "the outer IPv4 source is named, both values as addresses" out \
	'^packet 1: byte 26 \(ipv4\.saddr\): expected [0-9.]+, got [0-9.]+$'
expect_grep "the inner header is named as such" out \
	'^packet 1: byte 50 \(inner\.ipv4\.daddr\): expected 10\.0\.0\.[0-9]+, got 10\.0\.0\.1$'
expect_grep "a one-byte field in decimal" out \
	'^packet 2: byte 42 \(inner\.ipv4\.ttl\): expected 65, got 64$'
expect_grep "TCP flags read as flags" out \
	'^packet 1: byte 67 \(inner\.tcp\.flags\): expected 0x12 \(SYN,ACK\), got 0x02 \(SYN\)$'
expect_grep "a hex context follows, expected then got" out '^    expected 0010: '
expect_grep "carets mark the differing bytes" out '^ +\^\^'
expect_grep "two packets differ" out '^FAIL: 19 packets: 17 match, 2 differ '

# --- wrong length, missing packets -------------------------------------------------
pcap_edit "$LB_OUT" "$TMP/len.pcap" cut 9 4
expect_rc "a wrong length exits 1" 1 "$XDPDK" prog test "${LB[@]}" --expect "$TMP/len.pcap"
expect_grep "the length mismatch says both lengths" out \
	'^packet 9: length: expected 90 bytes, got 94$'
pcap_edit "$LB_OUT" "$TMP/short.pcap" drop 18
expect_rc "missing expected packets exit 1" 1 "$XDPDK" prog test "${LB[@]}" \
	--expect "$TMP/short.pcap"
expect_grep "a missing packet is named" out \
	"^packet 18: missing from the expected pcap \($TMP/short.pcap\), which has 17 packets"
expect_grep "and counted" out '^FAIL: 19 packets: 17 match, 2 differ'
{ cat "$LB_EXP"; echo "pkt 21 ret XDP_PASS"; } >"$TMP/extra.expect"
expect_rc "a verdict for a packet the input lacks exits 1" 1 "$XDPDK" prog test "${LB[@]}" \
	--expect-verdicts "$TMP/extra.expect"
expect_grep "it is named with its line" out \
	"^packet 21: $TMP/extra.expect:[0-9]+ expects a verdict, but the input has 19 packets$"
expect_grep "and counted apart" out '^FAIL: 19 packets: 19 match, 1 more expected than the input has;'

# --- map values ---------------------------------------------------------------------
sed 's/^map vip_stats 01000000 02/map vip_stats 01000000 03/' "$LB_EXP" >"$TMP/map.expect"
expect_rc "a wrong map value exits 1" 1 "$XDPDK" prog test "${LB[@]}" \
	--expect-maps "$TMP/map.expect"
expect_grep "the map entry, both values (and as u64 counters)" out \
	"^map vip_stats key 01000000: expected 03000000 00000000 90000000 00000000 \(u64: 3 144\), got 02000000 00000000 90000000 00000000 \(u64: 2 144\) \($TMP/map.expect:[0-9]+\)$"
expect_grep "map entries are counted" out '17 map entries: 16 match, 1 differs'
# The check lines of --maps-init without --expect-maps: printed as expectation lines...
expect_rc "check entries are printed after the run" 0 "$XDPDK" prog test "${LB[@]}" \
	--expect "$LB_OUT" --engine interp
grep '^map ' "$TMP/out" >"$TMP/after.expect"
if [ "$(wc -l <"$TMP/after.expect")" -eq 17 ]; then ok "17 entries printed"; else
	bad "17 entries printed" "$(cat "$TMP/out")"; fi
# ... that pass as --expect-maps.
expect_rc "the printed lines are valid expectations" 0 "$XDPDK" prog test "${LB[@]}" \
	--expect-maps "$TMP/after.expect"
grep -v '^map lb_counters 02000000' "$TMP/after.expect" >"$TMP/fewer.expect"
expect_rc "a check entry nothing expects is a difference" 1 "$XDPDK" prog test "${LB[@]}" \
	--expect-maps "$TMP/fewer.expect"
expect_grep "it says what to add" out "^map lb_counters: nothing in $TMP/fewer.expect expects this entry; after the run: map lb_counters 02000000 [0-9a-f]+$"
echo "map vip_stats ffffffff none" >>"$TMP/after.expect"
expect_rc "'none': an entry that must not exist" 0 "$XDPDK" prog test "${LB[@]}" \
	--expect-maps "$TMP/after.expect"

# --- --update: recording expectations ----------------------------------------------------
expect_rc "--update writes the expectations, then passes against them" 0 "$XDPDK" prog test \
	"${LB[@]}" --expect "$TMP/rec.pcap" --expect-verdicts "$TMP/rec.expect" \
	--expect-maps "$TMP/rec.expect" --update
expect_grep "it says what it wrote" out '^wrote the expectations of 19 packets and 17 map entries \(engine interp\)$'
expect_grep "then tests both engines against them" out '^19 packets: 19 match; 17 map entries: 17 match \(xdp_lb, engines interp and jit\)$'
if cmp -s "$TMP/rec.pcap" "$LB_OUT"; then ok "the recorded pcap is the kernel's, byte for byte"; else
	bad "the recorded pcap is the kernel's, byte for byte"; fi
if diff <(grep -v '^#' "$TMP/rec.expect" | sed 's/ret XDP_DROP/ret 1/; s/ret XDP_PASS/ret 2/; s/ret XDP_TX/ret 3/') \
	<(grep -v '^#' "$LB_EXP") >"$TMP/diff"; then ok "the recorded lines are the kernel's (verdicts by name)"
else bad "the recorded lines are the kernel's (verdicts by name)" "$(head -5 "$TMP/diff")"; fi
expect_rc "the recording is a test on its own" 0 "$XDPDK" prog test "${LB[@]}" \
	--expect "$TMP/rec.pcap" --expect-verdicts "$TMP/rec.expect" --expect-maps "$TMP/rec.expect"
expect_rc "refusals are recorded as such" 0 "$XDPDK" prog test "$PROGS/xdp_macswap.bpf.o" \
	--pcap-in "$PCAPS/mixed.pcap" --expect-verdicts "$TMP/mixed.expect" --update
expect_grep "one line per refused runt" err "note: 4 packets refused by the test run, recorded as refused"
if [ "$(grep -c '^pkt [0-9]* error Invalid argument$' "$TMP/mixed.expect")" -eq 4 ]; then
	ok "4 error lines"; else bad "4 error lines" "$(grep error "$TMP/mixed.expect")"; fi
expect_rc "--update --expect-maps needs --maps-init" 2 "$XDPDK" prog test \
	"$PROGS/xdp_macswap.bpf.o" --pcap-in "$PCAPS/ipv4_udp.pcap" --expect-maps "$TMP/m" --update

# --- JSON -------------------------------------------------------------------------------
expect_rc "--json on a pass" 0 "$XDPDK" prog test "${LB[@]}" --expect "$LB_OUT" --json
expect_rc "--json on a mismatch exits 1" 1 "$XDPDK" prog test "${LB[@]}" \
	--expect "$TMP/bytes.pcap" --expect-verdicts "$TMP/verdict.expect" --json
if python3 - "$TMP/out" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["result"] == "fail" and j["program"] == "xdp_lb" and j["packets"] == 19, j
assert [e["engine"] for e in j["engines"]] == ["interp", "jit"], j
e = j["engines"][0]
assert e["match"] == 16 and e["differ"] == 3, e
v = [d for d in e["diffs"] if d["what"] == "verdict"]
assert v == [{"what": "verdict", "packet": 3, "source": v[0]["source"],
              "expected": "XDP_DROP", "got": "XDP_TX"}], v
f = [d for d in e["diffs"] if d["what"] == "field" and d["field"] == "ipv4.saddr"]
assert f and f[0]["packet"] == 1 and f[0]["offset"] == 26, f
EOF
then ok "JSON holds the counts and the differences"; else bad "JSON holds the counts and the differences" "$(head -c 600 "$TMP/out")"; fi

# --- bad input: exit 2, a message and a count --------------------------------------------
expect_rc "a truncated pcap exits 2" 2 "$XDPDK" prog test "$PROGS/xdp_macswap.bpf.o" \
	--pcap-in "$PCAPS/bad-truncated.pcap" --expect "$PCAPS/bad-truncated.pcap"
expect_grep "it says where the file ends" err \
	"bad-truncated.pcap': truncated dump file.* \(after 3 complete packets\)$"
expect_rc "a truncated expected pcap exits 2" 2 "$XDPDK" prog test "$PROGS/xdp_macswap.bpf.o" \
	--pcap-in "$PCAPS/ipv4_udp.pcap" --expect "$PCAPS/bad-truncated.pcap"
expect_rc "another link type exits 2" 2 "$XDPDK" prog test "$PROGS/xdp_macswap.bpf.o" \
	--pcap-in "$PCAPS/bad-linktype.pcap" --expect "$PCAPS/ipv4_udp.pcap"
expect_grep "it names the link type" err \
	"bad-linktype.pcap': link type [0-9]+ \(RAW\): only Ethernet \(EN10MB\) packets can be run$"
expect_rc "--json says it too" 2 "$XDPDK" prog test "$PROGS/xdp_macswap.bpf.o" \
	--pcap-in "$PCAPS/bad-linktype.pcap" --expect "$PCAPS/ipv4_udp.pcap" --json
expect_grep "as a JSON error" out '"result":"bad-input","error":".*link type'
printf 'pkt 1 ret XDP_TX\npkt 3 ret XDP_TX\n' >"$TMP/big.expect"
expect_rc "a frame too big for an XDP test run exits 2" 2 "$XDPDK" prog test \
	"$PROGS/xdp_macswap.bpf.o" --pcap-in "$PCAPS/bad-oversize.pcap" \
	--expect-verdicts "$TMP/big.expect"
expect_grep "it says how big and the limit" out \
	'^packet 2: refused: 80014 bytes, more than an XDP test run takes \(73152'
expect_grep "and counts it" out '^BAD INPUT: 3 packets: 2 match, 1 refused by the test run'
expect_rc "a jumbo frame is too big for a TC test run" 2 "$XDPDK" prog test "$BPF/tc.bpf.o" \
	--prog tc_ingress_count --pcap-in "$PCAPS/jumbo.pcap" --expect-verdicts /dev/null
expect_grep "the TC limit is named" out '^packet 1: refused: 9000 bytes, more than a tc test run takes \(3712\)$'
printf 'pkt 1 ret XDP_TX\nbogus line\n' >"$TMP/bogus.expect"
expect_rc "a bad expectations line exits 2" 2 "$XDPDK" prog test "$PROGS/xdp_macswap.bpf.o" \
	--pcap-in "$PCAPS/ipv4_udp.pcap" --expect-verdicts "$TMP/bogus.expect"
expect_grep "it names the file and line" err "^$TMP/bogus.expect:2: expected 'pkt N ret"
echo "map no_such_map 00000000 none" >"$TMP/nomap.expect"
expect_rc "an expectation for a map the object lacks exits 2" 2 "$XDPDK" prog test "${LB[@]}" \
	--expect-maps "$TMP/nomap.expect"
expect_grep "it names the map" err "nomap.expect:1: '.*lb.bpf.o' has no map 'no_such_map'"
echo "map vip_stats 00 none" >"$TMP/key.expect"
expect_rc "a key of the wrong size exits 2" 2 "$XDPDK" prog test "${LB[@]}" \
	--expect-maps "$TMP/key.expect"
expect_grep "it gives both sizes" err "map 'vip_stats' has 4-byte keys and 16-byte values; the line gives 1"
expect_rc "an unreadable pcap exits 2" 2 "$XDPDK" prog test "$PROGS/xdp_macswap.bpf.o" \
	--pcap-in "$TMP/nope.pcap" --expect "$LB_OUT"

# --- usage ----------------------------------------------------------------------------------
expect_rc "no expectation is a usage error" 2 "$XDPDK" prog test "$PROGS/xdp_macswap.bpf.o" \
	--pcap-in "$PCAPS/ipv4_udp.pcap"
expect_grep "it says what to give" err "nothing to compare: give --expect, --expect-verdicts or --expect-maps"
expect_rc "--pcap-in is required" 2 "$XDPDK" prog test "$PROGS/xdp_macswap.bpf.o" \
	--expect "$LB_OUT"
expect_rc "a bad --engine exits 2" 2 "$XDPDK" prog test "$PROGS/xdp_macswap.bpf.o" \
	--pcap-in "$PCAPS/ipv4_udp.pcap" --expect "$LB_OUT" --engine auto
expect_rc "a missing object exits 1" 1 "$XDPDK" prog test "$TMP/nope.o" \
	--pcap-in "$PCAPS/ipv4_udp.pcap" --expect "$LB_OUT"
expect_no_grep "nothing on stdout for a missing object" out '.'

echo
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
