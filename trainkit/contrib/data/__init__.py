"""``tk.contrib.data``: TF 1.15's ``tf.contrib.data`` transformations for ``Dataset.apply``.

Each function returns ``fn(dataset) -> dataset``:
``ds.apply(tf.contrib.data.shuffle_and_repeat(1000))``. The fused ones
(``shuffle_and_repeat``, ``map_and_batch``, ``*_and_drop_remainder``,
``parallel_interleave``) give the element order of the unfused chain, as TF's do
(``parallel_interleave`` with ``sloppy=True`` is also deterministic here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.data import transformations as _exp
from trainkit.data.dataset import Dataset
from trainkit.data.experimental import (
    AUTOTUNE,
    Counter,
    CsvDataset,
    bucket_by_sequence_length,
    choose_from_datasets,
    copy_to_device,
    enumerate_dataset,
    get_single_element,
    group_by_window,
    ignore_errors,
    make_csv_dataset,
    make_saveable_from_iterator,
    map_and_batch,
    parallel_interleave,
    prefetch_to_device,
    sample_from_datasets,
    scan,
    shuffle_and_repeat,
    unbatch,
    unique,
)

Transformation = Callable[[Dataset], Dataset]


def batch_and_drop_remainder(batch_size: int) -> Transformation:
    """``batch(batch_size, drop_remainder=True)``: every batch has ``batch_size`` rows."""
    return lambda ds: ds.batch(batch_size, drop_remainder=True)


def padded_batch_and_drop_remainder(batch_size: int, padded_shapes: Any,
                                    padding_values: Any = None) -> Transformation:
    """``padded_batch(batch_size, padded_shapes, padding_values, drop_remainder=True)``."""
    return lambda ds: ds.padded_batch(batch_size, padded_shapes, padding_values,
                                      drop_remainder=True)


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


__all__ = ["shuffle_and_repeat", "map_and_batch", "batch_and_drop_remainder",
           "padded_batch_and_drop_remainder", "parallel_interleave", "unbatch",
           "sliding_window_batch", "group_by_window", "bucket_by_sequence_length", "scan",
           "ignore_errors", "Counter", "make_saveable_from_iterator", "AUTOTUNE",
           "enumerate_dataset", "CsvDataset", "choose_from_datasets", "sample_from_datasets",
           "get_single_element", "make_csv_dataset", "unique", "copy_to_device",
           "prefetch_to_device"]
