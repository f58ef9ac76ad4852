"""``conv2d_transpose`` and ``atrous_conv2d`` (``tf.compat.v1.nn``) over the conv2d kernels.

``conv2d_transpose`` is the gradient of ``conv2d`` with respect to its input, so it runs
the ``Conv2DBackpropInput`` kernel (whose gradients are registered); ``atrous_conv2d`` is
``conv2d`` with equal dilations in height and width.

Example:
    >>> y = conv2d_transpose(x, w, output_shape=[8, 14, 14, 16], strides=[1, 2, 2, 1])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.ops import conv_ops


def _float_pair(value: Any, filt: Any, who: str) -> tuple[Tensor, Tensor]:
    x = conversion.convert_to_tensor(value)
    w = filt if isinstance(filt, Tensor) else conversion.convert_to_tensor(filt, dtype=x.dtype)
    if not x.dtype.is_floating or w.dtype is not x.dtype:
        raise TypeError(f"{who}: value and filter must share a floating dtype, got "
                        f"{x.dtype.name} and {w.dtype.name}.")
    return x, w


def conv2d_transpose(value: Any = None, filter: Any = None, output_shape: Any = None,
                     strides: Any = None, padding: str = "SAME", data_format: str = "NHWC",
                     name: str | None = None, input: Any = None, filters: Any = None,
                     dilations: Any = None) -> Tensor:
    """The transpose of ``conv2d`` (sometimes called deconvolution).

    Args:
        value: 4-D input ``[batch, height, width, in_channels]`` (NHWC).
        filter: ``[height, width, output_channels, in_channels]``.
        output_shape: the 4-D output shape, a list or a 1-D int tensor.
        strides: an int or 1, 2 or 4 ints (batch and channel entries 1).
        padding: ``'SAME'`` or ``'VALID'``.

    Raises:
        ValueError: for a channel count that does not match the filter, an
            ``output_shape`` that is not 4 long, or a bad padding/data_format.
    """
    value = value if value is not None else input
    filter = filter if filter is not None else filters
    if value is None or filter is None or output_shape is None or strides is None:
        raise ValueError("conv2d_transpose needs value, filter, output_shape and strides.")
    x, w = _float_pair(value, filter, "conv2d_transpose")
    fmt = conv_ops.check_data_format(data_format)
    pad = conv_ops.check_padding(padding)
    axis = 3 if fmt == "NHWC" else 1
    xc = x.shape.as_list()[axis] if x.shape.ndims == 4 else None
    wd = w.shape.as_list() if w.shape.ndims == 4 else [None] * 4
    if xc is not None and wd[3] is not None and xc != wd[3]:
        raise ValueError(f"input channels does not match filter's input channels, {xc} "
                         f"!= {wd[3]}")
    shape_t = output_shape if isinstance(output_shape, Tensor) else \
        conversion.convert_to_tensor(output_shape, dtype=_dt.int32, name="output_shape")
    if not shape_t.shape.is_compatible_with([4]):
        raise ValueError(f"output_shape must have shape (4,), got {shape_t.shape}")
    if isinstance(output_shape, list | tuple | np.ndarray):
        oc = int(np.asarray(output_shape)[axis])
        if wd[2] is not None and wd[2] != oc:
            raise ValueError(f"output_shape does not match filter's output channels, "
                             f"{oc} != {wd[2]}")
    attrs = conv_ops.conv_attrs(strides, pad, fmt, dilations or (1, 1, 1, 1))
    return conv_ops.conv2d_backprop_input(shape_t, w, x, attrs,
                                          name=name or "conv2d_transpose")


def atrous_conv2d(value: Any, filters: Any, rate: int, padding: str,
                  name: str | None = None) -> Tensor:
    """Dilated ("atrous") convolution: ``conv2d`` with the filter taps ``rate`` apart.

    Raises:
        ValueError: if ``rate`` is not a positive int, or for a bad padding.
    """
    if isinstance(rate, bool) or not isinstance(rate, int | np.integer) or rate < 1:
        raise ValueError(f"rate {rate!r} cannot be less than one")
    x, w = _float_pair(value, filters, "atrous_conv2d")
    return conv_ops.conv2d(x, w, strides=[1, 1, 1, 1], padding=padding,
                           dilations=[1, int(rate), int(rate), 1], name=name or "convolution")


__all__ = ["conv2d_transpose", "atrous_conv2d"]
