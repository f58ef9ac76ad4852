"""NanTensorHook, FeedFnHook, FinalOpsHook, GlobalStepWaiterHook."""

from __future__ import annotations

import logging
import time

import numpy as np
import pytest

import trainkit as tk
from tests.hooks.conftest import counter_model, run_steps
from trainkit.hooks import (
    FeedFnHook,
    FinalOpsHook,
    GlobalStepWaiterHook,
    NanLossDuringTrainingError,
    NanTensorHook,
)


def test_nan_raises(caplog):
    loss = tk.placeholder(tk.float32, [])
    with caplog.at_level(logging.ERROR, logger="trainkit"):
        with pytest.raises(NanLossDuringTrainingError) as info:
            with tk.train.MonitoredSession(hooks=[NanTensorHook(loss)]) as sess:
                sess.run(loss, feed_dict={loss: 1.0})
                sess.run(loss, feed_dict={loss: np.nan})
    assert str(info.value) == "NaN loss during training."
    assert isinstance(info.value, RuntimeError)
    assert any("NaN" in r.getMessage() for r in caplog.records)


def test_nan_requests_stop_when_not_failing():
    loss = tk.placeholder(tk.float32, [])
    with tk.train.MonitoredSession(hooks=[NanTensorHook(loss, fail_on_nan_loss=False)]) \
            as sess:
        sess.run(loss, feed_dict={loss: 1.0})
        assert not sess.should_stop()
        sess.run(loss, feed_dict={loss: np.nan})
        assert sess.should_stop()


def test_feed_fn_feeds_every_run():
    x = tk.placeholder(tk.float32, [])
    values = iter([1.0, 2.0, 3.0])
    y = x * 10.0
    with tk.train.MonitoredSession(hooks=[FeedFnHook(lambda: {x: next(values)})]) as sess:
        assert [sess.run(y) for _ in range(3)] == [10.0, 20.0, 30.0]
    with pytest.raises(ValueError, match="feed_fn"):
        FeedFnHook("nope")


def test_final_ops_values():
    gs, train = counter_model()
    x = tk.placeholder(tk.int64, [])
    hook = FinalOpsHook({"gs": gs, "sum": gs + x}, final_ops_feed_dict={x: 100})
    assert hook.final_ops_values is None
    run_steps([hook], train, 3)
    assert hook.final_ops_values == {"gs": 3, "sum": 103}


def test_final_ops_not_run_on_error():
    c = tk.constant(1.0)
    hook = FinalOpsHook(c)
    with pytest.raises(KeyError):
        with tk.train.MonitoredSession(hooks=[hook]):
            raise KeyError("x")
    assert hook.final_ops_values is None


def test_global_step_waiter_polls_until_reached(monkeypatch):
    gs, train = counter_model()
    sleeps = []
    holder = {}

    def fake_sleep(secs):
        sleeps.append(secs)
        holder["sess"].run(train)  # another worker advances the step meanwhile

    monkeypatch.setattr(time, "sleep", fake_sleep)
    with tk.train.SingularMonitoredSession(hooks=[GlobalStepWaiterHook(3)]) as sess:
        holder["sess"] = sess.raw_session()
        sess.run(gs)
        assert sleeps == [0.5, 0.5, 0.5]
        sess.run(gs)
        assert len(sleeps) == 3  # only before the first run


def test_global_step_waiter_zero_and_errors(monkeypatch):
    gs, train = counter_model()
    monkeypatch.setattr(time, "sleep", lambda s: pytest.fail("slept"))
    run_steps([GlobalStepWaiterHook(0)], train, 2)
    with pytest.raises(ValueError, match="wait_until_step"):
        GlobalStepWaiterHook(-1)
