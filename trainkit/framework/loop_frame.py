"""``LoopFrame``: the ops of one ``while_loop`` body (or of its gradient's body).

A frame is built by running the user's ``cond``/``body`` functions inside
``Graph.in_loop_frame(frame)``: every op created there is recorded in the frame instead
of running as an ordinary graph op. The loop itself is one ``While`` op whose inputs are
the initial loop values and the *captures* (tensors made outside the frame that the
body reads); the client compiles the frame into a sub-plan and runs it per iteration.

Within a frame:
- ``loop_vars`` are placeholder tensors (op type ``LoopVar``) fed with the current values;
- ``pred`` (forward frames) is the condition, computed by the ``cond_ops``;
- ``outputs`` are the next values of ``loop_vars`` (gradient frames: the next gradients);
- ``saved`` (forward frames) are tensors the gradient reads: the loop keeps their value
  from every iteration (in its ``variant`` history output) when it is non-empty.

Example:
    >>> frame = LoopFrame("while", "forward")
    >>> with graph.in_loop_frame(frame):
    ...     ...  # build cond, then body
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor


def _stateful(op: Operation) -> bool:
    try:
        d = registry.get_op_def(op.type)
    except LookupError:
        return True
    return d.stateful or d.must_feed or d.kernel is None


class LoopFrame:
    """The recorded ops and wiring of one loop body.

    Attributes:
        name: the loop's name scope (``'while'``, ``'rnn/while'``).
        kind: ``'forward'`` (a ``While`` op) or ``'grad'`` (a ``WhileGrad`` op).
        ops: the frame's ops in creation order (inner loops' bodies excluded).
        cond_ops: the ops computing ``pred`` (built before the body's).
        loop_vars: the placeholders standing for the current loop values.
        pred: the boolean scalar deciding whether to run the body (forward only).
        outputs: the body results, one per loop var.
        captures: tensors from outside the frame read by its ops, in first-use order.
        saved: forward tensors whose per-iteration values the gradient needs.
        version: grows whenever ``saved`` grows (compiled sub-plans are then stale).
        forward: for a gradient frame, the forward frame it differentiates.
        fed_saved: for a gradient frame, the forward tensors it reads (from the history).
        accumulated: for a gradient frame, per-iteration results summed over iterations
            (gradients with respect to the forward loop's captures).
        stacked: for a gradient frame, per-iteration results concatenated along axis 0
            over the iterations (in the order they run, last iteration first): the
            operands ``a_i, b_i`` of a capture gradient ``sum_i a_i^T b_i`` computed
            after the loop as one product.
        hoisted: constant-only ops moved out of the frame (their values need no
            gradient: they depend on nothing).
    """

    def __init__(self, name: str, kind: str):
        self.name = name
        self.kind = kind
        self.ops: list[Operation] = []
        self._op_set: set[Operation] = set()
        self.cond_ops: set[Operation] = set()
        self.loop_vars: list[Tensor] = []
        self.pred: Tensor | None = None
        self.outputs: list[Tensor] = []
        self.captures: list[Tensor] = []
        self.saved: list[Tensor] = []
        self.version = 0
        self.forward: LoopFrame | None = None
        self.fed_saved: list[Tensor] = []
        self.accumulated: list[Tensor] = []
        self.stacked: list[Tensor] = []
        self.back_prop = True
        self.hoisted: set[Operation] = set()

    def add(self, op: Operation) -> None:
        """Records ``op`` as built inside this frame (called by ``Graph.create_op``)."""
        self.ops.append(op)
        self._op_set.add(op)

    def contains(self, t: Tensor | Operation) -> bool:
        """Whether the tensor's (or op's) op was built in this frame."""
        op = t.op if isinstance(t, Tensor) else t
        return op in self._op_set

    def external_inputs(self) -> list[Tensor]:
        """Tensors made outside the frame that its ops read (inputs and cond-gate
        predicates), in first-use order, without duplicates."""
        seen: set[Tensor] = set()
        out: list[Tensor] = []
        for op in self.ops:
            for t in op._inputs:
                if t not in seen and t._op not in self._op_set:
                    seen.add(t)
                    out.append(t)
            for t, _ in op._cond_gates:
                if t not in seen and t._op not in self._op_set:
                    seen.add(t)
                    out.append(t)
        return out

    def move_external_control_inputs(self, loop_op: Operation) -> None:
        """Moves control inputs that point outside the frame from its ops to ``loop_op``
        (the ``While``/``WhileGrad`` op): they run once, before the loop. A gradient
        frame drops those pointing into its forward frame (that loop ran already)."""
        for op in self.ops:
            inner = [c for c in op._control_inputs if c in self._op_set]
            if len(inner) == len(op._control_inputs):
                continue
            for c in op._control_inputs:
                if c not in self._op_set and not (self.forward is not None
                                                  and self.forward.contains(c)):
                    loop_op._add_control_input(c)
            op._control_inputs[:] = inner
            op.graph._note_edit()

    def hoist_constants(self) -> None:
        """Moves loop-invariant pure ops out of the frame: ops with no control inputs,
        not stateful, whose inputs all come from such ops (so
        constants and what is computed from constants alone). They then run once per
        run, before the loop, and the loop reads them as captures."""
        hoisted: set[Operation] = set()
        for op in self.ops:
            if (op._control_inputs or op._cond_gates or _stateful(op)
                    or any(t._op not in hoisted for t in op._inputs)):
                continue
            hoisted.add(op)
        if hoisted:
            self.ops = [op for op in self.ops if op not in hoisted]
            next(iter(hoisted)).graph._note_edit()
            self._op_set -= hoisted
            self.hoisted |= hoisted

    def save(self, tensors: list[Tensor]) -> None:
        """Asks the forward loop to keep the values of ``tensors`` from every iteration."""
        added = False
        for t in tensors:
            if t not in self.saved:
                self.saved.append(t)
                added = True
        if added:
            self.version += 1

    def __repr__(self) -> str:
        return f"<LoopFrame {self.kind} '{self.name}' ops={len(self.ops)}>"


class LoopHistory:
    """What a forward loop's run leaves for its gradient: the iteration count and, when
    the frame saves tensors, one tuple of their values per iteration (in the order of
    the frame's ``saved`` list)."""

    __slots__ = ("count", "records")

    def __init__(self, count: int, records: list[tuple[Any, ...]] | None):
        self.count = count
        self.records = records

    def __len__(self) -> int:
        return self.count

    def __repr__(self) -> str:
        return f"<LoopHistory iterations={self.count}>"


__all__ = ["LoopFrame", "LoopHistory"]
