"""map_fn, scan, foldl, foldr against NumPy, with nested elems, initializers, dtype,
reverse, lengths unknown at build time, gradients (finite differences) and errors."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

X = np.arange(12, dtype=np.float32).reshape(4, 3) / 10.0


def _run(fetches, feed=None):
    with tk.Session() as sess:
        return sess.run(fetches, feed)


def test_map_fn_unknown_length_and_static_shape():
    x = tk.placeholder(tk.float32, [None, 3])
    y = tk.map_fn(lambda r: r * r + 1.0, x)
    assert y.shape.as_list() == [None, 3]
    np.testing.assert_allclose(_run(y, {x: X}), X * X + 1.0, rtol=1e-6)
    z = tk.map_fn(lambda r: tk.reduce_sum(r), tk.constant(X))
    assert z.shape.as_list() == [4]
    np.testing.assert_allclose(_run(z), X.sum(1), rtol=1e-6)


def test_map_fn_nested_elems_and_dtype():
    a = tk.constant(X)
    b = tk.constant(np.arange(4, dtype=np.int32))
    out = tk.map_fn(lambda e: (e[0] * tk.cast(e[1], tk.float32), tk.cast(e[1] * 2, tk.int64)),
                    (a, b), dtype=(tk.float32, tk.int64))
    o1, o2 = _run(out)
    np.testing.assert_allclose(o1, X * np.arange(4)[:, None], rtol=1e-6)
    np.testing.assert_array_equal(o2, np.arange(4) * 2)
    assert o2.dtype == np.int64
    d = tk.map_fn(lambda e: {"s": e["x"] + 1.0}, {"x": a}, dtype={"s": tk.float32})
    np.testing.assert_allclose(_run(d)["s"], X + 1.0, rtol=1e-6)


def test_scan_without_and_with_initializer_and_reverse():
    x = tk.constant(X)
    s1 = tk.scan(lambda acc, r: acc * r + 1.0, x)
    s2 = tk.scan(lambda acc, r: acc + r, x, initializer=tk.zeros([3]), reverse=True)
    s3 = tk.scan(lambda acc, r: (acc[0] + r, acc[1] * 2.0), x,
                 initializer=(tk.zeros([3]), tk.ones([])))
    ref1 = [X[0]]
    for r in X[1:]:
        ref1.append(ref1[-1] * r + 1.0)
    v1, v2, v3 = _run([s1, s2, s3])
    np.testing.assert_allclose(v1, np.array(ref1), rtol=1e-6)
    np.testing.assert_allclose(v2, np.cumsum(X[::-1], 0)[::-1], rtol=1e-6)
    np.testing.assert_allclose(v3[0], np.cumsum(X, 0), rtol=1e-6)
    np.testing.assert_array_equal(v3[1], [2.0, 4.0, 8.0, 16.0])


def test_scan_reverse_without_initializer():
    x = tk.constant(np.array([1.0, 2.0, 3.0], np.float32))
    assert list(_run(tk.scan(lambda a, e: a * 10.0 + e, x, reverse=True))) == [321.0, 32.0,
                                                                              3.0]


def test_foldl_foldr():
    x = tk.constant(np.array([1.0, 2.0, 3.0, 4.0], np.float32))
    l1 = tk.foldl(lambda a, e: a * 10.0 + e, x)
    r1 = tk.foldr(lambda a, e: a * 10.0 + e, x)
    l2 = tk.foldl(lambda a, e: a - e, x, initializer=100.0)
    r2 = tk.foldr(lambda a, e: (a[0] * e, a[1] + e), x, initializer=(1.0, 0.0))
    ints = tk.foldl(lambda a, e: a + e, tk.constant([1, 2, 3]))
    v = _run([l1, r1, l2, r2, ints])
    assert v[0] == 1234.0 and v[1] == 4321.0 and v[2] == 90.0
    assert v[3] == (24.0, 10.0) and v[4] == 6


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    xv = rng.normal(size=(4, 3))
    check_grad(lambda x: tk.map_fn(lambda r: tk.sin(r) * r, x), xv)
    check_grad(lambda x: tk.scan(lambda a, r: tk.tanh(a * r + r), x), xv)
    check_grad(lambda x: tk.scan(lambda a, r: a * 0.5 + r * r, x,
                                 initializer=tk.ones([3], tk.float64), reverse=True), xv)
    check_grad(lambda x, w: tk.foldl(lambda a, r: tk.tanh(a * w + r), x), xv,
               rng.normal(size=3))
    check_grad(lambda x: tk.foldr(lambda a, r: a * r, x), xv)


def test_errors():
    x = tk.constant(X)
    with pytest.raises(TypeError, match="fn must be callable"):
        tk.map_fn(3, x)
    with pytest.raises(ValueError, match="1\\+ dimensional"):
        tk.map_fn(lambda r: r, tk.constant(1.0))
    with pytest.raises(ValueError, match="structure of dtype"):
        tk.map_fn(lambda r: (r, r), x)
    with pytest.raises(ValueError, match="accumulator's structure"):
        tk.scan(lambda a, r: (a, a), x)
    with pytest.raises(ValueError, match="accumulator's structure"):
        tk.foldl(lambda a, r: [a, r], x)
    with pytest.raises(TypeError, match="fn must be callable"):
        tk.foldr(None, x)
