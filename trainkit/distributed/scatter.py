"""Alltoall and reducescatter on NumPy arrays (Horovod's ``alltoall`` and
``reducescatter``), after the same call check as every collective (``call_check``).

- ``alltoall``: rank ``r`` sends rows ``splits[r-th block]`` of its array to each rank and
  receives every rank's block for it, concatenated in rank order, with the number of
  rows each rank sent (the received splits). Without splits the first dimension is split
  evenly (it must divide by the number of ranks).
- ``reducescatter``: the elementwise reduction (Sum or Average) of every rank's array,
  of which rank ``r`` keeps the ``r``-th block of rows. When the first dimension does not
  divide evenly, the first ``rows % size`` ranks get one row more (Horovod's rule).

Example:
    >>> out, got = alltoall(np.arange(4.0), np.array([1, 3]), "x")   # on 2 ranks
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.distributed.call_check import check_same_call, transfer, usable, wait


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _spec(a: np.ndarray, first: bool = True) -> str:
    dims = [str(d) for d in a.shape]
    if not first:
        dims[0] = "?"
    return f"{a.dtype.name}[{','.join(dims)}]"


def _checked_array(array: Any, what: str) -> np.ndarray:
    array = np.asarray(array)
    if array.ndim == 0:  # (checked before ascontiguousarray, which makes it 1-D)
        raise _invalid(f"{what}: a scalar has no first dimension to split; give it one.")
    if array.dtype == object:
        raise _invalid(f"{what}: strings cannot be exchanged.")
    return np.ascontiguousarray(array)


def send_splits(rows: int, splits: Any, size: int, what: str) -> np.ndarray:
    """The rows this rank sends to each rank (``splits`` None or empty: even split).

    Raises:
        InvalidArgumentError: for splits of the wrong length, negative entries, entries
            summing past the first dimension, or an uneven first dimension without splits.
    """
    if splits is None or np.size(splits) == 0:
        if rows % size:
            raise _invalid(f"{what}: the first dimension ({rows}) must be divisible by the "
                           f"number of ranks ({size}) when no splits are given.")
        return np.full(size, rows // size, np.int64)
    splits = np.asarray(splits)
    if splits.ndim != 1 or splits.shape[0] != size:
        raise _invalid(f"{what}: Number of entries in splits ({splits.size}) does not equal "
                       f"number of ranks ({size}).")
    splits = splits.astype(np.int64)
    if (splits < 0).any():
        raise _invalid(f"{what}: splits must not be negative, got {splits.tolist()}.")
    if int(splits.sum()) > rows:
        raise _invalid(f"{what}: Sum of splits entries ({int(splits.sum())}) is greater than "
                       f"the first dimension of tensor ({rows}).")
    return splits


def alltoall(array: Any, splits: Any, name: str,
             process_set_id: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Scatters blocks of rows of ``array`` to the ranks and gathers theirs.

    Args:
        array: this rank's rows (trailing dimensions and dtype equal on every rank).
        splits: rows to send to each rank, in rank order (None: an even split).
        name: names the call in errors.
        process_set_id: exchange among this process set's ranks (0: all).

    Returns:
        ``(received rows, received splits)``: the rows every rank sent to this one,
        concatenated in rank order, and how many came from each rank (int32).

    Raises:
        InvalidArgumentError: for a scalar, strings or bad splits (:func:`send_splits`);
            when the ranks' calls differ (dtype, trailing shape, name).
    """
    what = f"alltoall '{name}'"
    ctx = usable(what, process_set_id)
    array = _checked_array(array, what)
    send = send_splits(array.shape[0], splits, ctx.size, what)
    if ctx.size == 1:
        return array[: int(send[0])].copy(), send.astype(np.int32)
    check_same_call(ctx, f"alltoall '{name}' of {_spec(array, first=False)}", what)
    recv = np.empty(ctx.size, np.int64)
    wait(ctx, ctx.comm.Ialltoall(send, recv), what)
    row_bytes = int(np.prod(array.shape[1:], dtype=np.int64)) * array.dtype.itemsize
    out = np.empty((int(recv.sum()),) + array.shape[1:], array.dtype)
    scounts, rcounts = send * row_bytes, recv * row_bytes
    sdispl = np.concatenate([[0], np.cumsum(scounts)[:-1]])
    rdispl = np.concatenate([[0], np.cumsum(rcounts)[:-1]])
    byte = ctx.mpi.BYTE
    transfer(ctx, ctx.comm.Ialltoallv([array.reshape(-1).view(np.uint8), scounts, sdispl, byte],
                                      [out.reshape(-1).view(np.uint8), rcounts, rdispl, byte]),
             what)
    return out, recv.astype(np.int32)


def block_rows(rows: int, size: int) -> list[int]:
    """Rows of each rank's block in a reducescatter: the first ``rows % size`` ranks get
    one more."""
    q, r = divmod(rows, size)
    return [q + (1 if i < r else 0) for i in range(size)]


def _scaled(a: np.ndarray, factor: float) -> np.ndarray:
    if factor == 1.0:
        return a
    if np.issubdtype(a.dtype, np.floating):
        return (a * np.asarray(factor, a.dtype)).astype(a.dtype, copy=False)
    return (a * factor).astype(a.dtype)  # integers: truncated, as Horovod scales them


def reducescatter(arrays: Sequence[Any], op: str, name: str, prescale: float = 1.0,
                  postscale: float = 1.0, process_set_id: int = 0) -> list[np.ndarray]:
    """Reduces each array over the ranks and keeps this rank's block of rows.

    Args:
        arrays: this rank's arrays (same dtypes and shapes on every rank).
        op: ``"Sum"`` or ``"Average"``.
        name: names the call in errors.
        prescale, postscale: factors applied before and after the reduction.
        process_set_id: reduce among this process set's ranks (0: all).

    Returns:
        One array per input: this rank's block of the reduced rows.

    Raises:
        InvalidArgumentError: for a scalar or strings; when the ranks' calls differ.
    """
    what = f"reducescatter '{name}'"
    ctx = usable(what, process_set_id)
    arrays = [_checked_array(a, what) for a in arrays]
    post = postscale / ctx.size if op == "Average" else postscale
    if ctx.size == 1:
        return [_scaled(_scaled(a, prescale).copy(), post) for a in arrays]
    check_same_call(ctx, f"reducescatter[{op}] '{name}' (prescale {prescale!r}, postscale "
                         f"{postscale!r}) of {', '.join(_spec(a) for a in arrays)}", what)
    out = []
    for a in arrays:
        rows = block_rows(a.shape[0], ctx.size)
        row = int(np.prod(a.shape[1:], dtype=np.int64))
        counts = [n * row for n in rows]
        recv = np.empty(counts[ctx.rank], a.dtype)
        src = np.ascontiguousarray(_scaled(a, prescale)).reshape(-1)
        transfer(ctx, ctx.comm.Ireduce_scatter(src, recv, counts, ctx.mpi.SUM), what)
        out.append(_scaled(recv, post).reshape((rows[ctx.rank],) + a.shape[1:]))
    return out


__all__ = ["alltoall", "block_rows", "reducescatter", "send_splits"]
