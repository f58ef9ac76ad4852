"""TF's 'op' view: graph nodes grouped by op type, sorted by ``order_by`` and listed,
each with its share of the total (TF 2.21's ``tfprof_op.cc``).

An op type counts only its graph nodes whose types match ``account_type_regexes``, and is
accounted when it has any. Its total is its own count plus the totals of the accounted op
types after it in the order (TF's running total, shown as the first percentage).
"""

from __future__ import annotations

import re

from trainkit.profiling.node import GraphNodeProto, MultiGraphNodeProto
from trainkit.profiling.options import Options
from trainkit.profiling.scope_view import ROOT, ScopeNode, format_number


class _OpType:
    def __init__(self, name: str, members: list[ScopeNode]) -> None:
        self.name = name
        self.members = sorted(members, key=lambda n: n.name)
        self.picked: list[ScopeNode] = []
        self.float_ops = self.parameters = 0
        self.total_float_ops = self.total_parameters = 0

    def pick(self, regexes: list[str]) -> bool:
        """Keeps the members matching ``regexes`` (a member matching k regexes counts k
        times, as in TF) and sums their counts; whether any matched."""
        if regexes == [".*"]:
            self.picked = list(self.members)
        else:
            self.picked = [n for r in regexes for n in self.members
                           if any(re.fullmatch(r, t) for t in sorted(n.types))]
        self.float_ops = sum(n.float_ops for n in self.picked)
        self.parameters = sum(n.parameters for n in self.picked)
        self.total_float_ops, self.total_parameters = self.float_ops, self.parameters
        return bool(self.picked)

    def chain(self, after: _OpType | None, with_self: bool = True) -> None:
        self.total_float_ops = self.float_ops if with_self else 0
        self.total_parameters = self.parameters if with_self else 0
        if after is not None:
            self.total_float_ops += after.total_float_ops
            self.total_parameters += after.total_parameters


def show(nodes: list[ScopeNode], opts: Options) -> tuple[MultiGraphNodeProto, str]:
    """Groups ``nodes`` by op type; returns the result and its text (legend first)."""
    by_type: dict[str, list[ScopeNode]] = {}
    for node in nodes:
        by_type.setdefault(node.op_type, []).append(node)
    types = [_OpType(name, members) for name, members in sorted(by_type.items())]
    accounted = {id(t) for t in types if t.pick(opts.account_type_regexes)}
    types = [t for t in _sort(types, opts) if id(t) in accounted]
    root = _OpType(ROOT, [])
    _running_totals(types)
    root.chain(types[0] if types else None, with_self=False)

    start = 0
    if opts.start_name_regexes not in ([], [".*"]):
        start = next((i for i, t in enumerate(types)
                      if any(re.fullmatch(r, t.name) for r in opts.start_name_regexes)),
                     len(types))
    shown = []
    for depth, op_type in enumerate(types[start:]):
        if (any(re.fullmatch(r, op_type.name) for r in opts.trim_name_regexes)
                or depth > opts.max_depth):
            break
        if _should_show(op_type, opts, depth):
            shown.append(op_type)
    if opts.account_displayed_op_only:
        _running_totals(shown)
        root.chain(shown[0] if shown else None, with_self=False)

    text = _legend(opts) + "".join(_format(t, root, opts) for t in shown)
    proto = _proto(root)
    parent = proto
    for op_type in shown:
        parent.children = [_proto(op_type)]
        parent = parent.children[0]
    return proto, text


def _running_totals(types: list[_OpType]) -> None:
    after = None
    for op_type in reversed(types):
        op_type.chain(after)
        after = op_type


def _sort(types: list[_OpType], opts: Options) -> list[_OpType]:
    key = {"params": "total_parameters", "float_ops": "total_float_ops"}.get(opts.order_by)
    if key is not None:
        return sorted(types, key=lambda t: -getattr(t, key))
    if opts.order_by in ("name", "occurrence"):
        return sorted(types, key=lambda t: t.name)
    return list(types)


def _should_show(op_type: _OpType, opts: Options, depth: int) -> bool:
    # Unlike the scope view, TF filters op types by their running totals.
    if (op_type.total_parameters < opts.min_params
            or op_type.total_float_ops < opts.min_float_ops or depth > opts.max_depth):
        return False
    for key in ("min_bytes", "min_peak_bytes", "min_residual_bytes", "min_output_bytes",
                "min_micros", "min_accelerator_micros", "min_cpu_micros"):
        if getattr(opts, key) > 0:  # nothing was run: every time and memory count is 0
            return False
    if opts.show_name_regexes != [".*"] and not any(
            re.fullmatch(r, op_type.name) for r in opts.show_name_regexes):
        return False
    return not any(re.fullmatch(r, op_type.name) for r in opts.hide_name_regexes)


def _share(own: int, total: int, root_total: int, unit: str) -> str:
    accumulated = percent = 0.0
    if total > 0:
        accumulated, percent = 100.0 * total / root_total, 100.0 * own / root_total
    return f"{format_number(own)} {unit} ({accumulated:.2f}%, {percent:.2f}%)".rjust(30)


def _format(op_type: _OpType, root: _OpType, opts: Options) -> str:
    attrs = []
    if "params" in opts.select:
        attrs.append(_share(op_type.parameters, op_type.total_parameters,
                            root.total_parameters, "params"))
    if "float_ops" in opts.select:
        attrs.append(_share(op_type.float_ops, op_type.total_float_ops,
                            root.total_float_ops, "float_ops"))
    return f"{op_type.name:<25}{', '.join(attrs)}\n"


def _legend(opts: Options) -> str:
    legends = [name for key, name in (("params", "# parameters"),
                                      ("float_ops", "# float_ops")) if key in opts.select]
    return f"node name | {' | '.join(legends)}\n"


def _proto(op_type: _OpType) -> MultiGraphNodeProto:
    graph_nodes = [GraphNodeProto(n.name, n.float_ops, n.float_ops, n.parameters,
                                  n.parameters) for n in sorted(set(op_type.picked),
                                                                key=lambda n: n.name)]
    return MultiGraphNodeProto(op_type.name, op_type.float_ops, op_type.total_float_ops,
                               op_type.parameters, op_type.total_parameters, graph_nodes)
