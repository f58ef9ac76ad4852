"""``tk.train.Supervisor``: TF1's defaults (collections, finalized graph), restore-or-init
across two managed sessions, queue runners started, the first checkpoint pass at once,
OutOfRangeError a clean stop and other errors re-raised after the threads stop."""

from __future__ import annotations

import glob
import os

import numpy as np
import pytest

import trainkit as tk


def _model():
    step = tk.train.get_or_create_global_step()
    w = tk.Variable(2.0, name="w")
    train = tk.group(tk.assign_sub(w, 0.5), tk.assign_add(step, 1))
    return step, w, train


def test_defaults_finalize_and_restore(tmp_path):
    logdir = str(tmp_path)
    with tk.Graph().as_default() as g:
        step, w, train = _model()
        # no checkpoint service: its first pass would race with the save below
        sv = tk.train.Supervisor(logdir=logdir, save_model_secs=0, save_summaries_secs=0)
        assert g.finalized and sv.global_step is step
        assert g.get_collection(tk.GraphKeys.INIT_OP) == [sv.init_op]
        assert g.get_collection(tk.GraphKeys.SAVERS) == [sv.saver]
        assert sv.summary_op is None  # no summaries in the graph
        with sv.managed_session() as sess:
            for _ in range(3):
                sess.run(train)
            sv.saver.save(sess, sv.save_path, global_step=step)
        assert sv.should_stop()
    assert os.path.exists(os.path.join(logdir, "graph.pbtxt"))
    assert tk.train.latest_checkpoint(logdir).endswith("model.ckpt-3")
    with tk.Graph().as_default():
        step, w, train = _model()
        sv = tk.train.Supervisor(logdir=logdir, save_model_secs=0, save_summaries_secs=0)
        with sv.managed_session() as sess:
            assert sess.run([step, w]) == [3, 0.5]  # restored, not re-initialized


def test_checkpoint_service_runs_at_start(tmp_path):
    with tk.Graph().as_default():
        _model()
        sv = tk.train.Supervisor(logdir=str(tmp_path), save_model_secs=3600,
                                 save_summaries_secs=0)
        with sv.managed_session():
            pass
    assert glob.glob(str(tmp_path / "model.ckpt-0.index"))


def test_queue_runners_and_clean_stop_on_out_of_range():
    with tk.Graph().as_default():
        q = tk.train.range_input_producer(4, num_epochs=1, shuffle=False)
        i = q.dequeue()
        sv = tk.train.Supervisor(logdir=None)
        seen = []
        with sv.managed_session() as sess:
            while not sv.should_stop():
                seen.append(int(sess.run(i)))
        assert seen == [0, 1, 2, 3]


def test_other_errors_are_reraised_and_init_fn_runs():
    with tk.Graph().as_default():
        w = tk.Variable(np.zeros(2, np.float32))
        sv = tk.train.Supervisor(init_fn=lambda sess: w.load([1.0, 2.0], sess))
        with pytest.raises(ValueError, match="boom"):
            with sv.managed_session() as sess:
                np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])
                raise ValueError("boom")


def test_summary_service_writes_at_start(tmp_path):
    with tk.Graph().as_default():
        _model()
        tk.summary.scalar("seven", tk.constant(7.0))
        sv = tk.train.Supervisor(logdir=str(tmp_path), save_model_secs=0,
                                 save_summaries_secs=3600)
        with sv.managed_session():
            pass
    values = [(e.step, v.tag, v.simple_value)
              for path in glob.glob(str(tmp_path / "events.out.tfevents.*"))
              for e in tk.train.summary_iterator(path) for v in e.summary.value]
    assert (0, "seven", 7.0) in values


def test_steps_per_second_service_writes_global_step_sec(tmp_path):
    from trainkit.training.supervisor import _StepCounter

    with tk.Graph().as_default():
        step, _, train = _model()
        sv = tk.train.Supervisor(logdir=str(tmp_path), save_summaries_secs=0,
                                 save_model_secs=0)
        with sv.managed_session() as sess:
            counter = _StepCounter(sv, sess)
            counter()  # first pass: only remembers the time and step
            sess.run(train)
            counter()
    tags = [(e.step, v.tag) for path in glob.glob(str(tmp_path / "events.out.tfevents.*"))
            for e in tk.train.summary_iterator(path) for v in e.summary.value]
    assert tags == [(1, "global_step/sec")]
