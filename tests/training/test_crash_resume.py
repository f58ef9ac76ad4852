"""A training run SIGKILLed at random moments (mostly mid-save: it saves every step)
always restarts from a valid checkpoint, and the run that was killed and resumed again
and again ends with exactly the same variables — bit for bit — as one that ran straight
through: variables, Adam slots, global step, dataset position and shuffle order, and the
dropout RNG are all in the checkpoint."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

import trainkit as tk

STEPS = 120

TRAINER = textwrap.dedent("""
    import sys
    import numpy as np
    import trainkit as tk

    ckpt_dir, steps = sys.argv[1], int(sys.argv[2])
    tk.set_random_seed(7)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 10)).astype(np.float32)
    y = (x.sum(axis=1) > 0).astype(np.int64)
    ds = tk.data.Dataset.from_tensor_slices((x, y)).shuffle(64, seed=3).repeat().batch(16)
    xb, yb = ds.make_one_shot_iterator().get_next()
    h = tk.layers.dense(xb, 32, activation=tk.nn.relu)
    h = tk.nn.dropout(h, rate=0.3)
    logits = tk.layers.dense(h, 2)
    loss = tk.losses.sparse_softmax_cross_entropy(labels=yb, logits=logits)
    gs = tk.train.get_or_create_global_step()
    train = tk.train.AdamOptimizer(0.01).minimize(loss, global_step=gs)
    with tk.train.MonitoredTrainingSession(
            checkpoint_dir=ckpt_dir, save_checkpoint_steps=1, save_summaries_steps=None,
            log_step_count_steps=None,
            hooks=[tk.train.StopAtStepHook(last_step=steps)]) as sess:
        while not sess.should_stop():
            _, step = sess.run([train, gs])
            print(step, flush=True)
""")


def _env() -> dict[str, str]:
    repo = str(Path(__file__).resolve().parents[2])
    return dict(os.environ, PYTHONPATH=repo + os.pathsep + os.environ.get("PYTHONPATH", ""),
                OPENBLAS_NUM_THREADS="1")


def _final_tensors(ckpt_dir: Path) -> dict[str, np.ndarray]:
    latest = tk.train.latest_checkpoint(str(ckpt_dir))
    reader = tk.train.NewCheckpointReader(latest)
    return {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()}


def _step_of(ckpt_dir: Path) -> int:
    latest = tk.train.latest_checkpoint(str(ckpt_dir))
    return -1 if latest is None else int(tk.train.load_variable(latest, "global_step"))


def test_sigkilled_runs_resume_to_the_uninterrupted_result(tmp_path):
    script = tmp_path / "trainer.py"
    script.write_text(TRAINER)
    straight = tmp_path / "straight"
    subprocess.run([sys.executable, str(script), str(straight), str(STEPS)], check=True,
                   env=_env(), capture_output=True, timeout=120)
    assert _step_of(straight) == STEPS

    crashed = tmp_path / "crashed"
    rng = random.Random(2024)
    kills, attempts, previous = 0, 0, -1
    while _step_of(crashed) < STEPS:
        proc = subprocess.Popen([sys.executable, str(script), str(crashed), str(STEPS)],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                env=_env(), text=True)
        try:
            if attempts < 8:
                attempts += 1
                first = proc.stdout.readline()
                if first:  # the run got going: let it train a little, then kill it
                    time.sleep(rng.uniform(0.0, 0.05))
                    proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=120)
            kills += proc.returncode == -signal.SIGKILL
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.stdout.close()
        step = _step_of(crashed)
        # Every restart finds a valid, restorable checkpoint no older than the last one.
        assert step >= previous
        if step >= 0:
            assert all(np.all(np.isfinite(v)) for v in _final_tensors(crashed).values()
                       if v.dtype.kind == "f")
        previous = step
    assert kills >= 4  # most kills land mid-run (the last restarts may finish first)
    assert _step_of(crashed) == STEPS

    want, got = _final_tensors(straight), _final_tensors(crashed)
    assert set(want) == set(got)
    assert any("Adam" in name for name in want)  # optimizer slots are in the checkpoint
    for name in want:
        assert want[name].dtype == got[name].dtype, name
        if want[name].dtype == object:  # strings: compare values, not object pointers
            assert want[name].tolist() == got[name].tolist(), name
        else:
            assert want[name].tobytes() == got[name].tobytes(), f"{name} differs after resume"
