"""Reverse-mode differentiation: the ``gradients`` walker and the per-op gradient rules.

Importing this package registers every gradient rule with the op registry (``trainkit``
imports it, so ``import trainkit`` is enough).
"""

from __future__ import annotations

import importlib as _importlib

from trainkit.autodiff import math_grad  # noqa: F401 - registers the rules
from trainkit.autodiff.gradients import AggregationMethod, UnconnectedGradients, gradients

# Rule modules being written in parallel register themselves once they exist.
for _name in ("array_grad", "nn_grad"):
    try:
        _importlib.import_module(f"trainkit.autodiff.{_name}")
    except ModuleNotFoundError as _e:
        if _e.name != f"trainkit.autodiff.{_name}":
            raise

__all__ = ["gradients", "AggregationMethod", "UnconnectedGradients"]
