"""``tf.compat.v1.nn.conv3d_backprop_filter`` / ``conv3d_backprop_filter_v2`` (TF's
``Conv3DBackpropFilterV2``): the gradient of ``conv3d`` with respect to its filter, built
in the graph as ``tk.gradients`` of a ``conv3d`` over a zero filter of ``filter_sizes``
with ``grad_ys=out_backprop`` (the convolution is linear in its filter, so the zeros do
not matter); it differentiates through the 2-D ops' rules.

Example:
    >>> dw = conv3d_backprop_filter(x, [3, 3, 3, 4, 8], dy, [1, 1, 1, 1, 1], "SAME")
"""

from __future__ import annotations

from typing import Any

from trainkit.autodiff.gradients import gradients
from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, conv3d_ops
from trainkit.ops.conv_transpose_more import shape_list


def _strides(value: Any, what: str, op: str) -> list[int]:
    if not isinstance(value, list | tuple):
        raise TypeError(f"Expected list for '{what}' argument to '{op}' Op, not {value!r}.")
    if len(value) < 5:
        raise ValueError(f"Attr '{what}' of 'Conv3DBackpropFilterV2' Op passed list of "
                         f"length {len(value)} less than minimum 5.")
    return [int(v) for v in value]


def conv3d_backprop_filter(input: Any, filter_sizes: Any,  # noqa: A002 - TF's names
                           out_backprop: Any, strides: Any, padding: str,
                           data_format: str = "NDHWC", dilations: Any = (1, 1, 1, 1, 1),
                           name: str | None = None) -> Tensor:
    """The gradient of ``conv3d(input, filter)`` with respect to a filter of shape
    ``filter_sizes`` ``[kd, kh, kw, in, out]``, for the output gradient ``out_backprop``.

    Raises:
        TypeError: non-list strides or dilations.
        ValueError: strides/dilations without 5 entries, a bad padding or data format,
            ``filter_sizes`` without 5 entries, or an ``out_backprop`` whose shape is not
            the convolution's output shape. Differs from TF: TF raises the shape errors
            and batch/channel strides as ``InvalidArgumentError`` when the op runs, and
            its CPU kernel rejects dilations, which are supported here.
    """
    st = _strides(strides, "strides", "conv3d_backprop_filter")
    dl = _strides(list(dilations), "dilations", "conv3d_backprop_filter")
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"Attr 'padding' of 'Conv3DBackpropFilterV2' Op passed string "
                         f"{padding!r} not in: \"SAME\", \"VALID\".")
    with name_scope(name, "Conv3DBackpropFilterV2", [input, out_backprop]):
        x = conversion.convert_to_tensor(input, name="input")
        dy = conversion.convert_to_tensor(out_backprop, name="out_backprop", dtype=x.dtype)
        sizes = shape_list(filter_sizes, 5, "conv3d_backprop_filter")
        if not isinstance(sizes, list):
            raise ValueError("conv3d_backprop_filter: filter_sizes must be known when the "
                             "graph is built.")
        w = array_ops.zeros(sizes, dtype=x.dtype)
        y = conv3d_ops.conv3d(x, w, st, padding, data_format=data_format, dilations=dl)
        if not y.shape.is_compatible_with(dy.shape):
            raise ValueError(f"conv3d_backprop_filter: out_backprop has shape {dy.shape}, "
                             f"the convolution's output is {y.shape}.")
        (dw,) = gradients(y, [w], grad_ys=dy)
        return dw


conv3d_backprop_filter_v2 = conv3d_backprop_filter

__all__ = ["conv3d_backprop_filter", "conv3d_backprop_filter_v2"]
