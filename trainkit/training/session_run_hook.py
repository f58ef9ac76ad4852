"""The hook contract of monitored sessions: ``SessionRunHook`` and the three small
records it exchanges with the loop (``SessionRunArgs``, ``SessionRunContext``,
``SessionRunValues``).

Call order, for every hook of a monitored session::

    begin()                                 # graph still mutable: create ops here
    <graph finalized, session created or restored>
    after_create_session(session, coord)    # again after every recovery
    loop:
        before_run(run_context) -> SessionRunArgs | None
        <one Session.run of the caller's fetches plus every hook's fetches>
        after_run(run_context, run_values)  # skipped when the run raised
    end(session)                            # on a clean close (also after
                                            # OutOfRangeError / StopIteration)
    abort(session, error)                   # trainkit: instead of end() on errors

Hooks talk to the loop only through these records and ``run_context.request_stop()``.

Example:
    >>> class CountHook(SessionRunHook):
    ...     def begin(self):
    ...         self.runs = 0
    ...     def after_run(self, run_context, run_values):
    ...         self.runs += 1
    ...         if self.runs == 3:
    ...             run_context.request_stop()
"""

from __future__ import annotations

from typing import Any, NamedTuple


class SessionRunHook:
    """Base class of hooks that extend a ``MonitoredSession``'s run loop.

    Every method is optional; the defaults do nothing.

    Attributes:
        first_after_create_session: when True, the monitored session calls this hook's
            ``after_create_session`` before those of all unflagged hooks, whatever the
            order of the hooks list (trainkit; used by the broadcast of initial variables
            in data-parallel training, which every other hook must see done).
    """

    first_after_create_session: bool = False

    def begin(self) -> None:
        """Called once before the session is created; the graph may still be changed."""

    def after_create_session(self, session: Any, coord: Any) -> None:
        """Called when a session was created (and again after every recovery).

        Args:
            session: the raw ``Session``; the graph is finalized.
            coord: the session's ``Coordinator``.
        """

    def before_run(self, run_context: SessionRunContext) -> SessionRunArgs | None:
        """Called before each run; may ask for more fetches, feeds or run options.

        Args:
            run_context: the call's ``SessionRunContext`` (shared by all hooks).

        Returns:
            ``None`` or a ``SessionRunArgs`` whose fetches are run with the caller's.
        """
        return None

    def after_run(self, run_context: SessionRunContext,
                  run_values: SessionRunValues) -> None:
        """Called after each successful run with this hook's results.

        Args:
            run_context: the same context ``before_run`` got.
            run_values: ``results`` mirror the fetches this hook asked for (None if
                none), plus the merged ``options`` and the ``run_metadata``.
        """

    def end(self, session: Any) -> None:
        """Called when the monitored session closes cleanly; ``session`` can still run."""

    def abort(self, session: Any, error: BaseException) -> None:
        """Called instead of :meth:`end` when the monitored session closes because of an
        error. Release resources here (close files); do not run ops.

        Differs from TF: TF has no such call, so hooks leak open writers on errors.
        """


class SessionRunArgs(NamedTuple):
    """What a hook adds to the next run.

    Attributes:
        fetches: any nested structure of fetchable things, or None.
        feed_dict: extra feeds (a tensor fed by two sources is a RuntimeError).
        options: a ``RunOptions`` merged into the run's options.
    """

    fetches: Any
    feed_dict: dict | None = None
    options: Any = None


class SessionRunValues(NamedTuple):
    """What a hook gets back after a run.

    Attributes:
        results: the values of the fetches this hook asked for, in the same structure
            (None if it asked for none).
        options: the merged ``RunOptions`` the run used.
        run_metadata: the run's ``RunMetadata`` (step stats under FULL_TRACE).
    """

    results: Any
    options: Any
    run_metadata: Any


class SessionRunContext:
    """The context of one monitored run, shared by all hooks of that run.

    Args:
        original_args: the caller's ``SessionRunArgs`` (fetches, feed_dict, options).
        session: the raw ``Session`` (running it directly skips the hooks).
    """

    __slots__ = ("_args", "_session", "_stop_requested")

    def __init__(self, original_args: SessionRunArgs | tuple | None, session: Any):
        # Any (fetches, feed_dict, options) tuple works; it is made a SessionRunArgs on
        # first access, so the per-step loop does not build one.
        self._args = original_args
        self._session = session
        self._stop_requested = False

    @property
    def original_args(self) -> SessionRunArgs | None:
        """The caller's arguments of this run (None if the context was built with None)."""
        args = self._args
        if args is not None and type(args) is not SessionRunArgs:
            args = self._args = SessionRunArgs(*args)
        return args

    @property
    def session(self) -> Any:
        """The raw session the run uses."""
        return self._session

    @property
    def stop_requested(self) -> bool:
        """True once some hook called :meth:`request_stop`."""
        return self._stop_requested

    def request_stop(self) -> None:
        """Asks the monitored session to stop after this run (the run still happens)."""
        self._stop_requested = True


__all__ = ["SessionRunHook", "SessionRunArgs", "SessionRunContext", "SessionRunValues"]
