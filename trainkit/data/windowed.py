"""``Dataset.window``: a dataset whose elements are windows of another's elements, each
window a dataset per component (TF 1.13+). As in TF, a window dataset is consumed with
``flat_map`` / ``interleave`` (``ds.window(5, shift=1).flat_map(lambda w: w.batch(5))``).

Each window is ``size`` elements ``stride`` apart, a new window every ``shift`` elements;
the last windows may hold fewer unless ``drop_remainder``. The windows' elements are
stacked per component when read (so a window is a slice source, and a saved iterator
state holds it like any array), which needs the elements of one component to share a
shape.

Example:
    >>> ds = tf.data.Dataset.range(7).window(3, shift=2, drop_remainder=True)
    >>> ds.flat_map(lambda w: w.batch(3))      # [0 1 2], [2 3 4], [4 5 6]
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit import errors, nest
from trainkit.client import executor
from trainkit.data import dataset_stages as ds_stages
from trainkit.data import pipeline as pl
from trainkit.data.counts import count_value, require, tensor_inputs
from trainkit.data.dataset_ops import interleave_lengths, interleave_values
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


class WindowedDataset:
    """The result of ``Dataset.window``: windows as datasets, for ``flat_map`` /
    ``interleave`` (or ``apply`` of a function using them)."""

    def __init__(self, parent: Any, args: tuple[int | Tensor, int | Tensor, int | Tensor],
                 drop_remainder: bool):
        self._parent = parent
        self._args = args
        self._drop = drop_remainder

    def flat_map(self, map_func: Callable[..., Any]) -> Any:
        """``map_func`` of each window (a dataset per component), the results one after
        the other."""
        return self.interleave(map_func, cycle_length=1, block_length=1)

    def interleave(self, map_func: Callable[..., Any], cycle_length: int = 1,
                   block_length: int = 1, num_parallel_calls: Any = None) -> Any:
        """``map_func`` of each window, ``cycle_length`` at a time, ``block_length``
        elements from each in turn (``Dataset.interleave``'s order).

        Raises:
            TypeError: ``map_func`` does not return a dataset; InvalidArgumentError when
                the iterator starts, for lengths TF refuses.
        """
        lengths = interleave_lengths(cycle_length, block_length)
        parent = self._parent
        cls = type(parent)
        holder: list[tuple] = [()]
        windows = [cls(0, [spec], [], lambda _env, i=i: pl.SliceSource([holder[0][i]]))
                   for i, spec in enumerate(parent._specs)]
        element = nest.pack_sequence_as(parent._structure, windows)
        if isinstance(element, tuple) and not nest.is_namedtuple(element):
            inner = map_func(*element)
        else:
            inner = map_func(element)
        if not isinstance(inner, cls):
            raise TypeError(f"`map_func` must return a `Dataset` object, got "
                            f"{type(inner).__name__}.")
        args, drop = self._args, self._drop

        def make(up: pl.Stage, env: Any) -> pl.Stage:
            size, shift, stride = window_arguments(args, env)
            cycle, block = interleave_values(lengths, env)
            needed = list(inner._inputs)
            plan = (executor.compile_plan(needed, [], [], env.state, env.session)
                    if needed else None)

            def make_inner(window: tuple) -> pl.Stage:
                holder[0] = window
                values = dict(env.values)
                if plan is not None:
                    values.update(zip(needed, plan.execute([])))
                return inner._build(type(env)(values, env.session, env.state))

            return ds_stages.Interleave(Windows(up, size, shift, stride, drop), make_inner,
                                        cycle, block)

        extra = [t for t in inner._inputs + tensor_inputs(*args, *lengths)
                 if t not in parent._inputs]
        return parent._chain(make, specs=list(inner._specs), structure=inner._structure,
                             extra_inputs=list(dict.fromkeys(extra)))

    def apply(self, transformation_func: Callable[[Any], Any]) -> Any:
        """``transformation_func(self)``."""
        return transformation_func(self)

    def make_one_shot_iterator(self) -> Any:
        """Raises: TypeError: windows are datasets; read them through ``flat_map``."""
        raise TypeError("The elements of a windowed dataset are datasets: consume them with "
                        "flat_map or interleave (e.g. .flat_map(lambda w: w.batch(n))).")

    make_initializable_iterator = make_one_shot_iterator


__all__ = ["Windows", "WindowedDataset"]
