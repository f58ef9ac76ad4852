"""TF1 math helpers built from existing ops (so their gradients come for free):
``sequence_mask``, ``reduce_logsumexp``, ``count_nonzero``, ``tensordot`` and
``l2_normalize``, with TF1's signatures and numerics.

Example:
    >>> mask = sequence_mask([1, 3], maxlen=4)          # [[T, F, F, F], [T, T, T, F]]
    >>> lse = reduce_logsumexp(logits, axis=-1)          # stable log(sum(exp(x)))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.elementwise import FLOAT_OR_COMPLEX, binary_op, quiet
from trainkit.ops.reduction_ops import _lookup


def sequence_mask(lengths: Any, maxlen: Any = None, dtype: Any = _dt.bool_,
                  name: str | None = None) -> Tensor:
    """``mask[..., j] = j < lengths[...]`` with ``maxlen`` columns (default: the largest
    length), cast to ``dtype``.

    Raises:
        ValueError: a non-scalar ``maxlen``.
    """
    with name_scope(name, "SequenceMask", [lengths, maxlen]):
        lengths = conversion.convert_to_tensor(lengths, name="lengths")
        if maxlen is None:
            maxlen = math_ops.reduce_max(lengths, name="maxlen") \
                if lengths.shape.ndims != 0 else lengths
        else:
            maxlen = conversion.convert_to_tensor(maxlen, name="maxlen")
            if maxlen.shape.ndims not in (None, 0):
                raise ValueError(f"maxlen must be scalar for sequence_mask, got {maxlen.shape}")
        maxlen = math_ops.cast(maxlen, lengths.dtype)
        row = array_ops.range(0, maxlen, 1, dtype=lengths.dtype)
        mask = math_ops.less(row, array_ops.expand_dims(lengths, -1))
        dtype = _dt.as_dtype(dtype)
        return mask if dtype is _dt.bool_ else math_ops.cast(mask, dtype)


def reduce_logsumexp(input_tensor: Any, axis: Any = None, keepdims: bool | None = None,
                     name: str | None = None, reduction_indices: Any = None,
                     keep_dims: bool | None = None) -> Tensor:
    """``log(sum(exp(x)))`` over ``axis``, computed as TF does: the (non-infinite) maximum
    is subtracted first, with no gradient through it.

    Raises:
        ValueError: both ``axis`` and ``reduction_indices`` (or both keepdims spellings).
    """
    axis, keep = _lookup(axis, keepdims, reduction_indices, keep_dims)
    with name_scope(name, "ReduceLogSumExp", [input_tensor]):
        x = conversion.convert_to_tensor(input_tensor, name="input_tensor")
        raw_max = math_ops.reduce_max(x, axis, keepdims=True)
        my_max = array_ops.stop_gradient(math_ops.where(
            math_ops.is_finite(raw_max), raw_max, array_ops.zeros_like(raw_max)))
        total = math_ops.reduce_sum(math_ops.exp(math_ops.subtract(x, my_max)), axis,
                                    keepdims=keep)
        if not keep:
            my_max = array_ops.reshape(my_max, array_ops.shape(total))
        return math_ops.add(math_ops.log(total), my_max)


def count_nonzero(input_tensor: Any = None, axis: Any = None, keepdims: bool | None = None,
                  dtype: Any = _dt.int64, name: str | None = None,
                  reduction_indices: Any = None, keep_dims: bool | None = None,
                  input: Any = None) -> Tensor:  # noqa: A002 - TF's name
    """The number of non-zero entries (non-empty strings, True) over ``axis``, as ``dtype``.

    Raises:
        ValueError: both ``axis`` and ``reduction_indices`` (or both keepdims spellings).
    """
    axis, keep = _lookup(axis, keepdims, reduction_indices, keep_dims)
    with name_scope(name, "count_nonzero", [input_tensor]):
        x = conversion.convert_to_tensor(input if input_tensor is None else input_tensor,
                                         name="input_tensor")
        zero = b"" if x.dtype is _dt.string else (False if x.dtype is _dt.bool_ else 0)
        nonzero = math_ops.cast(math_ops.not_equal(x, zero), _dt.int64)
        return math_ops.cast(math_ops.reduce_sum(nonzero, axis, keepdims=keep),
                             _dt.as_dtype(dtype))


def l2_normalize(x: Any, axis: Any = None, epsilon: float = 1e-12, name: str | None = None,
                 dim: Any = None) -> Tensor:
    """``x / sqrt(max(sum(x**2, axis), epsilon))`` (``axis=None``: over all entries).

    Raises:
        ValueError: both ``axis`` and ``dim``.
    """
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'dim'.")
        axis = dim
    with name_scope(name, "l2_normalize", [x]) as scope:
        x = conversion.convert_to_tensor(x, name="x")
        square_sum = math_ops.reduce_sum(math_ops.square(x), axis, keepdims=True)
        inv = math_ops.rsqrt(math_ops.maximum(square_sum, epsilon))
        return math_ops.multiply(x, inv, name=scope)


def divide_no_nan(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x / y``, but 0 where ``y == 0`` (and a zero gradient there): one ``DivNoNan``
    op named ``div_no_nan``, as TF."""
    with name_scope(name, "div_no_nan", [x, y]) as scope:
        x = conversion.convert_to_tensor(x, name="x")
        y = conversion.convert_to_tensor(y, name="y", dtype=x.dtype)
        return binary_op("DivNoNan", x, y, scope, FLOAT_OR_COMPLEX)


@registry.register_kernel("DivNoNan")
@quiet
def _div_no_nan(ctx: registry.KernelContext, x: Any, y: Any) -> np.ndarray:
    q = np.divide(x, y)
    return np.where(np.equal(y, 0), np.zeros((), q.dtype), q)


def reduce_variance(input_tensor: Any, axis: Any = None, keepdims: bool = False,
                    name: str | None = None) -> Tensor:
    """The population variance ``mean((x - mean(x))**2)`` over ``axis``."""
    with name_scope(name, "reduce_variance", [input_tensor]) as scope:
        x = conversion.convert_to_tensor(input_tensor, name="input_tensor")
        mean = math_ops.reduce_mean(x, axis, keepdims=True)
        return math_ops.reduce_mean(math_ops.squared_difference(x, mean), axis,
                                    keepdims=keepdims, name=scope)


def reduce_std(input_tensor: Any, axis: Any = None, keepdims: bool = False,
               name: str | None = None) -> Tensor:
    """The population standard deviation over ``axis``."""
    with name_scope(name, "reduce_std", [input_tensor]) as scope:
        return math_ops.sqrt(reduce_variance(input_tensor, axis, keepdims), name=scope)


def _axes_pair(axes: Any, rank_a: int) -> tuple[list[int], list[int]]:
    if isinstance(axes, int):
        if axes < 0:
            raise ValueError(f"'axes' must be at least 0, got {axes}.")
        return list(range(rank_a - axes, rank_a)), list(range(axes))
    a_axes, b_axes = axes
    a_axes = [a_axes] if isinstance(a_axes, int) else list(a_axes)
    b_axes = [b_axes] if isinstance(b_axes, int) else list(b_axes)
    if len(a_axes) != len(b_axes):
        raise ValueError(f"Different number of contraction axes 'a' and 'b', {len(a_axes)} "
                         f"!= {len(b_axes)}.")
    return a_axes, b_axes


def _flatten_for(t: Tensor, axes: list[int], contract_last: bool) -> tuple[Tensor, list]:
    rank = t.shape.ndims
    axes = [a % rank for a in axes]
    free = [i for i in range(rank) if i not in axes]
    perm = free + axes if contract_last else axes + free
    dims = t.shape.as_list()
    dyn = array_ops.shape(t)

    def prod(idx: list[int]) -> Any:
        if all(dims[i] is not None for i in idx):
            n = 1
            for i in idx:
                n *= dims[i]
            return n
        return math_ops.reduce_prod(array_ops.gather(dyn, idx))

    size = [prod(free), prod(axes)] if contract_last else [prod(axes), prod(free)]
    if any(isinstance(s, Tensor) for s in size):
        size = array_ops.stack([math_ops.cast(s, _dt.int32) for s in size])
    flat = array_ops.reshape(array_ops.transpose(t, perm), size)
    free_dims = [dims[i] if dims[i] is not None else dyn[i] for i in free]
    return flat, free_dims


def tensordot(a: Any, b: Any, axes: Any, name: str | None = None) -> Tensor:
    """Sums ``a * b`` over ``axes``: an int ``n`` (``a``'s last ``n`` with ``b``'s first
    ``n``) or a pair of axis lists; the result has ``a``'s free axes then ``b``'s.
    Needs both ranks statically known.

    Raises:
        ValueError: unknown ranks or mismatched axis lists.
    """
    with name_scope(name, "Tensordot", [a, b, axes]) as scope:
        a = conversion.convert_to_tensor(a, name="a")
        b = conversion.convert_to_tensor(b, name="b", dtype=a.dtype)
        if a.shape.ndims is None or b.shape.ndims is None:
            raise ValueError("tensordot needs inputs of known rank.")
        a_axes, b_axes = _axes_pair(axes, a.shape.ndims)
        fa, free_a = _flatten_for(a, a_axes, True)
        fb, free_b = _flatten_for(b, b_axes, False)
        out = math_ops.matmul(fa, fb)
        shape = free_a + free_b
        if any(isinstance(d, Tensor) for d in shape):
            shape = array_ops.stack([math_ops.cast(d, _dt.int32) for d in shape])
        return array_ops.reshape(out, shape, name=scope)


__all__ = ["sequence_mask", "reduce_logsumexp", "count_nonzero", "l2_normalize", "tensordot",
           "divide_no_nan", "reduce_variance", "reduce_std"]
