"""``slim.batch_norm`` on its fused path (``fused=None``, 4-D, ``updates_collections=None``)
differentiates twice as TF's fused kernel does: a gradient penalty through it gets no
gradient for a bias the normalization cancels. Numbers from TF 2.21 + tf_slim 1.1.0 on
``tests/ops/layers_impl/bn_second_order.py``'s graph."""

from __future__ import annotations

import pytest

import trainkit as tk
from tests.ops.layers_impl.bn_second_order import penalty_grads

slim = tk.contrib.slim


def test_gradient_penalty_through_fused_slim_batch_norm_matches_tf_slim():
    got_db, got_projection = penalty_grads(tk, lambda t: slim.batch_norm(
        t, decay=0.9, updates_collections=None, epsilon=1e-5, scale=True, is_training=True))
    assert got_db < 1e-4                  # TF: 6.6e-06
    assert got_projection == pytest.approx(41.54230292405966, rel=1e-4)
