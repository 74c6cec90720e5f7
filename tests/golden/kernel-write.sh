#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Regenerates every golden expectation from the kernel (root): run from the
# source root with a built tree after changing a program, its pcap or seeds.
#   tests/golden/kernel-write.sh [BUILD_DIR]
set -e
b=${1:-build}
g=$b/tests/golden/golden
p=$b/bpf/progs
while read -r name obj prog; do
	$g --kernel-write "$p/$obj.bpf.o" "$prog" "tests/golden/$name.maps" "pcaps/$obj-in.pcap" \
		"pcaps/golden/$name-out.pcap" "tests/golden/$name.expect"
done <<'CASES'
lb lb xdp_lb
firewall firewall xdp_firewall
tc_ingress tc tc_ingress_count
tc_egress tc tc_egress_dscp
spread spread xdp_spread
xsk xsk xdp_xsk_steer
ddos ddos xdp_ddos
CASES
# The router needs the kernel's routes: a namespace of its own.
tests/golden/router-netns.sh "$g" "$p/router.bpf.o"
