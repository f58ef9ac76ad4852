"""``space_to_batch(_nd)`` / ``batch_to_space(_nd)``: values, static shapes, errors and
gradients recorded with TF 2.21.0 (``tf.compat.v1``, graph mode); also checked against a
plain-loop NumPy reference and finite differences."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import trainkit as tk

X = np.arange(2 * 3 * 5 * 2, dtype=np.float32).reshape(2, 3, 5, 2)


def _run(*ts, feed=None):
    with tk.Session() as sess:
        return sess.run(list(ts), feed_dict=feed)


def _loop_space_to_batch(x, block, pads):
    """Reference by definition: output[(i1..iM) * b + n, o1..oM] = padded[n, o*b + i]."""
    m = len(block)
    padded = np.pad(x, [(0, 0), *map(tuple, pads)] + [(0, 0)] * (x.ndim - 1 - m))
    outer = [s // b for s, b in zip(padded.shape[1:m + 1], block)]
    out = np.zeros((x.shape[0] * int(np.prod(block)), *outer, *x.shape[m + 1:]), x.dtype)
    for k, offs in enumerate(itertools.product(*[range(b) for b in block])):
        for n in range(x.shape[0]):
            for pos in itertools.product(*[range(o) for o in outer]):
                src = tuple(p * b + i for p, b, i in zip(pos, block, offs))
                out[(k * x.shape[0] + n, *pos)] = padded[(n, *src)]
    return out


def test_values_match_tf():
    xt = tk.constant(X)
    y1 = tk.space_to_batch_nd(xt, [2, 3], [[1, 0], [0, 1]])
    y2 = tk.batch_to_space_nd(y1, [2, 3], [[1, 0], [0, 1]])
    sq = tk.constant(np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1))
    y3 = tk.space_to_batch(sq, [[0, 0], [0, 0]], block_size=2)
    y4 = tk.batch_to_space(y3, [[0, 0], [0, 0]], block_size=2)
    y5 = tk.manip.space_to_batch_nd(tk.constant(np.arange(12, dtype=np.int32).reshape(1, 6, 2)),
                                    [3], [[0, 0]])
    y6 = tk.manip.batch_to_space_nd(
        tk.constant(np.arange(24, dtype=np.float32).reshape(4, 2, 3)), [2, 2],
        [[0, 1], [1, 0]])
    assert [t.shape.as_list() for t in (y1, y2, y3, y5, y6)] == [
        [12, 2, 2, 2], [2, 3, 5, 2], [4, 2, 2, 1], [3, 2, 2], [1, 3, 5]]
    r1, r2, r3, r4, r5, r6 = _run(y1, y2, y3, y4, y5, y6)
    assert r1.reshape(-1)[:24].tolist() == [0, 0, 0, 0, 10, 11, 16, 17, 0, 0, 0, 0, 40, 41,
                                            46, 47, 0, 0, 0, 0, 12, 13, 18, 19]
    np.testing.assert_array_equal(r1, _loop_space_to_batch(X, [2, 3], [[1, 0], [0, 1]]))
    np.testing.assert_array_equal(r2, X)
    assert r3.reshape(-1).tolist() == [0, 2, 8, 10, 1, 3, 9, 11, 4, 6, 12, 14, 5, 7, 13, 15]
    assert r4.reshape(-1).tolist() == list(range(16))
    assert r5.dtype == np.int32 and r5.reshape(-1).tolist() == [0, 1, 6, 7, 2, 3, 8, 9, 4, 5,
                                                               10, 11]
    assert r6.reshape(-1).tolist() == [6, 1, 7, 2, 8, 18, 13, 19, 14, 20, 9, 4, 10, 5, 11]


def test_unknown_batch_and_runtime_shapes():
    ph = tk.placeholder(tk.float32, [None, 4, 6, 3])
    assert tk.space_to_batch_nd(ph, [2, 2], [[0, 0], [1, 1]]).shape.as_list() == [None, 2, 4, 3]
    assert tk.batch_to_space_nd(ph, [1, 2], [[0, 0], [1, 1]]).shape.as_list() == [None, 4, 10, 3]
    free = tk.placeholder(tk.float32)
    y = tk.space_to_batch_nd(free, [2], [[0, 1]])
    (got,) = _run(y, feed={free: np.ones((1, 3, 2), np.float32)})
    assert got.shape == (2, 2, 2)
    with pytest.raises(tk.errors.InvalidArgumentError, match="not divisible by block 2"):
        _run(y, feed={free: np.ones((1, 4, 2), np.float32)})


def test_gradients_match_tf():
    xt = tk.constant(X)
    y1 = tk.space_to_batch_nd(xt, [2, 3], [[1, 0], [0, 1]])
    w1 = np.linspace(-1, 1, 96).reshape(12, 2, 2, 2).astype(np.float32)
    (g1,) = tk.gradients(tk.reduce_sum(w1 * y1), xt)
    z = tk.constant(np.arange(24, dtype=np.float32).reshape(4, 2, 3))
    w2 = np.linspace(-1, 1, 15).reshape(1, 3, 5).astype(np.float32)
    (g2,) = tk.gradients(tk.reduce_sum(w2 * tk.batch_to_space_nd(z, [2, 2],
                                                                 [[0, 1], [1, 0]])), z)
    r1, r2 = _run(g1, g2)
    np.testing.assert_allclose(r1.reshape(-1)[:10], [0.0105, 0.0316, 0.3474, 0.3684, 0.6842,
                                                     0.7053, 0.0526, 0.0737, 0.3895, 0.4105],
                               atol=1e-4)
    np.testing.assert_allclose(r2.reshape(-1)[:12], [0.0, -0.8571, -0.5714, 0.0, 0.5714,
                                                     0.8571, -1.0, -0.7143, -0.4286, 0.4286,
                                                     0.7143, 1.0], atol=1e-4)
    assert r2.reshape(-1)[12:].tolist() == pytest.approx(
        [0.0, -0.1429, 0.1429, 0.0, 0.0, 0.0, -0.2857, 0.0, 0.2857, 0.0, 0.0, 0.0], abs=1e-4)


def test_gradient_by_finite_differences():
    rng = np.random.default_rng(1)
    x0 = rng.standard_normal((2, 3, 4, 1))
    w = rng.standard_normal((8, 2, 3, 1))
    x = tk.placeholder(tk.float64, x0.shape)
    loss = tk.reduce_sum(w * tk.space_to_batch_nd(x, [2, 2], [[1, 0], [1, 1]]))
    (g,) = tk.gradients(loss, x)
    with tk.Session() as sess:
        got = sess.run(g, {x: x0})
        eps, num = 1e-6, np.zeros_like(x0)
        for i in np.ndindex(x0.shape):
            d = np.zeros_like(x0)
            d[i] = eps
            num[i] = (sess.run(loss, {x: x0 + d}) - sess.run(loss, {x: x0 - d})) / (2 * eps)
    np.testing.assert_allclose(got, num, atol=1e-6)


@pytest.mark.parametrize("build, error, message", [
    (lambda: tk.space_to_batch_nd(X, [2, 2], [[0, 0], [0, 0]]), ValueError,
     "Dimension size must be evenly divisible by 2 but is 3"),
    (lambda: tk.space_to_batch_nd(X, [1, 1], [[-1, 0], [0, 0]]), ValueError,
     "paddings cannot be negative"),
    (lambda: tk.space_to_batch_nd(X, [0, 1], [[0, 0], [0, 0]]), ValueError,
     "block_shape must be positive"),
    (lambda: tk.space_to_batch_nd(X, [1, 1], [[0, 0]]), ValueError,
     r"paddings must have shape \[2, 2\]"),
    (lambda: tk.space_to_batch_nd(tk.constant([1.0, 2.0]), [2], [[0, 0]]), ValueError,
     "Shape must be at least rank 2 but is rank 1"),
    (lambda: tk.batch_to_space_nd(np.zeros((3, 2, 2, 1), np.float32), [2, 2],
                                  [[0, 0], [0, 0]]), ValueError,
     "Dimension size must be evenly divisible by 2 but is 3"),
    (lambda: tk.batch_to_space_nd(np.zeros((4, 2, 2, 1), np.float32), [2, 2],
                                  [[3, 2], [0, 0]]), ValueError,
     "Negative dimension size caused by subtracting 2 from 1"),
    (lambda: tk.batch_to_space_nd(np.zeros((4, 2, 2, 1), np.float32), [2, 2],
                                  [[-1, 0], [0, 0]]), ValueError, "crops cannot be negative"),
    (lambda: tk.space_to_batch(X, [[0, 0], [0, 0]]), TypeError, "block_size must be an int"),
])
def test_bad_arguments_raise_tfs_errors(build, error, message):
    with pytest.raises(error, match=message):
        build()
