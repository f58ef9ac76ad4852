"""The public ``tf.add``, ``tf.subtract``, ``tf.multiply``, ``tf.pow`` and ``tf.mod``:
the ``math_ops`` functions under TF's default op names.

TF names an operator's op in lower case (``x * y`` -> ``mul``, ``mul/y``) but the public
function's after the op (``tf.multiply(x, 2.0)`` -> ``Mul``, ``Mul/y``). trainkit's own
op builders keep calling ``math_ops`` (lower-case defaults, like the operators TF's
internals mostly use); ``import trainkit as tf`` exports these.

Example:
    >>> import trainkit as tk
    >>> tk.add(tk.constant(1.0), 2.0).name
    'Add:0'
"""

from __future__ import annotations

from typing import Any

from trainkit.framework.tensor import Tensor
from trainkit.ops import math_ops


def add(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x + y`` elementwise, with broadcasting (an ``AddV2`` op named ``Add``)."""
    return math_ops.add(x, y, name=name or "Add")


def subtract(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x - y`` elementwise (a ``Sub`` op named ``Sub``)."""
    return math_ops.subtract(x, y, name=name or "Sub")


def multiply(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x * y`` elementwise (a ``Mul`` op named ``Mul``)."""
    return math_ops.multiply(x, y, name=name or "Mul")


def pow(x: Any, y: Any, name: str | None = None) -> Tensor:  # noqa: A001 - TF's name
    """``x ** y`` elementwise (a ``Pow`` op named ``Pow``)."""
    return math_ops.pow(x, y, name=name or "Pow")


def mod(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x % y`` with the divisor's sign (a ``FloorMod`` op named ``FloorMod``)."""
    return math_ops.mod(x, y, name=name or "FloorMod")


floormod = mod

__all__ = ["add", "subtract", "multiply", "pow", "mod", "floormod"]
