"""``FtrlOptimizer`` and ``ProximalGradientDescentOptimizer`` (``tf.compat.v1.train``) with
their fused update kernels (``ApplyFtrlV2``, ``ApplyProximalGradientDescent``).

FTRL-proximal (McMahan et al., 2013), TF's update with ``p = -learning_rate_power``::

    g' = g + 2 * l2_shrinkage * var
    accum_new = accum + g^2
    linear += g' - (accum_new^p - accum^p) / lr * var
    quadratic = accum_new^p / lr + 2 * l2
    var = (sign(linear) * l1 - linear) / quadratic  if |linear| > l1  else 0

Proximal gradient descent: ``prox = var - lr * g``, ``var = sign(prox) *
max(|prox| - lr * l1, 0) / (1 + lr * l2)``.

Example:
    >>> train_op = FtrlOptimizer(0.1, l1_regularization_strength=0.01).minimize(loss)
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.training.optimizers import _check_hyper, _HyperOptimizer
from trainkit.training.training_ops import apply_op, variable_buffers


@registry.register_kernel("ApplyFtrlV2", stateful=True)
def _apply_ftrl(ctx: registry.KernelContext, var: Any, accum: Any, linear: Any, lr: Any,
                l1: Any, l2: Any, l2_shrinkage: Any, lr_power: Any, grad: Any) -> None:
    w, a, lin = variable_buffers(ctx, grad, var, accum, linear)
    lr_, l1_, l2_, p = float(lr), float(l1), float(l2), -float(lr_power)
    g = np.asarray(grad, dtype=w.dtype)
    g_shrunk = g + 2.0 * float(l2_shrinkage) * w if float(l2_shrinkage) else g
    a_new = a + g * g
    with np.errstate(divide="ignore", invalid="ignore"):
        if p == 0.5:
            sigma = (np.sqrt(a_new) - np.sqrt(a)) / lr_
            quad = np.sqrt(a_new) / lr_ + 2.0 * l2_
        else:
            sigma = (np.power(a_new, p) - np.power(a, p)) / lr_
            quad = np.power(a_new, p) / lr_ + 2.0 * l2_
    lin += g_shrunk - sigma * w
    np.copyto(w, np.where(np.abs(lin) > l1_, (np.sign(lin) * l1_ - lin) / quad, 0.0))
    np.copyto(a, a_new)


@registry.register_kernel("ApplyProximalGradientDescent", stateful=True)
def _apply_proximal_gd(ctx: registry.KernelContext, var: Any, lr: Any, l1: Any, l2: Any,
                       grad: Any) -> None:
    (w,) = variable_buffers(ctx, grad, var)
    lr_, l1_, l2_ = float(lr), float(l1), float(l2)
    prox = w - lr_ * np.asarray(grad, dtype=w.dtype)
    if l1_ > 0:
        prox = np.sign(prox) * np.maximum(np.abs(prox) - lr_ * l1_, 0.0)
    np.copyto(w, prox / (1.0 + lr_ * l2_))


registry.not_differentiable("ApplyFtrlV2", "ApplyProximalGradientDescent")


def _non_negative(name: str, value: Any) -> None:
    if isinstance(value, numbers.Real) and value < 0:
        raise ValueError(f"{name} {value} needs to be positive or zero")


class FtrlOptimizer(_HyperOptimizer):
    """FTRL-proximal (``tf.compat.v1.train.FtrlOptimizer``). Slots ``accum`` (starts at
    ``initial_accumulator_value``) and ``linear`` (zeros), named ``<var>/Ftrl`` and
    ``<var>/Ftrl_1`` as in TF.

    Raises:
        ValueError: for a negative ``initial_accumulator_value``, l1, l2 or l2-shrinkage
            strength, or a positive ``learning_rate_power``.
    """

    def __init__(self, learning_rate: Any, learning_rate_power: float = -0.5,
                 initial_accumulator_value: float = 0.1,
                 l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0, use_locking: bool = False,
                 name: str = "Ftrl", accum_name: str | None = None,
                 linear_name: str | None = None,
                 l2_shrinkage_regularization_strength: float = 0.0,
                 beta: float | None = None):
        _check_hyper("learning_rate", learning_rate)
        _non_negative("initial_accumulator_value", initial_accumulator_value)
        if isinstance(learning_rate_power, numbers.Real) and learning_rate_power > 0:
            raise ValueError(f"learning_rate_power {learning_rate_power} needs to be "
                             "negative or zero")
        _non_negative("l1_regularization_strength", l1_regularization_strength)
        _non_negative("l2_regularization_strength", l2_regularization_strength)
        _non_negative("l2_shrinkage_regularization_strength",
                      l2_shrinkage_regularization_strength)
        super().__init__(use_locking, name, learning_rate=learning_rate,
                         l1=l1_regularization_strength, l2=l2_regularization_strength,
                         l2_shrinkage=l2_shrinkage_regularization_strength,
                         lr_power=learning_rate_power)
        self._initial_accumulator_value = float(initial_accumulator_value)
        self._beta = 0.0 if beta is None else float(beta)

    def _create_slots(self, var_list: list) -> None:
        for v in var_list:
            self._const_slot(v, "accum", self._initial_accumulator_value)
            self._zeros_slot(v, "linear")

    def _apply_dense(self, grad: Tensor, var: Any) -> Operation:
        lr = self._hyper("learning_rate", var)
        l2 = self._hyper("l2", var)
        if self._beta:
            l2 = l2 + self._beta / (2.0 * lr)  # TF: the beta term folds into l2
        return apply_op("ApplyFtrlV2", [var, self.get_slot(var, "accum"),
                                        self.get_slot(var, "linear")],
                        [lr, self._hyper("l1", var), l2, self._hyper("l2_shrinkage", var),
                         self._hyper("lr_power", var)], grad)


class ProximalGradientDescentOptimizer(_HyperOptimizer):
    """Gradient descent with an l1/l2 proximal step
    (``tf.compat.v1.train.ProximalGradientDescentOptimizer``).

    Raises:
        ValueError: for a negative l1 or l2 strength.
    """

    def __init__(self, learning_rate: Any, l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0, use_locking: bool = False,
                 name: str = "ProximalGradientDescent"):
        _check_hyper("learning_rate", learning_rate)
        _non_negative("l1_regularization_strength", l1_regularization_strength)
        _non_negative("l2_regularization_strength", l2_regularization_strength)
        super().__init__(use_locking, name, learning_rate=learning_rate,
                         l1=l1_regularization_strength, l2=l2_regularization_strength)

    def _apply_dense(self, grad: Tensor, var: Any) -> Operation:
        return apply_op("ApplyProximalGradientDescent", [var],
                        [self._hyper("learning_rate", var), self._hyper("l1", var),
                         self._hyper("l2", var)], grad)


__all__ = ["FtrlOptimizer", "ProximalGradientDescentOptimizer"]
