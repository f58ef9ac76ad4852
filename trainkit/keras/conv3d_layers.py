"""Keras's volumetric layers: ``Conv3D`` (``Convolution3D``), ``MaxPooling3D``
(``MaxPool3D``) and ``AveragePooling3D`` (``AvgPool3D``) over ``tk.nn.conv3d`` and the
3-D pooling ops, on ``[batch, depth, height, width, channels]`` (or channels_first).

Example:
    >>> h = tk.keras.layers.Conv3D(8, 3, padding="same", activation="relu")(volumes)
    >>> h = tk.keras.layers.MaxPooling3D()(h)             # 2x2x2 windows, stride 2
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.keras import activations, base_layer, layer_args
from trainkit.ops import conv3d_ops, nn_activations
from trainkit.ops.layers_impl import base


def _padding(padding: Any) -> str:
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ValueError('The `padding` argument must be one of "valid", "same". '
                         f"Received: {padding}")
    return padding.lower()


class Conv3D(base_layer.Layer):
    """3-D convolution: ``kernel`` ``[kd, kh, kw, in, filters]`` and ``bias``
    ``[filters]``.

    Raises:
        ValueError: for a non-positive ``filters``, bad sizes, padding or data_format,
            strides and dilation both above 1, an input that is not 5-D or whose channel
            dimension is unknown.
    """

    _ndim = 5

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1, 1),
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: Any = (1, 1, 1), activation: Any = None,
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Callable | None = None,
                 bias_regularizer: Callable | None = None,
                 activity_regularizer: Callable | None = None, kernel_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.filters = base.positive_int(filters, "filters", "Conv3D")
        self.kernel_size = layer_args.normalize_tuple(kernel_size, 3, "kernel_size")
        self.strides = layer_args.normalize_tuple(strides, 3, "strides")
        self.dilation_rate = layer_args.normalize_tuple(dilation_rate, 3, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError("Conv3D: strides > 1 not supported in conjunction with "
                             f"dilation_rate > 1 (strides={self.strides}, "
                             f"dilation_rate={self.dilation_rate}).")
        self.padding = _padding(padding)
        self.data_format = layer_args.normalize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self._inits = (kernel_initializer, bias_initializer)
        self._regularizers = (kernel_regularizer, bias_regularizer)
        self._constraints = (kernel_constraint, bias_constraint)

    def build(self, input_shape: Any) -> None:
        axis = 1 if self.data_format == "channels_first" else -1
        channels = input_shape.as_list()[axis]
        if channels is None:
            raise ValueError("The channel dimension of the inputs should be defined. The "
                             f"input_shape received is {input_shape}, where axis {axis} "
                             "(0-based) is the channel dimension, which found to be `None`.")
        self.kernel = self.add_weight("kernel", [*self.kernel_size, channels, self.filters],
                                      initializer=self._inits[0],
                                      regularizer=self._regularizers[0],
                                      constraint=self._constraints[0])
        self.bias = self.add_weight("bias", [self.filters], initializer=self._inits[1],
                                    regularizer=self._regularizers[1],
                                    constraint=self._constraints[1]) if self.use_bias else None

    def call(self, inputs: Any) -> Tensor:
        x = conversion.convert_to_tensor(inputs)
        first = self.data_format == "channels_first"
        # trainkit's conv3d takes the spatial strides/dilations at 1..3 in either layout
        y = conv3d_ops.conv3d(x, self.kernel, strides=[1, *self.strides, 1],
                              padding=self.padding.upper(),
                              data_format="NCDHW" if first else "NDHWC",
                              dilations=[1, *self.dilation_rate, 1])
        if self.use_bias:
            y = nn_activations.bias_add(y, self.bias, data_format="NCHW" if first else None)
        return self.activation(y)


class _Pooling3D(base_layer.Layer):
    _ndim = 5
    _op: Callable

    def __init__(self, pool_size: Any = (2, 2, 2), strides: Any = None,
                 padding: str = "valid", data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.pool_size = layer_args.normalize_tuple(pool_size, 3, "pool_size")
        self.strides = self.pool_size if strides is None else \
            layer_args.normalize_tuple(strides, 3, "strides")
        self.padding = _padding(padding)
        self.data_format = layer_args.normalize_data_format(data_format)

    def call(self, inputs: Any) -> Tensor:
        fmt = "NCDHW" if self.data_format == "channels_first" else "NDHWC"
        return type(self)._op(conversion.convert_to_tensor(inputs), [1, *self.pool_size, 1],
                              [1, *self.strides, 1], self.padding.upper(), data_format=fmt)


class MaxPooling3D(_Pooling3D):
    """Max over ``pool_size`` volumes (default 2x2x2) moved by ``strides`` (default: the
    pool size).

    Raises:
        ValueError: for bad sizes, padding or data_format, or an input that is not 5-D.
    """

    _op = staticmethod(conv3d_ops.max_pool3d)


class AveragePooling3D(_Pooling3D):
    """Mean over ``pool_size`` volumes (default 2x2x2; ``same`` padding averages the real
    entries only).

    Raises:
        ValueError: for bad sizes, padding or data_format, or an input that is not 5-D.
    """

    _op = staticmethod(conv3d_ops.avg_pool3d)


Convolution3D = Conv3D
MaxPool3D = MaxPooling3D
AvgPool3D = AveragePooling3D

__all__ = ["Conv3D", "Convolution3D", "MaxPooling3D", "AveragePooling3D", "MaxPool3D",
           "AvgPool3D"]
