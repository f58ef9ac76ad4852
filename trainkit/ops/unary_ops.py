"""One-input elementwise math ops (NumPy kernels): ``negative abs sign square sqrt rsqrt
exp log log1p sin cos tanh sigmoid reciprocal floor ceil round is_nan is_finite is_inf``,
plus the fused gradient ops ``TanhGrad`` / ``SigmoidGrad`` that the gradient rules use
(the kernels of those four and of ``Sigmoid``/``Tanh`` are in ``sigmoid_tanh_kernels``).

Transcendental functions accept floating dtypes only (``TypeError`` otherwise, as TF);
``negative square sqrt rsqrt exp log log1p sin cos tanh sigmoid reciprocal`` also take
complex64/128
(principal branches, as NumPy and TF). ``abs`` of a complex tensor is
``complex_ops.abs``.
``log(0)``, ``sqrt(-1)``, ``exp(1000)`` give ``-inf``/``nan``/``inf`` silently.

Example:
    >>> import trainkit as tk
    >>> tk.sqrt(tk.constant([4.0, 9.0])).shape.as_list()
    [2]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import (
    comparison_ops,
    sigmoid_tanh_kernels,  # noqa: F401  (Sigmoid, Tanh, *Grad kernels)
)
from trainkit.ops.cast_ops import cast
from trainkit.ops.denormals import flush_to_zero
from trainkit.ops.elementwise import (
    FLOAT,
    FLOAT_OR_COMPLEX,
    NUMERIC,
    NUMERIC_OR_COMPLEX,
    binary_op,
    quiet,
    unary_op,
)
from trainkit.ops.op_util import make_op


def negative(x: Any, name: str | None = None) -> Tensor:
    """``-x`` elementwise."""
    return unary_op("Neg", x, name or "Neg", NUMERIC_OR_COMPLEX)


def abs(x: Any, name: str | None = None) -> Tensor:  # noqa: A001 - TF's public name
    """``|x|`` elementwise."""
    return unary_op("Abs", x, name or "Abs", NUMERIC)


def sign(x: Any, name: str | None = None) -> Tensor:
    """-1, 0 or 1 elementwise (0 for NaN is not guaranteed: NaN stays NaN); for a complex
    ``x`` ``x / |x|`` (0 where ``x`` is 0), built of differentiable ops as TF builds it."""
    x = conversion.convert_to_tensor(x)
    if not x.dtype.is_complex:
        return unary_op("Sign", x, name or "Sign", NUMERIC)
    with name_scope(name or "Sign"):
        real = x.dtype.real_dtype
        mod = make_op("ComplexAbs", [x], [real], name="ComplexAbs",
                      attrs={"T": x.dtype, "Tout": real}, shapes=[x.shape]).outputs[0]
        mod = cast(mod, x.dtype)
        zero = comparison_ops.equal(mod, 0)
        q = binary_op("RealDiv", x, mod + cast(zero, x.dtype), "div", FLOAT_OR_COMPLEX)
        return comparison_ops.where(zero, mod * 0, q)  # no gradient where x is 0


def square(x: Any, name: str | None = None) -> Tensor:
    """``x * x`` elementwise."""
    return unary_op("Square", x, name or "Square", NUMERIC_OR_COMPLEX)


def sqrt(x: Any, name: str | None = None) -> Tensor:
    """The square root (NaN for negative inputs)."""
    return unary_op("Sqrt", x, name or "Sqrt", FLOAT_OR_COMPLEX)


def rsqrt(x: Any, name: str | None = None) -> Tensor:
    """``1 / sqrt(x)`` elementwise."""
    return unary_op("Rsqrt", x, name or "Rsqrt", FLOAT_OR_COMPLEX)


def exp(x: Any, name: str | None = None) -> Tensor:
    """``e ** x`` elementwise."""
    return unary_op("Exp", x, name or "Exp", FLOAT_OR_COMPLEX)


def log(x: Any, name: str | None = None) -> Tensor:
    """The natural logarithm (``-inf`` at 0, NaN below)."""
    return unary_op("Log", x, name or "Log", FLOAT_OR_COMPLEX)


def log1p(x: Any, name: str | None = None) -> Tensor:
    """``log(1 + x)``, accurate for small ``x``."""
    return unary_op("Log1p", x, name or "Log1p", FLOAT_OR_COMPLEX)


def sin(x: Any, name: str | None = None) -> Tensor:
    """The sine elementwise."""
    return unary_op("Sin", x, name or "Sin", FLOAT_OR_COMPLEX)


def cos(x: Any, name: str | None = None) -> Tensor:
    """The cosine elementwise."""
    return unary_op("Cos", x, name or "Cos", FLOAT_OR_COMPLEX)


def tanh(x: Any, name: str | None = None) -> Tensor:
    """The hyperbolic tangent elementwise."""
    return unary_op("Tanh", x, name or "Tanh", FLOAT_OR_COMPLEX)


def sigmoid(x: Any, name: str | None = None) -> Tensor:
    """``1 / (1 + exp(-x))`` elementwise."""
    return unary_op("Sigmoid", x, name or "Sigmoid", FLOAT_OR_COMPLEX)


def reciprocal(x: Any, name: str | None = None) -> Tensor:
    """``1 / x`` elementwise (integers divide as in C: truncated toward zero)."""
    return unary_op("Reciprocal", x, name or "Reciprocal", NUMERIC_OR_COMPLEX)


def floor(x: Any, name: str | None = None) -> Tensor:
    """The largest integer not greater than ``x`` (floats)."""
    return unary_op("Floor", x, name or "Floor", FLOAT)


def ceil(x: Any, name: str | None = None) -> Tensor:
    """The smallest integer not less than ``x`` (floats)."""
    return unary_op("Ceil", x, name or "Ceil", FLOAT)


def round(x: Any, name: str | None = None) -> Tensor:  # noqa: A001 - TF's public name
    """Rounds half to even (banker's rounding), like TF."""
    return unary_op("Round", x, name or "Round", NUMERIC)


def is_nan(x: Any, name: str | None = None) -> Tensor:
    """True where ``x`` is NaN."""
    return unary_op("IsNan", x, name or "IsNan", FLOAT, out_dtype=_dt.bool_)


def is_finite(x: Any, name: str | None = None) -> Tensor:
    """True where ``x`` is neither infinite nor NaN."""
    return unary_op("IsFinite", x, name or "IsFinite", FLOAT, out_dtype=_dt.bool_)


def is_inf(x: Any, name: str | None = None) -> Tensor:
    """True where ``x`` is +inf or -inf."""
    return unary_op("IsInf", x, name or "IsInf", FLOAT, out_dtype=_dt.bool_)


def tanh_grad(y: Any, dy: Any, name: str | None = None) -> Tensor:
    """``dy * (1 - y * y)``: the gradient of ``y = tanh(x)`` (one fused op)."""
    return binary_op("TanhGrad", y, dy, name or "TanhGrad", FLOAT_OR_COMPLEX)


def sigmoid_grad(y: Any, dy: Any, name: str | None = None) -> Tensor:
    """``dy * y * (1 - y)``: the gradient of ``y = sigmoid(x)`` (one fused op)."""
    return binary_op("SigmoidGrad", y, dy, name or "SigmoidGrad", FLOAT_OR_COMPLEX)


# -- kernels -----------------------------------------------------------------------------
def _exp(x: Any) -> Any:
    """``np.exp`` with TF's flush-to-zero: ``exp(-90)`` in float32 is 0, not subnormal."""
    return flush_to_zero(np.exp(x))


def _k1(fn: Any, silent: bool = False) -> Any:
    def kernel(ctx: registry.KernelContext, x: Any) -> Any:
        return fn(x)
    return quiet(kernel) if silent else kernel


for _type, _fn, _silent in (
        ("Neg", np.negative, False), ("Abs", np.absolute, False), ("Sign", np.sign, False),
        ("Square", np.square, True), ("Sqrt", np.sqrt, True), ("Exp", _exp, True),
        ("Log", np.log, True), ("Log1p", np.log1p, True), ("Sin", np.sin, True),
        ("Cos", np.cos, True), ("Floor", np.floor, False),
        ("Ceil", np.ceil, False), ("Round", np.round, False), ("IsNan", np.isnan, False),
        ("IsFinite", np.isfinite, False), ("IsInf", np.isinf, False)):
    registry.register_kernel(_type)(_k1(_fn, _silent))


@registry.register_kernel("Rsqrt")
@quiet
def _rsqrt(ctx: registry.KernelContext, x: Any) -> Any:
    return np.divide(1, np.sqrt(x))


@registry.register_kernel("Reciprocal")
@quiet
def _reciprocal(ctx: registry.KernelContext, x: Any) -> Any:
    if x.dtype.kind in "iu":
        if not np.all(x):
            raise errors.InvalidArgumentError(None, None, "Integer division by zero")
        # C semantics (truncation toward zero): 1 / x is x for |x| == 1, else 0.
        return np.where(np.abs(x) == 1, x, np.zeros_like(x))
    return np.divide(1, x)


__all__ = [
    "negative", "abs", "sign", "square", "sqrt", "rsqrt", "exp", "log", "log1p", "sin", "cos",
    "tanh", "sigmoid", "reciprocal", "floor", "ceil", "round", "is_nan", "is_finite",
    "is_inf", "tanh_grad", "sigmoid_grad",
]
