"""Elementwise math ops (NumPy kernels) and the tensor operators that use them."""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.framework import registry
from trainkit.framework.tensor import Tensor, register_operator
from trainkit.ops.op_util import binary


def add(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x + y`` elementwise, with NumPy broadcasting."""
    return binary("AddV2", x, y, name or "add")


def subtract(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x - y`` elementwise."""
    return binary("Sub", x, y, name or "sub")


def multiply(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x * y`` elementwise."""
    return binary("Mul", x, y, name or "mul")


@registry.register_kernel("AddV2")
def _add_kernel(ctx: registry.KernelContext, x: Any, y: Any) -> Any:
    return np.add(x, y)


@registry.register_kernel("Sub")
def _sub_kernel(ctx: registry.KernelContext, x: Any, y: Any) -> Any:
    return np.subtract(x, y)


@registry.register_kernel("Mul")
def _mul_kernel(ctx: registry.KernelContext, x: Any, y: Any) -> Any:
    return np.multiply(x, y)


register_operator("add", add)
register_operator("sub", subtract)
register_operator("mul", multiply)

__all__ = ["add", "subtract", "multiply"]
