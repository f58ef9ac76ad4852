"""The ``Select`` kernel's branch-free path (large boolean conditions of 4- and 8-byte
values) gives ``np.where``'s result bit for bit: NaN, infinities, signed zeros and
subnormals pass through untouched, scalars and vectors broadcast, and ``+0`` /
``-0`` as the other branch are told apart."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

_SHAPES = [((64, 128), (64, 128), (64, 128)), ((64, 128), (64, 128), ()),
           ((64, 128), (), (64, 128)), ((64, 128), (128,), (64, 1))]


def _run_select(c, x, y):
    with tk.Graph().as_default(), tk.Session() as s:
        return s.run(tk.where(tk.constant(c), tk.constant(x), tk.constant(y)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64])
@pytest.mark.parametrize("shapes", _SHAPES)
def test_large_select_equals_numpy_where_bitwise(dtype, shapes):
    rng = np.random.default_rng(3)
    cs, xs, ys = shapes
    c = rng.random(cs) > 0.5
    x = (rng.standard_normal(xs) * 100).astype(dtype)
    y = (rng.standard_normal(ys) * 100).astype(dtype) if ys else np.array(0, dtype)
    if np.dtype(dtype).kind == "f" and xs:
        x.flat[:6] = [np.nan, np.inf, -np.inf, -0.0, 1e-310 if dtype == np.float64 else 1e-42,
                      0.0]
    if cs != xs or cs != ys:  # TF1's where wants equal shapes: broadcast them first
        x, y = np.broadcast_to(x, cs).copy(), np.broadcast_to(y, cs).copy()
    got = _run_select(c, x, y)
    ref = np.where(c, x, y)
    assert got.dtype == ref.dtype and got.shape == ref.shape
    np.testing.assert_array_equal(got.view(np.uint8), ref.view(np.uint8))


def test_kernel_broadcasts_scalars_and_keeps_the_sign_of_zero():
    from trainkit.ops.comparison_ops import _bit_select

    rng = np.random.default_rng(4)
    c = rng.random((64, 128)) > 0.5
    x = rng.standard_normal((64, 128)).astype(np.float32)
    for y in (np.array(0.0, np.float32), np.array(-0.0, np.float32),
              np.array(2.5, np.float32)):
        got = _bit_select(c, x, y)
        np.testing.assert_array_equal(got.view(np.uint32), np.where(c, x, y).view(np.uint32))
    got = _bit_select(c, np.array(7.0, np.float32), x)
    np.testing.assert_array_equal(got, np.where(c, np.float32(7.0), x))
