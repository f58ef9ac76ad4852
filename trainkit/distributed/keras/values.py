"""Collectives on values for Keras programs (``horovod.keras``'s ``allreduce``,
``allgather``, ``broadcast`` and ``broadcast_global_variables``): each builds the graph
collective of ``trainkit.distributed`` on a constant of the value and runs it at once in
Keras's session (``tk.keras.backend.get_session()``), returning NumPy results.

As in Horovod's TF1 Keras API, every call adds a constant and a collective to the default
graph: call them a few times (at start, at the end of an epoch), not per batch.

Example:
    >>> import trainkit.distributed.keras as hvd
    >>> hvd.init()
    >>> hvd.allreduce(np.float32(hvd.rank()))          # the mean of the ranks
    >>> hvd.allgather(np.array([[hvd.rank()]]))         # [[0], [1], ...]
"""

from __future__ import annotations

from typing import Any

import numpy as np

import trainkit.distributed as hvd
from trainkit.framework import constant_op
from trainkit.keras import backend


def _run(fetch: Any) -> Any:
    return backend.get_session().run(fetch)


def _constant(value: Any, name: str | None) -> Any:
    hvd.size()  # before init(): Horovod's ValueError, before any op is built
    return constant_op.constant(value, name=name or "Const")


def broadcast_global_variables(root_rank: int) -> None:
    """Assigns ``root_rank``'s values to every global variable of the default graph, on
    every rank, in Keras's session.

    Raises:
        ValueError: before ``init()``.
        TypeError: if ``root_rank`` is not an int.
        InvalidArgumentError: if ``root_rank`` is not a rank of the group.
    """
    hvd.size()
    _run(hvd.broadcast_global_variables(root_rank))


def allreduce(value: Any, name: str | None = None, average: bool = True) -> np.ndarray:
    """The mean (``average=True``) or the sum over the ranks of ``value`` (same shape and
    dtype on every rank).

    Raises:
        ValueError: before ``init()``.
    """
    return _run(hvd.allreduce(_constant(value, name), op=hvd.Average if average else hvd.Sum))


def allgather(value: Any, name: str | None = None) -> np.ndarray:
    """Every rank's ``value`` concatenated along the first dimension, in rank order (the
    first dimension may differ between ranks).

    Raises:
        ValueError: before ``init()``.
        InvalidArgumentError: for a scalar.
    """
    return _run(hvd.allgather(_constant(value, name)))


def broadcast(value: Any, root_rank: int, name: str | None = None) -> np.ndarray:
    """``root_rank``'s ``value`` on every rank.

    Raises:
        ValueError: before ``init()``.
        TypeError: if ``root_rank`` is not an int.
        InvalidArgumentError: if ``root_rank`` is not a rank of the group.
    """
    return _run(hvd.broadcast(_constant(value, name), root_rank))


__all__ = ["allgather", "allreduce", "broadcast", "broadcast_global_variables"]
