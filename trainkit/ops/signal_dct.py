"""Discrete cosine transforms over the last axis: ``tf.signal.dct`` and ``idct``.

The transform of a length-``N`` axis is a product with a constant ``[N, N]`` matrix
(built in float64, then cast to the input's dtype), so its gradient is the ``MatMul``
rule and needs nothing of its own. The definitions are TF's (= SciPy's), unnormalized:

- type 1: ``X_k = x_0 + (-1)^k x_{N-1} + 2 sum_{n=1}^{N-2} x_n cos(pi k n / (N - 1))``
- type 2: ``X_k = 2 sum_n x_n cos(pi k (2n + 1) / (2N))``
- type 3: ``X_k = x_0 + 2 sum_{n>=1} x_n cos(pi n (2k + 1) / (2N))``
- type 4: ``X_k = 2 sum_n x_n cos(pi (2n + 1) (2k + 1) / (4N))``

``norm='ortho'`` scales types 2-4 to orthonormal matrices. ``n`` crops or zero-pads the
axis to ``n`` samples first (folded into the matrix: cropped rows are zeros). ``idct`` of
type 2 is ``dct`` of type 3 and vice versa (types 1 and 4 are their own), so only the
``'ortho'`` pairs are exact inverses; unnormalized, ``idct(dct(x))`` is ``2N x`` (type 1:
``2(N - 1) x``).

Differs from TF: the transformed axis must have a length known when the graph is built.

Example:
    >>> coeffs = tk.signal.dct(log_mel, type=2, norm="ortho")   # [..., N]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.constant_op import constant
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops
from trainkit.ops.matmul_ops import matmul

_FLOATS = (_dt.float32, _dt.float64)
_INVERSE = {1: 1, 2: 3, 3: 2, 4: 4}


def dct_matrix(n: int, dct_type: int, norm: str | None) -> np.ndarray:
    """The float64 ``[n, n]`` matrix ``M`` with ``dct(x) = x @ M`` (rows: samples)."""
    i = np.arange(n, dtype=np.float64)
    rows, cols = i[:, None], i[None, :]
    if dct_type == 1:
        m = 2.0 * np.cos(np.pi * rows * cols / (n - 1))
        m[0] /= 2.0
        m[-1] /= 2.0
        return m
    if dct_type == 2:
        m = 2.0 * np.cos(np.pi * cols * (2 * rows + 1) / (2 * n))
        if norm == "ortho":
            m[:, 0] *= np.sqrt(1.0 / (4 * n))
            m[:, 1:] *= np.sqrt(1.0 / (2 * n))
        return m
    if dct_type == 3:
        m = 2.0 * np.cos(np.pi * rows * (2 * cols + 1) / (2 * n))
        m[0] /= 2.0
        if norm == "ortho":
            m[0] *= np.sqrt(1.0 / n)
            m[1:] *= np.sqrt(1.0 / (2 * n))
        return m
    m = 2.0 * np.cos(np.pi * (2 * rows + 1) * (2 * cols + 1) / (4 * n))
    return m * np.sqrt(1.0 / (2 * n)) if norm == "ortho" else m


def _validate(x: Tensor, dct_type: int, n: int | None, axis: int, norm: str | None) -> None:
    if axis != -1:
        raise NotImplementedError(f"axis must be -1. Got: {axis}")
    if n is not None and n < 1:
        raise ValueError("n should be a positive integer or None")
    if dct_type not in (1, 2, 3, 4):
        raise ValueError("Types I, II, III and IV (I)DCT are supported.")
    if dct_type == 1:
        if norm == "ortho":
            raise ValueError("Normalization is not supported for the Type-I DCT.")
        last = x.shape[-1] if x.shape.ndims else None
        if last is not None and last < 2:
            raise ValueError("Type-I DCT requires the dimension to be greater than one.")
    if norm not in (None, "ortho"):
        raise ValueError(f"Unknown normalization. Expected None or 'ortho', got: {norm}")


def along_last_axis(x: Tensor, matrix: np.ndarray, name: str) -> Tensor:
    """``x @ matrix`` over ``x``'s last axis (any rank >= 1; ``matrix`` is ``[N, K]``)."""
    m = constant(matrix.astype(x.dtype.as_numpy_dtype), name="matrix")
    rank = x.shape.ndims
    if rank == 2:
        return matmul(x, m, name=name)
    outer = x.shape.as_list()[:-1]
    flat = array_ops.reshape(x, [-1, matrix.shape[0]])
    if None in outer:
        shape = array_ops.concat([array_ops.shape(x)[:-1],
                                  constant([matrix.shape[1]], dtype=_dt.int32)], 0)
    else:
        shape = outer + [matrix.shape[1]]
    out = array_ops.reshape(matmul(flat, m), shape, name=name)
    if rank is not None:
        out.set_shape(outer + [matrix.shape[1]])
    return out


def last_dim(x: Tensor, what: str) -> int:
    """``x``'s static last dimension.

    Raises:
        ValueError: for a scalar or a last dimension unknown at build time.
    """
    if x.shape.ndims is None or x.shape.ndims < 1 or x.shape[-1] is None:
        raise ValueError(f"{what}: the last dimension of {x.name} (shape {x.shape}) must be "
                         "known when the graph is built.")
    return int(x.shape[-1])


def dct(input: Any, type: int = 2, n: int | None = None, axis: int = -1,  # noqa: A002
        norm: str | None = None, name: str | None = None) -> Tensor:
    """The type-``type`` DCT of ``input``'s last axis (see the module docstring).

    Args:
        input: a float32/float64 tensor ``[..., samples]``.
        type: 1, 2, 3 or 4.
        n: crop or zero-pad the axis to ``n`` samples first (None: as it is).
        axis: must be -1 (as TF).
        norm: None or ``'ortho'`` (not for type 1).
        name: the name scope.

    Returns:
        A ``[..., n or samples]`` tensor of ``input``'s dtype.

    Raises:
        NotImplementedError: for an axis other than -1.
        ValueError: for a bad type, ``n``, ``norm``, a non-float input or a last
            dimension unknown when the graph is built.
    """
    with name_scope(name or "dct", values=[input]) as scope:
        x = conversion.convert_to_tensor(input, name="input")
        _validate(x, type, n, axis, norm)
        if x.dtype not in _FLOATS:
            raise ValueError(f"dct requires tf.float32 or tf.float64 inputs, got: {x}")
        have = last_dim(x, "dct")
        size = have if n is None else n
        if type == 1 and size < 2:
            raise ValueError("Type-I DCT requires the dimension to be greater than one.")
        full = dct_matrix(size, type, norm)
        if have <= size:  # zero-padded samples add nothing: their rows drop out
            matrix = full[:have]
        else:  # cropped samples are ignored: zero rows
            matrix = np.concatenate([full, np.zeros((have - size, size))], 0)
        return along_last_axis(x, matrix, scope.rstrip("/"))


def idct(input: Any, type: int = 2, n: int | None = None, axis: int = -1,  # noqa: A002
         norm: str | None = None, name: str | None = None) -> Tensor:
    """The inverse DCT: ``dct`` of type 3 for type 2, of type 2 for type 3 (1, 4: the
    same type); an exact inverse with ``norm='ortho'`` (arguments as :func:`dct`)."""
    conversion.convert_to_tensor(input, name="input")
    if type not in _INVERSE:
        raise ValueError("Types I, II, III and IV (I)DCT are supported.")
    return dct(input, type=_INVERSE[type], n=n, axis=axis, norm=norm, name=name or "idct")


__all__ = ["dct", "idct", "dct_matrix", "along_last_axis", "last_dim"]
