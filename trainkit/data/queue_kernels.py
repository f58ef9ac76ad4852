"""Kernels of the TF1 queue ops (enqueue, dequeue, close, size) and the lookup of a
queue's per-session buffer (``runtime``), shared by the queue classes and the readers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.data import queue_runtime as qrt
from trainkit.framework import dtypes as _dt
from trainkit.framework import registry


def runtime(ctx: registry.KernelContext, q: Any) -> qrt.QueueRuntime:
    """The session's buffer of ``q`` (created on first use; then cached in the session
    state, wrapped in a tuple so ``Session.close`` does not call its ``close``)."""
    cached = ctx.state.resources.get(q.key)
    if cached is not None:
        return cached[0]
    pipe = qrt.pipeline_for(ctx.session, ctx.state)
    rt = pipe.get_queue(q.key, lambda: make_runtime(pipe, q))
    if rt.rng_fn is None:
        cap, mad, (s1, s2) = q.runtime_args()
        seed = None if s1 is None and s2 is None else [int(s1) & (2**64 - 1),
                                                        int(s2) & (2**64 - 1)]
        state = ctx.state
        rt.rng_fn = lambda: state.rng(q.key, lambda: seed)
    ctx.state.resources[q.key] = (rt,)
    return rt


def make_runtime(pipe: qrt.Pipeline, q: Any) -> qrt.QueueRuntime:
    """A new, empty buffer for ``q`` in ``pipe`` (its RNG is bound by the first kernel)."""
    cap, mad, _ = q.runtime_args()
    return qrt.QueueRuntime(pipe, q.key, q.name, q.kind, cap, mad, None)


def _fits(got: tuple, want: list | None) -> bool:
    if want is None:
        return True
    return len(got) == len(want) and all(w is None or g == w for g, w in zip(got, want))


def _check_element(q: Any, comps: list, many: bool) -> None:
    for i, (c, s) in enumerate(zip(comps, q.shape_lists)):
        got = c.shape[1:] if many else c.shape
        if not _fits(got, s):
            raise errors.InvalidArgumentError(
                None, None, f"Shape mismatch in tuple component {i}. Expected "
                            f"{q.shapes[i]}, got {list(got)}")
    if many and len({c.shape[0] for c in comps}) > 1:
        raise errors.InvalidArgumentError(None, None, "All components of enqueue_many must "
                                                      "have the same size in dimension 0")


def _owned(c: np.ndarray) -> np.ndarray:
    # keep the component's dtype: np.array(b"..") would make a NUL-stripping "S" array
    return np.array(c, dtype=c.dtype, copy=True)


def _arrays(q: Any, comps: tuple) -> list[np.ndarray]:
    return [np.asarray(c, dtype=dt.as_numpy_dtype) for c, dt in zip(comps, q.dtypes)]


@registry.register_kernel("QueueEnqueueV2", stateful=True)
def _enqueue(ctx: registry.KernelContext, *comps: Any) -> None:
    q = ctx.attrs["queue"]
    comps = _arrays(q, comps)
    _check_element(q, comps, False)
    rt = runtime(ctx, q)
    with rt.pipeline.cond:
        rt.enqueue([tuple(_owned(c) for c in comps)], ctx.session)


@registry.register_kernel("QueueEnqueueManyV2", stateful=True)
def _enqueue_many(ctx: registry.KernelContext, *comps: Any) -> None:
    q = ctx.attrs["queue"]
    comps = _arrays(q, comps)
    _check_element(q, comps, True)
    n = comps[0].shape[0]
    elements = [tuple(_owned(c[i:i + 1].reshape(c.shape[1:])) for c in comps)
                for i in range(n)]
    rt = runtime(ctx, q)
    with rt.pipeline.cond:
        rt.enqueue(elements, ctx.session)


def _batch_sparse(parts: list, role: str, i: int) -> np.ndarray:
    """One part of a batched SparseTensor from per-element (indices, values, shape)."""
    if role == "values":
        return np.concatenate(parts)
    if role == "shape":
        return np.array([len(parts), *np.max(np.stack(parts), axis=0)], dtype=np.int64)
    rows = [np.concatenate([np.full((len(p), 1), j, np.int64), p.astype(np.int64)], axis=1)
            for j, p in enumerate(parts)]
    return np.concatenate(rows) if rows else np.zeros((0, 1), np.int64)


def _stack(q: Any, elements: list) -> tuple:
    out = []
    roles = q.sparse_roles
    for i, dt in enumerate(q.dtypes):
        parts = [el[i] for el in elements]
        if i in roles:
            out.append(_batch_sparse(parts, roles[i], i) if parts else
                       np.zeros({"indices": (0, 1), "values": (0,), "shape": (1,)}[roles[i]],
                                dtype=np.int64 if roles[i] != "values"
                                else dt.as_numpy_dtype))
            continue
        if not parts:
            shape = [0] + [d if d is not None else 0 for d in (q.shape_lists[i] or [])]
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

__all__ = ["runtime", "make_runtime"]
