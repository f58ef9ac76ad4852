"""Ops that pass a value through unchanged: ``identity`` and ``stop_gradient``.

They sit below every other op module (joining, math, arrays all use ``identity``), so
those modules can import them without importing each other.

Example:
    >>> import trainkit as tk
    >>> tk.identity(tk.constant(3.0)).op.type
    'Identity'
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import registry
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import unary


def identity(input: Any, name: str | None = None) -> Tensor:
    """A tensor with the same value as ``input``."""
    return unary("Identity", input, name or "Identity")


@registry.register_kernel("Identity", aliases_input=True)
def _identity_kernel(ctx: registry.KernelContext, x: Any) -> Any:
    return x


def stop_gradient(input: Any, name: str | None = None) -> Tensor:
    """The value of ``input``, treated as a constant by ``gradients``.

    Example:
        >>> x = tk.constant(2.0)
        >>> tk.gradients(x * tk.stop_gradient(x), [x])  # d/dx = stop(x) = 2
    """
    return unary("StopGradient", input, name or "StopGradient")


@registry.register_kernel("StopGradient", aliases_input=True)
def _stop_gradient_kernel(ctx: registry.KernelContext, x: Any) -> Any:
    return x


__all__ = ["identity", "stop_gradient"]
