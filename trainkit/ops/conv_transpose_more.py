"""``tf.nn.conv1d_transpose``: ``conv2d_transpose`` on a height-1 image (its gradients
are the 2-D op's).

Example:
    >>> y = conv1d_transpose(x, w, [2, 16, 4], 2)                   # w [k, out, in]
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, conv_transpose_ops
from trainkit.ops.static_value import constant_value


def shape_list(output_shape: Any, rank: int, who: str) -> Any:
    """``output_shape`` as a list of ints when known at build time, else the tensor.

    Raises:
        ValueError: a known shape with another number of entries than ``rank``.
    """
    if isinstance(output_shape, Tensor):
        v = constant_value(output_shape)
        if v is None:
            return output_shape
        output_shape = v.tolist()
    dims = [int(d) for d in output_shape]
    if len(dims) != rank:
        raise ValueError(f"{who}: output_shape must have {rank} entries, got {dims}.")
    return dims


def conv1d_transpose(input: Any, filters: Any, output_shape: Any,  # noqa: A002
                     strides: Any, padding: str = "SAME", data_format: str = "NWC",
                     dilations: Any = None, name: str | None = None) -> Tensor:
    """The transpose of ``conv1d``: ``[batch, width, in]`` with a ``[k, out, in]`` filter
    to ``output_shape`` ``[batch, out_width, out]``.

    Raises:
        ValueError: a data format other than NWC or a bad ``output_shape``.
    """
    if data_format != "NWC":
        raise ValueError("conv1d_transpose supports data_format='NWC' only.")
    s = strides if isinstance(strides, int) else list(strides)[1 if len(list(strides)) == 3
                                                               else 0]
    with name_scope(name, "conv1d_transpose", [input, filters]):
        x = array_ops.expand_dims(conversion.convert_to_tensor(input, name="input"), 1)
        w = array_ops.expand_dims(conversion.convert_to_tensor(filters, name="filters"), 0)
        dims = shape_list(output_shape, 3, "conv1d_transpose")
        if isinstance(dims, list):
            shape4: Any = [dims[0], 1, dims[1], dims[2]]
        else:
            shape4 = array_ops.concat([dims[:1], [1], dims[1:]], 0)
        y = conv_transpose_ops.conv2d_transpose(x, w, shape4, [1, 1, int(s), 1], padding)
        return array_ops.squeeze(y, [1])


__all__ = ["conv1d_transpose", "shape_list"]
