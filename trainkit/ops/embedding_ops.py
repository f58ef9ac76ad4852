"""``embedding_lookup`` (one or partitioned params, ``max_norm``),
``embedding_lookup_sparse`` and ``unsorted_segment_sum``.

The lookups are gathers, so the params' gradient is an ``IndexedSlices`` that the
optimizers apply sparsely. Partitioned params follow TF1's ``partition_strategy``:

* ``'mod'``: id ``i`` lives in partition ``i % n`` at row ``i // n``;
* ``'div'``: ids are split into contiguous blocks, the first ``total % n`` partitions
  holding one id more.

Example:
    >>> emb = tk.get_variable("emb", [1000, 64])
    >>> vectors = tk.nn.embedding_lookup(emb, word_ids)          # word_ids: [batch, T]
"""

from __future__ import annotations

from typing import Any

from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.framework.tensor import Tensor
from trainkit.ops import array_ops, comparison_ops, math_ops
from trainkit.ops.op_util import make_op
from trainkit.ops.partitioned_variables import PartitionedVariable
from trainkit.ops.static_value import constant_value


def unsorted_segment_sum(data: Any, segment_ids: Any, num_segments: Any,
                         name: str | None = None) -> Tensor:
    """``out[s] = sum of data[k] with segment_ids[k] == s`` for ``s < num_segments``
    (``segment_ids`` a vector over the first dimension of ``data``).

    Differs from TF: a negative or too-large segment id is an error (TF drops negative
    ids).
    """
    with name_scope(name, "UnsortedSegmentSum", [data]):
        d = conversion.convert_to_tensor(data)
        ids = conversion.convert_to_tensor(segment_ids)
        n = conversion.convert_to_tensor(num_segments, dtype=_dt.int32) \
            if not isinstance(num_segments, Tensor) else math_ops.cast(num_segments, _dt.int32)
        rest = array_ops.shape(d)[1:]
        shape = array_ops.concat([array_ops.reshape(n, [1]), rest], 0)
        nv = constant_value(n)
        static = TensorShape([None if nv is None else int(nv)] +
                             (d.shape.as_list()[1:] if d.shape.ndims else []))
        if d.shape.ndims is None:
            static = TensorShape(None)
        axis = conversion.convert_to_tensor(0, dtype=_dt.int32)
        # GatherGrad adds rows into zeros: exactly a segment sum (its gradient is gather)
        return make_op("GatherGrad", [d, ids, shape, axis], [d.dtype],
                       name="UnsortedSegmentSum", shapes=[static]).outputs[0]


def _params_list(params: Any) -> list[Tensor]:
    if isinstance(params, PartitionedVariable):
        params = list(params)  # its shards, in offset order (as TF)
    if isinstance(params, list | tuple):
        if not params:
            raise ValueError("Need at least one param")
        ps = list(params)
    else:
        ps = [params]
    out = [conversion.convert_to_tensor(p, name="params") for p in ps]
    for p in out[1:]:
        if p.dtype is not out[0].dtype:
            raise TypeError(f"embedding_lookup: all params must have one dtype, got "
                            f"{out[0].dtype.name} and {p.dtype.name}.")
        if not p.shape[1:].is_compatible_with(out[0].shape[1:]):
            raise ValueError(f"embedding_lookup: params shapes {out[0].shape} and {p.shape} "
                             "differ past the first dimension.")
    return out


def _clip_rows(x: Tensor, ids_rank: int | None, max_norm: Any) -> Tensor:
    """Rescales each looked-up embedding whose L2 norm exceeds ``max_norm``."""
    if max_norm is None:
        return x
    rank = x.shape.ndims
    if rank is None or ids_rank is None:
        raise ValueError("embedding_lookup: max_norm needs ids and params of known rank.")
    axes = list(range(ids_rank, rank))
    clip = conversion.convert_to_tensor(max_norm, dtype=x.dtype)
    l2sum = math_ops.reduce_sum(x * x, axes, keepdims=True)
    positive = comparison_ops.greater(l2sum, 0.0)
    safe = comparison_ops.where(positive, l2sum, array_ops.ones_like(l2sum))
    l2norm = comparison_ops.where(positive, math_ops.sqrt(safe), l2sum)
    return x * clip / math_ops.maximum(l2norm, clip)


def _num_rows(ps: list[Tensor]) -> Tensor | int:
    dims = [p.shape[0] if p.shape.ndims else None for p in ps]
    if all(d is not None for d in dims):
        return int(sum(dims))
    return math_ops.add_n([array_ops.shape(p)[0] for p in ps])


def _assign(flat_ids: Tensor, ps: list[Tensor], strategy: str) -> tuple[Tensor, Tensor]:
    """(partition of each id, its row inside that partition)."""
    n = len(ps)
    if strategy == "mod":
        return flat_ids % n, flat_ids // n
    total = _num_rows(ps)
    if isinstance(total, int):
        per, extras = total // n, total % n
    else:
        total_t = math_ops.cast(total, flat_ids.dtype)
        per, extras = total_t // n, total_t % n
    ids = flat_ids
    if isinstance(per, int) and per == 0:
        return ids, ids * 0  # more partitions than ids: partition i holds id i
    part = math_ops.maximum(ids // (per + 1), (ids - extras) // per)
    in_extras = comparison_ops.less(part, extras)
    row = comparison_ops.where(in_extras, ids % (per + 1), (ids - extras) % per)
    return part, row


def embedding_lookup(params: Any, ids: Any, partition_strategy: str = "mod",
                     name: str | None = None, validate_indices: bool = True,
                     max_norm: Any = None) -> Tensor:
    """Rows of ``params`` (one tensor, or a list of partitions) for each id in ``ids``.

    Args:
        params: a tensor/Variable ``[V, d...]``, a list of partitions of one or a
            ``PartitionedVariable`` (its shards).
        ids: int32/int64 ids of any shape; the result has shape ``ids.shape + d...``.
        partition_strategy: ``'mod'`` or ``'div'`` (for a list of params).
        name: the name scope (default ``embedding_lookup``).
        validate_indices: accepted; ids are always checked (out of range is an
            ``InvalidArgumentError`` when run).
        max_norm: if given, each embedding with a larger L2 norm is scaled down to it.

    Raises:
        ValueError: for empty ``params``, an unknown ``partition_strategy`` or params
            whose trailing shapes differ. TypeError: for non-integer ``ids``.
    """
    if partition_strategy not in ("mod", "div"):
        raise ValueError(f"Unrecognized partition strategy: {partition_strategy!r} (expected "
                         "'mod' or 'div').")
    ps = _params_list(params)
    with name_scope(name, "embedding_lookup", ps + [ids]):
        ids_t = conversion.convert_to_tensor(ids, name="ids")
        if not ids_t.dtype.is_integer:
            raise TypeError(f"embedding_lookup: ids must be int32 or int64, got "
                            f"{ids_t.dtype.name}.")
        ids_rank = ids_t.shape.ndims
        graph = ids_t.graph
        if len(ps) == 1:  # TF gathers beside (colocated with) each partition
            with graph.colocate_with(ps[0]):
                return _clip_rows(array_ops.gather(ps[0], ids_t), ids_rank, max_norm)
        flat = array_ops.reshape(ids_t, [-1])
        part, row = _assign(flat, ps, partition_strategy)
        pieces = []
        n_ids = array_ops.shape(flat)[0:1]
        for p, param in enumerate(ps):
            pos = array_ops.reshape(comparison_ops.where(comparison_ops.equal(part, p)), [-1])
            pids = array_ops.gather(row, pos)
            with graph.colocate_with(param):
                rows = array_ops.gather(param, pids)
            out_shape = array_ops.concat([n_ids, array_ops.shape(param)[1:]], 0)
            pieces.append(array_ops.scatter_nd(array_ops.reshape(pos, [-1, 1]), rows,
                                               math_ops.cast(out_shape, _dt.int64)))
        stitched = math_ops.add_n(pieces)
        shape = array_ops.concat([array_ops.shape(ids_t), array_ops.shape(ps[0])[1:]], 0)
        out = array_ops.reshape(stitched, shape)
        if ids_t.shape.ndims is not None and ps[0].shape.ndims is not None:
            out.set_shape(ids_t.shape.as_list() + ps[0].shape.as_list()[1:])
        return _clip_rows(out, ids_rank, max_norm)


def embedding_lookup_sparse(params: Any, sp_ids: Any, sp_weights: Any,
                            partition_strategy: str = "mod", name: str | None = None,
                            combiner: str | None = None, max_norm: Any = None) -> Tensor:
    """Combines the embeddings of each row's ids of a ``SparseTensor`` ``[batch, n]``.

    ``combiner``: ``'sum'`` (weighted sum), ``'mean'`` (sum / sum of weights, the
    default) or ``'sqrtn'`` (sum / sqrt(sum of squared weights)). ``sp_weights`` is a
    SparseTensor of the same indices, or None (all weights 1). As in TF1, the result has
    ``max(row id) + 1`` rows: trailing rows without ids are absent.

    Differs from TF: a row in the middle with no ids gives zeros for every combiner.

    Raises:
        TypeError: if ``sp_ids``/``sp_weights`` is not a SparseTensor.
        ValueError: for an unknown combiner.
    """
    if combiner is None:
        combiner = "mean"
    if combiner not in ("sum", "mean", "sqrtn"):
        raise ValueError(f"combiner must be one of 'mean', 'sqrtn' or 'sum', got "
                         f"{combiner!r}.")
    if not isinstance(sp_ids, SparseTensor):
        raise TypeError(f"sp_ids must be SparseTensor, got {type(sp_ids).__name__}.")
    if sp_weights is not None and not isinstance(sp_weights, SparseTensor):
        raise TypeError(f"sp_weights must be either None or SparseTensor, got "
                        f"{type(sp_weights).__name__}.")
    ps = _params_list(params)
    with name_scope(name, "embedding_lookup_sparse", ps):
        segments = math_ops.cast(sp_ids.indices[:, 0], _dt.int32)
        n_rows = math_ops.reduce_max(segments) + 1
        emb = embedding_lookup(ps, sp_ids.values, partition_strategy=partition_strategy,
                               max_norm=max_norm)
        if sp_weights is None:
            weights = array_ops.ones_like(sp_ids.values, dtype=emb.dtype)
        else:
            weights = math_ops.cast(sp_weights.values, emb.dtype)
        w_col = array_ops.reshape(weights, [-1, 1])
        if emb.shape.ndims is not None and emb.shape.ndims > 2:
            w_col = array_ops.reshape(weights, [-1] + [1] * (emb.shape.ndims - 1))
        total = unsorted_segment_sum(emb * w_col, segments, n_rows)
        if combiner == "sum":
            return total
        wsum = unsorted_segment_sum(weights if combiner == "mean" else weights * weights,
                                    segments, n_rows)
        if combiner == "sqrtn":
            wsum = math_ops.sqrt(wsum)
        denom = array_ops.reshape(wsum, array_ops.concat(
            [array_ops.shape(wsum), array_ops.ones_like(array_ops.shape(total)[1:])], 0))
        empty = comparison_ops.equal(denom, 0.0)
        safe = comparison_ops.where(empty, array_ops.ones_like(denom), denom)
        return total / safe


__all__ = ["embedding_lookup", "embedding_lookup_sparse", "unsorted_segment_sum"]
