"""The ``Sigmoid``, ``Tanh``, ``SigmoidGrad`` and ``TanhGrad`` kernels
(ops/sigmoid_tanh_kernels.py) give bitwise the values of the plain NumPy formulas
``1 / (exp(-x) + 1)``, ``tanh(x)``, ``(dy * y) * (1 - y)`` and ``dy * (1 - y * y)`` in the
input's dtype, for odd shapes, float16/32/64, NaN/inf/-0 and huge |x|, on 1 and 2 kernel
threads (several chunks), and stay within rounding of float64 math; ``1 / v`` as a
division is bitwise ``np.reciprocal``."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.bits import bits as _bits
from trainkit.ops import parallel, unary_ops

RNG = np.random.default_rng(11)
SHAPES = [(), (1,), (7, 3), (300, 517), (700, 401), (5, 3, 2, 7)]
DTYPES = [tk.float16, tk.float32, tk.float64]


def _data(shape, npdt, scale=4.0):
    a = np.asarray(RNG.normal(size=shape) * scale).astype(npdt)
    flat = a.reshape(-1)
    if flat.size >= 20:
        with np.errstate(over="ignore"):
            flat[::11] *= 1e4             # huge |x|: exp overflows / underflows
        flat[1::13] = np.nan
        flat[2::17] = np.inf
        flat[3::19] = -np.inf
        flat[4::23] = -0.0
    return a


def _sigmoid_ref(x):
    one = x.dtype.type(1)
    with np.errstate(all="ignore"):
        return one / (np.exp(-x) + one)


def _run(threads, fetches, feed):
    old = parallel.kernel_threads()
    parallel.set_kernel_threads(threads)
    try:
        with tk.Session() as sess:
            return [sess.run(fetches, feed) for _ in range(2)]  # pooled buffers reused
    finally:
        parallel.set_kernel_threads(old)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_sigmoid_and_tanh_are_bitwise_the_numpy_formulas(shape, dtype, threads):
    npdt = dtype.as_numpy_dtype
    x = _data(shape, npdt)
    ph = tk.placeholder(dtype, shape)
    for got_s, got_t in _run(threads, [tk.sigmoid(ph), tk.tanh(ph)], {ph: x}):
        assert np.asarray(got_s).dtype == npdt and np.shape(got_s) == shape
        np.testing.assert_array_equal(_bits(got_s), _bits(_sigmoid_ref(x)))
        np.testing.assert_array_equal(_bits(got_t), _bits(np.tanh(x)))
    ok = np.isfinite(x)
    x64 = x.astype(np.float64)
    with np.errstate(all="ignore"):
        s64 = 0.5 * (1 + np.tanh(x64 / 2))  # an independent form of the sigmoid
    tol = {np.float16: 2e-3, np.float32: 1e-6, np.float64: 1e-14}[npdt]
    np.testing.assert_allclose(np.asarray(got_s, np.float64)[ok], s64[ok], rtol=tol, atol=tol)
    np.testing.assert_allclose(np.asarray(got_t, np.float64)[ok], np.tanh(x64)[ok],
                               rtol=tol, atol=tol)
    if x.size >= 20:  # saturation, not NaN, at huge |x|; NaN stays NaN
        big = np.isinf(x) | (np.abs(x64) > 1e3)
        assert not np.isnan(np.asarray(got_s)[big]).any()
        np.testing.assert_array_equal(np.asarray(got_s)[big], (x[big] > 0).astype(npdt))
        assert np.isnan(np.asarray(got_s)[np.isnan(x)]).all()


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_sigmoid_and_tanh_grads_are_bitwise_the_numpy_formulas(shape, dtype, threads):
    npdt = dtype.as_numpy_dtype
    y = _data(shape, npdt, 0.6)
    dy = _data(shape, npdt)
    py, pdy = tk.placeholder(dtype, shape), tk.placeholder(dtype, shape)
    fetches = [unary_ops.sigmoid_grad(py, pdy), unary_ops.tanh_grad(py, pdy)]
    with np.errstate(all="ignore"):
        ref_s = (dy * y) * (npdt(1) - y)
        ref_t = dy * (npdt(1) - y * y)
    for got_s, got_t in _run(threads, fetches, {py: y, pdy: dy}):
        assert np.asarray(got_s).dtype == npdt
        np.testing.assert_array_equal(_bits(got_s), _bits(ref_s))
        np.testing.assert_array_equal(_bits(got_t), _bits(ref_t))


def test_grads_broadcast_and_strided_inputs_fall_back_to_the_formula():
    y = RNG.normal(size=(6, 5)).astype(np.float32)
    dy = RNG.normal(size=(5,)).astype(np.float32)
    with tk.Session() as sess:
        gs, gt = sess.run([unary_ops.sigmoid_grad(y, dy), unary_ops.tanh_grad(y, dy)])
        st = sess.run(tk.sigmoid(tk.transpose(tk.constant(y))))
    np.testing.assert_array_equal(gs, dy * y * (1 - y))
    np.testing.assert_array_equal(gt, dy * (1 - y * y))
    np.testing.assert_array_equal(st, _sigmoid_ref(y.T))


def test_sigmoid_grad_matches_finite_differences():
    x = RNG.normal(size=(9, 4))
    ph = tk.placeholder(tk.float64, x.shape)
    s = tk.sigmoid(ph)
    t = tk.tanh(ph)
    gs, gt = tk.gradients(tk.reduce_sum(s * s), ph)[0], tk.gradients(tk.reduce_sum(t), ph)[0]
    with tk.Session() as sess:
        vs, vt = sess.run([gs, gt], {ph: x})
    h = 1e-6
    fs = lambda v: np.sum((1 / (1 + np.exp(-v))) ** 2)  # noqa: E731
    num = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        num[i] = (fs(x + e) - fs(x - e)) / (2 * h)
    np.testing.assert_allclose(vs, num, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(vt, 1 - np.tanh(x) ** 2, rtol=1e-12)


def test_division_is_bitwise_reciprocal_for_every_float16_and_random_wider_floats():
    cases = [np.arange(1 << 16, dtype=np.uint16).view(np.float16),
             RNG.integers(0, 1 << 32, 200_000, dtype=np.uint64).astype(np.uint32)
             .view(np.float32),
             RNG.integers(0, np.iinfo(np.uint64).max, 200_000, dtype=np.uint64,
                          endpoint=True).view(np.float64)]
    for v in cases:
        with np.errstate(all="ignore"):
            np.testing.assert_array_equal(_bits(np.divide(np.ones((), v.dtype), v)),
                                          _bits(np.reciprocal(v)))
