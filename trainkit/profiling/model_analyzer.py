"""``profile``: counts a graph's FLOPs and parameters per node and reports them in TF's
'scope' or 'op' view (``tf.compat.v1.profiler.profile``, TF 2.21, graph mode).

Example:
    >>> opts = ProfileOptionBuilder.float_operation()
    >>> profile(graph, options=opts).total_float_ops  # the CNN of the tests
    1446216
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from trainkit import errors
from trainkit.framework.default_graph import get_default_graph
from trainkit.framework.graph import Graph
from trainkit.framework.graph_keys import GraphKeys
from trainkit.framework.tensor import Operation
from trainkit.profiling import flops, op_view, scope_view
from trainkit.profiling.node import GraphNodeProto, MultiGraphNodeProto
from trainkit.profiling.option_builder import TRAINABLE_VARIABLES, ProfileOptionBuilder
from trainkit.profiling.options import parse

_DEFAULT = object()
# Ops whose "shape" attr is the shape of the value they hold: TF counts it as parameters.
_SHAPED_OPS = frozenset({"VariableV2", "Variable", "VarHandleOp", "Placeholder",
                         "PlaceholderWithDefault"})
_BANNERS = ("=" * 25 + "Options" + "=" * 29, "=" * 18 + "Model Analysis Report" + "=" * 22,
            "=" * 22 + "End of Report" + "=" * 26)
_DOCS = {
    "scope": "scope: The nodes in the model graph are organized by their names, which is "
             "hierarchical like filesystem.",
    "op": "op: The nodes are operation kernel type, such as MatMul, Conv2D. Graph nodes "
          "belonging to the same type are aggregated together.",
    "float_ops": "flops: Number of float operations. Note: Please read the implementation "
                 "for the math behind it.",
    "params": "param: Number of parameters (in the Variable).",
}


def profile(graph: Graph | None = None, run_meta: Any = None, op_log: Any = None,
            cmd: str = "scope",
            options: Any = _DEFAULT) -> GraphNodeProto | MultiGraphNodeProto:
    """Profiles ``graph`` (default: the default graph) and prints TF's report.

    Args:
        graph: the graph to profile.
        run_meta: the ``RunMetadata`` of a traced run (``FULL_TRACE``): output shapes the
            graph leaves undefined are set from the shapes that run recorded (as TF
            does, on the graph itself), so ops on e.g. a ``None`` batch get FLOPs.
        op_log: must be None (extra op types/FLOPs from an ``OpLogProto``).
        cmd: ``'scope'`` (the name-scope tree) or ``'op'`` (totals per op type).
        options: a ``ProfileOptionBuilder`` dict; default
            ``ProfileOptionBuilder.trainable_variables_parameter()``.

    Returns:
        For 'scope', the root ``GraphNodeProto`` (``_TFProfRoot``) with the shown nodes
        as children; for 'op', the root ``MultiGraphNodeProto`` whose shown op types
        chain as each other's only child.

    Raises:
        trainkit.errors.InvalidArgumentError: for an unknown ``cmd`` or a bad ``output``.
        trainkit.errors.UnimplementedError: for ``cmd`` 'graph' or 'code', an
            ``op_log``, or options needing run time data.
        TypeError: if ``graph`` is not a ``Graph``.
        TypeError, ValueError: for malformed options (see ``options.parse``).
    """
    if graph is None:
        graph = get_default_graph()
    if not isinstance(graph, Graph):
        raise TypeError(f"graph must be a tk.Graph, got {type(graph).__name__}")
    if options is _DEFAULT:
        options = ProfileOptionBuilder.trainable_variables_parameter()
    if cmd not in ("scope", "graph", "code", "op"):
        raise errors.InvalidArgumentError(None, None, f"unknown cmd: {cmd}\n")
    if cmd not in ("scope", "op"):
        raise errors.UnimplementedError(None, None, f"cmd={cmd!r} is not supported by "
                                        "trainkit's profile; use cmd='scope' or 'op'")
    if op_log is not None:
        raise errors.UnimplementedError(None, None, "profile(op_log=...) is not supported")
    opts = parse(options)
    if run_meta is not None:
        _fill_missing_shapes(graph, run_meta)
    nodes = _graph_nodes(graph, report_missing=run_meta is None)
    if cmd == "op":
        result, tree = op_view.show(nodes, opts)
    else:
        result, tree = scope_view.show(scope_view.build(nodes), opts)
    body = "".join(["\nDoc:\n", _DOCS[cmd], "\n",
                    "".join(_DOCS[s] + "\n" for s in opts.select), "\nProfile:\n", tree])
    if opts.output_type == "file":  # TF writes the report body only
        Path(opts.outfile).write_text(body)
    elif opts.output_type == "stdout":
        options_banner, report_banner, end_banner = _BANNERS
        sys.stdout.write(f"\n{options_banner}\n{opts.to_text()}\n{report_banner}\n{body}"
                         f"\n{end_banner}\n")
        sys.stdout.flush()
    return result


def _fill_missing_shapes(graph: Graph, run_meta: Any) -> None:
    """Merges the output shapes a traced run recorded into the graph's partial shapes."""
    for dev_stats in run_meta.step_stats.dev_stats:
        for stats in dev_stats.node_stats:
            try:
                op = graph.get_operation_by_name(stats.node_name)
            except KeyError:
                continue  # a node the graph does not have (TF: e.g. _Recv)
            if not stats.output or len(stats.output) != len(op.outputs):
                continue
            for out, tensor in zip(stats.output, op.outputs):
                if tensor.shape.is_fully_defined():
                    continue
                dims = [int(getattr(d, "size", d)) for d in
                        out.tensor_description.shape.dim]
                try:
                    tensor.set_shape(tensor.shape.merge_with(dims))
                except ValueError as e:
                    sys.stderr.write(f"Node {stats.node_name} incompatible shapes: {e}.\n")


def _graph_nodes(graph: Graph, report_missing: bool) -> list[scope_view.ScopeNode]:
    """One scope node per op with its FLOPs, parameters and types."""
    trainable = {v.op.name for v in graph.get_collection(GraphKeys.TRAINABLE_VARIABLES)}
    nodes, missing = [], 0
    for op in graph.get_operations():
        try:
            count = flops.float_ops(op)
        except ValueError:  # a shape the rule needs is unknown (or not NHWC): TF counts 0
            missing += 1
            count = 0
        shape, params = _held_shape(op)
        types = {op.type} | ({TRAINABLE_VARIABLES} if op.name in trainable else set())
        nodes.append(scope_view.ScopeNode(op.name, count, params, shape, types, op.type))
    if missing and report_missing:
        sys.stderr.write(f"{missing} ops no flops stats due to incomplete shapes.\n")
    return nodes


def _held_shape(op: Operation) -> tuple[list[int], int]:
    """The shape a variable or placeholder holds and its element count (0 if unknown)."""
    if op.type not in _SHAPED_OPS:
        return [], 0
    shape = op.get_attr("shape")
    if shape.rank is None:
        return [], 0
    dims = [-1 if d is None else int(d) for d in shape.as_list()] or [1]
    if any(d < 0 for d in dims):
        return dims, 0
    count = 1
    for d in dims:
        count *= d
    return dims, count
