"""``slim.prefetch_queue.prefetch_queue``: a queue kept filled with ``tensors`` by a
queue runner, so consumers dequeue ready batches.

Example:
    >>> images, labels = tf.train.batch([image, label], batch_size=32)
    >>> images, labels = prefetch_queue([images, labels]).dequeue()
"""

from __future__ import annotations

from typing import Any

from trainkit.data import queues
from trainkit.framework import dtypes as _dt
from trainkit.framework.default_graph import name_scope
from trainkit.ops import cast_ops
from trainkit.summary import summary_ops
from trainkit.training import queue_runner


def prefetch_queue(tensors: Any, capacity: int = 8, num_threads: int = 1,
                   dynamic_pad: bool = False, shared_name: str | None = None,
                   name: str | None = None) -> Any:
    """A ``FIFOQueue`` (``PaddingFIFOQueue`` with ``dynamic_pad``) of ``tensors`` (a list,
    or a dict whose dequeue gives a dict), filled by ``num_threads`` enqueue ops of a
    queue runner in ``GraphKeys.QUEUE_RUNNERS``; adds TF's ``fraction_of_<capacity>_full``
    summary."""
    if isinstance(tensors, dict):
        names = sorted(tensors)
        tensor_list = [tensors[n] for n in names]
    else:
        names, tensor_list = None, list(tensors)
    with name_scope(name, "prefetch_queue", tensor_list):
        kind = queues.PaddingFIFOQueue if dynamic_pad else queues.FIFOQueue
        queue = kind(capacity=capacity, dtypes=[t.dtype for t in tensor_list],
                     shapes=[t.get_shape() for t in tensor_list], names=names,
                     shared_name=shared_name)
        enqueue = queue.enqueue(tensors)
        queue_runner.add_queue_runner(queue_runner.QueueRunner(queue, [enqueue] * num_threads))
        summary_ops.scalar(f"fraction_of_{capacity}_full",
                           cast_ops.cast(queue.size(), _dt.float32) * (1.0 / capacity))
        return queue


__all__ = ["prefetch_queue"]
