"""``zero_fraction`` and ``batch_normalization`` (``tf.compat.v1.nn``), built from
differentiable primitives (so they need no gradient rules of their own).

Example:
    >>> mean, var = tk.nn.moments(x, [0])
    >>> y = batch_normalization(x, mean, var, offset=beta, scale=gamma,
    ...                         variance_epsilon=1e-3)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import comparison_ops, math_ops, reduction_ops


def zero_fraction(value: Any, name: str | None = None) -> Tensor:
    """The fraction of entries of ``value`` equal to zero, as a float32 scalar."""
    with name_scope(name, "zero_fraction", [value]):
        x = conversion.convert_to_tensor(value, name="value")
        zero = conversion.convert_to_tensor(0, dtype=x.dtype) if x.dtype is not _dt.string \
            else None
        if zero is None:
            raise TypeError(f"zero_fraction: value must be numeric, got {x.dtype.name}.")
        is_zero = math_ops.cast(comparison_ops.equal(x, zero), _dt.float32)
        return reduction_ops.reduce_mean(is_zero, name="fraction")


def batch_normalization(x: Any, mean: Any, variance: Any, offset: Any, scale: Any,
                        variance_epsilon: float, name: str | None = None) -> Tensor:
    """``scale * (x - mean) / sqrt(variance + variance_epsilon) + offset``.

    ``offset`` and ``scale`` may be None (0 and 1). All inputs broadcast against ``x``.
    """
    with name_scope(name, "batchnorm", [x, mean, variance, scale, offset]):
        xt = conversion.convert_to_tensor(x)
        inv = math_ops.rsqrt(conversion.convert_to_tensor(variance) + variance_epsilon)
        if scale is not None:
            inv = inv * scale
        m = conversion.convert_to_tensor(mean)
        shift = offset - m * inv if offset is not None else -m * inv
        return xt * math_ops.cast(inv, xt.dtype) + math_ops.cast(shift, xt.dtype)


def batch_norm_with_global_normalization(t: Any = None, m: Any = None, v: Any = None,
                                         beta: Any = None, gamma: Any = None,
                                         variance_epsilon: Any = None,
                                         scale_after_normalization: Any = None,
                                         name: str | None = None, input: Any = None,  # noqa: A002
                                         mean: Any = None, variance: Any = None) -> Tensor:
    """TF1's older batch norm: :func:`batch_normalization` of ``t`` (or ``input``) with
    ``m``/``v`` (or ``mean``/``variance``), offset ``beta`` and, when
    ``scale_after_normalization``, scale ``gamma``.

    Raises:
        ValueError: a required argument missing.
    """
    t = input if t is None else t
    m = mean if m is None else m
    v = variance if v is None else v
    if any(a is None for a in (t, m, v, beta, gamma, variance_epsilon,
                               scale_after_normalization)):
        raise ValueError("batch_norm_with_global_normalization needs t, m, v, beta, gamma, "
                         "variance_epsilon and scale_after_normalization.")
    return batch_normalization(t, m, v, beta, gamma if scale_after_normalization else None,
                               variance_epsilon, name)


__all__ = ["zero_fraction", "batch_normalization", "batch_norm_with_global_normalization"]
