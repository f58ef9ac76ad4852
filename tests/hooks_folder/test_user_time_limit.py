"""hooks/time_limit.py: stops after the budget on a fake clock, and through the CLI the
stop is clean: a final checkpoint at the step reached, exit code 0."""

from __future__ import annotations

import pytest
from hooks_folder_helpers import load_hook_module, quadratic, run

import trainkit as tk
from trainkit.cli import plugins
from trainkit.cli.config import load_config
from trainkit.cli.main import main

time_limit = load_hook_module("time_limit")
TimeLimitHook = time_limit.TimeLimitHook


class Tick:
    """A clock that advances one second per reading."""

    def __init__(self):
        self.now = 100.0

    def __call__(self):
        self.now += 1.0
        return self.now


def test_stops_once_the_budget_is_spent(monkeypatch):
    monkeypatch.setattr(TimeLimitHook, "clock", staticmethod(Tick()))
    _, train = quadratic()
    hook = TimeLimitHook(max_seconds=3)
    # start reads 101; after run k the clock reads 101 + k: run 3 sees 3 s elapsed
    assert run([hook], train, 100) == 3
    assert hook.stopped


def test_a_generous_budget_does_not_stop(monkeypatch):
    monkeypatch.setattr(TimeLimitHook, "clock", staticmethod(Tick()))
    _, train = quadratic()
    hook = TimeLimitHook(max_seconds=1000)
    assert run([hook], train, 5) == 5 and not hook.stopped


@pytest.mark.parametrize("bad", [0, -1, True, "10"])
def test_bad_budget(bad):
    with pytest.raises(ValueError, match="max_seconds must be > 0"):
        TimeLimitHook(bad)


def test_through_the_cli_saves_a_final_checkpoint(tmp_path, monkeypatch, capsys):
    from cli_helpers import write_config

    monkeypatch.chdir(tmp_path)
    cfg = write_config(tmp_path / "c.toml", name="tl", steps=1000, extra=(
        '[[hooks]]\ntype = "time_limit:TimeLimitHook"\nargs = { max_seconds = 7 }\n'))
    cfg.write_text(cfg.read_text().replace("checkpoint_every_steps = 10",
                                           "checkpoint_every_steps = 0"))
    # the class the CLI loads (its own import of hooks/time_limit.py) gets the fake clock
    cls = plugins.check_hooks(load_config(cfg))[0][0]
    monkeypatch.setattr(cls, "clock", staticmethod(Tick()))
    code = main(["train", str(cfg), "--logdir", "runs"])
    out = capsys.readouterr().out
    assert code == 0
    ckpt = tk.train.latest_checkpoint("runs/tl")
    assert ckpt.endswith("model.ckpt-7")
    assert int(tk.train.load_variable(ckpt, "global_step")) == 7
    assert "Finished 'tl' at step 7 in " in out
