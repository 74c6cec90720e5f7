#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The control socket end to end: a stand-in dataplane (ctl_host) serves xdpdk's
# map verbs; the xdpdk binary is the client. Also what a hostile or broken
# peer may do: malformed requests, a client leaving mid-request, another user.
# Prints "N passed, N failed".
set -u
XDPDK=${1:?usage: test_control.sh path/to/xdpdk path/to/ctl_host}
HOST=${2:?}
TMP=$(mktemp -d)
SOCK=$TMP/ctl.sock
pass=0 fail=0
host_pid=

. "$(dirname "$0")/assert.sh"
start_host() { # [mode]
	"$HOST" "$SOCK" "$@" >"$TMP/host.out" 2>"$TMP/host.err" &
	host_pid=$!
	for _ in $(seq 100); do grep -q ready "$TMP/host.out" 2>/dev/null && return 0; sleep 0.1; done
	bad "the stand-in dataplane starts" "$(cat "$TMP/host.err")"
	return 1
}
stop_host() {
	kill -TERM "$host_pid" 2>/dev/null && wait "$host_pid"
}
cleanup() { [ -n "$host_pid" ] && kill -TERM "$host_pid" 2>/dev/null; wait; rm -rf "$TMP"; }
trap cleanup EXIT
M() { "$XDPDK" map "$@" -s "$SOCK"; }

start_host || { echo "$pass passed, $fail failed"; exit 1; }

# --- the socket itself ---------------------------------------------------------
[ "$(stat -c %a "$SOCK")" = 600 ] && ok "the socket is owner-only (0600)" ||
	bad "the socket is owner-only (0600)" "mode $(stat -c %a "$SOCK")"

# --- map verbs -------------------------------------------------------------------
expect_rc "map show" 0 M show
expect_grep "map show lists the hash" out "^[0-9]+: hash  name flows  flags 0x0"
expect_grep "map show gives sizes" out "key 4B  value 8B  max_entries 16"
expect_rc "map show --json" 0 M show --json
expect_grep "map show --json is bpftool-shaped" out '"type":"percpu_array","name":"counters","flags":0,"bytes_key":4,"bytes_value":8,"max_entries":4'
expect_rc "map update" 0 M update name flows key 0a 00 00 01 value 01 02 03 04 05 06 07 08
expect_rc "map lookup" 0 M lookup name flows key 0a000001
expect_grep "map lookup prints key and value" out "^key: 0a 00 00 01  value: 01 02 03 04 05 06 07 08$"
expect_rc "map lookup --json" 0 M lookup name flows key 0a000001 --json
expect_grep "map lookup --json" out '^\{"key":"0a000001","value":"0102030405060708"\}$'
expect_rc "update noexist on an existing key fails" 1 M update name flows key 0a000001 value 0000000000000000 noexist
expect_grep "... with the kernel's error" err "^Error: update failed: File exists"
expect_rc "update exist on a missing key fails" 1 M update name flows key 0a000002 value 0000000000000000 exist
expect_grep "... with ENOENT" err "No such file or directory"
expect_rc "map dump" 0 M dump name flows
expect_grep "map dump lists the entry" out "key: 0a000001  value: 01020304 05060708"
expect_rc "per-CPU update takes one value per worker" 0 M update name counters key 01000000 value 0100000000000000 0200000000000000
expect_rc "per-CPU lookup returns every worker's slot" 0 M lookup name counters key 01000000
expect_grep "... both slots" out "value: 01 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00"
expect_rc "map delete" 0 M delete name flows key 0a000001
expect_rc "lookup after delete fails" 1 M lookup name flows key 0a000001
expect_grep "... not found" err "^Error: lookup failed: No such file or directory"
expect_rc "a key of the wrong size" 1 M lookup name flows key 0a00
expect_grep "... is explained" err "key: the map takes 4 bytes, got 2"
expect_rc "bad hex" 1 M lookup name flows key zz
expect_grep "... is explained" err "key: expected hex bytes"
expect_rc "an unknown map" 1 M lookup name nosuch key 00000000
expect_grep "... is named" err "no map named 'nosuch'"
expect_rc "an ambiguous name" 1 M dump name dup
expect_grep "... asks for an id" err "several maps are named 'dup'"
id=$("$XDPDK" map show -s "$SOCK" | sed -nE 's/^([0-9]+): array  name dup.*/\1/p' | head -1)
expect_rc "map by id" 0 M dump id "$id"
expect_rc "no dataplane" 1 "$XDPDK" map show -s "$TMP/none.sock"
expect_grep "no dataplane is explained" err "no dataplane answers at .*none.sock"

# --- trace: the lines programs printed, each served once ------------------------------
expect_rc "trace" 0 "$XDPDK" trace -s "$SOCK"
expect_grep "trace prints the lines in order" out "^[0-9]+\.[0-9]{6} worker [0-9]+ \[1\]: ctl_host line 1 of 3$"
expect_grep "trace prints the last line" out "\[3\]: ctl_host line 3 of 3$"
[ "$(wc -l <"$TMP/out")" -eq 3 ] && ok "trace prints three lines" || bad "trace prints three lines" "$(cat "$TMP/out")"
expect_rc "trace again" 0 "$XDPDK" trace -s "$SOCK"
[ ! -s "$TMP/out" ] && ok "a line is served once" || bad "a line is served once" "$(cat "$TMP/out")"
expect_rc "trace --stats" 0 "$XDPDK" trace --stats -s "$SOCK"
expect_grep "trace --stats counts the lines" out "^lines 3 logged 3 suppressed 0 overwritten 0$"
expect_rc "trace with an unknown option" 2 "$XDPDK" trace --bogus -s "$SOCK"

# --- hostile and broken peers: an error reply, and the server keeps serving ------
py=/usr/bin/python3
$py - "$SOCK" >"$TMP/out" 2>&1 <<'PY'
import socket, struct, sys
def call(raw, read=True):
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(raw)
    if not read:
        s.close(); return None
    data = b""
    while True:
        c = s.recv(65536)
        if not c: break
        data += c
    s.close()
    n, rc, lo = struct.unpack("<IiI", data[:12])
    err = data[12 + lo + 4:]
    return rc, err.decode()
def req(args, argc=None, extra=b""):
    body = struct.pack("<I", len(args) if argc is None else argc) + b"".join(a + b"\0" for a in args) + extra
    return struct.pack("<I", len(body)) + body
print("count0", call(req([], argc=0)))
print("unterminated", call(struct.pack("<II", 7, 1) + b"map"))
print("trailing", call(req([b"map"], extra=b"xyz")))
print("huge", call(struct.pack("<I", 1 << 30)))
call(struct.pack("<II", 100, 2) + b"map\0", read=False)  # leaves mid-request
print("verb", call(req([b"frobnicate"])))
PY
expect_grep "argc 0 is refused" out "count0 \(2, 'xdpdk: malformed control request: bad argument count"
expect_grep "an unterminated argument is refused" out "unterminated \(2, 'xdpdk: malformed control request: argument not NUL-terminated"
expect_grep "bytes after the arguments are refused" out "trailing \(2, 'xdpdk: malformed control request: bytes after the last argument"
expect_grep "a huge length is refused" out "huge \(2, 'xdpdk: malformed control request: bad request length"
expect_grep "an unknown verb is an error reply" out "verb \(2, \"xdpdk: the dataplane has no verb 'frobnicate'"
expect_rc "the server still serves after all that" 0 M show
stop_host
expect_grep "the server counted the malformed requests" host.out "malformed [1-9]"
expect_grep "the server counted the client that left" host.out "aborted [1-9]"

# --- another user: refused by the socket's mode, and by the peer check ------------
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	chmod 711 "$TMP"	# let the other user reach the socket's directory
	start_host 666
	setpriv --reuid=65534 --regid=65534 --clear-groups "$XDPDK" map show -s "$SOCK" \
		>"$TMP/out" 2>"$TMP/err"
	expect_grep "a peer of another user is refused" err "refuses other users"
	stop_host
	start_host
	setpriv --reuid=65534 --regid=65534 --clear-groups "$XDPDK" map show -s "$SOCK" \
		>"$TMP/out" 2>"$TMP/err"
	expect_grep "mode 0600 keeps other users out" err "Permission denied"
	stop_host
else
	echo "skip - other-user checks: need root and setpriv to act as another user"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
