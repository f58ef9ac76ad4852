"""``tf.nn.conv_transpose``: the rank-generic transpose of ``convolution``, choosing
``conv1d_transpose``, ``conv2d_transpose`` or ``conv3d_transpose`` by the length of
``output_shape`` (3, 4 or 5), as TF. It lives beside ``conv3d_transpose``, which is built
from gradients.

Example:
    >>> y = conv_transpose(x, w, [8, 14, 14, 16], strides=2)   # the 2-D transpose
"""

from __future__ import annotations

from collections.abc import Sized
from typing import Any

from trainkit.autodiff.conv3d_transpose import conv3d_transpose
from trainkit.framework.tensor import Tensor
from trainkit.ops.conv_transpose_more import conv1d_transpose
from trainkit.ops.conv_transpose_ops import conv2d_transpose

_DEFAULT_FORMATS = {1: "NWC", 2: "NHWC", 3: "NDHWC"}


def _spatial(value: Any, n: int) -> Any:
    """An int or a 1-entry list repeated over the ``n`` spatial dimensions (TF's rule);
    other lengths are left to the chosen op to check."""
    if value is None:
        return None
    if isinstance(value, int):
        return [value] * n
    vals = list(value)
    return vals * n if len(vals) == 1 else vals


def conv_transpose(input: Any, filters: Any, output_shape: Any,  # noqa: A002 - TF's name
                   strides: Any, padding: str = "SAME", data_format: str | None = None,
                   dilations: Any = None, name: str | None = None) -> Tensor:
    """The transpose of ``convolution`` over 1, 2 or 3 spatial dimensions.

    Args:
        input: ``[batch, *spatial, in_channels]`` (channels first for ``"NC..."``).
        filters: ``[*spatial_filter, out_channels, in_channels]``.
        output_shape: the ``N + 2`` output dims, a list or a 1-D int tensor.
        strides: an int or 1, ``N`` or ``N + 2`` ints.
        padding: ``"SAME"`` or ``"VALID"``.
        data_format: the layout; None is ``NWC`` / ``NHWC`` / ``NDHWC``.
        dilations: an int or 1, ``N`` or ``N + 2`` ints.
        name: the op's name (default ``"conv_transpose"``).

    Raises:
        ValueError: an ``output_shape`` that is not sized or not of length 3, 4 or 5, and
            whatever the chosen op raises (strides, padding, channels). Differs from TF:
            dilations other than 1 in 1-D and 3-D are a ValueError.
    """
    if isinstance(output_shape, Tensor):
        length = output_shape.shape[0] if output_shape.shape.ndims == 1 else None
    elif isinstance(output_shape, Sized):
        length = len(output_shape)
    else:
        raise ValueError("`output_shape` must be a tensor or sized collection. Received: "
                         f"output_shape={output_shape!r}")
    n = None if length is None else length - 2
    if n not in (1, 2, 3):
        raise ValueError(f"`output_shape` must be of length 3, 4 or 5. Received: "
                         f"output_shape={output_shape!r} of length {length}.")
    if n != 2 and dilations is not None and any(int(d) != 1 for d in _spatial(dilations, n)):
        raise ValueError(f"conv_transpose: dilations other than 1 are supported for 2-D "
                         f"only here, got {dilations!r} for {n}-D.")
    fmt = data_format or _DEFAULT_FORMATS[n]
    name = name or "conv_transpose"
    if n == 1:
        return conv1d_transpose(input, filters, output_shape, strides, padding, fmt,
                                dilations, name=name)
    if n == 2:
        return conv2d_transpose(input, filters, output_shape, strides, padding, fmt,
                                name=name, dilations=_spatial(dilations, 2))
    return conv3d_transpose(input, filters, output_shape, _spatial(strides, 3), padding,
                            fmt, name=name)


__all__ = ["conv_transpose"]
