"""Helpers ``tf.contrib.distributions`` exports for building parameters:
``softplus_inverse``, ``fill_triangular`` (a vector of ``n (n + 1) / 2`` entries to a
triangular ``n x n`` matrix, in TF's order) and ``matrix_diag_transform`` (a function
applied to a matrix's diagonal, e.g. softplus to make a Cholesky factor).

Example:
    >>> fill_triangular([1., 2., 3., 4., 5., 6.])   # [[4, 0, 0], [6, 5, 0], [3, 2, 1]]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import trainkit as tk
from trainkit.framework.tensor import Tensor


def softplus_inverse(x: Any, name: str | None = None) -> Tensor:
    """``log(exp(x) - 1)``, the inverse of softplus, for ``x > 0``, computed as
    ``x + log(-expm1(-x))`` (no overflow for large ``x``).

    Example:
        >>> softplus_inverse(tk.nn.softplus(0.3))     # 0.3
    """
    with tk.name_scope(name, "softplus_inverse", [x]):
        x = tk.convert_to_tensor(x, name="x")
        return x + tk.log(-tk.math.expm1(-x))


def fill_triangular(x: Any, upper: bool = False, name: str | None = None) -> Tensor:
    """The ``[..., n, n]`` lower (or ``upper``) triangular matrix holding the ``[..., m]``
    entries of ``x``, ``m = n (n + 1) / 2``, in TF's order: the lower matrix's last row is
    ``x`` reversed from the end, then the rows above wrap around
    (``[1..6] -> [[4, 0, 0], [6, 5, 0], [3, 2, 1]]``; upper: ``[[1, 2, 3], [0, 5, 6],
    [0, 0, 4]]``).

    Raises:
        ValueError: if the last dimension is unknown or not a triangular number.
    """
    with tk.name_scope(name, "fill_triangular", [x]):
        x = tk.convert_to_tensor(x, name="x")
        m = x.shape[-1] if x.shape.ndims else None
        m = getattr(m, "value", m)
        if m is None:
            raise ValueError("fill_triangular needs a statically known last dimension.")
        n = int((math.sqrt(8 * int(m) + 1) - 1) / 2)
        if n * (n + 1) // 2 != int(m):
            raise ValueError(f"Input right-most shape ({m}) does not correspond to a "
                             f"triangular matrix.")
        if upper:
            parts = [x, tk.reverse(x[..., n:], [-1])]
        else:
            parts = [x[..., n:], tk.reverse(x, [-1])]
        square = tk.reshape(tk.concat(parts, -1),
                            tk.concat([tk.shape(x)[:-1], [n, n]], 0))
        return tk.linalg.band_part(square, 0 if upper else -1, -1 if upper else 0)


def matrix_diag_transform(matrix: Any, transform: Callable | None = None,
                          name: str | None = None) -> Tensor:
    """``matrix`` with ``transform`` applied to its diagonal (the rest unchanged).

    Example:
        >>> matrix_diag_transform(m, transform=tk.nn.softplus)  # a valid scale_tril
    """
    with tk.name_scope(name, "transform_diag", [matrix]):
        matrix = tk.convert_to_tensor(matrix, name="matrix")
        if transform is None:
            return matrix
        diag = tk.linalg.diag_part(matrix)
        return matrix + tk.linalg.diag(transform(diag) - diag)


__all__ = ["softplus_inverse", "fill_triangular", "matrix_diag_transform"]
