"""Optimizers of the premade estimators, by name or instance (TF's
``get_optimizer_instance``).

Example:
    >>> get_optimizer_instance("Adagrad", learning_rate=0.05)
"""

from __future__ import annotations

import importlib
from typing import Any

from trainkit.training.optimizer import Optimizer

# Where the training layer defines its optimizers (FtrlOptimizer lives with the proximal
# ones); a name whose class is in none of them is reported, not guessed.
_MODULES = ("trainkit.training.optimizers", "trainkit.training.proximal_optimizers")

_NAMES = {
    "Adagrad": "AdagradOptimizer", "Adam": "AdamOptimizer", "Ftrl": "FtrlOptimizer",
    "RMSProp": "RMSPropOptimizer", "SGD": "GradientDescentOptimizer",
}


def _optimizer_class(name: str) -> type:
    cls = None
    for module in _MODULES:
        try:
            cls = cls or getattr(importlib.import_module(module), _NAMES[name], None)
        except ModuleNotFoundError:
            continue
    if cls is None:
        raise ValueError(f"Optimizer {name!r} ({_NAMES[name]}) is not available in this "
                         f"trainkit build; pass another name "
                         f"({', '.join(n for n in sorted(_NAMES) if n != name)}) or an "
                         f"Optimizer instance.")
    return cls


def get_optimizer_instance(opt: Any, learning_rate: float | None = None) -> Optimizer:
    """An ``Optimizer`` from an instance, a name (``'Adagrad'``, ``'Adam'``, ``'Ftrl'``,
    ``'RMSProp'``, ``'SGD'``, built with ``learning_rate``) or a callable returning one.

    Raises:
        ValueError: an unknown name, a name without ``learning_rate``, a name whose
            optimizer trainkit lacks, or an object that is not an Optimizer.
    """
    if isinstance(opt, str):
        if opt in _NAMES:
            if not learning_rate:
                raise ValueError("learning_rate must be specified when opt is string.")
            return _optimizer_class(opt)(learning_rate=learning_rate)
        raise ValueError(f"Unsupported optimizer name: {opt}. Supported names are: "
                         f"{tuple(sorted(_NAMES))}")
    if callable(opt) and not isinstance(opt, Optimizer):
        opt = opt()
    if not isinstance(opt, Optimizer):
        raise ValueError(f"The given object is not an Optimizer instance. Given: {opt}")
    return opt


__all__ = ["get_optimizer_instance"]
