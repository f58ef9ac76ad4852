"""Within one run, a variable's readers run before its in-place writers they do not
depend on.

A variable's value flows through aliasing reads (``v/read``, an ``Identity`` that every
use of ``v`` as a tensor goes through): the op consuming such a read sees whatever the
buffer holds when that op runs, and an optimizer's ``Apply*`` or an ``Assign*`` writes
the buffer in place. When one run holds both a write and a read that does not depend on
it, TF leaves their order to its executor, which starts every op as soon as its inputs
are ready; a read inside a model (a matmul of a backward pass) is usually ready long
before an update, which needs a whole gradient first. So TF's runs nearly always see the
value from before the write (the value resource variables give every time; the numbers
measured are in ``tests/client/test_write_order.py``). The classic case
is a GAN stepping both networks in one ``sess.run([..., train_D, train_G])``: the
generator's backward pass reads the discriminator's weights while the discriminator's
update writes them. Running the plan in creation order instead would run all of
``train_D`` (created first) before the generator's gradients read those weights.

:func:`reads_first` makes that order deterministic: every op that reads a variable's
buffer, and does not depend on a given write of that variable, runs before the write.
Everything else keeps creation order. A read that depends on the write (through data or
control edges) still sees the new value, and a fetched read is copied when the run ends
(the executor's rule), so it shows the value after the run's writes.

Example:
    >>> v = tf.Variable(1.0)
    >>> inc = tf.assign_add(v, 1.0)        # created first ...
    >>> y = v * 10.0                       # ... yet y reads v before the increment
    >>> sess.run([inc, y])[1]              # doctest: +SKIP
    10.0
"""

from __future__ import annotations

import heapq

from trainkit.framework import registry, topo
from trainkit.framework.tensor import Operation, Tensor

#: op types owning a variable buffer that other ops read and write in place
_BUFFER_OPS = frozenset({"VariableV2"})
#: stateful op types that take a variable itself only to look at it
_LOOKS_ONLY = frozenset({"IsVariableInitialized"})


def reads_first(order: list[Operation], fed: set[Tensor]) -> list[Operation]:
    """``order`` (a topological order of a plan's ops) with each variable's readers moved
    before the in-place writes of that variable they do not depend on.

    Returns ``order`` itself when nothing has to move (the common case: a model's reads
    are created before its optimizer's updates), and also when the moves would form a
    cycle (reads and writes of two variables depending on each other crosswise), where
    no order puts every read first.
    """
    index = {op: i for i, op in enumerate(order)}
    readers, writers = _accesses(order, index, fed)
    if not any(readers.get(var, [-1])[-1] > ws[0] for var, ws in writers.items()):
        return order  # every read already comes before every write of its variable
    deps = [_dependencies(op, index, fed) for op in order]
    below = _writes_below(order, deps, writers)
    pairs = [(r, w) for var, ws in writers.items() for r in readers.get(var, ())
             for w in ws if r != w and not (below[r] >> w) & 1]
    if all(r < w for r, w in pairs):
        return order
    # Every pair becomes an edge, those creation order already keeps too: moving one
    # write earlier must not put it before a read that came first.
    for r, w in pairs:
        deps[w] = deps[w] | {r}
    return _creation_first(order, deps)


def _accesses(order: list[Operation], index: dict[Operation, int], fed: set[Tensor]
              ) -> tuple[dict[Operation, list[int]], dict[Operation, list[int]]]:
    """Per variable op, the plan indices of the ops that write its buffer (the stateful
    ops taking the variable itself: ``Assign*``, ``Apply*``) and of those that read it
    (the other ops taking the variable, and every op taking an aliasing read of it,
    ``v/read`` and any ``Identity`` chain after it)."""
    readers: dict[Operation, list[int]] = {}
    writers: dict[Operation, list[int]] = {}
    for var in order:
        if var.type not in _BUFFER_OPS or var.outputs[0] in fed:
            continue
        ref = var.outputs[0]
        ws = {index[op] for op in _consumers_in(ref, index) if _writes(op)}
        if ws:
            writers[var] = sorted(ws)
        chain, rs = {ref}, set()
        stack = [op for op in _consumers_in(ref, index) if not _writes(op)]
        while stack:
            op = stack.pop()
            if index[op] in rs:
                continue
            rs.add(index[op])
            d = registry.get_op_def(op.type)
            if d.aliases_input and op.inputs and op.inputs[0] in chain and op.outputs:
                out = op.outputs[0]
                if out not in fed:
                    chain.add(out)
                    stack.extend(_consumers_in(out, index))
        if rs:
            readers[var] = sorted(rs)
    return readers, writers


def _writes(op: Operation) -> bool:
    """Whether ``op``, given a variable itself, may write it (a stateful op that is not
    one of the look-only ones)."""
    return op.type not in _LOOKS_ONLY and registry.get_op_def(op.type).stateful


def _consumers_in(t: Tensor, index: dict[Operation, int]) -> list[Operation]:
    return [op for op in t.consumers() if op in index]


def _dependencies(op: Operation, index: dict[Operation, int], fed: set[Tensor]) -> set[int]:
    """Plan indices of the ops ``op`` must run after (data, gate and control inputs)."""
    out = {index[t.op] for t in topo.data_inputs(op) if t not in fed and t.op in index}
    out.update(index[c] for c in op.control_inputs if c in index)
    return out


def _writes_below(order: list[Operation], deps: list[set[int]],
                  writers: dict[Operation, list[int]]) -> list[int]:
    """Per op, a bit mask (bit i = plan index i) of the writes it depends on."""
    is_writer = {w for ws in writers.values() for w in ws}
    masks = [0] * len(order)
    for i in range(len(order)):
        m = 0
        for d in deps[i]:
            m |= masks[d]
        if i in is_writer:
            m |= 1 << i
        masks[i] = m
    return masks


def _creation_first(order: list[Operation], deps: list[set[int]]) -> list[Operation]:
    """A topological order of ``deps`` taking the earliest-created ready op each time;
    ``order`` unchanged when ``deps`` has a cycle."""
    users: list[list[int]] = [[] for _ in order]
    waiting = [len(d) for d in deps]
    for i, d in enumerate(deps):
        for j in d:
            users[j].append(i)
    ready = [i for i, n in enumerate(waiting) if n == 0]
    heapq.heapify(ready)
    out: list[int] = []
    while ready:
        i = heapq.heappop(ready)
        out.append(i)
        for u in users[i]:
            waiting[u] -= 1
            if waiting[u] == 0:
                heapq.heappush(ready, u)
    if len(out) != len(order):
        return order
    return [order[i] for i in out]


__all__ = ["reads_first"]
