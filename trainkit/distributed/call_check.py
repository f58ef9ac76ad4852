"""The call check and the waits under every collective of ``collectives``.

**Call check.** Before its data can be trusted, every collective checks that all ranks
are in the same call: each rank hashes a description (kind, op name, reduce op, dtypes,
shapes, root, scale factors) to 63 bits and one tiny ``Iallreduce`` with ``MAX`` over
``[h, -h]`` on the group's communicator tells every rank at once whether all hashes
agree (max h = -max(-h) = min h). The check always has the same shape (two int64 with
MAX), so even ranks in different collectives take part in the same MPI call; when the
hashes differ every rank knows it in the same step, so the ranks can still exchange
their descriptions and each raises ``InvalidArgumentError`` naming every rank's call
instead of hanging or mixing unrelated buffers (Horovod's commonest failure).

A :class:`Signature` (description, hash, the check's send buffer) is built once per
distinct call and cached, so a training step pays no string formatting or hashing.

**Join.** The check also carries whether some rank waits in ``hvd.join()`` (see
``Signature``); such a rank then learns from the active ranks which allreduce they run
and joins it with zeros (``serve_joined``, module ``join``).

**Waits.** :func:`wait` polls a request politely until the context's deadline (the check
may wait for a peer that is still computing); :func:`transfer` waits for data whose
check passed (every rank is in the call, so the wait is the copy itself).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from functools import lru_cache
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.distributed import basics

_MAX_DESCRIPTION = 400
_YIELD_PHASE = 0.02  # seconds of yield-polling before sleeping between tests
_BURST = 32  # tests between two yields while yield-polling
_SPIN_PHASE = 5e-5  # seconds of plain polling first
_TRANSFER_SPIN = 2e-4  # seconds a data wait polls with Test before MPI's blocking Wait
_yield = getattr(os, "sched_yield", lambda: time.sleep(0))
_monotonic = time.monotonic


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
        test = request.Test
        if test() or test():
            return
        start = _monotonic()
        spin_until = start + _SPIN_PHASE
        while _monotonic() < spin_until:  # peers usually arrive within microseconds
            if test():
                return
        deadline, yield_until = start + ctx.timeout, start + _YIELD_PHASE
        delay = 5e-5
        while not test():
            now = _monotonic()
            if now < yield_until:
                for _ in range(_BURST):  # a few µs of progress, then give the core away
                    if test():
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
    """Waits for the data of a collective whose call check passed: every rank is in it,
    so the wait is the copy itself. It polls with ``Test`` for up to ``_TRANSFER_SPIN``
    seconds (small messages: MPI's blocking ``Wait`` costs several µs more per call
    here), then leaves the rest to ``Wait``, MPI's own progress loop, which moves large
    messages fastest (with shared memory the data moves only while a rank is inside
    MPI). A rank that dies now is cleaned up by the launcher.

    Raises:
        InternalError: when MPI reports a failure.
    """
    try:
        test = request.Test
        if test():
            return
        until = _monotonic() + _TRANSFER_SPIN
        while not test():
            if _monotonic() > until:
                request.Wait()
                return
    except ctx.mpi.Exception as e:
        ctx.broken = f"MPI failed in {what}: {e}"
        raise errors.InternalError(None, None, ctx.broken) from None


def usable(what: str, process_set_id: int = 0) -> Any:
    """The context of the global group (or of process set ``process_set_id``), if it
    can still be used.

    Raises:
        FailedPreconditionError: before ``init()`` (Horovod's error for an op run before
            it), or after an earlier failure broke the group.
        InvalidArgumentError: when this process is not in the process set.
        ValueError: for an unknown process set.
    """
    if basics.current() is None:
        raise errors.FailedPreconditionError(
            None, None, f"{what}: Horovod has not been initialized; use hvd.init().")
    return still_usable(basics.group(process_set_id, what), what)


def still_usable(ctx: Any, what: str) -> Any:
    """``ctx``, unless an earlier failure broke it.

    Raises:
        FailedPreconditionError: after an earlier failure broke the group.
    """
    if ctx.broken is not None:
        raise errors.FailedPreconditionError(
            None, None, f"{what}: the process group is unusable after an earlier failure "
                        f"({ctx.broken})")
    return ctx


# The check's buffer, reduced with MAX: [h, -h, joined, -joined, last]. A rank waiting in
# ``hvd.join()`` sends [MIN, MIN, 1, -1, its rank on its first check else -1]: the active
# ranks' h still compare (max h, -min h), ``joined`` says some rank has joined, ``-joined``
# that all have, and ``last`` which rank joined last (module ``join``).
JOINED_HASH = np.iinfo(np.int64).min
CHECK_LENGTH = 5


class Signature:
    """One distinct collective call: its description, the name errors give it, the
    check's send buffer (read-only, shared by every call of it) and, for an allreduce,
    the MPI calls a joined rank must match (``join_groups``: ``(dtype, count, reduce op)``
    per data buffer; None: the call is not allowed while a rank has joined)."""

    __slots__ = ("description", "what", "send", "join_groups")

    def __init__(self, description: str, what: str, join_groups: tuple | None = None):
        self.description = description
        self.what = what
        self.join_groups = join_groups
        h = int.from_bytes(hashlib.blake2b(description.encode("utf-8"),
                                           digest_size=8).digest(), "little") >> 1
        self.send = np.array([h, -h, 0, 0, -1], np.int64)
        self.send.flags.writeable = False


@lru_cache(maxsize=4096)
def signature(description: str, what: str, join_groups: tuple | None = None) -> Signature:
    """The (cached) :class:`Signature` of a call."""
    return Signature(description, what, join_groups)


def start_check(ctx: Any, sig: Signature) -> tuple[Any, np.ndarray]:
    """Starts the call check of ``sig``; :func:`finish_check` completes it."""
    got = np.empty(CHECK_LENGTH, np.int64)
    return ctx.comm.Iallreduce(sig.send, got, ctx.mpi.MAX), got


def finish_check(ctx: Any, sig: Signature, request: Any, got: np.ndarray) -> None:
    """Waits for the check started by :func:`start_check`.

    Raises:
        InvalidArgumentError: naming each rank's call, when they differ (on every rank).
        DeadlineExceededError: when a rank does not take part in time.
    """
    wait(ctx, request, sig.what)
    if got[0] != -got[1]:
        mismatch(ctx, sig)
    if got[2]:
        serve_joined(ctx, sig)


def serve_joined(ctx: Any, sig: Signature) -> None:
    """Some rank waits in ``hvd.join()``: tells it what this collective is, so that it
    takes part in an allreduce with zeros (Horovod's rule); any other collective fails.

    Raises:
        FailedPreconditionError: for a collective other than allreduce.
    """
    groups = sig.join_groups
    message = b"-" if groups is None else json.dumps(groups).encode("utf-8")
    allgather_bytes(ctx, message, sig.what)
    if groups is None:
        raise errors.FailedPreconditionError(
            None, None, f"{sig.what} is not supported with Join at this time: a rank has "
                        "called hvd.join(); only allreduce runs with joined ranks.")


def mismatch(ctx: Any, sig: Signature) -> None:
    """Every rank learned that the calls differ: gathers every rank's description over
    the (still matched) check communicator, marks the group broken and raises.

    Raises:
        InvalidArgumentError: always.
    """
    mine = sig.description[:_MAX_DESCRIPTION].encode("utf-8")
    calls = allgather_bytes(ctx, mine, sig.what)
    lines = "\n".join(f"  rank {r}: {c.decode('utf-8')}" for r, c in enumerate(calls))
    ctx.broken = ("Mismatched collective operations: the ranks did not issue the same "
                  f"collective in the same order (rank-dependent code or uneven step "
                  f"counts). This rank ({ctx.rank}) was in {sig.what}.\n{lines}")
    raise errors.InvalidArgumentError(None, None, ctx.broken)


def check_same_call(ctx: Any, description: str, what: str) -> None:
    """Verifies that every rank is making the same collective call.

    Raises:
        InvalidArgumentError: naming each rank's call, when they differ (on every rank).
    """
    sig = signature(description, what)
    finish_check(ctx, sig, *start_check(ctx, sig))


def allgather_bytes(ctx: Any, data: bytes, what: str) -> list[bytes]:
    """Every rank's ``data``, in rank order (no pickling: raw bytes)."""
    counts = np.empty(ctx.size, np.int64)
    wait(ctx, ctx.comm.Iallgather(np.array([len(data)], np.int64), counts), what)
    out = np.empty(int(counts.sum()), np.uint8)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    send = np.frombuffer(data, np.uint8) if data else np.empty(0, np.uint8)
    wait(ctx, ctx.comm.Iallgatherv(send, [out, counts, offsets, ctx.mpi.BYTE]), what)
    return [out[o:o + c].tobytes() for o, c in zip(offsets, counts)]


def allgather_bytes_checked(ctx: Any, data: bytes, what: str) -> list[bytes]:
    """:func:`allgather_bytes` after checking that every rank is in the same call."""
    ctx = still_usable(ctx, what)
    check_same_call(ctx, what, what)
    return allgather_bytes(ctx, data, what)


__all__ = ["CHECK_LENGTH", "JOINED_HASH", "Signature", "allgather_bytes",
           "allgather_bytes_checked", "check_same_call", "finish_check", "mismatch",
           "serve_joined", "signature", "start_check", "still_usable", "transfer", "usable", "wait"]
