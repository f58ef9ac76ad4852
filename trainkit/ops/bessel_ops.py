"""Modified Bessel functions of the first kind, orders 0 and 1 (``tf.math.bessel_i0``,
``bessel_i0e``, ``bessel_i1``, ``bessel_i1e``; the ``e`` forms scaled by ``exp(-|x|)``),
``tf.math.erfcinv`` and ``tf.math.nextafter``.

Values are computed in float64 -- the power series up to ``|x| = 20``, the asymptotic
expansion beyond (its smallest term there is ~1e-17 of the sum) -- and rounded to the
input dtype. Gradients: ``i0' = i1``, ``i1' = i0 - i1 / x`` (0.5 at 0), ``i0e' = i1e -
sign(x) i0e``, ``i1e' = i0e - i1e (sign(x) + 1 / x)`` (0.5 at 0). TF 2.21 gives 1.0 for
``i1'`` at 0; TF 1.x, whose ``bessel_i1`` was ``exp(|x|) * bessel_i1e(x)``, and the
derivative itself give 0.5, which trainkit keeps.

Example:
    >>> tk.math.bessel_i0e([0.0, 1.0])   # [1.0, 0.4657596]
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import array_ops, math_ops, misc_ops
from trainkit.ops.elementwise import FLOAT, binary_op, quiet, unary_op
from trainkit.ops.misc_more import ndtri

#: beyond this |x| the asymptotic expansion is used
_SERIES_LIMIT = 20.0
_TERMS = 60


def _series(x: np.ndarray, order: int) -> np.ndarray:
    """``I_order(x)`` by its power series (``|x| <= 20``)."""
    q = (x / 2.0) ** 2
    term = np.ones_like(x) if order == 0 else x / 2.0
    total = term.copy()
    for k in range(1, _TERMS):
        term = term * q / (k * (k + order))
        total += term
    return total


def _asymptotic_scaled(ax: np.ndarray, order: int) -> np.ndarray:
    """``exp(-x) I_order(x)`` for large positive ``x``."""
    mu = 4.0 * order * order
    term = np.ones_like(ax)
    total = term.copy()
    for k in range(1, 40):
        term = -term * (mu - (2 * k - 1) ** 2) / (k * 8.0 * ax)
        total += term
    return total / np.sqrt(2.0 * math.pi * ax)


def _scaled(x: Any, order: int) -> np.ndarray:
    """``exp(-|x|) I_order(x)`` in float64 (odd in ``x`` for order 1)."""
    x = np.asarray(x, np.float64)
    ax = np.abs(x)
    small = ax <= _SERIES_LIMIT
    out = np.empty_like(ax)
    out[small] = _series(ax[small], order) * np.exp(-ax[small])
    big = ~small & np.isfinite(ax)
    out[big] = _asymptotic_scaled(ax[big], order)
    out[np.isinf(ax)] = 0.0
    out[np.isnan(ax)] = np.nan
    return out if order == 0 else np.sign(x) * out


def _unscaled(x: Any, order: int) -> np.ndarray:
    x = np.asarray(x, np.float64)
    with np.errstate(over="ignore"):
        return _scaled(x, order) * np.exp(np.abs(x))


def bessel_i0(x: Any, name: str | None = None) -> Tensor:
    """``I0(x)``, the modified Bessel function of order 0."""
    return unary_op("BesselI0", x, name or "BesselI0", FLOAT)


def bessel_i0e(x: Any, name: str | None = None) -> Tensor:
    """``exp(-|x|) I0(x)``."""
    return unary_op("BesselI0e", x, name or "BesselI0e", FLOAT)


def bessel_i1(x: Any, name: str | None = None) -> Tensor:
    """``I1(x)``, the modified Bessel function of order 1."""
    return unary_op("BesselI1", x, name or "BesselI1", FLOAT)


def bessel_i1e(x: Any, name: str | None = None) -> Tensor:
    """``exp(-|x|) I1(x)``."""
    return unary_op("BesselI1e", x, name or "BesselI1e", FLOAT)


def erfcinv(x: Any, name: str | None = None) -> Tensor:
    """The inverse of ``erfc`` on ``[0, 2]``: ``-ndtri(x / 2) / sqrt(2)`` (TF's
    formula, so its gradient too)."""
    with name_scope(name, "erfcinv", [x]):
        t = conversion.convert_to_tensor(x, name="start")
        return -ndtri(0.5 * t) * 0.7071067811865476


def nextafter(x1: Any, x2: Any, name: str | None = None) -> Tensor:
    """The next representable value after ``x1`` towards ``x2`` (no gradient)."""
    from trainkit.framework import dtypes as _dt

    return binary_op("NextAfter", x1, x2, name or "NextAfter",
                     frozenset({_dt.float32, _dt.float64}))


def _kernel(fn: Any) -> Any:
    return quiet(lambda ctx, x: np.asarray(fn(x)).astype(np.asarray(x).dtype))


registry.register_kernel("BesselI0")(_kernel(lambda x: _unscaled(x, 0)))
registry.register_kernel("BesselI1")(_kernel(lambda x: _unscaled(x, 1)))
registry.register_kernel("BesselI0e")(_kernel(lambda x: _scaled(x, 0)))
registry.register_kernel("BesselI1e")(_kernel(lambda x: _scaled(x, 1)))
registry.register_kernel("NextAfter")(lambda ctx, a, b: np.nextafter(
    np.asarray(a), np.asarray(b, dtype=np.asarray(a).dtype)))
registry.not_differentiable("NextAfter")


@registry.register_gradient("BesselI0")
def _i0_grad(op: Operation, grad: Tensor) -> list:
    return [grad * bessel_i1(op.inputs[0])]


@registry.register_gradient("BesselI0e")
def _i0e_grad(op: Operation, grad: Tensor) -> list:
    x, y = op.inputs[0], op.outputs[0]
    return [grad * (bessel_i1e(x) - math_ops.sign(x) * y)]


def _at_zero_half(x: Tensor, value: Tensor) -> Tensor:
    """``value``, with 0.5 where ``x == 0`` (the limit the formulas divide by 0 for)."""
    zero = math_ops.equal(x, array_ops.zeros_like(x))
    return misc_ops.where_v2(zero, array_ops.ones_like(x) * 0.5, value)


@registry.register_gradient("BesselI1")
def _i1_grad(op: Operation, grad: Tensor) -> list:
    x, y = op.inputs[0], op.outputs[0]
    safe = misc_ops.where_v2(math_ops.equal(x, array_ops.zeros_like(x)),
                              array_ops.ones_like(x), x)
    return [grad * _at_zero_half(x, bessel_i0(x) - y / safe)]


@registry.register_gradient("BesselI1e")
def _i1e_grad(op: Operation, grad: Tensor) -> list:
    x, y = op.inputs[0], op.outputs[0]
    safe = misc_ops.where_v2(math_ops.equal(x, array_ops.zeros_like(x)),
                              array_ops.ones_like(x), x)
    return [grad * _at_zero_half(x, bessel_i0e(x) - y * (math_ops.sign(x) + 1.0 / safe))]


__all__ = ["bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e", "erfcinv", "nextafter"]
