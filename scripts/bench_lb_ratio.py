#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The lb's program time on xdpdk's JIT against the kernel's, per path, as ratios.

This VM's speed drifts by up to 40 % over tens of seconds (neighbours), so a
ratio of two figures taken minutes apart means little. Each round runs one
path's JIT case and its kernel live-frames case back to back (about a second
apart, in alternating order), takes their ratio, and the medians of many
rounds are reported.

usage: scripts/bench_lb_ratio.py [BENCH] [--rounds N] [--cpu C] [--json FILE]
BENCH defaults to build/tests/bench/xdpdk_bench_lb.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

PATHS = ["established", "syn4", "syn6", "gue", "non_vip"]


def run(bench, cpu, path, order):
    """One invocation: {variant: ns} for the path's jit and kernel_live cases."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    res = {}
    try:
        for variant in order:
            # the kernel's fresh-page runs take ~30x their measured time in setup
            min_time = "0.3" if variant == "jit" else "0.005"
            cmd = ["taskset", "-c", str(cpu), bench,
                   f"--benchmark_filter=^lb/{path}/{variant}/",
                   f"--benchmark_min_time={min_time}", f"--benchmark_out={out}",
                   "--benchmark_out_format=json"]
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           check=False)
            with open(out) as fh:
                data = json.load(fh)
            for b in data.get("benchmarks", []):
                if b.get("error_occurred"):
                    res[variant] = None
                    res[variant + "_why"] = b.get("error_message", "")
                else:
                    res[variant] = b["real_time"]
    finally:
        os.unlink(out)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bench", nargs="?", default="build/tests/bench/xdpdk_bench_lb")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--cpu", type=int, default=1)
    ap.add_argument("--json", help="write the per-round figures here")
    a = ap.parse_args()

    rows, raw = [], {}
    for path in PATHS:
        ratios, jit, ker, why = [], [], [], ""
        for r in range(a.rounds):
            order = ["jit", "kernel_live"] if r % 2 == 0 else ["kernel_live", "jit"]
            res = run(a.bench, a.cpu, path, order)
            if res.get("jit") is None or res.get("kernel_live") is None:
                why = res.get("kernel_live_why") or res.get("jit_why") or "no figure"
                continue
            jit.append(res["jit"])
            ker.append(res["kernel_live"])
            ratios.append(res["jit"] / res["kernel_live"])
        raw[path] = {"jit_ns": jit, "kernel_live_ns": ker, "ratios": ratios, "why": why}
        if ratios:
            rows.append((path, statistics.median(jit), statistics.median(ker),
                         statistics.median(ratios), min(ratios), max(ratios), len(ratios)))
        else:
            rows.append((path, None, None, None, None, None, 0))
            print(f"{path}: no kernel figure: {why}", file=sys.stderr)
    print("| path | xdpdk JIT (ns, median) | kernel live frames (ns, median) "
          "| ratio (median of rounds) | min-max | rounds |")
    print("|---|---:|---:|---:|---|---:|")
    for p, j, k, r, lo, hi, n in rows:
        if r is None:
            print(f"| {p} | - | - | - | - | 0 |")
        else:
            print(f"| {p} | {j:.1f} | {k:.1f} | {r:.3f} | {lo:.3f}-{hi:.3f} | {n} |")
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(raw, fh, indent=1)


if __name__ == "__main__":
    main()
