"""Autopacking: ``convert_to_tensor`` of a (nested) list or tuple that holds Tensors
builds one ``Pack`` of them, as TF's array_ops registers it for every op argument.

The dtype is the first Tensor's (depth first); a requested ``dtype`` that differs casts
every Tensor to it; the Python numbers become constants of that dtype; nested lists
pack first. The op is named ``packed`` (or the conversion's ``name``). Lists without a
Tensor are left to the constant conversion.

Example:
    >>> x = tk.placeholder(tk.float32, [])
    >>> tk.convert_to_tensor([x, 2.0]).shape.as_list()      # doctest: +SKIP
    [2]
    >>> tk.string_split([line]).values                      # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.constant_op import constant
from trainkit.framework.default_graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops.cast_ops import cast
from trainkit.ops.join_ops import stack


def _is_tensor(elem: Any) -> bool:
    return isinstance(elem, Tensor) or (
        not isinstance(elem, list | tuple) and conversion.is_tensor_like(elem))


def _first_dtype(value: list | tuple) -> _dt.DType | None:
    """The base dtype of the first Tensor in ``value``, depth first; None without one."""
    for elem in value:
        if _is_tensor(elem):
            return conversion.convert_to_tensor(elem).dtype.base_dtype
        if isinstance(elem, list | tuple):
            found = _first_dtype(elem)
            if found is not None:
                return found
    return None


def _pack(value: list | tuple, dtype: _dt.DType, cast_to: bool, name: str) -> Tensor:
    parts = []
    for i, elem in enumerate(value):
        if _is_tensor(elem):
            t = conversion.convert_to_tensor(elem)
            if t.dtype.base_dtype is not dtype:
                if not cast_to:
                    raise TypeError(
                        f"Cannot convert a list containing a tensor of dtype "
                        f"{t.dtype.base_dtype.name} to {dtype.name} (Tensor is: {t!r}).")
                t = cast(t, dtype)
            parts.append(t)
        elif isinstance(elem, list | tuple):
            with name_scope(str(i)) as scope:
                parts.append(_pack(elem, dtype, cast_to, scope))
        else:
            parts.append(constant(elem, dtype=dtype, name=str(i)))
    return stack(parts, name=name)


def autopack(value: list | tuple, dtype: Any = None, name: str | None = None
             ) -> Tensor | None:
    """``value`` packed into one tensor, or None when it holds no Tensor.

    Raises:
        TypeError: if a Tensor's dtype differs from the first one's (no ``dtype`` asked)
            or a Python value does not fit the dtype.
        ValueError: if the elements' shapes differ.
    """
    inferred = _first_dtype(value)
    if inferred is None:
        return None
    target = inferred if dtype is None else _dt.as_dtype(dtype).base_dtype
    with name_scope(name or "packed") as scope:
        return _pack(value, target, target is not inferred, scope)


conversion.set_autopacking(autopack)

__all__ = ["autopack"]
