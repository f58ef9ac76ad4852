"""The gradient of a ReLU through the max-pool that reads it, fused
(``_FusedMaxPoolGradReluGrad``: ``client/fusion.py``, ``ops/pool_ops.py``) and the
compiled loop for windows that tile the image (``pool_loops.max_pool_grad_tiles``).

- the tiling loop gives bitwise the general loop's ``MaxPoolGrad`` (NaN, +-inf, +-0 and
  tied maxima in ``x``; inf, NaN and -0 in ``dy``), and with ``relu`` bitwise that times
  the ``ReluGrad`` mask (the compiled ``relu_grad`` loop's product); the small-window
  loop likewise (``tests/ops/test_pool_small_windows.py``);
- in a session, ``tf.gradients`` of ``max_pool(relu(z))`` runs one fused step that gives
  bitwise the unfused plan's values and a hand-computed NumPy reference (each window's
  first maximum gets ``dy``, then the ReLU mask); fetching the pool gradient, or a
  ``ReluGrad`` of another tensor, keeps the ops apart; NCHW and windows neither loop
  takes fall back to the two kernels in one step.
"""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.bits import bits, traced
from trainkit.client.state import SessionState
from trainkit.ops import activation_loops, conv_ops, jit, parallel, pool_loops

pytest.importorskip("numba")

RNG = np.random.default_rng(41)

#: tiling geometries: (h, w, kh, kw, padding) with kernel = stride
TILINGS = [(28, 28, 2, 2, "SAME"), (7, 9, 2, 2, "SAME"), (7, 9, 2, 2, "VALID"),
           (7, 8, 3, 3, "SAME"), (8, 7, 3, 3, "VALID"), (6, 9, 2, 3, "SAME"),
           (5, 5, 1, 1, "VALID"), (4, 4, 4, 4, "SAME")]


class _Ctx:
    def __init__(self) -> None:
        self.state = SessionState()
        self.attrs = {}


@pytest.fixture(autouse=True)
def _restore():
    prev = jit.set_backend(None)
    jit.set_backend(prev)
    yield
    parallel.set_kernel_threads(None)
    jit.set_backend(prev)


def _input(shape, dtype):
    x = RNG.integers(-2, 3, size=shape).astype(dtype)     # many tied maxima
    x[x == -2] = -0.0
    x[x == 2] = RNG.normal(size=int((x == 2).sum()))
    x[0, 0, 0, 0] = np.nan
    x[-1, 1, :, -1] = np.inf
    x[1 % shape[0], :, :, 1] = -np.inf                      # whole -inf windows
    x[-1, 0, 0, :] = -0.0
    x[-1, 0, 1 % shape[2], :] = 0.0
    return x


def _grad(shape, dtype):
    dy = RNG.normal(size=shape).astype(dtype)
    dy[0, 0, 0, 2] = np.inf
    dy[-1, -1, 0, 0] = np.nan
    dy[-1, 0, -1, 1] = -np.inf
    dy[0, -1, -1, :] = -0.0
    return dy


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("h,w,kh,kw,padding", TILINGS)
def test_tiling_loop_is_bitwise_the_general_loop_and_the_relu_mask(h, w, kh, kw, padding,
                                                                   dtype):
    g = conv_ops._Geom(h, w, kh, kw, kh, kw, 1, 1, padding)
    x = _input((3, h, w, 4), dtype)
    dy = _grad((3, g.oh, g.ow, 4), dtype)
    (_, _), (pt, _), (pl, _), _ = g.pads
    lo, zero, one = dtype(-np.inf), dtype(0), dtype(1)
    general = np.full(x.shape, 7, dtype)
    pool_loops.max_pool_grad_loop(x, dy, general, 0, 3, kh, kw, kh, kw, pt, pl, lo, zero,
                                  np.empty((g.ow, 4), dtype),
                                  np.empty((g.oh, g.ow, 4), np.int32))
    best, hits = np.empty(g.ow * 4, dtype), np.empty(g.ow * 4, np.int32)
    for relu in (False, True):
        got = np.full(x.shape, 7, dtype)           # every pixel must be written
        pool_loops.max_pool_grad_tiles(x, dy, got, 0, 3, kh, kw, pt, pl, lo, zero, one,
                                       relu, best, hits)
        want = general
        if relu:
            want = np.empty_like(general)
            activation_loops.relu_grad(general.reshape(-1), x.reshape(-1),
                                       want.reshape(-1), zero, one)
        assert np.array_equal(bits(got), bits(want))


def test_relu_needs_tiling_or_small_windows():
    g = conv_ops._Geom(6, 6, 3, 3, 1, 1, 1, 1, "SAME")     # 3 windows per axis
    x = np.ones((1, 6, 6, 2), np.float32)
    with pytest.raises(ValueError, match="tile"):
        pool_loops.max_pool_grad(_Ctx(), x, np.ones((1, 3, 3, 2), np.float32), g,
                                 relu=True)


def _reference(z, dy, k, s, padding):
    """The gradient of ``sum(dy * max_pool(relu(z)))`` by hand: each window's first
    maximum (row-major among its real pixels) gets the window's ``dy``; then the ReLU
    mask ``z > 0``. Finite inputs without ties among positives."""
    a = np.maximum(z, 0)
    n, h, w, c = z.shape
    g = conv_ops._Geom(h, w, k, k, s, s, 1, 1, padding)
    (_, _), (pt, _), (pl, _), _ = g.pads
    da = np.zeros_like(z)
    for m in range(n):
        for oa in range(g.oh):
            for ob in range(g.ow):
                for ch in range(c):
                    best, at = -np.inf, None
                    for i in range(k):
                        for j in range(k):
                            r, q = oa * s - pt + i, ob * s - pl + j
                            if 0 <= r < h and 0 <= q < w and a[m, r, q, ch] > best:
                                best, at = a[m, r, q, ch], (r, q)
                    da[(m, *at, ch)] += dy[m, oa, ob, ch]
    return da * (z > 0)


def _pool_relu_grads(z, dy, k, s, padding, fmt="NHWC", fetch_pool_grad=False):
    """``d/dz sum(dy * max_pool(relu(z)))`` traced: ``(value, nodes)``."""
    with tk.Graph().as_default():
        zp = tk.placeholder(tk.as_dtype(z.dtype), z.shape)
        dyp = tk.placeholder(tk.as_dtype(z.dtype), dy.shape)
        a = tk.nn.relu(zp)
        if fmt == "NCHW":
            y = tk.nn.max_pool(tk.transpose(a, [0, 3, 1, 2]), [1, 1, k, k], [1, 1, s, s],
                               padding, data_format="NCHW")
            dyn = tk.transpose(dyp, [0, 3, 1, 2])
        else:
            y, dyn = tk.nn.max_pool(a, [1, k, k, 1], [1, s, s, 1], padding), dyp
        dz, = tk.gradients(y, zp, dyn)
        fetches = [dz, dz.op.inputs[0]] if fetch_pool_grad else dz
        with tk.Session() as sess:
            return traced(sess, fetches, {zp: z, dyp: dy})


@pytest.mark.parametrize("backend,threads", [("numba", 1), ("numba", 2), ("numpy", 2)])
@pytest.mark.parametrize("k,s,padding,shape", [(2, 2, "SAME", (4, 28, 28, 32)),
                                               (3, 3, "SAME", (2, 7, 8, 5)),
                                               (3, 2, "SAME", (3, 24, 24, 16)),
                                               (2, 2, "VALID", (3, 7, 9, 6))])
def test_fused_step_matches_hand_gradient_and_the_unfused_plan(k, s, padding, shape,
                                                               backend, threads):
    jit.set_backend(backend)
    parallel.set_kernel_threads(threads)
    z = RNG.normal(size=shape).astype(np.float32)
    g = conv_ops._Geom(shape[1], shape[2], k, k, s, s, 1, 1, padding)
    dy = RNG.normal(size=(shape[0], g.oh, g.ow, shape[3])).astype(np.float32)
    got, nodes = _pool_relu_grads(z, dy, k, s, padding)
    kinds = {n.op_type for n in nodes.values()}
    assert "_FusedMaxPoolGradReluGrad" in kinds and not {"MaxPoolGrad", "ReluGrad"} & kinds
    np.testing.assert_allclose(got, _reference(z, dy, k, s, padding), rtol=0, atol=1e-6)
    (both, pool_grad), nodes2 = _pool_relu_grads(z, dy, k, s, padding,
                                                 fetch_pool_grad=True)
    kinds = {n.op_type for n in nodes2.values()}
    assert {"MaxPoolGrad", "ReluGrad"} <= kinds and "_FusedMaxPoolGradReluGrad" not in kinds
    assert np.array_equal(bits(got), bits(both))
    assert np.array_equal(bits(got), bits(pool_grad * (z > 0)))


@pytest.mark.parametrize("k,s", [(2, 2), (3, 2)])
def test_nchw_and_overlapping_windows_fall_back_to_the_two_kernels(k, s):
    z = RNG.normal(size=(2, 9, 9, 3)).astype(np.float32)
    g = conv_ops._Geom(9, 9, k, k, s, s, 1, 1, "SAME")
    dy = RNG.normal(size=(2, g.oh, g.ow, 3)).astype(np.float32)
    for fmt in ("NHWC", "NCHW"):
        got, _ = _pool_relu_grads(z, dy, k, s, "SAME", fmt)
        np.testing.assert_allclose(got, _reference(z, dy, k, s, "SAME"), rtol=0,
                                   atol=1e-6)
        (both, _), _ = _pool_relu_grads(z, dy, k, s, "SAME", fmt, fetch_pool_grad=True)
        assert np.array_equal(bits(got), bits(both))


def test_relu_grad_of_another_tensor_is_not_fused():
    """``max_pool(identity(relu(z)))``: the pool's input is not the tensor the ReLU's
    gradient masks by, so the two gradient ops keep their own steps."""
    z = RNG.normal(size=(2, 6, 6, 3)).astype(np.float32)
    dy = RNG.normal(size=(2, 3, 3, 3)).astype(np.float32)
    with tk.Graph().as_default():
        zp, dyp = tk.placeholder(tk.float32, z.shape), tk.placeholder(tk.float32, dy.shape)
        y = tk.nn.max_pool(tk.identity(tk.nn.relu(zp)), [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
        dz, = tk.gradients(y, zp, dyp)
        with tk.Session() as sess:
            got, nodes = traced(sess, dz, {zp: z, dyp: dy})
    kinds = {n.op_type for n in nodes.values()}
    assert {"MaxPoolGrad", "ReluGrad"} <= kinds and "_FusedMaxPoolGradReluGrad" not in kinds
    np.testing.assert_allclose(got, _reference(z, dy, 2, 2, "SAME"), rtol=0, atol=1e-6)
