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
from trainkit.data import iterator_handles
from trainkit.data.build_env import BuildEnv
from trainkit.data.nested import DatasetSpec
from trainkit.framework import registry
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.framework.tensor import Operation, Tensor

_LOG = logging.getLogger("trainkit.data")


def _check_no_stateful_capture(inputs: list[Tensor]) -> None:
    """A one-shot iterator captures its dataset's input tensors by value (TF copies
    their subgraph into the dataset), which a stateful op (a variable, a random draw, a
    ``py_func``) cannot be.

    Raises:
        ValueError: an input computed from a stateful op, naming it as TF does.
    """
    seen: set[Operation] = set()
    stack = [t.op for t in inputs]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        if registry.is_registered(op.type) and registry.get_op_def(op.type).stateful:
            raise ValueError(
                f"Cannot capture a stateful node (name:{op.name}, type:{op.type}) by value.: "
                "A likely cause of this error is that the dataset for which you are calling "
                "`make_one_shot_iterator()` captures a stateful object, such as a "
                "`tf.Variable`, which is not supported. Use `make_initializable_iterator()` "
                "instead.")
        stack.extend(i.op for i in op.inputs)


class Iterator:
    """Iterates over a :class:`Dataset` inside the graph (``tf.compat.v1.data.Iterator``).

    Example:
        >>> it = ds.make_initializable_iterator()
        >>> batch = it.get_next()
        >>> sess.run(it.initializer)
        >>> sess.run(batch)
    """

    def __init__(self, dataset: Any, one_shot: bool, structure: Any = None,
                 specs: list | None = None, handle: Tensor | None = None):
        graph = get_default_graph()
        self._dataset = dataset
        self._one_shot = one_shot
        self._graph = graph
        # The element structure: the dataset's, or given (``from_structure`` /
        # ``from_string_handle``, whose dataset is chosen at run time).
        self._structure = dataset._structure if dataset is not None else structure
        self._specs = list(dataset._specs) if dataset is not None else list(specs or [])
        self._handle = handle
        for t in (dataset._inputs if dataset is not None else []):
            if one_shot and t.op.type in ("Placeholder", "PlaceholderWithDefault"):
                raise ValueError(
                    f"Cannot create a one-shot iterator for a dataset that depends on the "
                    f"placeholder {t.name}; use make_initializable_iterator() and feed it "
                    "when running the initializer.")
        if one_shot and dataset is not None:
            _check_no_stateful_capture(dataset._inputs)
        kind = "OneShotIterator" if one_shot else "Iterator"
        self._name = graph.unique_name(kind, mark_as_used=True)
        self.key = f"iterator:{self._name}"
        self._initializer: Operation | None = None
        if dataset is not None and not one_shot:
            self._initializer = graph.create_op(
                "MakeIterator", list(dataset._inputs), [], name=self._name + "/initializer/",
                attrs={"iterator": self, "dataset": dataset})
        if handle is None:  # a handle iterator has no state of its own
            graph.add_to_collection(GraphKeys.SAVEABLE_OBJECTS, self)

    # -- reinitializable and feedable iterators (TF1's static constructors) --------------
    @staticmethod
    def from_structure(output_types: Any, output_shapes: Any = None,
                       shared_name: str | None = None, output_classes: Any = None
                       ) -> Iterator:
        """An iterator of the given element structure, not bound to a dataset: run
        ``make_initializer(dataset)`` to (re)start it on any dataset of that structure."""
        return Iterator(None, one_shot=False, structure=output_types,
                        specs=iterator_handles.structure_specs(output_types, output_shapes))

    @staticmethod
    def from_string_handle(string_handle: Any, output_types: Any, output_shapes: Any = None,
                           output_classes: Any = None) -> Iterator:
        """An iterator whose ``get_next()`` reads from the iterator named by the fed
        ``string_handle`` (the value of another iterator's ``string_handle()``)."""
        handle = iterator_handles.handle_tensor(string_handle)
        return Iterator(None, one_shot=False, structure=output_types,
                        specs=iterator_handles.structure_specs(output_types, output_shapes),
                        handle=handle)

    def make_initializer(self, dataset: Any, name: str | None = None) -> Operation:
        """An op that starts this iterator on ``dataset``.

        Raises:
            TypeError: if the dataset's element structure or types differ.
        """
        iterator_handles.check_compatible(self, dataset)
        return self._graph.create_op(
            "MakeIterator", list(dataset._inputs), [],
            name=name or self._graph.unique_name(self._name + "/make_initializer"),
            attrs={"iterator": self, "dataset": dataset})

    def string_handle(self, name: str | None = None) -> Tensor:
        """A string scalar naming this iterator, to feed a ``from_string_handle``
        iterator (running it starts a one-shot iterator, as in TF)."""
        inputs = list(self._dataset._inputs) if self._one_shot else []
        return self._graph.create_op(
            "IteratorToStringHandle", inputs, [_string_dtype()],
            name=name or self._graph.unique_name(self._name + "/string_handle"),
            attrs={"iterator": self}, shapes=[[]]).outputs[0]

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
        return self._describe([dt for dt, _ in self._specs])

    @property
    def output_shapes(self) -> Any:
        return self._describe([sh for _, sh in self._specs])

    @property
    def output_classes(self) -> Any:
        return self._describe([Tensor] * len(self._specs))

    def _describe(self, values: list) -> Any:
        # a component that is a dataset is described by its DatasetSpec, as in TF
        leaves = nest.flatten(self._structure)
        return nest.pack_sequence_as(self._structure, [
            leaf if isinstance(leaf, DatasetSpec) else v for leaf, v in zip(leaves, values)])

    def get_next(self, name: str | None = None) -> Any:
        """The next element (same structure as the dataset's elements).

        Running it past the end raises ``errors.OutOfRangeError``; running an
        initializable iterator before its initializer raises ``FailedPreconditionError``.
        """
        specs = self._specs
        if self._handle is not None:
            inputs = [self._handle]
        else:
            inputs = list(self._dataset._inputs) if self._one_shot else []
        op = self._graph.create_op(
            "IteratorGetNext", inputs, [dt for dt, _ in specs],
            name=name or (self._name + "_get_next"), attrs={"iterator": self},
            shapes=[s for _, s in specs])
        if self._dataset is not None:   # components that are datasets come back as such
            return self._dataset._element_from(list(op.outputs))
        return nest.pack_sequence_as(self._structure, list(op.outputs))

    def _build(self, input_values: list, session: Any, state: Any,
               dataset: Any = None) -> Any:
        dataset = dataset if dataset is not None else self._dataset
        env = BuildEnv(dict(zip(dataset._inputs, input_values)), session, state)
        return dataset._build(env)

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
        if stage is None and self._dataset is None:
            # TF's Saver never restores an iterator's position, so a TF1 program that
            # restores before initializing its iterator is normal: say so at INFO only
            _LOG.info("Iterator %s is not bound to a dataset: run one of its "
                      "make_initializer ops before restoring its position.", self._name)
            return
        if stage is None:
            values = []
            for t in self._dataset._inputs:
                if t.op.type != "Const":
                    _LOG.info("Iterator %s depends on %s, which is not a constant: run its "
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
    stage = it._build(list(inputs), ctx.session, ctx.state, ctx.attrs.get("dataset"))
    with ctx.state.lock:
        ctx.state.resources[it.key] = stage


@registry.register_kernel("IteratorGetNext", stateful=True)
def _get_next_kernel(ctx: registry.KernelContext, *inputs: Any) -> Any:
    it: Iterator = ctx.attrs["iterator"]
    state = ctx.state
    key = it.key
    if it._handle is not None:
        key, inputs = iterator_handles.resolve(it, inputs[0]), ()
    with state.lock:
        stage = state.resources.get(key)
        if stage is None:
            if not it._one_shot or it._handle is not None:
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


@registry.register_kernel("IteratorToStringHandle", stateful=True)
def _string_handle_kernel(ctx: registry.KernelContext, *inputs: Any) -> Any:
    it: Iterator = ctx.attrs["iterator"]
    if it._one_shot:
        with ctx.state.lock:
            if it.key not in ctx.state.resources:
                ctx.state.resources[it.key] = it._build(list(inputs), ctx.session, ctx.state)
    return np.array(it.key.encode("utf-8"), dtype=object)


def _string_dtype() -> Any:
    from trainkit.framework import dtypes

    return dtypes.string


registry.not_differentiable("IteratorGetNext", "MakeIterator", "IteratorToStringHandle")

__all__ = ["Iterator"]
