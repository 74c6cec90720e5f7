#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Runs `xdpdk bench pipeline` for every scenario, with hugepages and without,
# and writes one JSON object per line to docs/bench/pipeline.json, then the
# table and chart (scripts/bench_pipeline_plot.py).
# usage: scripts/bench_pipeline.sh [build/cli/xdpdk] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
X=${1:-build/cli/xdpdk}
S=${2:-4}
OUT=docs/bench/pipeline.json
: > "$OUT"
for huge in "" --no-huge; do
	for sc in drop tx pass devmap cpumap lb; do
		# shellcheck disable=SC2086
		"$X" bench pipeline --scenario "$sc" --seconds "$S" --json $huge 2>/dev/null >> "$OUT"
	done
done
/usr/bin/python3 scripts/bench_pipeline_plot.py "$OUT" --png docs/bench/pipeline.png \
	--md docs/bench/pipeline.md
