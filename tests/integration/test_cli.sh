#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The xdpdk command end to end: the CLI contract (verbs, --help, exit codes,
# errors on stderr prefixed with the verb) and `prog run/show/dump/exec-raw`
# on real objects and pcaps, on both engines. Prints "N passed, N failed".
set -u
XDPDK=${1:?usage: test_cli.sh path/to/xdpdk}
PROGS=${XDPDK_PROGS_DIR:?}
PCAPS=${XDPDK_PCAPS_DIR:?}
SRC_EXAMPLES="$(dirname "$0")/../../config/examples"
SRC_GOLDEN="$(dirname "$0")/../golden"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0 fail=0

. "$(dirname "$0")/assert.sh"

# --- the CLI contract -------------------------------------------------------
expect_rc "top-level --help exits 0" 0 "$XDPDK" --help
for verb in prog map run replay bench stats demo; do
	expect_grep "--help lists '$verb'" out "^  $verb "
done
expect_rc "no verb is a usage error" 2 "$XDPDK"
expect_rc "unknown verb exits 2" 2 "$XDPDK" frobnicate
expect_grep "unknown verb names itself on stderr" err "^xdpdk: unknown command 'frobnicate'"
expect_grep "unknown verb prints a usage line" err "^usage: xdpdk"
for sub in run test verify dump show exec-raw; do
	expect_rc "prog $sub --help exits 0" 0 "$XDPDK" prog "$sub" --help
	expect_grep "prog $sub --help has a usage line" out "^usage: xdpdk prog $sub"
done
for v in "map show" "map dump" "map lookup" "map update" "map delete" run replay bench stats; do
	# shellcheck disable=SC2086
	expect_rc "$v --help exits 0" 0 "$XDPDK" $v --help
done
expect_rc "unknown option exits 2" 2 "$XDPDK" prog run --frob x.o
expect_grep "usage errors are prefixed with the verb" err "^xdpdk prog run: unknown option"
expect_rc "missing argument exits 2" 2 "$XDPDK" prog run
expect_rc "bad --repeat exits 2" 2 "$XDPDK" prog run x.o --data-in y --repeat two
expect_grep "bad number is explained" err "expected a non-negative integer, got 'two'"
expect_rc "bad --engine exits 2" 2 "$XDPDK" prog run x.o --data-in y --engine fast
expect_rc "missing object exits 1" 1 "$XDPDK" prog run "$TMP/nope.o" --data-in "$TMP/nope"
expect_grep "missing object is explained" err "^xdpdk prog run: cannot load"
expect_rc "replay without --port exits 2" 2 "$XDPDK" replay --pcap x
expect_grep "replay names the missing option" err "^xdpdk replay: missing required option --port"

# --- prog run on the MAC-swap program ---------------------------------------
python3 - "$TMP" <<'EOF'
import sys
d = sys.argv[1]
pkt = bytes.fromhex("001122334455" "66778899aabb" "0800") + bytes(range(50))
open(d + "/pkt.bin", "wb").write(pkt)
open(d + "/want.bin", "wb").write(pkt[6:12] + pkt[0:6] + pkt[12:])
open(d + "/runt.bin", "wb").write(pkt[:10])
EOF
for engine in interp jit; do
	expect_rc "prog run macswap ($engine)" 0 "$XDPDK" prog run "$PROGS/xdp_macswap.bpf.o" \
		--data-in "$TMP/pkt.bin" --data-out "$TMP/out-$engine.bin" --engine "$engine"
	expect_grep "macswap returns XDP_TX ($engine)" out "^retval: 3 \(XDP_TX\)"
	expect_grep "macswap reports its engine ($engine)" out "engine $engine"
	if cmp -s "$TMP/out-$engine.bin" "$TMP/want.bin"; then ok "macswap swaps the MACs ($engine)"
	else bad "macswap swaps the MACs ($engine)" "$(od -An -tx1 "$TMP/out-$engine.bin" | head -2)"; fi
done
expect_rc "prog run --json" 0 "$XDPDK" prog run "$PROGS/xdp_macswap.bpf.o" \
	--data-in "$TMP/pkt.bin" --json --repeat 100
for key in retval action duration_ns data_out_len data_out; do
	expect_grep "--json has $key" out "\"$key\":"
done
want_hex=$(od -An -tx1 -v "$TMP/want.bin" | tr -d ' \n')
expect_grep "--json data_out is the swapped packet" out "\"data_out\":\"$want_hex\""
expect_rc "a runt is refused like the kernel (EINVAL)" 1 "$XDPDK" prog run \
	"$PROGS/xdp_macswap.bpf.o" --data-in "$TMP/runt.bin"
expect_grep "the runt refusal is explained" err "invalid input: packet of 10 bytes"

# --- prog run over a pcap ---------------------------------------------------
expect_rc "prog run --pcap-in" 0 "$XDPDK" prog run "$PROGS/xdp_macswap.bpf.o" \
	--pcap-in "$PCAPS/ipv4_udp.pcap" --pcap-out "$TMP/o.pcap"
expect_grep "pcap run counts XDP_TX" out "XDP_TX +[1-9]"
if [ -s "$TMP/o.pcap" ]; then ok "pcap run writes the output pcap"; else bad "pcap run writes the output pcap"; fi
expect_rc "prog run --pcap-in --json" 0 "$XDPDK" prog run "$PROGS/xdp_macswap.bpf.o" \
	--pcap-in "$PCAPS/mixed.pcap" --json
expect_grep "pcap JSON has verdict counts" out '"verdicts":\{"XDP_ABORTED":'

# --- programs with maps -------------------------------------------------------
expect_rc "prog run with a map" 0 "$XDPDK" prog run "$PROGS/maps_ref.bpf.o" \
	--pcap-in "$PCAPS/ipv4_udp.pcap" --dump-maps --engine jit
n_ipv4=$(grep -Eo "^  XDP_PASS +[0-9]+" "$TMP/out" | awk '{print $2}')
expect_grep "--dump-maps prints the map" out "^map pkt_count \(array, key 4, value 8, max 1\):"
want_count=$(printf '%02x000000 00000000' "${n_ipv4:-0}")
expect_grep "the counter in the map equals the packets run" out "key: 00000000  value: $want_count"
expect_rc "prog run --dump-maps --json" 0 "$XDPDK" prog run "$PROGS/maps_ref.bpf.o" \
	--data-in "$TMP/pkt.bin" --repeat 5 --dump-maps --json
expect_grep "--json maps hold the entries" out '"maps":\[\{"id":[0-9]+,"name":"pkt_count","type":"array","entries":\[\{"key":"00000000","value":"0500000000000000","formatted":\{"key":0,"value":5\}\}\]\}\]'
expect_rc "prog show with maps" 0 "$XDPDK" prog show "$PROGS/map_in_map.bpf.o"
expect_grep "prog show lists map-in-map and prog_array maps" out "^map [0-9]+: prog_array +name jump"
expect_grep "prog show names the maps a program uses" out "name xdp_dispatch .* maps [a-z_,]*jump"

# --- show, dump, verify -----------------------------------------------------
expect_rc "prog show" 0 "$XDPDK" prog show "$PROGS/xdp_macswap.bpf.o"
expect_grep "prog show lists the program" out "xdp +name xdp_macswap +section xdp +insns [0-9]+"
expect_rc "prog show --json" 0 "$XDPDK" prog show "$PROGS/xdp_macswap.bpf.o" --json
expect_grep "prog show --json lists programs" out '"programs":\[\{"name":"xdp_macswap"'
expect_rc "prog dump xlated" 0 "$XDPDK" prog dump xlated "$PROGS/xdp_macswap.bpf.o"
expect_grep "xlated ends with exit" out "^ +[0-9]+: \(95\) exit$"
expect_grep "xlated shows the rewritten ctx load" out "= \*\(u64 \*\)\(r1 \+8\)"
expect_rc "prog dump jited" 0 "$XDPDK" prog dump jited "$PROGS/xdp_macswap.bpf.o"
expect_grep "jited has x86 code" out "^ +[0-9a-f]+: +(ret|push|mov)"
expect_grep "jited interleaves BPF insns" out "^ +0: \("
expect_rc "prog verify" 0 "$XDPDK" prog verify "$PROGS/xdp_macswap.bpf.o"

# --- exec-raw (bpf_conformance plugin) --------------------------------------
# mov r0, 0x10; ldxb r1, [r1+1]; add r0, r1; exit  →  0x10 + mem[1]
prog_hex="b700000010000000 7111010000000000 0f10000000000000 9500000000000000"
for engine in interp jit; do
	echo "$prog_hex" | "$XDPDK" prog exec-raw --engine "$engine" "00 22 33" >"$TMP/out" 2>"$TMP/err"
	if [ "$(cat "$TMP/out")" = "32" ]; then ok "exec-raw computes r0 ($engine)"
	else bad "exec-raw computes r0 ($engine)" "got '$(cat "$TMP/out")' $(cat "$TMP/err")"; fi
done
# ldxdw r0, [r1+4096]; exit: reads far outside the 3-byte memory
echo "7910001000000000 9500000000000000" | "$XDPDK" prog exec-raw "00 22 33" >"$TMP/out" 2>"$TMP/err"
rc=$?
# The verifier refuses it (outside the memory) before the checked run would fault.
if [ "$rc" -ne 0 ] && grep -q "fault\|outside of the allowed memory" "$TMP/err"; then
	ok "exec-raw reports a faulting program"
else bad "exec-raw reports a faulting program" "rc=$rc $(cat "$TMP/err")"; fi
echo "ff00000000000000 9500000000000000" | "$XDPDK" prog exec-raw >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ "$rc" -ne 0 ] && grep -q "insn 0" "$TMP/err"; then ok "exec-raw rejects an unknown opcode naming the insn"
else bad "exec-raw rejects an unknown opcode naming the insn" "rc=$rc $(cat "$TMP/err")"; fi

# --- entry programs are not test-run, as in the kernel ----------------------
head -c 64 /dev/zero >"$TMP/zero64.bin"
expect_rc "a cpumap entry program is not test-run" 1 "$XDPDK" prog run \
	"${XDPDK_BPF_PROGS_DIR:?}/lb.bpf.o" --prog xdp_lb_cpumap --data-in "$TMP/zero64.bin"
expect_grep "... and the message says why" err "section 'xdp/cpumap'\) runs behind a devmap or cpumap entry"

# --- demo -------------------------------------------------------------------
expect_rc "demo runs" 0 "$XDPDK" demo --out "$TMP/demo.pcap"
expect_grep "demo prints verdict counts" out "^  XDP_(TX|PASS|DROP) +[0-9]+"
expect_grep "demo prints the rate" out "^rate: [0-9.]+ Mpps"
# The lb with config/examples/lb.yaml's VIPs: pcaps/lb-in.pcap's 13 VIP packets
# are encapsulated (XDP_TX), 5 pass, the ICMP error with no real is dropped.
expect_grep "demo runs the lb on the dataplane" out "^port demo: rx 19 tx 13 aborted 0 drop 1 pass 5 tx 13 .* runt 0 "
expect_grep "... and no mbuf is left in use" out "^port demo: 0 mbufs in use after the workers stopped"
expect_grep "demo's engine part gives the lb's verdicts" out "^  XDP_TX +13$"
expect_grep "demo says where the output is" out "^output: $TMP/demo.pcap"
# The demo's entry files are the golden test's seeds: the same bytes out.
expect_rc "demo's output is the lb golden test's" 0 "$XDPDK" prog test \
	"${XDPDK_BPF_PROGS_DIR:?}/lb.bpf.o" --prog xdp_lb --engine jit \
	--pcap-in "$PCAPS/lb-in.pcap" --maps-init "$SRC_EXAMPLES/lb.maps" \
	--expect "$TMP/demo.pcap" --expect-verdicts "$SRC_GOLDEN/lb.expect"
printf 'vip_map @no-such-file.txt\n' >"$TMP/bad.maps"
expect_rc "--maps-init with a missing entries file fails" 1 "$XDPDK" prog run \
	"${XDPDK_BPF_PROGS_DIR:?}/lb.bpf.o" --prog xdp_lb --pcap-in "$PCAPS/lb-in.pcap" \
	--maps-init "$TMP/bad.maps"
expect_grep "... naming the file and the line" err "bad.maps:1: .*no-such-file.txt: No such file"

# --- bench pipeline --scenario lb: the lb on real packets over net_null ------
expect_rc "bench pipeline --scenario lb runs" 0 "$XDPDK" bench pipeline --scenario lb \
	--seconds 0.4 --json
# lb-in.pcap's 19 packets in turn: 13 XDP_TX, 5 XDP_PASS, 1 XDP_DROP.
if awk 'match($0, /"tx": [0-9.]+/) { v = substr($0, RSTART + 6, RLENGTH - 6) + 0; seen = 1 }
	END { exit !(seen && v > 0.675 && v < 0.695) }' "$TMP/out" &&
   grep -q '"scenario": "lb"' "$TMP/out" && grep -Eq '"mpps": [0-9]*[1-9]' "$TMP/out"; then
	ok "... the lb encapsulates 13 of lb-in.pcap's 19 packets (XDP_TX)"
else bad "... the lb encapsulates 13 of lb-in.pcap's 19 packets (XDP_TX)" "$(cat "$TMP/out")"; fi
expect_rc "bench pipeline --scenario lb with a missing pcap fails" 1 "$XDPDK" bench pipeline \
	--scenario lb --pcap "$TMP/none.pcap"
expect_grep "... naming it" err "cannot read '$TMP/none.pcap'"
# --packets 2: the established flow's ACK alone (XDP_TX every time); --kernel: the kernel's
# live-frames XDP on the same packet, or the reason it could not run.
expect_rc "bench pipeline --scenario lb --packets 2 --kernel runs" 0 "$XDPDK" bench pipeline \
	--scenario lb --packets 2 --kernel --seconds 0.4 --json
expect_grep "... every packet is the established one (XDP_TX)" out '"tx": 1\.0000'
if grep -q '"kernel_skipped"' "$TMP/out"; then
	echo "  (the kernel side was not measured here: $(grep -o '"kernel_skipped": "[^"]*"' "$TMP/out"))"
else
	expect_grep "... beside the kernel's figures for the same packet" out \
		'"kernel_ns_per_pkt": [0-9]+\.[0-9]+, "kernel_prog_ns": -?[0-9.]+, "kernel_prog_stderr_ns": [0-9.]+, "kernel_frame_ns": [0-9.]+, "kernel_mpps": [0-9.]+, "vs_kernel": [0-9.]+'
fi
expect_rc "bench pipeline --packets with a bad list is a usage error" 2 "$XDPDK" bench pipeline \
	--scenario lb --packets 5,x
expect_rc "bench pipeline --packets naming no packet fails" 1 "$XDPDK" bench pipeline \
	--scenario lb --packets 99
expect_grep "... saying so" err "no packet of 14 to [0-9]+ bytes among --packets"
expect_rc "bench pipeline --kernel outside the lb scenario fails" 1 "$XDPDK" bench pipeline \
	--scenario drop --kernel --seconds 0.2
expect_grep "... saying so" err "--kernel: the lb scenario only"

echo
# --- run --check: a configuration and the objects it names ------------------
cat >"$TMP/ok.yaml" <<EOF
eal: {args: ["--no-pci", "--vdev=net_null0"]}
ports:
  - {name: p0, device: net_null0}
programs:
  - name: flows
    object: $PROGS/btf_maps.bpf.o
    program: xdp_flows
    attach: [{port: p0}]
  - name: count
    object: $PROGS/btf_maps.bpf.o
    program: tc_count
    attach: [{port: p0, hook: tc_ingress}]
  - name: hash
    object: xdp_flowhash.bpf.o
    attach: [{port: p0, priority: 60}]
maps:
  - name: counters
    program: flows
    entries:
      - {key: "00000000", value: "$(printf '%048d' 0)"}
EOF
expect_rc "run --check accepts a valid configuration" 0 "$XDPDK" run -c "$TMP/ok.yaml" --check
expect_grep "run --check summarises it" out "valid: 1 port\(s\), 1 worker\(s\), 3 program\(s\), 1 map\(s\) to prefill \(1 entries\)"
expect_rc "run --check --json" 0 "$XDPDK" run -c "$TMP/ok.yaml" --check --json
expect_grep "run --check --json has the counts" out '"valid":true,"ports":1,"workers":1,"programs":3,"maps":1,"map_entries":1'
sed 's/hook: tc_ingress/hook: xdp/' "$TMP/ok.yaml" >"$TMP/hook.yaml"
expect_rc "run --check refuses a TC program at an XDP hook" 1 "$XDPDK" run -c "$TMP/hook.yaml" --check
expect_grep "the wrong hook is named with its line" err "hook.yaml:12:31: programs\[1\].attach\[0\].hook: program 'tc_count' \(section 'tc'\) cannot run at a xdp hook"
sed 's/value: "0*"/value: "00"/' "$TMP/ok.yaml" >"$TMP/size.yaml"
expect_rc "run --check refuses an entry of the wrong size" 1 "$XDPDK" run -c "$TMP/size.yaml" --check
expect_grep "the entry's sizes are explained" err "maps\[0\].entries\[0\]: map 'counters' has 4-byte keys and 24-byte values; this entry has 4 and 1"
sed 's/name: counters/name: nosuch/' "$TMP/ok.yaml" >"$TMP/map.yaml"
expect_rc "run --check refuses an unknown map" 1 "$XDPDK" run -c "$TMP/map.yaml" --check
expect_grep "the unknown map is named" err "maps\[0\].name: no map 'nosuch' in that program's object"
sed 's/program: xdp_flows/program: xdp_nope/' "$TMP/ok.yaml" >"$TMP/prog.yaml"
expect_rc "run --check refuses an unknown program" 1 "$XDPDK" run -c "$TMP/prog.yaml" --check
expect_grep "the unknown program is named" err "programs\[0\].program: '.*btf_maps.bpf.o' has no program 'xdp_nope'"
printf 'ports:\n  - name: p0\n    device: net_null0\n    rx_queues: two\n' >"$TMP/bad.yaml"
expect_rc "run --check refuses a malformed file" 1 "$XDPDK" run -c "$TMP/bad.yaml" --check
expect_grep "a malformed field is named with its line" err "bad.yaml:4:16: ports\[0\].rx_queues: expected a non-negative integer, got 'two'"
expect_rc "run --check on a missing file" 1 "$XDPDK" run -c "$TMP/none.yaml" --check
expect_grep "a missing file is named" err "none.yaml: No such file or directory"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
