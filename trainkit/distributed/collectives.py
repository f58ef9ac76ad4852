"""Collectives on NumPy arrays: fused allreduce, allgather, broadcast, bytes exchange.

Every collective first checks that all ranks are in the same one (``call_check``: a
tiny ``Iallreduce`` of a cached 63-bit signature; a mismatch is an
``InvalidArgumentError`` naming every rank's call, a rank that does not take part a
``DeadlineExceededError`` naming the tensor).

The data of one call go out in one ``Iallreduce``/``Ibcast`` per dtype over a buffer that
the caller keeps between steps (``buffers``), filled in place.

``allreduce``, the per-step collective, is built for a small fixed cost: what a distinct
call needs (its signature, dtype groups, offsets) is computed once and cached, and its
data go out on the group's second communicator (``data_comm``) right after the call
check is started, so the check's round trip overlaps the data's instead of adding a
round trip and a synchronization point. Only after the check passed does the data wait
(``transfer``) begin; when it fails, every rank raises the named error and the
unmatched data requests are abandoned on ``data_comm`` — the check communicator, on
which the ranks then exchange their descriptions, stays in step because every call
check has the same shape.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.distributed import basics
from trainkit.distributed.call_check import (
    allgather_bytes,
    allgather_bytes_checked,
    check_same_call,
    finish_check,
    signature,
    start_check,
    transfer,
    usable,
    wait,
)
from trainkit.ops import half_loops

SUM, AVERAGE, MIN, MAX, PRODUCT = "Sum", "Average", "Min", "Max", "Product"
REDUCE_OPS = (SUM, AVERAGE, MIN, MAX, PRODUCT)
Take = Callable[[int, np.dtype], np.ndarray]


@cache
def mpi_op(mpi: Any, op: str, dtype: np.dtype | None = None) -> Any:
    """The MPI reduction of a reduce op (Average: SUM, divided afterwards) on ``dtype``.

    float16 sums (``hvd.Compression.fp16`` sends every gradient as float16) use a
    user-defined op that adds with NumPy: MPICH's own float16 SUM took 18 ms per
    million elements on this project's machine against 5.5 ms, and 88 ms of a 119 ms
    step that reduced 4.2 M gradients (19 ms without compression). Both round each
    pairwise sum once to float16, so they give the same bits (checked in
    ``tests/distributed``). Every rank picks the op from the dtype alone, so the ranks of
    one collective always agree on it.
    """
    if dtype is not None and np.dtype(dtype) == np.float16 and op in (SUM, AVERAGE):
        return mpi.Op.Create(_add_float16, commute=True)
    return {SUM: mpi.SUM, AVERAGE: mpi.SUM, MIN: mpi.MIN, MAX: mpi.MAX,
            PRODUCT: mpi.PROD}[op]


def _add_float16(inbuf: Any, inoutbuf: Any, datatype: Any) -> None:
    """MPI user op: ``inoutbuf += inbuf`` on float16 elements (NumPy's bits, through
    the compiled loop when it is on: ``ops/half_loops.py``)."""
    half_loops.add_into(np.frombuffer(inbuf, np.float16), np.frombuffer(inoutbuf, np.float16))


def _describe(kind: str, name: str, arrays: Sequence[np.ndarray], extra: str = "",
              first_dim: bool = True) -> str:
    specs = [(a.dtype, a.shape if first_dim else ("?",) + a.shape[1:]) for a in arrays]
    return _describe_specs(kind, name, specs, extra)


def _describe_specs(kind: str, name: str, specs: Sequence[tuple], extra: str = "") -> str:
    parts = [f"{dtype.name}[{','.join(str(d) for d in shape)}]" for dtype, shape in specs]
    return f"{kind} '{name}'{extra} of {', '.join(parts) or 'nothing'}"


def _groups(arrays: Sequence[np.ndarray]) -> dict[np.dtype, list[int]]:
    groups: dict[np.dtype, list[int]] = {}
    for i, a in enumerate(arrays):
        groups.setdefault(a.dtype, []).append(i)
    return groups


def _fresh(n: int, dtype: np.dtype) -> np.ndarray:
    return np.empty(n, dtype)


def _scale_in_place(buf: np.ndarray, factor: float) -> None:
    if factor == 1.0:
        return
    if np.issubdtype(buf.dtype, np.floating):
        np.multiply(buf, np.asarray(factor, buf.dtype), out=buf)
    else:  # integers: truncate like Horovod's scaling of integer buffers
        buf[...] = (buf * factor).astype(buf.dtype)


class _Plan:
    """What a distinct allreduce call (reduce op, name, scales, dtypes and shapes) needs
    on every run, computed once: its signature and its dtype groups, each
    ``(dtype, total size, [(input index, start, stop, shape)], lone, post)`` where
    ``lone`` means the group's only tensor is reduced straight from the input and
    ``post`` is the factor applied after the reduction (None: 1)."""

    __slots__ = ("sig", "groups")

    def __init__(self, op: str, name: str, prescale: float, postscale: float,
                 specs: tuple, size: int):
        description = _describe_specs(f"allreduce[{op}]", name, specs,
                                      f" (prescale {prescale!r}, postscale {postscale!r})")
        post = postscale / (size if op == AVERAGE else 1)
        self.groups = []
        index: dict[np.dtype, list[int]] = {}
        for i, (dtype, _) in enumerate(specs):
            index.setdefault(dtype, []).append(i)
        for dtype, idx in index.items():
            parts, o = [], 0
            for i in idx:
                n = int(np.prod(specs[i][1], dtype=np.int64))
                parts.append((i, o, o + n, specs[i][1]))
                o += n
            factor = None if post == 1.0 else \
                np.asarray(post, dtype) if np.issubdtype(dtype, np.floating) else post
            self.groups.append((dtype, o, parts, len(idx) == 1 and prescale == 1.0, factor))
        # what a rank waiting in hvd.join() must match: one MPI allreduce per group
        joined = tuple((dtype.str, n, op) for dtype, n, *_ in self.groups)
        self.sig = signature(description, f"allreduce '{name}'", joined)


@lru_cache(maxsize=1024)
def _plan(op: str, name: str, prescale: float, postscale: float, specs: tuple,
          size: int) -> _Plan:
    return _Plan(op, name, prescale, postscale, specs, size)


def allreduce(arrays: Sequence[np.ndarray], op: str, name: str, prescale: float = 1.0,
              postscale: float = 1.0, take: Take | None = None,
              process_set_id: int = 0) -> list[np.ndarray]:
    """Reduces each array elementwise over the ranks; all of them in one MPI call per dtype.

    Args:
        arrays: this rank's arrays (same dtypes and shapes on every rank).
        op: one of ``REDUCE_OPS`` (``Average`` = ``Sum`` then divided by the size).
        name: names the call in errors.
        prescale, postscale: factors applied before and after the reduction.
        take: ``take(n, dtype)`` gives the flat buffer of a dtype group (a kernel passes
            its session's recycling pool; default: a new array).
        process_set_id: reduce over this process set's ranks (0: all).

    Returns:
        One array per input with its shape and dtype: views into the group's buffer.
        A lone tensor of its dtype is reduced straight from the input into the buffer
        (no copy in); several are packed into the buffer and reduced in place.
    """
    ctx = basics.current()
    if ctx is None or process_set_id != 0 or ctx.broken is not None or ctx.size == 1:
        ctx = usable(f"allreduce '{name}'", process_set_id)
        if ctx.size == 1:
            return _allreduce_alone(arrays, op, prescale, postscale)
    arrays = [a if type(a) is np.ndarray else np.asarray(a) for a in arrays]
    plan = _plan(op, name, prescale, postscale, tuple([(a.dtype, a.shape) for a in arrays]),
                 ctx.size)
    sig = plan.sig
    check = start_check(ctx, sig)  # its round trip overlaps the data's (module doc)
    take = take or _fresh
    comm = ctx.data_comm
    pending = []
    for dtype, n, parts, lone, post in plan.groups:
        reduction = mpi_op(ctx.mpi, op, dtype)
        buf = take(n, dtype)
        if lone:
            src = arrays[parts[0][0]]
            if not src.flags.c_contiguous:
                src = np.ascontiguousarray(src)
            pending.append((buf, parts, post, comm.Iallreduce(src, buf, reduction)))
            continue
        for i, start, stop, _ in parts:
            if prescale == 1.0:  # a plain copy: exact for every dtype (int64 > 2**53 too)
                buf[start:stop] = arrays[i].reshape(-1)
            else:
                np.multiply(arrays[i].reshape(-1), prescale, out=buf[start:stop],
                            casting="unsafe")
        pending.append((buf, parts, post, comm.Iallreduce(ctx.mpi.IN_PLACE, buf, reduction)))
    finish_check(ctx, sig, *check)  # raises on a mismatch: the data requests are dropped
    out: list[Any] = [None] * len(arrays)
    for buf, parts, post, req in pending:
        transfer(ctx, req, sig.what)
        if post is not None:
            if type(post) is float:  # integers: truncate like Horovod's integer scaling
                buf[...] = (buf * post).astype(buf.dtype)
            else:
                np.multiply(buf, post, out=buf)
        for i, start, stop, shape in parts:
            out[i] = buf[start:stop].reshape(shape)
    return out


def _allreduce_alone(arrays: Sequence[np.ndarray], op: str, prescale: float,
                     postscale: float) -> list[np.ndarray]:
    """Size 1: copies, scaled as the reduction would."""
    out = []
    for a in arrays:
        a = np.asarray(a)
        b = np.array(a, copy=True).reshape(-1)
        _scale_in_place(b, prescale * postscale)
        out.append(b.reshape(a.shape))
    return out


def broadcast(arrays: Sequence[np.ndarray], root_rank: int, name: str,
              take: Take | None = None, process_set_id: int = 0) -> list[np.ndarray]:
    """Every rank gets ``root_rank``'s arrays; one MPI call per dtype. ``root_rank`` is a
    global rank, also with a process set (Horovod's rule).

    Returns:
        One array per input (views into the group's buffer, see :func:`allreduce`).

    Raises:
        ValueError: if ``root_rank`` is not a rank of the group (of the process set).
    """
    what = f"broadcast '{name}'"
    ctx = usable(what, process_set_id)
    if root_rank not in ctx.ranks:
        where = f"[0, {ctx.size})" if process_set_id == 0 else \
            f"the process set's ranks {list(ctx.ranks)}"
        raise ValueError(f"broadcast '{name}': root_rank {root_rank} is not in {where}.")
    root_rank = ctx.ranks.index(root_rank)
    arrays = [np.asarray(a) for a in arrays]
    if ctx.size == 1:
        return [a.copy() for a in arrays]
    check_same_call(ctx, _describe("broadcast", name, arrays, f" from rank {root_rank}"),
                    what)
    take = take or _fresh
    out: list[Any] = [None] * len(arrays)
    for dtype, idx in _groups(arrays).items():
        buf = take(sum(arrays[i].size for i in idx), dtype)
        o = 0
        if ctx.rank == root_rank:
            for i in idx:
                buf[o:o + arrays[i].size] = arrays[i].reshape(-1)
                o += arrays[i].size
        transfer(ctx, ctx.comm.Ibcast(buf, root=root_rank), what)
        o = 0
        for i in idx:
            n = arrays[i].size
            out[i] = buf[o:o + n].reshape(arrays[i].shape)
            o += n
    return out


def allgather(array: np.ndarray, name: str, process_set_id: int = 0) -> np.ndarray:
    """Concatenates every rank's ``array`` along axis 0 (the first dimension may differ).

    Raises:
        InvalidArgumentError: for a scalar (there is no first dimension to gather on).
    """
    what = f"allgather '{name}'"
    ctx = usable(what, process_set_id)
    if np.ndim(array) == 0:
        raise errors.InvalidArgumentError(None, None, f"{what}: a scalar cannot be "
                                                      "gathered; give it a first dimension.")
    array = np.ascontiguousarray(array)
    if array.dtype == object:
        raise errors.InvalidArgumentError(None, None, f"{what}: strings cannot be gathered.")
    if ctx.size == 1:
        return array.copy()
    check_same_call(ctx, _describe("allgather", name, [array], first_dim=False), what)
    rows = np.empty(ctx.size, np.int64)
    wait(ctx, ctx.comm.Iallgather(np.array([array.shape[0]], np.int64), rows), what)
    row = int(np.prod(array.shape[1:], dtype=np.int64))
    out = np.empty((int(rows.sum()),) + array.shape[1:], array.dtype)
    counts = rows * row * array.dtype.itemsize  # as bytes: any numeric dtype
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    send = array.reshape(-1).view(np.uint8)
    transfer(ctx, ctx.comm.Iallgatherv(send, [out.reshape(-1).view(np.uint8), counts,
                                              offsets, ctx.mpi.BYTE]), what)
    return out


def first_dims(n: int, name: str, process_set_id: int = 0) -> np.ndarray:
    """Every rank's ``n`` (e.g. the rows it gave to an allgather), in rank order."""
    ctx = usable(f"allgather sizes '{name}'", process_set_id)
    if ctx.size == 1:
        return np.array([n], np.int64)
    check_same_call(ctx, f"allgather sizes '{name}'", f"allgather sizes '{name}'")
    rows = np.empty(ctx.size, np.int64)
    wait(ctx, ctx.comm.Iallgather(np.array([n], np.int64), rows), f"allgather '{name}'")
    return rows


def announce_shutdown() -> None:
    """Called at exit: a rank that leaves while others are still in a collective makes
    them fail with a mismatch naming their tensor instead of waiting forever."""
    ctx = basics.current()
    if ctx is None or ctx.comm is None or ctx.size == 1 or ctx.broken is not None:
        return
    try:
        check_same_call(ctx, "shutdown (the rank's program ended)", "shutdown")
    except errors.OpError as e:
        sys.stderr.write(f"trainkit.distributed: rank {ctx.rank}: {e.message}\n")
        sys.stderr.flush()
        ctx.comm.Abort(1)


basics.exit_callbacks.append(announce_shutdown)

__all__ = ["AVERAGE", "MAX", "MIN", "PRODUCT", "REDUCE_OPS", "SUM", "Take", "allgather",
           "allgather_bytes", "allgather_bytes_checked", "allreduce", "announce_shutdown",
           "broadcast", "check_same_call", "first_dims", "mpi_op", "transfer", "wait"]
