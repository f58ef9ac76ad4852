"""The thread-local default-graph stack and the module-level graph API that acts on the
default graph (``tk.get_default_graph``, ``tk.name_scope``, ``tk.add_to_collection``, ...).

Each thread has its own stack of ``with g.as_default()`` graphs; without one, every
thread shares one global default graph (as in TF1).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

from trainkit.framework.tensor import Operation, Tensor

# A graph here is a ``trainkit.framework.graph.Graph``; this module does not import it
# (graph.py imports this one), so annotations say ``Any`` and new graphs come from the
# factory graph.py installs when it is imported.
_Graph = Any
_graph_factory: Callable[[], Any] | None = None


def set_graph_factory(factory: Callable[[], Any]) -> None:
    """Installs the callable that makes a new, empty default graph (``Graph``)."""
    global _graph_factory
    _graph_factory = factory


def _new_graph() -> Any:
    if _graph_factory is None:
        raise RuntimeError("trainkit.framework.graph must be imported before graphs exist")
    return _graph_factory()


class _DefaultGraphStack(threading.local):
    def __init__(self) -> None:
        self.stack: list[_Graph] = []

    @contextlib.contextmanager
    def get_controller(self, graph: _Graph) -> Iterator[_Graph]:
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


def get_default_graph() -> _Graph:
    """The innermost graph of this thread's ``as_default`` stack, else the global graph."""
    s = default_graph_stack.stack
    if s:
        return s[-1]
    global _global_default_graph
    if _global_default_graph is None:
        with _global_lock:
            if _global_default_graph is None:
                _global_default_graph = _new_graph()
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
    global _global_default_graph
    _global_default_graph = _new_graph()


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


def device(device_name_or_function: Any) -> contextlib.AbstractContextManager[None]:
    """``tf.device``: ops created inside record this device (see ``Graph.device``)."""
    return get_default_graph().device(device_name_or_function)


def colocate_with(op: Any, ignore_existing: bool = False
                  ) -> contextlib.AbstractContextManager[None]:
    """``tf.colocate_with``: ops created inside take the colocation groups and device of
    ``op`` (see ``Graph.colocate_with``)."""
    return get_default_graph().colocate_with(op, ignore_existing)


@contextlib.contextmanager
def container(container_name: str) -> Any:
    """Accepted for compatibility (``tf.container``): trainkit has no resource
    containers."""
    yield


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
    "get_collection", "get_collection_ref", "colocate_with", "container",
]
