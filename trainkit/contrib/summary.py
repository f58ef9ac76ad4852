"""``tf.contrib.summary`` in graph mode (TF 1.x's ``summary_ops_v2``): summaries written by
ops through a default writer, when a recording condition holds, at a step.

``create_file_writer(logdir)`` makes a writer whose init op joins
``summary_writer_initializer_op()``; inside ``writer.as_default()`` and a recording context
(``always_record_summaries()``, ``record_summaries_every_n_global_steps(n)``), ``scalar``,
``histogram``, ``image``, ``audio`` and ``generic`` build ops that write one event at the
step (default: the global step) and return ``True`` when they wrote (``False`` when the
condition is false); they are collected in ``all_summary_ops()``. Without a default writer
they are ``no_op``s; without a recording context nothing is written (TF's contrib default).
Tags, histogram buckets and image encodings are those of ``tf.summary``'s v1 ops.

Example:
    >>> writer = tf.contrib.summary.create_file_writer("/tmp/run")
    >>> with writer.as_default(), tf.contrib.summary.always_record_summaries():
    ...     tf.contrib.summary.scalar("loss", loss)
    >>> sess.run(tf.contrib.summary.summary_writer_initializer_op())
    >>> sess.run([train_op, tf.contrib.summary.all_summary_ops()])

Differs from TF: a recording condition known when the graph is built (True or False)
builds no ``cond``; the values written are the same.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

from trainkit.framework import dtypes as _dt
from trainkit.framework.constant_op import constant
from trainkit.framework.conversion import convert_to_tensor
from trainkit.framework.default_session import get_default_session
from trainkit.framework.graph import Graph, get_default_graph
from trainkit.framework.graph_def import graph_def_bytes
from trainkit.framework.tensor import Tensor
from trainkit.ops import comparison_ops, control_flow_ops
from trainkit.ops.placeholders import placeholder
from trainkit.ops.static_value import constant_value
from trainkit.summary import summary_ops, summary_proto, writer_ops
from trainkit.training import training_util

_INIT_COLLECTION = writer_ops.WRITER_INIT_COLLECTION
SUMMARY_COLLECTION = writer_ops.SUMMARY_V2_COLLECTION


class _State(threading.local):
    def __init__(self) -> None:
        self.writer: SummaryWriter | None = None
        self.is_recording: Any = None


_state = _State()


class SummaryWriter:
    """A summary file writer of the graph, named by ``shared_name`` (its ops create,
    flush and close it in the session that runs them)."""

    def __init__(self, shared_name: str, init_fn: Callable[[], Any]):
        self._shared_name = shared_name
        self._init_fn = init_fn
        get_default_graph().add_to_collection(_INIT_COLLECTION, self.init())

    def init(self) -> Any:
        """A new op creating the writer in the session (a no-op if it exists)."""
        return self._init_fn()

    def flush(self) -> Any:
        """An op flushing the writer's events to disk."""
        return writer_ops.writer_op("FlushSummaryWriter", self._shared_name)

    def close(self) -> Any:
        """An op flushing and closing the writer (a later init op reopens it)."""
        with get_default_graph().control_dependencies([self.flush()]):
            return writer_ops.writer_op("CloseSummaryWriter", self._shared_name)

    @contextlib.contextmanager
    def as_default(self) -> Iterator[SummaryWriter]:
        """Makes this the default writer of the summary functions in the block."""
        old, _state.writer = _state.writer, self
        try:
            yield self
        finally:
            _state.writer = old

    def set_as_default(self) -> None:
        """Makes this the default writer from now on (in this thread)."""
        _state.writer = self


def create_file_writer(logdir: Any, max_queue: Any = None, flush_millis: Any = None,
                       filename_suffix: Any = None, name: str | None = None) -> Any:
    """A writer of event files in ``logdir`` (None: a writer that writes nothing).

    Args:
        max_queue: events buffered before a flush (default 10).
        flush_millis: the longest time between flushes (default 120000).
        filename_suffix: the event file name's suffix (default ``.v2``).
        name: the writer's shared name (default ``logdir:<logdir>``); writers of one
            shared name are one writer in a session.
    """
    if logdir is None:
        return _NoopWriter()
    logdir = os.fspath(logdir)
    shared_name = name if name is not None else "logdir:" + logdir
    args = (logdir, 10 if max_queue is None else max_queue,
            120000 if flush_millis is None else flush_millis,
            ".v2" if filename_suffix is None else filename_suffix)
    return SummaryWriter(shared_name,
                         lambda: writer_ops.create_file_writer_op(shared_name, *args))


def create_summary_file_writer(*args: Any, **kwargs: Any) -> Any:
    """The deprecated name of :func:`create_file_writer`."""
    return create_file_writer(*args, **kwargs)


class _NoopWriter(SummaryWriter):
    """``create_file_writer(None)``: usable as a writer, writes nothing."""

    def __init__(self) -> None:
        self._shared_name = ""

    def init(self) -> Any:
        return None

    def flush(self) -> Any:
        return None

    def close(self) -> Any:
        return None

    @contextlib.contextmanager
    def as_default(self) -> Iterator[SummaryWriter]:
        yield self

    def set_as_default(self) -> None:
        pass


@contextlib.contextmanager
def record_if(condition: Any) -> Iterator[None]:
    """Records summaries in the block when ``condition`` (a bool, a bool tensor or a
    callable returning one) holds."""
    old, _state.is_recording = _state.is_recording, condition
    try:
        yield
    finally:
        _state.is_recording = old


def always_record_summaries() -> Any:
    """Records every summary in the block."""
    return record_if(True)


def never_record_summaries() -> Any:
    """Records no summary in the block."""
    return record_if(False)


def record_summaries_every_n_global_steps(n: int, global_step: Any = None) -> Any:
    """Records in the block when ``global_step % n == 0`` (default: the global step,
    created if missing)."""
    if global_step is None:
        global_step = training_util.get_or_create_global_step()
    return record_if(comparison_ops.equal(global_step % n, 0))


def should_record_summaries() -> Any:
    """Whether summaries of the block are recorded: False without a default writer or
    a recording context, else the condition (a bool or a bool tensor)."""
    if _state.writer is None or isinstance(_state.writer, _NoopWriter):
        return False
    cond = _state.is_recording
    cond = cond() if callable(cond) else cond
    return False if cond is None else cond


def _choose_step(step: Any) -> Tensor:
    if step is None:
        return training_util.get_or_create_global_step()
    step = convert_to_tensor(step, _dt.int64)
    if step.shape.num_elements() not in (None, 1):
        raise ValueError(f"Argument `step` must be a scalar. Received step with shape "
                         f"{step.shape}.")
    return step


def _summary_function(name: str, build: Callable[[], Tensor], step: Any) -> Any:
    """TF's ``summary_writer_function``: the write op under the caller's name scope,
    run when the recording condition holds."""
    if step is not None:
        _choose_step(step)  # checked now, as TF
    writer = _state.writer
    if writer is None:
        return control_flow_ops.no_op()
    graph = get_default_graph()
    scope = graph.get_name_scope()
    scope = scope + "/" if scope else ""

    def record() -> Tensor:
        with graph.name_scope(scope):
            serialized = build()
            write = writer_ops.write_summary_op(writer._shared_name, _choose_step(step),
                                                serialized, name=serialized.op.name + "/write")
            with graph.control_dependencies([write]):
                return constant(True)

    def nothing() -> Tensor:
        return constant(False)

    cond = should_record_summaries()
    static = cond if isinstance(cond, bool) else constant_value(convert_to_tensor(cond))
    if static is not None:
        out = record() if bool(static) else nothing()
    else:
        out = control_flow_ops.cond(cond, record, nothing)
    graph.add_to_collection(SUMMARY_COLLECTION, out)
    return out


def scalar(name: str, tensor: Any, family: str | None = None, step: Any = None) -> Any:
    """Writes ``tensor`` (a real scalar) as a scalar summary."""
    return _summary_function(
        name, lambda: summary_ops.scalar(name, tensor, collections=[], family=family), step)


def histogram(name: str, tensor: Any, family: str | None = None, step: Any = None) -> Any:
    """Writes a histogram summary of ``tensor``."""
    return _summary_function(
        name, lambda: summary_ops.histogram(name, tensor, collections=[], family=family), step)


def image(name: str, tensor: Any, bad_color: Any = None, max_images: int = 3,
          family: str | None = None, step: Any = None) -> Any:
    """Writes up to ``max_images`` images of a ``[batch, h, w, 1|3|4]`` tensor.

    Differs from TF: ``bad_color`` must be None (non-finite pixels are drawn red, TF's
    default).
    """
    if bad_color is not None:
        raise ValueError("trainkit's image summaries draw non-finite pixels in TF's default "
                         "red; pass bad_color=None.")
    return _summary_function(
        name, lambda: summary_ops.image(name, tensor, max_outputs=max_images, collections=[],
                                        family=family), step)


def audio(name: str, tensor: Any, sample_rate: Any, max_outputs: int, family: str | None = None,
          step: Any = None) -> Any:
    """Writes up to ``max_outputs`` clips of a ``[batch, frames(, channels)]`` tensor."""
    return _summary_function(
        name, lambda: summary_ops.audio(name, tensor, sample_rate, max_outputs=max_outputs,
                                        collections=[], family=family), step)


def generic(name: str, tensor: Any, metadata: Any = None, family: str | None = None,
            step: Any = None) -> Any:
    """Writes ``tensor`` as a tensor summary with ``metadata`` (a ``SummaryMetadata`` or
    its serialized bytes)."""
    if hasattr(metadata, "SerializeToString"):
        metadata = metadata.SerializeToString()

    def build() -> Tensor:
        tag_name = summary_proto.clean_tag(name)
        full = tag_name if family is None else f"{family}/{tag_name}"
        return summary_ops.tensor_summary(full, tensor, serialized_summary_metadata=metadata,
                                          collections=[])

    return _summary_function(name, build, step)


#: the write ops of the default graph (TF's ``_SUMMARY_V2`` collection).
all_summary_ops = writer_ops.all_v2_summary_ops


#: the init ops of every writer of the default graph.
summary_writer_initializer_op = writer_ops.summary_writer_initializer_op


def initialize(graph: Any = None, session: Any = None) -> None:
    """Runs :func:`summary_writer_initializer_op` in ``session`` (default: the default
    session), then writes ``graph`` (a ``Graph`` or ``GraphDef``) at step 0 to the
    default writer.

    Raises:
        RuntimeError: no default writer. ValueError: no session.
    """
    if _state.writer is None:
        raise RuntimeError("No default tf.contrib.summary.SummaryWriter found")
    if session is None:
        session = get_default_session()
        if session is None:
            raise ValueError("Argument `session must be passed if no default session exists")
    session.run(summary_writer_initializer_op())
    if graph is not None:
        data = (graph_def_bytes(graph, add_shapes=True) if isinstance(graph, Graph)
                else graph.SerializeToString())
        x = placeholder(_dt.string)
        session.run(writer_ops.write_summary_op(_state.writer._shared_name, 0, x, graph=True),
                    {x: data})


def flush(writer: Any = None, name: str | None = None) -> Any:
    """A flush op of ``writer`` (default: the default writer; ``no_op`` without one).

    Raises:
        ValueError: ``writer`` is not a ``SummaryWriter``.
    """
    del name
    writer = writer if writer is not None else _state.writer
    if writer is None:
        return control_flow_ops.no_op()
    if not isinstance(writer, SummaryWriter):
        raise ValueError(f"Invalid argument to flush(): {writer!r}")
    return writer.flush()


def eval_dir(model_dir: str, name: str | None = None) -> str:
    """``model_dir/eval`` or ``model_dir/eval_<name>``."""
    return os.path.join(model_dir, "eval" if not name else "eval_" + name)


__all__ = ["SummaryWriter", "create_file_writer", "create_summary_file_writer", "record_if",
           "always_record_summaries", "never_record_summaries",
           "record_summaries_every_n_global_steps", "should_record_summaries", "scalar",
           "histogram", "image", "audio", "generic", "all_summary_ops",
           "summary_writer_initializer_op", "initialize", "flush", "eval_dir"]
