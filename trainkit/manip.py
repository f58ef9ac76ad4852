"""``trainkit.manip`` (``tf.manip``): TF 1.x's namespace of tensor-manipulation aliases.
Re-exports only."""

from __future__ import annotations

from trainkit.ops.array_extras import roll
from trainkit.ops.array_ops import gather_nd, reshape, scatter_nd, tile
from trainkit.ops.sequence_ops import reverse
from trainkit.ops.space_batch_ops import batch_to_space_nd, space_to_batch_nd

__all__ = ["batch_to_space_nd", "gather_nd", "reshape", "reverse", "roll", "scatter_nd",
           "space_to_batch_nd", "tile"]
