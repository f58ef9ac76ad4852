"""``import_graph_def``: adds the nodes of a ``GraphDef`` to the default graph.

Two kinds of ``GraphDef`` are read:

* trainkit's complete exports (``graph_def_of(graph, full=True)``, what
  ``export_meta_graph`` and ``write_graph`` write): every node carries ``_output_types``
  and all its attributes, so it is rebuilt exactly with ``Graph.create_op``;
* TF's own GraphDefs (frozen or inference graphs): each node is rebuilt through the
  trainkit op function of the same TF op type (the table ``_TF_BUILDERS``), mapping TF's
  attributes (``keep_dims``, ``reduction_indices`` inputs, ``DstT``, ...) to trainkit's. A
  node whose type is not in the table is a ``ValueError`` naming the node and its type.

Example:
    >>> gd = tk.graph_util.convert_variables_to_constants(sess, graph.as_graph_def(), ["y"])
    >>> with tk.Graph().as_default():
    ...     (y,) = import_graph_def(gd, input_map={"x:0": images}, return_elements=["y:0"])
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit.framework import dtypes as _dt
from trainkit.framework import loop_frame_def
from trainkit.framework.graph import get_default_graph
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops import tf_node_builders

_LOG = logging.getLogger("trainkit")
_INPUT = re.compile(r"^(\^)?([^:]+)(?::(\d+))?$")


# ----------------------------------------------------------------------------- attrs

def _dtype(enum: int) -> _dt.DType:
    return _dt.as_dtype(int(enum) % 100)  # *_REF types are the base type + 100


def _shape(sp: Any) -> TensorShape:
    if sp.unknown_rank:
        return TensorShape(None)
    return TensorShape([None if d.size < 0 else int(d.size) for d in sp.dim])


def tensor_value(tp: Any) -> np.ndarray:
    """The array of a ``TensorProto`` (``tensor_content`` or the typed value fields)."""
    dt = _dtype(tp.dtype)
    shape = [] if tp.tensor_shape.unknown_rank else [int(d.size) for d in tp.tensor_shape.dim]
    if dt is _dt.string:
        vals = np.array(list(tp.string_val), dtype=object)
    elif tp.tensor_content:
        return np.frombuffer(tp.tensor_content, dtype=dt.np_dtype.newbyteorder("<")).astype(
            dt.np_dtype).reshape(shape)
    else:
        field = {_dt.float32: "float_val", _dt.float64: "double_val", _dt.int64: "int64_val",
                 _dt.bool_: "bool_val", _dt.float16: "half_val"}.get(dt, "int_val")
        raw = list(getattr(tp, field))
        if dt is _dt.float16:
            vals = np.array(raw, dtype=np.uint16).view(np.float16)
        else:
            vals = np.array(raw, dtype=dt.np_dtype)
    n = int(np.prod(shape)) if shape else 1
    if vals.size == n:
        return vals.reshape(shape)
    if vals.size == 0:
        return np.zeros(shape, dtype=vals.dtype if dt is not _dt.string else object)
    # TF stores a constant fill as one value (or a prefix whose last value repeats).
    out = np.empty(n, dtype=vals.dtype)
    out[:vals.size] = vals
    out[vals.size:] = vals[-1]
    return out.reshape(shape)


def attr_to_python(av: Any) -> Any:
    """The Python value of an ``AttrValue`` (strings decoded as UTF-8 when possible)."""
    kind = av.WhichOneof("value")
    if kind == "s":
        try:
            return av.s.decode("utf-8")
        except UnicodeDecodeError:
            return av.s
    if kind in ("i", "f", "b"):
        return getattr(av, kind)
    if kind == "type":
        return _dtype(av.type)
    if kind == "shape":
        return _shape(av.shape)
    if kind == "tensor":
        return tensor_value(av.tensor)
    if kind == "list":
        lv = av.list
        for field, conv in (("s", lambda v: v.decode("utf-8")), ("i", int), ("f", float),
                            ("b", bool), ("type", _dtype), ("shape", _shape),
                            ("tensor", tensor_value)):
            vals = getattr(lv, field)
            if len(vals):
                return [conv(v) for v in vals]
        return []
    return None


def _node_attrs(node: Any) -> dict[str, Any]:
    attrs = {k: attr_to_python(v) for k, v in node.attr.items()}
    for key in attrs.pop("_tk_json", []) or []:
        attrs[key] = json.loads(attrs[key])
    for spec in attrs.pop("_tk_np", []) or []:
        key, kind, name = spec.split(":")
        attrs[key] = np.dtype(name) if kind == "dtype" else np.dtype(name).type
    for key in attrs.pop("_tk_tuples", []) or []:  # tuples in the graph (reduction axes)
        attrs[key] = _as_tuples(attrs.get(key))
    for key in attrs.pop("_tk_bytes", []) or []:  # byte strings, not text
        if isinstance(attrs.get(key), str):
            attrs[key] = attrs[key].encode("utf-8")
    return attrs


def _as_tuples(value: Any) -> Any:
    """``value`` with every list (at any depth) a tuple, as the exported graph had it."""
    if isinstance(value, list | tuple):
        return tuple(_as_tuples(v) for v in value)
    return value


# ----------------------------------------------------------------------------- import

def _ordered(nodes: list) -> list:
    """Nodes with every node after its inputs (GraphDefs need not be sorted)."""
    by_name = {n.name: n for n in nodes}
    done: set[str] = set()
    out: list = []
    for root in nodes:
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if node.name in done:
                continue
            if expanded:
                done.add(node.name)
                out.append(node)
                continue
            stack.append((node, True))
            for inp in node.input:
                src = _INPUT.match(inp).group(2)
                if src in by_name and src not in done:
                    if any(s[0].name == src and s[1] for s in stack):
                        raise ValueError(f"import_graph_def: the GraphDef has a cycle through "
                                         f"node '{src}' (TF while loops are not supported).")
                    stack.append((by_name[src], False))
    return out


def import_graph_def(graph_def: Any, input_map: dict | None = None,
                     return_elements: list | None = None, name: str | None = None,
                     op_dict: Any = None, producer_op_list: Any = None) -> list | None:
    """Imports ``graph_def`` into the default graph (``tf.import_graph_def``).

    Args:
        graph_def: a ``GraphDef`` (trainkit's or TF's).
        input_map: ``{tensor name in graph_def: Tensor}`` replacing those tensors.
        return_elements: names of tensors (``'x:0'``) or ops (``'x'``) to return.
        name: the prefix of the imported names (default ``'import'``; ``''`` for none).
        op_dict, producer_op_list: accepted and ignored.

    Returns:
        The requested elements in order, or None without ``return_elements``.

    Raises:
        TypeError: if ``graph_def`` is not a GraphDef or ``input_map`` has bad entries.
        ValueError: for an unknown op type (naming the node), a name in ``input_map`` or
            ``return_elements`` that the GraphDef does not have, or a node that cannot be
            rebuilt (its attributes were Python objects).
    """
    del op_dict, producer_op_list
    return import_nodes(graph_def, input_map, return_elements, name, skip_unbuildable=False)


def import_nodes(graph_def: Any, input_map: dict | None, return_elements: list | None,
                 name: str | None, skip_unbuildable: bool) -> list | None:
    """:func:`import_graph_def`; with ``skip_unbuildable`` a node that cannot be rebuilt
    (Python-object attributes, e.g. a dataset iterator) is left out with everything that
    depends on it, and a warning, instead of raising."""
    if not hasattr(graph_def, "node"):
        raise TypeError(f"graph_def must be a GraphDef proto, got {type(graph_def).__name__}.")
    input_map = dict(input_map or {})
    for k, v in input_map.items():
        if not isinstance(k, str) or not isinstance(v, Tensor):
            raise TypeError(f"input_map must map tensor names to Tensors, got {k!r}: {v!r}.")
    graph = get_default_graph()
    prefix = "import" if name is None else name
    names = {n.name for n in graph_def.node}
    wanted = {(k if ":" in k else k + ":0") for k in input_map}
    missing = [k for k in wanted if _INPUT.match(k).group(2) not in names]
    if missing:
        raise ValueError(f"Attempted to map inputs that were not found in graph_def: "
                         f"[{', '.join(sorted(missing))}]")
    mapped = {(k if ":" in k else k + ":0"): v for k, v in input_map.items()}
    built: dict[str, Operation] = {}
    frames: list[tuple[Operation, str]] = []  # loops, whose frames are set once all exist
    skipped: list[str] = []
    skipped_set: set[str] = set()
    with graph.name_scope(prefix if prefix else None):
        scope = graph.get_name_scope()
        for node in graph_def.node:
            # Reserve every imported name, so no helper op a builder makes can take one;
            # the imported ops themselves are created under their exact (verbatim) names.
            graph.unique_name(node.name, mark_as_used=True)
        for node in _ordered(list(graph_def.node)):
            if skip_unbuildable and ("_tk_unserializable" in node.attr or any(
                    _INPUT.match(i).group(2) in skipped_set for i in node.input)):
                skipped.append(node.name)
                skipped_set.add(node.name)
                continue
            built[node.name] = op = _import_node(graph, node, built, mapped, scope)
            if "_tk_frame" in node.attr:
                frames.append((op, node.attr["_tk_frame"].s.decode("utf-8")))
        _set_frames(frames, built, mapped)
        _colocate_devices(graph, built.values(), strict=not skip_unbuildable)
    if skipped:
        _LOG.warning("import: %d node(s) could not be rebuilt and were left out (they hold "
                     "Python objects, e.g. a dataset iterator, or depend on such a node): "
                     "%s%s", len(skipped), ", ".join(skipped[:5]),
                     " ..." if len(skipped) > 5 else "")
    if return_elements is None:
        return None
    out = []
    for el in return_elements:
        m = _INPUT.match(el)
        op = built.get(m.group(2)) if m else None
        if op is None:
            raise ValueError(f"Requested return_element {el!r} not found in graph_def.")
        if m.group(3) is None and ":" not in el:
            out.append(op)
        else:
            idx = int(m.group(3))
            if idx >= len(op.outputs):
                raise ValueError(f"Requested return_element {el!r} not found in graph_def.")
            out.append(op.outputs[idx])
    return out


def _set_frames(frames: list[tuple[Operation, str]], built: dict, mapped: dict) -> None:
    """Gives each imported ``While``/``WhileGrad`` op its rebuilt loop frame (in node
    order: a forward loop's frame before its gradient's)."""
    def tensor(name: str) -> Tensor:
        src, _, idx = name.rpartition(":")
        t = mapped.get(name)
        return t if t is not None else built[src].outputs[int(idx)]

    def op(name: str) -> Operation:
        return built[name]

    for loop_op, text in frames:
        try:
            loop_op.attrs["frame"] = loop_frame_def.frame_from_json(text, tensor, op)
        except (KeyError, IndexError, ValueError) as e:
            raise ValueError(f"import_graph_def: the while loop of node '{loop_op.name}' "
                             f"({loop_op.type}) cannot be rebuilt: {e}") from None


def _resolve_inputs(graph: Any, node: Any, built: dict, mapped: dict
                    ) -> tuple[list[Tensor], list[Operation]]:
    inputs, control = [], []
    for inp in node.input:
        ctrl, src, idx = _INPUT.match(inp).groups()
        if src not in built:
            raise ValueError(f"import_graph_def: node '{node.name}' has an input '{inp}' that "
                             "is not in the GraphDef.")
        if ctrl:
            control.append(built[src])
            continue
        key = f"{src}:{idx or 0}"
        t = mapped.get(key)
        inputs.append(t if t is not None else built[src].outputs[int(idx or 0)])
    return inputs, control


def _import_node(graph: Any, node: Any, built: dict, mapped: dict, scope: str) -> Operation:
    inputs, control = _resolve_inputs(graph, node, built, mapped)
    attrs = _node_attrs(node)
    attrs.pop("_tk_frame", None)  # set by _set_frames once the frame's ops exist
    full_name = f"{scope}/{node.name}" if scope else node.name
    lost = attrs.pop("_tk_unserializable", None)
    if lost:
        raise ValueError(f"import_graph_def: node '{node.name}' ({node.op}) cannot be rebuilt: "
                         f"its attribute(s) {lost} were Python objects when it was exported.")
    gates_text = attrs.pop("_tk_gates", None)
    gates = tuple((graph.get_tensor_by_name(_scoped(scope, t)), b)
                  for t, b in json.loads(gates_text)) if gates_text else ()
    colocated = _scope_colocation(attrs, scope)
    # As TF: a colocated node takes its device from the op it is colocated with (after
    # the import); any other keeps its own device, merged into the device scopes here.
    device = graph.device(None) if colocated else (
        graph.device(node.device) if node.device else contextlib.nullcontext())
    with graph.control_dependencies(control), graph.gated(gates), device:
        if "_output_types" in attrs:
            dtypes = attrs.pop("_output_types")
            shapes = attrs.pop("_tk_shapes", None)
            shapes = attrs.pop("_output_shapes", shapes)
            from trainkit.framework import registry

            if not registry.is_registered(node.op):
                raise ValueError(f"import_graph_def: node '{node.name}' has op type "
                                 f"'{node.op}', which trainkit does not know.")
            op = graph.create_op(node.op, inputs, dtypes, name=full_name + "/", attrs=attrs,
                                 shapes=shapes)
        else:
            op = _build_tf_node(node, inputs, attrs, full_name)
    return op


def _scope_colocation(attrs: dict, scope: str) -> bool:
    """Turns ``_class`` back into TF's bytes, with the import scope on its ``loc:@``
    names; True when it names colocation groups."""
    groups = attrs.get("_class")
    if not groups:
        return False
    out, colocated = [], False
    for g in groups:
        g = g if isinstance(g, bytes) else str(g).encode("utf-8")
        if g.startswith(b"loc:@"):
            colocated = True
            if scope:
                g = b"loc:@" + _scoped(scope, g[5:].decode("utf-8")).encode("utf-8")
        out.append(g)
    attrs["_class"] = out
    return colocated


def _colocate_devices(graph: Any, ops: Any, strict: bool) -> None:
    """Gives each imported op with colocation groups the device of the first op of its
    groups that has one (TF's importer does the same).

    Raises:
        ValueError: (``strict``) when a group names an op that is not in the graph.
    """
    for op in ops:
        for group in op.attrs.get("_class", ()):
            if not group.startswith(b"loc:@"):
                continue
            name = group[5:].decode("utf-8")
            try:
                other = graph.get_operation_by_name(name)
            except (KeyError, ValueError):
                if strict:
                    raise ValueError(f"Specified colocation to an op: {name} that does not "
                                     f"exist during import for op: {op.name}") from None
                continue
            if other.device:
                op.set_device(other.device)
                break


def _scoped(scope: str, name: str) -> str:
    return f"{scope}/{name}" if scope else name


def _build_tf_node(node: Any, inputs: list, attrs: dict, full_name: str) -> Operation:
    builder: Callable | None = tf_node_builders.BUILDERS.get(node.op)
    if builder is None:
        raise ValueError(f"import_graph_def: node '{node.name}' has op type '{node.op}', "
                         "which trainkit cannot import (no trainkit op for it).")
    graph = get_default_graph()
    with graph.name_scope(full_name.rpartition("/")[0] + "/" if "/" in full_name else None):
        out = builder(inputs, attrs, full_name + "/")  # a verbatim name
    if isinstance(out, list | tuple):  # ops with several outputs (Split, Unpack)
        out = out[0]
    op = out if isinstance(out, Operation) else out.op
    if op.name != full_name:
        raise ValueError(f"import_graph_def: node '{node.name}' was imported as '{op.name}' "
                         "(a name clash with another node).")
    return op


__all__ = ["import_graph_def", "import_nodes", "attr_to_python", "tensor_value"]
