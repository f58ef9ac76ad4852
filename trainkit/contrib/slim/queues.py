"""``slim.queues.QueueRunners``: a context that runs the graph's queue runners for a
session and stops and joins them on exit (slim's evaluation loops use it).

Example:
    >>> with slim.queues.QueueRunners(sess):
    ...     images = sess.run(batch)
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.training.coordinator import Coordinator

_LOCK = threading.Lock()


class NestedQueueRunnerError(Exception):
    """A ``QueueRunners`` context opened inside another one."""


@contextlib.contextmanager
def QueueRunners(session: Any) -> Iterator[None]:  # noqa: N802 - TF's name
    """Starts a thread per enqueue op of every queue runner in the default graph's
    ``GraphKeys.QUEUE_RUNNERS`` for ``session``; on exit requests a stop and joins them
    (closing the session if they do not stop within 120 seconds).

    Raises:
        NestedQueueRunnerError: a ``QueueRunners`` context is already open.
    """
    if not _LOCK.acquire(blocking=False):
        raise NestedQueueRunnerError("QueueRunners cannot be nested")
    coord = Coordinator()
    threads: list = []
    try:
        for qr in get_default_graph().get_collection(GraphKeys.QUEUE_RUNNERS):
            threads.extend(qr.create_threads(session, coord=coord, daemon=True, start=True))
        yield
    finally:
        coord.request_stop()
        try:
            coord.join(threads, stop_grace_period_secs=120)
        except RuntimeError:
            session.close()
        finally:
            _LOCK.release()


__all__ = ["QueueRunners", "NestedQueueRunnerError"]
