"""Smoke test of the benchmark harness: ``--quick`` runs of trainkit and the NumPy ceiling.

Peers (TF, PyTorch) are never needed here. Each benchmark runs as its own harness
invocation, so a failure names the benchmark.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.registry import BENCHMARKS, by_name

REPO = Path(__file__).resolve().parents[2]

def _run(args: list[str], tmp_path: Path) -> list[dict]:
    out = tmp_path / "results.jsonl"
    proc = subprocess.run([sys.executable, *args, "--quick", "--no-peers", "--reps", "1",
                           "--out", str(out)], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in out.read_text().splitlines()]


@pytest.mark.parametrize("name", [b.name for b in BENCHMARKS])
def test_quick_run_gives_positive_medians(name: str, tmp_path: Path) -> None:
    records = _run(["-m", "benchmarks", "--only", name], tmp_path)
    assert records[0]["type"] == "machine"
    assert records[0]["quick"] is True and records[0]["threads"] == 2
    samples = [r for r in records if r["type"] == "sample"]
    assert {s["impl"] for s in samples} <= {"trainkit", "numpy"}
    summary = [r for r in records if r["type"] == "summary"]
    errors = [r["error"] for r in summary if r["case"] is None]
    assert not errors, errors
    bench = by_name(name)
    tk_cases = {r["case"] for r in summary if r["impl"] == "trainkit"}
    assert tk_cases == {c.key for c in bench.cases}
    for rec in summary:
        assert rec["bench"] == name
        assert rec["unit"] == bench.case(rec["case"]).unit
        assert 0 < rec["min"] <= rec["median"] <= rec["max"], rec
        assert rec["n"] == 1


def test_script_entry_point_runs(tmp_path: Path) -> None:
    records = _run(["benchmarks/run.py", "--only", "import", "--impls", "numpy"], tmp_path)
    summary = [r for r in records if r["type"] == "summary"]
    assert {r["case"] for r in summary} == {"import_s", "rss_mb"}
    assert all(r["impl"] == "numpy" and r["median"] > 0 for r in summary)


def test_unknown_benchmark_is_a_usage_error() -> None:
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--only", "nope"], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "unknown benchmark 'nope'" in proc.stderr
