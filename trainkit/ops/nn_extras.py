"""Activations TF1 programs use that compose existing ops (gradients come for free):
``log_sigmoid``, ``swish`` (``silu``) and ``crelu``.

Example:
    >>> y = swish(x)                                   # x * sigmoid(x)
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import join_ops, math_ops
from trainkit.ops.nn_activations import relu, softplus


def log_sigmoid(x: Any, name: str | None = None) -> Tensor:
    """``log(sigmoid(x)) = -softplus(-x)``, stable for large ``|x|``."""
    with name_scope(name, "LogSigmoid", [x]) as scope:
        x = conversion.convert_to_tensor(x, name="x")
        return math_ops.negative(softplus(math_ops.negative(x)), name=scope)


def swish(features: Any, beta: float = 1.0, name: str | None = None) -> Tensor:
    """``features * sigmoid(beta * features)`` (``tf.nn.silu``)."""
    with name_scope(name, "swish", [features]) as scope:
        x = conversion.convert_to_tensor(features, name="features")
        z = x if beta == 1.0 else math_ops.multiply(x, beta)
        return math_ops.multiply(x, math_ops.sigmoid(z), name=scope)


silu = swish


def crelu(features: Any, name: str | None = None, axis: int = -1) -> Tensor:
    """``relu(concat([x, -x], axis))``: twice the channels, both signs kept."""
    with name_scope(name, "CRelu", [features]) as scope:
        x = conversion.convert_to_tensor(features, name="features")
        return relu(join_ops.concat([x, math_ops.negative(x)], axis), name=scope)


__all__ = ["log_sigmoid", "swish", "silu", "crelu"]
