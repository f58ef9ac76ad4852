"""``DistributedOptimizer``: wraps an optimizer so its gradients are averaged over ranks.

``compute_gradients`` asks the wrapped optimizer for ``(gradient, variable)`` pairs and
reduces all dense gradients in ONE fused ``TkMpiAllreduce`` op (one MPI call per dtype
per step, ``num_groups`` > 0 splits them into that many); ``IndexedSlices`` gradients are
allgathered (or densified first with ``sparse_as_dense``); None gradients stay None.
Everything else (``apply_gradients``, slots, ``variables``) is the wrapped optimizer's.

With ``backward_passes_per_step=N`` > 1 (Horovod's local gradient aggregation, on the
mechanism of ``training/gradient_accumulation.py``),
``compute_gradients`` returns the LOCAL gradients and ``apply_gradients`` adds them into
accumulator variables (``<name>/aggregation/...``, not trainable, LOCAL_VARIABLES) and
counts the pass; every N-th run a ``cond`` branch allreduces the accumulated gradients
(divided by N first with ``average_aggregated_gradients``), applies them with the wrapped
optimizer and zeroes accumulators and counter. The counter is equal on every rank, so
all ranks take the same branch and the allreduce runs only on apply runs, everywhere.
The other runs only increment ``global_step`` (when given), as Horovod's
``LocalGradientAggregationHelper`` does: the global step counts backward passes. (Horovod
increments the graph's global step even when ``apply_gradients`` got none; here only the
``global_step`` passed in is touched.)

Example:
    >>> opt = hvd.DistributedOptimizer(tf.train.AdamOptimizer(0.001 * hvd.size()))
    >>> train_op = opt.minimize(loss, global_step=tf.train.get_or_create_global_step())
"""

from __future__ import annotations

from typing import Any

from trainkit.distributed import mpi_ops as mo
from trainkit.distributed.functions import Compression, allreduce, is_indexed_slices
from trainkit.distributed.process_sets import set_id_of, set_rank, set_size
from trainkit.framework import conversion
from trainkit.framework.graph_keys import GraphKeys
from trainkit.training.gradient_accumulation import aggregated_apply
from trainkit.training.optimizer import Optimizer


class _DistributedOptimizer(Optimizer):
    """The optimizer ``DistributedOptimizer`` returns (see there)."""

    def __init__(self, optimizer: Any, name: str | None, use_locking: bool,
                 compression: Any, sparse_as_dense: bool, op: str,
                 gradient_predivide_factor: float, num_groups: int,
                 backward_passes_per_step: int = 1,
                 average_aggregated_gradients: bool = False, process_set: Any = None,
                 set_id: int = 0):
        super().__init__(use_locking=use_locking,
                         name=name or f"Distributed{type(optimizer).__name__}")
        self._optimizer = optimizer
        self._compression = compression
        self._sparse_as_dense = sparse_as_dense
        self._op = op
        self._num_groups = num_groups
        self._passes = backward_passes_per_step
        self._average_aggregated = average_aggregated_gradients
        self._set_id = set_id
        self._process_set = process_set
        self._aggregation: dict[Any, Any] = {}  # accumulators and pass counter per graph
        if op == mo.Average:  # split the averaging around the sum, as Horovod does
            self._prescale, self._postscale = 1.0 / gradient_predivide_factor, \
                gradient_predivide_factor
        else:
            self._prescale = self._postscale = 1.0

    def compute_gradients(self, *args: Any, **kwargs: Any) -> list:
        """The wrapped optimizer's gradients, reduced over all ranks (see module doc)."""
        pairs = self._optimizer.compute_gradients(*args, **kwargs)
        if not self._reduces() or self._passes > 1:  # aggregated: reduced when applied
            return pairs
        grads = [g for g, _ in pairs]
        return list(zip(self.allreduce_grads(grads), [v for _, v in pairs]))

    def _reduces(self) -> bool:
        """Whether gradients are reduced: the process set has more than one rank and
        this rank is in it (Horovod's ``_allreduce_cond``: otherwise they pass as they
        are)."""
        return set_size(self._set_id) > 1 and set_rank(self._set_id) >= 0

    def allreduce_grads(self, grads: list) -> list:
        """Reduces a list of gradients (None entries stay None) in fused groups."""
        out: list[Any] = list(grads)
        dense: list[tuple[int, Any, Any]] = []
        for i, g in enumerate(grads):
            if g is None:
                continue
            if is_indexed_slices(g):
                if not self._sparse_as_dense:
                    out[i] = allreduce(g, op=self._op, name=f"{self._name}_Allgather_{i}",
                                       process_set=self._process_set)
                    continue
                g = conversion.convert_to_tensor(g)
            c, ctx = self._compression.compress(conversion.convert_to_tensor(g))
            dense.append((i, c, ctx))
        groups = _split(dense, self._num_groups)
        for k, group in enumerate(groups):
            suffix = "" if len(groups) == 1 else f"_{k}"
            reduced = mo.fused_allreduce([c for _, c, _ in group], self._op, self._prescale,
                                         self._postscale,
                                         name=f"{self._name}_Allreduce{suffix}",
                                         process_set_id=self._set_id)
            for (i, _, ctx), r in zip(group, reduced):
                out[i] = self._compression.decompress(r, ctx)
        return out

    def apply_gradients(self, grads_and_vars: Any, global_step: Any = None,
                        name: str | None = None) -> Any:
        """The wrapped optimizer's ``apply_gradients``; with ``backward_passes_per_step``
        > 1 the accumulate-or-apply op of the module doc."""
        if self._passes == 1:
            return self._optimizer.apply_gradients(grads_and_vars, global_step=global_step,
                                                   name=name)
        return self._aggregate_and_apply(list(grads_and_vars), global_step, name)

    def _aggregate_and_apply(self, pairs: list, global_step: Any, name: str | None) -> Any:
        from trainkit.ops import control_flow_ops, state_ops

        live = [(g, v) for g, v in pairs if g is not None]
        if not live:
            return self._optimizer.apply_gradients(pairs, global_step=global_step)

        def prepare(grads: list) -> list:
            if self._average_aggregated:
                grads = [g / float(self._passes) for g in grads]
            return self.allreduce_grads(grads) if self._reduces() else grads

        def skip() -> Any:   # Horovod's global step counts backward passes
            if global_step is None:
                return control_flow_ops.no_op()
            return state_ops.assign_add(global_step, 1).op

        return aggregated_apply(self._optimizer, live, global_step, self._passes, self._name,
                                [GraphKeys.LOCAL_VARIABLES], self._aggregation,
                                ("aggregation_counter", "aggregation"), prepare, skip,
                                name or f"{self._name}_aggregate")

    def get_slot(self, *args: Any, **kwargs: Any) -> Any:
        """The wrapped optimizer's ``get_slot``."""
        return self._optimizer.get_slot(*args, **kwargs)

    def get_slot_names(self, *args: Any, **kwargs: Any) -> list[str]:
        """The wrapped optimizer's ``get_slot_names``."""
        return self._optimizer.get_slot_names(*args, **kwargs)

    def variables(self, *args: Any, **kwargs: Any) -> list:
        """The wrapped optimizer's ``variables``."""
        return self._optimizer.variables(*args, **kwargs)


def _split(items: list, num_groups: int) -> list[list]:
    if not items:
        return []
    if num_groups <= 0 or num_groups >= len(items):
        return [items] if num_groups <= 0 else [[x] for x in items]
    size, extra = divmod(len(items), num_groups)
    groups, start = [], 0
    for k in range(num_groups):
        end = start + size + (1 if k < extra else 0)
        groups.append(items[start:end])
        start = end
    return groups


def DistributedOptimizer(  # noqa: N802 - Horovod's public name
        optimizer: Any, name: str | None = None, use_locking: bool = False,
        device_dense: str = "", device_sparse: str = "", compression: Any = Compression.none,
        sparse_as_dense: bool = False, backward_passes_per_step: int = 1,
        op: Any = mo.Average, gradient_predivide_factor: float = 1.0,
        average_aggregated_gradients: bool = False, num_groups: int = 0,
        groups: Any = None, process_set: Any = None) -> _DistributedOptimizer:
    """Wraps ``optimizer`` so ``compute_gradients`` reduces the gradients over all ranks.

    Args:
        optimizer: a ``tf.compat.v1.train.Optimizer``.
        name: the wrapper's name (default ``Distributed<OptimizerClass>``).
        use_locking, device_dense, device_sparse: accepted (one CPU device).
        compression: ``Compression.none`` or ``Compression.fp16`` for the wire.
        sparse_as_dense: densify IndexedSlices gradients before reducing them.
        backward_passes_per_step: N > 1 accumulates N runs' local gradients and reduces
            and applies them every N-th run (module doc).
        op: ``Average`` (default) or ``Sum`` (also ``Min``/``Max``/``Product``).
        gradient_predivide_factor: with ``Average``, divide by this before the sum and
            by ``size / factor`` after (Horovod's split of the average).
        average_aggregated_gradients: with N > 1, apply the mean of the N passes' gradients
            instead of their sum.
        num_groups: 0 = all gradients in one fused op; k > 0 = k fused ops.
        groups: Horovod's alias of ``num_groups`` when an int.
        process_set: reduce over a registered ``ProcessSet`` (default: all ranks); on
            ranks outside it the gradients pass unreduced, as in Horovod.

    Raises:
        TypeError: if ``optimizer`` is not a TF1 optimizer.
        ValueError: for a bad ``op``, ``gradient_predivide_factor`` with an op other than
            Average, or a negative ``num_groups``.
        NotImplementedError: for ``Adasum``.
    """
    del device_dense, device_sparse
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"DistributedOptimizer wraps a tf.compat.v1.train.Optimizer, got "
                        f"{optimizer!r}.")
    op = mo.check_reduce_op(op)
    if gradient_predivide_factor != 1.0 and op != mo.Average:
        raise ValueError("gradient_predivide_factor not supported with op != Average")
    if not isinstance(backward_passes_per_step, int) or backward_passes_per_step < 1:
        raise ValueError(f"backward_passes_per_step must be an int >= 1, got "
                         f"{backward_passes_per_step!r}.")
    if isinstance(groups, int):
        num_groups = groups
    elif groups is not None:
        raise NotImplementedError("groups as lists of variables is not implemented; pass "
                                  "num_groups=k.")
    if not isinstance(num_groups, int) or num_groups < 0:
        raise ValueError(f"num_groups must be an int >= 0, got {num_groups!r}.")
    set_id = set_id_of(process_set, "DistributedOptimizer")
    opt = _DistributedOptimizer(optimizer, name, use_locking, compression, sparse_as_dense,
                                op, float(gradient_predivide_factor), num_groups,
                                backward_passes_per_step, bool(average_aggregated_gradients),
                                process_set, set_id)
    return opt


__all__ = ["DistributedOptimizer"]
