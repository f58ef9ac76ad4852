"""Sparse optimizer updates: the TF1 ``SparseApply*`` rules for ``IndexedSlices``
gradients (``embedding_lookup``), updating only the rows a step looked up.

Each op takes the variable and its slots, the hyperparameters, then the gradient's
``values`` and ``indices``. Rows with repeated indices are summed first (TF1's
``_deduplicate_indexed_slices``), then, for each touched row ``i`` with summed gradient
``g``:

* GradientDescent: ``var[i] -= lr g`` for each occurrence in turn (TF1 scatters
  ``values * lr`` without summing repeated indices);
* Momentum: ``accum[i] = momentum accum[i] + g``; ``var[i] -= lr accum[i]`` (Nesterov:
  ``var[i] -= lr g + lr momentum accum[i]``); Keras's momentum
  (``SparseApplyKerasMomentum``): ``accum[i] = momentum accum[i] - lr g``;
  ``var[i] += accum[i]`` (Nesterov: ``var[i] += momentum accum[i] - lr g``);
* Adagrad: ``accum[i] += g^2``; ``var[i] -= lr g / sqrt(accum[i])``;
* RMSProp: ``ms[i] = rho ms[i] + (1 - rho) g^2``; ``mom[i] = momentum mom[i] +
  lr g / sqrt(ms[i] + eps)`` (centered: ``mg[i] = rho mg[i] + (1 - rho) g``, denominator
  ``sqrt(ms[i] - mg[i]^2 + eps)``); ``var[i] -= mom[i]``;
* Adadelta: as the dense rule, on the touched rows;
* Adam (TF1 ``AdamOptimizer._apply_sparse``, not LazyAdam): ``m = beta1 m`` and
  ``v = beta2 v`` for **all** rows, then ``m[i] += (1 - beta1) g``,
  ``v[i] += (1 - beta2) g^2``, and ``var -= lr_t m / (sqrt(v) + eps)`` for all rows.

The float operations are TF's, in its order and the variable's dtype (the per-row Eigen
expressions of ``training_ops.cc``, e.g. ``rsqrt(ms + eps) * lr * g``, and TF1's graphs
for Adam and GradientDescent); ``tests/training/test_update_order.py`` compares them
with TF 2.21's bits.

Example:
    >>> op = apply_sparse_op("SparseApplyAdagrad", [var, accum], [lr], grad_slices)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework.indexed_slices import IndexedSlices
from trainkit.framework.tensor import Operation, Tensor


def apply_sparse_op(op_type: str, variables: list, scalars: list, grad: IndexedSlices,
                    name: str | None = None, attrs: dict | None = None) -> Operation:
    """Creates a sparse update op writing ``variables`` (the variable first, then slots)."""
    refs = []
    for v in variables:
        op = getattr(v, "op", None)
        if not isinstance(op, Operation):
            raise TypeError(f"{op_type}: expected a Variable, got {v!r}.")
        refs.append(op.outputs[0])
    dtype = refs[0].dtype.base_dtype
    sc = [conversion.convert_to_tensor(s) if isinstance(s, Tensor)
          else conversion.convert_to_tensor(s, dtype=dtype) for s in scalars]
    graph = refs[0].graph
    return graph.create_op(op_type, refs + sc + [grad.values, grad.indices], [],
                           name=name or op_type, attrs=dict(attrs or {}))


def _rows(ctx: registry.KernelContext, values: Any, indices: Any, *refs: Any
          ) -> tuple[np.ndarray, np.ndarray]:
    """The unique row indices and their summed gradient rows, after checking buffers."""
    idx, vals = _checked(ctx, values, indices, *refs)
    uniq, inv = np.unique(idx, return_inverse=True)
    if uniq.size == idx.size:
        order = np.argsort(idx, kind="stable")
        return idx[order], vals[order]
    summed = np.zeros((uniq.size,) + vals.shape[1:], dtype=refs[0].dtype)
    np.add.at(summed, inv.reshape(-1), vals)
    return uniq, summed


def _checked(ctx: registry.KernelContext, values: Any, indices: Any, *refs: Any
             ) -> tuple[np.ndarray, np.ndarray]:
    """The flat indices and the values, after checking the buffers, the values' shape and
    the indices' range."""
    for r in refs:
        if type(r) is not np.ndarray:
            err = getattr(r, "error", None)
            if err is not None:
                raise err()
            raise errors.InvalidArgumentError(
                None, None, f"{ctx.op.type} needs variable buffers, got {type(r).__name__}.")
    var = refs[0]
    idx = np.asarray(indices).reshape(-1)
    vals = np.asarray(values)
    if vals.shape != (idx.size,) + var.shape[1:]:
        raise errors.InvalidArgumentError(
            None, None, f"values shape {list(vals.shape)} does not match indices "
                        f"{[idx.size]} and var shape {list(var.shape)}: values must be "
                        f"[len(indices)] + var.shape[1:]")
    n = var.shape[0] if var.ndim else 0
    bad = (idx < 0) | (idx >= n)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise errors.InvalidArgumentError(
            None, None, f"indices[{j}] = {idx[j]} is not in [0, {n})")
    return idx, vals


@registry.register_kernel("SparseApplyGradientDescent", stateful=True)
def _sparse_gd(ctx: registry.KernelContext, var: Any, lr: Any, values: Any,
               indices: Any) -> None:
    # TF1's GradientDescentOptimizer scatters lr * values without summing repeated
    # indices first: each occurrence is subtracted in turn
    i, g = _checked(ctx, values, indices, var)
    np.subtract.at(var, i, g * float(lr))


@registry.register_kernel("SparseApplyMomentum", stateful=True)
def _sparse_momentum(ctx: registry.KernelContext, var: Any, accum: Any, lr: Any,
                     momentum: Any, values: Any, indices: Any) -> None:
    i, g = _rows(ctx, values, indices, var, accum)
    lr_, mu = float(lr), float(momentum)
    a = accum[i] * mu + g
    accum[i] = a
    if ctx.attrs.get("use_nesterov", False):
        var[i] -= g * lr_ + a * (mu * lr_)
    else:
        var[i] -= a * lr_


@registry.register_kernel("SparseApplyKerasMomentum", stateful=True)
def _sparse_keras_momentum(ctx: registry.KernelContext, var: Any, accum: Any, lr: Any,
                           momentum: Any, values: Any, indices: Any) -> None:
    # Keras's momentum (TF's ResourceSparseApplyKerasMomentum): accum = accum * momentum
    # - lr * g; var += accum (Nesterov: var += accum * momentum - lr * g)
    i, g = _rows(ctx, values, indices, var, accum)
    lr_, mu = float(lr), float(momentum)
    a = accum[i] * mu - g * lr_
    accum[i] = a
    if ctx.attrs.get("use_nesterov", False):
        var[i] += a * mu - g * lr_
    else:
        var[i] += a


@registry.register_kernel("SparseApplyAdagrad", stateful=True)
def _sparse_adagrad(ctx: registry.KernelContext, var: Any, accum: Any, lr: Any,
                    values: Any, indices: Any) -> None:
    i, g = _rows(ctx, values, indices, var, accum)
    if ctx.attrs.get("update_slots", True):  # False: contrib's RegAdagradOptimizer
        a = accum[i] + g * g
        accum[i] = a
    else:
        a = accum[i]
    step = float(lr) * g
    with np.errstate(divide="ignore", invalid="ignore"):
        # TF: lr g rsqrt(accum) on rows, lr g / sqrt(accum) for a vector variable
        var[i] -= step / np.sqrt(a) if var.ndim == 1 else step * _rsqrt(a)


def _rsqrt(x: np.ndarray) -> np.ndarray:
    """1 / sqrt(x) in x's dtype: Eigen's scalar ``rsqrt``, which TF's vectorized one
    (the CPU's estimate and a Newton step) approximates within 2 ulp."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return x.dtype.type(1) / np.sqrt(x)


def _sparse_rms(var: np.ndarray, ms: np.ndarray, mom: np.ndarray, mg: np.ndarray | None,
                i: np.ndarray, g: np.ndarray, lr: float, rho: float, mu: float,
                eps: float) -> None:
    # TF's SparseApply(Centered)RMSProp per row: ms = ms rho + g^2 (1 - rho) (not the
    # dense kernels' ms += (g^2 - ms) (1 - rho)); mom = mom mu + rsqrt(ms + eps) lr g
    # (centered: rsqrt((ms + eps) - mg^2))
    ms_i = ms[i] * rho + g * g * (1.0 - rho)
    ms[i] = ms_i
    if mg is None:
        denom = ms_i + eps
    else:
        mg_i = mg[i] * rho + g * (1.0 - rho)
        mg[i] = mg_i
        denom = (ms_i + eps) - mg_i * mg_i
    mom_i = mom[i] * mu + _rsqrt(denom) * lr * g
    mom[i] = mom_i
    var[i] -= mom_i


@registry.register_kernel("SparseApplyRMSProp", stateful=True)
def _sparse_rmsprop(ctx: registry.KernelContext, var: Any, ms: Any, mom: Any, lr: Any,
                    rho: Any, momentum: Any, epsilon: Any, values: Any, indices: Any) -> None:
    i, g = _rows(ctx, values, indices, var, ms, mom)
    _sparse_rms(var, ms, mom, None, i, g, float(lr), float(rho), float(momentum),
                float(epsilon))


@registry.register_kernel("SparseApplyCenteredRMSProp", stateful=True)
def _sparse_centered_rmsprop(ctx: registry.KernelContext, var: Any, mg: Any, ms: Any,
                             mom: Any, lr: Any, rho: Any, momentum: Any, epsilon: Any,
                             values: Any, indices: Any) -> None:
    i, g = _rows(ctx, values, indices, var, mg, ms, mom)
    _sparse_rms(var, ms, mom, mg, i, g, float(lr), float(rho), float(momentum),
                float(epsilon))


@registry.register_kernel("SparseApplyAdadelta", stateful=True)
def _sparse_adadelta(ctx: registry.KernelContext, var: Any, accum: Any, accum_update: Any,
                     lr: Any, rho: Any, epsilon: Any, values: Any, indices: Any) -> None:
    i, g = _rows(ctx, values, indices, var, accum, accum_update)
    rho_, eps = float(rho), float(epsilon)
    a = accum[i] * rho_ + g * g * (1.0 - rho_)
    accum[i] = a
    # TF: sqrt(accum_update + eps) * rsqrt(accum + eps) * g
    update = np.sqrt(accum_update[i] + eps) * _rsqrt(a + eps) * g
    var[i] -= update * float(lr)
    accum_update[i] = accum_update[i] * rho_ + update * update * (1.0 - rho_)


@registry.register_kernel("SparseApplyAdam", stateful=True)
def _sparse_adam(ctx: registry.KernelContext, var: Any, m: Any, v: Any, beta1_power: Any,
                 beta2_power: Any, lr: Any, beta1: Any, beta2: Any, epsilon: Any,
                 values: Any, indices: Any) -> None:
    i, g = _rows(ctx, values, indices, var, m, v)
    b1, b2, eps = float(beta1), float(beta2), float(epsilon)
    # TF1's graph computes the step size with float ops in the variable's dtype
    dt = var.dtype.type
    lr_t = dt(lr) * np.sqrt(dt(1) - dt(beta2_power)) / (dt(1) - dt(beta1_power))
    m *= b1
    m[i] += g * (1.0 - b1)
    v *= b2
    # TF1 writes (g * g) * (1 - beta2); Grappler's arithmetic optimizer evaluates it as
    # (g * (1 - beta2)) * g in a session (bitwise what TF 2.21 gives)
    v[i] += g * (1.0 - b2) * g
    var -= lr_t * m / (np.sqrt(v) + eps)


def sparse_rows(ctx: registry.KernelContext, values: Any, indices: Any, *refs: Any
                ) -> tuple[np.ndarray, np.ndarray]:
    """The sorted unique rows of a sparse gradient and their summed values, after
    checking the variable buffers ``refs`` (the variable first) and the indices; for
    sparse update kernels defined in other modules.

    Raises:
        FailedPreconditionError: if a variable is not initialized.
        InvalidArgumentError: for values of the wrong shape or an index out of range.
    """
    return _rows(ctx, values, indices, *refs)


registry.not_differentiable(
    "SparseApplyGradientDescent", "SparseApplyMomentum", "SparseApplyAdagrad",
    "SparseApplyRMSProp", "SparseApplyCenteredRMSProp", "SparseApplyAdadelta",
    "SparseApplyAdam", "SparseApplyKerasMomentum")

__all__ = ["apply_sparse_op", "sparse_rows"]
