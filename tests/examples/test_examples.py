"""Runs every ``examples/*.py`` script in a subprocess with a tiny budget.

Each known example has a check of what a correct run prints or writes (numbers a
correct run reaches with the tiny budget, files that must exist and parse); an example
added later without a check here is still run and must exit 0 and carry a docstring.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import trainkit as tk

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "examples").glob("*.py"))


def run(script: Path, args: list[str], cwd: Path) -> str:
    """Runs ``script args`` in ``cwd``; fails the test with its output unless it exits 0."""
    env = dict(os.environ, PYTHONPATH=str(REPO), OPENBLAS_NUM_THREADS="1",
               OMP_NUM_THREADS="1", PYTHONHASHSEED="0")
    proc = subprocess.run([sys.executable, str(script), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, (f"{script.name} {args} exited {proc.returncode}\n"
                                  f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc.stdout


def number(pattern: str, text: str) -> float:
    """The number captured by ``pattern`` (which must match) in ``text``."""
    m = re.search(pattern, text)
    assert m, f"{pattern!r} not in output:\n{text}"
    return float(m.group(1))


def events(logdir: Path) -> list:
    """All events of all event files under ``logdir``."""
    files = sorted(logdir.glob("events.out.tfevents.*"))
    assert files, f"no event file in {logdir}"
    return [e for f in files for e in tk.train.summary_iterator(str(f))]


def scalar_tags(evs: list) -> set[str]:
    return {v.tag for e in evs if e.HasField("summary") for v in e.summary.value}


def check_tf1_style_loop(script: Path, tmp: Path) -> None:
    out = run(script, ["--epochs", "1", "--logdir", str(tmp / "tf1")], tmp)
    losses = [float(x) for x in re.findall(r"mean train loss ([\d.]+)", out)]
    assert len(losses) == 1 and losses[0] < 2.3           # below chance level, ln(10)
    assert number(r"test accuracy ([\d.]+)", out) > 0.85  # one epoch reaches ~0.91
    assert "'hidden/kernel:0', 'hidden/bias:0', 'logits/kernel:0', 'logits/bias:0'" in out
    # The restored session scores exactly what the trained one did.
    assert number(r"restored test accuracy ([\d.]+)", out) == number(r"\ntest accuracy ([\d.]+)",
                                                                     out)
    assert {v[0] for v in tk.train.list_variables(str(tmp / "tf1" / "model.ckpt"))} >= {
        "hidden/kernel", "hidden/bias", "logits/kernel", "logits/bias"}


def check_monitored_training(script: Path, tmp: Path) -> None:
    logdir = tmp / "mts"
    first = run(script, ["--steps", "30", "--logdir", str(logdir)], tmp)
    assert number(r"starting at global step (\d+)", first) == 0
    assert number(r"final global step (\d+)", first) == 30
    assert number(r"test accuracy ([\d.]+)", first) > 0.7          # ~0.89 after 30 steps
    assert f"tensorboard --logdir {logdir}" in first
    assert tk.train.latest_checkpoint(str(logdir)).endswith("model.ckpt-30")
    # The second run resumes: it starts at the first run's last step, with its weights
    # (5 steps from scratch reach only ~0.5 test accuracy).
    second = run(script, ["--steps", "5", "--logdir", str(logdir)], tmp)
    assert number(r"starting at global step (\d+)", second) == 30
    assert number(r"final global step (\d+)", second) == 35
    assert number(r"test accuracy ([\d.]+)", second) > 0.8
    assert tk.train.latest_checkpoint(str(logdir)).endswith("model.ckpt-35")
    evs = events(logdir)
    assert {"loss", "train_accuracy"} <= scalar_tags(evs)
    assert any(e.HasField("graph_def") for e in evs)
    assert max(e.step for e in evs) >= 30
    # Resuming restores the data position and RNG too: 30 + 5 steps == 35 steps.
    straight = run(script, ["--steps", "35", "--logdir", str(tmp / "straight")], tmp)
    assert number(r"final train loss ([\d.]+)", straight) == number(
        r"final train loss ([\d.]+)", second)


def check_custom_hook(script: Path, tmp: Path) -> None:
    out = run(script, ["--steps", "60"], tmp)
    assert ("hook call order: begin -> after_create_session -> before_run -> after_run "
            "-> end") in out
    records = [(int(s), float(v)) for s, v in
               re.findall(r"step\s+(\d+)\s+mean loss ([\d.]+)", out)]
    assert [s for s, _ in records] == [20, 40, 60]
    assert records[-1][1] < records[0][1] < 2.4
    assert "stopped at step 60 with 3 loss records" in out


def check_interactive_session(script: Path, tmp: Path) -> None:
    out = run(script, [], tmp)
    for line in ("a @ a = [[7.0, 10.0], [15.0, 22.0]]", "mean of [1, 2, 6] = 3.0",
                 "counter after 3 increments = 3", "a @ weights = [[1.5, 1.5], [3.5, 3.5]]",
                 "sess.run on a dict -> sum=10.0, pair=(3, [2, 2])",
                 "looked up by name: 7.0", "after close(): ValueError"):
        assert line in out, f"{line!r} not in output:\n{out}"


def check_trace_timeline(script: Path, tmp: Path) -> None:
    logdir = tmp / "trace"
    out = run(script, ["--steps", "1", "--logdir", str(logdir)], tmp)
    trace = json.loads((logdir / "timeline.json").read_text())
    ops = {e["args"]["name"] for e in trace["traceEvents"] if e["ph"] == "X"}
    assert {"conv/Conv2D", "gradients/conv/Conv2D_grad/Conv2DBackpropFilter",
            "hidden/MatMul"} <= ops
    assert all(e["dur"] >= 1 for e in trace["traceEvents"] if e["ph"] == "X")
    slowest = re.findall(r"^  (\S+)\s+(\d+) us", out, flags=re.M)
    assert len(slowest) == 3 and {name for name, _ in slowest} <= ops
    micros = [int(m) for _, m in slowest]
    assert micros == sorted(micros, reverse=True)
    assert number(r"(\d+) ops", out) == len(ops)
    evs = events(logdir)
    assert any(e.HasField("graph_def") for e in evs)
    tagged = [e.tagged_run_metadata.tag for e in evs if e.HasField("tagged_run_metadata")]
    assert tagged == ["step1"]


def check_partial_run(script: Path, tmp: Path) -> None:
    out = run(script, [], tmp)
    assert "r1 = a + b = 3.0" in out and "= 9.0" in out
    episodes = re.findall(r"picked (\d), reward ([\d.]+), scores reused: (\w+), counter (\d)",
                          out)
    assert [(r, c) for _, _, r, c in episodes] == [("True", "1"), ("True", "2")]
    for line in re.findall(r"scores \[([^\]]+)\], picked (\d), reward ([\d.]+)", out):
        scores = [float(s) for s in line[0].split(", ")]
        assert int(line[1]) == scores.index(max(scores))
        assert float(line[2]) == pytest.approx(10 * max(scores), abs=0.01)
    assert "counter after two partial runs: 2" in out
    assert "undeclared feed: InvalidArgumentError" in out


def check_early_stopping_eval(script: Path, tmp: Path) -> None:
    logdir = tmp / "es"
    out = run(script, ["--steps", "60", "--logdir", str(logdir)], tmp)
    steps = [int(s) for s in re.findall(r"step\s+(\d+)\s+validation loss", out)]
    assert steps == [1, 51, 60]                        # every 50 steps from the first, + end
    assert "stopped by the step limit at step 60" in out
    assert number(r"final validation accuracy ([\d.]+)", out) > 0.85
    assert {"validation/loss", "validation/accuracy"} <= scalar_tags(events(logdir))


def check_estimator_digits(script: Path, tmp: Path) -> None:
    out = run(script, ["--steps", "60", "--model-dir", str(tmp / "est")], tmp)
    assert [int(s) for s in re.findall(r"step\s+(\d+)\s+mean loss", out)] == [20, 40, 60] * 2
    assert number(r"model_fn accuracy ([\d.]+)", out) > 0.85       # ~0.89 after 60 steps
    assert number(r"DNNClassifier accuracy ([\d.]+)", out) > 0.9   # ~0.94 after 60 steps
    assert number(r"model_fn accuracy [\d.]+ loss [\d.]+ at global step (\d+)", out) == 60
    for name in ("model_fn", "DNNClassifier"):
        pred, labels = re.search(rf"{name} predicts \[(.*)\] for labels \[(.*)\]", out).groups()
        hits = [a == b for a, b in zip(pred.split(", "), labels.split(", "))]
        assert len(hits) == 8 and sum(hits) >= 6
    assert "hooks reported 3 and 3 loss means" in out
    assert {"accuracy", "loss"} <= scalar_tags(events(tmp / "est" / "custom" / "eval"))
    assert tk.train.latest_checkpoint(str(tmp / "est" / "dnn")).endswith("model.ckpt-60")


def check_char_lstm(script: Path, tmp: Path) -> None:
    out = run(script, ["--steps", "100"], tmp)
    # uniform guessing costs ln(20) = 3.0 nats/char; 100 steps reach ~0.27
    assert number(r"final loss ([\d.]+) nats/char", out) < 0.5
    assert "'rnn/multi_rnn_cell/cell_1/basic_lstm_cell/kernel'" in out
    generated = re.search(r"generated: (.*)", out).group(1)
    words = {"the", "a", "my", "cat", "dog", "bird", "fox", "sees", "likes", "chases",
             "red", "ball", "old", "tree", "hat", "big", "fish"}
    tokens = generated.replace(".", " ").split()[:-1]          # the last may be cut off
    assert len(tokens) >= 8 and sum(t in words for t in tokens) >= 0.8 * len(tokens)


def check_horovod_digits(script: Path, tmp: Path) -> None:
    # One process (size 1); the 2-rank run is in tests/distributed/test_mpi_programs.py.
    out = run(script, ["--steps", "60", "--checkpoint-dir", str(tmp / "ck")], tmp)
    assert number(r"ranks 1: test accuracy ([\d.]+)", out) > 0.6  # chance is 0.1
    assert (tmp / "ck" / "model.ckpt-60.index").exists()


CHECKS: dict[str, Callable[[Path, Path], None]] = {
    name[len("check_"):]: fn for name, fn in globals().items() if name.startswith("check_")}


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example(script: Path, tmp_path: Path) -> None:
    check = CHECKS.get(script.stem)
    if check is None:                    # a new example: it must at least run cleanly
        run(script, [], tmp_path)
    else:
        check(script, tmp_path)


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_is_short_and_documented(script: Path) -> None:
    text = script.read_text()
    assert len(text.splitlines()) < 100
    doc = ast.get_docstring(ast.parse(text))
    assert doc and "Run:" in doc and f"python examples/{script.name}" in doc


def test_every_check_has_its_example() -> None:
    assert set(CHECKS) <= {p.stem for p in EXAMPLES}
    assert len(EXAMPLES) >= 6
