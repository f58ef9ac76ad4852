"""tf.contrib.framework / slim variable helpers: assignment through placeholders from
values and checkpoints, local/global variables, filtering, and the core names
tf.contrib.framework re-exported. Behaviour and messages are tf_slim 1.1.0's
(``tf_slim.ops.variables``, the port of ``tf.contrib.framework.python.ops.variables``)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tf

fw = tf.contrib.framework


def test_assign_from_checkpoint_feeds_values_through_placeholders(tmp_path):
    a0 = np.arange(6, dtype=np.float32).reshape(2, 3)
    with tf.Graph().as_default():
        a = tf.Variable(a0, name="net/a")
        tf.Variable(np.float32(7.0), name="net/b")
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            path = tf.train.Saver().save(s, str(tmp_path / "m"))
    with tf.Graph().as_default():
        a = tf.Variable(np.zeros((2, 3), np.float32), name="net/a")
        b2 = tf.Variable(np.float32(0.0), name="other")
        extra = tf.Variable(np.float32(1.0), name="extra")
        op, feed = fw.assign_from_checkpoint(path, {"net/a": a, "net/b": [b2]})
        assert sorted(p.op.name for p in feed) == ["placeholder/net/a", "placeholder/other"]
        assert op.type == "NoOp"
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            s.run(op, feed)
            np.testing.assert_array_equal(s.run(a), a0)
            assert s.run(b2) == 7.0
        with pytest.raises(ValueError, match=r"^Checkpoint is missing variable \[extra\]$"):
            fw.assign_from_checkpoint(path, [extra])
        op, feed = fw.assign_from_checkpoint(path, [a, extra], ignore_missing_vars=True)
        assert [p.op.name for p in feed] == ["placeholder/net/a_1"]
        wrong = tf.Variable(np.zeros((3, 2), np.float32), name="net/a")  # -> net/a_1
        with pytest.raises(ValueError, match="Total size of new array must be unchanged"):
            fw.assign_from_checkpoint(path, {"net/a": wrong})
        with pytest.raises(TypeError, match="var_list"):
            fw.assign_from_checkpoint(path, a)


def test_assign_from_values_and_its_fn():
    with tf.Graph().as_default():
        w = tf.Variable(np.zeros((2, 2), np.float32), name="w")
        tf.Variable(np.zeros((2,), np.float32), name="w2")  # "w" prefixes it
        fn = fw.assign_from_values_fn({"w": np.array([1, 2, 3, 4], np.float32)})
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            fn(s)
            np.testing.assert_array_equal(s.run(w), [[1, 2], [3, 4]])
        with pytest.raises(ValueError, match="^Variable nope wasn't found$"):
            fw.assign_from_values({"nope": np.zeros(1)})
        tf.Variable(0.0, name="v/x")
        tf.Variable(0.0, name="v/y")
        with pytest.raises(ValueError, match="^Variable v doesn't uniquely identify"):
            fw.assign_from_values({"v": np.zeros(())})
        with pytest.raises(ValueError):
            fw.assign_from_values({"w": np.zeros(3)})  # does not reshape to [2, 2]


def test_local_and_global_variables_by_value():
    with tf.Graph().as_default():
        loc = fw.local_variable([1.0, 2.0], name="loc")
        glo = tf.contrib.slim.global_variable(3, name="glo")
        assert tf.local_variables() == [loc] and tf.global_variables() == [glo]
        assert tf.trainable_variables() == []
        assert fw.get_variable_full_name(loc) == "loc"
        with tf.Session() as s:
            s.run([tf.local_variables_initializer(), tf.global_variables_initializer()])
            assert s.run(loc).tolist() == [1.0, 2.0] and s.run(glo) == 3


def test_filter_variables_and_global_step_check():
    with tf.Graph().as_default():
        vs = [tf.Variable(0.0, name=n) for n in ("Conv/weights", "Conv/biases", "Logits/w")]
        names = lambda xs: [v.op.name for v in xs]  # noqa: E731
        assert names(fw.filter_variables(vs, ["Conv"], ["biases"])) == ["Conv/weights"]
        assert names(fw.filter_variables(vs, ["weights"], reg_search=False)) == []
        assert names(fw.filter_variables(vs, exclude_patterns=["Conv"])) == ["Logits/w"]
        assert fw.assert_or_get_global_step() is None
        gs = tf.train.get_or_create_global_step()
        assert fw.assert_or_get_global_step() is gs
        assert fw.assert_or_get_global_step(global_step_tensor=gs) is gs
        with pytest.raises(TypeError):
            fw.assert_or_get_global_step(global_step_tensor=vs[0])


def test_core_reexports_and_nest_stay_out_of_slim():
    assert fw.load_checkpoint is tf.train.load_checkpoint
    assert fw.list_variables is tf.train.list_variables
    assert fw.get_name_scope is tf.get_name_scope
    assert fw.nest.is_sequence([1]) and not fw.nest.is_sequence("ab")
    assert fw.nest.is_sequence({"a": 1}) and not fw.nest.is_sequence(np.zeros(2))
    assert fw.nest.flatten({"b": 1, "a": (2, 3)}) == [2, 3, 1]
    assert not hasattr(tf.contrib.slim, "nest")
    assert tf.contrib.slim.variables.get_model_variables is fw.get_model_variables
    assert tf.contrib.slim.assign_from_checkpoint is fw.assign_from_checkpoint


def test_small_namespaces():
    assert tf.contrib.learn.ModeKeys.INFER == tf.estimator.ModeKeys.PREDICT == "infer"
    assert (tf.contrib.learn.ModeKeys.TRAIN, tf.contrib.learn.ModeKeys.EVAL) == ("train", "eval")
    assert tf.contrib.data.AUTOTUNE == -1
    assert tf.contrib.data.enumerate_dataset is tf.data.experimental.enumerate_dataset
    assert tf.queue.FIFOQueue is tf.FIFOQueue and tf.queue.RandomShuffleQueue is \
        tf.RandomShuffleQueue
    here = __file__.rsplit("/", 1)[0]
    assert tf.resource_loader.get_data_files_path() == here
    assert tf.resource_loader.get_path_to_datafile("x.txt") == here + "/x.txt"
    assert tf.resource_loader.get_root_dir_with_all_resources() == here
    assert tf.resource_loader.readahead_file_path("/a/b") == "/a/b"
