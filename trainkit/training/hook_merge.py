"""Merging the caller's run arguments with the hooks' ``SessionRunArgs`` into one
``Session.run`` call, and slicing the results back per hook.

The common step, where no hook asks for anything, passes the caller's arguments through
untouched, so it costs a plain ``Session.run``. Steps where hooks fetch run the one
structure ``[caller_fetches, hook_fetches, ...]`` through ``Session.run``, whose plan cache
(keyed by that structure) is the only cache.

Example:
    >>> merger = Merger(graph)
    >>> merged = merger.merge(sess, hooks, requests, fetches, feed_dict, options)
    >>> caller_result, hook_values = merged.run(sess, run_metadata)
"""

from __future__ import annotations

import itertools
from typing import Any

from trainkit.client.run_metadata import RunMetadata, RunOptions
from trainkit.framework.graph import Graph
from trainkit.framework.tensor import Tensor
from trainkit.training.session_run_hook import (
    SessionRunArgs,
    SessionRunHook,
    SessionRunValues,
)

# What hooks get after a run nobody asked anything of (no fetches, feeds, options or
# run_metadata): one shared, read-only record instead of fresh objects every step.
IDLE_VALUES = SessionRunValues(None, RunOptions(), RunMetadata())


def roles(hooks: list) -> tuple:
    """``((hook, calls_before_run, calls_after_run), ...)`` for the hooks that override
    ``before_run`` or ``after_run``; the others would only run the no-op defaults."""
    out = []
    for h in hooks:
        cls = type(h)
        before = getattr(cls, "before_run", None) is not SessionRunHook.before_run
        after = getattr(cls, "after_run", None) is not SessionRunHook.after_run
        if before or after:
            out.append((h, before, after))
    return tuple(out)


_IDLE_FOREVER = itertools.repeat(IDLE_VALUES)  # zip() with the hooks stops it


class MergedRun:
    """One run's merged arguments; :meth:`run` executes it and slices the results.

    Attributes:
        idle: True when no hook asked for anything and the caller passed no options or
            run_metadata: the caller's call runs untouched.
        options: the options the run uses (None, the caller's, or a merged copy).
    """

    __slots__ = ("idle", "options", "_fetches", "_feed_dict", "_slots", "_n")

    def __init__(self, n_hooks: int, fetches: Any, feed_dict: dict | None, options: Any,
                 slots: list[int] | None = None, idle: bool = False):
        self.idle = idle
        self.options = options
        self._fetches = fetches
        self._feed_dict = feed_dict
        self._slots = slots
        self._n = n_hooks

    def run(self, sess: Any, fetches: Any, feed_dict: dict | None,
            run_metadata: Any) -> tuple[Any, Any]:
        """Runs; returns ``(caller_result, SessionRunValues of each hook)``. ``fetches``
        and ``feed_dict`` are the caller's (used by the idle run)."""
        if self.idle:
            return sess.run(fetches, feed_dict), _IDLE_FOREVER
        opts = self.options if self.options is not None else RunOptions()
        out = sess.run(self._fetches, self._feed_dict, self.options, run_metadata)
        slots = self._slots
        if slots is None:
            return out, [SessionRunValues(None, opts, run_metadata)] * self._n
        return out[0], [SessionRunValues(None if s < 0 else out[s], opts, run_metadata)
                        for s in slots]


# The merged run of an idle step: the caller's fetches and feeds, nothing else.
IDLE_RUN = MergedRun(0, None, None, None, idle=True)


def _key_name(key: Any) -> str:
    return getattr(key, "name", None) or repr(key)


def _normalize(graph: Graph, key: Any) -> Any:
    if isinstance(key, str):
        try:
            return graph.as_graph_element(key, allow_tensor=True, allow_operation=False)
        except (KeyError, ValueError, TypeError):
            return key
    conv = getattr(key, "_as_graph_element", None)
    return conv() if conv is not None and not isinstance(key, Tensor) else key


def _hook_name(hooks: list, i: int) -> str:
    h = hooks[i][0] if isinstance(hooks[i], tuple) else hooks[i]
    return f"{type(getattr(h, 'hook', h)).__name__}"


def _merge_feeds(graph: Graph, hooks: list, requests: list,
                 feed_dict: dict | None) -> dict | None:
    merged: dict | None = None
    owner: dict[Any, int] = {}
    for i, req in enumerate(requests):
        if req is None or not req.feed_dict:
            continue
        if merged is None:
            merged = dict(feed_dict) if feed_dict else {}
            user = {_normalize(graph, k): k for k in (feed_dict or {})}
        for key, value in req.feed_dict.items():
            norm = _normalize(graph, key)
            if norm in owner:
                raise RuntimeError(
                    f"Same tensor is fed by two hooks: {_key_name(norm)} is fed by "
                    f"{_hook_name(hooks, owner[norm])} and {_hook_name(hooks, i)}.")
            if norm in user:
                raise RuntimeError(
                    f"Same tensor is fed by a SessionRunHook and user: {_key_name(norm)} "
                    f"is fed by {_hook_name(hooks, i)} and by the caller's feed_dict.")
            owner[norm] = i
            merged[key] = value
    return feed_dict if merged is None else merged


class Merger:
    """Merges runs for one monitored session. The merged fetches are one structure,
    ``[caller_fetches, hook_fetches, ...]``, run by one ``Session.run``, whose plan cache
    is the only cache."""

    def __init__(self, graph: Graph):
        self._graph = graph

    def merge(self, sess: Any, hooks: list, requests: list, fetches: Any,
              feed_dict: dict | None, options: Any, run_metadata: Any = None,
              trace: bool = False) -> MergedRun:
        """Merges the caller's arguments with the hooks' requests.

        Args:
            sess: the raw session the run will use.
            hooks: the hooks of this run (for error messages).
            requests: ``before_run`` results, one per hook (``SessionRunArgs`` or None).
            fetches, feed_dict, options, run_metadata: the caller's arguments.
            trace: force ``FULL_TRACE`` (used by hook timing).

        Raises:
            RuntimeError: if two hooks, or a hook and the caller, feed the same tensor.
            TypeError: if a hook's ``before_run`` returned something else than
                ``SessionRunArgs`` or None.
        """
        n = len(requests)
        if options is None and run_metadata is None and not trace and not any(requests):
            return IDLE_RUN
        parts: list | None = None
        slots: list[int] | None = None
        hook_opts = []
        hook_feeds = False
        for i, req in enumerate(requests):
            if req is None:
                continue
            if type(req) is not SessionRunArgs and not hasattr(req, "fetches"):
                raise TypeError(f"{_hook_name(hooks, i)}.before_run must return "
                                f"SessionRunArgs or None, got {type(req).__name__}.")
            if req.fetches is not None:
                if parts is None:
                    parts = [fetches]
                    slots = [-1] * n
                slots[i] = len(parts)
                parts.append(req.fetches)
            if req.feed_dict:
                hook_feeds = True
            if req.options is not None:
                hook_opts.append(req.options)
        feeds = (_merge_feeds(self._graph, hooks, requests, feed_dict) if hook_feeds
                 else feed_dict)
        opts = options
        if hook_opts or trace:
            opts = RunOptions()
            for o in ([options] if options is not None else []) + hook_opts:
                opts.MergeFrom(o)
            if trace:
                opts.trace_level = RunOptions.FULL_TRACE
        if parts is None:
            return MergedRun(n, fetches, feeds, opts)
        return MergedRun(n, parts, feeds, opts, slots)


__all__ = ["Merger", "MergedRun", "roles", "IDLE_VALUES"]
