"""``mpiexec -n 2 trainkit train configs/quickstart.toml``: one model trained on 2 ranks,
the one-process directory layout (plus each rank's state files), rank 0 alone reporting,
and the config key that scales the learning rate by the number of ranks."""

from __future__ import annotations

import math

from mpi_helpers import REPO, needs_mpi, run_job

import trainkit as tk


@needs_mpi
def test_cli_trains_one_model_on_two_ranks(tmp_path):
    proc, _ = run_job("-m", "trainkit", "train", str(REPO / "configs" / "quickstart.toml"),
                      "--max-steps", "20", "--logdir", str(tmp_path), "--no-progress",
                      "--set", "optimizer.scale_learning_rate_by_ranks=true",
                      "--set", "run.summary_every_steps=10", module=False, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert proc.stdout.count("Finished 'quickstart' at step 20") == 1  # rank 0 reports
    assert proc.stdout.count("eval at step 1 ") == 1                   # rank 0 evaluates
    run = tmp_path / "quickstart"
    files = {p.name for p in run.iterdir()}
    assert len([f for f in files if f.startswith("events.out")]) == 1
    assert {"checkpoint", "graph.pbtxt", "metrics.jsonl", "model.ckpt-20.index",
            "model.ckpt-20.rank-0.state", "model.ckpt-20.rank-1.state"} <= files
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quickstart"]
    events = next(run.glob("events.out.tfevents.*"))
    lrs = {e.step: v.simple_value for e in tk.train.summary_iterator(str(events))
           if e.HasField("summary") for v in e.summary.value
           if v.tag == "train/learning_rate"}
    # quickstart: adam 0.002, cosine_decay over 3000 steps; x2 for 2 ranks (the lr tensor
    # of step s is computed from the global step before its increment: s - 1).
    for step, lr in lrs.items():
        expected = 2 * 0.002 * 0.5 * (1 + math.cos(math.pi * (step - 1) / 3000))
        assert abs(lr - expected) < 1e-7, (step, lr, expected)
    assert len(lrs) >= 2
