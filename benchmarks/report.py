"""Summaries (median, min, max, ratios, targets) and the Markdown tables printed."""

from __future__ import annotations

import statistics
from typing import Any

from benchmarks.registry import IMPLS, PEERS, Benchmark, Case, Target


def advantage(case: Case, tk: float, peer: float) -> float | None:
    """How many times better trainkit is than ``peer`` on ``case`` (> 1: trainkit wins)."""
    if tk <= 0 or peer <= 0:
        return None
    return tk / peer if case.higher_better else peer / tk


def summarize(bench: Benchmark, samples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One summary record per (case, implementation) that produced numbers.

    Args:
        bench: The benchmark.
        samples: The child results ``{"impl", "values", "error", ...}`` of this
            benchmark, all repetitions.

    Returns:
        Records with ``median``, ``min``, ``max``, ``n`` and, for trainkit,
        ``ratios`` (see :func:`advantage`) and ``targets``; or ``error`` when an
        implementation produced nothing.
    """
    out: list[dict[str, Any]] = []
    medians: dict[tuple[str, str], float] = {}
    for impl in IMPLS:
        runs = [s for s in samples if s["impl"] == impl]
        if not runs:
            continue
        good = [s["values"] for s in runs if "values" in s]
        if not good:
            out.append({"type": "summary", "bench": bench.name, "impl": impl,
                        "case": None, "error": runs[0].get("error", "no result")})
            continue
        for case in bench.cases:
            vals = [float(v[case.key]) for v in good if case.key in v]
            if not vals:
                continue
            med = statistics.median(vals)
            medians[(case.key, impl)] = med
            out.append({"type": "summary", "bench": bench.name, "impl": impl,
                        "case": case.key, "unit": case.unit, "median": med,
                        "min": min(vals), "max": max(vals), "n": len(vals),
                        "higher_better": case.higher_better})
    for rec in out:
        if rec["impl"] != "trainkit" or rec["case"] is None:
            continue
        case = bench.case(rec["case"])
        rec["ratios"] = {}
        for peer in PEERS:
            if (case.key, peer) in medians:
                rec["ratios"][peer] = advantage(case, rec["median"], medians[(case.key, peer)])
        rec["targets"] = [target_status(t, case, rec["median"], rec["ratios"])
                          for t in bench.targets if t.case == case.key]
    return out


def target_status(target: Target, case: Case, value: float,
                  ratios: dict[str, float | None]) -> dict[str, Any]:
    """``{"text", "met"}`` for one target; ``met`` is None when the peer is missing."""
    if target.peer is None:
        ok = value >= target.threshold if case.higher_better else value <= target.threshold
        return {"text": target.text, "met": ok}
    ratio = ratios.get(target.peer)
    return {"text": target.text, "met": None if ratio is None else ratio >= target.threshold}


def fmt(x: float) -> str:
    """Three significant digits, without exponent for everyday magnitudes."""
    if x == 0:
        return "0"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 0.01:
        return f"{x:.3g}"
    return f"{x:.2e}"


def table(bench: Benchmark, summary: list[dict[str, Any]], impls: list[str]) -> str:
    """A Markdown table (plus notes) for one benchmark's summary records."""
    cells = {(r["case"], r["impl"]): r for r in summary if r["case"] is not None}
    errors = {r["impl"]: r["error"] for r in summary if r["case"] is None}
    shown = [i for i in impls if i in bench.impls]
    peers = [p for p in shown if p != "trainkit" and p in PEERS]
    head = ["case", "unit", *shown, *(f"tk vs {p}" for p in peers), "target"]
    lines = [f"### {bench.name}: {bench.title}", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for case in bench.cases:
        row = [case.label, case.unit + (" (higher=better)" if case.higher_better else "")]
        for impl in shown:
            rec = cells.get((case.key, impl))
            if rec is not None:
                row.append(f"{fmt(rec['median'])} [{fmt(rec['min'])}-{fmt(rec['max'])}]")
            else:
                row.append("unavailable" if impl in errors else "-")
        tk = cells.get((case.key, "trainkit"), {})
        for peer in peers:
            ratio = tk.get("ratios", {}).get(peer)
            row.append("-" if ratio is None else f"{ratio:.2f}x")
        marks = []
        for t in tk.get("targets", []):
            mark = {True: "MET", False: "MISSED", None: "n/a"}[t["met"]]
            marks.append(f"{t['text']}: {mark}")
        row.append("; ".join(marks))
        lines.append("| " + " | ".join(row) + " |")
    for impl, err in errors.items():
        lines.append(f"\n- {impl} unavailable: {err}")
    return "\n".join(lines) + "\n"


LEGEND = ("Cells: median [min-max] over repetitions (one fresh process each). "
          "\"tk vs X\": how many times better trainkit is than X on that row "
          "(X time / trainkit time, or trainkit rate / X rate); > 1 means trainkit wins.")
