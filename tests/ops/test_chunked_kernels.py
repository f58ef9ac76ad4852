"""The chunked, multi-threaded conv / LRN kernels: bitwise the same for any thread count
and chunk size, and equal to the general paths and loop oracles (pooling:
tests/ops/test_pool_planes.py; the blocked optimizer updates:
tests/training/test_update_kernels.py)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.ops.test_conv_fast import conv_grads_ref
from trainkit.client.state import SessionState
from trainkit.ops import conv_fast, conv_ops, lrn_ops, parallel

RNG = np.random.default_rng(5)


class _Ctx:
    def __init__(self, **attrs):
        self.state = SessionState()
        self.attrs = attrs


@pytest.fixture(autouse=True)
def _restore(monkeypatch):
    yield
    parallel.set_kernel_threads(None)


def _variants(monkeypatch, fn):
    """``fn()`` with 1 and 3 threads, big chunks and tiny ones (many chunks)."""
    out = []
    for chunk in (1 << 20, 2048):
        monkeypatch.setattr(conv_fast, "CHUNK_BYTES", chunk)
        monkeypatch.setattr(lrn_ops, "CHUNK_ROWS_BYTES", chunk // 4)
        for threads in (1, 3):
            parallel.set_kernel_threads(threads)
            out.append(np.array(fn()))
    return out


def _direct_conv(x, w, strides, padding, dil=(1, 1)):
    n, h, wd, c = x.shape
    kh, kw, _, co = w.shape
    g = conv_ops._geometry(h, wd, kh, kw, {"strides_hw": strides, "padding": padding,
                                           "dilations_hw": dil})
    xp = np.pad(x, g.pads)
    y = np.zeros((n, g.oh, g.ow, co))
    for i, j, sl in g.offs:
        y += np.tensordot(xp[sl], w[i, j], axes=([3], [0]))
    return y


@pytest.mark.parametrize("strides,padding,dil,c", [
    ((1, 1), "SAME", (1, 1), 16),   # stride-1 input grad as a flipped-filter convolution
    ((1, 1), "VALID", (1, 1), 20),
    ((1, 1), "SAME", (2, 1), 16),   # dilated
    ((2, 2), "SAME", (1, 1), 16),   # col2im
    ((1, 1), "SAME", (1, 1), 3),    # few channels: col2im
    ((1, 1), "VALID", (1, 1), 1),   # one channel: transposed im2col
    ((2, 2), "SAME", (1, 1), 1),
    ((1, 1), "SAME", (2, 1), 1)])
def test_conv_kernels_any_threads_and_chunks(monkeypatch, strides, padding, dil, c):
    x = RNG.normal(size=(5, 9, 8, c))
    w = RNG.normal(size=(3, 3, c, 6))
    g = conv_ops._geometry(9, 8, 3, 3, {"strides_hw": strides, "padding": padding,
                                        "dilations_hw": dil})
    dy = RNG.normal(size=(5, g.oh, g.ow, 6))
    ctx = _Ctx()
    fwd = _variants(monkeypatch, lambda: conv_fast.conv_forward(ctx, x, w, g))
    dxs = _variants(monkeypatch, lambda: conv_fast.conv_input_grad(ctx, dy, w, g, x.shape))
    dws = _variants(monkeypatch, lambda: conv_fast.conv_filter_grad(ctx, x, dy, g, w.shape))
    for group in (fwd, dxs, dws):
        np.testing.assert_array_equal(group[0], group[1])  # threads do not matter
        np.testing.assert_array_equal(group[2], group[3])
    np.testing.assert_allclose(fwd[0], _direct_conv(x, w, strides, padding, dil),
                               rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(fwd[3], fwd[0], rtol=1e-12, atol=1e-12)
    if dil == (1, 1):
        ref_x, ref_w = conv_grads_ref(x, w, dy, strides, padding)
        for dx in dxs:
            np.testing.assert_allclose(dx, ref_x, rtol=1e-10, atol=1e-10)
        for dw in dws:
            np.testing.assert_allclose(dw, ref_w, rtol=1e-10, atol=1e-10)


def test_pointwise_conv_is_one_matmul():
    x, w = RNG.normal(size=(4, 5, 6, 7)), RNG.normal(size=(1, 1, 7, 3))
    g = conv_ops._geometry(5, 6, 1, 1, {"strides_hw": (1, 1), "padding": "SAME"})
    dy = RNG.normal(size=(4, 5, 6, 3))
    ctx = _Ctx()
    np.testing.assert_allclose(conv_fast.conv_forward(ctx, x, w, g), x @ w[0, 0], rtol=1e-12)
    np.testing.assert_allclose(conv_fast.conv_input_grad(ctx, dy, w, g, x.shape),
                               dy @ w[0, 0].T, rtol=1e-12)
    np.testing.assert_allclose(conv_fast.conv_filter_grad(ctx, x, dy, g, w.shape)[0, 0],
                               x.reshape(-1, 7).T @ dy.reshape(-1, 3), rtol=1e-12)


def test_lrn_any_threads_and_chunks(monkeypatch):
    x = RNG.normal(size=(3, 5, 4, 11)).astype(np.float32)
    dy = RNG.normal(size=x.shape).astype(np.float32)
    ctx = _Ctx(depth_radius=3, bias=1.0, alpha=0.3, beta=0.75)
    ys = _variants(monkeypatch, lambda: lrn_ops._lrn_kernel(ctx, x))
    dxs = _variants(monkeypatch, lambda: lrn_ops._lrn_grad_kernel(ctx, dy, x, ys[0]))
    for a in ys[1:]:
        np.testing.assert_array_equal(a, ys[0])
    for a in dxs[1:]:
        np.testing.assert_array_equal(a, dxs[0])


@pytest.mark.parametrize("m,k,n,ta,tb", [(130, 300, 520, False, False),
                                         (600, 90, 200, True, False),
                                         (256, 128, 130, False, True),
                                         (40, 50, 60, False, False)])  # below the split
def test_matmul_blocks_any_threads(m, k, n, ta, tb):
    a = RNG.normal(size=(k, m) if ta else (m, k)).astype(np.float32)
    b = RNG.normal(size=(n, k) if tb else (k, n)).astype(np.float32)
    at, bt = tk.constant(a), tk.constant(b)
    y = tk.matmul(at, bt, transpose_a=ta, transpose_b=tb)
    got = []
    for threads in (1, 3):
        parallel.set_kernel_threads(threads)
        with tk.Session() as sess:
            got.append(sess.run(y))
    np.testing.assert_array_equal(got[0], got[1])
    want = (a.T if ta else a).astype(np.float64) @ (b.T if tb else b).astype(np.float64)
    np.testing.assert_allclose(got[0], want, rtol=1e-4, atol=1e-4)
    assert got[0].dtype == np.float32 and got[0].shape == (m, n)


def _direct_filter_grad(x, dy, g):
    """``dW[i, j] = sum over images and output pixels of x(at offset i, j) * dy``."""
    xp = np.pad(x.astype(np.float64), g.pads)
    return np.stack([np.stack([np.tensordot(xp[sl], dy.astype(np.float64),
                                            axes=([0, 1, 2], [0, 1, 2]))
                               for i2, j, sl in g.offs if i2 == i])
                     for i in range(g.kh)])


@pytest.mark.parametrize("strides,padding,dil,c", [
    ((1, 1), "SAME", (1, 1), 3),     # CIFAR conv1-like: 3 channels, planar im2col
    ((2, 1), "VALID", (2, 2), 2),
    ((1, 2), "SAME", (2, 1), 1),
    ((1, 1), "SAME", (1, 1), 4)])    # more channels: gathered im2col
@pytest.mark.parametrize("dtype,tol", [(np.float32, 3e-6), (np.float64, 1e-13)])
def test_filter_grad_of_few_channels_any_threads_and_chunks(monkeypatch, strides, padding,
                                                             dil, c, dtype, tol):
    """The filter gradient's im2col is built from a channel-planar copy for 1-3 channels
    (``conv_fast.PLANAR_MAX_C``) and gathered otherwise: both within float rounding of
    a float64 direct sum, bitwise the same on 1 and 3 threads."""
    x = RNG.normal(size=(7, 11, 10, c)).astype(dtype)
    g = conv_ops._geometry(11, 10, 4, 3, {"strides_hw": strides, "padding": padding,
                                          "dilations_hw": dil})
    dy = RNG.normal(size=(7, g.oh, g.ow, 5)).astype(dtype)
    planar = []
    real = conv_fast.planar_windows

    def spy(*args):
        planar.append(True)
        return real(*args)

    monkeypatch.setattr(conv_fast, "planar_windows", spy)
    ctx = _Ctx()
    dws = _variants(monkeypatch, lambda: conv_fast.conv_filter_grad(ctx, x, dy, g,
                                                                    (4, 3, c, 5)))
    assert bool(planar) == (c <= conv_fast.PLANAR_MAX_C)
    np.testing.assert_array_equal(dws[0], dws[1])
    np.testing.assert_array_equal(dws[2], dws[3])
    ref = _direct_filter_grad(x, dy, g)
    for dw in dws:
        assert dw.dtype == dtype and dw.shape == ref.shape
        assert np.abs(dw - ref).max() <= tol * np.abs(ref).max()
