"""``tf.nn.conv3d_transpose``: TF's ``Conv3DBackpropInputV2``, built here as the gradient
of ``conv3d`` with respect to its input (so it lives with the gradient machinery, and
differentiates through the 2-D ops' rules).

Example:
    >>> y = conv3d_transpose(x, w, [2, 8, 8, 8, 4], [1, 2, 2, 2, 1])   # w [d, h, w, out, in]
"""

from __future__ import annotations

from typing import Any

from trainkit.autodiff.gradients import gradients
from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, conv3d_ops
from trainkit.ops.conv_transpose_more import shape_list
from trainkit.ops.static_value import partial_shape_value


def conv3d_transpose(value: Any = None, filter: Any = None,  # noqa: A002
                     output_shape: Any = None, strides: Any = None, padding: str = "SAME",
                     data_format: str = "NDHWC", name: str | None = None, input: Any = None,
                     filters: Any = None, dilations: Any = None) -> Tensor:
    """The transpose of ``conv3d``: ``[batch, d, h, w, in]`` with a
    ``[kd, kh, kw, out, in]`` filter to ``output_shape`` (NDHWC).

    Raises:
        ValueError: a data format other than NDHWC or a bad ``output_shape`` (its depth
            must be known when the graph is built; the other entries may be run-time).
    """
    if data_format != "NDHWC":
        raise ValueError("conv3d_transpose supports data_format='NDHWC' only.")
    value = value if value is not None else input
    filter = filter if filter is not None else filters
    with name_scope(name, "conv3d_transpose", [value, filter]):
        v = conversion.convert_to_tensor(value, name="value")
        w = conversion.convert_to_tensor(filter, name="filter", dtype=v.dtype)
        dims = shape_list(output_shape, 5, "conv3d_transpose")
        if isinstance(dims, list):
            static = TensorShape(dims)
        else:  # a run-time shape (a layer's batch): its depth must be known
            static = partial_shape_value(dims)
            if static.ndims != 5 or static[1] is None:
                raise ValueError("conv3d_transpose: the output depth must be known when the "
                                 f"graph is built, got output_shape {static}.")
        x = array_ops.zeros(dims, dtype=v.dtype)
        x.set_shape(static)
        y = conv3d_ops.conv3d(x, w, strides, padding)  # w is conv3d's [.., out, in] filter
        (out,) = gradients(y, [x], grad_ys=v)
        out.set_shape(static)
        return out


__all__ = ["conv3d_transpose"]
