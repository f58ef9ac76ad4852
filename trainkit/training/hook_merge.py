"""Merging the caller's run arguments with the hooks' ``SessionRunArgs`` into one
``Session.run`` call, and slicing the results back per hook.

The common step, where no hook asks for anything, passes the caller's arguments through
untouched, so it costs a plain ``Session.run``.

Example:
    >>> m = merge(graph, hooks, requests, fetches, feed_dict, options)
    >>> caller_result, hook_results = m.split(sess.run(m.fetches, m.feed_dict, m.options))
"""

from __future__ import annotations

from typing import Any

from trainkit.client.run_metadata import RunMetadata, RunOptions
from trainkit.framework.graph import Graph
from trainkit.framework.tensor import Tensor
from trainkit.training.session_run_hook import SessionRunHook, SessionRunValues

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


class MergedRun:
    """The merged arguments of one run.

    Attributes:
        fetches: the caller's fetches alone, or ``[caller, hook_a, hook_b, ...]`` for the
            hooks that asked for fetches.
        feed_dict: the caller's dict, or a new dict with the hooks' feeds added.
        options: None, the caller's options, or a new merged ``RunOptions``.
    """

    __slots__ = ("fetches", "feed_dict", "options", "idle", "_slots", "_n_hooks")

    def __init__(self, fetches: Any, feed_dict: dict | None, options: Any,
                 slots: list[int] | None, n_hooks: int, idle: bool):
        self.fetches = fetches
        self.feed_dict = feed_dict
        self.options = options
        self.idle = idle
        self._slots = slots
        self._n_hooks = n_hooks

    def split(self, out: Any, run_metadata: Any) -> tuple[Any, list]:
        """``(caller_result, [SessionRunValues of hook i])`` from the run's output."""
        if self.idle:
            return out, [IDLE_VALUES] * self._n_hooks
        opts = self.options if self.options is not None else RunOptions()
        slots = self._slots
        if slots is None:
            return out, [SessionRunValues(None, opts, run_metadata)] * self._n_hooks
        return out[0], [SessionRunValues(None if s < 0 else out[s], opts, run_metadata)
                        for s in slots]


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


def merge(graph: Graph, hooks: list, requests: list, fetches: Any, feed_dict: dict | None,
          options: Any, run_metadata: Any = None, trace: bool = False) -> MergedRun:
    """Merges the caller's arguments with the hooks' requests.

    Args:
        graph: the session's graph (to resolve feed keys given as names).
        hooks: the hooks of this run (for error messages).
        requests: ``before_run`` results, one per hook (``SessionRunArgs`` or None).
        fetches, feed_dict, options, run_metadata: the caller's arguments.
        trace: force ``FULL_TRACE`` (used by hook timing).

    Raises:
        RuntimeError: if two hooks, or a hook and the caller, feed the same tensor.
        TypeError: if a hook's ``before_run`` returned something else than
            ``SessionRunArgs`` or None.
    """
    if options is None and run_metadata is None and not trace and not any(requests):
        return MergedRun(fetches, feed_dict, None, None, len(requests), True)
    slots: list[int] | None = None
    flat: list | None = None
    hook_opts = []
    for i, req in enumerate(requests):
        if req is None:
            continue
        if not hasattr(req, "fetches"):
            raise TypeError(f"{_hook_name(hooks, i)}.before_run must return SessionRunArgs "
                            f"or None, got {type(req).__name__}.")
        if req.fetches is not None:
            if flat is None:
                flat = [fetches]
                slots = [-1] * len(requests)
            slots[i] = len(flat)
            flat.append(req.fetches)
        if req.options is not None:
            hook_opts.append(req.options)
    feeds = _merge_feeds(graph, hooks, requests, feed_dict)
    opts = options
    if hook_opts or trace:
        opts = RunOptions()
        for o in ([options] if options is not None else []) + hook_opts:
            opts.MergeFrom(o)
        if trace:
            opts.trace_level = RunOptions.FULL_TRACE
    return MergedRun(fetches if flat is None else flat, feeds, opts, slots, len(requests),
                     False)


__all__ = ["MergedRun", "merge"]
