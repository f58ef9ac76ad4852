"""Scaffold defaults, SessionManager and the session creators."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit import errors
from trainkit.training.scaffold import Scaffold
from trainkit.training.session_creators import ChiefSessionCreator, WorkerSessionCreator
from trainkit.training.session_manager import SessionManager


def test_finalize_builds_defaults_into_collections():
    v = tk.Variable(2.0, name="v")
    tk.summary.scalar("v", v)
    s = Scaffold().finalize()
    assert tk.get_default_graph().finalized
    assert tk.get_collection(tk.GraphKeys.INIT_OP) == [s.init_op]
    assert tk.get_collection(tk.GraphKeys.READY_OP) == [s.ready_op]
    assert tk.get_collection(tk.GraphKeys.LOCAL_INIT_OP) == [s.local_init_op]
    assert tk.get_collection(tk.GraphKeys.SUMMARY_OP) == [s.summary_op]
    assert tk.get_collection(tk.GraphKeys.SAVERS) == [s.saver]
    with tk.Session() as sess:
        assert list(sess.run(s.ready_op)) == [b"v"]
        assert list(sess.run(s.ready_for_local_init_op)) == [b"v"]
        sess.run(s.init_op)
        assert sess.run(s.ready_op).size == 0
        assert sess.run(v) == 2.0


def test_explicit_values_are_used_verbatim():
    op = tk.no_op(name="my_init")
    s = Scaffold(init_op=op, saver=object(), summary_op=tk.constant(b""),
                 ready_op=tk.constant(np.zeros([0], object), tk.string),
                 local_init_op=tk.no_op()).finalize()
    assert s.init_op is op
    assert tk.get_collection(tk.GraphKeys.INIT_OP) == []


def test_more_than_one_item_in_collection():
    tk.add_to_collection(tk.GraphKeys.INIT_OP, tk.no_op())
    tk.add_to_collection(tk.GraphKeys.INIT_OP, tk.no_op())
    with pytest.raises(RuntimeError, match='More than one item in the collection "init_op"'):
        Scaffold().finalize()


def test_copy_from_scaffold_and_init_fn():
    calls = []
    base = Scaffold(init_fn=lambda scaffold, sess: calls.append(scaffold), saver="s")
    copy = Scaffold(copy_from_scaffold=base)
    assert copy.saver == "s"
    copy.init_fn("sess")
    assert calls == [copy]
    with pytest.raises(TypeError, match="copy_from_scaffold"):
        Scaffold(copy_from_scaffold="nope")


def _model():
    gs = tk.train.get_or_create_global_step()
    v = tk.Variable(1.0, name="v")
    return gs, v, tk.group(gs.assign_add(1), v.assign_add(1.0))


def test_prepare_session_initializes_then_restores(tmp_path):
    gs, v, train = _model()
    calls = []
    scaffold = Scaffold(init_fn=lambda sc, sess: calls.append("init_fn"))
    creator = ChiefSessionCreator(scaffold=scaffold, checkpoint_dir=str(tmp_path))
    sess = creator.create_session()
    assert calls == ["init_fn"]
    sess.run(train)
    sess.run(train)
    scaffold.saver.save(sess, str(tmp_path / "model.ckpt"), global_step=2)
    sess.close()
    sess = creator.create_session()  # restores: init_fn is not called again
    assert calls == ["init_fn"]
    assert sess.run([gs, v]) == [2, 3.0]
    sess.close()


def test_prepare_session_errors(tmp_path):
    tk.Variable(1.0, name="v")
    ready = tk.report_uninitialized_variables()
    sm = SessionManager(ready_op=ready)
    with pytest.raises(RuntimeError, match="no init_op or init_fn or local_init_op"):
        sm.prepare_session("")
    with pytest.raises(RuntimeError, match="did not make model ready.*v"):
        sm.prepare_session("", init_op=tk.no_op())
    with pytest.raises(ValueError, match="checkpoint_dir and checkpoint_filename"):
        sm.prepare_session("", init_op=tk.no_op(), saver=object(), checkpoint_dir="a",
                           checkpoint_filename_with_path="b")
    with pytest.raises(ValueError, match="local_init_op"):
        SessionManager(ready_for_local_init_op=ready)


def test_recover_session(tmp_path):
    gs, v, train = _model()
    saver = tk.train.Saver()
    sm = SessionManager(ready_op=tk.report_uninitialized_variables())
    sess, ok = sm.recover_session("", saver=saver, checkpoint_dir=str(tmp_path))
    assert not ok
    sess.run(tk.global_variables_initializer())
    saver.save(sess, str(tmp_path / "m"), global_step=0)
    sess.close()
    sess, ok = sm.recover_session("", saver=saver, checkpoint_dir=str(tmp_path))
    assert ok and sess.run(v) == 1.0
    sess.close()


def test_worker_waits_then_gives_up():
    tk.Variable(1.0, name="v")
    creator = WorkerSessionCreator(scaffold=Scaffold(saver=object()), max_wait_secs=0)
    with pytest.raises(errors.DeadlineExceededError, match="not ready"):
        creator.create_session()


def test_creator_rejects_non_scaffold():
    with pytest.raises(ValueError, match="scaffold"):
        ChiefSessionCreator(scaffold="x")
