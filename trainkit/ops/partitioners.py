"""TF1's variable partitioners and the slice arithmetic of partitioned variables.

A partitioner is ``fn(shape: TensorShape, dtype) -> list[int]``: how many shards each axis
is cut into (at most one entry above 1). ``get_variable(..., partitioner=fn)`` then cuts
that axis as TF does: ``n`` rows into ``k`` shards of ``n // k`` rows, the first
``n % k`` shards holding one row more (10 rows in 3 shards: 4, 3, 3).

Example:
    >>> fixed_size_partitioner(3)(shape=TensorShape([10, 4]), dtype=float32)
    [3, 1]
    >>> list(iter_slices([10, 4], 3, 0))
    [([0, 0], [4, 4]), ([4, 0], [3, 4]), ([7, 0], [3, 4])]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape

Partitioner = Callable[..., list[int]]


def _element_bytes(dtype: Any, bytes_per_string_element: int) -> int:
    dt = _dt.as_dtype(dtype).base_dtype
    return bytes_per_string_element if dt is _dt.string else dt.size


def _dims(shape: Any) -> list[int | None]:
    return TensorShape(shape).as_list()


def fixed_size_partitioner(num_shards: int, axis: int = 0) -> Partitioner:
    """Cuts ``axis`` into ``min(num_shards, shape[axis])`` shards.

    Differs from TF: ``num_shards < 1`` raises here (TF fails later, in ``get_variable``)
    and an axis outside the variable's rank is a ``ValueError`` (TF: ``IndexError``).

    Raises:
        ValueError: ``num_shards`` below 1 (now), ``axis`` outside the shape (when called).
    """
    if isinstance(num_shards, bool) or int(num_shards) != num_shards or num_shards < 1:
        raise ValueError(f"fixed_size_partitioner: num_shards must be a positive integer, "
                         f"got {num_shards!r}.")

    def _partitioner(shape: Any, **unused: Any) -> list[int]:
        dims = _dims(shape)
        if not -len(dims) <= axis < len(dims):
            raise ValueError(f"fixed_size_partitioner: cannot partition a variable of shape "
                             f"{TensorShape(shape)} along axis {axis}.")
        parts = [1] * len(dims)
        size = dims[axis]
        parts[axis] = int(num_shards) if size is None else min(int(num_shards), size)
        return parts

    return _partitioner


def min_max_variable_partitioner(max_partitions: int = 1, axis: int = 0,
                                 min_slice_size: int = 256 << 10,
                                 bytes_per_string_element: int = 16) -> Partitioner:
    """As many shards of at least ``min_slice_size`` bytes as fit, at most
    ``max_partitions`` and at most ``shape[axis]`` (and at least one).

    Raises:
        ValueError: when called for a shape without ``axis`` (as TF).
    """

    def _partitioner(shape: Any, dtype: Any = _dt.float32) -> list[int]:
        dims = _dims(shape)
        if axis >= len(dims):
            raise ValueError(f"Cannot partition variable along axis {axis} when shape is "
                             f"only {TensorShape(shape)}")
        total = math.prod(dims) * _element_bytes(dtype, bytes_per_string_element)
        parts = [1] * len(dims)
        parts[axis] = max(1, min(dims[axis], max_partitions,
                                 int(math.ceil(total / min_slice_size))))
        return parts

    return _partitioner


def variable_axis_size_partitioner(max_shard_bytes: int, axis: int = 0,
                                   bytes_per_string_element: int = 16,
                                   max_shards: int | None = None) -> Partitioner:
    """Shards along ``axis`` of at most ``max_shard_bytes`` each (at least one slice of
    the axis per shard), capped at ``max_shards``.

    Raises:
        ValueError: non-positive ``max_shard_bytes``/``bytes_per_string_element`` or
            ``max_shards`` (now); a shape that is not fully defined (when called).
    """
    if max_shard_bytes < 1 or bytes_per_string_element < 1:
        raise ValueError("Both max_shard_bytes and bytes_per_string_element must be "
                         f"positive. Currently, max_shard_bytes is {max_shard_bytes} and "
                         f"bytes_per_string_element is {bytes_per_string_element}")
    if max_shards is not None and max_shards < 1:
        raise ValueError(f"max_shards must be positive, got {max_shards!r}.")

    def _partitioner(shape: Any, dtype: Any = _dt.float32) -> list[int]:
        shape = TensorShape(shape)
        if not shape.is_fully_defined():
            raise ValueError(f"shape is not fully defined: {shape}")
        dims = shape.as_list()
        if not -len(dims) <= axis < len(dims):
            raise ValueError(f"variable_axis_size_partitioner: cannot partition a variable "
                             f"of shape {shape} along axis {axis}.")
        size = _element_bytes(dtype, bytes_per_string_element)
        bytes_per_slice = 1.0 * (math.prod(dims) / dims[axis]) * size
        slices_per_shard = max(1, math.floor(max_shard_bytes / bytes_per_slice))
        shards = int(math.ceil(1.0 * dims[axis] / slices_per_shard))
        if max_shards:
            shards = min(max_shards, shards)
        parts = [1] * len(dims)
        parts[axis] = shards
        return parts

    return _partitioner


class PartitionInfo:
    """Where one shard sits in the full variable; initializers receive it as
    ``partition_info`` (``VarianceScaling`` takes its fans from ``full_shape``).

    Raises:
        TypeError: ``full_shape`` or ``var_offset`` is not a list or tuple.
        ValueError: they differ in length, or an offset lies outside the full shape.
    """

    __slots__ = ("_full_shape", "_var_offset")

    def __init__(self, full_shape: Sequence[int], var_offset: Sequence[int]):
        for what, seq in (("full_shape", full_shape), ("var_offset", var_offset)):
            if not isinstance(seq, list | tuple):
                raise TypeError(f"`{what}` must be a sequence (like tuple or list) instead "
                                f"of {type(seq).__name__}")
        if len(var_offset) != len(full_shape):
            raise ValueError(f"Expected equal length, but `var_offset` is of length "
                             f"{len(var_offset)} while full_shape is of length "
                             f"{len(full_shape)}.")
        for off, dim in zip(var_offset, full_shape):
            if off < 0 or off >= dim:
                raise ValueError(f"Expected 0 <= offset < shape but found offset={off}, "
                                 f"shape={dim} for var_offset={list(var_offset)}, "
                                 f"full_shape={list(full_shape)}")
        self._full_shape = list(full_shape)
        self._var_offset = list(var_offset)

    full_shape = property(lambda self: self._full_shape)
    var_offset = property(lambda self: self._var_offset)

    def single_slice_dim(self, shape: Sequence[int]) -> int | None:
        """The one axis a shard of ``shape`` is cut along (None if it is the whole).

        Raises:
            ValueError: ``shape`` of another rank, exceeding the full shape, or cut
                along two axes.
        """
        if len(shape) != len(self._full_shape):
            raise ValueError(f"Expected equal length, but received shape={list(shape)} of "
                             f"length {len(shape)} while self.full_shape="
                             f"{self._full_shape} is of length {len(self._full_shape)}.")
        found = None
        for i, (off, dim, full) in enumerate(zip(self._var_offset, shape, self._full_shape)):
            if off + dim > full:
                raise ValueError(f"With self.var_offset={self._var_offset}, a partition of "
                                 f"shape={list(shape)} would exceed self.full_shape="
                                 f"{self._full_shape} in dimension {i}.")
            if dim != full:
                if found is not None:
                    raise ValueError(f"Cannot use single_slice_dim() with shape="
                                     f"{list(shape)} and self.full_shape={self._full_shape} "
                                     f"since slice dim could be either dimension {found} "
                                     f"or {i}.")
                found = i
        return found

    def single_offset(self, shape: Sequence[int]) -> int:
        """The shard's offset along its cut axis (0 when it is not cut)."""
        dim = self.single_slice_dim(shape)
        return 0 if dim is None else self._var_offset[dim]


def call_partitioner(partitioner: Callable, shape: TensorShape, dtype: Any,
                     name: str) -> list[int]:
    """``partitioner(shape=, dtype=)`` checked as TF checks it.

    Raises:
        ValueError: a shape not fully defined or of rank 0; a result that is not a
            sequence of the variable's rank of positive ints with at most one above 1.
    """
    if not shape.is_fully_defined():
        raise ValueError(f"Shape of a new partitioned variable ({name}) must be fully "
                         f"defined, but instead was {shape}.")
    if shape.ndims < 1:
        raise ValueError(f"A partitioned Variable must have rank at least 1, shape: {shape} "
                         f"(variable {name}).")
    slicing = partitioner(shape=shape, dtype=dtype)
    if not isinstance(slicing, Sequence) or isinstance(slicing, str):
        raise ValueError(f"Partitioner must return a sequence, but saw: {slicing!r} "
                         f"(variable {name}).")
    slicing = [int(p) for p in slicing]
    if len(slicing) != shape.ndims:
        raise ValueError(f"Partitioner returned a partition list that does not match the "
                         f"Variable's rank: {slicing} vs. {shape} (variable {name}).")
    if any(p < 1 for p in slicing):
        raise ValueError(f"Partitioner returned zero partitions for some axes: {slicing} "
                         f"(variable {name}).")
    if sum(p > 1 for p in slicing) > 1:
        raise ValueError(f"Can only slice a variable along one dimension: shape: {shape}, "
                         f"partitioning: {slicing} (variable {name}).")
    return slicing


def slice_dim_and_count(slicing: Sequence[int]) -> tuple[int, int]:
    """``(axis, number of shards)`` of a checked partition list (``(0, 1)``: no cut)."""
    for axis, n in enumerate(slicing):
        if n > 1:
            return axis, n
    return 0, 1


def iter_slices(full_shape: Sequence[int], num_slices: int, axis: int
                ) -> Iterator[tuple[list[int], list[int]]]:
    """``(offset, shape)`` of each shard, the first ``full % num_slices`` one row longer."""
    extra = full_shape[axis] % num_slices
    base = full_shape[axis] // num_slices
    offset = [0] * len(full_shape)
    for i in range(num_slices):
        shape = list(full_shape)
        shape[axis] = base + (1 if i < extra else 0)
        yield list(offset), shape
        offset[axis] += shape[axis]


__all__ = ["PartitionInfo", "call_partitioner", "fixed_size_partitioner", "iter_slices",
           "min_max_variable_partitioner", "slice_dim_and_count",
           "variable_axis_size_partitioner"]
