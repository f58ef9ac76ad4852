"""hooks/lr_logger.py: records a schedule's values (checked against the closed form and
against the TensorBoard curve of the same run)."""

from __future__ import annotations

import numpy as np
import pytest
from hooks_folder_helpers import load_hook_module, quadratic, run, scalars

import trainkit as tk
from trainkit.cli import plugins
from trainkit.cli.config import load_config
from trainkit.cli.main import main

LearningRateLoggerHook = load_hook_module("lr_logger").LearningRateLoggerHook


def test_records_an_exponential_decay_every_n_runs():
    loss, _ = quadratic()
    gs = tk.train.get_global_step()
    lr = tk.train.exponential_decay(0.5, gs, decay_steps=2, decay_rate=0.5)
    train = tk.train.GradientDescentOptimizer(lr).minimize(loss, global_step=gs)
    hook = LearningRateLoggerHook(every_n_steps=3, tensor=lr)
    run([hook], train, 7)
    # runs 1, 4, 7 logged; stamped with the step after the run, value computed before it
    assert [s for s, _ in hook.history] == [1, 4, 7]
    expected = [0.5 * 0.5 ** ((s - 1) / 2) for s, _ in hook.history]
    assert [v for _, v in hook.history] == pytest.approx(expected, rel=1e-6)


def test_tensor_by_name_and_errors():
    loss, _ = quadratic()
    gs = tk.train.get_global_step()
    lr = tk.identity(tk.constant(0.125), name="learning_rate")
    train = tk.train.GradientDescentOptimizer(lr).minimize(loss, global_step=gs)
    hook = LearningRateLoggerHook(every_n_steps=1)  # default "learning_rate:0"
    run([hook], train, 2)
    assert hook.history == [(1, 0.125), (2, 0.125)]
    with pytest.raises(ValueError, match="every_n_steps must be > 0"):
        LearningRateLoggerHook(every_n_steps=-1)
    bad = LearningRateLoggerHook(tensor="nope:0")
    with pytest.raises(ValueError, match="LearningRateLoggerHook: no tensor 'nope:0'"):
        run([bad], train, 1)


def test_through_the_cli_matches_the_tensorboard_curve(tmp_path, monkeypatch):
    from cli_helpers import write_config

    monkeypatch.chdir(tmp_path)
    cfg_path = write_config(tmp_path / "c.toml", name="lr", extra=(
        '[schedule]\ntype = "exponential_decay"\ndecay_steps = 4\ndecay_rate = 0.5\n'
        '[[hooks]]\ntype = "lr_logger:LearningRateLoggerHook"\n'
        'args = { every_n_steps = 5, tensor = "learning_rate:0" }\n'))
    cfg = load_config(cfg_path)
    (cls, args), = plugins.check_hooks(cfg)
    assert cls is not LearningRateLoggerHook and cls.__name__ == "LearningRateLoggerHook"
    # keep the instance the CLI builds, to read its history
    built = []
    real = plugins.instantiate

    def spy(*a, **k):
        built.append(real(*a, **k))
        return built[-1]

    monkeypatch.setattr(plugins, "instantiate", spy)
    assert main(["train", str(cfg_path), "--logdir", "runs"]) == 0
    history = built[0].history
    assert [s for s, _ in history] == [1, 6, 11, 16]
    want = [0.1 * 0.5 ** ((s - 1) / 4) for s, _ in history]
    np.testing.assert_allclose([v for _, v in history], want, rtol=1e-6)
    curve = dict(scalars(tmp_path / "runs" / "lr")["train/learning_rate"])
    np.testing.assert_allclose([curve[s] for s, _ in history], want, rtol=1e-6)
