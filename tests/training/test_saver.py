"""Tests for trainkit.training.saver: TF1 Saver semantics on trainkit's checkpoint format."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import trainkit as tk
from trainkit import errors
from trainkit.framework.graph import GraphKeys
from trainkit.ops import random_ops, state_ops
from trainkit.ops.variables import Variable
from trainkit.training import checkpoint_format as cf
from trainkit.training import checkpoint_management as cm
from trainkit.training import checkpoint_reader as cr
from trainkit.training import saver as saver_lib
from trainkit.training.saver import Saver


@pytest.fixture
def model():
    w = Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="w")
    b = Variable(np.array([1, 2], np.int64), name="dense/b")
    return w, b


def _session():
    sess = tk.Session()
    sess.run(state_ops.global_variables_initializer())
    return sess


def _set(sess, var, value):
    sess.run(state_ops.assign(var, value))


# ----------------------------------------------------------------------------- save

def test_save_writes_files_state_and_returns_prefix(tmp_path, model):
    w, b = model
    saver, sess = Saver(), _session()
    path = saver.save(sess, str(tmp_path / "model.ckpt"), global_step=7)
    assert path == str(tmp_path / "model.ckpt-7")
    for suffix in (".index", ".data-00000-of-00001", ".meta"):
        assert os.path.isfile(path + suffix)
    # Internal state (random-op generators) is saved but not listed as a variable.
    assert cr.list_variables(path) == [("dense/b", [2]), ("w", [2, 3])]
    assert cr.NewCheckpointReader(path).has_tensor("_trainkit/random_state/.SAVEABLE/json")
    np.testing.assert_array_equal(cr.load_variable(path, "w"), [[0, 1, 2], [3, 4, 5]])
    assert cr.load_variable(path, "dense/b").dtype == np.int64
    assert (tmp_path / "checkpoint").read_text().splitlines()[:2] == [
        'model_checkpoint_path: "model.ckpt-7"', 'all_model_checkpoint_paths: "model.ckpt-7"']
    assert cm.latest_checkpoint(str(tmp_path)) == path
    # The .meta file is a real MetaGraphDef: the graph, its variables and the saver.
    from trainkit.training.meta_graph import read_meta_graph_file

    meta = read_meta_graph_file(path + ".meta")
    assert meta.saver_def.restore_op_name == "save/restore_all"
    assert meta.saver_def.filename_tensor_name == "save/Const:0"  # TF 2.21's
    names = [n.name for n in meta.graph_def.node]
    assert "w" in names and "dense/b" in names
    assert len(meta.collection_def["variables"].bytes_list.value) == 2


def test_global_step_forms(tmp_path, model):
    step = Variable(np.int64(42), name="global_step")
    saver, sess = Saver(), _session()
    assert saver.save(sess, str(tmp_path / "m"), global_step=step).endswith("m-42")
    assert saver.save(sess, str(tmp_path / "m"), global_step=np.int32(3)).endswith("m-3")
    assert saver.save(sess, str(tmp_path / "m")) == str(tmp_path / "m")
    padded = Saver(pad_step_number=True)
    assert padded.save(sess, str(tmp_path / "p"), global_step=5).endswith("p-00000005")


def test_save_without_state_or_meta(tmp_path, model):
    saver, sess = Saver(), _session()
    path = saver.save(sess, str(tmp_path / "m"), write_meta_graph=False, write_state=False)
    assert not os.path.exists(path + ".meta")
    assert not (tmp_path / "checkpoint").exists()
    assert saver.last_checkpoints == []


def test_max_to_keep_deletes_oldest_and_resave_moves_to_end(tmp_path, model):
    saver, sess = Saver(max_to_keep=2), _session()
    prefix = str(tmp_path / "m")
    for step in range(4):
        saver.save(sess, prefix, global_step=step)
    assert saver.last_checkpoints == [prefix + "-2", prefix + "-3"]
    assert not cm.checkpoint_exists(prefix + "-1") and not os.path.exists(prefix + "-0.meta")
    assert cm.checkpoint_exists(prefix + "-2")
    saver.save(sess, prefix, global_step=2)
    assert saver.last_checkpoints == [prefix + "-3", prefix + "-2"]
    state = cm.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == prefix + "-2"
    assert state.all_model_checkpoint_paths == [prefix + "-3", prefix + "-2"]
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["checkpoint"] + [f"m-{s}{x}" for s in (2, 3)
                          for x in (".index", ".data-00000-of-00001", ".meta")])


@pytest.mark.parametrize("keep", [0, None])
def test_max_to_keep_zero_or_none_keeps_everything(tmp_path, model, keep):
    saver, sess = Saver(max_to_keep=keep), _session()
    for step in range(3):
        saver.save(sess, str(tmp_path / "m"), global_step=step)
    assert all(cm.checkpoint_exists(str(tmp_path / f"m-{s}")) for s in range(3))
    assert saver.last_checkpoints == []  # as TF: nothing is tracked
    assert cm.get_checkpoint_state(str(tmp_path)).all_model_checkpoint_paths == \
        [str(tmp_path / "m-2")]


def test_keep_checkpoint_every_n_hours(tmp_path, model, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(saver_lib.time, "time", lambda: clock[0])
    saver, sess = Saver(max_to_keep=1, keep_checkpoint_every_n_hours=1.0), _session()
    for step, t in enumerate([1010.0, 1000.0 + 3700, 1000.0 + 3710, 1000.0 + 3720]):
        clock[0] = t
        saver.save(sess, str(tmp_path / "m"), global_step=step)
    # m-0 (t=1010 < 4600) deleted; m-1 (t=4700 > 4600) preserved; m-2 deleted; m-3 kept.
    assert [cm.checkpoint_exists(str(tmp_path / f"m-{s}")) for s in range(4)] == \
        [False, True, False, True]


def test_recover_and_set_last_checkpoints(tmp_path, model):
    sess = _session()
    first = Saver(max_to_keep=10)
    paths = [first.save(sess, str(tmp_path / "m"), global_step=s) for s in range(3)]
    second = Saver(max_to_keep=2)
    second.recover_last_checkpoints(paths + [str(tmp_path / "gone-1")])
    assert second.last_checkpoints == paths
    fourth = second.save(sess, str(tmp_path / "m"), global_step=3)
    # As TF: one checkpoint is dropped per save, even when more than max_to_keep remain.
    assert second.last_checkpoints == paths[1:] + [fourth]
    assert [cm.checkpoint_exists(p) for p in paths] == [False, True, True]
    second.save(sess, str(tmp_path / "m"), global_step=4)
    assert [cm.checkpoint_exists(p) for p in paths] == [False, False, True]
    second.set_last_checkpoints_with_time([("a", 1.0), ("b", 2.0)])
    assert second.last_checkpoints == ["a", "b"]
    with pytest.raises(TypeError, match="must be a list"):
        second.set_last_checkpoints_with_time(("a", 1.0))


# ----------------------------------------------------------------------------- restore

def test_restore_round_trip_in_place(tmp_path, model):
    w, b = model
    saver, sess = Saver(), _session()
    path = saver.save(sess, str(tmp_path / "m"))
    _set(sess, w, np.full((2, 3), -1.0, np.float32))
    saver.restore(sess, path)
    np.testing.assert_array_equal(sess.run(w), [[0, 1, 2], [3, 4, 5]])
    fresh = tk.Session()  # a restore initializes the variables
    saver.restore(fresh, path)
    assert fresh.run(state_ops.is_variable_initialized(w))
    assert fresh.run(b).tolist() == [1, 2]
    assert fresh.run(state_ops.report_uninitialized_variables()).tolist() == []


def test_restore_after_graph_finalized(tmp_path, model):
    saver, sess = Saver(), _session()
    tk.get_default_graph().finalize()
    path = saver.save(sess, str(tmp_path / "m"), global_step=1)
    saver.restore(sess, path)


def test_dict_var_list_names_and_restore_into_other_variables(tmp_path, model):
    w, _ = model
    sess = _session()
    path = Saver({"layer/kernel": w}).save(sess, str(tmp_path / "m"))
    assert cr.list_variables(path) == [("layer/kernel", [2, 3])]
    with tk.Graph().as_default():
        other = Variable(np.zeros((2, 3), np.float32), name="renamed")
        s2 = tk.Session()
        Saver({"layer/kernel": other}).restore(s2, path)
        assert s2.run(other)[1, 2] == 5.0


def test_reshape_allows_same_size(tmp_path, model):
    sess = _session()
    path = Saver().save(sess, str(tmp_path / "m"))
    with tk.Graph().as_default():
        w2 = Variable(np.zeros((3, 2), np.float32), name="w")
        s2 = tk.Session()
        with pytest.raises(errors.InvalidArgumentError):
            Saver([w2]).restore(s2, path)
        Saver([w2], reshape=True).restore(s2, path)
        np.testing.assert_array_equal(s2.run(w2), [[0, 1], [2, 3], [4, 5]])


def test_restore_errors(tmp_path, model):
    sess = _session()
    path = Saver().save(sess, str(tmp_path / "m"))
    with tk.Graph().as_default():
        Variable(np.zeros(2, np.float32), name="missing")
        with pytest.raises(errors.NotFoundError,
                           match=r"(?s)Restoring from checkpoint failed.*Key missing not found"):
            Saver().restore(tk.Session(), path)
    with tk.Graph().as_default():
        Variable(np.zeros((3, 3), np.float32), name="w")
        with pytest.raises(errors.InvalidArgumentError,
                           match=r"lhs shape= \[3, 3\] rhs shape= \[2, 3\] \(variable w\)"):
            Saver().restore(tk.Session(), path)
    with tk.Graph().as_default():
        Variable(np.zeros((2, 3), np.float64), name="w")
        with pytest.raises(errors.InvalidArgumentError,
                           match="expected dtype float64 does not equal original dtype float32"):
            Saver().restore(tk.Session(), path)
    saver = Saver()
    with pytest.raises(ValueError, match="not a valid checkpoint: .*nothing"):
        saver.restore(sess, str(tmp_path / "nothing"))
    with pytest.raises(ValueError, match="save_path when it is None"):
        saver.restore(sess, None)


def test_restore_is_all_or_nothing(tmp_path, model):
    w, b = model
    sess = _session()
    path = Saver().save(sess, str(tmp_path / "m"))
    extra = Variable(np.zeros(1, np.float32), name="zzz_new")
    sess.run(extra.initializer)
    _set(sess, w, np.full((2, 3), 9.0, np.float32))
    with pytest.raises(errors.NotFoundError, match="zzz_new"):
        Saver().restore(sess, path)
    assert sess.run(w)[0, 0] == 9.0  # untouched: the missing key was found first


def test_corrupt_checkpoint_restore_is_data_loss(tmp_path, model):
    sess = _session()
    path = Saver().save(sess, str(tmp_path / "m"))
    entry = cf.read_index(path).entries["w"]
    with open(path + ".data-00000-of-00001", "r+b") as f:
        f.seek(entry.offset + 3)
        f.write(b"\x7f")
    with pytest.raises(errors.DataLossError, match="checksum mismatch for tensor 'w'"):
        Saver().restore(sess, path)


# ----------------------------------------------------------------------------- saveables, RNG

class _Position:
    """A saveable object keeping per-session state, like a dataset iterator."""

    def __init__(self, name: str):
        self.name = name
        self.by_session: dict[int, dict] = {}

    def saveable_state(self, session):
        st = self.by_session.get(id(session), {"pos": 0, "tags": [b"start"]})
        return {"pos": np.int64(st["pos"]), "tags": np.array(st["tags"], dtype=object)}

    def restore_saveable_state(self, session, state):
        self.by_session[id(session)] = {"pos": int(state["pos"]),
                                        "tags": state["tags"].tolist()}


def test_saveable_objects_in_collection_are_saved_and_restored(tmp_path, model):
    pos = _Position("input/iterator")
    tk.get_default_graph().add_to_collection(GraphKeys.SAVEABLE_OBJECTS, pos)
    saver, sess = Saver(), _session()
    pos.by_session[id(sess)] = {"pos": 17, "tags": [b"a", b"bc"]}
    path = saver.save(sess, str(tmp_path / "m"))
    assert cr.load_variable(path, "input/iterator/.SAVEABLE/pos") == 17
    fresh = tk.Session()
    saver.restore(fresh, path)
    assert pos.by_session[id(fresh)] == {"pos": 17, "tags": [b"a", b"bc"]}


def test_missing_saveable_is_not_found(tmp_path, model):
    sess = _session()
    path = Saver().save(sess, str(tmp_path / "m"))
    pos = _Position("it")
    tk.get_default_graph().add_to_collection(GraphKeys.SAVEABLE_OBJECTS, pos)
    with pytest.raises(errors.NotFoundError, match=r"Key it/\.SAVEABLE not found"):
        Saver([pos]).restore(sess, path)
    Saver().restore(sess, path)  # a default Saver restores what the checkpoint holds


def test_random_state_resumes_exactly(tmp_path):
    x = random_ops.random_uniform([3], seed=1)
    y = random_ops.random_normal([2], seed=2)  # not used before the save
    Variable(0.0, name="v")
    saver = Saver()
    with tk.Session() as ref:  # the uninterrupted run
        ref.run(state_ops.global_variables_initializer())
        ref.run(x)
        expected = [ref.run(x), ref.run(y), ref.run(x)]
    with tk.Session() as sess:
        sess.run(state_ops.global_variables_initializer())
        sess.run(x)
        path = saver.save(sess, str(tmp_path / "m"))
    with tk.Session() as resumed:
        resumed.run(x)  # draws that must be undone by the restore
        resumed.run(y)
        saver.restore(resumed, path)
        got = [resumed.run(x), resumed.run(y), resumed.run(x)]
    for e, g in zip(expected, got):
        np.testing.assert_array_equal(e, g)


def test_explicit_var_list_does_not_touch_random_state(tmp_path, model):
    w, _ = model
    assert cr.list_variables(Saver([w]).save(_session(), str(tmp_path / "m"))) == \
        [("w", [2, 3])]


# ----------------------------------------------------------------------------- construction

def test_construction_errors(tmp_path, model):
    w, b = model
    with tk.Graph().as_default():
        with pytest.raises(ValueError, match="^No variables to save$"):
            Saver()
        empty = Saver(allow_empty=True)
        assert empty.save(tk.Session(), str(tmp_path / "e")) is None
        assert empty.restore(tk.Session(), str(tmp_path / "e")) is None
    with pytest.raises(ValueError, match="At least two variables have the same name: w"):
        Saver([w, b, w])
    both = Saver({"a": w, "b": w}).save(_session(), str(tmp_path / "two"))
    assert cr.list_variables(both) == [("a", [2, 3]), ("b", [2, 3])]  # one variable, 2 names
    with pytest.raises(TypeError, match=r"not a Variable or saveable object: 3 \(var_list\[1\]\)"):
        Saver([w, 3])
    with pytest.raises(TypeError, match="var_list keys must be strings, got 1"):
        Saver({1: w})
    with pytest.raises(ValueError, match="keep_checkpoint_every_n_hours must be positive"):
        Saver(keep_checkpoint_every_n_hours=0)


def test_save_argument_errors(tmp_path, model):
    saver, sess = Saver(), _session()
    with pytest.raises(ValueError, match="Parent directory of .*nodir.* doesn't exist"):
        saver.save(sess, str(tmp_path / "nodir" / "deeper" / "m"))
    assert not (tmp_path / "nodir").exists()
    with pytest.raises(ValueError, match="'latest_filename' must not contain path"):
        saver.save(sess, str(tmp_path / "m"), latest_filename="a/b")
    with pytest.raises(TypeError, match="'sess' must be a Session"):
        saver.save(object(), str(tmp_path / "m"))
    deferred = Saver(defer_build=True)
    with pytest.raises(RuntimeError, match="should be called before save"):
        deferred.save(sess, str(tmp_path / "m"))
    deferred.build()
    assert deferred.save(sess, str(tmp_path / "m")) == str(tmp_path / "m")


def test_uninitialized_variable_save_fails(tmp_path, model):
    with pytest.raises(errors.FailedPreconditionError, match="uninitialized"):
        Saver().save(tk.Session(), str(tmp_path / "m"))
    assert not os.path.exists(str(tmp_path / "m.index"))


def test_as_saver_def(model):
    sd = Saver(max_to_keep=3, keep_checkpoint_every_n_hours=2.0).as_saver_def()
    assert (sd.max_to_keep, sd.keep_checkpoint_every_n_hours) == (3, 2.0)
    assert sd.filename_tensor_name == "save/Const:0"  # TF 2.21's
    assert sd.restore_op_name == "save/restore_all"


def test_default_saver_restores_checkpoint_without_random_state(tmp_path, model):
    w, _ = model
    sess = _session()
    path = Saver([w]).save(sess, str(tmp_path / "m"))
    _set(sess, w, np.zeros((2, 3), np.float32))
    with pytest.raises(errors.NotFoundError, match="Key dense/b not found"):
        Saver().restore(sess, path)
    Saver({"w": w}).restore(sess, path)
    assert sess.run(w)[1, 2] == 5.0


# ----------------------------------------------------------------------------- crashes

_TRAINER = textwrap.dedent("""
    import sys
    import numpy as np
    import trainkit as tk
    from trainkit.ops import state_ops
    from trainkit.ops.variables import Variable
    from trainkit.training.checkpoint_management import latest_checkpoint
    from trainkit.training.saver import Saver

    d = sys.argv[1]
    step = Variable(np.int64(0), name="global_step")
    w = Variable(np.zeros(200_000, np.float32), name="w")
    train = [state_ops.assign_add(step, np.int64(1)),
             state_ops.assign_add(w, np.ones(200_000, np.float32))]
    saver = Saver(max_to_keep=2)
    sess = tk.Session()
    sess.run(state_ops.global_variables_initializer())
    latest = latest_checkpoint(d)
    if latest is not None:
        saver.restore(sess, latest)
    first = True
    while True:
        sess.run(train)
        saver.save(sess, d + "/model.ckpt", global_step=step)
        if first:
            print(int(sess.run(step)), flush=True)
            first = False
""")


def test_sigkill_during_saves_keeps_a_restorable_latest(tmp_path):
    script = tmp_path / "trainer.py"
    script.write_text(_TRAINER)
    ckpt_dir = tmp_path / "ckpt"
    ckpt_dir.mkdir()
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=repo + os.pathsep + os.environ.get("PYTHONPATH", ""))
    rng = random.Random(1)
    last = 0
    for _ in range(3):
        proc = subprocess.Popen([sys.executable, str(script), str(ckpt_dir)],
                                stdout=subprocess.PIPE, env=env, text=True)
        try:
            first = int(proc.stdout.readline())
            time.sleep(rng.uniform(0.0, 0.1))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            proc.stdout.close()
        assert first == last + 1  # the run resumed from the previous run's latest
        latest = cm.latest_checkpoint(str(ckpt_dir))
        step = int(latest.rsplit("-", 1)[1])
        with tk.Graph().as_default():
            gs = Variable(np.int64(0), name="global_step")
            w = Variable(np.zeros(200_000, np.float32), name="w")
            sess = tk.Session()
            Saver().restore(sess, latest)
            assert sess.run(gs) == step and np.all(sess.run(w) == step)
        last = step


def _train_checkpoint(tmp_path):
    """A training graph's checkpoint: input iterator, dropout RNG, Adam slots, step."""
    x = np.arange(60, dtype=np.float32).reshape(20, 3) / 60.0
    y = x.sum(1, keepdims=True)
    g = tk.Graph()
    with g.as_default():
        ds = tk.data.Dataset.from_tensor_slices((x, y)).shuffle(20, seed=1).repeat().batch(4)
        xb, yb = ds.make_one_shot_iterator().get_next()
        with tk.variable_scope("m"):
            pred = tk.layers.dense(tk.nn.dropout(xb, rate=0.5), 1, name="d")
        loss = tk.reduce_mean((pred - yb) ** 2)
        gs = tk.train.get_or_create_global_step()
        train = tk.train.AdamOptimizer(0.1).minimize(loss, global_step=gs)
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            for _ in range(3):
                sess.run(train)
            path = Saver().save(sess, str(tmp_path / "m"), global_step=gs)
            kernel = sess.run(g.get_tensor_by_name("m/d/kernel:0"))
    return path, x, kernel


def test_training_checkpoint_restores_into_eval_and_predict_graphs(tmp_path):
    path, x, kernel = _train_checkpoint(tmp_path)
    # Eval graph: its own (different) input iterator, no optimizer slots, no global step.
    g = tk.Graph()
    with g.as_default():
        xe = tk.data.Dataset.from_tensor_slices(x[:5]).batch(5).make_one_shot_iterator()
        with tk.variable_scope("m"):
            out = tk.layers.dense(xe.get_next(), 1, name="d")
        with tk.Session() as sess:
            Saver().restore(sess, path)
            np.testing.assert_array_equal(
                sess.run(g.get_tensor_by_name("m/d/kernel:0")), kernel)
            assert sess.run(out).shape == (5, 1)  # the eval pipeline starts at its beginning
    # Predict graph: a placeholder, no iterator at all.
    g = tk.Graph()
    with g.as_default():
        xp = tk.placeholder(tk.float32, [None, 3])
        with tk.variable_scope("m"):
            tk.layers.dense(xp, 1, name="d")
        with tk.Session() as sess:
            Saver().restore(sess, path)
            np.testing.assert_array_equal(
                sess.run(g.get_tensor_by_name("m/d/kernel:0")), kernel)


def test_explicit_saveable_that_does_not_fit_is_an_error(tmp_path):
    path, x, _ = _train_checkpoint(tmp_path)
    g = tk.Graph()
    with g.as_default():
        it = tk.data.Dataset.from_tensor_slices(x).batch(5).make_one_shot_iterator()
        it.get_next()
        with tk.Session() as sess:
            with pytest.raises(errors.InvalidArgumentError, match="does not fit"):
                Saver([it]).restore(sess, path)


def test_internal_state_is_not_listed_as_variables(tmp_path):
    path, _, _ = _train_checkpoint(tmp_path)
    names = [n for n, _ in cr.list_variables(path)]
    assert names == ["beta1_power", "beta2_power", "global_step", "m/d/bias", "m/d/bias/Adam",
                     "m/d/bias/Adam_1", "m/d/kernel", "m/d/kernel/Adam", "m/d/kernel/Adam_1"]
    reader = cr.NewCheckpointReader(path)
    assert set(reader.get_variable_to_dtype_map()) == set(names)
    assert b".SAVEABLE" not in reader.debug_string()
    assert reader.has_tensor("_trainkit/random_state/.SAVEABLE")  # still saved for resume
    g = tk.Graph()
    with g.as_default():
        tk.random_normal([2])
        tk.Variable(1.0, name="v")
        assert [v.op.name for v in tk.global_variables()] == ["v"]


def test_save_creates_the_checkpoint_directory_itself(tmp_path, model):
    """TF 2.21 compat.v1: ``save`` into a missing directory whose parent exists creates
    it (BERT saves its checkpoint to ``<dir>/pretrained/bert_model.ckpt``); a deeper
    missing path is the ValueError above."""
    path = Saver().save(_session(), str(tmp_path / "newdir" / "model.ckpt"))
    assert path == str(tmp_path / "newdir" / "model.ckpt")
    assert sorted(os.listdir(tmp_path / "newdir")) == [
        "checkpoint", "model.ckpt.data-00000-of-00001", "model.ckpt.index", "model.ckpt.meta"]
