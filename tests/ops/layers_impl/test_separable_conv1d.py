"""``tk.layers.separable_conv1d`` / ``tk.layers.SeparableConv1D``: TF1's variables, the
output against a NumPy depthwise-then-pointwise convolution, values and input gradients
recorded with TF 2.21 (``tf.compat.v1.layers.separable_conv1d``, legacy Keras, same
weights), class-style reuse, and the errors of bad arguments."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import numeric_gradient

X = np.random.RandomState(0).randn(2, 9, 3).astype(np.float32)


def _load_weights(sess):
    for v in sorted(tk.trainable_variables(), key=lambda v: v.op.name):
        if "kernel" in v.op.name:
            rng = np.random.RandomState(len(v.op.name))
            v.load(rng.uniform(-0.5, 0.5, v.shape.as_list()).astype(np.float32), sess)


def _np_sep1d(x, dw, pw, b, stride, padding, dilation):
    """[batch, width, in] through a depthwise [k, in, m] then pointwise [1, in*m, out]."""
    k = dw.shape[0]
    span = dilation * (k - 1) + 1
    w = x.shape[1]
    if padding == "causal":
        x = np.pad(x, ((0, 0), (span - 1, 0), (0, 0)))
    elif padding == "same":
        out = -(-w // stride)
        total = max((out - 1) * stride + span - w, 0)
        x = np.pad(x, ((0, 0), (total // 2, total - total // 2), (0, 0)))
    n_out = (x.shape[1] - span) // stride + 1
    cols = np.stack([x[:, i * stride + np.arange(k) * dilation] for i in range(n_out)], 1)
    depth = np.einsum("bokc,kcm->bocm", cols, dw).reshape(x.shape[0], n_out, -1)
    return depth @ pw[0] + b


CASES = [  # kwargs, TF 2.21's y[0, :, 0], sum(y), sum(d sum(y*y) / dx)
    ({}, [0.721273, 0.386344, 0.253228, 0.421729, 0.186797, 0.343427, 0.408346],
     9.702986, 4.754096),
    ({"padding": "same", "strides": 2}, [0.758022, 0.386344, 0.421729, 0.343427, 0.071946],
     8.460044, 4.359253),
    ({"padding": "causal", "dilation_rate": 2, "depth_multiplier": 2},
     [0.224372, 0.0, 0.848016, 0.859879, 0.605537, 0.229082, 0.289448, 0.054854, 0.34738],
     15.917616, 7.648045),
]


@pytest.mark.parametrize("kwargs, tf_row, tf_sum, tf_grad_sum", CASES)
def test_matches_numpy_and_tf(kwargs, tf_row, tf_sum, tf_grad_sum):
    xt = tk.constant(X)
    y = tk.layers.separable_conv1d(xt, 4, 3, activation=tk.nn.relu,
                                   bias_initializer=tk.constant_initializer(0.1), **kwargs)
    m = kwargs.get("depth_multiplier", 1)
    assert sorted((v.op.name, v.shape.as_list()) for v in tk.trainable_variables()) == [
        ("separable_conv1d/bias", [4]), ("separable_conv1d/depthwise_kernel", [3, 3, m]),
        ("separable_conv1d/pointwise_kernel", [1, 3 * m, 4])]
    (gx,) = tk.gradients(tk.reduce_sum(y * y), [xt])
    with tk.Session() as s:
        s.run(tk.global_variables_initializer())
        _load_weights(s)
        yv, gxv = s.run([y, gx])
        dw, pw = s.run(["separable_conv1d/depthwise_kernel:0",
                        "separable_conv1d/pointwise_kernel:0"])
    want = np.maximum(_np_sep1d(X.astype(np.float64), dw, pw, 0.1, kwargs.get("strides", 1),
                                kwargs.get("padding", "valid"),
                                kwargs.get("dilation_rate", 1)), 0)
    np.testing.assert_allclose(yv, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(yv[0, :, 0], tf_row, atol=2e-6)
    np.testing.assert_allclose([yv.sum(), gxv.sum()], [tf_sum, tf_grad_sum], rtol=1e-5)


def test_channels_first_is_the_transposed_channels_last():
    a = tk.layers.separable_conv1d(tk.constant(X), 4, 3, padding="same", name="a")
    b = tk.layers.separable_conv1d(tk.constant(X.transpose(0, 2, 1)), 4, 3, padding="same",
                                   data_format="channels_first", name="b")
    with tk.Session() as s:
        s.run(tk.global_variables_initializer())
        for v in ("depthwise_kernel", "pointwise_kernel"):
            s.run(tk.assign(tk.get_default_graph().get_tensor_by_name(f"b/{v}:0"),
                            tk.get_default_graph().get_tensor_by_name(f"a/{v}:0")))
        av, bv = s.run([a, b])
    np.testing.assert_allclose(bv, av.transpose(0, 2, 1), rtol=1e-5, atol=1e-6)


def test_gradients_match_finite_differences():
    x = np.random.RandomState(1).randn(2, 6, 2)
    xt = tk.placeholder(tk.float64, x.shape)
    y = tk.layers.separable_conv1d(xt, 3, 2, padding="causal", depth_multiplier=2,
                                   dilation_rate=2, activation=tk.nn.tanh,
                                   bias_initializer=tk.constant_initializer(0.2))
    params = sorted(tk.trainable_variables(), key=lambda v: v.op.name)
    w = np.random.RandomState(2).uniform(0.5, 1.5, [2, 6, 3])
    loss = tk.reduce_sum(y * w)
    grads = tk.gradients(loss, [xt] + params)
    with tk.Session() as s:
        s.run(tk.global_variables_initializer())
        values = [x] + s.run(params)
        got = s.run(grads, {xt: x})

        def f(vals):
            for p, v in zip(params, vals[1:]):
                p.load(v, s)
            return s.run(loss, {xt: vals[0]})

        for i, g in enumerate(got):
            np.testing.assert_allclose(g, numeric_gradient(f, values, i), rtol=1e-5,
                                       atol=1e-8)


def test_class_layer_reuses_its_variables():
    layer = tk.layers.SeparableConv1D(5, 2, depth_multiplier=3)
    y1 = layer(tk.constant(X))
    y2 = layer(tk.constant(X[:, ::-1]))
    assert layer.depthwise_kernel.op.name == "separable_conv1d/depthwise_kernel"
    assert layer.pointwise_kernel.shape.as_list() == [1, 9, 5]
    assert len(tk.trainable_variables()) == 3
    assert y1.shape.as_list() == y2.shape.as_list() == [2, 8, 5]
    assert tk.layers.SeparableConv1D(2, 1)(tk.constant(X)).op.name.startswith(
        "separable_conv1d_1/")


@pytest.mark.parametrize("args, kwargs, match", [
    ((4, 0), {}, "kernel_size"),
    ((4, (2, 2)), {}, "tuple of 1 integers"),
    ((4, 3), {"padding": "full"}, "padding"),
    ((4, 3), {"strides": 2, "dilation_rate": 2}, "strides > 1"),
    ((4, 3), {"data_format": "NWC"}, "data_format"),
    ((0, 3), {}, "filters"),
])
def test_errors(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        tk.layers.separable_conv1d(tk.constant(X), *args, **kwargs)


def test_input_rank_error():
    with pytest.raises(ValueError, match="expected ndim=3"):
        tk.layers.separable_conv1d(tk.constant(X[0]), 4, 3)
