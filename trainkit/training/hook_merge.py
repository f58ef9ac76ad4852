"""Merging the caller's run arguments with the hooks' ``SessionRunArgs`` into one
``Session.run`` call, and slicing the results back per hook.

The common step, where no hook asks for anything, passes the caller's arguments through
untouched, so it costs a plain ``Session.run``. Steps where hooks fetch run one cached
``make_callable`` over the unique leaves of all fetches.

Example:
    >>> merger = Merger(graph)
    >>> merged = merger.merge(sess, hooks, requests, fetches, feed_dict, options)
    >>> caller_result, hook_values = merged.run(sess, run_metadata)
"""

from __future__ import annotations

import itertools
from typing import Any

from trainkit import nest
from trainkit.client.run_metadata import RunMetadata, RunOptions
from trainkit.framework.graph import Graph
from trainkit.framework.tensor import Operation, Tensor
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


class _Layout:
    """How one merged fetch structure maps onto a flat list of unique leaves: a cached
    ``make_callable`` over those leaves plus, per part, a leaf position or a template."""

    __slots__ = ("call", "feed_keys", "parts")

    def __init__(self, sess: Any, parts: list, feed_keys: tuple):
        leaves: list = []
        where: dict = {}
        self.parts = []
        for structure in parts:
            if not nest.is_nested(structure):
                self.parts.append((_LEAF, _position(structure, leaves, where)))
            elif type(structure) is dict and not any(map(nest.is_nested,
                                                         structure.values())):
                # The common hook request {name: tensor}: rebuilt directly.
                self.parts.append((_FLAT_DICT, [(k, _position(v, leaves, where))
                                                for k, v in structure.items()]))
            else:
                self.parts.append((structure, [_position(x, leaves, where)
                                               for x in nest.flatten(structure)]))
        self.feed_keys = feed_keys
        self.call = sess.make_callable(leaves, list(feed_keys) or None, accept_options=True)

    def unpack(self, flat: list) -> list:
        out = []
        for template, pos in self.parts:
            if template is _LEAF:
                out.append(flat[pos])
            elif template is _FLAT_DICT:
                out.append({k: flat[p] for k, p in pos})
            else:
                out.append(nest.pack_sequence_as(template, [flat[p] for p in pos]))
        return out


_LEAF = object()
_FLAT_DICT = object()
_IDLE_FOREVER = itertools.repeat(IDLE_VALUES)  # zip() with the hooks stops it


def _position(leaf: Any, leaves: list, where: dict) -> int:
    pos = where.get(leaf)
    if pos is None:
        pos = where[leaf] = len(leaves)
        leaves.append(leaf)
    return pos


def _leaf_key(x: Any) -> Any:
    # Graph elements key by identity (cheap to hash); a cached layout keeps them alive,
    # so an id in a cached key is never reused by another object.
    return x if type(x) is str else id(x)


def _structure_key(x: Any) -> Any:
    t = type(x)
    if t in _PLAIN_LEAVES:
        return _leaf_key(x)
    if t is dict and all(type(v) in _PLAIN_LEAVES for v in x.values()):
        return (dict, tuple(x), tuple([_leaf_key(v) for v in x.values()]))
    if (t is list or t is tuple) and all(type(v) in _PLAIN_LEAVES for v in x):
        return (t, tuple([_leaf_key(v) for v in x]))
    if not nest.is_nested(x):
        return ("leaf", x)
    return ("nested", nest.structure_key(x))


_PLAIN_LEAVES = (Tensor, Operation, str)


class MergedRun:
    """One run's merged arguments; :meth:`run` executes it and slices the results.

    Attributes:
        idle: True when no hook asked for anything and the caller passed no options or
            run_metadata: the caller's call runs untouched.
        options: the options the run uses (None, the caller's, or a merged copy).
    """

    __slots__ = ("idle", "options", "_fetches", "_feed_dict", "_slots", "_n", "_layout")

    def __init__(self, n_hooks: int, fetches: Any, feed_dict: dict | None, options: Any,
                 slots: list[int] | None = None, layout: _Layout | None = None,
                 idle: bool = False):
        self.idle = idle
        self.options = options
        self._fetches = fetches
        self._feed_dict = feed_dict
        self._slots = slots
        self._n = n_hooks
        self._layout = layout

    def run(self, sess: Any, fetches: Any, feed_dict: dict | None,
            run_metadata: Any) -> tuple[Any, Any]:
        """Runs; returns ``(caller_result, SessionRunValues of each hook)``. ``fetches``
        and ``feed_dict`` are the caller's (used by the idle run)."""
        if self.idle:
            return sess.run(fetches, feed_dict), _IDLE_FOREVER
        opts = self.options if self.options is not None else RunOptions()
        layout = self._layout
        if layout is not None:
            feeds = self._feed_dict
            flat = layout.call(*[feeds[k] for k in layout.feed_keys], options=self.options,
                               run_metadata=run_metadata)
            out = layout.unpack(flat)
        else:
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
    """Merges runs for one monitored session, caching a flat callable per merged fetch
    structure so repeated steps skip nested-structure handling in ``Session.run``."""

    _MAX_CACHED = 256

    def __init__(self, graph: Graph):
        self._graph = graph
        self._session: Any = None
        self._layouts: dict = {}

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
        return MergedRun(n, parts, feeds, opts, slots, self._layout(sess, parts, feeds))

    def _layout(self, sess: Any, parts: list, feeds: dict | None) -> _Layout | None:
        if sess is not self._session:
            self._session, self._layouts = sess, {}
        feed_keys = tuple(feeds) if feeds else ()
        try:
            key = (tuple([_structure_key(p) for p in parts]), feed_keys)
            layout = self._layouts.get(key)
        except TypeError:  # unhashable leaves: no cache, plain Session.run
            return None
        if layout is None:
            if len(self._layouts) >= self._MAX_CACHED:
                self._layouts.clear()
            layout = self._layouts[key] = _Layout(sess, parts, feed_keys)
        return layout


__all__ = ["Merger", "MergedRun", "roles", "IDLE_VALUES"]
