"""``matmul``: matrix products (``MatMul`` for rank 2, ``BatchMatMulV2`` above).

Example:
    >>> import trainkit as tk
    >>> a = tk.placeholder(tk.float32, [None, 3])
    >>> tk.matmul(a, tk.constant([[1.0], [2.0], [3.0]])).shape.as_list()
    [None, 1]
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import registry
from trainkit.framework.shapes import TensorShape, broadcast_static
from trainkit.framework.tensor import Tensor, register_operator
from trainkit.ops import faster_path, gemm, mlas_split, parallel
from trainkit.ops.elementwise import NUMERIC_OR_COMPLEX, check_dtype, convert_pair
from trainkit.ops.op_util import make_op


def _dims_equal(a: int | None, b: int | None) -> bool:
    return a is None or b is None or a == b


def matmul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False,
           adjoint_a: bool = False, adjoint_b: bool = False, a_is_sparse: bool = False,
           b_is_sparse: bool = False, name: str | None = None) -> Tensor:
    """The matrix product of ``a`` and ``b`` (after optional transposes).

    Inputs of rank > 2 are batches of matrices: the last two dimensions multiply and the
    leading (batch) dimensions broadcast (``BatchMatMulV2``). For real dtypes
    ``adjoint_*`` is the same as ``transpose_*``; for complex ones it also conjugates
    (as TF: ``MatMul`` of ``conj(a)``, or ``BatchMatMulV2``'s ``adj_x``, which
    conjugates, of ``conj(a)`` for a plain transpose). ``*_is_sparse`` are accepted and
    ignored (they are only hints in TF).

    Raises:
        ValueError: if a rank is below 2, both transpose and adjoint are set, or the
            static inner dimensions differ.
        TypeError: if the dtypes differ or are not numeric.

    Example:
        >>> c = tk.matmul(tk.constant([[1.0, 2.0]]), tk.constant([[3.0], [4.0]]))  # [[11.]]
    """
    name = name or "MatMul"
    a, b = convert_pair("MatMul", a, b, name)
    check_dtype("MatMul", name, "a", a, NUMERIC_OR_COMPLEX)
    if transpose_a and adjoint_a or transpose_b and adjoint_b:
        raise ValueError(f"MatMul op '{name}': only one of transpose_a/adjoint_a (and of "
                         "transpose_b/adjoint_b) may be True.")
    ta, tb = bool(transpose_a or adjoint_a), bool(transpose_b or adjoint_b)
    ra, rb = a.shape.ndims, b.shape.ndims
    for t, r in ((a, ra), (b, rb)):
        if r is not None and r < 2:
            raise ValueError(f"MatMul op '{name}': shape must be at least rank 2 but is "
                             f"rank {r} for {t.name} with shape {t.shape}.")
    batched = not (ra == 2 and rb == 2)
    if a.dtype.is_complex:  # TF's attrs: MatMul transposes, BatchMatMulV2 adjoins
        if batched and transpose_a or not batched and adjoint_a:
            a = _conj(a)
        if batched and transpose_b or not batched and adjoint_b:
            b = _conj(b)
    shape = _matmul_shape(a.shape, b.shape, ta, tb, name)
    if batched:
        op = make_op("BatchMatMulV2", [a, b], [a.dtype], name=name,
                     attrs={"adj_x": ta, "adj_y": tb}, shapes=[shape])
    else:
        op = make_op("MatMul", [a, b], [a.dtype], name=name,
                     attrs={"transpose_a": ta, "transpose_b": tb}, shapes=[shape])
    return op.outputs[0]


def _conj(x: Tensor) -> Tensor:
    return make_op("Conj", [x], [x.dtype], name="Conj", shapes=[x.shape]).outputs[0]


def _matmul_shape(sa: TensorShape, sb: TensorShape, ta: bool, tb: bool,
                  name: str) -> TensorShape:
    if sa.ndims is None or sb.ndims is None:
        return TensorShape(None)
    la, lb = sa.as_list(), sb.as_list()
    m, ka = (la[-1], la[-2]) if ta else (la[-2], la[-1])
    kb, n = (lb[-1], lb[-2]) if tb else (lb[-2], lb[-1])
    if not _dims_equal(ka, kb):
        raise ValueError(f"MatMul op '{name}': dimensions must be equal, but are {ka} and "
                         f"{kb} (input shapes {sa}, {sb}, transpose_a={ta}, "
                         f"transpose_b={tb}).")
    try:
        batch = broadcast_static(sa[:-2], sb[:-2])
    except ValueError:
        raise ValueError(f"MatMul op '{name}': batch dimensions of {sa} and {sb} do not "
                         "broadcast.") from None
    return batch.concatenate([m, n])


def _size_error(a: Any, b: Any, ta: bool, tb: bool) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(
        None, None, f"Matrix size-incompatible: In[0]: {list(np.shape(a))}, In[1]: "
                    f"{list(np.shape(b))} (transpose_a={ta}, transpose_b={tb})")


#: products of at least this many multiply-adds are split into column (or row) blocks
#: run on the kernel threads with single-threaded BLAS (see ``ops.parallel``: BLAS's own
#: threads stall whenever another process holds a core)
SPLIT_MACS = 1 << 21


def _blocks(dim: int, most: int = 4) -> list[int]:
    """Block boundaries along a dimension of ``dim``: up to ``most`` blocks of >= 64, on
    multiples of 8; fixed by the shape alone, so results never depend on thread count."""
    parts = max(1, min(most, dim // 64))
    return [dim * i // parts // 8 * 8 for i in range(parts)] + [dim]


#: under ONNX Runtime, products of fewer multiply-adds run as one call; from this size
#: on in 2 blocks, from ``RT_SPLIT_MACS * 4`` on in 4 (measured with 2 kernel threads:
#: 256x256x256 in one call 0.16 ms, in 2 blocks 0.18 ms wall and 25 % more CPU;
#: 128x784x512 0.49 ms in one call, 0.35 ms wall in 2 blocks)
RT_SPLIT_MACS = 1 << 25


def product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` of 2-D arrays (through ``ops.gemm``); large float products in blocks on
    the kernel threads. The blocks are fixed by the shapes and layouts alone, so the
    result never depends on the thread count."""
    m, k = a.shape
    n = b.shape[1]
    if a.dtype != b.dtype or a.dtype.kind != "f" or k != b.shape[0] or max(m, n) < 128:
        return gemm.matmul(a, b)
    macs = m * n * k
    if gemm.uses_runtime(a.dtype):
        threads = parallel.kernel_threads()
        if threads > 1 and macs >= POOL_MACS and a.dtype == np.float32:
            key = (m, k, n, a.strides, b.strides, threads)
            ok = _pool_ok.get(key)
            if ok is None:
                if len(_pool_ok) >= _POOL_KEYS:   # e.g. many batch sizes: start afresh
                    _pool_ok.clear()
                ok = _pool_ok[key] = _runtime_product_keeps_bits(a, b, macs) and \
                    mlas_split.thread_split_keeps_bits(m, k, n, _transposed(a), threads)
            if ok:
                return _timed_product(a, b, macs, threads, key)
        return _runtime_product(a, b, macs)
    if macs < SPLIT_MACS:
        return np.matmul(a, b)
    out = np.empty((m, n), a.dtype)
    if n >= m:
        cuts = _blocks(n)

        def work(i: int, worker: int) -> None:
            s, e = cuts[i], cuts[i + 1]
            np.matmul(a, b[:, s:e], out=out[:, s:e])
    else:
        cuts = _blocks(m)

        def work(i: int, worker: int) -> None:
            s, e = cuts[i], cuts[i + 1]
            np.matmul(a[s:e], b, out=out[s:e])

    parallel.run(work, len(cuts) - 1, key=(m, k, n))
    return out


#: under ONNX Runtime with several kernel threads, float32 products of at least this
#: many multiply-adds may run as one call on the runtime's own threads (measured, two
#: threads: 128x784x256 0.23 -> 0.145 ms; 128x256x128 no faster, at twice the CPU)
POOL_MACS = 1 << 23
_pool_ok: dict[tuple, bool] = {}
_POOL_KEYS = 1024
_paths = faster_path.FasterPath()


def _runtime_product(a: np.ndarray, b: np.ndarray, macs: int) -> np.ndarray:
    """``a @ b`` under ONNX Runtime on one runtime thread per call: one call, or blocks
    on the kernel threads from ``RT_SPLIT_MACS`` multiply-adds."""
    if macs < RT_SPLIT_MACS:
        return gemm.matmul(a, b)
    out = np.empty((a.shape[0], b.shape[1]), a.dtype)
    _runtime_blocks(a, b, out, 2 if macs < 4 * RT_SPLIT_MACS else 4)
    return out


def _runtime_product_keeps_bits(a: np.ndarray, b: np.ndarray, macs: int) -> bool:
    """Whether :func:`_runtime_product` gives the bits of one unsplit runtime call: one
    call, row blocks, or column blocks each summing ``k`` in the whole product's blocks
    (``ops.mlas_split``); never inner-dimension blocks (summed partial products)."""
    m, k = a.shape
    n = b.shape[1]
    if macs < RT_SPLIT_MACS or m >= 128:
        return True
    if not (_transposed(b) or k < 128):
        return False
    ta = _transposed(a)
    cuts = _blocks(n, 2 if macs < 4 * RT_SPLIT_MACS else 4)
    whole = mlas_split.k_block(n, k, ta)
    return all(mlas_split.k_block(e - s, k, ta) == whole for s, e in zip(cuts, cuts[1:]))


def _timed_product(a: np.ndarray, b: np.ndarray, macs: int, threads: int,
                   key: tuple) -> np.ndarray:
    """``a @ b`` the faster way for this shape lately (``ops.faster_path``): one call on
    ONNX Runtime's own ``threads`` threads, or :func:`_runtime_product` on the kernel
    threads; both give the same bits (checked by the caller)."""
    clock = time.perf_counter
    way = _paths.choose(key)
    t0 = clock()
    out = gemm.threaded_product(a, b, threads) if way else None
    if out is None:
        if way:
            _pool_ok[key] = False   # the runtime declined (e.g. its threads' check failed)
        way, out = 0, _runtime_product(a, b, macs)
    _paths.record(key, way, clock() - t0)
    return out


def _transposed(v: np.ndarray) -> bool:
    return not v.flags.c_contiguous and v.T.flags.c_contiguous


def _runtime_blocks(a: np.ndarray, b: np.ndarray, out: np.ndarray, parts: int) -> None:
    """``out = a @ b`` in up to ``parts`` blocks that ONNX Runtime reads without copying
    large operands (it takes only C-contiguous matrices or their transposes): row blocks
    when ``a`` has >= 128 rows; else column blocks when ``b`` is a transposed matrix
    (``x @ w.T``) or the inner dimension is below 128; else blocks of the inner
    dimension, their partial products summed in block order."""
    m, k = a.shape
    n = b.shape[1]
    if m >= 128:
        cuts = _blocks(m, parts)

        def work(i: int, worker: int) -> None:
            s, e = cuts[i], cuts[i + 1]
            gemm.matmul(a[s:e], b, out=out[s:e])
    elif _transposed(b) or k < 128:
        cuts = _blocks(n, parts)

        def work(i: int, worker: int) -> None:
            s, e = cuts[i], cuts[i + 1]
            gemm.matmul(a, b[:, s:e], out=out[:, s:e])
    else:
        cuts = _blocks(k, parts)
        partial = [out] + [np.empty_like(out) for _ in range(len(cuts) - 2)]

        def work(i: int, worker: int) -> None:
            s, e = cuts[i], cuts[i + 1]
            gemm.matmul(a[:, s:e], b[s:e], out=partial[i])

        parallel.run(work, len(cuts) - 1, key=(m, k, n, "k"))
        for p in partial[1:]:
            np.add(out, p, out=out)
        return
    parallel.run(work, len(cuts) - 1, key=(m, k, n, "rt"))


@registry.register_kernel("MatMul")
def _matmul(ctx: registry.KernelContext, a: Any, b: Any) -> Any:
    attrs = ctx.attrs
    ta, tb = attrs["transpose_a"], attrs["transpose_b"]
    try:
        x, y = a.T if ta else a, b.T if tb else b
        if type(x) is np.ndarray and type(y) is np.ndarray and x.ndim == 2 and y.ndim == 2:
            return product(x, y)
        return gemm.matmul(x, y)
    except gemm.GemmBackendError:
        raise
    except ValueError:
        raise _size_error(a, b, ta, tb) from None


@registry.register_kernel("BatchMatMulV2")
def _batch_matmul(ctx: registry.KernelContext, a: Any, b: Any) -> Any:
    attrs = ctx.attrs
    ta, tb = attrs["adj_x"], attrs["adj_y"]
    if np.iscomplexobj(a):  # adj_* conjugates too (TF); real dtypes only transpose
        a, b = np.conj(a) if ta else a, np.conj(b) if tb else b
    try:
        return gemm.matmul(a, b, ta, tb)
    except gemm.GemmBackendError:
        raise
    except ValueError:
        raise _size_error(a, b, ta, tb) from None


def _matmul_operator(a: Any, b: Any) -> Tensor:
    # ``a @ b`` is named ``matmul``, as TF's operator names it (``tf.matmul``: ``MatMul``).
    return matmul(a, b, name="matmul")


register_operator("matmul", _matmul_operator)

def sparse_matmul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False,
                  a_is_sparse: bool = False, b_is_sparse: bool = False,
                  name: str | None = None) -> Tensor:
    """``matmul(a, b)`` for float32 operands (TF's ``SparseMatMul``; the sparsity hints
    only chose TF's kernel and change no value)."""
    return matmul(a, b, transpose_a=transpose_a, transpose_b=transpose_b,
                  name=name or "SparseMatMul")


__all__ = ["matmul", "sparse_matmul"]
