"""Arithmetic on complex tensors: values and gradients against TF 2.21 (recorded in
tests/ops/complex_math_tf.py), gradients against finite differences in TF's convention
(the gradient of ``z`` is ``dL/dRe z + i dL/dIm z``), and the ops TF refuses."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.ops.complex_math_tf import RECORDED

X = np.array([[1 + 2j, -0.5 + 0.25j, 3 - 1j], [0.75 - 1.5j, -2 + 0.5j, 0.25 + 1j]])
Y = np.array([0.5 - 1j, 2 + 0.5j, -1 + 1j])
A = np.array([[1 + 1j, 2 - 0.5j, -1j], [0.5 + 0j, -1 + 2j, 1.5 + 0.5j]])
B = np.array([[0.5 - 1j, 1 + 0j], [2j, -1 + 0.5j], [1 - 1j, 0.25 + 0.75j]])
C3 = np.stack([A, A * (0.5 - 1j)])

# the cases TF was run on (same names, same inputs)
CASES = {
    "add": (lambda x, y: x + y, X, Y), "sub": (lambda x, y: x - y, X, Y),
    "mul": (lambda x, y: x * y, X, Y), "truediv": (lambda x, y: x / y, X, Y),
    "div": (lambda x, y: tk.div(x, y), X, Y), "pow": (lambda x, y: x ** y, X, Y),
    "exp": (lambda x, y: tk.exp(x), X, Y), "log": (lambda x, y: tk.log(x), X, Y),
    "square": (lambda x, y: tk.square(x), X, Y), "sqrt": (lambda x, y: tk.sqrt(x), X, Y),
    "negative": (lambda x, y: tk.negative(x), X, Y),
    "reciprocal": (lambda x, y: tk.reciprocal(x), X, Y),
    "rsqrt": (lambda x, y: tk.rsqrt(x), X, Y), "log1p": (lambda x, y: tk.log1p(x), X, Y),
    "sin": (lambda x, y: tk.sin(x), X, Y), "cos": (lambda x, y: tk.cos(x), X, Y),
    "reduce_sum": (lambda x, y: tk.reduce_sum(x, 0) * y, X, Y),
    "reduce_mean": (lambda x, y: tk.reduce_mean(x, 1, keepdims=True) * y, X, Y),
    "reduce_prod": (lambda x, y: tk.reduce_prod(x, 1) * tk.reduce_prod(y), X, Y),
    "angle": (lambda x, y: tk.math.angle(x * y), X, Y),
    "abs": (lambda x, y: tk.abs(x * y), X, Y),
    "cumsum": (lambda x, y: tk.cumsum(x, 1, reverse=True) * y, X, Y),
    "matmul": (lambda a, b: tk.matmul(a, b), A, B),
    "matmul_ta_ab": (lambda a, b: tk.matmul(b, a, transpose_a=True, adjoint_b=True), A, B),
    "matmul_aa": (lambda a, b: tk.matmul(a, b, adjoint_a=True, transpose_b=True), B, A),
    "batch_matmul": (lambda a, b: tk.matmul(a, b), C3, B),
    "batch_matmul_ta": (lambda a, b: tk.matmul(a, b, transpose_a=True), C3, C3),
    "batch_matmul_ab": (lambda a, b: tk.matmul(a, b, adjoint_b=True), C3, C3),
    "tanh": (lambda x, y: tk.tanh(x) * y, X, Y),
    "sign": (lambda x, y: tk.sign(x * tk.constant([1, 0, 1], tk.complex128)) * y, X, Y),
    "squared_difference": (lambda x, y: tk.squared_difference(x, y), X, Y),
    "cast": (lambda x, y: tk.cast(tk.cast(x, tk.float64) * 2.0, tk.complex128) * y, X, Y),
    "sigmoid": (lambda x, y: tk.sigmoid(x * y), X, Y),
    # second order: the gradients of TanhGrad and SigmoidGrad
    "tanh_grad_grad": (lambda x, y: tk.gradients(tk.tanh(x), x, grad_ys=y + x)[0], X, X * 0.5),
    "sigmoid_grad_grad": (lambda x, y: tk.gradients(tk.sigmoid(x), x, grad_ys=y * x)[0], X,
                          X[::-1]),
}


def _build(name: str):
    fn, xv, yv = CASES[name]
    x = tk.placeholder(tk.complex128, xv.shape)
    y = tk.placeholder(tk.complex128, yv.shape)
    return fn(x, y), x, y, {x: xv, y: yv}


def test_every_recorded_case_is_run():
    assert sorted(CASES) == sorted(RECORDED)


@pytest.mark.parametrize("name", sorted(CASES))
def test_value_and_gradients_match_tf(name):
    g_up, value, gx_tf, gy_tf = RECORDED[name]
    z, x, y, feed = _build(name)
    gx, gy = tk.gradients(z, [x, y], grad_ys=tk.constant(g_up))
    assert (gy is None) == (gy_tf is None)
    with tk.Session() as sess:
        got = sess.run([z, gx] + ([gy] if gy is not None else []), feed)
    assert got[0].dtype == value.dtype
    np.testing.assert_allclose(got[0], value, rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(got[1], gx_tf, rtol=1e-8, atol=1e-9)
    if gy is not None:
        np.testing.assert_allclose(got[2], gy_tf, rtol=1e-8, atol=1e-9)


def _fd_gradient(loss, values, index, eps=1e-6):
    """``dL/dRe + i dL/dIm`` of ``loss(values)`` with respect to ``values[index]``."""
    base = values[index]
    out = np.zeros_like(base)
    for j in np.ndindex(base.shape):
        parts = []
        for step in (eps, 1j * eps):
            up = [v.copy() for v in values]
            dn = [v.copy() for v in values]
            up[index][j] += step
            dn[index][j] -= step
            parts.append((loss(up) - loss(dn)) / (2 * eps))
        out[j] = parts[0] + 1j * parts[1]
    return out


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradients_match_finite_differences(name):
    g_up = RECORDED[name][0]
    if name == "squared_difference":  # TF's rule 2 grad (x - y) is the derivative only
        g_up = g_up.real + 0j           # for a real upstream gradient
    z, x, y, feed = _build(name)
    feed[y] = feed[y] * np.exp(0.3j)  # off angle's branch cut (X[1, 1] * Y[1] is -4.25)
    grads = tk.gradients(z, [x, y], grad_ys=tk.constant(g_up))
    with tk.Session() as sess:
        def loss(vals):  # a real loss whose gradient in z is g_up (TF's convention)
            zv = sess.run(z, {x: vals[0], y: vals[1]})
            return float(np.sum(np.real(np.conj(g_up) * zv)))

        for i, g in enumerate(grads):
            if g is None:
                continue
            want = _fd_gradient(loss, [feed[x], feed[y]], i)
            np.testing.assert_allclose(sess.run(g, feed), want, rtol=1e-6, atol=1e-7)


def test_single_precision_keeps_complex64():
    x = tk.constant(X.astype(np.complex64))
    outs = [x + x, x * 2.0, x / x, tk.exp(x), tk.sqrt(x), tk.reduce_mean(x),
            tk.matmul(x, x, adjoint_b=True)]
    assert all(o.dtype is tk.complex64 for o in outs)
    with tk.Session() as sess:
        vals = sess.run(outs + [tk.angle(x)])
    assert all(v.dtype == np.complex64 for v in vals[:-1]) and vals[-1].dtype == np.float32
    np.testing.assert_allclose(vals[3], np.exp(X), rtol=1e-5)
    np.testing.assert_allclose(vals[6], X @ X.conj().T, rtol=1e-5)


def test_angle_of_a_real_tensor_is_pi_where_negative():
    # TF: where(x < 0, pi, 0)
    with tk.Session() as sess:
        got = sess.run(tk.angle(tk.constant([-2.0, 0.0, 3.0])))
    np.testing.assert_allclose(got, [np.pi, 0.0, 0.0], rtol=1e-7)


def test_abs_operator_is_the_modulus():
    z = tk.constant(np.array([3 + 4j]))
    assert abs(z).op.type == "ComplexAbs" and abs(z).dtype is tk.float64


@pytest.mark.parametrize("build", [
    lambda a, b: tk.maximum(a, b), lambda a, b: tk.minimum(a, b),
    lambda a, b: tk.reduce_max(a), lambda a, b: tk.reduce_min(a), lambda a, b: a % b,
    lambda a, b: a < b, lambda a, b: tk.argmax(a), lambda a, b: tk.floor(a),
    lambda a, b: tk.nn.relu(a), lambda a, b: tk.clip_by_value(a, 0.0, 1.0),
])
def test_ops_tf_refuses_raise_type_error_at_build(build):
    # TF 2.21 raises TypeError for each of these when the graph is built
    a = tk.constant(X)
    with pytest.raises(TypeError, match="complex128"):
        build(a, tk.constant(X))
