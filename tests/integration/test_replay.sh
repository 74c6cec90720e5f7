#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# xdpdk replay end to end: --json fields, loops, cores, pcapng, the capture of
# what comes back through net_ring equal to the input, latency, --vary with
# valid checksums, bad input (truncated, link type, MTU, empty), exit codes,
# and run -c --replay injecting into a running configuration. With and
# without hugepages. Captures are written and read with Python's standard
# library. Prints "N passed, N failed".
set -u
X=${1:?usage: test_replay.sh path/to/xdpdk}
PROGS=${XDPDK_PROGS_DIR:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && echo "       $2"; }
# expect_rc NAME RC CMD...: stdout in $T/out, stderr in $T/err
expect_rc() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$name"; else
		bad "$name" "exit $rc, wanted $want; stderr: $(head -c 400 "$T/err")"; fi
}
expect_grep() {
	if grep -Eq -- "$3" "$T/$2"; then ok "$1"; else
		bad "$1" "no /$3/ in $2: $(head -c 400 "$T/$2")"; fi
}
# json_check NAME PYTHON-EXPRESSION (over j, the JSON on $T/out)
json_check() {
	if python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
		"$T/out" "$2" 2>"$T/pyerr"; then ok "$1"; else
		bad "$1" "$2 is false for $(head -c 600 "$T/out") $(cat "$T/pyerr")"; fi
}

# Captures: UDP packets of several sizes (valid checksums), a pcapng of the
# same, truncated / raw-IP / empty / oversized variants.
python3 - "$T" <<'EOF'
import struct, sys
d = sys.argv[1]
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def udp(n, sport):
    pl = bytes((i * 7) & 0xff for i in range(n - 42))
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, n - 14, 0, 0, 64, 17, 0,
                     bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    u = struct.pack("!HHHH", sport, 2000, n - 34, 0)
    ph = ip[12:20] + struct.pack("!BBH", 0, 17, n - 34)
    c = csum(ph + u + pl) or 0xffff
    u = u[:6] + struct.pack("!H", c)
    return b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip + u + pl
def pcap(name, pkts, dlt=1, trunc=0):
    b = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, dlt)
    for i, p in enumerate(pkts):
        b += struct.pack("<IIII", 1, i * 1000, len(p), len(p)) + p
    open(d + "/" + name, "wb").write(b[:len(b) - trunc] if trunc else b)
def pcapng(name, pkts):
    b = struct.pack("<IIIHHqI", 0x0a0d0d0a, 28, 0x1a2b3c4d, 1, 0, -1, 28)
    b += struct.pack("<IIHHII", 1, 20, 1, 0, 65535, 20)
    for i, p in enumerate(pkts):
        pad = p + b"\0" * (-len(p) % 4)
        ts = 1000000 + i * 1000
        b += struct.pack("<IIIIIII", 6, 32 + len(pad), 0, ts >> 32, ts & 0xffffffff,
                         len(p), len(p)) + pad + struct.pack("<I", 32 + len(pad))
    open(d + "/" + name, "wb").write(b)
sizes = [60, 64, 100, 128, 200, 512, 1000, 1514]
pk = [udp(n, 1000 + i) for i, n in enumerate(sizes)]
pcap("in.pcap", pk)
pcapng("in.pcapng", pk)
pcap("64.pcap", [udp(60, 1)])
pcap("trunc.pcap", pk, trunc=100)
pcap("raw.pcap", [p[14:] for p in pk], dlt=101)
pcap("empty.pcap", [])
pcap("big.pcap", pk[:2] + [udp(1600, 9), udp(3000, 9), udp(9000, 9)])
EOF
# same A B [N]: the packets' bytes of pcap A are those of B (N times over)
same() {
	python3 - "$1" "$2" "${3:-1}" <<'EOF'
import struct, sys
def pkts(f):
    b = open(f, "rb").read()
    off, out = 24, []
    while off + 16 <= len(b):
        cl = struct.unpack("<I", b[off + 8:off + 12])[0]
        out.append(b[off + 16:off + 16 + cl])
        off += 16 + cl
    return out
a, c = pkts(sys.argv[1]), pkts(sys.argv[2])
sys.exit(0 if a == c * int(sys.argv[3]) and len(a) > 0 else 1)
EOF
}
# valid F N: F has N packets, each with a valid IPv4 header sum and UDP sum, and
# the source addresses cycle over 10.9.0.0-3
valid() {
	python3 - "$1" "$2" <<'EOF'
import struct, sys
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return s
b = open(sys.argv[1], "rb").read()
off, n, srcs = 24, 0, set()
while off + 16 <= len(b):
    cl = struct.unpack("<I", b[off + 8:off + 12])[0]
    p = b[off + 16:off + 16 + cl]
    off += 16 + cl
    ip, l4 = p[14:34], p[34:14 + struct.unpack("!H", p[16:18])[0]]
    if csum(ip) != 0xffff: sys.exit("bad IP sum in packet %d" % n)
    if csum(ip[12:20] + struct.pack("!BBH", 0, 17, len(l4)) + l4) != 0xffff:
        sys.exit("bad UDP sum in packet %d" % n)
    srcs.add(ip[12:16])
    n += 1
sys.exit(0 if n == int(sys.argv[2]) and len(srcs) == 4 else "%d packets, %d sources" % (n, len(srcs)))
EOF
}

for huge in "" --no-huge; do
	h=${huge:-hugepages}
	expect_rc "[$h] topspeed into net_null" 0 "$X" replay $huge --pcap "$T/in.pcap" --port net_null0 --topspeed --loop 1000 --json
	json_check "[$h] --json holds the fields" \
		'all(k in j for k in ("tx_packets","tx_pps","tx_bps","rx_packets","lost","seconds"))'
	json_check "[$h] 1000 loops send 1000 x 8 packets" 'j["tx_packets"] == 8000 and j["tx_bytes"] == 1000 * 3578'
	expect_rc "[$h] pcapng, two cores" 0 "$X" replay $huge --pcap "$T/in.pcapng" --port net_null0 --topspeed --loop 501 --cores 2 --json
	json_check "[$h] two cores send 501 x 8 packets" 'j["tx_packets"] == 4008 and j["tx_pps"] > 0'
	expect_rc "[$h] one packet, two cores" 0 "$X" replay $huge --pcap "$T/64.pcap" --port net_null0 --topspeed --loop 1001 --cores 2 --json
	json_check "[$h] two cores send 1001 x 1 packet" 'j["tx_packets"] == 1001 and j["tx_bytes"] == 1001 * 60'
	expect_rc "[$h] capture of net_ring's other side" 0 "$X" replay $huge --pcap "$T/in.pcap" --port net_ring0 --rx-port net_ring0 --topspeed --capture-out "$T/cap$huge.pcap" --json
	json_check "[$h] everything came back" 'j["rx_packets"] == 8 and j["lost"] == 0 and j["rx_bytes"] == 3578'
	if same "$T/cap$huge.pcap" "$T/in.pcap"; then ok "[$h] the capture equals the input"; else
		bad "[$h] the capture equals the input"; fi
	expect_rc "[$h] 20 loops through net_ring" 0 "$X" replay $huge --pcap "$T/in.pcap" --port net_ring0 --rx-port net_ring0 --topspeed --loop 20 --capture-out "$T/cap20$huge.pcap"
	if same "$T/cap20$huge.pcap" "$T/in.pcap" 20; then ok "[$h] the capture is the input 20 times"; else
		bad "[$h] the capture is the input 20 times"; fi
done

# Rates in wall time: a run preempted by the machine's other users is run again (3 tries).
paced() { # NAME PYTHON-EXPRESSION CMD...
	local name=$1 expr=$2 try
	shift 2
	for try in 1 2 3; do
		"$@" >"$T/out" 2>"$T/err" &&
			python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
				"$T/out" "$expr" 2>/dev/null && break
	done
	json_check "$name" "$expr"
}
# Paced, --duration is schedule time: what was due before it is sent, even late.
expect_rc "paced 200 kpps for 0.2 s" 0 "$X" replay --pcap "$T/64.pcap" --port net_null0 --pps 200000 --duration 0.2 --json
json_check "--duration loops until then at the rate" 'abs(j["tx_packets"] - 40000) <= 1'
expect_rc "--mbps for 0.1 s" 0 "$X" replay --pcap "$T/in.pcap" --port net_null0 --mbps 200 --duration 0.1 --json
json_check "--mbps keeps the bit rate" 'abs(j["tx_bytes"] * 8 / 0.1 - 200e6) < 200e6 * 0.01'
paced "--mbps in wall time" 'abs(j["tx_bps"] - 200e6) < 200e6 * 0.05' \
	"$X" replay --pcap "$T/in.pcap" --port net_null0 --mbps 200 --loop 500 --json
paced "--multiplier keeps the capture's gaps (1 ms / 100)" 'j["tx_packets"] == 80 and 0.00078 < j["seconds"] < 0.0085' \
	"$X" replay --pcap "$T/in.pcap" --port net_null0 --multiplier 100 --loop 10 --json

expect_rc "latency through net_ring" 0 "$X" replay --pcap "$T/in.pcap" --port net_ring0 --rx-port net_ring0 --topspeed --loop 100 --latency --json
json_check "latency figures over every packet" \
	'j["latency_samples"] == 800 and 0 < j["latency_min_ns"] <= j["latency_p50_ns"] <= j["latency_p99_ns"] <= j["latency_max_ns"] and j["latency_avg_ns"] > 0'
expect_rc "latency, text" 0 "$X" replay --pcap "$T/in.pcap" --port net_ring0 --rx-port net_ring0 --topspeed --latency
expect_grep "the summary names the latency" out "^latency over 8 packets \(ns\): min [0-9]+ +avg [0-9]+ +p50 [0-9]+ +p99 [0-9]+ +max [0-9]+"
expect_grep "the summary names loss" out "^received 8 packets, 3578 bytes; lost 0"
expect_rc "--vary over net_ring" 0 "$X" replay --pcap "$T/64.pcap" --port net_ring0 --rx-port net_ring0 --topspeed --loop 64 --vary src-ip:10.9.0.0-10.9.0.3,dst-port:1-65535:rand --capture-out "$T/vary.pcap"
if msg=$(valid "$T/vary.pcap" 64 2>&1); then ok "varied packets carry valid checksums"; else
	bad "varied packets carry valid checksums" "$msg"; fi

# Through the kernel: net_af_packet on a veth pair in a namespace made here (root only).
NS=xdpdk-rpt-$$
if ip netns add "$NS" 2>/dev/null; then
	# No IPv6 there: the kernel's own router and listener messages would arrive too.
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	ip -n "$NS" link add rp0 type veth peer name rp1 && ip -n "$NS" link set rp0 up &&
		ip -n "$NS" link set rp1 up
	expect_rc "through a veth with net_af_packet" 0 ip netns exec "$NS" "$X" replay --pcap "$T/in.pcap" \
		--port net_af_packet0,iface=rp0 --rx-port net_af_packet1,iface=rp1 --pps 20000 --loop 50 --latency --json
	json_check "the veth's far side got every packet, stamped" \
		'j["tx_packets"] == 400 and j["rx_packets"] == 400 and j["latency_samples"] == 400'
	ip netns del "$NS"
else
	echo "skip - through a veth: cannot make a network namespace (not root?)"
fi

# Bad input.
expect_rc "a truncated capture replays its whole packets" 0 "$X" replay --pcap "$T/trunc.pcap" --port net_null0 --topspeed --json
expect_grep "the truncation is explained with a count" err "truncated .*replaying the 7 whole packets"
json_check "7 packets sent" 'j["tx_packets"] == 7'
expect_rc "an unknown link type fails" 1 "$X" replay --pcap "$T/raw.pcap" --port net_null0 --topspeed
expect_grep "the link type is named" err "^xdpdk replay: .*raw.pcap: link type [0-9]+ \(RAW\) is not supported"
expect_rc "packets larger than the MTU are skipped" 0 "$X" replay --pcap "$T/big.pcap" --port net_null0 --topspeed --json
expect_grep "the skipped packets are counted" err "^xdpdk replay: warning: skipped 3 packets larger than the MTU 1500"
json_check "the others are sent" 'j["tx_packets"] == 2 and j["skipped"] == 3'
expect_rc "an empty capture fails" 1 "$X" replay --pcap "$T/empty.pcap" --port net_null0
expect_grep "the empty capture is explained" err "^xdpdk replay: .*empty.pcap: no packet to send"
expect_rc "a missing capture fails" 1 "$X" replay --pcap "$T/nope.pcap" --port net_null0
expect_grep "the missing file is named" err "nope.pcap: No such file"
expect_rc "a bad port fails" 1 "$X" replay --pcap "$T/in.pcap" --port net_bogus0
expect_grep "the port is named" err "^xdpdk replay: --port net_bogus0"
expect_rc "two rates are a usage error" 2 "$X" replay --pcap "$T/in.pcap" --port net_null0 --topspeed --pps 5
expect_rc "--latency without --rx-port is a usage error" 2 "$X" replay --pcap "$T/in.pcap" --port net_null0 --latency
expect_rc "a bad --vary is a usage error" 2 "$X" replay --pcap "$T/in.pcap" --port net_null0 --vary ttl:1-2
expect_grep "the bad --vary is named" err "^xdpdk replay: --vary: 'ttl:1-2'"

# In-process: a configuration whose port's RX queue gets the replay.
cat >"$T/r.yaml" <<YAML
eal:
  args: ["--no-pci", "--vdev=net_ring_rp0"]
ports:
  - {name: p0, device: net_ring_rp0}
programs:
  - name: drop
    object: $PROGS/dp_verdicts.bpf.o
    program: xdp_drop
    attach: [{port: p0}]
control:
  socket: $T/ctl.sock
YAML
expect_rc "run -c --replay" 0 "$X" run -c "$T/r.yaml" --replay "$T/in.pcap" --loop 1000
expect_grep "the replay reports" out "^replay: .*in.pcap into port 1 \(net_ring_rp0\): sent 8000 packets"
expect_grep "the program saw every packet" out "^port p0: rx 8000 .* drop 8000"
expect_rc "run -c --replay paced" 0 "$X" run -c "$T/r.yaml" --replay "$T/in.pcap" --loop 100 --pps 100000
expect_grep "paced in-process replay" out "sent 800 packets, 357800 bytes in 0.0[0-9]+ s"
sed 's/^eal:$/eal:\n  hugepages: no/' "$T/r.yaml" >"$T/r-nohuge.yaml"
expect_rc "[--no-huge] run -c --replay" 0 "$X" run -c "$T/r-nohuge.yaml" --replay "$T/in.pcapng" --loop 100
expect_grep "[--no-huge] the program saw every packet" out "^port p0: rx 800 .* drop 800"
expect_rc "--replay without -c is a usage error" 2 "$X" run x.o --ports net_null0 --replay "$T/in.pcap"
expect_rc "--replay-port that does not exist fails" 1 "$X" run -c "$T/r.yaml" --replay "$T/in.pcap" --replay-port 9

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
