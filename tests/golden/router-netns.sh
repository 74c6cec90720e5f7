#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Writes the router golden expectation from the kernel: a private network
# namespace with the routing table of tests/golden/router.maps (its fib-*
# lines: veth interfaces at fixed ifindexes, addresses, routes, permanent
# neighbours), forwarding on, then golden --kernel-write in it.
#   tests/golden/router-netns.sh build/tests/golden/golden build/bpf/progs/router.bpf.o
set -e
golden=$(realpath "$1")
obj=$(realpath "$2")
cd "$(dirname "$0")/../.."
exec unshare -n sh -e -c '
mac() { echo "$1" | sed "s/../&:/g; s/:\$//"; }
ip link set lo up
sysctl -qw net.ipv4.conf.all.forwarding=1 net.ipv6.conf.all.forwarding=1
while read -r what a b c d e; do
	case "$what" in
	fib-if)
		ip link add "$b" index "$a" address "$(mac "$c")" type veth peer name "$b-p"
		ip link set "$b-p" up
		ip link set "$b" up
		eval "dev_$a=$b";;
	fib-addr)
		eval "dev=\$dev_$a"
		ip addr add "$b" dev "$dev" $(case "$b" in *:*) echo nodad;; esac);;
	fib-route)
		if [ "$a" = blackhole ] || [ "$b" = blackhole ]; then
			ip route add blackhole "$a"
		else
			eval "dev=\$dev_$e"
			ip route add "$a" via "$c" dev "$dev"
		fi;;
	fib-neigh)
		eval "dev=\$dev_$a"
		ip neigh add "$b" lladdr "$(mac "$c")" dev "$dev" nud permanent;;
	esac
done < tests/golden/router.maps
"$0" --kernel-write "$1" xdp_router tests/golden/router.maps pcaps/router-in.pcap \
	pcaps/golden/router-out.pcap tests/golden/router.expect
' "$golden" "$obj"
