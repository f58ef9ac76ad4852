"""``IndexedSlices``: a sparse set of rows of a dense tensor — the gradient of a gather
(``embedding_lookup``) with respect to its params.

``values[k]`` is row ``indices[k]`` of a tensor of shape ``dense_shape``; rows may repeat
(they add up). ``convert_to_tensor`` densifies it (the conversion is registered by
``trainkit.ops.indexed_slices_ops``); optimizers apply it sparsely; ``Session.run``
returns an :class:`IndexedSlicesValue`.

Example:
    >>> (g,) = tk.gradients(tk.reduce_sum(tk.gather(params, [0, 2, 0])), [params])
    >>> isinstance(g, tk.IndexedSlices)
    True
"""

from __future__ import annotations

import collections
from typing import Any

from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor


class IndexedSlicesValue(collections.namedtuple(
        "IndexedSlicesValue", ["values", "indices", "dense_shape"])):
    """The fetched value of an ``IndexedSlices`` (NumPy arrays; ``dense_shape`` may be
    None)."""


class IndexedSlices:
    """Rows ``values`` at ``indices`` (int32/int64 vector) of a tensor of ``dense_shape``.

    Args:
        values: a tensor ``[n, d1, d2, ...]``.
        indices: an integer tensor ``[n]``.
        dense_shape: optional integer tensor ``[rank]``, the shape of the dense tensor.

    Raises:
        TypeError: if the parts are not tensors or ``indices`` is not integer.
    """

    def __init__(self, values: Tensor, indices: Tensor, dense_shape: Tensor | None = None):
        for what, t in (("values", values), ("indices", indices)):
            if not isinstance(t, Tensor):
                raise TypeError(f"IndexedSlices: {what} must be a Tensor, got {t!r}.")
        if not indices.dtype.is_integer:
            raise TypeError(f"IndexedSlices: indices must be integer, got "
                            f"{indices.dtype.name}.")
        if dense_shape is not None and not isinstance(dense_shape, Tensor):
            raise TypeError(f"IndexedSlices: dense_shape must be a Tensor or None, got "
                            f"{dense_shape!r}.")
        self._values = values
        self._indices = indices
        self._dense_shape = dense_shape

    values = property(lambda self: self._values)
    indices = property(lambda self: self._indices)
    dense_shape = property(lambda self: self._dense_shape)

    @property
    def dtype(self) -> _dt.DType:
        return self._values.dtype

    @property
    def name(self) -> str:
        return self._values.name

    @property
    def op(self) -> Any:
        return self._values.op

    @property
    def graph(self) -> Any:
        return self._values.graph

    @property
    def device(self) -> str:
        """The device recorded on the op producing ``values`` (as TF)."""
        return self._values.device

    @property
    def shape(self) -> TensorShape:
        """The static dense shape: the rows of ``values`` with an unknown first dimension
        unless ``dense_shape`` is a constant."""
        ds = self._dense_shape
        if ds is not None and ds.op.type == "Const":
            return TensorShape([int(d) for d in ds.op.attrs["value"]])
        vs = self._values.shape
        if vs.ndims is None:
            return TensorShape(None)
        return TensorShape([None] + vs.as_list()[1:])

    def get_shape(self) -> TensorShape:
        return self.shape

    def __repr__(self) -> str:
        return (f"IndexedSlices(indices={self._indices!r}, values={self._values!r}"
                + (f", dense_shape={self._dense_shape!r})" if self._dense_shape is not None
                   else ")"))


__all__ = ["IndexedSlices", "IndexedSlicesValue"]
