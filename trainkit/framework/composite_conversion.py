"""Conversions that let composite values through: ``convert_to_tensor_or_indexed_slices``
and ``convert_to_tensor_or_sparse_tensor`` (TF1 names).

Example:
    >>> tk.convert_to_tensor_or_indexed_slices([1, 2])   # a Tensor
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.indexed_slices import IndexedSlices
from trainkit.framework.sparse_tensor import SparseTensor, SparseTensorValue


def convert_to_tensor_or_indexed_slices(value: Any, dtype: Any = None,
                                        name: str | None = None) -> Any:
    """``value`` itself when it is an ``IndexedSlices`` (of ``dtype`` if given), else
    ``convert_to_tensor(value, dtype, name)``.

    Raises:
        ValueError: for ``IndexedSlices`` of another dtype.
    """
    if isinstance(value, IndexedSlices):
        _check_dtype(value.dtype, dtype, value)
        return value
    return conversion.convert_to_tensor(value, dtype=dtype, name=name)


def convert_to_tensor_or_sparse_tensor(value: Any, dtype: Any = None,
                                       name: str | None = None) -> Any:
    """``value`` as a ``SparseTensor`` when it is one (or a ``SparseTensorValue``), else
    ``convert_to_tensor(value, dtype, name)``.

    Raises:
        RuntimeError: for a sparse value of another dtype (TF's error type here).
    """
    if isinstance(value, SparseTensorValue):
        value = SparseTensor.from_value(value)
    if isinstance(value, SparseTensor):
        if dtype is not None and not _dt.as_dtype(dtype).is_compatible_with(value.dtype):
            raise RuntimeError(f"Sparse dtype: requested = {_dt.as_dtype(dtype).name}, "
                               f"actual = {value.dtype.name}")
        return value
    return conversion.convert_to_tensor(value, dtype=dtype, name=name)


def _check_dtype(actual: Any, requested: Any, value: Any) -> None:
    if requested is not None and not _dt.as_dtype(requested).is_compatible_with(actual):
        raise ValueError(f"Tensor conversion requested dtype {_dt.as_dtype(requested).name} "
                         f"for Tensor with dtype {actual.name}: {value!r}")


__all__ = ["convert_to_tensor_or_indexed_slices", "convert_to_tensor_or_sparse_tensor"]
