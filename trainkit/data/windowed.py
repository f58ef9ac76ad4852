"""``Dataset.window``: a dataset whose elements are windows of another's elements, each
window a dataset per component (TF 1.13+), used inside ``map`` / ``filter`` functions
(``ds.window(3).map(lambda w: w.reduce(0, add))``) or flattened with ``flat_map`` /
``interleave`` (``ds.window(5, shift=1).flat_map(lambda w: w.batch(5))``).

Each window is ``size`` elements ``stride`` apart, a new window every ``shift`` elements;
the last windows may hold fewer unless ``drop_remainder``. The windows' elements are
stacked per component when read (so a window is a slice source, and a saved iterator
state holds it like any array), which needs the elements of one component to share a
shape; :mod:`.nested` describes how such components travel.

Example:
    >>> ds = tf.data.Dataset.range(7).window(3, shift=2, drop_remainder=True)
    >>> ds.flat_map(lambda w: w.batch(3))      # [0 1 2], [2 3 4], [4 5 6]
"""

from __future__ import annotations

import collections
from typing import Any

import numpy as np

from trainkit import errors, nest
from trainkit.data import pipeline as pl
from trainkit.data.counts import count_value, require, tensor_inputs
from trainkit.data.nested import DatasetSpec, refuse_nested
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor


class Windows(pl.Stage):
    """Windows of the upstream elements as tuples of stacked component arrays."""

    def __init__(self, upstream: pl.Stage, size: int, shift: int, stride: int,
                 drop_remainder: bool):
        super().__init__(upstream)
        self.size, self.shift, self.stride, self.drop = size, shift, stride, drop_remainder
        self.span = (size - 1) * stride + 1
        self.buffer: collections.deque = collections.deque()
        self.ended = False

    def next(self) -> tuple:
        while not self.ended and len(self.buffer) < self.span:
            try:
                self.buffer.append(self.upstream.next())
            except StopIteration:
                self.ended = True
        if not self.buffer:
            raise StopIteration
        picked = list(self.buffer)[:self.span:self.stride]
        if len(picked) < self.size and self.drop:
            self.buffer.clear()
            raise StopIteration
        for _ in range(min(self.shift, len(self.buffer))):
            self.buffer.popleft()
        if self.shift > self.span:   # the elements between windows are skipped
            skip = self.shift - self.span
            while skip and not self.ended:
                try:
                    self.upstream.next()
                    skip -= 1
                except StopIteration:
                    self.ended = True
        try:
            return tuple(np.stack([el[c] for el in picked]) for c in range(len(picked[0])))
        except ValueError as e:
            raise errors.InvalidArgumentError(
                None, None, f"Dataset.window: the elements of a window must share their "
                            f"shapes to be stacked ({e}).") from None

    def reset(self) -> None:
        self.buffer.clear()
        self.ended = False
        super().reset()


def window_arguments(args: tuple[int | Tensor, ...], env: Any) -> tuple[int, int, int]:
    """The size, shift and stride of a window once the iterator starts.

    Raises:
        InvalidArgumentError: one is not positive (TF's run-time check and message).
    """
    values = tuple(count_value(a, env) for a in args)
    for what, value in zip(("size", "shift", "stride"), values):
        require(value > 0, f"Window {what} must be greater than zero.")
    return values


def window(dataset: Any, args: tuple[int | Tensor, int | Tensor, int | Tensor],
           drop_remainder: bool) -> Any:
    """``dataset.window(size, shift, stride, drop_remainder)`` (``args`` as
    :func:`window_arguments` reads them): a dataset whose components are datasets
    (:mod:`.nested`), each carried as its window's elements stacked.

    Raises:
        TypeError: ``dataset``'s elements hold datasets already (Differs from TF, which
            builds windows of windows).
    """
    refuse_nested(dataset, "window")
    structure = nest.pack_sequence_as(dataset._structure,
                                      [DatasetSpec(dt, s) for dt, s in dataset._specs])
    specs = [(dt, TensorShape([None]).concatenate(s)) for dt, s in dataset._specs]

    def make(up: pl.Stage, env: Any) -> pl.Stage:
        size, shift, stride = window_arguments(args, env)
        return Windows(up, size, shift, stride, drop_remainder)

    return dataset._chain(make, specs=specs, structure=structure,
                          extra_inputs=list(dict.fromkeys(tensor_inputs(*args))))


__all__ = ["Windows", "window", "window_arguments"]
