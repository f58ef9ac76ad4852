"""The GEMM backends the sequence kernels' tests run under.

``gemm_backend`` runs a test under NumPy and under ONNX Runtime; for the latter the size
thresholds are lowered to one multiply-add and one row, so the tests' small block
products (the forward's input blocks, the weight gradients) go to ONNX Runtime as the
benchmark-sized ones do. Its value is the list of output shapes ONNX Runtime produced.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.bits import has_ort
from trainkit.ops import gemm


@pytest.fixture(params=["numpy", "onnxruntime"])
def gemm_backend(request, monkeypatch):
    """Forces the backend (``request.param``); yields the shapes ONNX Runtime wrote."""
    if request.param == "onnxruntime":
        if not has_ort():
            pytest.skip("onnxruntime is not installed")
        for dt in (np.float32, np.float64):
            monkeypatch.setitem(gemm.MIN_MACS, np.dtype(dt), 1)
        monkeypatch.setattr(gemm, "MIN_ROWS", 1)
    calls: list = []
    real = gemm._run

    def counting(sess, a, b, out):
        calls.append(out.shape)
        real(sess, a, b, out)

    monkeypatch.setattr(gemm, "_run", counting)
    gemm.set_backend(request.param)
    assert gemm.backend() == request.param
    calls.clear()   # not the self-test product
    yield calls
    gemm.set_backend(None)
