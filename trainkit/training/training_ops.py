"""Fused optimizer update kernels (``ApplyGradientDescent``, ``ApplyAdam``, ...).

Each op takes the variable and its slots (their ``VariableV2`` outputs, whose values are
the session's buffers; an uninitialized one fails with the variable's own error), the
hyperparameters as scalar tensors and the gradient last. The kernel updates the session's buffers in
place with ``out=`` and a per-op scratch buffer, so a step allocates almost nothing: this
is where training speed comes from. The ops have no outputs and no gradients.

Example:
    >>> op = apply_op("ApplyGradientDescent", [var], [lr], grad)  # var -= lr * grad
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework.tensor import Operation, Tensor


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


def _scratch(ctx: registry.KernelContext, like: np.ndarray, i: int = 0) -> np.ndarray:
    """A per-op, per-session temporary buffer shaped like ``like``."""
    key = ("scratch", ctx.key, i)
    res = ctx.state.resources
    buf = res.get(key)
    if buf is None or buf.shape != like.shape or buf.dtype != like.dtype:
        buf = res[key] = np.empty_like(like)
    return buf


@registry.register_kernel("ApplyGradientDescent", stateful=True)
def _apply_gd(ctx: registry.KernelContext, var: Any, lr: Any, grad: Any) -> None:
    (v,) = _buffers(ctx, grad, var)
    tmp = _scratch(ctx, v)
    np.multiply(grad, float(lr), out=tmp)
    np.subtract(v, tmp, out=v)


@registry.register_kernel("ApplyMomentum", stateful=True)
def _apply_momentum(ctx: registry.KernelContext, var: Any, accum: Any, lr: Any,
                    momentum: Any, grad: Any) -> None:
    v, a = _buffers(ctx, grad, var, accum)
    lr, mu = float(lr), float(momentum)
    tmp = _scratch(ctx, v)
    a *= mu
    a += grad
    if ctx.attrs.get("use_nesterov", False):
        # var -= lr * grad + lr * momentum * accum
        np.multiply(a, lr * mu, out=tmp)
        v -= tmp
        np.multiply(grad, lr, out=tmp)
        v -= tmp
    else:
        np.multiply(a, lr, out=tmp)
        v -= tmp


@registry.register_kernel("ApplyAdam", stateful=True)
def _apply_adam(ctx: registry.KernelContext, var: Any, m: Any, vv: Any, beta1_power: Any,
                beta2_power: Any, lr: Any, beta1: Any, beta2: Any, epsilon: Any,
                grad: Any) -> None:
    w, m_b, v_b = _buffers(ctx, grad, var, m, vv)
    b1, b2, eps = float(beta1), float(beta2), float(epsilon)
    lr_t = float(lr) * math.sqrt(1.0 - float(beta2_power)) / (1.0 - float(beta1_power))
    tmp = _scratch(ctx, w)
    # m = b1 * m + (1 - b1) * g
    m_b *= b1
    np.multiply(grad, 1.0 - b1, out=tmp)
    m_b += tmp
    # v = b2 * v + (1 - b2) * g^2
    v_b *= b2
    np.multiply(grad, grad, out=tmp)
    tmp *= 1.0 - b2
    v_b += tmp
    # w -= lr_t * m / (sqrt(v) + eps)
    np.sqrt(v_b, out=tmp)
    tmp += eps
    np.divide(m_b, tmp, out=tmp)
    tmp *= lr_t
    w -= tmp


@registry.register_kernel("ApplyAdagrad", stateful=True)
def _apply_adagrad(ctx: registry.KernelContext, var: Any, accum: Any, lr: Any,
                   grad: Any) -> None:
    w, a = _buffers(ctx, grad, var, accum)
    tmp = _scratch(ctx, w)
    np.multiply(grad, grad, out=tmp)
    a += tmp
    with np.errstate(divide="ignore", invalid="ignore"):
        np.sqrt(a, out=tmp)
        np.divide(grad, tmp, out=tmp)
    tmp *= float(lr)
    w -= tmp


@registry.register_kernel("ApplyRMSProp", stateful=True)
def _apply_rmsprop(ctx: registry.KernelContext, var: Any, ms: Any, mom: Any, lr: Any,
                   rho: Any, momentum: Any, epsilon: Any, grad: Any) -> None:
    w, ms_b, mom_b = _buffers(ctx, grad, var, ms, mom)
    _rms_update(ctx, w, ms_b, mom_b, None, float(lr), float(rho), float(momentum),
                float(epsilon), grad)


@registry.register_kernel("ApplyCenteredRMSProp", stateful=True)
def _apply_centered_rmsprop(ctx: registry.KernelContext, var: Any, mg: Any, ms: Any,
                            mom: Any, lr: Any, rho: Any, momentum: Any, epsilon: Any,
                            grad: Any) -> None:
    w, mg_b, ms_b, mom_b = _buffers(ctx, grad, var, mg, ms, mom)
    _rms_update(ctx, w, ms_b, mom_b, mg_b, float(lr), float(rho), float(momentum),
                float(epsilon), grad)


def _rms_update(ctx: registry.KernelContext, w: np.ndarray, ms: np.ndarray,
                mom: np.ndarray, mg: np.ndarray | None, lr: float, rho: float, mu: float,
                eps: float, grad: Any) -> None:
    tmp = _scratch(ctx, w)
    # ms = rho * ms + (1 - rho) * g^2
    ms *= rho
    np.multiply(grad, grad, out=tmp)
    tmp *= 1.0 - rho
    ms += tmp
    if mg is None:
        np.add(ms, eps, out=tmp)
    else:
        # mg = rho * mg + (1 - rho) * g; denominator ms - mg^2 + eps
        mg *= rho
        np.multiply(grad, 1.0 - rho, out=tmp)
        mg += tmp
        np.multiply(mg, mg, out=tmp)
        np.subtract(ms, tmp, out=tmp)
        tmp += eps
    with np.errstate(divide="ignore", invalid="ignore"):
        np.sqrt(tmp, out=tmp)
        np.divide(grad, tmp, out=tmp)
    tmp *= lr
    # mom = momentum * mom + lr * g / sqrt(...); var -= mom
    mom *= mu
    mom += tmp
    w -= mom


@registry.register_kernel("ApplyAdadelta", stateful=True)
def _apply_adadelta(ctx: registry.KernelContext, var: Any, accum: Any, accum_update: Any,
                    lr: Any, rho: Any, epsilon: Any, grad: Any) -> None:
    w, acc, acc_up = _buffers(ctx, grad, var, accum, accum_update)
    rho_, eps = float(rho), float(epsilon)
    tmp = _scratch(ctx, w)
    upd = _scratch(ctx, w, 1)
    # accum = rho * accum + (1 - rho) * g^2
    acc *= rho_
    np.multiply(grad, grad, out=tmp)
    tmp *= 1.0 - rho_
    acc += tmp
    # update = sqrt(accum_update + eps) / sqrt(accum + eps) * g
    np.add(acc_up, eps, out=upd)
    np.sqrt(upd, out=upd)
    np.add(acc, eps, out=tmp)
    np.sqrt(tmp, out=tmp)
    np.divide(upd, tmp, out=upd)
    upd *= grad
    # accum_update = rho * accum_update + (1 - rho) * update^2
    acc_up *= rho_
    np.multiply(upd, upd, out=tmp)
    tmp *= 1.0 - rho_
    acc_up += tmp
    upd *= float(lr)
    w -= upd


registry.not_differentiable(
    "ApplyGradientDescent", "ApplyMomentum", "ApplyAdam", "ApplyAdagrad", "ApplyRMSProp",
    "ApplyCenteredRMSProp", "ApplyAdadelta")

def variable_buffers(ctx: registry.KernelContext, grad: Any, *refs: Any) -> tuple:
    """The session buffers of an update kernel's variable inputs (checked as
    ``_buffers`` does); for update kernels defined in other modules."""
    return _buffers(ctx, grad, *refs)


__all__ = ["apply_op", "variable_buffers"]
