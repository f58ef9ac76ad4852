"""``Pow`` with a scalar exponent 2 or 1 of the base's float dtype runs as ``x * x`` / a
copy (ops/math_ops.py): bitwise ``np.power``'s values for every float16 and random
float32/64 bit patterns (NaN payloads, inf, -0, subnormals, overflow), odd shapes, and
the gradient of a squared error; other exponents, mixed dtypes and integers keep
``np.power``. (No kernel threads involved: one NumPy call.)"""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.bits import bits as _bits

RNG = np.random.default_rng(31)


def _all_patterns(npdt, shape):
    if npdt == np.float16:
        v = np.arange(1 << 16, dtype=np.uint16).view(np.float16)
        return np.resize(v, shape) if shape else v
    u = np.uint32 if npdt == np.float32 else np.uint64
    n = int(np.prod(shape)) if shape else 100_003
    v = RNG.integers(0, np.iinfo(u).max, n, dtype=u, endpoint=True).view(npdt)
    v[:6] = [np.nan, np.inf, -np.inf, -0.0, 1e30, -3.5]
    return v.reshape(shape) if shape else v


@pytest.mark.parametrize("exponent", [2.0, 1.0])
@pytest.mark.parametrize("dtype", [tk.float16, tk.float32, tk.float64])
@pytest.mark.parametrize("shape", [None, (), (7, 3), (256, 784), (3, 5, 2, 9)])
def test_square_and_first_power_are_bitwise_np_power(shape, dtype, exponent):
    npdt = dtype.as_numpy_dtype
    x = _all_patterns(npdt, shape if shape is not None else None)
    if shape == ():
        x = np.asarray(npdt(-2.75))
    ph = tk.placeholder(dtype, x.shape)
    y = tk.pow(ph, exponent)
    x_copy = x.copy()
    with tk.Session() as sess:
        got = [sess.run(y, {ph: x}) for _ in range(2)]
    with np.errstate(all="ignore"):
        ref = np.power(x, npdt(exponent))
    for g in got:
        assert np.asarray(g).dtype == npdt and np.shape(g) == x.shape
        np.testing.assert_array_equal(_bits(g), _bits(ref))
    np.testing.assert_array_equal(_bits(x), _bits(x_copy))      # the fed array untouched
    if exponent == 1.0 and x.ndim:
        assert not np.shares_memory(got[-1], x)


def test_other_exponents_dtypes_and_integers_keep_np_power():
    x = RNG.normal(size=(6, 5)).astype(np.float32)
    xi = RNG.integers(-9, 9, size=(4, 3)).astype(np.int32)
    e = RNG.normal(size=(6, 5)).astype(np.float32)
    with tk.Session() as sess:
        g3, gh, ge, gi = sess.run([tk.pow(x, 3.0), tk.pow(np.abs(x), 0.5), tk.pow(np.abs(x), e),
                                   tk.pow(xi, 2)])
    np.testing.assert_array_equal(_bits(g3), _bits(np.power(x, np.float32(3))))
    np.testing.assert_array_equal(_bits(gh), _bits(np.power(np.abs(x), np.float32(0.5))))
    np.testing.assert_array_equal(_bits(ge), _bits(np.power(np.abs(x), e)))
    np.testing.assert_array_equal(gi, xi * xi)


def test_squared_error_gradient():
    x = RNG.normal(size=(9, 7))
    t = RNG.normal(size=(9, 7))
    ph = tk.placeholder(tk.float64, x.shape)
    loss = tk.reduce_mean(tk.pow(t - ph, 2.0))
    g = tk.gradients(loss, ph)[0]
    with tk.Session() as sess:
        vl, vg = sess.run([loss, g], {ph: x})
    np.testing.assert_allclose(vl, np.mean((t - x) ** 2), rtol=1e-14)
    np.testing.assert_allclose(vg, -2 * (t - x) / x.size, rtol=1e-12)
