"""``tf.compat.v1.layers.separable_conv2d`` and ``separable_conv1d``: a depthwise
convolution (one filter bank per input channel, ``depth_multiplier`` outputs each)
followed by a 1x1 pointwise convolution, over ``tk.nn.separable_conv2d``.

Example:
    >>> h = separable_conv2d(images, 32, 3, padding="same", depth_multiplier=2)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework.tensor import Tensor
from trainkit.ops import depthwise_conv_ops, init_ops, shape_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.layers_impl import base


def separable_conv2d(inputs: Any, filters: int, kernel_size: Any, strides: Any = (1, 1),
                     padding: str = "valid", data_format: str = "channels_last",
                     dilation_rate: Any = (1, 1), depth_multiplier: int = 1,
                     activation: Callable | None = None, use_bias: bool = True,
                     depthwise_initializer: Any = None, pointwise_initializer: Any = None,
                     bias_initializer: Any = base.ZEROS,
                     depthwise_regularizer: Callable | None = None,
                     pointwise_regularizer: Callable | None = None,
                     bias_regularizer: Callable | None = None,
                     activity_regularizer: Callable | None = None,
                     depthwise_constraint: Any = None, pointwise_constraint: Any = None,
                     bias_constraint: Any = None, trainable: bool = True,
                     name: str | None = None, reuse: Any = None) -> Tensor:
    """A depthwise-separable 2-D convolution layer with TF1's variables
    ``<name>/depthwise_kernel`` ``[kh, kw, in, depth_multiplier]``,
    ``<name>/pointwise_kernel`` ``[1, 1, in * depth_multiplier, filters]`` and
    ``<name>/bias`` ``[filters]``; ``name`` defaults to ``separable_conv2d``, ...

    Raises:
        ValueError: for non-positive sizes, bad padding/data_format, strides and
            dilation both above 1, an input that is not 4-D, or an unknown channel dimension.
    """
    layer = "separable_conv2d"
    filters = base.positive_int(filters, "filters", layer)
    depth_multiplier = base.positive_int(depth_multiplier, "depth_multiplier", layer)
    kh, kw = base.int_pair(kernel_size, "kernel_size", layer)
    sh, sw = base.int_pair(strides, "strides", layer)
    dh, dw = base.int_pair(dilation_rate, "dilation_rate", layer)
    pad = base.padding_arg(padding, layer)
    fmt = base.data_format_arg(data_format, layer)
    base.strides_or_dilation(layer, (sh, sw) != (1, 1), (dh, dw) != (1, 1), strides,
                             dilation_rate)
    x, channels = base.conv_input(inputs, layer, 4, fmt == "NHWC")
    with base.layer_scope(name, layer, reuse):
        depthwise, pointwise = _kernels(
            [kh, kw, channels, depth_multiplier], [1, 1, channels * depth_multiplier, filters],
            x.dtype, trainable, (depthwise_initializer, depthwise_regularizer,
                                 depthwise_constraint),
            (pointwise_initializer, pointwise_regularizer, pointwise_constraint))
        st = [1, sh, sw, 1] if fmt == "NHWC" else [1, 1, sh, sw]
        y = depthwise_conv_ops.separable_conv2d(x, depthwise, pointwise, st, pad,
                                                rate=[dh, dw], data_format=fmt)
        y = base.bias_and_activation(
            y, filters, layer, use_bias=use_bias,
            bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
            bias_constraint=bias_constraint, trainable=trainable, activation=activation,
            activity_regularizer=activity_regularizer, channels_first=fmt == "NCHW")
    return y


def separable_conv1d(inputs: Any, filters: int, kernel_size: Any, strides: Any = 1,
                     padding: str = "valid", data_format: str = "channels_last",
                     dilation_rate: Any = 1, depth_multiplier: int = 1,
                     activation: Callable | None = None, use_bias: bool = True,
                     depthwise_initializer: Any = None, pointwise_initializer: Any = None,
                     bias_initializer: Any = base.ZEROS,
                     depthwise_regularizer: Callable | None = None,
                     pointwise_regularizer: Callable | None = None,
                     bias_regularizer: Callable | None = None,
                     activity_regularizer: Callable | None = None,
                     depthwise_constraint: Any = None, pointwise_constraint: Any = None,
                     bias_constraint: Any = None, trainable: bool = True,
                     name: str | None = None, reuse: Any = None) -> Tensor:
    """A depthwise-separable 1-D convolution layer over ``[batch, width, channels]``
    (``tf.compat.v1.layers.separable_conv1d``): variables ``<name>/depthwise_kernel``
    ``[k, in, depth_multiplier]``, ``<name>/pointwise_kernel``
    ``[1, in * depth_multiplier, filters]`` and ``<name>/bias``; run, as TF1 does, as a
    2-D separable convolution over a height-1 image. ``padding`` may also be ``'causal'``
    (left padding of ``dilation_rate * (kernel_size - 1)``, then ``'valid'``).

    Raises:
        ValueError: for non-positive sizes, bad padding/data_format, strides and
            dilation both above 1, an input that is not 3-D, or an unknown channel dimension.
    """
    layer = "separable_conv1d"
    filters = base.positive_int(filters, "filters", layer)
    depth_multiplier = base.positive_int(depth_multiplier, "depth_multiplier", layer)
    (k,) = base.one_int(kernel_size, "kernel_size", layer)
    (st,) = base.one_int(strides, "strides", layer)
    (dil,) = base.one_int(dilation_rate, "dilation_rate", layer)
    causal = isinstance(padding, str) and padding.lower() == "causal"
    pad = "VALID" if causal else base.padding_arg(padding, layer)
    fmt = base.data_format_arg(data_format, layer)
    base.strides_or_dilation(layer, st != 1, dil != 1, strides, dilation_rate)
    x, channels = base.conv_input(inputs, layer, 3, fmt == "NHWC")
    time_axis = 1 if fmt == "NHWC" else 2
    with base.layer_scope(name, layer, reuse):
        depthwise, pointwise = _kernels(
            [k, channels, depth_multiplier], [1, channels * depth_multiplier, filters],
            x.dtype, trainable, (depthwise_initializer, depthwise_regularizer,
                                 depthwise_constraint),
            (pointwise_initializer, pointwise_regularizer, pointwise_constraint))
        if causal:
            widths = [[0, 0], [0, 0], [0, 0]]
            widths[time_axis] = [dil * (k - 1), 0]
            x = shape_ops.pad(x, widths)
        image = shape_ops.expand_dims(x, time_axis)
        st4 = [1, st, st, 1] if fmt == "NHWC" else [1, 1, st, st]  # TF1: equal strides
        y = depthwise_conv_ops.separable_conv2d(
            image, shape_ops.expand_dims(depthwise, 0), shape_ops.expand_dims(pointwise, 0),
            st4, pad, rate=[1, dil], data_format=fmt)
        y = shape_ops.squeeze(y, [time_axis])
        y = base.bias_and_activation(
            y, filters, layer, use_bias=use_bias,
            bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
            bias_constraint=bias_constraint, trainable=trainable, activation=activation,
            activity_regularizer=activity_regularizer, channels_first=fmt == "NCHW")
    return y


def _kernels(depth_shape: list, point_shape: list, dtype: Any, trainable: bool,
             depth_args: tuple, point_args: tuple) -> tuple:
    """TF1's ``depthwise_kernel`` and ``pointwise_kernel`` variables (Glorot-uniform
    unless an initializer is given); ``*_args`` are (initializer, regularizer,
    constraint)."""
    kernels = []
    for kind, shape, (init, reg, con) in (("depthwise", depth_shape, depth_args),
                                          ("pointwise", point_shape, point_args)):
        kernels.append(vs.get_variable(
            f"{kind}_kernel", shape, dtype=dtype,
            initializer=init or init_ops.glorot_uniform_initializer(), regularizer=reg,
            trainable=trainable, constraint=con))
    return tuple(kernels)
