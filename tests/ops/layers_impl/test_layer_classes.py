"""Class-style layers: names and variables as TF 2.21 builds them (tf.compat.v1.layers,
TF_USE_LEGACY_KERAS=1), values against NumPy, reuse across calls, custom subclasses."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk


def _net(layers, x, training):
    c, bn, ct, p, f, dr, d = layers
    h = bn(c(x), training=training)
    up = ct(h)
    return d(dr(f(p(h)), training=training)), up


def test_names_variables_and_reuse_match_tf():
    x = tk.placeholder(tk.float32, [None, 8, 8, 3])
    layers = (tk.layers.Conv2D(4, 3, padding="same"), tk.layers.BatchNormalization(),
              tk.layers.Conv2DTranspose(2, 3, strides=2, padding="same"),
              tk.layers.MaxPooling2D(2, 2), tk.layers.Flatten(), tk.layers.Dropout(0.3),
              tk.layers.Dense(2))
    a, up = _net(layers, x, True)
    with tk.variable_scope("other"):
        b, _ = _net(layers, x, False)
    assert [v.name for v in tk.global_variables()] == [  # TF 2.21
        "conv2d/kernel:0", "conv2d/bias:0", "batch_normalization/gamma:0",
        "batch_normalization/beta:0", "batch_normalization/moving_mean:0",
        "batch_normalization/moving_variance:0", "conv2d_transpose/kernel:0",
        "conv2d_transpose/bias:0", "dense/kernel:0", "dense/bias:0"]
    c, bn, ct, _, _, _, d = layers
    assert (a.name, b.name) == ("dense/BiasAdd:0", "dense/BiasAdd_1:0")
    assert up.shape.as_list() == [None, 16, 16, 2]
    assert d.kernel.name == "dense/kernel:0" and d.bias.name == "dense/bias:0"
    assert d.trainable_variables == [d.kernel, d.bias] and d.name == "dense"
    assert len(bn.updates) == 2 and bn.moving_mean.name == "batch_normalization/moving_mean:0"
    assert bn.trainable_weights == [bn.gamma, bn.beta]
    assert bn.non_trainable_variables == [bn.moving_mean, bn.moving_variance]
    assert ct.kernel.shape.as_list() == [3, 3, 2, 4]


def test_dense_values_and_shared_kernel():
    dense = tk.layers.Dense(3, activation=tk.nn.relu, kernel_initializer=tk.ones_initializer(),
                            bias_initializer=tk.constant_initializer(-1.0), name="proj")
    x1, x2 = tk.constant([[1.0, 2.0]]), tk.constant([[0.0, 0.5], [2.0, 2.0]])
    y1, y2 = dense(x1), dense.apply(x2)
    assert len(tk.trainable_variables()) == 2 and dense.built
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        v1, v2 = sess.run([y1, y2])
    np.testing.assert_array_equal(v1, [[2.0, 2.0, 2.0]])
    np.testing.assert_array_equal(v2, [[0.0, 0.0, 0.0], [3.0, 3.0, 3.0]])


def test_conv2d_transpose_layer_valid_shape_and_average_pooling():
    x = tk.constant(np.arange(32, dtype=np.float32).reshape(1, 4, 4, 2))
    y = tk.layers.conv2d_transpose(x, 3, (3, 2), strides=(2, 1), padding="valid")
    assert y.shape.as_list() == [1, 9, 5, 3]  # 4*2 + (3-2) and 4*1 + (2-1), as TF
    pooled = tk.layers.AveragePooling2D(2, 2)(x)
    same = tk.layers.average_pooling2d(x, 3, 2, padding="same")
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        pv, sv = sess.run([pooled, same])
    xv = np.arange(32, dtype=np.float32).reshape(1, 4, 4, 2)
    np.testing.assert_allclose(pv, xv.reshape(1, 2, 2, 2, 2, 2).mean((2, 4)))
    # SAME 3x3/2 on 4x4: pads 0 before, 1 after; windows [0:3] and [2:4] (edge excluded).
    np.testing.assert_allclose(sv[0, 1, 1], xv[0, 2:4, 2:4].mean((0, 1)))
    np.testing.assert_allclose(sv[0, 0, 0], xv[0, 0:3, 0:3].mean((0, 1)))


def test_custom_layer_subclass():
    class Scale(tk.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight("w", [input_shape.as_list()[-1]],
                                     initializer=tk.constant_initializer(2.0))

        def call(self, inputs):
            return inputs * self.w

    layer = Scale()
    y1, y2 = layer(tk.constant([[1.0, 2.0]])), layer(tk.constant([[3.0, 4.0]]))
    assert [v.op.name for v in layer.variables] == ["scale/w"]
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        assert sess.run(y1).tolist() == [[2.0, 4.0]] and sess.run(y2).tolist() == [[6.0, 8.0]]


def test_layer_argument_errors():
    with pytest.raises(TypeError, match="Keyword argument not understood"):
        tk.layers.Dense(2, bogus=1)
    with pytest.raises(TypeError, match="name must be a string"):
        tk.layers.Dense(2, name=3)
    with pytest.raises(ValueError, match="units must be a positive integer"):
        tk.layers.Dense(0)(tk.zeros([1, 2]))
    with pytest.raises(ValueError, match="has not been used yet"):
        _ = tk.layers.Dense(2).scope_name


def test_pooling_classes_are_siblings_as_in_tf1():
    """TF1's max and average pooling layers share a Pooling base, not each other: an
    average pool is no max pool, and a 3-D pool is no 1-D pool."""
    L = tk.layers
    classes = [L.MaxPooling1D, L.AveragePooling1D, L.MaxPooling2D, L.AveragePooling2D,
               L.MaxPooling3D, L.AveragePooling3D]
    for a in classes:
        for b in classes:
            assert issubclass(a, b) == (a is b), (a, b)
    x = tk.constant(np.arange(8.0, dtype=np.float32).reshape(1, 8, 1))
    with tk.Session() as sess:
        mx, av = sess.run([L.MaxPooling1D(2, 2)(x), L.AveragePooling1D(2, 2)(x)])
    np.testing.assert_array_equal(mx[0, :, 0], [1, 3, 5, 7])
    np.testing.assert_array_equal(av[0, :, 0], [0.5, 2.5, 4.5, 6.5])


def test_a_given_layer_name_is_made_unique_as_in_tf1():
    """TF 2.21 (tf.compat.v1.layers, legacy Keras) gives two Dense(name='m') in one scope
    'm' and 'm_1', and a re-opened reusing scope finds 's/m' again."""
    x = tk.zeros([2, 3])
    tk.layers.Dense(4, name="m", use_bias=False)(x)
    tk.layers.Dense(4, name="m", use_bias=False)(x)
    with tk.variable_scope("s"):
        tk.layers.Dense(2, name="m")(x)
    with tk.variable_scope("s", reuse=True):
        tk.layers.Dense(2, name="m")(x)
    assert [v.name for v in tk.global_variables()] == [
        "m/kernel:0", "m_1/kernel:0", "s/m/kernel:0", "s/m/bias:0"]
