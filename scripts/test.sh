#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The test command (README, .ci/run): sets up a fresh machine if needed, builds,
# runs the unit, integration, differential and golden suites, then unit, integration and
# golden again under ASan+UBSan. Ends with one line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0 failed=0 skipped=0
run_suites() { # build-dir, suites...
	local build=$1; shift
	local args=() s
	for s in "$@"; do args+=(--suite "$s"); done
	meson test -C "$build" "${args[@]}" --print-errorlogs --num-processes 2 2>&1 |
		tee "$build/meson-logs/ci-run.txt"
	local ok fail skip timeout
	ok=$(sed -nE 's/^Ok: +([0-9]+).*/\1/p' "$build/meson-logs/ci-run.txt" | tail -1)
	fail=$(sed -nE 's/^Fail: +([0-9]+).*/\1/p' "$build/meson-logs/ci-run.txt" | tail -1)
	skip=$(sed -nE 's/^Skipped: +([0-9]+).*/\1/p' "$build/meson-logs/ci-run.txt" | tail -1)
	timeout=$(sed -nE 's/^Timeout: +([0-9]+).*/\1/p' "$build/meson-logs/ci-run.txt" | tail -1)
	passed=$((passed + ${ok:-0}))
	failed=$((failed + ${fail:-0} + ${timeout:-0}))
	skipped=$((skipped + ${skip:-0}))
	if [ -z "$ok" ]; then failed=$((failed + 1)); fi
}

echo "== build (debugoptimized)"
if ! BUILD=build bash scripts/build.sh; then
	echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi
echo "== unit + integration + differential (the kernel as oracle; skips without CAP_BPF) + golden"
run_suites build unit integration differential golden

echo "== unit + integration + differential + golden under ASan+UBSan"
if BUILD=build-asan bash scripts/build.sh -Db_sanitize=address,undefined -Db_lundef=false \
	-Dbenchmarks=false; then
	ASAN_OPTIONS=detect_leaks=1 run_suites build-asan unit integration differential golden
else
	echo "sanitizer build failed"; failed=$((failed + 1))
fi

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
