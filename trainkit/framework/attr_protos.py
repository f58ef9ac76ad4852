"""Attribute values of an exported op as TF's ``AttrValue`` / ``TensorProto`` /
``TensorShapeProto`` messages (tensorboardX's compiled classes), for ``graph_def``.

:func:`attr_value` converts the small values TensorBoard shows (a ``GraphDef`` for the
Graphs tab); :func:`full_attr` converts every value for a complete export that
``import_graph_def`` rebuilds (large constants as ``tensor_content``, the rest as JSON
text, or marked as lost).

Example:
    >>> attr_value(3).i
    3
    >>> shape_proto([None, 4]).dim[0].size
    -1
"""

from __future__ import annotations

import functools
import json
import types
from typing import Any

import numpy as np

from trainkit.framework.dtypes import DType
from trainkit.framework.loop_frame import LoopFrame
from trainkit.framework.shapes import TensorShape

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


def full_attr(value: Any) -> tuple[Any, str]:
    """``(AttrValue, how)`` for an attribute in a complete export: ``how`` is ``''``
    (native), ``'json'`` (stored as JSON text) or ``'none'`` (not serializable)."""
    if isinstance(value, np.ndarray):
        t = full_tensor_proto(value)
        if t is not None:
            return _pb().AttrValue(tensor=t), ""
    elif isinstance(value, np.generic):
        return full_attr(value.item())
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


def holds_python_objects(op: Any) -> bool:
    """Whether a complete export of ``op`` loses an attribute (a Python object), looking
    into the ops of a loop's frame (and of the loops nested in it)."""
    for key, value in op.attrs.items():
        if isinstance(value, LoopFrame):
            if any(holds_python_objects(o) for o in value.ops):
                return True
        elif key.startswith("_") and (isinstance(value, np.dtype) or (
                isinstance(value, type) and issubclass(value, np.generic))):
            continue
        elif isinstance(value, np.ndarray) and value.dtype.kind not in "OUS":
            continue
        elif full_attr(value)[1] == "none":
            return True
    return False



__all__ = ["proto_classes", "shape_proto", "attr_value", "full_tensor_proto", "full_attr",
           "holds_python_objects", "MAX_TENSOR_ELEMENTS", "MAX_STRING_BYTES"]
