"""``tf.sets``: intersection, union and difference of the sets held in the last dimension
of two tensors, and the size of each set.

Each input is a dense ``Tensor`` (a row's set is every value of its last dimension,
duplicates counted once) or a ``SparseTensor`` (a row's set is the values stored under
that row). The result is a ``SparseTensor`` whose row ``i`` lists its set's elements in
ascending order (bytewise for strings) at ``[*i, 0], [*i, 1], ...``, with
``dense_shape = [*batch_shape, largest set]``, as TF orders it. A sparse ``a`` with a
dense ``b`` is computed as TF does, by swapping the two (the difference then flips).
Allowed types: int8/16/32/64, uint8/16 and string.

Differs from TF: ``validate_indices`` is accepted and not checked (sparse inputs may
come in any order).

Example:
    >>> import trainkit as tf
    >>> s = tf.sets.set_intersection(tf.constant([[3, 1, 2]]), tf.constant([[2, 3, 9]]))
    >>> tf.Session().run(s).values.tolist()
    [2, 3]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import conversion, registry
from trainkit.framework import dtypes as _dt
from trainkit.framework.shapes import TensorShape
from trainkit.framework.sparse_tensor import SparseTensor, SparseTensorValue
from trainkit.framework.tensor import Tensor
from trainkit.ops.op_util import make_op

SET_DTYPES = frozenset({_dt.int8, _dt.int16, _dt.int32, _dt.int64, _dt.uint8, _dt.uint16,
                        _dt.string})
_OPS: dict[str, Callable[[set, set], set]] = {
    "intersection": lambda a, b: a & b, "union": lambda a, b: a | b,
    "a-b": lambda a, b: a - b, "b-a": lambda a, b: b - a,
}


def _convert(x: Any, what: str) -> Tensor | SparseTensor:
    if isinstance(x, SparseTensor | SparseTensorValue):
        t: Any = SparseTensor.from_value(x)
    else:
        t = conversion.convert_to_tensor(x, name=what)
    if t.dtype not in SET_DTYPES:
        raise TypeError(f"'{what}' has invalid dtype `{t.dtype.name}` not in supported dtypes: "
                        f"{', '.join(sorted(d.name for d in SET_DTYPES))}.")
    return t


def _rank_and_batch(t: Any) -> tuple[int | None, list | None]:
    """The static rank and batch shape (all but the last dimension) of an input."""
    if isinstance(t, SparseTensor):
        rank = t.dense_shape.shape.as_list()[0] if t.dense_shape.shape.ndims == 1 else None
        return rank, None
    if t.shape.ndims is None:
        return None, None
    return t.shape.ndims, t.shape.as_list()[:-1]


def _check_batches(batch_a: list, batch_b: list, operation: str) -> None:
    """TF's shape check: every dimension but the last must agree."""
    if len(batch_a) != len(batch_b):
        raise ValueError(f"Set {operation}: inputs of ranks {len(batch_a) + 1} and "
                         f"{len(batch_b) + 1} must have the same rank.")
    for i, (x, y) in enumerate(zip(batch_a, batch_b, strict=True)):
        if x is not None and y is not None and x != y:
            raise ValueError(f"Dimension {i} in both shapes must be equal, but are {x} and "
                             f"{y}. Shapes are {batch_a} and {batch_b} (set {operation}).")


def _set_operation(a: Any, b: Any, operation: str, name: str | None) -> SparseTensor:
    a, b = _convert(a, "a"), _convert(b, "b")
    if a.dtype is not b.dtype:
        raise TypeError(f"Types don't match, {a.dtype.name} vs {b.dtype.name}.")
    # the public functions have swapped a sparse ``a`` with a dense ``b`` already
    a_sparse, b_sparse = isinstance(a, SparseTensor), isinstance(b, SparseTensor)
    (rank_a, batch_a), (rank_b, batch_b) = _rank_and_batch(a), _rank_and_batch(b)
    for r in (rank_a, rank_b):
        if r is not None and r < 2:
            raise ValueError(f"Shape must be at least rank 2 but is rank {r} (the inputs "
                             f"of a set {operation}).")
    if batch_a is not None and batch_b is not None:
        _check_batches(batch_a, batch_b, operation)
    rank = rank_a if rank_a is not None else rank_b
    kind = ("Sparse" if a_sparse else "Dense") + "To" + ("Sparse" if b_sparse else "Dense")
    inputs = []
    for t in (a, b):
        inputs += [t.indices, t.values, t.dense_shape] if isinstance(t, SparseTensor) else [t]
    op = make_op(f"{kind}SetOperation", inputs, [_dt.int64, a.dtype, _dt.int64],
                 name=name or f"{kind}SetOperation",
                 attrs={"set_operation": operation, "a_sparse": a_sparse,
                        "b_sparse": b_sparse},
                 shapes=[TensorShape([None, rank]), TensorShape([None]),
                         TensorShape([rank])])
    return SparseTensor(*op.outputs)


def set_intersection(a: Any, b: Any, validate_indices: bool = True,
                     name: str | None = None) -> SparseTensor:
    """The elements in both ``a``'s and ``b``'s set, row by row.

    Raises:
        TypeError: for an unsupported or mismatched dtype.
        ValueError: for a rank below 2 or batch shapes that differ.
    """
    del validate_indices
    if isinstance(a, SparseTensor | SparseTensorValue) and not isinstance(
            b, SparseTensor | SparseTensorValue):
        a, b = b, a  # TF computes Dense,Sparse only
    return _set_operation(a, b, "intersection", name)


def set_union(a: Any, b: Any, validate_indices: bool = True,
              name: str | None = None) -> SparseTensor:
    """The elements in ``a``'s or ``b``'s set, row by row.

    Raises:
        TypeError: for an unsupported or mismatched dtype.
        ValueError: for a rank below 2 or batch shapes that differ.
    """
    del validate_indices
    if isinstance(a, SparseTensor | SparseTensorValue) and not isinstance(
            b, SparseTensor | SparseTensorValue):
        a, b = b, a
    return _set_operation(a, b, "union", name)


def set_difference(a: Any, b: Any, aminusb: bool = True, validate_indices: bool = True,
                   name: str | None = None) -> SparseTensor:
    """``a - b`` (``b - a`` with ``aminusb=False``), row by row.

    Raises:
        TypeError: for an unsupported or mismatched dtype.
        ValueError: for a rank below 2 or batch shapes that differ.
    """
    del validate_indices
    if isinstance(a, SparseTensor | SparseTensorValue) and not isinstance(
            b, SparseTensor | SparseTensorValue):
        a, b, aminusb = b, a, not aminusb
    return _set_operation(a, b, "a-b" if aminusb else "b-a", name)


def set_size(a: Any, validate_indices: bool = True, name: str | None = None) -> Tensor:
    """The number of distinct values in each row of the ``SparseTensor`` ``a`` (int32,
    shape ``dense_shape[:-1]``).

    Raises:
        TypeError: if ``a`` is not a ``SparseTensor`` or has an unsupported dtype.
    """
    del validate_indices
    if not isinstance(a, SparseTensor | SparseTensorValue):
        raise TypeError(f"Expected `SparseTensor`, got {a}.")
    sp = _convert(a, "a")
    return make_op("SetSize", [sp.indices, sp.values, sp.dense_shape], [_dt.int32],
                   name=name or "SetSize", shapes=[TensorShape(None)]).outputs[0]


# -- kernels ---------------------------------------------------------------------------------
def _dense_rows(x: np.ndarray) -> tuple[tuple, Callable[[tuple], set]]:
    x = np.asarray(x)
    return tuple(x.shape[:-1]), lambda pos: set(x[pos].tolist())


def _sparse_rows(indices: np.ndarray, values: np.ndarray, shape: np.ndarray
                 ) -> tuple[tuple, Callable[[tuple], set]]:
    groups: dict[tuple, set] = {}
    for idx, v in zip(np.asarray(indices).tolist(), np.asarray(values).tolist(), strict=True):
        groups.setdefault(tuple(idx[:-1]), set()).add(v)
    return tuple(int(s) for s in np.asarray(shape)[:-1]), lambda pos: groups.get(pos, set())


def _split_inputs(ctx: registry.KernelContext, inputs: tuple) -> list:
    sides, rest = [], list(inputs)
    for sparse in (ctx.attrs["a_sparse"], ctx.attrs["b_sparse"]):
        if sparse:
            sides.append(_sparse_rows(*rest[:3]))
            rest = rest[3:]
        else:
            sides.append(_dense_rows(rest.pop(0)))
    return sides


def _set_kernel(ctx: registry.KernelContext, *inputs: Any) -> tuple:
    (batch_a, rows_a), (batch_b, rows_b) = _split_inputs(ctx, inputs)
    if batch_a != batch_b:
        raise errors.InvalidArgumentError(
            None, None, f"Shape mismatch: the sets' batch shapes are {list(batch_a)} and "
                        f"{list(batch_b)}.")
    combine = _OPS[ctx.attrs["set_operation"]]
    indices, values, widest = [], [], 0
    for pos in np.ndindex(*batch_a):
        result = sorted(combine(rows_a(pos), rows_b(pos)))
        widest = max(widest, len(result))
        indices += [[*pos, j] for j in range(len(result))]
        values += result
    np_dtype = ctx.op.outputs[1].dtype.np_dtype
    out_values = np.empty(len(values), dtype=object) if np_dtype == np.object_ else np.array(
        values, dtype=np_dtype)
    if np_dtype == np.object_:
        out_values[:] = values
    rank = len(batch_a) + 1
    return (np.array(indices, dtype=np.int64).reshape(-1, rank), out_values,
            np.array([*batch_a, widest], dtype=np.int64))


for _kind in ("DenseToDense", "DenseToSparse", "SparseToSparse"):
    registry.register_kernel(f"{_kind}SetOperation")(_set_kernel)
    registry.not_differentiable(f"{_kind}SetOperation")


@registry.register_kernel("SetSize")
def _set_size(ctx: registry.KernelContext, indices: Any, values: Any, shape: Any) -> Any:
    batch, rows = _sparse_rows(indices, values, shape)
    out = np.zeros(batch, dtype=np.int32)
    for pos in np.ndindex(*batch):
        out[pos] = len(rows(pos))
    return out


registry.not_differentiable("SetSize")

__all__ = ["set_intersection", "set_union", "set_difference", "set_size"]
