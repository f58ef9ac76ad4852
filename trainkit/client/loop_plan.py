"""Running ``while_loop``s: a loop's body is compiled once into a sub-plan and run as a
unit per iteration.

A ``While`` op carries its :class:`~trainkit.framework.loop_frame.LoopFrame`. On first
use in a session the frame is compiled with the ordinary plan compiler
(``executor.compile_plan``): fetches are the condition, the body results, the captures
(kept alive across iterations) and the tensors the gradient saves; feeds are the loop
placeholders and the captures. The compiled steps are split into the condition's and
the body's (the condition's ops were created first, and plans run in creation order).
An iteration is then: write the loop values into their slots, run the condition's
steps, read the predicate, run the body's steps, read the results — no graph walks and
no Python executor re-entry per op.

``WhileGrad`` runs a gradient frame backwards over the iterations a ``While`` recorded:
per iteration it feeds the incoming gradients and the saved forward values and sums the
gradients of the captures (or, for the frame's ``stacked`` tensors, keeps every
iteration's value and returns them concatenated).

The kernels are registered here, in the client, because running a body is the
executor's business; ops only build the frames (the client never imports ops).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.client import executor
from trainkit.framework import registry
from trainkit.framework.loop_frame import LoopFrame, LoopHistory
from trainkit.framework.tensor import Tensor


class SubPlan:
    """A compiled loop frame: the steps and the slots an iteration reads and writes."""

    __slots__ = ("version", "nslots", "cond_steps", "body_steps", "op_of_step",
                 "var_slots", "cap_slots", "pred_slot", "out_slots", "saved_slots",
                 "fed_slots", "acc_slots", "stack_slots", "var_pos")

    def error(self, step: Any, e: BaseException) -> BaseException:
        """The ``OpError`` naming the op (inside the loop) whose ``step`` raised ``e``."""
        op = self.op_of_step.get(step)
        return e if op is None else executor._op_error(op, e)


def _compile(frame: LoopFrame, state: Any, session: Any) -> SubPlan:
    """Compiles ``frame`` for one session (see the module docstring)."""
    forward = frame.kind == "forward"
    fed_saved = [] if forward else list(frame.fed_saved)
    feeds = list(frame.loop_vars) + list(frame.captures) + fed_saved
    fetches = list(frame.outputs) + list(frame.captures)
    if forward:
        fetches += [frame.pred] + list(frame.saved)
    else:
        fetches += list(frame.accumulated) + list(frame.stacked)
    # a tensor both fed and fetched keeps its slot; feed each tensor once
    uniq: list[Tensor] = []
    for t in feeds:
        if t not in uniq:
            uniq.append(t)
    plan = executor.compile_plan(fetches, [], uniq, state, session)
    slot = dict(zip(uniq, plan.feed_slots))
    slot.update(zip(plan.fetch_tensors, plan.fetch_slots))
    sp = SubPlan()
    sp.version = frame.version
    sp.nslots = plan.nslots
    sp.op_of_step = dict(zip(plan.steps, plan.ops))
    cond_ops = frame.cond_ops if forward else set()
    n_cond = sum(1 for op in plan.ops if op in cond_ops)
    if any(op in cond_ops for op in plan.ops[n_cond:]):
        raise errors.InternalError(None, None, f"while loop '{frame.name}': condition "
                                   "ops are not all before the body's.")
    sp.cond_steps = plan.steps[:n_cond]
    sp.body_steps = plan.steps[n_cond:]
    sp.var_slots = [slot[t] for t in frame.loop_vars]
    sp.cap_slots = [slot[t] for t in frame.captures]
    sp.out_slots = [slot[t] for t in frame.outputs]
    sp.pred_slot = slot[frame.pred] if forward else -1
    sp.saved_slots = [slot[t] for t in frame.saved] if forward else []
    sp.acc_slots = [slot[t] for t in frame.accumulated]
    sp.stack_slots = [slot[t] for t in frame.stacked]
    if not forward:
        saved = frame.forward.saved
        sp.fed_slots = [slot[t] for t in fed_saved]
        sp.var_pos = [saved.index(t) for t in fed_saved]
    else:
        sp.fed_slots, sp.var_pos = [], []
    return sp


def _subplan(ctx: registry.KernelContext, frame: LoopFrame) -> SubPlan:
    key = ctx.name + "\x00loop"
    resources = ctx.state.resources
    sp = resources.get(key)
    if sp is None or sp.version != frame.version:
        sp = resources[key] = _compile(frame, ctx.state, ctx.session)
    return sp


@registry.register_kernel("While", stateful=True)
def _while_kernel(ctx: registry.KernelContext, *inputs: Any) -> list:
    frame: LoopFrame = ctx.attrs["frame"]
    sp = _subplan(ctx, frame)
    n = ctx.attrs["num_vars"]
    ncap = len(frame.captures)
    limit = int(inputs[n + ncap]) if ctx.attrs["has_max"] else -1
    vals: list = [None] * sp.nslots
    for s, v in zip(sp.cap_slots, inputs[n:n + ncap]):
        vals[s] = v
    cur = list(inputs[:n])
    var_slots, out_slots, pred_slot = sp.var_slots, sp.out_slots, sp.pred_slot
    cond_steps, body_steps = sp.cond_steps, sp.body_steps
    saved_slots = sp.saved_slots
    records: list | None = [] if saved_slots and frame.back_prop else None
    count = 0
    step = None
    try:
        while count != limit:
            for s, v in zip(var_slots, cur):
                vals[s] = v
            for step in cond_steps:
                step(vals)
            if not vals[pred_slot]:
                break
            for step in body_steps:
                step(vals)
            if records is not None:
                records.append(tuple([vals[s] for s in saved_slots]))
            cur = [vals[s] for s in out_slots]
            count += 1
    except BaseException as e:
        raise sp.error(step, e) from e
    # a result that is one of the inputs (zero iterations, a pass-through, a captured
    # variable read) may be a buffer the session keeps: hand out a copy
    ids = {id(v) for v in inputs}
    cur = [v.copy() if type(v) is np.ndarray and id(v) in ids else v for v in cur]
    return cur + [LoopHistory(count, records)]


def _accumulate(acc: list, j: int, g: Any) -> None:
    a = acc[j]
    if a is None:
        acc[j] = np.array(g, copy=True)
    elif type(a) is np.ndarray and a.shape == np.shape(g):
        np.add(a, g, out=a)
    else:
        acc[j] = a + g


def _stacked(values: list, t: Tensor) -> np.ndarray:
    """The per-iteration ``values`` of ``t`` concatenated along axis 0 (an empty
    ``[0, ...]`` array of ``t``'s static shape when the loop ran no iteration)."""
    if values:
        return np.concatenate(values, 0)
    return np.zeros([0] + t.shape.as_list()[1:], t.dtype.np_dtype)


@registry.register_kernel("WhileGrad", stateful=True)
def _while_grad_kernel(ctx: registry.KernelContext, history: Any, *inputs: Any) -> list:
    frame: LoopFrame = ctx.attrs["frame"]
    sp = _subplan(ctx, frame)
    nv = len(frame.loop_vars)
    ncap = len(frame.captures)
    if not isinstance(history, LoopHistory):
        raise errors.InternalError(None, None, "WhileGrad needs the forward loop's history.")
    records = history.records
    if frame.fed_saved and records is None and history.count:
        raise errors.InternalError(None, None, f"while loop '{frame.forward.name}' ran "
                                   "without keeping the values its gradient needs.")
    vals: list = [None] * sp.nslots
    for s, v in zip(sp.cap_slots, inputs[nv:nv + ncap]):
        vals[s] = v
    like = inputs[nv + ncap:]  # forward values shaping zero gradients of captures
    cur = list(inputs[:nv])
    acc: list = [None] * len(sp.acc_slots)
    stacks: list[list] = [[] for _ in sp.stack_slots]
    var_slots, out_slots, fed_slots, var_pos = (sp.var_slots, sp.out_slots, sp.fed_slots,
                                                sp.var_pos)
    steps = sp.body_steps
    step = None
    try:
        for i in range(history.count - 1, -1, -1):
            for s, v in zip(var_slots, cur):
                vals[s] = v
            if fed_slots:
                rec = records[i]
                for s, p in zip(fed_slots, var_pos):
                    vals[s] = rec[p]
            for step in steps:
                step(vals)
            cur = [vals[s] for s in out_slots]
            for j, s in enumerate(sp.acc_slots):
                _accumulate(acc, j, vals[s])
            for lst, s in zip(stacks, sp.stack_slots):
                lst.append(vals[s])
    except BaseException as e:
        raise sp.error(step, e) from e
    caps = [np.zeros(np.shape(x), getattr(x, "dtype", np.float32)) if a is None else a
            for a, x in zip(acc, like)]
    out = cur + caps + [_stacked(lst, t) for lst, t in zip(stacks, frame.stacked)]
    return out[0] if len(out) == 1 else out


__all__ = ["SubPlan"]
