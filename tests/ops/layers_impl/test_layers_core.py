"""dense / flatten / dropout layers: names, values against NumPy, reuse, errors."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def test_dense_variables_names_and_value():
    x = tk.placeholder(tk.float64, [None, 3])
    y = tk.layers.dense(x, 2, activation=tk.nn.relu)
    y2 = tk.layers.dense(y, 4, use_bias=False)
    names = [v.op.name for v in tk.trainable_variables()]
    assert names == ["dense/kernel", "dense/bias", "dense_1/kernel"]
    assert y.shape.as_list() == [None, 2] and y2.shape.as_list() == [None, 4]
    k, b = tk.trainable_variables()[:2]
    assert k.dtype is tk.float64 and k.shape.as_list() == [3, 2]
    xs = np.array([[1.0, -2.0, 0.5], [0.1, 0.2, 0.3]])
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        kv, bv, out = sess.run([k, b, y], {x: xs})
    np.testing.assert_array_equal(bv, [0.0, 0.0])
    limit = np.sqrt(6.0 / (3 + 2))  # glorot uniform
    assert np.all(np.abs(kv) <= limit)
    np.testing.assert_allclose(out, np.maximum(xs @ kv + bv, 0.0))


def test_dense_rank3_reuse_regularizer_and_initializers():
    x = tk.constant(np.ones((2, 4, 3)), dtype=tk.float32)
    y = tk.layers.dense(x, 5, name="proj", kernel_initializer=tk.ones_initializer(),
                        bias_initializer=tk.constant_initializer(0.5),
                        kernel_regularizer=tk.layers.l2_regularizer(0.1))
    assert y.shape.as_list() == [2, 4, 5]
    y_again = tk.layers.dense(x, 5, name="proj", reuse=True)
    assert len(tk.trainable_variables()) == 2
    regs = tk.get_collection(tk.GraphKeys.REGULARIZATION_LOSSES)
    assert len(regs) == 1
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        out, out2, r = sess.run([y, y_again, regs[0]])
    np.testing.assert_allclose(out, np.full((2, 4, 5), 3.5))
    np.testing.assert_allclose(out2, out)
    assert r == pytest.approx(0.1 * 15 / 2)
    with pytest.raises(ValueError, match="already exists"):
        tk.layers.dense(x, 5, name="proj")


def test_dense_errors():
    with pytest.raises(ValueError, match="units must be a positive integer, got 0"):
        tk.layers.dense(tk.ones([2, 3]), 0)
    with pytest.raises(ValueError, match="last dimension of the inputs to `Dense`"):
        tk.layers.dense(tk.placeholder(tk.float32, [2, None]), 3)
    with pytest.raises(ValueError, match="expected min_ndim=2"):
        tk.layers.dense(tk.ones([3]), 2)
    with pytest.raises(TypeError, match="activation must be callable"):
        tk.layers.dense(tk.ones([2, 3]), 2, activation="relu")


def test_flatten():
    x = tk.placeholder(tk.float32, [None, 2, 3, 2])
    f = tk.layers.flatten(x)
    assert f.shape.as_list() == [None, 12]
    ch_first = tk.layers.flatten(x, data_format="channels_first")
    xs = np.arange(24, dtype=np.float32).reshape(2, 2, 3, 2)
    with tk.Session() as sess:
        a, b = sess.run([f, ch_first], {x: xs})
    np.testing.assert_array_equal(a, xs.reshape(2, 12))
    np.testing.assert_array_equal(b, xs.transpose(0, 2, 3, 1).reshape(2, 12))
    with pytest.raises(ValueError, match="data_format must be"):
        tk.layers.flatten(x, data_format="nhwc")


def test_dropout_training_known_at_build_time_decides_like_tf_smart_cond():
    """TF 2.21 (tf.compat.v1.layers.dropout, legacy Keras, graph mode) resolves
    ``training`` by ``smart_cond``: a constant tensor decides by its value's truthiness
    (Kyubyong's transformer passes ``tf.convert_to_tensor("train")``), Python 1 / 0 count
    as bools, rate 0 is the identity whatever ``training`` is, another Python type is a
    TypeError."""
    tk.set_random_seed(1)
    x = tk.ones([1000])
    applied = [tk.layers.dropout(x, 0.5, training=tk.convert_to_tensor("train")),
               tk.layers.dropout(x, 0.5, training=tk.constant(1)),
               tk.layers.dropout(x, 0.5, training=tk.constant(1.0)),
               tk.layers.dropout(x, 0.5, training=1)]
    identity = [tk.layers.dropout(x, 0.5, training=tk.convert_to_tensor("")),
                tk.layers.dropout(x, 0.5, training=tk.constant(0)),
                tk.layers.dropout(x, 0.5, training=0),
                tk.layers.dropout(x, 0.0, training=tk.placeholder(tk.bool, []))]
    assert not any(op.type in ("CondSelect", "Switch", "If")
                   for op in tk.get_default_graph().get_operations())
    with tk.Session() as sess:
        got_applied, got_identity = sess.run([applied, identity])
    for v in got_applied:
        assert set(np.unique(v).tolist()) == {0.0, 2.0}
    for v in got_identity:
        np.testing.assert_array_equal(v, np.ones(1000))
    with pytest.raises(TypeError, match="must be a Tensor, or a Python bool, or 1 or 0"):
        tk.layers.dropout(x, 0.5, training="train")
    with pytest.raises(TypeError, match="training=2 of type int"):
        tk.layers.dropout(x, 0.5, training=2)


def test_dropout_training_switch():
    tk.set_random_seed(1)
    x = tk.ones([1000])
    off = tk.layers.dropout(x, 0.5)
    on = tk.layers.dropout(x, 0.5, training=True)
    flag = tk.placeholder(tk.bool, [])
    switch = tk.layers.dropout(x, 0.5, training=flag)
    with tk.Session() as sess:
        v_off, v_on = sess.run([off, on])
        v_f = sess.run(switch, {flag: False})
        v_t = sess.run(switch, {flag: True})
    np.testing.assert_array_equal(v_off, np.ones(1000))
    np.testing.assert_array_equal(v_f, np.ones(1000))
    for v in (v_on, v_t):
        assert set(np.unique(v).tolist()) == {0.0, 2.0}
        assert 400 < np.count_nonzero(v) < 600
    with pytest.raises(ValueError, match=r"rate must be a scalar in \[0, 1\), got 1.0"):
        tk.layers.dropout(x, 1.0)
