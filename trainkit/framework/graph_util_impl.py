"""``tf.graph_util``: ``extract_sub_graph`` and ``convert_variables_to_constants`` on
``GraphDef`` protos (freezing a trained graph for inference).

Example:
    >>> frozen = convert_variables_to_constants(sess, sess.graph.as_graph_def(), ["probs"])
    >>> tk.train.write_graph(frozen, "/tmp/export", "frozen.pb", as_text=False)
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from trainkit.framework import graph_def as _graph_def
from trainkit.framework import loop_frame_def

_SRC = re.compile(r"^\^?([^:]+)")


def _node_name(name: str) -> str:
    return _SRC.match(name).group(1)


def _frame_nodes(node: Any) -> set[str]:
    """The nodes a loop node's frame (``_tk_frame``) names: its body runs them."""
    if "_tk_frame" not in node.attr:
        return set()
    return loop_frame_def.frame_node_names(node.attr["_tk_frame"].s.decode("utf-8"))


def extract_sub_graph(graph_def: Any, dest_nodes: list) -> Any:
    """The nodes ``dest_nodes`` need (through data and control inputs, and a loop's
    body), in their order.

    Raises:
        TypeError: if ``graph_def`` is not a GraphDef or ``dest_nodes`` is a string.
        ValueError: naming a destination node the graph does not have.
    """
    if not hasattr(graph_def, "node"):
        raise TypeError("graph_def must be a graph_pb2.GraphDef proto.")
    if isinstance(dest_nodes, str | bytes):
        raise TypeError("dest_nodes must be a list.")
    by_name = {n.name: n for n in graph_def.node}
    wanted = [_node_name(d) for d in dest_nodes]
    for d in wanted:
        if d not in by_name:
            raise ValueError(f"{d} is not in graph")
    keep: set[str] = set()
    stack = list(wanted)
    while stack:
        name = stack.pop()
        if name in keep:
            continue
        keep.add(name)
        node = by_name[name]
        stack.extend(_node_name(i) for i in node.input if _node_name(i) in by_name)
        stack.extend(n for n in _frame_nodes(node) if n in by_name)
    out = type(graph_def)()
    out.versions.CopyFrom(graph_def.versions)
    out.node.extend(n for n in graph_def.node if n.name in keep)
    return out


def convert_variables_to_constants(sess: Any, input_graph_def: Any, output_node_names: list,
                                   variable_names_whitelist: Any = None,
                                   variable_names_blacklist: Any = None) -> Any:
    """``input_graph_def`` cut to what ``output_node_names`` need, with every variable
    replaced by a ``Const`` holding its value in ``sess``.

    Raises:
        TypeError / ValueError: as :func:`extract_sub_graph`.
    """
    sub = extract_sub_graph(input_graph_def, output_node_names)
    pb = _graph_def.proto_classes()
    names = [n.name for n in sub.node if n.op in ("VariableV2", "Variable")
             and (variable_names_whitelist is None or n.name in variable_names_whitelist)
             and (variable_names_blacklist is None or n.name not in variable_names_blacklist)]
    values = dict(zip(names, sess.run([n + ":0" for n in names]))) if names else {}
    out = type(sub)()
    out.versions.CopyFrom(sub.versions)
    for node in sub.node:
        if node.name not in values:
            out.node.add().CopyFrom(node)
            continue
        arr = np.asarray(values[node.name])
        c = out.node.add(name=node.name, op="Const", device=node.device)
        c.attr["dtype"].CopyFrom(node.attr["dtype"])
        c.attr["value"].CopyFrom(pb.AttrValue(tensor=_graph_def.full_tensor_proto(arr)))
        for key in ("_output_types", "_tk_shapes", "_output_shapes"):
            if key in node.attr:
                c.attr[key].CopyFrom(node.attr[key])
    return out


def remove_training_nodes(input_graph: Any, protected_nodes: Any = None) -> Any:
    """A copy of ``input_graph`` (a ``GraphDef``) without training-only nodes, as TF's:
    ``CheckNumerics`` nodes are removed together with the inputs that named them, then
    ``Identity`` nodes that neither have nor serve as control inputs are spliced out
    (their readers read the Identity's input). ``protected_nodes`` are kept, and so are
    the nodes a while loop's frame names (its body refers to them by name)."""
    protected = set(protected_nodes or [])
    for node in input_graph.node:
        protected |= _frame_nodes(node)
    removed = {n.name for n in input_graph.node
               if n.op == "CheckNumerics" and n.name not in protected}
    after_removal = []
    for node in input_graph.node:
        if node.name in removed:
            continue
        new = type(node)()
        new.CopyFrom(node)
        del new.input[:]
        new.input.extend(i for i in node.input if re.sub(r"^\^", "", i) not in removed)
        after_removal.append(new)
    control_targets, with_control = set(), set()
    for node in after_removal:
        for i in node.input:
            if i.startswith("^"):
                control_targets.add(i[1:])
                with_control.add(node.name)
    splice = {n.name: n.input[0] for n in after_removal
              if n.op == "Identity" and n.name not in protected and n.input
              and n.name not in with_control and n.name not in control_targets}
    out = type(input_graph)()
    out.CopyFrom(input_graph)
    del out.node[:]
    for node in after_removal:
        if node.name in splice:
            continue
        new = out.node.add()
        new.CopyFrom(node)
        del new.input[:]
        for full in node.input:
            name = re.sub(r"^\^", "", full)
            while name in splice:
                full = splice[name]
                name = re.sub(r"^\^", "", full)
            new.input.append(full)
    return out


def tensor_shape_from_node_def_name(graph: Any, input_name: str) -> Any:
    """The static shape of ``input_name`` (``"op"`` means output 0) in ``graph``."""
    name = input_name if ":" in input_name else input_name + ":0"
    return graph.get_tensor_by_name(name).shape


__all__ = ["extract_sub_graph", "convert_variables_to_constants", "remove_training_nodes",
           "tensor_shape_from_node_def_name"]
