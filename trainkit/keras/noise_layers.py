"""Keras's noise layers, active only in the training phase (``training=True`` in the call,
else the learning phase; the identity at inference): ``GaussianNoise`` (additive),
``GaussianDropout`` (multiplicative, mean 1) and ``AlphaDropout`` (dropout that keeps
SELU activations' mean and variance).

Example:
    >>> h = tk.keras.layers.GaussianNoise(0.1)(x, training=is_training)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.keras import base_layer
from trainkit.ops import array_ops, cast_ops, comparison_ops, control_flow_ops, random_ops

# SELU's constants (Klambauer et al. 2017), as AlphaDropout uses them.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def in_train_phase(noised: Callable[[], Tensor], x: Tensor, training: Any) -> Tensor:
    """``noised()`` in the training phase, ``x`` otherwise: ``training`` is the call's
    flag (None: the learning phase), a Python bool or a bool tensor (a ``cond``)."""
    training = base_layer.learning_phase_value(training)
    if training is True:
        return noised()
    if training is False:
        return array_ops.identity(x)
    return control_flow_ops.cond(training, noised, lambda: array_ops.identity(x))


class GaussianNoise(base_layer.Layer):
    """Adds normal noise of standard deviation ``stddev`` when training."""

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.stddev, self.seed = stddev, seed

    def call(self, inputs: Any, training: Any = None) -> Tensor:
        x = conversion.convert_to_tensor(inputs)

        def noised() -> Tensor:
            return x + random_ops.random_normal(array_ops.shape(x), 0.0, self.stddev,
                                                dtype=x.dtype, seed=self.seed)

        return in_train_phase(noised, x, training)


class GaussianDropout(base_layer.Layer):
    """Multiplies by normal noise of mean 1 and standard deviation
    ``sqrt(rate / (1 - rate))`` when training (the identity unless ``0 < rate < 1``)."""

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.rate, self.seed = rate, seed

    def call(self, inputs: Any, training: Any = None) -> Tensor:
        x = conversion.convert_to_tensor(inputs)
        if not 0 < self.rate < 1:
            return array_ops.identity(x)
        stddev = math.sqrt(self.rate / (1.0 - self.rate))

        def noised() -> Tensor:
            return x * random_ops.random_normal(array_ops.shape(x), 1.0, stddev,
                                                dtype=x.dtype, seed=self.seed)

        return in_train_phase(noised, x, training)


class AlphaDropout(base_layer.Layer):
    """When training, sets each entry with probability ``rate`` to SELU's negative
    saturation value and applies the affine map ``a * x + b`` that restores the mean and
    variance (the identity unless ``0 < rate < 1``)."""

    def __init__(self, rate: float, noise_shape: Any = None, seed: int | None = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def call(self, inputs: Any, training: Any = None) -> Tensor:
        x = conversion.convert_to_tensor(inputs)
        rate = self.rate
        if not 0 < rate < 1:
            return array_ops.identity(x)
        shape = self.noise_shape if self.noise_shape else array_ops.shape(x)
        alpha_p = -_SELU_ALPHA * _SELU_SCALE
        a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * rate

        def noised() -> Tensor:
            draw = random_ops.random_uniform(shape, dtype=x.dtype, seed=self.seed)
            kept = cast_ops.cast(comparison_ops.greater_equal(draw, rate), x.dtype)
            return a * (x * kept + alpha_p * (1 - kept)) + b

        return in_train_phase(noised, x, training)


__all__ = ["GaussianNoise", "GaussianDropout", "AlphaDropout", "in_train_phase"]
