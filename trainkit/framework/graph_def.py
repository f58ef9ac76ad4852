"""Export a :class:`Graph` as a ``GraphDef`` protocol buffer (tensorboardX's classes), the
form TensorBoard's Graphs tab draws.

Every op becomes a ``NodeDef`` with its name, type, inputs (``src``, ``src:1``,
``^ctrl``), the device TF1 would record (``op.device``, ``''`` when none was asked for),
its colocation groups (``_class``), ``T``/``dtype`` and its small attributes. Large values (the
contents of a big ``Const``) are left out: TensorBoard cannot show them and they would
bloat the event file. With ``add_shapes=True`` each node also carries
``_output_shapes`` (unknown dimensions as -1, unknown rank as ``unknown_rank``).

A graph's export is serialized once per graph version and kind (:func:`graph_def_bytes`):
the node records are written straight to the wire format, with the attribute values that
repeat (``T``, shapes, dtypes) serialized once, and kept until an op is added or changed.

Example:
    >>> import trainkit as tk
    >>> g = tk.Graph()
    >>> with g.as_default():
    ...     x = tk.constant(1.0, name="x")
    >>> [(n.name, n.op) for n in graph_def_of(g).node]
    [('x', 'Const')]
"""

from __future__ import annotations

import json
import threading
import weakref
from typing import Any

import numpy as np

from trainkit.framework import loop_frame_def
from trainkit.framework.attr_protos import (
    MAX_STRING_BYTES,
    MAX_TENSOR_ELEMENTS,
    attr_value,
    full_attr,
    full_tensor_proto,
    holds_python_objects,
    proto_classes,
    shape_proto,
)
from trainkit.framework.dtypes import DType
from trainkit.framework.loop_frame import LoopFrame
from trainkit.framework.shapes import TensorShape

DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"  # where trainkit runs every op
PRODUCER_VERSION = 22

_pb = proto_classes
# Attribute values whose AttrValue depends on the value alone: converted and serialized
# once, then shared (a graph repeats T=DT_FLOAT, shapes and dtype lists thousands of times)
_SHAREABLE = frozenset({bool, int, str, bytes, DType, TensorShape})
_SHARED: dict[Any, tuple] = {}
_SHARED_LIMIT = 8192


def _shared(key: Any, make: Any) -> tuple:
    """``(AttrValue or None, how, serialized AttrValue or None)`` for ``key``, made by
    ``make()`` (returning ``(AttrValue or None, how)``) the first time."""
    hit = _SHARED.get(key)
    if hit is None:
        a, how = make()
        hit = (a, how, None if a is None else a.SerializeToString(deterministic=True))
        if len(_SHARED) >= _SHARED_LIMIT:
            _SHARED.clear()
        _SHARED[key] = hit
    return hit


def _attr_of(value: Any, full: bool) -> tuple:
    """``(AttrValue or None, how, serialized or None)`` of one attribute value; ``how`` as
    in ``full_attr`` (``''`` for a summary export)."""
    kind = type(value)
    if kind in _SHAREABLE and not (kind in (str, bytes) and len(value) > 64):
        return _shared((full, kind, value),
                       lambda: full_attr(value) if full else (attr_value(value), ""))
    a, how = full_attr(value) if full else (attr_value(value), "")
    return a, how, None


def _shapes_attr(op: Any) -> tuple:
    shapes = tuple(t.shape for t in op.outputs)
    return _shared(("shapes", shapes), lambda: (_pb().AttrValue(list=_pb().AttrValue.ListValue(
        shape=[shape_proto(s) for s in shapes])), ""))


def _input_name(t: Any) -> str:
    return t.op.name if t.value_index == 0 else f"{t.op.name}:{t.value_index}"


def _names_attr(names: list[str]) -> tuple:
    a = _pb().AttrValue(list=_pb().AttrValue.ListValue(s=[n.encode("utf-8") for n in names]))
    return a, "", None


def _node_parts(op: Any, full: bool) -> tuple[list[str], dict[str, tuple]]:
    """The inputs and attributes of an op's ``NodeDef`` (see :func:`node_def_of`) but
    its shapes attribute (:func:`_shapes_key`): each attribute as ``(AttrValue, how,
    serialized AttrValue or None)``."""
    inputs = [_input_name(t) for t in op.inputs]
    # TF's GraphDef lists a node's control inputs sorted by name (Graph::ToGraphDef sorts
    # them for a stable serialization), whatever order they were added in
    inputs.extend(sorted("^" + c.name for c in op.control_inputs))
    attrs: dict[str, tuple] = {}
    json_attrs, lost, np_types, tuples, byte_attrs = [], [], [], [], []
    for key, value in op.attrs.items():
        if key.startswith("_") and key != "_class":  # TF's NodeDefs carry _class
            if not full:
                continue
            if isinstance(value, np.dtype):  # kernels' cached NumPy dtypes
                np_types.append(f"{key}:dtype:{value.name}")
                continue
            if isinstance(value, type) and issubclass(value, np.generic):
                np_types.append(f"{key}:type:{np.dtype(value).name}")
                continue
        if full and isinstance(value, LoopFrame):
            if holds_python_objects(op):
                lost.append(key)
            else:
                text = loop_frame_def.frame_to_json(op)
                attrs["_tk_frame"] = (_pb().AttrValue(s=text.encode("utf-8")), "", None)
            continue
        entry = _attr_of(value, full)
        if full:
            how = entry[1]
            if how == "json":
                json_attrs.append(key)
            elif how == "none":
                lost.append(key)
            if isinstance(value, tuple) and how != "none":  # lists when read back
                tuples.append(key)
            elif isinstance(value, bytes) and how == "":  # text when read back
                byte_attrs.append(key)
        if entry[0] is not None:
            attrs[key] = entry
    if full:
        types_ = tuple(t.dtype.as_datatype_enum for t in op.outputs)
        attrs["_output_types"] = _shared(("types", types_), lambda: (_pb().AttrValue(
            list=_pb().AttrValue.ListValue(type=types_)), ""))
        for key, names in (("_tk_json", json_attrs), ("_tk_unserializable", lost),
                           ("_tk_np", np_types), ("_tk_tuples", tuples),
                           ("_tk_bytes", byte_attrs)):
            if names:
                attrs[key] = _names_attr(names)
        gates = op.cond_gates
        if gates:
            text = json.dumps([[t.name, bool(b)] for t, b in gates])
            attrs["_tk_gates"] = (_pb().AttrValue(s=text.encode("utf-8")), "", None)
    if "T" not in attrs and "dtype" not in attrs and "Tcomplex" not in attrs:
        # Tcomplex: TF's FFT ops
        if op.inputs:
            enum = op.inputs[0].dtype.as_datatype_enum
            attrs["T"] = _shared(("type", enum), lambda: (_pb().AttrValue(type=enum), ""))
        elif op.outputs:
            enum = op.outputs[0].dtype.as_datatype_enum
            attrs["dtype"] = _shared(("type", enum), lambda: (_pb().AttrValue(type=enum), ""))
    return inputs, attrs


def _shapes_key(op: Any, add_shapes: bool, full: bool) -> str | None:
    """The attribute that records the op's output shapes: ``_output_shapes`` with
    ``add_shapes`` (replacing an attribute of that name), else ``_tk_shapes`` in a complete
    export; None when there is none."""
    if not op.outputs:
        return None
    return "_output_shapes" if add_shapes else "_tk_shapes" if full else None


def node_def_of(op: Any, add_shapes: bool = False, full: bool = False) -> Any:
    """The ``NodeDef`` of one ``Operation``.

    Args:
        op: the operation.
        add_shapes: also record each output's static shape in ``_output_shapes``.
        full: a complete record that ``import_graph_def`` rebuilds exactly: every
            attribute (large constants included; attributes TF's ``AttrValue`` cannot hold
            as JSON text, named in ``_tk_json``; Python objects named in
            ``_tk_unserializable``; tuples, which ``AttrValue`` stores as lists, named in
            ``_tk_tuples``), the output dtypes (``_output_types``), the shapes
            (``_tk_shapes`` unless ``add_shapes``) and the ``cond`` gates (``_tk_gates``).
            A loop's frame becomes JSON text in ``_tk_frame`` (``loop_frame_def``), unless
            an op of its body holds a Python object (then it is ``_tk_unserializable``).
    """
    inputs, attrs = _node_parts(op, full)
    shapes_key = _shapes_key(op, add_shapes, full)
    if shapes_key is not None:
        attrs[shapes_key] = _shapes_attr(op)
    node = _pb().NodeDef(name=op.name, op=op.type, device=op.device)
    node.input.extend(inputs)
    for key, (a, _, _) in attrs.items():
        node.attr[key].CopyFrom(a)
    return node


# -- the wire format of a GraphDef, written directly ----------------------------------
_VARINTS = [bytes([n]) for n in range(128)]


def _varint(n: int) -> bytes:
    if n < 128:
        return _VARINTS[n]
    out = bytearray()
    while n >= 128:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _field(tag: bytes, data: bytes) -> bytes:
    """A length-delimited field: its tag byte, the length, the bytes."""
    n = len(data)
    return tag + (_VARINTS[n] if n < 128 else _varint(n)) + data


_ENTRIES: dict[tuple[str, bytes], bytes] = {}  # (key, shared AttrValue bytes) -> attr field


def _attr_field(key: str, data: bytes, shared: bool) -> bytes:
    """The ``attr`` map entry field (key 1, value 2; protobuf writes both even when
    empty); entries of shared values are kept, a graph repeats them thousands of times."""
    if not shared:
        return _field(b"*", _field(b"\n", key.encode("utf-8")) + _field(b"\x12", data))
    out = _ENTRIES.get((key, data))
    if out is None:
        out = _field(b"*", _field(b"\n", key.encode("utf-8")) + _field(b"\x12", data))
        if len(_ENTRIES) >= _SHARED_LIMIT:
            _ENTRIES.clear()
        _ENTRIES[(key, data)] = out
    return out


def _wire_order(key: str) -> str:
    """The sort key protobuf's deterministic serializer gives a map's string key: bytes
    in order, but a key that another extends comes after it (``Tout`` before ``T``)."""
    return (key if key.isascii() else key.encode("utf-8").decode("latin-1")) + "\u0100"


_OUT_ORDER, _TK_ORDER = _wire_order("_output_shapes"), _wire_order("_tk_shapes")


def _node_pieces(op: Any, full: bool) -> tuple[bytes, ...]:
    """The serialized pieces of an op's NodeDef, from which :func:`_node_record` puts
    together the record with or without ``add_shapes`` (they differ in one attribute):
    ``(head, before, output_shapes, between, tk_shapes, after, shapes_entry,
    tk_shapes_entry)``. ``head`` holds the fields before the attributes (name 1, op 2,
    input 3, device 4; empty strings left out); then come the attribute map entries in
    key order, split around the op's own ``_output_shapes`` and ``_tk_shapes`` attributes
    (empty when it has none); the last two are the entries of its computed shapes."""
    inputs, attrs = _node_parts(op, full)
    parts = []
    if op.name:
        parts.append(_field(b"\n", op.name.encode("utf-8")))
    if op.type:
        parts.append(_field(b"\x12", op.type.encode("utf-8")))
    parts.extend(_field(b"\x1a", i.encode("utf-8")) for i in inputs)
    if op.device:
        parts.append(_field(b'"', op.device.encode("utf-8")))
    chunks: list[list[bytes]] = [[], [], [], [], []]
    for key in sorted(attrs, key=_wire_order):
        a, _, data = attrs[key]
        entry = (_attr_field(key, a.SerializeToString(deterministic=True), False)
                 if data is None else _attr_field(key, data, True))
        order = _wire_order(key)
        chunks[0 if order < _OUT_ORDER else 1 if key == "_output_shapes" else
               2 if order < _TK_ORDER else 3 if key == "_tk_shapes" else 4].append(entry)
    shapes = [b"", b""]
    if op.outputs:
        data = _shapes_attr(op)[2]
        shapes = [_attr_field("_output_shapes", data, True),
                  _attr_field("_tk_shapes", data, True)]
    return (b"".join(parts), *(b"".join(c) for c in chunks), *shapes)


def _node_record(pieces: tuple[bytes, ...], add_shapes: bool, full: bool) -> bytes:
    """The ``node`` field of a GraphDef holding one NodeDef, as protobuf's deterministic
    serializer writes it (map entries sorted by key), from :func:`_node_pieces`."""
    head, before, own_out, between, own_tk, after, out_shapes, tk_shapes = pieces
    if add_shapes:
        body = (head, before, out_shapes or own_out, between, own_tk, after)
    else:
        body = (head, before, own_out, between, tk_shapes if full and tk_shapes else own_tk,
                after)
    return _field(b"\n", b"".join(body))


def graph_def_of(graph: Any, add_shapes: bool = False, full: bool = False) -> Any:
    """The ``GraphDef`` of ``graph``: one ``NodeDef`` per op, in creation order (a new
    message each call, parsed from :func:`graph_def_bytes`).

    Args:
        graph: a ``Graph``.
        add_shapes: record ``_output_shapes`` on every node with outputs (what
            ``FileWriter.add_graph`` writes, as TF does).
        full: a complete record for ``import_graph_def`` (see :func:`node_def_of`).
    """
    return _pb().GraphDef.FromString(graph_def_bytes(graph, add_shapes, full))


# graph -> (edit_epoch, {full: node pieces of the first ops, in order})
_EXPORTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_EXPORTS_LOCK = threading.Lock()


def graph_def_bytes(graph: Any, add_shapes: bool = False, full: bool = False) -> bytes:
    """The serialized ``GraphDef`` of ``graph`` (see :func:`graph_def_of`), map entries in
    key order, so the same graph always gives the same bytes.

    One start of a monitored session exports the same graph several times (the event
    file, the ``.meta`` file, ``graph.pbtxt``), and a Saver again at each save. Each op's
    serialized pieces (shared by the exports with and without shapes) are kept while no
    op of the graph changes (``graph.edit_epoch``); ops are only ever appended, so a grown
    graph serializes its new ops only. A loop op is serialized again each time (its frame
    can gain gradient bookkeeping after the op is made).
    """
    ops = graph.get_operations()
    with _EXPORTS_LOCK:
        entry = _EXPORTS.get(graph)
        if entry is None or entry[0] != graph.edit_epoch:
            entry = _EXPORTS[graph] = (graph.edit_epoch, {})
        kept = entry[1].setdefault(full, [])
        pieces = kept[:len(ops)]
    known = len(pieces)
    pieces.extend(None if _has_frame(op) else _node_pieces(op, full) for op in ops[known:])
    with _EXPORTS_LOCK:
        if len(kept) == known:
            kept.extend(pieces[known:])
    body = b"".join(_node_record(p if p is not None else _node_pieces(op, full), add_shapes,
                                 full) for p, op in zip(pieces, ops, strict=True))
    return body + _VERSIONS


def _has_frame(op: Any) -> bool:
    return any(isinstance(v, LoopFrame) for v in op.attrs.values())


_VERSIONS = _field(b'"', bytes([0x08]) + _varint(PRODUCER_VERSION))  # VersionDef.producer

__all__ = ["graph_def_of", "graph_def_bytes", "node_def_of", "attr_value", "shape_proto",
           "full_tensor_proto", "proto_classes", "DEVICE", "PRODUCER_VERSION",
           "MAX_TENSOR_ELEMENTS", "MAX_STRING_BYTES"]
