"""Fused update kernels of the ``tf.contrib.opt`` optimizers.

Dense kernels carry TF's raw op names and input order: ``ApplyAdaMax(var, m, v,
beta1_power, lr, beta1, beta2, epsilon, grad)``, ``ApplyAddSign(var, m, lr, alpha,
sign_decay, beta, grad)`` and ``ApplyPowerSign(var, m, lr, logbase, sign_decay, beta,
grad)``; they update in place block by block like the core kernels (``update_blocks``).

TF 1.15 wrote the contrib optimizers' sparse rules as graphs of gathers and scatters; here
each is one kernel (trainkit op types, no TF raw op of that name), taking the hyperparameters
then the gradient's ``values`` and ``indices``. Repeated indices are summed first, as TF's
``_apply_sparse_duplicate_indices`` does. For each touched row ``i`` with gradient ``g``:

* ``SparseApplyLazyAdam``: ``m[i] = b1 m[i] + (1 - b1) g``, ``v[i] = b2 v[i] + (1 - b2) g^2``,
  ``var[i] -= lr_t m[i] / (sqrt(v[i]) + eps)``; other rows keep var, m and v.
* ``SparseApplyNadam``: m and v decay on **all** rows, then ``m[i] += (1 - b1) g``,
  ``v[i] += (1 - b2) g^2`` and ``var[i] -= lr_t ((1 - b1) g + b1 m[i]) / (sqrt(v[i]) + eps)``.
* ``SparseApplyAdaMax``: ``m[i] = b1 m[i] + (1 - b1) g``, ``v[i] = max(b2 v[i], |g|)``,
  ``var[i] -= lr / (1 - beta1_power) m[i] / (v[i] + eps)``.
* ``SparseApplyAddSign`` / ``SparseApplyPowerSign``: m decays on all rows and takes
  ``(1 - beta) g`` on the touched ones; ``var[i] -= lr * mult * g`` with ``mult = alpha +
  sign_decay sign(g) sign(m[i])`` (AddSign) or ``e ** (logbase sign_decay sign(g)
  sign(m[i]))`` (PowerSign).

The float operations follow TF's kernels and TF 1.15's graphs in their order, in the
variable's dtype (step sizes such as ``lr sqrt(1 - beta2^t) / (1 - beta1^t)`` included).

Example:
    >>> op = apply_op("ApplyAddSign", [var, m], [lr, alpha, sign_decay, beta], grad)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainkit.framework import registry
from trainkit.training import update_blocks
from trainkit.training.sparse_proximal_ops import rounded_pow
from trainkit.training.sparse_training_ops import sparse_rows
from trainkit.training.training_ops import variable_buffers

_mul, _add, _sub, _div = np.multiply, np.add, np.subtract, np.divide


@registry.register_kernel("ApplyAdaMax", stateful=True)
def _apply_ada_max(ctx: registry.KernelContext, var: Any, m: Any, v: Any, beta1_power: Any,
                   lr: Any, beta1: Any, beta2: Any, epsilon: Any, grad: Any) -> None:
    w, m_b, v_b = variable_buffers(ctx, grad, var, m, v)
    # TF's ApplyAdaMax in the variable's dtype: lr / (1 - beta1_power) is one scalar
    dt = w.dtype.type
    lr_t = dt(lr) / (dt(1) - dt(beta1_power))
    update_blocks.run(ctx, _ada_max_update, (w, m_b, v_b), grad,
                      (1.0 - float(beta1), float(beta2), float(epsilon), lr_t))


def _ada_max_update(w: np.ndarray, m: np.ndarray, v: np.ndarray, g: np.ndarray,
                    t: np.ndarray, c1: np.ndarray, b2: np.ndarray, eps: np.ndarray,
                    lr_t: np.ndarray) -> None:
    # m += (g - m) * (1 - b1); v = max(b2 v, |g|); w -= lr / (1 - b1^t) * (m / (v + eps))
    _sub(g, m, t)
    _mul(t, c1, t)
    _add(m, t, m)
    _mul(v, b2, v)
    np.absolute(g, t)
    np.maximum(v, t, v)
    _add(v, eps, t)
    _div(m, t, t)
    _mul(t, lr_t, t)
    _sub(w, t, w)


def _sign_agreement(m: np.ndarray, g: np.ndarray, t: np.ndarray, u: np.ndarray,
                    beta: np.ndarray, c: np.ndarray) -> None:
    """m = m beta + g (1 - beta), then t = sign(g) sign(m) (``u`` is scratch)."""
    _mul(g, c, t)
    _mul(m, beta, m)
    _add(m, t, m)
    np.sign(g, t)
    np.sign(m, u)
    _mul(t, u, t)


@registry.register_kernel("ApplyAddSign", stateful=True)
def _apply_add_sign(ctx: registry.KernelContext, var: Any, m: Any, lr: Any, alpha: Any,
                    sign_decay: Any, beta: Any, grad: Any) -> None:
    w, m_b = variable_buffers(ctx, grad, var, m)
    b = float(beta)
    update_blocks.run(ctx, _add_sign_update, (w, m_b), grad,
                      (float(lr), float(alpha), float(sign_decay), b, 1.0 - b), scratch=2)


def _add_sign_update(w: np.ndarray, m: np.ndarray, g: np.ndarray, t: np.ndarray,
                     u: np.ndarray, lr: np.ndarray, alpha: np.ndarray, decay: np.ndarray,
                     beta: np.ndarray, c: np.ndarray) -> None:
    # TF's order: w -= (lr * (alpha + sign_decay * sign(g) * sign(m))) * g
    _sign_agreement(m, g, t, u, beta, c)
    _mul(t, decay, t)
    _add(t, alpha, t)
    _mul(t, lr, t)
    _mul(t, g, t)
    _sub(w, t, w)


@registry.register_kernel("ApplyPowerSign", stateful=True)
def _apply_power_sign(ctx: registry.KernelContext, var: Any, m: Any, lr: Any, logbase: Any,
                      sign_decay: Any, beta: Any, grad: Any) -> None:
    w, m_b = variable_buffers(ctx, grad, var, m)
    b = float(beta)
    update_blocks.run(ctx, _power_sign_update, (w, m_b), grad,
                      (float(lr), float(logbase) * float(sign_decay), b, 1.0 - b), scratch=2)


def _power_sign_update(w: np.ndarray, m: np.ndarray, g: np.ndarray, t: np.ndarray,
                       u: np.ndarray, lr: np.ndarray, log_decay: np.ndarray,
                       beta: np.ndarray, c: np.ndarray) -> None:
    # TF's order: w -= (lr * exp(logbase * sign_decay * sign(g) * sign(m))) * g; exp
    # rounded from double precision, as the C library's expf (NumPy's float32 exp is
    # its own, not always correctly rounded)
    _sign_agreement(m, g, t, u, beta, c)
    _mul(t, log_decay, t)
    np.exp(t, t, dtype=np.promote_types(t.dtype, np.float64))
    _mul(t, lr, t)
    _mul(t, g, t)
    _sub(w, t, w)


def _adam_lr(dt: type, lr: Any, beta1_power: Any, beta2_power: Any) -> Any:
    """TF1's ``lr * sqrt(1 - beta2_power) / (1 - beta1_power)``, float ops in ``dt``."""
    return dt(lr) * np.sqrt(dt(1) - dt(beta2_power)) / (dt(1) - dt(beta1_power))


@registry.register_kernel("SparseApplyLazyAdam", stateful=True)
def _sparse_lazy_adam(ctx: registry.KernelContext, var: Any, m: Any, v: Any,
                      beta1_power: Any, beta2_power: Any, lr: Any, beta1: Any, beta2: Any,
                      epsilon: Any, values: Any, indices: Any) -> None:
    i, g = sparse_rows(ctx, values, indices, var, m, v)
    b1, b2 = float(beta1), float(beta2)
    m_i = m[i] * b1 + g * (1.0 - b1)
    v_i = v[i] * b2 + g * g * (1.0 - b2)
    m[i], v[i] = m_i, v_i
    lr_t = _adam_lr(var.dtype.type, lr, beta1_power, beta2_power)
    var[i] -= lr_t * m_i / (np.sqrt(v_i) + float(epsilon))


@registry.register_kernel("SparseApplyNadam", stateful=True)
def _sparse_nadam(ctx: registry.KernelContext, var: Any, m: Any, v: Any, beta1_power: Any,
                  beta2_power: Any, lr: Any, beta1: Any, beta2: Any, epsilon: Any,
                  values: Any, indices: Any) -> None:
    i, g = sparse_rows(ctx, values, indices, var, m, v)
    b1, b2 = float(beta1), float(beta2)
    scaled = g * (1.0 - b1)
    m *= b1
    m[i] += scaled
    m_bar = scaled + b1 * m[i]
    v *= b2
    # (g * (1 - beta2)) * g: what Grappler makes of TF1's (g * g) * (1 - beta2), as for
    # the core SparseApplyAdam
    v[i] += g * (1.0 - b2) * g
    lr_t = _adam_lr(var.dtype.type, lr, beta1_power, beta2_power)
    var[i] -= lr_t * m_bar / (np.sqrt(v[i]) + float(epsilon))


@registry.register_kernel("SparseApplyAdaMax", stateful=True)
def _sparse_ada_max(ctx: registry.KernelContext, var: Any, m: Any, v: Any, beta1_power: Any,
                    lr: Any, beta1: Any, beta2: Any, epsilon: Any, values: Any,
                    indices: Any) -> None:
    i, g = sparse_rows(ctx, values, indices, var, m, v)
    b1 = float(beta1)
    m_i = m[i] * b1 + g * (1.0 - b1)
    v_i = np.maximum(v[i] * float(beta2), np.abs(g))
    m[i], v[i] = m_i, v_i
    dt = var.dtype.type
    var[i] -= dt(lr) / (dt(1) - dt(beta1_power)) * (m_i / (v_i + float(epsilon)))


def _sparse_sign(ctx: registry.KernelContext, var: Any, m: Any, beta: Any, values: Any,
                 indices: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decays m on all rows, adds the touched rows' gradient; returns the rows, their
    gradient and ``sign(m[i]) sign(g)``."""
    i, g = sparse_rows(ctx, values, indices, var, m)
    b = float(beta)
    m *= b
    m[i] += g * (1.0 - b)
    return i, g, np.sign(m[i]) * np.sign(g)


@registry.register_kernel("SparseApplyAddSign", stateful=True)
def _sparse_add_sign(ctx: registry.KernelContext, var: Any, m: Any, lr: Any, alpha: Any,
                     sign_decay: Any, beta: Any, values: Any, indices: Any) -> None:
    i, g, agree = _sparse_sign(ctx, var, m, beta, values, indices)
    var[i] -= float(lr) * (float(alpha) + float(sign_decay) * agree) * g


@registry.register_kernel("SparseApplyPowerSign", stateful=True)
def _sparse_power_sign(ctx: registry.KernelContext, var: Any, m: Any, lr: Any,
                       logbase: Any, sign_decay: Any, beta: Any, values: Any,
                       indices: Any) -> None:
    i, g, agree = _sparse_sign(ctx, var, m, beta, values, indices)
    # TF1.15's graph: pow(float32(e), logbase * sign_decay * sign), the power rounded
    # from double precision (as the C library's powf)
    dt = var.dtype.type
    scale = rounded_pow(np.full_like(agree, dt(math.e)), dt(logbase) * dt(sign_decay) * agree)
    var[i] -= float(lr) * scale * g


registry.not_differentiable(
    "ApplyAdaMax", "ApplyAddSign", "ApplyPowerSign", "SparseApplyLazyAdam",
    "SparseApplyNadam", "SparseApplyAdaMax", "SparseApplyAddSign", "SparseApplyPowerSign")

__all__: list[str] = []
