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
``SparseApplyProximalGradientDescent``): untouched rows keep their values and slots.

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
from trainkit.training.sparse_training_ops import _rows, apply_sparse_op
from trainkit.training.training_ops import apply_op, variable_buffers


def _ftrl(w: np.ndarray, a: np.ndarray, lin: np.ndarray, g: np.ndarray, lr: float,
          l1: float, l2: float, l2_shrinkage: float, p: float) -> tuple:
    """One FTRL step on arrays (all rows, or the touched ones): new (var, accum, linear)."""
    g_shrunk = g + 2.0 * l2_shrinkage * w if l2_shrinkage else g
    a_new = a + g * g
    with np.errstate(divide="ignore", invalid="ignore"):
        if p == 0.5:
            sigma = (np.sqrt(a_new) - np.sqrt(a)) / lr
            quad = np.sqrt(a_new) / lr + 2.0 * l2
        else:
            sigma = (np.power(a_new, p) - np.power(a, p)) / lr
            quad = np.power(a_new, p) / lr + 2.0 * l2
        lin_new = lin + (g_shrunk - sigma * w)
        w_new = np.where(np.abs(lin_new) > l1, (np.sign(lin_new) * l1 - lin_new) / quad, 0.0)
    return w_new, a_new, lin_new


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
                np.power(a, p, u)
                np.add(a, t, a)
                np.power(a, p, t)
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


@registry.register_kernel("SparseApplyFtrlV2", stateful=True)
def _sparse_apply_ftrl(ctx: registry.KernelContext, var: Any, accum: Any, linear: Any,
                       lr: Any, l1: Any, l2: Any, l2_shrinkage: Any, lr_power: Any,
                       values: Any, indices: Any) -> None:
    i, g = _rows(ctx, values, indices, var, accum, linear)
    w_new, a_new, lin_new = _ftrl(var[i], accum[i], linear[i], g.astype(var.dtype),
                                  float(lr), float(l1), float(l2), float(l2_shrinkage),
                                  -float(lr_power))
    var[i], accum[i], linear[i] = w_new, a_new, lin_new


def _proximal(w: np.ndarray, g: np.ndarray, lr: float, l1: float, l2: float) -> np.ndarray:
    prox = w - lr * g
    if l1 > 0:
        prox = np.sign(prox) * np.maximum(np.abs(prox) - lr * l1, 0.0)
    return prox / (1.0 + lr * l2)


@registry.register_kernel("ApplyProximalGradientDescent", stateful=True)
def _apply_proximal_gd(ctx: registry.KernelContext, var: Any, lr: Any, l1: Any, l2: Any,
                       grad: Any) -> None:
    (w,) = variable_buffers(ctx, grad, var)
    lr_, l1_, l2_ = float(lr), float(l1), float(l2)
    if l1_ > 0:
        update_blocks.run(ctx, _proximal_l1_update, (w,), grad,
                          (lr_, lr_ * l1_, 1.0 + lr_ * l2_, 0.0))
    else:
        update_blocks.run(ctx, _proximal_update, (w,), grad, (lr_, 1.0 + lr_ * l2_))


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
    np.multiply(w, t, w)
    np.divide(w, shrink, w)


@registry.register_kernel("SparseApplyProximalGradientDescent", stateful=True)
def _sparse_apply_proximal_gd(ctx: registry.KernelContext, var: Any, lr: Any, l1: Any,
                              l2: Any, values: Any, indices: Any) -> None:
    i, g = _rows(ctx, values, indices, var)
    var[i] = _proximal(var[i], g.astype(var.dtype), float(lr), float(l1), float(l2))


registry.not_differentiable("ApplyFtrlV2", "ApplyProximalGradientDescent", "SparseApplyFtrlV2",
                            "SparseApplyProximalGradientDescent")


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


__all__ = ["FtrlOptimizer", "ProximalGradientDescentOptimizer"]
