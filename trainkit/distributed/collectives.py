"""Collectives on NumPy arrays: fused allreduce, allgather, broadcast, bytes exchange.

Every collective first checks that all ranks are in the same one: each rank hashes a
signature (kind, op name, dtypes, shapes, root) to 63 bits and one tiny ``Iallreduce``
with ``MAX`` over ``[h, -h]`` tells every rank at once whether all hashes agree. When they
do not, every rank knows it in the same step, so the ranks can still exchange their
descriptions and each raises ``InvalidArgumentError`` naming every rank's call instead of
hanging or mixing unrelated buffers (Horovod's commonest failure).

Waits poll a non-blocking request with a growing sleep (no busy loop eating shared
cores) until the context's deadline, after which the communicator is marked broken and
``DeadlineExceededError`` names the tensor.

The data of one call go out in one ``Iallreduce``/``Ibcast`` per dtype over a buffer that
the caller keeps between steps (``buffers``), filled in place.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.distributed import basics

SUM, AVERAGE, MIN, MAX, PRODUCT = "Sum", "Average", "Min", "Max", "Product"
REDUCE_OPS = (SUM, AVERAGE, MIN, MAX, PRODUCT)
_MAX_DESCRIPTION = 400
_YIELD_PHASE = 0.02  # seconds of yield-polling before sleeping between tests
_BURST = 32  # tests between two yields while yield-polling
_SPIN_PHASE = 5e-5  # seconds of plain polling first
_yield = getattr(os, "sched_yield", lambda: time.sleep(0))
Take = Callable[[int, np.dtype], np.ndarray]


def _mpi_op(mpi: Any, op: str) -> Any:
    return {SUM: mpi.SUM, AVERAGE: mpi.SUM, MIN: mpi.MIN, MAX: mpi.MAX,
            PRODUCT: mpi.PROD}[op]


def wait(ctx: Any, request: Any, what: str) -> None:
    """Waits for ``request`` at most ``ctx.timeout`` seconds, without hogging a core:
    for a peer that may still be computing (the call check of every collective).

    The loop tests without a pause for ``_SPIN_PHASE`` seconds (peers usually arrive
    within microseconds), then in bursts giving the core away between them
    (``sched_yield``) until ``_YIELD_PHASE`` seconds; after that (a peer is still
    computing, or gone) it sleeps between tests, longer and longer up to 1 ms.

    Raises:
        DeadlineExceededError: when the deadline passes (the group is then unusable).
        InternalError: when MPI reports a failure.
    """
    try:
        if request.Test():
            return
        start = time.monotonic()
        deadline, yield_until = start + ctx.timeout, start + _YIELD_PHASE
        spin_until = start + _SPIN_PHASE
        delay = 5e-5
        while not request.Test():
            now = time.monotonic()
            if now < spin_until:  # peers usually arrive within microseconds
                continue
            if now < yield_until:
                for _ in range(_BURST):  # a few µs of progress, then give the core away
                    if request.Test():
                        return
                _yield()
                continue
            time.sleep(delay)
            delay = min(delay * 1.5, 1e-3)
            if now > deadline:
                ctx.broken = (f"{what} did not complete within {ctx.timeout:g} s: a rank "
                              "stopped taking part (uneven step counts or rank-dependent "
                              "code). Set TRAINKIT_COLLECTIVE_TIMEOUT to wait longer.")
                raise errors.DeadlineExceededError(None, None, ctx.broken)
    except ctx.mpi.Exception as e:
        ctx.broken = f"MPI failed in {what}: {e}"
        raise errors.InternalError(None, None, ctx.broken) from None


def transfer(ctx: Any, request: Any, what: str) -> None:
    """Waits for the data of a collective whose call check just passed: every rank is in
    it, so the wait is the copy itself, which MPI's own progress loop does fastest (with
    shared memory the data moves only while a rank is inside MPI). A rank that dies now
    is cleaned up by the launcher.

    Raises:
        InternalError: when MPI reports a failure.
    """
    try:
        request.Wait()
    except ctx.mpi.Exception as e:
        ctx.broken = f"MPI failed in {what}: {e}"
        raise errors.InternalError(None, None, ctx.broken) from None


def _usable(what: str) -> Any:
    ctx = basics.context()
    if ctx.broken is not None:
        raise errors.FailedPreconditionError(
            None, None, f"{what}: the process group is unusable after an earlier failure "
                        f"({ctx.broken})")
    return ctx


def _hash63(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(),
                          "little") >> 1


def allgather_bytes(ctx: Any, data: bytes, what: str) -> list[bytes]:
    """Every rank's ``data``, in rank order (no pickling: raw bytes)."""
    counts = np.empty(ctx.size, np.int64)
    wait(ctx, ctx.comm.Iallgather(np.array([len(data)], np.int64), counts), what)
    out = np.empty(int(counts.sum()), np.uint8)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    send = np.frombuffer(data, np.uint8) if data else np.empty(0, np.uint8)
    wait(ctx, ctx.comm.Iallgatherv(send, [out, counts, offsets, ctx.mpi.BYTE]), what)
    return [out[o:o + c].tobytes() for o, c in zip(offsets, counts)]


def check_same_call(ctx: Any, description: str, what: str) -> None:
    """Verifies that every rank is making the same collective call.

    Raises:
        InvalidArgumentError: naming each rank's call, when they differ (on every rank).
    """
    h = _hash63(description)
    sig = np.array([h, -h], np.int64)
    wait(ctx, ctx.comm.Iallreduce(ctx.mpi.IN_PLACE, sig, ctx.mpi.MAX), what)
    if sig[0] == -sig[1]:
        return
    mine = description[:_MAX_DESCRIPTION].encode("utf-8")
    calls = allgather_bytes(ctx, mine, what)
    lines = "\n".join(f"  rank {r}: {c.decode('utf-8')}" for r, c in enumerate(calls))
    ctx.broken = ("Mismatched collective operations: the ranks did not issue the same "
                  f"collective in the same order (rank-dependent code or uneven step "
                  f"counts). This rank ({ctx.rank}) was in {what}.\n{lines}")
    raise errors.InvalidArgumentError(None, None, ctx.broken)


def allgather_bytes_checked(ctx: Any, data: bytes, what: str) -> list[bytes]:
    """:func:`allgather_bytes` after checking that every rank is in the same call."""
    ctx = _usable(what)
    check_same_call(ctx, what, what)
    return allgather_bytes(ctx, data, what)


def _describe(kind: str, name: str, arrays: Sequence[np.ndarray], extra: str = "",
              first_dim: bool = True) -> str:
    parts = []
    for a in arrays:
        shape = a.shape if first_dim else ("?",) + a.shape[1:]
        parts.append(f"{a.dtype.name}[{','.join(str(d) for d in shape)}]")
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


def allreduce(arrays: Sequence[np.ndarray], op: str, name: str, prescale: float = 1.0,
              postscale: float = 1.0, take: Take | None = None) -> list[np.ndarray]:
    """Reduces each array elementwise over the ranks; all of them in one MPI call per dtype.

    Args:
        arrays: this rank's arrays (same dtypes and shapes on every rank).
        op: one of ``REDUCE_OPS`` (``Average`` = ``Sum`` then divided by the size).
        name: names the call in errors.
        prescale, postscale: factors applied before and after the reduction.
        take: ``take(n, dtype)`` gives the flat buffer of a dtype group (a kernel passes
            its session's recycling pool; default: a new array).

    Returns:
        One array per input with its shape and dtype: views into the group's buffer.
        A lone tensor of its dtype is reduced straight from the input into the buffer
        (no copy in); several are packed into the buffer and reduced in place.
    """
    what = f"allreduce '{name}'"
    ctx = _usable(what)
    arrays = [np.asarray(a) for a in arrays]
    divide = ctx.size if op == AVERAGE else 1
    if ctx.size == 1:
        out = []
        for a in arrays:
            b = np.array(a, copy=True).reshape(-1)
            _scale_in_place(b, prescale * postscale / divide)
            out.append(b.reshape(a.shape))
        return out
    check_same_call(ctx, _describe(f"allreduce[{op}]", name, arrays,
                                   f" (prescale {prescale!r}, postscale {postscale!r})"),
                    what)
    take = take or _fresh
    mpi_op = _mpi_op(ctx.mpi, op)
    pending = []
    for dtype, idx in _groups(arrays).items():
        buf = take(sum(arrays[i].size for i in idx), dtype)
        if len(idx) == 1 and prescale == 1.0:
            src = np.ascontiguousarray(arrays[idx[0]]).reshape(-1)
            pending.append((buf, idx, ctx.comm.Iallreduce(src, buf, mpi_op)))
            continue
        o = 0
        for i in idx:
            n = arrays[i].size
            np.multiply(arrays[i].reshape(-1), prescale, out=buf[o:o + n], casting="unsafe")
            o += n
        pending.append((buf, idx, ctx.comm.Iallreduce(ctx.mpi.IN_PLACE, buf, mpi_op)))
    out: list[Any] = [None] * len(arrays)
    for buf, idx, req in pending:
        transfer(ctx, req, what)
        _scale_in_place(buf, postscale / divide)
        o = 0
        for i in idx:
            n = arrays[i].size
            out[i] = buf[o:o + n].reshape(arrays[i].shape)
            o += n
    return out


def broadcast(arrays: Sequence[np.ndarray], root_rank: int, name: str,
              take: Take | None = None) -> list[np.ndarray]:
    """Every rank gets ``root_rank``'s arrays; one MPI call per dtype.

    Returns:
        One array per input (views into the group's buffer, see :func:`allreduce`).

    Raises:
        ValueError: if ``root_rank`` is not a rank of the group.
    """
    what = f"broadcast '{name}'"
    ctx = _usable(what)
    if not 0 <= root_rank < ctx.size:
        raise ValueError(f"broadcast '{name}': root_rank {root_rank} is not in "
                         f"[0, {ctx.size}).")
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


def allgather(array: np.ndarray, name: str) -> np.ndarray:
    """Concatenates every rank's ``array`` along axis 0 (the first dimension may differ).

    Raises:
        InvalidArgumentError: for a scalar (there is no first dimension to gather on).
    """
    what = f"allgather '{name}'"
    ctx = _usable(what)
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


def first_dims(n: int, name: str) -> np.ndarray:
    """Every rank's ``n`` (e.g. the rows it gave to an allgather), in rank order."""
    ctx = _usable(f"allgather sizes '{name}'")
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
           "broadcast", "check_same_call", "first_dims", "transfer", "wait"]
