"""Hyperparameter checks and conversions shared by the ``tf.contrib.opt`` optimizers.

A hyperparameter may be a Python number, a tensor or a zero-argument callable (resolved
when the update ops are built); only numbers can be checked at construction time.

Example:
    >>> check_number("weight_decay", 1e-4, low=0.0)
    >>> lr = resolve(0.1)                      # a float32 scalar tensor
    >>> lr_var = cast_like(lr, var)            # in var's dtype
"""

from __future__ import annotations

import numbers
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.ops import cast_ops


def is_symbolic(value: Any) -> bool:
    """True for a tensor (or something standing for one) or a callable."""
    return (isinstance(value, Tensor) or callable(value)
            or hasattr(value, "_as_graph_element"))


def check_number(name: str, value: Any, low: float | None = None,
                 high: float | None = None, low_open: bool = False,
                 high_open: bool = False) -> None:
    """Validates a Python-number hyperparameter; tensors and callables pass.

    Raises:
        TypeError: if ``value`` is neither a number, a tensor nor a callable.
        ValueError: if the number is outside ``[low, high]`` (open ends as given).
    """
    if is_symbolic(value):
        return
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a number, a tensor or a callable, got {value!r}.")
    v = float(value)
    if low is not None and (v < low or (low_open and v == low)):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {value!r}.")
    if high is not None and (v > high or (high_open and v == high)):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high}, "
                         f"got {value!r}.")


def resolve(value: Any, name: str | None = None) -> Tensor:
    """``value`` (called first if callable) as a tensor, as TF's ``_prepare`` does."""
    if callable(value) and not isinstance(value, Tensor):
        value = value()
    if isinstance(value, Tensor) or hasattr(value, "_as_graph_element"):
        return conversion.convert_to_tensor(value)
    return conversion.convert_to_tensor(value, name=name)


def cast_like(t: Tensor, var: Any) -> Tensor:
    """``t`` in ``var``'s base dtype (``math_ops.cast(t, var.dtype.base_dtype)``)."""
    dtype = var.dtype.base_dtype
    return t if t.dtype.base_dtype == dtype else cast_ops.cast(t, dtype)


__all__ = ["check_number", "resolve", "cast_like", "is_symbolic"]
