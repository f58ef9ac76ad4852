"""Matrix products for kernels: ONNX Runtime's MLAS for large float products, else NumPy.

:func:`matmul` is ``np.matmul`` with transpose flags and ``out``. Large float32 and
float64 products (at least :data:`MIN_MACS` multiply-adds) go to ONNX Runtime when the
backend is ``onnxruntime``: a one-node ``Gemm`` (2-D) or ``MatMul`` (batched) session per
dtype and transpose variant, built once per process with symbolic sizes
(``ops.onnx_model``, no ``onnx`` package), one intra-op thread, no spinning, inputs and
output bound to the NumPy buffers (no copies for contiguous or transposed-contiguous
operands and contiguous outputs). Everything else (small products, integer and complex
dtypes, non-array operands, mixed dtypes) is ``np.matmul``.

Why a second GEMM library: MLAS picks its kernels from the CPU it runs on (AVX-512
here), while NumPy's OpenBLAS obeys ``OPENBLAS_CORETYPE``, which this project's machine
pins to AVX2 ("Haswell"): measured there, single-threaded CPU time, 1.3-2x faster float32
products from about 1M multiply-adds and 32 rows up (128x784x512: 0.90 -> 0.53 ms;
below ~0.5M multiply-adds the ~8 us per-call overhead loses). On a machine without the
pin the two are close.

Backend (``TRAINKIT_GEMM``, read at the first large product, or :func:`set_backend`):
``auto`` (default): ONNX Runtime when NumPy's BLAS runs narrower kernels than the CPU
has (:func:`narrow_blas`: OpenBLAS without AVX-512 kernels on an AVX-512 CPU, as
pinned here) and ONNX Runtime imports and a self-test product is right, else NumPy
(unpinned, OpenBLAS matched MLAS on single products and the ONNX Runtime path cost
8-18 % more CPU per CNN step); ``onnxruntime``: ONNX Runtime whenever it works, with a
warning when it does not; ``numpy``: NumPy only. Any other value raises
:class:`GemmBackendError`. A failure of ONNX Runtime at any point logs one warning and
switches the process to NumPy.

Determinism: a product's value depends only on its operands' shapes, dtypes and
layout, never on the thread that computes it (one intra-op thread, no shared state
but the sessions, which ONNX Runtime allows to run concurrently). Results differ from
NumPy's by float rounding only (another summation order). :func:`threaded_product`
runs a 2-D float32 product on several runtime threads only where that split gives the
one-thread bits (``ops.mlas_split``, checked against the runtime once per thread
count).

Example:
    >>> a = np.ones((256, 512), np.float32)
    >>> matmul(a, a, transpose_b=True).shape     # a @ a.T
    (256, 256)
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

import numpy as np

from trainkit.ops import mlas_split, onnx_model

ENV = "TRAINKIT_GEMM"
CHOICES = ("auto", "numpy", "onnxruntime")
#: products of fewer multiply-adds stay in NumPy (ONNX Runtime's per-call overhead)
MIN_MACS = {np.dtype(np.float32): 1 << 20, np.dtype(np.float64): 1 << 19}
#: ... and so do products with fewer output rows (measured: 16x64x8192 only 1.18x
#: faster alone and slower than NumPy inside the Fourier transforms, where MLAS packs a
#: large, cold right operand for a handful of rows; 64x16x8192 1.7x faster)
MIN_ROWS = 32

_LOG = logging.getLogger("trainkit")
_lock = threading.RLock()
_state: dict[str, Any] = {"backend": None, "forced": None}
_sessions: dict[tuple, Any] = {}


class GemmBackendError(ValueError):
    """An unknown GEMM backend name (``TRAINKIT_GEMM`` or :func:`set_backend`)."""


def _checked(name: str, source: str) -> str:
    choice = name.strip().lower() or "auto"
    if choice not in CHOICES:
        raise GemmBackendError(f"{source} must be one of {', '.join(CHOICES)}; got "
                               f"{name!r}.")
    return choice


def set_backend(name: str | None) -> None:
    """Chooses the backend for this process (``auto``, ``numpy`` or ``onnxruntime``);
    ``None`` goes back to ``TRAINKIT_GEMM``, read again at the next large product.

    Raises:
        GemmBackendError: for any other name.
    """
    forced = None if name is None else _checked(name, "the GEMM backend")
    with _lock:
        _state["forced"], _state["backend"] = forced, None


def backend() -> str:
    """The backend in use: ``"onnxruntime"`` or ``"numpy"`` (chosen at the first call).

    Raises:
        GemmBackendError: if ``TRAINKIT_GEMM`` names no backend.
    """
    chosen = _state["backend"]
    if chosen is None:
        with _lock:
            chosen = _state["backend"]
            if chosen is None:
                chosen = _state["backend"] = _choose()
    return chosen


def uses_runtime(dtype: np.dtype) -> bool:
    """Whether large products of ``dtype`` go to ONNX Runtime (callers that cut a product
    into blocks pick blocks it reads without copies)."""
    return dtype in MIN_MACS and backend() == "onnxruntime"


#: OpenBLAS kernel sets (``threadpoolctl``'s ``architecture``) that use AVX-512
AVX512_KERNELS = frozenset({"skylakex", "cooperlake", "sapphirerapids"})


def narrow_blas(blas_libs: list[dict], cpu_flags: set[str]) -> bool:
    """Whether NumPy's BLAS runs narrower kernels than the CPU has: OpenBLAS with a
    kernel set without AVX-512 (e.g. ``OPENBLAS_CORETYPE=Haswell``) on a CPU with
    ``avx512f``. ``blas_libs`` as ``threadpoolctl.threadpool_info()`` lists them."""
    archs = [str(lib.get("architecture") or "").lower() for lib in blas_libs
             if lib.get("internal_api") == "openblas"]
    return ("avx512f" in cpu_flags and bool(archs)
            and not any(a in AVX512_KERNELS for a in archs))


def _cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def _numpy_blas_is_narrow() -> bool:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return False
    return narrow_blas([lib for lib in threadpool_info() if lib.get("user_api") == "blas"],
                       _cpu_flags())


def _choose() -> str:
    choice = _state["forced"] or _checked(os.environ.get(ENV, "auto"), ENV)
    if choice == "numpy":
        return "numpy"
    if choice == "auto" and not _numpy_blas_is_narrow():
        _LOG.debug("trainkit: matrix products use NumPy (%s=auto: its BLAS runs the "
                   "CPU's widest kernels)", ENV)
        return "numpy"
    problem = _self_test()
    if problem is None:
        return "onnxruntime"
    level = logging.WARNING if choice == "onnxruntime" or "import" not in problem \
        else logging.INFO
    _LOG.log(level, "trainkit: matrix products use NumPy (%s=%s): %s", ENV, choice, problem)
    return "numpy"


def _self_test() -> str | None:
    """``None`` if ONNX Runtime imports, builds a session and multiplies correctly; else
    what went wrong."""
    try:
        import onnxruntime  # noqa: F401
    except Exception as e:  # ImportError, or a broken install raising anything
        return f"onnxruntime does not import ({type(e).__name__}: {e})"
    try:
        a = np.arange(6, dtype=np.float32).reshape(2, 3)
        b = np.arange(12, dtype=np.float32).reshape(4, 3)
        got = np.empty((2, 4), np.float32)
        _run(_session("Gemm", a.dtype, False, True), a, b, got)
    except Exception as e:
        return f"onnxruntime failed ({type(e).__name__}: {e})"
    if not np.array_equal(got, a @ b.T):
        return "onnxruntime's self-test product was wrong"
    return None


def _session(op: str, dtype: np.dtype, ta: bool, tb: bool, threads: int = 1) -> Any:
    key = (op, dtype, ta, tb, threads)
    sess = _sessions.get(key)
    if sess is None:
        with _lock:
            sess = _sessions.get(key)
            if sess is None:
                sess = _sessions[key] = _build(op, dtype, ta, tb, threads)
    return sess


def _build(op: str, dtype: np.dtype, ta: bool, tb: bool, threads: int = 1) -> Any:
    """A one-node session ``C = op(A) @ op(B)`` of any sizes (and, for ``MatMul``, any
    rank with NumPy's broadcasting) on ``threads`` intra-op threads."""
    import onnxruntime as ort

    elem = onnx_model.elem_type(dtype)
    attrs = [onnx_model.int_attribute("transA", int(ta)),
             onnx_model.int_attribute("transB", int(tb))] if op == "Gemm" else []
    blob = onnx_model.model(
        [onnx_model.node(op, ["A", "B"], ["C"], attrs)],
        [onnx_model.value("A", elem), onnx_model.value("B", elem)],
        [onnx_model.value("C", elem)])
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    so.log_severity_level = 3
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    so.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return ort.InferenceSession(blob, so, providers=["CPUExecutionProvider"])


def _ort_value(a: np.ndarray) -> Any:
    import onnxruntime

    return onnxruntime.OrtValue.ortvalue_from_numpy(a)


def _run(sess: Any, a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """``sess`` on C-contiguous ``a`` and ``b``, writing C-contiguous ``out``."""
    io = sess.io_binding()
    io.bind_cpu_input("A", a)
    io.bind_cpu_input("B", b)
    io.bind_ortvalue_output("C", _ort_value(out))   # writes into ``out``'s buffer
    sess.run_with_iobinding(io)


def _operand(v: np.ndarray) -> tuple[np.ndarray, bool]:
    """``v`` as ONNX Runtime reads it: itself if C-contiguous, else its transpose (and
    True) if that is, else a C-contiguous copy."""
    if v.flags.c_contiguous and v.flags.aligned:
        return v, False
    t = v.T
    if t.flags.c_contiguous and t.flags.aligned:
        return t, True
    return np.ascontiguousarray(v), False


def _fast(x: np.ndarray, y: np.ndarray, out: np.ndarray | None,
          min_rows: int | None = None) -> np.ndarray | None:
    """``x @ y`` by ONNX Runtime, or None when it does not apply (or just failed)."""
    m, k = x.shape[-2:]
    n = y.shape[-1]
    if m < (MIN_ROWS if min_rows is None else min_rows):
        return None
    if x.ndim == 2 and y.ndim == 2:
        if y.shape[0] != k:
            return None
        shape: tuple = (m, n)
        xa, ta = _operand(x)
        yb, tb = _operand(y)
        op = "Gemm"
    else:
        if not (x.flags.c_contiguous and y.flags.c_contiguous and y.shape[-2] == k
                and x.flags.aligned and y.flags.aligned):
            return None
        try:
            shape = np.broadcast_shapes(x.shape[:-2], y.shape[:-2]) + (m, n)
        except ValueError:
            return None
        xa, ta, yb, tb, op = x, False, y, False, "MatMul"
    if out is not None and (out.shape != shape or out.dtype != x.dtype
                            or not out.flags.writeable):
        return None  # NumPy raises (or casts) as np.matmul would
    if backend() != "onnxruntime":
        return None
    dst = out
    if dst is None or not dst.flags.c_contiguous or not dst.flags.aligned or \
            np.may_share_memory(dst, x) or np.may_share_memory(dst, y):
        dst = np.empty(shape, x.dtype)
    try:
        _run(_session(op, x.dtype, ta, tb), xa, yb, dst)
    except Exception as e:  # pragma: no cover - a broken runtime; NumPy takes over
        with _lock:
            _state["backend"] = "numpy"
        _LOG.warning("trainkit: onnxruntime failed on a %s product (%s: %s); matrix "
                     "products use NumPy from now on.", shape, type(e).__name__, e)
        return None
    if out is None:
        return dst
    if dst is not out:
        np.copyto(out, dst)
    return out


#: thread count -> whether the runtime's threads gave the one-thread bits in the check
_pool_agrees: dict[int, bool] = {}


def _check_pool(threads: int) -> bool:
    """Whether ONNX Runtime on ``threads`` threads multiplies column- and row-split
    products (of shapes :func:`mlas_split.thread_split_keeps_bits` calls safe) bitwise as
    on one thread; checked once per thread count."""
    ok = _pool_agrees.get(threads)
    if ok is None:
        rng = np.random.default_rng(17)
        ok = True
        for (m, k, n), ta in (((64, 1024, 512), False), ((48, 700, 400), True),
                              ((512, 300, 128), False)):
            a = rng.standard_normal((k, m) if ta else (m, k)).astype(np.float32)
            b = rng.standard_normal((k, n)).astype(np.float32)
            one, many = np.empty((m, n), np.float32), np.empty((m, n), np.float32)
            _run(_session("Gemm", a.dtype, ta, False), a, b, one)
            _run(_session("Gemm", a.dtype, ta, False, threads), a, b, many)
            ok = ok and np.array_equal(one.view(np.uint32), many.view(np.uint32))
        if not ok:
            _LOG.info("trainkit: ONNX Runtime's %d-thread products differ from one "
                      "thread's; products keep to one runtime thread each", threads)
        _pool_agrees[threads] = ok
    return ok


def threaded_product(x: np.ndarray, y: np.ndarray, threads: int) -> np.ndarray | None:
    """``x @ y`` of 2-D float32 arrays on ONNX Runtime's own ``threads`` intra-op threads,
    bitwise what one runtime thread computes; None (nothing computed) when the backend
    is not ONNX Runtime, the operands do not qualify (other dtypes, fewer than
    ``MIN_ROWS`` rows, mismatched sizes), or the runtime's thread split could round
    differently (:mod:`trainkit.ops.mlas_split`, checked against the runtime once).

    One call instead of a product cut into blocks on the kernel threads: the runtime
    cuts a wide product by columns, so each thread packs only its part of ``y``
    (measured, 2 threads, quiet machine: 128x784x512 0.27 ms against 0.34 ms in two row
    blocks). Its threads wait for each other, so on a busy core the caller should
    compare (``ops.matmul_ops`` times both ways per shape).
    """
    if (threads < 2 or x.ndim != 2 or y.ndim != 2 or x.dtype != np.float32
            or y.dtype != np.float32 or type(x) is not np.ndarray
            or type(y) is not np.ndarray):
        return None
    m, k = x.shape
    n = y.shape[1]
    if m < MIN_ROWS or y.shape[0] != k or not x.size or not y.size \
            or backend() != "onnxruntime":
        return None
    xa, ta = _operand(x)
    if not mlas_split.thread_split_keeps_bits(m, k, n, ta, threads):
        return None
    yb, tb = _operand(y)
    try:
        if not _check_pool(threads):
            return None
        out = np.empty((m, n), np.float32)
        _run(_session("Gemm", x.dtype, ta, tb, threads), xa, yb, out)
    except Exception as e:  # pragma: no cover - a broken runtime; the caller goes on
        _pool_agrees[threads] = False
        _LOG.warning("trainkit: onnxruntime failed on a %d-thread %s product (%s: %s)",
                     threads, (m, n), type(e).__name__, e)
        return None
    return out


def matmul(a: np.ndarray, b: np.ndarray, transpose_a: bool = False,
           transpose_b: bool = False, out: np.ndarray | None = None,
           min_rows: int | None = None) -> np.ndarray:
    """``np.matmul(op(a), op(b), out=out)``, ``op`` swapping the last two axes when its
    flag is set; large float products (>= ``MIN_MACS`` multiply-adds, >= ``min_rows``
    rows, default ``MIN_ROWS``) on ONNX Runtime (see the module docstring). A caller that
    measured ONNX Runtime faster for its few-row products passes a smaller ``min_rows``
    (the conv filter gradient's ``[KH*KW*C, rows] @ [rows, CO]`` of 1-3 channels).

    Operands of rank >= 2; batched (rank > 2) products broadcast like ``np.matmul``.
    The result is ``out`` when given (any layout; written through a temporary when it is
    not C-contiguous or overlaps an operand), else a new C-contiguous array (NumPy's
    result for products that stay in NumPy).

    Raises:
        ValueError: for mismatched sizes (as ``np.matmul``).
        GemmBackendError: if ``TRAINKIT_GEMM`` names no backend.
    """
    x = (a.T if a.ndim == 2 else np.swapaxes(a, -1, -2)) if transpose_a else a
    y = (b.T if b.ndim == 2 else np.swapaxes(b, -1, -2)) if transpose_b else b
    if (type(x) is np.ndarray and type(y) is np.ndarray and x.ndim >= 2 and y.ndim >= 2
            and x.dtype == y.dtype and x.dtype in MIN_MACS and x.size and y.size
            and x.size // x.shape[-1] * y.size >= MIN_MACS[x.dtype]):
        r = _fast(x, y, out, min_rows)
        if r is not None:
            return r
    return np.matmul(x, y) if out is None else np.matmul(x, y, out=out)


__all__ = ["matmul", "threaded_product", "backend", "uses_runtime", "set_backend",
           "GemmBackendError", "MIN_MACS", "MIN_ROWS", "ENV", "narrow_blas"]
