"""``tf.layers.conv3d_transpose`` / ``Conv3DTranspose`` against TF 2.21.0
(``TF_USE_LEGACY_KERAS=1``, ``tf.compat.v1``, float64, identical weights): variable names
and shapes, outputs and gradients."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

X = (np.arange(8.0).reshape(1, 2, 2, 1, 2) - 3) / 4
KERNEL = ((np.arange(16) * 5 % 7) - 3.0).reshape(2, 1, 2, 2, 2) / 4
# recorded with TF 2.21.0: conv3d_transpose(x, 2, (2, 1, 2), strides=(2, 1, 1), 'valid',
# kernel_initializer=constant(KERNEL), bias_initializer=constant(0.5)) and the gradients
# of sum(y * y) with respect to x, kernel and bias
TF_Y = [[[[[0.8125, 0.75], [-0.1875, 1.0625]], [[0.6875, 0.5], [0.3125, 0.5625]]],
         [[[0.125, 0.5], [0.4375, 0.8125]], [[0.375, 0.625], [0.4375, 0.6875]]],
         [[[0.5625, 0.25], [0.8125, 0.0625]], [[0.4375, 0.0], [1.3125, -0.4375]]],
         [[[0.625, 0.75], [0.4375, 0.5625]], [[0.875, 0.875], [0.4375, 0.4375]]]]]
TF_GX = [[[[[-3.40625, -0.28125]], [[-1.90625, 0.90625]]],
          [[[-0.40625, 2.09375]], [[1.09375, 3.28125]]]]]
TF_GK = [[[[[-0.625, 0.625], [-1.25, -0.5]], [[2.5, 3.625], [-2.5, -1.875]]]],
         [[[[1.25, 2.25], [0.625, 2.0]], [[0.0, 0.875], [-0.625, 0.625]]]]]
TF_GB = [17.0, 16.0]


def test_values_and_gradients_match_tf():
    x = tk.placeholder(tk.float64, [None, 2, 2, 1, 2])
    y = tk.layers.conv3d_transpose(x, 2, (2, 1, 2), strides=(2, 1, 1), padding="valid",
                                   kernel_initializer=tk.constant_initializer(KERNEL),
                                   bias_initializer=tk.constant_initializer(0.5))
    assert y.shape.as_list() == [None, 4, 2, 2, 2]
    kernel, bias = tk.trainable_variables()
    assert kernel.op.name == "conv3d_transpose/kernel" and bias.op.name == \
        "conv3d_transpose/bias"
    g = tk.gradients(tk.reduce_sum(y * y), [x, kernel, bias])
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        yv, gx, gk, gb = sess.run([y, *g], {x: X})
    np.testing.assert_allclose(yv, TF_Y, atol=1e-12)
    np.testing.assert_allclose(gx, TF_GX, atol=1e-12)
    np.testing.assert_allclose(gk, TF_GK, atol=1e-12)
    np.testing.assert_allclose(gb, TF_GB, atol=1e-12)


# (strides, kernel_size, padding, input [N, D, H, W, C]) -> TF 2.21's output shape
SHAPES = [((1, 1, 1), (2, 3, 2), "valid", [2, 3, 4, 3, 2], [4, 6, 4]),
          ((2, 1, 2), 3, "same", [2, 2, 3, 2, 3], [4, 3, 4]),
          (2, (1, 2, 3), "valid", [1, 2, 2, 3, 2], [4, 4, 7])]


@pytest.mark.parametrize("strides,k,padding,shape,spatial", SHAPES)
def test_class_names_shapes_and_the_nn_op(strides, k, padding, shape, spatial):
    """Variables named and shaped as TF's; the output is nn.conv3d_transpose + bias."""
    x = tk.placeholder(tk.float64, [None, *shape[1:]])
    layer = tk.layers.Conv3DTranspose(4, k, strides=strides, padding=padding,
                                      activation=tk.nn.relu)
    y = layer(x)
    y2 = layer(x)  # reuses the variables
    assert isinstance(layer, tk.layers.Conv3D)
    assert y.shape.as_list() == [None, *spatial, 4]
    kd = k if isinstance(k, tuple) else (k,) * 3
    assert [(v.op.name, v.shape.as_list()) for v in layer.variables] == [
        ("conv3d_transpose/kernel", [*kd, 4, shape[-1]]), ("conv3d_transpose/bias", [4])]
    st = strides if isinstance(strides, tuple) else (strides,) * 3
    a = np.random.default_rng(0).standard_normal(shape)
    ref = tk.nn.relu(tk.nn.conv3d_transpose(a, layer.kernel, [shape[0], *spatial, 4],
                                            [1, *st, 1], padding.upper()) + layer.bias)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        sess.run(layer.bias.assign([0.1, -0.2, 0.3, 0.0]))
        got, again, want = sess.run([y, y2, ref], {x: a})
    np.testing.assert_allclose(got, want, atol=1e-12)
    np.testing.assert_array_equal(got, again)


def test_channels_first_is_channels_last_transposed():
    # TF 2.21's CPU kernel refuses NCDHW, so this is checked against channels_last
    a = np.random.default_rng(1).standard_normal((2, 3, 2, 3, 2))
    init = tk.constant_initializer(np.linspace(-1, 1, 2 * 2 * 2 * 4 * 2).reshape(
        2, 2, 2, 4, 2))
    first = tk.layers.conv3d_transpose(np.transpose(a, [0, 4, 1, 2, 3]), 4, 2,
                                       strides=(1, 2, 2), padding="same",
                                       data_format="channels_first",
                                       kernel_initializer=init,
                                       bias_initializer=tk.constant_initializer(0.25))
    last = tk.layers.conv3d_transpose(a, 4, 2, strides=(1, 2, 2), padding="same",
                                      kernel_initializer=init,
                                      bias_initializer=tk.constant_initializer(0.25))
    assert first.shape.as_list() == [2, 4, 3, 4, 6]
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        f, la = sess.run([first, last])
    np.testing.assert_allclose(f, np.transpose(la, [0, 4, 1, 2, 3]), atol=1e-12)


def test_bad_inputs():
    with pytest.raises(ValueError, match="expected ndim=5"):
        tk.layers.conv3d_transpose(tk.zeros([2, 3, 3, 2]), 2, 2)
    with pytest.raises(ValueError, match="channel dimension"):
        tk.layers.conv3d_transpose(tk.placeholder(tk.float32, [1, 2, 2, 2, None]), 2, 2)
    with pytest.raises(ValueError, match="kernel_size"):
        tk.layers.conv3d_transpose(tk.zeros([1, 2, 2, 2, 1]), 2, (2, 2))


def test_3d_class_default_names_are_tfs():
    """TF names Conv3D's scope ``conv3d`` (it used to be ``conv3_d`` here)."""
    layer = tk.layers.Conv3D(2, 2)
    layer(tk.zeros([1, 2, 2, 2, 1]))
    assert layer.kernel.op.name == "conv3d/kernel"
    assert tk.layers.MaxPooling3D(2, 2).name.startswith("max_pooling3d")
