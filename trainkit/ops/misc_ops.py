"""Small TF1 helpers built from existing ops: ``where_v2``, ``clip_by_average_norm``,
``saturate_cast``, ``accumulate_n``, ``scalar_mul``, ``truncatediv``/``truncatemod``,
``identity_n``, ``shape_n``, ``setdiff1d``, ``searchsorted``, ``bincount``,
``confusion_matrix`` and ``batch_gather``.

Example:
    >>> tk.confusion_matrix([0, 1, 1], [0, 1, 0])       # [[1, 0], [1, 1]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, math_ops
from trainkit.ops.embedding_ops import unsorted_segment_sum
from trainkit.ops.op_util import binary, make_op


def where_v2(condition: Any, x: Any = None, y: Any = None, name: str | None = None
             ) -> Tensor:
    """``where`` with NumPy broadcasting of all three arguments (a rank-1 condition
    aligns with the last axis, not the first)."""
    if x is None and y is None:
        return math_ops.where(condition, name=name)
    cond = conversion.convert_to_tensor(condition, name="condition")
    x = conversion.convert_to_tensor(x, name="x")
    rank = max(x.shape.ndims or 0, conversion.convert_to_tensor(y).shape.ndims or 0)
    while cond.shape.ndims is not None and cond.shape.ndims < rank:
        cond = array_ops.expand_dims(cond, 0)
    return math_ops.where(cond, x, y, name=name)


def clip_by_average_norm(t: Any, clip_norm: Any, name: str | None = None) -> Tensor:
    """``t * clip_norm / max(l2norm(t) / size(t), clip_norm)``."""
    with name_scope(name, "clip_by_average_norm", [t, clip_norm]) as scope:
        t = conversion.convert_to_tensor(t, name="t")
        n = math_ops.cast(array_ops.size(t), t.dtype)
        l2 = math_ops.rsqrt(math_ops.reduce_sum(t * t))
        clip = math_ops.cast(clip_norm, t.dtype)
        # the result is named after the scope itself, as in TF
        return math_ops.multiply(t * clip, math_ops.minimum(l2 * n, 1.0 / clip), name=scope)


def saturate_cast(value: Any, dtype: Any, name: str | None = None) -> Tensor:
    """``cast`` after clipping ``value`` to the range of ``dtype``."""
    with name_scope(name, "saturate_cast", [value]):
        x = conversion.convert_to_tensor(value, name="value")
        dt = _dt.as_dtype(dtype)
        if dt.is_integer or (dt.is_floating and x.dtype.is_floating
                             and dt.size < x.dtype.size):
            info = np.iinfo(dt.np_dtype) if dt.is_integer else np.finfo(dt.np_dtype)
            src = np.iinfo(x.dtype.np_dtype) if x.dtype.is_integer else np.finfo(
                x.dtype.np_dtype)
            if info.min > src.min:
                x = math_ops.maximum(x, _bound_in(info.min, x.dtype.np_dtype))
            if info.max < src.max:
                x = math_ops.minimum(x, _bound_in(info.max, x.dtype.np_dtype))
        return math_ops.cast(x, dt)


def _bound_in(bound: Any, np_dtype: Any) -> np.ndarray:
    """``bound`` in ``np_dtype``, moved toward zero when it is not exactly representable
    there (``uint32``'s max rounds up to 2**32 in float32, which would not saturate; TF
    2.x clamps to 4294967040, the largest float32 below)."""
    dt = np.dtype(np_dtype)
    if dt.kind != "f":
        return np.array(bound, dtype=dt)
    b = np.array(float(bound), dtype=dt)
    if abs(int(b)) > abs(int(bound)):
        b = np.nextafter(b, dt.type(0))
    return b


def accumulate_n(inputs: list, shape: Any = None, tensor_dtype: Any = None,
                 name: str | None = None) -> Tensor:
    """The elementwise sum of ``inputs`` (``add_n``)."""
    return math_ops.add_n(list(inputs), name=name)


def scalar_mul(scalar: Any, x: Any, name: str | None = None) -> Tensor:
    """``scalar * x`` for a scalar.

    Raises:
        ValueError: a non-scalar ``scalar``.
    """
    s = conversion.convert_to_tensor(scalar, dtype=conversion.convert_to_tensor(x).dtype)
    if s.shape.ndims not in (None, 0):
        raise ValueError(f"Only scalar multiply works, got shape {s.shape}")
    return math_ops.multiply(s, x, name=name or "Mul")  # TF: multiply(), "Mul"


def truncatediv(x: Any, y: Any, name: str | None = None) -> Tensor:
    """Integer division rounding toward zero (C semantics)."""
    return binary("TruncateDiv", x, y, name)


def truncatemod(x: Any, y: Any, name: str | None = None) -> Tensor:
    """The remainder with the dividend's sign (C's ``fmod``)."""
    return binary("TruncateMod", x, y, name)


def identity_n(input: Any, name: str | None = None) -> list[Tensor]:  # noqa: A002
    """The tensors of the list passed through one ``IdentityN`` op (its gradient passes
    each upstream gradient back; ``custom_gradient`` overrides it)."""
    values = [conversion.convert_to_tensor(t) for t in input]
    op = make_op("IdentityN", values, [v.dtype for v in values], name=name or "IdentityN",
                 shapes=[v.shape for v in values])
    return list(op.outputs)


def shape_n(input: Any, out_type: Any = _dt.int32, name: str | None = None  # noqa: A002
            ) -> list[Tensor]:
    """The shape of each tensor of the list, as the outputs of one ``ShapeN`` op (as TF,
    also for fully known shapes; ``constant_value`` folds those)."""
    values = [conversion.convert_to_tensor(t) for t in input]
    dt = _dt.as_dtype(out_type)
    if dt not in (_dt.int32, _dt.int64):
        raise TypeError(f"shape_n: out_type must be int32 or int64, got {dt.name}.")
    op = make_op("ShapeN", values, [dt] * len(values), name=name or "ShapeN",
                 attrs={"N": len(values), "out_type": dt},
                 shapes=[[v.shape.ndims] for v in values])
    return list(op.outputs)


@registry.register_kernel("ShapeN", returns_list=True)
def _shape_n(ctx: registry.KernelContext, *xs: Any) -> tuple:
    dt = ctx.attrs["out_type"].np_dtype
    return tuple(np.array(np.shape(x), dtype=dt) for x in xs)


registry.not_differentiable("ShapeN")


def setdiff1d(x: Any, y: Any, index_dtype: Any = _dt.int32, name: str | None = None
              ) -> tuple[Tensor, Tensor]:
    """``(out, idx)``: the entries of 1-D ``x`` not in ``y``, in order, and their
    positions in ``x``."""
    a = conversion.convert_to_tensor(x, name="x")
    b = conversion.convert_to_tensor(y, name="y", dtype=a.dtype)
    op = make_op("ListDiff", [a, b], [a.dtype, _dt.as_dtype(index_dtype)],
                 name=name or "ListDiff", shapes=[[None], [None]])
    return op.outputs[0], op.outputs[1]


def searchsorted(sorted_sequence: Any, values: Any, side: str = "left",
                 out_type: Any = _dt.int32, name: str | None = None) -> Tensor:
    """Insertion points of ``values`` into each row of ``sorted_sequence`` (``left``:
    before equal entries, ``right``: after).

    Raises:
        ValueError: an unknown ``side``.
    """
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', got {side!r}.")
    s = conversion.convert_to_tensor(sorted_sequence, name="sorted_sequence")
    v = conversion.convert_to_tensor(values, name="values", dtype=s.dtype)
    return make_op("SearchSorted", [s, v], [_dt.as_dtype(out_type)],
                   name=name or "SearchSorted", attrs={"side": side},
                   shapes=[v.shape]).outputs[0]


def bincount(arr: Any, weights: Any = None, minlength: Any = None, maxlength: Any = None,
             dtype: Any = _dt.int32, name: str | None = None) -> Tensor:
    """How often each value ``0..max(arr)`` occurs in ``arr`` (summing ``weights`` when
    given), at least ``minlength`` and at most ``maxlength`` bins."""
    with name_scope(name, "bincount", [arr, weights]):
        a = math_ops.cast(array_ops.reshape(conversion.convert_to_tensor(arr), [-1]),
                          _dt.int32)
        size = math_ops.add(math_ops.maximum(math_ops.reduce_max(a), -1), 1)
        if minlength is not None:
            size = math_ops.maximum(size, minlength)
        if maxlength is not None:
            size = math_ops.minimum(size, maxlength)
            keep = math_ops.less(a, maxlength)
            a = math_ops.where(keep, a, array_ops.zeros_like(a))
        if weights is None:
            w = array_ops.ones_like(a, dtype=_dt.as_dtype(dtype))
        else:
            w = array_ops.reshape(conversion.convert_to_tensor(weights), [-1])
        if maxlength is not None:
            w = math_ops.where(keep, w, array_ops.zeros_like(w))
        return unsorted_segment_sum(w, a, size)


def confusion_matrix(labels: Any, predictions: Any, num_classes: Any = None,
                     dtype: Any = _dt.int32, name: str | None = None, weights: Any = None
                     ) -> Tensor:
    """``[num_classes, num_classes]``: entry ``[i, j]`` counts (or sums ``weights`` of)
    the examples with label ``i`` predicted as ``j``; ``num_classes`` defaults to one more
    than the largest label or prediction."""
    with name_scope(name, "confusion_matrix", [labels, predictions, weights]):
        lab = math_ops.cast(array_ops.reshape(conversion.convert_to_tensor(labels), [-1]),
                            _dt.int64)
        pred = math_ops.cast(array_ops.reshape(conversion.convert_to_tensor(predictions),
                                               [-1]), _dt.int64)
        if num_classes is None:
            n = math_ops.add(math_ops.maximum(math_ops.reduce_max(lab),
                                              math_ops.reduce_max(pred)), 1)
        else:
            n = math_ops.cast(num_classes, _dt.int64)
        dt = _dt.as_dtype(dtype)
        w = array_ops.ones_like(lab, dtype=dt) if weights is None else math_ops.cast(
            array_ops.reshape(conversion.convert_to_tensor(weights), [-1]), dt)
        flat = unsorted_segment_sum(w, lab * n + pred, math_ops.cast(n * n, _dt.int32))
        out = array_ops.reshape(flat, array_ops.stack([math_ops.cast(n, _dt.int32)] * 2))
        if isinstance(num_classes, int):
            out.set_shape([num_classes, num_classes])
        return out


def batch_gather(params: Any, indices: Any, name: str | None = None) -> Tensor:
    """``out[b, k, ...] = params[b, indices[b, k], ...]`` (one batch dimension)."""
    with name_scope(name, "BatchGather", [params, indices]):
        p = conversion.convert_to_tensor(params, name="params")
        i = conversion.convert_to_tensor(indices, name="indices")
        dyn = array_ops.shape(p)
        b, n = dyn[0], dyn[1]
        offsets = array_ops.reshape(array_ops.range(b) * n, [-1, 1])
        flat = array_ops.reshape(p, array_ops.concat([[-1], dyn[2:]], 0))
        return array_ops.gather(flat, math_ops.cast(i, _dt.int32) + offsets)


# -- kernels -----------------------------------------------------------------------------
registry.register_kernel("TruncateDiv")(
    lambda ctx, x, y: (np.trunc(np.divide(x, y)) if np.asarray(x).dtype.kind == "f"
                       else np.fix(np.true_divide(x, y))).astype(np.asarray(x).dtype))
registry.register_kernel("TruncateMod")(lambda ctx, x, y: np.fmod(x, y))


@registry.register_kernel("ListDiff")
def _list_diff(ctx: registry.KernelContext, x: Any, y: Any) -> tuple:
    keep = ~np.isin(x, y)
    idx_dtype = ctx.op.outputs[1].dtype.np_dtype
    return np.asarray(x)[keep], np.nonzero(keep)[0].astype(idx_dtype)


@registry.register_kernel("SearchSorted")
def _searchsorted(ctx: registry.KernelContext, s: Any, v: Any) -> np.ndarray:
    s, v = np.asarray(s), np.asarray(v)
    out_dtype = ctx.op.outputs[0].dtype.np_dtype
    if s.ndim == 1:
        return np.searchsorted(s, v, side=ctx.attrs["side"]).astype(out_dtype)
    rows = [np.searchsorted(a, b, side=ctx.attrs["side"])
            for a, b in zip(s.reshape(-1, s.shape[-1]), v.reshape(-1, v.shape[-1]))]
    return np.asarray(rows).reshape(v.shape).astype(out_dtype)


registry.register_kernel("IdentityN", returns_list=True)(lambda ctx, *xs: tuple(xs))
registry.not_differentiable("TruncateDiv", "TruncateMod", "ListDiff", "SearchSorted")

__all__ = ["where_v2", "clip_by_average_norm", "saturate_cast", "accumulate_n", "scalar_mul",
           "truncatediv", "truncatemod", "identity_n", "shape_n", "setdiff1d",
           "searchsorted", "bincount", "confusion_matrix", "batch_gather"]
