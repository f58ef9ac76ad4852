"""``tf.bitcast``: the same bytes read as another dtype (no copy of the values' bits).

A wider output type consumes the input's last dimension (which must hold exactly the
size ratio); a narrower one adds a last dimension of that ratio. Byte order is the
machine's (little-endian here, as TF on x86).

Example:
    >>> tk.bitcast(tk.constant([1.0], tk.float32), tk.int32)   # [1065353216]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op


def bitcast(input: Any, type: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """``input``'s bytes as dtype ``type``.

    Raises:
        TypeError: for string or other non-numeric dtypes.
        ValueError: when the last dimension does not hold the size ratio of a narrower
            input type.
    """
    x = conversion.convert_to_tensor(input, name="input")
    out_dt = _dt.as_dtype(type)
    for dt in (x.dtype, out_dt):
        if dt.base_dtype == _dt.string or dt.base_dtype.as_numpy_dtype is object:
            raise TypeError(f"bitcast does not take {dt.name} tensors.")
    a, b = x.dtype.size, out_dt.size
    shape = x.shape
    if shape.ndims is not None:
        dims = shape.as_list()
        if a > b:
            dims = dims + [a // b]
        elif a < b:
            last = dims[-1] if dims else None
            if not dims or (last is not None and last != b // a):
                raise ValueError(
                    f"Cannot bitcast from {x.dtype.as_datatype_enum} to "
                    f"{out_dt.as_datatype_enum} due to shape. "
                    f"{last if dims else 'scalar'} does not match {b // a}")
            dims = dims[:-1]
        shape = TensorShape(dims)
    return make_op("Bitcast", [x], [out_dt], name=name or "Bitcast",
                   attrs={"T": x.dtype, "type": out_dt}, shapes=[shape]).outputs[0]


@registry.register_kernel("Bitcast")
def _bitcast(ctx: registry.KernelContext, x: Any) -> np.ndarray:
    out = np.dtype(ctx.attrs["type"].as_numpy_dtype)
    arr = np.ascontiguousarray(x)
    a, b = arr.dtype.itemsize, out.itemsize
    if a >= b:  # (a copy: the op's value never shares the input's memory)
        return arr.view(out).reshape(arr.shape + ((a // b,) if a > b else ())).copy()
    if not arr.shape or arr.shape[-1] != b // a:
        raise errors.InvalidArgumentError(
            None, None, f"Cannot bitcast due to shape. {arr.shape[-1] if arr.shape else 0} "
                        f"does not match {b // a}")
    return arr.view(out).reshape(arr.shape[:-1]).copy()


registry.not_differentiable("Bitcast")

__all__ = ["bitcast"]
