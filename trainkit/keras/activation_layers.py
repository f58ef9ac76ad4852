"""Keras's activation layers: ``LeakyReLU``, ``PReLU`` (a learned slope per entry,
optionally shared along axes), ``ReLU`` (``max_value``, ``negative_slope``,
``threshold``), ``ELU``, ``ThresholdedReLU`` and ``Softmax``.

Example:
    >>> h = tk.keras.layers.LeakyReLU(alpha=0.2)(tk.keras.layers.Dense(64)(x))
    >>> h = tk.keras.layers.PReLU(shared_axes=[1, 2])(conv_out)   # one slope per channel
"""

from __future__ import annotations

import numbers
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.keras import activations, base_layer
from trainkit.ops import cast_ops, comparison_ops, math_extras, nn_activations, unary_ops


def _number(value: Any, what: str, layer: str, minimum: float | None = None) -> float:
    """``value`` as a float: not None, and at least ``minimum`` when given."""
    if value is None or isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{what} of a {layer} layer cannot be None, expecting a float. "
                         f"Received: {value}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{what} of a {layer} layer cannot be a negative value. "
                         f"Received: {value}")
    return float(value)


class LeakyReLU(base_layer.Layer):
    """``x`` for ``x >= 0``, ``alpha * x`` below (Keras's default ``alpha`` is 0.3).

    Raises:
        ValueError: for an ``alpha`` that is None or not a number.
    """

    def __init__(self, alpha: float = 0.3, **kwargs: Any):
        super().__init__(**kwargs)
        self.alpha = _number(alpha, "alpha", "LeakyReLU")

    def call(self, inputs: Any) -> Tensor:
        return nn_activations.leaky_relu(conversion.convert_to_tensor(inputs),
                                         alpha=self.alpha)


class ReLU(base_layer.Layer):
    """``min(x, max_value)`` for ``x >= threshold``, ``negative_slope * (x - threshold)``
    below.

    Raises:
        ValueError: for a negative ``max_value``, ``negative_slope`` or ``threshold``.
    """

    def __init__(self, max_value: float | None = None, negative_slope: float = 0.0,
                 threshold: float = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        if max_value is not None:
            max_value = _number(max_value, "max_value", "ReLU", 0.0)
        self.max_value = max_value
        self.negative_slope = _number(negative_slope, "negative_slope", "ReLU", 0.0)
        self.threshold = _number(threshold, "threshold", "ReLU", 0.0)

    def call(self, inputs: Any) -> Tensor:
        return activations.relu(conversion.convert_to_tensor(inputs), alpha=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)


class ELU(base_layer.Layer):
    """``x`` above 0, ``alpha * (exp(x) - 1)`` below.

    Raises:
        ValueError: for an ``alpha`` that is None or not a number.
    """

    def __init__(self, alpha: float = 1.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.alpha = _number(alpha, "alpha", "ELU")

    def call(self, inputs: Any) -> Tensor:
        return activations.elu(conversion.convert_to_tensor(inputs), alpha=self.alpha)


class ThresholdedReLU(base_layer.Layer):
    """``x`` where ``x > theta``, 0 elsewhere.

    Raises:
        ValueError: for a ``theta`` that is None or negative.
    """

    def __init__(self, theta: float = 1.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.theta = _number(theta, "theta", "ThresholdedReLU", 0.0)

    def call(self, inputs: Any) -> Tensor:
        x = conversion.convert_to_tensor(inputs)
        keep = cast_ops.cast(comparison_ops.greater(x, self.theta), x.dtype)
        return x * keep


class Softmax(base_layer.Layer):
    """``exp(x) / sum(exp(x))`` over ``axis`` (an int, or several axes at once). With
    one axis the output remembers its logits, so Keras's cross-entropies on it use them.

    Raises:
        ValueError: for an input of rank 1 or less with a single axis.
    """

    def __init__(self, axis: Any = -1, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, list | tuple) else axis

    def call(self, inputs: Any) -> Tensor:
        x = conversion.convert_to_tensor(inputs)
        axis = self.axis
        if isinstance(axis, list):
            if len(axis) > 1:
                return unary_ops.exp(x - math_extras.reduce_logsumexp(x, axis=axis,
                                                                      keepdims=True))
            axis = axis[0]
        return activations.softmax(x, axis=axis)  # which remembers the logits, as Keras


class PReLU(base_layer.Layer):
    """``max(x, 0) - alpha * max(-x, 0)`` with a learned ``alpha`` of the input's
    per-example shape (size 1 along ``shared_axes``); zeros at first.

    Raises:
        ValueError: for a ``shared_axes`` entry outside the input's non-batch axes, or
            an input whose shape along a non-shared axis is unknown.
    """

    def __init__(self, alpha_initializer: Any = "zeros", alpha_regularizer: Any = None,
                 alpha_constraint: Any = None, shared_axes: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.alpha_initializer = alpha_initializer
        self._regularizer = alpha_regularizer
        self._constraint = alpha_constraint
        if shared_axes is None:
            self.shared_axes = None
        else:
            self.shared_axes = list(shared_axes) if isinstance(shared_axes, list | tuple) \
                else [shared_axes]

    def build(self, input_shape: Any) -> None:
        dims = input_shape.as_list()
        shape = list(dims[1:])
        for axis in self.shared_axes or []:
            if not isinstance(axis, int) or not 1 <= axis < len(dims):
                raise ValueError(f"PReLU: shared_axes must name non-batch axes 1..."
                                 f"{len(dims) - 1} of the input, got {self.shared_axes}.")
            shape[axis - 1] = 1
        if any(d is None for d in shape):
            raise ValueError(f"PReLU: the input's shape {base_layer.shape_tuple(dims)} must "
                             "be known on every axis not in shared_axes.")
        self.alpha = self.add_weight("alpha", shape, initializer=self.alpha_initializer,
                                     regularizer=self._regularizer,
                                     constraint=self._constraint)

    def call(self, inputs: Any) -> Tensor:
        x = conversion.convert_to_tensor(inputs)
        pos = nn_activations.relu(x)
        neg = -self.alpha * nn_activations.relu(-x)
        return pos + neg


__all__ = ["LeakyReLU", "PReLU", "ReLU", "ELU", "ThresholdedReLU", "Softmax"]
