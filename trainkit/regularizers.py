"""``trainkit.regularizers``: weight regularizers (TF1 ``contrib.layers`` names).

Example:
    >>> reg = tk.regularizers.l2_regularizer(1e-4)
"""

from __future__ import annotations

from trainkit.ops.regularizers import (
    apply_regularization,
    l1_l2_regularizer,
    l1_regularizer,
    l2_regularizer,
    sum_regularizer,
)

__all__ = ["l2_regularizer", "l1_regularizer", "l1_l2_regularizer", "sum_regularizer",
           "apply_regularization"]
