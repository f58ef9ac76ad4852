"""The global step: a non-trainable int64 scalar variable counting training steps, and the
read of it that hooks fetch beside the train op.

The read hooks fetch (:func:`global_step_read`) is an *aliasing* read (an ``Identity`` of
the variable). The executor copies aliased variable values when the run ends, so fetched
beside a train op that increments the step it always returns the value **after** the
increment. Hooks rely on this instead of re-running the session.

Differs from TF: in TF this read is unordered with the increment and sees either value
(about 5% of runs see the stale one); hooks there re-read the step. Here the value is
defined: the post-increment step.

Example:
    >>> gs = get_or_create_global_step()
    >>> train_op = gs.assign_add(1)
    >>> read = global_step_read()
    >>> sess.run([train_op, read])[1]          # doctest: +SKIP
    1
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import dtypes
from trainkit.framework.graph import Graph, GraphKeys, get_default_graph
from trainkit.framework.tensor import Tensor

GLOBAL_STEP_READ_KEY = "global_step_read_op_cache"


def _graph(graph: Graph | None) -> Graph:
    return get_default_graph() if graph is None else graph


def _base_dtype(t: Any) -> Any:
    dt = getattr(t, "dtype", None)
    return getattr(dt, "base_dtype", dt)


def assert_global_step(global_step_tensor: Any) -> None:
    """Checks that ``global_step_tensor`` is an integer scalar variable or tensor.

    Raises:
        TypeError: if it is not a Variable/Tensor, or not an integer scalar.
    """
    if not (isinstance(global_step_tensor, Tensor)
            or hasattr(global_step_tensor, "_as_graph_element")):
        raise TypeError(f"Existing 'global_step' must be a Variable or Tensor: "
                        f"{global_step_tensor!r}.")
    dt = _base_dtype(global_step_tensor)
    if dt is None or not dtypes.as_dtype(dt).is_integer:
        raise TypeError(f"Existing 'global_step' does not have integer type: {dt}")
    shape = global_step_tensor.get_shape()
    if shape.ndims != 0 and shape.is_fully_defined():
        raise TypeError(f"Existing 'global_step' is not scalar: {shape}")


def get_global_step(graph: Graph | None = None) -> Any:
    """The global step variable of ``graph`` (default graph), or None if there is none.

    It is the single item of the ``GLOBAL_STEP`` collection or, failing that, the tensor
    named ``global_step:0``.

    Raises:
        TypeError: if the collection holds several items or the step is not an integer
            scalar.
    """
    g = _graph(graph)
    items = g.get_collection(GraphKeys.GLOBAL_STEP)
    if len(items) > 1:
        raise TypeError("Multiple tensors in global_step collection.")
    if items:
        gs = items[0]
    else:
        try:
            gs = g.get_tensor_by_name("global_step:0")
        except (KeyError, ValueError):
            return None
    assert_global_step(gs)
    return gs


def create_global_step(graph: Graph | None = None) -> Any:
    """Creates the global step: int64 scalar ``global_step``, initialized to 0, not
    trainable, in the ``GLOBAL_VARIABLES`` and ``GLOBAL_STEP`` collections.

    Raises:
        ValueError: if the graph already has a global step.
    """
    from trainkit.ops import array_ops, variables

    g = _graph(graph)
    if get_global_step(g) is not None:
        raise ValueError('"global_step" already exists.')
    with g.as_default(), g.name_scope(None), g.control_dependencies(None):
        # built by an initializer, as TF's get_variable does: global_step/Initializer/zeros
        return variables.Variable(
            lambda: array_ops.zeros([], dtype=dtypes.int64), trainable=False,
            name="global_step", dtype=dtypes.int64,
            collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP])


def get_or_create_global_step(graph: Graph | None = None) -> Any:
    """The existing global step of ``graph``, or a new one (see
    :func:`create_global_step`)."""
    g = _graph(graph)
    gs = get_global_step(g)
    return gs if gs is not None else create_global_step(g)


def global_step(sess: Any, global_step_tensor: Any) -> int:
    """The current value of ``global_step_tensor`` in ``sess``, as a Python int."""
    return int(sess.run(global_step_tensor))


def global_step_read(graph: Graph | None = None) -> Tensor | None:
    """The cached read of the global step that hooks fetch, or None without a step.

    Built once per graph (``<step op name>/hook_read``) as an ``Identity`` of the variable,
    outside any control-dependency context. Fetched in the same run as a train op that
    increments the step, it returns the post-increment value (see the module docstring).
    """
    g = _graph(graph)
    cached = g.get_collection(GLOBAL_STEP_READ_KEY)
    if cached:
        return cached[0]
    gs = get_global_step(g)
    if gs is None:
        return None
    from trainkit.ops import array_ops

    scope = gs.op.name + "/"
    with g.as_default(), g.name_scope(scope), g.control_dependencies(None):
        read = array_ops.identity(gs, name="hook_read")
    g.add_to_collection(GLOBAL_STEP_READ_KEY, read)
    return read


# TF's private name, used by TF-era hooks.
_get_or_create_global_step_read = global_step_read

__all__ = ["get_global_step", "create_global_step", "get_or_create_global_step",
           "global_step", "assert_global_step", "global_step_read"]
