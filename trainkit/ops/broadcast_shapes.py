"""The shape two shapes broadcast to: ``broadcast_static_shape`` (``TensorShape``s, at
graph-building time) and ``broadcast_dynamic_shape`` (shape vectors, an op).

Example:
    >>> tk.broadcast_static_shape(tk.TensorShape([2, 1, 3]), tk.TensorShape([4, 1]))
    TensorShape([2, 4, 3])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework.shapes import TensorShape, as_shape, broadcast_static
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op


def broadcast_static_shape(shape_x: Any, shape_y: Any) -> TensorShape:
    """The static shape ``shape_x`` and ``shape_y`` broadcast to (unknown dimensions
    stay unknown unless the other one decides them).

    Raises:
        ValueError: if the shapes cannot broadcast.
    """
    x, y = as_shape(shape_x), as_shape(shape_y)
    try:
        return broadcast_static(x, y)
    except ValueError:
        raise ValueError(
            "Incompatible shapes for broadcasting. Two shapes are compatible if for each "
            "dimension pair they are either equal or one of them is 1. Received: "
            f"{_tuple_text(x)} and {_tuple_text(y)}.") from None


def _tuple_text(shape: TensorShape) -> str:
    dims = shape.as_list()
    return str(tuple(dims))


def broadcast_dynamic_shape(shape_x: Any, shape_y: Any, name: str | None = None) -> Tensor:
    """The shape vector ``shape_x`` and ``shape_y`` broadcast to, computed when the op
    runs (``InvalidArgumentError`` then if they cannot broadcast)."""
    x = conversion.convert_to_tensor(shape_x, name="s0")
    y = conversion.convert_to_tensor(shape_y, name="s1", dtype=x.dtype)
    if not x.dtype.is_integer:
        raise TypeError(f"broadcast_dynamic_shape takes int32 or int64 shapes, got "
                        f"{x.dtype.name}.")
    n = None
    if x.shape.ndims == 1 and y.shape.ndims == 1:
        a, b = x.shape.as_list()[0], y.shape.as_list()[0]
        n = None if a is None or b is None else max(a, b)
    return make_op("BroadcastArgs", [x, y], [x.dtype], name=name or "BroadcastArgs",
                   shapes=[TensorShape([n])]).outputs[0]


@registry.register_kernel("BroadcastArgs")
def _broadcast_args(ctx: registry.KernelContext, x: Any, y: Any) -> np.ndarray:
    a, b = np.asarray(x), np.asarray(y)
    if a.ndim != 1 or b.ndim != 1:
        raise errors.InvalidArgumentError(
            None, None, f"In[0] and In[1] must be vectors, got shapes {list(a.shape)} and "
                        f"{list(b.shape)}")
    try:
        out = np.broadcast_shapes(tuple(int(v) for v in a), tuple(int(v) for v in b))
    except ValueError:
        raise errors.InvalidArgumentError(
            None, None, f"Incompatible shapes: [{','.join(str(int(v)) for v in a)}] vs. "
                        f"[{','.join(str(int(v)) for v in b)}]") from None
    return np.asarray(out, dtype=a.dtype)


registry.not_differentiable("BroadcastArgs")

__all__ = ["broadcast_static_shape", "broadcast_dynamic_shape"]
