"""StopAtStepHook."""

from __future__ import annotations

import pytest

import trainkit as tk
from tests.hooks.conftest import counter_model, run_steps
from trainkit.hooks import StopAtStepHook


def test_last_step():
    gs, train = counter_model()
    assert run_steps([StopAtStepHook(last_step=5)], train, 100) == 5


def test_num_steps_counts_from_the_starting_step():
    gs, train = counter_model()
    init = tk.group(tk.global_variables_initializer(), gs.assign(10))
    hook = StopAtStepHook(num_steps=3)
    scaffold = tk.train.Scaffold(init_op=init, saver=object())
    creator = tk.train.ChiefSessionCreator(scaffold=scaffold)
    assert run_steps([hook], train, 100, session_creator=creator) == 3
    assert hook.last_step == 13


@pytest.mark.parametrize("last_step", [0, 1])
def test_never_stops_before_the_first_run(last_step):
    gs, train = counter_model()
    assert run_steps([StopAtStepHook(last_step=last_step)], train, 100) == 1


def test_argument_errors():
    with pytest.raises(ValueError, match="num_steps or last_step"):
        StopAtStepHook()
    with pytest.raises(ValueError, match="num_steps or last_step"):
        StopAtStepHook(num_steps=1, last_step=1)
    with pytest.raises(ValueError, match="num_steps"):
        StopAtStepHook(num_steps=-1)
    with pytest.raises(ValueError, match="last_step"):
        StopAtStepHook(last_step=2.5)


def test_needs_a_global_step():
    tk.constant(1.0)
    with pytest.raises(RuntimeError, match="Global step should be created to use "
                                           "StopAtStepHook"):
        tk.train.MonitoredSession(hooks=[StopAtStepHook(last_step=1)])
