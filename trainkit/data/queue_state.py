"""Checkpointing a queue: its elements, its blocked enqueues and whether it is closed.

A :class:`QueueSaveable` is put in ``GraphKeys.SAVEABLE_OBJECTS`` by every queue; the
:class:`PipelineBarrier` (one per graph, in the ``SAVE_BARRIERS`` collection the Saver
honours) parks queue-runner threads while a checkpoint is written, so variables, queue
contents and RNG states are read at one consistent point. Elements are stored as
arrays: one stacked array per component when all elements share a shape, else one array
per element (no pickle).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.data import queue_runtime as qrt
from trainkit.framework.graph import get_default_graph
from trainkit.training.save_barrier import SAVE_BARRIERS


def _encode(tag: str, elements: list, ncomp: int, out: dict) -> None:
    out[f"{tag}/n"] = np.array(len(elements), dtype=np.int64)
    for i in range(ncomp):
        parts = [np.asarray(el[i]) for el in elements]
        if parts and len({(p.shape, p.dtype) for p in parts}) == 1:
            out[f"{tag}/c{i}"] = np.stack(parts)
        else:
            for j, p in enumerate(parts):
                out[f"{tag}/c{i}/{j}"] = p


def _decode(tag: str, state: dict, ncomp: int, dtypes: list) -> list:
    n = int(state[f"{tag}/n"])
    comps = []
    for i in range(ncomp):
        np_dt = dtypes[i].as_numpy_dtype
        if f"{tag}/c{i}" in state:
            arr = np.asarray(state[f"{tag}/c{i}"])
            comps.append([np.asarray(arr[j], dtype=np_dt).copy() for j in range(n)])
        else:
            comps.append([np.asarray(state[f"{tag}/c{i}/{j}"], dtype=np_dt)
                          for j in range(n)])
    return [tuple(comps[i][j] for i in range(ncomp)) for j in range(n)]


class QueueSaveable:
    """A queue's session state as a saveable object (see ``training/saver.py``)."""

    def __init__(self, queue: Any, make_runtime: Any):
        self._queue = queue
        self._make_runtime = make_runtime
        self.name = queue.name + "/.queue"
        graph = get_default_graph()
        if not any(isinstance(b, PipelineBarrier) for b in graph.get_collection(SAVE_BARRIERS)):
            graph.add_to_collection(SAVE_BARRIERS, PipelineBarrier())

    def saveable_state(self, session: Any) -> dict[str, np.ndarray]:
        """The queue's elements, pending enqueues and closed flag in ``session``."""
        pipe = qrt.existing_pipeline(session)
        rt = None if pipe is None else pipe.queues.get(self._queue.key)
        if rt is None:
            return {"present": np.array(False)}
        with pipe.cond:
            st = rt.get_state()
        out: dict[str, np.ndarray] = {"present": np.array(True),
                                      "closed": np.array(bool(st["closed"]))}
        ncomp = len(self._queue.dtypes)
        _encode("items", st["items"], ncomp, out)
        _encode("pending", st["pending"], ncomp, out)
        return out

    def restore_saveable_state(self, session: Any, state: dict[str, np.ndarray]) -> None:
        """Puts the queue of ``session`` back in the saved state."""
        make_runtime = self._make_runtime
        pipe = qrt.pipeline_for(session)
        with pipe.cond:
            rt = pipe.get_queue(self._queue.key, lambda: make_runtime(pipe, self._queue))
            if not bool(state.get("present", np.array(False))):
                rt.set_state([], [], False)  # the queue did not exist yet: empty and open
                return
            ncomp, dts = len(self._queue.dtypes), self._queue.dtypes
            rt.set_state(_decode("items", state, ncomp, dts),
                         _decode("pending", state, ncomp, dts), bool(state["closed"]))


class PipelineBarrier:
    """Parks the session's queue-runner threads while a checkpoint is written."""

    def pause(self, session: Any) -> None:
        pipe = qrt.existing_pipeline(session)
        if pipe is not None:
            pipe.pause()

    def resume(self, session: Any) -> None:
        pipe = qrt.existing_pipeline(session)
        if pipe is not None:
            pipe.resume()


__all__ = ["QueueSaveable", "PipelineBarrier"]
