"""ProgressBarHook: counts, postfix, and log lines routed through tqdm.write."""

from __future__ import annotations

import io
import logging
import sys

import pytest

import trainkit as tk
from tests.hooks.conftest import counter_model
from trainkit.hooks import ProgressBarHook


def test_bar_follows_the_global_step_and_shows_tensors():
    gs, train = counter_model()
    loss = tk.constant(0.25, name="loss")
    out = io.StringIO()
    hook = ProgressBarHook(last_step=5, tensors={"loss": loss}, every_n_iter=1, file=out,
                           disable=False)
    seen = []
    with tk.train.MonitoredSession(hooks=[hook]) as sess:
        for _ in range(3):
            sess.run(train)
            seen.append((hook.bar.n, hook.bar.total))
        postfix = hook.bar.postfix
    assert seen == [(1, 5), (2, 5), (3, 5)]
    assert "loss=0.25" in postfix
    assert hook.bar is None  # closed in end()
    assert "3/5" in out.getvalue()


def test_log_lines_go_through_tqdm_while_shown():
    gs, train = counter_model()
    logger = logging.getLogger("trainkit")
    handler = logging.StreamHandler(sys.stderr)
    logger.addHandler(handler)
    hook = ProgressBarHook(last_step=3, file=io.StringIO(), disable=False)
    try:
        with tk.train.MonitoredSession(hooks=[hook]) as sess:
            sess.run(train)
            during = [type(h).__name__ for h in logger.handlers]
        after = list(logger.handlers)
    finally:
        logger.removeHandler(handler)
    assert "StreamHandler" not in during and "_TqdmLoggingHandler" in during
    assert handler in after and all(type(h).__name__ != "_TqdmLoggingHandler" for h in after)


def test_bar_closed_on_error():
    gs, train = counter_model()
    hook = ProgressBarHook(file=io.StringIO(), disable=False)
    with pytest.raises(KeyError):
        with tk.train.MonitoredSession(hooks=[hook]) as sess:
            sess.run(train)
            raise KeyError("x")
    assert hook.bar is None


def test_works_without_global_step():
    c = tk.constant(1.0)
    hook = ProgressBarHook(file=io.StringIO(), disable=False)
    with tk.train.MonitoredSession(hooks=[hook]) as sess:
        sess.run(c)
        sess.run(c)
        assert hook.bar.n == 2


def test_argument_errors():
    with pytest.raises(ValueError, match="last_step"):
        ProgressBarHook(last_step=-1)
    with pytest.raises(ValueError, match="every_n_iter"):
        ProgressBarHook(every_n_iter=0)
    with pytest.raises(ValueError, match="tensors"):
        ProgressBarHook(tensors=["a"])


def test_log_lines_print_once_while_the_bar_is_shown(capfd):
    import logging

    logger = logging.getLogger("trainkit")
    handler = logging.StreamHandler()  # a console handler on 'trainkit' only
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    root_handlers = list(logging.getLogger().handlers)
    try:
        gs = tk.train.get_or_create_global_step()
        op = tk.assign_add(gs, 1)
        hooks = [tk.train.ProgressBarHook(last_step=3, disable=False),
                 tk.train.StopAtStepHook(last_step=3)]
        with tk.train.MonitoredSession(hooks=hooks) as sess:
            while not sess.should_stop():
                sess.run(op)
                logging.getLogger("trainkit.test").info("line-from-a-hook")
        assert logging.getLogger().handlers == root_handlers  # root left untouched
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    err = capfd.readouterr().err
    assert err.count("line-from-a-hook") == 3
