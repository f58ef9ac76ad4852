"""Spectral decompositions: ``SelfAdjointEigV2`` (``eigh``/``eigvalsh``) and ``Svd``
(``svd`` in TF's ``(s, u, v)`` order), NumPy kernels over batches ``[..., m, n]`` with
TF's static shapes. Gradients are in ``autodiff/linalg_decomp_grad.py``.

Eigenvalues come in ascending order and singular values in descending order, as in TF;
eigenvectors and singular vectors are unique only up to sign (phase), so compare
invariant quantities such as ``u @ diag(s) @ v^H``.

Example:
    >>> e, v = tk.linalg.eigh([[2., 1.], [1., 2.]])     # e = [1., 3.]
    >>> s, u, v = tk.linalg.svd(a)                      # a ~ u @ diag(s) @ v^T
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import registry
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import complex_ops
from trainkit.ops.linalg_factor_ops import (
    check_square,
    checked_input,
    matrix_dims,
    working_precision,
)
from trainkit.ops.op_util import make_op


def _eig(tensor: Any, compute_v: bool, name: str | None) -> Operation:
    name = name or "SelfAdjointEigV2"
    x = checked_input("SelfAdjointEigV2", tensor, name)
    return make_op("SelfAdjointEigV2", [x], [x.dtype, x.dtype], name=name,
                   attrs={"compute_v": compute_v})


def eigh(tensor: Any, name: str | None = None) -> tuple[Tensor, Tensor]:
    """``(e, v)``: the eigenvalues ``[..., n]`` (ascending) and eigenvectors ``[..., n, n]``
    (columns) of self-adjoint matrices; only the lower triangle is read.

    Raises:
        ValueError: rank below 2 or a non-square matrix (static shapes).
        TypeError: a dtype other than float16/32/64 or complex64/128.

    Example:
        >>> e, v = tk.self_adjoint_eig([[2., 1.], [1., 2.]])   # e = [1., 3.]
    """
    op = _eig(tensor, True, name)
    return op.outputs[0], op.outputs[1]


def eigvalsh(tensor: Any, name: str | None = None) -> Tensor:
    """The eigenvalues ``[..., n]`` (ascending) of self-adjoint matrices.

    Example:
        >>> tk.self_adjoint_eigvals([[2., 1.], [1., 2.]])   # [1., 3.]
    """
    return _eig(tensor, False, name).outputs[0]


def svd(tensor: Any, full_matrices: bool = False, compute_uv: bool = True,
        name: str | None = None) -> Any:
    """The singular value decomposition ``tensor = u @ diag(s) @ v^H`` of each matrix.

    Args:
        tensor: ``[..., m, n]``, float or complex.
        full_matrices: ``u`` is ``[..., m, m]`` and ``v`` ``[..., n, n]`` instead of
            ``[..., m, p]`` and ``[..., n, p]`` (``p = min(m, n)``).
        compute_uv: also return the singular vectors.
        name: the op name.

    Returns:
        ``s`` (descending, real) when ``compute_uv`` is False, else ``(s, u, v)`` (TF's
        order, ``v`` not transposed).

    Raises:
        ValueError: rank below 2 (static shape).

    Example:
        >>> s, u, v = tk.svd([[3., 0.], [0., 4.]])   # s = [4., 3.]
    """
    name = name or "Svd"
    x = checked_input("Svd", tensor, name)
    op = make_op("Svd", [x], [x.dtype] * 3, name=name,
                 attrs={"compute_uv": bool(compute_uv), "full_matrices": bool(full_matrices)})
    s = complex_ops.real(op.outputs[0])
    return (s, op.outputs[1], op.outputs[2]) if compute_uv else s


# -- shape functions ----------------------------------------------------------------------
@registry.register_shape("SelfAdjointEigV2")
def _eig_shape(op: Operation) -> list[TensorShape]:
    dims = matrix_dims(op, op.inputs[0])
    if dims is None:
        return [TensorShape(None), TensorShape(None)]
    v = TensorShape(dims) if op.attrs["compute_v"] else TensorShape([0])
    return [TensorShape(dims[:-1]), v]


@registry.register_shape("Svd")
def _svd_shape(op: Operation) -> list[TensorShape]:
    dims = matrix_dims(op, op.inputs[0], square=False)
    if dims is None:
        return [TensorShape(None)] * 3
    *batch, m, n = dims
    p = None if m is None or n is None else min(m, n)
    if not op.attrs["compute_uv"]:
        return [TensorShape([*batch, p]), TensorShape([0]), TensorShape([0])]
    full = op.attrs["full_matrices"]
    return [TensorShape([*batch, p]), TensorShape([*batch, m, m if full else p]),
            TensorShape([*batch, n, n if full else p])]


# -- kernels ------------------------------------------------------------------------------
@registry.register_kernel("SelfAdjointEigV2")
def _eig_kernel(ctx: registry.KernelContext, x: np.ndarray) -> tuple:
    check_square(ctx, x)
    if ctx.attrs["compute_v"]:
        e, v = np.linalg.eigh(working_precision(x), UPLO="L")
        return e.astype(x.dtype), v.astype(x.dtype)
    e = np.linalg.eigvalsh(working_precision(x), UPLO="L")
    return e.astype(x.dtype), np.zeros((0,), x.dtype)


@registry.register_kernel("Svd")
def _svd_kernel(ctx: registry.KernelContext, x: np.ndarray) -> tuple:
    *batch, m, n = x.shape
    p = min(m, n)
    full = ctx.attrs["full_matrices"]
    if not ctx.attrs["compute_uv"]:
        s = np.linalg.svd(working_precision(x), compute_uv=False) if p else np.zeros((*batch, 0))
        return s.astype(x.dtype), np.zeros((0,), x.dtype), np.zeros((0,), x.dtype)
    if p == 0:  # LAPACK refuses empty matrices; the vectors are identities or empty
        eye_m, eye_n = np.eye(m, m if full else 0), np.eye(n, n if full else 0)
        return (np.zeros((*batch, 0), x.dtype),
                np.broadcast_to(eye_m, (*batch, *eye_m.shape)).astype(x.dtype),
                np.broadcast_to(eye_n, (*batch, *eye_n.shape)).astype(x.dtype))
    u, s, vh = np.linalg.svd(working_precision(x), full_matrices=full)
    v = np.conj(np.swapaxes(vh, -1, -2))
    return s.astype(x.dtype), u.astype(x.dtype), v.astype(x.dtype)


__all__ = ["eigh", "eigvalsh", "svd"]
