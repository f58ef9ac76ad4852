"""``partial_run_setup`` / ``partial_run``: run a subgraph in steps, feeding inputs as
they become known. Values computed by earlier steps are reused, never recomputed, so
stateful ops run once per partial run."""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors, nest
from trainkit.client import executor
from trainkit.client import feeds as _feeds
from trainkit.client import fetches as _f
from trainkit.framework.tensor import Operation, Tensor


class _PartialRun:
    __slots__ = ("fetch_tensors", "fetch_ops", "feeds", "fed", "known", "done_ops")

    def __init__(self) -> None:
        self.fetch_tensors: set[Tensor] = set()
        self.fetch_ops: set[Operation] = set()
        self.feeds: set[Tensor] = set()
        self.fed: set[Tensor] = set()
        self.known: dict[Tensor, Any] = {}
        self.done_ops: set[Operation] = set()


def setup(session: Any, fetches: Any, feeds: Any) -> str:
    """Registers a partial run; returns its handle."""
    graph = session.graph
    pr = _PartialRun()
    spec = _f.build_fetch_spec(graph, fetches)
    pr.fetch_tensors.update(spec.tensors)
    pr.fetch_ops.update(spec.targets)
    for key in nest.flatten(feeds if feeds is not None else []):
        _, ts, _ = _feeds.expand_key(graph, key)
        pr.feeds.update(ts)
    with session._lock:
        session._partial_counter += 1
        handle = f"partial_run_{session._partial_counter}"
        session._partial_runs[handle] = pr
    return handle


def run(session: Any, handle: str, fetches: Any, feed_dict: dict | None) -> Any:
    """One step of a partial run.

    Raises:
        InvalidArgumentError: for an unknown handle, an undeclared feed or fetch, or a
            tensor fed twice.
    """
    pr = session._partial_runs.get(handle)
    if pr is None:
        raise errors.InvalidArgumentError(
            None, None, f"Partial run handle {handle!r} is unknown: call partial_run_setup "
                        "first.")
    graph = session.graph
    spec = _f.build_fetch_spec(graph, fetches)
    new_feeds: dict[Tensor, Any] = {}
    for key, value in (feed_dict or {}).items():
        kind, ts, sub = _feeds.expand_key(graph, key)
        raw: list = []
        _feeds.flatten_value(kind, sub, value, raw)
        for t, v in zip(ts, raw):
            if t not in pr.feeds:
                raise errors.InvalidArgumentError(
                    None, t.op, f"Feed {t.name} was not specified in partial_run_setup.")
            if t in pr.fed:
                raise errors.InvalidArgumentError(
                    None, t.op, f"The feed {t.name} has already been fed.")
            new_feeds[t] = _feeds.make_converter(t)(v)
    for t in spec.tensors:
        if t not in pr.fetch_tensors:
            raise errors.InvalidArgumentError(
                None, t.op, f"Fetch {t.name} was not specified in partial_run_setup.")
    for op in spec.targets:
        if op not in pr.fetch_ops:
            raise errors.InvalidArgumentError(
                None, op, f"Fetch {op.name} was not specified in partial_run_setup.")
    known = dict(pr.known)
    known.update(new_feeds)
    feed_tensors = list(known)
    targets = [op for op in spec.targets if op not in pr.done_ops]
    # unfused: every op the step needs runs as itself, so all its outputs are kept
    probe = executor.compile_plan(spec.tensors, targets, feed_tensors, session._state, session,
                                  fuse=False)
    keep = [t for op in probe.ops for t in op.outputs]
    plan = executor.compile_plan(spec.tensors + keep, targets, feed_tensors, session._state,
                                 session, fuse=False)
    values = plan.execute([known[t] for t in feed_tensors])
    for i, v in enumerate(values[:len(spec.tensors)]):
        # the user's copy: a variable's buffer or a view of it must not change under them
        if type(v) is np.ndarray and (plan.copy_fetch[i] or v.base is not None):
            values[i] = v.copy()
    pr.fed.update(new_feeds)
    pr.known = known
    for t, v in zip(spec.tensors + keep, values):
        pr.known[t] = v
    pr.done_ops.update(plan.ops)
    n = len(spec.tensors)
    out = []
    for kind, idx in spec.leaves:
        if kind == _f.TARGET:
            out.append(None)
        elif kind == _f.SPARSE:
            from trainkit.framework.sparse_tensor import SparseTensorValue

            out.append(SparseTensorValue(*(_f.to_user_value(values[i], spec.tensors[i])
                                           for i in idx)))
        elif kind == _f.INDEXED:
            out.append(_f.indexed_value([_f.to_user_value(values[i], spec.tensors[i])
                                         if i in idx else None for i in range(len(values))],
                                        idx))
        else:
            out.append(_f.to_user_value(values[idx], spec.tensors[idx]))
    del n
    return out[0] if spec.is_leaf else nest.pack_sequence_as(fetches, out)
