"""``trainkit.config.threading`` (``tf.config.threading``): thread counts for sessions
created without a ``ConfigProto``. Re-exports only."""

from __future__ import annotations

from trainkit.client.runtime_config import (
    get_inter_op_parallelism_threads,
    get_intra_op_parallelism_threads,
    set_inter_op_parallelism_threads,
    set_intra_op_parallelism_threads,
)

__all__ = ["get_inter_op_parallelism_threads", "get_intra_op_parallelism_threads",
           "set_inter_op_parallelism_threads", "set_intra_op_parallelism_threads"]
