"""ops.gemm: both backends against float64 NumPy references (every transpose variant,
empty and non-contiguous operands, ``out``), the dtypes that stay in NumPy, the
blocked MatMul's independence of the kernel thread count, TRAINKIT_GEMM validation and
the fallback to NumPy when ONNX Runtime is unavailable."""

from __future__ import annotations

import logging
import sys

import numpy as np
import pytest

import trainkit as tk
from tests.bits import has_ort, needs_ort
from trainkit.ops import gemm, matmul_ops, onnx_model, parallel
from trainkit.ops.matmul_ops import product

RNG = np.random.default_rng(1717)
BACKENDS = ["numpy", "onnxruntime"]
TOL = {np.dtype(np.float32): 3e-6, np.dtype(np.float64): 1e-13}




@pytest.fixture(autouse=True)
def _restore_backend():
    yield
    gemm.set_backend(None)


@pytest.fixture
def runtime_calls(monkeypatch):
    """Counts the products ONNX Runtime ran."""
    calls = []
    real = gemm._run

    def counting(sess, a, b, out):
        calls.append(out.shape)
        real(sess, a, b, out)

    monkeypatch.setattr(gemm, "_run", counting)
    return calls


def _use(backend: str, calls: list | None = None) -> None:
    """Selects ``backend`` now (its self-test product is not counted in ``calls``)."""
    if backend == "onnxruntime" and not has_ort():
        pytest.skip("onnxruntime is not installed")
    gemm.set_backend(backend)
    assert gemm.backend() == backend
    if calls is not None:
        calls.clear()


def _close(got: np.ndarray, ref: np.ndarray, k: int) -> None:
    """Within float rounding of the float64 reference: ``TOL * sqrt(k) * max|a||b|``."""
    assert got.shape == ref.shape
    scale = max(1.0, float(np.abs(ref).max(initial=0.0)))
    np.testing.assert_allclose(got, ref, rtol=0, atol=TOL[got.dtype] * np.sqrt(k) * scale)


def _operand(shape: tuple, dtype, transposed: bool, strided: bool) -> np.ndarray:
    """An array of ``shape`` stored as given: a transposed view, a strided slice, or
    C-contiguous."""
    if strided:
        base = RNG.standard_normal(shape[:-1] + (2 * shape[-1],)).astype(dtype)
        return base[..., ::2]
    if transposed:
        return np.ascontiguousarray(RNG.standard_normal(shape[::-1]).astype(dtype)).T
    return RNG.standard_normal(shape).astype(dtype)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "strided"])
def test_matches_float64_reference(backend, dtype, ta, tb, layout, runtime_calls):
    _use(backend, runtime_calls)
    m, k, n = 150, 97, 131   # ~1.9M multiply-adds: above MIN_MACS for both dtypes
    a = _operand((k, m) if ta else (m, k), dtype, layout == "transposed", layout == "strided")
    b = _operand((n, k) if tb else (k, n), dtype, layout == "transposed", layout == "strided")
    got = gemm.matmul(a, b, ta, tb)
    x = (a.T if ta else a).astype(np.float64)
    y = (b.T if tb else b).astype(np.float64)
    assert got.dtype == dtype
    _close(got, x @ y, k)
    assert len(runtime_calls) == (1 if backend == "onnxruntime" else 0)


@pytest.mark.parametrize("backend", BACKENDS)
def test_out_contiguous_strided_and_overlapping(backend, runtime_calls):
    _use(backend, runtime_calls)
    a = RNG.standard_normal((128, 96)).astype(np.float32)
    b = RNG.standard_normal((96, 160)).astype(np.float32)
    ref = a.astype(np.float64) @ b
    out = np.full((128, 160), np.nan, np.float32)
    assert gemm.matmul(a, b, out=out) is out
    _close(out, ref, 96)
    wide = np.full((128, 320), np.nan, np.float32)
    got = gemm.matmul(a, b, out=wide[:, ::2])           # not contiguous: via a temporary
    _close(got, ref, 96)
    assert got.base is wide and np.isnan(wide[:, 1::2]).all()
    sq = RNG.standard_normal((128, 128)).astype(np.float32)
    ref_sq = sq.astype(np.float64) @ sq.T
    gemm.matmul(sq, sq, transpose_b=True, out=sq)       # out is an operand
    _close(sq, ref_sq, 128)
    assert len(runtime_calls) == (3 if backend == "onnxruntime" else 0)


@pytest.mark.parametrize("backend", BACKENDS)
def test_read_only_operands_and_a_read_only_out(backend, runtime_calls):
    _use(backend, runtime_calls)
    a = RNG.standard_normal((200, 300)).astype(np.float32)
    b = RNG.standard_normal((300, 400)).astype(np.float32)
    a.flags.writeable = b.flags.writeable = False    # e.g. the cached DFT matrices
    _close(gemm.matmul(a, b), a.astype(np.float64) @ b, 300)
    out = np.zeros((200, 400), np.float32)
    out.flags.writeable = False
    with pytest.raises(ValueError):
        gemm.matmul(a, b, out=out)
    assert not out.any()
    assert len(runtime_calls) == (1 if backend == "onnxruntime" else 0)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("shape_a,shape_b", [((0, 300), (300, 5000)), ((300, 0), (0, 5000)),
                                             ((5000, 300), (300, 0))])
def test_empty_dimensions(backend, shape_a, shape_b):
    _use(backend)
    a = np.ones(shape_a, np.float32)
    b = np.ones(shape_b, np.float32)
    got = gemm.matmul(a, b)
    np.testing.assert_array_equal(got, np.matmul(a, b))
    assert got.shape == (shape_a[0], shape_b[1])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True)])
def test_batched_broadcasting(backend, ta, tb):
    _use(backend)
    a = RNG.standard_normal((3, 1, 64, 48)).astype(np.float32)
    b = RNG.standard_normal((4, 48, 96)).astype(np.float32)
    a = np.ascontiguousarray(np.swapaxes(a, -1, -2)) if ta else a
    b = np.ascontiguousarray(np.swapaxes(b, -1, -2)) if tb else b
    got = gemm.matmul(a, b, ta, tb)
    x = np.swapaxes(a, -1, -2) if ta else a
    y = np.swapaxes(b, -1, -2) if tb else b
    _close(got, np.matmul(x.astype(np.float64), y), 48)
    assert got.shape == (3, 4, 64, 96)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.complex64, np.float16])
def test_other_dtypes_stay_in_numpy(backend, dtype, runtime_calls):
    _use(backend, runtime_calls)
    a = (RNG.standard_normal((128, 128)) * 4).astype(dtype)
    b = (RNG.standard_normal((128, 128)) * 4).astype(dtype)
    np.testing.assert_array_equal(gemm.matmul(a, b, transpose_b=True), np.matmul(a, b.T))
    f32 = RNG.standard_normal((128, 128)).astype(np.float32)
    f64 = f32.astype(np.float64)
    np.testing.assert_array_equal(gemm.matmul(f32, f64), np.matmul(f32, f64))  # promoted
    assert runtime_calls == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_small_products_stay_in_numpy_and_size_errors_are_numpys(backend, runtime_calls):
    _use(backend, runtime_calls)
    a = RNG.standard_normal((16, 32)).astype(np.float32)
    np.testing.assert_array_equal(gemm.matmul(a, a, transpose_b=True), a @ a.T)
    assert runtime_calls == []
    big = np.ones((200, 300), np.float32)
    with pytest.raises(ValueError):
        gemm.matmul(big, big)


@needs_ort
def test_threshold_boundaries(monkeypatch, runtime_calls):
    _use("onnxruntime", runtime_calls)
    a = RNG.standard_normal((32, 200)).astype(np.float32)
    b = RNG.standard_normal((200, 300)).astype(np.float32)     # 1.9M multiply-adds
    _close(gemm.matmul(a, b), a.astype(np.float64) @ b, 200)
    _close(gemm.matmul(a[:31], b), a[:31].astype(np.float64) @ b, 200)  # < MIN_ROWS
    assert runtime_calls == [(32, 300)]
    monkeypatch.setitem(gemm.MIN_MACS, np.dtype(np.float32), 8 * 9 * 10)
    monkeypatch.setattr(gemm, "MIN_ROWS", 8)
    a = RNG.standard_normal((8, 9)).astype(np.float32)
    b = RNG.standard_normal((9, 10)).astype(np.float32)
    _close(gemm.matmul(a, b), a.astype(np.float64) @ b, 9)
    gemm.matmul(a, b[:, :9])                                   # < MIN_MACS
    assert runtime_calls == [(32, 300), (8, 10)]


@needs_ort
def test_a_caller_may_send_fewer_rows_to_the_runtime(runtime_calls):
    _use("onnxruntime", runtime_calls)
    a = RNG.standard_normal((4000, 25)).astype(np.float32)     # read transposed
    b = RNG.standard_normal((4000, 32)).astype(np.float32)
    ref = a.T.astype(np.float64) @ b
    _close(gemm.matmul(a, b, transpose_a=True), ref, 4000)
    assert runtime_calls == []                                 # 25 < MIN_ROWS: NumPy
    _close(gemm.matmul(a, b, transpose_a=True, min_rows=16), ref, 4000)
    assert runtime_calls == [(25, 32)]
    gemm.matmul(a[:, :15], b, transpose_a=True, min_rows=16)
    assert runtime_calls == [(25, 32)]


CASES = [  # (a, b, ta, tb, blocks under ONNX Runtime): product()'s block layouts
    ((256, 400), (400, 400), False, False, 2),   # row blocks
    ((400, 256), (400, 400), True, False, 2),    # row blocks of a transposed a
    ((256, 1024), (1024, 600), False, False, 4),  # 4 row blocks (>= 2^27 MACs)
    ((64, 1024), (600, 1024), False, True, 2),   # column blocks of x @ w.T
    ((64, 1024), (1024, 600), False, False, 2),  # inner-dimension blocks, summed
    ((1024, 64), (1024, 600), True, False, 2),   # the same with a transposed a
    ((100, 100), (100, 4000), False, False, 2),  # small inner dimension: column blocks
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("sa,sb,ta,tb,blocks", CASES)
def test_blocked_product_is_bitwise_independent_of_kernel_threads(backend, sa, sb, ta, tb,
                                                                    blocks, runtime_calls,
                                                                    monkeypatch):
    # the blocks only: products on the runtime's own threads are test_gemm_pool.py's
    monkeypatch.setattr(matmul_ops, "POOL_MACS", 1 << 62)
    _use(backend, runtime_calls)
    a = RNG.standard_normal(sa).astype(np.float32)
    b = RNG.standard_normal(sb).astype(np.float32)
    x, y = (a.T if ta else a), (b.T if tb else b)
    results = []
    try:
        for threads in (1, 2, 3):
            parallel.set_kernel_threads(threads)
            for _ in range(3):   # past parallel's solo fallback, whichever way it goes
                results.append(product(x, y))
    finally:
        parallel.set_kernel_threads(None)
    for r in results[1:]:
        np.testing.assert_array_equal(r, results[0])
    _close(results[0], x.astype(np.float64) @ y, x.shape[1])
    assert len(runtime_calls) == (len(results) * blocks if backend == "onnxruntime" else 0)


@pytest.mark.parametrize("backend", BACKENDS)
def test_matmul_ops_through_a_session(backend):
    _use(backend)
    a = RNG.standard_normal((130, 140)).astype(np.float32)
    b = RNG.standard_normal((150, 140)).astype(np.float32)
    c = RNG.standard_normal((5, 130, 140)).astype(np.float32)
    with tk.Graph().as_default():
        pa, pb, pc = (tk.placeholder(tk.float32, v.shape) for v in (a, b, c))
        mm = tk.matmul(pa, pb, transpose_b=True)
        bmm = tk.matmul(pc, pb, transpose_b=True)
        with tk.Session() as sess:
            got, got_b = sess.run([mm, bmm], {pa: a, pb: b, pc: c})
    _close(got, a.astype(np.float64) @ b.T, 140)
    _close(got_b, c.astype(np.float64) @ b.T, 140)


def test_env_var_is_validated_at_first_large_product(monkeypatch):
    monkeypatch.setenv(gemm.ENV, "openblas")
    gemm.set_backend(None)
    small = np.ones((4, 4), np.float32)
    np.testing.assert_array_equal(gemm.matmul(small, small), small @ small)
    big = np.ones((256, 256), np.float32)
    with pytest.raises(gemm.GemmBackendError, match="TRAINKIT_GEMM must be one of auto, "
                       "numpy, onnxruntime; got 'openblas'"):
        gemm.matmul(big, big)
    with pytest.raises(gemm.GemmBackendError):
        gemm.backend()
    with tk.Graph().as_default():
        x = tk.placeholder(tk.float32, [256, 256])
        with tk.Session() as sess, pytest.raises(tk.errors.InvalidArgumentError,
                                                 match="TRAINKIT_GEMM must be one of"):
            sess.run(tk.matmul(x, x), {x: big})
    monkeypatch.setenv(gemm.ENV, " NumPy ")
    gemm.set_backend(None)
    assert gemm.backend() == "numpy"
    with pytest.raises(gemm.GemmBackendError, match="got 'mkl'"):
        gemm.set_backend("mkl")
    assert issubclass(gemm.GemmBackendError, ValueError)


@pytest.mark.parametrize("asked", ["auto", "onnxruntime"])
def test_unimportable_runtime_falls_back_to_numpy(monkeypatch, caplog, asked):
    monkeypatch.setattr(gemm, "_numpy_blas_is_narrow", lambda: True)
    monkeypatch.setitem(sys.modules, "onnxruntime", None)   # import raises ImportError
    monkeypatch.setenv(gemm.ENV, asked)
    gemm.set_backend(None)
    with caplog.at_level(logging.INFO, logger="trainkit"):
        assert gemm.backend() == "numpy"
        a = RNG.standard_normal((200, 200)).astype(np.float32)
        np.testing.assert_array_equal(gemm.matmul(a, a), a @ a)
        gemm.matmul(a, a)
    records = [r for r in caplog.records if "matrix products use NumPy" in r.getMessage()]
    assert len(records) == 1
    assert records[0].levelno == (logging.WARNING if asked == "onnxruntime" else logging.INFO)
    assert "does not import" in records[0].getMessage()


@needs_ort
def test_failing_session_falls_back_to_numpy_with_one_warning(monkeypatch, caplog):
    def broken(*args):
        raise RuntimeError("no session for you")

    monkeypatch.setattr(gemm, "_numpy_blas_is_narrow", lambda: True)
    monkeypatch.setattr(gemm, "_sessions", {})
    monkeypatch.setattr(gemm, "_build", broken)
    gemm.set_backend("auto")
    with caplog.at_level(logging.WARNING, logger="trainkit"):
        assert gemm.backend() == "numpy"
        a = RNG.standard_normal((200, 200)).astype(np.float32)
        np.testing.assert_array_equal(gemm.matmul(a, a), a @ a)
    msgs = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(msgs) == 1 and "no session for you" in msgs[0]


@needs_ort
@pytest.mark.parametrize("narrow", [True, False])
def test_auto_picks_the_runtime_only_where_numpys_blas_is_narrow(monkeypatch, narrow):
    monkeypatch.setattr(gemm, "_numpy_blas_is_narrow", lambda: narrow)
    gemm.set_backend("auto")
    assert gemm.backend() == ("onnxruntime" if narrow else "numpy")
    assert gemm.uses_runtime(np.dtype(np.float32)) == narrow
    assert not gemm.uses_runtime(np.dtype(np.int32))
    gemm.set_backend("onnxruntime")          # asked for: used whatever the BLAS
    assert gemm.backend() == "onnxruntime"


def test_narrow_blas_detects_openblas_kernels_below_the_cpu():
    def libs(*archs, api="openblas"):
        return [{"internal_api": api, "architecture": a} for a in archs]
    avx512 = {"avx2", "fma", "avx512f", "avx512bw"}
    assert gemm.narrow_blas(libs("Haswell"), avx512)          # OPENBLAS_CORETYPE=Haswell
    assert gemm.narrow_blas(libs("Zen"), avx512)
    assert not gemm.narrow_blas(libs("SkylakeX"), avx512)     # the CPU's own kernels
    assert not gemm.narrow_blas(libs("Haswell"), {"avx2", "fma"})   # no AVX-512 CPU
    assert not gemm.narrow_blas(libs("Haswell", api="mkl"), avx512)
    assert not gemm.narrow_blas([], avx512)


def test_onnx_model_wire_format():
    assert onnx_model._varint(0) == b"\x00"
    assert onnx_model._varint(300) == b"\xac\x02"                 # protobuf's own example
    assert onnx_model._varint(-1) == b"\xff" * 9 + b"\x01"        # int64 -1: ten bytes
    assert onnx_model.int_attribute("transA", 1) == (
        b"\x0a\x06transA" + b"\xa0\x01\x02" + b"\x18\x01")        # name, type=INT, i=1
    assert onnx_model.value("A", onnx_model.FLOAT, [3, "N"]) == (
        b"\x0a\x01A" + b"\x12\x0f" + b"\x0a\x0d" + b"\x08\x01" + b"\x12\x09"
        + b"\x0a\x02\x08\x03" + b"\x0a\x03\x12\x01N")   # name, type{tensor{elem, shape}}
    with pytest.raises(KeyError):
        onnx_model.elem_type(np.dtype(np.int32))
