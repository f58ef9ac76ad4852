"""Pipeline stages that combine datasets or end one early: ``concatenate``,
``choose_from_datasets``, ``take_while`` and ``unique``.

``Concatenate`` and ``Choose`` save which input they read (and their inputs' states) in
an iterator's saved state; ``Unique``'s set of seen elements is not saved (a restored
iterator starts it empty, as the window stages do with their buffers).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from trainkit import errors
from trainkit.data.pipeline import Stage, _prefixed, _rng_from_array, _rng_state_to_array, _sub


class Concatenate(Stage):
    """The elements of ``first``, then those of ``second``."""

    def __init__(self, first: Stage, second: Stage):
        super().__init__(None)
        self.inputs = (first, second)
        self.part = 0

    def next(self) -> tuple:
        while True:
            try:
                return self.inputs[self.part].next()
            except StopIteration:
                if self.part == 1:
                    raise
                self.part = 1

    def reset(self) -> None:
        self.part = 0
        for s in self.inputs:
            s.reset()

    def get_state(self) -> dict[str, np.ndarray]:
        st = {"part": np.array(self.part, np.int64)}
        for i, s in enumerate(self.inputs):
            st.update(_prefixed(f"in{i}", s.get_state()))
        return st

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        self.part = int(state["part"])
        for i, s in enumerate(self.inputs):
            s.set_state(_sub(f"in{i}", state))


class Choose(Stage):
    """Each element from the input that the next element of ``choices`` (an int64 scalar
    in ``[0, len(inputs))``) names. Ends when ``choices`` ends or every input has; a
    choice of an input that has ended is skipped, or ends the whole with
    ``stop_on_empty`` (TF's ``choose_from_datasets`` and its ``stop_on_empty_dataset``).
    """

    def __init__(self, choices: Stage, inputs: list[Stage], stop_on_empty: bool = False):
        super().__init__(None)
        self.choices, self.inputs, self.stop_on_empty = choices, inputs, stop_on_empty
        self.ended = [False] * len(inputs)

    def next(self) -> tuple:
        while not all(self.ended):
            (k,) = self.choices.next()
            k = int(k)
            if not 0 <= k < len(self.inputs):
                raise errors.InvalidArgumentError(
                    None, None, f"`choice_dataset` contained {k}, which is not a valid "
                                f"index into the {len(self.inputs)} datasets.")
            if self.ended[k]:
                continue
            try:
                return self.inputs[k].next()
            except StopIteration:
                if self.stop_on_empty:
                    raise
                self.ended[k] = True
        raise StopIteration

    def reset(self) -> None:
        self.choices.reset()
        self.ended = [False] * len(self.inputs)
        for s in self.inputs:
            s.reset()

    def get_state(self) -> dict[str, np.ndarray]:
        st = {"ended": np.array(self.ended, bool),
              **_prefixed("choices", self.choices.get_state())}
        for i, s in enumerate(self.inputs):
            st.update(_prefixed(f"in{i}", s.get_state()))
        return st

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        self.ended = [bool(v) for v in state["ended"]]
        self.choices.set_state(_sub("choices", state))
        for i, s in enumerate(self.inputs):
            s.set_state(_sub(f"in{i}", state))


class WeightedChoices(Stage):
    """An endless stream of int64 indices drawn with probabilities ``probs`` from a
    seeded generator (the selector of ``sample_from_datasets``); its generator state is
    part of a saved iterator state."""

    def __init__(self, probs: np.ndarray, seed: int):
        super().__init__(None)
        self.cdf = np.cumsum(probs) / np.sum(probs)
        self.seed = seed
        self.rng = np.random.Generator(np.random.PCG64(seed))

    def next(self) -> tuple:
        k = int(np.searchsorted(self.cdf, self.rng.random(), side="right"))
        return (np.int64(min(k, len(self.cdf) - 1)),)

    def reset(self) -> None:
        """A new epoch goes on drawing (as TF's selector does across repeats)."""

    def get_state(self) -> dict[str, np.ndarray]:
        return {"rng": _rng_state_to_array(self.rng)}

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        self.rng = _rng_from_array(state["rng"])


class TakeWhile(Stage):
    """The elements up to (not including) the first for which ``pred`` is false."""

    def __init__(self, upstream: Stage, pred: Callable[[tuple], bool]):
        super().__init__(upstream)
        self.pred, self.done = pred, False

    def next(self) -> tuple:
        if self.done:
            raise StopIteration
        el = self.upstream.next()
        if not self.pred(el):
            self.done = True
            raise StopIteration
        return el

    def reset(self) -> None:
        self.done = False
        super().reset()

    def get_state(self) -> dict[str, np.ndarray]:
        return {"done": np.array(self.done), **super().get_state()}

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        self.done = bool(state.get("done", False))
        super().set_state(state)


class Unique(Stage):
    """Each distinct element once, in order of first appearance."""

    def __init__(self, upstream: Stage):
        super().__init__(upstream)
        self.seen: set = set()

    def next(self) -> tuple:
        while True:
            el = self.upstream.next()
            v = el[0]
            key = v.item() if isinstance(v, np.ndarray) else v
            if key not in self.seen:
                self.seen.add(key)
                return el

    def reset(self) -> None:
        self.seen = set()
        super().reset()


__all__ = ["Concatenate", "Choose", "WeightedChoices", "TakeWhile", "Unique"]
