"""Runtime stages for file datasets, generators, ``shard``, ``flat_map``, ``interleave``
and ``padded_batch`` (same protocol as ``pipeline.py``: ``next()``, ``reset()``,
``get_state()`` / ``set_state()`` with flat dicts of arrays).

Stages that open nested datasets (``flat_map``, ``interleave``) save, per open inner
dataset, the input element it was made from plus the inner stage's own state, so they
are rebuilt on restore.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.data.pipeline import Stage, _prefixed, _sub


class RecordFiles(Stage):
    """Records of a list of files, read one file after the other."""

    def __init__(self, files: list[str], records: Callable[[str], Iterator[bytes]]):
        super().__init__(None)
        self.files = files
        self.records = records
        self.file = 0
        self.index = 0
        self._it: Iterator[bytes] | None = None

    def next(self) -> tuple:
        while self.file < len(self.files):
            if self._it is None:
                self._it = self.records(self.files[self.file])
                for _ in range(self.index):
                    next(self._it)
            rec = next(self._it, None)
            if rec is not None:
                self.index += 1
                return (np.array(rec, dtype=object),)
            self._it, self.file, self.index = None, self.file + 1, 0
        raise StopIteration

    def reset(self) -> None:
        self.file, self.index, self._it = 0, 0, None

    def get_state(self) -> dict[str, np.ndarray]:
        return {"file": np.array(self.file, dtype=np.int64),
                "index": np.array(self.index, dtype=np.int64)}

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        self.file, self.index, self._it = int(state["file"]), int(state["index"]), None


class Generator(Stage):
    """Elements of a Python generator, converted and checked against the declared types.

    Differs from TF: the position is saved as a count of elements; restoring re-runs the
    generator and skips that many (TF cannot checkpoint ``from_generator`` at all).
    """

    def __init__(self, make: Callable[[], Iterator[Any]], convert: Callable[[Any], tuple]):
        super().__init__(None)
        self.make = make
        self.convert = convert
        self.count = 0
        self._it: Iterator[Any] | None = None

    def next(self) -> tuple:
        if self._it is None:
            self._it = iter(self.make())
            for _ in range(self.count):
                next(self._it)
        try:
            value = next(self._it)
        except StopIteration:
            raise StopIteration from None
        self.count += 1
        return self.convert(value)

    def reset(self) -> None:
        self.count, self._it = 0, None

    def get_state(self) -> dict[str, np.ndarray]:
        return {"count": np.array(self.count, dtype=np.int64)}

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        self.count, self._it = int(state["count"]), None


class Shard(Stage):
    """Every ``num``-th element starting at ``index``."""

    def __init__(self, upstream: Stage, num: int, index: int):
        super().__init__(upstream)
        self.num, self.index, self.pos = num, index, 0

    def next(self) -> tuple:
        while True:
            el = self.upstream.next()
            pos = self.pos
            self.pos += 1
            if pos % self.num == self.index:
                return el

    def reset(self) -> None:
        self.pos = 0
        super().reset()

    def get_state(self) -> dict[str, np.ndarray]:
        st = super().get_state()
        st["pos"] = np.array(self.pos, dtype=np.int64)
        return st

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        super().set_state(state)
        self.pos = int(state["pos"])


def _element_state(prefix: str, el: tuple, stage: Stage) -> dict[str, np.ndarray]:
    st = {f"{prefix}/n": np.array(len(el), dtype=np.int64)}
    for i, c in enumerate(el):
        st[f"{prefix}/el{i}"] = np.asarray(c)
    st.update(_prefixed(f"{prefix}/inner", stage.get_state()))
    return st


def _element_from(prefix: str, state: dict[str, np.ndarray]) -> tuple:
    return tuple(state[f"{prefix}/el{i}"] for i in range(int(state[f"{prefix}/n"])))


class Interleave(Stage):
    """TF's interleave: ``cycle_length`` open inner datasets, ``block_length`` elements
    from each in turn; an exhausted one is replaced by the next input element's dataset.
    ``flat_map`` is the case ``cycle_length = block_length = 1``."""

    def __init__(self, upstream: Stage, make_inner: Callable[[tuple], Stage],
                 cycle_length: int, block_length: int):
        super().__init__(upstream)
        self.make_inner = make_inner
        self.cycle, self.block = cycle_length, block_length
        self._clear()

    def _clear(self) -> None:
        self.slots: list[tuple[tuple, Stage] | None] = [None] * self.cycle
        self.cycle_index = self.block_index = 0
        self.end_of_input = False

    def _advance_cycle(self) -> None:
        self.block_index = 0
        self.cycle_index = (self.cycle_index + 1) % self.cycle

    def next(self) -> tuple:
        while not self.end_of_input or any(s is not None for s in self.slots):
            slot = self.slots[self.cycle_index]
            if slot is not None:
                try:
                    el = slot[1].next()
                except StopIteration:
                    self.slots[self.cycle_index] = None
                    self._advance_cycle()
                    continue
                self.block_index += 1
                if self.block_index == self.block:
                    self._advance_cycle()
                return el
            if not self.end_of_input:
                try:
                    arg = self.upstream.next()
                except StopIteration:
                    self.end_of_input = True
                    continue
                self.slots[self.cycle_index] = (arg, self.make_inner(arg))
            else:
                self._advance_cycle()
        raise StopIteration

    def reset(self) -> None:
        self._clear()
        super().reset()

    def get_state(self) -> dict[str, np.ndarray]:
        st = super().get_state()
        st["cycle_index"] = np.array(self.cycle_index, dtype=np.int64)
        st["block_index"] = np.array(self.block_index, dtype=np.int64)
        st["end_of_input"] = np.array(self.end_of_input)
        for i, slot in enumerate(self.slots):
            st[f"slot{i}/open"] = np.array(slot is not None)
            if slot is not None:
                st.update(_element_state(f"slot{i}", slot[0], slot[1]))
        return st

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        super().set_state(state)
        self.cycle_index = int(state["cycle_index"])
        self.block_index = int(state["block_index"])
        self.end_of_input = bool(state["end_of_input"])
        for i in range(self.cycle):
            if bool(state[f"slot{i}/open"]):
                el = _element_from(f"slot{i}", state)
                inner = self.make_inner(el)
                inner.set_state(_sub(f"slot{i}/inner", state))
                self.slots[i] = (el, inner)
            else:
                self.slots[i] = None


class PaddedBatch(Stage):
    """Batches elements, padding each component to ``shapes`` (None: the batch's max)."""

    def __init__(self, upstream: Stage, batch_size: int, shapes: list[list[int | None]],
                 values: list[Any], drop_remainder: bool):
        super().__init__(upstream)
        self.n, self.shapes, self.values = batch_size, shapes, values
        self.drop = drop_remainder

    def next(self) -> tuple:
        items = []
        for _ in range(self.n):
            try:
                items.append(self.upstream.next())
            except StopIteration:
                break
        if not items or (self.drop and len(items) < self.n):
            raise StopIteration
        out = []
        for c, (shape, pad) in enumerate(zip(self.shapes, self.values)):
            parts = [np.asarray(it[c]) for it in items]
            if any(p.ndim != len(shape) for p in parts):
                raise errors.InvalidArgumentError(
                    None, None, f"padded_batch: component {c} has rank "
                                f"{parts[0].ndim}, padded shape {shape}")
            target = [max(p.shape[d] for p in parts) if s is None else s
                      for d, s in enumerate(shape)]
            for p in parts:
                if any(a > b for a, b in zip(p.shape, target)):
                    raise errors.InvalidArgumentError(
                        None, None, f"Attempted to pad to a smaller size than the input "
                                    f"element: element shape {list(p.shape)}, padded shape "
                                    f"{target}")
            arr = np.full([len(parts), *target], pad, dtype=parts[0].dtype)
            for j, p in enumerate(parts):
                arr[(j, *tuple(slice(0, s) for s in p.shape))] = p
            out.append(arr)
        return tuple(out)


__all__ = ["RecordFiles", "Generator", "Shard", "Interleave", "PaddedBatch"]
