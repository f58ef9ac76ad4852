"""Keras's checks of layer constructor arguments (``conv_utils.normalize_tuple`` and
``normalize_data_format``) and the paddings/croppings of the spatial layers.

Example:
    >>> normalize_tuple(3, 2, "kernel_size")
    (3, 3)
    >>> pairs(1, 2, "padding")
    ((1, 1), (1, 1))
"""

from __future__ import annotations

import numbers
from typing import Any


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def normalize_tuple(value: Any, n: int, name: str, allow_zero: bool = False) -> tuple:
    """``value`` (an int or ``n`` ints) as a tuple of ``n`` ints, all positive (or, with
    ``allow_zero``, non-negative).

    Raises:
        ValueError: for anything else, naming ``name`` and the bad value.
    """
    msg = (f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}")
    if _is_int(value):
        values = (int(value),) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise ValueError(msg) from None
        if len(values) != n or not all(_is_int(v) for v in values):
            raise ValueError(msg)
        values = tuple(int(v) for v in values)
    bad = {v for v in values if (v < 0 if allow_zero else v <= 0)}
    if bad:
        need = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{msg} including {bad} that does not satisfy the requirement "
                         f"`{need}`.")
    return values


def normalize_data_format(value: Any) -> str:
    """``'channels_last'`` (the default for None) or ``'channels_first'``.

    Raises:
        ValueError: for any other value.
    """
    if value is None:
        return "channels_last"
    fmt = value.lower() if isinstance(value, str) else value
    if fmt not in ("channels_first", "channels_last"):
        raise ValueError('The `data_format` argument must be one of "channels_first", '
                         f'"channels_last". Received: {value}')
    return fmt


def pairs(value: Any, n: int, name: str) -> tuple:
    """Per-axis ``(before, after)`` amounts of ``n`` spatial axes (ZeroPadding/Cropping):
    an int (the same everywhere), ``n`` ints (symmetric per axis) or ``n`` pairs.

    Raises:
        ValueError: for another structure or a negative amount.
    """
    if _is_int(value):
        return tuple(normalize_tuple(value, 2, name, allow_zero=True) for _ in range(n))
    if not hasattr(value, "__len__"):
        raise ValueError(f"`{name}` should be either an int, a tuple of {n} ints or a tuple "
                         f"of {n} tuples of 2 ints. Received: {value}.")
    if len(value) != n:
        raise ValueError(f"`{name}` should have {n} elements. Received: {value}.")
    ordinal = ("1st", "2nd", "3rd")
    return tuple(normalize_tuple(v, 2, f"{ordinal[i]} entry of {name}", allow_zero=True)
                 for i, v in enumerate(value))


def spatial_axes(rank: int, data_format: str) -> list[int]:
    """The ``rank`` spatial axes of a ``rank + 2``-D batch in ``data_format``."""
    first = 2 if data_format == "channels_first" else 1
    return list(range(first, first + rank))


__all__ = ["normalize_tuple", "normalize_data_format", "pairs", "spatial_axes"]
