"""``tf.linalg`` functions that TF builds from other ops (its ``linalg_impl``): ``matvec``,
``adjoint``, ``normalize``, ``pinv`` and ``matrix_rank``. They need no kernels or
gradients of their own.

Example:
    >>> tk.linalg.matvec([[1., 2.], [3., 4.]], [1., 1.])     # [3., 7.]
    >>> unit, n = tk.linalg.normalize([3., 4.])               # [.6, .8], [5.]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, cast_ops, comparison_ops, math_ops, shape_ops
from trainkit.ops.array_extras import matrix_transpose
from trainkit.ops.linalg_ops import norm
from trainkit.ops.linalg_spectral_ops import svd
from trainkit.ops.misc_ops import where_v2


def matvec(a: Any, b: Any, transpose_a: bool = False, adjoint_a: bool = False,
           a_is_sparse: bool = False, b_is_sparse: bool = False,
           name: str | None = None) -> Tensor:
    """``a @ b`` for matrices ``a`` ``[..., m, n]`` and vectors ``b`` ``[..., n]``.

    Example:
        >>> tk.linalg.matvec([[1., 2.], [3., 4.]], [1., 1.])   # [3., 7.]
    """
    with name_scope(name, "MatVec", [a, b]):
        b = conversion.convert_to_tensor(b, name="b")
        prod = math_ops.matmul(a, shape_ops.expand_dims(b, -1), transpose_a=transpose_a,
                               adjoint_a=adjoint_a, a_is_sparse=a_is_sparse,
                               b_is_sparse=b_is_sparse)
        return shape_ops.squeeze(prod, axis=-1)


def adjoint(matrix: Any, name: str | None = None) -> Tensor:
    """The conjugate transpose of the last two axes.

    Example:
        >>> tk.linalg.adjoint([[1 + 2j, 3j]])   # [[1 - 2j], [-3j]]
    """
    with name_scope(name, "adjoint", [matrix]):
        x = conversion.convert_to_tensor(matrix, name="matrix")
        return matrix_transpose(x, conjugate=True)


def normalize(tensor: Any, ord: Any = "euclidean", axis: Any = None,  # noqa: A002
              name: str | None = None) -> tuple[Tensor, Tensor]:
    """``(tensor / norm, norm)`` with the norm of :func:`norm` kept at rank (keepdims).

    Example:
        >>> unit, n = tk.linalg.normalize([3., 4.])   # [0.6, 0.8], [5.]
    """
    with name_scope(name, "normalize", [tensor]):
        x = conversion.convert_to_tensor(tensor, name="tensor")
        n = cast_ops.cast(norm(x, ord=ord, axis=axis, keepdims=True), x.dtype)
        return x / n, n


def _float_like(a: Any, hint: bool) -> Tensor:
    """``a`` as a float/complex matrix tensor; ``hint``: Python numbers become float32."""
    t = conversion.convert_to_tensor(a, name="a", dtype_hint=_dt.float32 if hint else None)
    if not (t.dtype.is_floating or t.dtype.is_complex):
        raise TypeError(f"Input `a` must have `float`-like `dtype` (saw {t.dtype.name}).")
    if t.shape.ndims is not None and t.shape.ndims < 2:
        raise ValueError(f"Input `a` must have at least 2 dimensions (saw: {t.shape.ndims}).")
    return t


def _max_dim(a: Tensor) -> Any:
    dims = a.shape.as_list()[-2:] if a.shape.ndims is not None else [None, None]
    if None not in dims:
        return float(max(dims))
    d = array_ops.shape(a)
    return cast_ops.cast(math_ops.maximum(d[-2], d[-1]), a.dtype.real_dtype)


def pinv(a: Any, rcond: Any = None, validate_args: bool = False,
         name: str | None = None) -> Tensor:
    """The Moore-Penrose pseudo-inverse ``[..., n, m]`` of ``a`` ``[..., m, n]`` from its
    SVD; singular values below ``rcond * max(s)`` count as zero. The default ``rcond``
    is ``10 * max(m, n) * eps`` (TF's, not NumPy's ``1e-15``).

    Raises:
        TypeError: a non-float input. ValueError: rank below 2.

    Example:
        >>> tk.linalg.pinv([[1., 0.], [0., 0.]])   # [[1., 0.], [0., 0.]]
    """
    with name_scope(name, "pinv"):
        x = _float_like(a, hint=False)
        real = x.dtype.real_dtype
        if rcond is None:
            rcond = 10.0 * _max_dim(x) * np.finfo(real.np_dtype).eps
        rcond = conversion.convert_to_tensor(rcond, dtype=real, name="rcond")
        s, u, v = svd(x, full_matrices=False, compute_uv=True)
        cutoff = rcond * math_ops.reduce_max(s, axis=-1)
        s = where_v2(s > shape_ops.expand_dims(cutoff, -1), s,
                     np.array(np.inf, real.np_dtype))
        s = cast_ops.cast(s, x.dtype)
        return math_ops.matmul(v / shape_ops.expand_dims(s, -2), u, adjoint_b=True)


def matrix_rank(a: Any, tol: Any = None, validate_args: bool = False,
                name: str | None = None) -> Tensor:
    """The number (int32) of singular values above ``tol`` (default
    ``eps * max(m, n) * max(s)``) of each matrix.

    Example:
        >>> tk.linalg.matrix_rank([[1., 2.], [2., 4.]])   # 1
    """
    with name_scope(name, "matrix_rank"):
        x = _float_like(a, hint=True)
        s = svd(x, compute_uv=False)
        if tol is None:
            eps = np.finfo(x.dtype.real_dtype.np_dtype).eps
            tol = eps * _max_dim(x) * math_ops.reduce_max(s, axis=-1, keepdims=True)
        above = comparison_ops.greater(s, tol)
        return math_ops.reduce_sum(cast_ops.cast(above, _dt.int32), axis=-1)


__all__ = ["matvec", "adjoint", "normalize", "pinv", "matrix_rank"]
