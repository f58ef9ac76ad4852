"""``tf.layers.conv3d`` / ``max_pooling3d`` / ``average_pooling3d`` over
:mod:`trainkit.ops.conv3d_ops` (channels_last ``[N, D, H, W, C]`` or channels_first).

Example:
    >>> h = conv3d(volumes, filters=8, kernel_size=3, padding="same")
    >>> h = max_pooling3d(h, pool_size=2, strides=2)
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

from trainkit.framework.tensor import Tensor
from trainkit.ops import conv3d_ops, init_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.layers_impl import base


def triple(value: Any, what: str, layer: str) -> tuple[int, int, int]:
    """``value`` (an int or 3 ints) as 3 positive ints.

    Raises:
        ValueError: for anything else.
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value, value, value)
    vals = list(value) if isinstance(value, list | tuple) else []
    if len(vals) != 3:
        raise ValueError(f"{layer}: {what} must be an int or a tuple of 3 ints, got "
                         f"{value!r}.")
    a, b, c = (base.positive_int(v, what, layer) for v in vals)
    return a, b, c


def _fmt(data_format: Any, layer: str) -> str:
    return "NDHWC" if base.data_format_arg(data_format, layer) == "NHWC" else "NCDHW"


def conv3d(inputs: Any, filters: int, kernel_size: Any, strides: Any = (1, 1, 1),
           padding: str = "valid", data_format: str = "channels_last",
           dilation_rate: Any = (1, 1, 1), activation: Callable | None = None,
           use_bias: bool = True, kernel_initializer: Any = None,
           bias_initializer: Any = base.ZEROS,
           kernel_regularizer: Callable | None = None,
           bias_regularizer: Callable | None = None,
           activity_regularizer: Callable | None = None, kernel_constraint: Any = None,
           bias_constraint: Any = None, trainable: bool = True, name: str | None = None,
           reuse: Any = None) -> Tensor:
    """A 3-D convolution layer: variables ``<name>/kernel`` ``[kd, kh, kw, in, filters]``
    and ``<name>/bias``; ``name`` defaults to ``conv3d``, ``conv3d_1``, ...

    Raises:
        ValueError: bad sizes/padding/data_format, a non-5-D input or unknown channels.
    """
    layer = "conv3d"
    filters = base.positive_int(filters, "filters", layer)
    k = triple(kernel_size, "kernel_size", layer)
    st = triple(strides, "strides", layer)
    dil = triple(dilation_rate, "dilation_rate", layer)
    pad = base.padding_arg(padding, layer)
    fmt = _fmt(data_format, layer)
    base.strides_or_dilation(layer, st != (1, 1, 1), dil != (1, 1, 1), strides, dilation_rate)
    x, channels = base.conv_input(inputs, layer, 5, fmt == "NDHWC")
    with base.layer_scope(name, layer, reuse):
        kernel = vs.get_variable("kernel", [*k, channels, filters], dtype=x.dtype,
                                 initializer=kernel_initializer or
                                 init_ops.glorot_uniform_initializer(),
                                 regularizer=kernel_regularizer, trainable=trainable,
                                 constraint=kernel_constraint)
        y = conv3d_ops.conv3d(x, kernel, strides=[1, *st, 1], padding=pad, data_format=fmt,
                              dilations=[1, *dil, 1])
        y = base.bias_and_activation(
            y, filters, layer, use_bias=use_bias,
            bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
            bias_constraint=bias_constraint, trainable=trainable, activation=activation,
            activity_regularizer=activity_regularizer, channels_first=fmt == "NCDHW")
    return y


def _pooling3d(layer: str, pool: Any, inputs: Any, pool_size: Any, strides: Any,
               padding: str, data_format: str, name: Any) -> Tensor:
    p = triple(pool_size, "pool_size", layer)
    s = triple(strides, "strides", layer)
    pad = base.padding_arg(padding, layer)
    fmt = _fmt(data_format, layer)
    with base.layer_scope(name, layer):
        x = base.float_input(inputs, layer)
        return pool(x, [1, *p, 1], [1, *s, 1], pad, data_format=fmt)


def max_pooling3d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                  data_format: str = "channels_last", name: str | None = None) -> Tensor:
    """Max pooling over ``pool_size`` volumes moved by ``strides``.

    Raises:
        ValueError: bad sizes, padding or data_format.
    """
    return _pooling3d("max_pooling3d", conv3d_ops.max_pool3d, inputs, pool_size, strides,
                      padding, data_format, name)


def average_pooling3d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                      data_format: str = "channels_last", name: str | None = None) -> Tensor:
    """Average pooling over ``pool_size`` volumes (SAME: real entries only).

    Raises:
        ValueError: bad sizes, padding or data_format.
    """
    return _pooling3d("average_pooling3d", conv3d_ops.avg_pool3d, inputs, pool_size,
                      strides, padding, data_format, name)


__all__ = ["conv3d", "max_pooling3d", "average_pooling3d", "triple"]
