"""TF1 queues: ``FIFOQueue``, ``RandomShuffleQueue``, ``PaddingFIFOQueue``.

The graph side builds enqueue/dequeue/close/size ops; each session keeps the queue's
buffer in its :class:`~trainkit.data.queue_runtime.Pipeline`. Semantics follow TF1: a
dequeue blocks until an enqueue (e.g. from a queue-runner thread) supplies elements; a
closed queue with too few elements raises ``OutOfRangeError``; enqueueing into a closed
queue raises ``CancelledError``; ``RunOptions.timeout_in_ms`` (or
``ConfigProto.operation_timeout_in_ms``) bounds the wait with ``DeadlineExceededError``.
A queue's contents (and pending enqueues) are checkpointed with the other saveable
objects, so exact resume holds (see ``docs/internals.md``).

Example:
    >>> q = FIFOQueue(10, [tk.float32], shapes=[[]])
    >>> enq = q.enqueue_many([[1.0, 2.0]])
    >>> x = q.dequeue()
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit.data import queue_runtime as qrt
from trainkit.data.queue_kernels import make_runtime
from trainkit.data.queue_state import QueueSaveable
from trainkit.framework import dtypes as _dt
from trainkit.framework.conversion import convert_to_tensor
from trainkit.framework.graph import GraphKeys, get_default_graph, name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops.random_ops import get_seed


def _as_list(x: Any) -> list:
    return list(x) if isinstance(x, (list, tuple)) else [x]


class QueueBase:
    """Base of the TF1 queue classes (``tf.QueueBase``)."""

    _KIND = "FIFOQueue"
    _SEEDED = False

    def __init__(self, capacity: int, dtypes: Any, shapes: Any = None, names: Any = None,
                 shared_name: str | None = None, name: str | None = "fifo_queue",
                 min_after_dequeue: int = 0, seed: int | None = None):
        if isinstance(capacity, bool) or not isinstance(capacity, (int, np.integer)):
            raise TypeError(f"capacity must be an int, got {capacity!r}")
        self._dtypes = [_dt.as_dtype(d) for d in _as_list(dtypes)]
        if not self._dtypes:
            raise ValueError("A queue needs at least one component dtype")
        if shapes is None:
            self._shapes = [TensorShape(None) for _ in self._dtypes]
        else:
            shapes = list(shapes) if isinstance(shapes, (list, tuple)) and (
                not shapes or isinstance(shapes[0], (list, tuple, TensorShape))
                or shapes[0] is None) else [shapes]
            if len(shapes) != len(self._dtypes):
                raise ValueError(f"Queue shapes must have the same length as dtypes: got "
                                 f"{len(shapes)} shapes for {len(self._dtypes)} dtypes")
            self._shapes = [TensorShape(s) for s in shapes]
        if names is not None:
            names = _as_list(names)
            if len(names) != len(self._dtypes):
                raise ValueError(f"Queue names must have the same length as dtypes: got "
                                 f"{len(names)} names for {len(self._dtypes)} dtypes")
        self._names = names
        self._shape_lists = [s.as_list() if s.ndims is not None else None
                             for s in self._shapes]
        self._sparse_roles: dict[int, str] = {}
        self._capacity = int(capacity)
        self._min_after_dequeue = int(min_after_dequeue)
        # only a shuffling queue takes a seed (and a graph-seeded op seed), as in TF
        self._seeds = get_seed(seed) if self._SEEDED else (None, None)
        graph = get_default_graph()
        self._graph = graph
        if name is None:  # TF names the op after its type
            name = self._KIND + "V2"
        # a name ending in "/" (a name scope's) is taken as it is, as TF takes op names
        full = name[:-1] if name.endswith("/") else graph.unique_name(name, mark_as_used=True)
        self._full_name = full
        self._name = full.split("/")[-1]  # TF names the queue's ops after the last part
        self.key = f"queue:{shared_name or full}"
        self._queue_ref = graph.create_op(
            self._KIND + "V2", [], [_dt.string], name=full + "/",
            attrs={"queue": self, "capacity": self._capacity},
            shapes=[TensorShape([2])]).outputs[0]
        graph.add_to_collection(GraphKeys.SAVEABLE_OBJECTS, QueueSaveable(self, make_runtime))

    # -- properties ------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The queue's name in the graph."""
        return self._full_name

    @property
    def dtypes(self) -> list:
        return list(self._dtypes)

    @property
    def shapes(self) -> list:
        return list(self._shapes)

    @property
    def shape_lists(self) -> list:
        """Per component: the static shape as a list (None dims unknown), or None."""
        return self._shape_lists

    @property
    def sparse_roles(self) -> dict[int, str]:
        """Components that carry the parts of SparseTensors (see :meth:`batch_sparse`)."""
        return self._sparse_roles

    def batch_sparse(self, roles: dict[int, str]) -> None:
        """Marks components ``{index: 'indices' | 'values' | 'shape'}`` as the parts of
        SparseTensors, so ``dequeue_many`` batches them into one SparseTensor's parts
        (how ``tf.train.batch`` passes sparse tensors through a queue)."""
        self._sparse_roles = dict(roles)

    @property
    def names(self) -> list | None:
        return None if self._names is None else list(self._names)

    @property
    def queue_ref(self) -> Tensor:
        """The queue's handle tensor."""
        return self._queue_ref

    @property
    def kind(self) -> str:
        return self._KIND

    def runtime_args(self) -> tuple:
        """``(capacity, min_after_dequeue, (seed, seed2))`` for the session's buffer."""
        return self._capacity, self._min_after_dequeue, self._seeds

    def register_feeder(self, session: Any) -> qrt.Feeder:
        """Registers a queue-runner thread that enqueues into this queue in ``session``
        (called by ``QueueRunner`` before the thread starts)."""
        return qrt.pipeline_for(session).add_feeder(self.key)

    # -- building ops -------------------------------------------------------------------
    def _components(self, vals: Any, many: bool, scope: str) -> list[Tensor]:
        if self._names is not None:
            if not isinstance(vals, dict):
                raise ValueError("Queue with names must be enqueued with a dict, got "
                                 f"{type(vals).__name__}")
            if sorted(vals) != sorted(self._names):
                raise ValueError(f"Keys of the enqueued dict {sorted(vals)} do not match the "
                                 f"queue's names {sorted(self._names)}")
            vals = [vals[n] for n in self._names]
        elif isinstance(vals, dict):
            raise ValueError("Queue must have names to enqueue a dictionary")
        vals = _as_list(vals)
        if len(vals) != len(self._dtypes):
            raise ValueError(f"Expected {len(self._dtypes)} component(s) to enqueue into "
                             f"{self._name}, got {len(vals)}")
        out = []
        for i, (v, dt, shape) in enumerate(zip(vals, self._dtypes, self._shapes)):
            t = convert_to_tensor(v, dtype=dt, name=f"component_{i}")
            want = TensorShape([None]).concatenate(shape) if many else shape
            if not t.shape.is_compatible_with(want):
                raise ValueError(f"Shape {t.shape} of component {i} is not compatible with "
                                 f"the queue's {'batched ' if many else ''}shape {want} "
                                 f"({self._name})")
            out.append(t)
        return out

    def enqueue(self, vals: Any, name: str | None = None) -> Operation:
        """An op that adds one element (blocks while the queue is full)."""
        with name_scope(name, f"{self._name}_enqueue") as scope:
            comps = self._components(vals, False, scope)
            return self._graph.create_op("QueueEnqueueV2", comps, [], name=scope,
                                         attrs={"queue": self})

    def enqueue_many(self, vals: Any, name: str | None = None) -> Operation:
        """An op that adds the slices of ``vals`` along dimension 0 as elements."""
        with name_scope(name, f"{self._name}_EnqueueMany") as scope:
            comps = self._components(vals, True, scope)
            return self._graph.create_op("QueueEnqueueManyV2", comps, [], name=scope,
                                         attrs={"queue": self})

    def _pack(self, outs: list[Tensor]) -> Any:
        if self._names is not None:
            return dict(zip(self._names, outs))
        return outs[0] if len(outs) == 1 else outs

    def dequeue(self, name: str | None = None) -> Any:
        """One element (a tensor, a list of tensors, or a dict with ``names``)."""
        op = self._graph.create_op("QueueDequeueV2", [], list(self._dtypes),
                                   name=name or f"{self._name}_Dequeue",
                                   attrs={"queue": self, "n": None, "up_to": False},
                                   shapes=list(self._shapes))
        return self._pack(list(op.outputs))

    def _dequeue_n(self, n: Any, up_to: bool, name: str) -> Any:
        n_t = convert_to_tensor(n, dtype=_dt.int32, name="n")
        static = n if isinstance(n, (int, np.integer)) and not up_to else None
        if static is not None and static < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        shapes = []
        for i, s in enumerate(self._shapes):
            role = self._sparse_roles.get(i)
            if role is None:
                shapes.append(TensorShape([static]).concatenate(s))
            else:  # batched SparseTensor parts: one more (batch) dimension in the rank
                last = None if s.ndims is None else s.as_list()[-1]
                rank = None if last is None else int(last) + 1
                shapes.append({"indices": TensorShape([None, rank]),
                               "values": TensorShape([None]),
                               "shape": TensorShape([rank])}[role])
        op = self._graph.create_op("QueueDequeueManyV2", [n_t], list(self._dtypes),
                                   name=name, attrs={"queue": self, "up_to": up_to},
                                   shapes=shapes)
        return self._pack(list(op.outputs))

    def dequeue_many(self, n: Any, name: str | None = None) -> Any:
        """``n`` elements stacked along a new dimension 0 (``OutOfRangeError`` if the queue
        is closed with fewer)."""
        return self._dequeue_n(n, False, name or f"{self._name}_DequeueMany")

    def dequeue_up_to(self, n: Any, name: str | None = None) -> Any:
        """Up to ``n`` elements; fewer only when the queue is closed."""
        return self._dequeue_n(n, True, name or f"{self._name}_DequeueUpTo")

    def close(self, cancel_pending_enqueues: bool = False, name: str | None = None
              ) -> Operation:
        """An op that closes the queue (optionally cancelling blocked enqueues)."""
        return self._graph.create_op(
            "QueueCloseV2", [], [], name=name or f"{self._name}_Close",
            attrs={"queue": self, "cancel_pending_enqueues": bool(cancel_pending_enqueues)})

    def is_closed(self, name: str | None = None) -> Tensor:
        """A bool scalar: whether the queue is closed."""
        return self._graph.create_op("QueueIsClosedV2", [], [_dt.bool_],
                                     name=name or f"{self._name}_IsClosed",
                                     attrs={"queue": self}, shapes=[TensorShape([])]).outputs[0]

    def size(self, name: str | None = None) -> Tensor:
        """An int32 scalar: the number of elements in the queue."""
        return self._graph.create_op("QueueSizeV2", [], [_dt.int32],
                                     name=name or f"{self._name}_Size",
                                     attrs={"queue": self}, shapes=[TensorShape([])]).outputs[0]


class FIFOQueue(QueueBase):
    """A first-in first-out queue (``tf.FIFOQueue``)."""

    _KIND = "FIFOQueue"

    def __init__(self, capacity: int, dtypes: Any, shapes: Any = None, names: Any = None,
                 shared_name: str | None = None, name: str | None = "fifo_queue"):
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)


class PaddingFIFOQueue(QueueBase):
    """A FIFO queue whose ``dequeue_many`` pads components to the largest element
    (``tf.PaddingFIFOQueue``; zeros / empty strings). Shapes are required; ``None``
    dimensions may vary between elements."""

    _KIND = "PaddingFIFOQueue"

    def __init__(self, capacity: int, dtypes: Any, shapes: Any, names: Any = None,
                 shared_name: str | None = None, name: str | None = "padding_fifo_queue"):
        if shapes is None:
            raise ValueError("PaddingFIFOQueue requires shapes (use None for dimensions "
                             "that vary)")
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)
        for s in self._shapes:
            if s.ndims is None:
                raise ValueError("PaddingFIFOQueue shapes must have a known rank")


class RandomShuffleQueue(QueueBase):
    """Dequeues elements in random order (``tf.RandomShuffleQueue``).

    A dequeue waits until more than ``min_after_dequeue`` elements are held (unless the
    queue is closed). With ``seed`` (or a graph seed) the order is reproducible.

    Differs from TF: while a queue runner may still add elements, each pick also waits
    for a full queue, so the order does not depend on thread timing (see
    ``queue_runtime``); TF picks from whatever the queue holds at that moment.
    """

    _KIND = "RandomShuffleQueue"
    _SEEDED = True

    def __init__(self, capacity: int, min_after_dequeue: int, dtypes: Any, shapes: Any = None,
                 names: Any = None, seed: int | None = None, shared_name: str | None = None,
                 name: str | None = "random_shuffle_queue"):
        if min_after_dequeue < 0:
            raise ValueError(f"min_after_dequeue must be >= 0, got {min_after_dequeue}")
        if capacity <= min_after_dequeue:
            raise ValueError(f"capacity ({capacity}) must be larger than min_after_dequeue "
                             f"({min_after_dequeue})")
        super().__init__(capacity, dtypes, shapes, names, shared_name, name,
                         min_after_dequeue, seed)


__all__ = ["QueueBase", "FIFOQueue", "RandomShuffleQueue", "PaddingFIFOQueue"]
