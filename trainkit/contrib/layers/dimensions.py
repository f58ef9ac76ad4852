"""The shape-argument helpers of ``tf.contrib.layers.utils`` / ``slim.utils``: a static
dimension read with a rank check (``last_dimension``, ``channel_dimension``) and
int-or-sequence arguments normalized to tuples (``two_element_tuple``,
``n_positive_integers``). Network definitions use them to read a tensor's depth
(``slim.utils.last_dimension(net.get_shape(), min_rank=4)`` in ResNet's bottleneck).

Example:
    >>> last_dimension(TensorShape([8, 7, 7, 64]), min_rank=4)
    64
    >>> two_element_tuple(3)
    (3, 3)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework.shapes import TensorShape


def _dimension(shape: Any, axis: int, min_rank: int) -> int:
    dims = TensorShape(shape).dims
    if dims is None:
        raise ValueError("dims of shape must be known but is None")
    if len(dims) < min_rank:
        raise ValueError(f"rank of shape must be at least {min_rank} not: {len(dims)}")
    value = dims[axis].value
    if value is None:
        raise ValueError(f"dimension {axis} of shape must be known but is None: {shape}")
    return int(value)


def last_dimension(shape: Any, min_rank: int = 1) -> int:
    """The static size of ``shape``'s last axis.

    Args:
        shape: A ``TensorShape`` (or anything ``TensorShape`` accepts).
        min_rank: The smallest rank ``shape`` may have.

    Raises:
        ValueError: if the rank is unknown or below ``min_rank``, or the last dimension
            is unknown.
    """
    return _dimension(shape, -1, min_rank)


def channel_dimension(shape: Any, data_format: str, min_rank: int = 1) -> int:
    """The static channel count: axis 1 for ``"channels_first"``, else the last axis.

    Raises:
        ValueError: as :func:`last_dimension`.
    """
    return _dimension(shape, 1 if data_format == "channels_first" else -1, min_rank)


def two_element_tuple(int_or_tuple: Any) -> tuple[Any, Any]:
    """``(v, v)`` for an int ``v``; a 2-sequence or rank-2 ``TensorShape`` as a pair.

    Raises:
        ValueError: for a sequence whose length is not 2, or any other value.
    """
    if isinstance(int_or_tuple, list | tuple):
        if len(int_or_tuple) != 2:
            raise ValueError(f"Must be a list with 2 elements: {int_or_tuple}")
        return int(int_or_tuple[0]), int(int_or_tuple[1])
    if isinstance(int_or_tuple, int):
        return int_or_tuple, int_or_tuple
    if isinstance(int_or_tuple, TensorShape) and int_or_tuple.ndims == 2:
        return int_or_tuple[0], int_or_tuple[1]
    raise ValueError("Must be an int, a list with 2 elements or a TensorShape of length 2")


def n_positive_integers(n: Any, value: Any) -> tuple[int, ...]:
    """``value`` as ``n`` positive ints: one int-convertible value repeated ``n`` times, or
    a length-``n`` sequence of int-convertible values (a rank-``n`` ``TensorShape`` too).

    Raises:
        TypeError: if ``n`` does not convert to an int.
        ValueError: if ``n`` is not a positive integer, the sequence's length is not ``n``,
            an entry does not convert to an int, or a value is below 1.
    """
    count = int(n)
    if count < 1 or count != n:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    try:
        values = (int(value),) * count
    except (TypeError, ValueError):
        if isinstance(value, TensorShape):
            value = value.dims
        if value is None or not hasattr(value, "__len__") or len(value) != count:
            raise ValueError(f"Expected sequence of {count} positive integers, but received "
                             f"{value!r}") from None
        try:
            values = tuple(int(v) for v in value)
        except (TypeError, ValueError):
            raise ValueError(f"Expected sequence of {count} positive integers, but received "
                             f"{value!r}") from None
    for v in values:
        if v < 1:
            raise ValueError(f"expected positive integer, but received {v}")
    return values


__all__ = ["last_dimension", "channel_dimension", "two_element_tuple", "n_positive_integers"]
