"""Ops that rearrange a tensor's elements: reshape, transpose, expand_dims, squeeze, tile,
pad (NumPy kernels with static shape inference).

Example:
    >>> import trainkit as tk
    >>> tk.reshape(tk.zeros([2, 3]), [-1]).shape.as_list()
    [6]
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.constant_op import constant
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.join_ops import stack
from trainkit.ops.op_util import make_op, op_scope
from trainkit.ops.static_value import constant_value, partial_shape_value


def as_shape_tensor(value: Any, what: str = "shape") -> Tensor:
    """Converts a shape-like value (list of ints and/or scalar tensors, TensorShape,
    1-D int tensor) to a 1-D int tensor.

    Raises:
        ValueError: for a TensorShape that is not fully defined.
    """
    if isinstance(value, Tensor):
        if value.dtype not in (_dt.int32, _dt.int64):
            raise TypeError(f"{what} must be an int32 or int64 tensor, got {value.dtype.name} "
                            f"({value.name}).")
        return value
    if isinstance(value, TensorShape):
        if not value.is_fully_defined():
            raise ValueError(f"Cannot convert a partially known TensorShape {value} to a "
                             f"Tensor ({what}).")
        value = value.as_list()
    if isinstance(value, list | tuple) and any(isinstance(v, Tensor) for v in value):
        parts = [v if isinstance(v, Tensor) else constant(int(v), dtype=_dt.int32)
                 for v in value]
        return stack(parts, name=what if what.isidentifier() else "stack")
    return conversion.convert_to_tensor(value, dtype=_dt.int32, name=what)


# -- reshape ------------------------------------------------------------------------------
def reshape(tensor: Any, shape: Any, name: str | None = None) -> Tensor:
    """``tensor``'s elements in row-major order with the new ``shape`` (one -1 allowed).

    Raises:
        ValueError: if the static sizes cannot match.
    """
    name = name or "Reshape"
    with op_scope(name, [tensor, shape]) as scope:  # a Python shape: ``Reshape/shape``
        t = conversion.convert_to_tensor(tensor)
        s = as_shape_tensor(shape, "shape")
        out = _reshape_shape(t.shape, s, name)
        return make_op("Reshape", [t, s], [t.dtype], name=scope, shapes=[out]).outputs[0]


def _reshape_shape(in_shape: TensorShape, s: Tensor, name: str) -> TensorShape:
    cv = constant_value(s)
    if cv is None:
        return partial_shape_value(s)
    dims = [int(d) for d in np.reshape(cv, [-1])]
    if sum(1 for d in dims if d == -1) > 1 or any(d < -1 for d in dims):
        raise ValueError(f"Cannot reshape to {dims} for '{name}': only one -1 is allowed and "
                         "sizes must be >= -1.")
    n = in_shape.num_elements()
    known = int(np.prod([d for d in dims if d != -1], dtype=np.int64))
    if -1 in dims:
        if n is None:
            return TensorShape([None if d == -1 else d for d in dims])
        if known == 0 or n % known:
            raise ValueError(f"Cannot reshape a tensor with {n} elements to shape {dims} for "
                             f"'{name}' (op: 'Reshape') with input shapes: {in_shape}.")
        return TensorShape([n // known if d == -1 else d for d in dims])
    if n is not None and n != known:
        raise ValueError(f"Cannot reshape a tensor with {n} elements to shape {dims} "
                         f"({known} elements) for '{name}' (op: 'Reshape') with input "
                         f"shapes: {in_shape}.")
    return TensorShape(dims)


@registry.register_kernel("Reshape", aliases_input=True)
def _reshape_kernel(ctx: registry.KernelContext, x: Any, shape: Any) -> Any:
    dims = shape.ravel().tolist() if type(shape) is np.ndarray else \
        [int(d) for d in np.reshape(shape, [-1])]
    n = np.size(x)
    known = math.prod(d for d in dims if d != -1)
    ok = (n % known == 0 if known else n == 0) if -1 in dims else known == n
    if not ok:
        raise errors.InvalidArgumentError(
            None, None, f"Input to reshape is a tensor with {n} values, but the requested "
                        f"shape {'requires a multiple of' if -1 in dims else 'has'} {known}")
    if -1 in dims and known == 0:
        dims[dims.index(-1)] = 0
    return np.reshape(x, dims)


# -- transpose ----------------------------------------------------------------------------
def transpose(a: Any, perm: Any = None, name: str = "transpose",
              conjugate: bool = False) -> Tensor:
    """Permutes the dimensions of ``a``; ``perm`` defaults to reversing them.

    Raises:
        ValueError: if a static ``perm`` is not a permutation of the rank.
    """
    with op_scope(name, [a, perm]) as scope:  # ``transpose/perm``, as TF
        return _transpose(a, perm, scope)


def _transpose(a: Any, perm: Any, name: str) -> Tensor:
    t = conversion.convert_to_tensor(a)
    rank = t.shape.ndims
    if perm is None:
        if rank is None:
            return make_op("Transpose", [t], [t.dtype], name=name,
                           shapes=[TensorShape(None)]).outputs[0]
        perm = list(range(rank - 1, -1, -1))
    p = as_shape_tensor(perm, "perm")
    pv = constant_value(p)
    out = TensorShape(None if rank is None else [None] * rank)
    if pv is not None:
        pl = [int(i) for i in np.reshape(pv, [-1])]
        if rank is not None:
            if sorted(pl) != list(range(rank)):
                raise ValueError(f"transpose '{name}': perm {pl} is not a permutation of "
                                 f"[0, {rank}) for input shape {t.shape}.")
            out = TensorShape([t.shape[i] for i in pl])
        else:
            out = TensorShape([None] * len(pl))
    return make_op("Transpose", [t, p], [t.dtype], name=name, shapes=[out]).outputs[0]


@registry.register_kernel("Transpose", aliases_input=True)
def _transpose_kernel(ctx: registry.KernelContext, x: Any, perm: Any = None) -> Any:
    if perm is None:
        return np.transpose(x)
    p = [int(i) for i in np.reshape(perm, [-1])]
    if sorted(p) != list(range(np.ndim(x))):
        raise errors.InvalidArgumentError(
            None, None, f"transpose expects a permutation of [0, {np.ndim(x)}), got {p}")
    return np.transpose(x, p)


def invert_permutation(x: Any, name: str | None = None) -> Tensor:
    """The inverse of the permutation ``x`` (a 1-D int tensor)."""
    t = conversion.convert_to_tensor(x)
    return make_op("InvertPermutation", [t], [t.dtype], name=name or "InvertPermutation",
                   shapes=[t.shape]).outputs[0]


@registry.register_kernel("InvertPermutation")
def _invert_perm_kernel(ctx: registry.KernelContext, p: Any) -> np.ndarray:
    return np.argsort(p).astype(p.dtype)


# -- expand_dims / squeeze ----------------------------------------------------------------
def expand_dims(input: Any, axis: Any = None, name: str | None = None,
                dim: Any = None) -> Tensor:
    """Inserts a dimension of size 1 at ``axis`` (negative counts from the end).

    ``axis`` may be a scalar or any tensor holding exactly one value (BERT passes
    ``axis=[-1]``).

    Raises:
        ValueError: if both or neither of ``axis`` and ``dim`` are given, or ``axis`` is
            out of range or statically holds other than one value.
    """
    if (axis is None) == (dim is None):
        raise ValueError("expand_dims: exactly one of 'axis' and 'dim' must be given.")
    axis = dim if axis is None else axis
    with op_scope(name or "ExpandDims", [input, axis]) as scope:  # ``ExpandDims/dim``
        return _expand_dims(input, axis, name, scope)


def _expand_dims(input: Any, axis: Any, name: str | None, scope: str) -> Tensor:
    t = conversion.convert_to_tensor(input)
    ax = conversion.convert_to_tensor(axis, dtype=_dt.int32, name="dim") \
        if not isinstance(axis, Tensor) else axis
    av = constant_value(ax)
    out = TensorShape(None)
    if av is not None and t.shape.ndims is not None:
        r = t.shape.ndims
        a = _single_axis(av, name or "ExpandDims")
        if not -r - 1 <= a <= r:
            raise ValueError(f"expand_dims '{name or 'ExpandDims'}': axis {a} is out of "
                             f"range [{-r - 1}, {r}] for shape {t.shape}.")
        a = a % (r + 1)
        d = t.shape.as_list()
        out = TensorShape(d[:a] + [1] + d[a:])
    elif t.shape.ndims is not None:
        out = TensorShape([None] * (t.shape.ndims + 1))
    return make_op("ExpandDims", [t, ax], [t.dtype], name=scope, shapes=[out]).outputs[0]


def _single_axis(axis: Any, name: str, runtime: bool = False) -> int:
    """The one value of an ``ExpandDims`` axis of any shape (TF takes ``[-1]`` as ``-1``).

    Raises:
        ValueError: (``InvalidArgumentError`` when ``runtime``) if ``axis`` holds other
            than one value.
    """
    flat = np.asarray(axis).reshape(-1)
    if flat.size != 1:
        message = (f"ExpandDims op '{name}': 'dim' must be a tensor with a single value, "
                   f"got {flat.tolist()}.")
        if runtime:
            raise errors.InvalidArgumentError(None, None, message)
        raise ValueError(message)
    return int(flat[0])


@registry.register_kernel("ExpandDims", aliases_input=True)
def _expand_dims_kernel(ctx: registry.KernelContext, x: Any, axis: Any) -> Any:
    return np.expand_dims(x, _single_axis(axis, ctx.name, runtime=True))


def squeeze(input: Any, axis: Any = None, name: str | None = None,
            squeeze_dims: Any = None) -> Tensor:
    """Removes dimensions of size 1 (all of them, or those listed in ``axis``).

    Raises:
        ValueError: if a listed dimension is statically not 1.
    """
    if axis is None:
        axis = squeeze_dims
    if isinstance(axis, int):
        axis = [axis]
    t = conversion.convert_to_tensor(input)
    name = name or "Squeeze"
    axes = [] if axis is None else [int(a) for a in axis]
    rank = t.shape.ndims
    out = TensorShape(None)
    if rank is not None:
        norm = []
        for a in axes:
            if not -rank <= a < rank:
                raise ValueError(f"Tried to squeeze dim index {a} for tensor with {rank} "
                                 f"dimensions ('{name}').")
            norm.append(a % rank)
        dims = t.shape.as_list()
        keep = []
        for i, d in enumerate(dims):
            if norm and i in norm:
                if d not in (None, 1):
                    raise ValueError(f"Can not squeeze dim[{i}], expected a dimension of 1, "
                                     f"got {d} for '{name}' (op: 'Squeeze') with input "
                                     f"shapes: {t.shape}.")
                continue
            if not norm and d == 1:
                continue
            if not norm and d is None:
                keep = None
                break
            keep.append(d)
        out = TensorShape(keep)
    return make_op("Squeeze", [t], [t.dtype], name=name, attrs={"squeeze_dims": axes},
                   shapes=[out]).outputs[0]


@registry.register_kernel("Squeeze", aliases_input=True)
def _squeeze_kernel(ctx: registry.KernelContext, x: Any) -> Any:
    axes = ctx.attrs["squeeze_dims"]
    if not axes:
        return np.squeeze(x)
    shape = np.shape(x)
    for a in axes:
        if shape[a] != 1:
            raise errors.InvalidArgumentError(
                None, None, f"Can not squeeze dim[{a % len(shape)}], expected a dimension "
                            f"of 1, got {shape[a]}")
    return np.squeeze(x, axis=tuple(axes))


# -- tile ---------------------------------------------------------------------------------
def tile(input: Any, multiples: Any, name: str | None = None) -> Tensor:
    """Repeats ``input`` ``multiples[i]`` times along dimension ``i``.

    Raises:
        ValueError: if ``multiples`` has the wrong length.
    """
    t = conversion.convert_to_tensor(input)
    m = as_shape_tensor(multiples, "multiples")
    mv = partial_shape_value(m)
    rank = t.shape.ndims
    out = TensorShape(None)
    if rank is not None:
        if mv.ndims is not None and mv.ndims != rank:
            raise ValueError(f"tile '{name or 'Tile'}': multiples has {mv.ndims} entries, "
                             f"expected {rank} for input shape {t.shape}.")
        md = mv.as_list() if mv.ndims is not None else [None] * rank
        out = TensorShape([None if d is None or k is None else d * k
                           for d, k in zip(t.shape.as_list(), md)])
    return make_op("Tile", [t, m], [t.dtype], name=name or "Tile", shapes=[out]).outputs[0]


@registry.register_kernel("Tile")
def _tile_kernel(ctx: registry.KernelContext, x: Any, multiples: Any) -> np.ndarray:
    m = [int(k) for k in np.reshape(multiples, [-1])]
    if len(m) != np.ndim(x) or any(k < 0 for k in m):
        raise errors.InvalidArgumentError(
            None, None, f"Expected multiples of length {np.ndim(x)} with entries >= 0, got {m}")
    return np.tile(x, m)


# -- pad ----------------------------------------------------------------------------------
def pad(tensor: Any, paddings: Any, mode: str = "CONSTANT", name: str | None = None,
        constant_values: Any = 0) -> Tensor:
    """Pads ``tensor`` by ``paddings`` ([rank, 2]: before, after per dimension).

    ``mode`` is ``CONSTANT`` (with ``constant_values``), ``REFLECT`` (mirror without the
    edge) or ``SYMMETRIC`` (mirror with the edge), case-insensitive.

    Raises:
        ValueError: for an unknown mode or a ``paddings`` of the wrong shape.
    """
    t = conversion.convert_to_tensor(tensor)
    p = conversion.convert_to_tensor(paddings, dtype=_dt.int32, name="paddings") \
        if not isinstance(paddings, Tensor) else paddings
    m = str(mode).upper()
    if m not in ("CONSTANT", "REFLECT", "SYMMETRIC"):
        raise ValueError(f"pad: unknown padding mode {mode!r} (expected CONSTANT, REFLECT or "
                         "SYMMETRIC).")
    rank = t.shape.ndims
    if p.shape.ndims is not None and (p.shape.ndims != 2 or p.shape[1] not in (None, 2) or
                                      rank is not None and p.shape[0] not in (None, rank)):
        raise ValueError(f"pad: paddings must have shape [{rank}, 2], got {p.shape}.")
    pv = constant_value(p)
    out = TensorShape(None if rank is None else [None] * rank)
    if rank is not None:
        if pv is not None:
            out = TensorShape([None if d is None else d + int(a) + int(b)
                               for d, (a, b) in zip(t.shape.as_list(), pv)])
            if m != "CONSTANT":
                _check_mirror(t.shape.as_list(), pv.tolist(), m, name or "MirrorPad")
    if m == "CONSTANT":
        c = conversion.convert_to_tensor(constant_values, dtype=t.dtype)
        return make_op("PadV2", [t, p, c], [t.dtype], name=name or "Pad",
                       shapes=[out]).outputs[0]
    return make_op("MirrorPad", [t, p], [t.dtype], name=name or "MirrorPad",
                   attrs={"mode": m}, shapes=[out]).outputs[0]


def _check_mirror(dims: list, pads: list, mode: str, name: str) -> None:
    off = 1 if mode == "REFLECT" else 0
    for i, (d, (a, b)) in enumerate(zip(dims, pads)):
        if d is not None and (max(a, b) > d - off or min(a, b) < 0):
            raise ValueError(
                f"paddings must be no greater than the dimension size{' - 1' if off else ''}"
                f": {a}, {b} greater than {d - off} in dimension {i} for '{name}' "
                f"(mode {mode}).")


def _pad_widths(x: Any, paddings: Any) -> list[tuple[int, int]]:
    pw = [(int(a), int(b)) for a, b in np.reshape(paddings, [-1, 2])]
    if len(pw) != np.ndim(x) or any(a < 0 or b < 0 for a, b in pw):
        raise errors.InvalidArgumentError(
            None, None, f"paddings must be a [{np.ndim(x)}, 2] matrix of non-negative values, "
                        f"got {pw}")
    return pw


@registry.register_kernel("PadV2")
def _pad_kernel(ctx: registry.KernelContext, x: Any, paddings: Any, c: Any) -> np.ndarray:
    return np.pad(x, _pad_widths(x, paddings), mode="constant", constant_values=c)


@registry.register_kernel("MirrorPad")
def _mirror_pad_kernel(ctx: registry.KernelContext, x: Any, paddings: Any) -> np.ndarray:
    mode = ctx.attrs["mode"]
    pw = _pad_widths(x, paddings)
    off = 1 if mode == "REFLECT" else 0
    for i, (a, b) in enumerate(pw):
        if max(a, b) > x.shape[i] - off:
            raise errors.InvalidArgumentError(
                None, None, f"paddings must be no greater than the dimension size: {a}, {b} "
                            f"greater than {x.shape[i] - off} in dimension {i}")
    return np.pad(x, pw, mode=mode.lower())


@registry.register_kernel("MirrorPadGrad")
def _mirror_pad_grad_kernel(ctx: registry.KernelContext, g: Any, paddings: Any) -> np.ndarray:
    """Folds the gradient of a mirror-padded tensor back onto the unpadded tensor."""
    sym = ctx.attrs["mode"] == "SYMMETRIC"
    out = np.asarray(g)
    for axis, (a, b) in enumerate(np.reshape(paddings, [-1, 2]).tolist()):
        n = out.shape[axis] - a - b
        core = np.moveaxis(out, axis, 0)
        acc = core[a:a + n].copy()
        s = 0 if sym else 1
        if a:
            acc[s:s + a] += core[:a][::-1]
        if b:
            acc[n - b - s:n - s] += core[a + n:][::-1]
        out = np.moveaxis(acc, 0, axis)
    return np.ascontiguousarray(out) if out is not g else out.copy()


__all__ = ["as_shape_tensor", "reshape", "transpose", "invert_permutation", "expand_dims",
           "squeeze", "tile", "pad"]
