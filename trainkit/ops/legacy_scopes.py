"""TF1's older scope helpers: ``init_scope`` (build outside control dependencies, cond
branches and loop bodies), ``op_scope`` and ``variable_op_scope`` (the deprecated
argument orders of ``name_scope`` and ``variable_scope``).

Example:
    >>> with tk.init_scope():
    ...     counter = tk.Variable(0)   # not gated by an enclosing cond or dependency
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from trainkit.framework.graph import get_default_graph, name_scope
from trainkit.ops.variable_scope import variable_scope


@contextlib.contextmanager
def init_scope() -> Iterator[None]:
    """Ops created inside have no control dependencies and are outside any ``cond``
    branch or ``while_loop`` body being built; the name scope stays (TF1 graph mode)."""
    with get_default_graph().control_dependencies(None):
        yield


def op_scope(values: Any, name: str | None, default_name: str | None = None) -> Any:
    """``name_scope(name, default_name, values)`` (TF1's deprecated argument order)."""
    return name_scope(name, default_name, values)


def variable_op_scope(values: Any, name_or_scope: Any, default_name: str | None = None,
                      initializer: Any = None, regularizer: Any = None,
                      caching_device: Any = None, partitioner: Any = None,
                      custom_getter: Any = None, reuse: Any = None, dtype: Any = None,
                      use_resource: Any = None, constraint: Any = None) -> variable_scope:
    """``variable_scope(name_or_scope, default_name, values, ...)`` (TF1's deprecated
    argument order)."""
    return variable_scope(name_or_scope, default_name=default_name, values=values,
                          initializer=initializer, regularizer=regularizer,
                          caching_device=caching_device, partitioner=partitioner,
                          custom_getter=custom_getter, reuse=reuse, dtype=dtype,
                          use_resource=use_resource, constraint=constraint)


__all__ = ["init_scope", "op_scope", "variable_op_scope"]
