"""Sparse-to-dense conversion: ``sparse.to_dense`` (alias ``sparse_tensor_to_dense``) and
the ``SparseToDense`` kernel.

Example:
    >>> import trainkit as tk
    >>> sp = tk.SparseTensor(indices=[[0, 1]], values=[5.0], dense_shape=[2, 3])
    >>> tk.sparse.to_dense(sp).shape.as_list()
    [2, 3]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework.sparse_tensor import SparseTensor, SparseTensorValue
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op


def to_dense(sp_input: Any, default_value: Any = None, validate_indices: bool = True,
             name: str | None = None) -> Tensor:
    """The dense tensor of ``sp_input``: its values at its indices, ``default_value``
    (0 by default) elsewhere.

    With ``validate_indices`` the indices must be in bounds, sorted in row-major order and
    without repeats (an ``InvalidArgumentError`` at run time otherwise).

    Raises:
        TypeError: if ``sp_input`` is not a ``SparseTensor``.
    """
    if isinstance(sp_input, SparseTensorValue):
        sp_input = SparseTensor.from_value(sp_input)
    if not isinstance(sp_input, SparseTensor):
        raise TypeError(f"Input must be a SparseTensor, got {type(sp_input).__name__}.")
    values = sp_input.values
    d = conversion.convert_to_tensor(0 if default_value is None else default_value,
                                     dtype=values.dtype, name="default_value")
    if d.shape.ndims not in (None, 0):
        raise ValueError(f"to_dense: default_value must be a scalar, got shape {d.shape}.")
    return make_op("SparseToDense", [sp_input.indices, sp_input.dense_shape, values, d],
                   [values.dtype], name=name or "SparseToDense",
                   attrs={"validate_indices": bool(validate_indices)},
                   shapes=[sp_input.shape]).outputs[0]


sparse_tensor_to_dense = to_dense


@registry.register_kernel("SparseToDense")
def _sparse_to_dense(ctx: registry.KernelContext, indices: Any, shape: Any, values: Any,
                     default: Any) -> np.ndarray:
    shp = tuple(int(s) for s in np.reshape(shape, [-1]))
    idx = np.asarray(indices).reshape(-1, len(shp)) if np.size(indices) else \
        np.zeros((0, len(shp)), np.int64)
    vals = np.broadcast_to(values, (idx.shape[0],))
    if idx.size:
        for j, n in enumerate(shp):
            bad = (idx[:, j] < 0) | (idx[:, j] >= n)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise errors.InvalidArgumentError(
                    None, None, f"indices[{i}] = {idx[i].tolist()} is out of bounds: need "
                                f"0 <= index < {list(shp)}")
        if ctx.attrs["validate_indices"] and idx.shape[0] > 1:
            flat = np.ravel_multi_index(idx.T, shp)
            step = np.diff(flat)
            if (step <= 0).any():
                i = int(np.flatnonzero(step <= 0)[0]) + 1
                kind = "repeated" if step[i - 1] == 0 else "out of order"
                raise errors.InvalidArgumentError(
                    None, None, f"indices[{i}] = {idx[i].tolist()} is {kind}. Many sparse "
                                "ops require sorted indices.")
    out = np.full(shp, default, dtype=np.asarray(values).dtype)
    out[tuple(idx.T)] = vals
    return out


__all__ = ["to_dense", "sparse_tensor_to_dense"]
