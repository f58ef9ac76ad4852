"""``tf.nn.atrous_conv2d_transpose``: the transpose of ``atrous_conv2d``, built as TF
builds it: ``space_to_batch`` of the input by ``rate`` (padded so the dilated output
splits evenly), a stride-1 VALID ``conv2d_transpose`` on every phase, and
``batch_to_space`` cropping the SAME padding back off. Its gradients are those ops'.

Example:
    >>> y = atrous_conv2d_transpose(x, w, [2, 32, 32, 8], rate=2, padding="SAME")
"""

from __future__ import annotations

import numbers
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import conv_transpose_ops, space_batch_ops
from trainkit.ops.conv_transpose_more import shape_list


def _split(total: int) -> tuple[int, int]:
    return total // 2, total - total // 2


def atrous_conv2d_transpose(value: Any, filters: Any, output_shape: Any, rate: int,
                            padding: str, name: str | None = None) -> Tensor:
    """The transpose of ``atrous_conv2d`` (NHWC).

    Args:
        value: ``[batch, in_height, in_width, in_channels]``, floating.
        filters: ``[height, width, out_channels, in_channels]`` of ``value``'s dtype.
        output_shape: 4 ints ``[batch, out_height, out_width, out_channels]`` (a list or a
            constant tensor: the sizes must be known when the graph is built).
        rate: the dilation, an int >= 1.
        padding: ``"SAME"`` or ``"VALID"``.
        name: the name scope (default ``"atrous_conv2d_transpose"``).

    Raises:
        TypeError: a ``rate`` that is not an int.
        ValueError: channel counts that do not match ``filters``, a ``rate`` below 1, a
            bad padding, or an ``output_shape`` that is not 4 known ints.
    """
    with name_scope(name, "atrous_conv2d_transpose", [value, filters]):
        x = conversion.convert_to_tensor(value, name="value")
        w = conversion.convert_to_tensor(filters, name="filters", dtype=x.dtype)
        xc = x.shape[3] if x.shape.ndims == 4 else None
        wc = w.shape[3] if w.shape.ndims == 4 else None
        if xc is not None and wc is not None and xc != wc:
            raise ValueError("`value` channel count must be compatible with `filters` input"
                             f" channel count. Received: value.shape={x.shape} with channel "
                             f"count {xc} and filters.shape={w.shape} with input channel "
                             f"count {wc}.")
        if isinstance(rate, bool) or not isinstance(rate, numbers.Number):
            raise TypeError(f"`rate` must be an int, got {rate!r}.")
        if rate < 1:
            raise ValueError(f"`rate` cannot be less than one. Received: rate={rate}")
        if not isinstance(rate, numbers.Integral):
            raise TypeError(f"`rate` must be an int, got {rate!r}.")
        rate = int(rate)
        if rate == 1:
            return conv_transpose_ops.conv2d_transpose(x, w, output_shape, [1, 1, 1, 1],
                                                       padding)
        try:
            out = shape_list(output_shape, 4, "atrous_conv2d_transpose")
        except ValueError:
            raise ValueError("`output_shape` must have shape (4,). Received: "
                             f"output_shape={output_shape!r}") from None
        if not isinstance(out, list):
            raise ValueError("atrous_conv2d_transpose: output_shape must be known when the "
                             "graph is built.")
        oc = w.shape[2] if w.shape.ndims == 4 else None
        if oc is not None and oc != out[3]:
            raise ValueError("`output_shape` channel count must be compatible with `filters`"
                             f" output channel count. Received: output_shape={out} with "
                             f"channel count {out[3]} and filters.shape={w.shape} with "
                             f"output channel count {oc}")
        if padding == "SAME":
            if w.shape.ndims != 4 or None in w.shape.as_list()[:2]:
                raise ValueError("atrous_conv2d_transpose: the filter's height and width "
                                 f"must be known, got {w.shape}.")
            fh, fw = w.shape.as_list()[:2]
            top, bottom = _split((fh - 1) * rate)
            left, right = _split((fw - 1) * rate)
        elif padding == "VALID":
            top = bottom = left = right = 0
        else:
            raise ValueError("`padding` must be either 'VALID' or 'SAME'. Received: "
                             f"padding={padding}")
        in_h, in_w = out[1] + top + bottom, out[2] + left + right
        extra_h, extra_w = -in_h % rate, -in_w % rate
        phases = space_batch_ops.space_to_batch(x, [[0, extra_h], [0, extra_w]], rate)
        sizes = [rate * rate * out[0], (in_h + extra_h) // rate, (in_w + extra_w) // rate,
                 out[3]]
        y = conv_transpose_ops.conv2d_transpose(phases, w, sizes, [1, 1, 1, 1], "VALID")
        return space_batch_ops.batch_to_space(
            y, [[top, bottom + extra_h], [left, right + extra_w]], rate)


__all__ = ["atrous_conv2d_transpose"]
