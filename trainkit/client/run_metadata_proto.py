"""Convert trainkit's ``RunMetadata`` Python object into TensorBoard's ``RunMetadata`` proto.

The proto classes come from the optional ``tensorboard`` package
(``tensorboard.compat.proto``); it is imported on first use, and an ``ImportError`` says
how to install it. Device names TensorBoard would silently ignore (``cpu``, ``/cpu:0``)
are written as the full ``/job:localhost/replica:0/task:0/device:CPU:0``.

Example:
    >>> from trainkit.client.run_metadata import RunMetadata
    >>> to_proto(RunMetadata()).step_stats.dev_stats    # doctest: +SKIP
    []
"""

from __future__ import annotations

import re
import types
from typing import Any

from trainkit.client.devices import CPU_DEVICE

_LEGACY_CPU = re.compile(r"^/?(cpu|CPU)(:0)?$")


def _protos() -> types.SimpleNamespace:
    try:
        from tensorboard.compat.proto import (
            allocation_description_pb2,
            config_pb2,
            step_stats_pb2,
            tensor_description_pb2,
            tensor_shape_pb2,
        )
    except ImportError as e:
        raise ImportError("Writing RunMetadata needs the 'tensorboard' package "
                          "(pip install tensorboard).") from e
    return types.SimpleNamespace(
        RunMetadata=config_pb2.RunMetadata, StepStats=step_stats_pb2.StepStats,
        DeviceStepStats=step_stats_pb2.DeviceStepStats,
        NodeExecStats=step_stats_pb2.NodeExecStats,
        AllocatorMemoryUsed=step_stats_pb2.AllocatorMemoryUsed,
        NodeOutput=step_stats_pb2.NodeOutput,
        TensorDescription=tensor_description_pb2.TensorDescription,
        AllocationDescription=allocation_description_pb2.AllocationDescription,
        TensorShapeProto=tensor_shape_pb2.TensorShapeProto)


def device_name(device: str) -> str:
    """``device`` in a form TensorBoard matches (``.../device:CPU:0``)."""
    if not device or _LEGACY_CPU.match(device):
        return CPU_DEVICE
    return device


def _dtype_enum(dtype: Any) -> int:
    if hasattr(dtype, "as_datatype_enum"):
        return int(dtype.as_datatype_enum)
    return int(dtype or 0)


def _shape(p: types.SimpleNamespace, shape: Any) -> Any:
    if shape is None:
        return p.TensorShapeProto(unknown_rank=True)
    if getattr(shape, "unknown_rank", False):
        return p.TensorShapeProto(unknown_rank=True)
    dims = getattr(shape, "dim", None)
    if dims is None and hasattr(shape, "as_list"):  # a TensorShape: plain ints and None
        dims = shape.as_list() if shape.ndims is not None else None
    elif dims is None:
        dims = getattr(shape, "dims", None) if not isinstance(shape, list | tuple) else shape
    if dims is None:
        return p.TensorShapeProto(unknown_rank=True)
    out = []
    for d in dims:
        size = getattr(d, "size", d)
        out.append(p.TensorShapeProto.Dim(size=-1 if size is None else int(size)))
    return p.TensorShapeProto(dim=out)


def _node_stats(p: types.SimpleNamespace, ns: Any) -> Any:
    out = p.NodeExecStats(
        node_name=ns.node_name, timeline_label=getattr(ns, "timeline_label", "") or "",
        all_start_micros=int(ns.all_start_micros),
        op_start_rel_micros=int(ns.op_start_rel_micros),
        op_end_rel_micros=int(ns.op_end_rel_micros),
        all_end_rel_micros=int(ns.all_end_rel_micros),
        all_start_nanos=int(getattr(ns, "all_start_nanos", 0) or 0),
        thread_id=int(getattr(ns, "thread_id", 0) or 0))
    for o in getattr(ns, "output", None) or ():
        td = o.tensor_description
        desc = p.TensorDescription(dtype=_dtype_enum(td.dtype), shape=_shape(p, td.shape))
        alloc = getattr(td, "allocation_description", None)
        if alloc is not None:
            desc.allocation_description.CopyFrom(p.AllocationDescription(
                requested_bytes=int(getattr(alloc, "requested_bytes", 0) or 0),
                allocated_bytes=int(getattr(alloc, "allocated_bytes", 0) or 0),
                allocator_name=getattr(alloc, "allocator_name", "") or ""))
        out.output.append(p.NodeOutput(slot=int(o.slot), tensor_description=desc))
    for m in getattr(ns, "memory", None) or ():
        out.memory.append(p.AllocatorMemoryUsed(
            allocator_name=m.allocator_name, total_bytes=int(m.total_bytes),
            peak_bytes=int(m.peak_bytes)))
    return out


def to_proto(run_metadata: Any) -> Any:
    """TensorBoard's ``RunMetadata`` proto for trainkit's ``RunMetadata`` object.

    Raises:
        ImportError: if the ``tensorboard`` package is missing.
        TypeError: if ``run_metadata`` has no ``step_stats``.
    """
    p = _protos()
    if isinstance(run_metadata, p.RunMetadata):
        return run_metadata
    step_stats = getattr(run_metadata, "step_stats", None)
    if step_stats is None:
        raise TypeError(f"Expected a RunMetadata, got {type(run_metadata).__name__}.")
    out = p.RunMetadata()
    for dev in step_stats.dev_stats:
        d = out.step_stats.dev_stats.add()
        d.device = device_name(dev.device)
        d.node_stats.extend(_node_stats(p, ns) for ns in dev.node_stats)
    return out


def serialize(run_metadata: Any) -> bytes:
    """The serialized ``RunMetadata`` for a trainkit object, any ``RunMetadata`` proto or
    bytes (returned as they are).

    Raises:
        ImportError: if a conversion is needed and ``tensorboard`` is missing.
        TypeError: for values that are not run metadata.
    """
    if isinstance(run_metadata, bytes):
        return run_metadata
    if hasattr(run_metadata, "DESCRIPTOR") and hasattr(run_metadata, "SerializeToString"):
        return run_metadata.SerializeToString()  # already a proto (TF's or tensorboard's)
    return to_proto(run_metadata).SerializeToString()


__all__ = ["to_proto", "serialize", "device_name"]
