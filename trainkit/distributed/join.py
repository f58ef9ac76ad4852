"""``hvd.join()`` (Horovod's Join op): a rank that ran out of data joins; until every
rank has joined, it takes part in the other ranks' allreduces with zeros, so uneven
numbers of steps per rank do not hang. The op returns the rank that joined last.

Protocol (over the call check, see ``call_check``): a joined rank repeats the check with
``[MIN, MIN, 1, -1, last]``. When the result says every rank has joined, every rank
returns ``last`` (the rank whose first check completed the set). Otherwise the active
ranks are in a collective: they send its MPI calls (``serve_joined``) and the joined rank
posts the same allreduces with zero buffers; for any other collective the active ranks
raise ``FailedPreconditionError`` and the joined rank waits on. As in Horovod, joined
ranks' zeros count in the reduction: an Average divides by the full size, and Min, Max
and Product see the zeros. Join runs on the global set only.

Example:
    >>> for batch in my_batches:          # a different number on each rank
    ...     sess.run(train_op, {x: batch})
    >>> last = sess.run(hvd.join())
"""

from __future__ import annotations

import json

import numpy as np

from trainkit.distributed.call_check import (
    CHECK_LENGTH,
    JOINED_HASH,
    allgather_bytes,
    mismatch,
    signature,
    transfer,
    usable,
    wait,
)
from trainkit.distributed.collectives import mpi_op

_WHAT = "join"


def join() -> int:
    """Waits, serving the active ranks' allreduces with zeros, until every rank has
    joined; returns the rank that joined last.

    Raises:
        FailedPreconditionError: before ``init()``, or after an earlier failure.
        InvalidArgumentError: when the active ranks' collectives mismatch meanwhile.
        DeadlineExceededError: when no rank takes part for the collective timeout.
    """
    ctx = usable(_WHAT)
    if ctx.size == 1:
        return ctx.rank
    first = True
    while True:
        send = np.array([JOINED_HASH, JOINED_HASH, 1, -1, ctx.rank if first else -1],
                        np.int64)
        first = False
        got = np.empty(CHECK_LENGTH, np.int64)
        wait(ctx, ctx.comm.Iallreduce(send, got, ctx.mpi.MAX), _WHAT)
        if got[3] == -1:  # max(-joined) = -min(joined): every rank has joined
            return int(got[4])
        if got[0] != -got[1]:  # the active ranks disagree: take part in their report
            mismatch(ctx, signature("join (this rank has joined)", _WHAT))
        messages = allgather_bytes(ctx, b"", _WHAT)
        payload = next(m for m in messages if m)
        if payload == b"-":  # not an allreduce: the active ranks raise, this one waits on
            continue
        for dtype, count, op in json.loads(payload.decode("utf-8")):
            zeros = np.zeros(int(count), np.dtype(dtype))
            out = np.empty_like(zeros)
            transfer(ctx, ctx.data_comm.Iallreduce(zeros, out, mpi_op(ctx.mpi, op, zeros.dtype)),
                     _WHAT)


__all__ = ["join"]
