"""``QueueRunner``: threads that keep running a queue's enqueue ops.

``tf.train.QueueRunner`` / ``add_queue_runner`` / ``start_queue_runners`` with TF1's
contract: one thread per enqueue op runs it until the coordinator asks to stop; when an
enqueue op raises ``OutOfRangeError`` (its input is exhausted) the thread ends and the
last thread of the runner closes the queue; any other error is reported through
``coord.request_stop(e)`` so ``coord.join()`` re-raises it; when the coordinator stops,
``cancel_op`` closes the queue and cancels blocked enqueues.

The queue is any object with a ``close(cancel_pending_enqueues=)`` op builder; when it
also has ``register_feeder(session)`` (trainkit's queues do), each thread registers as a
feeder of the queue so the queue knows a runner may still add elements and checkpoints
can park the thread between runs (see ``data/queue_runtime.py``).

Example:
    >>> qr = QueueRunner(queue, [queue.enqueue(x)])
    >>> add_queue_runner(qr)
    >>> threads = start_queue_runners(sess, coord)
"""

from __future__ import annotations

import contextlib
import logging
import threading
import weakref
from collections.abc import Sequence
from typing import Any

from trainkit import errors
from trainkit.framework.default_session import get_default_session
from trainkit.framework.graph import GraphKeys, get_default_graph

_LOG = logging.getLogger("trainkit.queue_runner")


class _RunnerThread(threading.Thread):
    """A runner thread that registers as its queue's feeder when started."""

    def __init__(self, runner: QueueRunner, sess: Any, op: Any, coord: Any, daemon: bool):
        super().__init__(target=self._main, daemon=daemon,
                         name=f"QueueRunnerThread-{runner.name}-{op.name}")
        self._qr_args = (runner, sess, op, coord)
        self._feeder: Any = None

    def start(self) -> None:
        runner, sess = self._qr_args[0], self._qr_args[1]
        register = getattr(runner.queue, "register_feeder", None)
        self._feeder = register(sess) if callable(register) else None
        super().start()

    def _main(self) -> None:
        runner, sess, op, coord = self._qr_args
        with self._feeder if self._feeder is not None else contextlib.nullcontext():
            runner._run(sess, op, coord, self._feeder)


class QueueRunner:
    """Holds a queue, its enqueue ops and its close/cancel ops (``tf.train.QueueRunner``).

    Args:
        queue: the queue the ops enqueue into.
        enqueue_ops: one op per thread (the same op may appear several times).
        close_op: run when the inputs are exhausted (default ``queue.close()``).
        cancel_op: run when the coordinator stops (default
            ``queue.close(cancel_pending_enqueues=True)``).
        queue_closed_exception_types: errors that mean "input exhausted" (default
            ``(OutOfRangeError,)``).

    Raises:
        ValueError: without a queue or without enqueue ops.
    """

    def __init__(self, queue: Any = None, enqueue_ops: Sequence[Any] | None = None,
                 close_op: Any = None, cancel_op: Any = None,
                 queue_closed_exception_types: Sequence[type] | None = None,
                 queue_runner_def: Any = None, import_scope: str | None = None):
        if queue_runner_def is not None:
            raise ValueError("queue_runner_def is not supported: build the QueueRunner "
                             "from a queue and its enqueue ops")
        if queue is None:
            raise ValueError("QueueRunner requires a queue")
        if not enqueue_ops:
            raise ValueError("QueueRunner requires at least one enqueue op")
        self._queue = queue
        self._enqueue_ops = list(enqueue_ops)
        self._close_op = close_op if close_op is not None else queue.close()
        self._cancel_op = cancel_op if cancel_op is not None else queue.close(
            cancel_pending_enqueues=True)
        types = tuple(queue_closed_exception_types or (errors.OutOfRangeError,))
        if not all(isinstance(t, type) and issubclass(t, errors.OpError) for t in types):
            raise TypeError(f"queue_closed_exception_types must be OpError subclasses, got "
                            f"{types!r}")
        self._closed_types = types
        self._lock = threading.Lock()
        self._runs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._exceptions_raised: list[BaseException] = []

    @property
    def queue(self) -> Any:
        return self._queue

    @property
    def enqueue_ops(self) -> list:
        return list(self._enqueue_ops)

    @property
    def close_op(self) -> Any:
        return self._close_op

    @property
    def cancel_op(self) -> Any:
        return self._cancel_op

    @property
    def queue_closed_exception_types(self) -> tuple:
        return self._closed_types

    @property
    def exceptions_raised(self) -> list[BaseException]:
        """Errors raised by threads started without a coordinator."""
        return list(self._exceptions_raised)

    @property
    def name(self) -> str:
        """The name of the runner's queue."""
        return getattr(self._queue, "name", "queue")

    def _run(self, sess: Any, op: Any, coord: Any, feeder: Any) -> None:
        decremented = False
        try:
            run = sess.make_callable(op)
            while True:
                if coord is not None and coord.should_stop():
                    break
                if feeder is not None:
                    feeder.wait_if_paused()
                try:
                    run()
                except self._closed_types:
                    with self._lock:
                        self._runs[sess] -= 1
                        decremented = True
                        if self._runs[sess] == 0:
                            self._close_quietly(sess, self._close_op)
                    return
        except Exception as e:  # noqa: BLE001 - reported to the coordinator, as in TF
            if coord is not None:
                if coord.should_stop():  # TF's coordinator drops errors after a stop
                    _LOG.debug("Ignored error of a stopping QueueRunner: %s", e)
                    return
                coord.request_stop(e)
            else:
                _LOG.error("Exception in QueueRunner: %s", e)
                with self._lock:
                    self._exceptions_raised.append(e)
                raise
        finally:
            if not decremented:
                with self._lock:
                    self._runs[sess] -= 1

    @staticmethod
    def _close_quietly(sess: Any, op: Any) -> None:
        try:
            sess.run(op)
        except Exception as e:  # noqa: BLE001 - closing a closed session is harmless
            _LOG.debug("Ignored exception while closing a queue: %s", e)

    def _close_on_stop(self, sess: Any, coord: Any) -> None:
        coord.wait_for_stop()
        self._close_quietly(sess, self._cancel_op)

    def create_threads(self, sess: Any, coord: Any = None, daemon: bool = False,
                       start: bool = False) -> list[threading.Thread]:
        """Creates (and optionally starts) one thread per enqueue op, plus one that
        cancels the queue when ``coord`` stops. Returns [] when this runner's threads are
        already running for ``sess``."""
        with self._lock:
            if self._runs.get(sess, 0) > 0:
                return []
            self._runs[sess] = len(self._enqueue_ops)
            self._exceptions_raised = []
        threads: list[threading.Thread] = [
            _RunnerThread(self, sess, op, coord, daemon) for op in self._enqueue_ops]
        if coord is not None:
            threads.append(threading.Thread(target=self._close_on_stop, args=(sess, coord),
                                            daemon=daemon,
                                            name=f"QueueRunnerCloser-{self.name}"))
        for t in threads:
            if coord is not None:
                coord.register_thread(t)
            if start:
                t.start()
        return threads


def add_queue_runner(qr: QueueRunner, collection: str = GraphKeys.QUEUE_RUNNERS) -> None:
    """Adds ``qr`` to the graph collection ``collection`` (``tf.train.add_queue_runner``)."""
    get_default_graph().add_to_collection(collection, qr)


def start_queue_runners(sess: Any = None, coord: Any = None, daemon: bool = True,
                        start: bool = True, collection: str = GraphKeys.QUEUE_RUNNERS
                        ) -> list[threading.Thread]:
    """Starts the threads of every queue runner in ``collection`` of ``sess``'s graph.

    Raises:
        ValueError: no ``sess`` and no default session.
        TypeError: ``sess`` is not a session. A ``MonitoredSession`` (which starts its
            queue runners itself) gives ``[]``, as in TF1.
    """
    if sess is None:
        sess = get_default_session()
        if sess is None:
            raise ValueError("Cannot start queue runners: No default session is registered. "
                             "Use `with sess.as_default()` or pass an explicit session to "
                             "tf.train.start_queue_runners(sess=sess)")
    if type(sess).__name__ in ("MonitoredSession", "SingularMonitoredSession"):
        return []  # as TF1: a monitored session has started its queue runners already
    if not hasattr(sess, "make_callable") or not hasattr(sess, "graph"):
        raise TypeError(f"sess must be a `tf.Session` object. Given class: "
                        f"{type(sess).__name__}")
    threads: list[threading.Thread] = []
    with sess.graph.as_default():
        for qr in sess.graph.get_collection(collection):
            threads.extend(qr.create_threads(sess, coord=coord, daemon=daemon, start=start))
    return threads


__all__ = ["QueueRunner", "add_queue_runner", "start_queue_runners"]
