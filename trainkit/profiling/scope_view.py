"""TF's 'scope' view: graph nodes arranged by name (``a/b`` under ``a``), filtered,
ordered and totalled by the profile options, then rendered as TF's tree text.

The rules are TF 2.21's ``tfprof_scope.cc`` / ``tfprof_show.cc``: a node is *accounted*
when one of its types matches ``account_type_regexes``; it is *shown* when its own counts
pass the ``min_*`` limits, its depth is within ``max_depth`` and its name passes the
show/hide regexes. A hidden node's shown descendants are attached to its nearest shown
ancestor; siblings are ordered by ``order_by`` (descending counts, ties by name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from trainkit.profiling.node import GraphNodeProto
from trainkit.profiling.options import Options

ROOT = "_TFProfRoot"
SCOPE_PARENT = "_kTFScopeParent"  # the type of a name-scope node that is not an op


class ScopeNode:
    """One node of the scope tree with its own and total counts."""

    def __init__(self, name: str, float_ops: int = 0, parameters: int = 0,
                 shape: list[int] | None = None, types: Iterable[str] = (SCOPE_PARENT,),
                 op_type: str = SCOPE_PARENT):
        self.name = name
        self.op_type = op_type
        self.float_ops = float_ops
        self.parameters = parameters
        self.shape = shape or []
        self.types = set(types)
        self.children: list[ScopeNode] = []
        self.show_children: list[ScopeNode] = []
        self.account = False
        self.total_float_ops = 0
        self.total_parameters = 0

    def reset_totals(self, with_self: bool) -> None:
        self.total_float_ops = self.float_ops if with_self else 0
        self.total_parameters = self.parameters if with_self else 0

    def add_totals(self, child: ScopeNode) -> None:
        self.total_float_ops += child.total_float_ops
        self.total_parameters += child.total_parameters


def build(nodes: list[ScopeNode]) -> ScopeNode:
    """The root of the name tree over ``nodes``, adding scope nodes for missing prefixes;
    children are in name order, as TF keeps them."""
    by_name = {n.name: n for n in nodes}
    for name in list(by_name):
        while "/" in name:
            name = name.rpartition("/")[0]
            by_name.setdefault(name, ScopeNode(name))
    root = ScopeNode(ROOT)
    for name in sorted(by_name):
        node = by_name[name]
        parent = by_name[name.rpartition("/")[0]] if "/" in name else root
        parent.children.append(node)
    return root


def show(root: ScopeNode, opts: Options) -> tuple[GraphNodeProto, str]:
    """Filters, orders and totals the tree under ``root``; returns the result as
    ``GraphNodeProto`` and the tree text (legend line first)."""
    root.reset_totals(with_self=False)
    roots = _account(root.children, opts)
    for node in roots:
        root.add_totals(node)
    if opts.start_name_regexes != [".*"]:
        roots = _search_root(roots, opts.start_name_regexes)
    root.show_children = roots
    _print_scope([root], opts, 1)
    text = [_legend(opts), _format_node(root, opts, 0)]
    return _to_proto(root, opts, 0, text), "".join(text)


def _full_match(regexes: list[str], text: str) -> bool:
    return any(re.fullmatch(r, text) for r in regexes)


def _account(nodes: list[ScopeNode], opts: Options) -> list[ScopeNode]:
    """The nodes (and, under them, descendants) that are accounted or lead to one."""
    kept = []
    everything = opts.account_type_regexes == [".*"]
    for node in nodes:
        below = _account(node.children, opts)
        node.account = everything or any(_full_match(opts.account_type_regexes, t)
                                         for t in node.types)
        if node.account or below:
            node.show_children = below
            node.reset_totals(with_self=True)
            for child in below:
                node.add_totals(child)
            kept.append(node)
    return kept


def _search_root(nodes: list[ScopeNode], regexes: list[str]) -> list[ScopeNode]:
    found = []
    for node in nodes:
        if _full_match(regexes, node.name):
            found.append(node)
        else:
            found += _search_root(node.show_children, regexes)
    return found


def _should_show(node: ScopeNode, opts: Options, depth: int) -> bool:
    if node.name == ROOT:
        return True
    if (node.parameters < opts.min_params or node.float_ops < opts.min_float_ops
            or depth > opts.max_depth):
        return False
    for key in ("min_bytes", "min_peak_bytes", "min_residual_bytes", "min_output_bytes",
                "min_micros", "min_accelerator_micros", "min_cpu_micros", "min_occurrence"):
        if getattr(opts, key) > 0:  # nothing was run: every time/memory/run count is 0
            return False
    if opts.show_name_regexes != [".*"] and not _full_match(opts.show_name_regexes,
                                                            node.name):
        return False
    return not _full_match(opts.hide_name_regexes, node.name)


def _print_scope(nodes: list[ScopeNode], opts: Options, depth: int) -> list[ScopeNode]:
    """The shown nodes among ``nodes``, each with its shown descendants attached."""
    shown = []
    for node in nodes:
        below: list[ScopeNode] = []
        if not _full_match(opts.trim_name_regexes, node.name) and depth <= opts.max_depth:
            below = _print_scope(node.show_children, opts, depth + 1)
        if not _should_show(node, opts, depth):
            shown += below
            continue
        if opts.account_displayed_op_only:
            node.reset_totals(with_self=True)
        node.show_children = _sort(below, opts)
        if opts.account_displayed_op_only:
            for child in node.show_children:
                node.add_totals(child)
        shown.append(node)
    return shown


def _sort(nodes: list[ScopeNode], opts: Options) -> list[ScopeNode]:
    key = {"params": "total_parameters", "float_ops": "total_float_ops"}.get(opts.order_by)
    if key is not None:
        return sorted(nodes, key=lambda n: -getattr(n, key))  # stable: ties keep order
    if opts.order_by in ("name", "occurrence"):
        return sorted(nodes, key=lambda n: n.name)
    return list(nodes)  # time and memory are all 0 without run metadata


def _to_proto(node: ScopeNode, opts: Options, indent: int, text: list[str]) -> GraphNodeProto:
    proto = GraphNodeProto(node.name, node.float_ops, node.total_float_ops, node.parameters,
                           node.total_parameters)
    for child in node.show_children:
        text.append(_format_node(child, opts, indent + 2))
        proto.children.append(_to_proto(child, opts, indent + 2, text))
    return proto


def format_number(n: int) -> str:
    """TF's count format: ``999``, ``1.25k``, ``1.45m``, ``2.00b``."""
    for scale, suffix in ((1e9, "b"), (1e6, "m"), (1e3, "k")):
        if n >= scale:
            return f"{n / scale:.2f}{suffix}"
    return str(n)


def _format_node(node: ScopeNode, opts: Options, indent: int) -> str:
    info = []
    for key, own, total, unit in (("params", node.parameters, node.total_parameters,
                                   "params"),
                                  ("float_ops", node.float_ops, node.total_float_ops,
                                   "flops")):
        if key not in opts.select:
            continue
        if key == "params" and node.shape:
            info.append("x".join(str(d) for d in node.shape))
        mine = format_number(own) if node.account else "--"
        info.append(f"{mine}/{format_number(total)} {unit}")
    return f"{' ' * indent}{node.name} ({', '.join(info)})\n"


def _legend(opts: Options) -> str:
    legends = [name for key, name in (("params", "# parameters"),
                                      ("float_ops", "# float_ops")) if key in opts.select]
    return f"node name | {' | '.join(legends)}\n"
