"""``tk.keras.activations``: Keras's activation functions by name, over ``tk.nn``'s ops.

Example:
    >>> tk.keras.activations.get("relu")(x)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework import conversion
from trainkit.framework.tensor import Tensor
from trainkit.ops import math_ops, nn_activations, special_math_ops

# The logits behind each softmax/sigmoid output made here: Keras's cross-entropies use
# them instead of the probabilities (tf_keras caches them as ``_keras_logits``).
# They are kept in the graph's side table keyed by id(output), so they die with the graph.
_TABLE = "keras.logits"


def keras_logits(output: Any) -> Tensor | None:
    """The logits ``output`` was computed from by :func:`softmax`/:func:`sigmoid`, or None."""
    if not isinstance(output, Tensor):
        return None
    return output.graph.side_table(_TABLE).get(id(output))


def _remember_logits(output: Tensor, logits: Tensor) -> None:
    output.graph.side_table(_TABLE)[id(output)] = logits


def relu(x: Any, alpha: float = 0.0, max_value: float | None = None,
         threshold: float = 0.0) -> Tensor:
    """``max(x, 0)``; with ``alpha``, ``alpha * (x - threshold)`` below ``threshold``;
    clipped at ``max_value`` when given."""
    x = conversion.convert_to_tensor(x)
    if threshold != 0.0:
        keep = math_ops.cast(math_ops.greater(x, threshold), x.dtype)
        y = x * keep + alpha * (x - threshold) * (1.0 - keep)
    elif alpha != 0.0:
        y = nn_activations.leaky_relu(x, alpha=alpha)
    else:
        y = nn_activations.relu(x)
    if max_value is not None:
        y = math_ops.minimum(y, max_value)
    return y


def softmax(x: Any, axis: int = -1) -> Tensor:
    """``exp(x) / sum(exp(x))`` over ``axis``.

    Raises:
        ValueError: for a scalar ``x`` (Keras's "Cannot apply softmax to a tensor that is
            1D").
    """
    x = conversion.convert_to_tensor(x)
    if x.shape.ndims is not None and x.shape.ndims <= 1:
        raise ValueError(f"Cannot apply softmax to a tensor that is 1D. Received input: {x}")
    y = nn_activations.softmax(x, axis=axis)
    _remember_logits(y, x)
    return y


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """``x`` above 0, ``alpha * (exp(x) - 1)`` below."""
    y = nn_activations.elu(x)
    if alpha == 1.0:
        return y
    x = conversion.convert_to_tensor(x)
    return math_ops.where(math_ops.greater(x, 0.0), y, alpha * y)


def selu(x: Any) -> Tensor:
    """Scaled ELU with the self-normalizing constants."""
    return nn_activations.selu(x)


def softplus(x: Any) -> Tensor:
    """``log(exp(x) + 1)``."""
    return nn_activations.softplus(x)


def softsign(x: Any) -> Tensor:
    """``x / (|x| + 1)``."""
    return nn_activations.softsign(x)


def sigmoid(x: Any) -> Tensor:
    """``1 / (1 + exp(-x))``."""
    x = conversion.convert_to_tensor(x)
    y = math_ops.sigmoid(x)
    _remember_logits(y, x)
    return y


def tanh(x: Any) -> Tensor:
    """Hyperbolic tangent."""
    return math_ops.tanh(x)


def exponential(x: Any) -> Tensor:
    """``exp(x)``."""
    return math_ops.exp(x)


def swish(x: Any) -> Tensor:
    """``x * sigmoid(x)``."""
    x = conversion.convert_to_tensor(x)
    return x * math_ops.sigmoid(x)


def linear(x: Any) -> Any:
    """The identity."""
    return x


def hard_sigmoid(x: Any) -> Tensor:
    """Keras's piecewise-linear sigmoid ``clip(0.2 * x + 0.5, 0, 1)`` (the default gate
    activation of the v1 recurrent layers)."""
    x = conversion.convert_to_tensor(x)
    return math_ops.clip_by_value(x * 0.2 + 0.5, 0.0, 1.0)


def gelu(x: Any, approximate: bool = False) -> Tensor:
    """``x * Phi(x)`` with ``Phi`` the standard normal CDF (``0.5 * (1 + erf(x / sqrt 2))``),
    or its tanh approximation when ``approximate``."""
    x = conversion.convert_to_tensor(x)
    if approximate:
        inner = 0.7978845608028654 * (x + 0.044715 * x * x * x)
        return 0.5 * x * (1.0 + math_ops.tanh(inner))
    return 0.5 * x * (1.0 + special_math_ops.erf(x * 0.7071067811865476))


def mish(x: Any) -> Tensor:
    """``x * tanh(softplus(x))``."""
    x = conversion.convert_to_tensor(x)
    return x * math_ops.tanh(nn_activations.softplus(x))


def relu6(x: Any) -> Tensor:
    """``min(max(x, 0), 6)`` (``tf.nn.relu6``)."""
    return nn_activations.relu6(x)


def leaky_relu(x: Any, alpha: float = 0.2) -> Tensor:
    """``x`` above 0, ``alpha * x`` below (``tf.nn.leaky_relu``)."""
    return nn_activations.leaky_relu(x, alpha=alpha)


def log_softmax(x: Any, axis: int = -1) -> Tensor:
    """``x - log(sum(exp(x)))`` over ``axis`` (``tf.nn.log_softmax``)."""
    return nn_activations.log_softmax(x, axis=axis)


_BY_NAME: dict[str, Callable] = {
    "relu": relu, "softmax": softmax, "elu": elu, "selu": selu, "softplus": softplus,
    "softsign": softsign, "sigmoid": sigmoid, "tanh": tanh, "exponential": exponential,
    "swish": swish, "silu": swish, "linear": linear, "hard_sigmoid": hard_sigmoid,
    "gelu": gelu, "mish": mish, "relu6": relu6, "leaky_relu": leaky_relu,
    "log_softmax": log_softmax,
}


def get(identifier: Any) -> Callable:
    """The activation function named by ``identifier`` (None is ``linear``; a callable is
    returned as is).

    Raises:
        ValueError: for an unknown name.
        TypeError: for anything that is neither a name nor callable.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"Unknown activation function '{identifier}' cannot be "
                             "deserialized.")
        return _BY_NAME[identifier]
    if callable(identifier):
        return identifier
    raise TypeError("Could not interpret activation function identifier: "
                    f"{identifier!r}")


def serialize(activation: Callable) -> str:
    """The name of a Keras activation function.

    Raises:
        ValueError: for a function that is not one of this module's.
    """
    for name, fn in _BY_NAME.items():
        if fn is activation:
            return name
    name = getattr(activation, "__name__", None)
    if name is None:
        raise ValueError(f"Cannot serialize {activation!r}.")
    return name


__all__ = ["get", "serialize", "keras_logits", "relu", "softmax", "elu", "selu", "softplus",
           "softsign", "sigmoid", "tanh", "exponential", "swish", "linear", "hard_sigmoid",
           "gelu", "mish", "relu6", "leaky_relu", "log_softmax"]
