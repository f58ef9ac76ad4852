"""``SparseTensor``s as strings: ``tf.io.serialize_sparse`` (one sparse tensor as three
serialized ``TensorProto``s: indices, values, dense shape), ``serialize_many_sparse``
(one such triple per row of a minibatch, the first dimension dropped) and
``deserialize_many_sparse`` (rows back into one batched sparse tensor), byte for byte
TF's encoding (``ops/tensor_proto_ops.py``).

Example:
    >>> s = tf.io.serialize_many_sparse(sp)                    # [rows, 3] strings
    >>> back = tf.io.deserialize_many_sparse(s, tf.float32)    # == sp
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph_def import proto_classes as _pb
from trainkit.framework.shapes import TensorShape
from trainkit.framework.sparse_tensor import SparseTensor, SparseTensorValue
from trainkit.framework.tensor import Tensor
from trainkit.ops.graph_import import tensor_value
from trainkit.ops.op_util import make_op
from trainkit.ops.tensor_proto_ops import proto_bytes


def _sparse(sp_input: Any) -> SparseTensor:
    if isinstance(sp_input, SparseTensorValue):
        return SparseTensor.from_value(sp_input)
    if not isinstance(sp_input, SparseTensor):
        raise TypeError(f"Input must be a SparseTensor, got {type(sp_input).__name__}.")
    return sp_input


def serialize_sparse(sp_input: Any, name: str | None = None,
                     out_type: Any = _dt.string) -> Tensor:
    """A ``[3]`` string tensor: the serialized indices, values and dense shape."""
    sp = _sparse(sp_input)
    _check_out_type(out_type)
    return make_op("SerializeSparse", [sp.indices, sp.values, sp.dense_shape],
                   [_dt.string], name=name or "SerializeSparse",
                   shapes=[TensorShape([3])]).outputs[0]


def serialize_many_sparse(sp_input: Any, name: str | None = None,
                          out_type: Any = _dt.string) -> Tensor:
    """A ``[N, 3]`` string tensor: per row of the minibatch (the first dimension, whose
    entries must come in increasing order of it), the serialized indices (without that
    dimension), values and dense shape."""
    sp = _sparse(sp_input)
    _check_out_type(out_type)
    return make_op("SerializeManySparse", [sp.indices, sp.values, sp.dense_shape],
                   [_dt.string], name=name or "SerializeManySparse",
                   shapes=[TensorShape([None, 3])]).outputs[0]


def deserialize_many_sparse(serialized_sparse: Any, dtype: Any, rank: int | None = None,
                            name: str | None = None) -> SparseTensor:
    """The rows of ``serialized_sparse`` (``[N, 3]`` strings) as one sparse tensor of
    dense shape ``[N] + the largest row shape``.

    Raises:
        InvalidArgumentError (run time): strings that are not such triples, rows of
            different ranks or another dtype.
    """
    s = conversion.convert_to_tensor(serialized_sparse, dtype=_dt.string,
                                     name="serialized_sparse")
    dt = _dt.as_dtype(dtype)
    r = None if rank is None else int(rank)
    op = make_op("DeserializeManySparse", [s], [_dt.int64, dt, _dt.int64],
                 name=name or "DeserializeManySparse", attrs={"dtype": dt},
                 shapes=[TensorShape([None, r]), TensorShape([None]), TensorShape([r])])
    return SparseTensor(*op.outputs)


def _check_out_type(out_type: Any) -> None:
    if _dt.as_dtype(out_type) != _dt.string:
        raise TypeError("trainkit serializes sparse tensors as strings only (out_type "
                        f"{_dt.as_dtype(out_type).name}).")


@registry.register_kernel("SerializeSparse")
def _serialize(ctx: registry.KernelContext, idx: Any, vals: Any, shape: Any) -> np.ndarray:
    return np.array([proto_bytes(np.asarray(idx, np.int64)), proto_bytes(np.asarray(vals)),
                     proto_bytes(np.asarray(shape, np.int64))], dtype=object)


@registry.register_kernel("SerializeManySparse")
def _serialize_many(ctx: registry.KernelContext, idx: Any, vals: Any, shape: Any
                    ) -> np.ndarray:
    idx, vals, shape = np.asarray(idx, np.int64), np.asarray(vals), np.asarray(shape, np.int64)
    if shape.size < 2:
        raise errors.InvalidArgumentError(
            None, None, f"SparseTensor must have rank > 1, got rank {shape.size}")
    out = np.empty((int(shape[0]), 3), dtype=object)
    row_shape = proto_bytes(shape[1:])
    first = idx[:, 0] if idx.size else np.zeros(0, np.int64)
    for r in range(out.shape[0]):
        keep = first == r
        out[r, 0] = proto_bytes(idx[keep][:, 1:].reshape(-1, shape.size - 1))
        out[r, 1] = proto_bytes(vals[keep])
        out[r, 2] = row_shape
    return out


@registry.register_kernel("DeserializeManySparse")
def _deserialize_many(ctx: registry.KernelContext, s: Any) -> tuple:
    arr = np.asarray(s, dtype=object)
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise errors.InvalidArgumentError(
            None, None, f"Serialized sparse should be a matrix with 3 columns, got shape "
                        f"{list(arr.shape)}")
    want = ctx.attrs["dtype"]
    parts_i, parts_v, shapes = [], [], []
    for r in range(arr.shape[0]):
        ix, vals, shp = (_parse(arr[r, k]) for k in range(3))
        if _dt.as_dtype(vals.dtype) != want:
            raise errors.InvalidArgumentError(
                None, None, f"Requested SparseTensor of type {want.name} but "
                            f"SparseTensor[{r}].values.dtype() == "
                            f"{_dt.as_dtype(vals.dtype).name}")
        if shapes and shp.size != shapes[0].size:
            raise errors.InvalidArgumentError(
                None, None, f"Inconsistent shape across SparseTensors: rank prior to "
                            f"SparseTensor[{r}] was: {shapes[0].size} but rank of "
                            f"SparseTensor[{r}] is: {shp.size}")
        ix = ix.reshape(-1, shp.size)
        parts_i.append(np.concatenate([np.full((ix.shape[0], 1), r, np.int64), ix], 1))
        parts_v.append(vals)
        shapes.append(shp)
    rank = shapes[0].size if shapes else 0
    dense = np.concatenate([[arr.shape[0]], np.max(np.stack(shapes), 0) if shapes else
                            np.zeros(0, np.int64)]).astype(np.int64)
    idx = (np.concatenate(parts_i) if parts_i else np.zeros((0, rank + 1), np.int64))
    vals = (np.concatenate(parts_v) if parts_v else np.zeros(0, want.as_numpy_dtype))
    return idx, vals.astype(want.as_numpy_dtype, copy=False), dense


def _parse(raw: Any) -> np.ndarray:
    raw = raw.encode() if isinstance(raw, str) else bytes(raw)
    tp = _pb().TensorProto()
    try:
        tp.ParseFromString(raw)
    except Exception:  # protobuf's DecodeError
        raise errors.InvalidArgumentError(
            None, None, "Could not parse serialized sparse tensor component") from None
    return np.asarray(tensor_value(tp))


registry.not_differentiable("SerializeSparse", "SerializeManySparse",
                            "DeserializeManySparse")

__all__ = ["serialize_sparse", "serialize_many_sparse", "deserialize_many_sparse"]
