"""Keras's ``LayerNormalization``: each example normalized over ``axis`` (by default the
last), then scaled by ``gamma`` and shifted by ``beta`` (both of the normalized axes'
shape). Unlike ``BatchNormalization`` it keeps no statistics and trains and infers alike.

Example:
    >>> h = tk.keras.layers.LayerNormalization(epsilon=1e-6)(h)
"""

from __future__ import annotations

import numbers
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.keras import base_layer
from trainkit.ops import nn_ops, nn_stats_ops, shape_ops


class LayerNormalization(base_layer.Layer):
    """``gamma * (x - mean) / sqrt(var + epsilon) + beta`` with the mean and variance of
    each example over ``axis``; weights ``gamma`` (ones) then ``beta`` (zeros).

    Raises:
        TypeError: for an ``axis`` that is neither an int nor a list/tuple of ints.
        ValueError: for an input of unknown rank, an axis out of range or repeated, or
            an unknown size along a normalized axis.
    """

    def __init__(self, axis: Any = -1, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros",
                 gamma_initializer: Any = "ones", beta_regularizer: Any = None,
                 gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(axis, list | tuple) and all(isinstance(a, numbers.Integral)
                                                  for a in axis):
            self.axis: Any = [int(a) for a in axis]
        elif isinstance(axis, numbers.Integral) and not isinstance(axis, bool):
            self.axis = int(axis)
        else:
            raise TypeError("Expected an int or a list/tuple of ints for the argument "
                            f"'axis', but received: {axis!r}")
        self.epsilon, self.center, self.scale = epsilon, center, scale
        self._args = {"gamma": (gamma_initializer, gamma_regularizer, gamma_constraint),
                      "beta": (beta_initializer, beta_regularizer, beta_constraint)}

    def _axes(self, rank: int | None) -> list[int]:
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        if rank is None:
            raise ValueError(f"Input has undefined rank. Received: axis={self.axis}.")
        out = []
        for a in axes:
            if not -rank <= a < rank:
                raise ValueError("Invalid value for `axis` argument. Expected 0 <= axis < "
                                 f"inputs.rank (with inputs.rank={rank}). Received: "
                                 f"axis={self.axis}")
            out.append(a % rank)
        if len(set(out)) != len(out):
            raise ValueError(f"Duplicate axis: {self.axis}")
        return out

    def build(self, input_shape: Any) -> None:
        axes = self._axes(input_shape.ndims)
        dims = input_shape.as_list()
        shape = [dims[a] for a in axes]
        if any(d is None for d in shape):
            raise ValueError(f"LayerNormalization: the normalized axes {axes} of the input "
                             f"{base_layer.shape_tuple(dims)} must have known sizes.")
        self.axis = axes
        self.gamma = self.beta = None
        names = (["gamma"] if self.scale else []) + (["beta"] if self.center else [])
        for name in names:
            init, reg, con = self._args[name]
            setattr(self, name, self.add_weight(name, shape, initializer=init,
                                                regularizer=reg, constraint=con))

    def call(self, inputs: Any) -> Tensor:
        x = conversion.convert_to_tensor(inputs)
        rank = x.shape.ndims
        axes = self._axes(rank)
        broadcast = [1] * rank
        for a in axes:
            broadcast[a] = x.shape.as_list()[a]

        def shaped(v: Any) -> Any:
            if v is None or axes == [rank - 1]:
                return v
            return shape_ops.reshape(v, broadcast)

        mean, variance = nn_ops.moments(x, axes, keepdims=True)
        y = nn_stats_ops.batch_normalization(x, mean, variance, shaped(self.beta),
                                             shaped(self.gamma), self.epsilon)
        y.set_shape(x.shape)
        return y


__all__ = ["LayerNormalization"]
