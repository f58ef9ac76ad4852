"""The Fourier-domain path of stride-1 convolutions (``ops/conv_fourier.py``): forward,
input and filter gradients against float64 loop oracles through the session (SAME and
VALID, odd and even sizes, non-square kernels, NCHW, both float types), which path a
geometry takes, and thread-count independence (bitwise)."""

from __future__ import annotations

import threading
import types

import numpy as np
import pytest

import trainkit as tk
from trainkit.ops import conv_fourier, conv_ops, derived_cache, gemm, parallel

RNG = np.random.default_rng(23)


def conv_ref(x, w, padding):
    """Loop oracle (float64) of a stride-1 NHWC ``conv2d`` (TF's cross-correlation)."""
    n, h, wd, c = x.shape
    kh, kw, _, co = w.shape
    if padding == "SAME":
        ph, pw = kh - 1, kw - 1
        oh, ow = h, wd
    else:
        ph = pw = 0
        oh, ow = h - kh + 1, wd - kw + 1
    xp = np.pad(x.astype(np.float64), ((0, 0), (ph // 2, ph - ph // 2),
                                       (pw // 2, pw - pw // 2), (0, 0)))
    y = np.zeros((n, oh, ow, co))
    for i in range(kh):
        for j in range(kw):
            y += np.tensordot(xp[:, i:i + oh, j:j + ow, :], w[i, j].astype(np.float64),
                              axes=([3], [0]))
    return y


def conv_grads_ref(x, w, dy, padding):
    """Loop oracles of the input and filter gradients (float64), as adjoints of
    :func:`conv_ref`."""
    n, h, wd, c = x.shape
    kh, kw = w.shape[:2]
    oh, ow = dy.shape[1:3]
    ph, pw = (kh - 1, kw - 1) if padding == "SAME" else (0, 0)
    xp = np.pad(x.astype(np.float64), ((0, 0), (ph // 2, ph - ph // 2),
                                       (pw // 2, pw - pw // 2), (0, 0)))
    dxp, dw = np.zeros_like(xp), np.zeros(w.shape)
    dy = dy.astype(np.float64)
    for i in range(kh):
        for j in range(kw):
            dxp[:, i:i + oh, j:j + ow, :] += np.tensordot(dy, w[i, j].astype(np.float64),
                                                          axes=([3], [1]))
            dw[i, j] = np.tensordot(xp[:, i:i + oh, j:j + ow, :], dy,
                                    axes=([0, 1, 2], [0, 1, 2]))
    return dxp[:, ph // 2:ph // 2 + h, pw // 2:pw // 2 + wd, :], dw


def _run(x, w, dy, padding, fmt="NHWC"):
    to = (lambda a: a.transpose(0, 3, 1, 2)) if fmt == "NCHW" else (lambda a: a)
    back = (lambda a: a.transpose(0, 2, 3, 1)) if fmt == "NCHW" else (lambda a: a)
    xt, wt = tk.constant(to(x)), tk.constant(w)
    y = tk.nn.conv2d(xt, wt, [1, 1, 1, 1], padding, data_format=fmt)
    gx, gw = tk.gradients(y, [xt, wt], grad_ys=tk.constant(to(dy)))
    with tk.Session() as sess:
        first = sess.run([y, gx, gw])
        second = sess.run([y, gx, gw])  # every recycled buffer reused
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    return back(first[0]), back(first[1]), first[2]


def _rel(got, ref):
    return float(np.abs(got - ref).max() / np.abs(ref).max())


CASES = [((3, 12, 12, 16), (5, 5, 16, 16), "SAME"),
         ((2, 14, 11, 17), (5, 3, 17, 20), "SAME"),
         ((2, 9, 13, 16), (4, 3, 16, 18), "SAME"),   # even kernel: pads 1 before, 2 after
         ((2, 11, 9, 16), (3, 4, 16, 16), "VALID"),
         ((1, 7, 10, 24), (5, 5, 24, 16), "VALID")]


@pytest.fixture
def any_cost(monkeypatch):
    """Lets every geometry the other rules allow take the Fourier path, whatever its
    cost ratio (so small VALID cases exercise it)."""
    monkeypatch.setattr(conv_fourier, "MAX_COST_RATIO", float("inf"))


@pytest.mark.parametrize("xs,ws,padding", CASES)
@pytest.mark.parametrize("dtype,tol", [(np.float32, 2e-6), (np.float64, 1e-13)])
def test_fourier_conv_and_gradients_match_loop_oracles(xs, ws, padding, dtype, tol,
                                                       any_cost):
    x = RNG.normal(size=xs).astype(dtype)
    w = RNG.normal(size=ws).astype(dtype)
    ref_y = conv_ref(x, w, padding)
    dy = RNG.normal(size=ref_y.shape).astype(dtype)
    geom = conv_ops._geometry(xs[1], xs[2], ws[0], ws[1],
                              {"strides_hw": (1, 1), "padding": padding})
    assert conv_fourier.usable(geom, xs[3], ws[3], np.dtype(dtype))
    y, gx, gw = _run(x, w, dy, padding)
    ref_x, ref_w = conv_grads_ref(x, w, dy, padding)
    assert y.dtype == gx.dtype == gw.dtype == dtype
    assert _rel(y, ref_y) < tol
    assert _rel(gx, ref_x) < tol
    assert _rel(gw, ref_w) < tol


@pytest.mark.parametrize("xs,ws,padding,pw", [
    ((2, 7, 1, 16), (9, 1, 16, 16), "SAME", 1),    # one width frequency
    ((2, 7, 1, 16), (5, 2, 16, 16), "SAME", 2),    # zero and Nyquist only
    ((2, 6, 3, 16), (3, 3, 16, 17), "VALID", 3),
    ((3, 5, 5, 16), (3, 3, 16, 16), "SAME", 6),
    ((2, 1, 7, 16), (1, 9, 16, 16), "SAME", 11),   # one height frequency
    ((1, 2, 6, 16), (2, 5, 16, 16), "SAME", 8)])   # two height frequencies
@pytest.mark.parametrize("dtype,tol", [(np.float32, 2e-6), (np.float64, 1e-13)])
def test_fourier_conv_on_narrow_images_matches_loop_oracles(xs, ws, padding, pw, dtype, tol,
                                                            any_cost):
    """The inverse keeps only the real rows of the width frequencies 0 and ``Pw / 2``:
    odd and even DFT widths down to 1 and 2."""
    g = conv_ops._geometry(xs[1], xs[2], ws[0], ws[1],
                           {"strides_hw": (1, 1), "padding": padding})
    assert conv_fourier.usable(g, xs[3], ws[3], np.dtype(dtype))
    assert conv_fourier.Plan(g, xs[1], xs[2]).pw == pw
    x = RNG.normal(size=xs).astype(dtype)
    w = RNG.normal(size=ws).astype(dtype)
    ref_y = conv_ref(x, w, padding)
    dy = RNG.normal(size=ref_y.shape).astype(dtype)
    y, gx, gw = _run(x, w, dy, padding)
    ref_x, ref_w = conv_grads_ref(x, w, dy, padding)
    assert _rel(y, ref_y) < tol and _rel(gx, ref_x) < tol and _rel(gw, ref_w) < tol


def test_fourier_conv_nchw_matches_nhwc_oracle():
    x = RNG.normal(size=(2, 10, 12, 16)).astype(np.float32)
    w = RNG.normal(size=(5, 5, 16, 16)).astype(np.float32)
    dy = RNG.normal(size=(2, 10, 12, 16)).astype(np.float32)
    y, gx, gw = _run(x, w, dy, "SAME", fmt="NCHW")
    ref_x, ref_w = conv_grads_ref(x, w, dy, "SAME")
    assert _rel(y, conv_ref(x, w, "SAME")) < 2e-6
    assert _rel(gx, ref_x) < 2e-6 and _rel(gw, ref_w) < 2e-6


def test_only_stride_one_wide_float_convolutions_take_the_fourier_path():
    def geom(k, s, dil=1):
        return conv_ops._geometry(12, 12, k, k, {"strides_hw": (s, s), "padding": "SAME",
                                                 "dilations_hw": (dil, dil)})
    f32 = np.dtype(np.float32)
    assert conv_fourier.usable(geom(5, 1), 16, 16, f32)
    assert conv_fourier.usable(geom(3, 1), 64, 32, np.dtype(np.float64))
    assert not conv_fourier.usable(geom(5, 2), 16, 16, f32)        # strided
    assert not conv_fourier.usable(geom(3, 1, 2), 16, 16, f32)     # dilated
    assert not conv_fourier.usable(geom(1, 1), 64, 64, f32)        # 1x1
    assert not conv_fourier.usable(geom(5, 1), 3, 64, f32)         # few input channels
    assert not conv_fourier.usable(geom(5, 1), 16, 16, np.dtype(np.float16))


def test_fourier_path_only_where_its_multiply_adds_are_few_enough():
    def geom(h, k, pad="SAME"):
        return conv_ops._geometry(h, h, k, k, {"strides_hw": (1, 1), "padding": pad})
    f32 = np.dtype(np.float32)
    # SAME 5x5 on 12x12, 64 -> 64 (CIFAR conv2): Ph = Pw = 14, 8 width frequencies
    fourier, direct = conv_fourier.cost(geom(12, 5), 64, 64)
    assert direct == 12 * 12 * 25 * 64 * 64
    assert fourier == (64 * (2 * 8 * 144 + 8 * 28 * 24) + 4 * 64 * 64 * 14 * 8
                       + 64 * (8 * 24 * 28 + 12 * 16 * 12))
    # the benchmarks' 5x5 layers take it; 3x3 on 56x56 (a VGG-like layer), where im2col
    # measured 1.4x faster, does not
    assert conv_fourier.usable(geom(14, 5), 32, 64, f32)
    assert conv_fourier.usable(geom(12, 5), 64, 64, f32)
    assert conv_fourier.usable(geom(12, 3), 64, 64, f32)
    assert not conv_fourier.usable(geom(56, 3), 64, 64, f32)
    assert not conv_fourier.usable(geom(16, 3), 16, 16, f32)


def test_period_is_the_smallest_alias_free_length():
    # SAME 5x5 on 12: 2 before, 2 after -> 14; VALID 5 on 12 (output 8) -> 12
    assert conv_fourier.period(12, 12, 5, 2) == 14
    assert conv_fourier.period(12, 8, 5, 0) == 12
    assert conv_fourier.period(9, 9, 4, 1) == 11   # 2 after the input


def test_fourier_results_do_not_depend_on_the_kernel_thread_count():
    x = RNG.normal(size=(5, 12, 12, 16)).astype(np.float32)
    w = RNG.normal(size=(5, 5, 16, 24)).astype(np.float32)
    dy = RNG.normal(size=(5, 12, 12, 24)).astype(np.float32)
    before = parallel.kernel_threads()
    try:
        parallel.set_kernel_threads(1)
        one = _run(x, w, dy, "SAME")
        parallel.set_kernel_threads(3)
        three = _run(x, w, dy, "SAME")
    finally:
        parallel.set_kernel_threads(before)
    for a, b in zip(one, three):
        np.testing.assert_array_equal(a, b)


def test_cached_spectra_never_outlive_an_in_place_change_of_their_input():
    """The filter gradient reuses the forward's spectrum of ``x`` only while ``x`` holds
    the same bits: a variable assigned in place in between is transformed again."""
    x0 = RNG.normal(size=(2, 12, 12, 16)).astype(np.float32)
    x1 = RNG.normal(size=(2, 12, 12, 16)).astype(np.float32)
    w = RNG.normal(size=(5, 5, 16, 16)).astype(np.float32)
    dyv = RNG.normal(size=(2, 12, 12, 16)).astype(np.float32)
    xv = tk.Variable(x0)
    wt = tk.constant(w)
    y = tk.nn.conv2d(xv, wt, [1, 1, 1, 1], "SAME")
    dy = tk.placeholder(tk.float32, [2, 12, 12, 16])
    gw, = tk.gradients(y, [wt], grad_ys=dy)
    assign = tk.assign(xv, x1)
    with tk.Session() as sess:
        sess.run(xv.initializer)
        sess.run(y)                                    # caches the spectrum of x0
        got0 = sess.run(gw, {dy: dyv})                 # x unchanged: may reuse it
        sess.run(assign)
        got1 = sess.run(gw, {dy: dyv})                 # x changed in place
        y1 = sess.run(y)
    assert _rel(got0, conv_grads_ref(x0, w, dyv, "SAME")[1]) < 2e-6
    assert _rel(got1, conv_grads_ref(x1, w, dyv, "SAME")[1]) < 2e-6
    assert _rel(y1, conv_ref(x1, w, "SAME")) < 2e-6


def test_derived_cache_finds_only_the_same_array_with_the_same_bits():
    cache = derived_cache.DerivedCache()
    a = np.arange(6.0).reshape(2, 3)
    spec = np.zeros(2, np.complex128)
    cache.put(("x",), a, spec)
    assert cache.find(("x",), a) is spec
    assert cache.find(("dy",), a) is None           # another key
    assert cache.find(("x",), a.copy()) is None     # another array, same bits
    a[0, 0] = -0.0                                   # 0.0 -> -0.0: other bits, == still true
    assert cache.find(("x",), a) is None


def test_cached_filter_spectrum_is_recomputed_after_an_update_of_the_filter():
    """The forward and the input gradient share the filter's spectrum; an optimizer step
    updating the filter in place between two runs must not reuse the old one."""
    x = RNG.normal(size=(2, 12, 12, 16)).astype(np.float32)
    w0 = RNG.normal(size=(5, 5, 16, 16)).astype(np.float32)
    w1 = RNG.normal(size=(5, 5, 16, 16)).astype(np.float32)
    wv = tk.Variable(w0)
    xt = tk.constant(x)
    y = tk.nn.conv2d(xt, wv, [1, 1, 1, 1], "SAME")
    dy = RNG.normal(size=(2, 12, 12, 16)).astype(np.float32)
    gx, = tk.gradients(y, [xt], grad_ys=tk.constant(dy))
    with tk.Session() as sess:
        sess.run(wv.initializer)
        y0, g0 = sess.run([y, gx])
        sess.run(tk.assign(wv, w1))
        y1, g1 = sess.run([y, gx])
    for w, yv, gv in ((w0, y0, g0), (w1, y1, g1)):
        assert _rel(yv, conv_ref(x, w, "SAME")) < 2e-6
        assert _rel(gv, conv_grads_ref(x, w, dy, "SAME")[0]) < 2e-6


@pytest.mark.parametrize("backend", ["numpy", "onnxruntime"])
def test_fourier_conv_on_both_gemm_backends_matches_oracles_for_any_thread_count(
        backend, monkeypatch):
    """Deep-MNIST's conv2 shape at batch 16: large enough that the per-frequency products
    and the filter gradient's contiguous stacks go to ONNX Runtime (counted)."""
    if backend == "onnxruntime":
        pytest.importorskip("onnxruntime")
    gemm.set_backend(backend)
    calls = []
    real = gemm._run
    monkeypatch.setattr(gemm, "_run", lambda *a: (calls.append(1), real(*a)))
    x = RNG.normal(size=(16, 14, 14, 32)).astype(np.float32)
    w = RNG.normal(size=(5, 5, 32, 64)).astype(np.float32)
    dy = RNG.normal(size=(16, 14, 14, 64)).astype(np.float32)
    try:
        runs = []
        for threads in (1, 3):
            parallel.set_kernel_threads(threads)
            runs.append(_run(x, w, dy, "SAME"))
    finally:
        parallel.set_kernel_threads(None)
        gemm.set_backend(None)
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)
    ref_x, ref_w = conv_grads_ref(x, w, dy, "SAME")
    y, gx, gw = runs[0]
    assert _rel(y, conv_ref(x, w, "SAME")) < 2e-6
    assert _rel(gx, ref_x) < 2e-6 and _rel(gw, ref_w) < 2e-6
    assert (len(calls) > 0) == (backend == "onnxruntime")


def _filter_spectrum_ref(w, ph, pw, pt, pl):
    """float64 loop oracle: ``W'(fh, fw) = sum_k w[k] e^{+2 pi i (fh (kh - pt) / Ph +
    fw (kw - pl) / Pw)}`` at ``fw <= Pw // 2``, as complex ``[Pw // 2 + 1, Ph, C, CO]``."""
    kh, kw = w.shape[:2]
    out = np.zeros((pw // 2 + 1, ph) + w.shape[2:], np.complex128)
    for fw in range(pw // 2 + 1):
        for fh in range(ph):
            for i in range(kh):
                for j in range(kw):
                    e = np.exp(2j * np.pi * (fh * (i - pt) / ph + fw * (j - pl) / pw))
                    out[fw, fh] += e * w[i, j].astype(np.float64)
    return out


@pytest.mark.parametrize("backend", ["numpy", "onnxruntime"])
@pytest.mark.parametrize("dtype,tol", [(np.float32, 1e-6), (np.float64, 1e-14)])
@pytest.mark.parametrize("transpose", [False, True])
def test_stacked_filter_spectrum_matches_a_loop_dft(backend, dtype, tol, transpose):
    """The filter spectrum the per-frequency products read (real GEMMs over the width
    then the height taps, straight into ``[2, F, C, CO]``: real part, imaginary part;
    ``[2, F, CO, C]`` of the transposed spectrum) against a float64 loop DFT; a non-square, even
    kernel with asymmetric padding and C != CO; large enough for ONNX Runtime."""
    ctx = types.SimpleNamespace(  # what session_pool reads of a kernel context
        state=types.SimpleNamespace(resources={}, lock=threading.Lock()))

    class Geom:
        pads = ((0, 0), (1, 2), (2, 2), (0, 0))
        oh, ow, kh, kw = 14, 13, 4, 5

    w = RNG.normal(size=(4, 5, 48, 40)).astype(dtype)
    p = conv_fourier.Plan(Geom(), 14, 13)
    gemm.set_backend(backend)
    try:
        got = conv_fourier._stacked(ctx, w, p, transpose, np.dtype(dtype))
        again = conv_fourier._stacked(ctx, w, p, transpose, np.dtype(dtype))
    finally:
        gemm.set_backend(None)
    ref = _filter_spectrum_ref(w, p.ph, p.pw, 1, 2)
    if transpose:
        ref = ref.swapaxes(2, 3)
    ref = np.stack([ref.real, ref.imag]).reshape(got.shape)
    assert got.dtype == dtype and got.flags.c_contiguous
    assert _rel(got, ref) < tol
    np.testing.assert_array_equal(got, again)


@pytest.mark.parametrize("padding,nonzero,active,bias_grad", [
    ("SAME", 11520, 5746, [63.0, 56.0, 84.0, 109.0]),
    ("VALID", 8704, 4360, [49.0, 35.0, 58.0, 82.0]),
])
def test_fourier_conv_is_exactly_zero_where_the_receptive_field_is_empty(
        padding, nonzero, active, bias_grad):
    """Digits on an empty background under a zero bias: the outputs whose 5x5 field holds
    only zeros are exactly 0 (the transforms' rounding noise would be > 0 for about half
    of them, and relu would pass the gradient there). The counts and the bias gradient of
    ``sum(relu(conv + b))`` are TF 2.21's (tf.compat.v1, CPU)."""
    rng = np.random.RandomState(5)
    x = np.zeros((2, 14, 14, 32), np.float32)
    x[0, 3:9, 4:8] = rng.uniform(0, 1, (6, 4, 32))
    x[1, 6:12, 6:12] = rng.uniform(0, 1, (6, 6, 32))
    w = rng.normal(0, 0.1, (5, 5, 32, 64)).astype(np.float32)
    g = conv_ops._geometry(14, 14, 5, 5, {"strides_hw": (1, 1), "padding": padding})
    assert conv_fourier.usable(g, 32, 64, np.dtype(np.float32))
    with tk.Graph().as_default():
        b = tk.Variable(tk.zeros([64]))
        y = tk.nn.conv2d(tk.constant(x), tk.constant(w), [1, 1, 1, 1], padding)
        grad = tk.gradients(tk.reduce_sum(tk.nn.relu(tk.nn.bias_add(y, b))), b)[0]
        with tk.Session() as sess:
            sess.run(tk.global_variables_initializer())
            yv, gv = sess.run([y, grad])
    ref = conv_ref(x, w, padding)
    np.testing.assert_array_equal(yv == 0, ref == 0)
    np.testing.assert_allclose(yv, ref, atol=1e-5)
    assert (np.count_nonzero(yv), int((yv > 0).sum())) == (nonzero, active)
    assert gv[:4].tolist() == bias_grad and gv.sum() == active


@pytest.mark.parametrize("backend", ["numpy", "numba"])
def test_zero_fields_leaves_a_field_with_one_live_pixel_and_nan_alone(backend):
    """Only fields with no nonzero value (NaN counts as live) are cleared; the compiled
    live-pixel loop (``ops/jit.py``) finds the same pixels."""
    if backend == "numba":
        pytest.importorskip("numba")
    from trainkit.ops import jit
    prev = jit.set_backend(backend)
    try:
        _zero_fields_case()
    finally:
        jit.set_backend(prev)


def _zero_fields_case():
    x = np.zeros((1, 6, 6, 16), np.float32)
    x[0, 0, 0, 3] = 1.0
    x[0, 5, 5, 0] = np.nan
    g = conv_ops._geometry(6, 6, 3, 3, {"strides_hw": (1, 1), "padding": "SAME"})
    y = conv_fourier.zero_fields(x, g, np.full((1, 6, 6, 2), 1e-9, np.float32))
    live = np.zeros((6, 6), bool)
    live[:2, :2] = live[4:, 4:] = True
    np.testing.assert_array_equal(y[0, :, :, 0] != 0, live)
    np.testing.assert_array_equal(y[0, :, :, 1], y[0, :, :, 0])
