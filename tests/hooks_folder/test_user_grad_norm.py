"""hooks/grad_norm.py: gradient norms against the closed form of a quadratic, written as
TensorBoard scalars; and through the CLI."""

from __future__ import annotations

import math

import pytest
from hooks_folder_helpers import load_hook_module, quadratic, run, scalars

from trainkit.cli.main import main

GradNormHook = load_hook_module("grad_norm").GradNormHook


def test_norms_follow_the_closed_form_and_land_in_tensorboard(tmp_path):
    loss, train = quadratic(lr=0.25)  # |grad| = 6 * 0.5**k at step k
    hook = GradNormHook(loss, every_n_steps=1, output_dir=str(tmp_path))
    assert run([hook], train, 4) == 4
    # stamped with the global step after the run's update (as the summary saver does)
    assert [s for s, _ in hook.history] == [1, 2, 3, 4]
    assert [v for _, v in hook.history] == pytest.approx([6.0, 3.0, 1.5, 0.75], rel=1e-6)
    tags = scalars(tmp_path)
    assert set(tags) == {"grad_norm/global", "grad_norm/w"}
    assert [s for s, _ in tags["grad_norm/global"]] == [1, 2, 3, 4]
    assert [v for _, v in tags["grad_norm/global"]] == pytest.approx([6, 3, 1.5, 0.75], 1e-6)
    assert tags["grad_norm/w"] == tags["grad_norm/global"]  # the only variable


def test_every_n_steps_and_no_writer(tmp_path):
    loss, train = quadratic(lr=0.25)
    hook = GradNormHook(loss, every_n_steps=2, per_variable=False)  # no output_dir: log only
    run([hook], train, 4)
    assert hook.history == [(2, pytest.approx(3.0)), (4, pytest.approx(0.75))]
    with pytest.raises(ValueError, match="every_n_steps must be > 0, got 0"):
        GradNormHook(loss, every_n_steps=0)


def test_through_the_cli_with_the_run_directory_injected(tmp_path, monkeypatch, capsys):
    from cli_helpers import write_config

    monkeypatch.chdir(tmp_path)
    cfg = write_config(tmp_path / "c.toml", name="gn", extra=(
        '[[hooks]]\ntype = "grad_norm:GradNormHook"\nargs = { every_n_steps = 5 }\n'))
    assert main(["train", str(cfg), "--logdir", "runs"]) == 0
    tags = scalars(tmp_path / "runs" / "gn")
    assert {"grad_norm/global", "grad_norm/model/logits/kernel",
            "grad_norm/model/logits/bias"} <= set(tags)
    glob_ = tags["grad_norm/global"]
    assert [s for s, _ in glob_] == [5, 10, 15, 20]  # runs 5, 10, ...: step after the update
    for i, (_, g) in enumerate(glob_):  # the global norm is the norm of the per-variable ones
        k = tags["grad_norm/model/logits/kernel"][i][1]
        b = tags["grad_norm/model/logits/bias"][i][1]
        assert g > 0 and g == pytest.approx(math.hypot(k, b), rel=1e-5)
