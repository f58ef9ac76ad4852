"""Smoke test of the benchmark harness: ``--quick`` runs of trainkit and the NumPy ceiling.

Peers (TF, PyTorch) are never needed here. All benchmarks run in one harness invocation
(each subprocess start costs about a second of the suite's budget); the harness records
a failing benchmark's error and goes on, and each benchmark's records are checked by a
test of its own, so a failure names the benchmark.
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


@pytest.fixture(scope="module")
def quick_records(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """One ``--quick`` run of every benchmark."""
    names = ",".join(b.name for b in BENCHMARKS)
    return _run(["-m", "benchmarks", "--only", names], tmp_path_factory.mktemp("smoke"))


def test_quick_run_describes_the_machine(quick_records: list[dict]) -> None:
    assert quick_records[0]["type"] == "machine"
    assert quick_records[0]["quick"] is True and quick_records[0]["threads"] == 2
    assert [r["type"] for r in quick_records].count("machine") == 1


@pytest.mark.parametrize("name", [b.name for b in BENCHMARKS])
def test_quick_run_gives_positive_medians(name: str, quick_records: list[dict]) -> None:
    records = [r for r in quick_records if r.get("bench") == name]
    samples = [r for r in records if r["type"] == "sample"]
    assert samples, f"{name} recorded no samples"
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
