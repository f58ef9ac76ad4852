"""``SparseTensor`` (symbolic) and ``SparseTensorValue`` (its fetched value)."""

from __future__ import annotations

import collections
from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape, v1_shape
from trainkit.framework.tensor import Tensor, _operator, _session_for_eval


class SparseTensorValue(collections.namedtuple(
        "SparseTensorValue", ["indices", "values", "dense_shape"])):
    """The value of a ``SparseTensor``: indices [N, rank] int64, values [N], dense_shape."""


class SparseTensor:
    """A sparse tensor given by ``indices`` (int64 [N, rank]), ``values`` ([N]) and
    ``dense_shape`` (int64 [rank]).

    Example:
        >>> st = SparseTensor(indices=[[0, 1]], values=[5.0], dense_shape=[2, 3])
        >>> st.dtype
        tk.float32
    """

    def __init__(self, indices: Any, values: Any, dense_shape: Any):
        self._indices = conversion.convert_to_tensor(indices, dtype=_dt.int64, name="indices")
        self._values = conversion.convert_to_tensor(values, name="values")
        self._dense_shape = conversion.convert_to_tensor(
            dense_shape, dtype=_dt.int64, name="dense_shape")

    @classmethod
    def from_value(cls, value: Any) -> SparseTensor:
        if isinstance(value, SparseTensor):
            return value
        return cls(value.indices, value.values, value.dense_shape)

    @property
    def indices(self) -> Tensor:
        return self._indices

    @property
    def values(self) -> Tensor:
        return self._values

    @property
    def dense_shape(self) -> Tensor:
        return self._dense_shape

    @property
    def dtype(self) -> _dt.DType:
        return self._values.dtype

    @property
    def op(self) -> Any:
        return self._values.op

    @property
    def graph(self) -> Any:
        return self._values.graph

    @property
    def shape(self) -> TensorShape:
        """Static dense shape when ``dense_shape`` is a constant (or a placeholder whose
        default is one, -1 meaning unknown, as TF's ``sparse_placeholder``), else of known
        rank."""
        op = self._dense_shape.op
        if op.type == "PlaceholderWithDefault" and op.inputs[0].op.type == "Const":
            return TensorShape([None if int(d) < 0 else int(d)
                                for d in op.inputs[0].op.attrs["value"]])
        if op.type == "Const":
            return TensorShape([int(d) for d in op.attrs["value"]])
        n = (self._dense_shape.shape.as_list()[0] if self._dense_shape.shape.ndims
             else None)
        return TensorShape(None if n is None else [None] * n)

    def get_shape(self) -> TensorShape:
        return v1_shape(self.shape)

    def eval(self, feed_dict: dict | None = None, session: Any = None) -> SparseTensorValue:
        return _session_for_eval(session, "tensor").run(self, feed_dict)

    def __mul__(self, other: Any) -> SparseTensor:
        """``sp * dense``: each value times the (broadcast) dense entry at its index."""
        return _operator("sparse_dense_mul")(self, other)

    def __truediv__(self, other: Any) -> SparseTensor:
        """``sp / dense``: each value over the (broadcast) dense entry at its index."""
        return _operator("sparse_dense_div")(self, other)

    __div__ = __truediv__

    def __repr__(self) -> str:
        return (f"SparseTensor(indices={self._indices!r}, values={self._values!r}, "
                f"dense_shape={self._dense_shape!r})")


__all__ = ["SparseTensor", "SparseTensorValue"]
