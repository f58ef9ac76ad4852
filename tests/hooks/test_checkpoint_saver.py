"""CheckpointSaverHook and CheckpointSaverListener."""

from __future__ import annotations

import os

import pytest

import trainkit as tk
from tests.hooks.conftest import counter_model, read_events, run_steps
from trainkit.hooks import CheckpointSaverHook, CheckpointSaverListener


class CountingSaver:
    def __init__(self):
        self.steps = []

    def save(self, sess, path, global_step=None, write_meta_graph=True):
        self.steps.append(global_step)
        return f"{path}-{global_step}"


class Listener(CheckpointSaverListener):
    def __init__(self, stop_at=None):
        self.calls = []
        self.stop_at = stop_at

    def begin(self):
        self.calls.append("begin")

    def before_save(self, session, step):
        self.calls.append(("before_save", step))

    def after_save(self, session, step):
        self.calls.append(("after_save", step))
        return step == self.stop_at

    def end(self, session, step):
        self.calls.append(("end", step))


def test_save_steps_one_two_runs_saves_at_0_1_2(tmp_path):
    gs, train = counter_model()
    saver = CountingSaver()
    listener = Listener()
    hook = CheckpointSaverHook(str(tmp_path), save_steps=1, saver=saver,
                               listeners=[listener])
    run_steps([hook], train, 2)
    assert saver.steps == [0, 1, 2]
    assert listener.calls == ["begin", ("before_save", 0), ("after_save", 0),
                              ("before_save", 1), ("after_save", 1), ("before_save", 2),
                              ("after_save", 2), ("end", 2)]


def test_end_saves_the_last_step_once(tmp_path):
    gs, train = counter_model()
    saver = CountingSaver()
    run_steps([CheckpointSaverHook(str(tmp_path), save_steps=3, saver=saver)], train, 7)
    assert saver.steps == [0, 3, 6, 7]


def test_save_secs_uses_the_clock(tmp_path, clock):
    gs, train = counter_model()
    saver = CountingSaver()
    hook = CheckpointSaverHook(str(tmp_path), save_secs=10, saver=saver)
    with tk.train.MonitoredSession(hooks=[hook]) as sess:
        sess.run(train)
        clock.advance(10)
        sess.run(train)
        sess.run(train)
        clock.advance(5)
        sess.run(train)
    assert saver.steps == [0, 2, 4]


def test_listener_can_stop_training(tmp_path):
    gs, train = counter_model()
    hook = CheckpointSaverHook(str(tmp_path), save_steps=2, saver=CountingSaver(),
                               listeners=[Listener(stop_at=4)])
    assert run_steps([hook], train, 100) == 4


def test_real_checkpoints_graph_and_events(tmp_path):
    gs, train = counter_model()
    saver = tk.train.Saver()
    run_steps([CheckpointSaverHook(str(tmp_path), save_steps=2, saver=saver)], train, 3)
    assert tk.train.latest_checkpoint(str(tmp_path)).endswith("model.ckpt-3")
    assert tk.train.load_variable(str(tmp_path), "global_step") == 3
    assert os.path.exists(tmp_path / "graph.pbtxt")
    assert os.path.exists(tmp_path / "model.ckpt-0.meta")
    logs = [(e.step, e.session_log.checkpoint_path) for e in read_events(tmp_path)
            if e.HasField("session_log")]
    path = os.path.join(str(tmp_path), "model.ckpt")
    assert logs == [(0, path), (2, path), (3, path)]


def test_saver_from_collection_or_error(tmp_path):
    gs, train = counter_model()
    # A scaffold given a saver does not add it to the SAVERS collection.
    creator = tk.train.ChiefSessionCreator(scaffold=tk.train.Scaffold(saver=object()))
    hook = CheckpointSaverHook(str(tmp_path), save_steps=1)
    with pytest.raises(RuntimeError, match="No items in collection savers"):
        tk.train.MonitoredSession(session_creator=creator, hooks=[hook])
    tk.add_to_collection(tk.GraphKeys.SAVERS, CountingSaver())
    tk.add_to_collection(tk.GraphKeys.SAVERS, CountingSaver())
    with pytest.raises(RuntimeError, match="More than one item in collection savers"):
        tk.train.MonitoredSession(session_creator=creator,
                                  hooks=[CheckpointSaverHook(str(tmp_path), save_steps=1)])
    # The default scaffold's saver is found through the collection.
    tk.get_collection_ref(tk.GraphKeys.SAVERS).clear()
    saver = CountingSaver()
    tk.add_to_collection(tk.GraphKeys.SAVERS, saver)
    run_steps([CheckpointSaverHook(str(tmp_path), save_steps=1)], train, 1)
    assert saver.steps == [0, 1]


def test_argument_errors(tmp_path):
    with pytest.raises(ValueError, match="saver and scaffold"):
        CheckpointSaverHook(str(tmp_path), save_steps=1, saver=object(),
                            scaffold=tk.train.Scaffold())
    with pytest.raises(ValueError, match="every_secs.*every_steps"):
        CheckpointSaverHook(str(tmp_path))
    with pytest.raises(ValueError, match="every_secs.*every_steps"):
        CheckpointSaverHook(str(tmp_path), save_secs=1, save_steps=1)
    with pytest.raises(ValueError, match="checkpoint_dir"):
        CheckpointSaverHook("", save_steps=1)


def test_no_final_save_on_error(tmp_path):
    gs, train = counter_model()
    saver = CountingSaver()
    hook = CheckpointSaverHook(str(tmp_path), save_steps=5, saver=saver)
    with pytest.raises(KeyError):
        with tk.train.MonitoredSession(hooks=[hook]) as sess:
            sess.run(train)
            raise KeyError("x")
    assert saver.steps == [0]
    assert tk.summary.FileWriterCache.get(str(tmp_path)) is not None  # reopened fine
