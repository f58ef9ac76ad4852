"""Save barriers: objects that must hold still while a checkpoint is written.

Background threads (queue runners) change checkpointed state while the main thread
saves it. An object in the graph collection :data:`SAVE_BARRIERS` with
``pause(session)`` and ``resume(session)`` methods is paused by ``Saver.save`` before it
reads anything and resumed afterwards, so variables, saveable objects and RNG states
come from one consistent point.

Example:
    >>> with quiesced(graph, sess):
    ...     values = sess.run(variables)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

SAVE_BARRIERS = "trainkit_save_barriers"


@contextlib.contextmanager
def quiesced(graph: Any, session: Any) -> Iterator[None]:
    """Pauses every save barrier of ``graph`` for ``session`` inside the block."""
    paused = []
    try:
        for b in graph.get_collection(SAVE_BARRIERS):
            b.pause(session)
            paused.append(b)
        yield
    finally:
        for b in reversed(paused):
            b.resume(session)


__all__ = ["SAVE_BARRIERS", "quiesced"]
