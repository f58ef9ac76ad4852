"""Ops that run a whole dataset inside one ``Session.run``: ``Dataset.reduce`` and
``tf.data.experimental.get_single_element``.

Each op builds the dataset's pipeline afresh from its input values when it runs (as an
iterator's initializer does) and reads it to the end, so every run sees the dataset
from its first element. ``reduce_func`` is traced once into graph ops and run per
element as a compiled plan, like a ``map`` function.

Example:
    >>> total = tf.data.Dataset.range(5).reduce(np.int64(0), lambda s, x: s + x)  # 10
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit import errors, nest
from trainkit.client import executor
from trainkit.data.build_env import BuildEnv
from trainkit.data.captures import captured_placeholders, check_new_state, trace_with_state
from trainkit.framework import registry
from trainkit.framework.graph import get_default_graph


def _pipeline(ctx: registry.KernelContext, dataset: Any, values: list) -> Any:
    env = BuildEnv(dict(zip(dataset._inputs, values)), ctx.session, ctx.state)
    return dataset._build(env), env


def reduce(dataset: Any, initial_state: Any, reduce_func: Callable[[Any, Any], Any]) -> Any:
    """``reduce_func(state, element)`` folded over the elements from ``initial_state``;
    the final state, with ``initial_state``'s structure (``Dataset.reduce``).

    Raises:
        TypeError: ``reduce_func`` returns another structure or other dtypes than
            ``initial_state``.
    """
    graph = get_default_graph()
    init, phs, new = trace_with_state(dataset, initial_state, reduce_func, "reduce")
    outs = check_new_state(initial_state, init, new, "`reduce_func`")
    held = [t for t in captured_placeholders(outs, phs) if t not in dataset._inputs]
    shapes = [t.shape.most_specific_compatible_shape(o.shape) for t, o in zip(init, outs)]
    n_in = len(dataset._inputs)
    op = graph.create_op(
        "ReduceDataset", list(dataset._inputs) + init + held, [t.dtype for t in init],
        name="ReduceDataset",
        attrs={"dataset": dataset, "inputs": n_in, "state": len(init), "phs": phs,
               "outs": outs, "held": held},
        shapes=shapes)
    return nest.pack_sequence_as(initial_state, list(op.outputs))


@registry.register_kernel("ReduceDataset", stateful=True)
def _reduce_kernel(ctx: registry.KernelContext, *values: Any) -> Any:
    a = ctx.attrs
    n_in, n_state = a["inputs"], a["state"]
    stage, env = _pipeline(ctx, a["dataset"], list(values[:n_in]))
    state = tuple(np.asarray(v) for v in values[n_in:n_in + n_state])
    fixed = tuple(values[n_in + n_state:])
    plan = executor.compile_plan(a["outs"], [], a["phs"] + a["held"], env.state,
                                 env.session)
    dtypes = [o.dtype.np_dtype for o in a["outs"]]
    while True:
        try:
            el = stage.next()
        except StopIteration:
            break
        out = plan.execute(state + tuple(el) + fixed)
        state = tuple(np.asarray(v, dtype=d) for v, d in zip(out, dtypes))
    return state[0] if n_state == 1 else state


def get_single_element(dataset: Any) -> Any:
    """The one element of ``dataset``, as tensors with its structure; running them
    raises ``InvalidArgumentError`` when the dataset is empty or has more elements."""
    graph = get_default_graph()
    op = graph.create_op(
        "DatasetToSingleElement", list(dataset._inputs), [dt for dt, _ in dataset._specs],
        name="DatasetToSingleElement", attrs={"dataset": dataset},
        shapes=[s for _, s in dataset._specs])
    return dataset._element_from(list(op.outputs))


@registry.register_kernel("DatasetToSingleElement", stateful=True)
def _single_element_kernel(ctx: registry.KernelContext, *values: Any) -> Any:
    stage, _ = _pipeline(ctx, ctx.attrs["dataset"], list(values))
    try:
        el = stage.next()
    except StopIteration:
        raise errors.InvalidArgumentError(None, None, "Dataset was empty.") from None
    try:
        stage.next()
    except StopIteration:
        return el[0] if len(el) == 1 else el
    raise errors.InvalidArgumentError(None, None, "Dataset had more than one element.")


registry.not_differentiable("ReduceDataset", "DatasetToSingleElement")

__all__ = ["reduce", "get_single_element"]
