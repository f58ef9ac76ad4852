"""Keras's ``Dot`` layer and ``dot``: per example, the dot product of two tensors along
one axis of each (Keras's ``backend.batch_dot``), optionally of L2-normalized inputs
(the cosine similarity).

The result's shape is the first input's without its dot axis followed by the second's
without its batch and dot axes; two ``[N, F]`` inputs give ``[N, 1]``.

Example:
    >>> scores = tk.keras.layers.dot([queries, keys], axes=2)   # [N, T, F] x [N, S, F]
    >>> scores.shape.as_list()
    [None, T, S]
"""

from __future__ import annotations

import numbers
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.keras import base_layer
from trainkit.ops import array_ops, join_ops, math_extras, matmul_ops, shape_ops


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def batch_dot(x: Tensor, y: Tensor, axes: tuple[int, int]) -> Tensor:
    """Per example, ``x`` contracted with ``y`` along ``axes`` (non-negative, not 0):
    both moved next to each other, flattened into a batched matrix product, reshaped."""
    rx, ry = x.shape.ndims, y.shape.ndims
    ax, ay = axes
    x = shape_ops.transpose(x, [i for i in range(rx) if i != ax] + [ax])
    y = shape_ops.transpose(y, [0, ay] + [i for i in range(1, ry) if i != ay])
    sx, sy = array_ops.shape(x), array_ops.shape(y)
    x3 = shape_ops.reshape(x, join_ops.stack([sx[0], -1, sx[rx - 1]]))
    y3 = shape_ops.reshape(y, join_ops.stack([sy[0], sy[1], -1]))
    z = matmul_ops.matmul(x3, y3)
    out = join_ops.concat([sx[:rx - 1], sy[2:]], 0)
    dims = x.shape.as_list()[:-1] + y.shape.as_list()[2:]
    if len(dims) == 1:
        out = join_ops.concat([sx[:1], [1]], 0)
        dims = dims + [1]
    z = shape_ops.reshape(z, out)
    z.set_shape(dims)
    return z


class Dot(base_layer.Layer):
    """The dot product of two tensors along ``axes`` (one int for both inputs, or a pair;
    negative counts from the end), with ``normalize`` the cosine similarity.

    Raises:
        TypeError: for ``axes`` that are neither an int nor a list/tuple.
        ValueError: for a list of other than 2 ints, not being called on 2 inputs, an
            axis that is the batch axis or out of range, or sizes that differ along the
            axes.
    """

    def __init__(self, axes: Any, normalize: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        if not _is_int(axes):
            if not isinstance(axes, list | tuple):
                raise TypeError("Invalid type for argument `axes`: it should be a list or "
                                f"an int. Received: axes={axes}")
            if len(axes) != 2:
                raise ValueError("Invalid format for argument `axes`: it should contain two "
                                 f"elements. Received: axes={axes}")
            if not _is_int(axes[0]) or not _is_int(axes[1]):
                raise ValueError("Invalid format for argument `axes`: list elements should "
                                 f"be integers. Received: axes={axes}")
        self.axes = axes
        self.normalize = normalize

    def _axes(self, xs: list[Tensor]) -> tuple[int, int]:
        shapes = [base_layer.shape_tuple(x.shape) for x in xs]
        pair = [self.axes, self.axes] if _is_int(self.axes) else list(self.axes)
        out = []
        for a, s in zip(pair, shapes):
            if s is None:
                raise ValueError(f"Dot: the inputs' ranks must be known, got shapes {shapes}.")
            if not -len(s) <= a < len(s) or a % len(s) == 0:
                raise ValueError(f"Dot: axis {a} is not a non-batch axis of an input of shape "
                                 f"{s} (axes={self.axes}).")
            out.append(a % len(s))
        d1, d2 = shapes[0][out[0]], shapes[1][out[1]]
        if d1 is not None and d2 is not None and d1 != d2:
            raise ValueError(f"Incompatible input shapes: axis values {d1} (at axis {out[0]}) "
                             f"!= {d2} (at axis {out[1]}). Full input shapes: {shapes[0]}, "
                             f"{shapes[1]}")
        return out[0], out[1]

    def call(self, inputs: Any) -> Tensor:
        if not isinstance(inputs, list | tuple) or len(inputs) != 2:
            got = len(inputs) if isinstance(inputs, list | tuple) else inputs
            raise ValueError(f"A `Dot` layer should be called on a list of 2 inputs. "
                             f"Received: {got}")
        xs = [conversion.convert_to_tensor(x) for x in inputs]
        a1, a2 = self._axes(xs)
        x1, x2 = xs
        if self.normalize:
            x1 = math_extras.l2_normalize(x1, axis=a1)
            x2 = math_extras.l2_normalize(x2, axis=a2)
        return batch_dot(x1, x2, (a1, a2))


def dot(inputs: list, axes: Any, normalize: bool = False, **kwargs: Any) -> Tensor:
    """``Dot(axes=axes, normalize=normalize, **kwargs)(inputs)``."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)


__all__ = ["Dot", "dot", "batch_dot"]
