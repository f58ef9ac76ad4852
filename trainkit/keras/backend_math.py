"""The elementwise and reducing tensor functions of ``tf.keras.backend`` (``K.mean``,
``K.square``, ``K.relu``, ``K.l2_normalize``, ...), the vocabulary Keras 2 programs write
custom layers, losses, metrics and ``Lambda`` functions in, with tf_keras 2.21's
semantics under ``tf.compat.v1``:

- ``mean``, ``std`` and ``var`` cast a bool tensor to ``floatx()`` first (so
  ``K.mean(K.equal(a, b))`` is a fraction); ``sum``, ``prod``, ``max``, ``min`` do not;
- ``sqrt`` clips negative inputs to 0 before the root (never NaN);
- ``relu(x, alpha, max_value, threshold)`` is Keras's generalized ReLU;
- ``clip`` raises ``max_value`` to ``min_value`` when given the other way round, and
  ``None`` means unbounded.

Example:
    >>> K = tk.keras.backend
    >>> d = K.sqrt(K.maximum(K.sum(K.square(a - b), axis=1, keepdims=True), K.epsilon()))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.tensor import Tensor
from trainkit.keras import backend_config
from trainkit.ops import (
    cast_ops,
    comparison_ops,
    complex_ops,
    math_extras,
    math_ops,
    math_public,
    nn_activations,
    reduction_ops,
    unary_ops,
)


def _float_if_bool(x: Any) -> Tensor:
    x = conversion.convert_to_tensor(x)
    if x.dtype.base_dtype == _dt.bool_:
        x = cast_ops.cast(x, backend_config.floatx())
    return x


# -- reductions --------------------------------------------------------------------------
def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """The mean over ``axis`` (all axes when None); a bool ``x`` counts as 0/1 floats."""
    return reduction_ops.reduce_mean(_float_if_bool(x), axis, keepdims)


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001 - Keras's
    """The sum over ``axis`` (all axes when None)."""
    return reduction_ops.reduce_sum(x, axis, keepdims)


def prod(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """The product over ``axis`` (all axes when None)."""
    return reduction_ops.reduce_prod(x, axis, keepdims)


def max(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """The maximum over ``axis`` (all axes when None)."""
    return reduction_ops.reduce_max(x, axis, keepdims)


def min(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """The minimum over ``axis`` (all axes when None)."""
    return reduction_ops.reduce_min(x, axis, keepdims)


def std(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """The (population) standard deviation over ``axis``; bools count as 0/1 floats."""
    return math_extras.reduce_std(_float_if_bool(x), axis=axis, keepdims=keepdims)


def var(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """The (population) variance over ``axis``; bools count as 0/1 floats."""
    return math_extras.reduce_variance(_float_if_bool(x), axis=axis, keepdims=keepdims)


def any(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Whether any element over ``axis`` is non-zero (``x`` cast to bool first)."""
    return reduction_ops.reduce_any(cast_ops.cast(x, _dt.bool_), axis, keepdims)


def all(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Whether every element over ``axis`` is non-zero (``x`` cast to bool first)."""
    return reduction_ops.reduce_all(cast_ops.cast(x, _dt.bool_), axis, keepdims)


def argmax(x: Any, axis: int = -1) -> Tensor:
    """The index of the largest value along ``axis`` (the last by default)."""
    return reduction_ops.argmax(x, axis)


def argmin(x: Any, axis: int = -1) -> Tensor:
    """The index of the smallest value along ``axis`` (the last by default)."""
    return reduction_ops.argmin(x, axis)


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """``log(sum(exp(x)))`` over ``axis``, computed stably."""
    return math_extras.reduce_logsumexp(x, axis, keepdims)


def cumsum(x: Any, axis: int = 0) -> Tensor:
    """The running sum along ``axis``."""
    return reduction_ops.cumsum(x, axis=axis)


# -- elementwise -------------------------------------------------------------------------
def square(x: Any) -> Tensor:
    """``x * x``."""
    return unary_ops.square(x)


def sqrt(x: Any) -> Tensor:
    """The square root of ``max(x, 0)`` (negative inputs give 0, as in Keras)."""
    x = conversion.convert_to_tensor(x)
    return unary_ops.sqrt(math_ops.maximum(x, np.array(0, x.dtype.as_numpy_dtype)))


def exp(x: Any) -> Tensor:
    """``e ** x``."""
    return unary_ops.exp(x)


def log(x: Any) -> Tensor:
    """The natural logarithm."""
    return unary_ops.log(x)


def abs(x: Any) -> Tensor:  # noqa: A001 - Keras's name
    """The absolute value."""
    return complex_ops.abs(x)


def sign(x: Any) -> Tensor:
    """-1, 0 or 1 by the sign of each element."""
    return unary_ops.sign(x)


def round(x: Any) -> Tensor:  # noqa: A001 - Keras's name
    """Rounds half to even."""
    return unary_ops.round(x)


def pow(x: Any, a: Any) -> Tensor:  # noqa: A001 - Keras's name
    """``x ** a``."""
    return math_public.pow(x, a)


def maximum(x: Any, y: Any) -> Tensor:
    """The elementwise maximum (broadcasting)."""
    return math_ops.maximum(x, y)


def minimum(x: Any, y: Any) -> Tensor:
    """The elementwise minimum (broadcasting)."""
    return math_ops.minimum(x, y)


def clip(x: Any, min_value: Any, max_value: Any) -> Tensor:
    """``x`` clipped to ``[min_value, max_value]``; a ``max_value`` below a numeric
    ``min_value`` is raised to it, and ``None`` leaves that side open."""
    numbers = (int, float)
    if isinstance(min_value, numbers) and isinstance(max_value, numbers) \
            and max_value < min_value:
        max_value = min_value
    lo = -np.inf if min_value is None else min_value
    hi = np.inf if max_value is None else max_value
    return math_ops.clip_by_value(x, lo, hi)


def equal(x: Any, y: Any) -> Tensor:
    """``x == y`` elementwise (a bool tensor)."""
    return comparison_ops.equal(x, y)


def not_equal(x: Any, y: Any) -> Tensor:
    """``x != y`` elementwise."""
    return comparison_ops.not_equal(x, y)


def greater(x: Any, y: Any) -> Tensor:
    """``x > y`` elementwise."""
    return comparison_ops.greater(x, y)


def greater_equal(x: Any, y: Any) -> Tensor:
    """``x >= y`` elementwise."""
    return comparison_ops.greater_equal(x, y)


def less(x: Any, y: Any) -> Tensor:
    """``x < y`` elementwise."""
    return comparison_ops.less(x, y)


def less_equal(x: Any, y: Any) -> Tensor:
    """``x <= y`` elementwise."""
    return comparison_ops.less_equal(x, y)


def cast(x: Any, dtype: Any) -> Tensor:
    """``x`` converted to ``dtype``."""
    return cast_ops.cast(x, dtype)


# -- activations -------------------------------------------------------------------------
def relu(x: Any, alpha: float = 0.0, max_value: float | None = None,
         threshold: float = 0.0) -> Tensor:
    """Keras's generalized ReLU: ``x`` above ``threshold`` (0 by default), else
    ``alpha * (x - threshold)``, capped at ``max_value`` when given."""
    x = conversion.convert_to_tensor(x)
    if alpha != 0.0 and max_value is None and threshold == 0:
        return nn_activations.leaky_relu(x, alpha=alpha)
    negative = None
    if alpha != 0.0:
        negative = nn_activations.relu(threshold - x if threshold != 0 else -x)
    cap = max_value is not None
    if threshold != 0:
        x = x * cast_ops.cast(comparison_ops.greater(x, threshold), x.dtype)
    elif max_value == 6:
        x, cap = nn_activations.relu6(x), False
    else:
        x = nn_activations.relu(x)
    if cap:
        x = math_ops.clip_by_value(x, np.array(0, x.dtype.as_numpy_dtype),
                                   np.array(max_value, x.dtype.as_numpy_dtype))
    if negative is not None:
        x = x - alpha * negative
    return x


def sigmoid(x: Any) -> Tensor:
    """``1 / (1 + exp(-x))``."""
    return unary_ops.sigmoid(x)


def tanh(x: Any) -> Tensor:
    """The hyperbolic tangent."""
    return unary_ops.tanh(x)


def softplus(x: Any) -> Tensor:
    """``log(1 + exp(x))``."""
    return nn_activations.softplus(x)


def softmax(x: Any, axis: int = -1) -> Tensor:
    """The softmax along ``axis``."""
    return nn_activations.softmax(x, axis=axis)


def l2_normalize(x: Any, axis: Any = None) -> Tensor:
    """``x / sqrt(max(sum(x ** 2, axis), 1e-12))``."""
    return math_extras.l2_normalize(x, axis=axis)


__all__ = ["mean", "sum", "prod", "max", "min", "std", "var", "any", "all", "argmax",
           "argmin", "logsumexp", "cumsum", "square", "sqrt", "exp", "log", "abs", "sign",
           "round", "pow", "maximum", "minimum", "clip", "equal", "not_equal", "greater",
           "greater_equal", "less", "less_equal", "cast", "relu", "sigmoid", "tanh",
           "softplus", "softmax", "l2_normalize"]
