"""Keras's merge layers: ``Concatenate`` / ``concatenate`` and ``Add`` / ``add``.

Example:
    >>> h = tk.keras.layers.concatenate([a, b])          # along the last axis
    >>> s = tk.keras.layers.Add()([h1, h2])
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.keras import base_layer
from trainkit.ops import array_ops, math_ops


def _tensor_list(inputs: Any, what: str) -> list[Tensor]:
    if not isinstance(inputs, list | tuple):
        shape = base_layer.shape_tuple(conversion.convert_to_tensor(inputs).shape)
        raise ValueError(f"A {what} layer should be called on a list of inputs. Received: "
                         f"input_shape={shape} (not a list of shapes)")
    if not inputs:
        raise ValueError(f"A {what} layer should be called on a list of at least 1 input. "
                         "Got 0 inputs.")
    return [conversion.convert_to_tensor(x) for x in inputs]


class Concatenate(base_layer.Layer):
    """Concatenates a list of tensors along ``axis`` (default: the last).

    Raises:
        ValueError: when not called on a list, or for shapes that differ off the axis.
    """

    def __init__(self, axis: int = -1, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs: Any) -> Tensor:
        xs = _tensor_list(inputs, "`Concatenate`")
        shapes = [base_layer.shape_tuple(x.shape) for x in xs]
        known = [s for s in shapes if s is not None]
        if len({len(s) for s in known}) > 1:
            self._mismatch(shapes)
        if known:
            rank = len(known[0])
            axis = self.axis % rank if -rank <= self.axis < rank else None
            if axis is None:
                self._mismatch(shapes)
            for i in range(rank):
                dims = {s[i] for s in known if s[i] is not None}
                if i != axis and len(dims) > 1:
                    self._mismatch(shapes)
        return array_ops.concat(xs, self.axis)

    @staticmethod
    def _mismatch(shapes: list) -> None:
        raise ValueError("A `Concatenate` layer requires inputs with matching shapes except "
                         f"for the concatenation axis. Received: input_shape={shapes}")


class Add(base_layer.Layer):
    """The element-wise sum of a list of tensors (broadcasting as ``tk.add``).

    Raises:
        ValueError: when not called on a list, or for shapes that cannot broadcast.
    """

    def call(self, inputs: Any) -> Tensor:
        xs = _tensor_list(inputs, "merge")
        for a, b in zip(xs, xs[1:]):
            _check_broadcast(a, b)
        out = xs[0]
        for x in xs[1:]:
            out = math_ops.add(out, x)
        return out


def _check_broadcast(a: Tensor, b: Tensor) -> None:
    sa, sb = base_layer.shape_tuple(a.shape), base_layer.shape_tuple(b.shape)
    if sa is None or sb is None:
        return
    for da, db in zip(reversed(sa), reversed(sb)):
        if da is not None and db is not None and da != db and 1 not in (da, db):
            raise ValueError("Inputs have incompatible shapes. Received shapes "
                             f"{sa[1:]} and {sb[1:]}")


def concatenate(inputs: list, axis: int = -1, **kwargs: Any) -> Tensor:
    """``Concatenate(axis=axis, **kwargs)(inputs)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def add(inputs: list, **kwargs: Any) -> Tensor:
    """``Add(**kwargs)(inputs)``."""
    return Add(**kwargs)(inputs)


__all__ = ["Concatenate", "Add", "concatenate", "add"]
