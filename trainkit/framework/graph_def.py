"""Export a :class:`Graph` as a ``GraphDef`` protocol buffer (tensorboardX's classes), the
form TensorBoard's Graphs tab draws.

Every op becomes a ``NodeDef`` with its name, type, inputs (``src``, ``src:1``,
``^ctrl``), the device TF1 would record (``op.device``, ``''`` when none was asked for),
its colocation groups (``_class``), ``T``/``dtype`` and its small attributes. Large values (the
contents of a big ``Const``) are left out: TensorBoard cannot show them and they would
bloat the event file. With ``add_shapes=True`` each node also carries
``_output_shapes`` (unknown dimensions as -1, unknown rank as ``unknown_rank``).

Example:
    >>> import trainkit as tk
    >>> g = tk.Graph()
    >>> with g.as_default():
    ...     x = tk.constant(1.0, name="x")
    >>> [(n.name, n.op) for n in graph_def_of(g).node]
    [('x', 'Const')]
"""

from __future__ import annotations

import functools
import json
import threading
import types
import weakref
from typing import Any

import numpy as np

from trainkit.framework import loop_frame_def
from trainkit.framework.dtypes import DType
from trainkit.framework.loop_frame import LoopFrame
from trainkit.framework.shapes import TensorShape

DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"  # where trainkit runs every op
PRODUCER_VERSION = 22
MAX_TENSOR_ELEMENTS = 16  # Const values up to this many elements are kept in the attrs
MAX_STRING_BYTES = 1024


@functools.cache
def _pb() -> types.SimpleNamespace:
    from tensorboardX.proto import (
        attr_value_pb2,
        graph_pb2,
        node_def_pb2,
        tensor_pb2,
        tensor_shape_pb2,
        versions_pb2,
    )

    return types.SimpleNamespace(
        GraphDef=graph_pb2.GraphDef, NodeDef=node_def_pb2.NodeDef,
        AttrValue=attr_value_pb2.AttrValue, TensorProto=tensor_pb2.TensorProto,
        TensorShapeProto=tensor_shape_pb2.TensorShapeProto,
        VersionDef=versions_pb2.VersionDef)


def proto_classes() -> types.SimpleNamespace:
    """TF's protobuf message classes as compiled in ``tensorboardX`` (``TensorProto``,
    ``TensorShapeProto``, ``GraphDef``, ``NodeDef``, ``AttrValue``, ``VersionDef``)."""
    return _pb()


def shape_proto(shape: Any) -> Any:
    """A ``TensorShapeProto`` for a ``TensorShape``/list (None or -1 dims -> -1)."""
    p = _pb()
    s = shape if isinstance(shape, TensorShape) else TensorShape(shape)
    if s.dims is None:
        return p.TensorShapeProto(unknown_rank=True)
    return p.TensorShapeProto(dim=[p.TensorShapeProto.Dim(size=-1 if d is None else d)
                                   for d in s.as_list()])


def _tensor_proto(arr: np.ndarray) -> Any:
    """A ``TensorProto`` for a small array, or None when its type is not representable."""
    p = _pb()
    shape = shape_proto(list(arr.shape))
    flat = arr.reshape(-1)
    kind = arr.dtype
    if kind.kind == "O":
        vals = []
        for v in flat:
            if isinstance(v, str):
                v = v.encode("utf-8")
            if not isinstance(v, bytes):
                return None
            vals.append(v)
        return p.TensorProto(dtype=7, tensor_shape=shape, string_val=vals)
    table = {np.dtype(np.float32): (1, "float_val"), np.dtype(np.float64): (2, "double_val"),
             np.dtype(np.int32): (3, "int_val"), np.dtype(np.uint8): (4, "int_val"),
             np.dtype(np.int16): (5, "int_val"), np.dtype(np.int8): (6, "int_val"),
             np.dtype(np.int64): (9, "int64_val"), np.dtype(np.bool_): (10, "bool_val"),
             np.dtype(np.uint16): (17, "int_val")}
    entry = table.get(kind)
    if entry is None:
        return None
    enum, field = entry
    t = p.TensorProto(dtype=enum, tensor_shape=shape)
    getattr(t, field).extend(flat.tolist())
    return t


def attr_value(value: Any) -> Any:
    """The ``AttrValue`` for a Python attribute value, or None to leave it out.

    Supported: bool, int, float, str/bytes (short), ``DType``, ``TensorShape``, small
    NumPy arrays and scalars, and homogeneous lists of those scalar kinds.
    """
    p = _pb()
    av = p.AttrValue
    if isinstance(value, bool | np.bool_):
        return av(b=bool(value))
    if isinstance(value, int | np.integer):
        return av(i=int(value)) if -(2**63) <= int(value) < 2**63 else None
    if isinstance(value, float | np.floating):
        return av(f=float(value))
    if isinstance(value, str):
        value = value.encode("utf-8")
    if isinstance(value, bytes):
        return av(s=value) if len(value) <= MAX_STRING_BYTES else None
    if isinstance(value, DType):
        return av(type=value.as_datatype_enum)
    if isinstance(value, TensorShape):
        return av(shape=shape_proto(value))
    if isinstance(value, np.ndarray):
        if value.size > MAX_TENSOR_ELEMENTS:
            return None
        t = _tensor_proto(value)
        return None if t is None else av(tensor=t)
    if isinstance(value, list | tuple):
        return _list_attr(value)
    return None


def _list_attr(values: list | tuple) -> Any:
    p = _pb()
    lv = p.AttrValue.ListValue()
    if all(isinstance(v, bool | np.bool_) for v in values):
        lv.b.extend(bool(v) for v in values)
    elif all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in values):
        lv.i.extend(int(v) for v in values)
    elif all(isinstance(v, int | float | np.number) for v in values):
        lv.f.extend(float(v) for v in values)
    elif all(isinstance(v, str | bytes) for v in values):
        lv.s.extend(v.encode("utf-8") if isinstance(v, str) else v for v in values)
    elif all(isinstance(v, DType) for v in values):
        lv.type.extend(v.as_datatype_enum for v in values)
    elif all(isinstance(v, TensorShape) for v in values):
        lv.shape.extend(shape_proto(v) for v in values)
    else:
        return None
    return p.AttrValue(list=lv)


_SPLAT_FIELDS = {np.dtype(np.float32): "float_val", np.dtype(np.float64): "double_val",
                 np.dtype(np.int32): "int_val", np.dtype(np.int64): "int64_val",
                 np.dtype(np.bool_): "bool_val"}


def full_tensor_proto(arr: np.ndarray) -> Any:
    """A ``TensorProto`` holding all of ``arr`` (numbers as ``tensor_content`` bytes), or
    None for an array of Python objects that are not strings."""
    from trainkit.framework import dtypes as _dt

    p = _pb()
    if arr.dtype.kind in ("O", "U", "S"):
        return _tensor_proto(np.asarray(arr, dtype=object))
    try:
        enum = _dt.as_dtype(arr.dtype).as_datatype_enum
    except (TypeError, ValueError, KeyError):
        return None
    field = _SPLAT_FIELDS.get(arr.dtype)
    if field is not None and arr.size > 1 and bool((arr == arr.flat[0]).all()):
        # TF's convention for a constant fill: one value stands for the whole tensor.
        t = p.TensorProto(dtype=enum, tensor_shape=shape_proto(list(arr.shape)))
        getattr(t, field).append(arr.flat[0].item())
        return t
    return p.TensorProto(dtype=enum, tensor_shape=shape_proto(list(arr.shape)),
                         tensor_content=np.ascontiguousarray(arr).astype(
                             arr.dtype.newbyteorder("<")).tobytes())


def _full_attr(value: Any) -> tuple[Any, str]:
    """``(AttrValue, how)`` for an attribute in a complete export: ``how`` is ``''``
    (native), ``'json'`` (stored as JSON text) or ``'none'`` (not serializable)."""
    if isinstance(value, np.ndarray):
        t = full_tensor_proto(value)
        if t is not None:
            return _pb().AttrValue(tensor=t), ""
    elif isinstance(value, np.generic):
        return _full_attr(value.item())
    else:
        a = attr_value(value)
        if a is not None and not (isinstance(value, list | tuple) and value and
                                  a.list.ByteSize() == 0):
            return a, ""
    try:
        text = json.dumps(value, allow_nan=True)
    except (TypeError, ValueError):
        return None, "none"
    return _pb().AttrValue(s=text.encode("utf-8")), "json"


def _holds_python_objects(op: Any) -> bool:
    """Whether a complete export of ``op`` loses an attribute (a Python object), looking
    into the ops of a loop's frame (and of the loops nested in it)."""
    for key, value in op.attrs.items():
        if isinstance(value, LoopFrame):
            if any(_holds_python_objects(o) for o in value.ops):
                return True
        elif key.startswith("_") and (isinstance(value, np.dtype) or (
                isinstance(value, type) and issubclass(value, np.generic))):
            continue
        elif isinstance(value, np.ndarray) and value.dtype.kind not in "OUS":
            continue
        elif _full_attr(value)[1] == "none":
            return True
    return False


def _input_name(t: Any) -> str:
    return t.op.name if t.value_index == 0 else f"{t.op.name}:{t.value_index}"


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
    p = _pb()
    node = p.NodeDef(name=op.name, op=op.type, device=op.device)
    node.input.extend(_input_name(t) for t in op.inputs)
    # TF's GraphDef lists a node's control inputs sorted by name (Graph::ToGraphDef sorts
    # them for a stable serialization), whatever order they were added in
    node.input.extend(sorted("^" + c.name for c in op.control_inputs))
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
            if _holds_python_objects(op):
                lost.append(key)
            else:
                text = loop_frame_def.frame_to_json(op)
                node.attr["_tk_frame"].CopyFrom(p.AttrValue(s=text.encode("utf-8")))
            continue
        if full:
            a, how = _full_attr(value)
            if how == "json":
                json_attrs.append(key)
            elif how == "none":
                lost.append(key)
            if isinstance(value, tuple) and how != "none":  # lists when read back
                tuples.append(key)
            elif isinstance(value, bytes) and how == "":  # text when read back
                byte_attrs.append(key)
        else:
            a = attr_value(value)
        if a is not None:
            node.attr[key].CopyFrom(a)
    if full:
        lv = p.AttrValue.ListValue(type=[t.dtype.as_datatype_enum for t in op.outputs])
        node.attr["_output_types"].CopyFrom(p.AttrValue(list=lv))
        if not add_shapes and op.outputs:
            shapes = p.AttrValue.ListValue(shape=[shape_proto(t.shape) for t in op.outputs])
            node.attr["_tk_shapes"].CopyFrom(p.AttrValue(list=shapes))
        for key, names in (("_tk_json", json_attrs), ("_tk_unserializable", lost),
                           ("_tk_np", np_types), ("_tk_tuples", tuples),
                           ("_tk_bytes", byte_attrs)):
            if names:
                node.attr[key].CopyFrom(p.AttrValue(list=p.AttrValue.ListValue(
                    s=[n.encode("utf-8") for n in names])))
        gates = op.cond_gates
        if gates:
            text = json.dumps([[t.name, bool(b)] for t, b in gates])
            node.attr["_tk_gates"].CopyFrom(p.AttrValue(s=text.encode("utf-8")))
    if not {"T", "dtype", "Tcomplex"} & set(node.attr):  # Tcomplex: TF's FFT ops
        if op.inputs:
            node.attr["T"].CopyFrom(p.AttrValue(type=op.inputs[0].dtype.as_datatype_enum))
        elif op.outputs:
            node.attr["dtype"].CopyFrom(p.AttrValue(type=op.outputs[0].dtype.as_datatype_enum))
    if add_shapes and op.outputs:
        shapes = p.AttrValue.ListValue(shape=[shape_proto(t.shape) for t in op.outputs])
        node.attr["_output_shapes"].CopyFrom(p.AttrValue(list=shapes))
    return node


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


# graph -> ((version, edit_epoch), {(add_shapes, full): serialized GraphDef})
_EXPORTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_EXPORTS_LOCK = threading.Lock()


def graph_def_bytes(graph: Any, add_shapes: bool = False, full: bool = False) -> bytes:
    """The serialized ``GraphDef`` of ``graph`` (see :func:`graph_def_of`), built once per
    graph version: one start of a monitored session exports the same graph for the event
    file, the ``.meta`` file and ``graph.pbtxt``. The bytes are kept while no op is added
    (``graph.version``) or changed (``graph.edit_epoch``); map entries are written in key
    order, so the same graph always gives the same bytes.
    """
    key = (graph.version, graph.edit_epoch)
    with _EXPORTS_LOCK:
        entry = _EXPORTS.get(graph)
        if entry is None or entry[0] != key:
            entry = _EXPORTS[graph] = (key, {})
        data = entry[1].get((add_shapes, full))
    if data is None:
        p = _pb()
        gd = p.GraphDef(versions=p.VersionDef(producer=PRODUCER_VERSION))
        gd.node.extend(node_def_of(op, add_shapes, full) for op in graph.get_operations())
        data = gd.SerializeToString(deterministic=True)
        with _EXPORTS_LOCK:
            entry[1][(add_shapes, full)] = data
    return data


__all__ = ["graph_def_of", "graph_def_bytes", "node_def_of", "attr_value", "shape_proto",
           "full_tensor_proto", "proto_classes", "DEVICE"]
