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

An ``IndexedSlices`` gradient (``gather`` / ``embedding_lookup``) updates only its rows,
with repeated indices summed first (TF1's ``SparseApplyFtrlV2`` /
``SparseApplyProximalGradientDescent``, in ``sparse_proximal_ops.py``): untouched rows
keep their values and slots. The dense kernels follow TF's Eigen expressions operation
for operation (``tests/training/test_update_order.py``).

Example:
    >>> train_op = FtrlOptimizer(0.1, l1_regularization_strength=0.01).minimize(loss)
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit.framework import registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.training import update_blocks
from trainkit.training.optimizers import _check_hyper, _HyperOptimizer
from trainkit.training.sparse_proximal_ops import rounded_pow
from trainkit.training.sparse_training_ops import apply_sparse_op
from trainkit.training.training_ops import apply_op, variable_buffers


@registry.register_kernel("ApplyFtrlV2", stateful=True)
def _apply_ftrl(ctx: registry.KernelContext, var: Any, accum: Any, linear: Any, lr: Any,
                l1: Any, l2: Any, l2_shrinkage: Any, lr_power: Any, grad: Any) -> None:
    w, a, lin = variable_buffers(ctx, grad, var, accum, linear)
    p, shrink = -float(lr_power), float(l2_shrinkage)
    update_blocks.run(ctx, _ftrl_update(bool(shrink), p == 0.5), (w, a, lin), grad,
                      (float(lr), float(l1), 2.0 * float(l2), 2.0 * shrink, p, 0.0),
                      scratch=3)


@functools.cache
def _ftrl_update(shrink: bool, sqrt: bool) -> Callable:
    """``_ftrl`` in place on a block, with the same operations in the same order (one
    function per case, so that each keeps one identity for the thread bookkeeping)."""

    def update(w: np.ndarray, a: np.ndarray, lin: np.ndarray, g: np.ndarray,
               t: np.ndarray, u: np.ndarray, v: np.ndarray, lr: np.ndarray,
               l1: np.ndarray, l2x2: np.ndarray, shrink_x2: np.ndarray, p: np.ndarray,
               zero: np.ndarray) -> None:
        with np.errstate(divide="ignore", invalid="ignore"):
            np.multiply(g, g, t)
            if sqrt:
                np.sqrt(a, u)
                np.add(a, t, a)  # accum_new
                np.sqrt(a, t)
            else:
                rounded_pow(a, p, u)
                np.add(a, t, a)
                rounded_pow(a, p, t)
            np.subtract(t, u, u)
            np.divide(u, lr, u)  # sigma
            np.multiply(u, w, u)
            if shrink:
                np.multiply(w, shrink_x2, v)
                np.add(v, g, v)  # the shrunk gradient
                np.subtract(v, u, u)
            else:
                np.subtract(g, u, u)
            np.add(lin, u, lin)
            np.divide(t, lr, t)
            np.add(t, l2x2, t)  # quadratic
            np.sign(lin, u)
            np.multiply(u, l1, u)
            np.subtract(u, lin, u)
            np.divide(u, t, u)
            np.absolute(lin, t)
            keep = v.reshape(-1).view(np.bool_)[:v.size].reshape(v.shape)
            np.greater(t, l1, keep)
            np.copyto(w, zero)
            np.copyto(w, u, where=keep)

    return update


@registry.register_kernel("ApplyProximalGradientDescent", stateful=True)
def _apply_proximal_gd(ctx: registry.KernelContext, var: Any, lr: Any, l1: Any, l2: Any,
                       grad: Any) -> None:
    (w,) = variable_buffers(ctx, grad, var)
    dt = w.dtype.type
    lr_, l1_ = dt(lr), dt(l1)
    shrink = dt(1) + dt(l2) * lr_  # TF: one scalar, 1 + l2 * lr in the variable's dtype
    if l1_ > 0:
        update_blocks.run(ctx, _proximal_l1_update, (w,), grad,
                          (lr_, lr_ * l1_, shrink, 0.0))
    else:
        update_blocks.run(ctx, _proximal_update, (w,), grad, (lr_, shrink))


def _proximal_update(w: np.ndarray, g: np.ndarray, t: np.ndarray, lr: np.ndarray,
                     shrink: np.ndarray) -> None:
    """``_proximal`` without l1, in place on a block: the same operations."""
    np.multiply(g, lr, t)
    np.subtract(w, t, w)
    np.divide(w, shrink, w)


def _proximal_l1_update(w: np.ndarray, g: np.ndarray, t: np.ndarray, lr: np.ndarray,
                        lr_l1: np.ndarray, shrink: np.ndarray, zero: np.ndarray) -> None:
    """``_proximal`` with l1 > 0, in place on a block: the same operations."""
    np.multiply(g, lr, t)
    np.subtract(w, t, w)  # prox
    np.absolute(w, t)
    np.subtract(t, lr_l1, t)
    np.maximum(t, zero, t)
    np.sign(w, w)
    np.add(w, zero, w)  # sign(-0) is +0 in Eigen, -0 in NumPy
    np.multiply(w, t, w)
    np.divide(w, shrink, w)


def _proximal_adagrad(w: np.ndarray, a: np.ndarray, g: np.ndarray, lr: float, l1: float,
                      l2: float) -> tuple[np.ndarray, np.ndarray]:
    """One proximal Adagrad step: new (var, accum); the step size is ``lr / sqrt(accum)``
    after adding ``g^2``."""
    a_new = a + g * g
    # TF: lr * rsqrt(accum), Eigen's scalar rsqrt being 1 / sqrt
    rate = lr * (a_new.dtype.type(1) / np.sqrt(a_new))
    return _proximal_rate(w - g * rate, rate, l1, l2), a_new


def _proximal_rate(prox: np.ndarray, rate: Any, l1: float, l2: float) -> np.ndarray:
    if l1 > 0:  # (+ 0.0: Eigen's sign(-0) is +0)
        prox = (np.sign(prox) + 0.0) * np.maximum(np.abs(prox) - rate * l1, 0.0)
    return prox / (1.0 + l2 * rate)


@registry.register_kernel("ApplyProximalAdagrad", stateful=True)
def _apply_proximal_adagrad(ctx: registry.KernelContext, var: Any, accum: Any, lr: Any,
                            l1: Any, l2: Any, grad: Any) -> None:
    w, a = variable_buffers(ctx, grad, var, accum)
    g = np.asarray(grad, w.dtype)
    w_new, a_new = _proximal_adagrad(w, a, g, float(lr), float(l1), float(l2))
    np.copyto(w, w_new, casting="unsafe")
    np.copyto(a, a_new, casting="unsafe")


def _adagrad_da(w_dtype: np.dtype, g_acc: np.ndarray, gg_acc: np.ndarray, lr: float,
                l1: float, l2: float, step: float) -> np.ndarray:
    """The dual-averaging variable from the updated accumulators at ``step`` (TF's
    ApplyAdagradDA: the scalars in the variable's dtype, ``l2 * (step * lr)``)."""
    dt = np.dtype(w_dtype).type
    denom = dt(l2) * (dt(step) * dt(lr)) + np.sqrt(gg_acc)
    if l1 > 0:
        # (Eigen's sign(-0) is +0)
        num = -(np.sign(g_acc) + 0.0) * np.maximum(np.abs(g_acc) - l1 * step, 0.0)
    else:
        num = -g_acc
    return (num * lr / denom).astype(w_dtype, copy=False)


@registry.register_kernel("ApplyAdagradDA", stateful=True)
def _apply_adagrad_da(ctx: registry.KernelContext, var: Any, g_acc: Any, gg_acc: Any,
                      lr: Any, l1: Any, l2: Any, step: Any, grad: Any) -> None:
    w, ga, gga = variable_buffers(ctx, grad, var, g_acc, gg_acc)
    g = np.asarray(grad, w.dtype)
    np.add(ga, g, out=ga)
    np.add(gga, g * g, out=gga)
    np.copyto(w, _adagrad_da(w.dtype, ga, gga, float(lr), float(l1), float(l2),
                             float(step)))


registry.not_differentiable("ApplyFtrlV2", "ApplyProximalGradientDescent",
                            "ApplyProximalAdagrad", "ApplyAdagradDA")


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

    def _apply_sparse(self, grad: Any, var: Any) -> Operation:
        """TF1's ``SparseApplyFtrlV2``: only the looked-up rows change (a dense zero
        gradient would recompute every row from its ``linear`` slot)."""
        lr = self._hyper("learning_rate", var)
        l2 = self._hyper("l2", var)
        if self._beta:
            l2 = l2 + self._beta / (2.0 * lr)
        return apply_sparse_op(
            "SparseApplyFtrlV2", [var, self.get_slot(var, "accum"),
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

    def _apply_sparse(self, grad: Any, var: Any) -> Operation:
        """TF1's ``SparseApplyProximalGradientDescent``: only the looked-up rows shrink."""
        return apply_sparse_op("SparseApplyProximalGradientDescent", [var],
                               [self._hyper("learning_rate", var), self._hyper("l1", var),
                                self._hyper("l2", var)], grad)


class ProximalAdagradOptimizer(_HyperOptimizer):
    """Adagrad with an l1/l2 proximal step (``tf.compat.v1.train.ProximalAdagradOptimizer``):
    ``accum += g^2``, then the proximal step of ``ProximalGradientDescentOptimizer`` with
    step size ``lr / sqrt(accum)``. Slot ``accumulator`` starts at
    ``initial_accumulator_value``.

    Raises:
        ValueError: for a non-positive ``initial_accumulator_value`` or a negative l1 or
            l2 strength.
    """

    def __init__(self, learning_rate: Any, initial_accumulator_value: float = 0.1,
                 l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0, use_locking: bool = False,
                 name: str = "ProximalAdagrad"):
        _check_hyper("learning_rate", learning_rate)
        if not isinstance(initial_accumulator_value, numbers.Real) or \
                initial_accumulator_value <= 0.0:
            raise ValueError(f"initial_accumulator_value must be positive: "
                             f"{initial_accumulator_value!r}")
        _non_negative("l1_regularization_strength", l1_regularization_strength)
        _non_negative("l2_regularization_strength", l2_regularization_strength)
        super().__init__(use_locking, name, learning_rate=learning_rate,
                         l1=l1_regularization_strength, l2=l2_regularization_strength)
        self._initial_accumulator_value = float(initial_accumulator_value)

    def _create_slots(self, var_list: list) -> None:
        for v in var_list:
            self._const_slot(v, "accumulator", self._initial_accumulator_value)

    def _scalars(self, var: Any) -> list:
        return [self._hyper(k, var) for k in ("learning_rate", "l1", "l2")]

    def _apply_dense(self, grad: Tensor, var: Any) -> Operation:
        return apply_op("ApplyProximalAdagrad", [var, self.get_slot(var, "accumulator")],
                        self._scalars(var), grad)

    def _apply_sparse(self, grad: Any, var: Any) -> Operation:
        """Only the looked-up rows and their accumulators change."""
        return apply_sparse_op("SparseApplyProximalAdagrad",
                               [var, self.get_slot(var, "accumulator")],
                               self._scalars(var), grad)


class AdagradDAOptimizer(_HyperOptimizer):
    """Adagrad dual averaging (``tf.compat.v1.train.AdagradDAOptimizer``), for sparse
    linear models: slots ``gradient_accumulator`` (sum of gradients, zeros) and
    ``gradient_squared_accumulator`` (sum of squares, from
    ``initial_gradient_squared_accumulator_value``); each step sets the variable in
    closed form from them and ``global_step + 1`` (read when the step runs)::

        var = -lr * shrink(g_acc) / (l2 * t * lr + sqrt(gg_acc)),
        shrink(a) = sign(a) * max(|a| - l1 * t, 0) if l1 > 0 else a

    Raises:
        ValueError: for a non-positive initial squared-accumulator value or a negative
            l1 or l2 strength.
    """

    def __init__(self, learning_rate: Any, global_step: Any,
                 initial_gradient_squared_accumulator_value: float = 0.1,
                 l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0, use_locking: bool = False,
                 name: str = "AdagradDA"):
        _check_hyper("learning_rate", learning_rate)
        value = initial_gradient_squared_accumulator_value
        if not isinstance(value, numbers.Real) or value <= 0.0:
            raise ValueError(f"initial_gradient_squared_accumulator_value must be positive: "
                             f"{value!r}")
        _non_negative("l1_regularization_strength", l1_regularization_strength)
        _non_negative("l2_regularization_strength", l2_regularization_strength)
        super().__init__(use_locking, name, learning_rate=learning_rate,
                         l1=l1_regularization_strength, l2=l2_regularization_strength)
        self._global_step = global_step
        self._initial_gg = float(value)
        self._step_tensor: Tensor | None = None

    def _create_slots(self, var_list: list) -> None:
        for v in var_list:
            self._zeros_slot(v, "gradient_accumulator")
            self._const_slot(v, "gradient_squared_accumulator", self._initial_gg)

    def _prepare(self) -> None:
        super()._prepare()
        from trainkit.ops import math_ops

        self._step_tensor = math_ops.add(self._global_step, 1)

    def _scalars(self, var: Any) -> list:
        from trainkit.ops import math_ops

        step = math_ops.cast(self._step_tensor, var.dtype.base_dtype)
        return [self._hyper("learning_rate", var), self._hyper("l1", var),
                self._hyper("l2", var), step]

    def _update_vars(self, var: Any) -> list:
        return [var, self.get_slot(var, "gradient_accumulator"),
                self.get_slot(var, "gradient_squared_accumulator")]

    def _apply_dense(self, grad: Tensor, var: Any) -> Operation:
        return apply_op("ApplyAdagradDA", self._update_vars(var), self._scalars(var), grad)

    def _apply_sparse(self, grad: Any, var: Any) -> Operation:
        """Only the looked-up rows and their accumulators change."""
        return apply_sparse_op("SparseApplyAdagradDA", self._update_vars(var), self._scalars(var),
                               grad)


__all__ = ["FtrlOptimizer", "ProximalGradientDescentOptimizer", "ProximalAdagradOptimizer",
           "AdagradDAOptimizer"]
