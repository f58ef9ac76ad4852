"""The incomplete gamma and beta functions and the polygamma function, as graph ops:
``igamma`` (the regularized lower incomplete gamma ``P(a, x)``), ``igammac`` (``Q = 1 -
P``), ``betainc`` (the regularized incomplete beta ``I_x(a, b)``) and ``polygamma(a, x)``
(the ``a``-th derivative of the digamma), and two helpers of gradients: ``igamma_grad_a``
and ``random_gamma_grad`` (``random_gamma``'s implicit reparameterization). Kernels are
NumPy in float64: a power series / continued fraction (modified Lentz) for the incomplete
functions, a recurrence up to ``x >= 10`` then the asymptotic (Bernoulli-number) series
for the polygamma, Richardson-extrapolated central differences for ``d P / d a``. The
gradients are in ``autodiff/special_functions_grad.py``. Out-of-domain arguments give NaN
silently, as TF.

Example:
    >>> p = igamma(2.0, 1.5)          # P(2, 1.5) = 1 - 2.5 exp(-1.5) = 0.4422
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainkit.framework import conversion, registry
from trainkit.framework.shapes import broadcast_static
from trainkit.framework.tensor import Tensor
from trainkit.ops.elementwise import FLOAT, binary_op, check_dtype, quiet
from trainkit.ops.math_more import _digamma_np as digamma_np
from trainkit.ops.op_util import make_op

_EPS = 1e-15
_TINY = 1e-300
_MAX_ITER = 500
_LGAMMA = np.vectorize(math.lgamma, otypes=[np.float64])


def igamma(a: Any, x: Any, name: str | None = None) -> Tensor:
    """The regularized lower incomplete gamma function ``P(a, x)``.

    Args:
        a: positive float tensor.
        x: non-negative float tensor of ``a``'s dtype (broadcasts with ``a``).
        name: the op's name.

    Example:
        >>> igamma(1.0, 2.0)       # 1 - exp(-2)
    """
    return binary_op("Igamma", a, x, name or "Igamma", FLOAT)


def igammac(a: Any, x: Any, name: str | None = None) -> Tensor:
    """The regularized upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``."""
    return binary_op("Igammac", a, x, name or "Igammac", FLOAT)


def polygamma(a: Any, x: Any, name: str | None = None) -> Tensor:
    """The polygamma function: the ``a``-th derivative of the digamma at ``x``.

    ``a`` holds non-negative whole numbers (as floats, TF's signature; NaN for others).
    """
    return binary_op("Polygamma", a, x, name or "Polygamma", FLOAT)


def igamma_grad_a(a: Any, x: Any, name: str | None = None) -> Tensor:
    """``d igamma(a, x) / da`` (TF's ``IgammaGradA``; no gradient of its own)."""
    return binary_op("IgammaGradA", a, x, name or "IgammaGradA", FLOAT)


def random_gamma_grad(alpha: Any, sample: Any, name: str | None = None) -> Tensor:
    """``d sample / d alpha`` of a standard Gamma(``alpha``) draw, by implicit
    differentiation of ``igamma(alpha, sample) = u`` (TF's ``RandomGammaGrad``):
    ``-(d igamma / d alpha) / density(sample)``."""
    return binary_op("RandomGammaGrad", alpha, sample, name or "RandomGammaGrad", FLOAT)


def betainc(a: Any, b: Any, x: Any, name: str | None = None) -> Tensor:
    """The regularized incomplete beta function ``I_x(a, b)``.

    Args:
        a, b: positive float tensors.
        x: float tensor in ``[0, 1]``; all three broadcast together and share a dtype.
        name: the op's name.

    Raises:
        TypeError: if the dtypes differ or are not floating.
        ValueError: if the static shapes cannot broadcast.
    """
    name = name or "Betainc"
    ta = conversion.convert_to_tensor(a, name="a")
    tb = conversion.convert_to_tensor(b, name="b", dtype=ta.dtype)
    tx = conversion.convert_to_tensor(x, name="x", dtype=ta.dtype)
    for arg, t in (("a", ta), ("b", tb), ("x", tx)):
        check_dtype("Betainc", name, arg, t, FLOAT)
    try:
        shape = broadcast_static(broadcast_static(ta.shape, tb.shape), tx.shape)
    except ValueError as e:
        raise ValueError(f"Betainc op '{name}': {e}") from None
    return make_op("Betainc", [ta, tb, tx], [ta.dtype], name=name, shapes=[shape]).outputs[0]


# -- kernels -------------------------------------------------------------------------------
def _gamma_series(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``P(a, x)`` by its power series (converges fast for ``x < a + 1``)."""
    term = 1.0 / a
    total = term.copy()
    ap = a.copy()
    for _ in range(_MAX_ITER):
        ap = ap + 1.0
        term = term * x / ap
        total = total + term
        if np.all(np.abs(term) <= np.abs(total) * _EPS):
            break
    return total * np.exp(-x + a * np.log(x) - _LGAMMA(a))


def _gamma_fraction(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``Q(a, x)`` by its continued fraction (modified Lentz; for ``x >= a + 1``)."""
    b = x + 1.0 - a
    c = np.full_like(x, 1.0 / _TINY)
    d = 1.0 / b
    h = d.copy()
    for i in range(1, _MAX_ITER):
        an = -i * (i - a)
        b = b + 2.0
        d = an * d + b
        d = np.where(np.abs(d) < _TINY, _TINY, d)
        c = b + an / c
        c = np.where(np.abs(c) < _TINY, _TINY, c)
        d = 1.0 / d
        delta = d * c
        h = h * delta
        if np.all(np.abs(delta - 1.0) <= _EPS):
            break
    return np.exp(-x + a * np.log(x) - _LGAMMA(a)) * h


def igamma_np(a: Any, x: Any, upper: bool = False) -> np.ndarray:
    """``P(a, x)`` (or ``Q`` with ``upper``) elementwise in float64, NaN off the domain."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    out = np.full(a.shape, np.nan)
    ok = (a > 0) & (x >= 0)
    zero = ok & (x == 0)
    big = ok & np.isinf(x)
    out[zero] = 1.0 if upper else 0.0
    out[big] = 0.0 if upper else 1.0
    rest = ok & ~zero & ~big
    series = rest & (x < a + 1.0)
    frac = rest & ~series
    if series.any():
        p = _gamma_series(a[series], x[series])
        out[series] = 1.0 - p if upper else p
    if frac.any():
        q = _gamma_fraction(a[frac], x[frac])
        out[frac] = q if upper else 1.0 - q
    return out


def _beta_fraction(a: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The continued fraction of ``I_x(a, b)`` (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = np.ones_like(x)
    d = 1.0 - qab * x / qap
    d = np.where(np.abs(d) < _TINY, _TINY, d)
    d = 1.0 / d
    h = d.copy()
    for m in range(1, _MAX_ITER):
        m2 = 2 * m
        for aa in (m * (b - m) * x / ((qam + m2) * (a + m2)),
                   -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))):
            d = 1.0 + aa * d
            d = np.where(np.abs(d) < _TINY, _TINY, d)
            c = 1.0 + aa / c
            c = np.where(np.abs(c) < _TINY, _TINY, c)
            d = 1.0 / d
            delta = d * c
            h = h * delta
        if np.all(np.abs(delta - 1.0) <= _EPS):
            break
    return h


def betainc_np(a: Any, b: Any, x: Any) -> np.ndarray:
    """``I_x(a, b)`` elementwise in float64, NaN off the domain."""
    a, b, x = np.broadcast_arrays(*(np.asarray(v, np.float64) for v in (a, b, x)))
    out = np.full(a.shape, np.nan)
    ok = (a > 0) & (b > 0) & (x >= 0) & (x <= 1)
    out[ok & (x == 0)] = 0.0
    out[ok & (x == 1)] = 1.0
    rest = ok & (x > 0) & (x < 1)
    if rest.any():
        ar, br, xr = a[rest], b[rest], x[rest]
        flip = xr > (ar + 1.0) / (ar + br + 2.0)  # the fraction converges fast below this
        a2, b2 = np.where(flip, br, ar), np.where(flip, ar, br)
        x2 = np.where(flip, 1.0 - xr, xr)
        front = np.exp(_LGAMMA(a2 + b2) - _LGAMMA(a2) - _LGAMMA(b2)
                       + a2 * np.log(x2) + b2 * np.log1p(-x2)) / a2
        val = front * _beta_fraction(a2, b2, x2)
        out[rest] = np.where(flip, 1.0 - val, val)
    return out


def igamma_grad_a_np(a: Any, x: Any) -> np.ndarray:
    """``d P(a, x) / da`` in float64: central differences with one Richardson step (step
    ``1e-3 a``: truncation error ~1e-12, round-off ~1e-11 relative)."""
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    h = 1e-3 * a

    def central(step: np.ndarray) -> np.ndarray:
        return (igamma_np(a + step, x) - igamma_np(a - step, x)) / (2.0 * step)

    out = (4.0 * central(h / 2.0) - central(h)) / 3.0
    return np.where(np.isfinite(x) & (x > 0), out, 0.0)


def random_gamma_grad_np(alpha: Any, sample: Any) -> np.ndarray:
    """``d sample / d alpha`` for standard Gamma draws (0 where the density underflows)."""
    alpha, x = np.broadcast_arrays(np.asarray(alpha, np.float64),
                                   np.asarray(sample, np.float64))
    log_density = (alpha - 1.0) * np.log(x) - x - _LGAMMA(alpha)
    density = np.exp(log_density)
    ok = (density > 0) & np.isfinite(density)
    return np.where(ok, -igamma_grad_a_np(alpha, x) / np.where(ok, density, 1.0), 0.0)


# Bernoulli numbers B_2, B_4, ..., B_20 for the asymptotic polygamma series.
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
              43867 / 798, -174611 / 330)


def polygamma_np(n: Any, x: Any) -> np.ndarray:
    """``psi^(n)(x)`` for whole ``n >= 0`` in float64. At the poles (``x`` a whole number
    ``<= 0``) odd orders give +inf and even orders NaN, and a fractional order gives NaN,
    as TF 2.21."""
    n, x = np.broadcast_arrays(np.asarray(n, np.float64), np.asarray(x, np.float64))
    out = np.full(n.shape, np.nan)
    pole = (x <= 0) & (x == np.floor(x))
    whole = (n >= 0) & (n == np.floor(n)) & np.isfinite(x)
    zero = whole & (n == 0) & ~pole
    out[zero] = digamma_np(x[zero])
    out[whole & pole & (n % 2 == 1)] = np.inf
    ok = whole & (n >= 1) & ~pole
    for order in np.unique(n[ok]):
        sel = ok & (n == order)
        out[sel] = _polygamma_order(int(order), x[sel])
    return out


def _polygamma_order(n: int, x: np.ndarray) -> np.ndarray:
    sign = -1.0 if n % 2 == 0 else 1.0  # (-1)^(n+1)
    fact = math.factorial(n)
    acc = np.zeros_like(x)
    x = x.copy()
    while True:  # psi^(n)(x) = psi^(n)(x + 1) + (-1)^(n+1) n! / x^(n+1)
        small = x < 10.0
        if not small.any():
            break
        acc += np.where(small, sign * fact / np.where(small, x, 1.0) ** (n + 1), 0.0)
        x = np.where(small, x + 1.0, x)
    series = math.factorial(n - 1) / x ** n + fact / (2.0 * x ** (n + 1))
    for k, b2k in enumerate(_BERNOULLI, start=1):
        series += (b2k * math.factorial(2 * k + n - 1) / math.factorial(2 * k)
                   / x ** (2 * k + n))
    return acc + sign * series


def _cast_like(out: np.ndarray, like: Any) -> np.ndarray:
    return out.astype(np.asarray(like).dtype, copy=False)


registry.register_kernel("Igamma")(
    quiet(lambda ctx, a, x: _cast_like(igamma_np(a, x), a)))
registry.register_kernel("Igammac")(
    quiet(lambda ctx, a, x: _cast_like(igamma_np(a, x, upper=True), a)))
registry.register_kernel("Polygamma")(
    quiet(lambda ctx, n, x: _cast_like(polygamma_np(n, x), x)))
registry.register_kernel("IgammaGradA")(
    quiet(lambda ctx, a, x: _cast_like(igamma_grad_a_np(a, x), a)))
registry.register_kernel("RandomGammaGrad")(
    quiet(lambda ctx, a, x: _cast_like(random_gamma_grad_np(a, x), a)))
registry.not_differentiable("IgammaGradA", "RandomGammaGrad")
registry.register_kernel("Betainc")(
    quiet(lambda ctx, a, b, x: _cast_like(betainc_np(a, b, x), a)))

__all__ = ["igamma", "igammac", "polygamma", "betainc", "igamma_grad_a", "random_gamma_grad",
           "igamma_np", "betainc_np", "polygamma_np", "igamma_grad_a_np",
           "random_gamma_grad_np"]
