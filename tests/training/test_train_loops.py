"""``tf.train.LooperThread``, ``basic_train_loop``, ``generate_checkpoint_state_proto``
and the ``tf.train.queue_runner`` namespace (paths and the timestamp error printed by
TF 2.21 ``tf.compat.v1`` for the same calls)."""

from __future__ import annotations

import threading
import time

import pytest

import trainkit as tk


def test_looper_calls_the_target_at_once_and_then_periodically_until_stopped():
    coord = tk.train.Coordinator()
    calls: list[float] = []
    done = threading.Event()

    def target(x, y=0):
        calls.append(x + y)
        if len(calls) == 3:
            done.set()

    looper = tk.train.LooperThread.loop(coord, 0.01, target, args=(1,), kwargs={"y": 2})
    assert done.wait(5.0)
    coord.request_stop()
    coord.join([looper])
    assert calls[:3] == [3, 3, 3] and not looper.is_alive()


def test_looper_subclass_hooks_and_errors_reach_the_coordinator():
    events = []

    class Counting(tk.train.LooperThread):
        def start_loop(self):
            events.append("start")

        def run_loop(self):
            events.append("run")
            raise RuntimeError("boom")

    coord = tk.train.Coordinator()
    Counting(coord, None).start()
    with pytest.raises(RuntimeError, match="boom"):
        coord.join(stop_grace_period_secs=5)
    assert events == ["start", "run"]
    with pytest.raises(ValueError, match="require that you also pass 'target'"):
        tk.train.LooperThread(tk.train.Coordinator(), 1.0, args=(1,))
    with pytest.raises(ValueError, match="must be a Coordinator"):
        tk.train.LooperThread(object(), 1.0, target=print)


def test_basic_train_loop_runs_steps_until_the_supervisor_stops(tmp_path):
    with tk.Graph().as_default():
        step = tk.train.get_or_create_global_step()
        inc = tk.assign_add(step, 1)
        sv = tk.train.Supervisor(logdir=str(tmp_path), save_model_secs=0,
                                 save_summaries_secs=0)
        seen = []

        def train_step(sess, limit):
            seen.append(sess.run(inc))
            if seen[-1] >= limit:
                sv.request_stop()

        start = time.time()
        tk.train.basic_train_loop(sv, train_step, args=(5,))
        assert seen == [1, 2, 3, 4, 5] and time.time() - start < 30


def test_generate_checkpoint_state_proto_as_tf():
    gen = tk.train.generate_checkpoint_state_proto
    s = gen("ckpts", "ckpts/model-10", ["ckpts/model-5"])
    assert (s.model_checkpoint_path, s.all_model_checkpoint_paths) == \
        ("model-10", ["model-5", "model-10"])
    s = gen("/abs/d", "/abs/d/model-3")
    assert (s.model_checkpoint_path, s.all_model_checkpoint_paths) == \
        ("/abs/d/model-3", ["/abs/d/model-3"])
    s = gen("rel", "model-1", ["model-1"])
    assert (s.model_checkpoint_path, s.all_model_checkpoint_paths) == \
        ("../model-1", ["../model-1"])
    with pytest.raises(ValueError, match="must match checkpoint paths"):
        gen("d", "d/m", ["d/a"], [1.0, 2.0, 3.0])


def test_queue_runner_namespace():
    assert tk.train.queue_runner.QueueRunner is tk.train.QueueRunner
    assert tk.train.queue_runner.start_queue_runners is tk.train.start_queue_runners
