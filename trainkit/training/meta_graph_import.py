"""``import_meta_graph``: rebuilds a ``MetaGraphDef`` (graph, collections) in the default
graph and returns a ``Saver`` for its variables (the TF1 restore idiom).

Example:
    >>> saver = import_meta_graph("/ckpt/model.ckpt-100.meta")
    >>> saver.restore(sess, "/ckpt/model.ckpt-100")
"""

from __future__ import annotations

import os
from typing import Any

from trainkit.framework.graph import get_default_graph
from trainkit.framework.meta_graph_proto import protos
from trainkit.ops import graph_import
from trainkit.ops.variables import Variable
from trainkit.training.meta_graph import VARIABLE_COLLECTIONS, read_meta_graph_file
from trainkit.training.saver import Saver


def import_meta_graph(meta_graph_or_file: Any, clear_devices: bool = False,
                      import_scope: str | None = None, **kwargs: Any) -> Any:
    """Adds a ``MetaGraphDef``'s graph and collections to the default graph and returns a
    ``Saver`` for its variables (None when it has neither a saver nor variables).

    Nodes that cannot be rebuilt (they held Python objects such as a dataset iterator) are
    left out, with everything that depends on them, and a warning. Nodes keep their
    recorded devices (merged into any ``tk.device`` scope around the call) unless
    ``clear_devices``.

    Raises:
        ValueError: if the file is not a MetaGraphDef, or a node's op type is unknown.
    """
    del kwargs
    _load_kernels()
    meta = meta_graph_or_file
    if isinstance(meta_graph_or_file, str | os.PathLike):
        meta = read_meta_graph_file(os.fspath(meta_graph_or_file))
    graph = get_default_graph()
    graph_def = meta.graph_def
    if clear_devices:  # a cleared copy: the caller's MetaGraphDef stays as it was
        graph_def = type(graph_def)()
        graph_def.CopyFrom(meta.graph_def)
        for node in graph_def.node:
            node.device = ""
    graph_import.import_nodes(graph_def, None, None, import_scope or "",
                              skip_unbuildable=True)
    variables: dict[str, Variable] = {}
    for key, cd in meta.collection_def.items():
        kind = next((k for k in ("node_list", "bytes_list", "int64_list", "float_list",
                                 "any_list") if cd.HasField(k)), None)
        if kind is None:
            continue
        for value in getattr(cd, kind).value:
            item = _collection_item(graph, key, kind, value, import_scope, variables)
            if item is not None:
                graph.add_to_collection(key, item)
    if not meta.HasField("saver_def") and not variables:
        return None
    keep = meta.saver_def.max_to_keep or 5
    if import_scope:
        # The checkpoint holds the names the variables had before the scope was added.
        n = len(import_scope) + 1
        var_list = {v.op.name[n:]: v for v in graph.get_collection("variables")
                    if v.op.name.startswith(import_scope + "/")}
        return Saver(var_list, max_to_keep=keep, allow_empty=True) if var_list else None
    return Saver(max_to_keep=keep, allow_empty=True)


def _collection_item(graph: Any, key: str, kind: str, value: Any, scope: str | None,
                     variables: dict) -> Any:
    if kind == "node_list":
        name = f"{scope}/{value}" if scope else value
        try:
            return graph.as_graph_element(name)
        except (KeyError, ValueError):
            return None  # a node left out of the import
    if kind == "bytes_list" and key in VARIABLE_COLLECTIONS:
        vd = protos().VariableDef.FromString(value)
        v = variables.get(vd.variable_name)
        if v is None:
            try:
                v = variables[vd.variable_name] = Variable.from_proto(vd, scope)
            except ValueError:
                return None
        return v
    if kind == "bytes_list":
        return value
    return value


def _load_kernels() -> None:
    """Imports the modules that register the kernels a saved graph may use."""
    import trainkit.ops.conv_transpose_ops  # noqa: F401
    import trainkit.ops.image_ops  # noqa: F401
    import trainkit.ops.nn_losses_ops  # noqa: F401
    import trainkit.ops.nn_ops  # noqa: F401
    import trainkit.training.optimizers  # noqa: F401
    import trainkit.training.proximal_optimizers  # noqa: F401


__all__ = ["import_meta_graph"]
