"""The buffer-recycling conv/pool/activation kernels, against loop-based oracles and
across repeated runs (recycled buffers must never change a value already handed out).
The pooling kernels' own tests are tests/ops/test_pool_planes.py."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import trainkit as tk

RNG = np.random.default_rng(11)


def cnn_graph(fmt="NHWC", padding="SAME"):
    """A CNN whose every large intermediate comes from a recycling kernel."""
    shape = [None, 8, 8, 3] if fmt == "NHWC" else [None, 3, 8, 8]
    x = tk.placeholder(tk.float64, shape)
    w = tk.constant(RNG.normal(size=(3, 3, 3, 16)))
    b = tk.constant(RNG.normal(size=16))
    st = [1, 1, 1, 1]
    ks = [1, 2, 2, 1] if fmt == "NHWC" else [1, 1, 2, 2]
    conv = tk.nn.conv2d(x, w, st, padding, data_format=fmt)
    biased = tk.nn.bias_add(conv, b, data_format=fmt)
    act = tk.nn.relu(biased)
    pooled = tk.nn.max_pool(act, ks, ks, "VALID", data_format=fmt)
    loss = tk.reduce_sum(pooled * pooled)
    gx, gw, gb = tk.gradients(loss, [x, w, b])
    return x, [conv, biased, act, pooled, gx, gw, gb]


def feed_batch(fmt, seed, n=16):
    x = np.random.default_rng(seed).normal(size=(n, 8, 8, 3))
    return x if fmt == "NHWC" else x.transpose(0, 3, 1, 2).copy()


@pytest.mark.parametrize("fmt,padding", [("NHWC", "SAME"), ("NCHW", "SAME"),
                                         ("NHWC", "VALID")])
def test_recycled_outputs_are_never_overwritten_by_later_runs(fmt, padding):
    x, fetches = cnn_graph(fmt, padding)
    with tk.Session() as sess:
        first = sess.run(fetches, {x: feed_batch(fmt, 1)})
        kept = [a.copy() for a in first]
        for seed in range(2, 6):
            later = sess.run(fetches, {x: feed_batch(fmt, seed)})
        for a, k in zip(first, kept):
            np.testing.assert_array_equal(a, k)
        assert not any(np.shares_memory(a, b) for a, b in zip(first, later))
    with tk.Session() as fresh:  # recycled state (pad borders, scratch) leaks nothing
        ref = fresh.run(fetches, {x: feed_batch(fmt, 5)})
    for a, r in zip(later, ref):
        np.testing.assert_array_equal(a, r)


def test_concurrent_runs_of_one_session_agree_with_serial_runs():
    x, fetches = cnn_graph()
    feeds = [feed_batch("NHWC", s) for s in range(4)]
    with tk.Session() as sess:
        want = [sess.run(fetches, {x: f}) for f in feeds]
        bad = []

        def worker(i):
            for _ in range(15):
                got = sess.run(fetches, {x: feeds[i]})
                if not all(np.array_equal(a, b) for a, b in zip(got, want[i])):
                    bad.append(i)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert bad == []


def test_padded_max_pool_border_stays_lowest_across_runs():
    p = tk.placeholder(tk.float32, [None, 5, 5, 2])
    y = tk.nn.max_pool(p, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")
    with tk.Session() as sess:
        for seed in range(3):
            a = -np.abs(np.random.default_rng(seed).normal(size=(2, 5, 5, 2))) - 1
            a = a.astype(np.float32)
            ref = np.full((2, 3, 3, 2), -np.inf, np.float32)
            for i in range(3):
                for j in range(3):
                    win = a[:, max(2 * i - 1, 0):2 * i + 2, max(2 * j - 1, 0):2 * j + 2]
                    ref[:, i, j] = win.max((1, 2))
            np.testing.assert_array_equal(sess.run(y, {p: a}), ref)


def conv_grads_ref(x, w, dy, strides, padding):
    """Loop oracles for the input and filter gradients of an NHWC convolution."""
    n, h, wd, c = x.shape
    kh, kw = w.shape[:2]
    sh, sw = strides
    oh, ow = dy.shape[1:3]
    ph = max((oh - 1) * sh + kh - h, 0) if padding == "SAME" else 0
    pw = max((ow - 1) * sw + kw - wd, 0) if padding == "SAME" else 0
    xp = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for i in range(oh):
        for j in range(ow):
            rows, cols = slice(i * sh, i * sh + kh), slice(j * sw, j * sw + kw)
            dxp[:, rows, cols, :] += np.tensordot(dy[:, i, j, :], w, axes=([1], [3]))
            dw += np.tensordot(xp[:, rows, cols, :], dy[:, i, j, :], axes=([0], [0]))
    return dxp[:, ph // 2:ph // 2 + h, pw // 2:pw // 2 + wd, :], dw


@pytest.mark.parametrize("strides,padding", [((1, 1), "SAME"), ((2, 2), "SAME"),
                                             ((1, 2), "VALID")])
def test_conv_backprop_kernels_on_large_inputs_match_loop_oracle(strides, padding):
    x, w = RNG.normal(size=(4, 12, 10, 6)), RNG.normal(size=(3, 3, 6, 8))
    xt, wt = tk.constant(x), tk.constant(w)
    y = tk.nn.conv2d(xt, wt, [1, *strides, 1], padding)
    dy = RNG.normal(size=y.shape.as_list())
    gx, gw = tk.gradients(y, [xt, wt], grad_ys=tk.constant(dy))
    with tk.Session() as sess:
        for _ in range(2):  # the second run reuses every buffer
            got_x, got_w = sess.run([gx, gw])
            ref_x, ref_w = conv_grads_ref(x, w, dy, strides, padding)
            np.testing.assert_allclose(got_x, ref_x, rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(got_w, ref_w, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_activation_and_bias_kernels(dtype):
    a = RNG.normal(size=(8, 8, 8, 32)).astype(dtype)
    a[0, 0, 0, :4] = [np.nan, -0.0, np.inf, -np.inf]
    g = RNG.normal(size=a.shape).astype(dtype)
    b = RNG.normal(size=32).astype(dtype)
    x = tk.constant(a)
    relu, biased = tk.nn.relu(x), tk.nn.bias_add(x, b)
    relu_grad = tk.gradients(relu, x, grad_ys=tk.constant(g))[0]
    with tk.Session() as sess:
        r, bb, rg = sess.run([relu, biased, relu_grad])
    np.testing.assert_array_equal(r, np.maximum(a, 0))
    assert r.dtype == dtype and np.isnan(r[0, 0, 0, 0])
    np.testing.assert_array_equal(bb, a + b)
    np.testing.assert_array_equal(rg, g * (a > 0))


@pytest.mark.parametrize("dtype,rtol", [(np.float32, 2e-6), (np.float64, 1e-13)])
def test_bias_add_grad_blas_sum_matches_reduction(dtype, rtol):
    g = RNG.normal(size=(64, 8, 8, 32)).astype(dtype)
    bias = tk.zeros([32], dtype=tk.as_dtype(dtype))
    (db,) = tk.gradients(tk.nn.bias_add(tk.zeros(g.shape, tk.as_dtype(dtype)), bias), [bias],
                         grad_ys=tk.constant(g))
    (db_nchw,) = tk.gradients(
        tk.nn.bias_add(tk.zeros([64, 32, 8, 8], tk.as_dtype(dtype)), bias, "NCHW"), [bias],
        grad_ys=tk.constant(g.transpose(0, 3, 1, 2)))
    with tk.Session() as sess:
        got, got_nchw = sess.run([db, db_nchw])
    ref = g.astype(np.float64).sum((0, 1, 2))
    assert got.dtype == dtype and got.shape == (32,)
    np.testing.assert_allclose(got, ref, rtol=rtol, atol=rtol * 100)
    np.testing.assert_allclose(got_nchw, ref, rtol=rtol, atol=rtol * 100)
