"""``cast`` and its shortcuts (``to_float``, ``to_double``, ``to_int32``, ``to_int64``).

Floats cast to integers truncate toward zero; anything cast to ``bool`` is ``x != 0``;
complex numbers cast to a real dtype keep their real part (and the gradient of a cast
between real and complex dtypes is the gradient cast back, as TF);
casting to the tensor's own dtype returns the tensor itself (as TF1 does). Strings cannot
be cast (``TypeError``).

Example:
    >>> import trainkit as tk
    >>> tk.cast(tk.constant([1.7, -1.7]), tk.int32).dtype
    tk.int32
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.sparse_tensor import SparseTensor, SparseTensorValue
from trainkit.framework.tensor import Tensor
from trainkit.ops import half_loops
from trainkit.ops.elementwise import quiet
from trainkit.ops.op_util import make_op


def cast(x: Any, dtype: Any, name: str | None = None) -> Any:
    """``x`` converted elementwise to ``dtype`` (a ``SparseTensor``'s values for a
    ``SparseTensor``, giving a ``SparseTensor``).

    Raises:
        TypeError: if either dtype is ``string`` or ``dtype`` is not a dtype.
    """
    dst = _dt.as_dtype(dtype)
    if isinstance(x, (SparseTensor, SparseTensorValue)):  # TF1 casts a sparse tensor's values
        sp = SparseTensor.from_value(x)
        return SparseTensor(sp.indices, cast(sp.values, dst, name=name), sp.dense_shape)
    x = conversion.convert_to_tensor(x)
    if x.dtype is dst:
        return x
    if x.dtype is _dt.string or dst is _dt.string:
        raise TypeError(f"Cast op '{name or 'Cast'}': cannot cast {x.name} from "
                        f"{x.dtype.name} to {dst.name}.")
    return make_op("Cast", [x], [dst], name=name or "Cast",
                   attrs={"SrcT": x.dtype, "DstT": dst, "_np": dst.np_dtype},
                   shapes=[x.shape]).outputs[0]


def to_float(x: Any, name: str = "ToFloat") -> Tensor:
    """``cast(x, float32)``."""
    return cast(x, _dt.float32, name=name)


def to_double(x: Any, name: str = "ToDouble") -> Tensor:
    """``cast(x, float64)``."""
    return cast(x, _dt.float64, name=name)


def to_int32(x: Any, name: str = "ToInt32") -> Tensor:
    """``cast(x, int32)``."""
    return cast(x, _dt.int32, name=name)


def to_int64(x: Any, name: str = "ToInt64") -> Tensor:
    """``cast(x, int64)``."""
    return cast(x, _dt.int64, name=name)


def to_complex64(x: Any, name: str = "ToComplex64") -> Tensor:
    """``cast(x, complex64)`` (TF1's deprecated shorthand)."""
    return cast(x, _dt.complex64, name=name)


def to_complex128(x: Any, name: str = "ToComplex128") -> Tensor:
    """``cast(x, complex128)`` (TF1's deprecated shorthand)."""
    return cast(x, _dt.complex128, name=name)


@registry.register_kernel("Cast")
@quiet  # NaN/inf -> int is undefined (as in TF) but must not warn
def _cast(ctx: registry.KernelContext, x: Any) -> Any:
    if x.dtype.kind == "c" and not ctx.op.outputs[0].dtype.is_complex:
        x = x.real  # complex -> real keeps the real part (TF), without NumPy's warning
    to = ctx.attrs["_np"]
    if half_loops.usable(x):   # NumPy's float16 conversions are slow, worst on subnormals
        if x.dtype == np.float32 and to == np.float16:
            return half_loops.float32_to_float16(x)
        if x.dtype == np.float16 and to == np.float32:
            return half_loops.float16_to_float32(x)
    return x.astype(to)


__all__ = ["cast", "to_float", "to_double", "to_int32", "to_int64", "to_complex64",
           "to_complex128"]
