"""Indexing ops: slice, strided_slice (and ``Tensor.__getitem__``), gather, gather_nd,
scatter_nd, plus the kernels their gradients use (one_hot and boolean_mask:
``mask_ops.py``).

``strided_slice`` follows NumPy basic indexing exactly (TF's op was designed after it), so
its kernel builds a NumPy index tuple from begin/end/strides and the five masks.

Example:
    >>> import trainkit as tk
    >>> x = tk.zeros([4, 5, 6])
    >>> x[1:, ..., tk.newaxis, -1].shape.as_list()
    [3, 5, 1]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.constant_op import constant
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor, register_operator
from trainkit.ops.join_ops import stack
from trainkit.ops.op_util import make_op
from trainkit.ops.static_value import constant_value

newaxis = None
_UNKNOWN = object()


def _int_vector(values: list, what: str) -> Tensor:
    """A 1-D int tensor from Python ints and/or scalar int tensors."""
    tensors = [v for v in values if isinstance(v, Tensor)]
    if not tensors:
        return constant(np.array(values, dtype=np.int32), dtype=_dt.int32, name=what)
    dt = tensors[0].dtype
    parts = [v if isinstance(v, Tensor) else constant(int(v), dtype=dt) for v in values]
    return stack(parts, name=what)


# -- slice --------------------------------------------------------------------------------
def slice_(input_: Any, begin: Any, size: Any, name: str | None = None) -> Tensor:
    """The ``size``-sized block of ``input_`` starting at ``begin`` (size -1: to the end).

    Raises:
        ValueError: if static begin/size fall outside a known shape.
    """
    t = conversion.convert_to_tensor(input_)
    b = _as_index_tensor(begin, "begin")
    s = _as_index_tensor(size, "size")
    name = name or "Slice"
    bv, sv = constant_value(b), constant_value(s)
    rank = t.shape.ndims
    out = TensorShape(None if rank is None else [None] * rank)
    if sv is not None:
        dims: list[int | None] = []
        for i, n in enumerate(np.reshape(sv, [-1]).tolist()):
            d = t.shape.as_list()[i] if rank is not None else None
            start = None if bv is None else int(np.reshape(bv, [-1])[i])
            if n == -1:
                dims.append(None if d is None or start is None else d - start)
            else:
                dims.append(n)
            if d is not None and start is not None and (start < 0 or start + (
                    d - start if n == -1 else n) > d):
                raise ValueError(f"Expected size[{i}] in [0, {d - start}], but got {n} for "
                                 f"'{name}' (op: 'Slice') with input shape {t.shape}.")
        out = TensorShape(dims)
    return make_op("Slice", [t, b, s], [t.dtype], name=name, shapes=[out]).outputs[0]


def _as_index_tensor(v: Any, what: str) -> Tensor:
    if isinstance(v, Tensor):
        return v
    if isinstance(v, list | tuple) and any(isinstance(e, Tensor) for e in v):
        return _int_vector(list(v), what)
    return conversion.convert_to_tensor(v, dtype=_dt.int32, name=what)


@registry.register_kernel("Slice", aliases_input=True)
def _slice_kernel(ctx: registry.KernelContext, x: Any, begin: Any, size: Any) -> Any:
    idx = []
    for i, (b, n) in enumerate(zip(np.reshape(begin, [-1]).tolist(),
                                   np.reshape(size, [-1]).tolist())):
        d = x.shape[i]
        e = d if n == -1 else b + n
        if b < 0 or b > d or n < -1 or e > d:
            raise errors.InvalidArgumentError(
                None, None, f"Expected begin[{i}] in [0, {d}] and size[{i}] in [0, {d - b}], "
                            f"but got {b} and {n}")
        idx.append(slice(b, e))
    if len(idx) != np.ndim(x):
        raise errors.InvalidArgumentError(
            None, None, f"Expected begin and size of length {np.ndim(x)}, got {len(idx)}")
    return x[tuple(idx)]


# -- strided_slice ------------------------------------------------------------------------
_MASKS = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")


def strided_slice(input_: Any, begin: Any, end: Any, strides: Any = None,
                  begin_mask: int = 0, end_mask: int = 0, ellipsis_mask: int = 0,
                  new_axis_mask: int = 0, shrink_axis_mask: int = 0, var: Any = None,
                  name: str | None = None) -> Tensor:
    """``input_[begin:end:strides]`` per dimension, with TF's five bit masks.

    Raises:
        ValueError: for several ellipses, mismatched lengths or a static index out of range.
    """
    t = conversion.convert_to_tensor(input_)
    b = _as_index_tensor(begin, "begin")
    e = _as_index_tensor(end, "end")
    s = _as_index_tensor(strides if strides is not None else
                         [1] * (b.shape[0] or 0), "strides")
    name = name or "StridedSlice"
    attrs = dict(zip(_MASKS, (begin_mask, end_mask, ellipsis_mask, new_axis_mask,
                              shrink_axis_mask)))
    if bin(ellipsis_mask).count("1") > 1:
        raise ValueError(f"Multiple ellipses in slice spec not allowed ('{name}').")
    lens = {x.shape.as_list()[0] for x in (b, e, s) if x.shape.ndims == 1}
    if len(lens) > 1:
        raise ValueError(f"strided_slice '{name}': begin, end and strides must have the same "
                         f"length, got {sorted(lens)}.")
    out = _strided_shape(t.shape, b, e, s, attrs, name)
    return make_op("StridedSlice", [t, b, e, s], [t.dtype], name=name, attrs=attrs,
                   shapes=[out]).outputs[0]


def _index_tuple(begin: Any, end: Any, strides: Any, attrs: dict) -> tuple:
    bm, em, elm, nam, sam = (attrs[m] for m in _MASKS)
    idx: list[Any] = []
    for i in range(len(begin)):
        bit = 1 << i
        if elm & bit:
            idx.append(Ellipsis)
        elif nam & bit:
            idx.append(None)
        elif sam & bit:
            idx.append(begin[i] if begin[i] is _UNKNOWN else int(begin[i]))
        else:
            lo = None if bm & bit else begin[i]
            hi = None if em & bit else end[i]
            idx.append(slice(lo, hi, strides[i]))
    return tuple(idx)


def _strided_shape(shape: TensorShape, b: Tensor, e: Tensor, s: Tensor, attrs: dict,
                   name: str) -> TensorShape:
    n = b.shape.as_list()[0] if b.shape.ndims == 1 else None
    if n is None or shape.ndims is None:
        return TensorShape(None)
    vals = []
    for x in (b, e, s):
        v = constant_value(x)
        vals.append([_UNKNOWN] * n if v is None else [int(i) for i in np.reshape(v, [-1])])
    idx = list(_index_tuple(*vals, attrs))
    used = sum(1 for k in idx if k is not None and k is not Ellipsis)
    if Ellipsis not in idx:
        idx.append(Ellipsis)
    pos = idx.index(Ellipsis)
    fill = shape.ndims - used
    if fill < 0:
        raise ValueError(f"Index out of range using input dim {shape.ndims}; input has only "
                         f"{shape.ndims} dims for '{name}' (op: 'StridedSlice').")
    idx[pos:pos + 1] = [slice(None, None, 1)] * fill
    dims: list[int | None] = []
    d_i = 0
    for k in idx:
        if k is None:
            dims.append(1)
            continue
        d = shape.as_list()[d_i]
        d_i += 1
        if isinstance(k, slice):
            parts = (k.start, k.stop, k.step)
            if d is None or any(p is _UNKNOWN for p in parts):
                dims.append(None)
            elif k.step == 0:
                raise ValueError(f"strided_slice '{name}': strides must be non-zero.")
            else:
                dims.append(len(range(*k.indices(d))))
        elif k is not _UNKNOWN and d is not None and not -d <= k < d:
            raise ValueError(f"slice index {k} of dimension {d_i - 1} out of bounds for "
                             f"'{name}' (op: 'StridedSlice') with input shape {shape}.")
    return TensorShape(dims)


def _kernel_index(begin: Any, end: Any, strides: Any, attrs: dict) -> tuple:
    return _index_tuple(np.reshape(begin, [-1]).tolist(), np.reshape(end, [-1]).tolist(),
                        np.reshape(strides, [-1]).tolist(), attrs)


@registry.register_kernel("StridedSlice", aliases_input=True)
def _strided_slice_kernel(ctx: registry.KernelContext, x: Any, b: Any, e: Any,
                          s: Any) -> Any:
    idx = _kernel_index(b, e, s, ctx.attrs)
    try:
        out = np.asarray(x)[idx]
    except IndexError as err:
        raise errors.InvalidArgumentError(None, None, f"slice index out of bounds: {err}") \
            from None
    return out


@registry.register_kernel("StridedSliceGrad")
def _strided_slice_grad_kernel(ctx: registry.KernelContext, shape: Any, b: Any, e: Any,
                               s: Any, dy: Any) -> np.ndarray:
    out = np.zeros([int(d) for d in shape], dtype=np.asarray(dy).dtype)
    out[_kernel_index(b, e, s, ctx.attrs)] = dy
    return out


def strided_slice_grad(shape: Tensor, op: Any, dy: Tensor) -> Tensor:
    """The gradient of a ``StridedSlice`` op: ``dy`` placed into zeros of ``shape``."""
    _, b, e, s = op.inputs
    return make_op("StridedSliceGrad", [shape, b, e, s, dy], [dy.dtype],
                   name="StridedSliceGrad", attrs=dict(op.attrs),
                   shapes=[op.inputs[0].shape]).outputs[0]


def getitem(tensor: Tensor, key: Any) -> Tensor:
    """``tensor[key]`` with ints, slices, ``...``, ``tk.newaxis`` and scalar int tensors.

    Raises:
        TypeError: for other index types (lists, float, bool tensors).
    """
    if not isinstance(key, tuple):
        key = (key,)
    begin: list[Any] = []
    end: list[Any] = []
    strides: list[Any] = []
    masks = dict.fromkeys(_MASKS, 0)
    for i, k in enumerate(key):
        bit = 1 << i
        if isinstance(k, slice):
            for v in (k.start, k.stop, k.step):
                _check_index(v, allow_none=True)
            begin.append(0 if k.start is None else k.start)
            end.append(0 if k.stop is None else k.stop)
            strides.append(1 if k.step is None else k.step)
            if k.start is None:
                masks["begin_mask"] |= bit
            if k.stop is None:
                masks["end_mask"] |= bit
        else:
            if k is Ellipsis:
                masks["ellipsis_mask"] |= bit
            elif k is None:
                masks["new_axis_mask"] |= bit
            else:
                _check_index(k, allow_none=False)
                masks["shrink_axis_mask"] |= bit
            pos = 0 if k is None or k is Ellipsis else k
            begin.append(pos)
            end.append(pos)
            strides.append(1)
    with tensor.graph.name_scope("strided_slice") as scope:
        bt = _int_vector(begin, "stack")
        et = _int_vector(end, "stack_1")
        st = _int_vector(strides, "stack_2")
        return strided_slice(tensor, bt, et, st, name=scope, **masks)


def _check_index(v: Any, allow_none: bool) -> None:
    if v is None and allow_none:
        return
    if isinstance(v, Tensor) and v.dtype in (_dt.int32, _dt.int64) and v.shape.ndims in (
            0, None):
        return
    if isinstance(v, int | np.integer) and not isinstance(v, bool):
        return
    raise TypeError(
        "Only integers, slices (`:`), ellipsis (`...`), tk.newaxis (`None`) and scalar "
        f"int32/int64 tensors are valid indices, got {v!r}")


register_operator("getitem", getitem)


# -- gather -------------------------------------------------------------------------------
def gather(params: Any, indices: Any, validate_indices: Any = None, name: str | None = None,
           axis: Any = 0, batch_dims: int = 0) -> Tensor:
    """Slices of ``params`` along ``axis`` picked by ``indices`` (any int shape).

    Raises:
        ValueError: for ``batch_dims != 0`` or a static axis out of range.
    """
    if batch_dims:
        raise ValueError("gather: batch_dims other than 0 is not supported.")
    p = conversion.convert_to_tensor(params)
    i = conversion.convert_to_tensor(indices)
    if i.dtype not in (_dt.int32, _dt.int64):
        raise TypeError(f"gather: indices must be int32 or int64, got {i.dtype.name}.")
    a = conversion.convert_to_tensor(axis, dtype=_dt.int32) if not isinstance(axis, Tensor) \
        else axis
    av = constant_value(a)
    out = TensorShape(None)
    if av is not None and p.shape.ndims is not None and i.shape.ndims is not None:
        r = p.shape.ndims
        ax = int(av)
        if not -r <= ax < r:
            raise ValueError(f"gather '{name or 'GatherV2'}': axis {ax} out of range for "
                             f"params of shape {p.shape}.")
        ax %= r
        d = p.shape.as_list()
        out = TensorShape(d[:ax] + i.shape.as_list() + d[ax + 1:])
    return make_op("GatherV2", [p, i, a], [p.dtype], name=name or "GatherV2",
                   shapes=[out]).outputs[0]


def _check_range(idx: np.ndarray, n: int) -> None:
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        flat = idx.reshape(-1)
        j = int(np.flatnonzero((flat < 0) | (flat >= n))[0])
        pos = np.unravel_index(j, idx.shape)
        raise errors.InvalidArgumentError(
            None, None, f"indices[{','.join(str(int(p)) for p in pos)}] = {flat[j]} is not "
                        f"in [0, {n})")


@registry.register_kernel("GatherV2")
def _gather_kernel(ctx: registry.KernelContext, p: Any, idx: Any, axis: Any) -> np.ndarray:
    ax = int(axis) % max(np.ndim(p), 1)
    idx = np.asarray(idx)
    _check_range(idx, p.shape[ax])
    return np.take(p, idx, axis=ax)


@registry.register_kernel("GatherGrad")
def _gather_grad_kernel(ctx: registry.KernelContext, g: Any, idx: Any, shape: Any,
                        axis: Any) -> np.ndarray:
    """Sums the rows of ``g`` into zeros of ``shape`` at ``idx`` along ``axis``."""
    shp = [int(d) for d in shape]
    ax = int(axis) % len(shp)
    out = np.zeros(shp, dtype=g.dtype)
    k = np.ndim(idx)
    nd = g.ndim
    perm = list(range(ax, ax + k)) + list(range(ax)) + list(range(ax + k, nd))
    np.add.at(np.moveaxis(out, ax, 0), np.asarray(idx), np.transpose(g, perm))
    return out


def gather_nd(params: Any, indices: Any, name: str | None = None,
              batch_dims: int = 0) -> Tensor:
    """``params`` at the index vectors in the last dimension of ``indices``."""
    p = conversion.convert_to_tensor(params)
    i = conversion.convert_to_tensor(indices)
    out = TensorShape(None)
    last = i.shape.as_list()[-1] if i.shape.ndims else None
    if last is not None and p.shape.ndims is not None:
        out = TensorShape(i.shape.as_list()[:-1] + p.shape.as_list()[last:])
    return make_op("GatherNd", [p, i], [p.dtype], name=name or "GatherNd",
                   shapes=[out]).outputs[0]


def _nd_index(idx: Any, shape: tuple) -> tuple:
    idx = np.asarray(idx)
    for j in range(idx.shape[-1]):
        _check_range(idx[..., j], shape[j])
    return tuple(np.moveaxis(idx, -1, 0))


@registry.register_kernel("GatherNd")
def _gather_nd_kernel(ctx: registry.KernelContext, p: Any, idx: Any) -> np.ndarray:
    return np.asarray(p[_nd_index(idx, np.shape(p))])


def scatter_nd(indices: Any, updates: Any, shape: Any, name: str | None = None) -> Tensor:
    """Zeros of ``shape`` with ``updates`` summed in at ``indices`` (inverse of gather_nd)."""
    i = conversion.convert_to_tensor(indices)
    u = conversion.convert_to_tensor(updates)
    s = _as_index_tensor(shape, "shape")
    v = constant_value(s)
    out = TensorShape(None if v is None else [int(d) for d in v])
    return make_op("ScatterNd", [i, u, s], [u.dtype], name=name or "ScatterNd",
                   shapes=[out]).outputs[0]


@registry.register_kernel("ScatterNd")
def _scatter_nd_kernel(ctx: registry.KernelContext, idx: Any, u: Any, shape: Any) -> Any:
    out = np.zeros([int(d) for d in shape], dtype=np.asarray(u).dtype)
    np.add.at(out, _nd_index(idx, out.shape), u)
    return out



__all__ = ["slice_", "strided_slice", "strided_slice_grad", "getitem", "gather",
           "gather_nd", "scatter_nd", "newaxis"]
