"""Build-time knowledge of tensor values: what shape functions may fold.

``constant_value(t)`` returns the value of ``t`` when it can be computed without running
the graph (a ``Const``, a ``Shape``/``ShapeN``/``Size``/``Rank`` of a fully known shape, a ``Pack``
or ``Fill`` of constants); ``partial_shape_value(t)`` returns the dims a 1-D shape tensor
is known to hold (None for unknown entries), which is what ``reshape`` and ``fill`` need
for static shape inference.

Example:
    >>> import trainkit as tk
    >>> constant_value(tk.constant([2, 3])).tolist()
    [2, 3]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor


def constant_value(t: Any) -> np.ndarray | None:
    """The value of ``t`` if it is known at graph-build time, else None."""
    if not isinstance(t, Tensor):
        return None
    op = t.op
    kind = op.type
    if kind == "Const":
        return op.attrs["value"]
    if kind == "Shape":
        s = op.inputs[0].shape
        if s.is_fully_defined():
            return np.array(s.as_list(), dtype=t.dtype.np_dtype)
        return None
    if kind == "ShapeN":
        s = op.inputs[t.value_index].shape
        if s.is_fully_defined():
            return np.array(s.as_list(), dtype=t.dtype.np_dtype)
        return None
    if kind == "Size":
        n = op.inputs[0].shape.num_elements()
        return None if n is None else np.array(n, dtype=t.dtype.np_dtype)
    if kind == "Rank":
        r = op.inputs[0].shape.ndims
        return None if r is None else np.array(r, dtype=np.int32)
    if kind == "Fill":  # ``zeros``/``ones`` of 1000 elements or more, as TF builds them
        dims, value = constant_value(op.inputs[0]), constant_value(op.inputs[1])
        if dims is None or value is None:
            return None
        return np.full([int(d) for d in np.reshape(dims, [-1])], value, t.dtype.np_dtype)
    if kind in ("Identity", "StopGradient"):
        return constant_value(op.inputs[0])
    if kind == "Pack":
        parts = [constant_value(i) for i in op.inputs]
        if any(p is None for p in parts):
            return None
        return np.stack(parts, axis=op.attrs["axis"]).astype(t.dtype.np_dtype)
    return None


def partial_shape_value(t: Tensor) -> TensorShape:
    """The shape a 1-D int tensor ``t`` describes, with unknown entries as None.

    A ``-1`` entry of a constant is reported as None too (callers that give ``-1`` a
    meaning, like ``reshape``, read the constant themselves).
    """
    v = constant_value(t)
    if v is not None:
        return TensorShape([None if int(d) < 0 else int(d) for d in np.reshape(v, [-1])])
    op = t.op
    if op.type == "Shape":
        return op.inputs[0].shape
    if op.type == "ShapeN":
        return op.inputs[t.value_index].shape
    if op.type == "Pack" and op.attrs["axis"] == 0:
        dims: list[int | None] = []
        for i in op.inputs:
            c = constant_value(i)
            dims.append(None if c is None or int(c) < 0 else int(c))
        return TensorShape(dims)
    n = t.shape.as_list()[0] if t.shape.ndims == 1 else None
    return TensorShape(None if n is None else [None] * n)


__all__ = ["constant_value", "partial_shape_value"]
