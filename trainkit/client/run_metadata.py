"""``RunOptions`` and ``RunMetadata``: plain Python objects with the field names of TF's
protos, so TF1 code that reads ``run_metadata.step_stats.dev_stats[0].node_stats`` works.
They become real protos only when written for TensorBoard (``run_metadata_proto``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trainkit.client import run_metadata_proto
from trainkit.client.devices import CPU_DEVICE


@dataclass
class RunOptions:
    """Options for one ``Session.run``.

    Attributes:
        trace_level: ``NO_TRACE`` (0), ``SOFTWARE_TRACE``, ``HARDWARE_TRACE`` or
            ``FULL_TRACE`` (3); step stats are recorded for ``FULL_TRACE``.
        timeout_in_ms: abort the run with ``DeadlineExceededError`` after this long
            (checked between ops; 0 = no limit).
    """

    NO_TRACE = 0
    SOFTWARE_TRACE = 1
    HARDWARE_TRACE = 2
    FULL_TRACE = 3
    TraceLevel = type("TraceLevel", (), {"NO_TRACE": 0, "SOFTWARE_TRACE": 1,
                                         "HARDWARE_TRACE": 2, "FULL_TRACE": 3})

    trace_level: int = 0
    timeout_in_ms: int = 0
    inter_op_thread_pool: int = 0
    output_partition_graphs: bool = False
    debug_tensor_watch_opts: list = field(default_factory=list)
    reset_disk_byte_usage: bool = False
    report_tensor_allocations_upon_oom: bool = False

    def MergeFrom(self, other: RunOptions) -> None:  # noqa: N802 - proto API name
        """Merges ``other`` into this object the way the monitored session does:
        maxima for levels and limits, union for watches, OR for flags."""
        self.trace_level = max(self.trace_level, other.trace_level)
        self.timeout_in_ms = max(self.timeout_in_ms, other.timeout_in_ms)
        self.inter_op_thread_pool = max(self.inter_op_thread_pool, other.inter_op_thread_pool)
        self.output_partition_graphs |= other.output_partition_graphs
        self.debug_tensor_watch_opts.extend(other.debug_tensor_watch_opts)
        self.reset_disk_byte_usage |= other.reset_disk_byte_usage
        self.report_tensor_allocations_upon_oom |= other.report_tensor_allocations_upon_oom


@dataclass
class TensorShapeDesc:
    dim: list = field(default_factory=list)
    unknown_rank: bool = False


@dataclass
class TensorDescription:
    dtype: int = 0
    shape: TensorShapeDesc = field(default_factory=TensorShapeDesc)


@dataclass
class NodeOutput:
    slot: int = 0
    tensor_description: TensorDescription = field(default_factory=TensorDescription)


@dataclass
class AllocatorMemoryUsed:
    allocator_name: str = "cpu"
    total_bytes: int = 0
    peak_bytes: int = 0


@dataclass
class NodeExecStats:
    """Timing of one executed op (microseconds)."""

    node_name: str = ""
    timeline_label: str = ""
    op_type: str = ""
    all_start_micros: int = 0
    op_start_rel_micros: int = 0
    op_end_rel_micros: int = 0
    all_end_rel_micros: int = 0
    all_start_nanos: int = 0
    output: list[NodeOutput] = field(default_factory=list)
    memory: list[AllocatorMemoryUsed] = field(default_factory=list)
    thread_id: int = 0


@dataclass
class DeviceStepStats:
    device: str = CPU_DEVICE
    node_stats: list[NodeExecStats] = field(default_factory=list)


@dataclass
class StepStats:
    dev_stats: list[DeviceStepStats] = field(default_factory=list)


@dataclass
class RunMetadata:
    """What a traced run recorded: ``step_stats`` (per op timings)."""

    step_stats: StepStats = field(default_factory=StepStats)
    partition_graphs: list = field(default_factory=list)
    cost_graph: Any = None

    def Clear(self) -> None:  # noqa: N802 - proto API name
        self.step_stats = StepStats()
        self.partition_graphs = []

    def HasField(self, name: str) -> bool:  # noqa: N802 - proto API name
        return name == "step_stats" and bool(self.step_stats.dev_stats)

    def SerializeToString(self) -> bytes:  # noqa: N802 - proto API name
        """The serialized ``RunMetadata`` proto (needs the ``tensorboard`` package)."""
        return run_metadata_proto.to_proto(self).SerializeToString()


__all__ = ["RunOptions", "RunMetadata", "StepStats", "DeviceStepStats", "NodeExecStats",
           "NodeOutput", "TensorDescription", "AllocatorMemoryUsed", "CPU_DEVICE"]
