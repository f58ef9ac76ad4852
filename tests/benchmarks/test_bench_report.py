"""Summaries, ratios and targets of the benchmark report, on hand-made samples."""

from __future__ import annotations

import pytest

from benchmarks import report
from benchmarks.registry import Benchmark, Case, Target

BENCH = Benchmark(
    "demo", "demo",
    (Case("t_us", "time", "us"), Case("rate", "rate", "steps/s", higher_better=True)),
    {"trainkit": "m:f", "tf1": "m:g", "numpy": "m:h"},
    (Target("t_us", 8.0, "<= 1/8 of TF", "tf1"), Target("t_us", 5.0, "<= 5 us"),
     Target("rate", 0.95, ">= 95% of NumPy", "numpy")))


def _sample(impl: str, t_us: float, rate: float) -> dict:
    return {"impl": impl, "values": {"t_us": t_us, "rate": rate}}


def test_summary_medians_ratios_and_targets() -> None:
    samples = [_sample("trainkit", 4.0, 90.0), _sample("tf1", 40.0, 10.0),
               _sample("numpy", 1.0, 100.0), _sample("trainkit", 6.0, 96.0),
               _sample("tf1", 48.0, 12.0), _sample("trainkit", 5.0, 99.0),
               {"impl": "numpy", "error": "boom"}]
    summary = report.summarize(BENCH, samples)
    tk = {r["case"]: r for r in summary if r["impl"] == "trainkit"}
    assert tk["t_us"]["median"] == 5.0
    assert (tk["t_us"]["min"], tk["t_us"]["max"], tk["t_us"]["n"]) == (4.0, 6.0, 3)
    assert tk["t_us"]["ratios"] == {"tf1": pytest.approx(44.0 / 5.0), "numpy": 0.2}
    assert [t["met"] for t in tk["t_us"]["targets"]] == [True, True]
    assert tk["rate"]["median"] == 96.0
    assert tk["rate"]["ratios"]["numpy"] == pytest.approx(0.96)
    assert tk["rate"]["targets"] == [{"text": ">= 95% of NumPy", "met": True}]
    numpy_rate = [r for r in summary if r["impl"] == "numpy" and r["case"] == "rate"]
    assert numpy_rate[0]["n"] == 1


def test_missing_peer_leaves_target_open_and_error_is_reported() -> None:
    samples = [_sample("trainkit", 10.0, 50.0), {"impl": "tf1", "error": "ImportError: x"}]
    summary = report.summarize(BENCH, samples)
    tk = {r["case"]: r for r in summary if r["impl"] == "trainkit"}
    assert tk["t_us"]["targets"] == [{"text": "<= 1/8 of TF", "met": None},
                                    {"text": "<= 5 us", "met": False}]
    assert {"type": "summary", "bench": "demo", "impl": "tf1", "case": None,
            "error": "ImportError: x"} in summary
    text = report.table(BENCH, summary, ["trainkit", "tf1", "numpy"])
    assert "- tf1 unavailable: ImportError: x" in text
    assert "| time | us | 10 [10-10] | unavailable | - | - | - |" in text


def test_advantage_direction() -> None:
    time_case, rate_case = BENCH.cases
    assert report.advantage(time_case, 2.0, 10.0) == 5.0
    assert report.advantage(rate_case, 2.0, 10.0) == 0.2
    assert report.advantage(time_case, 0.0, 10.0) is None
