#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Summarise xdpdk_bench's Google Benchmark JSON: a markdown table of ns per
run with ratios to native C and to the kernel, and a PNG bar chart.

Benchmarks are named <program>/<variant>[/manual_time]. With
--benchmark_repetitions the medians are used (stddev as error bars), else the
single run. The kernel row's time is the kernel's own `duration` (whole ns,
rounded down by the kernel); its wall_ns counter is the same runs timed to a
fraction of a ns, so ratios are given against both.

usage: bench_plot.py engine.json [--png engine.png] [--md engine.md]
"""
import argparse
import json
import sys

VARIANTS = ["native", "interp", "jit", "jit_burst32", "kernel"]
GOAL = 0.8  # JIT ns/run <= 0.8 x the kernel's


def load(path):
    with open(path) as f:
        doc = json.load(f)
    results = {}  # (prog, variant) -> dict
    for b in doc.get("benchmarks", []):
        parts = b.get("run_name", b["name"]).split("/")
        if len(parts) < 2:
            continue
        if parts[1] not in VARIANTS:
            continue  # another suite's benchmark (maps/...)
        key = (parts[0], parts[1])
        r = results.setdefault(key, {})
        if b.get("error_occurred"):
            r["error"] = b.get("error_message", "skipped")
            continue
        kind = b.get("aggregate_name") if b.get("run_type") == "aggregate" else "iteration"
        if kind not in ("iteration", "median", "stddev"):
            continue
        scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
        vals = {
            "ns": b["real_time"] * scale,
            "cycles": b.get("cycles"),
            "wall_ns": b.get("wall_ns"),
            "label": b.get("label", ""),
        }
        if kind == "iteration":
            r.setdefault("runs", []).append(vals)
        else:
            r[kind] = vals
    for r in results.values():
        if "median" not in r and r.get("runs"):
            runs = r["runs"]
            r["median"] = {k: (sum(x[k] for x in runs) / len(runs)
                               if isinstance(runs[0][k], (int, float)) else runs[0][k])
                           for k in runs[0]}
        if "median" in r and "label" not in r["median"] and r.get("runs"):
            r["median"]["label"] = r["runs"][0]["label"]
    return doc.get("context", {}), results


def fmt(x, nd=2):
    return "–" if x is None else f"{x:.{nd}f}"


def ratio(a, b):
    return None if a is None or not b else a / b


def table(ctx, results):
    progs = sorted({p for p, _ in results})
    out = []
    out.append(f"Host: {ctx.get('num_cpus', '?')} CPUs at {ctx.get('mhz_per_cpu', '?')} MHz, "
               f"{ctx.get('kernel', '?')}, TSC {ctx.get('tsc_ghz', '?')} GHz, "
               f"run {ctx.get('date', '?')}.")
    out.append("")
    out.append("| program | variant | ns/run | cycles/run | × native | × kernel | "
               "× kernel (wall) | notes |")
    out.append("|---|---|---:|---:|---:|---:|---:|---|")
    summary = []
    for p in progs:
        get = lambda v: results.get((p, v), {}).get("median")
        nat = get("native")
        ker = get("kernel")
        ker_ns = ker["ns"] if ker else None
        ker_wall = ker["wall_ns"] if ker else None
        for v in VARIANTS:
            r = results.get((p, v))
            if r is None:
                continue
            if "error" in r and "median" not in r:
                out.append(f"| {p} | {v} | – | – | – | – | – | skipped: {r['error']} |")
                continue
            m = r["median"]
            note = m.get("label", "")
            if v == "kernel":
                note += f"; wall {fmt(m['wall_ns'])} ns/run"
            out.append(f"| {p} | {v} | {fmt(m['ns'])} | {fmt(m['cycles'], 1)} | "
                       f"{fmt(ratio(m['ns'], nat and nat['ns']))} | "
                       f"{fmt(ratio(m['ns'], ker_ns))} | {fmt(ratio(m['ns'], ker_wall))} | "
                       f"{note} |")
        jit = get("jit")
        if jit and ker:
            r1 = jit["ns"] / ker_ns
            r2 = jit["ns"] / ker_wall if ker_wall else None
            met = "met" if r1 <= GOAL else "not met"
            summary.append(f"- {p}: JIT / kernel = {fmt(r1)} (kernel duration), "
                           f"{fmt(r2)} (kernel wall clock); JIT / native = "
                           f"{fmt(ratio(jit['ns'], nat and nat['ns']))}. "
                           f"Goal ≤ {GOAL}: {met}.")
        elif ker:
            summary.append(f"- {p}: no JIT result, goal not assessed.")
    return "\n".join(out + [""] + summary) + "\n"


def plot(results, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("bench_plot: matplotlib not installed, no chart "
              "(apt-get install python3-matplotlib)", file=sys.stderr)
        return False
    progs = sorted({p for p, _ in results})
    bars = [(v, v) for v in VARIANTS] + [("kernel_wall", "kernel (wall clock)")]
    colors = {"native": "#4c72b0", "interp": "#dd8452", "jit": "#55a868",
              "jit_burst32": "#8fd19e", "kernel": "#c44e52", "kernel_wall": "#e8a0a2"}
    width = 0.8 / len(bars)
    fig, ax = plt.subplots(figsize=(9, 4.8))
    for i, (v, name) in enumerate(bars):
        xs, ys, errs = [], [], []
        for j, p in enumerate(progs):
            src = "kernel" if v == "kernel_wall" else v
            r = results.get((p, src), {})
            m = r.get("median")
            if not m:
                continue
            y = m["wall_ns"] if v == "kernel_wall" else m["ns"]
            if y is None:
                continue
            sd = r.get("stddev")
            xs.append(j + (i - (len(bars) - 1) / 2) * width)
            ys.append(y)
            errs.append((sd["wall_ns"] if v == "kernel_wall" else sd["ns"]) if sd else 0)
        if not xs:
            continue
        b = ax.bar(xs, ys, width, yerr=errs, label=name, color=colors[v], capsize=2)
        ax.bar_label(b, labels=[f"{y:.1f}" for y in ys], fontsize=7, padding=2)
    ax.set_xticks(range(len(progs)))
    ax.set_xticklabels(progs)
    ax.set_ylabel("ns per run (lower is better)")
    ax.set_yscale("log")
    ax.set_title("xdpdk engines vs the Linux kernel (BPF_PROG_TEST_RUN) and native C")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("json", help="xdpdk_bench --benchmark_format=json output")
    ap.add_argument("--png", help="bar chart to write (default: next to the JSON)")
    ap.add_argument("--md", help="also write the table to this file")
    args = ap.parse_args()

    ctx, results = load(args.json)
    md = table(ctx, results)
    sys.stdout.write(md)
    if args.md:
        with open(args.md, "w") as f:
            f.write(md)
    png = args.png or (args.json.rsplit(".", 1)[0] + ".png")
    if plot(results, png):
        print(f"\nchart: {png}", file=sys.stderr)


if __name__ == "__main__":
    main()
