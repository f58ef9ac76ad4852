"""Array ops: identity, reshaping, slicing, joining (NumPy kernels)."""

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


__all__ = ["identity"]
