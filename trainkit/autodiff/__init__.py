"""Reverse-mode differentiation: the ``gradients`` walker and the per-op gradient rules.

Importing this package registers every gradient rule with the op registry (``trainkit``
imports it, so ``import trainkit`` is enough).
"""

from __future__ import annotations

from trainkit.autodiff import (  # noqa: F401 - importing them registers the rules
    array_extras_grad,
    array_grad,
    complex_grad,
    ctc_grad,
    depthwise_grad,
    einsum_grad,
    fft_grad,
    fractional_pool_grad,
    image_projective_grad,
    linalg_decomp_grad,
    linalg_grad,
    math_grad,
    morphology_grad,
    nn_grad,
    rnn_grad,
    segment_grad,
    signal_grad,
    space_batch_grad,
    special_functions_grad,
    special_math_grad,
    tensor_array_grad,
    top_k_grad,
    while_grad,
)
from trainkit.autodiff.gradients import AggregationMethod, UnconnectedGradients, gradients

__all__ = ["gradients", "AggregationMethod", "UnconnectedGradients"]
