"""hook_timing(): per-hook wall time of before_run/after_run and of extra fetches."""

from __future__ import annotations

import logging
import time

import trainkit as tk
from trainkit.hooks import hook_timing
from trainkit.training.session_run_hook import SessionRunArgs, SessionRunHook


class Slow(SessionRunHook):
    def __init__(self, fetch=None):
        self.fetch = fetch

    def before_run(self, run_context):
        time.sleep(0.002)
        return SessionRunArgs(self.fetch) if self.fetch is not None else None

    def after_run(self, run_context, run_values):
        time.sleep(0.001)


def test_report_per_hook(caplog):
    c = tk.constant(1.0)
    slow_op = tk.py_func(lambda: (time.sleep(0.003), np_one())[1], [], tk.float32)
    hooks = [Slow(), Slow(slow_op)]
    with tk.train.MonitoredSession(hooks=hooks) as sess:
        sess.run(c)  # outside the block: not counted
        with caplog.at_level(logging.INFO, logger="trainkit"):
            with hook_timing() as report:
                for _ in range(3):
                    sess.run(c)
    rows = report.as_dict()
    assert set(rows) == {"hooks[0] Slow", "hooks[1] Slow"}
    for r in rows.values():
        assert r["calls"] == 3
        assert r["before_run"] >= 3 * 0.002
        assert r["after_run"] >= 3 * 0.001
    assert rows["hooks[0] Slow"]["fetch"] == 0.0
    assert rows["hooks[1] Slow"]["fetch"] >= 3 * 0.003
    assert report.runs == 3
    assert any("Hook timing over 3 runs" in r.getMessage() for r in caplog.records)
    assert "extra fetch ms" in report.format()


def np_one():
    import numpy as np

    return np.float32(1.0)


def test_no_overhead_after_the_block():
    c = tk.constant(1.0)
    hook = Slow()
    with tk.train.MonitoredSession(hooks=[hook]) as sess:
        with hook_timing(log=False) as report:
            sess.run(c)
        sess.run(c)
    assert report.as_dict()["hooks[0] Slow"]["calls"] == 1


def test_only_the_named_session_is_timed_and_traced():
    c = tk.constant(1.0)
    timed_hook, other_hook = Slow(), Slow()
    seen_options, seen_timed = [], []

    class SeeOptions(SessionRunHook):
        def __init__(self, into):
            self.into = into

        def after_run(self, run_context, run_values):
            self.into.append(run_values.run_metadata.step_stats.dev_stats)

    timed = tk.train.MonitoredSession(hooks=[timed_hook, SeeOptions(seen_timed)])
    other = tk.train.MonitoredSession(hooks=[other_hook, SeeOptions(seen_options)])
    with hook_timing(timed, log=False) as report:
        timed.run(c)
        other.run(c)
        other.run(c)
    timed.close()
    other.close()
    assert set(report.as_dict()) == {"hooks[0] Slow", "hooks[1] SeeOptions"}
    assert report.as_dict()["hooks[0] Slow"]["calls"] == 1
    assert report.runs == 1
    # The untimed session was never traced while the other was being timed.
    assert seen_options == [[], []]
    assert len(seen_timed) == 1 and seen_timed[0]  # the timed one was traced


def test_without_a_session_it_needs_an_entered_one():
    import pytest

    with pytest.raises(ValueError, match="no session to measure"):
        with hook_timing():
            pass
    with pytest.raises(TypeError, match="not a monitored session"):
        with tk.Session() as plain, hook_timing(plain):
            pass
