"""The filter gradient of the Fourier convolutions (``ops/fourier_filter_grad.py``): the
packed per-frequency products ``X^T conj(DY)`` (four- and three-product forms) against
float64 complex references, the taps from Hermitian spectra against a float64 loop DFT
over all frequencies, and whole filter gradients against the loop oracle -- odd and even
DFT lengths, VALID/SAME, NCHW, float32/float64, both GEMM backends, bitwise the same
for 1, 2 and 3 kernel threads."""

from __future__ import annotations

import threading
import types

import numpy as np
import pytest

from tests.ops.test_conv_fourier import _rel, _run, conv_grads_ref, conv_ref
from trainkit.ops import conv_fourier, conv_ops, gemm, parallel
from trainkit.ops import fourier_filter_grad as fg

RNG = np.random.default_rng(4711)
BACKENDS = ["numpy", "onnxruntime"]


def _ctx():
    return types.SimpleNamespace(  # what session_pool reads of a kernel context
        state=types.SimpleNamespace(resources={}, lock=threading.Lock()))


@pytest.fixture(autouse=True)
def _restore():
    yield
    parallel.set_kernel_threads(None)
    gemm.set_backend(None)


def _backend(name):
    if name == "onnxruntime":
        pytest.importorskip("onnxruntime")
    gemm.set_backend(name)


def _real_spectrum(a, ph, pw):
    """float64 reference spectrum of real NHWC ``a`` zero-padded to ``ph x pw``, in
    ``conv_fourier.spectrum``'s layout ``[Qw * Ph, 2N, C]`` (width frequencies
    ``<= Pw // 2``, width-major; real rows over imaginary rows)."""
    s = np.fft.fft2(a.astype(np.float64), s=(ph, pw), axes=(1, 2))[:, :, :pw // 2 + 1]
    s = s.transpose(2, 1, 0, 3).reshape((pw // 2 + 1) * ph, a.shape[0], a.shape[3])
    return np.concatenate([s.real, s.imag], axis=1)


def _complex(st):
    n = st.shape[1] // 2
    return st[:, :n].astype(np.float64) + 1j * st[:, n:].astype(np.float64)


def test_layout_keeps_half_the_height_frequencies_at_the_ends():
    assert fg.ends(6, 1) == [True]
    assert fg.ends(6, 2) == [True, True]
    assert fg.ends(6, 5) == [True, False, False]
    assert fg.ends(6, 6) == [True, False, False, True]
    assert fg.layout(6, 6) == [(0, 4), (8, 6), (20, 6), (32, 4)]
    assert fg.layout(7, 3) == [(0, 4), (8, 7)]
    chunks = fg._chunks(7, 6)
    assert sorted((q, f) for q, f0, f1 in chunks for f in range(f0, f1)) == \
        [(q, f) for q, (_, kept) in enumerate(fg.layout(7, 6)) for f in range(kept)]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("three", [False, True])
@pytest.mark.parametrize("dtype,tol", [(np.float32, 2e-6), (np.float64, 1e-14)])
@pytest.mark.parametrize("ph,pw,n,c,co", [(5, 7, 3, 5, 4),        # odd lengths, odd sizes
                                          (6, 2, 2, 3, 7),        # only the two ends
                                          (16, 16, 72, 64, 65)])  # ONNX Runtime's size
def test_products_match_a_complex_reference_for_any_thread_count(
        monkeypatch, backend, three, dtype, tol, ph, pw, n, c, co):
    """Every kept frequency of packed ``m`` equals ``X^T conj(DY)``; nothing is left
    unwritten; the bits do not depend on the thread count."""
    _backend(backend)
    monkeypatch.setattr(fg, "GAUSS_MIN", 1 if three else 10 ** 6)
    qw = pw // 2 + 1
    xs = RNG.normal(size=(qw * ph, 2 * n, c)).astype(dtype)
    ds = RNG.normal(size=(qw * ph, 2 * n, co)).astype(dtype)
    ref = np.einsum("fnc,fnd->fcd", _complex(xs), _complex(ds).conj())
    where = fg.layout(ph, pw)
    rows = sum(2 * kept for _, kept in where)
    got = []
    for threads in (1, 2, 3):
        parallel.set_kernel_threads(threads)
        m = np.full((rows, c, co), np.nan, dtype)
        assert fg.products(_ctx(), xs, ds, ph, pw, m) is m
        got.append(m)
    for other in got[1:]:
        np.testing.assert_array_equal(got[0], other)
    m = got[0].astype(np.float64)
    for q, (row, kept) in enumerate(where):
        part = m[row:row + kept] + 1j * m[row + kept:row + 2 * kept]
        assert _rel(part, ref[q * ph:q * ph + kept]) < tol


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype,tol", [(np.float32, 2e-6), (np.float64, 1e-13)])
@pytest.mark.parametrize("h,w,kh,kw,pt,pl,ph,pw", [
    (12, 12, 5, 5, 2, 2, 16, 16),   # CIFAR conv2's geometry
    (9, 8, 4, 3, 1, 1, 12, 10),     # even kernel height, padded 1 before
    (7, 5, 3, 4, 0, 0, 7, 5),       # VALID, odd lengths (one end)
    (6, 1, 3, 1, 1, 0, 8, 1)])      # one width frequency
def test_taps_match_a_loop_dft_over_all_frequencies(backend, dtype, tol, h, w, kh, kw, pt,
                                                    pl, ph, pw):
    """``dw[k] = Re sum_{fh < Ph, fw <= Pw // 2} h(fw) M(fw, fh) e^{+i t (k - pad)} / (Ph
    Pw)`` with the full complex ``M = X^T conj(DY)`` of real signals (Hermitian weights
    ``h``); the function reads only the packed half at the ends."""
    _backend(backend)
    n, c, co = 3, 20, 24
    x = RNG.normal(size=(n, h, w, c))
    dy = RNG.normal(size=(n, h, w, co))
    xs, ds = _real_spectrum(x, ph, pw), _real_spectrum(dy, ph, pw)
    full = np.einsum("fnc,fnd->fcd", _complex(xs), _complex(ds).conj())
    qw = pw // 2 + 1
    full = full.reshape(qw, ph, c, co)
    weight = np.full(qw, 2.0)
    weight[0] = 1.0
    if pw % 2 == 0:
        weight[-1] = 1.0
    ref = np.zeros((kh, kw, c, co))
    for i in range(kh):
        for j in range(kw):
            e = np.exp(2j * np.pi * (np.arange(ph)[None, :] * (i - pt) / ph
                                     + np.arange(qw)[:, None] * (j - pl) / pw))
            ref[i, j] = np.einsum("qf,qfcd->cd", weight[:, None] * e, full).real / (ph * pw)
    where = fg.layout(ph, pw)
    m = np.concatenate([np.concatenate([full[q, :kept].real, full[q, :kept].imag])
                        for q, (_, kept) in enumerate(where)]).astype(dtype)
    p = types.SimpleNamespace(kh=kh, kw=kw, pt=pt, pl=pl, ph=ph, pw=pw)
    got = []
    for threads in (1, 2, 3):
        parallel.set_kernel_threads(threads)
        got.append(fg.taps(_ctx(), m, p, np.dtype(dtype)))
    for other in got[1:]:
        np.testing.assert_array_equal(got[0], other)
    assert got[0].dtype == dtype and got[0].shape == (kh, kw, c, co)
    assert _rel(got[0], ref) < tol


CASES = [((3, 12, 12, 16), (5, 5, 16, 16), "SAME"),
         ((2, 13, 11, 17), (5, 3, 17, 20), "SAME"),    # odd lengths and channels
         ((2, 9, 13, 16), (4, 3, 16, 18), "SAME"),     # even kernel: 1 before, 2 after
         ((2, 11, 9, 16), (3, 4, 16, 16), "VALID"),
         ((1, 7, 10, 24), (5, 5, 24, 16), "VALID")]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("three", [False, True])
@pytest.mark.parametrize("xs,ws,padding", CASES)
@pytest.mark.parametrize("fmt", ["NHWC", "NCHW"])
@pytest.mark.parametrize("dtype,tol", [(np.float32, 2e-6), (np.float64, 1e-13)])
def test_filter_gradient_matches_the_loop_oracle_for_any_thread_count(
        monkeypatch, backend, three, xs, ws, padding, fmt, dtype, tol):
    """Whole convolutions through the session, both product forms forced; the filter
    gradient (and the rest) bitwise the same at 1, 2 and 3 kernel threads."""
    _backend(backend)
    monkeypatch.setattr(fg, "GAUSS_MIN", 1 if three else 10 ** 6)
    monkeypatch.setattr(conv_fourier, "MAX_COST_RATIO", float("inf"))
    g = conv_ops._geometry(xs[1], xs[2], ws[0], ws[1],
                           {"strides_hw": (1, 1), "padding": padding})
    assert conv_fourier.usable(g, xs[3], ws[3], np.dtype(dtype))
    x = RNG.normal(size=xs).astype(dtype)
    w = RNG.normal(size=ws).astype(dtype)
    dy = RNG.normal(size=conv_ref(x, w, padding).shape).astype(dtype)
    runs = []
    for threads in (1, 2, 3):
        parallel.set_kernel_threads(threads)
        runs.append(_run(x, w, dy, padding, fmt))
    for other in runs[1:]:
        for a, b in zip(runs[0], other):
            np.testing.assert_array_equal(a, b)
    gw = runs[0][2]
    assert gw.dtype == dtype
    assert _rel(gw, conv_grads_ref(x, w, dy, padding)[1]) < tol


@pytest.mark.parametrize("backend", BACKENDS)
def test_cifar_conv2_filter_gradient_takes_three_products_by_default(backend, monkeypatch):
    """At batch 64 CIFAR's conv2 (64 -> 64 channels) meets :data:`GAUSS_MIN` on every
    side: its filter gradient is bitwise the forced three-product form's (and not the
    four-product form's), large enough for ONNX Runtime, and matches the oracle."""
    _backend(backend)
    x = RNG.normal(size=(64, 12, 12, 64)).astype(np.float32)
    w = RNG.normal(size=(5, 5, 64, 64)).astype(np.float32)
    dy = RNG.normal(size=(64, 12, 12, 64)).astype(np.float32)
    parallel.set_kernel_threads(2)
    got = {}
    for name, least in (("default", fg.GAUSS_MIN), ("three", 1), ("four", 10 ** 6)):
        monkeypatch.setattr(fg, "GAUSS_MIN", least)
        got[name] = _run(x, w, dy, "SAME")[2]
    np.testing.assert_array_equal(got["default"], got["three"])
    assert not np.array_equal(got["three"], got["four"])
    ref = conv_grads_ref(x, w, dy, "SAME")[1]
    assert _rel(got["three"], ref) < 2e-6 and _rel(got["four"], ref) < 2e-6
