"""A graph's named collections (``tf.GraphKeys`` lists such as trainable variables and
summaries) and its side tables: the ``Graph`` methods that keep lists and dicts by name.

Example:
    >>> from trainkit.framework.graph import Graph
    >>> g = Graph()
    >>> g.add_to_collection("losses", 1.0)
    >>> g.get_collection("losses")
    [1.0]
"""

from __future__ import annotations

import re
from typing import Any


class GraphCollections:
    """The collection and side-table methods of ``Graph`` (its base class; adding to a
    collection asks ``Graph._check_not_finalized`` first)."""

    def __init__(self) -> None:
        self._collections: dict[str, list] = {}
        self._side_tables: dict[str, dict] = {}

    # -- collections -----------------------------------------------------------------
    def side_table(self, name: str) -> dict:
        """The dict ``name`` that lives and dies with this graph: per-graph bookkeeping of
        a library built on the graph (Keras's layer history, for one). Unlike a
        module-level map keyed by graph or tensor, what is kept here does not keep the
        graph alive. A trainkit extension; never exported."""
        return self._side_tables.setdefault(name, {})

    def add_to_collection(self, name: str, value: Any) -> None:
        self._check_not_finalized()
        self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names: Any, value: Any) -> None:
        names = (names,) if isinstance(names, str) else set(names)
        for n in names:
            self.add_to_collection(n, value)

    def get_collection_ref(self, name: str) -> list:
        """The live list behind collection ``name`` (created if missing)."""
        return self._collections.setdefault(name, [])

    def get_collection(self, name: str, scope: str | None = None) -> list:
        """A copy of collection ``name``, filtered to items whose ``name`` matches the
        ``scope`` regex from the start when given."""
        items = self._collections.get(name, [])
        if scope is None:
            return list(items)
        pat = re.compile(scope)
        return [v for v in items if getattr(v, "name", None) is not None
                and pat.match(v.name)]

    def get_all_collection_keys(self) -> list[str]:
        return [k for k, v in self._collections.items() if v]

    def clear_collection(self, name: str) -> None:
        self._collections.pop(name, None)


__all__ = ["GraphCollections"]
