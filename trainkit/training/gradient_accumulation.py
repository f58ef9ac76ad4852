"""Gradient accumulation: one optimizer update per N backward passes.

``GradientAccumulationOptimizer(opt, steps=N)`` (what PyTorch Lightning calls
``accumulate_grad_batches``; TF1 never had it) adds each run's gradients into
accumulator variables and counts the runs; every N-th run a ``cond`` branch applies the
accumulated gradients (their mean with ``average=True``, the default) through the
wrapped optimizer, then zeroes the accumulators and the counter. A large batch that
does not fit in memory so becomes N small ones with the same update (for a loss that is
a mean over the batch, and ``average=True``: the mean of N equal-sized batch means is
the big batch's mean, up to float rounding).

- The global step counts **updates**, as Lightning's ``global_step`` does: it advances
  only on the runs that apply (the wrapped optimizer increments it there). Horovod's
  ``backward_passes_per_step`` (``trainkit.distributed``) counts passes instead, as
  Horovod does; both use the mechanism here.
- The accumulators and the counter are global, non-trainable variables
  (``<name>/accumulator/<variable>``, ``<name>/accumulated_passes``): a checkpoint taken
  between two updates holds the partial sums, so a resumed run continues exactly.
- The wrapped optimizer's slots are made when the graph is built, outside the ``cond``
  (``Optimizer.create_slots``), so they initialise like any variable.
- ``IndexedSlices`` gradients (embeddings) are added densely; ``None`` gradients leave
  their variable alone.

Example:
    >>> opt = tk.train.GradientAccumulationOptimizer(tk.train.AdamOptimizer(1e-3), 4)
    >>> train_op = opt.minimize(loss, global_step=tk.train.get_or_create_global_step())
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph_keys import GraphKeys
from trainkit.training.optimizer import Optimizer


def accumulation_variables(graph: Any, var_list: list, scope: str, collections: list,
                           cache: dict, counter_name: str, accumulator_name: str
                           ) -> tuple[Any, list]:
    """The pass counter (int32) and one zero-initialised accumulator per variable of
    ``var_list``, made once per graph under ``scope`` (outside any ``cond`` or control
    dependency, so their initializers always run) in ``collections``; kept in ``cache``
    (``(graph, variable name) -> accumulator``, ``(graph, ":counter") -> counter``) for
    later calls."""
    from trainkit.ops import array_ops, variables

    with graph.control_dependencies(None), graph.gated(()), graph.name_scope(None):
        with graph.name_scope(f"{scope}/"):
            key = (graph, ":counter")   # no op name holds a colon
            if key not in cache:
                cache[key] = variables.Variable(
                    array_ops.zeros([], dtype=_dt.int32), trainable=False,
                    collections=collections, name=counter_name)
            accs = []
            for v in var_list:
                key = (graph, v.op.name)
                if key not in cache:
                    cache[key] = variables.Variable(
                        array_ops.zeros(v.get_shape().as_list(), dtype=v.dtype.base_dtype),
                        trainable=False, collections=collections,
                        name=f"{accumulator_name}/{v.op.name}")
                accs.append(cache[key])
    return cache[(graph, ":counter")], accs


def accumulate_or_apply(graph: Any, grads: list, accumulators: list, counter: Any,
                        passes: int, apply: Callable[[list], Any],
                        skip: Callable[[], Any]) -> Any:
    """The op that adds ``grads`` into ``accumulators`` and counts the pass; on the
    ``passes``-th pass it runs ``apply(accumulated values)`` (an op) and then zeroes the
    accumulators and the counter, on the others ``skip()`` (an op). Returns the ``cond``
    output."""
    from trainkit.ops import array_ops, control_flow_ops, math_ops, state_ops

    adds = [state_ops.assign_add(a, conversion.convert_to_tensor(g)).op
            for a, g in zip(accumulators, grads)]
    with graph.control_dependencies(adds):
        count = state_ops.assign_add(counter, 1)
    ready = math_ops.equal(count, passes)

    def apply_branch() -> Any:
        with graph.control_dependencies([count]):
            sums = [array_ops.identity(a) for a in accumulators]
        update = apply(sums)
        with graph.control_dependencies([update]):
            resets = [state_ops.assign(a, array_ops.zeros_like(a)).op for a in accumulators]
            resets.append(state_ops.assign(counter, 0).op)
        return control_flow_ops.group(*resets)

    return control_flow_ops.cond(ready, apply_branch, skip)


def aggregated_apply(optimizer: Optimizer, live: list, global_step: Any, passes: int,
                     scope: str, collections: list, cache: dict, names: tuple[str, str],
                     prepare: Callable[[list], list], skip: Callable[[], Any],
                     name: str) -> Any:
    """The train op of a wrapper that applies ``optimizer`` once per ``passes`` runs:
    ``optimizer``'s slots made up front, the counter and accumulators of
    :func:`accumulation_variables` (``names``: counter, accumulator scope), and
    :func:`accumulate_or_apply` applying ``prepare(sums)`` to the ``live`` pairs'
    variables; the ``cond`` replaces the gated update in ``TRAIN_OP``."""
    graph = live[0][1].op.graph
    var_list = [v for _, v in live]
    with graph.as_default():
        with graph.control_dependencies(None), graph.gated(()), graph.name_scope(None):
            optimizer.create_slots(var_list)
        counter, accs = accumulation_variables(graph, var_list, scope, collections, cache,
                                               *names)

        def apply(sums: list) -> Any:
            update = optimizer.apply_gradients(list(zip(prepare(sums), var_list)),
                                               global_step=global_step)
            train_ops = graph.get_collection_ref(GraphKeys.TRAIN_OP)
            if update in train_ops:   # a gated op; the cond is the train op
                train_ops.remove(update)
            return update

        with graph.name_scope(name):
            train_op = accumulate_or_apply(graph, [g for g, _ in live], accs, counter,
                                           passes, apply, skip)
        graph.add_to_collection(GraphKeys.TRAIN_OP, train_op)
    return train_op


class GradientAccumulationOptimizer(Optimizer):
    """Applies ``optimizer``'s update once every ``steps`` runs, with the gradients of
    those runs summed (averaged with ``average``); see the module doc.

    Args:
        optimizer: a ``tk.train`` optimizer.
        steps: backward passes per update (``1``: every run updates, as ``optimizer``).
        average: divide the summed gradients by ``steps`` before applying them.
        name: the scope of the accumulators (default ``GradientAccumulation``).

    Raises:
        TypeError: if ``optimizer`` is not a ``tk.train`` optimizer.
        ValueError: if ``steps`` is not a positive int.
    """

    def __init__(self, optimizer: Any, steps: int, average: bool = True,
                 name: str | None = None):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"GradientAccumulationOptimizer wraps a tk.train optimizer, got "
                            f"{type(optimizer).__name__}.")
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise ValueError(f"steps must be a positive int, got {steps!r}.")
        super().__init__(use_locking=False, name=name or "GradientAccumulation")
        self._optimizer = optimizer
        self._steps = steps
        self._average = bool(average)
        self._cache: dict[Any, Any] = {}

    @property
    def steps(self) -> int:
        """Backward passes per update."""
        return self._steps

    def compute_gradients(self, *args: Any, **kwargs: Any) -> list:
        """The wrapped optimizer's gradients of this run."""
        return self._optimizer.compute_gradients(*args, **kwargs)

    def apply_gradients(self, grads_and_vars: Any, global_step: Any = None,
                        name: str | None = None) -> Any:
        """The accumulate-or-apply op (see the module doc); with ``steps=1`` the wrapped
        optimizer's own ``apply_gradients``.

        Raises:
            TypeError, ValueError: as ``Optimizer.apply_gradients`` for bad pairs.
        """
        pairs = self._check_pairs(grads_and_vars)
        live = [(g, v) for g, v in pairs if g is not None]
        if self._steps == 1 or not live:
            return self._optimizer.apply_gradients(pairs, global_step=global_step, name=name)
        from trainkit.ops import control_flow_ops

        def mean(sums: list) -> list:
            return [x / float(self._steps) for x in sums] if self._average else sums

        return aggregated_apply(self._optimizer, live, global_step, self._steps, self._name,
                                [GraphKeys.GLOBAL_VARIABLES], self._cache,
                                ("accumulated_passes", "accumulator"), mean,
                                control_flow_ops.no_op, name or f"{self._name}_apply")

    def get_slot(self, *args: Any, **kwargs: Any) -> Any:
        """The wrapped optimizer's ``get_slot``."""
        return self._optimizer.get_slot(*args, **kwargs)

    def get_slot_names(self, *args: Any, **kwargs: Any) -> list[str]:
        """The wrapped optimizer's ``get_slot_names``."""
        return self._optimizer.get_slot_names(*args, **kwargs)

    def variables(self) -> list:
        """The wrapped optimizer's variables and this one's accumulators and counter."""
        from trainkit.framework.default_graph import get_default_graph

        g = get_default_graph()
        own = [v for (graph, _), v in self._cache.items() if graph is g]
        return sorted(self._optimizer.variables() + own, key=lambda v: v.op.name)


__all__ = ["GradientAccumulationOptimizer", "accumulate_or_apply", "accumulation_variables",
           "aggregated_apply"]
