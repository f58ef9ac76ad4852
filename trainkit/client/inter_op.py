"""Inter-op concurrency: independent heavy kernels of one plan run on worker threads.

NumPy and BLAS release the GIL, so two independent kernels of one step (the input and
the weight gradient of one layer, the gradient branches of two layers) can compute at
once while the main thread goes on with the plan. A session asks for it with
``ConfigProto.inter_op_parallelism_threads`` (see :func:`resolve`).

**When.** A plan never runs concurrently before it has been measured: its first
:data:`PROBE_SKIP` runs are plain, the next :data:`PROBE_RUNS` time every step (wall
and process CPU time), every other one with kernels on one thread. Then a
list-scheduling simulation over the measured times (:func:`assign`) decides which steps
go to which worker; unless it saves at least
:data:`MIN_GAIN_US` and :data:`MIN_GAIN_FRACTION` of the step, the plan drops back to
the executor's sequential loop for good (``plan.conc = None``), so small plans keep the
fast path. Only steps of at least :data:`HEAVY_US` may move to a worker. A schedule
that passes is then tried for real (:class:`Tuner`): alternating sequential and
concurrent runs decide, and decide again every so often, whether it runs.

**What stays in order.** Stateful steps (variables, assigns, optimizer updates, random
ops, queues, iterators, loops, ``py_func``) run on the calling thread, in plan order,
with no other step of the run in flight: every step before one has finished and none
after it has started.

**One thread per overlapping kernel.** The chunked kernels of ``ops/parallel.py`` use
every core when they run alone. A step on a worker, and a step the calling thread starts
while a submitted step is still running, run their kernels on one thread
(``framework/thread_limits.py``), so two overlapping kernels never ask two cores for
three or four threads; the simulation takes their one-thread times, measured while
probing. Chunked kernels give the same bits for any thread count.

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
from collections.abc import Callable, Sequence
from typing import Any

from trainkit.client.inter_op_schedule import Schedule, StepGraph
from trainkit.framework import thread_limits

Step = Callable[[list], None]

#: threads used when the config leaves the choice to trainkit (0). Measured on the
#: 2-core machine (README, "Inter-op threads"): concurrency won only with the kernels'
#: own chunking switched off, and chunking alone was faster; so one at a time.
AUTO_THREADS = 1
#: untimed runs before measuring (the first runs allocate buffers, compile loops)
PROBE_SKIP = 1
#: timed runs, alternately as usual and with kernels on one thread (each step's minimum
#: of each kind is used)
PROBE_RUNS = 4
#: plans whose measured step is shorter than this always run sequentially
MIN_PLAN_US = 1000.0
#: only steps at least this long may run on a worker
HEAVY_US = 150.0
#: the cost of handing a step to a worker and waiting for it (both sides, measured)
HANDOFF_US = 40.0
#: how many later steps the simulation follows when judging an offload (a far consumer
#: is then taken to come right after them: the simulation stays linear in plan size)
HORIZON = 64
#: a concurrent schedule must save this much ...
MIN_GAIN_US = 200.0
#: ... and this fraction of the step
MIN_GAIN_FRACTION = 0.04
#: runs of each kind (sequential, concurrent; alternating) in one trial of a schedule
TRIAL_RUNS = 3
#: the concurrent runs' median wall time must be below this fraction of the sequential
TRIAL_MARGIN = 0.97
#: runs between trials; doubled while the outcome stays the same, up to the maximum
RETUNE_RUNS = 100
MAX_RETUNE_RUNS = 6400

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
    """Runs a plan sequentially while measuring it, then installs its schedule (or None).

    The timed runs alternate: even ones as usual, odd ones with kernels capped at one
    thread (``framework/thread_limits.py``), which is how a step runs while it overlaps
    another; each step's minimum of each kind is kept."""

    __slots__ = ("graph", "threads", "op_error", "skip", "wall", "cpu", "solo", "runs")

    def __init__(self, graph: StepGraph, threads: int, op_error: Callable) -> None:
        self.graph, self.threads, self.op_error = graph, threads, op_error
        self.skip = PROBE_SKIP
        self.wall: list[float] | None = None
        self.cpu: list[float] | None = None
        self.solo: list[float] | None = None
        self.runs = 0

    def run(self, plan: Any, vals: list) -> None:
        """One sequential run of ``plan`` (timed once the untimed runs are done)."""
        if self.skip > 0:
            self.skip -= 1
            _sequential(plan, vals, self.op_error)
            return
        if self.runs % 2:
            prev = thread_limits.set_cap(1)
            try:
                solo, _ = _timed(plan, vals, self.op_error)
            finally:
                thread_limits.set_cap(prev)
            self.solo = solo if self.solo is None else [
                min(a, b) for a, b in zip(self.solo, solo)]
        else:
            wall, cpu = _timed(plan, vals, self.op_error)
            if self.wall is None:
                self.wall, self.cpu = wall, cpu
            else:
                self.wall = [min(a, b) for a, b in zip(self.wall, wall)]
                self.cpu = [min(a, b) for a, b in zip(self.cpu, cpu)]
        self.runs += 1
        if self.runs >= PROBE_RUNS:
            sched = decide(self.graph, self.wall, self.cpu, self.threads, self.op_error,
                           self.solo)
            plan.conc = None if sched is None else Tuner(sched, self.op_error)


class Tuner:
    """Runs a plan with its schedule only while that is measured to be faster.

    A trial alternates :data:`TRIAL_RUNS` sequential and as many concurrent runs and
    keeps the mode whose median wall time is lower (concurrent must win by
    ``1 - TRIAL_MARGIN``). The next trial comes after :data:`RETUNE_RUNS` runs, twice
    as many each time the outcome repeats (load from other processes comes and goes).
    """

    __slots__ = ("schedule", "op_error", "concurrent", "left", "period", "seq", "conc")

    def __init__(self, schedule: Schedule, op_error: Callable) -> None:
        self.schedule, self.op_error = schedule, op_error
        self.concurrent = False
        self.period = RETUNE_RUNS
        self.left = 0  # runs until the next trial; 0: in a trial
        self.seq: list[float] = []
        self.conc: list[float] = []

    def run(self, plan: Any, vals: list) -> None:
        """One run of ``plan``, in the current mode or as part of a trial."""
        if self.left > 0:
            self.left -= 1
            if self.concurrent:
                self.schedule.run(plan, vals)
            else:
                _sequential(plan, vals, self.op_error)
            return
        concurrent = len(self.conc) < len(self.seq)
        t0 = time.perf_counter()
        if concurrent:
            self.schedule.run(plan, vals)
        else:
            _sequential(plan, vals, self.op_error)
        (self.conc if concurrent else self.seq).append(time.perf_counter() - t0)
        if len(self.conc) >= TRIAL_RUNS and len(self.seq) >= TRIAL_RUNS:
            wins = sorted(self.conc)[TRIAL_RUNS // 2] < TRIAL_MARGIN * sorted(
                self.seq)[TRIAL_RUNS // 2]
            same = wins == self.concurrent
            self.period = min(2 * self.period, MAX_RETUNE_RUNS) if same else RETUNE_RUNS
            self.concurrent, self.left = wins, self.period
            self.seq, self.conc = [], []


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
           op_error: Callable, solo: Sequence[float] | None = None) -> Schedule | None:
    """The schedule for measured step times (``solo``: wall times with kernels on one
    thread), or None when running concurrently would not save enough (see the module
    docstring)."""
    total = sum(wall)
    if total < MIN_PLAN_US:
        return None
    sched = build(graph, wall, cpu, threads, forced=False, op_error=op_error, solo=solo)
    if sched is None:
        return None
    gain = total - sched.makespan
    if gain < MIN_GAIN_US or gain < MIN_GAIN_FRACTION * total:
        return None
    return sched


def assign(wall: Sequence[float], deps: Sequence[tuple[int, ...]],
           exclusive: Sequence[bool], eligible: Sequence[bool], workers: int,
           handoff: float, ties: bool = False,
           shared: Sequence[float] | None = None) -> tuple[list[int], float]:
    """List scheduling in plan order: each step runs on the calling thread (-1) or on
    a worker. A step takes ``wall`` when it runs alone and ``shared`` (default: the
    same) when it overlaps another step: always on a worker, and on the calling thread
    when it starts while a worker is busy (kernels then run on one thread, see
    ``client/inter_op_schedule.py``). An eligible step goes to the worker where it would
    finish first if the first later step that needs it (at most :data:`HORIZON` steps
    on) could then start earlier than with the calling thread running it and then the
    steps up to that consumer itself (``ties``: no later); the steps the calling thread
    runs meanwhile take their ``shared`` time while the worker is busy. Exclusive steps
    start when all earlier steps have finished, and nothing later starts before they
    finish. Returns the assignment and the simulated time of the plan (µs)."""
    n = len(wall)
    shared = wall if shared is None else shared
    need = [n] * n  # the first later step that needs step i finished
    barrier = n
    for i in range(n - 1, -1, -1):
        for k in deps[i]:
            need[k] = min(need[k], i)
        need[i] = min(need[i], barrier)
        if exclusive[i]:
            barrier = i
    main_t = 0.0
    wt = [0.0] * workers
    fin = [0.0] * n
    floor = 0.0  # end of the last exclusive step: nothing later starts before it
    where: list[int] = []

    def on_main(start: float, busy_until: float, first: int, stop: int, done: float
                ) -> float:
        """When step ``stop`` can start on the calling thread once it has run steps
        ``first..stop-1`` from ``start`` (each when its inputs are ready; shared time
        while a worker is busy until ``busy_until``), step ``first - 1`` done at
        ``done``."""
        t = start
        local = {first - 1: done}
        for j in range(first, min(stop + 1, n)):
            r = floor
            for k in deps[j]:
                f = local.get(k)
                r = max(r, fin[k] if f is None else f)
            t = max(t, r)
            if j == stop:
                break
            t += shared[j] if t < busy_until else wall[j]
            local[j] = t
        return max(t, done)  # step ``stop`` (or the plan's end, or a barrier) needs it

    for i, d in enumerate(wall):
        ready = max([floor] + [fin[k] for k in deps[i]])
        if exclusive[i]:
            main_t = fin[i] = floor = max([main_t, ready] + wt) + d
            wt = [main_t] * workers
            where.append(-1)
            continue
        start = max(main_t, ready)
        busy = max(wt, default=0.0)
        here = start + (shared[i] if start < busy else d)
        best, best_fin = -1, here
        if eligible[i]:
            stop = min(need[i], i + 1 + HORIZON)
            limit = on_main(here, busy, i + 1, stop, here)
            best_at = limit
            for w in range(workers):
                f = max(wt[w], ready, main_t) + handoff + shared[i]
                at = on_main(main_t + handoff, max(busy, f), i + 1, stop, f)
                if at < best_at or (ties and at <= limit and best < 0):
                    best, best_fin, best_at = w, f, at
        fin[i] = best_fin
        where.append(best)
        if best < 0:
            main_t = best_fin
        else:
            wt[best] = best_fin
            main_t += handoff
    return where, max([main_t] + wt)


def build(graph: StepGraph, wall: Sequence[float], cpu: Sequence[float], threads: int,
          forced: bool, op_error: Callable, solo: Sequence[float] | None = None
          ) -> Schedule | None:
    """The :class:`Schedule` of ``graph`` for the given step times (None when no step
    would leave the calling thread). A step that overlaps another runs its kernel on
    one thread: it takes its ``solo`` time then, when measured, else its CPU time (its
    wall time when it waits rather than computes)."""
    deps = graph.dependencies()
    exclusive = list(graph.stateful)
    eligible = [not x and (forced or w >= HEAVY_US) for x, w in zip(exclusive, wall)]
    if sum(eligible) == 0:
        return None
    shared = ([max(w, c) for w, c in zip(wall, cpu)] if solo is None else
              [max(w, s) for w, s in zip(wall, solo)])
    where, makespan = assign(wall, deps, exclusive, eligible, threads - 1,
                             0.0 if forced else HANDOFF_US, ties=forced, shared=shared)
    if all(w < 0 for w in where):
        return None
    return Schedule(graph, deps, exclusive, where, makespan, op_error)


__all__ = ["AUTO_THREADS", "StepGraph", "Probe", "Schedule", "Tuner", "attach", "assign",
           "build", "decide", "force", "forced", "resolve"]
