#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Table and chart of `xdpdk bench pipeline --json` lines (scripts/bench_pipeline.sh):
cycles per packet of xdpdk and of the bare DPDK loop per scenario, with and
without hugepages, and the issue's goals.

usage: bench_pipeline_plot.py pipeline.json [--png pipeline.png] [--md pipeline.md]
"""
import argparse
import json

SCENARIOS = ["drop", "tx", "pass", "devmap", "cpumap"]


def goal(rows, r):
    """The issue's goal for a row, and whether it is met."""
    sc = r["scenario"]
    if sc == "drop":
        return "<= 1.10x bare", r["ratio"] <= 1.10
    if sc == "tx":
        return "<= 1.05x bare", r["ratio"] <= 1.05
    tx = [t for t in rows if t["scenario"] == "tx" and t["hugepages"] == r["hugepages"]
          and t["workers"] == r["workers"]]
    if sc in ("devmap", "cpumap") and tx:
        extra = 5 if sc == "devmap" else 15
        lim = tx[0]["xdpdk_cycles_per_pkt"] + extra
        return "<= tx + %d (%.1f)" % (extra, lim), r["xdpdk_cycles_per_pkt"] <= lim
    return "-", None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("json")
    ap.add_argument("--png")
    ap.add_argument("--md")
    a = ap.parse_args()
    with open(a.json) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    lines = ["| scenario | hugepages | workers | xdpdk cycles/pkt | bare cycles/pkt | ratio "
             "| xdpdk Mpps | program cycles/pkt | goal | met |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        g, ok = goal(rows, r)
        lines.append("| %s | %s | %d | %.2f | %.2f | %.3f | %.2f | %.2f | %s | %s |" % (
            r["scenario"], "yes" if r["hugepages"] else "no", r["workers"],
            r["xdpdk_cycles_per_pkt"], r["baseline_cycles_per_pkt"], r["ratio"], r["mpps"],
            r["prog_cycles_per_pkt"], g, "-" if ok is None else ("yes" if ok else "no")))
    text = "\n".join(lines) + "\n"
    if a.md:
        with open(a.md, "w") as f:
            f.write(text)
    print(text, end="")
    if a.png:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
        for ax, huge in zip(axes, (True, False)):
            sel = {r["scenario"]: r for r in rows if r["hugepages"] == huge}
            xs = [s for s in SCENARIOS if s in sel]
            pos = range(len(xs))
            ax.bar([p - 0.2 for p in pos], [sel[s]["baseline_cycles_per_pkt"] for s in xs],
                   0.4, label="bare DPDK loop")
            ax.bar([p + 0.2 for p in pos], [sel[s]["xdpdk_cycles_per_pkt"] for s in xs],
                   0.4, label="xdpdk")
            ax.set_xticks(list(pos))
            ax.set_xticklabels(xs)
            ax.set_title("hugepages" if huge else "no hugepages")
            ax.set_ylabel("TSC cycles / packet (net_null, 1 worker, burst 32)")
            ax.legend()
        fig.tight_layout()
        fig.savefig(a.png, dpi=100)


if __name__ == "__main__":
    main()
