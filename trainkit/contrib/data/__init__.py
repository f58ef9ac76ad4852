"""``tk.contrib.data``: TF 1.15's ``tf.contrib.data`` transformations for ``Dataset.apply``.

Each function returns ``fn(dataset) -> dataset``:
``ds.apply(tf.contrib.data.shuffle_and_repeat(1000))``. The fused ones
(``shuffle_and_repeat``, ``map_and_batch``, ``*_and_drop_remainder``,
``parallel_interleave``) give the element order of the unfused chain, as TF's do
(``parallel_interleave`` with ``sloppy=True`` is also deterministic here).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from trainkit.data import experimental as _exp
from trainkit.data.dataset import Dataset
from trainkit.framework import dtypes as _dt

Transformation = Callable[[Dataset], Dataset]


def shuffle_and_repeat(buffer_size: int, count: int | None = None,
                       seed: int | None = None) -> Transformation:
    """``shuffle(buffer_size, seed)`` then ``repeat(count)``, reshuffled every epoch."""
    return lambda ds: ds.shuffle(buffer_size, seed=seed).repeat(count)


def map_and_batch(map_func: Callable[..., Any], batch_size: int,
                  num_parallel_batches: int | None = None, drop_remainder: bool = False,
                  num_parallel_calls: int | None = None) -> Transformation:
    """``map(map_func)`` then ``batch(batch_size, drop_remainder)``.

    Raises:
        ValueError: both ``num_parallel_batches`` and ``num_parallel_calls`` are given.
    """
    if num_parallel_batches is not None and num_parallel_calls is not None:
        raise ValueError("The `num_parallel_batches` and `num_parallel_calls` arguments "
                         "are mutually exclusive.")
    return lambda ds: ds.map(map_func).batch(batch_size, drop_remainder=drop_remainder)


def batch_and_drop_remainder(batch_size: int) -> Transformation:
    """``batch(batch_size, drop_remainder=True)``: every batch has ``batch_size`` rows."""
    return lambda ds: ds.batch(batch_size, drop_remainder=True)


def padded_batch_and_drop_remainder(batch_size: int, padded_shapes: Any,
                                    padding_values: Any = None) -> Transformation:
    """``padded_batch(batch_size, padded_shapes, padding_values, drop_remainder=True)``."""
    return lambda ds: ds.padded_batch(batch_size, padded_shapes, padding_values,
                                      drop_remainder=True)


def parallel_interleave(map_func: Callable[..., Any], cycle_length: int,
                        block_length: int = 1, sloppy: bool = False,
                        buffer_output_elements: int | None = None,
                        prefetch_input_elements: int | None = None) -> Transformation:
    """``interleave(map_func, cycle_length, block_length)`` (TF's deterministic order)."""
    return lambda ds: ds.interleave(map_func, cycle_length=cycle_length,
                                    block_length=block_length)


def unbatch() -> Transformation:
    """Splits each element along its first dimension into separate elements."""
    return _exp.unbatch


def sliding_window_batch(window_size: int, stride: int | None = None,
                         window_shift: int | None = None,
                         window_stride: int = 1) -> Transformation:
    """Stacks sliding windows of ``window_size`` elements (``window_shift``, or the
    deprecated ``stride``, apart; default 1); partial windows at the end are dropped.

    Raises:
        ValueError: both ``stride`` and ``window_shift`` are given.
    """
    if stride is not None and window_shift is not None:
        raise ValueError("Cannot specify both `stride` and `window_shift`")
    shift = window_shift if window_shift is not None else (1 if stride is None else stride)
    return lambda ds: _exp.sliding_window_batch(ds, window_size, shift, window_stride)


def group_by_window(key_func: Callable[..., Any],
                    reduce_func: Callable[[Any, Dataset], Dataset],
                    window_size: int | None = None,
                    window_size_func: Callable[[Any], Any] | None = None) -> Transformation:
    """Groups elements by ``key_func`` into windows reduced by ``reduce_func(key, ds)``."""
    return lambda ds: _exp.group_by_window(ds, key_func, reduce_func, window_size,
                                           window_size_func)


def bucket_by_sequence_length(element_length_func: Callable[..., Any],
                              bucket_boundaries: list[int], bucket_batch_sizes: list[int],
                              padded_shapes: Any = None, padding_values: Any = None,
                              pad_to_bucket_boundary: bool = False, no_padding: bool = False,
                              drop_remainder: bool = False) -> Transformation:
    """Padded batches of elements whose lengths fall in the same bucket."""
    return lambda ds: _exp.bucket_by_sequence_length(
        ds, element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes,
        padding_values, pad_to_bucket_boundary, no_padding, drop_remainder)


def scan(initial_state: Any, scan_func: Callable[[Any, Any], Any]) -> Transformation:
    """``state, output = scan_func(state, element)`` over the elements."""
    return lambda ds: _exp.scan(ds, initial_state, scan_func)


def ignore_errors() -> Transformation:
    """Drops the elements whose computation raises an error."""
    return _exp.ignore_errors


def Counter(start: int = 0, step: int = 1, dtype: Any = _dt.int64) -> Dataset:  # noqa: N802
    """An endless dataset of scalars ``start, start + step, ...``."""
    dt = _dt.as_dtype(dtype)
    return Dataset.from_generator(lambda: itertools.count(start, step), output_types=dt,
                                  output_shapes=[])


__all__ = ["shuffle_and_repeat", "map_and_batch", "batch_and_drop_remainder",
           "padded_batch_and_drop_remainder", "parallel_interleave", "unbatch",
           "sliding_window_batch", "group_by_window", "bucket_by_sequence_length", "scan",
           "ignore_errors", "Counter"]
