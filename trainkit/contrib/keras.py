"""``tk.contrib.keras``: TF 1.2-1.3's home of Keras, the same modules as ``tk.keras``.

Example:
    >>> from trainkit.contrib.keras import layers
"""

from __future__ import annotations

from trainkit.keras import (
    Input,
    Model,
    Sequential,
    activations,
    backend,
    callbacks,
    initializers,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    preprocessing,
    regularizers,
    utils,
)

__all__ = ["activations", "backend", "callbacks", "initializers", "layers", "losses",
           "metrics", "models", "optimizers", "preprocessing", "regularizers", "utils",
           "Input", "Model", "Sequential"]
