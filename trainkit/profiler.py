"""``tk.profiler``: TF1's model analyzer (``tf.compat.v1.profiler``) for the FLOP and
parameter counts of a graph, in the 'scope' and 'op' views, with TF's printed report.

Differs from TF: ``Profiler``, ``advise``, ``write_op_log`` and the time/memory views
(which need TF's run-time step stats) are not provided.

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
