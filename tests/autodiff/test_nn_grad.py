"""Gradient rules of the nn ops against central finite differences (float64), including
second derivatives through the fused gradient kernels."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
import trainkit.autodiff.array_grad  # noqa: F401 - registers the rules under test
import trainkit.autodiff.math_grad  # noqa: F401
import trainkit.autodiff.nn_grad  # noqa: F401
from tests.autodiff.gradcheck import check_grad
from trainkit.autodiff import gradients

R = np.random.default_rng(3)


def away(*shape):
    """Values with |x| >= 0.2 (no kink at 0) and away from 6 (relu6)."""
    return R.uniform(0.2, 1.5, shape) * R.choice([-1.0, 1.0], shape)


def distinct(*shape):
    n = int(np.prod(shape))
    return (R.permutation(n) * 0.37 - n * 0.15).reshape(shape) / 10.0


def twice(make):
    """x -> grad(sum(make(x)^2)) * x: differentiating it exercises the *Grad kernels."""
    def fn(x):
        y = make(x)
        (g,) = gradients(tk.reduce_sum(y * y), [x])
        return g * x
    return fn


ACTS = {
    "relu": tk.nn.relu, "relu6": tk.nn.relu6, "leaky_relu": tk.nn.leaky_relu,
    "elu": tk.nn.elu, "selu": tk.nn.selu, "softplus": tk.nn.softplus,
    "softsign": tk.nn.softsign,
}


@pytest.mark.parametrize("name", sorted(ACTS))
def test_activation_gradients_first_and_second_order(name):
    fn = ACTS[name]
    check_grad(fn, away(3, 4))
    check_grad(twice(fn), away(5))


@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax_log_softmax_gradients(axis):
    check_grad(lambda x: tk.nn.softmax(x, axis=axis), R.normal(size=(3, 4)))
    check_grad(lambda x: tk.nn.log_softmax(x, axis=axis), R.normal(size=(3, 4)))


def test_bias_add_gradients():
    check_grad(lambda x, b: tk.nn.bias_add(x, b), R.normal(size=(2, 3, 4)), R.normal(size=4))
    check_grad(lambda x, b: tk.nn.bias_add(x, b, data_format="NCHW") ** 2,
               R.normal(size=(2, 3, 2, 2)), R.normal(size=3))
    check_grad(twice(lambda b: tk.nn.bias_add(tk.constant(np.ones((2, 3))), b)),
               R.normal(size=3))


def test_loss_gradients():
    check_grad(tk.nn.l2_loss, R.normal(size=(3, 2)))
    check_grad(lambda z, x: tk.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
               R.uniform(size=(2, 3)), R.normal(size=(2, 3)))
    check_grad(lambda z, x: tk.nn.softmax_cross_entropy_with_logits_v2(labels=z, logits=x),
               R.dirichlet(np.ones(4), size=3), R.normal(size=(3, 4)))
    check_grad(lambda z, x: tk.nn.softmax_cross_entropy_with_logits_v2(
        labels=z, logits=x, axis=0), R.dirichlet(np.ones(3), size=4).T, R.normal(size=(3, 4)))
    labels = tk.constant([2, 0, 1])
    check_grad(lambda x: tk.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=x), R.normal(size=(3, 4)))


def test_softmax_xent_v1_stops_label_gradient():
    z = tk.placeholder(tk.float64, [2, 3])
    x = tk.placeholder(tk.float64, [2, 3])
    loss = tk.nn.softmax_cross_entropy_with_logits(labels=z, logits=x)
    gz, gx = gradients(loss, [z, x])
    assert gz is None and gx is not None


def test_xent_second_order():
    check_grad(twice(lambda x: tk.nn.softmax_cross_entropy_with_logits_v2(
        labels=tk.constant(np.full((2, 3), 1 / 3)), logits=x)), R.normal(size=(2, 3)))
    check_grad(twice(lambda x: tk.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tk.constant([1, 2]), logits=x)), R.normal(size=(2, 3)))


@pytest.mark.parametrize("strides,padding,fmt,dil", [
    ((1, 1), "SAME", "NHWC", (1, 1)), ((2, 2), "SAME", "NHWC", (1, 1)),
    ((2, 1), "VALID", "NHWC", (1, 1)), ((1, 2), "SAME", "NCHW", (1, 1)),
    ((1, 1), "SAME", "NHWC", (2, 2)),
])
def test_conv2d_gradients(strides, padding, fmt, dil):
    x = R.normal(size=(2, 5, 4, 2) if fmt == "NHWC" else (2, 2, 5, 4))
    w = R.normal(size=(3, 2, 2, 3))
    st = [1, *strides, 1] if fmt == "NHWC" else [1, 1, *strides]
    dl = [1, *dil, 1] if fmt == "NHWC" else [1, 1, *dil]
    check_grad(lambda a, b: tk.nn.conv2d(a, b, st, padding, data_format=fmt, dilations=dl),
               x, w)


def test_conv2d_backprop_second_order():
    w0 = tk.constant(R.normal(size=(2, 2, 1, 2)))
    x0 = tk.constant(R.normal(size=(1, 4, 4, 1)))
    check_grad(twice(lambda x: tk.nn.conv2d(x, w0, [1, 2, 2, 1], "SAME")),
               R.normal(size=(1, 4, 4, 1)))
    check_grad(twice(lambda w: tk.nn.conv2d(x0, w, [1, 1, 1, 1], "VALID")),
               R.normal(size=(2, 2, 1, 2)))


@pytest.mark.parametrize("k,s,padding", [((2, 2), (2, 2), "VALID"), ((3, 3), (2, 2), "SAME"),
                                         ((2, 3), (1, 1), "SAME")])
def test_pool_gradients(k, s, padding):
    x = distinct(2, 5, 6, 2)
    check_grad(lambda a: tk.nn.max_pool(a, [1, *k, 1], [1, *s, 1], padding), x)
    check_grad(lambda a: tk.nn.avg_pool(a, [1, *k, 1], [1, *s, 1], padding), x)


def test_pool_second_order_and_nchw():
    x = distinct(1, 2, 4, 4)
    check_grad(lambda a: tk.nn.max_pool(a, [1, 1, 2, 2], [1, 1, 2, 2], "SAME",
                                        data_format="NCHW"), x)
    check_grad(twice(lambda a: tk.nn.max_pool(a, [1, 2, 2, 1], [1, 1, 1, 1], "VALID")),
               distinct(1, 3, 3, 1))
    check_grad(twice(lambda a: tk.nn.avg_pool(a, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")),
               distinct(1, 3, 3, 1))


@pytest.mark.parametrize("k,shape,fmt", [((2, 2), (2, 4, 6, 2), "NHWC"),
                                         ((3, 2), (1, 6, 4, 2), "NHWC"),
                                         ((2, 2), (1, 2, 4, 4), "NCHW")])
def test_tiled_max_pool_gradients(k, shape, fmt):
    """Windows tiling the input exactly take the fast MaxPoolGrad path."""
    ks = [1, *k, 1] if fmt == "NHWC" else [1, 1, *k]
    check_grad(lambda a: tk.nn.max_pool(a, ks, ks, "VALID", data_format=fmt),
               distinct(*shape))
    check_grad(twice(lambda a: tk.nn.max_pool(a, ks, ks, "SAME", data_format=fmt)),
               distinct(*shape))


def test_small_cnn_gradients():
    """conv SAME + bias + relu + 2x2 max-pool + dense, the benchmark's network in small."""
    def net(x, w, b, wd):
        h = tk.nn.relu(tk.nn.bias_add(tk.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"), b))
        h = tk.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
        return tk.matmul(tk.reshape(h, [2, 2 * 2 * 3]), wd)

    x = distinct(2, 4, 4, 1)
    check_grad(net, x, R.normal(size=(3, 3, 1, 3)), R.normal(size=3) * 0.1,
               R.normal(size=(12, 2)), rtol=1e-5, atol=1e-6)
