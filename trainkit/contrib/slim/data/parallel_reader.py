"""``slim.parallel_reader``: several readers filling one common queue from a filename
queue (``parallel_read``), or one reader making a single pass (``single_pass_read``).

Example:
    >>> key, value = parallel_read(["train-*.tfrecord"], tf.TFRecordReader, num_readers=4)
"""

from __future__ import annotations

from typing import Any

from trainkit.data import input_producers, queues
from trainkit.framework import dtypes as _dt
from trainkit.framework.default_graph import name_scope
from trainkit.ops import cast_ops, math_ops
from trainkit.platform import gfile
from trainkit.summary import summary_ops
from trainkit.training import queue_runner


class ParallelReader:
    """``num_readers`` instances of ``reader_class(**reader_kwargs)`` whose records go
    through ``common_queue`` (whose dtypes must be ``[string, string]``).

    Raises:
        TypeError: ``common_queue`` does not hold ``(key, value)`` strings.
    """

    def __init__(self, reader_class: Any, common_queue: Any, num_readers: int = 4,
                 reader_kwargs: dict | None = None):
        if len(common_queue.dtypes) != 2 or any(
                not d.is_compatible_with(_dt.string) for d in common_queue.dtypes):
            raise TypeError("common_queue.dtypes must be [tf.string, tf.string]")
        self._readers = [reader_class(**(reader_kwargs or {})) for _ in range(num_readers)]
        self._common_queue = common_queue

    @property
    def num_readers(self) -> int:
        return len(self._readers)

    @property
    def common_queue(self) -> Any:
        return self._common_queue

    def _configure_readers_by(self, queue: Any) -> None:
        enqueue_ops = [self._common_queue.enqueue(r.read(queue)) for r in self._readers]
        queue_runner.add_queue_runner(queue_runner.QueueRunner(self._common_queue,
                                                               enqueue_ops))

    def read(self, queue: Any, name: str | None = None) -> Any:
        """The next ``(key, value)`` of the common queue, which a queue runner (added to
        ``GraphKeys.QUEUE_RUNNERS``) fills from every reader reading ``queue``'s files."""
        self._configure_readers_by(queue)
        return self._common_queue.dequeue(name=name)

    def read_up_to(self, queue: Any, num_records: Any, name: str | None = None) -> Any:
        """Up to ``num_records`` ``(keys, values)`` of the common queue (see :meth:`read`)."""
        self._configure_readers_by(queue)
        return self._common_queue.dequeue_up_to(num_records, name)

    def num_records_produced(self, name: str | None = None) -> Any:
        """The records every reader produced (int64)."""
        return math_ops.add_n([r.num_records_produced() for r in self._readers], name=name)

    def num_work_units_completed(self, name: str | None = None) -> Any:
        """The files every reader finished (int64)."""
        return math_ops.add_n([r.num_work_units_completed() for r in self._readers],
                              name=name)


def get_data_files(data_sources: Any) -> list[str]:
    """The files of ``data_sources`` (a path, a glob pattern, or a list of them).

    Raises:
        ValueError: nothing found (TF's message).
    """
    if isinstance(data_sources, list | tuple):
        files: list[str] = []
        for source in data_sources:
            files += get_data_files(source)
    elif any(c in data_sources for c in "*?["):
        files = gfile.Glob(data_sources)
    else:
        files = [data_sources]
    if not files:
        raise ValueError(f"No data files found in {data_sources}")
    return files


def parallel_read(data_sources: Any, reader_class: Any, num_epochs: int | None = None,
                  num_readers: int = 4, reader_kwargs: dict | None = None, shuffle: bool = True,
                  dtypes: Any = None, capacity: int = 256, min_after_dequeue: int = 128,
                  seed: int | None = None, scope: str | None = None) -> Any:
    """``(key, value)`` records read by ``num_readers`` readers from a filename queue
    over ``data_sources`` (shuffled, with a ``RandomShuffleQueue`` as the common queue,
    when ``shuffle``; a ``FIFOQueue`` otherwise). Adds TF's
    ``fraction_of_<capacity>_full`` summary.

    Raises:
        ValueError: no data files.
    """
    files = get_data_files(data_sources)
    with name_scope(scope, "parallel_read"):
        filename_queue = input_producers.string_input_producer(
            files, num_epochs=num_epochs, shuffle=shuffle, seed=seed, name="filenames")
        dtypes = dtypes or [_dt.string, _dt.string]
        if shuffle:
            common = queues.RandomShuffleQueue(capacity=capacity,
                                               min_after_dequeue=min_after_dequeue,
                                               dtypes=dtypes, seed=seed, name="common_queue")
        else:
            common = queues.FIFOQueue(capacity=capacity, dtypes=dtypes, name="common_queue")
        summary_ops.scalar(f"fraction_of_{capacity}_full",
                           cast_ops.cast(common.size(), _dt.float32) * (1.0 / capacity))
        return ParallelReader(reader_class, common, num_readers=num_readers,
                              reader_kwargs=reader_kwargs).read(filename_queue)


def single_pass_read(data_sources: Any, reader_class: Any, reader_kwargs: dict | None = None,
                     scope: str | None = None) -> Any:
    """``(key, value)`` of one reader reading ``data_sources`` once, in order.

    Raises:
        ValueError: no data files.
    """
    files = get_data_files(data_sources)
    with name_scope(scope, "single_pass_read"):
        filename_queue = input_producers.string_input_producer(
            files, num_epochs=1, shuffle=False, capacity=1, name="filenames")
        return reader_class(**(reader_kwargs or {})).read(filename_queue)


__all__ = ["ParallelReader", "parallel_read", "single_pass_read", "get_data_files"]
