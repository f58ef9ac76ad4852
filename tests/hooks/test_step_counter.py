"""StepCounterHook."""

from __future__ import annotations

import logging

import pytest

import trainkit as tk
from tests.hooks.conftest import counter_model, read_events, summary_steps
from trainkit.hooks import StepCounterHook


def test_records_every_10_steps_from_step_11(tmp_path, clock):
    gs, train = counter_model()
    hook = StepCounterHook(every_n_steps=10, output_dir=str(tmp_path))
    with tk.train.MonitoredSession(hooks=[hook]) as sess:
        for _ in range(30):
            sess.run(train)
            clock.advance(0.5)
    # Baseline at step 1; 10 steps take 5 fake seconds.
    assert summary_steps(read_events(tmp_path), "global_step/sec") == [(11, 2.0), (21, 2.0)]


def test_every_n_secs_and_tag_of_a_scoped_step(tmp_path, clock):
    with tk.variable_scope("bar"):
        gs = tk.get_variable("foo", [], tk.int64, initializer=tk.zeros_initializer(),
                             trainable=False, collections=[tk.GraphKeys.GLOBAL_VARIABLES,
                                                           tk.GraphKeys.GLOBAL_STEP])
    train = gs.assign_add(1)
    hook = StepCounterHook(every_n_steps=None, every_n_secs=2, output_dir=str(tmp_path))
    with tk.train.MonitoredSession(hooks=[hook]) as sess:
        for _ in range(5):
            sess.run(train)
            clock.advance(1.0)
    assert summary_steps(read_events(tmp_path), "bar/foo/sec") == [(3, 1.0), (5, 1.0)]


def test_warns_when_step_does_not_increase(caplog):
    gs, _ = counter_model()
    c = tk.constant(1.0)
    with caplog.at_level(logging.WARNING, logger="trainkit"):
        with tk.train.MonitoredSession(hooks=[StepCounterHook(every_n_steps=10)]) as sess:
            for _ in range(3):
                sess.run(c)
    warnings = [r for r in caplog.records if "has not been increased" in r.getMessage()]
    assert len(warnings) == 2


def test_argument_errors():
    with pytest.raises(ValueError, match="every_n_steps and every_n_secs"):
        StepCounterHook(every_n_steps=None)
    with pytest.raises(ValueError, match="every_n_steps and every_n_secs"):
        StepCounterHook(every_n_steps=5, every_n_secs=5)
