"""``tf.compat.v1.nn.conv1d``: a 1-D convolution computed, as TF1 computes it, by a
``conv2d`` over a height-1 image (``ExpandDims`` of the input and filter, ``Conv2D``,
``Squeeze``), so gradients and kernels are conv2d's.

Example:
    >>> y = conv1d(x, w, stride=1, padding="VALID")   # x [N, W, C], w [K, C, F]
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops.conv_ops import conv2d
from trainkit.ops.shape_ops import expand_dims, squeeze


def _one(value: Any, what: str) -> int:
    if isinstance(value, int):
        return value
    values = list(value)
    if len(values) == 1:
        return int(values[0])
    if len(values) == 3 and values[0] == values[2] == 1:
        return int(values[1])
    raise ValueError(f"conv1d: {what} must be an int, [w] or [1, w, 1], got {value!r}.")


def conv1d(value: Any = None, filters: Any = None, stride: Any = None, padding: Any = None,
           use_cudnn_on_gpu: Any = None, data_format: str | None = None,
           name: str | None = None, input: Any = None, dilations: Any = None) -> Tensor:
    """Convolves a ``[batch, width, in_channels]`` input (``NWC``; ``NCW`` for channels
    first) with a ``[filter_width, in_channels, out_channels]`` filter.

    Raises:
        ValueError: for a bad data_format, stride or dilation, or missing arguments.
    """
    value = input if value is None else value
    if value is None or filters is None or stride is None or padding is None:
        raise ValueError("conv1d needs value, filters, stride and padding.")
    fmt = data_format or "NWC"
    if fmt not in ("NWC", "NHWC", "NCW", "NCHW"):
        raise ValueError(f"data_format must be \"NWC\" or \"NCW\", got {data_format!r}.")
    channels_first = fmt in ("NCW", "NCHW")
    s = _one(stride, "stride")
    d = 1 if dilations is None else _one(dilations, "dilations")
    with name_scope(name, "conv1d", [value, filters]):
        x = conversion.convert_to_tensor(value, name="value")
        axis = 2 if channels_first else 1
        x = expand_dims(x, axis)
        w = expand_dims(conversion.convert_to_tensor(filters, name="filters"), 0)
        if channels_first:
            y = conv2d(x, w, strides=[1, 1, 1, s], padding=padding, data_format="NCHW",
                       dilations=[1, 1, 1, d])
        else:
            y = conv2d(x, w, strides=[1, 1, s, 1], padding=padding, data_format="NHWC",
                       dilations=[1, 1, d, 1])
        return squeeze(y, [axis])
