#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The dataplane verbs of a running `xdpdk run -c FILE` (cli/ctl_dp.c): prog
# show/attach/replace/detach under continuous traffic, port show, stats,
# route add/show/del, their errors; then every packet is accounted for.
# Prints "N passed, N failed".
set -u
XDPDK=${1:?usage: test_daemon_ctl.sh path/to/xdpdk}
PROGS=${XDPDK_PROGS_DIR:?}
PCAPS=${XDPDK_PCAPS_DIR:?}
TMP=$(mktemp -d)
pass=0 fail=0 pid=
OBJ=$PROGS/dp_verdicts.bpf.o
. "$(dirname "$0")/assert.sh"
# run NAME EXPECTED_EXIT CMD...: output (both streams) in $TMP/out
run() {
	local name=$1 want=$2
	shift 2
	"$@" >"$TMP/out" 2>&1
	local rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$name"; else
		bad "$name" "exit $rc, expected $want: $(head -c 600 "$TMP/out")"; fi
}
. "$(dirname "$0")/daemon.sh"	# x VERB..., cleanup at exit, HUGE
# rx_packets of port p0 from `stats --json`
rx_now() { x stats --json 2>/dev/null | sed 's/},{.*//' | sed -n 's/.*"rx_packets":\([0-9]*\).*/\1/p'; }
# firewall-in.pcap replayed for ever (no jumbo frame: infinite_rx wants one segment)
cat >"$TMP/d.yaml" <<YAML
eal:
  hugepages: $HUGE
  args: ["--no-pci", "--vdev=net_pcap0,rx_pcap=$PCAPS/firewall-in.pcap,infinite_rx=1,tx_pcap=/dev/null",
         "--vdev=net_null0"]
ports:
  - {name: p0, device: net_pcap0}
  - {name: p1, device: net_null0}
programs:
  - name: count
    object: $OBJ
    program: xdp_count
    attach: [{port: p0, priority: 10, chain_call_actions: [drop]}]
  - name: pass
    object: $OBJ
    program: xdp_pass
    attach: [{port: p0, priority: 20}]
  - name: drop_p1
    object: $OBJ
    program: xdp_drop
    attach: [{port: p1}]
control:
  socket: $TMP/ctl.sock
YAML
"$XDPDK" run -c "$TMP/d.yaml" >"$TMP/run.out" 2>"$TMP/run.err" &
pid=$!
for _ in $(seq 100); do [ -S "$TMP/ctl.sock" ] && break; sleep 0.1; done
[ -S "$TMP/ctl.sock" ] || { bad "the daemon starts" "$(cat "$TMP/run.err")"; echo "$pass passed, $fail failed"; exit 1; }

run "prog show lists the configured chain" 0 x prog show
expect_grep "... the first program, chaining on drop" out "^1: port p0  xdp 1/2  priority 10  chain drop  name xdp_count  insns [0-9]+  engine jit  run_cnt [0-9]+"
expect_grep "... the second" out "^1: port p0  xdp 2/2  priority 20  name xdp_pass  insns [0-9]+  engine jit$"
expect_grep "... with their objects" out "object $OBJ \(configuration\)"
run "port show" 0 x port show --json
expect_grep "... names the driver and the program" out '"name":"p0".*"driver":"net_pcap".*"xdp":"xdp_count"'

r0=$(rx_now); sleep 0.3; r1=$(rx_now)
if [ -n "$r0" ] && [ -n "$r1" ] && [ "$r1" -gt "$r0" ]; then ok "traffic flows ($r0 -> $r1 received)"; else
	bad "traffic flows" "rx $r0 then $r1"; fi
run "stats" 0 x stats
expect_grep "... every packet went on through the chain to XDP_PASS" out "^port p0: rx [0-9]+ tx 0 aborted 0 drop 0 pass [1-9][0-9]* "
run "detach one program of the chain" 0 x prog detach --port p0 --prog xdp_pass
expect_grep "... says what is left" out "port p0: xdp_pass detached, 1 program\(s\) left"
run "detach a program the chain does not have" 1 x prog detach --port p0 --prog nope
expect_grep "... is refused" out "port p0 runs no program named nope"

# Replace under traffic, again and again, with programs of every verdict.
okrep=0
for i in $(seq 1 12); do
	case $((i % 4)) in
	1) p=xdp_pass ;; 2) p=xdp_macswap_tx ;; 3) p=xdp_count ;; 0) p=xdp_drop ;;
	esac
	if x prog replace "$OBJ" --port p0 --prog $p >"$TMP/out" 2>&1 &&
	   grep -q "port p0: replaced by $p" "$TMP/out"; then okrep=$((okrep + 1)); fi
done
if [ "$okrep" -eq 12 ]; then ok "12 replacements under traffic"; else bad "12 replacements" "$okrep succeeded"; fi
run "prog show after them" 0 x prog show --json
expect_grep "... shows the last one, not from the configuration" out '"name":"xdp_drop".*"from_config":false'
r2=$(rx_now); sleep 0.2; r3=$(rx_now)
if [ "$r3" -gt "$r2" ]; then ok "traffic still flows after the replacements"; else bad "traffic still flows" "$r2 -> $r3"; fi

# One program replaced on every port that runs it, in one step
run "replace --all-ports" 0 x prog replace "$OBJ" --all-ports --prog xdp_drop
expect_grep "... on both ports" out "^replaced by xdp_drop on 2 port\\(s\\): p0 p1$"
run "--all-ports with --port is refused" 2 x prog replace "$OBJ" --all-ports --port p0
run "--all-ports for a program no port runs" 1 x prog replace "$OBJ" --all-ports --prog xdp_macswap_tx
expect_grep "... says so" out "no port runs a program of that name"

# Errors get a reply; the daemon keeps serving.
run "attach a second program in front" 0 x prog attach "$OBJ" --port p0 --prog xdp_pass --priority 5 --chain-call-actions pass
expect_grep "... makes a chain" out "port p0: runs xdp_pass \(2 programs\)"
run "... shown in priority order" 0 x prog show --json
expect_grep "... xdp_pass first, xdp_drop last" out '"position":0,"priority":5,"chain_call_actions":\["pass"\],"name":"xdp_pass".*"position":1,"priority":10,"chain_call_actions":\[\],"name":"xdp_drop"'
run "replace in a chain needs the program's name" 1 x prog replace "$OBJ" --port p0 --prog xdp_count
expect_grep "... says so" out "port p0 runs 2 programs and none is named xdp_count"
run "bad chain_call_actions are refused" 2 x prog attach "$OBJ" --port p0 --prog xdp_pass --chain-call-actions bogus
run "detach it again" 0 x prog detach --port p0 --prog xdp_pass
run "an unknown port is refused" 1 x prog replace "$OBJ" --port p9
expect_grep "... naming the ports" out "no port 'p9' \(ports: p0 p1\)"
run "a program the object does not have is refused" 1 x prog replace "$OBJ" --port p0 --prog nope
expect_grep "... naming it" out "no program named 'nope'"
run "an object that is not there is refused" 1 x prog replace "$TMP/none.o" --port p0
run "an object that is not ELF is refused" 1 x prog replace "$TMP/d.yaml" --port p0
expect_grep "... by the loader" out "Error: cannot open .*d.yaml"
run "the port still runs the last good program" 0 x prog show
expect_grep "... xdp_drop" out "name xdp_drop"

# Typed entries through the object's BTF (bpftool's "formatted")
# (several objects define 'cfg' and 'hits' by now: by id)
map_id() { x map show --json | grep -o "\"id\":[0-9]*,\"type\":\"[a-z_]*\",\"name\":\"$1\"" |
	tail -1 | sed 's/"id":\([0-9]*\),.*/\1/'; }
run "a map update" 0 x map update id "$(map_id cfg)" key 00000000 value 2a000000
run "map dump prints the entry typed" 0 x map dump id "$(map_id cfg)"
expect_grep "... key and value as the program declared them" out "^    formatted: key 0 value 42$"
run "map lookup --json" 0 x map lookup id "$(map_id hits)" key 00000000 --json
expect_grep "... per-CPU values typed, one per worker" out '"formatted":\{"key":0,"values":\[\{"cpu":0,"value":[0-9]+\}\]\}'

# The control plane changes the verdicts: xdp_verdict_cfg returns cfg[0].
# (p0 runs the replayed program chain; detach it, then run only this one)
run "detach the chain" 0 x prog detach --port p0
run "attach a program whose verdict is a map value" 0 x prog attach "$OBJ" --port p0 --prog xdp_verdict_cfg
verdicts() { x stats --json | sed 's/},{.*//' | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
cfg_id=$(map_id cfg)
for v in drop pass; do
	case $v in drop) hex=01000000 ;; pass) hex=02000000 ;; esac
	before=$(verdicts "$v")
	run "map update: cfg[0] = XDP_${v^^}" 0 x map update id "$cfg_id" key 00000000 value $hex
	sleep 0.3
	after=$(verdicts "$v")
	if [ "$after" -gt "$before" ]; then ok "... and the port's packets get XDP_${v^^} ($before -> $after)"; else
		bad "... and the port's packets get XDP_${v^^}" "$before -> $after"; fi
done

# A TC ingress program over the control socket, on what XDP passes (cfg[0] = XDP_PASS now)
run "attach a TC ingress program" 0 x prog attach "$OBJ" --port p0 --hook tc_ingress --prog tc_shot_udp
expect_grep "... says where" out "port p0: runs tc_shot_udp at tc_ingress"
sleep 0.3
shot=$(verdicts tc_shot)
if [ "${shot:-0}" -gt 0 ]; then ok "... and it drops the UDP packets XDP passed ($shot)"; else
	bad "... and it drops the UDP packets XDP passed" "tc_shot ${shot:-none}"; fi
run "prog show lists it" 0 x prog show
expect_grep "... at its hook" out "^1: port p0  tc_ingress  name tc_shot_udp  insns [0-9]+  engine jit  run_cnt [1-9]"
run "a second TC ingress program is refused" 1 x prog attach "$OBJ" --port p0 --hook tc_ingress --prog tc_mark
expect_grep "... one a hook" out "already runs tc_shot_udp at tc_ingress \\(one program a TC hook\\)"
run "replace it" 0 x prog replace "$OBJ" --port p0 --hook tc_ingress --prog tc_mark
run "an XDP program is no TC program" 1 x prog replace "$OBJ" --port p0 --hook tc_egress --prog xdp_pass
run "detach it" 0 x prog detach --port p0 --hook tc_ingress
expect_grep "... says so" out "port p0: no tc_ingress program"

# Ring buffer and perf event array records, through `xdpdk trace --map`
for m in ringbuf:events perf:perf_events; do
	kind=${m%%:*} name=${m#*:}
	run "a program writing ${kind} records" 0 x prog replace "$OBJ" --port p0 --prog "xdp_${kind}_out"
	sleep 0.2
	run "trace --map $name prints them" 0 x trace --map "$name"
	expect_grep "... each an Ethernet header of the replayed traffic" out "^$name (ringbuf|worker 0): 14 bytes: [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} 0800$"
done
run "trace --map of a map that holds no records" 1 x trace --map cfg
expect_grep "... says so" out "no ring buffer or perf event array map 'cfg'"
run "back to the verdict program" 0 x prog replace "$OBJ" --port p0 --prog xdp_verdict_cfg

# Routes for bpf_fib_lookup
run "route add (connected)" 0 x route add 10.0.0.0/8 dev p0
run "route add (gateway, metric)" 0 x route add 10.1.0.0/16 via 10.0.0.1 dev p0 metric 5
run "route add (IPv6 blackhole)" 0 x route add fd00::/64 blackhole
run "route show" 0 x route show
expect_grep "... the connected route" out "^10.0.0.0/8 dev p0$"
expect_grep "... the gateway route" out "^10.1.0.0/16 via 10.0.0.1 dev p0 metric 5$"
expect_grep "... the blackhole" out "^blackhole fd00::/64$"
run "route del" 0 x route del 10.0.0.0/8
run "route del of a missing route" 1 x route del 10.0.0.0/8
expect_grep "... says so" out "no such route"
run "route add of a bad prefix" 2 x route add 10.0.0.0/33 dev p0
run "a unicast route needs a port" 2 x route add 10.2.0.0/16 via 10.0.0.1
run "route show --json" 0 x route show --json
expect_grep "... lists what is left" out '^\[\{"dst":"(fd00::/64|10.1.0.0/16)".*\}\]$'

# Capture (xdpdump-like): 100 packets at the entry are 100 consecutive packets of
# the replayed pcap (the ring holds 1023, so the first ones are never dropped).
CHECK="/usr/bin/python3 $(dirname "$0")/pcapng_check.py"
run "capture 100 packets into a pcapng file" 0 x capture --port p0 -c 100 -w "$TMP/c.pcapng"
expect_grep "... says how many" out "^100 packets captured on port p0"
if $CHECK consecutive "$TMP/c.pcapng" "$PCAPS/firewall-in.pcap" 100 >"$TMP/out" 2>&1; then
	ok "$(cat "$TMP/out")"; else bad "the captured packets are what was sent" "$(cat "$TMP/out")"; fi
run "a MAC-swapping XDP_TX program" 0 x prog replace "$OBJ" --port p0 --prog xdp_macswap_tx
run "capture at entry and exit, filtered (udp)" 0 x capture --port p0 -c 20 --point both -w "$TMP/b.pcapng" udp
if $CHECK macswap "$TMP/b.pcapng" >"$TMP/out" 2>&1; then ok "$(cat "$TMP/out")"; else
	bad "exit packets are what the program made of the entry ones" "$(cat "$TMP/out")"; fi
run "capture as text, with a tcpdump filter" 0 x capture -i p0 -c 3 --point exit 'tcp[tcpflags] & tcp-syn != 0'
expect_grep "... one line a packet, with the verdict" out "^[0-9:.]+ p0 q0 exit  XDP_TX [0-9]+ bytes: IPv4 [0-9.]+ > [0-9.]+ TCP$"
if [ "$(grep -c ' TCP$' "$TMP/out")" -eq 3 ]; then ok "... three of them"; else bad "... three of them" "$(cat "$TMP/out")"; fi
run "a bad filter is refused" 1 x capture -i p0 -c 1 'bogus expr'
expect_grep "... with libpcap's message" out "Error: filter 'bogus expr': can't parse filter expression: syntax error"
run "a capture that matches nothing ends at its duration" 0 x capture -i p0 -G 0.3 'ip6 and udp'
expect_grep "... with nothing" out "^0 packets captured on port p0"

run "detach" 0 x prog detach --port p0
run "prog show after detach lists nothing on p0" 0 x prog show
if ! grep -q "port p0" "$TMP/out"; then ok "... (none)"; else bad "... (none)" "$(cat "$TMP/out")"; fi
run "detach again is refused" 1 x prog detach --port p0
run "attach after detach" 0 x prog attach "$OBJ" --port p0 --prog xdp_macswap_tx --engine interp
run "... on the interpreter" 0 x prog show
expect_grep "... as asked" out "name xdp_macswap_tx .* engine interp"
run "stats --watch prints rates" 0 x stats --watch 0.2 --count 1
expect_grep "... per port" out "^p0 +[0-9]+ +[0-9.]+ +[0-9.]+ "

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
if [ "$rc" -eq 0 ]; then ok "SIGTERM stops it cleanly"; else bad "SIGTERM stops it cleanly" "exit $rc: $(cat "$TMP/run.err")"; fi
expect_grep "every mbuf is back in its pool" run.out "^port p0: ([0-9]+) mbufs in use after the workers stopped, \\1 before they started$"
# Every received packet has exactly one fate.
line=$(grep '^port p0: rx' "$TMP/run.out")
# port p0: rx N tx N aborted N drop N pass N tx N redirect N invalid N no_prog N runt N
#   oversize N redirect_err N exception N exception_drop N tx_drop N
#   [tc_runs N tc_shot N tc_stolen N tc_redirect N tc_redirect_err N]
read -r rx tx ab dr pa xt re inv np ru ov rerr exc exd txd tcr tcs tcst tcrd tcre <<<"$(echo "$line" |
	awk '{ for (i = 4; i <= NF; i += 2) printf "%s ", $i }')"
sum=$((ab + dr + pa + xt + re + inv + np + ru + ov))
if [ "$rx" -gt 0 ] && [ "$rx" -eq "$sum" ]; then ok "every packet accounted for: rx $rx = verdicts + no program + runts ($sum)"; else
	bad "every packet accounted for" "$line"; fi
if [ "$((pa + np))" -eq "$((exd + ${tcs:-0} + ${tcst:-0} + ${tcrd:-0} + ${tcre:-0}))" ] &&
   [ "$pa" -gt 0 ] && [ "$np" -gt 0 ] && [ "${tcs:-0}" -gt 0 ]; then
	ok "XDP_PASS and program-less packets ($pa + $np) took the exception path: TC shot ${tcs}, the rest dropped there (no exception port)"; else
	bad "XDP_PASS and program-less packets took the exception path" "$line"; fi
if [ "$xt" -gt 0 ] && [ "$((tx + txd))" -eq "$xt" ]; then ok "XDP_TX packets ($xt) were sent or counted as TX drops"; else
	bad "XDP_TX packets were sent or counted" "$line"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
