"""Ops the gradient rules use to move between a tensor's shape and a broadcast shape.

- ``sum_to_shape(x, shape=None, like=None)`` (``SumToShape``): sums ``x`` down to a
  shape it was broadcast from: over its extra leading axes and over the axes where the
  target has size 1. The target is a static shape or, when that is not known at build
  time, the run-time shape of ``like``.
- ``broadcast_to_shape(x, shape=None, like=None, expand=())`` (``BroadcastToShape``):
  inserts size-1 axes at ``expand`` (axes a reduction removed), then broadcasts ``x`` to
  the target shape. It is the adjoint of ``sum_to_shape`` (and of a reduction).
- ``reduced_size(x, axes)`` (``ReducedSize``): how many elements each reduction result
  combines, as a scalar of ``x``'s dtype (for ``reduce_mean``'s gradient).

Example:
    >>> g = tk.placeholder(tk.float32, [None, 3])
    >>> sum_to_shape(g, shape=[3]).shape.as_list()
    [3]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import registry
from trainkit.framework.shapes import TensorShape, as_shape
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op


def _static_sum_axes(src: TensorShape, dst: TensorShape) -> tuple[int, ...] | None:
    """The axes of ``src`` to sum to reach fully defined ``dst`` (None if undecidable)."""
    if src.ndims is None or not dst.is_fully_defined() or src.ndims < dst.ndims:
        return None
    lead = src.ndims - dst.ndims
    axes = list(range(lead))
    for i, d in enumerate(dst):
        s = src[lead + i]
        if d == 1 and s != 1:
            axes.append(lead + i)
        elif d != 1 and s is not None and s != d:
            return None
    return tuple(axes)


def sum_to_shape(x: Tensor, shape: Any = None, like: Tensor | None = None,
                 name: str | None = None) -> Tensor:
    """Sums ``x`` to ``shape`` (static) or to the run-time shape of ``like``.

    Returns ``x`` itself when no summing is needed.

    Raises:
        ValueError: if neither ``shape`` nor ``like`` is given.
    """
    if shape is None and like is None:
        raise ValueError("sum_to_shape needs a static shape or a 'like' tensor.")
    target = as_shape(shape) if shape is not None else like.shape
    axes = _static_sum_axes(x.shape, target)
    if axes is not None:
        if not axes and x.shape.ndims == target.ndims:
            return x
        dims = tuple(target.as_list())
        return make_op("SumToShape", [x], [x.dtype], name=name or "SumToShape",
                       attrs={"axes": axes, "shape": dims},
                       shapes=[TensorShape(dims)]).outputs[0]
    if like is None:
        raise ValueError(f"sum_to_shape: cannot sum {x.name} of shape {x.shape} to "
                         f"{target} statically; pass 'like'.")
    return make_op("SumToShape", [x, like], [x.dtype], name=name or "SumToShape",
                   attrs={"axes": None, "shape": None}, shapes=[like.shape]).outputs[0]


def broadcast_to_shape(x: Tensor, shape: Any = None, like: Tensor | None = None,
                       expand: tuple = (), name: str | None = None) -> Tensor:
    """Inserts size-1 axes at ``expand`` then broadcasts ``x`` to ``shape`` / ``like``.

    ``expand`` holds axes of the result (negative ones count from its end).

    Raises:
        ValueError: if neither ``shape`` nor ``like`` is given.
    """
    target = as_shape(shape) if shape is not None else (
        like.shape if like is not None else None)
    if target is None:
        raise ValueError("broadcast_to_shape needs a static shape or a 'like' tensor.")
    expand = tuple(int(a) for a in expand)
    if target.is_fully_defined():
        dims = tuple(target.as_list())
        if not expand and x.shape == target:
            return x
        return make_op("BroadcastToShape", [x], [x.dtype], name=name or "BroadcastToShape",
                       attrs={"expand": expand, "shape": dims},
                       shapes=[TensorShape(dims)]).outputs[0]
    if like is None:
        raise ValueError(f"broadcast_to_shape: target {target} is not fully known; pass "
                         "'like'.")
    return make_op("BroadcastToShape", [x, like], [x.dtype], name=name or "BroadcastToShape",
                   attrs={"expand": expand, "shape": None}, shapes=[like.shape]).outputs[0]


def reduced_size(x: Tensor, axes: tuple | None, name: str | None = None) -> Tensor:
    """The number of elements of ``x`` each reduction over ``axes`` combines (scalar)."""
    return make_op("ReducedSize", [x], [x.dtype], name=name or "ReducedSize",
                   attrs={"axes": axes}, shapes=[TensorShape([])]).outputs[0]


@registry.register_kernel("SumToShape", aliases_input=True)
def _sum_to_shape(ctx: registry.KernelContext, x: Any, like: Any = None) -> Any:
    a = ctx.attrs
    axes, shape = a["axes"], a["shape"]
    if shape is None:
        shape = np.shape(like)
        if x.shape == shape:
            return x
        lead = x.ndim - len(shape)
        if lead < 0:
            raise ValueError(f"cannot sum a value of shape {list(x.shape)} to the larger "
                             f"shape {list(shape)}")
        axes = tuple(range(lead)) + tuple(
            lead + i for i, d in enumerate(shape) if d == 1 and x.shape[lead + i] != 1)
    out = np.sum(x, axis=axes, dtype=x.dtype, keepdims=False)
    try:
        return np.reshape(out, shape)
    except ValueError:
        raise ValueError(f"cannot sum a value of shape {list(x.shape)} to shape "
                         f"{list(shape)}") from None


@registry.register_kernel("BroadcastToShape")
def _broadcast_to_shape(ctx: registry.KernelContext, x: Any, like: Any = None) -> Any:
    a = ctx.attrs
    shape = a["shape"] if like is None else np.shape(like)
    if a["expand"]:
        x = np.expand_dims(x, a["expand"])
    return np.array(np.broadcast_to(x, shape))


@registry.register_kernel("ReducedSize")
def _reduced_size(ctx: registry.KernelContext, x: Any) -> Any:
    axes = ctx.attrs["axes"]
    if axes is None:
        n = np.size(x)
    else:
        n = 1
        for i in axes:
            n *= np.shape(x)[i]
    return np.asarray(n, dtype=x.dtype)


registry.not_differentiable("ReducedSize")

__all__ = ["sum_to_shape", "broadcast_to_shape", "reduced_size"]
