"""Array helpers TF1 programs use: ``broadcast_to``, ``space_to_depth`` /
``depth_to_space``, ``roll``, ``sort`` / ``argsort``, ``cumprod``, ``eye``, ``linspace``,
``meshgrid``, ``matrix_transpose`` and ``unique``. Composites of existing ops where TF
composes them too (their gradients come for free); ``Roll``, ``Cumprod``, ``LinSpace`` and
``Unique`` are NumPy kernels (gradients in ``autodiff/array_extras_grad.py``).

Example:
    >>> tk.sort([3, 1, 2], direction="DESCENDING")            # [3, 2, 1]
    >>> tk.depth_to_space(x, 2)                               # [b, 2h, 2w, c / 4]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, complex_ops, math_ops
from trainkit.ops.elementwise import NUMERIC, check_dtype, static_int_list
from trainkit.ops.linalg_ops import matrix_diag
from trainkit.ops.op_util import make_op, op_scope
from trainkit.ops.reduction_ops import normalize_axes
from trainkit.ops.static_value import constant_value
from trainkit.ops.top_k_ops import top_k


def _dims(x: Tensor) -> list:
    """Each dimension of ``x`` as an int when static, else a scalar int32 tensor."""
    dyn = None
    out = []
    for i, d in enumerate(x.shape.as_list()):
        if d is None:
            dyn = array_ops.shape(x) if dyn is None else dyn
            d = dyn[i]
        out.append(d)
    return out


def _shape_arg(dims: list) -> Any:
    return dims if all(isinstance(d, int) for d in dims) else array_ops.stack(
        [math_ops.cast(d, _dt.int32) if isinstance(d, Tensor) else d for d in dims])


def broadcast_to(input: Any, shape: Any, name: str | None = None  # noqa: A002
                 ) -> Tensor:
    """``input`` broadcast (NumPy rules) to ``shape``; the gradient sums back."""
    with name_scope(name, "BroadcastTo", [input, shape]) as scope:
        x = conversion.convert_to_tensor(input, name="input")
        zeros = array_ops.zeros(shape, dtype=x.dtype)
        if x.dtype is _dt.bool_:
            return math_ops.logical_or(x, math_ops.cast(zeros, _dt.bool_), name=scope)
        return math_ops.add(x, zeros, name=scope)


def _block_perm(x: Tensor, block_size: int, data_format: str, to_depth: bool,
                name: str) -> Tensor:
    if not isinstance(block_size, int) or block_size < 2:
        raise ValueError(f"{name}: block_size must be an int >= 2, got {block_size!r}.")
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"{name}: data_format must be 'NHWC' or 'NCHW'.")
    if x.shape.ndims is not None and x.shape.ndims != 4:
        raise ValueError(f"{name}: input must be 4-D, got shape {x.shape}.")
    if data_format == "NCHW":
        x = array_ops.transpose(x, [0, 2, 3, 1])
    b, h, w, c = _dims(x)
    bs = block_size
    if to_depth:
        for d in (h, w):
            if isinstance(d, int) and d % bs:
                raise ValueError(f"{name}: height and width must be divisible by "
                                 f"block_size {bs}, got shape {x.shape}.")
        y = array_ops.reshape(x, _shape_arg([b, h // bs, bs, w // bs, bs, c]))
        y = array_ops.transpose(y, [0, 1, 3, 2, 4, 5])
        y = array_ops.reshape(y, _shape_arg([b, h // bs, w // bs, c * bs * bs]))
    else:
        if isinstance(c, int) and c % (bs * bs):
            raise ValueError(f"{name}: depth {c} must be divisible by block_size^2 "
                             f"({bs * bs}).")
        y = array_ops.reshape(x, _shape_arg([b, h, w, bs, bs, c // (bs * bs)]))
        y = array_ops.transpose(y, [0, 1, 3, 2, 4, 5])
        y = array_ops.reshape(y, _shape_arg([b, h * bs, w * bs, c // (bs * bs)]))
    return array_ops.transpose(y, [0, 3, 1, 2]) if data_format == "NCHW" else y


def space_to_depth(input: Any, block_size: int, name: str | None = None,  # noqa: A002
                   data_format: str = "NHWC") -> Tensor:
    """Moves each ``block_size x block_size`` spatial block into the depth (TF's order).

    Raises:
        ValueError: a bad block size, data format, rank or indivisible height/width.
    """
    with name_scope(name, "SpaceToDepth", [input]):
        x = conversion.convert_to_tensor(input, name="input")
        return _block_perm(x, block_size, data_format, True, "space_to_depth")


def depth_to_space(input: Any, block_size: int, name: str | None = None,  # noqa: A002
                   data_format: str = "NHWC") -> Tensor:
    """Moves depth into ``block_size x block_size`` spatial blocks (TF's DCR order).

    Raises:
        ValueError: a bad block size, data format, rank or indivisible depth.
    """
    with name_scope(name, "DepthToSpace", [input]):
        x = conversion.convert_to_tensor(input, name="input")
        return _block_perm(x, block_size, data_format, False, "depth_to_space")


def roll(input: Any, shift: Any, axis: Any, name: str | None = None  # noqa: A002
         ) -> Tensor:
    """Shifts ``input`` by ``shift`` along ``axis`` (both ints or equal-length lists known
    at build time), wrapping around.

    Raises:
        ValueError: ``shift`` and ``axis`` of different lengths or not known statically.
    """
    x = conversion.convert_to_tensor(input, name="input")
    shifts, axes = static_int_list(shift, "shift"), static_int_list(axis, "axis")
    if shifts is None or axes is None or len(shifts) != len(axes):
        raise ValueError("roll: shift and axis must be ints or equal-length lists known "
                         "when the graph is built.")
    if x.shape.ndims is not None:
        axes = [a % x.shape.ndims for a in axes]
    return make_op("Roll", [x], [x.dtype], name=name or "Roll",
                   attrs={"shift": list(shifts), "axis": list(axes)},
                   shapes=[x.shape]).outputs[0]


def _sort_last(x: Tensor, axis: int, descending: bool, want: int) -> Tensor:
    rank = x.shape.ndims
    if rank is None:
        raise ValueError("sort: the input's rank must be known.")
    axis %= rank
    perm = list(range(rank))
    perm[axis], perm[-1] = perm[-1], perm[axis]
    t = x if axis == rank - 1 else array_ops.transpose(x, perm)
    n = _dims(t)[-1]
    vals, idx = top_k(t if descending else math_ops.negative(t), k=n)
    out = (vals if descending else math_ops.negative(vals)) if want == 0 else idx
    return out if axis == rank - 1 else array_ops.transpose(out, perm)


def _direction(direction: str) -> bool:
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"Unknown direction: {direction!r}.")
    return direction == "DESCENDING"


def sort(values: Any, axis: int = -1, direction: str = "ASCENDING",
         name: str | None = None) -> Tensor:
    """``values`` sorted along ``axis`` (built on ``top_k``, as TF; equal values keep
    their order).

    Raises:
        ValueError: an unknown direction or an input of unknown rank.
    """
    with name_scope(name, "sort", [values]):
        x = conversion.convert_to_tensor(values, name="values")
        return _sort_last(x, axis, _direction(direction), 0)


def argsort(values: Any, axis: int = -1, direction: str = "ASCENDING", stable: bool = False,
            name: str | None = None) -> Tensor:
    """The int32 indices that sort ``values`` along ``axis`` (ties keep their order).

    Raises:
        ValueError: an unknown direction or an input of unknown rank.
    """
    with name_scope(name, "argsort", [values]):
        x = conversion.convert_to_tensor(values, name="values")
        return _sort_last(x, axis, _direction(direction), 1)


def cumprod(x: Any, axis: Any = 0, exclusive: bool = False, reverse: bool = False,
            name: str | None = None) -> Tensor:
    """The cumulative product along ``axis`` (``exclusive``: starts at 1; ``reverse``:
    from the end).

    Raises:
        TypeError: a non-numeric input. ValueError: a bad axis.
    """
    name = name or "Cumprod"
    x = conversion.convert_to_tensor(x, name="x")
    check_dtype("Cumprod", name, "x", x, NUMERIC)
    axes = normalize_axes("Cumprod", name, x, axis)
    if axes is None or len(axes) != 1:
        raise ValueError(f"cumprod: axis must be one int known at build time, got {axis!r}.")
    return make_op("Cumprod", [x], [x.dtype], name=name,
                   attrs={"axis": axes[0], "exclusive": bool(exclusive),
                          "reverse": bool(reverse)}, shapes=[x.shape]).outputs[0]


def eye(num_rows: Any, num_columns: Any = None, batch_shape: Any = None,
        dtype: Any = _dt.float32, name: str | None = None) -> Tensor:
    """An identity matrix ``[*batch_shape, num_rows, num_columns]``; the sizes may be
    tensors (then square, without ``batch_shape``, as a ``matrix_diag`` of ones).

    Raises:
        ValueError: tensor sizes with ``num_columns`` or ``batch_shape``.
    """
    rows = _static_int(num_rows)
    cols = rows if num_columns is None else _static_int(num_columns)
    if rows is None or cols is None:
        if num_columns is not None or batch_shape is not None:
            raise ValueError("eye: tensor sizes are supported for square matrices only.")
        with name_scope(name, "eye"):
            return matrix_diag(array_ops.ones(array_ops.reshape(num_rows, [1]),
                                              dtype=_dt.as_dtype(dtype)))
    m = np.eye(rows, cols, dtype=_dt.as_dtype(dtype).np_dtype)
    if batch_shape is not None:
        m = np.broadcast_to(m, [*list(batch_shape), *m.shape]).copy()
    with name_scope(name, "eye"):
        return conversion.convert_to_tensor(m, dtype=dtype, name="eye")


def _static_int(v: Any) -> int | None:
    if isinstance(v, Tensor):
        c = constant_value(v)
        return None if c is None else int(c)
    return int(v)


def linspace(start: Any, stop: Any, num: Any, name: str | None = None,
             axis: int = 0) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive (scalars); Python
    operands become ``Const``s named under the op, as TF's op wrapper names them
    (``LinSpace/start``, ``LinSpace/stop``, ``LinSpace/num``)."""
    with op_scope(name or "LinSpace", [start, stop, num]) as scope:
        s = conversion.convert_to_tensor(start, name="start")
        e = conversion.convert_to_tensor(stop, name="stop", dtype=s.dtype)
        n = conversion.convert_to_tensor(num, name="num", dtype=_dt.int32)
        nv = static_int_list(n, "num")
        return make_op("LinSpace", [s, e, n], [s.dtype], name=scope,
                       shapes=[[nv[0] if nv else None]]).outputs[0]


lin_space = linspace


def meshgrid(*args: Any, **kwargs: Any) -> list[Tensor]:
    """N-D coordinate grids from 1-D ``args`` (``indexing='xy'``: the first two axes
    swapped, as NumPy/TF; ``'ij'``: matrix indexing).

    Raises:
        ValueError: an unknown ``indexing`` or keyword.
    """
    indexing = kwargs.pop("indexing", "xy")
    name = kwargs.pop("name", "meshgrid")
    if kwargs or indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: bad arguments {kwargs or indexing!r}.")
    with name_scope(name, "meshgrid", list(args)):
        xs = [array_ops.reshape(conversion.convert_to_tensor(a), [-1]) for a in args]
        n = len(xs)
        pos = list(range(n))
        if indexing == "xy" and n > 1:
            pos[0], pos[1] = 1, 0        # x varies along columns, y along rows
        sizes = [0] * n
        for i, x in enumerate(xs):
            sizes[pos[i]] = _dims(x)[0]
        outs = []
        for i, x in enumerate(xs):
            shape = [1] * n
            shape[pos[i]] = -1
            full = array_ops.zeros(_shape_arg(sizes), dtype=x.dtype)
            outs.append(math_ops.add(array_ops.reshape(x, shape), full))
        return outs


def matrix_transpose(a: Any, name: str = "matrix_transpose", conjugate: bool = False
                     ) -> Tensor:
    """Swaps the last two axes of ``a`` (rank >= 2, known); ``conjugate`` also conjugates
    complex entries (the adjoint).

    Raises:
        ValueError: an input of unknown rank or rank below 2.
    """
    a = conversion.convert_to_tensor(a, name="a")
    rank = a.shape.ndims
    if rank is None or rank < 2:
        raise ValueError(f"matrix_transpose needs a known rank >= 2, got shape {a.shape}.")
    if conjugate and a.dtype.is_complex:
        with name_scope(name, "matrix_transpose", [a]):
            return complex_ops.conj(array_ops.transpose(a, [*range(rank - 2), rank - 1,
                                                            rank - 2]))
    return array_ops.transpose(a, [*range(rank - 2), rank - 1, rank - 2], name=name)


def unique(x: Any, out_idx: Any = _dt.int32, name: str | None = None) -> tuple:
    """``(y, idx)``: the distinct values of 1-D ``x`` in order of first appearance, and
    for each entry of ``x`` its index in ``y``."""
    x = conversion.convert_to_tensor(x, name="x")
    op = make_op("Unique", [x], [x.dtype, _dt.as_dtype(out_idx)], name=name or "Unique",
                 shapes=[[None], x.shape])
    return op.outputs[0], op.outputs[1]


# -- kernels -----------------------------------------------------------------------------
@registry.register_kernel("Roll")
def _roll(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    return np.roll(x, ctx.attrs["shift"], ctx.attrs["axis"])


@registry.register_kernel("Cumprod")
def _cumprod(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    a = ctx.attrs
    axis = a["axis"]
    x = np.flip(x, axis) if a["reverse"] else x
    out = np.cumprod(x, axis=axis, dtype=x.dtype)
    if a["exclusive"]:
        out = np.concatenate([np.ones_like(np.take(out, [0], axis)),
                              np.take(out, np.arange(out.shape[axis] - 1), axis)], axis)
    return np.flip(out, axis) if a["reverse"] else out


@registry.register_kernel("LinSpace")
def _linspace(ctx: registry.KernelContext, start: Any, stop: Any, num: Any) -> np.ndarray:
    return np.linspace(start, stop, int(num)).astype(np.asarray(start).dtype)


@registry.register_kernel("Unique")
def _unique(ctx: registry.KernelContext, x: Any) -> tuple:
    _, first, inverse = np.unique(x, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")          # distinct values by first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    idx_dtype = ctx.op.outputs[1].dtype.np_dtype
    return x[np.sort(first)], rank[inverse.reshape(-1)].astype(idx_dtype)


registry.not_differentiable("LinSpace", "Unique")

__all__ = ["broadcast_to", "space_to_depth", "depth_to_space", "roll", "sort", "argsort",
           "cumprod", "eye", "linspace", "lin_space", "meshgrid", "matrix_transpose",
           "unique"]
