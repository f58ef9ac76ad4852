"""LoggingTensorHook."""

from __future__ import annotations

import logging

import pytest

import trainkit as tk
from trainkit.hooks import LoggingTensorHook


def _messages(caplog):
    return [r.getMessage() for r in caplog.records if r.name.startswith("trainkit.hooks")]


def _run(hook, n, caplog, clock=None, feed=None):
    with caplog.at_level(logging.INFO, logger="trainkit"):
        with tk.train.MonitoredSession(hooks=[hook]) as sess:
            for i in range(n):
                sess.run(tk.get_default_graph().get_operations()[0].outputs[0],
                         feed_dict=feed(i) if feed else None)
                if clock is not None:
                    clock.advance(1.0)
    return _messages(caplog)


def test_every_n_iter_logs_at_0_n_2n(caplog, clock):
    x = tk.placeholder(tk.float32, [], name="x")
    y = tk.identity(x * 2.0, name="y")
    hook = LoggingTensorHook({"y": y, "x": "x:0"}, every_n_iter=3)
    msgs = _run(hook, 7, caplog, clock, feed=lambda i: {x: float(i)})
    assert msgs == ["x = 0.0, y = 0.0", "x = 3.0, y = 6.0 (3.000 sec)",
                    "x = 6.0, y = 12.0 (3.000 sec)"]


def test_list_keeps_order_and_op_names_work(caplog):
    b = tk.constant(2.0, name="b")
    tk.constant(1.0, name="a")
    hook = LoggingTensorHook([b, "a"], every_n_iter=10)
    msgs = _run(hook, 1, caplog)
    assert len(msgs) == 1 and msgs[0].endswith("= 2.0, a = 1.0")


def test_every_n_secs(caplog, clock):
    tk.constant(1.0, name="c")
    hook = LoggingTensorHook({"c": "c"}, every_n_secs=2)
    assert len(_run(hook, 5, caplog, clock)) == 3  # at 0 s, 2 s, 4 s


def test_at_end_only_and_formatter(caplog):
    tk.constant(4.0, name="c")
    hook = LoggingTensorHook({"c": "c:0"}, at_end=True,
                             formatter=lambda d: f"custom {d['c']}")
    assert _run(hook, 3, caplog) == ["custom 4.0"]


def test_argument_errors():
    with pytest.raises(ValueError, match="at_end and/or exactly one of every_n_iter"):
        LoggingTensorHook({"a": "a"})
    with pytest.raises(ValueError, match="at_end and/or exactly one of every_n_iter"):
        LoggingTensorHook({"a": "a"}, every_n_iter=1, every_n_secs=1)
    with pytest.raises(ValueError, match="invalid every_n_iter=0"):
        LoggingTensorHook({"a": "a"}, every_n_iter=0)
    with pytest.raises(ValueError, match="tensors must be"):
        LoggingTensorHook("a", every_n_iter=1)


def test_tensor_of_another_graph():
    g = tk.Graph()
    with g.as_default():
        other = tk.constant(1.0)
    tk.constant(1.0)
    hook = LoggingTensorHook([other], every_n_iter=1)
    with pytest.raises(ValueError, match="should have graph attribute"):
        tk.train.MonitoredSession(hooks=[hook])


def test_float32_values_print_like_tf(caplog):
    x = tk.constant(2.3497262, tk.float32)
    hook = tk.train.LoggingTensorHook({"loss": x}, every_n_iter=1)
    with caplog.at_level(logging.INFO, logger="trainkit"):
        with tk.train.MonitoredSession(hooks=[hook]) as sess:
            sess.run(x.op)
    assert "loss = 2.3497262" in caplog.text
    assert "2.3497262001" not in caplog.text
