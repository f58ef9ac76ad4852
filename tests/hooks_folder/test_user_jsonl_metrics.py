"""hooks/jsonl_metrics.py: parsable lines, increasing steps, the quadratic's known losses,
appending on resume, and errors."""

from __future__ import annotations

import json

import pytest
from hooks_folder_helpers import load_hook_module, quadratic, run

import trainkit as tk
from trainkit.cli.main import main

JsonlMetricsHook = load_hook_module("jsonl_metrics").JsonlMetricsHook


def _rows(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_lines_hold_the_known_losses_with_increasing_steps(tmp_path):
    loss, train = quadratic(lr=0.25)  # loss before step k = 9 * 0.25**k
    hook = JsonlMetricsHook(str(tmp_path), every_n_steps=2, tensors={"loss": loss})
    run([hook], train, 6)
    rows = _rows(tmp_path / "metrics.jsonl")
    assert [r["step"] for r in rows] == [2, 4, 6]  # runs 2, 4, 6; step after the run
    assert [r["loss"] for r in rows] == pytest.approx([9 * 0.25 ** 1, 9 * 0.25 ** 3,
                                                       9 * 0.25 ** 5], rel=1e-5)
    assert all(set(r) == {"step", "time", "loss"} for r in rows)
    assert rows[0]["time"] <= rows[1]["time"] <= rows[2]["time"]


def test_a_second_session_appends(tmp_path):
    loss, train = quadratic()
    hook = JsonlMetricsHook(str(tmp_path), every_n_steps=1, tensors={"l": "loss:0"},
                            filename="m.jsonl")
    run([hook], train, 2)
    run([hook], train, 2)  # a fresh session (no checkpoint: variables start over)
    rows = _rows(tmp_path / "m.jsonl")
    assert [r["step"] for r in rows] == [1, 2, 1, 2]  # appended, not overwritten
    assert rows[0]["l"] == pytest.approx(rows[2]["l"])


def test_errors(tmp_path):
    with pytest.raises(ValueError, match="every_n_steps must be > 0, got 0"):
        JsonlMetricsHook(str(tmp_path), every_n_steps=0)
    tk.train.get_or_create_global_step()
    hook = JsonlMetricsHook(str(tmp_path), tensors={"x": "missing:0"})
    with pytest.raises(ValueError, match="JsonlMetricsHook: no tensor 'missing:0' for 'x'"):
        hook.begin()


def test_through_the_cli_defaults_and_resume(tmp_path, monkeypatch):
    from cli_helpers import write_config

    monkeypatch.chdir(tmp_path)
    cfg = write_config(tmp_path / "c.toml", name="js", extra=(
        '[[hooks]]\ntype = "jsonl_metrics:JsonlMetricsHook"\nargs = { every_n_steps = 4 }\n'))
    assert main(["train", str(cfg), "--logdir", "runs", "--max-steps", "12"]) == 0
    assert main(["train", str(cfg), "--logdir", "runs", "--max-steps", "20"]) == 0
    rows = _rows(tmp_path / "runs" / "js" / "metrics.jsonl")
    assert [r["step"] for r in rows] == [4, 8, 12, 16, 20]
    assert all(set(r) == {"step", "time", "loss", "accuracy", "learning_rate"} for r in rows)
    assert all(r["learning_rate"] == pytest.approx(0.1) for r in rows)
    assert all(0 <= r["accuracy"] <= 1 and r["loss"] > 0 for r in rows)
