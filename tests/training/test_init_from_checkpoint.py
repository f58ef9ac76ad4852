"""tf.train.init_from_checkpoint: TF1's assignment_map rules (scope to scope, root, one
name to a variable or variable name), values read when the initializers run, and TF's
errors for missing names and shape mismatches."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def _save(tmp_path):
    g = tk.Graph()
    with g.as_default():
        with tk.variable_scope("bert"):
            tk.get_variable("w", initializer=np.arange(6.).reshape(2, 3))
            with tk.variable_scope("layer"):
                tk.get_variable("b", initializer=np.array([7., 8.]))
        tk.get_variable("step_scale", initializer=np.float64(2.5))
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            return tk.train.Saver().save(sess, str(tmp_path / "model"))


def test_scope_and_single_mappings(tmp_path):
    path = _save(tmp_path)
    with tk.Graph().as_default():
        with tk.variable_scope("student"):
            w = tk.get_variable("w", [2, 3], tk.float64)
            with tk.variable_scope("layer"):
                b = tk.get_variable("b", [2], tk.float64)
        scale = tk.get_variable("scale", [], tk.float64)
        other = tk.get_variable("other", [], tk.float64, initializer=tk.ones_initializer())
        tk.train.init_from_checkpoint(str(tmp_path), {"bert/": "student/",
                                                      "step_scale": "scale"})
        assert w.initializer.name == "student/w/checkpoint_initializer"
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            got = sess.run([w, b, scale, other])
    np.testing.assert_array_equal(got[0], np.arange(6.).reshape(2, 3))
    assert got[1].tolist() == [7., 8.] and got[2] == 2.5 and got[3] == 1.0
    assert path.startswith(str(tmp_path))


def test_root_mapping_and_variable_objects(tmp_path):
    path = _save(tmp_path)
    with tk.Graph().as_default():
        with tk.variable_scope("new"):
            with tk.variable_scope("bert"):
                w = tk.get_variable("w", [2, 3], tk.float64)
                b = tk.get_variable("layer/b", [2], tk.float64)
        v = tk.Variable(np.zeros(2))
        tk.train.init_from_checkpoint(path, {"/": "new/", "bert/layer/b": v})
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            got = sess.run([w, b, v])
    assert got[0][1].tolist() == [3., 4., 5.] and got[1].tolist() == [7., 8.]
    assert got[2].tolist() == [7., 8.]


def test_errors(tmp_path):
    path = _save(tmp_path)
    with tk.Graph().as_default():
        tk.get_variable("x", [3], tk.float64)
        with pytest.raises(ValueError, match="is not found in"):
            tk.train.init_from_checkpoint(path, {"nope": "x"})
        with pytest.raises(ValueError, match="doesn't match with shape"):
            tk.train.init_from_checkpoint(path, {"bert/layer/b": "x"})
        with pytest.raises(ValueError, match="scope only"):
            tk.train.init_from_checkpoint(path, {"bert/w": "missing_scope/"})
