"""Reverse-mode differentiation: the ``gradients`` walker and the per-op gradient rules.

Importing this package registers every gradient rule with the op registry (``trainkit``
imports it, so ``import trainkit`` is enough).
"""

from __future__ import annotations

from trainkit.autodiff import array_grad, math_grad, nn_grad, top_k_grad  # noqa: F401
from trainkit.autodiff.gradients import AggregationMethod, UnconnectedGradients, gradients

__all__ = ["gradients", "AggregationMethod", "UnconnectedGradients"]
