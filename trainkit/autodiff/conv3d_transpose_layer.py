"""``tf.layers.conv3d_transpose`` / ``tf.layers.Conv3DTranspose``: the layer over
``tf.nn.conv3d_transpose`` (which is built from ``conv3d``'s input gradient, so the layer
lives beside it in autodiff/).

Example:
    >>> up = tk.layers.conv3d_transpose(volumes, filters=8, kernel_size=3, strides=2,
    ...                                 padding="same")     # [N, 2D, 2H, 2W, 8]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.autodiff.conv3d_transpose import conv3d_transpose as nn_conv3d_transpose
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, init_ops, join_ops
from trainkit.ops import variable_scope as vs
from trainkit.ops.layers_impl import base
from trainkit.ops.layers_impl.classes import Conv3D
from trainkit.ops.layers_impl.conv import deconv_length
from trainkit.ops.layers_impl.conv3d_layers import triple


def conv3d_transpose(inputs: Any, filters: int, kernel_size: Any, strides: Any = (1, 1, 1),
                     padding: str = "valid", data_format: str = "channels_last",
                     activation: Callable | None = None, use_bias: bool = True,
                     kernel_initializer: Any = None, bias_initializer: Any = base.ZEROS,
                     kernel_regularizer: Callable | None = None,
                     bias_regularizer: Callable | None = None,
                     activity_regularizer: Callable | None = None,
                     kernel_constraint: Any = None, bias_constraint: Any = None,
                     trainable: bool = True, name: str | None = None,
                     reuse: Any = None) -> Tensor:
    """A transposed 3-D convolution layer: variables ``<name>/kernel``
    ``[kd, kh, kw, filters, in_channels]`` and ``<name>/bias`` ``[filters]``; each spatial
    size becomes ``size * stride`` (SAME) or ``size * stride + max(k - stride, 0)``
    (VALID). ``name`` defaults to ``conv3d_transpose``, ``conv3d_transpose_1``, ...

    Raises:
        ValueError: for non-positive sizes, bad padding/data_format, an input that is not
            5-D, an unknown channel dimension or an unknown depth.
    """
    layer = "conv3d_transpose"
    filters = base.positive_int(filters, "filters", layer)
    k = triple(kernel_size, "kernel_size", layer)
    st = triple(strides, "strides", layer)
    pad = base.padding_arg(padding, layer)
    last = base.data_format_arg(data_format, layer) == "NHWC"
    x, channels = base.conv_input(inputs, layer, 5, last)
    if not last:  # the op is NDHWC only: transpose in and out
        x = array_ops.transpose(x, [0, 2, 3, 4, 1])
    with base.layer_scope(name, layer, reuse):
        kernel = vs.get_variable("kernel", [*k, filters, channels], dtype=x.dtype,
                                 initializer=kernel_initializer or
                                 init_ops.glorot_uniform_initializer(),
                                 regularizer=kernel_regularizer, trainable=trainable,
                                 constraint=kernel_constraint)
        dims = x.shape.as_list()
        dyn = array_ops.shape(x)
        size = [dims[i] if dims[i] is not None else dyn[i] for i in range(4)]
        out = [size[0]] + [deconv_length(size[i + 1], k[i], st[i], pad) for i in range(3)]
        out.append(filters)
        shape = out if all(isinstance(d, int) for d in out) else join_ops.stack(out)
        y = nn_conv3d_transpose(x, kernel, shape, [1, *st, 1], pad)
        y.set_shape([d if isinstance(d, int) else None for d in out])
        if not last:
            y = array_ops.transpose(y, [0, 4, 1, 2, 3])
        y = base.bias_and_activation(
            y, filters, layer, use_bias=use_bias,
            bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
            bias_constraint=bias_constraint, trainable=trainable, activation=activation,
            activity_regularizer=activity_regularizer, channels_first=not last)
    return y


class Conv3DTranspose(Conv3D):
    """``tf.layers.Conv3DTranspose(filters, kernel_size, strides=(1, 1, 1),
    padding='valid', ...)`` (a ``Conv3D`` subclass, as in TF)."""

    _fn = staticmethod(conv3d_transpose)

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1, 1),
                 padding: str = "valid", data_format: str = "channels_last",
                 **kwargs: Any):
        super(Conv3D, self).__init__(filters, kernel_size, strides, padding, data_format,
                                     **kwargs)


__all__ = ["conv3d_transpose", "Conv3DTranspose"]
