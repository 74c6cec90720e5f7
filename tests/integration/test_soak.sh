#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Soak (meson test --suite soak; not in CI): lb (bpf/progs/lb.bpf.o) on a port
# of `xdpdk run -c FILE --replay pcaps/lb-in.pcap`, its maps seeded from
# tests/golden/lb.maps, for SECONDS (default 600) of paced traffic, while a
# control client replaces the program every second (alternating the JIT and
# the interpreter: a new object, new maps) and updates the maps (re-seeding
# the new object's, toggling a VIP and a real). Sampled every second: the
# daemon's RSS, the port pool's mbufs in use, the number of live maps, and
# lb_conns' element count. Asserted: every replacement and update succeeds;
# the samples stay under their bounds; at the end every packet sent is
# received and has exactly one fate (rx = verdicts + counted drops), XDP_TX
# packets were sent or counted, every mbuf is back in its pool.
# usage: test_soak.sh XDPDK [--seconds S]  (or XDPDK_SOAK_SECONDS=S)
# Prints the figures, then "N passed, N failed".
set -u
XDPDK=${1:?usage: test_soak.sh path/to/xdpdk [--seconds S]}
SECONDS_RUN=${XDPDK_SOAK_SECONDS:-600}
[ "${2:-}" = --seconds ] && SECONDS_RUN=${3:?--seconds needs a value}
PPS=${XDPDK_SOAK_PPS:-50000}
BPF_PROGS=${XDPDK_BPF_PROGS_DIR:?}
PCAPS=${XDPDK_PCAPS_DIR:?}
SRC=${XDPDK_SOURCE_ROOT:?}
LB=$BPF_PROGS/lb.bpf.o
TMP=$(mktemp -d)
pass=0 fail=0 pid=
. "$(dirname "$0")/assert.sh"
. "$(dirname "$0")/daemon.sh"

# lb.maps' entries, one "KEY VALUE" file per map (the golden file's dots are field marks)
for m in lb_ctl vip_map reals ch_rings; do
	awk -v m="$m" '$1 == m { gsub(/\./, "", $2); gsub(/\./, "", $3); print $2, $3 }' \
		"$SRC/tests/golden/lb.maps" >"$TMP/$m.txt"
done
# no RX of its own (an empty capture): the port receives what --replay injects
/usr/bin/python3 -c 'import struct,sys; open(sys.argv[1],"wb").write(struct.pack("<IHHiIII",0xa1b2c3d4,2,4,0,0,65535,1))' \
	"$TMP/empty.pcap"
cat >"$TMP/soak.yaml" <<YAML
eal:
  hugepages: $HUGE
  args: ["--no-pci", "--vdev=net_pcap_soak0,rx_pcap=$TMP/empty.pcap,tx_pcap=/dev/null"]
ports:
  - {name: p0, device: net_pcap_soak0, mbufs: 8191}
workers:
  - {lcore: 1, poll: [{port: p0, queue: 0}]}
programs:
  - name: lb
    object: $LB
    program: xdp_lb
    attach: [{port: p0}]
maps:
  - {name: lb_ctl, program: lb, file: $TMP/lb_ctl.txt}
  - {name: vip_map, program: lb, file: $TMP/vip_map.txt}
  - {name: reals, program: lb, file: $TMP/reals.txt}
  - {name: ch_rings, program: lb, file: $TMP/ch_rings.txt}
control:
  socket: $TMP/ctl.sock
YAML

"$XDPDK" run -c "$TMP/soak.yaml" --replay "$PCAPS/lb-in.pcap" --loop 0 --pps "$PPS" \
	--seconds "$SECONDS_RUN" >"$TMP/run.out" 2>"$TMP/run.err" &
pid=$!
# (loading lb and 6,126 entries takes seconds under ASan on a loaded machine)
for _ in $(seq 1200); do [ -S "$TMP/ctl.sock" ] || ! kill -0 "$pid" 2>/dev/null && break; sleep 0.1; done
[ -S "$TMP/ctl.sock" ] || { bad "the daemon starts" "$(cat "$TMP/run.err")"; echo "$pass passed, $fail failed"; exit 1; }

start=$(date +%s.%N)
# The control client: the requests `xdpdk prog replace` and `xdpdk map update|delete|show|dump`
# send (the command line itself), from one process, since a loaded 2-vCPU machine takes
# most of a second to start a client process. Each tick (1 s from the start): the program
# replaced (a new object: new maps, alternately JIT and interpreter) and its small maps
# seeded again (ch_rings stays zero: every flow to real 0), VIP 5 deleted and added again,
# real 1 moved; then one sample: t, RSS (kB), mbufs in use, live maps, lb_conns entries.
/usr/bin/python3 - "$TMP/ctl.sock" "$pid" "$LB" "$TMP" >"$TMP/client.out" 2>&1 <<'PY'
import os, re, socket, struct, sys, time
sock, pid, lb, tmp = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]

def call(*args):
    body = struct.pack("<I", len(args)) + b"".join(a.encode() + b"\0" for a in args)
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(30)
    s.connect(sock)
    s.sendall(struct.pack("<I", len(body)) + body)
    data = b""
    while True:
        c = s.recv(1 << 16)
        if not c:
            break
        data += c
    s.close()
    _, rc, n = struct.unpack("<IiI", data[:12])
    return rc, data[12:12 + n].decode(), data[12 + n + 4:].decode()

def alive():
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False

def stopping():
    return not alive() or not os.path.exists(sock) or \
        "stopping" in open(os.path.join(tmp, "run.out")).read()

def entries(m):
    return [l.split() for l in open(os.path.join(tmp, m + ".txt"))]

def newest_ids():
    rc, out, _ = call("map", "show")
    ids = {}
    for m in re.finditer(r"^(\d+): \w+  name (\w+)  ", out, re.M):
        ids[m.group(2)] = m.group(1)      # the newest last
    return ids, len(re.findall(r"^\d+: ", out, re.M))

def rss_kb():
    for l in open("/proc/%d/status" % pid):
        if l.startswith("VmRSS:"):
            return int(l.split()[1])

seed = {m: entries(m) for m in ("lb_ctl", "vip_map", "reals")}
vip5 = seed["vip_map"][5]
start = time.monotonic()
t = replaced = updated = errors = 0
log = open(os.path.join(tmp, "ctl.log"), "w")
samples = open(os.path.join(tmp, "samples"), "w")
def check(ok, what):
    global errors
    if not ok and alive():
        errors += 1
        log.write("failed: %s\n" % what)
    return ok
while alive():
    t += 1
    time.sleep(max(0, start + t - time.monotonic()))
    try:
        # the sample: lb_conns of the program that ran for the last second
        ids, n_maps = newest_ids()
        rc, out, _ = call("port", "show", "--json")
        in_use = int(re.search(r'"mbufs_in_use":(\d+)', out).group(1))
        conns = "-"
        if t % 10 == 0:
            rc, out, _ = call("map", "dump", "id", ids["lb_conns"], "--json")
            conns = out.count('{"key":"')
        samples.write("%d %d %d %d %s\n" % (t, rss_kb(), in_use, n_maps, conns))
        samples.flush()
        rc, out, err = call("prog", "replace", lb, "--port", "p0", "--prog", "xdp_lb",
                            "--engine", "jit" if t % 2 else "interp")
        if check(rc == 0 and "replaced by xdp_lb" in out, "replace: " + out + err):
            ids, _ = newest_ids()
            ok = True
            for m, rows in seed.items():
                for k, v in rows:
                    rc, out, err = call("map", "update", "id", ids[m], "key", k, "value", v)
                    ok = check(rc == 0, "seed %s: %s" % (m, err)) and ok
            replaced += ok
        ids, _ = newest_ids()
        for args in (("delete", "id", ids["vip_map"], "key", vip5[0]),
                     ("update", "id", ids["vip_map"], "key", vip5[0], "value", vip5[1]),
                     ("update", "id", ids["reals"], "key", "01000000", "value",
                      "0a6400%02x000000000000000000000000 00000000" % (t % 200 + 2))):
            rc, out, err = call("map", *args)
            updated += check(rc == 0, "%s: %s" % (args[0], err))
    except (OSError, ValueError, KeyError, AttributeError, struct.error) as e:
        # the replay is over: the daemon closes its socket (a connection it had not
        # accepted yet is reset) and stops; not a fault of the run
        time.sleep(1)
        if stopping():
            break
        check(False, "tick %d: %r" % (t, e))
print("replaced %d updated %d errors %d" % (replaced, updated, errors))
PY
read -r _ replaced _ updated _ errors <<<"$(tail -1 "$TMP/client.out")"
wait "$pid"
rc=$?
pid=
end=$(date +%s.%N)
if [ "$rc" -eq 0 ]; then ok "the daemon ran ${SECONDS_RUN} s and stopped cleanly"; else
	bad "the daemon ran and stopped cleanly" "exit $rc: $(tail -c 1500 "$TMP/run.err")"; fi
if [ "$errors" -eq 0 ] && [ "$replaced" -ge $((SECONDS_RUN * 8 / 10)) ]; then
	ok "$replaced program replacements, $updated map updates (and $((replaced * 11)) re-seeds), none failed"; else
	bad "replacements and updates" "$(tail -1 "$TMP/client.out"): $(head -5 "$TMP/ctl.log")"; fi

# --- bounds over the run -----------------------------------------------------------
# warm-up: the first 10 % (at least 5 samples); after it nothing may grow past its bound
n=$(wc -l <"$TMP/samples")
warm=$((n / 10 > 5 ? n / 10 : 5))
read -r rss0 mb0 maps0 <<<"$(sed -n "${warm}p" "$TMP/samples" | awk '{ print $2, $3, $4 }')"
read -r rss_max mb_max maps_max <<<"$(tail -n +"$warm" "$TMP/samples" |
	awk 'BEGIN { r = 0; m = 0; k = 0 } { if ($2 > r) r = $2; if ($3 > m) m = $3; if ($4 > k) k = $4 }
	     END { print r, m, k }')"
read -r rss_first rss_last <<<"$(awk 'NR == 1 { f = $2 } { l = $2 } END { print f, l }' "$TMP/samples")"
conns_max=$(awk '$5 != "-" && $5 > m { m = $5 } END { print m + 0 }' "$TMP/samples")
# RSS: DPDK's heap (plain memory without hugepages) reuses what a replaced object freed
if [ "$n" -ge 5 ] && [ "$rss_max" -le $((rss0 + 16384)) ]; then
	ok "RSS bounded: $rss0 kB after warm-up, at most $rss_max kB after (bound +16 MiB)"; else
	bad "RSS bounded" "$rss0 kB after warm-up, $rss_max kB at most"; fi
# mbufs: the injection ring (1024), the pool caches, TX buffers and bursts: nothing accumulates
if [ "$mb_max" -le 2048 ]; then ok "mbufs in use bounded: at most $mb_max (bound 2048)"; else
	bad "mbufs in use bounded" "at most $mb_max"; fi
# replaced objects' maps are freed: the count of live maps does not grow
if [ "$maps_max" -le "$maps0" ]; then ok "live maps bounded: $maps0 after warm-up, at most $maps_max"; else
	bad "live maps bounded" "$maps0 after warm-up, $maps_max at most"; fi
if [ "$conns_max" -le 16384 ]; then ok "lb_conns at most $conns_max entries (max_entries 16384)"; else
	bad "lb_conns bounded" "$conns_max"; fi

# --- every packet accounted for ------------------------------------------------------
sent=$(sed -nE 's/^replay: .*sent ([0-9]+) packets.*/\1/p; s/^sent ([0-9]+) packets.*/\1/p' "$TMP/run.out" | head -1)
line=$(grep '^port p0: rx' "$TMP/run.out")
read -r rx tx ab dr pa xt re inv np ru ov rerr exc exd txd <<<"$(echo "$line" |
	awk '{ for (i = 4; i <= NF; i += 2) printf "%s ", $i }')"
if [ -n "$sent" ] && [ "$sent" -gt 0 ] && [ "$sent" = "$rx" ]; then ok "every packet sent was received: $sent"; else
	bad "every packet sent was received" "sent ${sent:-?}: $line"; fi
sum=$((ab + dr + pa + xt + re + inv + np + ru + ov))
if [ "${rx:-0}" -gt 0 ] && [ "$rx" -eq "$sum" ]; then ok "rx $rx = verdicts + no program + runts + oversize ($sum)"; else
	bad "rx = verdicts + counted drops" "$line"; fi
if [ "$xt" -gt 0 ] && [ "$((tx + txd))" -eq "$xt" ]; then ok "XDP_TX $xt = sent $tx + TX drops $txd"; else
	bad "XDP_TX packets were sent or counted" "$line"; fi
if [ "$((pa + np))" -eq "$exd" ]; then ok "XDP_PASS $pa (+ $np without a program) = dropped on the exception path $exd"; else
	bad "XDP_PASS packets took the exception path" "$line"; fi
expect_grep "every mbuf is back in its pool" run.out \
	"^port p0: ([0-9]+) mbufs in use after the workers stopped, \\1 before they started$"

secs=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", e - s }')
echo "figures: ${secs} s, $rx packets ($(awk -v r="$rx" -v s="$secs" 'BEGIN { printf "%.0f", r / s }') pps):" \
	"XDP_TX $xt, XDP_PASS $pa, XDP_DROP $dr, aborted $ab;" \
	"RSS $rss_first kB at start, $rss0 after warm-up, $rss_last at the end (max $rss_max);" \
	"mbufs in use at most $mb_max; live maps $maps0 (max $maps_max); lb_conns at most $conns_max;" \
	"$replaced replacements, $updated updates"
grep -E "^port p0: [0-9]+ mbufs" "$TMP/run.out"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
