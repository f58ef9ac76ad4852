"""``trainkit.bitwise`` (``tf.bitwise``). Re-exports only."""

from __future__ import annotations

from trainkit.ops.bitwise_ops import (
    bitwise_and,
    bitwise_or,
    bitwise_xor,
    invert,
    left_shift,
    right_shift,
)

__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift", "right_shift"]
