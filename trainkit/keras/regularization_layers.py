"""Keras's ``SpatialDropout1D/2D/3D`` (dropout of whole feature maps: one draw per
example and channel, shared along the steps or spatial axes, active only in the training
phase) and ``ActivityRegularization`` (the identity, adding an L1/L2 penalty on its
output to ``layer.losses``).

Example:
    >>> h = tk.keras.layers.SpatialDropout2D(0.2)(conv_out, training=True)
    >>> h = tk.keras.layers.ActivityRegularization(l1=1e-4)(h)
"""

from __future__ import annotations

import numbers
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.keras import base_layer, layer_args, noise_layers, regularizers
from trainkit.ops import array_ops, join_ops, nn_ops


class _SpatialDropout(base_layer.Layer):
    _rank = 2

    def __init__(self, rate: float, data_format: str | None = None, **kwargs: Any):
        for key in ("noise_shape", "seed"):  # Dropout's arguments, unused here as in Keras
            kwargs.pop(key, None)
        super().__init__(**kwargs)
        if isinstance(rate, numbers.Real) and not 0 <= rate <= 1:
            raise ValueError(f"Invalid value {rate} received for `rate`, expected a value "
                             "between 0 and 1.")
        self.rate = rate
        self.data_format = layer_args.normalize_data_format(data_format)
        self._ndim = self._rank + 2

    def _noise_shape(self, x: Tensor) -> Tensor:
        shape = array_ops.shape(x)
        channel = 1 if self.data_format == "channels_first" else self._rank + 1
        dims = [shape[i] if i in (0, channel) else 1 for i in range(self._rank + 2)]
        return join_ops.stack(dims)

    def call(self, inputs: Any, training: Any = None) -> Tensor:
        x = conversion.convert_to_tensor(inputs)
        if isinstance(self.rate, numbers.Real) and self.rate == 0:
            return array_ops.identity(x)
        return noise_layers.in_train_phase(
            lambda: nn_ops.dropout(x, rate=self.rate, noise_shape=self._noise_shape(x)),
            x, training)


class SpatialDropout1D(_SpatialDropout):
    """Drops whole channels of ``[N, steps, C]`` with probability ``rate`` when training
    (scaling the rest by ``1 / (1 - rate)``).

    Raises:
        ValueError: for a ``rate`` outside ``[0, 1]`` or an input that is not 3-D.
    """

    _rank = 1

    def __init__(self, rate: float, **kwargs: Any):
        super().__init__(rate, **kwargs)


class SpatialDropout2D(_SpatialDropout):
    """Drops whole feature maps of ``[N, H, W, C]`` (or channels_first) when training.

    Raises:
        ValueError: for a ``rate`` outside ``[0, 1]``, a bad data_format or an input that
            is not 4-D.
    """


class SpatialDropout3D(_SpatialDropout):
    """Drops whole feature volumes of ``[N, D, H, W, C]`` (or channels_first) when
    training.

    Raises:
        ValueError: for a ``rate`` outside ``[0, 1]``, a bad data_format or an input that
            is not 5-D.
    """

    _rank = 3


class ActivityRegularization(base_layer.Layer):
    """The identity, with ``l1 * sum(|y|) + l2 * sum(y**2)`` of its output added to
    ``layer.losses`` (Keras's ``L1L2`` activity regularizer)."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any):  # noqa: E741
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = l1, l2

    def call(self, inputs: Any) -> Tensor:
        return array_ops.identity(conversion.convert_to_tensor(inputs))


__all__ = ["SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
           "ActivityRegularization"]
