# SPDX-License-Identifier: BSD-3-Clause
# Sourced by the scripts that drive one `xdpdk run -c` daemon whose control socket is
# $TMP/ctl.sock and whose process is $pid: x VERB... is a client of it; at exit the
# daemon is killed and $TMP removed; HUGE is the configuration's eal.hugepages (every
# test also passes without hugepages: XDPDK_TEST_NO_HUGE).
x() { "$XDPDK" "$@" -s "$TMP/ctl.sock"; }
cleanup() { [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
HUGE=auto
[ -n "${XDPDK_TEST_NO_HUGE:-}" ] && HUGE=no
