"""Tensors as ``TensorProto`` bytes: ``tf.io.serialize_tensor`` / ``parse_tensor`` (graph
ops) and ``tf.make_tensor_proto`` / ``tf.make_ndarray`` (Python), byte for byte TF's
encoding (numbers as ``tensor_content``, strings as ``string_val``; ``make_tensor_proto``
keeps a single value, or one value broadcast to a larger ``shape``, in the typed field).

The protos are ``tensorboardX``'s compiled copies of TF's ``TensorProto`` (the same wire
format and field names as ``tensorflow.core.framework.tensor_pb2``).

Example:
    >>> s = tf.io.serialize_tensor(tf.constant([[1.0, 2.0]]))
    >>> x = tf.io.parse_tensor(s, tf.float32)
"""

from __future__ import annotations

import base64
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph_def import full_tensor_proto, shape_proto
from trainkit.framework.graph_def import proto_classes as _pb
from trainkit.framework.tensor import Tensor
from trainkit.ops.graph_import import tensor_value
from trainkit.ops.op_util import make_op


def _content_proto(arr: np.ndarray) -> Any:
    """TF's ``AsProtoTensorContent``: strings in ``string_val``, numbers as raw bytes."""
    if arr.dtype.kind in ("O", "U", "S"):
        return full_tensor_proto(np.asarray(arr, dtype=object))
    p = _pb()
    return p.TensorProto(dtype=_dt.as_dtype(arr.dtype).as_datatype_enum,
                         tensor_shape=shape_proto(list(arr.shape)),
                         tensor_content=np.ascontiguousarray(arr).astype(
                             arr.dtype.newbyteorder("<")).tobytes())


def proto_bytes(arr: np.ndarray) -> bytes:
    """``arr`` as TF's serialized ``TensorProto`` bytes (what ``SerializeTensor`` gives)."""
    arr = np.asarray(arr)
    if arr.dtype.kind in ("U", "S"):
        arr = arr.astype(object)
    return _content_proto(arr).SerializeToString()


def serialize_tensor(tensor: Any, name: str | None = None) -> Tensor:
    """A scalar string: the serialized ``TensorProto`` of ``tensor``."""
    t = conversion.convert_to_tensor(tensor, name="tensor")
    return make_op("SerializeTensor", [t], [_dt.string], name=name or "SerializeTensor",
                   shapes=[[]]).outputs[0]


def parse_tensor(serialized: Any, out_type: Any, name: str | None = None) -> Tensor:
    """The tensor a serialized ``TensorProto`` holds (its shape is known when run).

    Raises:
        InvalidArgumentError (run time): bytes that are not a ``TensorProto``, or a
            tensor of another dtype than ``out_type``.
    """
    s = conversion.convert_to_tensor(serialized, dtype=_dt.string, name="serialized")
    dt = _dt.as_dtype(out_type)
    return make_op("ParseTensor", [s], [dt], name=name or "ParseTensor",
                   attrs={"out_type": dt}, shapes=[None]).outputs[0]


@registry.register_kernel("SerializeTensor")
def _serialize(ctx: registry.KernelContext, x: Any) -> Any:
    return np.asarray(proto_bytes(np.asarray(x)), dtype=object)


@registry.register_kernel("ParseTensor")
def _parse(ctx: registry.KernelContext, s: Any) -> np.ndarray:
    raw = np.asarray(s, dtype=object).item()
    raw = raw.encode() if isinstance(raw, str) else bytes(raw)
    tp = _pb().TensorProto()
    try:
        tp.ParseFromString(raw)
    except Exception:  # protobuf's DecodeError (any malformed input)
        raise errors.InvalidArgumentError(
            None, ctx.op, f"Could not parse `serialized` as TensorProto, base64: "
                          f"{base64.b64encode(raw).decode()}") from None
    want = ctx.attrs["out_type"]
    got = _dt.as_dtype(int(tp.dtype) % 100) if tp.dtype else None
    if got != want:
        raise errors.InvalidArgumentError(
            None, ctx.op, f"Type mismatch between parsed tensor ({_tf_type_name(got)}) "
                          f"and dtype ({_tf_type_name(want)})")
    return tensor_value(tp)


def _tf_type_name(dt: _dt.DType | None) -> str:
    """TF's ``DataTypeString`` (``float`` for float32, ``double`` for float64)."""
    if dt is None:
        return "invalid"
    return {"float32": "float", "float64": "double", "float16": "half"}.get(dt.name, dt.name)


registry.not_differentiable("SerializeTensor", "ParseTensor")


def make_tensor_proto(values: Any, dtype: Any = None, shape: Any = None,
                      verify_shape: bool = False, allow_broadcast: bool = False) -> Any:
    """The ``TensorProto`` of ``values`` (as ``tf.make_tensor_proto``): converted to
    ``dtype``, reshaped to ``shape`` when given (a single value fills it).

    Raises:
        TypeError / ValueError: values that do not fit ``dtype`` or ``shape`` (TF's
            rules: with ``verify_shape`` the shapes must be equal).
    """
    dt = None if dtype is None else _dt.as_dtype(dtype)
    if isinstance(values, np.ndarray) and dt is None:
        arr = values
    else:
        arr = conversion.value_to_ndarray(values, dt)
    if dt is not None and dt != _dt.string:
        arr = arr.astype(dt.np_dtype, copy=False)
    p = _pb()
    if shape is None:
        dims = list(arr.shape)
    else:
        dims = [int(d) for d in (shape if isinstance(shape, list | tuple) else [shape])]
        if verify_shape and list(arr.shape) != dims:
            raise TypeError(f"Expected Tensor's shape: {tuple(dims)}, but got "
                            f"{arr.shape}.")
    size = int(np.prod(dims)) if dims else 1
    if arr.size not in (size, 1) or (arr.size == 1 and size == 0):
        raise ValueError(f"Too many elements provided. Needed at most {size}, but received "
                         f"{arr.size}" if arr.size > size else
                         f"Expected {size} elements to fill the shape {dims}, got "
                         f"{arr.size}.")
    if arr.dtype.kind in ("O", "U", "S"):
        tp = full_tensor_proto(np.asarray(arr, dtype=object).reshape(-1))
        tp.tensor_shape.CopyFrom(shape_proto(dims))
        return tp
    if arr.size == size and size > 1:
        return _content_proto(arr.reshape(dims))
    typed = _dt.as_dtype(arr.dtype)
    tp = p.TensorProto(dtype=typed.as_datatype_enum, tensor_shape=shape_proto(dims))
    if size:
        field = {_dt.float32: "float_val", _dt.float64: "double_val", _dt.int64: "int64_val",
                 _dt.bool_: "bool_val"}.get(typed, "int_val")
        getattr(tp, field).append(arr.reshape(-1)[0].item())
    return tp


def make_ndarray(tensor: Any) -> np.ndarray:
    """The NumPy array a ``TensorProto`` holds (``tf.make_ndarray``)."""
    return tensor_value(tensor)


__all__ = ["proto_bytes", "serialize_tensor", "parse_tensor", "make_tensor_proto",
           "make_ndarray"]
