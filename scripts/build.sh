#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs what is missing, configures and builds xdpdk into $BUILD (default: build).
# Extra arguments go to `meson setup` when the build directory is created.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
bash scripts/install-deps.sh
if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" "$@" >/dev/null
fi
ninja -C "$BUILD" >/dev/null
