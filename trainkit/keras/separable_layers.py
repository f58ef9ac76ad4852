"""Keras's depthwise convolutions: ``DepthwiseConv2D`` (one filter bank per input
channel) and ``SeparableConv1D``/``SeparableConv2D`` (that, then a 1x1 convolution mixing
the channels), with ``SeparableConvolution1D/2D`` as aliases.

Example:
    >>> h = tk.keras.layers.SeparableConv2D(32, 3, padding="same", depth_multiplier=2)(x)
    >>> h = tk.keras.layers.DepthwiseConv2D(3, strides=2)(h)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.keras import activations, base_layer, layer_args
from trainkit.ops import depthwise_conv_ops, nn_activations, shape_ops
from trainkit.ops.layers_impl import base


class _DepthwiseBase(base_layer.Layer):
    """The arguments, channel check and tail (bias, activation) the three layers share."""

    _rank = 2
    _paddings = ("valid", "same")

    def __init__(self, kernel_size: Any, strides: Any, padding: str, depth_multiplier: int,
                 data_format: str | None, dilation_rate: Any, activation: Any,
                 use_bias: bool, bias_initializer: Any, bias_regularizer: Any,
                 bias_constraint: Any, **kwargs: Any):
        super().__init__(**kwargs)
        who = type(self).__name__
        self.kernel_size = layer_args.normalize_tuple(kernel_size, self._rank, "kernel_size")
        self.strides = layer_args.normalize_tuple(strides, self._rank, "strides")
        self.dilation_rate = layer_args.normalize_tuple(dilation_rate, self._rank,
                                                        "dilation_rate")
        self.depth_multiplier = base.positive_int(depth_multiplier, "depth_multiplier", who)
        if not isinstance(padding, str) or padding.lower() not in self._paddings:
            raise ValueError(f"The `padding` argument must be one of {self._paddings}. "
                             f"Received: {padding}")
        self.padding = padding.lower()
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{who}: strides > 1 not supported in conjunction with "
                             f"dilation_rate > 1 (strides={self.strides}, "
                             f"dilation_rate={self.dilation_rate}).")
        self.data_format = layer_args.normalize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self._bias_args = (bias_initializer, bias_regularizer, bias_constraint)
        self._ndim = self._rank + 2

    def _channels(self, input_shape: Any) -> int:
        axis = 1 if self.data_format == "channels_first" else -1
        channels = input_shape.as_list()[axis]
        if channels is None:
            raise ValueError("The channel dimension of the inputs should be defined. The "
                             f"input_shape received is {input_shape}, where axis {axis} "
                             "(0-based) is the channel dimension, which found to be `None`.")
        return channels

    def _add_kernel(self, name: str, shape: list, args: tuple) -> Any:
        init, reg, con = args
        return self.add_weight(name, shape, initializer=init, regularizer=reg, constraint=con)

    def _add_bias(self, size: int) -> None:
        self.bias = self._add_kernel("bias", [size], self._bias_args) if self.use_bias \
            else None

    def _finish(self, y: Tensor, fmt: str) -> Tensor:
        if self.use_bias:
            y = nn_activations.bias_add(y, self.bias, data_format=fmt)
        return y

    def _fmt(self) -> str:
        return "NCHW" if self.data_format == "channels_first" else "NHWC"

    def _strides4(self, strides: tuple) -> list:
        return [1, 1, *strides] if self._fmt() == "NCHW" else [1, *strides, 1]


class DepthwiseConv2D(_DepthwiseBase):
    """Per-channel 2-D convolution: ``depthwise_kernel``
    ``[kh, kw, in, depth_multiplier]`` and ``bias`` ``[in * depth_multiplier]``.

    Raises:
        ValueError: for bad sizes, padding or data_format, strides and dilation both
            above 1, an input that is not 4-D or whose channel dimension is unknown.
    """

    def __init__(self, kernel_size: Any, strides: Any = (1, 1), padding: str = "valid",
                 depth_multiplier: int = 1, data_format: str | None = None,
                 dilation_rate: Any = (1, 1), activation: Any = None, use_bias: bool = True,
                 depthwise_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", depthwise_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None,
                 depthwise_constraint: Any = None, bias_constraint: Any = None,
                 **kwargs: Any):
        super().__init__(kernel_size, strides, padding, depth_multiplier, data_format,
                         dilation_rate, activation, use_bias, bias_initializer,
                         bias_regularizer, bias_constraint,
                         activity_regularizer=activity_regularizer, **kwargs)
        self._depthwise_args = (depthwise_initializer, depthwise_regularizer,
                                depthwise_constraint)

    def build(self, input_shape: Any) -> None:
        channels = self._channels(input_shape)
        self.depthwise_kernel = self._add_kernel(
            "depthwise_kernel", [*self.kernel_size, channels, self.depth_multiplier],
            self._depthwise_args)
        self._add_bias(channels * self.depth_multiplier)

    def call(self, inputs: Any) -> Tensor:
        x = conversion.convert_to_tensor(inputs)
        fmt = self._fmt()
        y = depthwise_conv_ops.depthwise_conv2d(
            x, self.depthwise_kernel, self._strides4(self.strides), self.padding.upper(),
            rate=list(self.dilation_rate), data_format=fmt)
        return self.activation(self._finish(y, fmt))


class _Separable(_DepthwiseBase):
    """``depthwise_kernel`` ``[*k, in, depth_multiplier]``, ``pointwise_kernel``
    ``[*ones, in * depth_multiplier, filters]`` and ``bias`` ``[filters]``."""

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: Any = 1, depth_multiplier: int = 1, activation: Any = None,
                 use_bias: bool = True, depthwise_initializer: Any = "glorot_uniform",
                 pointwise_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", depthwise_regularizer: Any = None,
                 pointwise_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Callable | None = None,
                 depthwise_constraint: Any = None, pointwise_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any):
        super().__init__(kernel_size, strides, padding, depth_multiplier, data_format,
                         dilation_rate, activation, use_bias, bias_initializer,
                         bias_regularizer, bias_constraint,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.filters = base.positive_int(filters, "filters", type(self).__name__)
        self._depthwise_args = (depthwise_initializer, depthwise_regularizer,
                                depthwise_constraint)
        self._pointwise_args = (pointwise_initializer, pointwise_regularizer,
                                pointwise_constraint)

    def build(self, input_shape: Any) -> None:
        channels = self._channels(input_shape)
        self.depthwise_kernel = self._add_kernel(
            "depthwise_kernel", [*self.kernel_size, channels, self.depth_multiplier],
            self._depthwise_args)
        self.pointwise_kernel = self._add_kernel(
            "pointwise_kernel",
            [*(1,) * self._rank, channels * self.depth_multiplier, self.filters],
            self._pointwise_args)
        self._add_bias(self.filters)


class SeparableConv2D(_Separable):
    """Depthwise-separable 2-D convolution (weights as Keras's, see ``_Separable``).

    Raises:
        ValueError: for bad sizes, padding or data_format, strides and dilation both
            above 1, an input that is not 4-D or whose channel dimension is unknown.
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: Any = (1, 1), depth_multiplier: int = 1, **kwargs: Any):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate,
                         depth_multiplier, **kwargs)

    def call(self, inputs: Any) -> Tensor:
        x = conversion.convert_to_tensor(inputs)
        fmt = self._fmt()
        y = depthwise_conv_ops.separable_conv2d(
            x, self.depthwise_kernel, self.pointwise_kernel, self._strides4(self.strides),
            self.padding.upper(), rate=list(self.dilation_rate), data_format=fmt)
        return self.activation(self._finish(y, fmt))


class SeparableConv1D(_Separable):
    """Depthwise-separable 1-D convolution over ``[batch, steps, channels]``, run as
    Keras does: a 2-D one over a height-1 image. ``padding`` may also be ``'causal'``.

    Raises:
        ValueError: for bad sizes, padding or data_format, strides and dilation both
            above 1, an input that is not 3-D or whose channel dimension is unknown.
    """

    _rank = 1
    _paddings = ("valid", "same", "causal")

    def call(self, inputs: Any) -> Tensor:
        x = conversion.convert_to_tensor(inputs)
        fmt = self._fmt()
        step_axis = 2 if fmt == "NCHW" else 1
        padding = self.padding
        if padding == "causal":
            widths = [[0, 0], [0, 0], [0, 0]]
            widths[step_axis] = [self.dilation_rate[0] * (self.kernel_size[0] - 1), 0]
            x = shape_ops.pad(x, widths)
            padding = "valid"
        image = shape_ops.expand_dims(x, step_axis)
        y = depthwise_conv_ops.separable_conv2d(
            image, shape_ops.expand_dims(self.depthwise_kernel, 0),
            shape_ops.expand_dims(self.pointwise_kernel, 0),
            self._strides4(self.strides * 2), padding.upper(),
            rate=[1, self.dilation_rate[0]], data_format=fmt)
        y = self._finish(y, fmt)
        return self.activation(shape_ops.squeeze(y, [step_axis]))


SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D

__all__ = ["DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D", "SeparableConvolution1D",
           "SeparableConvolution2D"]
