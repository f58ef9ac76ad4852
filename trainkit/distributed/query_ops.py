"""Horovod's rank queries as graph ops (``size_op``, ``local_size_op``, ``rank_op``,
``local_rank_op``, ``process_set_included_op``): int32 scalars read when the op runs,
not when the graph is built, so a graph can be built before ``init()``.

Example:
    >>> n = hvd.size_op()            # a Tensor; sess.run(n) == hvd.size()
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.distributed import basics
from trainkit.framework import dtypes as _dt
from trainkit.framework import registry
from trainkit.framework.graph import get_default_graph
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Tensor

# Horovod's return codes of process_set_included_op (horovod/common/basics.py)
PROCESS_SET_ERROR_INIT = -1
PROCESS_SET_ERROR_UNKNOWN_SET = -3


def _initialized(what: str) -> Any:
    ctx = basics.current()
    if ctx is None:
        raise errors.FailedPreconditionError(
            None, None, f"{what}: Horovod has not been initialized; use hvd.init().")
    return ctx


def _scalar_kernel(op_type: str, value: Callable[[registry.KernelContext], int]) -> None:
    registry.register_kernel(op_type, stateful=True, shape_fn=lambda op: [TensorShape([])])(
        lambda ctx: np.array(value(ctx), np.int32))
    registry.not_differentiable(op_type)


def _set_size(ctx: registry.KernelContext) -> int:
    group = _initialized(ctx.name)
    set_id = int(ctx.attrs["process_set_id"])
    if set_id != 0 and set_id not in group.set_ranks:
        raise ValueError(f"{ctx.name}: no process set has id {set_id}.")
    return group.size if set_id == 0 else len(group.set_ranks[set_id])


def _included(ctx: registry.KernelContext) -> int:
    group = basics.current()
    if group is None:
        return PROCESS_SET_ERROR_INIT
    set_id = int(ctx.attrs["process_set_id"])
    if set_id == 0:
        return 1
    if set_id not in group.set_ranks:
        return PROCESS_SET_ERROR_UNKNOWN_SET
    return int(group.rank in group.set_ranks[set_id])


_scalar_kernel("TkMpiSize", _set_size)
_scalar_kernel("TkMpiLocalSize", lambda ctx: _initialized(ctx.name).local_size)
_scalar_kernel("TkMpiRank", lambda ctx: _initialized(ctx.name).rank)
_scalar_kernel("TkMpiLocalRank", lambda ctx: _initialized(ctx.name).local_rank)
_scalar_kernel("TkMpiProcessSetIncluded", _included)


def _op(op_type: str, name: str | None, default: str, **attrs: int) -> Tensor:
    return get_default_graph().create_op(op_type, [], [_dt.int32], name=name or default,
                                         attrs=attrs).outputs[0]


def size_op(process_set_id: int = 0, name: str | None = None) -> Tensor:
    """The number of ranks (of process set ``process_set_id``), read when run.

    Raises:
        FailedPreconditionError (when run): before ``init()``.
        InvalidArgumentError (when run): for an unknown process set id.
    """
    return _op("TkMpiSize", name, "HorovodSize", process_set_id=int(process_set_id))


def local_size_op(name: str | None = None) -> Tensor:
    """The number of ranks on this machine, read when run."""
    return _op("TkMpiLocalSize", name, "HorovodLocalSize")


def rank_op(name: str | None = None) -> Tensor:
    """This process's rank, read when run."""
    return _op("TkMpiRank", name, "HorovodRank")


def local_rank_op(name: str | None = None) -> Tensor:
    """This process's rank on its machine, read when run."""
    return _op("TkMpiLocalRank", name, "HorovodLocalRank")


def process_set_included_op(process_set_id: int = 0, name: str | None = None) -> Tensor:
    """1 if this process is in process set ``process_set_id``, else 0; Horovod's codes
    -1 before ``init()`` and -3 for an unknown set."""
    return _op("TkMpiProcessSetIncluded", name, "HorovodProcessSetIncluded",
               process_set_id=int(process_set_id))


__all__ = ["PROCESS_SET_ERROR_INIT", "PROCESS_SET_ERROR_UNKNOWN_SET", "local_rank_op",
           "local_size_op", "process_set_included_op", "rank_op", "size_op"]
