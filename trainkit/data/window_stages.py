"""Pipeline stages behind the ``tf.data.experimental`` / ``tf.contrib.data`` transformations:
unbatch, sliding windows, grouping by key, scan and skipping failing elements.

Their buffers (open windows, scan state) are not part of a saved iterator state; a
restored iterator starts them empty.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from trainkit import errors
from trainkit.data.pipeline import Stage


class ListSource(Stage):
    """Elements from a Python list that its owner refills (one window of a group)."""

    def __init__(self, items: list[tuple]):
        super().__init__(None)
        self.items, self.i = items, 0

    def next(self) -> tuple:
        if self.i >= len(self.items):
            raise StopIteration
        self.i += 1
        return self.items[self.i - 1]

    def reset(self) -> None:
        self.i = 0


class Unbatch(Stage):
    """Splits each element along its first dimension into separate elements."""

    def __init__(self, upstream: Stage):
        super().__init__(upstream)
        self.pending: list[tuple] = []

    def next(self) -> tuple:
        while not self.pending:
            el = [np.asarray(c) for c in self.upstream.next()]
            sizes = {c.shape[0] if c.ndim else -1 for c in el}
            if len(sizes) != 1 or -1 in sizes:
                raise errors.InvalidArgumentError(
                    None, None, f"Input element must have the same batch size in each "
                                f"component. Component 0 had size {el[0].shape[:1]} but "
                                f"others had {sorted(sizes)}.")
            self.pending = [tuple(c[i] for c in el) for i in range(sizes.pop())][::-1]
        return self.pending.pop()

    def reset(self) -> None:
        self.pending = []
        super().reset()


class SlidingWindow(Stage):
    """Full windows of ``size`` elements ``stride`` apart, starting every ``shift``."""

    def __init__(self, upstream: Stage, size: int, shift: int, stride: int):
        super().__init__(upstream)
        self.size, self.shift, self.stride = size, shift, stride
        self.buffer: list[tuple] = []
        self.to_skip = 0

    def next(self) -> tuple:
        span = (self.size - 1) * self.stride + 1
        while self.to_skip:
            self.upstream.next()
            self.to_skip -= 1
        while len(self.buffer) < span:
            self.buffer.append(self.upstream.next())
        window = self.buffer[::self.stride]
        self.to_skip = max(0, self.shift - len(self.buffer))
        self.buffer = self.buffer[self.shift:]
        return tuple(np.stack([w[c] for w in window]) for c in range(len(window[0])))

    def reset(self) -> None:
        self.buffer, self.to_skip = [], 0
        super().reset()


class GroupByWindow(Stage):
    """Groups elements by ``key_of(element)``; a group of ``size_of(key)`` elements (or
    what is left at the end of the input, in increasing key order) becomes the elements
    of ``reduce(key, window)``."""

    def __init__(self, upstream: Stage, key_of: Callable[[tuple], int],
                 size_of: Callable[[int], int], reduce: Callable[[int, list[tuple]], Stage]):
        super().__init__(upstream)
        self.key_of, self.size_of, self.reduce = key_of, size_of, reduce
        self.groups: dict[int, list[tuple]] = {}
        self.current: Stage | None = None
        self.ended = False

    def _window(self) -> tuple[int, list[tuple]] | None:
        while not self.ended:
            try:
                el = self.upstream.next()
            except StopIteration:
                self.ended = True
                break
            key = self.key_of(el)
            group = self.groups.setdefault(key, [])
            group.append(el)
            size = self.size_of(key)
            if size <= 0:
                raise errors.InvalidArgumentError(
                    None, None, f"Window size must be greater than zero, but got {size}.")
            if len(group) >= size:
                return key, self.groups.pop(key)
        if self.groups:
            key = min(self.groups)
            return key, self.groups.pop(key)
        return None

    def next(self) -> tuple:
        while True:
            if self.current is not None:
                try:
                    return self.current.next()
                except StopIteration:
                    self.current = None
            window = self._window()
            if window is None:
                raise StopIteration
            self.current = self.reduce(*window)

    def reset(self) -> None:
        self.groups, self.current, self.ended = {}, None, False
        super().reset()


class Scan(Stage):
    """Threads a state through the elements: ``state, out = step(state, element)``."""

    def __init__(self, upstream: Stage, initial: tuple,
                 step: Callable[[tuple, tuple], tuple[tuple, tuple]]):
        super().__init__(upstream)
        self.initial, self.step = initial, step
        self.state = initial

    def next(self) -> tuple:
        self.state, out = self.step(self.state, self.upstream.next())
        return out

    def reset(self) -> None:
        self.state = self.initial
        super().reset()


class IgnoreErrors(Stage):
    """Drops the elements whose computation raised an ``OpError``."""

    def next(self) -> tuple:
        while True:
            try:
                return self.upstream.next()
            except errors.OpError:
                continue


__all__ = ["ListSource", "Unbatch", "SlidingWindow", "GroupByWindow", "Scan", "IgnoreErrors"]
