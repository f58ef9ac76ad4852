"""``convert_to_tensor``: turns Tensors, registered objects (Variables) and Python/NumPy
values (as ``Const`` ops) into Tensors.

Example:
    >>> import trainkit as tk
    >>> convert_to_tensor([1, 2]).dtype
    tk.int32
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Operation, Tensor

_CONVERSIONS: list[tuple[int, type, Callable[..., Tensor]]] = []
_constant_fn: Callable[..., Tensor] | None = None
_autopack_fn: Callable[..., Tensor | None] | None = None


def register_tensor_conversion_function(base_type: type, conversion_func: Callable[..., Tensor],
                                        priority: int = 100) -> None:
    """Registers ``conversion_func(value, dtype=None, name=None, as_ref=False)`` for
    instances of ``base_type``; lower priority runs first."""
    _CONVERSIONS.append((priority, base_type, conversion_func))
    _CONVERSIONS.sort(key=lambda e: e[0])


def set_constant_factory(fn: Callable[..., Tensor]) -> None:
    """Installs the function that builds ``Const`` ops (done by constant_op)."""
    global _constant_fn
    _constant_fn = fn


def set_autopacking(fn: Callable[..., Tensor | None]) -> None:
    """Installs ``fn(value, dtype, name) -> Tensor | None``, which packs a list or tuple
    holding Tensors into one tensor (None: nothing to pack). Done by ``ops/autopacking``,
    as TF's array_ops registers its autopacking conversion."""
    global _autopack_fn
    _autopack_fn = fn


def convert_to_tensor(value: Any, dtype: Any = None, name: str | None = None,
                      preferred_dtype: Any = None, as_ref: bool = False,
                      dtype_hint: Any = None) -> Tensor:
    """Converts ``value`` to a ``Tensor``. A list or tuple holding Tensors becomes one
    ``Pack`` of them (TF's autopacking, installed by ``ops/autopacking``).

    Raises:
        ValueError: if ``value`` is a Tensor of another dtype than ``dtype``.
        TypeError: if ``value`` cannot be converted (e.g. an Operation).
    """
    if isinstance(value, Tensor):
        if dtype is not None and _dt.as_dtype(dtype) is not value.dtype:
            raise ValueError(
                f"Tensor conversion requested dtype {_dt.as_dtype(dtype).name} for Tensor with "
                f"dtype {value.dtype.name}: {value!r}")
        return value
    for _, base, fn in _CONVERSIONS:
        if isinstance(value, base):
            t = fn(value, dtype=dtype, name=name, as_ref=as_ref)
            if dtype is not None and _dt.as_dtype(dtype) is not t.dtype:
                raise ValueError(
                    f"Tensor conversion requested dtype {_dt.as_dtype(dtype).name} for "
                    f"{type(value).__name__} with dtype {t.dtype.name}.")
            return t
    if isinstance(value, Operation):
        raise TypeError(f"Can't convert Operation '{value.name}' to Tensor (target dtype="
                        f"{dtype}, name={name!r}).")
    if dtype is None and preferred_dtype is None:
        preferred_dtype = dtype_hint
    if isinstance(value, list | tuple) and _autopack_fn is not None:
        packed = None
        if dtype is None and preferred_dtype is not None:
            try:
                packed = _autopack_fn(value, preferred_dtype, name)
            except (TypeError, ValueError):
                pass
        if packed is None:
            packed = _autopack_fn(value, dtype, name)
        if packed is not None:
            return packed
    if dtype is None and preferred_dtype is not None:
        try:
            return _constant_fn(value, dtype=preferred_dtype, name=name or "Const")
        except (TypeError, ValueError):
            pass
    if _constant_fn is None:
        raise RuntimeError("trainkit's constant op is not loaded.")
    return _constant_fn(value, dtype=dtype, name=name or "Const")


def convert_n_to_tensor(values: list, dtype: Any = None, name: str | None = None) -> list:
    return [convert_to_tensor(v, dtype=dtype, name=name) for v in values]


def convert_to_tensor_or_sparse_tensor(value: Any, dtype: Any = None,
                                       name: str | None = None) -> Any:
    if hasattr(value, "dense_shape") and hasattr(value, "indices"):
        return value
    return convert_to_tensor(value, dtype=dtype, name=name)


def is_tensor_like(value: Any) -> bool:
    return isinstance(value, Tensor) or any(isinstance(value, b) for _, b, _ in _CONVERSIONS)


def value_to_ndarray(value: Any, dtype: _dt.DType | None) -> np.ndarray:
    """Converts a Python/NumPy value to an ndarray of ``dtype`` with TF's checks.

    Raises:
        ValueError: if the value is None (as TF's ``make_tensor_proto``).
        TypeError: if the value does not fit the dtype (float into int, overflow, ...).
    """
    if value is None:
        raise ValueError("None values not supported.")
    if dtype is None:
        dtype = _dt.dtype_of_value(value)
    if dtype is _dt.string:
        return _dt.to_string_array(value)
    src = value if isinstance(value, np.ndarray) else np.asarray(value)
    if src.dtype.kind in ("U", "S", "O") and src.size:
        raise TypeError(f"Expected {dtype.name}, got {value!r} of type "
                        f"'{type(value).__name__}' instead.")
    tgt = dtype.np_dtype
    if dtype.is_integer or dtype.is_bool:
        if src.dtype.kind == "f" and src.size and not isinstance(value, np.ndarray):
            raise TypeError(f"Expected {dtype.name}, got {value!r} of type "
                            f"'{type(value).__name__}' instead.")
        if dtype.is_integer and src.dtype.kind in ("i", "u") and src.size:
            info = np.iinfo(tgt)
            if src.min() < info.min or src.max() > info.max:
                raise TypeError(f"Value {value!r} is out of range for dtype {dtype.name} "
                                f"(is not compatible with Tensor type {dtype.name}).")
    return np.asarray(src, dtype=tgt)


__all__ = [
    "convert_to_tensor", "convert_n_to_tensor", "register_tensor_conversion_function",
    "set_autopacking",
    "convert_to_tensor_or_sparse_tensor", "is_tensor_like", "value_to_ndarray",
]
