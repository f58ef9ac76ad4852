"""The per-frequency complex products of the Fourier convolutions
(``ops/fourier_products.py``): the four-product and Gauss three-product forms, forward
and adjoint, against float64 complex references on both GEMM backends, bitwise
independent of the kernel thread count; and whole Fourier convolutions with the
three-product form forced everywhere against the loop oracles."""

from __future__ import annotations

import threading
import types

import numpy as np
import pytest

from tests.ops.test_conv_fourier import _rel, _run, conv_grads_ref, conv_ref
from trainkit.ops import conv_fourier, conv_ops, fourier_products, gemm, parallel

RNG = np.random.default_rng(1723)


def _ctx():
    return types.SimpleNamespace(  # what session_pool reads of a kernel context
        state=types.SimpleNamespace(resources={}, lock=threading.Lock()))


def _stacked_complex(m: np.ndarray) -> np.ndarray:
    """``[F, 2N, K]`` real (real rows over imaginary rows) as complex ``[F, N, K]``."""
    n = m.shape[1] // 2
    return m[:, :n].astype(np.float64) + 1j * m[:, n:].astype(np.float64)


@pytest.fixture(autouse=True)
def _restore():
    yield
    parallel.set_kernel_threads(None)
    gemm.set_backend(None)


@pytest.mark.parametrize("backend", ["numpy", "onnxruntime"])
@pytest.mark.parametrize("form", ["four", "three"])
@pytest.mark.parametrize("adjoint", [False, True])
@pytest.mark.parametrize("dtype,tol", [(np.float32, 2e-6), (np.float64, 1e-14)])
@pytest.mark.parametrize("f,n,k,j", [(9, 7, 5, 3),        # odd sizes, one chunk per freq
                                     (37, 33, 64, 72)])   # large enough for ONNX Runtime
def test_products_match_complex_reference_for_any_thread_count(backend, form, adjoint,
                                                               dtype, tol, f, n, k, j):
    if backend == "onnxruntime":
        pytest.importorskip("onnxruntime")
    gemm.set_backend(backend)
    a = RNG.normal(size=(f, 2 * n, k)).astype(dtype)
    b = RNG.normal(size=(2, f, k, j)).astype(dtype)
    fn = fourier_products._three if form == "three" else fourier_products._four
    got = []
    for threads in (1, 3):
        parallel.set_kernel_threads(threads)
        out = np.full((f, 2 * n, j), np.nan, dtype)
        assert fn(_ctx(), a, b, out, adjoint, fourier_products.split(f)) is out
        got.append(out)
    np.testing.assert_array_equal(got[0], got[1])
    bc = b[0].astype(np.float64) + 1j * b[1].astype(np.float64)
    ref = _stacked_complex(a) @ (bc.conj() if adjoint else bc)
    assert got[0].dtype == dtype
    assert _rel(_stacked_complex(got[0]), ref) < tol


@pytest.mark.parametrize("k,j", [(5, 3), (64, 64)])
def test_products_on_spans_of_frequencies_leave_the_others_alone(k, j):
    """Only the frequencies in the spans are written (the inverse never reads the
    rest); every chunk stays inside one span."""
    spans = [(0, 5), (9, 30), (31, 33)]
    chunks = fourier_products.split_ranges(spans)
    assert all(any(s0 <= s and e <= e0 for s0, e0 in spans) for s, e in chunks)
    assert sorted(i for s, e in chunks for i in range(s, e)) == \
        [i for s, e in spans for i in range(s, e)]
    assert fourier_products.split_ranges([(0, 144)]) == fourier_products.split(144)
    a = RNG.normal(size=(40, 2 * 6, k)).astype(np.float32)
    b = RNG.normal(size=(2, 40, k, j)).astype(np.float32)
    out = np.full((40, 12, j), np.nan, np.float32)
    fourier_products.products(_ctx(), a, b, out, False, spans)
    bc = b[0].astype(np.float64) + 1j * b[1].astype(np.float64)
    ref = _stacked_complex(a) @ bc
    for i in range(40):
        if any(s <= i < e for s, e in spans):
            assert _rel(_stacked_complex(out[i:i + 1]), ref[i:i + 1]) < 2e-6
        else:
            assert np.isnan(out[i]).all()


def test_products_pick_the_three_product_form_only_for_wide_matrices(monkeypatch):
    used = []
    monkeypatch.setattr(fourier_products, "_three", lambda *a: used.append(3))
    monkeypatch.setattr(fourier_products, "_four", lambda *a: used.append(4))
    for k, j in ((64, 64), (64, 32), (32, 64), (128, 96)):
        a = np.zeros((2, 4, k), np.float32)
        b = np.zeros((2, 2, k, j), np.float32)
        fourier_products.products(_ctx(), a, b, np.zeros((2, 4, j), np.float32), False)
    assert used == [3, 4, 4, 3]


CASES = [((3, 12, 12, 16), (5, 5, 16, 16), "SAME"),
         ((2, 14, 11, 17), (5, 3, 17, 20), "SAME"),
         ((2, 11, 9, 16), (3, 4, 16, 16), "VALID")]


@pytest.mark.parametrize("xs,ws,padding", CASES)
@pytest.mark.parametrize("fmt", ["NHWC", "NCHW"])
@pytest.mark.parametrize("dtype,tol", [(np.float32, 2e-6), (np.float64, 1e-13)])
def test_fourier_conv_with_three_products_matches_loop_oracles(monkeypatch, xs, ws, padding,
                                                               fmt, dtype, tol):
    """The whole convolution (forward, input and filter gradients) with Gauss's form
    forced for every product, odd sizes, VALID and SAME, both layouts and float types."""
    monkeypatch.setattr(fourier_products, "GAUSS_MIN", 1)
    monkeypatch.setattr(conv_fourier, "MAX_COST_RATIO", float("inf"))
    g = conv_ops._geometry(xs[1], xs[2], ws[0], ws[1],
                           {"strides_hw": (1, 1), "padding": padding})
    assert conv_fourier.usable(g, xs[3], ws[3], np.dtype(dtype))
    x = RNG.normal(size=xs).astype(dtype)
    w = RNG.normal(size=ws).astype(dtype)
    ref_y = conv_ref(x, w, padding)
    dy = RNG.normal(size=ref_y.shape).astype(dtype)
    y, gx, gw = _run(x, w, dy, padding, fmt)
    ref_x, ref_w = conv_grads_ref(x, w, dy, padding)
    assert _rel(y, ref_y) < tol and _rel(gx, ref_x) < tol and _rel(gw, ref_w) < tol


@pytest.mark.parametrize("backend", ["numpy", "onnxruntime"])
def test_cifar_conv2_shape_takes_three_products_on_both_backends(backend, monkeypatch):
    """CIFAR's conv2 (64 -> 64 channels, 5x5 on 12x12) at batch 6: the default
    thresholds pick the three-product form for the forward and the input gradient;
    results match the oracles and do not depend on the thread count."""
    if backend == "onnxruntime":
        pytest.importorskip("onnxruntime")
    gemm.set_backend(backend)
    calls = []
    real = fourier_products._three
    monkeypatch.setattr(fourier_products, "_three",
                        lambda *a: (calls.append(a[4]), real(*a))[1])
    x = RNG.normal(size=(6, 12, 12, 64)).astype(np.float32)
    w = RNG.normal(size=(5, 5, 64, 64)).astype(np.float32)
    dy = RNG.normal(size=(6, 12, 12, 64)).astype(np.float32)
    g = conv_ops._geometry(12, 12, 5, 5, {"strides_hw": (1, 1), "padding": "SAME"})
    assert conv_fourier.usable(g, 64, 64, np.dtype(np.float32))
    runs = []
    for threads in (1, 2):
        parallel.set_kernel_threads(threads)
        runs.append(_run(x, w, dy, "SAME"))
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)
    assert sorted(set(calls)) == [False, True]
    y, gx, gw = runs[0]
    ref_x, ref_w = conv_grads_ref(x, w, dy, "SAME")
    assert _rel(y, conv_ref(x, w, "SAME")) < 2e-6
    assert _rel(gx, ref_x) < 2e-6 and _rel(gw, ref_w) < 2e-6
