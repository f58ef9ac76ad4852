"""The one-line dense layers of ``tf.compat.v1.nn``: ``xw_plus_b`` (``matmul`` then
``bias_add``) and ``relu_layer`` (the same followed by ``relu``), named as TF1 names
them: the last op takes the scope's name (``scores`` for ``name="scores"``).

Example:
    >>> y = xw_plus_b(x, w, b, name="scores")   # y.op.name == "scores"
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops.matmul_ops import matmul
from trainkit.ops.nn_activations import bias_add, relu


def _dense(x: Any, weights: Any, biases: Any, name: str | None, default: str,
           activation: Any = None) -> Tensor:
    with name_scope(name, default, [x, weights, biases]) as scope:
        x = conversion.convert_to_tensor(x, name="x")
        weights = conversion.convert_to_tensor(weights, name="weights")
        biases = conversion.convert_to_tensor(biases, name="biases")
        mm = matmul(x, weights)
        if activation is None:
            return bias_add(mm, biases, name=scope)
        return activation(bias_add(mm, biases), name=scope)


def xw_plus_b(x: Any, weights: Any, biases: Any, name: str | None = None) -> Tensor:
    """``matmul(x, weights) + biases`` for a 2-D ``x`` and 1-D ``biases``."""
    return _dense(x, weights, biases, name, "xw_plus_b")


def relu_layer(x: Any, weights: Any, biases: Any, name: str | None = None) -> Tensor:
    """``relu(matmul(x, weights) + biases)``."""
    return _dense(x, weights, biases, name, "relu_layer", relu)
