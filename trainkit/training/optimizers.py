"""The TF1 optimizers: each is its slots plus one fused, in-place update kernel.

``GradientDescentOptimizer``, ``MomentumOptimizer`` (optionally Nesterov),
``AdamOptimizer``, ``AdagradOptimizer``, ``RMSPropOptimizer`` (momentum, centered) and
``AdadeltaOptimizer`` follow the update rules and defaults of ``tf.compat.v1.train``.
Learning rates and hyperparameters may be Python numbers, tensors or zero-argument
callables returning either.

Example:
    >>> opt = AdamOptimizer(1e-3)
    >>> train_op = opt.minimize(loss)
    >>> sorted(opt.get_slot_names())
    ['m', 'v']
"""

from __future__ import annotations

import numbers
from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Operation, Tensor
from trainkit.training.optimizer import Optimizer, _call_if_callable, _group
from trainkit.training.sparse_training_ops import apply_sparse_op
from trainkit.training.training_ops import apply_op


def _check_hyper(name: str, value: Any, low: float | None = None, high: float | None = None,
                 low_open: bool = False, high_open: bool = False) -> None:
    """Validates a Python-number hyperparameter (tensors and callables pass through)."""
    if isinstance(value, Tensor) or callable(value) or hasattr(value, "_as_graph_element"):
        return
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a number, a tensor or a callable, got {value!r}.")
    v = float(value)
    if low is not None and (v < low or (low_open and v == low)):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {value!r}.")
    if high is not None and (v > high or (high_open and v == high)):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high}, got {value!r}.")


class _HyperOptimizer(Optimizer):
    """Keeps hyperparameters and turns them into tensors of each variable's dtype once."""

    def __init__(self, use_locking: bool, name: str, **hyper: Any):
        super().__init__(use_locking, name)
        self._hyper_values = hyper
        self._hyper_tensors: dict[tuple[str, Any], Tensor] = {}

    def _prepare(self) -> None:
        self._hyper_tensors = {}
        self._resolved = {k: _call_if_callable(v) for k, v in self._hyper_values.items()}
        # As TF's _prepare: the float32 tensors are made here, in the optimizer's scope and
        # outside every update's colocation (``<name>/learning_rate``, on the worker).
        for name, value in self._resolved.items():
            if value is not None:
                self._hyper_of(name, _dt.float32)

    def _hyper(self, name: str, var: Any) -> Tensor:
        return self._hyper_of(name, var.dtype.base_dtype)

    def _hyper_of(self, name: str, dtype: Any) -> Tensor:
        key = (name, dtype)
        t = self._hyper_tensors.get(key)
        if t is None:
            value = self._resolved[name]
            if isinstance(value, Tensor) or hasattr(value, "_as_graph_element"):
                t = conversion.convert_to_tensor(value)
            else:
                t = conversion.convert_to_tensor(value, dtype=dtype, name=name)
            self._hyper_tensors[key] = t
        return t


class GradientDescentOptimizer(_HyperOptimizer):
    """``var -= learning_rate * grad``."""

    def __init__(self, learning_rate: Any, use_locking: bool = False,
                 name: str = "GradientDescent"):
        _check_hyper("learning_rate", learning_rate)
        super().__init__(use_locking, name, learning_rate=learning_rate)

    def _apply_dense(self, grad: Tensor, var: Any) -> Operation:
        return apply_op("ApplyGradientDescent", [var], [self._hyper("learning_rate", var)],
                        grad)

    def _apply_sparse(self, grad: Any, var: Any) -> Operation:
        return apply_sparse_op("SparseApplyGradientDescent", [var],
                               [self._hyper("learning_rate", var)], grad)


class MomentumOptimizer(_HyperOptimizer):
    """``accum = momentum * accum + grad; var -= lr * accum`` (Nesterov: ``var -= lr *
    grad + lr * momentum * accum``). Slot: ``momentum``."""

    def __init__(self, learning_rate: Any, momentum: Any, use_locking: bool = False,
                 name: str = "Momentum", use_nesterov: bool = False):
        _check_hyper("learning_rate", learning_rate)
        _check_hyper("momentum", momentum, low=0.0)
        super().__init__(use_locking, name, learning_rate=learning_rate, momentum=momentum)
        self._use_nesterov = bool(use_nesterov)

    def _create_slots(self, var_list: list) -> None:
        for v in var_list:
            self._zeros_slot(v, "momentum")

    def _apply_dense(self, grad: Tensor, var: Any) -> Operation:
        return apply_op("ApplyMomentum", [var, self.get_slot(var, "momentum")],
                        [self._hyper("learning_rate", var), self._hyper("momentum", var)],
                        grad, attrs={"use_nesterov": self._use_nesterov})

    def _apply_sparse(self, grad: Any, var: Any) -> Operation:
        return apply_sparse_op(
            "SparseApplyMomentum", [var, self.get_slot(var, "momentum")],
            [self._hyper("learning_rate", var), self._hyper("momentum", var)], grad,
            attrs={"use_nesterov": self._use_nesterov})


class AdamOptimizer(_HyperOptimizer):
    """Adam (Kingma & Ba), TF1 form: ``lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)``,
    ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g^2``, ``var -= lr_t m / (sqrt(v) +
    epsilon)``. Slots ``m`` and ``v``; non-slot variables ``beta1_power``, ``beta2_power``."""

    def __init__(self, learning_rate: Any = 0.001, beta1: Any = 0.9, beta2: Any = 0.999,
                 epsilon: Any = 1e-8, use_locking: bool = False, name: str = "Adam"):
        _check_hyper("learning_rate", learning_rate)
        _check_hyper("beta1", beta1, low=0.0, high=1.0, high_open=True)
        _check_hyper("beta2", beta2, low=0.0, high=1.0, high_open=True)
        _check_hyper("epsilon", epsilon, low=0.0)
        super().__init__(use_locking, name, learning_rate=learning_rate, beta1=beta1,
                         beta2=beta2, epsilon=epsilon)

    def _create_slots(self, var_list: list) -> None:
        first = min(var_list, key=lambda v: v.op.name)
        self._create_non_slot_variable(_call_if_callable(self._hyper_values["beta1"]),
                                       "beta1_power", first)
        self._create_non_slot_variable(_call_if_callable(self._hyper_values["beta2"]),
                                       "beta2_power", first)
        for v in var_list:      # m then v per variable, TF1's creation order
            self._zeros_slot(v, "m")
            self._zeros_slot(v, "v")

    def _get_beta_accumulators(self) -> tuple[Any, Any]:
        from trainkit.framework.graph import get_default_graph

        g = get_default_graph()
        return (self._get_non_slot_variable("beta1_power", g),
                self._get_non_slot_variable("beta2_power", g))

    def _adam_inputs(self, var: Any) -> tuple[list, list]:
        b1p, b2p = self._get_beta_accumulators()
        return ([var, self.get_slot(var, "m"), self.get_slot(var, "v")],
                [conversion.convert_to_tensor(b1p), conversion.convert_to_tensor(b2p),
                 self._hyper("learning_rate", var), self._hyper("beta1", var),
                 self._hyper("beta2", var), self._hyper("epsilon", var)])

    def _apply_dense(self, grad: Tensor, var: Any) -> Operation:
        return apply_op("ApplyAdam", *self._adam_inputs(var), grad)

    def _apply_sparse(self, grad: Any, var: Any) -> Operation:
        """TF1's sparse Adam: m and v decay on every row, the gradient is added to the
        looked-up rows, and every row of ``var`` moves by ``lr_t m / (sqrt(v) + eps)``."""
        return apply_sparse_op("SparseApplyAdam", *self._adam_inputs(var), grad)

    def _finish(self, update_ops: list, name_scope: str) -> Operation:
        from trainkit.framework.graph import get_default_graph
        from trainkit.ops import state_ops

        b1p, b2p = self._get_beta_accumulators()
        g = get_default_graph()
        beta1, beta2 = self._hyper("beta1", b1p), self._hyper("beta2", b2p)
        with g.control_dependencies(update_ops), g.colocate_with(b1p):  # TF colocates
            up1 = state_ops.assign(b1p, b1p * beta1)  # ``Adam/Assign``, as TF
            up2 = state_ops.assign(b2p, b2p * beta2)
        return _group(list(update_ops) + [up1, up2], name_scope)


class AdagradOptimizer(_HyperOptimizer):
    """``accum += g^2; var -= lr * g / sqrt(accum)``. Slot ``accumulator`` starts at
    ``initial_accumulator_value``."""

    def __init__(self, learning_rate: Any, initial_accumulator_value: float = 0.1,
                 use_locking: bool = False, name: str = "Adagrad"):
        _check_hyper("learning_rate", learning_rate)
        if not isinstance(initial_accumulator_value, numbers.Real) or \
                initial_accumulator_value <= 0.0:
            raise ValueError(f"initial_accumulator_value must be positive: "
                             f"{initial_accumulator_value!r}")
        super().__init__(use_locking, name, learning_rate=learning_rate)
        self._initial_accumulator_value = float(initial_accumulator_value)

    def _create_slots(self, var_list: list) -> None:
        for v in var_list:
            self._const_slot(v, "accumulator", self._initial_accumulator_value)

    def _apply_dense(self, grad: Tensor, var: Any) -> Operation:
        return apply_op("ApplyAdagrad", [var, self.get_slot(var, "accumulator")],
                        [self._hyper("learning_rate", var)], grad)

    def _apply_sparse(self, grad: Any, var: Any) -> Operation:
        return apply_sparse_op("SparseApplyAdagrad", [var, self.get_slot(var, "accumulator")],
                               [self._hyper("learning_rate", var)], grad)


class RMSPropOptimizer(_HyperOptimizer):
    """``ms = decay ms + (1 - decay) g^2``; ``mom = momentum mom + lr g / sqrt(ms +
    epsilon)``; ``var -= mom``. Centered: ``mg = decay mg + (1 - decay) g`` and the
    denominator becomes ``sqrt(ms - mg^2 + epsilon)``. Slots ``rms`` (starts at ones, as
    in TF1), ``momentum`` and, when centered, ``mg``."""

    def __init__(self, learning_rate: Any, decay: Any = 0.9, momentum: Any = 0.0,
                 epsilon: Any = 1e-10, use_locking: bool = False, centered: bool = False,
                 name: str = "RMSProp"):
        _check_hyper("learning_rate", learning_rate)
        _check_hyper("decay", decay, low=0.0, high=1.0)
        _check_hyper("momentum", momentum, low=0.0)
        _check_hyper("epsilon", epsilon, low=0.0)
        super().__init__(use_locking, name, learning_rate=learning_rate, decay=decay,
                         momentum=momentum, epsilon=epsilon)
        self._centered = bool(centered)

    def _create_slots(self, var_list: list) -> None:
        for v in var_list:
            self._const_slot(v, "rms", 1.0)
            if self._centered:
                self._zeros_slot(v, "mg")
            self._zeros_slot(v, "momentum")

    def _apply_dense(self, grad: Tensor, var: Any) -> Operation:
        return self._apply(apply_op, "Apply", grad, var)

    def _apply_sparse(self, grad: Any, var: Any) -> Operation:
        return self._apply(apply_sparse_op, "SparseApply", grad, var)

    def _apply(self, make: Any, prefix: str, grad: Any, var: Any) -> Operation:
        hyper = [self._hyper(k, var) for k in ("learning_rate", "decay", "momentum",
                                                "epsilon")]
        ms, mom = self.get_slot(var, "rms"), self.get_slot(var, "momentum")
        if self._centered:
            return make(prefix + "CenteredRMSProp", [var, self.get_slot(var, "mg"), ms, mom],
                        hyper, grad)
        return make(prefix + "RMSProp", [var, ms, mom], hyper, grad)


class AdadeltaOptimizer(_HyperOptimizer):
    """Adadelta (Zeiler): ``accum = rho accum + (1 - rho) g^2``; ``update = sqrt(accum_update
    + eps) / sqrt(accum + eps) g``; ``accum_update = rho accum_update + (1 - rho)
    update^2``; ``var -= lr update``. Slots ``accum`` and ``accum_update``."""

    def __init__(self, learning_rate: Any = 0.001, rho: Any = 0.95, epsilon: Any = 1e-8,
                 use_locking: bool = False, name: str = "Adadelta"):
        _check_hyper("learning_rate", learning_rate)
        _check_hyper("rho", rho, low=0.0, high=1.0)
        _check_hyper("epsilon", epsilon, low=0.0)
        super().__init__(use_locking, name, learning_rate=learning_rate, rho=rho,
                         epsilon=epsilon)

    def _create_slots(self, var_list: list) -> None:
        for v in var_list:
            self._zeros_slot(v, "accum")
            self._zeros_slot(v, "accum_update")

    def _apply_dense(self, grad: Tensor, var: Any) -> Operation:
        return apply_op(
            "ApplyAdadelta",
            [var, self.get_slot(var, "accum"), self.get_slot(var, "accum_update")],
            [self._hyper(k, var) for k in ("learning_rate", "rho", "epsilon")], grad)

    def _apply_sparse(self, grad: Any, var: Any) -> Operation:
        return apply_sparse_op(
            "SparseApplyAdadelta",
            [var, self.get_slot(var, "accum"), self.get_slot(var, "accum_update")],
            [self._hyper(k, var) for k in ("learning_rate", "rho", "epsilon")], grad)


__all__ = ["GradientDescentOptimizer", "MomentumOptimizer", "AdamOptimizer",
           "AdagradOptimizer", "RMSPropOptimizer", "AdadeltaOptimizer"]
