"""Fast handling of a run's fetch structure: its cache key, and a rebuild function
compiled once per structure.

``Session.run`` caches a compiled run per fetch structure. Monitored sessions put every
hook's fetches into that one structure (``[caller_fetches, hook0_fetches, ...]``), so
keying it and rebuilding it from the flat results happen on every step; both are done
here without the general recursive walk of :mod:`trainkit.nest`, with results equal to
``nest.structure_key`` / ``nest.pack_sequence_as``.

Example:
    >>> pack = compile_packer([a, {"y": b, "x": c}])
    >>> pack(["A", "C", "B"])   # leaves in nest.flatten order (dict keys sorted)
    ['A', {'y': 'B', 'x': 'C'}]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from trainkit import nest
from trainkit.framework.tensor import Operation, Tensor

LEAF_TYPES = (Tensor, Operation, str)


def fetch_key(x: Any) -> Any:
    """A hashable key of ``x``'s nesting and leaves, equal to ``nest.structure_key(x)``
    (fast paths for leaves, lists, tuples and plain dicts)."""
    t = type(x)
    if t in LEAF_TYPES:
        return x
    if t is list or t is tuple:
        return (t, tuple([v if type(v) in LEAF_TYPES else fetch_key(v) for v in x]))
    if t is dict:
        return (dict, tuple(x),
                tuple([v if type(v) in LEAF_TYPES else fetch_key(v) for v in x.values()]))
    return nest.structure_key(x)


def compile_packer(structure: Any) -> Callable[[list], Any]:
    """A function ``pack(flat)`` equal to ``nest.pack_sequence_as(structure, flat)`` for
    every structure with the same key as ``structure`` (same types, keys and nesting)."""
    counter = [0]
    node = _compile(structure, counter)
    if isinstance(node, int):
        return lambda flat: flat[node]
    return node


def _compile(x: Any, counter: list[int]) -> Any:
    """An int (the leaf's position in the flat list) or a function of the flat list."""
    if not nest.is_nested(x):
        counter[0] += 1
        return counter[0] - 1
    if isinstance(x, Mapping):
        keys = nest.sorted_keys(x)
        by_key = {k: _compile(x[k], counter) for k in keys}
        items = [(k, by_key[k]) for k in x]  # rebuilt in the mapping's own key order
        if all(isinstance(c, int) for _, c in items):
            if type(x) is dict:
                return lambda flat: {k: flat[i] for k, i in items}
            return _rebuild_mapping(type(x), [(k, _leaf(c)) for k, c in items])
        return _rebuild_mapping(type(x), [(k, _as_fn(c)) for k, c in items])
    children = [_compile(c, counter) for c in x]
    if nest.is_namedtuple(x):
        fns = [_as_fn(c) for c in children]
        cls = type(x)
        return lambda flat: cls(*[f(flat) for f in fns])
    if all(isinstance(c, int) for c in children):
        idx = children
        if type(x) is list:
            return lambda flat: [flat[i] for i in idx]
        if type(x) is tuple:
            return lambda flat: tuple([flat[i] for i in idx])
        cls = type(x)
        return lambda flat: cls([flat[i] for i in idx])
    fns = [_as_fn(c) for c in children]
    if type(x) is list:
        return lambda flat: [f(flat) for f in fns]
    if type(x) is tuple:
        return lambda flat: tuple([f(flat) for f in fns])
    cls = type(x)
    return lambda flat: cls([f(flat) for f in fns])


def _leaf(i: int) -> Callable[[list], Any]:
    return lambda flat: flat[i]


def _as_fn(node: Any) -> Callable[[list], Any]:
    return _leaf(node) if isinstance(node, int) else node


def _rebuild_mapping(cls: type, items: list) -> Callable[[list], Any]:
    def pack(flat: list) -> Any:
        pairs = [(k, f(flat)) for k, f in items]
        try:
            return cls(pairs)
        except TypeError:
            return dict(pairs)

    return pack


__all__ = ["fetch_key", "compile_packer", "LEAF_TYPES"]
