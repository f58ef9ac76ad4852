"""The process group: ``init``/``shutdown`` and the rank queries of ``horovod.tensorflow``.

One ``_Context`` holds the communicator (``mpi4py``'s ``COMM_WORLD`` or the one passed to
``init``), its node-local split and the per-process settings. Without ``mpi4py``, or when
the process was not started by ``mpiexec``, ``init()`` gives a group of one process (size
1, rank 0) and every collective is a local copy, so single-process programs change
nothing.

A job never hangs on a failing rank: ``init`` installs an exception hook that aborts the
whole communicator when any rank dies of an uncaught exception, and every wait on a
collective polls with a deadline (``TRAINKIT_COLLECTIVE_TIMEOUT`` seconds, default 300)
so a peer that stopped taking part becomes an error naming the tensor.

Example:
    >>> import trainkit.distributed as hvd
    >>> hvd.init()
    >>> hvd.size(), hvd.rank()
    (1, 0)
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from trainkit import errors

_DEFAULT_TIMEOUT = 300.0
_ENV_TIMEOUT = "TRAINKIT_COLLECTIVE_TIMEOUT"
# Set by mpiexec (MPICH/hydra, Open MPI, Intel MPI, Slurm's PMI): a process started alone
# never touches MPI, so importing trainkit stays cheap and MPI-free.
_LAUNCHER_VARS = ("PMI_RANK", "PMI_SIZE", "PMIX_RANK", "OMPI_COMM_WORLD_RANK",
                  "MPI_LOCALRANKID", "HYDRA_CONTROL_FD")


class _Context:
    """The initialized process group (one per process)."""

    def __init__(self, comm: Any, mpi: Any, timeout: float,
                 ranks: tuple[int, ...] | None = None):
        self.comm = comm
        self.mpi = mpi
        self.timeout = timeout
        self.broken: str | None = None  # set after a failed collective: no more traffic
        # Process sets (on the global context only): id -> the set's ranks, and id -> its
        # context, or None where this process is not a member.
        self.set_ranks: dict[int, tuple[int, ...]] = {}
        self.sets: dict[int, _Context | None] = {}
        self.next_set_id = 1
        self.is_set = ranks is not None
        if comm is None:
            self.size, self.rank = 1, 0
            self.local_size, self.local_rank = 1, 0
            self.cross_size, self.cross_rank = 1, 0
            self.threads_supported = False
            self.local_comm = self.cross_comm = self.data_comm = None
            self.ranks = tuple(ranks) if ranks is not None else (0,)
            self.homogeneous = True
            return
        # The data of a fused allreduce travel on their own communicator, so they can be
        # sent while the call check (on ``comm``) is still under way: if the check fails,
        # the unmatched data requests are abandoned there and ``comm`` stays in step.
        self.data_comm = comm.Dup()
        self.size, self.rank = comm.Get_size(), comm.Get_rank()
        # The group's members as ranks of the global group (a process set's).
        self.ranks = tuple(ranks) if ranks is not None else tuple(range(self.size))
        self.local_comm = comm.Split_type(mpi.COMM_TYPE_SHARED, key=self.rank)
        self.local_size, self.local_rank = self.local_comm.Get_size(), \
            self.local_comm.Get_rank()
        # Ranks with the same local rank across nodes form the "cross" communicator.
        self.cross_comm = comm.Split(color=self.local_rank, key=self.rank)
        self.cross_size, self.cross_rank = self.cross_comm.Get_size(), \
            self.cross_comm.Get_rank()
        self.threads_supported = mpi.Query_thread() == mpi.THREAD_MULTIPLE
        # Homogeneous: every node runs as many processes as this one.
        sizes = np.empty(self.size, np.int64)
        comm.Allgather(np.array([self.local_size], np.int64), sizes)
        self.homogeneous = bool((sizes == self.local_size).all())

    def free(self) -> None:
        """Frees the communicators (collective over the group's members)."""
        if self.comm is None:
            return
        for sub in self.sets.values():
            if sub is not None:
                sub.free()
        self.sets.clear()
        self.local_comm.Free()
        self.cross_comm.Free()
        self.data_comm.Free()
        self.comm.Free()


_ctx: _Context | None = None
_lock = threading.Lock()
_previous_excepthook: Any = None


def launched_by_mpiexec() -> bool:
    """Whether an MPI launcher started this process (its environment says so)."""
    return any(v in os.environ for v in _LAUNCHER_VARS)


def _launched_size() -> int:
    for var in ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS"):
        try:
            return int(os.environ[var])
        except (KeyError, ValueError):
            continue
    return 1


def _timeout_from_env() -> float:
    raw = os.environ.get(_ENV_TIMEOUT)
    if raw is None:
        return _DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{_ENV_TIMEOUT} must be a number of seconds, got {raw!r}.") from None
    if value <= 0:
        raise ValueError(f"{_ENV_TIMEOUT} must be > 0, got {raw!r}.")
    return value


def _import_mpi() -> Any:
    try:
        from mpi4py import MPI
    except ImportError:
        return None
    return MPI


def init(comm: Any = None) -> None:
    """Initializes the process group (Horovod's ``hvd.init``); calling it again does nothing.

    Args:
        comm: an ``mpi4py`` communicator (or a list of world ranks, as Horovod accepts)
            to run on instead of ``COMM_WORLD``. Without ``mpi4py`` or ``mpiexec`` the
            group is this process alone.

    Raises:
        ImportError: if ``comm`` is given but ``mpi4py`` is not installed.
        TypeError: if ``comm`` is neither a communicator nor a list of ranks.
        ValueError: if ``TRAINKIT_COLLECTIVE_TIMEOUT`` is not a positive number.
    """
    global _ctx, _previous_excepthook
    with _lock:
        if _ctx is not None:
            return
        timeout = _timeout_from_env()
        # Importing mpi4py initializes MPI: only do it when a launcher started us.
        mpi = _import_mpi() if comm is not None or launched_by_mpiexec() else None
        if comm is not None and mpi is None:
            raise ImportError("hvd.init(comm=...) needs mpi4py: pip install 'trainkit[mpi]'.")
        if mpi is None and _launched_size() > 1:  # N copies of rank 0 would clobber files
            raise ImportError(f"This process was started by mpiexec with "
                              f"{_launched_size()} ranks but mpi4py is not installed: "
                              "pip install 'trainkit[mpi]'.")
        if mpi is None:
            _ctx = _Context(None, None, timeout)
            return
        world = mpi.COMM_WORLD
        if comm is None:
            comm = world
        elif isinstance(comm, list | tuple):
            ranks = [int(r) for r in comm]
            group = world.Get_group().Incl(ranks)
            comm = world.Create(group)
            if comm == mpi.COMM_NULL:
                raise ValueError(f"hvd.init(comm={ranks}): this process (world rank "
                                 f"{world.Get_rank()}) is not in the list.")
        elif not isinstance(comm, mpi.Comm):
            raise TypeError(f"hvd.init: comm must be an mpi4py communicator or a list of "
                            f"ranks, got {comm!r}.")
        _ctx = _Context(comm.Dup(), mpi, timeout)
        if _ctx.size > 1:
            _previous_excepthook = sys.excepthook
            sys.excepthook = _abort_on_uncaught
            atexit.register(_at_exit)


def _abort_on_uncaught(exc_type: Any, exc: Any, tb: Any) -> None:
    """Prints the error like Python does, then ends every rank of the job."""
    hook = _previous_excepthook or sys.__excepthook__
    hook(exc_type, exc, tb)
    ctx = _ctx
    if ctx is not None and ctx.comm is not None and ctx.size > 1:
        sys.stderr.write(f"trainkit.distributed: rank {ctx.rank} raised "
                         f"{exc_type.__name__}; aborting all {ctx.size} ranks.\n")
        sys.stderr.flush()
        ctx.comm.Abort(1)


# Functions run at interpreter exit on a multi-rank group (registered by the modules
# above this one, e.g. the collectives' shutdown announcement), after MPI was imported so
# that they run before mpi4py finalizes MPI.
exit_callbacks: list[Callable[[], None]] = []


def _at_exit() -> None:
    for fn in exit_callbacks:
        fn()


def context() -> _Context:
    """The initialized context.

    Raises:
        ValueError: if ``init()`` was not called (Horovod's message).
    """
    ctx = _ctx
    if ctx is None:
        raise ValueError("Horovod has not been initialized; use hvd.init().")
    return ctx


def current() -> _Context | None:
    """The context, or None before ``init()``/after ``shutdown()``."""
    return _ctx


def shutdown() -> None:
    """Leaves the process group; ``init()`` may be called again afterwards."""
    global _ctx
    with _lock:
        ctx, _ctx = _ctx, None
    if ctx is not None and ctx.comm is not None:
        if sys.excepthook is _abort_on_uncaught:
            sys.excepthook = _previous_excepthook or sys.__excepthook__
        ctx.free()


def is_initialized() -> bool:
    """Whether ``init()`` was called (and not undone by ``shutdown()``)."""
    return _ctx is not None


def size() -> int:
    """The number of processes in the group."""
    return context().size


def rank() -> int:
    """This process's rank in the group, ``0 .. size()-1``."""
    return context().rank


def local_size() -> int:
    """The number of processes on this machine."""
    return context().local_size


def local_rank() -> int:
    """This process's rank among the processes of this machine."""
    return context().local_rank


def cross_size() -> int:
    """The number of machines that run a process with this ``local_rank``."""
    return context().cross_size


def cross_rank() -> int:
    """This machine's rank among the machines (for this ``local_rank``)."""
    return context().cross_rank


def mpi_threads_supported() -> bool:
    """Whether MPI was initialized with ``MPI_THREAD_MULTIPLE``.

    Raises:
        ValueError: if ``init()`` was not called.
    """
    return context().threads_supported


def mpi_enabled() -> bool:
    """Whether the group runs on MPI (False for the one-process fallback)."""
    return context().comm is not None


def mpi_built() -> bool:
    """Whether ``mpi4py`` is installed (Horovod: built with MPI support)."""
    return importlib.util.find_spec("mpi4py") is not None


def group(process_set_id: int, what: str) -> _Context:
    """The context of process set ``process_set_id`` (0: the global group).

    Raises:
        ValueError: before ``init()``, or for an id that names no process set (never
            added, or removed).
        InvalidArgumentError: when this process is not a member of the set (Horovod's
            error when a collective is enqueued on a foreign set).
    """
    ctx = context()
    if process_set_id == 0:
        return ctx
    if process_set_id not in ctx.set_ranks:
        raise ValueError(f"{what}: no process set has id {process_set_id} (it was never "
                         "added with hvd.add_process_set, or it was removed).")
    sub = ctx.sets.get(process_set_id)
    if sub is None:
        raise errors.InvalidArgumentError(
            None, None, f"{what}: Rank {ctx.rank} is not a member of the provided process "
                        f"set (ranks {list(ctx.set_ranks[process_set_id])}).")
    return sub


def create_group(ranks: tuple[int, ...]) -> int:
    """Registers a process set of the global ``ranks`` (sorted, checked by the caller);
    collective over the global group. Returns its id (the same on every rank).

    Raises:
        ValueError: before ``init()``.
    """
    ctx = context()
    set_id = ctx.next_set_id
    ctx.next_set_id += 1
    ctx.set_ranks[set_id] = ranks
    if ctx.comm is None:
        ctx.sets[set_id] = _Context(None, None, ctx.timeout, ranks)
        return set_id
    mpi_group = ctx.comm.Get_group()
    sub_group = mpi_group.Incl(list(ranks))
    comm = ctx.comm.Create(sub_group)  # collective over the whole global group
    sub_group.Free()
    mpi_group.Free()
    ctx.sets[set_id] = None if comm == ctx.mpi.COMM_NULL else \
        _Context(comm, ctx.mpi, ctx.timeout, ranks)
    return set_id


def free_group(process_set_id: int) -> bool:
    """Forgets process set ``process_set_id`` and frees its communicators (on its
    members); False when no such set exists."""
    ctx = context()
    if process_set_id not in ctx.set_ranks:
        return False
    del ctx.set_ranks[process_set_id]
    sub = ctx.sets.pop(process_set_id, None)
    if sub is not None:
        sub.free()
    return True


def is_homogeneous() -> bool:
    """Whether every node runs the same number of processes (Horovod's
    ``is_homogeneous``)."""
    return context().homogeneous


def rank_or_zero() -> int:
    """``rank()`` if initialized, else 0: what rank-0-only writers ask (trainkit)."""
    ctx = _ctx
    return 0 if ctx is None else ctx.rank


def size_or_one() -> int:
    """``size()`` if initialized, else 1 (trainkit)."""
    ctx = _ctx
    return 1 if ctx is None else ctx.size


__all__ = ["context", "create_group", "cross_rank", "cross_size", "current", "free_group", "group",
           "init", "is_homogeneous", "is_initialized", "launched_by_mpiexec", "local_rank",
           "local_size", "mpi_built", "mpi_enabled", "mpi_threads_supported", "rank",
           "rank_or_zero", "shutdown", "size", "size_or_one"]
