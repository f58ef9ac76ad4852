"""Single-channel convolutions (the transposed im2col of ``ops/conv_fast.py``, filled by
one copy of the window view) through a session on both GEMM backends: against a
float64 direct convolution, bitwise the same for 1 and 2 kernel threads, NHWC and
NCHW, strides, dilations, VALID and SAME, odd sizes."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.ops.test_chunked_kernels import _direct_conv
from trainkit.ops import conv_fast, gemm, parallel

RNG = np.random.default_rng(1729)


@pytest.fixture(autouse=True)
def _restore():
    yield
    parallel.set_kernel_threads(None)
    gemm.set_backend(None)


def _conv(x, w, strides, padding, dil, fmt):
    to = (lambda a: a.transpose(0, 3, 1, 2)) if fmt == "NCHW" else (lambda a: a)
    s = [1, 1] + list(strides) if fmt == "NCHW" else [1] + list(strides) + [1]
    d = [1, 1] + list(dil) if fmt == "NCHW" else [1] + list(dil) + [1]
    y = tk.nn.conv2d(tk.constant(to(x)), tk.constant(w), s, padding, data_format=fmt,
                     dilations=d)
    with tk.Session() as sess:
        got = sess.run(y)
    return got.transpose(0, 2, 3, 1) if fmt == "NCHW" else got


@pytest.mark.parametrize("backend", ["numpy", "onnxruntime"])
@pytest.mark.parametrize("shape,k,strides,padding,dil,fmt", [
    ((9, 28, 28, 1), (5, 5), (1, 1), "SAME", (1, 1), "NHWC"),     # deep-MNIST conv1
    ((7, 27, 25, 1), (5, 3), (2, 1), "VALID", (1, 1), "NCHW"),
    ((5, 23, 29, 1), (3, 4), (1, 2), "SAME", (2, 1), "NHWC")])
@pytest.mark.parametrize("dtype,tol", [(np.float32, 3e-6), (np.float64, 1e-13)])
@pytest.mark.parametrize("chunk", [1 << 20, 1 << 15])   # one chunk; one image per chunk
def test_single_channel_conv_matches_direct_sum(monkeypatch, backend, shape, k, strides,
                                                padding, dil, fmt, dtype, tol, chunk):
    if backend == "onnxruntime":
        pytest.importorskip("onnxruntime")
    gemm.set_backend(backend)
    monkeypatch.setattr(conv_fast, "CHUNK_BYTES", chunk)
    x = RNG.normal(size=shape).astype(dtype)
    w = RNG.normal(size=k + (1, 32)).astype(dtype)
    runs = []
    for threads in (1, 2):
        parallel.set_kernel_threads(threads)
        runs.append(_conv(x, w, strides, padding, dil, fmt))
    np.testing.assert_array_equal(runs[0], runs[1])
    ref = _direct_conv(x.astype(np.float64), w.astype(np.float64), strides, padding, dil)
    assert runs[0].dtype == dtype and runs[0].shape == ref.shape
    assert np.abs(runs[0] - ref).max() <= tol * np.abs(ref).max()
