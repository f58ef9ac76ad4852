"""Config-nameable model builders (one table, registered beside each definition).

A builder takes ``(features, model_config, num_outputs, training)`` and returns the
output tensor (logits for classification, predictions for regression). Variables live
under the ``model`` variable scope so train and eval graphs match checkpoints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import trainkit as tk
from trainkit.cli.config import ModelConfig

Builder = Callable[[Any, ModelConfig, int, Any], Any]
_MODELS: dict[str, tuple[Builder, bool]] = {}


def register_model(name: str, *, images: bool = False) -> Callable[[Builder], Builder]:
    """Registers a builder under ``name``; ``images`` asks for NHWC inputs.

    Raises:
        KeyError: if ``name`` is taken.
    """

    def deco(fn: Builder) -> Builder:
        if name in _MODELS:
            raise KeyError(f"A model named {name!r} is already registered.")
        _MODELS[name] = (fn, images)
        return fn

    return deco


def get_model(name: str) -> tuple[Builder, bool]:
    """The builder and its input layout.

    Raises:
        KeyError: listing the registered names.
    """
    try:
        return _MODELS[name]
    except KeyError:
        raise KeyError(f"Unknown model {name!r}; registered: {', '.join(sorted(_MODELS))}.") \
            from None


def _activation(name: str) -> Any:
    return getattr(tk.nn, name)


def _regularizer(cfg: ModelConfig) -> Any:
    return tk.layers.l2_regularizer(cfg.l2) if cfg.l2 > 0 else None


@register_model("logreg")
def logistic_regression(x: Any, cfg: ModelConfig, n_out: int, training: Any) -> Any:
    """Multinomial logistic regression: one dense layer to the logits."""
    return tk.layers.dense(x, n_out, kernel_regularizer=_regularizer(cfg), name="logits")


@register_model("linear")
def linear_regression(x: Any, cfg: ModelConfig, n_out: int, training: Any) -> Any:
    """Linear regression: one dense layer to the predictions."""
    return tk.layers.dense(x, n_out, kernel_regularizer=_regularizer(cfg), name="predictions")


@register_model("mlp")
def mlp(x: Any, cfg: ModelConfig, n_out: int, training: Any) -> Any:
    """Dense hidden layers with ``activation`` (and dropout), then the logits."""
    act = _activation(cfg.activation)
    for i, units in enumerate(cfg.hidden_units):
        x = tk.layers.dense(x, units, activation=act, kernel_regularizer=_regularizer(cfg),
                            name=f"hidden{i}")
        if cfg.dropout > 0:
            x = tk.layers.dropout(x, rate=cfg.dropout, training=training)
    return tk.layers.dense(x, n_out, kernel_regularizer=_regularizer(cfg), name="logits")


@register_model("cnn", images=True)
def cnn(x: Any, cfg: ModelConfig, n_out: int, training: Any) -> Any:
    """Conv (SAME) + 2×2 max-pool blocks, then dense hidden layers and the logits."""
    act = _activation(cfg.activation)
    for i, filters in enumerate(cfg.conv_filters):
        x = tk.layers.conv2d(x, filters, cfg.kernel_size, padding="same", activation=act,
                             kernel_regularizer=_regularizer(cfg), name=f"conv{i}")
        x = tk.layers.max_pooling2d(x, 2, 2, name=f"pool{i}")
    x = tk.layers.flatten(x)
    return mlp(x, cfg, n_out, training)


__all__ = ["register_model", "get_model"]


@register_model("lstm", images=True)
def lstm(x: Any, cfg: ModelConfig, n_out: int, training: Any) -> Any:
    """An LSTM per ``hidden_units`` entry reading each example as a sequence (images row
    by row), then the logits (see :mod:`trainkit.cli.sequence_models`)."""
    from trainkit.cli.sequence_models import rnn_classifier

    return rnn_classifier(x, n_out, training, cfg.hidden_units, "lstm", cfg.dropout)


@register_model("gru", images=True)
def gru(x: Any, cfg: ModelConfig, n_out: int, training: Any) -> Any:
    """As ``lstm`` with GRU cells."""
    from trainkit.cli.sequence_models import rnn_classifier

    return rnn_classifier(x, n_out, training, cfg.hidden_units, "gru", cfg.dropout)
