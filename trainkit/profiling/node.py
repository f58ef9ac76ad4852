"""``GraphNodeProto``: what ``tk.profiler.profile`` returns (the fields of TF's
``tfprof_output.proto`` message that FLOP and parameter counting fill)."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass
class GraphNodeProto:
    """One profiled node: its own and total (with shown descendants) counts.

    Example:
        >>> flops = tk.profiler.profile(graph, options=opts)
        >>> flops.total_float_ops, [c.name for c in flops.children]
    """

    name: str = ""
    float_ops: int = 0
    total_float_ops: int = 0
    parameters: int = 0
    total_parameters: int = 0
    children: list[GraphNodeProto] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class MultiGraphNodeProto:
    """One op type of the 'op' view: the summed counts of its accounted graph nodes
    (``graph_nodes``, in name order). Shown op types chain as each other's only child,
    and a node's totals are its own counts plus those of the op types after it."""

    name: str = ""
    float_ops: int = 0
    total_float_ops: int = 0
    parameters: int = 0
    total_parameters: int = 0
    graph_nodes: list[GraphNodeProto] = dataclasses.field(default_factory=list)
    children: list[MultiGraphNodeProto] = dataclasses.field(default_factory=list)
