"""``constant``: a ``Const`` op holding a NumPy value (read-only)."""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import get_default_graph
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor


def _fit_to_shape(arr: np.ndarray, shape: list[int]) -> np.ndarray:
    n = int(np.prod(shape)) if shape else 1
    if arr.size == n:
        return arr.reshape(shape)
    if arr.size == 1:
        return np.full(shape, arr.reshape(()), dtype=arr.dtype)
    if arr.size > n:
        raise TypeError(f"Too many elements provided. Needed at most {n}, but received "
                        f"{arr.size}")
    if arr.size == 0:
        raise ValueError(f"Cannot fill shape {shape} from an empty value.")
    # TF1 pads a short value with its last element.
    flat = np.concatenate([arr.reshape(-1), np.repeat(arr.reshape(-1)[-1:], n - arr.size)])
    return flat.reshape(shape)


def constant(value: Any, dtype: Any = None, shape: Any = None, name: str = "Const",
             verify_shape: bool = False) -> Tensor:
    """A tensor with a constant value.

    Args:
        value: a Python or NumPy value (nested lists allowed).
        dtype: the element type; inferred when None (Python floats become float32).
        shape: optional shape; a scalar value is broadcast, a value with as many elements
            is reshaped, a shorter value is padded with its last element (TF1).
        name: the op name.
        verify_shape: require ``value`` to have exactly ``shape``.

    Raises:
        TypeError: if the value does not fit ``dtype`` or has too many elements.

    Example:
        >>> constant(0.0, shape=[2, 2]).shape.as_list()
        [2, 2]
    """
    dt = None if dtype is None else _dt.as_dtype(dtype)
    arr = conversion.value_to_ndarray(value, dt)
    if dt is None:
        dt = _dt.as_dtype(arr.dtype) if arr.dtype != object else _dt.string
    if shape is not None:
        shape = [int(d) for d in (shape if isinstance(shape, list | tuple) else
                                  TensorShape(shape).as_list())]
        if verify_shape and list(arr.shape) != shape:
            raise TypeError(f"Expected Tensor's shape: {tuple(shape)}, got {arr.shape}.")
        arr = _fit_to_shape(arr, shape)
    if not arr.flags.c_contiguous or arr.base is not None or arr is value:
        arr = arr.copy()
    arr.flags.writeable = False
    op = get_default_graph().create_op(
        "Const", [], [dt], name=name, attrs={"value": arr, "dtype": dt},
        shapes=[TensorShape(arr.shape)])
    return op.outputs[0]


@registry.register_kernel("Const", aliases_input=True)
def _const_kernel(ctx: registry.KernelContext) -> np.ndarray:
    return ctx.attrs["value"]


registry.not_differentiable("Const")
conversion.set_constant_factory(constant)

__all__ = ["constant"]
