"""Reverse-mode differentiation: the ``gradients`` walker and the per-op gradient rules.

Importing this package registers every gradient rule with the op registry.
"""

from __future__ import annotations

from trainkit.autodiff.gradients import AggregationMethod, UnconnectedGradients, gradients

__all__ = ["gradients", "AggregationMethod", "UnconnectedGradients"]
