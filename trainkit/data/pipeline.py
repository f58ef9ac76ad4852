"""The runtime side of datasets: stateful element iterators with saveable state.

Each stage implements ``next()`` (one element: a tuple of component arrays),
``next_many(n)`` (up to n elements, batched per component, for fast batching),
``get_state()`` / ``set_state(state)`` (a flat ``dict[str, np.ndarray]``, no pickle) and
``reset()`` (start the stage's input over, as ``repeat`` needs). End of data is
``StopIteration``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np


def _rng_state_to_array(rng: np.random.Generator) -> np.ndarray:
    return np.frombuffer(json.dumps(rng.bit_generator.state).encode(), dtype=np.uint8).copy()


def _rng_from_array(arr: np.ndarray) -> np.random.Generator:
    state = json.loads(bytes(np.asarray(arr, dtype=np.uint8)).decode())
    bg = np.random.PCG64()
    bg.state = state
    return np.random.Generator(bg)


def _prefixed(prefix: str, state: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {f"{prefix}/{k}": v for k, v in state.items()}


def _sub(prefix: str, state: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    p = prefix + "/"
    return {k[len(p):]: v for k, v in state.items() if k.startswith(p)}


class Stage:
    """Base class of pipeline stages."""

    def __init__(self, upstream: Stage | None = None):
        self.upstream = upstream

    def next(self) -> tuple:
        raise NotImplementedError

    def next_many(self, n: int) -> list[np.ndarray] | None:
        """Up to ``n`` elements stacked per component; None at the end of data."""
        items = []
        for _ in range(n):
            try:
                items.append(self.next())
            except StopIteration:
                break
        if not items:
            return None
        return [np.stack([it[i] for it in items]) for i in range(len(items[0]))]

    def reset(self) -> None:
        if self.upstream is not None:
            self.upstream.reset()

    def get_state(self) -> dict[str, np.ndarray]:
        return _prefixed("in", self.upstream.get_state()) if self.upstream else {}

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        if self.upstream is not None:
            self.upstream.set_state(_sub("in", state))


class SliceSource(Stage):
    """Elements are the slices ``component[i]`` along the first axis."""

    def __init__(self, components: list[np.ndarray]):
        super().__init__(None)
        self.components = components
        self.n = len(components[0]) if components else 0
        self.i = 0

    def next(self) -> tuple:
        if self.i >= self.n:
            raise StopIteration
        i = self.i
        self.i += 1
        return tuple(c[i] for c in self.components)

    def next_many(self, n: int) -> list[np.ndarray] | None:
        if self.i >= self.n:
            return None
        i, j = self.i, min(self.i + n, self.n)
        self.i = j
        return [c[i:j].copy() for c in self.components]

    def reset(self) -> None:
        self.i = 0

    def get_state(self) -> dict[str, np.ndarray]:
        return {"index": np.array(self.i, dtype=np.int64)}

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        self.i = int(state["index"])


class TensorsSource(Stage):
    """A single element made of the whole components (``from_tensors``)."""

    def __init__(self, components: list[np.ndarray]):
        super().__init__(None)
        self.components = components
        self.done = False

    def next(self) -> tuple:
        if self.done:
            raise StopIteration
        self.done = True
        return tuple(self.components)

    def reset(self) -> None:
        self.done = False

    def get_state(self) -> dict[str, np.ndarray]:
        return {"done": np.array(self.done)}

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        self.done = bool(state["done"])


class Map(Stage):
    """Applies a compiled function to every element."""

    def __init__(self, upstream: Stage, fn: Callable[[tuple], tuple]):
        super().__init__(upstream)
        self.fn = fn

    def next(self) -> tuple:
        return self.fn(self.upstream.next())


class Filter(Stage):
    """Keeps elements for which the compiled predicate is true."""

    def __init__(self, upstream: Stage, pred: Callable[[tuple], bool]):
        super().__init__(upstream)
        self.pred = pred

    def next(self) -> tuple:
        while True:
            el = self.upstream.next()
            if self.pred(el):
                return el


class Batch(Stage):
    """Stacks ``batch_size`` consecutive elements (fewer at the end unless dropped)."""

    def __init__(self, upstream: Stage, batch_size: int, drop_remainder: bool):
        super().__init__(upstream)
        self.batch_size = batch_size
        self.drop_remainder = drop_remainder

    def next(self) -> tuple:
        b = self.upstream.next_many(self.batch_size)
        if b is None or (self.drop_remainder and len(b[0]) < self.batch_size):
            raise StopIteration
        return tuple(b)


class Repeat(Stage):
    """Restarts its input ``count`` times (forever for None / -1)."""

    def __init__(self, upstream: Stage, count: int | None):
        super().__init__(upstream)
        self.count = None if count is None or count < 0 else count
        self.epoch = 0

    def _exhausted(self) -> bool:
        return self.count is not None and self.epoch >= self.count

    def next(self) -> tuple:
        empty_epochs = 0
        while not self._exhausted():
            try:
                return self.upstream.next()
            except StopIteration:
                self.epoch += 1
                self.upstream.reset()
                empty_epochs += 1
                if empty_epochs > 1:
                    raise  # the input is empty: repeating it forever yields nothing
        raise StopIteration

    def next_many(self, n: int) -> list[np.ndarray] | None:
        parts: list[list[np.ndarray]] = []
        got, empty_epochs = 0, 0
        while got < n and not self._exhausted():
            b = self.upstream.next_many(n - got)
            if b is None:
                self.epoch += 1
                self.upstream.reset()
                empty_epochs += 1
                if empty_epochs > 1:
                    break
                continue
            empty_epochs = 0
            parts.append(b)
            got += len(b[0])
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        return [np.concatenate([p[i] for p in parts]) for i in range(len(parts[0]))]

    def reset(self) -> None:
        self.epoch = 0
        self.upstream.reset()

    def get_state(self) -> dict[str, np.ndarray]:
        st = super().get_state()
        st["epoch"] = np.array(self.epoch, dtype=np.int64)
        return st

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        super().set_state(state)
        self.epoch = int(state["epoch"])


class Shuffle(Stage):
    """A shuffle buffer of ``buffer_size`` elements, sampled uniformly.

    The RNG is seeded once; with ``reshuffle_each_iteration`` it keeps going across
    ``reset()`` so every epoch gets a new order, otherwise it restarts from its seed.
    """

    def __init__(self, upstream: Stage, buffer_size: int, seed: int,
                 reshuffle_each_iteration: bool):
        super().__init__(upstream)
        self.buffer_size = buffer_size
        self.seed = seed
        self.reshuffle = reshuffle_each_iteration
        self.rng = np.random.Generator(np.random.PCG64(seed))
        self.buffer: list[tuple] = []
        self.upstream_done = False

    def _fill(self) -> None:
        while not self.upstream_done and len(self.buffer) < self.buffer_size:
            try:
                self.buffer.append(self.upstream.next())
            except StopIteration:
                self.upstream_done = True

    def next(self) -> tuple:
        self._fill()
        if not self.buffer:
            raise StopIteration
        i = int(self.rng.integers(len(self.buffer)))
        el = self.buffer[i]
        self.buffer[i] = self.buffer[-1]
        self.buffer.pop()
        return el

    def reset(self) -> None:
        self.buffer = []
        self.upstream_done = False
        if not self.reshuffle:
            self.rng = np.random.Generator(np.random.PCG64(self.seed))
        self.upstream.reset()

    def get_state(self) -> dict[str, np.ndarray]:
        st = super().get_state()
        st["rng"] = _rng_state_to_array(self.rng)
        st["upstream_done"] = np.array(self.upstream_done)
        st["buffer_len"] = np.array(len(self.buffer), dtype=np.int64)
        if self.buffer:
            for c in range(len(self.buffer[0])):
                st[f"buffer/{c}"] = np.stack([np.asarray(el[c]) for el in self.buffer])
        return st

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        super().set_state(state)
        self.rng = _rng_from_array(state["rng"])
        self.upstream_done = bool(state["upstream_done"])
        n = int(state["buffer_len"])
        comps = []
        c = 0
        while f"buffer/{c}" in state:
            comps.append(state[f"buffer/{c}"])
            c += 1
        self.buffer = [tuple(comp[i] for comp in comps) for i in range(n)]


class Take(Stage):
    """The first ``count`` elements (all for -1)."""

    def __init__(self, upstream: Stage, count: int):
        super().__init__(upstream)
        self.count = count
        self.taken = 0

    def next(self) -> tuple:
        if 0 <= self.count <= self.taken:
            raise StopIteration
        el = self.upstream.next()
        self.taken += 1
        return el

    def reset(self) -> None:
        self.taken = 0
        super().reset()

    def get_state(self) -> dict[str, np.ndarray]:
        st = super().get_state()
        st["taken"] = np.array(self.taken, dtype=np.int64)
        return st

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        super().set_state(state)
        self.taken = int(state["taken"])


class Skip(Stage):
    """Drops the first ``count`` elements (all for -1)."""

    def __init__(self, upstream: Stage, count: int):
        super().__init__(upstream)
        self.count = count
        self.skipped = False

    def next(self) -> tuple:
        if not self.skipped:
            self.skipped = True
            n = 0
            while self.count < 0 or n < self.count:
                self.upstream.next()
                n += 1
        return self.upstream.next()

    def reset(self) -> None:
        self.skipped = False
        super().reset()

    def get_state(self) -> dict[str, np.ndarray]:
        st = super().get_state()
        st["skipped"] = np.array(self.skipped)
        return st

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        super().set_state(state)
        self.skipped = bool(state["skipped"])


class Shard(Stage):
    """Every ``num_shards``-th element, starting with element ``index``."""

    def __init__(self, upstream: Stage, num_shards: int, index: int):
        super().__init__(upstream)
        self.num_shards, self.index = num_shards, index
        self.seen = 0

    def next(self) -> tuple:
        while True:
            el = self.upstream.next()
            self.seen += 1
            if (self.seen - 1) % self.num_shards == self.index:
                return el

    def reset(self) -> None:
        self.seen = 0
        super().reset()

    def get_state(self) -> dict[str, np.ndarray]:
        st = super().get_state()
        st["seen"] = np.array(self.seen, dtype=np.int64)
        return st

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        super().set_state(state)
        self.seen = int(state["seen"])


class Zip(Stage):
    """Elements of several pipelines side by side."""

    def __init__(self, inputs: list[Stage], sizes: list[int]):
        super().__init__(None)
        self.inputs = inputs
        self.sizes = sizes

    def next(self) -> tuple:
        out: list = []
        for s in self.inputs:
            out.extend(s.next())
        return tuple(out)

    def reset(self) -> None:
        for s in self.inputs:
            s.reset()

    def get_state(self) -> dict[str, np.ndarray]:
        st: dict[str, np.ndarray] = {}
        for i, s in enumerate(self.inputs):
            st.update(_prefixed(f"in{i}", s.get_state()))
        return st

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        for i, s in enumerate(self.inputs):
            s.set_state(_sub(f"in{i}", state))


def any_state(stage: Any) -> dict[str, np.ndarray]:
    return stage.get_state()
