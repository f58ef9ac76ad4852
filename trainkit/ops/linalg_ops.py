"""Matrix ops (NumPy kernels over batches ``[..., m, n]``): ``matrix_diag``,
``matrix_diag_part``, ``matrix_set_diag``, ``matrix_band_part``, ``diag``/``diag_part``,
``matrix_inverse``, ``matrix_determinant``, ``matrix_solve`` and ``cross``, plus the
composites ``trace`` and ``norm``. Gradients are in ``autodiff/linalg_grad.py``.

Example:
    >>> tk.matrix_band_part(x, 0, -1)          # the upper triangle
    >>> tk.matrix_inverse(a) @ a               # ~ identity
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import math_ops
from trainkit.ops.op_util import make_op


def _op(op_type: str, inputs: list, shape: Any, name: str | None,
        attrs: dict | None = None) -> Tensor:
    return make_op(op_type, inputs, [inputs[0].dtype], name=name or op_type, attrs=attrs,
                   shapes=[shape]).outputs[0]


def _dims(x: Tensor) -> list | None:
    return x.shape.as_list() if x.shape.ndims is not None else None


def matrix_diag(diagonal: Any, name: str = "MatrixDiag") -> Tensor:
    """Batched square matrices ``[..., n, n]`` with ``diagonal`` ``[..., n]`` on the
    diagonal."""
    d = conversion.convert_to_tensor(diagonal, name="diagonal")
    dims = _dims(d)
    return _op("MatrixDiag", [d], TensorShape(None if dims is None else dims + dims[-1:]),
               name)


def matrix_diag_part(input: Any, name: str = "matrix_diag_part") -> Tensor:  # noqa: A002
    """The main diagonals ``[..., min(m, n)]`` of ``[..., m, n]``."""
    x = conversion.convert_to_tensor(input, name="input")
    dims = _dims(x)
    shape = None
    if dims is not None:
        m, n = dims[-2:]
        shape = dims[:-2] + [None if m is None or n is None else min(m, n)]
    return _op("MatrixDiagPart", [x], TensorShape(shape), name)


def matrix_set_diag(input: Any, diagonal: Any, name: str = "set_diag") -> Tensor:  # noqa: A002
    """``input`` with its main diagonals replaced by ``diagonal``."""
    x = conversion.convert_to_tensor(input, name="input")
    d = conversion.convert_to_tensor(diagonal, name="diagonal", dtype=x.dtype)
    return _op("MatrixSetDiag", [x, d], x.shape, name)


def matrix_band_part(input: Any, num_lower: Any, num_upper: Any,  # noqa: A002
                     name: str = "band_part") -> Tensor:
    """Keeps the band ``-num_lower <= col - row <= num_upper`` (negative: unlimited)."""
    x = conversion.convert_to_tensor(input, name="input")
    lo = conversion.convert_to_tensor(num_lower, dtype=_dt.int64, name="num_lower")
    up = conversion.convert_to_tensor(num_upper, dtype=_dt.int64, name="num_upper")
    return _op("MatrixBandPart", [x, lo, up], x.shape, name)


def diag(diagonal: Any, name: str | None = None) -> Tensor:
    """A rank-``2k`` tensor with ``diagonal`` (rank ``k``) at ``[i..., i...]``."""
    d = conversion.convert_to_tensor(diagonal, name="diagonal")
    dims = _dims(d)
    return _op("Diag", [d], TensorShape(None if dims is None else dims + dims), name)


def diag_part(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """The inverse of :func:`diag`: ``out[i...] = input[i..., i...]``.

    Raises:
        ValueError: an odd rank.
    """
    x = conversion.convert_to_tensor(input, name="input")
    dims = _dims(x)
    if dims is not None and len(dims) % 2:
        raise ValueError(f"diag_part: the input rank must be even, got shape {x.shape}.")
    return _op("DiagPart", [x], TensorShape(None if dims is None else dims[:len(dims) // 2]),
               name)


def trace(x: Any, name: str | None = None) -> Tensor:
    """The sum of each matrix's main diagonal."""
    with name_scope(name, "Trace", [x]) as scope:
        return math_ops.reduce_sum(matrix_diag_part(x), -1, name=scope)


def matrix_inverse(input: Any, adjoint: bool = False,  # noqa: A002
                   name: str | None = None) -> Tensor:
    """The inverse of each square matrix (of its transpose when ``adjoint``).

    Raises:
        InvalidArgumentError: at run time, for a singular matrix.
    """
    x = conversion.convert_to_tensor(input, name="input")
    return _op("MatrixInverse", [x], x.shape, name, {"adjoint": bool(adjoint)})


def matrix_determinant(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """The determinant of each square matrix ``[..., n, n]`` -> ``[...]``."""
    x = conversion.convert_to_tensor(input, name="input")
    dims = _dims(x)
    return _op("MatrixDeterminant", [x], TensorShape(None if dims is None else dims[:-2]),
               name)


def matrix_solve(matrix: Any, rhs: Any, adjoint: bool = False,
                 name: str | None = None) -> Tensor:
    """``X`` with ``matrix @ X = rhs`` (``matrix^T`` when ``adjoint``).

    Raises:
        InvalidArgumentError: at run time, for a singular matrix.
    """
    a = conversion.convert_to_tensor(matrix, name="matrix")
    b = conversion.convert_to_tensor(rhs, name="rhs", dtype=a.dtype)
    return _op("MatrixSolve", [a, b], b.shape, name, {"adjoint": bool(adjoint)})


def cross(a: Any, b: Any, name: str | None = None) -> Tensor:
    """The cross product of 3-vectors along the last axis."""
    x = conversion.convert_to_tensor(a, name="a")
    y = conversion.convert_to_tensor(b, name="b", dtype=x.dtype)
    return _op("Cross", [x, y], x.shape, name)


def qr(input: Any, full_matrices: bool = False,  # noqa: A002
       name: str | None = None) -> tuple[Tensor, Tensor]:
    """``(q, r)``: the QR decomposition of each matrix (not differentiable here)."""
    x = conversion.convert_to_tensor(input, name="input")
    op = make_op("Qr", [x], [x.dtype, x.dtype], name=name or "Qr",
                 attrs={"full_matrices": bool(full_matrices)},
                 shapes=[TensorShape(None), TensorShape(None)])
    return op.outputs[0], op.outputs[1]


def norm(tensor: Any, ord: Any = "euclidean", axis: Any = None,  # noqa: A002
         keepdims: bool | None = None, name: str | None = None,
         keep_dims: bool | None = None) -> Tensor:
    """The vector norm over ``axis`` (``'euclidean'``/2, 1, ``np.inf`` or a p > 0; None:
    all entries) or, for a pair of axes, the Frobenius / 1 / inf matrix norm.

    Raises:
        ValueError: an unsupported ``ord`` / ``axis`` combination (spectral norms).
    """
    keep = bool(keep_dims if keepdims is None else keepdims)
    with name_scope(name, "norm", [tensor]) as scope:
        x = conversion.convert_to_tensor(tensor, name="tensor")
        pair = isinstance(axis, list | tuple) and len(axis) == 2
        a = math_ops.abs(x)
        if pair and ord in ("fro", "euclidean"):
            ord = 2
        if pair and ord in (1, np.inf):
            inner, outer = (axis[0], axis[1]) if ord == 1 else (axis[1], axis[0])
            col = math_ops.reduce_sum(a, inner, keepdims=True)
            out = math_ops.reduce_max(col, outer, keepdims=True)
            return out if keep else math_ops.reduce_sum(out, list(axis), name=scope)
        if pair and ord != 2:
            raise ValueError(f"norm: ord {ord!r} is not supported for matrices.")
        if ord in ("euclidean", 2, 2.0):
            return math_ops.sqrt(math_ops.reduce_sum(math_ops.square(x), axis, keepdims=keep),
                                 name=scope)
        if ord == np.inf:
            return math_ops.reduce_max(a, axis, keepdims=keep, name=scope)
        if ord == 1:
            return math_ops.reduce_sum(a, axis, keepdims=keep, name=scope)
        if isinstance(ord, int | float) and ord > 0:
            p = math_ops.reduce_sum(math_ops.pow(a, float(ord)), axis, keepdims=keep)
            return math_ops.pow(p, 1.0 / float(ord), name=scope)
        raise ValueError(f"norm: 'ord' must be a supported vector norm, got {ord!r}.")


# -- kernels -----------------------------------------------------------------------------
def _diag_kernel(ctx: registry.KernelContext, d: Any) -> np.ndarray:
    n = d.shape[-1]
    out = np.zeros(d.shape + (n,), dtype=d.dtype)
    i = np.arange(n)
    out[..., i, i] = d
    return out


def _diag_part_kernel(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    return np.diagonal(x, axis1=-2, axis2=-1).copy()


def _set_diag_kernel(ctx: registry.KernelContext, x: Any, d: Any) -> np.ndarray:
    out = np.array(x, copy=True)
    k = min(x.shape[-2:])
    i = np.arange(k)
    out[..., i, i] = d
    return out


def _band_kernel(ctx: registry.KernelContext, x: Any, lo: Any, up: Any) -> np.ndarray:
    m, n = x.shape[-2:]
    diff = np.arange(n)[None, :] - np.arange(m)[:, None]
    keep = np.ones((m, n), bool)
    if int(lo) >= 0:
        keep &= diff >= -int(lo)
    if int(up) >= 0:
        keep &= diff <= int(up)
    return np.where(keep, x, np.zeros((), x.dtype))


def _full_diag(ctx: registry.KernelContext, d: Any) -> np.ndarray:
    flat = d.reshape(-1)
    out = np.zeros((flat.size, flat.size), dtype=d.dtype)
    out[np.arange(flat.size), np.arange(flat.size)] = flat
    return out.reshape(d.shape + d.shape)


def _full_diag_part(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    half = x.shape[:x.ndim // 2]
    n = int(np.prod(half)) if half else 1
    return np.diagonal(x.reshape(n, n)).reshape(half).copy()


def _linalg_error(ctx: registry.KernelContext, e: Exception) -> Exception:
    return errors.InvalidArgumentError(None, ctx.op, f"Input is not invertible: {e}")


def _inverse_kernel(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    a = np.swapaxes(x, -1, -2) if ctx.attrs["adjoint"] else x
    try:
        return np.linalg.inv(a).astype(x.dtype)
    except np.linalg.LinAlgError as e:
        raise _linalg_error(ctx, e) from None


def _solve_kernel(ctx: registry.KernelContext, a: Any, b: Any) -> np.ndarray:
    a = np.swapaxes(a, -1, -2) if ctx.attrs["adjoint"] else a
    try:
        return np.linalg.solve(a, b).astype(b.dtype)
    except np.linalg.LinAlgError as e:
        raise _linalg_error(ctx, e) from None


for _t, _k in (("MatrixDiag", _diag_kernel), ("MatrixDiagPart", _diag_part_kernel),
               ("MatrixSetDiag", _set_diag_kernel), ("MatrixBandPart", _band_kernel),
               ("Diag", _full_diag), ("DiagPart", _full_diag_part),
               ("MatrixInverse", _inverse_kernel), ("MatrixSolve", _solve_kernel)):
    registry.register_kernel(_t)(_k)
registry.register_kernel("MatrixDeterminant")(
    lambda ctx, x: np.asarray(np.linalg.det(x), dtype=x.dtype))
registry.register_kernel("Qr")(lambda ctx, x: tuple(
    a.astype(x.dtype) for a in np.linalg.qr(
        x, mode="complete" if ctx.attrs["full_matrices"] else "reduced")))
registry.not_differentiable("Qr")
registry.register_kernel("Cross")(lambda ctx, a, b: np.cross(a, b).astype(a.dtype))

__all__ = ["matrix_diag", "matrix_diag_part", "matrix_set_diag", "matrix_band_part", "diag",
           "diag_part", "trace", "matrix_inverse", "matrix_determinant", "matrix_solve",
           "cross", "norm", "qr"]
