#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs every Debian package that xdpdk's build, tests and demo need.
# Idempotent: quiet and fast when everything is already present.
set -euo pipefail

PKGS=(
	build-essential g++ pkg-config meson ninja-build
	clang-19 llvm-19 lld-19
	libdpdk-dev dpdk
	libelf-dev zlib1g-dev libbpf-dev linux-libc-dev
	libpcap-dev libcmocka-dev libbenchmark-dev
	libcapstone-dev libcyaml-dev
	python3 python3-scapy python3-matplotlib
	bpftool iproute2 tcpreplay
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
