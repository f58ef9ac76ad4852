"""Keras's convolution and pooling layers: ``Conv1D``, ``Conv2D``, ``MaxPooling1D/2D``
and ``AveragePooling1D/2D`` (graph mode, over ``tk.layers``' conv and pooling functions).

Example:
    >>> h = tk.keras.layers.Conv2D(32, 3, padding="same", activation="relu")(images)
    >>> h = tk.keras.layers.MaxPooling2D()(h)            # 2x2 windows, stride 2
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework.tensor import Tensor
from trainkit.keras import activations, base_layer
from trainkit.ops.layers_impl import base, conv


class _Conv(base_layer.Layer):
    """The shared constructor and build of ``Conv1D``/``Conv2D``."""

    _rank = 2
    _fn: Callable

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: Any = 1, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Callable | None = None,
                 bias_regularizer: Callable | None = None,
                 activity_regularizer: Callable | None = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        who = type(self).__name__
        pick = base.one_int if self._rank == 1 else base.int_pair
        self.filters = base.positive_int(filters, "filters", who)
        self.kernel_size = pick(kernel_size, "kernel_size", who)
        self.strides = pick(strides, "strides", who)
        self.dilation_rate = pick(dilation_rate, "dilation_rate", who)
        if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
            raise ValueError('The `padding` argument must be a list/tuple or one of "valid", '
                             '"same" (or "causal", only for `Conv1D). Received: '
                             f"{padding}")
        self.padding = padding.lower()
        self.data_format = data_format or "channels_last"
        base.data_format_arg(self.data_format, who)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self._inits = (kernel_initializer, bias_initializer)
        self._regularizers = (kernel_regularizer, bias_regularizer)
        self._constraints = (kernel_constraint, bias_constraint)
        self._min_ndim = self._rank + 2

    def build(self, input_shape: Any) -> None:
        axis = -1 if self.data_format == "channels_last" else 1
        channels = input_shape.as_list()[axis]
        if channels is None:
            raise ValueError("The channel dimension of the inputs should be defined. The "
                             f"input_shape received is {input_shape}, where axis {axis} "
                             "(0-based) is the channel dimension, which found to be `None`.")
        shape = [*self.kernel_size, channels, self.filters]
        self.kernel = self.add_weight("kernel", shape, initializer=self._inits[0],
                                      regularizer=self._regularizers[0],
                                      constraint=self._constraints[0])
        self.bias = self.add_weight("bias", [self.filters], initializer=self._inits[1],
                                    regularizer=self._regularizers[1],
                                    constraint=self._constraints[1]) if self.use_bias else None

    def call(self, inputs: Any) -> Tensor:
        return type(self)._fn(inputs, self.filters, self.kernel_size, strides=self.strides,
                              padding=self.padding, data_format=self.data_format,
                              dilation_rate=self.dilation_rate, activation=self.activation,
                              use_bias=self.use_bias, name=self.function_scope(), reuse=True)


class Conv2D(_Conv):
    """2-D convolution: ``kernel`` ``[kh, kw, in, filters]`` and ``bias`` ``[filters]``.

    Raises:
        ValueError: for bad sizes, padding or data_format, or an input that is not 4-D.
    """

    _rank = 2
    _fn = staticmethod(conv.conv2d)

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: Any = (1, 1), **kwargs: Any):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         **kwargs)


class Conv1D(_Conv):
    """1-D convolution over ``[batch, steps, channels]``: ``kernel`` ``[k, in, filters]``.

    Raises:
        ValueError: for bad sizes, padding or data_format, or an input that is not 3-D.
    """

    _rank = 1
    _fn = staticmethod(conv.conv1d)


class _Pooling(base_layer.Layer):
    _rank = 2
    _fn: Callable

    def __init__(self, pool_size: Any = 2, strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        who = type(self).__name__
        pick = base.one_int if self._rank == 1 else base.int_pair
        self.pool_size = pick(pool_size, "pool_size", who)
        self.strides = self.pool_size if strides is None else pick(strides, "strides", who)
        self.padding = base.padding_arg(padding, who).lower()
        self.data_format = data_format or "channels_last"
        base.data_format_arg(self.data_format, who)
        self._ndim = self._rank + 2

    def call(self, inputs: Any) -> Tensor:
        return type(self)._fn(inputs, self.pool_size, self.strides, padding=self.padding,
                              data_format=self.data_format, name=self.function_scope())


class MaxPooling2D(_Pooling):
    """Max over ``pool_size`` windows (default 2x2) moved by ``strides`` (default: the
    pool size)."""

    _fn = staticmethod(conv.max_pooling2d)

    def __init__(self, pool_size: Any = (2, 2), strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling2D(_Pooling):
    """Mean over ``pool_size`` windows (default 2x2) moved by ``strides`` (default: the
    pool size)."""

    _fn = staticmethod(conv.average_pooling2d)

    def __init__(self, pool_size: Any = (2, 2), strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling1D(_Pooling):
    """Max over ``pool_size`` steps (default 2) moved by ``strides`` (default: the pool
    size)."""

    _rank = 1
    _fn = staticmethod(conv.max_pooling1d)


class AveragePooling1D(_Pooling):
    """Mean over ``pool_size`` steps (default 2) moved by ``strides`` (default: the pool
    size)."""

    _rank = 1
    _fn = staticmethod(conv.average_pooling1d)


MaxPool2D = MaxPooling2D
AvgPool2D = AveragePooling2D
MaxPool1D = MaxPooling1D
AvgPool1D = AveragePooling1D
Convolution2D = Conv2D
Convolution1D = Conv1D

__all__ = ["Conv1D", "Conv2D", "MaxPooling1D", "MaxPooling2D", "AveragePooling1D",
           "AveragePooling2D", "MaxPool1D", "MaxPool2D", "AvgPool1D", "AvgPool2D",
           "Convolution1D", "Convolution2D"]
