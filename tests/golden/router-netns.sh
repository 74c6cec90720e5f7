#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Writes the router golden expectation from the kernel: a private network
# namespace with the routes and neighbours of config/examples/router.yaml
# (lan: ifindex 10, 10.1.0.1/16, 2001:db8:1::1/48; wan: ifindex 20,
# 203.0.113.2/24, 2001:db8:ffff::2/64; defaults via 203.0.113.1 and
# 2001:db8:ffff::1; 192.0.2.0/24 blackholed), then golden --kernel-write.
#   tests/golden/router-netns.sh build/tests/golden/golden build/bpf/progs/router.bpf.o
set -e
golden=$(realpath "$1")
obj=$(realpath "$2")
cd "$(dirname "$0")/../.."
exec unshare -n sh -e -c '
ip link set lo up
ip link add lan index 10 address 02:00:00:00:01:01 type veth peer name lan-p index 11
ip link add wan index 20 address 02:00:00:00:02:01 type veth peer name wan-p index 21
for d in lan lan-p wan wan-p; do ip link set $d up; done
sysctl -qw net.ipv4.conf.all.forwarding=1 net.ipv6.conf.all.forwarding=1
ip addr add 10.1.0.1/16 dev lan
ip addr add 203.0.113.2/24 dev wan
ip -6 addr add 2001:db8:1::1/48 dev lan nodad
ip -6 addr add 2001:db8:ffff::2/64 dev wan nodad
ip route add default via 203.0.113.1 dev wan
ip route add blackhole 192.0.2.0/24
ip -6 route add default via 2001:db8:ffff::1 dev wan
ip neigh add 203.0.113.1 lladdr 02:00:00:00:00:fe dev wan nud permanent
ip neigh add 10.1.0.10 lladdr 02:00:00:00:01:0a dev lan nud permanent
ip -6 neigh add 2001:db8:ffff::1 lladdr 02:00:00:00:00:fe dev wan nud permanent
"$0" --kernel-write "$1" xdp_router tests/golden/router.maps pcaps/router-in.pcap \
	pcaps/golden/router-out.pcap tests/golden/router.expect
' "$golden" "$obj"
