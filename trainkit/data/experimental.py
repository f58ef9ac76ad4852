"""``tk.data.experimental``: TF1's ``tf.data.experimental`` transformations and helpers.

Each transformation returns ``fn(dataset) -> dataset`` for :meth:`Dataset.apply`:
``ds.apply(tf.data.experimental.shuffle_and_repeat(1000))``. The fused ones
(``shuffle_and_repeat``, ``map_and_batch``, ``parallel_interleave``) give the element
order of the unfused chain, as TF's do (``parallel_interleave`` with ``sloppy=True`` is
also deterministic here). Datasets run on the CPU, so ``prefetch_to_device`` and
``copy_to_device`` leave a dataset as it is.

Example:
    >>> ds = tf.data.Dataset.range(10).apply(tf.data.experimental.take_while(
    ...     lambda x: x < 4))                      # 0, 1, 2, 3
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit.data import combine_stages as cs
from trainkit.data import reduce_ops
from trainkit.data import transformations as _exp
from trainkit.data.csv_datasets import CsvDataset, make_csv_dataset
from trainkit.data.dataset import Dataset
from trainkit.data.dataset_ops import AUTOTUNE
from trainkit.data.dataset_ops import graph_seed as _data_seed
from trainkit.data.iterator import Iterator
from trainkit.data.options import (
    AutoShardPolicy,
    AutotuneOptions,
    DistributeOptions,
    ExternalStatePolicy,
    OptimizationOptions,
    ThreadingOptions,
)
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape

Transformation = Callable[[Dataset], Dataset]

#: what ``cardinality`` reports for an endless dataset
INFINITE_CARDINALITY = -1
#: what ``cardinality`` reports when the size cannot be known before running
UNKNOWN_CARDINALITY = -2


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


def enumerate_dataset(start: int = 0) -> Transformation:
    """Pairs each element with its position: ``(start + i, element)``."""
    return lambda ds: Dataset.zip((Counter(start), ds))


def choose_from_datasets(datasets: list[Dataset], choice_dataset: Dataset,
                         stop_on_empty_dataset: bool = False) -> Dataset:
    """Element ``i`` from ``datasets[choice_i]``, for the scalar int64 elements
    ``choice_i`` of ``choice_dataset``; ends when ``choice_dataset`` or all the datasets
    have ended. A choice of a dataset that has ended is skipped, or ends the whole with
    ``stop_on_empty_dataset``.

    Raises:
        TypeError: ``datasets`` is empty or holds something else than datasets whose
            elements share one structure and dtypes; ``choice_dataset`` does not yield
            scalar int64 elements.
        InvalidArgumentError: at run time, for a choice outside ``[0, len(datasets))``.
    """
    datasets = list(datasets)
    if not datasets or not all(isinstance(d, Dataset) for d in datasets):
        raise TypeError("`datasets` must be a non-empty list of datasets.")
    if not isinstance(choice_dataset, Dataset) or len(choice_dataset._specs) != 1 or \
            choice_dataset._specs[0][0] != _dt.int64 or \
            choice_dataset._specs[0][1].ndims != 0:
        raise TypeError("`choice_dataset` must be a dataset of scalar `tf.int64` tensors.")
    first = datasets[0]
    for d in datasets[1:]:
        if [dt for dt, _ in d._specs] != [dt for dt, _ in first._specs]:
            raise TypeError(f"All datasets must have the same type: {first.output_types} "
                            f"and {d.output_types}")
    specs = list(first._specs)
    for d in datasets[1:]:
        specs = [(dt, a.most_specific_compatible_shape(b))
                 for (dt, a), (_, b) in zip(specs, d._specs)]
    builds = [d._build for d in datasets]
    inputs = [t for d in [choice_dataset, *datasets] for t in d._inputs]
    return Dataset(first._structure, specs, inputs,
                   lambda env: cs.Choose(choice_dataset._build(env),
                                         [b(env) for b in builds],
                                         bool(stop_on_empty_dataset)))


def sample_from_datasets(datasets: list[Dataset], weights: Any = None,
                         seed: int | None = None,
                         stop_on_empty_dataset: bool = False) -> Dataset:
    """Elements drawn at random from ``datasets``, dataset ``i`` with probability
    ``weights[i]`` (normalized; uniform by default), from a generator seeded by ``seed``
    or the graph seed (trainkit's stream, not TF's draws). A dataset that has ended is
    skipped (the others' weights renormalized), or ends the whole with
    ``stop_on_empty_dataset``.

    Raises:
        TypeError: ``datasets`` as for :func:`choose_from_datasets`.
        ValueError: weights of another length than ``datasets``, negative or all zero.
    """
    datasets = list(datasets)
    if not datasets or not all(isinstance(d, Dataset) for d in datasets):
        raise TypeError("`datasets` must be a non-empty list of datasets.")
    w = (np.ones(len(datasets)) if weights is None
         else np.asarray(weights, dtype=np.float64).reshape(-1))
    if len(w) != len(datasets):
        raise ValueError(f"`weights` must have one entry per dataset: {len(w)} weights for "
                         f"{len(datasets)} datasets.")
    if (w < 0).any() or not w.sum() > 0:
        raise ValueError(f"`weights` must be non-negative and not all zero, got "
                         f"{w.tolist()}.")
    s = _data_seed(seed)
    selector = Dataset(np.int64(0), [(_dt.int64, TensorShape([]))], [],
                       lambda _env: cs.WeightedChoices(w, s))
    return choose_from_datasets(datasets, selector, stop_on_empty_dataset)


def take_while(predicate: Callable[..., Any]) -> Transformation:
    """The elements up to (not including) the first for which ``predicate`` (traced like
    ``Dataset.filter``'s) is false.

    Raises:
        ValueError: the predicate does not return one scalar bool tensor.
    """
    def apply(ds: Dataset) -> Dataset:
        phs, outs, _ = ds._trace(predicate, "take_while")
        if len(outs) != 1 or outs[0].dtype is not _dt.bool_ or outs[0].shape.ndims:
            raise ValueError("`predicate` must return a scalar boolean tensor.")

        def make(up: Any, env: Any) -> Any:
            fn = ds._compiled(phs, outs, env)
            return cs.TakeWhile(up, lambda el: bool(fn(el)[0]))

        return ds._chain(make, extra_inputs=ds._new_captures(phs, outs))
    return apply


def unique() -> Transformation:
    """Each distinct element once, in order of first appearance.

    Raises:
        TypeError: the elements are not single int32, int64 or string scalars.
    """
    def apply(ds: Dataset) -> Dataset:
        if len(ds._specs) != 1 or ds._specs[0][0] not in (_dt.int32, _dt.int64, _dt.string):
            raise TypeError("`tf.data.experimental.unique()` only supports inputs with a "
                            "single `tf.int32`, `tf.int64`, or `tf.string` component.")
        return ds._chain(lambda up, _env: cs.Unique(up))
    return apply


def get_single_element(dataset: Dataset) -> Any:
    """The one element of ``dataset`` as tensors; running them raises
    ``InvalidArgumentError`` when the dataset is empty or has more than one element.

    Raises:
        TypeError: ``dataset`` is not a dataset.
    """
    if not isinstance(dataset, Dataset):
        raise TypeError(f"`dataset` must be a `tf.data.Dataset` object, got "
                        f"{type(dataset).__name__}.")
    return reduce_ops.get_single_element(dataset)


def prefetch_to_device(device: str, buffer_size: int | None = None) -> Transformation:
    """The dataset itself: its elements are already on the CPU that runs the graph."""
    return lambda ds: ds


def make_saveable_from_iterator(iterator: Any, external_state_policy: Any = None) -> Any:
    """The saveable object of ``iterator``'s state, for ``tf.train.Saver``'s var list or
    the ``GraphKeys.SAVEABLE_OBJECTS`` collection.

    Differs from TF: a trainkit iterator is its own saveable object and is already in
    ``SAVEABLE_OBJECTS``, so the default ``Saver()`` saves it anyway; the iterator itself
    is returned, and adding it to the collection again is harmless (the saver takes each
    object once).

    Example:
        >>> saveable = tf.data.experimental.make_saveable_from_iterator(iterator)
        >>> tf.add_to_collection(tf.GraphKeys.SAVEABLE_OBJECTS, saveable)

    Raises:
        TypeError: ``iterator`` is not a dataset iterator.
    """
    if not isinstance(iterator, Iterator):
        raise TypeError(f"make_saveable_from_iterator expects a tf.data iterator, got "
                        f"{type(iterator).__name__}.")
    return iterator


def copy_to_device(target_device: str, source_device: str = "/cpu:0") -> Transformation:
    """The dataset itself: its elements are already on the CPU that runs the graph."""
    return lambda ds: ds


__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "shuffle_and_repeat",
           "map_and_batch", "parallel_interleave", "unbatch", "group_by_window",
           "bucket_by_sequence_length", "scan", "ignore_errors", "Counter",
           "enumerate_dataset", "choose_from_datasets", "sample_from_datasets", "take_while",
           "unique",
           "prefetch_to_device", "copy_to_device", "make_saveable_from_iterator",
           "get_single_element", "CsvDataset",
           "make_csv_dataset", "AutoShardPolicy",
           "AutotuneOptions",
           "DistributeOptions", "ExternalStatePolicy", "OptimizationOptions",
           "ThreadingOptions"]
