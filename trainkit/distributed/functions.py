"""Horovod's graph-building functions: ``allreduce``, ``grouped_allreduce``, ``allgather``,
``grouped_allgather``, ``broadcast``, ``alltoall``, ``reducescatter``,
``grouped_reducescatter``, ``broadcast_variables``, ``broadcast_global_variables`` and
``Compression``. Each takes ``process_set=`` (default: all ranks).

Example:
    >>> import trainkit.distributed as hvd
    >>> hvd.init()
    >>> avg = hvd.allreduce(tf.constant([1.0, 2.0]))          # Average over the ranks
    >>> everyone = hvd.allgather(tf.constant([[hvd.rank()]]))  # [[0], [1], ...]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trainkit.distributed import mpi_ops as mo
from trainkit.distributed import scatter_ops
from trainkit.distributed.process_sets import set_id_of, set_size
from trainkit.framework import conversion
from trainkit.framework import dtypes as _dt
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.framework.tensor import Tensor
from trainkit.ops import cast_ops, control_flow_ops, state_ops


def is_indexed_slices(x: Any) -> bool:
    """Duck test for ``tf.IndexedSlices`` (values, indices, dense_shape)."""
    return (not isinstance(x, Tensor) and hasattr(x, "values") and hasattr(x, "indices")
            and hasattr(x, "dense_shape"))


class NoneCompressor:
    """No compression (``hvd.Compression.none``)."""

    @staticmethod
    def compress(tensor: Any) -> tuple[Any, Any]:
        return tensor, None

    @staticmethod
    def decompress(tensor: Any, ctx: Any) -> Any:
        return tensor


class FP16Compressor:
    """Sends floating-point tensors as float16 (``hvd.Compression.fp16``)."""

    @staticmethod
    def compress(tensor: Any) -> tuple[Any, Any]:
        tensor = conversion.convert_to_tensor(tensor)
        dtype = tensor.dtype.base_dtype
        if dtype.is_floating and dtype is not _dt.float16:
            return cast_ops.cast(tensor, _dt.float16), dtype
        return tensor, None

    @staticmethod
    def decompress(tensor: Any, ctx: Any) -> Any:
        return tensor if ctx is None else cast_ops.cast(tensor, ctx)


class Compression:
    """The compression algorithms of the wire format (Horovod's ``Compression``)."""

    none = NoneCompressor
    fp16 = FP16Compressor


def _sparse_allreduce(tensor: Any, op: str, prescale_factor: float,
                      postscale_factor: float, name: str | None, set_id: int) -> Any:
    if op not in (mo.Sum, mo.Average):
        raise NotImplementedError("Only Sum and Average ops are supported with "
                                  "tf.IndexedSlices")
    if prescale_factor != 1.0 or postscale_factor != 1.0:
        raise NotImplementedError("Pre/postscale_factor are not supported with "
                                  "tf.IndexedSlices")
    base = name or "HorovodAllgather"
    values = mo.allgather_op(tensor.values, name=base + "_values", process_set_id=set_id)
    indices = mo.allgather_op(tensor.indices, name=base + "_indices", process_set_id=set_id)
    if op == mo.Average:
        values = values / conversion.convert_to_tensor(float(set_size(set_id)),
                                                         dtype=values.dtype)
    return type(tensor)(values, indices, dense_shape=tensor.dense_shape)


def allreduce(tensor: Any, average: Any = None, device_dense: str = "",
              device_sparse: str = "", compression: Any = Compression.none, op: Any = None,
              prescale_factor: float = 1.0, postscale_factor: float = 1.0,
              name: str | None = None, process_set: Any = None,
              ignore_name_scope: bool = False) -> Any:
    """Reduces ``tensor`` over all ranks (default: the average).

    An ``IndexedSlices`` is allgathered instead (values and indices), as Horovod does.

    Args:
        tensor: a Tensor, Variable or IndexedSlices with the same shape on every rank.
        average: deprecated Horovod flag (True = Average, False = Sum).
        device_dense, device_sparse: accepted (one CPU device).
        compression: ``Compression.none`` or ``Compression.fp16``.
        op: ``Average`` (default), ``Sum``, ``Min``, ``Max`` or ``Product``.
        prescale_factor, postscale_factor: multiply before / after the reduction.
        name: the op's name.
        process_set: a registered ``ProcessSet`` to reduce over (default: all ranks).
        ignore_name_scope: accepted (names are the graph's).

    Raises:
        ValueError: for both ``op`` and ``average``, an unknown op, or an unregistered
            process set.
        TypeError: for a ``process_set`` that is not a ``ProcessSet``.
        NotImplementedError: for ``Adasum``; for sparse input with Min/Max/Product or
            scale factors.
    """
    del device_dense, device_sparse, ignore_name_scope
    set_id = set_id_of(process_set, "allreduce")
    op = mo.check_reduce_op(op, average)
    if is_indexed_slices(tensor):
        return _sparse_allreduce(tensor, op, prescale_factor, postscale_factor, name, set_id)
    compressed, ctx = compression.compress(conversion.convert_to_tensor(tensor))
    (reduced,) = mo.fused_allreduce([compressed], op, prescale_factor, postscale_factor,
                                    name=name, process_set_id=set_id)
    return compression.decompress(reduced, ctx)


def grouped_allreduce(tensors: Sequence[Any], average: Any = None, device_dense: str = "",
                      device_sparse: str = "", compression: Any = Compression.none,
                      op: Any = None, prescale_factor: float = 1.0,
                      postscale_factor: float = 1.0, name: str | None = None,
                      process_set: Any = None, ignore_name_scope: bool = False) -> list:
    """Reduces every tensor of ``tensors`` in one fused collective (one MPI call per dtype).

    Arguments as for :func:`allreduce`; IndexedSlices entries are allgathered each.
    """
    del device_dense, device_sparse, ignore_name_scope
    set_id = set_id_of(process_set, "grouped_allreduce")
    op = mo.check_reduce_op(op, average)
    tensors = list(tensors)
    if not tensors:
        return []
    out: list[Any] = [None] * len(tensors)
    dense, ctxs, where = [], [], []
    for i, t in enumerate(tensors):
        if is_indexed_slices(t):
            out[i] = _sparse_allreduce(t, op, prescale_factor, postscale_factor, None,
                                       set_id)
            continue
        c, cx = compression.compress(conversion.convert_to_tensor(t))
        dense.append(c)
        ctxs.append(cx)
        where.append(i)
    if dense:
        reduced = mo.fused_allreduce(dense, op, prescale_factor, postscale_factor,
                                     name=name or "HorovodGroupedAllreduce",
                                     process_set_id=set_id)
        for i, r, cx in zip(where, reduced, ctxs):
            out[i] = compression.decompress(r, cx)
    return out


def allgather(tensor: Any, name: str | None = None, process_set: Any = None,
              ignore_name_scope: bool = False) -> Tensor:
    """Concatenates every rank's ``tensor`` along the first dimension, in rank order.

    The first dimension may differ between ranks; the others must agree.
    """
    del ignore_name_scope
    return mo.allgather_op(tensor, name=name,
                           process_set_id=set_id_of(process_set, "allgather"))


def grouped_allgather(tensors: Sequence[Any], name: str | None = None,
                      ignore_name_scope: bool = False, process_set: Any = None) -> list:
    """:func:`allgather` of every tensor of ``tensors`` in one op (one call check a run).

    Returns:
        One gathered tensor per input (``[]`` for no tensors).
    """
    del ignore_name_scope
    set_id = set_id_of(process_set, "grouped_allgather")
    tensors = list(tensors)
    return scatter_ops.grouped_allgather_op(tensors, name, set_id) if tensors else []


def alltoall(tensor: Any, splits: Any = None, name: str | None = None,
             ignore_name_scope: bool = False, process_set: Any = None) -> Any:
    """Sends block ``r`` of ``tensor``'s rows to rank ``r`` and gathers the blocks every
    rank sent to this one, in rank order (Horovod's ``alltoall``).

    Args:
        tensor: the rows to distribute (trailing dimensions equal on every rank).
        splits: int32/int64 vector, rows for each rank in rank order (None: the first
            dimension split evenly, which must then divide by the number of ranks).
        name: the op's name.
        ignore_name_scope: accepted.
        process_set: exchange among a registered ``ProcessSet`` (default: all ranks).

    Returns:
        The received tensor; with ``splits`` given, ``(received tensor, received splits)``
        (int32: the rows that came from each rank), as Horovod returns.

    Raises:
        TypeError: for non-integer ``splits``.
        InvalidArgumentError (when run): for splits of the wrong length, negative, or
            summing past the first dimension; an uneven first dimension without splits;
            a rank outside ``process_set``.
    """
    del ignore_name_scope
    out, received = scatter_ops.alltoall_op(tensor, splits, name,
                                            set_id_of(process_set, "alltoall"))
    return (out, received) if splits is not None else out


def join() -> Tensor:
    """An op marking that this rank has run out of data (Horovod's ``join``): until every
    rank has joined, it takes part in the other ranks' allreduces with zeros (an Average
    still divides by the full size); other collectives fail with
    ``FailedPreconditionError`` meanwhile. Runs on the global set.

    Returns:
        An int32 scalar tensor: the rank that joined last.
    """
    return scatter_ops.join_op()


def reducescatter(tensor: Any, device_dense: str = "", compression: Any = Compression.none,
                  op: Any = mo.Average, name: str | None = None, process_set: Any = None,
                  ignore_name_scope: bool = False, prescale_factor: float = 1.0,
                  postscale_factor: float = 1.0) -> Tensor:
    """Reduces ``tensor`` over the ranks and keeps this rank's block of rows.

    Rank ``r`` of ``n`` gets rows ``[start_r, start_r + rows_r)`` of the reduction, with
    ``rows_r = rows // n`` plus one for the first ``rows % n`` ranks (Horovod's split).

    Args:
        tensor: same shape on every rank, at least one dimension.
        device_dense, ignore_name_scope: accepted.
        compression: ``Compression.none`` or ``Compression.fp16``.
        op: ``Average`` (default) or ``Sum``.
        name: the op's name.
        process_set: reduce over a registered ``ProcessSet`` (default: all ranks).
        prescale_factor, postscale_factor: multiply before / after the reduction.

    Raises:
        ValueError: for another reduce op.
        InvalidArgumentError (when run): for a scalar, different shapes or dtypes on the
            ranks, or a rank outside ``process_set``.
    """
    del device_dense, ignore_name_scope
    compressed, ctx = compression.compress(conversion.convert_to_tensor(tensor))
    (out,) = scatter_ops.reducescatter_op([compressed], op, prescale_factor,
                                          postscale_factor, name,
                                          set_id_of(process_set, "reducescatter"))
    return compression.decompress(out, ctx)


def grouped_reducescatter(tensors: Sequence[Any], device_dense: str = "",
                          compression: Any = Compression.none, op: Any = mo.Average,
                          process_set: Any = None, prescale_factor: float = 1.0,
                          postscale_factor: float = 1.0) -> list:
    """:func:`reducescatter` of every tensor of ``tensors`` in one op.

    Returns:
        One tensor per input (``[]`` for no tensors).
    """
    del device_dense
    set_id = set_id_of(process_set, "grouped_reducescatter")
    tensors = list(tensors)
    if not tensors:
        return []
    pairs = [compression.compress(conversion.convert_to_tensor(t)) for t in tensors]
    outs = scatter_ops.reducescatter_op([c for c, _ in pairs], op, prescale_factor,
                                        postscale_factor, "HorovodGroupedReducescatter",
                                        set_id)
    return [compression.decompress(o, cx) for o, (_, cx) in zip(outs, pairs)]


def broadcast(tensor: Any, root_rank: int, name: str | None = None,
              process_set: Any = None, ignore_name_scope: bool = False) -> Tensor:
    """``root_rank``'s value of ``tensor`` on every rank (same shape on every rank).
    ``root_rank`` is a global rank, also with a ``process_set``.

    Raises:
        TypeError: if ``root_rank`` is not an int.
    """
    del ignore_name_scope
    return mo.fused_broadcast([tensor], root_rank, name=name,
                              process_set_id=set_id_of(process_set, "broadcast"))[0]


def broadcast_variables(variables: Sequence[Any], root_rank: int,
                        process_set: Any = None) -> Any:
    """An op assigning ``root_rank``'s values to ``variables`` on every rank, as one fused
    broadcast (one MPI call per dtype).

    Raises:
        TypeError: if an entry is not a variable or ``root_rank`` not an int.
    """
    set_id = set_id_of(process_set, "broadcast_variables")
    variables = list(variables)
    for i, v in enumerate(variables):
        if not hasattr(v, "assign"):
            raise TypeError(f"broadcast_variables: variables[{i}] is not a Variable: {v!r}.")
    if not variables:
        return control_flow_ops.no_op(name="HorovodBroadcastVariables")
    values = mo.fused_broadcast([v.value() if hasattr(v, "value") else v for v in variables],
                                root_rank, name="HorovodBroadcastVariables",
                                process_set_id=set_id)
    return control_flow_ops.group(*[state_ops.assign(v, x) for v, x in zip(variables, values)])


def broadcast_global_variables(root_rank: int) -> Any:
    """:func:`broadcast_variables` of every global variable of the default graph."""
    graph = get_default_graph()
    return broadcast_variables(graph.get_collection(GraphKeys.GLOBAL_VARIABLES), root_rank)


__all__ = ["Compression", "FP16Compressor", "NoneCompressor", "allgather", "allreduce",
           "alltoall", "broadcast", "broadcast_global_variables", "broadcast_variables",
           "grouped_allgather", "grouped_allreduce", "grouped_reducescatter",
           "is_indexed_slices", "join", "reducescatter"]
