"""Decoupled weight decay (Loshchilov & Hutter, "Fixing Weight Decay Regularization in
Adam"): TF 1.15's ``DecoupledWeightDecayExtension``, ``extend_with_decoupled_weight_decay``,
``AdamWOptimizer`` and ``MomentumWOptimizer``.

Each step first shrinks every decayed variable, ``var -= weight_decay * var`` (only the
gradient's rows for an ``IndexedSlices`` gradient), and then, ordered after it by a
control dependency, runs the base optimizer's update with the unchanged gradient. The
decay is not scaled by the learning rate: decay a schedule yourself, e.g.
``weight_decay=lambda: 1e-4 * schedule``. Since the decay comes first, the extension
suits optimizers whose update does not read the variable's value.

Example:
    >>> opt = AdamWOptimizer(weight_decay=1e-4, learning_rate=1e-3)
    >>> train_op = opt.minimize(loss, global_step=tk.train.get_or_create_global_step())
    >>> SGDW = extend_with_decoupled_weight_decay(tk.train.GradientDescentOptimizer)
"""

from __future__ import annotations

import warnings
from typing import Any

from trainkit.contrib.opt.hyper import cast_like, check_number, resolve
from trainkit.framework.graph import get_default_graph
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import (
    array_extras,
    control_flow_ops,
    math_ops,
    scatter_ops,
    slicing_ops,
    state_ops,
)
from trainkit.training.optimizer import Optimizer
from trainkit.training.optimizers import AdamOptimizer, MomentumOptimizer


class DecoupledWeightDecayExtension:
    """Mixin adding decoupled weight decay to an optimizer class; it must come first
    among the bases: ``class AdamW(DecoupledWeightDecayExtension, AdamOptimizer)``.

    ``minimize`` and ``apply_gradients`` take ``decay_var_list``: the variables to decay
    (default: every variable the call updates).

    Differs from TF: the decay waits for the variable's gradient (TF 1.15 leaves their
    order to the executor, so a gradient that reads the variable could see it decayed);
    a negative number ``weight_decay`` is a ``ValueError``.
    """

    def __init__(self, weight_decay: Any, *args: Any, **kwargs: Any):
        """Args:
            weight_decay: a float, a scalar tensor or a callable returning either: the
                fraction of each variable removed per step.
            *args: the base optimizer's arguments.
            **kwargs: the base optimizer's keyword arguments.

        Raises:
            TypeError: if ``weight_decay`` is not a number, a tensor or a callable.
            ValueError: if ``weight_decay`` is a negative number.
        """
        check_number("weight_decay", weight_decay, low=0.0)
        self._decay_var_list: set | None = None
        self._weight_decay = weight_decay
        self._weight_decay_tensor: Tensor | None = None
        super().__init__(*args, **kwargs)

    def minimize(self, loss: Any, global_step: Any = None, var_list: Any = None,
                 gate_gradients: int = Optimizer.GATE_OP, aggregation_method: Any = None,
                 colocate_gradients_with_ops: bool = False, name: str | None = None,
                 grad_loss: Any = None, decay_var_list: Any = None) -> Operation:
        """``Optimizer.minimize`` with ``decay_var_list``.

        As in TF 1.15, ``minimize`` reaches the update through ``apply_gradients``, whose
        own ``decay_var_list`` (None) replaces the one given here: every updated variable
        is decayed (a ``UserWarning`` says so). To decay only some variables, call
        ``compute_gradients`` and ``apply_gradients(..., decay_var_list=...)``.
        """
        if decay_var_list:
            warnings.warn("minimize(decay_var_list=...) decays every updated variable, as "
                          "TF 1.15's contrib.opt does; pass decay_var_list to "
                          "apply_gradients to decay only those.", UserWarning, stacklevel=2)
        return super().minimize(
            loss, global_step=global_step, var_list=var_list, gate_gradients=gate_gradients,
            aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops, name=name,
            grad_loss=grad_loss)

    def apply_gradients(self, grads_and_vars: Any, global_step: Any = None,
                        name: str | None = None, decay_var_list: Any = None) -> Operation:
        """``Optimizer.apply_gradients``, decaying the variables of ``decay_var_list``
        (all updated variables when it is None or empty) before their update."""
        self._decay_var_list = ({v.op for v in decay_var_list} if decay_var_list
                                else None)
        return super().apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def _prepare(self) -> None:
        self._weight_decay_tensor = resolve(self._weight_decay, name="weight_decay")
        super()._prepare()

    def _decays(self, var: Any) -> bool:
        return self._decay_var_list is None or var.op in self._decay_var_list

    def _decay_weights_op(self, var: Any, grad: Tensor) -> Any:
        if not self._decays(var):
            return control_flow_ops.no_op()
        with get_default_graph().control_dependencies([grad]):
            wd = cast_like(self._weight_decay_tensor, var)
            return state_ops.assign_sub(var, math_ops.multiply(wd, var),
                                        use_locking=self._use_locking)

    def _decay_weights_sparse_op(self, var: Any, grad: Any) -> Any:
        if not self._decays(var):
            return control_flow_ops.no_op()
        # TF 1.15 decays the rows of the deduplicated gradient: each row once
        with get_default_graph().control_dependencies([grad.values]):
            rows, _ = array_extras.unique(grad.indices)
            wd = cast_like(self._weight_decay_tensor, var)
            update = math_ops.multiply(-wd, slicing_ops.gather(var, rows))
            return scatter_ops.scatter_add(var, rows, update, use_locking=self._use_locking)

    def _apply_dense(self, grad: Tensor, var: Any) -> Operation:
        with get_default_graph().control_dependencies([self._decay_weights_op(var, grad)]):
            return super()._apply_dense(grad, var)

    def _apply_sparse(self, grad: Any, var: Any) -> Operation:
        with get_default_graph().control_dependencies(
                [self._decay_weights_sparse_op(var, grad)]):
            return super()._apply_sparse(grad, var)


def extend_with_decoupled_weight_decay(base_optimizer: type) -> type:
    """A subclass of ``base_optimizer`` with decoupled weight decay: its constructor
    takes ``weight_decay`` first, then the base optimizer's arguments, and its
    ``minimize`` / ``apply_gradients`` take ``decay_var_list``.

    ``extend_with_decoupled_weight_decay(tk.train.AdamOptimizer)`` behaves as
    ``AdamWOptimizer`` (with the default name ``"Adam"``).

    Raises:
        TypeError: if ``base_optimizer`` is not a subclass of ``tk.train.Optimizer``.
    """
    if not (isinstance(base_optimizer, type) and issubclass(base_optimizer, Optimizer)):
        raise TypeError(f"extend_with_decoupled_weight_decay: base_optimizer must be an "
                        f"Optimizer class (e.g. tf.train.AdamOptimizer), got "
                        f"{base_optimizer!r}.")

    class OptimizerWithDecoupledWeightDecay(DecoupledWeightDecayExtension, base_optimizer):
        """``base_optimizer`` with decoupled weight decay (see
        ``DecoupledWeightDecayExtension``)."""

    OptimizerWithDecoupledWeightDecay.__qualname__ = (
        f"extend_with_decoupled_weight_decay({base_optimizer.__name__})")
    return OptimizerWithDecoupledWeightDecay


class MomentumWOptimizer(DecoupledWeightDecayExtension, MomentumOptimizer):
    """SGDW: ``MomentumOptimizer`` with decoupled weight decay. Slot ``momentum``.

    Example:
        >>> opt = MomentumWOptimizer(1e-4, learning_rate=0.1, momentum=0.9)
    """

    def __init__(self, weight_decay: Any, learning_rate: Any, momentum: Any,
                 use_locking: bool = False, name: str = "MomentumW",
                 use_nesterov: bool = False):
        super().__init__(weight_decay, learning_rate=learning_rate, momentum=momentum,
                         use_locking=use_locking, name=name, use_nesterov=use_nesterov)


class AdamWOptimizer(DecoupledWeightDecayExtension, AdamOptimizer):
    """AdamW: ``AdamOptimizer`` with decoupled weight decay. Slots ``m``, ``v``
    (``var/AdamW``, ``var/AdamW_1``) and ``beta1_power`` / ``beta2_power``.

    Example:
        >>> opt = AdamWOptimizer(weight_decay=1e-4, learning_rate=1e-3)
    """

    def __init__(self, weight_decay: Any, learning_rate: Any = 0.001, beta1: Any = 0.9,
                 beta2: Any = 0.999, epsilon: Any = 1e-8, use_locking: bool = False,
                 name: str = "AdamW"):
        super().__init__(weight_decay, learning_rate=learning_rate, beta1=beta1,
                         beta2=beta2, epsilon=epsilon, use_locking=use_locking, name=name)


__all__ = ["DecoupledWeightDecayExtension", "extend_with_decoupled_weight_decay",
           "AdamWOptimizer", "MomentumWOptimizer"]
