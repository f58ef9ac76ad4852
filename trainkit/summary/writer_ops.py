"""Summary writers as graph ops (``tf.contrib.summary``'s writer resource): a writer is
created in the session when its init op runs, and write / flush / close ops name it by
its shared name.

The writer is a :class:`trainkit.summary.writer.FileWriter` kept in the session's
resources (``ctx.state.resources[("summary_writer", shared_name)]``), so each session has
its own, as TF's resource manager does; creating an existing writer again does nothing.
Writing through a writer whose init op has not run is a ``NotFoundError``.

Example:
    >>> init = create_file_writer_op("logdir:/tmp/run", "/tmp/run", 10, 120000, ".v2")
    >>> write = write_summary_op("logdir:/tmp/run", step, tk.summary.scalar("x", x, []))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trainkit import errors
from trainkit.framework import dtypes as _dt
from trainkit.framework import registry
from trainkit.framework.conversion import convert_to_tensor
from trainkit.framework.graph import get_default_graph
from trainkit.framework.tensor import Operation, Tensor
from trainkit.summary.writer import FileWriter

#: the graph collection of ``tf.contrib.summary``'s write ops (TF's
#: ``GraphKeys._SUMMARY_COLLECTION``).
SUMMARY_V2_COLLECTION = "_SUMMARY_V2"
#: the graph collection of the writers' init ops (TF's ``_SUMMARY_WRITER_V2``).
WRITER_INIT_COLLECTION = "_SUMMARY_WRITER_V2"


def all_v2_summary_ops() -> list:
    """The ``tf.contrib.summary`` (V2-style) write ops of the default graph, not the
    ``tf.summary`` v1 ops (``tf.compat.v1.summary.all_v2_summary_ops``)."""
    return get_default_graph().get_collection(SUMMARY_V2_COLLECTION)


def summary_writer_initializer_op() -> list:
    """The init ops of every ``tf.contrib.summary`` writer of the default graph."""
    return get_default_graph().get_collection(WRITER_INIT_COLLECTION)


def _key(ctx: registry.KernelContext) -> tuple:
    return ("summary_writer", ctx.attrs["shared_name"])


def _writer(ctx: registry.KernelContext) -> FileWriter:
    writer = ctx.state.resources.get(_key(ctx))
    if writer is None:
        raise errors.NotFoundError(
            None, None, f"Summary writer {ctx.attrs['shared_name']!r} does not exist in this "
            f"session: run its init op first (tf.contrib.summary."
            f"summary_writer_initializer_op() or writer.init()).")
    return writer


def _text(value: Any) -> str:
    value = np.asarray(value, dtype=object).item()
    return value.decode() if isinstance(value, bytes) else str(value)


@registry.register_kernel("CreateSummaryFileWriter", stateful=True)
def _create(ctx: registry.KernelContext, logdir: Any, max_queue: Any, flush_millis: Any,
            filename_suffix: Any) -> None:
    if _key(ctx) in ctx.state.resources:
        return  # as TF: an existing writer resource is kept
    try:
        ctx.state.resources[_key(ctx)] = FileWriter(
            _text(logdir), max_queue=int(max_queue),
            flush_secs=max(int(flush_millis), 1) / 1000.0,
            filename_suffix=_text(filename_suffix))
    except (TypeError, ValueError) as e:
        raise errors.InvalidArgumentError(None, None, str(e)) from None


@registry.register_kernel("WriteSerializedSummary", stateful=True)
def _write(ctx: registry.KernelContext, step: Any, serialized: Any) -> None:
    step = np.asarray(step)
    if step.size != 1:
        raise errors.InvalidArgumentError(None, None, f"step must be a scalar, got shape "
                                                      f"{step.shape}")
    summary = np.asarray(serialized, dtype=object).item()
    _writer(ctx).add_summary(summary, int(step.reshape(())))


@registry.register_kernel("WriteGraphSummary", stateful=True)
def _write_graph(ctx: registry.KernelContext, step: Any, serialized: Any) -> None:
    data = np.asarray(serialized, dtype=object).item()
    _writer(ctx).add_serialized_graph(data, int(np.asarray(step).reshape(())))


@registry.register_kernel("FlushSummaryWriter", stateful=True)
def _flush(ctx: registry.KernelContext) -> None:
    _writer(ctx).flush()


@registry.register_kernel("CloseSummaryWriter", stateful=True)
def _close(ctx: registry.KernelContext) -> None:
    writer = ctx.state.resources.pop(_key(ctx), None)
    if writer is not None:
        writer.close()


registry.not_differentiable("CreateSummaryFileWriter", "WriteSerializedSummary",
                            "WriteGraphSummary",
                            "FlushSummaryWriter", "CloseSummaryWriter")


def create_file_writer_op(shared_name: str, logdir: Any, max_queue: Any, flush_millis: Any,
                          filename_suffix: Any, name: str | None = None) -> Operation:
    """The op creating writer ``shared_name`` on ``logdir`` in the session."""
    inputs = [convert_to_tensor(logdir, _dt.string, name="logdir"),
              convert_to_tensor(max_queue, _dt.int32, name="max_queue"),
              convert_to_tensor(flush_millis, _dt.int32, name="flush_millis"),
              convert_to_tensor(filename_suffix, _dt.string, name="filename_suffix")]
    return get_default_graph().create_op(
        "CreateSummaryFileWriter", inputs, [], name=name or "CreateSummaryFileWriter",
        attrs={"shared_name": shared_name})


def write_summary_op(shared_name: str, step: Tensor, serialized: Tensor,
                     name: str | None = None, graph: bool = False) -> Operation:
    """The op writing the serialized ``Summary`` (``graph``: ``GraphDef``) at ``step``
    with writer ``shared_name``."""
    op_type = "WriteGraphSummary" if graph else "WriteSerializedSummary"
    return get_default_graph().create_op(
        op_type, [convert_to_tensor(step, _dt.int64), serialized], [],
        name=name or op_type, attrs={"shared_name": shared_name})


def writer_op(op_type: str, shared_name: str, name: str | None = None) -> Operation:
    """A ``FlushSummaryWriter`` or ``CloseSummaryWriter`` op of writer ``shared_name``."""
    return get_default_graph().create_op(op_type, [], [], name=name or op_type,
                                         attrs={"shared_name": shared_name})


__all__ = ["all_v2_summary_ops", "summary_writer_initializer_op", "SUMMARY_V2_COLLECTION",
           "WRITER_INIT_COLLECTION", "create_file_writer_op", "write_summary_op", "writer_op"]
