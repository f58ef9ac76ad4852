"""The small-window ``MaxPoolGrad`` loop (``ops/pool_small_windows.py``) against the NumPy
stride-plane kernel (``pool_planes.max_pool_grad``), which defines TF's semantics (first
maximum per window, a NaN window's gradient to offset 0, sums in kernel-offset order):
bitwise the same gradients for every geometry it takes, with enough channels for the
vectorized loops and a remainder, NaN/inf/-0/tied inputs and inf/NaN/-0 gradients, on 1
and 2 kernel threads with one or several images per chunk; the holder tables against
hand-written ones; with ``relu``, the general loop times ``ReluGrad``'s mask.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.bits import bits
from tests.ops.test_pool_loops import _attrs, _Ctx, _grad, _input, _runs, _same_bits
from trainkit.ops import (
    activation_loops,
    conv_ops,
    jit,
    parallel,
    pool_loops,
    pool_ops,
    pool_small_windows,
)

pytest.importorskip("numba")

RNG = np.random.default_rng(31)

#: geometries it takes: CIFAR's 3x3/2 both paddings, gapped, 1- and 2-wide, mixed axes
SMALL = [((3, 3), (2, 2), "SAME"), ((3, 3), (2, 2), "VALID"), ((3, 3), (3, 2), "SAME"),
         ((2, 3), (1, 2), "VALID"), ((3, 1), (2, 1), "SAME"), ((1, 2), (1, 1), "SAME"),
         ((2, 2), (1, 1), "SAME"), ((2, 2), (3, 3), "VALID"), ((3, 2), (2, 3), "SAME")]


@pytest.fixture(autouse=True)
def _restore(monkeypatch):
    monkeypatch.setattr(parallel, "BAD_CALLS", 10 ** 9)
    prev = jit.set_backend(None)
    jit.set_backend(prev)
    yield
    parallel.set_kernel_threads(None)
    jit.set_backend(prev)


def _spied(monkeypatch):
    """Counts calls of ``pool_loops.max_pool_grad`` and of the small-window loop."""
    calls, loops = [0], [0]
    real_grad, real_loop = pool_loops.max_pool_grad, pool_small_windows.max_pool_grad_small

    def grad(*args, **kw):
        calls[0] += 1
        return real_grad(*args, **kw)

    def loop(*args):
        loops[0] += 1
        return real_loop(*args)

    monkeypatch.setattr(pool_loops, "max_pool_grad", grad)
    monkeypatch.setattr(pool_small_windows, "max_pool_grad_small", loop)
    return calls, loops


#: every geometry on every image size that holds at least one window
CASES = [(k, s, p, hw) for k, s, p in SMALL for hw in [(7, 9), (12, 11), (1, 2)]
         if p == "SAME" or (hw[0] >= k[0] and hw[1] >= k[1])]


@pytest.mark.parametrize("k,s,padding,hw", CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_small_windows_are_the_numpy_bits(monkeypatch, k, s, padding, dtype, hw):
    h, w = hw
    attrs = _attrs(k, s, padding)
    g = conv_ops._geometry(h, w, *k, attrs)
    assert pool_small_windows.fits(g)
    x = _input((3, h, w, 37), dtype) if h > 1 else RNG.normal(size=(3, h, w, 37)).astype(
        dtype)
    x[2, :, :, 5:9] = 1.0                                  # all-equal windows
    x[2, :, :, 9] = -np.inf
    dy = _grad((3, g.oh, g.ow, 37), dtype) if g.oh > 1 and g.ow > 1 else \
        RNG.normal(size=(3, g.oh, g.ow, 37)).astype(dtype)
    calls, loops = _spied(monkeypatch)
    ctx = _Ctx(attrs)
    _same_bits(_runs(monkeypatch, lambda: pool_ops._max_pool_grad_kernel(ctx, x, None, dy),
                     calls), f"MaxPoolGrad {k} {s} {padding} {hw} {np.dtype(dtype)}")
    assert loops[0] >= 4


def test_a_float32_gradient_of_a_float64_input_and_cifar_ties(monkeypatch):
    x = np.maximum(RNG.normal(size=(5, 24, 24, 64)), 0)     # relu-like: +0 ties
    x[1, ::3, ::2, ::4] = -0.0
    dy = RNG.normal(size=(5, 12, 12, 64)).astype(np.float32)
    ctx = _Ctx(_attrs((3, 3), (2, 2), "SAME"))
    calls, loops = _spied(monkeypatch)
    _same_bits(_runs(monkeypatch, lambda: pool_ops._max_pool_grad_kernel(ctx, x, None, dy),
                     calls), "MaxPoolGrad float64 x, float32 dy")
    assert loops[0] >= 4


@pytest.mark.parametrize("k,s,padding", SMALL)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_is_the_general_loop_times_the_relu_grad_mask(k, s, padding, dtype):
    """With ``relu``, bitwise the general loop's gradient times ``ReluGrad``'s mask by
    ``x`` (the compiled ``relu_grad`` loop's product), on a loop-sized call."""
    jit.set_backend("numba")
    x = _input((3, 9, 8, 37), dtype)
    g = conv_ops._geometry(9, 8, *k, _attrs(k, s, padding))
    dy = _grad((3, g.oh, g.ow, 37), dtype)
    (_, _), (pt, _), (pl, _), _ = g.pads
    general = np.full(x.shape, 7, dtype)
    pool_loops.max_pool_grad_loop(x, dy, general, 0, 3, *k, *s, pt, pl, dtype(-np.inf),
                                  dtype(0), np.empty((g.ow, 37), dtype),
                                  np.empty((g.oh, g.ow, 37), np.int32))
    rows = pool_small_windows.holders(9, k[0], s[0], pt, g.oh)
    cols = pool_small_windows.holders(8, k[1], s[1], pl, g.ow)
    for relu in (False, True):
        got = np.full(x.shape, 7, dtype)           # every pixel must be written
        pool_small_windows.max_pool_grad_small(
            x, x.reshape(3, -1), dy, got, 0, 3, *k, *s, pt, pl, dtype(0), dtype(1), relu,
            rows, cols, 16, np.empty((g.oh, g.ow, 37), np.int32), np.empty(1, dtype))
        want = general
        if relu:
            want = np.empty_like(general)
            activation_loops.relu_grad(general.reshape(-1), x.reshape(-1),
                                       want.reshape(-1), dtype(0), dtype(1))
        assert np.array_equal(bits(got), bits(want))


def test_fits_takes_small_overlapping_and_gapped_windows_only():
    def geom(k, s, padding="SAME"):
        return conv_ops._geometry(9, 9, *k, _attrs(k, s, padding))

    assert all(pool_small_windows.fits(geom(k, s, p)) for k, s, p in SMALL)
    assert not pool_small_windows.fits(geom((2, 2), (2, 2)))     # tiles: its own loop
    assert not pool_small_windows.fits(geom((3, 3), (1, 1)))     # 3 windows per axis
    assert not pool_small_windows.fits(geom((4, 4), (2, 2)))     # larger than 3x3
    assert not pool_small_windows.fits(geom((3, 3), (1, 2)))


def test_holders_lists_each_pixels_windows_in_offset_order():
    # 3-wide windows, stride 2, 1 padded before, 3 windows over 5 pixels:
    # window b reads pixels 2b-1 .. 2b+1
    got = pool_small_windows.holders(5, 3, 2, 1, 3)
    want = [[1, 0, 1, 0, 0],        # pixel 0: window 0 at offset 1
            [2, 1, 0, 0, 2],        # pixel 1: window 1 at offset 0, window 0 at offset 2
            [1, 1, 1, 0, 0],
            [2, 2, 0, 1, 2],
            [1, 2, 1, 0, 0]]
    assert got.tolist() == want
    assert not got.flags.writeable
    # VALID 2-wide stride 3 over 7 pixels: pixels 2 and 5 lie in no window
    assert pool_small_windows.holders(7, 2, 3, 0, 2)[:, 0].tolist() == [1, 1, 0, 1, 1, 0, 0]


def test_holders_refuses_pixels_in_three_windows():
    with pytest.raises(ValueError, match="more than 2 windows"):
        pool_small_windows.holders(6, 3, 1, 1, 6)
