#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The demo: sets up a fresh machine if needed, builds, runs `xdpdk demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
exec ./build/cli/xdpdk demo "$@"
