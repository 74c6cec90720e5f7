#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Every bundled program must load in Linux too (the kernel's verifier is the
# judge of "an honest XDP/TC program"): bpftool prog loadall for each object.
# Skips (77) without bpftool, bpffs or the privilege to load programs.
#   kernel_load.sh OBJ...
command -v bpftool >/dev/null || { echo "SKIP: no bpftool"; exit 77; }
[ -d /sys/fs/bpf ] && [ -w /sys/fs/bpf ] || { echo "SKIP: no writable bpffs at /sys/fs/bpf"; exit 77; }
pin=/sys/fs/bpf/xdpdk-kernel-load-$$
failed=0
for obj in "$@"; do
	if out=$(bpftool prog loadall "$obj" "$pin" 2>&1); then
		echo "ok   $(basename "$obj"): $(ls "$pin" | tr '\n' ' ')"
	elif echo "$out" | grep -q 'Operation not permitted'; then
		echo "SKIP: not allowed to load BPF programs"
		rm -rf "$pin"
		exit 77
	else
		echo "FAIL $(basename "$obj"):"
		echo "$out" | tail -20
		failed=1
	fi
	rm -rf "$pin"
done
exit $failed
