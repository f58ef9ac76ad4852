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
from trainkit.ops import init_ops, nn_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.layers_impl import base


def conv2d(inputs: Any, filters: int, kernel_size: Any, strides: Any = (1, 1),
           padding: str = "valid", data_format: str = "channels_last",
           dilation_rate: Any = (1, 1), activation: Callable | None = None,
           use_bias: bool = True, kernel_initializer: Any = None, bias_initializer: Any = None,
           kernel_regularizer: Callable | None = None,
           bias_regularizer: Callable | None = None,
           activity_regularizer: Callable | None = None, kernel_constraint: Any = None,
           bias_constraint: Any = None, trainable: bool = True, name: str | None = None,
           reuse: Any = None) -> Tensor:
    """A 2-D convolution layer: variables ``<name>/kernel`` ``[kh, kw, in, filters]`` and
    ``<name>/bias`` ``[filters]``; ``name`` defaults to ``conv2d``, ``conv2d_1``, ...

    Raises:
        ValueError: for non-positive sizes, bad padding/data_format, a dilation other than
            1, an input that is not 4-D, or an unknown channel dimension.
    """
    layer = "conv2d"
    filters = base.positive_int(filters, "filters", layer)
    kh, kw = base.int_pair(kernel_size, "kernel_size", layer)
    sh, sw = base.int_pair(strides, "strides", layer)
    pad = base.padding_arg(padding, layer)
    fmt = base.data_format_arg(data_format, layer)
    if base.int_pair(dilation_rate, "dilation_rate", layer) != (1, 1):
        raise ValueError(f"conv2d: dilation_rate other than 1 is not supported, got "
                         f"{dilation_rate!r}.")
    x = base.float_input(inputs, layer)
    if x.shape.ndims is not None and x.shape.ndims != 4:
        raise ValueError(f"Input 0 of layer conv2d is incompatible with the layer: expected "
                         f"ndim=4, found ndim={x.shape.ndims}. Full shape received: "
                         f"{x.shape}")
    dims = x.shape.as_list() if x.shape.ndims == 4 else [None] * 4
    channels = dims[3] if fmt == "NHWC" else dims[1]
    if channels is None:
        raise ValueError("conv2d: the channel dimension of the inputs should be defined. "
                         "Found `None`.")
    with base.layer_scope(name, layer, reuse):
        kernel = vs.get_variable("kernel", [kh, kw, channels, filters], dtype=x.dtype,
                                 initializer=kernel_initializer or
                                 init_ops.glorot_uniform_initializer(),
                                 regularizer=kernel_regularizer, trainable=trainable,
                                 constraint=kernel_constraint)
        st = [1, sh, sw, 1] if fmt == "NHWC" else [1, 1, sh, sw]
        y = nn_ops.conv2d(x, kernel, strides=st, padding=pad, data_format=fmt)
        if use_bias:
            bias = vs.get_variable("bias", [filters], dtype=x.dtype,
                                   initializer=bias_initializer or init_ops.zeros_initializer(),
                                   regularizer=bias_regularizer, trainable=trainable,
                                   constraint=bias_constraint)
            y = nn_ops.bias_add(y, bias, data_format=fmt)
        y = base.apply_activation(y, activation, layer)
        base.add_activity_loss(y, activity_regularizer)
    return y


def max_pooling2d(inputs: Any, pool_size: Any, strides: Any, padding: str = "valid",
                  data_format: str = "channels_last", name: str | None = None) -> Tensor:
    """Max pooling over ``pool_size`` windows moved by ``strides``.

    Raises:
        ValueError: for non-positive sizes or bad padding/data_format.
    """
    layer = "max_pooling2d"
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
        return nn_ops.max_pool(x, ksize=ks, strides=st, padding=pad, data_format=fmt)


__all__ = ["conv2d", "max_pooling2d"]
