"""SIGTERM is Ctrl-C: finish the step, save, close the writers, exit 128 + signal with one
line saying so; a second signal aborts at once and says truthfully what is on disk.
Real subprocesses, real signals."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import env, write_config

import trainkit as tk

SLOW_END = '''
import sys, time
import trainkit as tk

class SlowEnd(tk.train.SessionRunHook):
    def end(self, session):
        print("slow end begins", file=sys.stderr, flush=True)
        time.sleep(3)
'''


def _start(tmp_path: Path, extra: str = "") -> subprocess.Popen:
    cfg = write_config(tmp_path / "c.toml", name="sig", steps=1_000_000, extra=extra)
    return subprocess.Popen(
        [sys.executable, "-m", "trainkit", "train", str(cfg), "--logdir", "runs",
         "--set", "run.checkpoint_every_steps=0"], cwd=tmp_path, env=env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(proc: subprocess.Popen, text: str, seen: list[str]) -> None:
    for line in proc.stderr:
        seen.append(line)
        if text in line:
            return
    raise AssertionError(f"{text!r} never appeared: {''.join(seen)}")


def test_sigterm_saves_closes_and_exits_143(tmp_path):
    proc = _start(tmp_path)
    seen: list[str] = []
    try:
        _wait_for(proc, "Graph was finalized", seen)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    err = "".join(seen) + err
    assert proc.returncode == 143, err
    assert ("Received SIGTERM: stopping after this step and saving a checkpoint (send it "
            "again to abort at once).") in err
    run = tmp_path / "runs" / "sig"
    ckpt = tk.train.latest_checkpoint(str(run))
    step = int(tk.train.load_variable(ckpt, "global_step"))
    assert 0 < step < 1_000_000 and ckpt == str(run / f"model.ckpt-{step}")
    assert out.splitlines()[0].startswith(f"Stopped (SIGTERM) 'sig' at step {step} in ")
    assert f"Run the same command again to resume from step {step}." in out
    assert "Traceback" not in err
    # the writers were closed: every event file reads to its end
    events = list(run.glob("events.out.tfevents.*"))
    assert events and all(list(tk.train.summary_iterator(str(f))) for f in events)


@pytest.mark.parametrize("signum, code, label", [(signal.SIGTERM, 143, "SIGTERM"),
                                                 (signal.SIGINT, 130, "Ctrl-C")])
def test_second_signal_aborts_at_once_and_tells_the_truth(tmp_path, signum, code, label):
    (tmp_path / "hooks").mkdir()
    (tmp_path / "hooks" / "slow.py").write_text(SLOW_END)
    proc = _start(tmp_path, extra="[[hooks]]\ntype = 'slow:SlowEnd'\n")
    seen: list[str] = []
    try:
        _wait_for(proc, "Graph was finalized", seen)
        proc.send_signal(signum)
        _wait_for(proc, "slow end begins", seen)  # stopping: hooks' end() is running
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == code, "".join(seen) + err
    last = err.strip().splitlines()[-1]
    # The slow hook ends before the checkpoint saver (user hooks come first), so the
    # final save never happened; the message names what is on disk, which verifies.
    run = tmp_path / "runs" / "sig"
    steps = sorted(int(p.name[len("model.ckpt-"):-len(".index")]) for p in run.glob("*.index"))
    assert steps and steps[-1] <= 1  # only the checkpoints of the session's start
    assert last == (f"trainkit: aborted at once by a second {label}; the newest checkpoint "
                    f"is runs/sig/model.ckpt-{steps[-1]} (step {steps[-1]}); run the same "
                    "command again to resume from it.")
    assert tk.train.checkpoint_exists(str(run / f"model.ckpt-{steps[-1]}"))
    assert out == ""
