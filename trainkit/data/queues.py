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

from trainkit import errors
from trainkit.data import queue_runtime as qrt
from trainkit.data.queue_state import QueueSaveable
from trainkit.framework import dtypes as _dt
from trainkit.framework import registry
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

    def __init__(self, capacity: int, dtypes: Any, shapes: Any = None, names: Any = None,
                 shared_name: str | None = None, name: str = "fifo_queue",
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
        self._capacity = int(capacity)
        self._min_after_dequeue = int(min_after_dequeue)
        self._seeds = get_seed(seed)
        graph = get_default_graph()
        self._graph = graph
        self._name = graph.unique_name(name, mark_as_used=True)
        self.key = f"queue:{shared_name or self._name}"
        self._queue_ref = graph.create_op(
            self._KIND + "V2", [], [_dt.string], name=self._name + "/",
            attrs={"queue": self, "capacity": self._capacity},
            shapes=[TensorShape([2])]).outputs[0]
        graph.add_to_collection(GraphKeys.SAVEABLE_OBJECTS, QueueSaveable(self, make_runtime))

    # -- properties ------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The queue's name in the graph."""
        return self._name

    @property
    def dtypes(self) -> list:
        return list(self._dtypes)

    @property
    def shapes(self) -> list:
        return list(self._shapes)

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
        shapes = [TensorShape([static]).concatenate(s) for s in self._shapes]
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
                 shared_name: str | None = None, name: str = "fifo_queue"):
        super().__init__(capacity, dtypes, shapes, names, shared_name, name)


class PaddingFIFOQueue(QueueBase):
    """A FIFO queue whose ``dequeue_many`` pads components to the largest element
    (``tf.PaddingFIFOQueue``; zeros / empty strings). Shapes are required; ``None``
    dimensions may vary between elements."""

    _KIND = "PaddingFIFOQueue"

    def __init__(self, capacity: int, dtypes: Any, shapes: Any, names: Any = None,
                 shared_name: str | None = None, name: str = "padding_fifo_queue"):
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
    queue is closed). With ``seed`` (or a graph seed) the order is reproducible; while a
    queue runner may still add elements, each pick waits for a full queue so that the
    order does not depend on thread timing (see ``queue_runtime``).
    """

    _KIND = "RandomShuffleQueue"

    def __init__(self, capacity: int, min_after_dequeue: int, dtypes: Any, shapes: Any = None,
                 names: Any = None, seed: int | None = None, shared_name: str | None = None,
                 name: str = "random_shuffle_queue"):
        if min_after_dequeue < 0:
            raise ValueError(f"min_after_dequeue must be >= 0, got {min_after_dequeue}")
        if capacity <= min_after_dequeue:
            raise ValueError(f"capacity ({capacity}) must be larger than min_after_dequeue "
                             f"({min_after_dequeue})")
        super().__init__(capacity, dtypes, shapes, names, shared_name, name,
                         min_after_dequeue, seed)


# ----------------------------------------------------------------------------- kernels

def runtime(ctx: registry.KernelContext, q: QueueBase) -> qrt.QueueRuntime:
    """The session's buffer of ``q`` (created on first use)."""
    pipe = qrt.pipeline_for(ctx.session, ctx.state)
    rt = pipe.get_queue(q.key, lambda: make_runtime(pipe, q))
    if rt.rng_fn is None:
        cap, mad, (s1, s2) = q.runtime_args()
        seed = None if s1 is None and s2 is None else [int(s1) & (2**64 - 1),
                                                        int(s2) & (2**64 - 1)]
        state = ctx.state
        rt.rng_fn = lambda: state.rng(q.key, lambda: seed)
    return rt


def make_runtime(pipe: qrt.Pipeline, q: QueueBase) -> qrt.QueueRuntime:
    """A new, empty buffer for ``q`` in ``pipe`` (its RNG is bound by the first kernel)."""
    cap, mad, _ = q.runtime_args()
    return qrt.QueueRuntime(pipe, q.key, q.name, q.kind, cap, mad, None)


def _check_element(q: QueueBase, comps: list, many: bool) -> None:
    for i, (c, s) in enumerate(zip(comps, q.shapes)):
        got = c.shape[1:] if many else c.shape
        if not TensorShape(list(got)).is_compatible_with(s):
            raise errors.InvalidArgumentError(
                None, None, f"Shape mismatch in tuple component {i}. Expected {s}, got "
                            f"{list(got)}")
    if many and len({c.shape[0] for c in comps}) > 1:
        raise errors.InvalidArgumentError(None, None, "All components of enqueue_many must "
                                                      "have the same size in dimension 0")


def _owned(c: Any) -> np.ndarray:
    return np.array(c, copy=True)


@registry.register_kernel("QueueEnqueueV2", stateful=True)
def _enqueue(ctx: registry.KernelContext, *comps: Any) -> None:
    q = ctx.attrs["queue"]
    comps = [np.asarray(c) for c in comps]
    _check_element(q, comps, False)
    rt = runtime(ctx, q)
    with rt.pipeline.cond:
        rt.enqueue([tuple(_owned(c) for c in comps)], ctx.session)


@registry.register_kernel("QueueEnqueueManyV2", stateful=True)
def _enqueue_many(ctx: registry.KernelContext, *comps: Any) -> None:
    q = ctx.attrs["queue"]
    comps = [np.asarray(c) for c in comps]
    _check_element(q, comps, True)
    n = comps[0].shape[0]
    elements = [tuple(_owned(c[i]) for c in comps) for i in range(n)]
    rt = runtime(ctx, q)
    with rt.pipeline.cond:
        rt.enqueue(elements, ctx.session)


def _stack(q: QueueBase, elements: list) -> tuple:
    out = []
    for i, dt in enumerate(q.dtypes):
        parts = [el[i] for el in elements]
        if not parts:
            shape = [0] + [d if d is not None else 0 for d in (q.shapes[i].as_list() or [])]
            out.append(np.zeros(shape, dtype=dt.as_numpy_dtype))
            continue
        if q.kind == "PaddingFIFOQueue":
            rank = parts[0].ndim
            top = [max(p.shape[d] for p in parts) for d in range(rank)]
            fill = b"" if dt == _dt.string else 0
            arr = np.full([len(parts), *top], fill, dtype=dt.as_numpy_dtype)
            for j, p in enumerate(parts):
                arr[(j, *tuple(slice(0, s) for s in p.shape))] = p
            out.append(arr)
        else:
            if len({p.shape for p in parts}) > 1:
                raise errors.InvalidArgumentError(
                    None, None, f"Shape mismatch in tuple component {i}: elements of "
                                "different shapes cannot be batched (use PaddingFIFOQueue)")
            out.append(np.stack(parts))
    return tuple(out)


@registry.register_kernel("QueueDequeueV2", stateful=True)
def _dequeue(ctx: registry.KernelContext) -> Any:
    q = ctx.attrs["queue"]
    rt = runtime(ctx, q)
    with rt.pipeline.cond:
        (el,) = rt.dequeue(1, False, ctx.session)
    return el[0] if len(el) == 1 else el


@registry.register_kernel("QueueDequeueManyV2", stateful=True)
def _dequeue_many(ctx: registry.KernelContext, n: Any) -> Any:
    q = ctx.attrs["queue"]
    n = int(n)
    if n < 0:
        raise errors.InvalidArgumentError(None, None, f"Requested negative number of "
                                                      f"elements: {n}")
    rt = runtime(ctx, q)
    if n == 0:
        els: list = []
    else:
        with rt.pipeline.cond:
            els = rt.dequeue(n, ctx.attrs["up_to"], ctx.session)
    out = _stack(q, els)
    return out[0] if len(out) == 1 else out


@registry.register_kernel("QueueCloseV2", stateful=True)
def _close(ctx: registry.KernelContext) -> None:
    rt = runtime(ctx, ctx.attrs["queue"])
    with rt.pipeline.cond:
        rt.close(ctx.attrs["cancel_pending_enqueues"])


@registry.register_kernel("QueueSizeV2", stateful=True)
def _size(ctx: registry.KernelContext) -> np.ndarray:
    rt = runtime(ctx, ctx.attrs["queue"])
    with rt.pipeline.cond:
        return np.array(len(rt.items), dtype=np.int32)


@registry.register_kernel("QueueIsClosedV2", stateful=True)
def _is_closed(ctx: registry.KernelContext) -> np.ndarray:
    rt = runtime(ctx, ctx.attrs["queue"])
    return np.array(rt.closed)


def _queue_ref(ctx: registry.KernelContext) -> np.ndarray:
    return np.array([b"_", ctx.attrs["queue"].key.encode()], dtype=object)


for _kind in ("FIFOQueueV2", "RandomShuffleQueueV2", "PaddingFIFOQueueV2"):
    registry.register_kernel(_kind, stateful=True)(_queue_ref)

registry.not_differentiable(
    "QueueEnqueueV2", "QueueEnqueueManyV2", "QueueDequeueV2", "QueueDequeueManyV2",
    "QueueCloseV2", "QueueSizeV2", "QueueIsClosedV2", "FIFOQueueV2", "RandomShuffleQueueV2",
    "PaddingFIFOQueueV2")

__all__ = ["QueueBase", "FIFOQueue", "RandomShuffleQueue", "PaddingFIFOQueue"]
