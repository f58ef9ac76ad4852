"""More one-input float math (NumPy kernels): ``tan asin acos atan sinh cosh asinh acosh
atanh expm1 erf erfc rint`` and the two-input ``atan2``; gradients are in
``autodiff/special_math_grad.py``. Out-of-domain inputs give NaN silently, as TF.

Example:
    >>> theta = atan2(y, x)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trainkit.framework import registry
from trainkit.framework.tensor import Tensor
from trainkit.ops.elementwise import FLOAT, binary_op, quiet, unary_op

_ERF = np.vectorize(math.erf, otypes=[np.float64])
_ERFC = np.vectorize(math.erfc, otypes=[np.float64])

_KERNELS = {
    "Tan": np.tan, "Asin": np.arcsin, "Acos": np.arccos, "Atan": np.arctan,
    "Sinh": np.sinh, "Cosh": np.cosh, "Asinh": np.arcsinh, "Acosh": np.arccosh,
    "Atanh": np.arctanh, "Expm1": np.expm1, "Rint": np.rint,
    "Erf": lambda x: _ERF(x).astype(np.asarray(x).dtype),
    "Erfc": lambda x: _ERFC(x).astype(np.asarray(x).dtype),
}


def tan(x: Any, name: str | None = None) -> Tensor:
    """The tangent elementwise."""
    return unary_op("Tan", x, name or "Tan", FLOAT)


def asin(x: Any, name: str | None = None) -> Tensor:
    """The inverse sine (NaN outside [-1, 1])."""
    return unary_op("Asin", x, name or "Asin", FLOAT)


def acos(x: Any, name: str | None = None) -> Tensor:
    """The inverse cosine (NaN outside [-1, 1])."""
    return unary_op("Acos", x, name or "Acos", FLOAT)


def atan(x: Any, name: str | None = None) -> Tensor:
    """The inverse tangent."""
    return unary_op("Atan", x, name or "Atan", FLOAT)


def sinh(x: Any, name: str | None = None) -> Tensor:
    """The hyperbolic sine."""
    return unary_op("Sinh", x, name or "Sinh", FLOAT)


def cosh(x: Any, name: str | None = None) -> Tensor:
    """The hyperbolic cosine."""
    return unary_op("Cosh", x, name or "Cosh", FLOAT)


def asinh(x: Any, name: str | None = None) -> Tensor:
    """The inverse hyperbolic sine."""
    return unary_op("Asinh", x, name or "Asinh", FLOAT)


def acosh(x: Any, name: str | None = None) -> Tensor:
    """The inverse hyperbolic cosine (NaN below 1)."""
    return unary_op("Acosh", x, name or "Acosh", FLOAT)


def atanh(x: Any, name: str | None = None) -> Tensor:
    """The inverse hyperbolic tangent (NaN outside [-1, 1])."""
    return unary_op("Atanh", x, name or "Atanh", FLOAT)


def expm1(x: Any, name: str | None = None) -> Tensor:
    """``exp(x) - 1``, accurate for small ``x``."""
    return unary_op("Expm1", x, name or "Expm1", FLOAT)


def erf(x: Any, name: str | None = None) -> Tensor:
    """The Gauss error function."""
    return unary_op("Erf", x, name or "Erf", FLOAT)


def erfc(x: Any, name: str | None = None) -> Tensor:
    """The complementary error function ``1 - erf(x)``."""
    return unary_op("Erfc", x, name or "Erfc", FLOAT)


def rint(x: Any, name: str | None = None) -> Tensor:
    """Rounds to the nearest integer, halves to even (no gradient)."""
    return unary_op("Rint", x, name or "Rint", FLOAT)


def _kernel(np_fn: Any) -> Any:
    @quiet
    def kernel(ctx: registry.KernelContext, x: Any) -> Any:
        return np_fn(x)
    return kernel


for _op_type, _np_fn in _KERNELS.items():
    registry.register_kernel(_op_type)(_kernel(_np_fn))
registry.not_differentiable("Rint")


def atan2(y: Any, x: Any, name: str | None = None) -> Tensor:
    """The angle of the point ``(x, y)``: ``arctan(y / x)`` in the right quadrant."""
    return binary_op("Atan2", y, x, name or "Atan2", FLOAT)


@registry.register_kernel("Atan2")
@quiet
def _atan2(ctx: registry.KernelContext, y: Any, x: Any) -> Any:
    return np.arctan2(y, x)


__all__ = ["tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "expm1",
           "erf", "erfc", "rint", "atan2"]
