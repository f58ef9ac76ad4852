"""The stride-plane pooling kernels (``ops/pool_planes.py``) against loop oracles that
state the semantics directly, bit for bit: ties (integer-valued inputs, +0/-0), NaN and
infinite windows, infinite/NaN gradients, odd sizes, SAME/VALID, strides other than the
window, float32/float64, NCHW, and 1 or 2 kernel threads with big or tiny chunks."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.client.state import SessionState
from trainkit.ops import conv_ops, parallel, pool_ops, pool_planes

RNG = np.random.default_rng(17)


class _Ctx:
    def __init__(self) -> None:
        self.state = SessionState()
        self.attrs: dict = {}


@pytest.fixture(autouse=True)
def _restore():
    saved = np.geterr()
    yield
    np.seterr(**saved)
    parallel.set_kernel_threads(None)


def _windows(h, w, k, s, padding):
    """Per output pixel ``(a, b)``: its window's real pixels ``(offset, r, q)`` in
    row-major order, and whether offset 0 is real (TF's SAME padding)."""
    def axis(size, kk, ss):
        if padding == "SAME":
            o = -(-size // ss)
            return o, max((o - 1) * ss + kk - size, 0) // 2
        return (size - kk) // ss + 1, 0

    (oh, top), (ow, left) = axis(h, k[0], s[0]), axis(w, k[1], s[1])
    res = {}
    for a in range(oh):
        for b in range(ow):
            res[a, b] = [(i * k[1] + j, a * s[0] + i - top, b * s[1] + j - left)
                         for i in range(k[0]) for j in range(k[1])
                         if 0 <= a * s[0] + i - top < h and 0 <= b * s[1] + j - left < w]
    return oh, ow, res


def max_pool_ref(x, k, s, padding):
    """The first NaN of the window in row-major order, else its last pixel equal to the
    maximum (which of +0/-0)."""
    n, h, w, c = x.shape
    oh, ow, wins = _windows(h, w, k, s, padding)
    y = np.empty((n, oh, ow, c), x.dtype)
    for (a, b), pix in wins.items():
        for bb in range(n):
            for ch in range(c):
                vals = [x[bb, r, q, ch] for _, r, q in pix]
                nans = [v for v in vals if v != v]
                if nans:
                    y[bb, a, b, ch] = nans[0]
                    continue
                top = max(vals)
                y[bb, a, b, ch] = [v for v in vals if v == top][-1]
    return y


def max_pool_grad_ref(x, dy, k, s, padding):
    """``dy`` to each window's first real pixel equal to its maximum (row-major), to offset
    0 when none is (a NaN window; dropped if offset 0 is padding). Every real pixel of the
    window receives ``dy`` at its hit and +0 elsewhere (an infinite or NaN ``dy`` stays
    at the hit, as TF's kernel routes it; checked with TF 2.21), and each input pixel sums
    what it receives in kernel-offset order, from +0."""
    n, h, w, c = x.shape
    _, _, wins = _windows(h, w, k, s, padding)
    terms: dict = {}
    np.seterr(invalid="ignore")   # restored by the fixture
    for (a, b), pix in wins.items():
        for bb in range(n):
            for ch in range(c):
                vals = [x[bb, r, q, ch] for _, r, q in pix]
                top = max(vals) if not any(v != v for v in vals) else None
                first = next((o for (o, _, _), v in zip(pix, vals) if v == top), 0)
                for (o, r, q) in pix:
                    terms.setdefault((bb, r, q, ch), []).append(
                        (o, dy[bb, a, b, ch] if o == first else dy.dtype.type(0)))
    dx = np.zeros(x.shape, dy.dtype)
    for key, ts in terms.items():
        acc = dy.dtype.type(0)
        for _, v in sorted(ts, key=lambda t: t[0]):
            acc = acc + v
        dx[key] = acc
    return dx


def _geom(x, k, s, padding):
    return conv_ops._geometry(x.shape[1], x.shape[2], *k, {"strides_hw": s,
                                                          "padding": padding})


def _bits(a):
    return a.view(np.uint8)


def _runs(monkeypatch, fn):
    """``fn()`` with 1 and 2 kernel threads, with big chunks and with one image each."""
    out = []
    for chunk in (1 << 20, 1):
        monkeypatch.setattr(pool_planes, "CHUNK_BYTES", chunk)
        for threads in (1, 2):
            parallel.set_kernel_threads(threads)
            out.append(np.array(fn()))
    return out


GEOMETRIES = [((3, 3), (2, 2), "SAME"), ((3, 3), (2, 2), "VALID"), ((2, 2), (2, 2), "SAME"),
              ((2, 2), (2, 2), "VALID"), ((3, 2), (1, 2), "SAME"), ((2, 2), (3, 3), "VALID"),
              ((2, 3), (3, 1), "SAME"), ((4, 4), (3, 3), "SAME"), ((1, 1), (1, 1), "VALID"),
              ((1, 3), (2, 1), "SAME"), ((3, 1), (1, 1), "SAME")]


def _tied_input(shape, dtype, specials=True):
    x = RNG.integers(-2, 2, size=shape).astype(dtype)   # many tied maxima
    x[x == -2] = -0.0
    if specials:
        x[0, 0, 0, 0] = np.nan
        x[-1, 1 % shape[1], :, -1] = np.nan
        x[1 % shape[0], :, :, 0] = -np.inf                # whole -inf windows
        x[0, -1, -1, :] = np.inf
    return x


@pytest.mark.parametrize("k,s,padding", GEOMETRIES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_max_pool_and_gradient_match_the_loop_oracles(monkeypatch, k, s, padding, dtype):
    x = _tied_input((3, 7, 9, 3), dtype)
    g = _geom(x, k, s, padding)
    dy = RNG.normal(size=(3, g.oh, g.ow, 3)).astype(dtype)
    dy[0, 0, 0, 1] = -0.0
    dy[1, -1, 0, 2] = -0.0
    ctx = _Ctx()
    want_y = max_pool_ref(x, k, s, padding)
    want_dx = max_pool_grad_ref(x, dy, k, s, padding)
    for y in _runs(monkeypatch, lambda: pool_planes.max_pool(ctx, x, g, -np.inf)):
        np.testing.assert_array_equal(_bits(y), _bits(want_y))
    for dx in _runs(monkeypatch, lambda: pool_planes.max_pool_grad(ctx, x, dy, g)):
        np.testing.assert_array_equal(_bits(dx), _bits(want_dx))


@pytest.mark.parametrize("k,s,padding", GEOMETRIES[:5])
def test_infinite_and_nan_gradients_stay_at_the_maximum(monkeypatch, k, s, padding):
    # TF 2.21: a 2x2/2 pool of arange(16) with dy [inf, 1, nan, 2] gives inf and nan at
    # the four maxima and +0 everywhere else
    x = _tied_input((2, 6, 7, 2), np.float32, specials=False)
    g = _geom(x, k, s, padding)
    dy = RNG.normal(size=(2, g.oh, g.ow, 2)).astype(np.float32)
    dy[0, 0, 0, 0], dy[1, -1, -1, 1], dy[0, -1, 0, 1] = np.inf, -np.inf, np.nan
    want = max_pool_grad_ref(x, dy, k, s, padding)
    for dx in _runs(monkeypatch, lambda: pool_planes.max_pool_grad(_Ctx(), x, dy, g)):
        np.testing.assert_array_equal(_bits(dx), _bits(want))


@pytest.mark.parametrize("shape,k,s,padding", [
    ((128, 24, 24, 8), (3, 3), (2, 2), "SAME"),    # the CIFAR-10 pools, fewer channels
    ((50, 28, 28, 4), (2, 2), (2, 2), "SAME")])    # deep-MNIST
def test_benchmark_pools_on_relu_like_inputs_any_threads(monkeypatch, shape, k, s, padding):
    x = np.maximum(RNG.normal(size=shape), 0).astype(np.float32)   # zero ties
    x[::7, ::3, ::5, ::2] = np.round(x[::7, ::3, ::5, ::2])
    g = _geom(x, k, s, padding)
    dy = RNG.normal(size=(shape[0], g.oh, g.ow, shape[3])).astype(np.float32)
    ys = _runs(monkeypatch, lambda: pool_planes.max_pool(_Ctx(), x, g, -np.inf))
    dxs = _runs(monkeypatch, lambda: pool_planes.max_pool_grad(_Ctx(), x, dy, g))
    for a in ys[1:]:
        np.testing.assert_array_equal(_bits(a), _bits(ys[0]))
    for a in dxs[1:]:
        np.testing.assert_array_equal(_bits(a), _bits(dxs[0]))
    part = slice(0, 3)
    np.testing.assert_array_equal(_bits(ys[0][part]), _bits(max_pool_ref(x[part], k, s,
                                                                           padding)))
    np.testing.assert_array_equal(
        _bits(dxs[0][part]), _bits(max_pool_grad_ref(x[part], dy[part], k, s, padding)))


def test_integer_max_pool_reads_padding_as_the_lowest_value():
    x = RNG.integers(-5, 5, size=(2, 5, 6, 3)).astype(np.int32)
    x[0, :, :, 0] = np.iinfo(np.int32).min
    for k, s, padding in GEOMETRIES:
        g = _geom(x, k, s, padding)
        got = pool_planes.max_pool(_Ctx(), x, g, np.iinfo(np.int32).min)
        np.testing.assert_array_equal(got, max_pool_ref(x, k, s, padding))


@pytest.mark.parametrize("fmt", ["NHWC", "NCHW"])
def test_max_pool_and_its_gradient_through_the_graph(fmt):
    x = _tied_input((2, 7, 6, 3), np.float64, specials=False)
    dy = RNG.normal(size=(2, 4, 3, 3))
    to = (lambda a: a.transpose(0, 3, 1, 2)) if fmt == "NCHW" else (lambda a: a)
    back = (lambda a: a.transpose(0, 2, 3, 1)) if fmt == "NCHW" else (lambda a: a)
    ks, ss = ([1, 1, 3, 3], [1, 1, 2, 2]) if fmt == "NCHW" else ([1, 3, 3, 1], [1, 2, 2, 1])
    xt = tk.constant(to(x))
    y = tk.nn.max_pool(xt, ks, ss, "SAME", data_format=fmt)
    gx = tk.gradients(y, xt, grad_ys=tk.constant(to(dy)))[0]
    gg = pool_ops.pool_grad("MaxPoolGrad", [xt, y, tk.constant(to(dy))], xt, y.op.attrs)
    with tk.Session() as sess:
        got_y, got_dx, got_gg = sess.run([y, gx, gg])
    np.testing.assert_array_equal(back(got_y), max_pool_ref(x, (3, 3), (2, 2), "SAME"))
    want = max_pool_grad_ref(x, dy, (3, 3), (2, 2), "SAME")
    np.testing.assert_array_equal(_bits(np.ascontiguousarray(back(got_dx))), _bits(want))
    np.testing.assert_array_equal(back(got_gg), want)


def test_recycled_scratch_of_other_geometries_leaks_nothing():
    """One session, several geometries sharing buffer shapes: junk cells of an earlier
    call (the gradient's padded ``dy``) must not reach a later result."""
    ctx = _Ctx()
    for w, k, s, padding in [(8, (2, 3), (2, 4), "VALID"), (5, (3, 3), (2, 1), "SAME"),
                             (4, (1, 3), (2, 1), "SAME"), (8, (2, 3), (2, 4), "VALID")]:
        x = _tied_input((3, 6, w, 2), np.float32, specials=False)
        g = _geom(x, k, s, padding)
        dy = RNG.normal(size=(3, g.oh, g.ow, 2)).astype(np.float32)
        got = pool_planes.max_pool_grad(ctx, x, dy, g)
        np.testing.assert_array_equal(_bits(got), _bits(max_pool_grad_ref(x, dy, k, s,
                                                                           padding)))


def avg_pool_ref(x, k, s, padding):
    """``(0 + x_0 + x_1 + ...) / count`` per window, offsets in row-major order, padding
    adding +0, ``count`` its real pixels."""
    n, h, w, c = x.shape
    oh, ow, wins = _windows(h, w, k, s, padding)
    y = np.empty((n, oh, ow, c), x.dtype)
    zero = x.dtype.type(0)
    for (a, b), pix in wins.items():
        real = {o: (r, q) for o, r, q in pix}
        for bb in range(n):
            for ch in range(c):
                acc = zero
                for o in range(k[0] * k[1]):
                    acc = acc + (x[bb, real[o][0], real[o][1], ch] if o in real else zero)
                y[bb, a, b, ch] = acc / x.dtype.type(len(pix))
    return y


def avg_pool_grad_ref(dy, shape, k, s, padding):
    """Each pixel sums ``dy / count`` of the windows holding it, in offset order, from +0."""
    n, h, w, c = shape
    _, _, wins = _windows(h, w, k, s, padding)
    terms: dict = {}
    for (a, b), pix in wins.items():
        for o, r, q in pix:
            terms.setdefault((r, q), []).append((o, a, b, dy.dtype.type(len(pix))))
    dx = np.zeros(shape, dy.dtype)
    for (r, q), ts in terms.items():
        acc = np.zeros((n, c), dy.dtype)
        for _, a, b, cnt in sorted(ts, key=lambda t: t[0]):
            acc = acc + dy[:, a, b, :] / cnt
        dx[:, r, q, :] = acc
    return dx


@pytest.mark.parametrize("k,s,padding", GEOMETRIES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_avg_pool_and_gradient_match_the_loop_oracles(monkeypatch, k, s, padding, dtype):
    x = _tied_input((3, 7, 9, 3), dtype)
    x[x == 1] = RNG.normal(size=int((x == 1).sum()))
    a = {"ksize_hw": k, "strides_hw": s, "padding": padding, "data_format": "NHWC"}
    g = _geom(x, k, s, padding)
    dy = RNG.normal(size=(3, g.oh, g.ow, 3)).astype(dtype)
    dy[0, 0, 0, 1] = -0.0
    ctx = _Ctx()
    ctx.attrs = a
    want_y = avg_pool_ref(x, k, s, padding)
    want_dx = avg_pool_grad_ref(dy, x.shape, k, s, padding)
    for y in _runs(monkeypatch, lambda: pool_ops._avg_pool_kernel(ctx, x)):
        np.testing.assert_array_equal(_bits(y), _bits(want_y))
    for dx in _runs(monkeypatch, lambda: pool_ops._avg_pool_grad_kernel(
            ctx, np.array(x.shape), dy)):
        np.testing.assert_array_equal(_bits(dx), _bits(want_dx))


def test_avg_pool_gradient_through_the_graph_nchw():
    x = RNG.normal(size=(2, 3, 7, 6))
    dy = RNG.normal(size=(2, 3, 4, 3))
    xt = tk.constant(x)
    y = tk.nn.avg_pool(xt, [1, 1, 3, 3], [1, 1, 2, 2], "SAME", data_format="NCHW")
    gx = tk.gradients(y, xt, grad_ys=tk.constant(dy))[0]
    with tk.Session() as sess:
        got_y, got_dx = sess.run([y, gx])
    nhwc = x.transpose(0, 2, 3, 1)
    np.testing.assert_array_equal(got_y.transpose(0, 2, 3, 1),
                                  avg_pool_ref(nhwc, (3, 3), (2, 2), "SAME"))
    np.testing.assert_array_equal(
        got_dx.transpose(0, 2, 3, 1),
        avg_pool_grad_ref(dy.transpose(0, 2, 3, 1), nhwc.shape, (3, 3), (2, 2), "SAME"))


@pytest.mark.parametrize("shape", [(0, 5, 5, 3), (2, 5, 5, 0), (1, 1, 1, 1)])
def test_empty_and_single_pixel_inputs(shape):
    x = RNG.normal(size=shape).astype(np.float32)
    for k, s, padding in GEOMETRIES[:4]:
        if padding == "VALID" and k[0] > shape[1]:
            continue
        g = _geom(x, k, s, padding)
        dy = RNG.normal(size=(shape[0], g.oh, g.ow, shape[3])).astype(np.float32)
        y = pool_planes.max_pool(_Ctx(), x, g, -np.inf)
        dx = pool_planes.max_pool_grad(_Ctx(), x, dy, g)
        assert y.shape == (shape[0], g.oh, g.ow, shape[3]) and dx.shape == shape
        np.testing.assert_array_equal(y, max_pool_ref(x, k, s, padding))
        np.testing.assert_array_equal(dx, max_pool_grad_ref(x, dy, k, s, padding))


def max_pool_grad_grad_ref(x, ggx, k, s, padding):
    """``ggx`` at each window's first offset (row-major, padding included and reading the
    lowest value) equal to the maximum; offset 0 if none (NaN); 0 where that is padding."""
    n, h, w, c = x.shape
    oh, ow, wins = _windows(h, w, k, s, padding)
    low = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    out = np.empty((n, oh, ow, c), ggx.dtype)
    for (a, b), pix in wins.items():
        real = {o: (r, q) for o, r, q in pix}
        for bb in range(n):
            for ch in range(c):
                vals = [x[bb, real[o][0], real[o][1], ch] if o in real else low
                        for o in range(k[0] * k[1])]
                top = max(vals) if not any(v != v for v in vals) else None
                first = next((o for o, v in enumerate(vals) if v == top), 0)
                out[bb, a, b, ch] = (ggx[bb, real[first][0], real[first][1], ch]
                                     if first in real else 0)
    return out


@pytest.mark.parametrize("k,s,padding", GEOMETRIES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_max_pool_grad_grad_matches_the_loop_oracle(monkeypatch, k, s, padding, dtype):
    if dtype == np.int32:
        x = RNG.integers(-3, 3, size=(3, 7, 9, 3)).astype(np.int32)
        x[1] = np.iinfo(np.int32).min            # padding may hold the first maximum
    else:
        x = _tied_input((3, 7, 9, 3), dtype)
    ggx = RNG.normal(size=x.shape).astype(np.float64 if dtype == np.int32 else dtype)
    ggx[0, 0, 0, :] = -0.0
    ggx[2, 1, 1, 0] = np.nan
    a = {"ksize_hw": k, "strides_hw": s, "padding": padding, "data_format": "NHWC"}
    ctx = _Ctx()
    ctx.attrs = a
    want = max_pool_grad_grad_ref(x, ggx, k, s, padding)
    for got in _runs(monkeypatch, lambda: pool_ops._max_pool_grad_grad_kernel(
            ctx, x, None, ggx)):
        np.testing.assert_array_equal(_bits(got), _bits(want))


def test_max_pool_gradient_of_inf_and_nan_is_tfs():
    # printed by TF 2.21 compat.v1 for the same graph
    with tk.Graph().as_default():
        x = tk.constant(np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1))
        y = tk.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
        dy = tk.constant(np.float32([np.inf, 1.0, np.nan, 2.0]).reshape(1, 2, 2, 1))
        y3 = tk.nn.max_pool(x, [1, 3, 3, 1], [1, 1, 1, 1], "VALID")
        dy3 = tk.constant(np.float32([np.inf, 1.0, -np.inf, 2.0]).reshape(1, 2, 2, 1))
        (g,) = tk.gradients(y, x, grad_ys=dy)
        (g3,) = tk.gradients(y3, x, grad_ys=dy3)
        with tk.Session() as s:
            a, b = s.run([g, g3])
    np.testing.assert_array_equal(a.reshape(4, 4), [[0, 0, 0, 0], [0, np.inf, 0, 1],
                                                    [0, 0, 0, 0], [0, np.nan, 0, 2]])
    np.testing.assert_array_equal(b.reshape(4, 4), [[0, 0, 0, 0], [0, 0, 0, 0],
                                                    [0, 0, np.inf, 1], [0, 0, -np.inf, 2]])
