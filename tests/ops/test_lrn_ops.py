"""tf.nn.lrn: TF 2.21's numbers, a NumPy reference, finite differences, bad inputs."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad

# Values computed once with tensorflow-cpu 2.21.0 (tf.compat.v1 graph mode):
# x = (arange(n) % 11 - 5) / 4 (times 3 for the defaults case), grad_ys =
# (arange(n) % 5 - 2) / 2, float32; y = tf.nn.lrn(x, **kw), dx = tf.gradients(y, x, grad_ys).
TF_CASES = [
    ((1, 1, 2, 7), dict(depth_radius=2, bias=1.5, alpha=0.3, beta=0.75), 1.0,
     [-0.64076906, -0.5010954, -0.37373176, -0.29051897, -0.1621423, 0.0, 0.18106256,
      0.2925157, 0.37582156, 0.440759, 0.5216893, -0.5216893, -0.44926262, -0.38446146],
     [-0.30865273, -0.119070634, 0.06788609, 0.27662846, 0.6237812, -0.6988359,
      -0.34526032, -0.050092664, 0.23032337, 0.37718344, -0.49682087, -0.21563679,
      -0.07209852, 0.2571484]),
    ((1, 1, 1, 10), dict(depth_radius=4, bias=1.0, alpha=0.001 / 9.0, beta=0.75), 1.0,
     [-1.2496421, -0.99971366, -0.74978137, -0.49984384, -0.24991018, 0.0, 0.24994272,
      0.49990886, 0.74987894, 0.9998437],
     [-9.9945343e-01, -4.9964863e-01, 1.4053618e-04, 4.9993750e-01, 9.9970323e-01,
      -9.9968761e-01, -4.9991670e-01, -6.2496052e-05, 4.9979433e-01, 9.9963546e-01]),
    ((1, 1, 1, 5), {}, 3.0,
     [-0.663561, -0.53084874, -0.3981366, -0.26542437, -0.13271219],
     [-0.09903635, -0.026144208, 0.046747938, 0.119640075, 0.19253221]),
]


@pytest.mark.parametrize("shape,kw,scale,want_y,want_dx", TF_CASES)
def test_matches_tf(shape, kw, scale, want_y, want_dx):
    n = int(np.prod(shape))
    x = ((np.arange(n) % 11 - 5) / 4.0 * scale).astype(np.float32).reshape(shape)
    g = ((np.arange(n) % 5 - 2) / 2.0).astype(np.float32).reshape(shape)
    xt = tk.constant(x)
    y = tk.nn.lrn(xt, **kw)
    dx = tk.gradients(y, xt, grad_ys=tk.constant(g))[0]
    with tk.Session() as sess:
        yv, dxv = sess.run([y, dx])
    assert yv.dtype == np.float32 and dxv.dtype == np.float32
    np.testing.assert_allclose(yv.ravel(), want_y, rtol=2e-6, atol=1e-7)
    np.testing.assert_allclose(dxv.ravel(), want_dx, rtol=2e-5, atol=1e-6)


def _reference(x, r, bias, alpha, beta):
    """TF's documented formula, one channel at a time."""
    out = np.empty_like(x)
    c = x.shape[-1]
    for d in range(c):
        lo, hi = max(0, d - r), min(c, d + r + 1)
        sq = np.sum(x[..., lo:hi] ** 2, axis=-1)
        out[..., d] = x[..., d] / (bias + alpha * sq) ** beta
    return out


@pytest.mark.parametrize("r,beta", [(0, 0.5), (1, 0.75), (2, 1.0), (3, 0.6), (9, 0.75)])
def test_forward_matches_formula(r, beta):
    x = np.random.default_rng(r).standard_normal((2, 5, 4, 6))  # 2*5*4*6*8 B > pool min
    y = tk.nn.local_response_normalization(tk.constant(x), depth_radius=r, bias=0.7,
                                           alpha=0.2, beta=beta)
    with tk.Session() as sess:
        got = sess.run(y)
        again = sess.run(y)  # recycled buffers give the same answer
    want = _reference(x, r, 0.7, 0.2, beta)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    np.testing.assert_array_equal(got, again)


@pytest.mark.parametrize("r,beta", [(0, 0.5), (1, 0.75), (2, 1.0), (5, 0.6)])
def test_gradient_finite_differences(r, beta):
    x = np.random.default_rng(3).standard_normal((2, 2, 1, 5))
    check_grad(lambda t: tk.nn.lrn(t, depth_radius=r, bias=1.3, alpha=0.4, beta=beta), x,
               rtol=1e-6, atol=1e-8)


def test_gradient_large_enough_for_pooled_buffers():
    """Arrays above the buffer-pool threshold go through the recycled path; two runs of
    the gradient agree with each other and with finite differences of the formula."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 8, 8, 16))
    g = rng.standard_normal(x.shape)
    xt = tk.placeholder(tk.float64, x.shape)
    y = tk.nn.lrn(xt, depth_radius=2, bias=1.0, alpha=0.5, beta=0.75)
    dx = tk.gradients(y, xt, grad_ys=tk.constant(g))[0]
    with tk.Session() as sess:
        a = sess.run(dx, {xt: x})
        b = sess.run(dx, {xt: x})
    np.testing.assert_array_equal(a, b)
    eps = 1e-6
    for idx in [(0, 0, 0, 0), (1, 3, 4, 7), (2, 7, 7, 15), (0, 5, 2, 1)]:
        up, dn = x.copy(), x.copy()
        up[idx] += eps
        dn[idx] -= eps
        num = np.sum(g * (_reference(up, 2, 1.0, 0.5, 0.75) - _reference(dn, 2, 1.0, 0.5,
                                                                            0.75))) / (2 * eps)
        assert a[idx] == pytest.approx(num, rel=1e-6, abs=1e-9)


def test_errors():
    with pytest.raises(ValueError, match="rank 4"):
        tk.nn.lrn(tk.ones([2, 3]))
    with pytest.raises(ValueError, match="depth_radius"):
        tk.nn.lrn(tk.ones([1, 1, 1, 3]), depth_radius=-1)
    with pytest.raises(TypeError, match="depth_radius"):
        tk.nn.lrn(tk.ones([1, 1, 1, 3]), depth_radius=1.5)
    with pytest.raises(TypeError, match="alpha"):
        tk.nn.lrn(tk.ones([1, 1, 1, 3]), alpha="x")
    with pytest.raises(TypeError, match="float"):
        tk.nn.lrn(tk.ones([1, 1, 1, 3], tk.int32))
    p = tk.placeholder(tk.float32)
    y = tk.nn.lrn(p)
    with tk.Session() as sess, pytest.raises(tk.errors.InvalidArgumentError,
                                             match="4-dimensional"):
        sess.run(y, {p: np.ones((2, 3), np.float32)})


def _reference_grad(x, dy, depth_radius, bias, alpha, beta):
    """TF's LRNGrad formula in float64: dy N^-b - 2ab x window(dy y / N)."""
    c = x.shape[-1]
    sq = np.pad(x * x, [(0, 0)] * 3 + [(depth_radius, depth_radius)])
    n = bias + alpha * sum(sq[..., k:k + c] for k in range(2 * depth_radius + 1))
    y = x * n ** -beta
    t = np.pad(dy * y / n, [(0, 0)] * 3 + [(depth_radius, depth_radius)])
    win = sum(t[..., k:k + c] for k in range(2 * depth_radius + 1))
    return dy * n ** -beta - 2 * alpha * beta * x * win


def test_gradient_reusing_the_forward_normalizer_is_bitwise_the_recomputed_one():
    """LRNGrad after LRN on the same x reuses the forward's N and N ** -beta (kept in the
    session's derived-value cache): bitwise what a gradient recomputing them gives, and
    recomputed once x has been changed in place since the forward ran."""
    rng = np.random.default_rng(5)
    x0 = rng.standard_normal((2, 8, 8, 32)).astype(np.float32)
    x1 = rng.standard_normal(x0.shape).astype(np.float32)
    g = rng.standard_normal(x0.shape).astype(np.float32)
    kw = dict(depth_radius=3, bias=1.0, alpha=0.3, beta=0.75)
    xv = tk.Variable(x0)
    y = tk.nn.lrn(xv, **kw)
    gy = tk.placeholder(tk.float32, x0.shape)
    dx = tk.gradients(y, xv, grad_ys=gy)[0]
    assign = tk.assign(xv, x1)
    y1 = _reference(x1.astype(np.float64), 3, 1.0, 0.3, 0.75).astype(np.float32)
    with tk.Session() as sess:
        sess.run(xv.initializer)
        both = sess.run(dx, {gy: g})             # forward, then the gradient reusing N
        sess.run(assign)                         # x changed in place; forward not rerun
        stale_risk = sess.run(dx, {gy: g, y: y1})
    with tk.Session() as sess:
        sess.run(xv.initializer)
        fresh = sess.run(dx, {gy: g, y: sess.run(y)})   # y fed: N recomputed
    np.testing.assert_array_equal(both, fresh)
    ref = _reference_grad(x1.astype(np.float64), g.astype(np.float64), **kw)
    np.testing.assert_allclose(stale_risk, ref, rtol=1e-4, atol=1e-5)
