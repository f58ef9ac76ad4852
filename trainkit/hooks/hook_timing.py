"""Per-hook cost: how much wall time each hook's ``before_run``/``after_run`` takes and how
much compute its extra fetches add to the merged run.

Inside ``with hook_timing(sess) as report:`` every run of the monitored session ``sess``
is traced (no other session is touched); the time of the ops that only a hook's fetches
need (not the caller's) is charged to that hook (an op needed by several hooks is charged
to each of them). Without arguments it measures the monitored session whose ``with`` block
it is in.

Example:
    >>> with tk.train.hook_timing(sess) as report:
    ...     for _ in range(100):
    ...         sess.run(train_op)
    >>> print(report.format())             # doctest: +SKIP
    hook                      calls  before_run ms  after_run ms  extra fetch ms
    hooks[0] StopAtStepHook     100          0.110         0.052           0.031
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from typing import Any

from trainkit import nest
from trainkit.framework import topo
from trainkit.framework.tensor import Operation, Tensor
from trainkit.training.monitored_session import entered_monitored_session

_LOG = logging.getLogger("trainkit.hooks")


class _Row:
    __slots__ = ("name", "calls", "before_run", "after_run", "fetch")

    def __init__(self, name: str):
        self.name = name
        self.calls = 0
        self.before_run = 0.0
        self.after_run = 0.0
        self.fetch = 0.0


class _TimedHook:
    """Stands in for a hook during one run, timing its calls."""

    def __init__(self, hook: Any, row: _Row):
        self.hook = hook
        self._row = row

    def before_run(self, run_context: Any) -> Any:
        t = time.perf_counter()
        try:
            return self.hook.before_run(run_context)
        finally:
            self._row.before_run += time.perf_counter() - t
            self._row.calls += 1

    def after_run(self, run_context: Any, run_values: Any) -> None:
        t = time.perf_counter()
        try:
            self.hook.after_run(run_context, run_values)
        finally:
            self._row.after_run += time.perf_counter() - t

    def __getattr__(self, name: str) -> Any:
        return getattr(self.hook, name)


def _ops_needed(graph: Any, fetches: Any) -> set[str]:
    """Names of the ops that computing ``fetches`` runs."""
    tensors: list[Tensor] = []
    ops: list[Operation] = []
    for leaf in nest.flatten(fetches):
        if isinstance(leaf, str):
            try:
                leaf = graph.as_graph_element(leaf)
            except (KeyError, ValueError, TypeError):
                continue
        conv = getattr(leaf, "_as_graph_element", None)
        if conv is not None and not isinstance(leaf, (Tensor, Operation)):
            leaf = conv()
        for part in (getattr(leaf, "indices", None), getattr(leaf, "values", None),
                     getattr(leaf, "dense_shape", None), leaf):
            if isinstance(part, Tensor):
                tensors.append(part)
            elif isinstance(part, Operation):
                ops.append(part)
    return {op.name for op in topo.prune(tensors, ops)}


class HookTimingReport:
    """Accumulated per-hook costs (seconds); see :meth:`format` and :meth:`as_dict`."""

    def __init__(self) -> None:
        self._rows: dict[int, _Row] = {}
        self._hooks: dict[int, Any] = {}  # keeps hooks alive so ids stay unique
        self.runs = 0

    # -- the run-observer protocol of the monitored session ---------------------------
    def wrap(self, hook: Any, index: int) -> _TimedHook:
        row = self._rows.get(id(hook))
        if row is None:
            row = self._rows[id(hook)] = _Row(f"hooks[{index}] {type(hook).__name__}")
            self._hooks[id(hook)] = hook
        return _TimedHook(hook, row)

    def after_step(self, graph: Any, fetches: Any, hooks: list, requests: list,
                   run_metadata: Any) -> None:
        self.runs += 1
        durations: dict[str, float] = {}
        for dev in run_metadata.step_stats.dev_stats:
            for ns in dev.node_stats:
                durations[ns.node_name] = durations.get(ns.node_name, 0.0) + (
                    ns.op_end_rel_micros - ns.op_start_rel_micros) * 1e-6
        if not durations:
            return
        caller = _ops_needed(graph, fetches)
        for h, req in zip(hooks, requests):
            if req is None or req.fetches is None:
                continue
            extra = _ops_needed(graph, req.fetches) - caller
            self._rows[id(h.hook)].fetch += sum(durations.get(n, 0.0) for n in extra)

    # -- results ------------------------------------------------------------------------
    def as_dict(self) -> dict[str, dict[str, float]]:
        """hook label -> {'calls', 'before_run', 'after_run', 'fetch'} (seconds)."""
        return {r.name: {"calls": r.calls, "before_run": r.before_run,
                         "after_run": r.after_run, "fetch": r.fetch}
                for r in self._rows.values()}

    def format(self) -> str:
        """A table of total milliseconds per hook, most expensive first."""
        rows = sorted(self._rows.values(),
                      key=lambda r: -(r.before_run + r.after_run + r.fetch))
        width = max([len(r.name) for r in rows] + [4])
        lines = [f"{'hook':<{width}}  {'calls':>6}  {'before_run ms':>13}  "
                 f"{'after_run ms':>12}  {'extra fetch ms':>14}"]
        for r in rows:
            lines.append(f"{r.name:<{width}}  {r.calls:>6}  {r.before_run * 1e3:>13.3f}  "
                         f"{r.after_run * 1e3:>12.3f}  {r.fetch * 1e3:>14.3f}")
        return "\n".join(lines)


@contextlib.contextmanager
def hook_timing(*sessions: Any, log: bool = True) -> Iterator[HookTimingReport]:
    """Times every hook of the given monitored sessions' runs inside the block.

    Args:
        *sessions: the ``MonitoredSession``s to measure; none means the innermost one
            whose ``with`` block this thread is in. Sessions not named pay nothing.
        log: log the table at INFO level on the ``trainkit.hooks`` logger at the end.

    Yields:
        The :class:`HookTimingReport` being filled.

    Raises:
        ValueError: if no session is given and none is entered.
        TypeError: if a session is not a monitored session.
    """
    if not sessions:
        entered = entered_monitored_session()
        if entered is None:
            raise ValueError(
                "hook_timing() has no session to measure: pass it, hook_timing(sess), or "
                "call it inside 'with MonitoredSession(...) as sess:'.")
        sessions = (entered,)
    for i, s in enumerate(sessions):
        if not callable(getattr(s, "add_run_observer", None)):
            raise TypeError(f"hook_timing: sessions[{i}] ({type(s).__name__}) is not a "
                            "monitored session; only MonitoredSession runs have hooks.")
    report = HookTimingReport()
    for s in sessions:
        s.add_run_observer(report)
    try:
        yield report
    finally:
        for s in sessions:
            s.remove_run_observer(report)
        if log and report.runs:
            _LOG.info("Hook timing over %d runs:\n%s", report.runs, report.format())


__all__ = ["hook_timing", "HookTimingReport"]
