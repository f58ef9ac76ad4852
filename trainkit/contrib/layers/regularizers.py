"""``tf.contrib.layers`` regularizers: the core ones (contrib's scale semantics: L2 is
``scale * sum(w ** 2) / 2``) plus ``sum_regularizer``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trainkit.framework.graph import name_scope
from trainkit.framework.tensor import Tensor
from trainkit.ops import math_ops
from trainkit.ops.regularizers import (
    apply_regularization,
    l1_l2_regularizer,
    l1_regularizer,
    l2_regularizer,
)


def sum_regularizer(regularizer_list: list, scope: str | None = None
                    ) -> Callable[[Any], Tensor | None] | None:
    """A regularizer adding the penalties of ``regularizer_list`` (None entries and None
    penalties are skipped); None when the list holds no regularizer."""
    regs = [r for r in regularizer_list if r is not None]
    if not regs:
        return None

    def sum_reg(weights: Any) -> Tensor | None:
        with name_scope(scope, "sum_regularizer", [weights]) as name:
            parts = [p for p in (r(weights) for r in regs) if p is not None]
            return math_ops.add_n(parts, name=name) if parts else None

    return sum_reg


__all__ = ["l1_regularizer", "l2_regularizer", "l1_l2_regularizer", "sum_regularizer",
           "apply_regularization"]
