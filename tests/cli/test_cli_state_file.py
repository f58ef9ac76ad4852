"""A missing, empty or garbled ``checkpoint`` state file loses nothing: the checkpoint
files are the truth, the state file is rebuilt from them, and training resumes from the
newest; every older checkpoint stays byte-identical."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest
from cli_helpers import write_config

import trainkit as tk
from trainkit.training import checkpoint_recovery


def _ckpt_files(run: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(run.iterdir())
            if p.name.startswith("model.ckpt-")}


DAMAGE = {
    "deleted": lambda p: p.unlink(),
    "empty": lambda p: p.write_bytes(b""),
    "garbled": lambda p: p.write_bytes(b"model_checkpoint_path: \"model.ckpt-\xff\xfe\n\x00"),
    "truncated": lambda p: p.write_text('model_checkpoint_path: "model.ck'),
    "points_at_nothing": lambda p: p.write_text('model_checkpoint_path: "gone"\n'),
}


@pytest.fixture(scope="module")
def five_checkpoints(tmp_path_factory):
    """A 20-step run with checkpoints at steps 0, 5, 10, 15 and 20."""
    from trainkit.cli.main import main

    root = tmp_path_factory.mktemp("five")
    cfg = write_config(root / "c.toml", steps=20,
                       extra="")
    cfg.write_text(cfg.read_text().replace("checkpoint_every_steps = 10",
                                           "checkpoint_every_steps = 5\nmax_to_keep = 20"))
    assert main(["train", str(cfg), "--logdir", str(root / "runs")]) == 0
    run = root / "runs" / "tiny"
    assert sorted(int(n.split("-")[1].split(".")[0]) for n in _ckpt_files(run)
                  if n.endswith(".index")) == [0, 5, 10, 15, 20]
    return cfg, run


@pytest.mark.parametrize("how", sorted(DAMAGE))
def test_train_eval_inspect_rebuild_and_resume(how, tmp_path, five_checkpoints, cli):
    cfg_src, run_src = five_checkpoints
    cfg = tmp_path / "c.toml"
    shutil.copy(cfg_src, cfg)
    run = tmp_path / "runs" / "tiny"
    shutil.copytree(run_src, run)
    before = _ckpt_files(run)
    state = run / "checkpoint"
    newest = str(run / "model.ckpt-20")

    DAMAGE[how](state)
    code, out, err = cli("inspect", str(run))
    assert code == 0 and out.strip().splitlines()[-1].startswith(f"{newest}: ")
    assert "rebuilt it from the 5 valid checkpoint file(s)" in err
    assert tk.train.latest_checkpoint(str(run)) == newest  # the rebuilt index

    DAMAGE[how](state)
    code, out, err = cli("eval", str(cfg), "--logdir", str(tmp_path / "runs"))
    assert code == 0, err
    assert f"Evaluating checkpoint {newest} (global step 20)" in err

    DAMAGE[how](state)
    code, out, err = cli("train", str(cfg), "--logdir", str(tmp_path / "runs"),
                         "--max-steps", "25")
    assert code == 0, err
    assert out.startswith("Finished 'tiny' at step 25 (resumed from step 20)")
    assert "The state file " in err and "; rebuilt it from the 5 valid checkpoint" in err
    after = _ckpt_files(run)
    older = {k: v for k, v in before.items() if not k.startswith("model.ckpt-20.")}
    assert {k: after[k] for k in older} == older  # every older checkpoint byte-identical
    # the resumed-from step is saved again when the session starts (CheckpointSaverHook,
    # as TF); its tensors are the ones it was restored from
    for name in ("model/logits/kernel", "model/logits/bias", "global_step"):
        np.testing.assert_array_equal(tk.train.load_variable(newest, name),
                                      tk.train.load_variable(str(run_src / "model.ckpt-20"),
                                                             name))
    assert "model.ckpt-25.index" in after
    assert tk.train.latest_checkpoint(str(run)) == str(run / "model.ckpt-25")
    assert int(tk.train.load_variable(str(run / "model.ckpt-25"), "global_step")) == 25


def test_state_file_that_names_a_valid_checkpoint_is_trusted(tmp_path, five_checkpoints):
    run = tmp_path / "run"
    shutil.copytree(five_checkpoints[1], run)
    tk.train.update_checkpoint_state(str(run), str(run / "model.ckpt-10"))
    point = checkpoint_recovery.restore_point(str(run))
    assert point == checkpoint_recovery.RestorePoint(str(run / "model.ckpt-10"), False, [])


def test_damaged_newest_file_falls_back_and_is_named(tmp_path, five_checkpoints, caplog):
    run = tmp_path / "run"
    shutil.copytree(five_checkpoints[1], run)
    (run / "checkpoint").unlink()
    data = run / "model.ckpt-20.data-00000-of-00001"
    data.write_bytes(data.read_bytes()[:-4])
    with caplog.at_level(logging.WARNING, logger="trainkit"):
        point = checkpoint_recovery.restore_point(str(run))
    assert point.path == str(run / "model.ckpt-15") and point.rebuilt
    assert point.skipped == [str(run / "model.ckpt-20")]
    assert f"Newest checkpoint {run / 'model.ckpt-20'} does not verify; using " \
           f"{run / 'model.ckpt-15'}, the newest that does." in caplog.text
    state = tk.train.get_checkpoint_state(str(run))
    assert state.all_model_checkpoint_paths == [str(run / f"model.ckpt-{s}")
                                                for s in (0, 5, 10, 15)]


def test_library_keeps_tf_semantics_and_monitored_session_restores(tmp_path,
                                                                   five_checkpoints):
    run = tmp_path / "run"
    shutil.copytree(five_checkpoints[1], run)
    (run / "checkpoint").unlink()
    assert tk.train.latest_checkpoint(str(run)) is None  # as TF: no state file, no answer
    assert tk.train.get_checkpoint_state(str(run)) is None
    with tk.Graph().as_default():
        gs = tk.train.get_or_create_global_step()
        tk.Variable(tk.zeros([64, 10]), name="model/logits/kernel")
        tk.Variable(tk.zeros([10]), name="model/logits/bias")
        scaffold = tk.train.Scaffold(saver=tk.train.Saver())
        with tk.train.MonitoredTrainingSession(checkpoint_dir=str(run), scaffold=scaffold,
                                               save_checkpoint_secs=None,
                                               save_summaries_steps=None) as sess:
            assert sess.run(gs) == 20  # restored, not started from 0
    assert (run / "checkpoint").is_file()
    assert {p.name for p in run.iterdir()} >= {f"model.ckpt-{s}.index" for s in (0, 5, 10)}


def test_no_checkpoints_at_all(tmp_path):
    assert checkpoint_recovery.restore_point(str(tmp_path)).path is None
    assert checkpoint_recovery.restore_point(str(tmp_path / "absent")).path is None
    assert not (tmp_path / "checkpoint").exists()
    assert checkpoint_recovery.checkpoint_step("model.ckpt-1200") == 1200
    assert checkpoint_recovery.checkpoint_step("model.ckpt") is None
