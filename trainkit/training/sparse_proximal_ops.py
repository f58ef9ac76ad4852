"""The sparse kernels of the proximal optimizers: ``SparseApplyFtrlV2``,
``SparseApplyProximalGradientDescent``, ``SparseApplyProximalAdagrad`` and
``SparseApplyAdagradDA`` (``IndexedSlices`` gradients from ``gather`` /
``embedding_lookup``; repeated indices summed first, as TF1's optimizers do, untouched rows
keep their values and slots).

TF's CPU kernels have two code paths, and so do these: rows of a matrix (or higher-rank)
variable take the Eigen expressions of the dense kernels (``rsqrt`` for the Adagrad step
size, ``linear + (g - sigma var)`` for FTRL), while a vector variable takes a scalar loop
that differs in rounding: the proximal divisions by ``1 + l2 lr`` and the whole AdagradDA
update run in double precision, FTRL adds ``(linear + g) - sigma var`` and the Adagrad
step size is ``lr / sqrt(accum)``.

Example:
    >>> op = apply_sparse_op("SparseApplyProximalAdagrad", [var, acc], [lr, l1, l2], grad)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import registry
from trainkit.training.sparse_training_ops import sparse_rows


def rounded_pow(x: np.ndarray, p: Any, out: np.ndarray | None = None) -> np.ndarray:
    """``x ** p`` rounded once from double precision, as the C library's ``powf`` that TF's
    scalar code calls (NumPy's own float32 power is not always correctly rounded)."""
    wide = np.promote_types(x.dtype, np.float64)
    if out is None:
        return np.power(x, p, dtype=wide).astype(x.dtype, copy=False)
    return np.power(x, p, out=out, dtype=wide)


def _ftrl(w: np.ndarray, a: np.ndarray, lin: np.ndarray, g: np.ndarray, lr: float,
          l1: float, l2: float, l2_shrinkage: float, p: float) -> tuple:
    """One FTRL step on rows: new (var, accum, linear), TF's Eigen expression."""
    g_shrunk = g + 2.0 * l2_shrinkage * w if l2_shrinkage else g
    a_new = a + g * g
    with np.errstate(divide="ignore", invalid="ignore"):
        if p == 0.5:
            sigma = (np.sqrt(a_new) - np.sqrt(a)) / lr
            quad = np.sqrt(a_new) / lr + 2.0 * l2
        else:
            sigma = (rounded_pow(a_new, p) - rounded_pow(a, p)) / lr
            quad = rounded_pow(a_new, p) / lr + 2.0 * l2
        lin_new = lin + (g_shrunk - sigma * w)
        w_new = np.where(np.abs(lin_new) > l1, (np.sign(lin_new) * l1 - lin_new) / quad, 0.0)
    return w_new, a_new, lin_new


def _ftrl_vector(w: np.ndarray, a: np.ndarray, lin: np.ndarray, g: np.ndarray, lr: float,
                 l1: float, l2: float, l2_shrinkage: float, p: float) -> tuple:
    """One FTRL step on elements of a vector variable: TF's scalar loop, with ``pow``
    also for ``p == 0.5`` and ``(linear + g) - sigma var``."""
    g_shrunk = g + 2.0 * l2_shrinkage * w if l2_shrinkage else g
    a_new = a + g * g
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = (rounded_pow(a_new, p) - rounded_pow(a, p)) / lr
        lin_new = (lin + g_shrunk) - sigma * w
        quad = (np.sqrt(a_new) if p == 0.5 else rounded_pow(a_new, p)) / lr + 2.0 * l2
        w_new = (np.clip(lin_new, -l1, l1) - lin_new) / quad
    return w_new, a_new, lin_new


@registry.register_kernel("SparseApplyFtrlV2", stateful=True)
def _sparse_apply_ftrl(ctx: registry.KernelContext, var: Any, accum: Any, linear: Any,
                       lr: Any, l1: Any, l2: Any, l2_shrinkage: Any, lr_power: Any,
                       values: Any, indices: Any) -> None:
    i, g = sparse_rows(ctx, values, indices, var, accum, linear)
    rule = _ftrl_vector if var.ndim == 1 else _ftrl
    var[i], accum[i], linear[i] = rule(var[i], accum[i], linear[i], g.astype(var.dtype),
                                       float(lr), float(l1), float(l2), float(l2_shrinkage),
                                       -float(lr_power))


def _shrink(prox: np.ndarray, rate: Any, l1: float, l2: Any, vector: bool) -> np.ndarray:
    """``sign(prox) max(|prox| - rate l1, 0) / (1 + l2 rate)`` (without l1: ``prox / (1 +
    l2 rate)``); for a vector variable TF divides in double precision."""
    if l1 > 0:  # (+ 0: Eigen's sign(-0) is +0, NumPy's -0)
        prox = (np.sign(prox) + 0.0) * np.maximum(np.abs(prox) - rate * l1, 0.0)
    dt = prox.dtype
    if vector:
        return (prox.astype(np.float64) / (1.0 + np.float64(l2 * rate))).astype(dt)
    return prox / (dt.type(1) + l2 * rate)


@registry.register_kernel("SparseApplyProximalGradientDescent", stateful=True)
def _sparse_apply_proximal_gd(ctx: registry.KernelContext, var: Any, lr: Any, l1: Any,
                              l2: Any, values: Any, indices: Any) -> None:
    i, g = sparse_rows(ctx, values, indices, var)
    dt = var.dtype.type
    lr_ = dt(lr)
    var[i] = _shrink(var[i] - g.astype(var.dtype) * lr_, lr_, dt(l1), dt(l2), var.ndim == 1)


@registry.register_kernel("SparseApplyProximalAdagrad", stateful=True)
def _sparse_apply_proximal_adagrad(ctx: registry.KernelContext, var: Any, accum: Any,
                                   lr: Any, l1: Any, l2: Any, values: Any,
                                   indices: Any) -> None:
    i, g = sparse_rows(ctx, values, indices, var, accum)
    g = g.astype(var.dtype)
    dt = var.dtype.type
    a = accum[i] + g * g
    with np.errstate(divide="ignore", invalid="ignore"):
        # TF: lr / sqrt(accum) for a vector variable, lr * rsqrt(accum) (Eigen's scalar
        # rsqrt: 1 / sqrt) on rows
        rate = dt(lr) / np.sqrt(a) if var.ndim == 1 else dt(lr) * (dt(1) / np.sqrt(a))
    var[i] = _shrink(var[i] - g * rate, rate, dt(l1), dt(l2), var.ndim == 1)
    accum[i] = a


@registry.register_kernel("SparseApplyAdagradDA", stateful=True)
def _sparse_apply_adagrad_da(ctx: registry.KernelContext, var: Any, g_acc: Any,
                             gg_acc: Any, lr: Any, l1: Any, l2: Any, step: Any,
                             values: Any, indices: Any) -> None:
    i, g = sparse_rows(ctx, values, indices, var, g_acc, gg_acc)
    dt = var.dtype.type
    lr_, l1_, l2_, gs = dt(lr), dt(l1), dt(l2), dt(step)
    ga = g_acc[i] + g.astype(var.dtype)
    if var.ndim == 1:
        # TF's scalar loop in double precision (the squared gradient unrounded)
        g64 = g.astype(np.float64)
        gga = (gg_acc[i] + g64 * g64).astype(var.dtype)
        lr64, gs64 = np.float64(lr_), np.float64(gs)
        denom = gs64 * np.float64(l2_) * lr64 + np.sqrt(gga).astype(np.float64)
        if l1_ > 0:
            num = (np.sign(-ga).astype(np.float64) + 0.0) * lr64 * np.maximum(
                np.abs(ga).astype(np.float64) - gs64 * np.float64(l1_), 0.0)
        else:
            num = (-ga).astype(np.float64) * lr64
        w = (num / denom).astype(var.dtype)
    else:
        gga = gg_acc[i] + g * g
        # TF on rows: -sign(g_acc) max(|g_acc| / t - l1, 0) / (l2 + sqrt(gg_acc) / (t lr))
        denom = l2_ + np.sqrt(gga) / (gs * lr_)
        if l1_ > 0:
            num = -(np.sign(ga) + dt(0)) * np.maximum(np.abs(ga) / gs - l1_, dt(0))
        else:
            num = -(ga / gs)
        w = num / denom
    g_acc[i], gg_acc[i], var[i] = ga, gga, w


registry.not_differentiable("SparseApplyFtrlV2", "SparseApplyProximalGradientDescent",
                            "SparseApplyProximalAdagrad", "SparseApplyAdagradDA")

__all__ = ["rounded_pow"]
