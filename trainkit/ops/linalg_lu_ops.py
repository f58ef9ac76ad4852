"""LU with partial pivoting: the ``Lu`` op (``tf.linalg.lu``; like TF, no gradient rule:
``gradients`` through it is a LookupError) and
the composites TF builds on it, ``lu_solve``, ``lu_matrix_inverse`` and
``lu_reconstruct`` (differentiable through their triangular solves and products).

``lu`` packs the unit-diagonal ``L`` (strictly below the diagonal) and ``U`` (on and
above it) into one matrix; ``p`` lists, for each row of ``L @ U``, the input row it came
from: ``input[p] = L @ U``.

Example:
    >>> lu, p = tk.linalg.lu([[1., 2.], [3., 4.]])          # p = [1, 0]
    >>> tk.linalg.lu_solve(lu, p, [[1.], [2.]])               # ~ solve(a, b)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.linalg_factor_ops import (
    check_square,
    checked_input,
    matrix_dims,
    matrix_triangular_solve,
    working_precision,
)
from trainkit.ops.linalg_ops import (
    matrix_band_part,
    matrix_diag,
    matrix_diag_part,
    matrix_set_diag,
)
from trainkit.ops.mask_ops import one_hot
from trainkit.ops.op_util import make_op


def lu(input: Any, output_idx_type: Any = _dt.int32,  # noqa: A002 - TF's name
       name: str | None = None) -> tuple[Tensor, Tensor]:
    """``(lu, p)``: the pivoted LU decomposition of each square matrix ``[..., n, n]``.

    Raises:
        ValueError: rank below 2 or a non-square matrix (static shapes).
        TypeError: a non-float input or ``output_idx_type`` not int32/int64.
        InvalidArgumentError: at run time, a singular matrix ("Input is not invertible.").

    Example:
        >>> lu, p = tk.linalg.lu([[1., 2.], [3., 4.]])   # p = [1, 0]
    """
    name = name or "Lu"
    x = checked_input("Lu", input, name)
    idx = _dt.as_dtype(output_idx_type)
    if idx not in (_dt.int32, _dt.int64):
        raise TypeError(f"Lu: output_idx_type must be int32 or int64, got {idx.name}.")
    op = make_op("Lu", [x], [x.dtype, idx], name=name)
    return op.outputs[0], op.outputs[1]


def _permutation(perm: Tensor, dtype: _dt.DType) -> Tensor:
    """The batch of permutation matrices ``P`` with ``(P @ x)[i] = x[perm[i]]``."""
    n = perm.shape.as_list()[-1] if perm.shape.ndims is not None else None
    depth = n if n is not None else array_ops.shape(perm)[-1]
    return one_hot(perm, depth, dtype=dtype)


def _unit_lower(lower_upper: Tensor) -> Tensor:
    ones = array_ops.ones_like(matrix_diag_part(lower_upper))
    return matrix_set_diag(matrix_band_part(lower_upper, -1, 0), ones)


def lu_solve(lower_upper: Any, perm: Any, rhs: Any, validate_args: bool = False,
             name: str | None = None) -> Tensor:
    """``X`` with ``A @ X = rhs`` given ``lower_upper, perm = lu(A)``.

    Example:
        >>> tk.linalg.lu_solve(*tk.linalg.lu(a), b)   # ~ tk.matrix_solve(a, b)
    """
    with name_scope(name, "lu_solve"):
        lu_t = conversion.convert_to_tensor(lower_upper, name="lower_upper")
        p = conversion.convert_to_tensor(perm, name="perm")
        b = conversion.convert_to_tensor(rhs, name="rhs", dtype=lu_t.dtype)
        permuted = math_ops.matmul(_permutation(p, lu_t.dtype), b)
        y = matrix_triangular_solve(_unit_lower(lu_t), permuted, lower=True)
        return matrix_triangular_solve(lu_t, y, lower=False)


def lu_matrix_inverse(lower_upper: Any, perm: Any, validate_args: bool = False,
                      name: str | None = None) -> Tensor:
    """The inverse of ``A`` given ``lower_upper, perm = lu(A)``.

    Example:
        >>> tk.linalg.lu_matrix_inverse(*tk.linalg.lu(a))   # ~ tk.matrix_inverse(a)
    """
    with name_scope(name, "lu_matrix_inverse"):
        lu_t = conversion.convert_to_tensor(lower_upper, name="lower_upper")
        eye = matrix_diag(array_ops.ones_like(matrix_diag_part(lu_t)))
        return lu_solve(lu_t, perm, eye)


def lu_reconstruct(lower_upper: Any, perm: Any, validate_args: bool = False,
                   name: str | None = None) -> Tensor:
    """``A`` back from ``lower_upper, perm = lu(A)``: ``P^T @ L @ U``.

    Example:
        >>> tk.linalg.lu_reconstruct(*tk.linalg.lu(a))   # ~ a
    """
    with name_scope(name, "lu_reconstruct"):
        lu_t = conversion.convert_to_tensor(lower_upper, name="lower_upper")
        p = conversion.convert_to_tensor(perm, name="perm")
        product = math_ops.matmul(_unit_lower(lu_t), matrix_band_part(lu_t, 0, -1))
        return math_ops.matmul(_permutation(p, lu_t.dtype), product, transpose_a=True)


@registry.register_shape("Lu")
def _lu_shape(op: Operation) -> list[TensorShape]:
    dims = matrix_dims(op, op.inputs[0])
    if dims is None:
        return [TensorShape(None), TensorShape(None)]
    return [TensorShape(dims), TensorShape(dims[:-1])]


@registry.register_kernel("Lu")
def _lu_kernel(ctx: registry.KernelContext, x: np.ndarray) -> tuple:
    check_square(ctx, x)
    n = x.shape[-1]
    flat = np.array(working_precision(x), copy=True).reshape(-1, n, n)
    perm = np.tile(np.arange(n), (flat.shape[0], 1))
    rows = np.arange(flat.shape[0])
    for k in range(n):
        piv = k + np.argmax(np.abs(flat[:, k:, k]), axis=1)
        flat[rows, k], flat[rows, piv] = flat[rows, piv].copy(), flat[rows, k].copy()
        perm[rows, k], perm[rows, piv] = perm[rows, piv], perm[rows, k]
        pivot = flat[:, k, k]
        if (pivot == 0).any():
            raise errors.InvalidArgumentError(None, ctx.op, "Input is not invertible.")
        flat[:, k + 1:, k] /= pivot[:, None]
        flat[:, k + 1:, k + 1:] -= flat[:, k + 1:, k, None] * flat[:, None, k, k + 1:]
    idx = ctx.op.outputs[1].dtype.np_dtype
    return flat.reshape(x.shape).astype(x.dtype), perm.reshape(x.shape[:-1]).astype(idx)


__all__ = ["lu", "lu_solve", "lu_matrix_inverse", "lu_reconstruct"]
