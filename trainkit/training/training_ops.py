"""Fused optimizer update kernels (``ApplyGradientDescent``, ``ApplyAdam``, ...).

Each op takes the variable and its slots (their ``VariableV2`` outputs, whose values are
the session's buffers; an uninitialized one fails with the variable's own error), the
hyperparameters as scalar tensors and the gradient last. The kernel updates the session's
buffers in place, block by block on the kernel threads, with one or two pooled scratch
blocks per thread (``update_blocks.py``), so a step allocates nothing and a large
variable is read from memory about once: this is where training speed comes from. The
ops have no outputs and no gradients.

Example:
    >>> op = apply_op("ApplyGradientDescent", [var], [lr], grad)  # var -= lr * grad
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework.tensor import Operation, Tensor
from trainkit.training import update_blocks, update_loops


def _var_op(v: Any) -> Operation:
    op = getattr(v, "op", None)
    if not isinstance(op, Operation):
        raise TypeError(f"Expected a Variable, got {v!r}.")
    return op


def apply_op(op_type: str, variables: list, scalars: list, grad: Tensor,
             name: str | None = None, attrs: dict | None = None) -> Operation:
    """Creates a fused update op writing ``variables`` (the variable first, then slots).

    Args:
        op_type: one of the ``Apply*`` types registered here.
        variables: the variable and its slot variables, in the kernel's order.
        scalars: hyperparameters (floats or scalar tensors), cast to the variable dtype.
        grad: the gradient tensor (same shape as the variable).
        name: the op name (default ``op_type``).
        attrs: extra kernel attributes (e.g. ``use_nesterov``).
    """
    var_ops = [_var_op(v) for v in variables]
    dtype = var_ops[0].outputs[0].dtype.base_dtype
    refs = [op.outputs[0] for op in var_ops]
    sc = []
    for s in scalars:
        t = conversion.convert_to_tensor(s) if isinstance(s, Tensor) else \
            conversion.convert_to_tensor(s, dtype=dtype)
        if not t.dtype.is_floating:
            raise TypeError(f"{op_type}: hyperparameter {t.name} must be floating point, "
                            f"got {t.dtype.name}.")
        sc.append(t)
    all_attrs = dict(attrs or {})
    graph = refs[0].graph
    return graph.create_op(op_type, refs + sc + [grad], [], name=name or op_type,
                           attrs=all_attrs)


def _buffers(ctx: registry.KernelContext, grad: Any, *refs: Any) -> tuple:
    """The variable buffers (the ``VariableV2`` values are the session's buffers).

    Raises:
        FailedPreconditionError: if a variable is not initialized.
        InvalidArgumentError: if the gradient's shape differs from the variable's.
    """
    for r in refs:
        if type(r) is not np.ndarray:
            err = getattr(r, "error", None)
            if err is not None:
                raise err()
            raise errors.InvalidArgumentError(
                None, None, f"{ctx.op.type} needs variable buffers, got {type(r).__name__}.")
    if refs[0].shape != np.shape(grad):
        raise errors.InvalidArgumentError(
            None, None, f"var and grad do not have the same shape {list(refs[0].shape)} "
                        f"{list(np.shape(grad))}")
    return refs


_mul, _add, _sub, _div, _sqrt = np.multiply, np.add, np.subtract, np.divide, np.sqrt

# The per-block update functions get (variable, slots, gradient blocks, scratch blocks,
# hyperparameters as 0-d arrays of the variable dtype; see update_blocks.py) and write
# with positional ``out``. Each one reads a buffer's old value before writing it.


@registry.register_kernel("ApplyGradientDescent", stateful=True)
def _apply_gd(ctx: registry.KernelContext, var: Any, lr: Any, grad: Any) -> None:
    (v,) = _buffers(ctx, grad, var)
    update_blocks.run(ctx, _gd_update, (v,), grad, (float(lr),), fused=update_loops.gd)


def _gd_update(w: np.ndarray, g: np.ndarray, t: np.ndarray, lr: np.ndarray) -> None:
    # var -= grad * lr
    _mul(g, lr, t)
    _sub(w, t, w)


@registry.register_kernel("ApplyMomentum", stateful=True)
def _apply_momentum(ctx: registry.KernelContext, var: Any, accum: Any, lr: Any,
                    momentum: Any, grad: Any) -> None:
    v, a = _buffers(ctx, grad, var, accum)
    lr_, mu = float(lr), float(momentum)
    if ctx.attrs.get("use_nesterov", False):
        update_blocks.run(ctx, _nesterov_update, (v, a), grad, (lr_, mu), scratch=2,
                          fused=update_loops.nesterov)
    else:
        update_blocks.run(ctx, _momentum_update, (v, a), grad, (lr_, mu),
                          fused=update_loops.momentum)


def _momentum_update(w: np.ndarray, a: np.ndarray, g: np.ndarray, t: np.ndarray,
                     lr: np.ndarray, mu: np.ndarray) -> None:
    # accum = accum * momentum + grad; var -= accum * lr
    _mul(a, mu, a)
    _add(a, g, a)
    _mul(a, lr, t)
    _sub(w, t, w)


def _nesterov_update(w: np.ndarray, a: np.ndarray, g: np.ndarray, t: np.ndarray,
                     u: np.ndarray, lr: np.ndarray, mu: np.ndarray) -> None:
    # accum = accum * momentum + grad; var -= grad * lr + accum * momentum * lr
    _mul(a, mu, a)
    _add(a, g, a)
    _mul(a, mu, t)
    _mul(t, lr, t)
    _mul(g, lr, u)
    _add(u, t, t)
    _sub(w, t, w)


@registry.register_kernel("ApplyAdam", stateful=True)
def _apply_adam(ctx: registry.KernelContext, var: Any, m: Any, vv: Any, beta1_power: Any,
                beta2_power: Any, lr: Any, beta1: Any, beta2: Any, epsilon: Any,
                grad: Any) -> None:
    w, m_b, v_b = _buffers(ctx, grad, var, m, vv)
    # TF's ApplyAdam (training_ops.cc) in the variable's dtype, operation for operation:
    # float32 trainings then match TF's bit for bit step after step.
    dt = w.dtype.type
    one = dt(1)
    alpha = dt(lr) * np.sqrt(one - dt(beta2_power)) / (one - dt(beta1_power))
    # use_nesterov (TF's attr; contrib's NadamOptimizer): the step uses
    # (1 - beta1) * g + beta1 * m_new in place of m_new
    nesterov = bool(ctx.attrs.get("use_nesterov", False))
    update_blocks.run(ctx, _nadam_update if nesterov else _adam_update, (w, m_b, v_b), grad,
                      (dt(beta1), one - dt(beta1), one - dt(beta2), dt(epsilon), alpha),
                      scratch=2, fused=update_loops.nadam if nesterov else update_loops.adam)


def _adam_moments(m: np.ndarray, v: np.ndarray, g: np.ndarray, t: np.ndarray,
                  c1: np.ndarray, c2: np.ndarray) -> None:
    # m += (g - m) * (1 - beta1); v += (g^2 - v) * (1 - beta2)
    _sub(g, m, t)
    _mul(t, c1, t)
    _add(m, t, m)
    _mul(g, g, t)
    _sub(t, v, t)
    _mul(t, c2, t)
    _add(v, t, v)


def _adam_update(w: np.ndarray, m: np.ndarray, v: np.ndarray, g: np.ndarray,
                 t: np.ndarray, u: np.ndarray, b1: np.ndarray, c1: np.ndarray,
                 c2: np.ndarray, eps: np.ndarray, alpha: np.ndarray) -> None:
    _adam_moments(m, v, g, t, c1, c2)
    # w -= (m * alpha) / (sqrt(v) + eps)
    _mul(m, alpha, u)
    _sqrt(v, t)
    _add(t, eps, t)
    _div(u, t, t)
    _sub(w, t, w)


def _nadam_update(w: np.ndarray, m: np.ndarray, v: np.ndarray, g: np.ndarray,
                  t: np.ndarray, u: np.ndarray, b1: np.ndarray, c1: np.ndarray,
                  c2: np.ndarray, eps: np.ndarray, alpha: np.ndarray) -> None:
    _adam_moments(m, v, g, t, c1, c2)
    # w -= ((g * (1 - beta1) + beta1 * m) * alpha) / (sqrt(v) + eps)
    _mul(g, c1, u)
    _mul(m, b1, t)
    _add(u, t, u)
    _mul(u, alpha, u)
    _sqrt(v, t)
    _add(t, eps, t)
    _div(u, t, t)
    _sub(w, t, w)


@registry.register_kernel("ApplyAdagrad", stateful=True)
def _apply_adagrad(ctx: registry.KernelContext, var: Any, accum: Any, lr: Any,
                   grad: Any) -> None:
    w, a = _buffers(ctx, grad, var, accum)
    # update_slots=False (TF's attr; contrib's RegAdagradOptimizer) leaves accum as it is
    slots = ctx.attrs.get("update_slots", True)
    update_blocks.run(ctx, _adagrad_update if slots else _adagrad_frozen, (w, a), grad,
                      (float(lr), 1.0), scratch=2,
                      fused=update_loops.adagrad if slots else update_loops.adagrad_frozen)


def _adagrad_update(w: np.ndarray, a: np.ndarray, g: np.ndarray, t: np.ndarray,
                    u: np.ndarray, lr: np.ndarray, one: np.ndarray) -> None:
    # accum += g^2; var -= g * lr * rsqrt(accum)
    _mul(g, g, t)
    _add(a, t, a)
    _adagrad_frozen(w, a, g, t, u, lr, one)


def _adagrad_frozen(w: np.ndarray, a: np.ndarray, g: np.ndarray, t: np.ndarray,
                    u: np.ndarray, lr: np.ndarray, one: np.ndarray) -> None:
    # var -= g * lr * rsqrt(accum), accum unchanged
    with np.errstate(divide="ignore", invalid="ignore"):
        _rsqrt(a, t, one)
        _mul(g, lr, u)
        _mul(u, t, t)
    _sub(w, t, w)


def _rsqrt(x: np.ndarray, out: np.ndarray, one: np.ndarray) -> None:
    """out = 1 / sqrt(x): Eigen's scalar ``rsqrt``, which TF's vectorized one (the CPU's
    estimate and a Newton step) approximates within 2 ulp."""
    _sqrt(x, out)
    _div(one, out, out)


@registry.register_kernel("ApplyRMSProp", stateful=True)
def _apply_rmsprop(ctx: registry.KernelContext, var: Any, ms: Any, mom: Any, lr: Any,
                   rho: Any, momentum: Any, epsilon: Any, grad: Any) -> None:
    w, ms_b, mom_b = _buffers(ctx, grad, var, ms, mom)
    update_blocks.run(ctx, _rms_update, (w, ms_b, mom_b), grad,
                      (float(lr), 1.0 - float(rho), float(epsilon), float(momentum)),
                      scratch=2, fused=update_loops.rmsprop)


def _rms_update(w: np.ndarray, ms: np.ndarray, mom: np.ndarray, g: np.ndarray,
                t: np.ndarray, u: np.ndarray, lr: np.ndarray, c: np.ndarray,
                eps: np.ndarray, mu: np.ndarray) -> None:
    # TF's ApplyRMSProp, operation for operation (a zero momentum included: TF computes
    # 0 * mom + ..., which keeps a -0 update and a non-finite mom as they are):
    # ms += (g^2 - ms) * (1 - rho) (an infinite g^2 after an infinite one gives NaN)
    with np.errstate(invalid="ignore"):
        _mul(g, g, t)
        _sub(t, ms, t)
        _mul(t, c, t)
        _add(ms, t, ms)
    # mom = mom * momentum + (g * lr) / sqrt(ms + eps); var -= mom
    _add(ms, eps, t)
    _rms_momentum(w, mom, g, t, u, lr, mu)


def _rms_momentum(w: np.ndarray, mom: np.ndarray, g: np.ndarray, t: np.ndarray,
                  u: np.ndarray, lr: np.ndarray, mu: np.ndarray) -> None:
    """mom = mom * momentum + (g * lr) / sqrt(t); var -= mom (``t`` is overwritten)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        _sqrt(t, t)
        _mul(g, lr, u)
        _div(u, t, t)
    _mul(mom, mu, mom)
    _add(mom, t, mom)
    _sub(w, mom, w)


@registry.register_kernel("ApplyCenteredRMSProp", stateful=True)
def _apply_centered_rmsprop(ctx: registry.KernelContext, var: Any, mg: Any, ms: Any,
                            mom: Any, lr: Any, rho: Any, momentum: Any, epsilon: Any,
                            grad: Any) -> None:
    w, mg_b, ms_b, mom_b = _buffers(ctx, grad, var, mg, ms, mom)
    update_blocks.run(ctx, _centered_rms_update, (w, mg_b, ms_b, mom_b), grad,
                      (float(lr), 1.0 - float(rho), float(epsilon), float(momentum)),
                      scratch=2, fused=update_loops.centered_rmsprop)


def _centered_rms_update(w: np.ndarray, mg: np.ndarray, ms: np.ndarray, mom: np.ndarray,
                         g: np.ndarray, t: np.ndarray, u: np.ndarray, lr: np.ndarray,
                         c: np.ndarray, eps: np.ndarray, mu: np.ndarray) -> None:
    # TF's ApplyCenteredRMSProp: ms += (g^2 - ms) * (1 - rho); mg += (g - mg) * (1 - rho)
    with np.errstate(invalid="ignore"):
        _mul(g, g, t)
        _sub(t, ms, t)
        _mul(t, c, t)
        _add(ms, t, ms)
        _sub(g, mg, t)
        _mul(t, c, t)
        _add(mg, t, mg)
        # mom = mom * momentum + (g * lr) / sqrt((ms - mg^2) + eps); var -= mom
        _mul(mg, mg, t)
        _sub(ms, t, t)
    _add(t, eps, t)
    _rms_momentum(w, mom, g, t, u, lr, mu)


@registry.register_kernel("ApplyAdadelta", stateful=True)
def _apply_adadelta(ctx: registry.KernelContext, var: Any, accum: Any, accum_update: Any,
                    lr: Any, rho: Any, epsilon: Any, grad: Any) -> None:
    w, acc, acc_up = _buffers(ctx, grad, var, accum, accum_update)
    rho_ = float(rho)
    update_blocks.run(ctx, _adadelta_update, (w, acc, acc_up), grad,
                      (float(lr), rho_, 1.0 - rho_, float(epsilon), 1.0), scratch=2,
                      fused=update_loops.adadelta)


def _mean_square_step(ms: np.ndarray, g: np.ndarray, t: np.ndarray, rho: np.ndarray,
                      c: np.ndarray) -> None:
    """ms = ms * rho + g^2 * (1 - rho) (``c`` is ``1 - rho``; ``t`` is scratch)."""
    _mul(ms, rho, ms)
    _mul(g, g, t)
    _mul(t, c, t)
    _add(ms, t, ms)


def _adadelta_update(w: np.ndarray, acc: np.ndarray, acc_up: np.ndarray, g: np.ndarray,
                     t: np.ndarray, u: np.ndarray, lr: np.ndarray, rho: np.ndarray,
                     c: np.ndarray, eps: np.ndarray, one: np.ndarray) -> None:
    # TF's ApplyAdadelta: accum = accum * rho + g^2 * (1 - rho)
    _mean_square_step(acc, g, t, rho, c)
    # update = sqrt(accum_update + eps) * rsqrt(accum + eps) * g
    _add(acc, eps, t)
    _rsqrt(t, t, one)
    _add(acc_up, eps, u)
    _sqrt(u, u)
    _mul(u, t, u)
    _mul(u, g, u)
    # accum_update = accum_update * rho + update^2 * (1 - rho); var -= update * lr
    _mean_square_step(acc_up, u, t, rho, c)
    _mul(u, lr, u)
    _sub(w, u, w)


registry.not_differentiable(
    "ApplyGradientDescent", "ApplyMomentum", "ApplyAdam", "ApplyAdagrad", "ApplyRMSProp",
    "ApplyCenteredRMSProp", "ApplyAdadelta")


def variable_buffers(ctx: registry.KernelContext, grad: Any, *refs: Any) -> tuple:
    """The session buffers of an update kernel's variable inputs (checked as
    ``_buffers`` does); for update kernels defined in other modules."""
    return _buffers(ctx, grad, *refs)


__all__ = ["apply_op", "variable_buffers"]
