"""``VariableClippingOptimizer`` (TF 1.15 ``tf.contrib.opt``): after the wrapped
optimizer's update, clip chosen variables to an L2 norm along chosen dimensions
(``tf.clip_by_norm``), e.g. every embedding row to norm 1. This clips the variables, not
the gradients.

Example:
    >>> opt = VariableClippingOptimizer(tk.train.AdagradOptimizer(0.1),
    ...                                 {embeddings: [1]}, max_norm=1.0)
    >>> train_op = opt.minimize(loss)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework.graph import get_default_graph
from trainkit.framework.indexed_slices import IndexedSlices
from trainkit.framework.tensor import Operation
from trainkit.ops import array_extras, control_flow_ops, scatter_ops, slicing_ops, state_ops
from trainkit.training.clip_ops import clip_by_norm
from trainkit.training.optimizer import Optimizer


class VariableClippingOptimizer(Optimizer):
    """Delegates gradients and updates to ``opt``, then clips the variables of
    ``vars_to_clip_dims``: ``var -= var - clip_by_norm(var, max_norm, dims)``. For a
    sparse gradient only the gradient's rows are clipped (unless the dimensions include
    0: then the whole variable, as in TF).

    Differs from TF: with repeated indices in a sparse gradient each row is clipped once
    (TF 1.15 subtracts the row's excess once per repetition).
    """

    def __init__(self, opt: Optimizer, vars_to_clip_dims: dict, max_norm: Any,
                 use_locking: bool = False, colocate_clip_ops_with_vars: bool = False,
                 name: str = "VariableClipping"):
        """Args:
            opt: the optimizer computing and applying the gradients.
            vars_to_clip_dims: dict variable -> list of dimensions of the L2 norm.
            max_norm: the norm to clip to, for all the variables.
            use_locking: accepted for compatibility.
            colocate_clip_ops_with_vars: accepted for compatibility (one device).
            name: the name scope of the clip ops.

        Raises:
            TypeError: if ``opt`` is not an ``Optimizer`` or ``vars_to_clip_dims`` is not
                a dict of variables to dimension lists.
        """
        if not isinstance(opt, Optimizer):
            raise TypeError(f"VariableClippingOptimizer: opt must be a tf.train.Optimizer, "
                            f"got {opt!r}.")
        if not isinstance(vars_to_clip_dims, dict):
            raise TypeError(f"vars_to_clip_dims must be a dict variable -> dims, got "
                            f"{vars_to_clip_dims!r}.")
        del colocate_clip_ops_with_vars
        super().__init__(use_locking, name)
        self._opt = opt
        self._clip_dims = {}
        for var, dims in vars_to_clip_dims.items():
            if not hasattr(var, "op") or not isinstance(dims, list | tuple):
                raise TypeError(f"vars_to_clip_dims must map variables to lists of "
                                f"dimensions, got {var!r}: {dims!r}.")
            self._clip_dims[var.op] = list(dims)
        self._max_norm = max_norm

    def compute_gradients(self, *args: Any, **kwargs: Any) -> list:
        """The wrapped optimizer's ``compute_gradients``."""
        return self._opt.compute_gradients(*args, **kwargs)

    def get_slot(self, var: Any, name: str) -> Any:
        """The wrapped optimizer's slot."""
        return self._opt.get_slot(var, name)

    def get_slot_names(self) -> list[str]:
        """The wrapped optimizer's slot names."""
        return self._opt.get_slot_names()

    def apply_gradients(self, grads_and_vars: Any, global_step: Any = None,
                        name: str | None = None) -> Operation:
        """The wrapped update, then the clips (ordered after it)."""
        grads_and_vars = list(grads_and_vars)
        graph = get_default_graph()
        with graph.name_scope(name or self._name) as scope:
            update_op = self._opt.apply_gradients(grads_and_vars, global_step=global_step)
            clips = []
            with graph.control_dependencies([update_op]):
                for grad, var in grads_and_vars:
                    if grad is None or var.op not in self._clip_dims:
                        continue
                    with graph.name_scope("clip_" + var.op.name):
                        if isinstance(grad, IndexedSlices):
                            clips.append(self._clip_sparse(grad, var))
                        else:
                            clips.append(self._clip_dense(var))
            return control_flow_ops.group(update_op, *clips, name=scope)

    def _clip_dense(self, var: Any) -> Any:
        value = var.read_value()
        delta = value - clip_by_norm(value, self._max_norm, self._clip_dims[var.op])
        return state_ops.assign_sub(var, delta)

    def _clip_sparse(self, grad: IndexedSlices, var: Any) -> Any:
        dims = self._clip_dims[var.op]
        if 0 in dims:
            return self._clip_dense(var)
        rows, _ = array_extras.unique(grad.indices)
        subset = slicing_ops.gather(var, rows)
        delta = subset - clip_by_norm(subset, self._max_norm, dims)
        return scatter_ops.scatter_sub(var, rows, delta)


__all__ = ["VariableClippingOptimizer"]
