"""Default layer names follow TF1: unique per variable scope, restarting when a scope is
re-entered, so the train-tower / eval-tower pattern shares variables.

Expected names were observed with TensorFlow 2.21 (tf.compat.v1, TF_USE_LEGACY_KERAS=1).
"""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def _net(x):
    h = tk.layers.conv2d(x, 4, 3)
    h = tk.layers.conv2d(h, 4, 3)
    h = tk.layers.flatten(h)
    return tk.layers.dense(h, 2)


def test_tower_pattern_reuses_variables_and_matches_tf_names():
    x = tk.placeholder(tk.float32, [None, 8, 8, 3])
    with tk.variable_scope("net"):
        train_out = _net(x)
    with tk.variable_scope("net", reuse=True):
        eval_out = _net(x)
    assert [v.name for v in tk.global_variables()] == [
        "net/conv2d/kernel:0", "net/conv2d/bias:0", "net/conv2d_1/kernel:0",
        "net/conv2d_1/bias:0", "net/dense/kernel:0", "net/dense/bias:0"]
    assert train_out.name == "net/dense/BiasAdd:0"
    assert eval_out.name == "net_1/dense/BiasAdd:0"
    xs = np.random.RandomState(0).rand(2, 8, 8, 3).astype(np.float32)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        a, b = sess.run([train_out, eval_out], {x: xs})
    np.testing.assert_array_equal(a, b)


def test_top_level_names_count_up_and_auto_reuse_reenters():
    x = tk.placeholder(tk.float32, [None, 8, 8, 3])
    c = tk.layers.dense(x, 2)
    d = tk.layers.dense(x, 2)
    assert (c.name, d.name) == ("dense/BiasAdd:0", "dense_1/BiasAdd:0")
    with tk.variable_scope("net"):
        _net(x)
    with tk.variable_scope("net", reuse=tk.AUTO_REUSE):
        e = _net(x)
    assert e.name == "net_1/dense/BiasAdd:0"
    assert len(tk.global_variables()) == 10


def test_reuse_true_without_existing_variables_is_an_error():
    x = tk.placeholder(tk.float32, [None, 3])
    with tk.variable_scope("tower", reuse=True):
        with pytest.raises(ValueError, match="tower/dense/kernel does not exist"):
            tk.layers.dense(x, 2)
