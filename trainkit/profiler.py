"""``tk.profiler``: TF1's model analyzer (``tf.compat.v1.profiler``) for FLOP and
parameter counts of a graph.

Example:
    >>> flops = tk.profiler.profile(
    ...     graph, options=tk.profiler.ProfileOptionBuilder.float_operation())
    >>> flops.total_float_ops
"""

from __future__ import annotations

from trainkit.profiling.model_analyzer import profile
from trainkit.profiling.node import GraphNodeProto, MultiGraphNodeProto
from trainkit.profiling.option_builder import ProfileOptionBuilder

__all__ = ["GraphNodeProto", "MultiGraphNodeProto", "ProfileOptionBuilder", "profile"]
