"""Config-nameable model builders. Each builder's signature is its ``[model]`` schema.

A builder takes the CLI-filled ``features``, ``num_outputs`` and ``training`` plus its own
keyword arguments (the config keys) and returns the output tensor (logits for
classification, predictions for regression). Variables live under the ``model`` variable
scope (opened by the caller) so train and eval graphs match checkpoints. The table lines
are in :mod:`trainkit.cli.components`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np

import trainkit as tk
from trainkit.cli.schema import Fraction, NonNegative, Positive

Activation = Literal["relu", "tanh", "sigmoid", "elu", "leaky_relu", "relu6", "softplus"]
Units = Annotated[list[int], Positive]
L2 = Annotated[float, NonNegative]


def _regularizer(l2: float) -> Any:
    return tk.layers.l2_regularizer(l2) if l2 > 0 else None


def logistic_regression(features: Any, num_outputs: int, training: Any,
                        l2: L2 = 0.0) -> Any:
    """Multinomial logistic regression: one dense layer to the logits (``l2``: weight of
    the L2 penalty on the kernel)."""
    return tk.layers.dense(features, num_outputs, kernel_regularizer=_regularizer(l2),
                           name="logits")


def linear_regression(features: Any, num_outputs: int, training: Any, l2: L2 = 0.0) -> Any:
    """Linear regression: one dense layer to the predictions."""
    return tk.layers.dense(features, num_outputs, kernel_regularizer=_regularizer(l2),
                           name="predictions")


def mlp(features: Any, num_outputs: int, training: Any, hidden_units: Units = (128,),
        activation: Activation = "relu", dropout: Annotated[float, Fraction] = 0.0,
        l2: L2 = 0.0) -> Any:
    """Dense hidden layers with ``activation`` (and dropout), then the logits."""
    act = getattr(tk.nn, activation)
    x = features
    for i, units in enumerate(hidden_units):
        x = tk.layers.dense(x, units, activation=act, kernel_regularizer=_regularizer(l2),
                            name=f"hidden{i}")
        if dropout > 0:
            x = tk.layers.dropout(x, rate=dropout, training=training)
    return tk.layers.dense(x, num_outputs, kernel_regularizer=_regularizer(l2), name="logits")


def cnn(features: Any, num_outputs: int, training: Any, conv_filters: Units = (32,),
        kernel_size: Annotated[int, Positive] = 3, hidden_units: Units = (128,),
        activation: Activation = "relu", dropout: Annotated[float, Fraction] = 0.0,
        l2: L2 = 0.0) -> Any:
    """Conv (SAME) + 2×2 max-pool blocks, then dense hidden layers and the logits."""
    act = getattr(tk.nn, activation)
    x = features
    for i, filters in enumerate(conv_filters):
        x = tk.layers.conv2d(x, filters, kernel_size, padding="same", activation=act,
                             kernel_regularizer=_regularizer(l2), name=f"conv{i}")
        x = tk.layers.max_pooling2d(x, 2, 2, name=f"pool{i}")
    x = tk.layers.flatten(x)
    return mlp(x, num_outputs, training, hidden_units, activation, dropout, l2)


__all__ = ["logistic_regression", "linear_regression", "mlp", "cnn", "Activation", "dense_size",
           "cnn_size"]


# -- sizes, for the memory estimate of ``trainkit check`` (meta ``size=`` in the table) --
def _dense_size(widths: list[int]) -> tuple[int, int]:
    floats = sum(widths)
    params = sum(a * b + b for a, b in zip(widths, widths[1:]))
    return floats, params


def dense_size(args: dict[str, Any], input_shape: tuple[int, ...], num_outputs: int
               ) -> tuple[int, int]:
    """(activation floats per example, parameter count) of logreg/linear/mlp."""
    d_in = int(np.prod(input_shape))
    return _dense_size([d_in, *args.get("hidden_units", ()), num_outputs])


def cnn_size(args: dict[str, Any], input_shape: tuple[int, ...], num_outputs: int
             ) -> tuple[int, int]:
    """(activation floats per example, parameter count) of :func:`cnn`."""
    h, w, c = (tuple(input_shape) + (1, 1, 1))[:3]
    floats, params, k = h * w * c, 0, args["kernel_size"]
    for filters in args["conv_filters"]:
        params += k * k * c * filters + filters
        floats += h * w * filters  # the conv output
        h, w, c = max(1, h // 2), max(1, w // 2), filters
        floats += h * w * c  # the pooled map
    f2, p2 = _dense_size([h * w * c, *args["hidden_units"], num_outputs])
    return floats + f2, params + p2
