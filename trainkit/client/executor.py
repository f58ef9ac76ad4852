"""The plan compiler and the loop that runs a plan.

Compiling (once per fetch structure, feed keys and targets): prune the graph backwards
from the fetched tensors and target ops, stopping at fed tensors; order the needed ops by
creation (a topological order, since graphs only grow), except that a variable's readers
run before the writes of it they do not depend on (``client/write_order.py``); give every
tensor an integer slot;
record each slot's last reader; and bind every op to a small closure
``step(values) -> None`` that calls its kernel on input slots and stores the outputs.

A ``BiasAdd`` read only by a ``Relu`` runs inside the ``Relu``'s step through one fused
kernel (``client/fusion.py``): bitwise the same values, one pass over memory less.

Running is a flat loop over those closures — no dict lookups, no graph walks. Tracing
and deadlines use a second loop so the plain loop pays nothing for them. A plan of a
session with ``inter_op_parallelism_threads`` > 1 also gets ``plan.conc``
(``client/inter_op.py``): it measures the plan and, when independent heavy steps can
overlap, runs them on worker threads; otherwise it sets ``plan.conc`` back to None.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.client import deadline as _deadline
from trainkit.client import fusion, inter_op, write_order
from trainkit.client import run_metadata as rm
from trainkit.framework import registry, topo
from trainkit.framework.tensor import Operation, Tensor

Step = Callable[[list], None]


def _bind(kernel: Callable, ctx: Any, ins: tuple, outs: tuple, frees: tuple) -> Step:
    """A closure running one op: reads ``ins`` slots, writes ``outs`` slots, frees slots."""
    n = len(ins)
    if len(outs) == 1 and not frees:
        o = outs[0]
        if n == 0:
            def step(v: list) -> None:
                v[o] = kernel(ctx)
        elif n == 1:
            a = ins[0]

            def step(v: list) -> None:
                v[o] = kernel(ctx, v[a])
        elif n == 2:
            a, b = ins

            def step(v: list) -> None:
                v[o] = kernel(ctx, v[a], v[b])
        else:
            def step(v: list) -> None:
                v[o] = kernel(ctx, *[v[i] for i in ins])
        return step
    if len(outs) == 1:
        o = outs[0]
        if n == 1:
            a = ins[0]

            def step(v: list) -> None:
                v[o] = kernel(ctx, v[a])
                for f in frees:
                    v[f] = None
        elif n == 2:
            a, b = ins

            def step(v: list) -> None:
                v[o] = kernel(ctx, v[a], v[b])
                for f in frees:
                    v[f] = None
        else:
            def step(v: list) -> None:
                v[o] = kernel(ctx, *[v[i] for i in ins])
                for f in frees:
                    v[f] = None
        return step

    def step(v: list) -> None:
        r = kernel(ctx, *[v[i] for i in ins])
        if outs:
            for i, s in enumerate(outs):
                if s >= 0:
                    v[s] = r[i]
        for f in frees:
            v[f] = None
    return step


#: op types whose kernel returns its one input as it is: their step copies the slot
#: without calling the kernel (TF's gradient gating adds one ``Identity`` per gradient)
_PASS_THROUGH = frozenset({"Identity", "StopGradient"})


def _bind_pass_through(a: int, o: int, frees: tuple) -> Step:
    """The step of an op whose value is its input's (``_PASS_THROUGH``)."""
    if not frees:
        def step(v: list) -> None:
            v[o] = v[a]
        return step

    def step_and_free(v: list) -> None:
        v[o] = v[a]
        for f in frees:
            v[f] = None
    return step_and_free


def _gate(step: Step, gates: tuple, dead_ins: tuple, outs: tuple) -> Step:
    """Wraps ``step`` to skip it, marking its outputs DEAD, when a ``cond`` gate
    ``(pred_slot, branch)`` does not hold or an input in ``dead_ins`` is DEAD."""
    dead = registry.DEAD
    outs = tuple(s for s in outs if s >= 0)

    def gated(v: list) -> None:
        for s, branch in gates:
            p = v[s]
            if p is dead or bool(p) != branch:
                for o in outs:
                    v[o] = dead
                return
        for s in dead_ins:
            if v[s] is dead:
                for o in outs:
                    v[o] = dead
                return
        step(v)
    return gated


class Plan:
    """A compiled, reusable execution of part of a graph.

    Attributes:
        steps: one closure per op to run, in order.
        quick_steps: ``steps`` without those that do nothing (ungated ``NoOp``s, e.g. the
            ``group_deps`` of TF's gradient gating): what an untraced sequential run
            calls. Traced and deadline runs call every step, so traces list every op.
        ops: the op of each step (for errors and tracing; a fused step's consumer).
        fused: step index -> ``fusion.Fused`` for the steps that also run a producer.
        feed_slots: slot of each fed tensor, in feed order.
        fetch_slots: slot of each fetched tensor, in fetch order.
        copy_fetch: per fetched tensor, whether its value may alias state and must be copied.
        conc: None (run ``steps`` in order) or what runs the plan with inter-op threads:
            an ``inter_op.Probe`` measuring it, then an ``inter_op.Tuner`` running its
            ``Schedule`` while that measures faster (the ``Schedule`` itself when forced).
    """

    __slots__ = ("steps", "quick_steps", "ops", "out_slots", "nslots", "feed_slots", "feed_tensors",
                 "fetch_slots", "fetch_tensors", "copy_fetch", "epoch", "extra", "gated",
                 "conc", "fused")

    def __init__(self) -> None:
        self.steps: list[Step] = []
        self.quick_steps: list[Step] = []
        self.ops: list[Operation] = []
        self.out_slots: list[tuple] = []
        self.nslots = 0
        self.feed_slots: list[int] = []
        self.feed_tensors: list[Tensor] = []
        self.fetch_slots: list[int] = []
        self.fetch_tensors: list[Tensor] = []
        self.copy_fetch: list[bool] = []
        self.epoch = 0
        self.extra: Any = None
        self.gated = False  # some op may be skipped (cond): check fetches for DEAD
        self.conc: Any = None
        self.fused: dict[int, fusion.Fused] = {}

    def execute(self, feed_values: Sequence, options: Any = None,
                run_metadata: Any = None) -> list:
        """Runs the plan; returns the fetched values (not yet post-processed)."""
        vals: list = [None] * self.nslots
        for s, v in zip(self.feed_slots, feed_values):
            vals[s] = v
        if options is not None and (options.trace_level or options.timeout_in_ms):
            self._execute_checked(vals, options, run_metadata)
        elif self.conc is not None:
            self.conc.run(self, vals)
        else:
            step = None
            try:
                for step in self.quick_steps:
                    step(vals)
            except BaseException as e:
                raise _op_error(self.ops[self.steps.index(step)], e) from e
        out = [vals[s] for s in self.fetch_slots]
        if self.gated:
            for t, v in zip(self.fetch_tensors, out):
                if v is registry.DEAD:
                    raise errors.InvalidArgumentError(
                        None, t.op, f"Fetched tensor '{t.name}' has no value: it is computed "
                                    "in a cond branch that was not taken in this run.")
        return out

    def _execute_checked(self, vals: list, options: Any, run_metadata: Any) -> None:
        trace = options.trace_level >= rm.RunOptions.FULL_TRACE and run_metadata is not None
        deadline = (time.perf_counter() + options.timeout_in_ms / 1000.0
                    if options.timeout_in_ms > 0 else None)
        if deadline is not None:
            _deadline.set_run_deadline(deadline, options.timeout_in_ms)
            try:
                self._run_checked(vals, options, run_metadata, trace, deadline)
            finally:
                _deadline.set_run_deadline(None)
        else:
            self._run_checked(vals, options, run_metadata, trace, deadline)

    def _run_checked(self, vals: list, options: Any, run_metadata: Any, trace: bool,
                     deadline: float | None) -> None:
        stats: list[rm.NodeExecStats] = []
        clock = time.perf_counter
        wall0 = time.time()
        base = clock()
        for i, step in enumerate(self.steps):
            op = self.ops[i]
            if deadline is not None and clock() > deadline:
                raise errors.DeadlineExceededError(
                    None, op, f"Timed out after {options.timeout_in_ms} ms before running "
                              f"{op.type} op '{op.name}'.")
            t0 = clock()
            try:
                step(vals)
            except BaseException as e:
                raise _op_error(op, e) from e
            t1 = clock()
            if trace:
                stats.append(_node_stats(op, self.out_slots[i], vals, wall0, base, t0, t1,
                                         self.fused.get(i)))
        if trace:
            dev = rm.DeviceStepStats(device=rm.CPU_DEVICE, node_stats=stats)
            run_metadata.step_stats = rm.StepStats(dev_stats=[dev])


def _node_stats(op: Operation, outs: tuple, vals: list, wall0: float, base: float,
                t0: float, t1: float, fused: fusion.Fused | None = None
                ) -> rm.NodeExecStats:
    start_us = int((wall0 + (t0 - base)) * 1e6)
    dur = max(1, int(round((t1 - t0) * 1e6)))
    outputs, total = [], 0
    for idx, s in enumerate(outs):
        if s < 0:
            continue
        v = vals[s]
        shape = list(np.shape(v)) if v is not None else []
        nbytes = int(getattr(v, "nbytes", 0) or 0)
        total += nbytes
        t = op.outputs[idx]
        outputs.append(rm.NodeOutput(slot=idx, tensor_description=rm.TensorDescription(
            dtype=t.dtype.as_datatype_enum,
            shape=rm.TensorShapeDesc(dim=shape))))
    if fused is None:
        label = f"{op.name} = {op.type}({', '.join(t.name for t in op.inputs)})"
    else:  # named after the consumer, as TF names a remapped node after its last op
        label = (f"{op.name} = {fused.kernel_type}"
                 f"({', '.join(t.name for t in fused.producer.inputs)}) "
                 f"[{fused.producer.name} fused]")
    return rm.NodeExecStats(
        node_name=op.name, op_type=op.type if fused is None else fused.kernel_type,
        timeline_label=label,
        all_start_micros=start_us, op_start_rel_micros=0, op_end_rel_micros=dur,
        all_end_rel_micros=dur, all_start_nanos=start_us * 1000, output=outputs,
        memory=[rm.AllocatorMemoryUsed(allocator_name="cpu", total_bytes=total,
                                       peak_bytes=total)])


def _op_error(op: Operation, e: BaseException) -> BaseException:
    """Converts an exception raised by ``op``'s kernel into the matching ``OpError``."""
    if isinstance(e, errors.OpError):
        if e.op is None:
            e.attach_op(op)
        return e
    if not isinstance(e, Exception):
        return e  # KeyboardInterrupt, SystemExit: propagate untouched
    msg = f"{op.type} op '{op.name}': {type(e).__name__}: {e}"
    if isinstance(e, ValueError | IndexError | TypeError | ArithmeticError | KeyError):
        cls: type[errors.OpError] = errors.InvalidArgumentError
    elif isinstance(e, MemoryError):
        cls = errors.ResourceExhaustedError
    elif isinstance(e, NotImplementedError):
        cls = errors.UnimplementedError
    else:
        cls = errors.UnknownError
    return cls(None, op, msg)


def compile_plan(fetch_tensors: list[Tensor], target_ops: list[Operation],
                 feed_tensors: list[Tensor], state: Any, session: Any,
                 inter_op_threads: int = 1, inter_op_forced: bool = False,
                 fuse: bool = True) -> Plan:
    """Compiles what running ``fetch_tensors`` and ``target_ops`` needs, given the feeds.

    Args:
        fetch_tensors: tensors whose values are returned (duplicates allowed).
        target_ops: ops to run for their effects.
        feed_tensors: tensors whose values are supplied (distinct).
        state: the session's ``SessionState`` handed to kernels.
        session: the session (available to kernels as ``ctx.session``).
        inter_op_threads: > 1 lets independent heavy steps run concurrently
            (``client/inter_op.py``); traced and deadline runs stay sequential.
        inter_op_forced: skip measuring, schedule every independent step (tests).
        fuse: run fusible op pairs as one step (``client/fusion.py``); a caller that
            needs every op of the plan to have run as itself (``partial_run``) passes
            False.
    """
    plan = Plan()
    if not fetch_tensors and not target_ops:
        plan.nslots = 1
        return plan
    fed = set(feed_tensors)
    order = write_order.reads_first(topo.prune(fetch_tensors, target_ops, fed), fed)
    fused = fusion.find(order, fetch_tensors, target_ops, fed) if fuse else {}
    order = fusion.step_order(order, fused)
    slot_of = _assign_slots(order, fetch_tensors, feed_tensors, fused)
    plan.feed_slots = [slot_of[t] for t in feed_tensors]
    plan.feed_tensors = list(feed_tensors)
    plan.nslots = len(slot_of)
    frees_at = _free_schedule(order, slot_of, fetch_tensors, fused)
    graph = inter_op.StepGraph() if inter_op_threads > 1 else None
    for i, op in enumerate(order):
        f = fused.get(op)
        step, gated, outs = _compile_step(op, slot_of, fed, frees_at.get(i, ()),
                                          plan.nslots, state, session, f)
        plan.gated |= gated
        plan.steps.append(step)
        if gated or op.type != "NoOp" or f is not None:
            plan.quick_steps.append(step)
        plan.ops.append(op)
        plan.out_slots.append(outs)
        if f is not None:
            plan.fused[i] = f
        if graph is not None:
            graph.plain.append(_compile_step(op, slot_of, fed, (), plan.nslots, state,
                                             session, f)[0])
    plan.nslots += 1  # the scratch slot of unused single outputs
    plan.fetch_tensors = list(fetch_tensors)
    plan.fetch_slots = [slot_of[t] for t in fetch_tensors]
    plan.copy_fetch = [_may_alias(t, fed) for t in fetch_tensors]
    if graph is not None:
        _describe(graph, order, slot_of, plan, fused)
        plan.conc = inter_op.attach(graph, inter_op_threads, _op_error, inter_op_forced)
    return plan


def _describe(graph: inter_op.StepGraph, order: list[Operation],
              slot_of: dict[Tensor, int], plan: Plan,
              fused: dict[Operation, fusion.Fused]) -> None:
    """Fills ``graph`` (what the inter-op scheduler needs) for the plan's steps."""
    index = {op: i for i, op in enumerate(order)}
    for op, outs in zip(order, plan.out_slots):
        graph.reads.append(tuple(slot_of[t] for t in fusion.step_reads(op, fused)))
        graph.writes.append(tuple(s for s in outs if s >= 0))
        graph.stateful.append(registry.get_op_def(op.type).stateful)
        graph.ctrl.append(tuple(sorted({index[c] for c in fusion.step_control_inputs(op, fused)
                                        if c in index})))
    graph.keep = set(plan.fetch_slots) | {plan.nslots - 1}
    graph.ops = plan.ops


def _assign_slots(order: list[Operation], fetch_tensors: list[Tensor],
                  feed_tensors: list[Tensor],
                  fused: dict[Operation, fusion.Fused]) -> dict[Tensor, int]:
    """An integer slot for every fed tensor, then for every computed tensor something
    reads (an op, a cond gate or the caller)."""
    slot_of: dict[Tensor, int] = {}
    for t in feed_tensors:
        if t not in slot_of:
            slot_of[t] = len(slot_of)
    consumed: set[Tensor] = set(fetch_tensors)
    for op in order:
        consumed.update(fusion.step_reads(op, fused))
    for op in order:
        for t in op.outputs:
            if t in consumed and t not in slot_of:
                slot_of[t] = len(slot_of)
    return slot_of


def _free_schedule(order: list[Operation], slot_of: dict[Tensor, int],
                   fetch_tensors: list[Tensor],
                   fused: dict[Operation, fusion.Fused]) -> dict[int, tuple[int, ...]]:
    """Step index -> the slots its op reads last (freed after it), fetched slots kept."""
    last_use: dict[int, int] = {}
    for i, op in enumerate(order):
        for t in fusion.step_reads(op, fused):
            last_use[slot_of[t]] = i
    keep = {slot_of[t] for t in fetch_tensors}
    frees_at: dict[int, list[int]] = {}
    for s, i in last_use.items():
        if s not in keep:
            frees_at.setdefault(i, []).append(s)
    return {i: tuple(v) for i, v in frees_at.items()}


def _compile_step(op: Operation, slot_of: dict[Tensor, int], fed: set[Tensor],
                  frees: tuple[int, ...], scratch: int, state: Any, session: Any,
                  fused: fusion.Fused | None = None
                  ) -> tuple[Step, bool, tuple[int, ...]]:
    """The closure running ``op`` (gated when it sits in a cond branch or may read a
    dead value), whether it is gated, and its output slots. With ``fused``, the closure
    runs the fused kernel on the producer's inputs with the producer's context."""
    kop = op if fused is None else fused.producer  # whose inputs and attrs the kernel takes
    kernel_type = op.type if fused is None else fused.kernel_type
    try:
        opdef = registry.get_op_def(kernel_type)
    except LookupError:
        opdef = None
    if opdef is None or opdef.kernel is None:
        raise errors.UnimplementedError(
            None, op, f"No kernel is registered for op type '{op.type}' ('{op.name}').")
    ctx = registry.KernelContext(kop, state, session)
    if opdef.must_feed:
        opdef.kernel(ctx)  # raises the op's own "you must feed" error before any op runs
    ins = tuple(slot_of[t] for t in kop.inputs)
    outs = tuple(slot_of.get(t, -1) for t in op.outputs)
    if len(outs) == 1 and outs[0] < 0:
        outs = (scratch,)
    if kernel_type in _PASS_THROUGH and len(ins) == 1 and len(outs) == 1:
        step = _bind_pass_through(ins[0], outs[0], frees)
    elif opdef.returns_list and len(outs) == 1:
        step = _bind(_only_output(opdef.kernel), ctx, ins, outs, frees)
    else:
        step = _bind(opdef.kernel, ctx, ins, outs, frees)
    gates = op.cond_gates
    dead_ins = () if opdef.merges_dead else tuple(
        slot_of[t] for t in kop.inputs
        if t not in fed and t.op.cond_gates and not set(t.op.cond_gates) <= set(gates))
    if gates or dead_ins:
        step = _gate(step, tuple((slot_of[t], b) for t, b in gates), dead_ins, outs)
        return step, True, outs
    return step, False, outs


def _only_output(kernel: Callable) -> Callable:
    """``kernel`` (registered ``returns_list``) for an op with one output: its only item."""

    def only(ctx: Any, *inputs: Any) -> Any:
        return kernel(ctx, *inputs)[0]
    return only


def _may_alias(t: Tensor, fed: set) -> bool:
    """Whether ``t``'s value may be a buffer the graph keeps (a constant, a variable)."""
    seen = 0
    while t not in fed and seen < 64:
        try:
            d = registry.get_op_def(t.op.type)
        except LookupError:
            return False
        if not d.aliases_input:
            return False
        if not t.op.inputs:
            return True
        t = t.op.inputs[0]
        seen += 1
    return False


__all__ = ["Plan", "compile_plan"]
