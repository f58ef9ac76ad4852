"""Training runs end to end: every shipped config, the final printout, resume, Ctrl-C,
the progress bar, ``inspect`` and ``eval`` against NumPy."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import shlex
import signal
import struct
import subprocess
import sys
import termios
import zlib
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import REPO, env, snapshot, write_config

import trainkit as tk
from trainkit.cli import runner
from trainkit.cli.config import load_config
from trainkit.cli.inputs import load_splits

CONFIGS = sorted((REPO / "configs").glob("*.toml"))


def test_the_four_issue_configs_ship():
    names = {p.name for p in CONFIGS}
    assert {"quickstart.toml", "cnn_digits.toml", "logreg_digits.toml",
            "regression_npz.toml"} <= names


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.stem)
def test_every_config_checks_and_trains_a_tiny_budget(path, tmp_path, cli):
    code, out, err = cli("check", str(path))
    assert code == 0, err
    assert out.startswith(f"{path}: OK")
    code, out, err = cli("train", str(path), "--max-steps", "20", "--logdir", str(tmp_path))
    assert code == 0, err
    name = load_config(path).name
    ckpt = tmp_path / name / "model.ckpt-20"
    assert Path(str(ckpt) + ".index").is_file()
    assert int(tk.train.load_variable(str(ckpt), "global_step")) == 20
    assert f"Finished '{name}' at step 20 in " in out


def test_accumulate_steps_makes_one_update_per_n_batches(tmp_path, cli):
    """``optimizer.accumulate_steps = 3``: the run's 6 steps are 6 updates (the global
    step counts updates), made from 18 batches; the accumulators are checkpointed."""
    path = CONFIGS[0].parent / "quickstart.toml"
    code, out, err = cli("train", str(path), "--max-steps", "6", "--logdir", str(tmp_path),
                         "--set", "optimizer.accumulate_steps=3")
    assert code == 0, err
    ckpt = str(tmp_path / load_config(path).name / "model.ckpt-6")
    assert int(tk.train.load_variable(ckpt, "global_step")) == 6
    names = {n for n, _ in tk.train.list_variables(ckpt)}
    assert "GradientAccumulation/accumulated_passes" in names
    assert int(tk.train.load_variable(ckpt, "GradientAccumulation/accumulated_passes")) == 0


def _lines(out: str) -> dict[str, str]:
    rows = {}
    for line in out.splitlines():
        key, _, value = line.strip().partition(":")
        rows[key] = value.strip()
    return rows


def test_final_printout_names_checkpoint_events_and_tensorboard_command(tmp_path, cli):
    cfg = write_config(tmp_path / "c.toml", name="pr")
    code, out, _ = cli("train", str(cfg), "--logdir", "my runs")
    assert code == 0
    rows = _lines(out)
    run = Path("my runs") / "pr"
    assert rows["checkpoint"] == str(run / "model.ckpt-20")
    assert Path(rows["checkpoint"] + ".index").is_file()
    events = Path(rows["events"])
    assert events.parent == run and events.name.startswith("events.out.tfevents.")
    assert events.is_file()
    last = out.strip().splitlines()
    assert last[-2] == "View it in TensorBoard:"
    assert last[-1] == "  tensorboard --logdir 'my runs'"
    assert shlex.split(last[-1]) == ["tensorboard", "--logdir", "my runs"]
    metrics = dict(kv.split(" = ") for kv in rows["eval"].split(", "))
    assert set(metrics) == {"accuracy", "loss"} and 0 <= float(metrics["accuracy"]) <= 1

    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(events))
    acc.Reload()
    assert set(acc.Tags()["scalars"]) == {"train/loss", "train/learning_rate",
                                          "train/accuracy"}
    lrs = acc.Scalars("train/learning_rate")
    # every 5 steps, stamped with the step after the update (TF1's SummarySaverHook)
    assert [e.step for e in lrs] == [1, 6, 11, 16]
    assert [e.value for e in lrs] == pytest.approx([0.1] * len(lrs))


def test_resume_continues_and_a_finished_run_does_not_train_again(tmp_path, cli):
    cfg_path = write_config(tmp_path / "c.toml", name="res", steps=40)
    code, out, _ = cli("train", str(cfg_path), "--max-steps", "20", "--logdir", "runs")
    assert code == 0 and "Finished 'res' at step 20 in" in out
    res = runner.train(load_config(cfg_path), logdir="runs", progress=False)
    assert (res.start_step, res.final_step, res.up_to_date) == (20, 40, False)
    assert res.checkpoint == str(Path("runs") / "res" / "model.ckpt-40")
    # resuming is exact: 20 + 20 steps == 40 steps in one go
    code, _, _ = cli("train", str(cfg_path), "--logdir", "straight")
    assert code == 0
    for name in ("model/logits/kernel", "model/logits/bias"):
        np.testing.assert_array_equal(
            tk.train.load_variable(res.checkpoint, name),
            tk.train.load_variable(str(Path("straight/res/model.ckpt-40")), name))
    before = snapshot(tmp_path / "runs")
    code, out, _ = cli("train", str(cfg_path), "--logdir", "runs")
    assert code == 0
    assert out.startswith("Nothing to train: 'res' is already at step 40")
    assert snapshot(tmp_path / "runs") == before
    code, out, _ = cli("train", str(cfg_path), "--logdir", "runs", "--max-steps", "30")
    assert code == 0 and out.startswith("Nothing to train")


def test_ctrl_c_stops_saves_and_exits_130(tmp_path):
    cfg = write_config(tmp_path / "c.toml", name="sig", steps=1_000_000)
    proc = subprocess.Popen(
        [sys.executable, "-m", "trainkit", "train", str(cfg), "--logdir", "runs",
         "--set", "run.checkpoint_every_steps=0"], cwd=tmp_path, env=env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stderr:  # the SIGINT handler is installed once the graph is built
            if "Graph was finalized" in line:
                break
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "Interrupted: stopping after this step and saving a checkpoint" in err
    ckpt = tk.train.latest_checkpoint(str(tmp_path / "runs" / "sig"))
    step = int(tk.train.load_variable(ckpt, "global_step"))
    assert 0 < step < 1_000_000
    assert f"Stopped (Ctrl-C) 'sig' at step {step} in " in out
    assert f"Run the same command again to resume from step {step}." in out


def _stderr_on_a_terminal(args: list[str], cwd: Path) -> str:
    """Runs the CLI with stderr on a 100-column pseudo-terminal; returns what it drew."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "trainkit", *args], cwd=cwd, env=env(),
                            stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the pty closes when the child exits
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=60) == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_only_on_a_terminal_by_default(tmp_path, cli):
    cfg = write_config(tmp_path / "c.toml", name="bar")
    cfg.write_text(cfg.read_text().replace('progress_bar = "false"', 'progress_bar = "auto"'))
    code, _, piped = cli("train", str(cfg), "--logdir", "a")  # captured: not a terminal
    assert code == 0 and "train:" not in piped and "20/20" not in piped
    code, _, forced = cli("train", str(cfg), "--logdir", "b", "--progress")
    assert code == 0 and "20/20" in forced
    shown = _stderr_on_a_terminal(["train", str(cfg), "--logdir", "c"], tmp_path)
    assert "train:" in shown and "20/20" in shown and "step/s" in shown
    assert shown.count("Saving checkpoints for 10 into") == 1  # log lines are not doubled
    hidden = _stderr_on_a_terminal(["train", str(cfg), "--logdir", "d", "--no-progress"],
                                   tmp_path)
    assert "20/20" not in hidden and "Saving checkpoints for 10 into" in hidden


def test_inspect_rows_match_the_stored_tensors(tmp_path, cli, trained_run):
    code, out, _ = cli("inspect", str(trained_run))
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].split() == ["name", "dtype", "shape", "checksum"]
    rows = {ln.split()[0]: ln for ln in lines[1:-1]}
    prefix = str(trained_run / "model.ckpt-20")
    for name, dtype in (("model/logits/kernel", "<f4"), ("model/logits/bias", "<f4"),
                        ("global_step", "<i8")):
        value = np.asarray(tk.train.load_variable(prefix, name))
        crc = zlib.crc32(np.ascontiguousarray(value, dtype=dtype).tobytes())
        shape = "[" + ", ".join(str(d) for d in value.shape) + "]"
        assert rows[name].split() == [name, {"<f4": "float32", "<i8": "int64"}[dtype],
                                      *shape.split(), f"crc32:{crc:08x}"]
    assert rows["model/logits/kernel"].split()[2:4] == ["[64,", "10]"]
    index = json.loads(Path(prefix + ".index").read_text())
    assert lines[-1] == (f"{prefix}: {len(index['tensors'])} tensors, "
                         f"{sum(t['length'] for t in index['tensors'].values())} bytes "
                         "(checksums verified).")


def test_eval_matches_numpy_on_the_checkpoint(tmp_path, cli, trained_run):
    cfg_path = write_config(tmp_path / "c.toml")
    code, out, _ = cli("eval", str(cfg_path), "--checkpoint", str(trained_run / "model.ckpt-10"))
    assert code == 0
    prefix = str(trained_run / "model.ckpt-10")
    w = tk.train.load_variable(prefix, "model/logits/kernel")
    b = tk.train.load_variable(prefix, "model/logits/bias")
    s = load_splits(load_config(cfg_path), images=False)
    logits = s.x_eval.astype(np.float64) @ w + b
    acc = np.mean(np.argmax(logits, axis=1) == s.y_eval)
    z = logits - logits.max(axis=1, keepdims=True)
    xent = np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(len(z)), s.y_eval])
    assert out.strip() == f"accuracy = {acc:.4f}, loss = {xent:.4f}"
