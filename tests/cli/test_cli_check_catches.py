"""``trainkit check`` catches what ``trainkit train`` would fail on, before anything is
written: exit 2, one line naming the dotted key, the run directory untouched — and
``train`` refuses the same configs with the same line."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from cli_helpers import TINY, snapshot

from trainkit.cli import preflight

DAMAGED_HOOK = "[[hooks]]\ntype = 'EarlyStoppingHook'\nargs = {monitor = 'accuracy'}\n"

# name: (extra TOML appended to the tiny config | ("file", bytes), --set overrides, line)
CASES = {
    "empty_file": (("file", b""), [], "c.toml: the config is empty; a run needs at least"),
    "comments_only": (("file", b"# nothing here\n\n"), [], "c.toml: the config is empty"),
    "not_utf8": (("file", b'name = "caf\xe9"\n'), [], "c.toml: not UTF-8 text (byte 0xe9 at "
                                                      "offset 11); TOML configs are UTF-8."),
    "toml_syntax": ("[run\n", [], "c.toml: invalid TOML"),
    "unknown_section": ("[optimiser]\n", [], "optimiser: unknown key; allowed: name, model, "),
    "model_key_typo": ("", ["model.hiden_units=[3]"], "model.hiden_units: unknown key"),
    "foreign_rho": ("", ["optimizer.type=adam", "optimizer.rho=0.9"],
                    "optimizer.rho: unknown key; allowed: type, learning_rate, beta1, beta2, "
                    "epsilon, clip_global_norm, scale_learning_rate_by_ranks, accumulate_steps "
                    "(the settings of optimizer 'adam') ('rho' belongs to adadelta)."),
    "optimizer_name": ("", ["optimizer.type=lion"], "optimizer.type: unknown name 'lion'"),
    "lr_nan": ("", ["optimizer.learning_rate=nan"],
               "optimizer.learning_rate: must be a finite number, got nan."),
    "lr_inf": ("", ["optimizer.learning_rate=inf"],
               "optimizer.learning_rate: must be a finite number, got inf."),
    "lr_negative": ("", ["optimizer.learning_rate=-0.1"],
                    "optimizer.learning_rate: must be > 0, got -0.1."),
    "lr_text": ("", ["optimizer.learning_rate='fast'"],
                "optimizer.learning_rate: expected a number, got 'fast'."),
    "momentum_missing": ("", ["optimizer.type=momentum"],
                         "optimizer.momentum: missing; optimizer 'momentum' needs it"),
    "momentum_nan": ("", ["optimizer.type=momentum", "optimizer.momentum=nan"],
                     "optimizer.momentum: must be a finite number, got nan."),
    "clip_negative": ("", ["optimizer.clip_global_norm=-1"],
                      "optimizer.clip_global_norm: must be >= 0, got -1.0."),
    "accumulate_zero": ("", ["optimizer.accumulate_steps=0"],
                        "optimizer.accumulate_steps: must be > 0, got 0."),
    "model_name": ("", ["model.type=gpt"], "model.type: unknown name 'gpt'; allowed: logreg, "
                                           "mlp, cnn, linear, lstm, gru."),
    "hidden_zero": ("", ["model.type=mlp", "model.hidden_units=[8, 0]"],
                    "model.hidden_units[1]: must be > 0, got 0."),
    "hidden_scalar": ("", ["model.type=mlp", "model.hidden_units=8"],
                      "model.hidden_units: expected a list, got 8."),
    "dropout_one": ("", ["model.type=mlp", "model.dropout=1.0"],
                    "model.dropout: must be in [0, 1), got 1.0."),
    "activation": ("", ["model.type=mlp", "model.activation=gelu"],
                   "model.activation: unknown name 'gelu'; allowed: relu, tanh"),
    "l2_negative": ("", ["model.l2=-1e-4"], "model.l2: must be >= 0, got -0.0001."),
    "kernel_zero": ("", ["model.type=cnn", "model.kernel_size=0"],
                    "model.kernel_size: must be > 0, got 0."),
    "filters_negative": ("", ["model.type=cnn", "model.conv_filters=[-4]"],
                         "model.conv_filters[0]: must be > 0, got -4."),
    "batch_zero": ("", ["data.batch_size=0"], "data.batch_size: must be > 0, got 0."),
    "batch_huge": ("", ["data.batch_size=1000000000"],
                   "data.batch_size: a training step needs about "),
    "batch_float": ("", ["data.batch_size=3.5"], "data.batch_size: expected an integer, got "
                                                 "3.5."),
    "shuffle_zero": ("", ["data.shuffle_buffer=0"], "data.shuffle_buffer: must be > 0, got 0."),
    "eval_fraction_zero": ("", ["data.eval_fraction=0"],
                           "data.eval_fraction: must be in (0, 1), got 0.0."),
    "eval_fraction_big": ("", ["data.eval_fraction=1.5"],
                          "data.eval_fraction: must be in (0, 1), got 1.5."),
    "dataset_name": ("", ["data.dataset=mnist"], "data.dataset: unknown name 'mnist'; allowed: "
                                                 "digits, npz."),
    "npz_missing": ("", ["data.npz=missing.npz"], "data.npz: file not found: "),
    "npz_key": ("", ["data.npz=flat.npz", "data.features_key=feats"],
                "data.features_key: "),
    "npz_rows": ("", ["data.npz=rows.npz"], "data.npz: x has 6 rows but y has 5."),
    "cnn_on_flat_npz": ("", ["model.type=cnn", "data.npz=flat.npz"],
                        "data.npz: the model takes images (N, height, width, channels) but x "
                        "in "),
    "negative_labels": ("", ["data.npz=neg.npz"], "data.labels_key: class labels in "),
    "linear_on_digits": ("", ["model.type=linear"],
                         "data.npz: model.type 'linear' (regression) needs an .npz file"),
    "schedule_name": ("", ["schedule.type=warmup"], "schedule.type: unknown name 'warmup'"),
    "cosine_no_steps": ("", ["schedule.type=cosine_decay"],
                        "schedule.decay_steps: missing; schedule 'cosine_decay' needs it"),
    "decay_nan": ("", ["schedule.type=exponential_decay", "schedule.decay_steps=nan",
                       "schedule.decay_rate=0.5"],
                  "schedule.decay_steps: must be a finite number, got nan."),
    "piecewise_count": ("", ["schedule.type=piecewise_constant", "schedule.boundaries=[10]",
                             "schedule.values=[0.1]"],
                        "schedule.values: piecewise_constant needs one more value than "
                        "boundaries (1 boundaries, 1 values)."),
    "piecewise_order": ("", ["schedule.type=piecewise_constant", "schedule.boundaries=[10, 5]",
                             "schedule.values=[0.1, 0.2, 0.3]"],
                        "schedule.boundaries: must increase, got [10, 5]."),
    "constant_extra": ("", ["schedule.type=constant", "schedule.decay_rate=0.5"],
                       "schedule.decay_rate: unknown key; allowed: type, warmup_steps (the "
                       "settings of schedule 'constant')"),
    "warmup_negative": ("", ["schedule.warmup_steps=-5"],
                        "schedule.warmup_steps: must be >= 0, got -5."),
    "steps_zero": ("", ["run.steps=0"], "run.steps: must be > 0, got 0."),
    "steps_text": ("", ["run.steps=many"], "run.steps: expected an integer, got 'many'."),
    "threads_negative": ("", ["run.threads=-1"], "run.threads: must be >= 0, got -1."),
    "progress_bar": ("", ["run.progress_bar=maybe"], "run.progress_bar: unknown name 'maybe'"),
    "max_to_keep": ("", ["run.max_to_keep=-1"], "run.max_to_keep: must be >= 0, got -1."),
    "name_slash": ("", ["name='a/b'"], "name: must be a plain directory name, got 'a/b'."),
    "hook_unknown": ("[[hooks]]\ntype = 'Nope'\n", [], "hooks[0].type: unknown hook 'Nope'"),
    "hook_arg": ("[[hooks]]\ntype = 'StopAtStepHook'\nargs = {steps = 3}\n", [],
                 "hooks[0].args.steps: StopAtStepHook has no argument 'steps'"),
    "hook_tensor": ("[[hooks]]\ntype = 'LoggingTensorHook'\n"
                    "args = {tensors = ['lss:0'], every_n_iter = 1}\n", [],
                    "hooks[0].args.tensors[0]: no tensor 'lss:0' in the graph"),
    "hook_needs_eval": (DAMAGED_HOOK, [], "hooks[0]: EarlyStoppingHook watches the evaluation "
                                          "metrics, which the CLI computes only when "
                                          "run.eval_every_steps > 0; set it."),
    "other_model_checkpoint": ("", ["model.type=mlp", "model.hidden_units=[4]"],
                               "the run's checkpoint does not fit this config's model (it has "
                               "no variable 'model/hidden0/kernel')"),
    "logdir_is_a_file": ("", ["run.logdir='afile'"], "run.logdir: cannot create afile/tiny: "
                                                     "afile is not a directory."),
}


@pytest.fixture
def existing(tmp_path, trained_run, monkeypatch):
    """A finished tiny run in ``tmp_path/runs/tiny`` plus data files the cases name."""
    shutil.copytree(trained_run, tmp_path / "runs" / "tiny")
    np.savez(tmp_path / "flat.npz", x=np.zeros((8, 3), np.float32), y=np.arange(8) % 2)
    np.savez(tmp_path / "rows.npz", x=np.zeros((6, 2)), y=np.zeros((5,), np.int64))
    np.savez(tmp_path / "neg.npz", x=np.zeros((6, 2)), y=np.array([0, 1, -1, 0, 1, 0]))
    (tmp_path / "afile").write_text("x")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_at_least_forty_cases():
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_and_train_refuse_with_one_line_and_touch_nothing(case, existing, cli):
    extra, sets, needle = CASES[case]
    cfg = existing / "c.toml"
    if isinstance(extra, tuple):
        cfg.write_bytes(extra[1])
    else:
        cfg.write_text(TINY.format(name="tiny", steps=40) + extra, encoding="utf-8")
    args = [a for s in sets for a in ("--set", s)]
    before = snapshot(existing)
    for command in ("check", "train"):
        extra_args = [] if "run.logdir" in " ".join(sets) else ["--logdir", "runs"]
        code, out, err = cli(command, str(cfg), *extra_args, *args)
        lines = err.strip().splitlines()
        assert code == 2, (command, err)
        assert len(lines) == 1 and lines[0].startswith("trainkit: error: "), (command, err)
        assert needle in lines[0], (command, lines[0])
        assert out == ""
        assert snapshot(existing) == before, command  # byte for byte, no new files


def test_memory_estimate_warns_past_half_and_refuses_past_all(existing, cli, monkeypatch):
    cfg = existing / "c.toml"
    cfg.write_text(TINY.format(name="fresh", steps=5), encoding="utf-8")
    cfg_obj = __import__("trainkit.cli.config", fromlist=["load_config"]).load_config(cfg)
    from trainkit.cli.inputs import load_splits

    need, how = preflight.estimate_memory(cfg_obj, load_splits(cfg_obj))
    # logreg on 8x8 digits: 64 + 10 floats per example, 64*10 + 10 parameters
    assert how == "batch 32 × 74 floats per example, 650 parameters, 4 bytes each"
    assert need == 4 * (32 * 74 * 3 + 650 * 4 + (min(2048, 1438) + 32) * 64)
    monkeypatch.setattr(preflight, "available_memory", lambda: int(need * 1.5))
    code, out, err = cli("check", str(cfg), "--logdir", "fresh_runs")
    assert code == 0 and "WARNING data.batch_size: a training step needs about" in err
    monkeypatch.setattr(preflight, "available_memory", lambda: need - 1)
    code, _, err = cli("check", str(cfg), "--logdir", "fresh_runs")
    assert code == 2 and "more than the" in err and "of memory available" in err
    assert not (existing / "fresh_runs").exists()


def test_schedule_shorter_than_the_run_is_a_warning_naming_both_keys(existing, cli):
    cfg = existing / "c.toml"
    cfg.write_text(TINY.format(name="sched", steps=30) + "[schedule]\ntype = 'cosine_decay'\n"
                   "decay_steps = 10\n", encoding="utf-8")
    code, out, err = cli("check", str(cfg), "--logdir", "sched_runs")
    assert code == 0 and out.startswith(f"{cfg}: OK")
    assert ("schedule.decay_steps = 10 is shorter than the run (30 steps, run.steps or "
            "--max-steps): cosine_decay keeps its final learning rate for the last 20 steps; "
            "raise schedule.decay_steps to match.") in err
    code, _, err = cli("train", str(cfg), "--logdir", "sched_runs", "--max-steps", "8")
    assert code == 0 and "shorter than the run" not in err  # 8 steps fit the schedule
