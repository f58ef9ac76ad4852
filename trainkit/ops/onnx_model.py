"""A minimal ONNX model encoder: one-node models for ``onnxruntime``, with no ``onnx``.

``ops.gemm`` hands matrix products to ONNX Runtime, which takes a serialized
``onnx.ModelProto``. Only the few fields a one-node graph needs are written here, in
the protobuf wire format (varints and length-delimited fields) with the field numbers
of ``onnx/onnx.proto``:

=====================  ========================================================
message                fields written (number: name)
=====================  ========================================================
ModelProto             1: ir_version, 7: graph, 8: opset_import
OperatorSetIdProto     1: domain, 2: version
GraphProto             1: node, 2: name, 11: input, 12: output
NodeProto              1: input, 2: output, 4: op_type, 5: attribute, 7: domain
AttributeProto         1: name, 3: i, 20: type (2 = INT)
ValueInfoProto         1: name, 2: type
TypeProto              1: tensor_type
TypeProto.Tensor       1: elem_type, 2: shape (absent: any rank)
TensorShapeProto       1: dim (Dimension 1: dim_value, 2: dim_param)
=====================  ========================================================

Example:
    >>> blob = model([node("MatMul", ["A", "B"], ["C"])],
    ...              [value("A", FLOAT), value("B", FLOAT)], [value("C", FLOAT)])
    >>> blob[:2]   # field 1 (ir_version), varint
    b'\\x08\\x08'
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: ``TensorProto.DataType`` codes
FLOAT = 1
DOUBLE = 11
#: the IR version written (ONNX 1.10+; every ``onnxruntime>=1.17`` reads it)
IR_VERSION = 8
#: the default-domain opset the graphs use
OPSET = 17

_ELEM_TYPES = {np.dtype(np.float32): FLOAT, np.dtype(np.float64): DOUBLE}


def elem_type(dtype: np.dtype) -> int:
    """The ``TensorProto.DataType`` code of a float dtype.

    Raises:
        KeyError: for dtypes other than float32 and float64.
    """
    return _ELEM_TYPES[np.dtype(dtype)]


def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # negative int64 values take ten bytes, as protobuf writes them
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        if n:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _int_field(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _bytes_field(number: int, value: bytes | str) -> bytes:
    if isinstance(value, str):
        value = value.encode()
    return _varint(number << 3 | 2) + _varint(len(value)) + value


def int_attribute(name: str, value: int) -> bytes:
    """An ``AttributeProto`` holding one int (``type`` INT)."""
    return _bytes_field(1, name) + _int_field(20, 2) + _int_field(3, value)


def node(op_type: str, inputs: Sequence[str], outputs: Sequence[str],
         attributes: Sequence[bytes] = (), domain: str = "") -> bytes:
    """A ``NodeProto``; ``attributes`` are encoded ``AttributeProto`` messages."""
    return (b"".join(_bytes_field(1, i) for i in inputs)
            + b"".join(_bytes_field(2, o) for o in outputs)
            + _bytes_field(4, op_type)
            + b"".join(_bytes_field(5, a) for a in attributes)
            + (_bytes_field(7, domain) if domain else b""))


def value(name: str, elem: int, dims: Sequence[int | str] | None = None) -> bytes:
    """A ``ValueInfoProto`` of a tensor of element type ``elem``; ``dims`` (ints are
    fixed sizes, strings symbolic ones) or ``None`` for any shape and rank."""
    tensor = _int_field(1, elem)
    if dims is not None:
        shape = b"".join(_bytes_field(1, _int_field(1, d) if isinstance(d, int)
                                      else _bytes_field(2, d)) for d in dims)
        tensor += _bytes_field(2, shape)
    return _bytes_field(1, name) + _bytes_field(2, _bytes_field(1, tensor))


def model(nodes: Sequence[bytes], inputs: Sequence[bytes], outputs: Sequence[bytes],
          opsets: Sequence[tuple[str, int]] = (("", OPSET),), name: str = "trainkit"
          ) -> bytes:
    """A serialized ``ModelProto`` of one graph (encoded nodes and value infos)."""
    graph = (b"".join(_bytes_field(1, n) for n in nodes) + _bytes_field(2, name)
             + b"".join(_bytes_field(11, i) for i in inputs)
             + b"".join(_bytes_field(12, o) for o in outputs))
    opset_bytes = b"".join(
        _bytes_field(8, (_bytes_field(1, d) if d else b"") + _int_field(2, v))
        for d, v in opsets)
    return _int_field(1, IR_VERSION) + opset_bytes + _bytes_field(7, graph)


__all__ = ["FLOAT", "DOUBLE", "IR_VERSION", "OPSET", "elem_type", "int_attribute", "node",
           "value", "model"]
