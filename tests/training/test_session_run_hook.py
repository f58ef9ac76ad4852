"""The hook records and the documented call order."""

from __future__ import annotations

import pytest

import trainkit as tk
from trainkit import errors
from trainkit.training.monitored_session import MonitoredSession
from trainkit.training.session_run_hook import (
    SessionRunArgs,
    SessionRunContext,
    SessionRunHook,
    SessionRunValues,
)


def test_records_fields_and_defaults():
    args = SessionRunArgs("f")
    assert args == ("f", None, None)
    assert (args.fetches, args.feed_dict, args.options) == ("f", None, None)
    values = SessionRunValues(results=1, options=2, run_metadata=3)
    assert (values.results, values.options, values.run_metadata) == (1, 2, 3)


def test_context_request_stop():
    ctx = SessionRunContext(SessionRunArgs("f"), session="sess")
    assert ctx.original_args.fetches == "f"
    assert ctx.session == "sess"
    assert not ctx.stop_requested
    ctx.request_stop()
    assert ctx.stop_requested


def test_default_hook_methods_do_nothing():
    h = SessionRunHook()
    assert h.begin() is None
    assert h.before_run(None) is None
    assert h.after_run(None, None) is None
    assert h.end(None) is None


class Recorder(SessionRunHook):
    def __init__(self, log):
        self.log = log

    def begin(self):
        self.log.append(("begin", tk.get_default_graph().finalized))

    def after_create_session(self, session, coord):
        self.log.append(("after_create_session", session.graph.finalized))

    def before_run(self, run_context):
        self.log.append("before_run")

    def after_run(self, run_context, run_values):
        self.log.append("after_run")

    def end(self, session):
        self.log.append("end")

    def abort(self, session, error):
        self.log.append(("abort", type(error).__name__))


def test_call_order():
    log = []
    c = tk.constant(1.0)
    with MonitoredSession(hooks=[Recorder(log)]) as sess:
        sess.run(c)
        sess.run(c)
    assert log == [("begin", False), ("after_create_session", True), "before_run",
                   "after_run", "before_run", "after_run", "end"]


@pytest.mark.parametrize("exc", [errors.OutOfRangeError(None, None, "eof"),
                                 StopIteration()])
def test_clean_stop_skips_after_run_but_calls_end(exc):
    log = []

    def raiser():
        raise exc

    c = tk.constant(1.0)
    with MonitoredSession(hooks=[Recorder(log)]) as sess:
        sess.run(c)
        log.clear()
        raiser()
    assert log == ["end"]


def test_other_error_skips_end_and_aborts():
    log = []
    x = tk.placeholder(tk.float32, [])
    with pytest.raises(errors.InvalidArgumentError):
        with MonitoredSession(hooks=[Recorder(log)]) as sess:
            log.clear()
            sess.run(x)  # unfed placeholder
    assert log == ["before_run", ("abort", "InvalidArgumentError")]


def test_context_built_directly_with_no_original_args():
    # Hook tests and user code build contexts as TF's tests do.
    with tk.Session() as sess:
        ctx = tk.train.SessionRunContext(original_args=None, session=sess)
        assert ctx.original_args is None and ctx.session is sess
        assert not ctx.stop_requested
        ctx.request_stop()
        assert ctx.stop_requested
