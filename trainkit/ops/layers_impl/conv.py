"""``conv2d`` and ``max_pooling2d`` layers (``tf.compat.v1.layers``) over ``tk.nn.conv2d``
and ``tk.nn.max_pool`` (NumPy im2col kernels).

Example:
    >>> h = conv2d(images, filters=16, kernel_size=3, padding="same", activation=tk.nn.relu)
    >>> h = max_pooling2d(h, pool_size=2, strides=2)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework.tensor import Tensor
from trainkit.ops import (
    array_ops,
    conv1d_ops,
    conv_transpose_ops,
    init_ops,
    join_ops,
    nn_ops,
    pooling1d_ops,
)
from trainkit.ops import variable_scope as vs
from trainkit.ops.layers_impl import base


def conv2d(inputs: Any, filters: int, kernel_size: Any, strides: Any = (1, 1),
           padding: str = "valid", data_format: str = "channels_last",
           dilation_rate: Any = (1, 1), activation: Callable | None = None,
           use_bias: bool = True, kernel_initializer: Any = None,
           bias_initializer: Any = base.ZEROS,
           kernel_regularizer: Callable | None = None,
           bias_regularizer: Callable | None = None,
           activity_regularizer: Callable | None = None, kernel_constraint: Any = None,
           bias_constraint: Any = None, trainable: bool = True, name: str | None = None,
           reuse: Any = None) -> Tensor:
    """A 2-D convolution layer: variables ``<name>/kernel`` ``[kh, kw, in, filters]`` and
    ``<name>/bias`` ``[filters]``; ``name`` defaults to ``conv2d``, ``conv2d_1``, ...

    Raises:
        ValueError: for non-positive sizes, bad padding/data_format, strides and
            dilation both above 1, an input that is not 4-D, or an unknown channel dimension.
    """
    layer = "conv2d"
    filters = base.positive_int(filters, "filters", layer)
    kh, kw = base.int_pair(kernel_size, "kernel_size", layer)
    sh, sw = base.int_pair(strides, "strides", layer)
    pad = base.padding_arg(padding, layer)
    fmt = base.data_format_arg(data_format, layer)
    dh, dw = base.int_pair(dilation_rate, "dilation_rate", layer)
    base.strides_or_dilation(layer, (sh, sw) != (1, 1), (dh, dw) != (1, 1), strides,
                             dilation_rate)
    x, channels = base.conv_input(inputs, layer, 4, fmt == "NHWC")
    with base.layer_scope(name, layer, reuse):
        kernel = vs.get_variable("kernel", [kh, kw, channels, filters], dtype=x.dtype,
                                 initializer=kernel_initializer or
                                 init_ops.glorot_uniform_initializer(),
                                 regularizer=kernel_regularizer, trainable=trainable,
                                 constraint=kernel_constraint)
        st = [1, sh, sw, 1] if fmt == "NHWC" else [1, 1, sh, sw]
        dil = [1, dh, dw, 1] if fmt == "NHWC" else [1, 1, dh, dw]
        y = nn_ops.conv2d(x, kernel, strides=st, padding=pad, data_format=fmt, dilations=dil)
        y = base.bias_and_activation(
            y, filters, layer, use_bias=use_bias,
            bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
            bias_constraint=bias_constraint, trainable=trainable, activation=activation,
            activity_regularizer=activity_regularizer, channels_first=fmt == "NCHW")
    return y


def conv1d(inputs: Any, filters: int, kernel_size: Any, strides: Any = 1,
           padding: str = "valid", data_format: str = "channels_last",
           dilation_rate: Any = 1, activation: Callable | None = None, use_bias: bool = True,
           kernel_initializer: Any = None, bias_initializer: Any = base.ZEROS,
           kernel_regularizer: Callable | None = None,
           bias_regularizer: Callable | None = None,
           activity_regularizer: Callable | None = None, kernel_constraint: Any = None,
           bias_constraint: Any = None, trainable: bool = True, name: str | None = None,
           reuse: Any = None) -> Tensor:
    """A 1-D convolution layer over ``[batch, width, channels]``: variables
    ``<name>/kernel`` ``[k, in, filters]`` and ``<name>/bias``; ``name`` defaults to
    ``conv1d``, ``conv1d_1``, ...

    Raises:
        ValueError: for non-positive sizes, bad padding/data_format, strides and
            dilation both above 1, an input that is not 3-D, or an unknown channel dimension.
    """
    layer = "conv1d"
    filters = base.positive_int(filters, "filters", layer)
    (k,) = base.one_int(kernel_size, "kernel_size", layer)
    (st,) = base.one_int(strides, "strides", layer)
    (dil,) = base.one_int(dilation_rate, "dilation_rate", layer)
    pad = base.padding_arg(padding, layer)
    fmt = base.data_format_arg(data_format, layer)
    base.strides_or_dilation(layer, st != 1, dil != 1, strides, dilation_rate)
    x, channels = base.conv_input(inputs, layer, 3, fmt == "NHWC")
    with base.layer_scope(name, layer, reuse):
        kernel = vs.get_variable("kernel", [k, channels, filters], dtype=x.dtype,
                                 initializer=kernel_initializer or
                                 init_ops.glorot_uniform_initializer(),
                                 regularizer=kernel_regularizer, trainable=trainable,
                                 constraint=kernel_constraint)
        y = conv1d_ops.conv1d(x, kernel, stride=st, padding=pad,
                              data_format="NWC" if fmt == "NHWC" else "NCW", dilations=dil)
        y = base.bias_and_activation(
            y, filters, layer, use_bias=use_bias,
            bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
            bias_constraint=bias_constraint, trainable=trainable, activation=activation,
            activity_regularizer=activity_regularizer, channels_first=fmt == "NCHW")
    return y


def max_pooling2d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                  data_format: str = "channels_last", name: str | None = None) -> Tensor:
    """Max pooling over ``pool_size`` windows moved by ``strides``.

    Raises:
        ValueError: for non-positive sizes or bad padding/data_format.
    """
    return _pooling2d("max_pooling2d", nn_ops.max_pool, inputs, pool_size, strides, padding,
                      data_format, name)


def average_pooling2d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                      data_format: str = "channels_last", name: str | None = None) -> Tensor:
    """Average pooling over ``pool_size`` windows moved by ``strides`` (SAME padding
    averages only the entries inside the input, as TF does).

    Raises:
        ValueError: for non-positive sizes or bad padding/data_format.
    """
    return _pooling2d("average_pooling2d", nn_ops.avg_pool, inputs, pool_size, strides,
                      padding, data_format, name)


def _pooling2d(layer: str, pool: Any, inputs: Any, pool_size: Any, strides: Any,
               padding: str, data_format: str, name: Any) -> Tensor:
    ph, pw = base.int_pair(pool_size, "pool_size", layer)
    sh, sw = base.int_pair(strides, "strides", layer)
    pad = base.padding_arg(padding, layer)
    fmt = base.data_format_arg(data_format, layer)
    with base.layer_scope(name, layer):
        x = base.float_input(inputs, layer)
        if fmt == "NHWC":
            ks, st = [1, ph, pw, 1], [1, sh, sw, 1]
        else:
            ks, st = [1, 1, ph, pw], [1, 1, sh, sw]
        return pool(x, ksize=ks, strides=st, padding=pad, data_format=fmt)


def max_pooling1d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                  data_format: str = "channels_last", name: str | None = None) -> Tensor:
    """Max pooling of ``[batch, width, channels]`` (or channels-first) over ``pool_size``
    windows moved by ``strides``.

    Raises:
        ValueError: for non-positive sizes, bad padding/data_format or a non-3-D input.
    """
    return _pooling1d("max_pooling1d", pooling1d_ops.max_pool1d, inputs, pool_size, strides,
                      padding, data_format, name)


def average_pooling1d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                      data_format: str = "channels_last", name: str | None = None) -> Tensor:
    """Average pooling of ``[batch, width, channels]`` (SAME averages only real entries).

    Raises:
        ValueError: for non-positive sizes, bad padding/data_format or a non-3-D input.
    """
    return _pooling1d("average_pooling1d", pooling1d_ops.avg_pool1d, inputs, pool_size,
                      strides, padding, data_format, name)


def _pooling1d(layer: str, pool: Any, inputs: Any, pool_size: Any, strides: Any,
               padding: str, data_format: str, name: Any) -> Tensor:
    (p,) = base.one_int(pool_size, "pool_size", layer)
    (s,) = base.one_int(strides, "strides", layer)
    pad = base.padding_arg(padding, layer)
    fmt = base.data_format_arg(data_format, layer)
    with base.layer_scope(name, layer):
        x = base.float_input(inputs, layer)
        if x.shape.ndims is not None and x.shape.ndims != 3:
            raise ValueError(f"Input 0 of layer {layer} is incompatible with the layer: "
                             f"expected ndim=3, found ndim={x.shape.ndims}. Full shape "
                             f"received: {x.shape}")
        return pool(x, p, s, pad, data_format="NWC" if fmt == "NHWC" else "NCW")


def deconv_length(size: Any, k: int, s: int, padding: str) -> Any:
    """Keras' ``deconv_output_length``: SAME ``size * s``; VALID ``size * s + max(k - s, 0)``."""
    return size * s + (max(k - s, 0) if padding == "VALID" else 0)


def conv2d_transpose(inputs: Any, filters: int, kernel_size: Any, strides: Any = (1, 1),
                     padding: str = "valid", data_format: str = "channels_last",
                     activation: Callable | None = None, use_bias: bool = True,
                     kernel_initializer: Any = None, bias_initializer: Any = base.ZEROS,
                     kernel_regularizer: Callable | None = None,
                     bias_regularizer: Callable | None = None,
                     activity_regularizer: Callable | None = None,
                     kernel_constraint: Any = None, bias_constraint: Any = None,
                     trainable: bool = True, name: str | None = None,
                     reuse: Any = None) -> Tensor:
    """A transposed 2-D convolution layer: variables ``<name>/kernel``
    ``[kh, kw, filters, in_channels]`` and ``<name>/bias`` ``[filters]``; each spatial
    size becomes ``size * stride`` (SAME) or ``size * stride + max(k - stride, 0)``
    (VALID).

    Raises:
        ValueError: for non-positive sizes, bad padding/data_format, an input that is not
            4-D, or an unknown channel dimension.
    """
    layer = "conv2d_transpose"
    filters = base.positive_int(filters, "filters", layer)
    kh, kw = base.int_pair(kernel_size, "kernel_size", layer)
    sh, sw = base.int_pair(strides, "strides", layer)
    pad = base.padding_arg(padding, layer)
    fmt = base.data_format_arg(data_format, layer)
    x = base.float_input(inputs, layer)
    if x.shape.ndims != 4:
        raise ValueError(f"Input 0 of layer conv2d_transpose is incompatible with the layer: "
                         f"expected ndim=4, found ndim={x.shape.ndims}. Full shape "
                         f"received: {x.shape}")
    dims = x.shape.as_list()
    ha, wa, ca = (1, 2, 3) if fmt == "NHWC" else (2, 3, 1)
    if dims[ca] is None:
        raise ValueError("conv2d_transpose: the channel dimension of the inputs should be "
                         "defined. Found `None`.")
    with base.layer_scope(name, layer, reuse):
        kernel = vs.get_variable("kernel", [kh, kw, filters, dims[ca]], dtype=x.dtype,
                                 initializer=kernel_initializer or
                                 init_ops.glorot_uniform_initializer(),
                                 regularizer=kernel_regularizer, trainable=trainable,
                                 constraint=kernel_constraint)
        dyn = array_ops.shape(x)
        size = [dims[i] if dims[i] is not None else dyn[i] for i in range(4)]
        out = [size[0], None, None, None]
        out[ha] = deconv_length(size[ha], kh, sh, pad)
        out[wa] = deconv_length(size[wa], kw, sw, pad)
        out[ca] = filters
        st = [1, sh, sw, 1] if fmt == "NHWC" else [1, 1, sh, sw]
        y = conv_transpose_ops.conv2d_transpose(x, kernel, join_ops.stack(out), st, pad,
                                                data_format=fmt)
        y.set_shape([d if isinstance(d, int) else None for d in out])
        y = base.bias_and_activation(
            y, filters, layer, use_bias=use_bias,
            bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
            bias_constraint=bias_constraint, trainable=trainable, activation=activation,
            activity_regularizer=activity_regularizer, channels_first=fmt == "NCHW")
    return y


__all__ = ["conv2d", "deconv_length", "conv2d_transpose", "max_pooling2d", "average_pooling2d",
           "max_pooling1d", "average_pooling1d"]
