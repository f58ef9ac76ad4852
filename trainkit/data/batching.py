"""TF1 queue batching: ``batch``, ``shuffle_batch``, ``batch_join``,
``shuffle_batch_join``, ``maybe_batch``.

Each builds a queue (``FIFOQueue``, ``PaddingFIFOQueue`` with ``dynamic_pad`` or
``RandomShuffleQueue``), adds a ``QueueRunner`` with ``num_threads`` copies of the enqueue
op (``*_join``: one op per tensor list) and returns ``dequeue_many(batch_size)`` (or
``dequeue_up_to`` with ``allow_smaller_final_batch``) in the structure given: a list
stays a list (a one-element list comes back as one tensor, as in TF), a dict a dict.

SparseTensors (e.g. from ``VarLenFeature``) are batched into one SparseTensor with a
leading batch dimension, as TF does (not with ``enqueue_many``).

As in TF, each adds a scalar summary of the queue's fill to ``SUMMARIES``:
``<scope>/fraction_of_<capacity>_full``, or for the shuffling ones
``<scope>/fraction_over_<min_after_dequeue>_of_<capacity - min_after_dequeue>_full``.

Example:
    >>> images, labels = shuffle_batch([image, label], batch_size=32, capacity=200,
    ...                                min_after_dequeue=100, seed=1)
"""

from __future__ import annotations

from typing import Any

from trainkit.data.queues import FIFOQueue, PaddingFIFOQueue, QueueBase, RandomShuffleQueue
from trainkit.framework import dtypes as _dt
from trainkit.framework.conversion import convert_to_tensor
from trainkit.framework.graph import name_scope
from trainkit.framework.shapes import TensorShape
from trainkit.framework.sparse_tensor import SparseTensor
from trainkit.framework.tensor import Tensor
from trainkit.ops import control_flow_ops, math_ops
from trainkit.summary import summary_ops
from trainkit.training.queue_runner import QueueRunner, add_queue_runner


def _as_list(tensors: Any) -> list:
    if isinstance(tensors, dict):
        return [tensors[k] for k in sorted(tensors)]
    if isinstance(tensors, (list, tuple)):
        return list(tensors)
    return [tensors]


def _restore_type(original: Any, dequeued: Any) -> Any:
    if isinstance(original, dict):
        parts = dequeued if isinstance(dequeued, list) else [dequeued]
        return {k: parts[i] for i, k in enumerate(sorted(original))}
    return dequeued  # as TF: a one-component batch is a single tensor


def _check(batch_size: Any, num_threads: int) -> None:
    if isinstance(batch_size, int) and batch_size <= 0:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    if num_threads < 1:
        raise ValueError(f"num_threads must be >= 1, got {num_threads}")


def _split_sparse(lst: list) -> tuple[list, dict[int, str], list[int]]:
    """Replaces each SparseTensor by its (indices, values, dense_shape) components."""
    flat: list = []
    roles: dict[int, str] = {}
    sparse_at: list[int] = []
    for j, t in enumerate(lst):
        if isinstance(t, SparseTensor):
            if t.dense_shape.shape.ndims != 1 or t.dense_shape.shape[0] is None:
                raise ValueError(f"Cannot batch a SparseTensor of unknown rank (item {j})")
            sparse_at.append(j)
            roles.update({len(flat): "indices", len(flat) + 1: "values",
                          len(flat) + 2: "shape"})
            flat.extend([t.indices, t.values, t.dense_shape])
        else:
            flat.append(t)
    return flat, roles, sparse_at


def _join_sparse(outs: list, sparse_at: list[int], n_items: int) -> list:
    result, k = [], 0
    for j in range(n_items):
        if j in sparse_at:
            result.append(SparseTensor(outs[k], outs[k + 1], outs[k + 2]))
            k += 3
        else:
            result.append(outs[k])
            k += 1
    return result


def _tensors(lists: list[list]) -> list[list[Tensor]]:
    if not lists or not lists[0]:
        raise ValueError("Expected at least one tensor in batch().")
    out = []
    for lst in lists:
        if len(lst) != len(lists[0]):
            raise ValueError("All tensor lists of a *_join must have the same length")
        out.append([convert_to_tensor(t) for t in lst])
    for ts in out[1:]:
        for a, b in zip(out[0], ts):
            if a.dtype != b.dtype:
                raise TypeError(f"Expected types to be consistent: {a.dtype.name} vs "
                                f"{b.dtype.name}")
    return out


def _shapes(lists: list[list[Tensor]], shapes: Any, enqueue_many: bool,
            dynamic_pad: bool, sparse: dict[int, str]) -> list[TensorShape]:
    if shapes is not None:
        return [TensorShape(s) for s in shapes]
    result = []
    for i in range(len(lists[0])):
        s = TensorShape(None)
        for ts in lists:
            sh = ts[i].shape
            if enqueue_many:
                sh = TensorShape(None) if sh.ndims is None else TensorShape(sh.dims[1:])
            s = s.merge_with(sh)
        result.append(s)
    bad = [s for i, s in enumerate(result) if i not in sparse and (
        s.ndims is None if dynamic_pad else not s.is_fully_defined())]
    if bad:
        raise ValueError(f"All shapes must be fully defined: {result}")
    return result


def _build(queue: QueueBase, lists: list[list[Tensor]], threads_per_list: int,
           enqueue_many: bool, keep_input: Any) -> None:
    ops = []
    for ts in lists:
        def enqueue(ts: list = ts) -> Any:
            return queue.enqueue_many(ts) if enqueue_many else queue.enqueue(ts)

        if keep_input is None:
            op = enqueue()
        elif keep_input.shape.ndims == 1:  # enqueue_many: only the rows kept
            from trainkit.ops import array_ops

            op = queue.enqueue_many([array_ops.boolean_mask(t, keep_input) for t in ts])
        else:  # the enqueue is built inside the branch so it runs only when kept
            op = control_flow_ops.cond(keep_input,
                                       lambda: control_flow_ops.group(enqueue()),
                                       lambda: control_flow_ops.no_op())
        ops.extend([op] * threads_per_list)
    add_queue_runner(QueueRunner(queue, ops))


def _dequeue(queue: QueueBase, batch_size: Any, allow_smaller: bool, name: str) -> Any:
    if allow_smaller:
        return queue.dequeue_up_to(batch_size, name=name)
    return queue.dequeue_many(batch_size, name=name)


def _fill_summary(queue: QueueBase, capacity: int, min_after: int | None) -> None:
    """TF's scalar summary of how full the queue is: ``fraction_of_<capacity>_full``,
    or for a shuffling queue the fill above ``min_after_dequeue``."""
    size = queue.size()
    if min_after is None:
        full = math_ops.multiply(math_ops.cast(size, _dt.float32), 1.0 / capacity)
        summary_ops.scalar(f"fraction_of_{capacity}_full", full)
        return
    span = capacity - min_after
    above = math_ops.maximum(0, math_ops.subtract(size, min_after))
    full = math_ops.multiply(math_ops.cast(above, _dt.float32), 1.0 / span)
    summary_ops.scalar(f"fraction_over_{min_after}_of_{span}_full", full)


def _batch(tensors_list: list, original: Any, batch_size: Any, num_threads: int,
           capacity: int, enqueue_many: bool, shapes: Any, dynamic_pad: bool,
           allow_smaller: bool, shared_name: str | None, name: str | None, default: str,
           keep_input: Any = None, shuffle: tuple | None = None) -> Any:
    _check(batch_size, num_threads)
    with name_scope(name, default) as scope:
        items = [_as_list(t) for t in tensors_list]
        split = [_split_sparse(lst) for lst in items]
        roles, sparse_at = split[0][1], split[0][2]
        if roles and (enqueue_many or shapes is not None):
            raise ValueError("SparseTensors can be batched only with enqueue_many=False "
                             "and shapes=None")
        lists = _tensors([flat for flat, _, _ in split])
        shp = _shapes(lists, shapes, enqueue_many, dynamic_pad, roles)
        dtypes = [t.dtype for t in lists[0]]
        if shuffle is not None:
            min_after, seed = shuffle
            queue: QueueBase = RandomShuffleQueue(capacity, min_after, dtypes, shapes=shp,
                                                  seed=seed, shared_name=shared_name)
        elif dynamic_pad:
            queue = PaddingFIFOQueue(capacity, dtypes, shapes=shp, shared_name=shared_name)
        else:
            queue = FIFOQueue(capacity, dtypes, shapes=shp, shared_name=shared_name)
        queue.batch_sparse(roles)
        _build(queue, lists, num_threads, enqueue_many, keep_input)
        _fill_summary(queue, capacity, shuffle[0] if shuffle is not None else None)
        out = _dequeue(queue, batch_size, allow_smaller, scope)
        if sparse_at:
            outs = out if isinstance(out, list) else [out]
            out = _join_sparse(outs, sparse_at, len(items[0]))
            out = out[0] if len(out) == 1 else out
        return _restore_type(original, out)


def batch(tensors: Any, batch_size: Any, num_threads: int = 1, capacity: int = 32,
          enqueue_many: bool = False, shapes: Any = None, dynamic_pad: bool = False,
          allow_smaller_final_batch: bool = False, shared_name: str | None = None,
          name: str | None = None) -> Any:
    """Batches ``tensors`` through a FIFO queue (``tf.train.batch``).

    Raises:
        ValueError: shapes not fully defined (without ``dynamic_pad``), a non-positive
            ``batch_size``, no tensors.
    """
    return _batch([tensors], tensors, batch_size, num_threads, capacity, enqueue_many,
                  shapes, dynamic_pad, allow_smaller_final_batch, shared_name, name, "batch")


def maybe_batch(tensors: Any, keep_input: Any, batch_size: Any, num_threads: int = 1,
                capacity: int = 32, enqueue_many: bool = False, shapes: Any = None,
                dynamic_pad: bool = False, allow_smaller_final_batch: bool = False,
                shared_name: str | None = None, name: str | None = None) -> Any:
    """Like :func:`batch`, enqueueing an element only when the scalar ``keep_input`` is
    true (``tf.train.maybe_batch``; ``enqueue_many`` needs a scalar ``keep_input``)."""
    return _batch([tensors], tensors, batch_size, num_threads, capacity, enqueue_many,
                  shapes, dynamic_pad, allow_smaller_final_batch, shared_name, name,
                  "batch", keep_input=_keep(keep_input, enqueue_many))


def _keep(keep_input: Any, enqueue_many: bool) -> Tensor:
    """``keep_input`` as a bool tensor: a scalar, or (with ``enqueue_many``) one flag per
    row of the enqueued batch.

    Raises:
        ValueError: a vector without ``enqueue_many``, or a rank above 1.
    """
    keep = convert_to_tensor(keep_input)
    if keep.shape.ndims == 1 and not enqueue_many:
        raise ValueError("`keep_input` cannot be a vector when `enqueue_many=False`.")
    if keep.shape.ndims is not None and keep.shape.ndims > 1:
        raise ValueError(f"`keep_input` must be of rank 0 or 1, got {keep.shape}.")
    return keep


def shuffle_batch(tensors: Any, batch_size: Any, capacity: int, min_after_dequeue: int,
                  num_threads: int = 1, seed: int | None = None, enqueue_many: bool = False,
                  shapes: Any = None, allow_smaller_final_batch: bool = False,
                  shared_name: str | None = None, name: str | None = None) -> Any:
    """Batches ``tensors`` in random order through a ``RandomShuffleQueue``
    (``tf.train.shuffle_batch``); reproducible with ``seed`` and one thread.

    Raises:
        ValueError: ``capacity <= min_after_dequeue`` and the cases of :func:`batch`.
    """
    return _batch([tensors], tensors, batch_size, num_threads, capacity, enqueue_many,
                  shapes, False, allow_smaller_final_batch, shared_name, name,
                  "shuffle_batch", shuffle=(min_after_dequeue, seed))


def maybe_shuffle_batch(tensors: Any, batch_size: Any, capacity: int,
                        min_after_dequeue: int, keep_input: Any, num_threads: int = 1,
                        seed: int | None = None, enqueue_many: bool = False,
                        shapes: Any = None, allow_smaller_final_batch: bool = False,
                        shared_name: str | None = None, name: str | None = None) -> Any:
    """Like :func:`shuffle_batch`, enqueueing only what ``keep_input`` keeps (a scalar,
    or one flag per row with ``enqueue_many``; ``tf.train.maybe_shuffle_batch``)."""
    return _batch([tensors], tensors, batch_size, num_threads, capacity, enqueue_many,
                  shapes, False, allow_smaller_final_batch, shared_name, name,
                  "shuffle_batch", keep_input=_keep(keep_input, enqueue_many),
                  shuffle=(min_after_dequeue, seed))


def batch_join(tensors_list: Any, batch_size: Any, capacity: int = 32,
               enqueue_many: bool = False, shapes: Any = None, dynamic_pad: bool = False,
               allow_smaller_final_batch: bool = False, shared_name: str | None = None,
               name: str | None = None) -> Any:
    """Batches from several tensor lists, one enqueue thread per list
    (``tf.train.batch_join``)."""
    if not tensors_list:
        raise ValueError("Expecting at least one tensor list in batch_join().")
    return _batch(list(tensors_list), tensors_list[0], batch_size, 1, capacity, enqueue_many,
                  shapes, dynamic_pad, allow_smaller_final_batch, shared_name, name,
                  "batch_join")


def shuffle_batch_join(tensors_list: Any, batch_size: Any, capacity: int,
                       min_after_dequeue: int, seed: int | None = None,
                       enqueue_many: bool = False, shapes: Any = None,
                       allow_smaller_final_batch: bool = False,
                       shared_name: str | None = None, name: str | None = None) -> Any:
    """Shuffled batches from several tensor lists (``tf.train.shuffle_batch_join``)."""
    if not tensors_list:
        raise ValueError("Expecting at least one tensor list in shuffle_batch_join().")
    return _batch(list(tensors_list), tensors_list[0], batch_size, 1, capacity, enqueue_many,
                  shapes, False, allow_smaller_final_batch, shared_name, name,
                  "shuffle_batch_join", shuffle=(min_after_dequeue, seed))


def maybe_batch_join(tensors_list: Any, keep_input: Any, batch_size: Any, capacity: int = 32,
                     enqueue_many: bool = False, shapes: Any = None,
                     dynamic_pad: bool = False, allow_smaller_final_batch: bool = False,
                     shared_name: str | None = None, name: str | None = None) -> Any:
    """Like :func:`batch_join`, enqueueing only what ``keep_input`` keeps
    (``tf.train.maybe_batch_join``)."""
    if not tensors_list:
        raise ValueError("Expecting at least one tensor list in maybe_batch_join().")
    return _batch(list(tensors_list), tensors_list[0], batch_size, 1, capacity, enqueue_many,
                  shapes, dynamic_pad, allow_smaller_final_batch, shared_name, name,
                  "batch_join", keep_input=_keep(keep_input, enqueue_many))


def maybe_shuffle_batch_join(tensors_list: Any, batch_size: Any, capacity: int,
                             min_after_dequeue: int, keep_input: Any,
                             seed: int | None = None, enqueue_many: bool = False,
                             shapes: Any = None, allow_smaller_final_batch: bool = False,
                             shared_name: str | None = None, name: str | None = None) -> Any:
    """Like :func:`shuffle_batch_join`, enqueueing only what ``keep_input`` keeps
    (``tf.train.maybe_shuffle_batch_join``)."""
    if not tensors_list:
        raise ValueError("Expecting at least one tensor list in maybe_shuffle_batch_join().")
    return _batch(list(tensors_list), tensors_list[0], batch_size, 1, capacity, enqueue_many,
                  shapes, False, allow_smaller_final_batch, shared_name, name,
                  "shuffle_batch_join", keep_input=_keep(keep_input, enqueue_many),
                  shuffle=(min_after_dequeue, seed))


__all__ = ["batch", "maybe_batch", "shuffle_batch", "maybe_shuffle_batch", "batch_join",
           "maybe_batch_join", "shuffle_batch_join", "maybe_shuffle_batch_join"]
