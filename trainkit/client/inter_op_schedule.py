"""A concurrent plan's program and the loop that runs it (see ``client/inter_op.py`` for
when a plan gets one).

The calling thread walks the program in plan order: RUN a step itself, SUBMIT one to a
worker (``client/inter_op_pool.py``: a FIFO per worker), WAIT for a submitted step
before the first step that needs it. Stateful (and "exclusive") steps wait for every
submitted step first. A slot is freed once every step reading it has finished: by the
worker that ran the last reader when the others are known to be done before it,
otherwise by the calling thread after the RUN or WAIT that proves it.

Workers run their steps' kernels on one thread; so does the calling thread for a step it
starts while a step it submitted is still running (each RUN knows which submitted steps
may be in flight and looks at their completion locks), and on all threads again once
none is.
"""

from __future__ import annotations

from _thread import allocate_lock
from collections.abc import Callable, Sequence
from typing import Any

from trainkit.client import inter_op_pool
from trainkit.framework import thread_limits

Step = Callable[[list], None]

RUN, SUBMIT, WAIT = 0, 1, 2


class StepGraph:
    """What the scheduler knows of a compiled plan, one entry per step.

    Attributes:
        reads: the slots a step reads (inputs and cond predicates).
        writes: the slots it writes.
        stateful: whether it touches session state (runs alone, in order).
        plain: the step's closure without its slot frees (the scheduler frees).
        ctrl: the steps it has a control dependency on.
        keep: slots never freed (fetched), plus the scratch slot.
        ops: the step's op (for errors).
    """

    __slots__ = ("reads", "writes", "stateful", "plain", "ctrl", "keep", "ops")

    def __init__(self) -> None:
        self.reads: list[tuple[int, ...]] = []
        self.writes: list[tuple[int, ...]] = []
        self.stateful: list[bool] = []
        self.plain: list[Step] = []
        self.ctrl: list[tuple[int, ...]] = []
        self.keep: set[int] = set()
        self.ops: list[Any] = []

    def dependencies(self) -> list[tuple[int, ...]]:
        """Per step, the earlier steps it must wait for (data and control)."""
        producer: dict[int, int] = {}
        for i, outs in enumerate(self.writes):
            for s in outs:
                producer.setdefault(s, i)
        deps = []
        for i, ins in enumerate(self.reads):
            d = {producer[s] for s in ins if s in producer and producer[s] < i}
            d.update(self.ctrl[i])
            deps.append(tuple(sorted(d)))
        return deps


class Schedule:
    """A plan's concurrent program: the calling thread runs, submits and waits for steps
    in plan order; a worker runs what it was given in submission order.

    Attributes:
        program: ``(code, step, worker, pos, frees, busy)`` per instruction (RUN /
            SUBMIT / WAIT; ``pos`` numbers the submitted steps; ``busy``: for a RUN, the
            ``pos`` of the submitted steps not yet waited for).
        index: the plan step of each instruction (for errors).
        offloaded: how many steps run on workers.
        makespan: the simulated time of the plan (µs) the schedule was chosen by.
    """

    __slots__ = ("program", "index", "offloaded", "makespan", "ops", "op_error")

    def __init__(self, graph: StepGraph, deps: Sequence[tuple[int, ...]],
                 exclusive: Sequence[bool], where: Sequence[int], makespan: float,
                 op_error: Callable) -> None:
        self.makespan = makespan
        self.ops = graph.ops
        self.op_error = op_error
        pos_of: dict[int, int] = {}
        outstanding: dict[int, int] = {}  # submitted, not yet waited: step -> worker
        instr: list[tuple[int, int]] = []  # (code, step)
        busy: list[tuple[int, ...]] = []  # per instruction: positions then in flight

        def wait(k: int) -> None:
            instr.append((WAIT, k))
            del outstanding[k]

        for i, w in enumerate(where):
            if exclusive[i]:
                for k in sorted(outstanding):
                    wait(k)
            else:
                for k in deps[i]:
                    if k in outstanding and (w < 0 or outstanding[k] != w):
                        wait(k)
            if w < 0:
                busy.extend([()] * (len(instr) - len(busy)))
                busy.append(tuple(pos_of[k] for k in sorted(outstanding)))
                instr.append((RUN, i))
            else:
                pos_of[i] = len(pos_of)
                outstanding[i] = w
                instr.append((SUBMIT, i))
        for k in sorted(outstanding):
            wait(k)
        busy.extend([()] * (len(instr) - len(busy)))
        frees, by_worker = _frees(graph, instr, where)
        steps = [_freeing(graph.plain[i], by_worker[i]) if by_worker.get(i) else
                 graph.plain[i] for i in range(len(where))]
        self.program = [(code, steps[i], where[i], pos_of.get(i, -1), frees[n], busy[n])
                        for n, (code, i) in enumerate(instr)]
        self.index = [i for _, i in instr]
        self.offloaded = len(pos_of)
        inter_op_pool.ensure_workers(max(where) + 1)

    def run(self, plan: Any, vals: list) -> None:
        """Runs the program over ``vals`` (the plan's slot list)."""
        locks = [allocate_lock() for _ in range(self.offloaded)]
        for lk in locks:
            lk.acquire()
        failed: list = [None] * self.offloaded
        submit = inter_op_pool.submit
        set_cap = thread_limits.set_cap
        capped, prev = False, None
        pc = -1
        try:
            for pc, (code, step, worker, pos, frees, busy) in enumerate(  # noqa: B007
                    self.program):
                if code == RUN:
                    overlaps = False
                    for p in busy:
                        if locks[p].locked():  # released by the worker when done
                            overlaps = True
                            break
                    if overlaps is not capped:
                        if overlaps:
                            prev = set_cap(1)
                        else:
                            set_cap(prev)
                        capped = overlaps
                    step(vals)
                elif code == SUBMIT:
                    submit(worker, step, vals, locks[pos], failed, pos)
                else:
                    locks[pos].acquire()
                    if failed[pos] is not None:
                        raise _WorkerFailed
                for f in frees:
                    vals[f] = None
        except BaseException as e:
            err, cause = self._failure(pc, e, locks, failed)
            raise err from cause
        finally:
            if capped:
                set_cap(prev)

    def _failure(self, pc: int, e: BaseException, locks: list, failed: list
                 ) -> tuple[BaseException, BaseException]:
        """Waits for every step in flight; returns the error the sequential run would
        raise and the kernel's own exception (its cause, as in the sequential loop)."""
        waited: set[int] = set()
        submitted: list[int] = []
        for n in range(pc + 1):
            code, _, _, pos, _, _ = self.program[n]
            if code == SUBMIT:
                submitted.append(pos)
            elif code == WAIT and (n < pc or isinstance(e, _WorkerFailed)):
                waited.add(pos)  # (a WAIT interrupted by a signal did not acquire)
        for pos in submitted:
            if pos not in waited:
                locks[pos].acquire()
        errs: list[tuple[int, BaseException]] = []
        code = self.program[pc][0]
        if code == RUN or not isinstance(e, _WorkerFailed):
            errs.append((self.index[pc], e))
        step_of = {self.program[n][3]: self.index[n] for n in range(pc + 1)
                   if self.program[n][0] == SUBMIT}
        for pos, err in enumerate(failed):
            if err is not None:
                errs.append((step_of[pos], err))
        i, err = min(errs, key=lambda p: p[0])
        if not isinstance(err, Exception):
            return err, err  # KeyboardInterrupt, SystemExit: untouched
        return self.op_error(self.ops[i], err), err


class _WorkerFailed(Exception):
    """Internal: a waited-for step failed on a worker."""


def _frees(graph: StepGraph, instr: list[tuple[int, int]], where: Sequence[int]
           ) -> tuple[list[tuple[int, ...]], dict[int, tuple[int, ...]]]:
    """Who frees each slot, and when. A slot whose readers all finish before a
    submitted reader starts (they ran on the calling thread before it was submitted, or
    were submitted to the same worker before it) is freed by that reader's worker right
    after it; any other slot after the last instruction at which every reader is known
    to have finished (its RUN, or the WAIT for a submitted step). Returns the calling
    thread's frees per instruction and the worker frees per step."""
    at: dict[int, int] = {}  # step -> position of its RUN or SUBMIT
    for n, (code, i) in enumerate(instr):
        if code != WAIT:
            at[i] = n
    readers: dict[int, set[int]] = {}
    for i, ins in enumerate(graph.reads):
        for s in ins:
            readers.setdefault(s, set()).add(i)
    by_worker: dict[int, list[int]] = {}
    handled: set[int] = set()
    for s, rs in readers.items():
        if s in graph.keep:
            continue
        for k in rs:
            if where[k] >= 0 and all(
                    r == k or at[r] < at[k] and (where[r] < 0 or where[r] == where[k])
                    for r in rs):
                by_worker.setdefault(k, []).append(s)
                handled.add(s)
                break
    last: dict[int, int] = {}
    for n, (code, i) in enumerate(instr):
        if code == SUBMIT:
            continue
        for s in graph.reads[i]:
            last[s] = n
    out: list[list[int]] = [[] for _ in instr]
    for s, n in last.items():
        if s not in graph.keep and s not in handled:
            out[n].append(s)
    return [tuple(v) for v in out], {k: tuple(v) for k, v in by_worker.items()}


def _freeing(step: Step, frees: tuple[int, ...]) -> Step:
    """``step`` followed by freeing ``frees`` (run by a worker)."""
    def run(vals: list) -> None:
        step(vals)
        for f in frees:
            vals[f] = None
    return run


__all__ = ["RUN", "SUBMIT", "WAIT", "Schedule", "StepGraph"]
