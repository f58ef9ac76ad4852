"""``Iterator``: the graph side of a dataset — ``get_next()`` and ``initializer`` ops —
and its checkpointable state (position in the data and shuffle RNG).

State protocol with ``train.Saver``: an iterator is registered in the collection
``GraphKeys.SAVEABLE_OBJECTS`` and provides ``name``, ``saveable_state(session) ->
dict[str, ndarray]`` and ``restore_saveable_state(session, state)``.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from trainkit import errors, nest
from trainkit.data.build_env import BuildEnv
from trainkit.framework import registry
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.framework.tensor import Operation, Tensor

_LOG = logging.getLogger("trainkit.data")


class Iterator:
    """Iterates over a :class:`Dataset` inside the graph (``tf.compat.v1.data.Iterator``).

    Example:
        >>> it = ds.make_initializable_iterator()
        >>> batch = it.get_next()
        >>> sess.run(it.initializer)
        >>> sess.run(batch)
    """

    def __init__(self, dataset: Any, one_shot: bool):
        graph = get_default_graph()
        self._dataset = dataset
        self._one_shot = one_shot
        self._graph = graph
        for t in dataset._inputs:
            if one_shot and t.op.type in ("Placeholder", "PlaceholderWithDefault"):
                raise ValueError(
                    f"Cannot create a one-shot iterator for a dataset that depends on the "
                    f"placeholder {t.name}; use make_initializable_iterator() and feed it "
                    "when running the initializer.")
        kind = "OneShotIterator" if one_shot else "Iterator"
        self._name = graph.unique_name(kind, mark_as_used=True)
        self.key = f"iterator:{self._name}"
        self._initializer: Operation | None = None
        if not one_shot:
            self._initializer = graph.create_op(
                "MakeIterator", list(dataset._inputs), [], name=self._name + "/initializer/",
                attrs={"iterator": self})
        graph.add_to_collection(GraphKeys.SAVEABLE_OBJECTS, self)

    @property
    def name(self) -> str:
        """The unique name of this iterator in its graph (also its checkpoint prefix)."""
        return self._name

    @property
    def initializer(self) -> Operation:
        """The op that (re)starts this iterator.

        Raises:
            ValueError: for a one-shot iterator, which has no initializer.
        """
        if self._initializer is None:
            raise ValueError("A one-shot iterator has no initializer; use "
                             "make_initializable_iterator() to restart a dataset.")
        return self._initializer

    @property
    def output_types(self) -> Any:
        return self._dataset.output_types

    @property
    def output_shapes(self) -> Any:
        return self._dataset.output_shapes

    @property
    def output_classes(self) -> Any:
        return self._dataset.output_classes

    def get_next(self, name: str | None = None) -> Any:
        """The next element (same structure as the dataset's elements).

        Running it past the end raises ``errors.OutOfRangeError``; running an
        initializable iterator before its initializer raises ``FailedPreconditionError``.
        """
        specs = self._dataset._specs
        inputs = list(self._dataset._inputs) if self._one_shot else []
        op = self._graph.create_op(
            "IteratorGetNext", inputs, [dt for dt, _ in specs],
            name=name or (self._name + "_get_next"), attrs={"iterator": self},
            shapes=[s for _, s in specs])
        return nest.pack_sequence_as(self._dataset._structure, list(op.outputs))

    def _build(self, input_values: list, session: Any, state: Any) -> Any:
        env = BuildEnv(dict(zip(self._dataset._inputs, input_values)), session, state)
        return self._dataset._build(env)

    # -- checkpointable state ----------------------------------------------------------------
    def saveable_state(self, session: Any) -> dict[str, np.ndarray]:
        """The iterator's position and RNG state in ``session`` as named arrays."""
        stage = session.state.resources.get(self.key)
        if stage is None:
            return {"initialized": np.array(False)}
        with session.state.lock:
            st = stage.get_state()
        st["initialized"] = np.array(True)
        return st

    def restore_saveable_state(self, session: Any, state: dict[str, np.ndarray]) -> None:
        """Puts the iterator of ``session`` back where ``state`` says."""
        res = session.state.resources
        if not bool(state.get("initialized", np.array(False))):
            res.pop(self.key, None)
            return
        stage = res.get(self.key)
        if stage is None:
            values = []
            for t in self._dataset._inputs:
                if t.op.type != "Const":
                    _LOG.warning("Iterator %s depends on %s, which is not a constant: run its "
                                 "initializer before restoring its position.", self._name,
                                 t.name)
                    return
                values.append(t.op.attrs["value"])
            stage = self._build(values, session, session.state)
        try:
            stage.set_state({k: v for k, v in state.items() if k != "initialized"})
        except (KeyError, ValueError, IndexError, TypeError) as e:
            # A state saved by another pipeline under this name: leave the iterator
            # unstarted (a one-shot iterator starts from the beginning) and report it.
            res.pop(self.key, None)
            raise ValueError(f"the saved state of iterator {self._name} does not fit its "
                             f"dataset ({type(e).__name__}: {e})") from None
        res[self.key] = stage

    def _as_graph_element(self) -> Tensor:
        raise TypeError("An Iterator cannot be fetched; fetch iterator.get_next() instead.")


@registry.register_kernel("MakeIterator", stateful=True)
def _make_iterator_kernel(ctx: registry.KernelContext, *inputs: Any) -> None:
    it: Iterator = ctx.attrs["iterator"]
    stage = it._build(list(inputs), ctx.session, ctx.state)
    with ctx.state.lock:
        ctx.state.resources[it.key] = stage


@registry.register_kernel("IteratorGetNext", stateful=True)
def _get_next_kernel(ctx: registry.KernelContext, *inputs: Any) -> Any:
    it: Iterator = ctx.attrs["iterator"]
    state = ctx.state
    with state.lock:
        stage = state.resources.get(it.key)
        if stage is None:
            if not it._one_shot:
                raise errors.FailedPreconditionError(
                    None, None, "GetNext() failed because the iterator has not been "
                    "initialized. Ensure that you have run the initializer operation for "
                    "this iterator before getting the next element.")
            stage = state.resources[it.key] = it._build(list(inputs), ctx.session, state)
        try:
            el = stage.next()
        except StopIteration:
            raise errors.OutOfRangeError(None, None, "End of sequence") from None
    return el[0] if len(el) == 1 else el


registry.not_differentiable("IteratorGetNext", "MakeIterator")

__all__ = ["Iterator"]
