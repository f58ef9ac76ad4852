"""The monitored loop: merging, stopping, closing, recovery, run_step_fn, hook subsets,
and MonitoredTrainingSession's defaults and resume."""

from __future__ import annotations

import collections
import threading

import pytest

import trainkit as tk
from trainkit import errors
from trainkit.training.monitored_session import MonitoredSession, SingularMonitoredSession
from trainkit.training.session_creators import ChiefSessionCreator
from trainkit.training.session_run_hook import SessionRunArgs, SessionRunHook


class Asker(SessionRunHook):
    """Asks for ``args`` every run and records what it gets."""

    def __init__(self, args=None, stop_after=None, stop_in_before=False):
        self.args = args
        self.got = []
        self.contexts = []
        self.stop_after = stop_after
        self.stop_in_before = stop_in_before
        self.created = 0

    def after_create_session(self, session, coord):
        self.created += 1

    def before_run(self, run_context):
        self.contexts.append(run_context)
        if self.stop_in_before:
            run_context.request_stop()
        return self.args

    def after_run(self, run_context, run_values):
        self.got.append(run_values)
        if self.stop_after is not None and len(self.got) >= self.stop_after:
            run_context.request_stop()


def test_results_mirror_each_hooks_structure():
    a, b = tk.constant(1.0), tk.constant(2.0)
    Pair = collections.namedtuple("Pair", "x y")
    hooks = [Asker(SessionRunArgs(a)), Asker(SessionRunArgs([a, b])),
             Asker(SessionRunArgs({"b": b, "a": [a]})), Asker(SessionRunArgs(Pair(b, a))),
             Asker(None), Asker(SessionRunArgs(None))]
    with MonitoredSession(hooks=hooks) as sess:
        assert sess.run({"x": b}) == {"x": 2.0}
    assert hooks[0].got[0].results == 1.0
    assert hooks[1].got[0].results == [1.0, 2.0]
    assert hooks[2].got[0].results == {"b": 2.0, "a": [1.0]}
    assert hooks[3].got[0].results == Pair(2.0, 1.0)
    assert hooks[4].got[0].results is None
    assert hooks[5].got[0].results is None
    # One context is shared by all hooks of a run and carries the caller's args.
    ctx = hooks[0].contexts[0]
    assert all(h.contexts[0] is ctx for h in hooks)
    assert ctx.original_args.fetches == {"x": b}


def test_feeds_merged_and_user_dict_untouched():
    x = tk.placeholder(tk.float32, [])
    y = tk.placeholder(tk.float32, [])
    hook = Asker(SessionRunArgs(None, feed_dict={y: 3.0}))
    user_feed = {x: 2.0}
    prod = x * y
    with MonitoredSession(hooks=[hook]) as sess:
        assert sess.run(prod, feed_dict=user_feed) == 6.0
    assert user_feed == {x: 2.0}


def test_feed_conflicts_name_both_sources():
    x = tk.placeholder(tk.float32, [], name="x")
    h1 = Asker(SessionRunArgs(None, feed_dict={x: 1.0}))
    h2 = Asker(SessionRunArgs(None, feed_dict={"x:0": 2.0}))
    with MonitoredSession(hooks=[h1, h2]) as sess:
        with pytest.raises(RuntimeError, match=r"fed by two hooks: x:0 .*Asker.*Asker"):
            sess.run(x)
    assert h1.got == []  # nothing ran
    with MonitoredSession(hooks=[h1]) as sess:
        with pytest.raises(RuntimeError, match="SessionRunHook and user: x:0"):
            sess.run(x, feed_dict={x: 3.0})


def test_options_merged_by_max_and_trace_fills_callers_metadata():
    c = tk.constant(1.0) + 1.0
    h1 = Asker(SessionRunArgs(None, options=tk.RunOptions(timeout_in_ms=50)))
    h2 = Asker(SessionRunArgs(None, options=tk.RunOptions(
        trace_level=tk.RunOptions.FULL_TRACE, timeout_in_ms=10)))
    meta = tk.RunMetadata()
    user_opts = tk.RunOptions(timeout_in_ms=20)
    with MonitoredSession(hooks=[h1, h2]) as sess:
        sess.run(c, options=user_opts, run_metadata=meta)
    opts = h1.got[0].options
    assert opts.timeout_in_ms == 50 and opts.trace_level == tk.RunOptions.FULL_TRACE
    assert user_opts.timeout_in_ms == 20  # the caller's object is not modified
    assert h2.got[0].run_metadata is meta
    assert meta.step_stats.dev_stats


def test_stop_requests():
    c = tk.constant(1.0)
    first = Asker(stop_after=1)
    second = Asker()
    with MonitoredSession(hooks=[first, second]) as sess:
        assert not sess.should_stop()
        sess.run(c)
        assert len(second.got) == 1  # after_run still called for every hook
        assert sess.should_stop()
        with pytest.raises(RuntimeError, match="should_stop requested"):
            sess.run(c)
    assert sess.should_stop()


def test_stop_in_before_run_does_not_cancel_the_step():
    hook = Asker(SessionRunArgs(tk.constant(5.0)), stop_in_before=True)
    with MonitoredSession(hooks=[hook]) as sess:
        assert sess.run(tk.get_default_graph().get_tensor_by_name("Const:0")) == 5.0
        assert sess.should_stop()
    assert hook.got[0].results == 5.0


class Ender(SessionRunHook):
    def __init__(self):
        self.ended = 0
        self.aborted = []

    def end(self, session):
        self.ended += 1

    def abort(self, session, error):
        self.aborted.append(error)


class MyEOF(errors.OutOfRangeError):
    pass


def test_clean_exits_swallowed_other_errors_propagate():
    h = Ender()
    with MonitoredSession(hooks=[h]) as sess:
        raise MyEOF(None, None, "subclass counts too")
    assert h.ended == 1 and sess.should_stop()
    h = Ender()
    c = tk.constant(1.0)
    with pytest.raises(KeyError):
        with MonitoredSession(hooks=[h]) as sess:
            raise KeyError("boom")
    assert h.ended == 0 and isinstance(h.aborted[0], KeyError)
    with pytest.raises(RuntimeError, match="closed"):
        sess.run(c)


def test_close_is_idempotent_and_unfinalizes_graph():
    h = Ender()
    sess = MonitoredSession(hooks=[h])
    assert tk.get_default_graph().finalized
    sess.close()
    sess.close()
    assert h.ended == 1
    assert not tk.get_default_graph().finalized


def test_hooks_must_be_hooks():
    with pytest.raises(TypeError, match=r"hooks\[1\] \(str\).*before_run"):
        MonitoredSession(hooks=[Asker(), "not a hook"])


def test_run_without_hooks_or_with_a_subset():
    c = tk.constant(1.0)
    a, b = Asker(SessionRunArgs(c)), Asker(SessionRunArgs(c))
    with MonitoredSession(hooks=[a, b]) as sess:
        sess.run(c, hooks=False)
        sess.run(c, hooks=[b])
        sess.run(c)
        with pytest.raises(ValueError, match=r"hooks\[0\].*not a hook of this"):
            sess.run(c, hooks=[Asker()])
        with pytest.raises(ValueError, match="hooks must be"):
            sess.run(c, hooks="all")
    assert (len(a.got), len(b.got)) == (1, 2)


def _flaky_op(fail_on_calls):
    calls = []

    def fn(x):
        calls.append(1)
        if len(calls) in fail_on_calls:
            raise errors.AbortedError(None, None, "preempted")
        return x

    return tk.py_func(fn, [tk.constant(1.0)], tk.float32), calls


def _counter_model():
    gs = tk.train.get_or_create_global_step()
    return gs, gs.assign_add(1)


def test_recovery_recreates_session_restores_and_retries(tmp_path):
    gs, train = _counter_model()
    flaky, calls = _flaky_op({2})
    hook = Asker()
    saver = tk.train.Saver()
    scaffold = tk.train.Scaffold(saver=saver)
    creator = ChiefSessionCreator(scaffold=scaffold, checkpoint_dir=str(tmp_path))
    with MonitoredSession(session_creator=creator, hooks=[hook]) as sess:
        sess.run(train)
        saver.save(sess._sess, str(tmp_path / "model.ckpt"), global_step=1)
        sess.run(train)  # step 2 is not checkpointed, so it is lost on recovery
        assert sess.run(flaky) == 1.0
        assert sess.run(flaky) == 1.0  # 2nd call aborts, new session, retried
        assert hook.created == 2
        assert sess.run(gs) == 1
    assert len(calls) == 3


def test_singular_session_does_not_recover():
    flaky, _ = _flaky_op({1})
    with SingularMonitoredSession() as sess:
        assert isinstance(sess.raw_session(), tk.Session)
        with pytest.raises(errors.AbortedError):
            sess.run(flaky)


def test_run_step_fn():
    gs, train = _counter_model()
    hook = Asker(SessionRunArgs(gs))

    def step_fn(step_context):
        step_context.session.run(train)  # skips hooks
        return step_context.run_with_hooks(train)

    with MonitoredSession(hooks=[hook]) as sess:
        assert sess.run_step_fn(step_fn) == 2
        assert sess.run(gs) == 2
        assert len(hook.got) == 2

        def stop_fn(step_context):
            step_context.request_stop()

        sess.run_step_fn(stop_fn)  # StopIteration ends the with block cleanly
        pytest.fail("not reached")


def test_run_step_fn_signature_and_stop_outside_with():
    sess = MonitoredSession()
    with pytest.raises(ValueError, match="step_context"):
        sess.run_step_fn(lambda ctx: None)

    class Stepper:
        def step(self, step_context):
            step_context.request_stop()

    with pytest.raises(StopIteration):
        sess.run_step_fn(Stepper().step)
    assert not sess.should_stop()
    sess.close()


def test_run_step_fn_recovers_with_new_session():
    flaky, calls = _flaky_op({1})
    sessions = []

    def step_fn(step_context):
        sessions.append(step_context.session)
        return step_context.session.run(flaky)

    with MonitoredSession() as sess:
        assert sess.run_step_fn(step_fn) == 1.0
    assert len(sessions) == 2 and sessions[0] is not sessions[1]


class ThreadHook(SessionRunHook):
    def after_create_session(self, session, coord):
        def work():
            with coord.stop_on_exception():
                raise ValueError("from a thread")

        t = threading.Thread(target=work)
        coord.register_thread(t)
        t.start()
        t.join()


def test_thread_error_surfaces_from_should_stop():
    sess = MonitoredSession(hooks=[ThreadHook()])
    with pytest.raises(ValueError, match="from a thread"):
        sess.should_stop()
    with pytest.raises(ValueError, match="from a thread"):
        sess.close()


# -- MonitoredTrainingSession ------------------------------------------------------------
def test_default_hook_order(tmp_path):
    _counter_model()
    chief, user = Asker(), Asker()
    sess = tk.train.MonitoredTrainingSession(checkpoint_dir=str(tmp_path),
                                             chief_only_hooks=[chief], hooks=[user])
    names = [type(h).__name__ for h in sess._hooks]
    sess.close()
    assert names == ["Asker", "StepCounterHook", "SummarySaverHook", "CheckpointSaverHook",
                     "Asker"]
    assert sess._hooks[0] is chief and sess._hooks[-1] is user


def test_hooks_switched_off(tmp_path):
    _counter_model()
    sess = tk.train.MonitoredTrainingSession(
        checkpoint_dir=str(tmp_path), log_step_count_steps=0, save_summaries_steps=0,
        save_checkpoint_secs=None)
    assert sess._hooks == []
    sess.close()


def test_non_chief_gets_only_user_hooks():
    tk.constant(1.0)
    user = Asker()
    sess = tk.train.MonitoredTrainingSession(is_chief=False, hooks=[user],
                                             chief_only_hooks=[Asker()])
    assert sess._hooks == [user]
    sess.close()


def test_both_values_of_a_pair_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="save_checkpoint_secs.*save_checkpoint_steps"):
        tk.train.MonitoredTrainingSession(checkpoint_dir=str(tmp_path),
                                          save_checkpoint_secs=10, save_checkpoint_steps=10)
    with pytest.raises(ValueError, match="save_summaries_secs.*save_summaries_steps"):
        tk.train.MonitoredTrainingSession(save_summaries_secs=10, save_summaries_steps=10)


def test_restart_resumes_from_latest_checkpoint(tmp_path):
    steps = []
    for _ in range(2):
        tk.reset_default_graph()
        gs, train = _counter_model()
        w = tk.Variable(0.0, name="w")
        train = tk.group(train, w.assign_add(0.5))
        with tk.train.MonitoredTrainingSession(
                checkpoint_dir=str(tmp_path),
                hooks=[tk.train.StopAtStepHook(num_steps=3)]) as sess:
            while not sess.should_stop():
                sess.run(train)
            steps.append(sess.run([gs, w], hooks=False))
    assert steps == [[3, 1.5], [6, 3.0]]
    assert tk.train.latest_checkpoint(str(tmp_path)).endswith("model.ckpt-6")
