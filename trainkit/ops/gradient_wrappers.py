"""Wrappers that change what ``tk.gradients`` sees of a function or tensor:
``grad_pass_through`` (identity gradient through ``f``), ``recompute_grad`` (TF's
memory-saving wrapper: here the same values and gradients, nothing to save) and
``guarantee_const`` (an identity promising a constant value; no gradient, as in TF).

Example:
    >>> y = tk.grad_pass_through(tk.round)(x)   # round forward, identity backward
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from trainkit.framework import conversion, registry
from trainkit.framework.tensor import Tensor
from trainkit.ops.custom_gradient_ops import custom_gradient
from trainkit.ops.op_util import make_op


def grad_pass_through(f: Callable) -> Callable:
    """``f`` whose gradient is the identity: each input gets the upstream gradient of the
    output in its position (a straight-through estimator, e.g. around ``round`` or an
    assignment)."""

    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        @custom_gradient
        def inner(*xs: Tensor) -> Any:
            def grad(*dys: Tensor) -> Any:
                return dys[0] if len(dys) == 1 else list(dys)
            return f(*xs, **kwargs), grad
        return inner(*args)

    return wrapped


def recompute_grad(f: Callable) -> Callable:
    """``f`` as TF's ``recompute_grad`` returns it: same outputs and gradients (TF
    recomputes the forward pass during backprop to save memory; trainkit keeps the
    values anyway, so the result is ``f`` itself behind a wrapper)."""

    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return f(*args, **kwargs)

    return wrapped


def guarantee_const(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """``input``, promised constant for the run (TF's ``GuaranteeConst``); it has no
    gradient (``tk.gradients`` through it raises ``LookupError``, as TF)."""
    x = conversion.convert_to_tensor(input, name="input")
    return make_op("GuaranteeConst", [x], [x.dtype], name=name or "GuaranteeConst",
                   shapes=[x.shape]).outputs[0]


@registry.register_kernel("GuaranteeConst", aliases_input=True)
def _guarantee_const(ctx: registry.KernelContext, x: Any) -> Any:
    return x


__all__ = ["grad_pass_through", "recompute_grad", "guarantee_const"]
