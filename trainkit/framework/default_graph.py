"""The thread-local default-graph stack and the module-level graph API that acts on the
default graph (``tk.get_default_graph``, ``tk.name_scope``, ``tk.add_to_collection``, ...).

Each thread has its own stack of ``with g.as_default()`` graphs; without one, every
thread shares one global default graph (as in TF1).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from trainkit.framework.tensor import Operation, Tensor

if TYPE_CHECKING:
    from trainkit.framework.graph import Graph


class _DefaultGraphStack(threading.local):
    def __init__(self) -> None:
        self.stack: list[Graph] = []

    @contextlib.contextmanager
    def get_controller(self, graph: Graph) -> Iterator[Graph]:
        self.stack.append(graph)
        try:
            yield graph
        finally:
            if self.stack and self.stack[-1] is graph:
                self.stack.pop()
            elif graph in self.stack:
                self.stack.remove(graph)


default_graph_stack = _DefaultGraphStack()
_global_default_graph: Any = None
_global_lock = threading.Lock()


def get_default_graph() -> Graph:
    """The innermost graph of this thread's ``as_default`` stack, else the global graph."""
    s = default_graph_stack.stack
    if s:
        return s[-1]
    global _global_default_graph
    if _global_default_graph is None:
        with _global_lock:
            if _global_default_graph is None:
                from trainkit.framework.graph import Graph

                _global_default_graph = Graph()
    return _global_default_graph


def reset_default_graph() -> None:
    """Replaces the global default graph with a new, empty one.

    Raises:
        AssertionError: if called inside a ``with g.as_default()`` block or while an
            ``InteractiveSession`` is open (TF's "nested graphs" error).
    """
    if default_graph_stack.stack:
        raise AssertionError(
            "Do not use tf.reset_default_graph() to clear nested graphs. If you need a "
            "cleared graph, exit the nesting and create a new graph.")
    from trainkit.framework.graph import Graph

    global _global_default_graph
    _global_default_graph = Graph()


def get_name_scope() -> str:
    return get_default_graph().get_name_scope()


def name_scope(name: str | None, default_name: str | None = None, values: Any = None
               ) -> contextlib.AbstractContextManager[str]:
    """``tf.compat.v1.name_scope``: opens ``name`` (or ``default_name``) in the graph of
    ``values`` or the default graph."""
    n = name if name is not None else default_name
    g = None
    for v in values or ():
        if isinstance(v, Tensor | Operation):
            g = v.graph
            break
    return (g or get_default_graph()).name_scope(n)


def control_dependencies(control_inputs: Any) -> contextlib.AbstractContextManager[None]:
    return get_default_graph().control_dependencies(control_inputs)


def device(name: Any) -> contextlib.AbstractContextManager[None]:
    return get_default_graph().device(name)


def add_to_collection(name: str, value: Any) -> None:
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names: Any, value: Any) -> None:
    get_default_graph().add_to_collections(names, value)


def get_collection(key: str, scope: str | None = None) -> list:
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key: str) -> list:
    return get_default_graph().get_collection_ref(key)


__all__ = [
    "get_default_graph", "reset_default_graph", "name_scope", "get_name_scope",
    "control_dependencies", "device", "add_to_collection", "add_to_collections",
    "get_collection", "get_collection_ref",
]
