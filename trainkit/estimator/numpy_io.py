"""``tf.estimator.inputs.numpy_input_fn`` and ``pandas_input_fn``: input functions over
in-memory arrays, built on a ``Dataset`` (slice, shuffle, repeat ``num_epochs`` times,
batch; the last batch may be smaller).

Differs from TF: there is no queue or reader thread, so ``queue_capacity`` and
``num_threads`` are accepted and ignored; with ``shuffle=True`` the whole array is the
shuffle buffer and each epoch is reshuffled (seeded by the graph seed, e.g.
``RunConfig(tf_random_seed=...)``). Under a graph seed the input function takes TF's
number of op seeds from the graph: one for the shuffle (TF's ``RandomShuffleQueue``),
none otherwise (TF's FIFO queue takes none), so the seeded initializers of the model built
after it draw TF's numbers.

Example:
    >>> input_fn = numpy_input_fn({"x": x}, y, batch_size=32, num_epochs=None, shuffle=True)
    >>> estimator.train(input_fn, steps=100)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit.data.dataset import Dataset
from trainkit.data.iterator import Iterator

_TARGET_KEY = "__target_key__"


def _as_ordered(x: Any, what: str) -> dict[str, np.ndarray] | np.ndarray:
    if isinstance(x, dict):
        if not x:
            raise ValueError(f"{what} cannot be an empty dict")
        return {k: np.asarray(v) for k, v in x.items()}
    if isinstance(x, np.ndarray):
        if x.size == 0:
            raise ValueError(f"{what} cannot be an empty array")
        return x
    raise TypeError(f"{what} must be a dict or array; got {type(x).__name__}")


def _lengths(data: Any) -> dict[str, int]:
    if isinstance(data, dict):
        return {k: len(v) for k, v in data.items()}
    return {"": len(data)}


def _check_args(batch_size: Any, num_epochs: Any, shuffle: Any) -> None:
    if not isinstance(shuffle, bool):
        raise ValueError(f"shuffle must be provided and explicitly set as boolean (it is "
                         f"recommended to set it as True for training); got {shuffle}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}.")
    if num_epochs is not None and (isinstance(num_epochs, bool)
                                   or not isinstance(num_epochs, int) or num_epochs < 1):
        raise ValueError(f"num_epochs must be a positive int or None, got {num_epochs!r}.")


def _dataset(x: Any, y: Any, batch_size: int, num_epochs: int | None,
             shuffle: bool) -> Dataset:
    lengths = {**{f"x[{k!r}]" if k else "x": n for k, n in _lengths(x).items()}}
    if y is not None:
        lengths.update({f"y[{k!r}]" if k else "y": n for k, n in _lengths(y).items()})
    if len(set(lengths.values())) > 1:
        raise ValueError(f"Length of tensors in x and y is mismatched. All elements in x "
                         f"and y must have the same length. Lengths: {lengths}")
    ds = Dataset.from_tensor_slices(x if y is None else (x, y))
    n = next(iter(lengths.values()))
    if shuffle:
        ds = ds.shuffle(n, reshuffle_each_iteration=True)
    return ds.repeat(num_epochs).batch(batch_size)


def numpy_input_fn(x: Any, y: Any = None, batch_size: int = 128, num_epochs: int | None = 1,
                   shuffle: bool | None = None, queue_capacity: int = 1000,
                   num_threads: int = 1) -> Callable[[], Any]:
    """An ``input_fn`` returning ``(features, labels)`` batches of the arrays.

    Args:
        x: a dict of arrays (features dict) or one array (features tensor).
        y: labels: an array, a dict of arrays, or None (then only features).
        batch_size: rows per batch.
        num_epochs: passes over the data (None: forever).
        shuffle: required, a bool (as TF).
        queue_capacity, num_threads: ignored (no queue).

    Raises:
        ValueError: ``shuffle`` not a bool; bad batch size or epochs; (when the input_fn
            is called) empty data, keys in both x and y, or arrays of different lengths.
        TypeError: ``x`` or ``y`` neither a dict nor an array.
    """
    del queue_capacity, num_threads
    _check_args(batch_size, num_epochs, shuffle)

    def input_fn() -> Any:
        data = _as_ordered(x, "x")
        labels = None
        if y is not None:
            if isinstance(y, dict) and not y:
                raise ValueError("y cannot be empty dict, use None instead.")
            labels = _as_ordered(y, "y")
            if isinstance(data, dict) and isinstance(labels, dict):
                both = sorted(set(data) & set(labels))
                if both:
                    raise ValueError(f"{len(both)} duplicate keys are found in both x and "
                                     f"y: {both}")
        ds = _dataset(data, labels, batch_size, num_epochs, bool(shuffle))
        # Not ``make_one_shot_iterator``: that takes an op seed, as TF's dataset iterator
        # does, but TF's numpy input is a queue, which takes none.
        return Iterator(ds, one_shot=True).get_next()

    return input_fn


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        return None
    return pandas


def pandas_input_fn(x: Any, y: Any = None, batch_size: int = 128, num_epochs: int | None = 1,
                    shuffle: bool | None = None, queue_capacity: int = 1000,
                    num_threads: int = 1, target_column: str = "target") -> Callable[[], Any]:
    """An ``input_fn`` over a pandas ``DataFrame`` (columns become features) and an
    optional ``Series`` of labels; needs pandas installed (not a trainkit dependency).

    Raises:
        TypeError: without pandas installed (TF's message).
        ValueError: as :func:`numpy_input_fn`; ``y`` indexed differently from ``x``.
    """
    pd = _pandas()
    if pd is None:
        raise TypeError("pandas_input_fn should not be called without pandas installed")
    if y is not None:
        if target_column in x:
            raise ValueError(f"Cannot use name {target_column} for target column: "
                             f"DataFrame already has a column with that name: {list(x)}")
        if not np.array_equal(np.asarray(x.index), np.asarray(y.index)):
            raise ValueError("Index for x and y are mismatched.")
    features = {str(c): x[c].to_numpy() for c in x.columns}
    labels = None if y is None else np.asarray(y)
    return numpy_input_fn(features, labels, batch_size, num_epochs, shuffle,
                          queue_capacity, num_threads)


__all__ = ["numpy_input_fn", "pandas_input_fn"]
