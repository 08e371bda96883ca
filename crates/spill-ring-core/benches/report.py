#!/usr/bin/env python3
"""Turns the results of this crate's criterion benchmarks into the Markdown
tables of docs/PERFORMANCE.md.

    python3 crates/spill-ring-core/benches/report.py [CRITERION_DIR] [GROUP_PREFIX...]

CRITERION_DIR defaults to $CARGO_TARGET_DIR/criterion, else target/criterion.
For every group it prints each case's throughput twice: the median of
criterion's samples, and the best sample (the fastest time per iteration
over all samples, the figure least disturbed by other work on a shared
machine), with the ratio of `spill_ring` to each case.
"""

import json
import os
import sys


def load(root):
    """{group: {case: (elements per ns at the median, at the best sample)}}"""
    groups = {}
    for path, _dirs, files in os.walk(root):
        if not path.endswith(os.sep + "new") or "benchmark.json" not in files:
            continue
        with open(os.path.join(path, "benchmark.json")) as f:
            bench = json.load(f)
        with open(os.path.join(path, "estimates.json")) as f:
            estimates = json.load(f)
        with open(os.path.join(path, "sample.json")) as f:
            sample = json.load(f)
        elements = (bench.get("throughput") or {}).get("Elements")
        if not elements:
            continue
        case = bench["function_id"] or ""
        if bench.get("value_str"):
            case += "/" + bench["value_str"]
        median = estimates["median"]["point_estimate"]
        best = min(t / n for t, n in zip(sample["times"], sample["iters"]))
        groups.setdefault(bench["group_id"], {})[case] = (
            elements / median,
            elements / best,
        )
    return groups


def order(group):
    """Groups by name, numeric parts compared as numbers."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in group.split("/")]


def threads(case):
    """The thread count at the end of a scaling case id ("workers/2")."""
    tail = case.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None


def table(group, cases):
    base = cases.get("spill_ring")
    scaling = base is None and all(threads(c) for c in cases)
    lines = [f"**{group}**", ""]
    if scaling:
        lines += [
            "| case | median | best | best per thread |",
            "|---|---:|---:|---:|",
        ]
        for case, (median, best) in sorted(cases.items(), key=lambda kv: threads(kv[0])):
            lines.append(
                f"| {case} | {median * 1e3:,.0f} Melem/s | {best * 1e3:,.0f} Melem/s "
                f"| {best * 1e3 / threads(case):,.0f} Melem/s |"
            )
    else:
        lines += [
            "| case | median | best | spill_ring ÷ case (median) | (best) |",
            "|---|---:|---:|---:|---:|",
        ]
        for case, (median, best) in sorted(cases.items(), key=lambda kv: -kv[1][1]):
            ratios = (
                f"{base[0] / median:.2f}x | {base[1] / best:.2f}x" if base else "- | -"
            )
            lines.append(
                f"| {case} | {median * 1e3:,.0f} Melem/s | {best * 1e3:,.0f} Melem/s | {ratios} |"
            )
    return "\n".join(lines)


def main(argv):
    args = argv[1:]
    if args and os.path.isdir(args[0]):
        root = args.pop(0)
    else:
        root = os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "criterion")
    groups = load(root)
    if not groups:
        sys.exit(f"no criterion results under {root}")
    for group in sorted(groups, key=order):
        if args and not any(group.startswith(prefix) for prefix in args):
            continue
        print(table(group, groups[group]))
        print()


if __name__ == "__main__":
    main(sys.argv)
