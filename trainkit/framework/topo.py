"""The graph walks every layer uses: what a set of fetches needs (pruning), what lies
between two sets of tensors, and the one topological order (creation order).

Ops are only ever appended to a graph, and an op's inputs and control inputs exist
before it, so sorting by :attr:`Operation.creation_index` is a topological order. The
executor, the gradient walker and hook timing all walk the graph through these
functions and the public attributes of ``Operation``/``Tensor``.

Example:
    >>> needed = prune([loss], [train_op], fed={x})
    >>> [op.name for op in needed][:2]
    ['x', 'dense/kernel']
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from trainkit.framework.tensor import Operation, Tensor


def data_inputs(op: Operation) -> Iterator[Tensor]:
    """The tensors ``op`` reads when it runs: its inputs, then the predicates of the
    ``cond`` branches it was built in (the executor reads them to decide whether it runs)."""
    yield from op.inputs
    for pred, _ in op.cond_gates:
        yield pred


def prune(fetch_tensors: Iterable[Tensor], target_ops: Iterable[Operation] = (),
          fed: Iterable[Tensor] = ()) -> list[Operation]:
    """The ops computing ``fetch_tensors`` and running ``target_ops`` needs, in
    topological order; a fed tensor's producer is not needed for that tensor.

    Follows inputs, ``cond`` gate predicates and control inputs. A control dependency on
    a fed ``Placeholder`` is satisfied by the feed, as in TF (whose feed rewrite moves a
    placeholder's outgoing control edges to the fed value); on any other op it still
    runs the op.
    """
    fed_set = fed if isinstance(fed, (set, frozenset)) else set(fed)
    fed_placeholders = {t.op for t in fed_set if t.op.type in _PLACEHOLDERS}
    needed: set[Operation] = set()
    stack: list[Operation] = []

    def need_tensor(t: Tensor) -> None:
        op = t.op
        if t not in fed_set and op not in needed:
            needed.add(op)
            stack.append(op)

    for t in fetch_tensors:
        need_tensor(t)
    for op in target_ops:
        if op not in needed:
            needed.add(op)
            stack.append(op)
    while stack:
        op = stack.pop()
        for t in data_inputs(op):
            need_tensor(t)
        for c in op.control_inputs:
            if c not in needed and c not in fed_placeholders:
                needed.add(c)
                stack.append(c)
    return topological_order(needed)


#: op types whose outgoing control edges a feed of their output satisfies (TF's
#: ``FeedInputs`` moves them to the fed value for these types only)
_PLACEHOLDERS = frozenset({"Placeholder", "PlaceholderV2"})


def topological_order(ops: Iterable[Operation], reverse: bool = False) -> list[Operation]:
    """``ops`` with every op after the ops it depends on (``reverse``: before them)."""
    return sorted(ops, key=_creation_index, reverse=reverse)


def _creation_index(op: Operation) -> int:
    return op.creation_index


def consumers_closure(tensors: Iterable[Tensor]) -> set[Operation]:
    """Every op that reads any of ``tensors``, directly or through other ops."""
    seen: set[Operation] = set()
    stack = [op for t in tensors for op in t.consumers()]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        for out in op.outputs:
            stack.extend(out.consumers())
    return seen


def ops_between(sources: Iterable[Tensor], sinks: Iterable[Tensor],
                cut: Iterable[Tensor] = ()) -> set[Operation]:
    """The ops on a data path from ``sources`` to ``sinks`` not passing a ``cut`` tensor
    (what differentiating ``sinks`` with respect to ``sources`` has to visit)."""
    cut_set = cut if isinstance(cut, (set, frozenset)) else set(cut)
    forward = consumers_closure(sources)
    between: set[Operation] = set()
    stack = [t.op for t in sinks if t not in cut_set]
    while stack:
        op = stack.pop()
        if op in between or op not in forward:
            continue
        between.add(op)
        stack.extend(t.op for t in op.inputs if t not in cut_set)
    return between


__all__ = ["data_inputs", "prune", "topological_order", "consumers_closure", "ops_between"]
