"""``tf.quantization.quantized_concat`` (op ``QuantizedConcat``): concatenates quantized
tensors that each carry their own float range into one tensor over a common range.

As TF's kernel: the output range spans every input range and 0 (symmetric about 0 for
signed types); inputs already in that range are copied, the others are dequantized and
requantized (TF's ``DEQUANTIZE_WITH_EIGEN``/``QUANTIZE_WITH_EIGEN``, the MIN_FIRST
arithmetic of :mod:`trainkit.ops.quantize_ops`). TF's CPU kernels exist for ``quint8`` and
``qint32`` only; other types fail when run, as in TF.

Example:
    >>> out, lo, hi = tk.quantization.quantized_concat(1, [qa, qb], [amin, bmin],
    ...                                                [amax, bmax])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op
from trainkit.ops.quantize_ops import (
    QuantizeV2,
    dequantize_values,
    no_gradient_rule,
    quantize_min_first,
)
from trainkit.ops.static_value import constant_value

_F32 = np.float32


def _scalar_ranges(values: list, what: str, n: int) -> list[Tensor]:
    if len(values) != n:
        raise ValueError(f"List argument '{what}' to 'quantized_concat' Op with length "
                         f"{len(values)} must match length {n} of argument 'values'.")
    out = []
    for v in values:
        t = conversion.convert_to_tensor(v, dtype=None if isinstance(v, Tensor)
                                         else _dt.float32, name=what)
        if t.dtype is not _dt.float32:
            raise TypeError(f"{what} must be float32, got {t.dtype.name}.")
        if t.shape.ndims not in (None, 0):
            raise ValueError(f"QuantizedConcat: {what} must be scalars, got shape "
                             f"{t.shape}.")
        out.append(t)
    return out


def _concat_shape(shapes: list[TensorShape], dim: int | None) -> TensorShape:
    ranks = {s.ndims for s in shapes if s.ndims is not None}
    if len(ranks) > 1:
        raise ValueError(f"QuantizedConcat: inputs must have the same rank, got {shapes}.")
    if not ranks:
        return TensorShape(None)
    rank = ranks.pop()
    if dim is None:
        return TensorShape([None] * rank)
    if not -rank <= dim < rank:
        raise ValueError(f"QuantizedConcat: shape must be at least rank {dim + 1} but is "
                         f"rank {rank}.")
    dim %= rank
    out: list = []
    for i in range(rank):
        dims = [s[i] for s in shapes if s.ndims is not None]
        if i == dim:
            out.append(None if any(d is None for d in dims) else sum(dims))
            continue
        known = {d for d in dims if d is not None}
        if len(known) > 1:
            raise ValueError(f"QuantizedConcat: dimension {i} of the inputs must be equal, "
                             f"but are {sorted(known)}.")
        out.append(known.pop() if known else None)
    return TensorShape(out)


def quantized_concat(concat_dim: Any, values: list, input_mins: list, input_maxes: list,
                     name: str | None = None) -> QuantizeV2:
    """Concatenates quantized ``values`` along ``concat_dim`` into one common range.

    Returns ``(output, output_min, output_max)``.

    Raises:
        ValueError: ranges not scalars or not one per value, a non-scalar
            ``concat_dim``, or statically mismatched shapes. TypeError: values not all of
            one quantized type.
    """
    vals = [conversion.convert_to_tensor(v, name="values") for v in values]
    if not vals or len({v.dtype for v in vals}) != 1 or not vals[0].dtype.is_quantized:
        raise TypeError("quantized_concat: values must be quantized tensors of one type, "
                        f"got {[v.dtype.name for v in vals]}.")
    n = len(vals)
    mins, maxes = _scalar_ranges(input_mins, "input_mins", n), \
        _scalar_ranges(input_maxes, "input_maxes", n)
    dim_t = conversion.convert_to_tensor(concat_dim, dtype=None if isinstance(
        concat_dim, Tensor) else _dt.int32, name="concat_dim")
    if dim_t.shape.ndims not in (None, 0):
        raise ValueError(f"QuantizedConcat: concat_dim must be rank 0 but is rank "
                         f"{dim_t.shape.ndims}.")
    dv = constant_value(dim_t)
    shape = _concat_shape([v.shape for v in vals], None if dv is None else int(dv))
    op = make_op("QuantizedConcat", [dim_t, *vals, *mins, *maxes],
                 [vals[0].dtype, _dt.float32, _dt.float32], name=name or "QuantizedConcat",
                 attrs={"N": n, "T": vals[0].dtype},
                 shapes=[shape, TensorShape([]), TensorShape([])])
    return QuantizeV2(*op.outputs)


def output_range(mins: list, maxes: list, signed: bool) -> tuple[np.float32, np.float32]:
    """TF's ``CalculateInputAndOutputRange``: every input range and 0, symmetric when
    the type is signed."""
    lo, hi = np.finfo(_F32).max, np.finfo(_F32).min
    for mn, mx in zip(mins, maxes, strict=True):
        lo = mn if mn < lo else lo
        hi = mx if hi < mx else hi
    lo = lo if lo < 0 else _F32(0)
    if signed:
        big = abs(hi) if abs(lo) < abs(hi) else abs(lo)
        return _F32(-big), _F32(big)
    return _F32(lo), _F32(hi)


@registry.register_kernel("QuantizedConcat")
def _quantized_concat_kernel(ctx: registry.KernelContext, dim: Any, *rest: Any) -> tuple:
    n, dt = ctx.attrs["N"], ctx.attrs["T"]
    if dt not in (_dt.quint8, _dt.qint32):
        raise errors.InvalidArgumentError(
            None, None, f"No OpKernel was registered to support Op 'QuantizedConcat' with "
            f"T=DT_{dt.name.upper()} (TF's CPU kernels take quint8 and qint32)")
    np_type = dt.as_numpy_dtype
    vals = [np.asarray(v, np_type) for v in rest[:n]]
    mins = [np.asarray(v, _F32) for v in rest[n:2 * n]]
    maxes = [np.asarray(v, _F32) for v in rest[2 * n:]]
    if np.ndim(dim) != 0:
        raise errors.InvalidArgumentError(
            None, None, f"Concat dim tensor should be a scalar integer, but got shape "
            f"{np.shape(dim)}")
    for r in mins + maxes:
        if r.size != 1:
            raise errors.InvalidArgumentError(None, None, "input ranges must be scalars")
    mins, maxes = [m.reshape(-1)[0] for m in mins], [m.reshape(-1)[0] for m in maxes]
    rank = vals[0].ndim
    axis = int(dim)
    if not -rank <= axis < rank:
        raise errors.InvalidArgumentError(
            None, None, f"ConcatOp : Expected concatenating dimensions in the range "
            f"[{-rank}, {rank}), but got {axis}")
    axis %= rank
    for v in vals[1:]:
        if v.ndim != rank or any(v.shape[i] != vals[0].shape[i] for i in range(rank)
                                 if i != axis):
            raise errors.InvalidArgumentError(
                None, None, f"ConcatOp : Dimensions of inputs should match: shape[0] = "
                f"{list(vals[0].shape)} vs. shape = {list(v.shape)}")
    lo, hi = output_range(mins, maxes, np.iinfo(np_type).min < 0)
    parts = []
    for v, mn, mx in zip(vals, mins, maxes, strict=True):
        if mn == lo and mx == hi:
            parts.append(v)
        else:
            floats = dequantize_values(v, mn, mx, "MIN_FIRST", False)
            parts.append(quantize_min_first(floats, lo, hi, np_type))
    return np.concatenate(parts, axis=axis), lo, hi


registry.register_gradient("QuantizedConcat")(no_gradient_rule)

__all__ = ["quantized_concat", "output_range"]
