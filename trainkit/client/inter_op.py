"""Inter-op concurrency: independent heavy kernels of one plan run on worker threads.

NumPy and BLAS release the GIL, so two independent kernels of one step (the input and
the weight gradient of one layer, the gradient branches of two layers) can compute at
once while the main thread goes on with the plan. A session asks for it with
``ConfigProto.inter_op_parallelism_threads`` (see :func:`resolve`).

**When.** A plan never runs concurrently before it has been measured: its first
:data:`PROBE_SKIP` runs are plain, the next :data:`PROBE_RUNS` time every step (wall
and process CPU time). Then a list-scheduling simulation over the measured times
(:func:`assign`) decides which steps go to which worker; unless it saves at least
:data:`MIN_GAIN_US` and :data:`MIN_GAIN_FRACTION` of the step, the plan drops back to
the executor's sequential loop for good (``plan.conc = None``), so small plans keep the
fast path. Only steps of at least :data:`HEAVY_US` may move to a worker.

**What stays in order.** Stateful steps (variables, assigns, optimizer updates, random
ops, queues, iterators, loops, ``py_func``) run on the calling thread, in plan order,
with no other step of the run in flight: every step before one has finished and none
after it has started. Steps that already keep more than one core busy (chunked kernels
of ``ops/parallel.py``, measured by their CPU/wall ratio) run the same way, alone, so
two cores are never asked for three threads' worth of work.

**Same results.** Every step reads the same input values as in the sequential order
(data and control dependencies are waited for; stateful steps are barriers), kernels
are deterministic and never write their inputs, so results are bitwise identical to a
sequential run. A slot is freed only after every step reading it has finished.

**Errors.** When a step fails, the run waits for every step in flight, then raises the
error of the failed step that comes first in plan order — the one a sequential run
would have raised (all earlier steps have run, and no stateful step ran after it).

Example:
    >>> import trainkit as tk
    >>> config = tk.ConfigProto(inter_op_parallelism_threads=2)
    >>> sess = tk.Session(config=config)    # heavy independent kernels may overlap
"""

from __future__ import annotations

import time
from _thread import allocate_lock
from collections.abc import Callable, Sequence
from typing import Any

from trainkit.client import inter_op_pool

Step = Callable[[list], None]

#: threads used when the config leaves the choice to trainkit (0). Measured on the
#: 2-core machine (README, "ConfigProto"): concurrency won nowhere the kernels were not
#: already chunked over both cores, so the default stays sequential.
AUTO_THREADS = 1
#: untimed runs before measuring (the first runs allocate buffers, compile loops)
PROBE_SKIP = 1
#: timed runs (each step's minimum is used)
PROBE_RUNS = 2
#: plans whose measured step is shorter than this always run sequentially
MIN_PLAN_US = 1000.0
#: only steps at least this long may run on a worker
HEAVY_US = 150.0
#: the cost of handing a step to a worker and waiting for it (both sides, measured)
HANDOFF_US = 40.0
#: a concurrent schedule must save this much ...
MIN_GAIN_US = 200.0
#: ... and this fraction of the step
MIN_GAIN_FRACTION = 0.04
#: a step using more than this many cores (CPU / wall time) already fills the machine
WIDE = 1.3

RUN, SUBMIT, WAIT = 0, 1, 2

_forced: list[int | None] = [None]


def force(threads: int | None) -> None:
    """Test switch: every session created afterwards (until ``force(None)``) runs its
    plans concurrently on ``threads`` threads, with no measuring and no profitability
    check: every non-stateful step whose dependencies allow it is a candidate for a
    worker."""
    if threads is not None and (not isinstance(threads, int) or threads < 2):
        raise ValueError(f"forced inter-op threads must be an int >= 2 or None, got "
                         f"{threads!r}")
    _forced[0] = threads


def forced() -> bool:
    """Whether :func:`force` is on (sessions created now get forced schedules)."""
    return _forced[0] is not None


def resolve(requested: Any) -> int:
    """The inter-op threads a session with ``inter_op_parallelism_threads=requested``
    runs with: N > 0 as asked, 0 (or unset) :data:`AUTO_THREADS`, negative 1 (TF: run
    every op in the caller's thread).

    Raises:
        ValueError: if ``requested`` is not an int.
    """
    if _forced[0] is not None:
        return _forced[0]
    if requested is None:
        return AUTO_THREADS
    if isinstance(requested, bool) or not isinstance(requested, int):
        raise ValueError(f"inter_op_parallelism_threads must be an int, got {requested!r}.")
    if requested == 0:
        return AUTO_THREADS
    return max(1, requested)


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


def attach(graph: StepGraph, threads: int, op_error: Callable, force_schedule: bool = False
           ) -> Any:
    """What a plan runs through when it may run concurrently (``plan.conc``): a
    :class:`Probe`, or straight away a :class:`Schedule` with ``force_schedule`` (the
    test mode of :func:`force`); None when no two steps could ever overlap."""
    free = sum(1 for s in graph.stateful if not s)
    if threads < 2 or free < 2:
        return None
    if force_schedule:
        n = len(graph.plain)
        sched = build(graph, [1.0] * n, [1.0] * n, threads, forced=True, op_error=op_error)
        return sched
    return Probe(graph, threads, op_error)


class Probe:
    """Runs a plan sequentially while measuring it, then installs its schedule (or None)."""

    __slots__ = ("graph", "threads", "op_error", "skip", "wall", "cpu", "runs")

    def __init__(self, graph: StepGraph, threads: int, op_error: Callable) -> None:
        self.graph, self.threads, self.op_error = graph, threads, op_error
        self.skip = PROBE_SKIP
        self.wall: list[float] | None = None
        self.cpu: list[float] | None = None
        self.runs = 0

    def run(self, plan: Any, vals: list) -> None:
        """One sequential run of ``plan`` (timed once the untimed runs are done)."""
        if self.skip > 0:
            self.skip -= 1
            _sequential(plan, vals, self.op_error)
            return
        wall, cpu = _timed(plan, vals, self.op_error)
        if self.wall is None:
            self.wall, self.cpu = wall, cpu
        else:
            self.wall = [min(a, b) for a, b in zip(self.wall, wall)]
            self.cpu = [min(a, b) for a, b in zip(self.cpu, cpu)]
        self.runs += 1
        if self.runs >= PROBE_RUNS:
            plan.conc = decide(self.graph, self.wall, self.cpu, self.threads, self.op_error)


def _sequential(plan: Any, vals: list, op_error: Callable) -> None:
    step = None
    try:
        for step in plan.steps:
            step(vals)
    except BaseException as e:
        raise op_error(plan.ops[plan.steps.index(step)], e) from e


def _timed(plan: Any, vals: list, op_error: Callable) -> tuple[list[float], list[float]]:
    """Runs ``plan`` in order; per step wall and process-CPU microseconds."""
    clock, cpu_clock = time.perf_counter, time.process_time
    wall: list[float] = []
    cpu: list[float] = []
    i = 0
    try:
        for i, step in enumerate(plan.steps):  # noqa: B007 - ``i`` names the failed op
            c0, t0 = cpu_clock(), clock()
            step(vals)
            t1, c1 = clock(), cpu_clock()
            wall.append((t1 - t0) * 1e6)
            cpu.append((c1 - c0) * 1e6)
    except BaseException as e:
        raise op_error(plan.ops[i], e) from e
    return wall, cpu


def decide(graph: StepGraph, wall: Sequence[float], cpu: Sequence[float], threads: int,
           op_error: Callable) -> Schedule | None:
    """The schedule for measured step times, or None when running concurrently would
    not save enough (see the module docstring)."""
    total = sum(wall)
    if total < MIN_PLAN_US:
        return None
    sched = build(graph, wall, cpu, threads, forced=False, op_error=op_error)
    if sched is None:
        return None
    gain = total - sched.makespan
    if gain < MIN_GAIN_US or gain < MIN_GAIN_FRACTION * total:
        return None
    return sched


def assign(wall: Sequence[float], deps: Sequence[tuple[int, ...]],
           exclusive: Sequence[bool], eligible: Sequence[bool], workers: int,
           handoff: float, ties: bool = False) -> tuple[list[int], float]:
    """List scheduling in plan order: each step runs on the calling thread (-1) or on
    a worker. An eligible step goes to the worker where it would finish first if that
    is before the calling thread, running it and then the steps up to its first
    consumer itself, would reach that consumer (``ties``: at the latest then). Exclusive
    steps start when all earlier steps have finished, and nothing later starts before
    they finish. Returns the assignment and the simulated time of the plan (µs)."""
    n = len(wall)
    need = [n] * n  # the first later step that needs step i finished
    barrier = n
    for i in range(n - 1, -1, -1):
        for k in deps[i]:
            need[k] = min(need[k], i)
        need[i] = min(need[i], barrier)
        if exclusive[i]:
            barrier = i
    prefix = [0.0]
    for d in wall:
        prefix.append(prefix[-1] + d)
    main_t = 0.0
    wt = [0.0] * workers
    fin = [0.0] * n
    floor = 0.0  # end of the last exclusive step: nothing later starts before it
    where: list[int] = []
    for i, d in enumerate(wall):
        ready = max([floor] + [fin[k] for k in deps[i]])
        if exclusive[i]:
            main_t = fin[i] = floor = max([main_t, ready] + wt) + d
            wt = [main_t] * workers
            where.append(-1)
            continue
        here = max(main_t, ready) + d
        best, best_fin = -1, here
        if eligible[i]:
            limit = here + prefix[need[i]] - prefix[i + 1]
            for w in range(workers):
                f = max(wt[w], ready, main_t) + handoff + d
                if f < limit or (ties and f <= limit):
                    if best < 0 or f < best_fin:
                        best, best_fin = w, f
        fin[i] = best_fin
        where.append(best)
        if best < 0:
            main_t = best_fin
        else:
            wt[best] = best_fin
    return where, max([main_t] + wt)


def build(graph: StepGraph, wall: Sequence[float], cpu: Sequence[float], threads: int,
          forced: bool, op_error: Callable) -> Schedule | None:
    """The :class:`Schedule` of ``graph`` for the given step times (None when no step
    would leave the calling thread)."""
    deps = graph.dependencies()
    exclusive = [s or (not forced and c > WIDE * max(w, 1.0))
                 for s, w, c in zip(graph.stateful, wall, cpu)]
    eligible = [not x and (forced or w >= HEAVY_US) for x, w in zip(exclusive, wall)]
    if sum(eligible) == 0:
        return None
    where, makespan = assign(wall, deps, exclusive, eligible, threads - 1,
                             0.0 if forced else HANDOFF_US, ties=forced)
    if all(w < 0 for w in where):
        return None
    return Schedule(graph, deps, exclusive, where, makespan, op_error)


class Schedule:
    """A plan's concurrent program: the calling thread runs, submits and waits for steps
    in plan order; a worker runs what it was given in submission order.

    Attributes:
        program: ``(code, step, worker, pos, frees)`` per instruction (RUN / SUBMIT /
            WAIT; ``pos`` numbers the submitted steps).
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
                instr.append((RUN, i))
            else:
                pos_of[i] = len(pos_of)
                outstanding[i] = w
                instr.append((SUBMIT, i))
        for k in sorted(outstanding):
            wait(k)
        frees, by_worker = _frees(graph, instr, where)
        steps = [_freeing(graph.plain[i], by_worker[i]) if by_worker.get(i) else
                 graph.plain[i] for i in range(len(where))]
        self.program = [(code, steps[i], where[i], pos_of.get(i, -1), frees[n])
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
        pc = -1
        try:
            for pc, (code, step, worker, pos, frees) in enumerate(  # noqa: B007 - see except
                    self.program):
                if code == RUN:
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
            raise self._failure(pc, e, locks, failed) from None

    def _failure(self, pc: int, e: BaseException, locks: list, failed: list
                 ) -> BaseException:
        """Waits for every step in flight; the error the sequential run would raise."""
        waited: set[int] = set()
        submitted: list[int] = []
        for n in range(pc + 1):
            code, _, _, pos, _ = self.program[n]
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
            return err  # KeyboardInterrupt, SystemExit: untouched
        converted = self.op_error(self.ops[i], err)
        if converted is not err:
            converted.__cause__ = err
        return converted


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


__all__ = ["AUTO_THREADS", "StepGraph", "Probe", "Schedule", "attach", "assign", "build",
           "decide", "force", "forced", "resolve"]
