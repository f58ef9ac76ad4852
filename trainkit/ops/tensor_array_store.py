"""The run-time side of a ``TensorArray``: a list of NumPy values with TF1's rules.

One :class:`TensorArrayStore` is created each time a ``TensorArrayV3`` op runs (so a
TensorArray built inside a loop body is a new array per iteration); the op's ``resource``
output is the store itself, and every TensorArray op reads or writes it through that
handle. Errors are TF's messages as ``InvalidArgumentError``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors


def _err(msg: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, msg)


def _fmt(shape: tuple | None) -> str:
    if shape is None:
        return "<unknown>"
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


def _compatible(shape: tuple, known: tuple | None) -> bool:
    if known is None:
        return True
    return len(shape) == len(known) and all(k is None or k == s
                                            for s, k in zip(shape, known))


class TensorArrayStore:
    """The elements of one TensorArray during one run.

    Attributes:
        np_dtype: the element dtype.
        values: one entry per index: an ndarray, or None (unwritten or cleared).
        element_shape: the (partially) known element shape, or None; fixed by the
            first write when ``infer_shape``.
        aggregate: writes to a written index add up (gradient arrays).
        grads: the gradient arrays made from this one, by gradient source.
    """

    __slots__ = ("np_dtype", "values", "cleared", "dynamic", "clear_after_read",
                 "element_shape", "infer_shape", "aggregate", "grads", "closed", "name")

    def __init__(self, np_dtype: np.dtype, size: int, dynamic: bool, clear_after_read: bool,
                 element_shape: tuple | None, infer_shape: bool = True,
                 aggregate: bool = False, name: str = ""):
        if size < 0:
            raise _err(f"Size should be >= 0, got {size}.")
        self.np_dtype = np_dtype
        self.values: list[Any] = [None] * size
        self.cleared = [False] * size
        self.dynamic = dynamic
        self.clear_after_read = clear_after_read
        self.element_shape = element_shape
        self.infer_shape = infer_shape
        self.aggregate = aggregate
        self.grads: dict[str, TensorArrayStore] = {}
        self.closed = False
        self.name = name

    def _check_open(self) -> None:
        if self.closed:
            raise _err(f"TensorArray {self.name} has already been closed.")

    @property
    def size(self) -> int:
        return len(self.values)

    # -- writing -----------------------------------------------------------------------
    def write(self, index: int, value: Any, ragged: bool = False) -> None:
        """Writes ``value`` at ``index`` (``ragged``: pieces of a split, whose first
        dimension may differ)."""
        self._check_open()
        index = int(index)
        if index < 0:
            raise _err(f"Tried to write to index {index} but the index is negative.")
        if index >= len(self.values):
            if not self.dynamic:
                raise _err(f"Tried to write to index {index} but array is not resizeable "
                           f"and size is: {len(self.values)}")
            grow = index + 1 - len(self.values)
            self.values.extend([None] * grow)
            self.cleared.extend([False] * grow)
        v = np.asarray(value, dtype=self.np_dtype)
        if not _compatible(v.shape, self.element_shape):
            raise _err(f"Could not write to TensorArray index {index} because the value "
                       f"shape is {_fmt(v.shape)} which is incompatible with the "
                       f"TensorArray's inferred element shape: {_fmt(self.element_shape)} "
                       "(consider setting infer_shape=False).")
        if self.infer_shape:
            self.element_shape = (None,) + v.shape[1:] if ragged else v.shape
        old = self.values[index]
        if self.cleared[index]:
            raise _err(f"Could not write to TensorArray index {index} because it has "
                       "already been read.")
        if old is not None:
            if not self.aggregate:
                raise _err(f"Could not write to TensorArray index {index} because it has "
                           "already been written to.")
            if old.shape != v.shape:
                raise _err(f"Could not aggregate to TensorArray index {index} because the "
                           f"existing shape is {_fmt(old.shape)} but the new input shape "
                           f"is {_fmt(v.shape)}.")
            v = old + v
        self.values[index] = v

    def scatter(self, indices: Any, value: Any) -> None:
        idx = np.asarray(indices).reshape(-1)
        v = np.asarray(value, dtype=self.np_dtype)
        if v.ndim == 0 or v.shape[0] != idx.shape[0]:
            raise _err(f"Expected len(indices) == values.shape[0], but saw: {idx.shape[0]} "
                       f"vs. {v.shape[0] if v.ndim else 'a scalar'}")
        for k, i in enumerate(idx):
            self.write(int(i), v[k])

    def split(self, value: Any, lengths: Any) -> None:
        lens = [int(n) for n in np.asarray(lengths).reshape(-1)]
        v = np.asarray(value, dtype=self.np_dtype)
        if v.ndim == 0:
            raise _err("Expected value to be at least a vector, but received shape: []")
        if sum(lens) != v.shape[0]:
            raise _err(f"Expected sum of lengths to be equal to values.shape[0], but sum "
                       f"of lengths is {sum(lens)} and value's shape is: {_fmt(v.shape)}")
        if not self.dynamic and len(lens) != len(self.values):
            raise _err(f"TensorArray's size is not equal to the size of lengths "
                       f"({len(self.values)} vs. {len(lens)}), and the TensorArray is not "
                       "marked as dynamically resizeable")
        start = 0
        for k, n in enumerate(lens):
            self.write(k, v[start:start + n], ragged=True)
            start += n

    # -- reading -----------------------------------------------------------------------
    def read(self, index: int) -> np.ndarray:
        self._check_open()
        index = int(index)
        if index < 0 or index >= len(self.values):
            raise _err(f"Tried to read from index {index} but array size is: "
                       f"{len(self.values)}")
        if self.cleared[index]:
            raise _err(f"Could not read index {index} twice because it was cleared after "
                       "a previous read (perhaps try setting clear_after_read = false?)")
        v = self.values[index]
        if v is None:
            shape = self.element_shape
            if shape is None or any(d is None for d in shape):
                raise _err(f"Could not read from TensorArray index {index}. Furthermore, "
                           f"the element shape is not fully defined: {_fmt(shape)}. It is "
                           "possible you are working with a resizeable TensorArray and "
                           "stop_gradients is not allowing the gradients to be written. If "
                           "you set the full element_shape property on the forward "
                           "TensorArray, the proper all-zeros tensor will be returned "
                           "instead of incurring this error.")
            return np.zeros(shape, self.np_dtype)
        if self.clear_after_read and not self.aggregate:
            self.values[index] = None
            self.cleared[index] = True
        return v

    def gather(self, indices: Any) -> np.ndarray:
        idx = [int(i) for i in np.asarray(indices).reshape(-1)]
        if not idx:
            shape = self.element_shape
            if shape is None or any(d is None for d in shape):
                raise _err("TensorArray has size zero, but element shape "
                           f"{_fmt(shape)} is not fully defined. Currently only static "
                           "shapes are supported when packing zero-size TensorArrays.")
            return np.zeros((0,) + tuple(shape), self.np_dtype)
        parts = [self.read(i) for i in idx]
        first = parts[0].shape
        for i, p in zip(idx, parts):
            if p.shape != first:
                raise _err(f"TensorArray has inconsistent shapes. Index {idx[0]} has "
                           f"shape: {_fmt(first)} but index {i} has shape: {_fmt(p.shape)}")
        return np.stack(parts)

    def concat(self) -> tuple[np.ndarray, np.ndarray]:
        parts = [self.read(i) for i in range(len(self.values))]
        for i, p in enumerate(parts):
            if p.ndim == 0:
                raise _err(f"Concat saw a scalar shape at index {i} but requires at least "
                           "vectors.")
        lengths = np.asarray([p.shape[0] for p in parts], np.int64)
        if not parts:
            shape = self.element_shape
            tail = tuple(shape[1:]) if shape and all(d is not None for d in shape[1:]) \
                else (0,)
            return np.zeros((0,) + tail, self.np_dtype), lengths
        return np.concatenate(parts, axis=0), lengths

    # -- gradients ---------------------------------------------------------------------
    def grad(self, source: str) -> TensorArrayStore:
        """The gradient array for ``source`` (created on first use): same size and
        element shape, summing repeated writes."""
        g = self.grads.get(source)
        if g is None:
            g = TensorArrayStore(self.np_dtype, len(self.values), self.dynamic, False,
                                 self.element_shape, self.infer_shape, aggregate=True,
                                 name=f"{self.name}@{source}")
            self.grads[source] = g
        return g

    def __repr__(self) -> str:
        return f"<TensorArrayStore '{self.name}' size={len(self.values)}>"


__all__ = ["TensorArrayStore"]
