"""``tf.contrib.layers`` regularizers (contrib's scale semantics: L2 is
``scale * sum(w ** 2) / 2``), the same functions as ``tk.regularizers``."""

from __future__ import annotations

from trainkit.ops.regularizers import (
    apply_regularization,
    l1_l2_regularizer,
    l1_regularizer,
    l2_regularizer,
    sum_regularizer,
)

__all__ = ["l1_regularizer", "l2_regularizer", "l1_l2_regularizer", "sum_regularizer",
           "apply_regularization"]
