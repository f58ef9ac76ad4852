"""``tf.linalg.tridiagonal_solve`` (TF 1.15's signature) and ``tridiagonal_matmul``: the
``TridiagonalSolve`` op over the compact diagonals ``[..., 3, m]`` (superdiagonal with
its last entry unused, main diagonal, subdiagonal with its first entry unused), the
conversions from the ``'sequence'`` and ``'matrix'`` formats, and the product as a
composite. The solve's gradient is in ``autodiff/linalg_decomp_grad.py``.

Example:
    >>> diags = [[1., 2., 0.], [4., 5., 6.], [0., 7., 8.]]   # [[4, 1, 0], [7, 5, 2], [0, 8, 6]]
    >>> tk.linalg.tridiagonal_solve(diags, [[1.], [2.], [3.]])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape, broadcast_static
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, complex_ops, shape_ops
from trainkit.ops.array_extras import matrix_transpose
from trainkit.ops.linalg_factor_ops import checked_input, working_precision
from trainkit.ops.linalg_ops import matrix_diag_part
from trainkit.ops.op_util import make_op


def compact_diagonals(superdiag: Tensor, diag: Tensor, subdiag: Tensor) -> Tensor:
    """``[..., 3, m]`` from the three ``[..., m]`` diagonals."""
    return array_ops.stack([superdiag, diag, subdiag], axis=-2)


def pad_last(x: Tensor, front: bool) -> Tensor:
    """``x`` ``[..., k]`` with one zero put in front of (or after) its last axis."""
    zero = array_ops.zeros_like(x[..., :1])
    return array_ops.concat([zero, x] if front else [x, zero], axis=-1)


def _pad_short(d: Tensor, main: Tensor, front: bool) -> Tensor:
    """An off-diagonal given with ``m - 1`` entries, padded to ``m`` as TF does."""
    n = d.shape.as_list()[-1] if d.shape.ndims else None
    m = main.shape.as_list()[-1] if main.shape.ndims else None
    if n is None or m is None or n == m:
        return d
    if n == m - 1:
        return pad_last(d, front)
    raise ValueError(f"Expected a diagonal of length {m} or {m - 1}, got {n}.")


def _from_matrix(m: Tensor) -> Tensor:
    sup = pad_last(matrix_diag_part(m[..., :-1, 1:]), front=False)
    sub = pad_last(matrix_diag_part(m[..., 1:, :-1]), front=True)
    return compact_diagonals(sup, matrix_diag_part(m), sub)


def as_compact(diagonals: Any, diagonals_format: str, op_type: str) -> Tensor:
    """``diagonals`` in the ``'compact'`` ``[..., 3, m]`` form.

    Raises:
        ValueError: an unknown format, or diagonals of the wrong shape.
    """
    if diagonals_format == "sequence":
        if not isinstance(diagonals, list | tuple) or len(diagonals) != 3:
            raise ValueError(f"Expected diagonals to be a sequence of length 3, got "
                             f"{diagonals!r}.")
        sup, main, sub = [checked_input(op_type, d, op_type, "diagonals") for d in diagonals]
        return compact_diagonals(_pad_short(sup, main, False), main,
                                 _pad_short(sub, main, True))
    if diagonals_format == "matrix":
        return _from_matrix(checked_input(op_type, diagonals, op_type, "diagonals"))
    if diagonals_format == "compact":
        diags = checked_input(op_type, diagonals, op_type, "diagonals")
        three = diags.shape.as_list()[-2] if (diags.shape.ndims or 0) >= 2 else None
        if three is not None and three != 3:
            raise ValueError(f"Expected 3 diagonals got {three}")
        return diags
    raise ValueError(f"Unrecognized diagonals_format: {diagonals_format}")


def tridiagonal_matmul(diagonals: Any, rhs: Any, diagonals_format: str = "compact",
                       name: str | None = None) -> Tensor:
    """``T @ rhs`` for tridiagonal ``T`` given by its diagonals (formats as in
    :func:`tridiagonal_solve`), built from elementwise ops (so it differentiates).

    Example:
        >>> tk.linalg.tridiagonal_matmul([[1., 0.], [2., 2.], [0., 1.]], [[1.], [1.]])  # 3, 3
    """
    with name_scope(name, "tridiagonal_matmul"):
        diags = as_compact(diagonals, diagonals_format, "TridiagonalMatMul")
        b = conversion.convert_to_tensor(rhs, name="rhs", dtype=diags.dtype)
        zero_row = array_ops.zeros_like(b[..., :1, :])
        below = array_ops.concat([b[..., 1:, :], zero_row], axis=-2)    # b[i + 1]
        above = array_ops.concat([zero_row, b[..., :-1, :]], axis=-2)   # b[i - 1]
        sup, main, sub = (shape_ops.expand_dims(diags[..., k, :], -1) for k in range(3))
        return main * b + sup * below + sub * above


def tridiagonal_solve(diagonals: Any, rhs: Any, diagonals_format: str = "compact",
                      transpose_rhs: bool = False, conjugate_rhs: bool = False,
                      name: str | None = None, partial_pivoting: bool = True) -> Tensor:
    """``X`` with ``T @ X = rhs`` for tridiagonal ``T``.

    Args:
        diagonals: ``[..., 3, m]`` (``'compact'``), a tuple of three ``[..., m]``
            (``'sequence'``: super, main, sub) or ``[..., m, m]`` (``'matrix'``).
        rhs: ``[..., m, k]`` or ``[..., m]`` (then the result is ``[..., m]``).
        diagonals_format: ``'compact'``, ``'sequence'`` or ``'matrix'``.
        transpose_rhs: ``rhs`` is ``[..., k, m]`` and is transposed first.
        conjugate_rhs: conjugate ``rhs`` first.
        name: the name scope.
        partial_pivoting: accepted as in TF (the kernel always pivots).

    Raises:
        ValueError: an unknown format, or diagonals of the wrong shape.
        InvalidArgumentError: at run time, a singular matrix (TF 1.15's error; TF 2.x
            returns NaNs).

    Example:
        >>> tk.linalg.tridiagonal_solve([[1., 0.], [2., 2.], [0., 1.]], [[3.], [3.]])  # 1, 1
    """
    with name_scope(name, "tridiagonal_solve"):
        diags = as_compact(diagonals, diagonals_format, "TridiagonalSolve")
        b = conversion.convert_to_tensor(rhs, name="rhs", dtype=diags.dtype)
        vector = (b.shape.ndims is not None and diags.shape.ndims is not None
                  and b.shape.ndims == diags.shape.ndims - 1)
        if vector:
            b = shape_ops.expand_dims(b, -1)
        elif transpose_rhs:
            b = matrix_transpose(b, conjugate=conjugate_rhs)
        if conjugate_rhs and (vector or not transpose_rhs):
            b = complex_ops.conj(b)
        x = tridiagonal_solve_compact(diags, b, partial_pivoting)
        return shape_ops.squeeze(x, axis=-1) if vector else x


def tridiagonal_solve_compact(diags: Tensor, rhs: Tensor, partial_pivoting: bool = True,
                              name: str | None = None) -> Tensor:
    """The ``TridiagonalSolve`` op itself: ``diags`` ``[..., 3, m]``, ``rhs``
    ``[..., m, k]``."""
    return make_op("TridiagonalSolve", [diags, rhs], [diags.dtype], name=name,
                   attrs={"partial_pivoting": bool(partial_pivoting)}).outputs[0]


@registry.register_shape("TridiagonalSolve")
def _tridiagonal_shape(op: Operation) -> list[TensorShape]:
    d, b = op.inputs[0].shape, op.inputs[1].shape
    if d.ndims is None or b.ndims is None:
        return [TensorShape(None)]
    for t, s in ((op.inputs[0], d), (op.inputs[1], b)):
        if s.ndims < 2:
            raise ValueError(f"Shape must be at least rank 2 but is rank {s.ndims} for "
                             f"'{op.name}' (op: 'TridiagonalSolve'): {t.name} {s}.")
    m, rows = d.as_list()[-1], b.as_list()[-2]
    if m is not None and rows is not None and m != rows:
        raise ValueError(f"Dimensions must be equal, but are {m} and {rows} for '{op.name}' "
                         f"(op: 'TridiagonalSolve'): diagonals {d} vs rhs {b}.")
    batch = broadcast_static(TensorShape(d.as_list()[:-2]), TensorShape(b.as_list()[:-2]))
    return [batch.concatenate([m if m is not None else rows, b.as_list()[-1]])]


@registry.register_kernel("TridiagonalSolve")
def _tridiagonal_kernel(ctx: registry.KernelContext, d: np.ndarray,
                        b: np.ndarray) -> np.ndarray:
    if d.shape[-2] != 3 or b.shape[-2] != d.shape[-1]:
        raise errors.InvalidArgumentError(
            None, ctx.op, f"Expected diagonals [..., 3, m] and rhs [..., m, k], got "
                          f"{list(d.shape)} and {list(b.shape)}.")
    m = d.shape[-1]
    batch = np.broadcast_shapes(d.shape[:-2], b.shape[:-2])
    if m == 0 or b.shape[-1] == 0:
        return np.zeros((*batch, m, b.shape[-1]), b.dtype)
    dw = working_precision(d)
    dense = np.zeros((*d.shape[:-2], m, m), dw.dtype)
    i = np.arange(m)
    dense[..., i, i] = dw[..., 1, :]
    dense[..., i[:-1], i[1:]] = dw[..., 0, :-1]
    dense[..., i[1:], i[:-1]] = dw[..., 2, 1:]
    if m == 1 and (dense == 0).any():
        raise errors.InvalidArgumentError(
            None, ctx.op, "The matrix is not invertible: it is a scalar with value zero.")
    try:
        x = np.linalg.solve(np.broadcast_to(dense, (*batch, m, m)),
                            np.broadcast_to(working_precision(b), (*batch, *b.shape[-2:])))
    except np.linalg.LinAlgError:
        raise errors.InvalidArgumentError(None, ctx.op,
                                          "The matrix is not invertible.") from None
    return x.astype(b.dtype)


__all__ = ["tridiagonal_solve", "tridiagonal_matmul", "as_compact", "tridiagonal_solve_compact",
           "compact_diagonals", "pad_last"]
