"""``tk.contrib.stateless``: TF1's ``tf.contrib.stateless`` seed-determined random ops
(the same ops as ``tk.random.stateless_*``, under their contrib names)."""

from __future__ import annotations

from trainkit.ops.stateless_random_ops import (
    stateless_multinomial,
    stateless_random_normal,
    stateless_random_uniform,
    stateless_truncated_normal,
)

__all__ = ["stateless_random_uniform", "stateless_random_normal",
           "stateless_truncated_normal", "stateless_multinomial"]
