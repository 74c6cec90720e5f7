#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# xdpdk run -c FILE as a service: it starts the ports, workers and programs a
# configuration describes, prefills maps, serves the control socket while
# traffic flows, and on SIGTERM stops, prints its counters and cleans up.
# Prints "N passed, N failed".
set -u
XDPDK=${1:?usage: test_daemon.sh path/to/xdpdk}
PROGS=${XDPDK_PROGS_DIR:?}
PCAPS=${XDPDK_PCAPS_DIR:?}
TMP=$(mktemp -d)
pass=0 fail=0 pid=
. "$(dirname "$0")/assert.sh"
cleanup() { [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

cat >"$TMP/d.yaml" <<YAML
eal:
  args: ["--no-pci", "--vdev=net_pcap0,rx_pcap=$PCAPS/mixed.pcap,tx_pcap=$TMP/out.pcap"]
ports:
  - {name: p0, device: net_pcap0}
programs:
  - name: count
    object: $PROGS/dp_verdicts.bpf.o
    program: xdp_count
    attach: [{port: p0}]
maps:
  - name: cfg
    program: count
    entries:
      - {key: "00000000", value: "07000000"}
control:
  socket: $TMP/ctl.sock
YAML
"$XDPDK" run -c "$TMP/d.yaml" >"$TMP/run.out" 2>"$TMP/run.err" &
pid=$!
for _ in $(seq 100); do [ -S "$TMP/ctl.sock" ] && break; sleep 0.1; done
if [ -S "$TMP/ctl.sock" ]; then ok "the daemon serves its control socket"; else
	bad "the daemon serves its control socket" "$(cat "$TMP/run.err")"; fi
sleep 0.5	# the pcap is short: every packet is through by now
"$XDPDK" map lookup name cfg key 00000000 -s "$TMP/ctl.sock" >"$TMP/out" 2>&1
expect_grep "the prefilled entry is there" out "value: 07 00 00 00"
"$XDPDK" map lookup name hits key 00000000 -s "$TMP/ctl.sock" >"$TMP/out" 2>&1
# mixed.pcap: 64 frames; 4 runts and 1 jumbo never reach the program
expect_grep "the per-CPU counter counted every packet the program saw" out "value: 3b 00 00 00 00 00 00 00"
if "$XDPDK" map update name cfg key 00000000 value 09000000 -s "$TMP/ctl.sock" >"$TMP/out" 2>&1
then ok "a map is updated while the workers run"; else bad "a map is updated while the workers run"; fi
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
if [ "$rc" -eq 0 ]; then ok "SIGTERM stops it cleanly (exit 0)"; else
	bad "SIGTERM stops it cleanly" "exit $rc: $(cat "$TMP/run.err")"; fi
expect_grep "it says it is running" run.out "^xdpdk: running .*d.yaml: 1 port\(s\), 1 worker\(s\)"
expect_grep "final counters: 64 received, 4 runts, 59 dropped by the program" run.out "^port p0: rx 64 tx 0 aborted 0 drop 59 .* runt 4 "
if [ ! -e "$TMP/ctl.sock" ]; then ok "the control socket is removed"; else
	bad "the control socket is removed"; fi

# What does not fit is refused before anything starts, naming the field.
sed 's/attach: \[{port: p0}\]/attach: [{port: p0, hook: tc_ingress}]/' "$TMP/d.yaml" >"$TMP/tc.yaml"
"$XDPDK" run -c "$TMP/tc.yaml" >"$TMP/out" 2>"$TMP/err"
if [ $? -eq 1 ]; then ok "a program at the wrong hook fails the start"; else
	bad "a program at the wrong hook fails the start"; fi
expect_grep "... naming the field" err "programs\[0\].attach\[0\].hook: program 'xdp_count' \(section 'xdp'\) cannot run at a tc_ingress hook"

# Typed map entries: JSON through the map's BTF. xdp_btf_types counts the packets
# of flow {addr: ingress ifindex, port 80, proto 6} in the entry's value.
cat >"$TMP/typed.yaml" <<YAML
eal:
  args: ["--no-pci", "--vdev=net_pcap0,rx_pcap=$PCAPS/mixed.pcap,tx_pcap=$TMP/a.pcap"]
ports:
  - {name: p0, device: net_pcap0}
programs:
  - {name: flows, object: $PROGS/btf_types.bpf.o, program: xdp_btf_types, attach: [{port: p0}]}
maps:
  - name: flows
    entries:
      - key: '{"addr": 1, "port": 80, "proto": 6}'
        value: '{"name": "web", "color": "BLUE", "pos": [{"x": -5}]}'
    file: flows.txt
control:
  socket: $TMP/typed.sock
YAML
cat >"$TMP/flows.txt" <<'TXT'
# typed lines: {"key": K, "value": V}, through the map's BTF
{"key": {"addr": 3, "port": 80, "proto": 6}, "value": {"name": "file#1", "arr": [7, 8, 9]}}
TXT
"$XDPDK" run -c "$TMP/typed.yaml" --check >"$TMP/out" 2>"$TMP/err"
if [ $? -eq 0 ]; then ok "typed entries pass --check"; else bad "typed entries pass --check" "$(cat "$TMP/err")"; fi
"$XDPDK" run -c "$TMP/typed.yaml" >"$TMP/run2.out" 2>"$TMP/run2.err" &
pid=$!
for _ in $(seq 100); do [ -S "$TMP/typed.sock" ] && break; sleep 0.1; done
sleep 0.5
"$XDPDK" map dump name flows --json -s "$TMP/typed.sock" >"$TMP/out" 2>&1
expect_grep "the typed entry is in the map, and the program counted the flow's packets" out '"formatted":\{"key":\{"addr":1,"port":80,"proto":6,"pad":0\},"value":\{"packets":59,"name":"web","color":"BLUE",.*"pos":\[\{"x":-5,"y":0\},\{"x":0,"y":0\}\]\}\}'
"$XDPDK" map lookup name flows key '{"addr": 3, "port": 80, "proto": 6}' --json \
	-s "$TMP/typed.sock" >"$TMP/out" 2>&1
expect_grep "a typed line of an entries file is in the map too" out '"value":\{"packets":0,"name":"file#1",.*"arr":\[7,8,9\]'
"$XDPDK" map update name flows key '{"addr": 2, "port": 80, "proto": 6}' \
	value '{"name": "typed", "delta": -7}' -s "$TMP/typed.sock" >"$TMP/out" 2>&1
if [ $? -eq 0 ]; then ok "map update takes typed JSON too"; else bad "map update takes typed JSON too" "$(cat "$TMP/out")"; fi
"$XDPDK" map lookup name flows key '{"addr": 2, "port": 80, "proto": 6}' --json \
	-s "$TMP/typed.sock" >"$TMP/out" 2>&1
expect_grep "... and lookup finds it" out '"formatted":\{"key":\{"addr":2,.*"value":\{"packets":0,"name":"typed",.*"delta":-7,'
"$XDPDK" map update name flows key '{"addr": 2}' value '{"nope": 1}' -s "$TMP/typed.sock" \
	>"$TMP/out" 2>&1
expect_grep "... and says what is wrong with it" out "Error: value: nope: no such member"
kill -TERM "$pid"
wait "$pid"
pid=
sed "s/\"color\": \"BLUE\"/\"colour\": \"BLUE\"/" "$TMP/typed.yaml" >"$TMP/typed2.yaml"
"$XDPDK" run -c "$TMP/typed2.yaml" --check >"$TMP/out" 2>"$TMP/err"
if [ $? -eq 1 ]; then ok "a typed entry with a member the type lacks is refused"; else
	bad "a typed entry with a member the type lacks is refused"; fi
expect_grep "... naming the field and the member" err "maps\\[0\\]\\.entries\\[0\\]\\.value: colour: no such member"

# TC ingress on the exception path, from the file: IPv4 UDP is dropped on the way
# to the exception port p1, the rest reaches it.
cat >"$TMP/tc.yaml" <<YAML
eal:
  args: ["--no-pci", "--vdev=net_pcap0,rx_pcap=$PCAPS/mixed.pcap,tx_pcap=$TMP/a.pcap",
         "--vdev=net_pcap1,tx_pcap=$TMP/b.pcap"]
ports:
  - {name: p1, device: net_pcap1}
  - {name: p0, device: net_pcap0, exception: port, exception_name: p1}
programs:
  - {name: pass, object: $PROGS/dp_verdicts.bpf.o, program: xdp_pass, attach: [{port: p0}]}
  - name: no_udp
    object: $PROGS/dp_verdicts.bpf.o
    program: tc_shot_udp
    attach: [{port: p0, hook: tc_ingress}]
control:
  socket: $TMP/tc.sock
YAML
"$XDPDK" run -c "$TMP/tc.yaml" --seconds 1 >"$TMP/out" 2>"$TMP/err"
if [ $? -eq 0 ]; then ok "a TC ingress program from the file runs"; else
	bad "a TC ingress program from the file runs" "$(cat "$TMP/err")"; fi
expect_grep "... on what XDP passed: 21 UDP packets shot, 38 to the exception port" out "^port p0: rx 64 .* pass 59 .* exception 38 exception_drop 0 tx_drop 0 tc_runs 59 tc_shot 21 tc_stolen 0 "
expect_grep "... which sent them" out "^port p1: rx 0 tx 38 "

# A devmap entry's program from the file: xdp_redirect_devmap sends every packet
# to tx_ports[0] (p1), whose program writes p1's ifindex into the source MAC.
ENTRY=${XDPDK_BUILD_ROOT:?}/tests/integration/dp_entry.bpf.o
cat >"$TMP/dev.yaml" <<YAML
eal:
  args: ["--no-pci", "--vdev=net_pcap0,rx_pcap=$PCAPS/mixed.pcap,tx_pcap=$TMP/a.pcap",
         "--vdev=net_pcap1,tx_pcap=$TMP/b.pcap"]
ports:
  - {name: p0, device: net_pcap0}
  - {name: p1, device: net_pcap1}
programs:
  - {name: rd, object: $PROGS/dp_verdicts.bpf.o, program: xdp_redirect_devmap, attach: [{port: p0}]}
  - name: mac
    object: $ENTRY
    program: xdp_devmap_mac
    attach: [{hook: devmap_entry, map: tx_ports, key: 0}]
maps:
  - name: tx_ports
    program: rd
    entries: [{key: "00000000", value: "02000000 00000000"}]
control:
  socket: $TMP/dev.sock
YAML
"$XDPDK" run -c "$TMP/dev.yaml" --seconds 1 >"$TMP/out" 2>"$TMP/err"
if [ $? -eq 0 ]; then ok "a devmap entry program from the file runs"; else
	bad "a devmap entry program from the file runs" "$(cat "$TMP/err")"; fi
expect_grep "... the packets went to p1" out "^port p1: rx 0 tx 59 "
if /usr/bin/python3 "$(dirname "$0")/pcapng_check.py" srcmac "$TMP/b.pcap" 59 02:00:00:00:00:02 \
	>"$TMP/out" 2>&1; then ok "... and each went through the entry program ($(cat "$TMP/out"))"; else
	bad "... and each went through the entry program" "$(cat "$TMP/out")"; fi
sed 's/key: 0}]/key: 3}]/' "$TMP/dev.yaml" >"$TMP/dev3.yaml"
"$XDPDK" run -c "$TMP/dev3.yaml" --seconds 1 >"$TMP/out" 2>"$TMP/err"
if [ $? -eq 1 ]; then ok "an entry program for a missing entry fails the start"; else
	bad "an entry program for a missing entry fails the start"; fi
expect_grep "... saying what to prefill" err "programs\\[1\\]\\.attach\\[0\\]\\.map: map 'tx_ports' has no entry 3: give it one under maps: \\(its ifindex\\)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
