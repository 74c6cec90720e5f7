#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Control-plane faults against a running `xdpdk run -c FILE` under traffic:
# clients that leave mid-request, before reading a large reply, or stall;
# each is counted (`xdpdk stats`: control ... aborted N), no descriptor is
# left open, the daemon keeps serving and forwarding, and it stops cleanly
# (under ASan: without a leak). Then the socket's permissions: 0600 by
# default, a peer of another uid refused with a clear message (by the file
# mode, and by SO_PEERCRED when the mode lets it in), the members of
# control.group let in. Prints "N passed, N failed".
set -u
XDPDK=${1:?usage: test_faults_ctl.sh path/to/xdpdk}
PROGS=${XDPDK_PROGS_DIR:?}
BPF_PROGS=${XDPDK_BPF_PROGS_DIR:?}
PCAPS=${XDPDK_PCAPS_DIR:?}
TMP=$(mktemp -d)
pass=0 fail=0 pid=
OBJ=$PROGS/dp_verdicts.bpf.o
. "$(dirname "$0")/assert.sh"
. "$(dirname "$0")/daemon.sh"

# daemon_start EXTRA_CONTROL_YAML: the daemon with its socket in $TMP
daemon_start() {
	cat >"$TMP/d.yaml" <<YAML
eal:
  hugepages: $HUGE
  args: ["--no-pci", "--vdev=net_pcap0,rx_pcap=$PCAPS/firewall-in.pcap,infinite_rx=1,tx_pcap=/dev/null",
         "--vdev=net_ring_flt0"]
ports:
  - {name: p0, device: net_pcap0}
  - {name: p1, device: net_ring_flt0}    # receives only what it sends: nothing; it holds lb's maps
programs:
  - name: count
    object: $OBJ
    program: xdp_count
    attach: [{port: p0}]
  - name: lb
    object: $BPF_PROGS/lb.bpf.o
    program: xdp_lb
    attach: [{port: p1}]
control:
  socket: $TMP/ctl.sock
$1
YAML
	rm -f "$TMP/ctl.sock"
	"$XDPDK" run -c "$TMP/d.yaml" >"$TMP/run.out" 2>"$TMP/run.err" &
	pid=$!
	for _ in $(seq 100); do [ -S "$TMP/ctl.sock" ] && return 0; sleep 0.1; done
	bad "the daemon starts" "$(cat "$TMP/run.err")"
	return 1
}
# daemon_stop NAME: SIGTERM, a clean exit, every mbuf back
daemon_stop() {
	kill -TERM "$pid"
	wait "$pid"
	local rc=$?
	pid=
	if [ "$rc" -eq 0 ]; then ok "$1: SIGTERM stops it cleanly (no leak under ASan)"; else
		bad "$1: SIGTERM stops it cleanly" "exit $rc: $(tail -c 1500 "$TMP/run.err")"; fi
	expect_grep "$1: every mbuf is back in its pool" run.out \
		"^port p0: ([0-9]+) mbufs in use after the workers stopped, \\1 before they started$"
}
rx_now() { x stats --json 2>/dev/null | sed 's/},{.*//' | sed -n 's/.*"rx_packets":\([0-9]*\).*/\1/p'; }
nfds() { ls "/proc/$pid/fd" | wc -l; }

# --- clients that go wrong ----------------------------------------------------------
daemon_start "" || { echo "$pass passed, $fail failed"; exit 1; }
x stats >/dev/null 2>&1	# the first request: whatever the server opens once is open now
fds0=$(nfds)
/usr/bin/python3 - "$TMP/ctl.sock" >"$TMP/out" 2>&1 <<'PY'
import socket, struct, sys, time
path = sys.argv[1]
def conn():
    s = socket.socket(socket.AF_UNIX); s.connect(path); return s
def req(args):
    body = struct.pack("<I", len(args)) + b"".join(a + b"\0" for a in args)
    return struct.pack("<I", len(body)) + body
full = req([b"map", b"dump", b"name", b"ch_rings"])
n = 0
for i in range(20):                 # connects and leaves at once
    conn().close(); n += 1
for i in range(20):                 # half a length word
    s = conn(); s.sendall(full[:2]); s.close(); n += 1
for i in range(20):                 # the length, half the body
    s = conn(); s.sendall(full[: len(full) // 2]); s.close(); n += 1
for i in range(3):                  # a whole request for a large reply, never read
    s = conn(); s.sendall(full); s.shutdown(socket.SHUT_WR); time.sleep(0.05)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); s.close()
print("left", n)
s = conn(); s.sendall(full[:6])     # stalls past the server's 5 s timeout
time.sleep(6.5); s.close()
print("stalled 1")
PY
expect_grep "63 clients left mid-request or before the reply, one stalled" out "^stalled 1$"
# the server takes one request at a time: the large replies (seconds each under ASan on a
# loaded machine) may still be in progress; a client gives up after 5 s, so ask again (the
# server then finds that client gone too: one more aborted each)
gave_up=0
for _ in $(seq 60); do x stats >"$TMP/out" 2>&1 && break; gave_up=$((gave_up + 1)); sleep 1; done
expect_grep "... the daemon still answers, and counted them" out \
	"^control: served [0-9]+ malformed 0 refused 0 aborted [0-9]+$"
aborted=$(sed -nE 's/^control: .* aborted ([0-9]+)$/\1/p' "$TMP/out")
# 20 + 20 + 20 mid-request, 3 that never read their reply (megabytes: the server's write
# fails once they are gone), 1 stalled, and our own clients that gave up waiting
if [ "$aborted" = $((64 + gave_up)) ]; then
	ok "... aborted $aborted = 60 mid-request + 3 unread replies + 1 stalled + $gave_up timed out"; else
	bad "... aborted count" "$(cat "$TMP/out")"; fi
fds1=$(nfds)
if [ "$fds1" -eq "$fds0" ]; then ok "no descriptor left open ($fds1 before and after)"; else
	bad "no descriptor left open" "$fds0 before, $fds1 after: $(ls -l /proc/$pid/fd)"; fi
for _ in 1 2 3 4 5; do x map dump name ch_rings >"$TMP/out" 2>&1 && break; done
n=$(grep -c '^  key: ' "$TMP/out")
if [ "$n" -eq 65344 ]; then ok "the large reply is whole for a client that reads it ($n entries)"; else
	bad "the large reply" "$(head -c 300 "$TMP/out")"; fi
r0=$(rx_now); sleep 0.3; r1=$(rx_now)
if [ -n "$r0" ] && [ -n "$r1" ] && [ "$r1" -gt "$r0" ]; then ok "traffic still flows ($r0 -> $r1)"; else
	bad "traffic still flows" "$r0 -> $r1"; fi
# the socket's permissions, by default
mode=$(stat -c %a "$TMP/ctl.sock")
if [ "$mode" = 600 ]; then ok "the socket is 0600 by default"; else bad "the socket is 0600" "mode $mode"; fi
daemon_stop "after faulty clients"
expect_grep "... and says what the control socket saw" run.out "^xdpdk: control socket: served [0-9]+ malformed 0 refused 0 aborted [0-9]+$"

# --- other users --------------------------------------------------------------------
if ! command -v setpriv >/dev/null || [ "$(id -u)" != 0 ] || ! getent group nogroup >/dev/null; then
	echo "skip - other-user checks: need root, setpriv and the group nogroup to act as another user"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
fi
chmod 711 "$TMP"	# let the other user reach the socket's directory
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$XDPDK" "$@"; }

daemon_start "" || { echo "$pass passed, $fail failed"; exit 1; }
expect_rc "nobody, default mode: refused" 1 as_nobody stats -s "$TMP/ctl.sock"
expect_grep "... by the file's mode, with a clear message" err \
	"the control socket .*ctl.sock refuses this user \(Permission denied\): it serves its owner and root, or a group given by control.group"
daemon_stop "default mode"

daemon_start '  mode: "0666"' || { echo "$pass passed, $fail failed"; exit 1; }
expect_rc "nobody, mode 0666: still refused" 1 as_nobody stats -s "$TMP/ctl.sock"
expect_grep "... by the peer check, naming the uids" err \
	"xdpdk: the control socket refuses other users: uid 65534 is not the dataplane's \(uid 0\) or root"
expect_rc "root is served" 0 x stats
expect_grep "... and the refusal was counted" out "^control: .* refused 1 "
daemon_stop "mode 0666"

daemon_start '  group: nogroup' || { echo "$pass passed, $fail failed"; exit 1; }
gid=$(getent group nogroup | cut -d: -f3)
st=$(stat -c '%a %g' "$TMP/ctl.sock")
if [ "$st" = "660 $gid" ]; then ok "control.group: the socket is 0660, group nogroup"; else
	bad "control.group: the socket's mode and group" "$st"; fi
expect_rc "a member of the group is served" 0 \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$XDPDK" stats -s "$TMP/ctl.sock"
expect_grep "... its answer" out "^port p0: rx [0-9]+"
expect_rc "... as a supplementary group too" 0 \
	setpriv --reuid=65534 --regid=1 --groups="$gid" "$XDPDK" stats -s "$TMP/ctl.sock"
daemon_stop "control.group"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
