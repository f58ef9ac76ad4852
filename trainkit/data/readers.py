"""TF1 readers: ``TextLineReader``, ``FixedLengthRecordReader``, ``WholeFileReader``,
``TFRecordReader``.

``reader.read(queue)`` returns ``(key, value)`` string scalars: the next record of the
current file, taking the next file name from ``queue`` (e.g. a
``string_input_producer``) when the current one is done; when the queue is closed and
empty it raises ``OutOfRangeError``. ``read_up_to(queue, n)`` returns up to ``n`` records
as vectors. Keys are TF's: ``file:line`` (1-based, header lines counted) for text,
``file:index`` (0-based) for fixed-length records, ``file:offset`` for TFRecords, the file
name for whole files. A reader's position (current file and records read) is
checkpointed, so a resumed run reads on where it stopped.

Example:
    >>> files = tf.train.string_input_producer(["a.csv"], num_epochs=1)
    >>> key, line = tf.TextLineReader(skip_header_lines=1).read(files)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import numpy as np

from trainkit import errors
from trainkit.data import tfrecord
from trainkit.data.queue_kernels import runtime as queue_runtime
from trainkit.framework import dtypes as _dt
from trainkit.framework import registry
from trainkit.framework.graph import GraphKeys, get_default_graph
from trainkit.framework.shapes import TensorShape
from trainkit.framework.tensor import Operation, Tensor
from trainkit.ops.placeholders import placeholder


class _Work:
    """The file being read in one session: an iterator of (key, value) and a count."""

    def __init__(self, reader: ReaderBase, name: bytes, skip: int = 0):
        self.name = name
        self.done = 0
        self._it = reader._records(name.decode("utf-8"))
        for _ in range(skip):
            next(self._it, None)
            self.done += 1

    def next(self) -> tuple[bytes, bytes] | None:
        rec = next(self._it, None)
        if rec is not None:
            self.done += 1
        return rec


class _State:
    def __init__(self) -> None:
        self.work: _Work | None = None
        self.produced = 0
        self.completed = 0


class ReaderBase:
    """Base of the readers (``tf.ReaderBase``): subclasses define ``_records(path)``."""

    _TYPE = "Reader"

    def __init__(self, name: str | None = None):
        graph = get_default_graph()
        self._graph = graph
        self._name = graph.unique_name(name or self._TYPE, mark_as_used=True)
        self.key = f"reader:{self._name}"
        graph.add_to_collection(GraphKeys.SAVEABLE_OBJECTS, _ReaderSaveable(self))

    @property
    def name(self) -> str:
        return self._name

    @property
    def supports_serialize(self) -> bool:
        return False

    def _records(self, path: str) -> Iterator[tuple[bytes, bytes]]:
        raise NotImplementedError

    def read(self, queue: Any, name: str | None = None) -> tuple[Tensor, Tensor]:
        """The next ``(key, value)`` record, as string scalars."""
        op = self._graph.create_op(
            "TkReaderRead", [], [_dt.string, _dt.string], name=name or f"{self._name}_Read",
            attrs={"reader": self, "queue": _queue_of(queue), "n": None},
            shapes=[TensorShape([]), TensorShape([])])
        return op.outputs[0], op.outputs[1]

    def read_up_to(self, queue: Any, num_records: int, name: str | None = None
                   ) -> tuple[Tensor, Tensor]:
        """Up to ``num_records`` records as two string vectors (fewer only at the end)."""
        if int(num_records) <= 0:
            raise ValueError(f"num_records must be positive, got {num_records}")
        op = self._graph.create_op(
            "TkReaderRead", [], [_dt.string, _dt.string],
            name=name or f"{self._name}_ReadUpTo",
            attrs={"reader": self, "queue": _queue_of(queue), "n": int(num_records)},
            shapes=[TensorShape([None]), TensorShape([None])])
        return op.outputs[0], op.outputs[1]

    def _counter(self, which: str, name: str | None) -> Tensor:
        return self._graph.create_op("TkReaderCount", [], [_dt.int64],
                                     name=name or f"{self._name}_{which}",
                                     attrs={"reader": self, "which": which},
                                     shapes=[TensorShape([])]).outputs[0]

    def num_records_produced(self, name: str | None = None) -> Tensor:
        """An int64 scalar: records produced so far."""
        return self._counter("produced", name)

    def num_work_units_completed(self, name: str | None = None) -> Tensor:
        """An int64 scalar: files finished so far."""
        return self._counter("completed", name)

    def reset(self, name: str | None = None) -> Operation:
        """An op that forgets the current file and the counters."""
        return self._graph.create_op("TkReaderReset", [], [], name=name or f"{self._name}_Reset",
                                     attrs={"reader": self})


def _queue_of(queue: Any) -> Any:
    if not hasattr(queue, "register_feeder"):
        raise TypeError(f"A reader reads file names from a queue (e.g. "
                        f"tf.train.string_input_producer), got {type(queue).__name__}")
    return queue


def _open(path: str, compression: Any = None) -> Any:
    return tfrecord.open_stream(path, compression)


class TextLineReader(ReaderBase):
    """Lines of text files, without the line ending (``tf.TextLineReader``)."""

    _TYPE = "TextLineReader"

    def __init__(self, skip_header_lines: int | None = None, name: str | None = None):
        self._skip = int(skip_header_lines or 0)
        if self._skip < 0:
            raise ValueError(f"skip_header_lines must be >= 0, got {skip_header_lines}")
        super().__init__(name)

    def _records(self, path: str) -> Iterator[tuple[bytes, bytes]]:
        with _open(path) as f:
            for lineno, line in enumerate(f, start=1):
                if lineno <= self._skip:
                    continue
                if line.endswith(b"\n"):
                    line = line[:-1]
                if line.endswith(b"\r"):
                    line = line[:-1]
                yield f"{path}:{lineno}".encode(), line


class FixedLengthRecordReader(ReaderBase):
    """Fixed-size records after ``header_bytes`` and before ``footer_bytes``
    (``tf.FixedLengthRecordReader``); ``hop_bytes`` > 0 reads overlapping windows."""

    _TYPE = "FixedLengthRecordReader"

    def __init__(self, record_bytes: int, header_bytes: int | None = None,
                 footer_bytes: int | None = None, hop_bytes: int | None = None,
                 name: str | None = None, encoding: str | None = None):
        if record_bytes is None or int(record_bytes) <= 0:
            raise ValueError(f"record_bytes must be > 0, got {record_bytes}")
        self._rec = int(record_bytes)
        self._head = int(header_bytes or 0)
        self._foot = int(footer_bytes or 0)
        self._hop = int(hop_bytes or 0)
        self._encoding = encoding or None
        super().__init__(name)

    def _records(self, path: str) -> Iterator[tuple[bytes, bytes]]:
        with _open(path, self._encoding) as f:
            data = f.read()
        body = data[self._head:len(data) - self._foot if self._foot else len(data)]
        step = self._hop or self._rec
        i = 0
        for start in range(0, len(body) - self._rec + 1, step):
            yield f"{path}:{i}".encode(), body[start:start + self._rec]
            i += 1


class WholeFileReader(ReaderBase):
    """Each file is one record: ``(file name, contents)`` (``tf.WholeFileReader``)."""

    _TYPE = "WholeFileReader"

    def _records(self, path: str) -> Iterator[tuple[bytes, bytes]]:
        with _open(path) as f:
            yield path.encode(), f.read()


class TFRecordReader(ReaderBase):
    """The records of TFRecord files (``tf.TFRecordReader``; ``options`` for GZIP/ZLIB)."""

    _TYPE = "TFRecordReader"

    def __init__(self, name: str | None = None, options: Any = None):
        self._options = options
        super().__init__(name)

    def _records(self, path: str) -> Iterator[tuple[bytes, bytes]]:
        with _open(path, self._options) as f:
            for offset, data in tfrecord.read_records(f, path):
                yield f"{path}:{offset}".encode(), data


# ----------------------------------------------------------------------------- kernels

def _state(ctx: registry.KernelContext, reader: ReaderBase) -> _State:
    st = ctx.state.resources.get(reader.key)
    if st is None:
        st = ctx.state.resources[reader.key] = _State()
    return st


def _next_file(ctx: registry.KernelContext, queue: Any) -> bytes | None:
    rt = queue_runtime(ctx, queue)
    with rt.pipeline.cond:
        try:
            (el,) = rt.dequeue(1, False, ctx.session)
        except errors.OutOfRangeError:
            return None
    name = np.asarray(el[0]).item()
    return bytes(name) if isinstance(name, (bytes, np.bytes_)) else str(name).encode()


def _read_one(ctx: registry.KernelContext, reader: ReaderBase, queue: Any,
              st: _State) -> tuple[bytes, bytes] | None:
    while True:
        if st.work is None:
            name = _next_file(ctx, queue)
            if name is None:
                return None
            if not os.path.exists(name.decode("utf-8")):
                raise errors.NotFoundError(None, None, f"{name.decode()}; No such file or "
                                                       "directory")
            st.work = _Work(reader, name)
        rec = st.work.next()
        if rec is not None:
            st.produced += 1
            return rec
        st.work = None
        st.completed += 1


@registry.register_kernel("TkReaderRead", stateful=True)
def _read_kernel(ctx: registry.KernelContext) -> tuple:
    reader, queue, n = ctx.attrs["reader"], ctx.attrs["queue"], ctx.attrs["n"]
    st = _state(ctx, reader)
    if n is None:
        rec = _read_one(ctx, reader, queue, st)
        if rec is None:
            raise errors.OutOfRangeError(None, None, f"{queue.kind} '{queue.name}' is closed "
                                                     "and has insufficient elements")
        return np.array(rec[0], dtype=object), np.array(rec[1], dtype=object)
    keys, values = [], []
    while len(keys) < n:
        rec = _read_one(ctx, reader, queue, st)
        if rec is None:
            break
        keys.append(rec[0])
        values.append(rec[1])
    if not keys:
        raise errors.OutOfRangeError(None, None, f"{queue.kind} '{queue.name}' is closed "
                                                 "and has insufficient elements")
    k = np.empty(len(keys), dtype=object)
    v = np.empty(len(keys), dtype=object)
    k[:], v[:] = keys, values
    return k, v


@registry.register_kernel("TkReaderCount", stateful=True)
def _count_kernel(ctx: registry.KernelContext) -> np.ndarray:
    st = _state(ctx, ctx.attrs["reader"])
    return np.array(getattr(st, ctx.attrs["which"]), dtype=np.int64)


@registry.register_kernel("TkReaderReset", stateful=True)
def _reset_kernel(ctx: registry.KernelContext) -> None:
    ctx.state.resources[ctx.attrs["reader"].key] = _State()


@registry.register_kernel("TkReaderGetState", stateful=True)
def _get_state_kernel(ctx: registry.KernelContext) -> np.ndarray:
    st = ctx.state.resources.get(ctx.attrs["reader"].key) or _State()
    work = st.work
    out = np.empty(4, dtype=object)
    out[:] = [work.name if work else b"", str(work.done if work else -1).encode(),
              str(st.produced).encode(), str(st.completed).encode()]
    return out


@registry.register_kernel("TkReaderSetState", stateful=True)
def _set_state_kernel(ctx: registry.KernelContext, blob: Any) -> None:
    reader = ctx.attrs["reader"]
    name, done, produced, completed = (bytes(b) for b in np.asarray(blob).reshape(-1))
    st = _State()
    st.produced, st.completed = int(produced), int(completed)
    if int(done) >= 0:
        st.work = _Work(reader, name, skip=int(done))
    ctx.state.resources[reader.key] = st


registry.not_differentiable("TkReaderRead", "TkReaderCount", "TkReaderReset",
                            "TkReaderGetState", "TkReaderSetState")


class _ReaderSaveable:
    """A reader's position (current file, records read in it, counters) in checkpoints."""

    def __init__(self, reader: ReaderBase):
        graph = get_default_graph()
        self.name = reader.name + "/.reader"
        self._get = graph.create_op("TkReaderGetState", [], [_dt.string],
                                    name=reader.name + "_GetState", attrs={"reader": reader},
                                    shapes=[TensorShape([4])]).outputs[0]
        self._feed = placeholder(_dt.string, [4], name=reader.name + "_state")
        self._set = graph.create_op("TkReaderSetState", [self._feed], [],
                                    name=reader.name + "_SetState", attrs={"reader": reader})

    def saveable_state(self, session: Any) -> dict[str, np.ndarray]:
        return {"state": np.asarray(session.run(self._get), dtype=object)}

    def restore_saveable_state(self, session: Any, state: dict[str, np.ndarray]) -> None:
        session.run(self._set, {self._feed: np.asarray(state["state"], dtype=object)})


__all__ = ["ReaderBase", "TextLineReader", "FixedLengthRecordReader", "WholeFileReader",
           "TFRecordReader"]
