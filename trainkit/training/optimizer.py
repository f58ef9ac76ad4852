"""``Optimizer``: the TF1 base class — gradients, slots and one update rule per variable.

A subclass declares its slots (``_create_slots``), turns its hyperparameters into tensors
(``_prepare``) and builds one fused update op per variable (``_apply_dense``); optionally
it adds a finishing op (``_finish``, e.g. Adam's ``beta1_power`` update). The base class
does the rest: computing gradients, validating ``(gradient, variable)`` pairs, creating
slot variables named ``<var>/<OptimizerName>`` (non-trainable, in GLOBAL_VARIABLES, so
checkpoints hold them) and incrementing the global step after all updates.

Example:
    >>> opt = GradientDescentOptimizer(0.1)
    >>> train_op = opt.minimize(loss, global_step=tk.train.get_or_create_global_step())
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.autodiff.gradients import gradients
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.framework.indexed_slices import IndexedSlices
from trainkit.framework.tensor import Operation, Tensor

_VALID_DTYPES = (_dt.float16, _dt.float32, _dt.float64)


def _is_variable(v: Any) -> bool:
    return isinstance(getattr(v, "op", None), Operation) and hasattr(v, "initializer")


def _var_key(v: Any) -> Operation:
    return v.op


def _call_if_callable(v: Any) -> Any:
    return v() if callable(v) else v


def _group(update_ops: list, name: str) -> Operation:
    from trainkit.ops import control_flow_ops

    return control_flow_ops.group(*update_ops, name=name)


class Optimizer:
    """Base class of the optimizers (``tf.compat.v1.train.Optimizer``).

    Subclasses implement ``_create_slots(var_list)``, ``_prepare()`` and
    ``_apply_dense(grad, var) -> Operation``; ``_finish(update_ops, name_scope)`` may add
    ops that run after all the per-variable updates.
    """

    GATE_NONE = 0
    GATE_OP = 1
    GATE_GRAPH = 2

    def __init__(self, use_locking: bool, name: str):
        """Args:
            use_locking: accepted for compatibility (kernels run one at a time).
            name: the name scope of the update ops and the suffix of slot names.

        Raises:
            ValueError: if ``name`` is empty.
        """
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        self._slots: dict[str, dict[Operation, Any]] = {}
        self._non_slot_dict: dict[tuple[str, Any], Any] = {}
        self._outer_name_scope = ""

    def get_name(self) -> str:
        return self._name

    # -- gradients --------------------------------------------------------------------
    def compute_gradients(self, loss: Any, var_list: Any = None,
                          gate_gradients: int = GATE_OP, aggregation_method: Any = None,
                          colocate_gradients_with_ops: bool = False,
                          grad_loss: Any = None) -> list[tuple[Tensor | None, Any]]:
        """``[(gradient, variable)]`` of ``loss`` for ``var_list`` (default: trainables).

        Raises:
            ValueError: for an invalid ``gate_gradients``, no variables, or a loss or a
                variable with a gradient that is not floating point (an integer variable
                gets ``None``, as in TF1).
            TypeError: if ``loss`` is callable (eager-only in TF).
        """
        if callable(loss):
            raise TypeError("compute_gradients: a callable loss is only supported in eager "
                            "mode; pass the loss tensor.")
        if gate_gradients not in (self.GATE_NONE, self.GATE_OP, self.GATE_GRAPH):
            raise ValueError(f"gate_gradients must be one of: Optimizer.GATE_NONE, "
                             f"Optimizer.GATE_OP, Optimizer.GATE_GRAPH. Not {gate_gradients}")
        loss = conversion.convert_to_tensor(loss)
        self._assert_valid_dtypes([loss])
        if var_list is None:
            g = loss.graph
            var_list = (g.get_collection(GraphKeys.TRAINABLE_VARIABLES)
                        + g.get_collection(GraphKeys.TRAINABLE_RESOURCE_VARIABLES))
        else:
            var_list = list(var_list)
        if not var_list:
            raise ValueError("No variables to optimize.")
        for v in var_list:
            if not _is_variable(v):
                from trainkit.ops.partitioned_variables import is_partitioned

                hint = " (pass its shards: list(v))" if is_partitioned(v) else ""
                raise TypeError(f"compute_gradients: var_list must hold Variables, got "
                                f"{v!r}{hint}.")
        grads = gradients(loss, var_list, grad_ys=grad_loss,
                          gate_gradients=gate_gradients == self.GATE_OP,
                          aggregation_method=aggregation_method,
                          colocate_gradients_with_ops=colocate_gradients_with_ops)
        # TF1 checks only the variables that got a gradient: an integer counter among the
        # trainable variables (``batch = tf.Variable(0)`` as a global step) gets None.
        self._assert_valid_dtypes([v for g, v in zip(grads, var_list) if g is not None])
        return list(zip(grads, var_list))

    def _assert_valid_dtypes(self, tensors: list) -> None:
        for t in tensors:
            dt = t.dtype.base_dtype
            if dt not in _VALID_DTYPES:
                raise ValueError(f"Invalid type {dt.name} for {t.name}, expected: "
                                 f"{[d.name for d in _VALID_DTYPES]}.")

    # -- updates -----------------------------------------------------------------------
    def apply_gradients(self, grads_and_vars: Any, global_step: Any = None,
                        name: str | None = None) -> Operation:
        """Builds the op applying the gradients; it increments ``global_step`` by one after
        every variable update ran.

        Raises:
            TypeError: if an entry is not a ``(gradient, Variable)`` pair or a gradient is
                not convertible to a Tensor.
            ValueError: if ``grads_and_vars`` is empty or every gradient is None.
        """
        pairs = self._check_pairs(grads_and_vars)
        var_list = [v for g, v in pairs if g is not None]
        if not var_list:
            raise ValueError(f"No gradients provided for any variable: "
                             f"{[_var_name(v) for _, v in pairs]}.")
        graph = var_list[0].op.graph
        with graph.as_default():
            # TF1 makes the non-slot variables (Adam's beta1_power, ...) under the caller's
            # name scope (init_scope keeps it): OptimizeLoss/beta1_power.
            self._outer_name_scope = graph.get_name_scope()
            with graph.control_dependencies(None), graph.name_scope(None):
                self._create_slots(var_list)
            update_ops = []
            with graph.name_scope(name or self._name) as scope:
                self._prepare()
                for g, v in pairs:
                    if g is None:
                        continue
                    # TF colocates every op of an update with its variable
                    with graph.name_scope("update_" + v.op.name), graph.colocate_with(v):
                        if isinstance(g, IndexedSlices):
                            update_ops.append(self._apply_sparse_duplicate_indices(g, v))
                        else:
                            update_ops.append(self._apply_dense(g, v))
                if global_step is None:
                    apply_updates = self._finish(update_ops, scope)
                else:
                    with graph.control_dependencies([self._finish(update_ops, "update")]):
                        apply_updates = _increment(global_step, scope)
            train_ops = graph.get_collection_ref(GraphKeys.TRAIN_OP)
            if apply_updates not in train_ops:
                train_ops.append(apply_updates)
        return apply_updates

    def _check_pairs(self, grads_and_vars: Any) -> list[tuple[Tensor | None, Any]]:
        try:
            pairs = list(grads_and_vars)
        except TypeError:
            raise TypeError(f"grads_and_vars must be an iterable of (gradient, variable) "
                            f"pairs, got {grads_and_vars!r}.") from None
        if not pairs:
            raise ValueError("No variables provided.")
        out = []
        for i, p in enumerate(pairs):
            if not isinstance(p, list | tuple) or len(p) != 2:
                raise TypeError(f"grads_and_vars[{i}] must be a (gradient, variable) pair, "
                                f"got {p!r}.")
            g, v = p
            if not _is_variable(v):
                raise TypeError(f"grads_and_vars[{i}]: {v!r} is not a Variable.")
            if g is not None and not isinstance(g, IndexedSlices):
                try:
                    g = conversion.convert_to_tensor(g)
                except (TypeError, ValueError):
                    raise TypeError(f"Gradient must be convertible to a Tensor or None: "
                                    f"{g!r} (for {_var_name(v)}).") from None
            out.append((g, v))
        return out

    def minimize(self, loss: Any, global_step: Any = None, var_list: Any = None,
                 gate_gradients: int = GATE_OP, aggregation_method: Any = None,
                 colocate_gradients_with_ops: bool = False, name: str | None = None,
                 grad_loss: Any = None) -> Operation:
        """``compute_gradients`` then ``apply_gradients``.

        Raises:
            ValueError: if no variable receives a gradient (names the variables and loss).
        """
        gvs = self.compute_gradients(
            loss, var_list=var_list, gate_gradients=gate_gradients,
            aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops, grad_loss=grad_loss)
        if not [v for g, v in gvs if g is not None]:
            raise ValueError(
                "No gradients provided for any variable, check your graph for ops that do "
                f"not support gradients, between variables {[_var_name(v) for _, v in gvs]}"
                f" and loss {loss!r}.")
        return self.apply_gradients(gvs, global_step=global_step, name=name)

    # -- slots -------------------------------------------------------------------------
    def get_slot_names(self) -> list[str]:
        """The names of the slots this optimizer creates, sorted (e.g. ``['m', 'v']``)."""
        return sorted(self._slots)

    def get_slot(self, var: Any, name: str) -> Any:
        """The slot variable ``name`` of ``var``, or None."""
        return self._slots.get(name, {}).get(_var_key(var))

    def variables(self) -> list:
        """Slot and non-slot variables of this optimizer in the default graph, by name."""
        g = get_default_graph()
        out = [v for d in self._slots.values() for v in d.values() if v.op.graph is g]
        out += [v for (_, vg), v in self._non_slot_dict.items() if vg is g]
        return sorted(out, key=lambda v: v.op.name)

    def _slot_dict(self, slot_name: str) -> dict[Operation, Any]:
        return self._slots.setdefault(slot_name, {})

    def _make_slot(self, var: Any, slot_name: str, init: Callable[[], Any]) -> Any:
        slots = self._slot_dict(slot_name)
        key = _var_key(var)
        if key not in slots:
            from trainkit.ops import variables
            from trainkit.ops.partitioned_variables import slice_like_primary
            from trainkit.ops.variable_scope import get_variable_scope

            # TF1's slot_creator names a slot in the current variable scope:
            # OptimizeLoss/fc/weights/Adam when made inside variable_scope("OptimizeLoss").
            outer = get_variable_scope().name
            name = f"{outer}/{var.op.name}" if outer else var.op.name
            # As TF's slot_creator: the slot lives beside its variable (colocated), and
            # its initial value is built as a variable initializer (``<slot>/Initializer``)
            with var.op.graph.colocate_with(var):
                slot = slots[key] = variables.Variable(init, trainable=False,
                                                       name=f"{name}/{self._name}")
            slice_like_primary(var, slot)  # a shard's slot: a slice of ``emb/Adam``
        return slots[key]

    def _zeros_slot(self, var: Any, slot_name: str) -> Any:
        from trainkit.ops import array_ops

        return self._make_slot(var, slot_name,
                               lambda: array_ops.zeros(_static_shape(var), dtype=_base(var)))

    def _const_slot(self, var: Any, slot_name: str, value: float) -> Any:
        from trainkit.ops import array_ops

        return self._make_slot(
            var, slot_name,
            lambda: array_ops.fill(_static_shape(var),
                                   conversion.convert_to_tensor(value, dtype=_base(var))))

    def _create_non_slot_variable(self, initial_value: float, name: str, colocate_with: Any
                                  ) -> Any:
        graph = colocate_with.op.graph
        key = (name, graph)
        v = self._non_slot_dict.get(key)
        if v is None:
            from trainkit.ops import variables

            outer = self._outer_name_scope
            with graph.name_scope(outer + "/" if outer else None), \
                    graph.colocate_with(colocate_with):
                # converted inside the variable's scope: <name>/initial_value, as TF
                v = self._non_slot_dict[key] = variables.Variable(
                    initial_value, dtype=_base(colocate_with), trainable=False, name=name)
        return v

    def _get_non_slot_variable(self, name: str, graph: Any = None) -> Any:
        return self._non_slot_dict.get((name, graph or get_default_graph()))

    def create_slots(self, var_list: list) -> None:
        """Creates the slot variables of ``var_list`` now, before ``apply_gradients`` (a
        trainkit extension, for wrappers that apply inside a ``cond``: slots made there
        would initialize only when the branch runs). Creating them twice is harmless."""
        self._create_slots(var_list)

    # -- hooks for subclasses -------------------------------------------------------------
    def _create_slots(self, var_list: list) -> None:
        """Creates the slot variables of ``var_list`` (none by default)."""

    def _prepare(self) -> None:
        """Converts hyperparameters to tensors before the updates are built."""

    def _apply_dense(self, grad: Tensor, var: Any) -> Operation:
        raise NotImplementedError(f"{type(self).__name__} must implement _apply_dense.")

    def _apply_sparse_duplicate_indices(self, grad: IndexedSlices, var: Any) -> Operation:
        """Applies a sparse gradient whose indices may repeat. The built-in sparse kernels
        sum repeated rows themselves (TF1 deduplicates in the graph: the same numbers)."""
        return self._apply_sparse(grad, var)

    def _apply_sparse(self, grad: IndexedSlices, var: Any) -> Operation:
        """Applies an ``IndexedSlices`` gradient. Default: densify and ``_apply_dense``
        (every built-in optimizer overrides this with TF1's sparse rule)."""
        return self._apply_dense(conversion.convert_to_tensor(grad), var)

    def _finish(self, update_ops: list, name_scope: str) -> Operation:
        """Groups the updates (subclasses may add ops that run after them)."""
        return _group(update_ops, name_scope)


def _increment(global_step: Any, scope: str) -> Operation:
    from trainkit.ops import state_ops

    with get_default_graph().colocate_with(global_step):  # as TF: beside the global step
        r = state_ops.assign_add(global_step, 1, name=scope)
    return r.op if isinstance(r, Tensor) else r


def _base(var: Any) -> _dt.DType:
    return var.dtype.base_dtype


def _static_shape(var: Any) -> list[int]:
    shape = var.get_shape()
    if not shape.is_fully_defined():
        raise ValueError(f"Cannot create an optimizer slot for {var.op.name}: its shape "
                         f"{shape} is not fully defined.")
    return shape.as_list()


def _var_name(v: Any) -> str:
    return getattr(getattr(v, "op", None), "name", repr(v))


__all__ = ["Optimizer"]
