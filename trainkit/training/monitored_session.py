"""``MonitoredSession`` and ``SingularMonitoredSession``: a session wrapped with hooks,
a coordinator and recovery, in one class with one run loop.

Each ``run``: every hook's ``before_run``; the caller's and the hooks' fetches, feeds and
options merged into one ``Session.run``; results sliced back so each hook's ``after_run``
gets exactly the structure it asked for; stop when a hook asked. ``AbortedError`` and
``UnavailableError`` close the raw session, create a new one through the session creator
(restoring the latest checkpoint, re-running ``after_create_session``) and retry the call.

Example:
    >>> with MonitoredSession(hooks=[StopAtStepHook(last_step=100)]) as sess:
    ...     while not sess.should_stop():
    ...         sess.run(train_op)
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from trainkit import errors
from trainkit.client.run_metadata import RunMetadata
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.training import hook_merge
from trainkit.training.coordinator import Coordinator
from trainkit.training.queue_runner import start_queue_runners
from trainkit.training.session_creators import ChiefSessionCreator, SessionCreator
from trainkit.training.session_run_hook import (
    SessionRunContext,
    SessionRunHook,
)

_LOG = logging.getLogger("trainkit.monitored_session")
_PREEMPTION_ERRORS = (errors.AbortedError, errors.UnavailableError)
_CLEAN_STOP_ERRORS = (errors.OutOfRangeError, StopIteration)
_HOOK_METHODS = ("begin", "after_create_session", "before_run", "after_run", "end")

# The monitored sessions entered with ``with`` in this thread, innermost last: what
# ``hook_timing()`` without arguments measures. Observers themselves belong to a session.
_entered = threading.local()


def entered_monitored_session() -> Any:
    """The innermost monitored session this thread is inside a ``with`` block of, or None."""
    stack = getattr(_entered, "stack", None)
    return stack[-1] if stack else None


def _check_hooks(hooks: Sequence[Any] | None) -> list:
    hooks = list(hooks or ())
    for i, h in enumerate(hooks):
        if isinstance(h, SessionRunHook):
            continue
        missing = [m for m in _HOOK_METHODS if not callable(getattr(h, m, None))]
        if missing:
            raise TypeError(f"hooks[{i}] ({type(h).__name__}) is not a SessionRunHook: it "
                            f"has no {', '.join(missing)}. Subclass trainkit.train."
                            "SessionRunHook.")
    return hooks


class StepContext:
    """What ``run_step_fn``'s ``step_fn`` gets.

    Attributes:
        session: the raw session (running it skips the hooks).
    """

    def __init__(self, session: Any, run_with_hooks_fn: Callable[..., Any]):
        self._session = session
        self._run_with_hooks_fn = run_with_hooks_fn

    @property
    def session(self) -> Any:
        return self._session

    def run_with_hooks(self, *args: Any, **kwargs: Any) -> Any:
        """Runs like ``MonitoredSession.run`` (hooks included, no recovery of its own)."""
        return self._run_with_hooks_fn(*args, **kwargs)

    def request_stop(self) -> None:
        """Stops the iterations by raising ``StopIteration`` (clean inside ``with``)."""
        raise StopIteration("step_fn has requested the iterations to stop.")


class _MonitoredSession:
    """The one monitored class: raw session + coordinator + hooks + recovery."""

    def __init__(self, session_creator: SessionCreator | None, hooks: Sequence[Any] | None,
                 should_recover: bool, stop_grace_period_secs: float = 120):
        if stop_grace_period_secs < 0:
            raise ValueError(f"stop_grace_period_secs must be >= 0, got "
                             f"{stop_grace_period_secs!r}.")
        self._graph = get_default_graph()
        self._graph_was_finalized = self._graph.finalized
        self._hooks = _check_hooks(hooks)
        self._roles = hook_merge.roles(self._hooks)
        # Hooks flagged ``first_after_create_session`` (the variable broadcast of
        # data-parallel training) see the new session before all others, in list order.
        self._create_order = sorted(
            self._hooks, key=lambda h: not getattr(h, "first_after_create_session", False))
        self._merger = hook_merge.Merger(self._graph)
        self._creator = session_creator if session_creator is not None else \
            ChiefSessionCreator()
        self._should_recover = should_recover
        self._grace = stop_grace_period_secs
        self._sess: Any = None
        self._coord: Coordinator | None = None
        self._stop_requested = False
        self._closed = False
        self._observers: list[Any] = []
        for h in self._hooks:
            h.begin()
        try:
            self._create_session()
        except BaseException as e:
            self._closed = True
            self._end_hooks(None, e)
            if not self._graph_was_finalized:
                self._graph.unfinalize()
            raise

    # -- session lifecycle ---------------------------------------------------------------
    def _create_session(self) -> None:
        while True:
            sess = None
            try:
                sess = self._creator.create_session()
                self._graph.finalize()
                coord = Coordinator(clean_stop_exception_types=[])
                self._sess, self._coord = sess, coord
                if self._graph.get_collection(GraphKeys.QUEUE_RUNNERS):  # as TF1 does
                    start_queue_runners(sess, coord)
                for h in self._create_order:
                    h.after_create_session(sess, coord)
                return
            except _PREEMPTION_ERRORS as e:
                self._discard(sess)
                if not self._should_recover:
                    raise
                _LOG.info("Creating the session failed (%s); creating a new one.", e)
            except BaseException:
                self._discard(sess)
                raise

    def _discard(self, sess: Any) -> None:
        self._sess, self._coord = None, None
        if sess is not None:
            sess.close()

    def _recover(self, error: Exception) -> None:
        if not self._should_recover or self._closed:
            raise error
        _LOG.info("An error was raised; this may be a preemption or a broken connection. "
                  "Closing the session and creating a new one. Error: %s", error)
        self._discard(self._sess)
        self._create_session()

    def _with_recovery(self, fn: Callable[[], Any]) -> Any:
        while True:
            if self._closed:
                raise RuntimeError("Attempted to use a closed MonitoredSession.")
            try:
                return fn()
            except _PREEMPTION_ERRORS as e:
                self._recover(e)

    # -- the loop ------------------------------------------------------------------------
    def _select_hooks(self, hooks: Any) -> list:
        if hooks is True:
            return self._hooks
        if hooks is False or hooks is None:
            return []
        if isinstance(hooks, (list, tuple)):
            chosen = set()
            for i, h in enumerate(hooks):
                if not any(h is own for own in self._hooks):
                    raise ValueError(f"hooks[{i}] ({type(h).__name__}) is not a hook of "
                                     "this MonitoredSession.")
                chosen.add(id(h))
            return [h for h in self._hooks if id(h) in chosen]
        raise ValueError(f"hooks must be True, False, None or a list of this session's "
                         f"hooks, got {hooks!r}.")

    def _run_once(self, hooks: list, fetches: Any, feed_dict: dict | None, options: Any,
                  run_metadata: Any) -> Any:
        if self._stop_requested and hooks:
            raise RuntimeError("Run called even after should_stop requested.")
        sess = self._sess
        roles = self._roles if hooks is self._hooks else hook_merge.roles(hooks)
        observers = self._observers
        for o in observers:
            roles = hook_merge.roles([o.wrap(h, i) for i, (h, _, _) in enumerate(roles)])
        if not roles:  # no hook does anything per run
            return sess.run(fetches, feed_dict, options, run_metadata)
        ctx = SessionRunContext((fetches, feed_dict, options), sess)
        requests = [h.before_run(ctx) if before else None for h, before, _ in roles]
        merged = self._merger.merge(sess, roles, requests, fetches, feed_dict, options,
                                    run_metadata, trace=bool(observers))
        if run_metadata is None and not merged.idle:
            run_metadata = RunMetadata()
        try:
            caller_result, hook_values = merged.run(sess, fetches, feed_dict, run_metadata)
        except Exception:
            self._coord.raise_requested_exception()
            raise
        for (h, _, after), values in zip(roles, hook_values):
            if after:
                h.after_run(ctx, values)
        for o in observers:
            o.after_step(self._graph, fetches, [h for h, _, _ in roles], requests,
                         run_metadata)
        self._stop_requested |= ctx.stop_requested
        return caller_result

    # -- public API ----------------------------------------------------------------------
    def add_run_observer(self, observer: Any) -> None:
        """Lets ``observer`` see this session's runs (``trainkit.train.hook_timing`` is one).

        ``observer.wrap(hook, index)`` returns a stand-in for the hook during one run;
        ``observer.after_step(graph, fetches, hooks, requests, run_metadata)`` sees each
        merged run, which is traced while the session has observers. Other sessions, and
        this one without observers, pay nothing.
        """
        self._observers = [*self._observers, observer]

    def remove_run_observer(self, observer: Any) -> None:
        """Stops ``observer`` (added by :meth:`add_run_observer`) seeing this session."""
        self._observers = [o for o in self._observers if o is not observer]

    @property
    def graph(self) -> Any:
        """The graph the session runs."""
        return self._graph

    def run(self, fetches: Any, feed_dict: dict | None = None, options: Any = None,
            run_metadata: Any = None, hooks: Any = True) -> Any:
        """Runs ``fetches`` like ``Session.run``, with the hooks around it.

        Args:
            fetches, feed_dict, options, run_metadata: as for ``Session.run``.
            hooks: True (all hooks), False/None (none: a plain run that still recovers
                from preemption, allowed even after a stop request, e.g. to read final
                values) or a list of this session's hooks to call. A trainkit extension
                (TF issues 11971, 12343, 15158).

        Raises:
            RuntimeError: if a hook requested a stop earlier (and hooks are called), the
                session is closed, or two sources feed the same tensor.
            ValueError: if ``hooks`` is not True/False/None/a subset of the hooks.
        """
        chosen = self._hooks if hooks is True else self._select_hooks(hooks)
        while True:  # _with_recovery, inlined: this is the per-step hot path
            if self._closed:
                raise RuntimeError("Attempted to use a closed MonitoredSession.")
            try:
                return self._run_once(chosen, fetches, feed_dict, options, run_metadata)
            except _PREEMPTION_ERRORS as e:
                self._recover(e)

    def run_step_fn(self, step_fn: Callable[..., Any]) -> Any:
        """Calls ``step_fn(step_context)`` with recovery; its return value is returned.

        Differs from TF: after a recovery the retried ``step_context.session`` is the new
        session (TF hands the old, closed one).

        Raises:
            ValueError: if ``step_fn`` does not take ``(step_context)`` or
                ``(self, step_context)``.
        """
        try:
            names = tuple(inspect.signature(step_fn).parameters)
        except (TypeError, ValueError):
            names = ()
        if names not in (("step_context",), ("self", "step_context")):
            raise ValueError("`step_fn` may either have one `step_context` argument, or "
                             "`self` and `step_context` arguments if it's an instance "
                             f"method. Got {names} instead.")

        def call() -> Any:
            def run_with_hooks(fetches: Any, feed_dict: dict | None = None,
                               options: Any = None, run_metadata: Any = None,
                               hooks: Any = True) -> Any:
                return self._run_once(self._select_hooks(hooks), fetches, feed_dict,
                                      options, run_metadata)

            return step_fn(StepContext(self._sess, run_with_hooks))

        return self._with_recovery(call)

    def _check_stop(self) -> bool:
        if self._coord.should_stop():
            self._coord.raise_requested_exception()
            return True
        return self._stop_requested

    def should_stop(self) -> bool:
        """True after a hook or a coordinated thread asked to stop, or after close().

        Raises:
            Exception: an error a thread reported through ``coord.request_stop(e)``.
        """
        if self._closed:
            return True
        return self._with_recovery(self._check_stop)

    def close(self) -> None:
        """Calls every hook's ``end`` and closes the session.

        Differs from TF: a second ``close()`` does nothing (TF calls ``end`` again and
        raises ``RuntimeError``).
        """
        self._close(None)

    def _close(self, error: BaseException | None) -> None:
        if self._closed:
            return
        self._closed = True
        sess, coord = self._sess, self._coord
        try:
            self._end_hooks(sess, error)
        finally:
            try:
                if coord is not None:
                    coord.request_stop()
                    coord.join(stop_grace_period_secs=self._grace, ignore_live_threads=True)
            finally:
                self._discard(sess)
                if not self._graph_was_finalized:
                    self._graph.unfinalize()

    def _end_hooks(self, sess: Any, error: BaseException | None) -> None:
        done = 0
        try:
            if error is None:
                for h in self._hooks:
                    h.end(sess)
                    done += 1
        except BaseException as e:
            error = e
            raise
        finally:
            if error is not None:
                for h in self._hooks[done:]:
                    abort = getattr(h, "abort", None)
                    if abort is None:
                        continue
                    try:
                        abort(sess, error)
                    except Exception:  # noqa: BLE001 - never mask the original error
                        _LOG.exception("%s.abort failed", type(h).__name__)

    def __enter__(self) -> _MonitoredSession:
        if not hasattr(_entered, "stack"):
            _entered.stack = []
        _entered.stack.append(self)
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        stack = getattr(_entered, "stack", [])
        if self in stack:
            stack.reverse()
            stack.remove(self)
            stack.reverse()
        clean = exc_type is not None and issubclass(exc_type, _CLEAN_STOP_ERRORS)
        self._close(None if exc_type is None or clean else exc)
        return clean


class MonitoredSession(_MonitoredSession):
    """A session with hooks that recovers from ``AbortedError``/``UnavailableError``.

    Args:
        session_creator: a ``SessionCreator`` (default ``ChiefSessionCreator()``).
        hooks: ``SessionRunHook``s, called in this order.
        stop_grace_period_secs: how long threads may run after a stop on close.

    Raises:
        TypeError: if a hook lacks the ``SessionRunHook`` methods (names ``hooks[i]``).

    Differs from TF: an ``OutOfRangeError``/``StopIteration`` *subclass* ending a ``with``
    block is swallowed too (TF only swallows the exact types).
    """

    def __init__(self, session_creator: SessionCreator | None = None,
                 hooks: Sequence[Any] | None = None, stop_grace_period_secs: float = 120):
        super().__init__(session_creator, hooks, should_recover=True,
                         stop_grace_period_secs=stop_grace_period_secs)


class SingularMonitoredSession(_MonitoredSession):
    """A monitored session that never recovers, built from a scaffold; gives access to
    its raw session.

    Args:
        hooks: ``SessionRunHook``s.
        scaffold: the model's ``Scaffold``.
        master, config: for the ``Session``.
        checkpoint_dir: restore the latest checkpoint found here.
        stop_grace_period_secs: how long threads may run after a stop on close.
        checkpoint_filename_with_path: restore exactly this checkpoint.
    """

    def __init__(self, hooks: Sequence[Any] | None = None, scaffold: Any = None,
                 master: str = "", config: Any = None, checkpoint_dir: str | None = None,
                 stop_grace_period_secs: float = 120,
                 checkpoint_filename_with_path: str | None = None):
        creator = ChiefSessionCreator(
            scaffold=scaffold, master=master, config=config, checkpoint_dir=checkpoint_dir,
            checkpoint_filename_with_path=checkpoint_filename_with_path)
        super().__init__(creator, hooks, should_recover=False,
                         stop_grace_period_secs=stop_grace_period_secs)

    def raw_session(self) -> Any:
        """The underlying ``Session`` (the one hooks get)."""
        return self._sess


__all__ = ["MonitoredSession", "SingularMonitoredSession", "StepContext",
           "entered_monitored_session"]
