"""Process sets (Horovod's ``ProcessSet``, ``global_process_set``, ``add_process_set``,
``remove_process_set``): collectives among a subset of the ranks, each set on its own
MPI sub-communicator.

A set is registered collectively: every rank of the job calls ``add_process_set`` with
the same ranks (checked: a rank that passes other ranks or skips the call gets the call
check's error) and gets the same id. Collectives take ``process_set=``; a rank that is
not a member gets ``InvalidArgumentError`` when the op runs, as in Horovod. Ranks given
to collectives (``broadcast``'s ``root_rank``) stay global ranks; ``ProcessSet.rank()``
is the rank within the set (the position of this rank's rows in an ``allgather``).

Differs from Horovod: sets may be added and removed without
``HOROVOD_DYNAMIC_PROCESS_SETS=1`` (nothing has to be planned before ``init``), and a set
given by an MPI communicator is not supported (give its ranks).

Example:
    >>> evens = hvd.add_process_set([0, 2])
    >>> total = hvd.allreduce(x, op=hvd.Sum, process_set=evens)   # run on ranks 0, 2
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trainkit.distributed import basics
from trainkit.distributed.call_check import check_same_call, usable


class ProcessSet:
    """A set of ranks that run collectives together.

    Args:
        ranks_or_comm: the global ranks of the set (any order; kept sorted).

    Attributes:
        ranks: the sorted ranks (None once removed).
        process_set_id: the id ``add_process_set`` gave it (None before, and after
            ``remove_process_set``).

    Raises:
        ValueError: for ranks that are not ints, or an MPI communicator (not supported).
    """

    def __init__(self, ranks_or_comm: Sequence[int]):
        if isinstance(ranks_or_comm, str | bytes) or not hasattr(ranks_or_comm, "__iter__"):
            raise ValueError("ProcessSet should be initialized with a list of process ranks; "
                             f"got {ranks_or_comm!r} (MPI communicators are not supported "
                             "by trainkit).")
        ranks = list(ranks_or_comm)
        if any(not isinstance(r, int) or isinstance(r, bool) for r in ranks):
            raise ValueError(f"ProcessSet should be initialized with a list of process ranks; "
                             f"got {ranks!r}.")
        self.ranks: list[int] | None = sorted(ranks)
        self.process_set_id: int | None = None

    def size(self) -> int | None:
        """The number of ranks in the set (None while it is not registered)."""
        if self.process_set_id is None:
            return None
        if self.process_set_id == 0:
            return basics.size()
        return len(basics.context().set_ranks.get(self.process_set_id, ())) or None

    def rank(self) -> int | None:
        """This process's rank within the set (None while it is not registered).

        Raises:
            ValueError: if this process is not a member.
        """
        if self.process_set_id is None:
            return None
        if self.process_set_id == 0:
            return basics.rank()
        if not self.included():
            raise ValueError(f"rank(): this process (rank {basics.rank()}) is not a member "
                             f"of {self}.")
        return list(self.ranks or ()).index(basics.rank())

    def included(self) -> bool | None:
        """Whether this process is a member (None while the ranks are unknown)."""
        if self.process_set_id == 0:
            return True
        if self.ranks is None:
            return None
        return basics.rank() in self.ranks

    def __repr__(self) -> str:
        return f"ProcessSet(process_set_id={self.process_set_id}, ranks={self.ranks})"


global_process_set = ProcessSet([])
global_process_set.process_set_id = 0


def init(comm: Any = None, process_sets: Any = None) -> None:
    """Initializes the process group (Horovod's ``hvd.init``) and registers
    ``process_sets``; calling it again does nothing.

    Args:
        comm: an ``mpi4py`` communicator or a list of world ranks (``basics.init``).
        process_sets: ``ProcessSet`` objects to register (every rank passes the same),
            or ``"dynamic"`` (accepted: sets may always be added later).

    Raises:
        ValueError: for a bad process set (see :func:`add_process_set`).
        TypeError: for ``process_sets`` that is neither a list nor ``"dynamic"``.
    """
    fresh = not basics.is_initialized()
    basics.init(comm)
    if fresh:
        global_process_set.ranks = list(range(basics.size()))
    if process_sets is None or process_sets == "dynamic" or not fresh:
        return
    if isinstance(process_sets, str) or not hasattr(process_sets, "__iter__"):
        raise TypeError(f"hvd.init: process_sets must be a list of ProcessSet or 'dynamic', "
                        f"got {process_sets!r}.")
    for ps in process_sets:
        add_process_set(ps)


def add_process_set(process_set: ProcessSet | Sequence[int]) -> ProcessSet:
    """Registers a process set; every rank of the job must call it with the same ranks.

    Args:
        process_set: a ``ProcessSet`` or a list of global ranks.

    Returns:
        The registered ``ProcessSet`` (``process_set_id`` set).

    Raises:
        ValueError: before ``init()``; for an empty set, a rank outside ``[0, size())``, a
            repeated rank, or a set with the same ranks as a registered one (Horovod:
            "Attempted to add a duplicate process set").
        InvalidArgumentError: when the ranks did not all pass the same set.
    """
    ps = process_set if isinstance(process_set, ProcessSet) else ProcessSet(process_set)
    what = "add_process_set"
    basics.context()  # ValueError before init(), like hvd.size()
    ctx = usable(what)
    ranks = tuple(ps.ranks or ())
    if not ranks:
        raise ValueError(f"{what}: a process set needs at least one rank, got {ps}.")
    if len(set(ranks)) != len(ranks):
        raise ValueError(f"{what}: ranks must not repeat, got {list(ranks)}.")
    bad = [r for r in ranks if not 0 <= r < ctx.size]
    if bad:
        raise ValueError(f"{what}: ranks {bad} are not in [0, {ctx.size}).")
    if ps.process_set_id is not None or ranks in ctx.set_ranks.values() or \
            ranks == tuple(range(ctx.size)):
        raise ValueError(f"Attempted to add a duplicate process set: {ps}")
    if ctx.size > 1:
        check_same_call(ctx, f"{what} of ranks {list(ranks)}", what)
    ps.process_set_id = basics.create_group(ranks)
    return ps


def remove_process_set(process_set: ProcessSet) -> bool:
    """Unregisters ``process_set`` (every rank of the job calls it) and frees its
    communicator.

    Returns:
        True if it was removed; False for the global set or a set that is not registered.

    Raises:
        TypeError: if ``process_set`` is not a ``ProcessSet``.
        InvalidArgumentError: when the ranks did not all remove the same set.
    """
    if not isinstance(process_set, ProcessSet):
        raise TypeError(f"remove_process_set takes a ProcessSet, got {process_set!r}.")
    set_id = process_set.process_set_id
    if set_id is None or set_id == 0:
        return False
    what = "remove_process_set"
    basics.context()  # ValueError before init(), like hvd.size()
    ctx = usable(what)
    if set_id not in ctx.set_ranks:
        return False
    if ctx.size > 1:
        check_same_call(ctx, f"{what} of set {set_id}", what)
    process_set.process_set_id = None
    return basics.free_group(set_id)


def set_id_of(process_set: Any, what: str) -> int:
    """The id a collective records for ``process_set`` (None: the global set).

    Raises:
        TypeError: if it is not a ``ProcessSet``.
        ValueError: if it is not registered.
    """
    if process_set is None:
        return 0
    if not isinstance(process_set, ProcessSet):
        raise TypeError(f"{what}: process_set must be a hvd.ProcessSet, got {process_set!r}.")
    if process_set.process_set_id is None:
        raise ValueError(f"{what}: {process_set} is not registered; add it with "
                         "hvd.add_process_set (on every rank) first.")
    return process_set.process_set_id


def set_rank(process_set_id: int) -> int:
    """This process's rank within the set, for graph building (-1: not a member, whose
    op then raises when it runs)."""
    ctx = basics.context()
    if process_set_id == 0:
        return ctx.rank
    ranks = ctx.set_ranks.get(process_set_id, ())
    return ranks.index(ctx.rank) if ctx.rank in ranks else -1


def set_size(process_set_id: int) -> int:
    """The number of ranks in the set (for graph building)."""
    ctx = basics.context()
    return ctx.size if process_set_id == 0 else len(ctx.set_ranks.get(process_set_id, ()))


__all__ = ["ProcessSet", "add_process_set", "global_process_set", "init",
           "remove_process_set", "set_id_of", "set_rank", "set_size"]
