"""Keras's element-wise merge layers beside ``Add``: ``Multiply``, ``Subtract``,
``Average``, ``Maximum`` and ``Minimum``, and their functional forms ``multiply``,
``subtract``, ``average``, ``maximum``, ``minimum``.

As in Keras, the inputs broadcast against each other over their non-batch axes, and an
input of lower rank gets new axes inserted after the batch axis (``[N, 3]`` with
``[N, 2, 3]`` is ``[N, 1, 3]`` with ``[N, 2, 3]``).

Example:
    >>> gated = tk.keras.layers.multiply([h, gate])
    >>> diff = tk.keras.layers.Subtract()([a, b])
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.keras import base_layer
from trainkit.ops import math_ops, shape_ops


def broadcast_shape(shape1: tuple | None, shape2: tuple | None) -> tuple | None:
    """The shape two per-example shapes broadcast to (None when either is unknown).

    Raises:
        ValueError: for shapes that cannot broadcast.
    """
    if shape1 is None or shape2 is None:
        return None
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    if not shape2:
        return shape1
    out = list(shape1[:-len(shape2)])
    for i, j in zip(shape1[-len(shape2):], shape2):
        if i is None or j is None:
            out.append(None)
        elif i == 1 or j == 1 or i == j:
            out.append(j if i == 1 else i)
        else:
            raise ValueError(f"Inputs have incompatible shapes. Received shapes {shape1} "
                             f"and {shape2}")
    return tuple(out)


class Merge(base_layer.Layer):
    """The base of the element-wise merge layers: subclasses define
    :meth:`merge` over a list of tensors of one rank.

    Raises:
        ValueError: when not called on a non-empty list, for different batch sizes or
            shapes that do not broadcast.
    """

    _exact_inputs: int | None = None

    def _check(self, inputs: Any) -> list[Tensor]:
        name = type(self).__name__
        if not isinstance(inputs, list | tuple):
            shape = base_layer.shape_tuple(conversion.convert_to_tensor(inputs).shape)
            raise ValueError("A merge layer should be called on a list of inputs. Received: "
                             f"input_shape={shape} (not a list of shapes)")
        xs = [conversion.convert_to_tensor(x) for x in inputs]
        shapes = [base_layer.shape_tuple(x.shape) for x in xs]
        if self._exact_inputs is not None and len(xs) != self._exact_inputs:
            raise ValueError(f"A `{name}` layer should be called on exactly "
                             f"{self._exact_inputs} inputs. Received: input_shape={shapes}")
        if not xs:
            raise ValueError("A merge layer should be called on a list of at least 1 input. "
                             "Got 0 inputs.")
        batches = {s[0] for s in shapes if s} - {None}
        if len(batches) > 1:
            raise ValueError("Cannot merge tensors with different batch sizes. Got tensors "
                             f"with shapes {shapes}")
        out = None if shapes[0] is None else shapes[0][1:]
        for s in shapes[1:]:
            out = broadcast_shape(out, None if s is None else s[1:])
        return xs

    def call(self, inputs: Any) -> Tensor:
        xs = self._check(inputs)
        ranks = [x.shape.ndims for x in xs]
        if None not in ranks and len(set(ranks)) > 1:
            top = max(ranks)
            for i, (x, r) in enumerate(zip(xs, ranks)):
                for _ in range(top - r):
                    x = shape_ops.expand_dims(x, 1)
                xs[i] = x
        return self.merge(xs)

    def merge(self, xs: list[Tensor]) -> Tensor:
        """The merged tensor of ``xs`` (same rank)."""
        raise NotImplementedError


def _fold(op: Any, xs: list[Tensor]) -> Tensor:
    out = xs[0]
    for x in xs[1:]:
        out = op(out, x)
    return out


class Multiply(Merge):
    """The element-wise product of a list of tensors."""

    def merge(self, xs: list[Tensor]) -> Tensor:
        return _fold(math_ops.multiply, xs)


class Subtract(Merge):
    """``inputs[0] - inputs[1]`` (exactly two inputs)."""

    _exact_inputs = 2

    def merge(self, xs: list[Tensor]) -> Tensor:
        return math_ops.subtract(xs[0], xs[1])


class Average(Merge):
    """The element-wise mean of a list of tensors."""

    def merge(self, xs: list[Tensor]) -> Tensor:
        return _fold(math_ops.add, xs) / float(len(xs))


class Maximum(Merge):
    """The element-wise maximum of a list of tensors."""

    def merge(self, xs: list[Tensor]) -> Tensor:
        return _fold(math_ops.maximum, xs)


class Minimum(Merge):
    """The element-wise minimum of a list of tensors."""

    def merge(self, xs: list[Tensor]) -> Tensor:
        return _fold(math_ops.minimum, xs)


def multiply(inputs: list, **kwargs: Any) -> Tensor:
    """``Multiply(**kwargs)(inputs)``."""
    return Multiply(**kwargs)(inputs)


def subtract(inputs: list, **kwargs: Any) -> Tensor:
    """``Subtract(**kwargs)(inputs)``."""
    return Subtract(**kwargs)(inputs)


def average(inputs: list, **kwargs: Any) -> Tensor:
    """``Average(**kwargs)(inputs)``."""
    return Average(**kwargs)(inputs)


def maximum(inputs: list, **kwargs: Any) -> Tensor:
    """``Maximum(**kwargs)(inputs)``."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs: list, **kwargs: Any) -> Tensor:
    """``Minimum(**kwargs)(inputs)``."""
    return Minimum(**kwargs)(inputs)


__all__ = ["Merge", "Multiply", "Subtract", "Average", "Maximum", "Minimum", "multiply",
           "subtract", "average", "maximum", "minimum", "broadcast_shape"]
