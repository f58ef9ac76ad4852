"""trainkit RunMetadata object -> TensorBoard RunMetadata proto (module
``trainkit/client/run_metadata_proto.py``)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import trainkit as tk
from trainkit.client import run_metadata as rm
from trainkit.client import run_metadata_proto as rmp

config_pb2 = pytest.importorskip("tensorboard.compat.proto.config_pb2")
CPU = "/job:localhost/replica:0/task:0/device:CPU:0"


def sample(device=CPU):
    ns = rm.NodeExecStats(
        node_name="dense/MatMul", timeline_label="dense/MatMul = MatMul(x, w)",
        all_start_micros=1_700_000_000_000_000, op_start_rel_micros=1, op_end_rel_micros=327,
        all_end_rel_micros=328, thread_id=4,
        output=[rm.NodeOutput(slot=0, tensor_description=rm.TensorDescription(
            dtype=1, shape=rm.TensorShapeDesc(dim=[None, 4])))],
        memory=[rm.AllocatorMemoryUsed(allocator_name="cpu", total_bytes=128, peak_bytes=256)])
    return rm.RunMetadata(step_stats=rm.StepStats(dev_stats=[
        rm.DeviceStepStats(device=device, node_stats=[ns])]))


def test_every_field_is_converted():
    p = rmp.to_proto(sample())
    assert isinstance(p, config_pb2.RunMetadata)
    (dev,) = p.step_stats.dev_stats
    assert dev.device == CPU
    (ns,) = dev.node_stats
    assert (ns.node_name, ns.timeline_label, ns.thread_id) == \
        ("dense/MatMul", "dense/MatMul = MatMul(x, w)", 4)
    assert (ns.all_start_micros, ns.op_start_rel_micros, ns.op_end_rel_micros,
            ns.all_end_rel_micros) == (1_700_000_000_000_000, 1, 327, 328)
    (out,) = ns.output
    assert out.slot == 0 and out.tensor_description.dtype == 1
    assert [d.size for d in out.tensor_description.shape.dim] == [-1, 4]
    (mem,) = ns.memory
    assert (mem.allocator_name, mem.total_bytes, mem.peak_bytes) == ("cpu", 128, 256)


def test_serialized_bytes_parse_back():
    data = rmp.serialize(sample())
    assert config_pb2.RunMetadata.FromString(data).step_stats.dev_stats[0].node_stats[0] \
        .node_name == "dense/MatMul"
    assert sample().SerializeToString() == data  # RunMetadata.SerializeToString delegates
    assert rmp.serialize(data) is data
    proto = config_pb2.RunMetadata()
    assert rmp.to_proto(proto) is proto and rmp.serialize(proto) == b""


@pytest.mark.parametrize("device", ["cpu", "/cpu:0", "CPU", ""])
def test_legacy_cpu_names_become_names_tensorboard_matches(device):
    assert rmp.to_proto(sample(device)).step_stats.dev_stats[0].device == CPU


def test_other_device_names_are_kept():
    assert rmp.device_name("/device:GPU:1") == "/device:GPU:1"


def test_shapes_dtypes_and_allocation_in_other_forms():
    td = SimpleNamespace(dtype=tk.float64, shape=SimpleNamespace(dim=[SimpleNamespace(size=3)]),
                         allocation_description=SimpleNamespace(
                             requested_bytes=24, allocated_bytes=32, allocator_name="cpu"))
    unknown = rm.TensorDescription(dtype=3, shape=rm.TensorShapeDesc(unknown_rank=True))
    ns = rm.NodeExecStats(node_name="n", output=[rm.NodeOutput(0, td),
                                                 rm.NodeOutput(1, unknown)])
    md = rm.RunMetadata(step_stats=rm.StepStats(dev_stats=[rm.DeviceStepStats(
        node_stats=[ns])]))
    o0, o1 = rmp.to_proto(md).step_stats.dev_stats[0].node_stats[0].output
    assert o0.tensor_description.dtype == 2 and o0.tensor_description.shape.dim[0].size == 3
    alloc = o0.tensor_description.allocation_description
    assert (alloc.requested_bytes, alloc.allocated_bytes) == (24, 32)
    assert o1.slot == 1 and o1.tensor_description.shape.unknown_rank


def test_non_run_metadata_is_a_type_error():
    with pytest.raises(TypeError, match="Expected a RunMetadata, got int"):
        rmp.to_proto(3)


def test_missing_tensorboard_raises_import_error_with_the_fix(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_tensorboard(name, *args, **kwargs):
        if name.startswith("tensorboard"):
            raise ImportError("No module named 'tensorboard'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tensorboard)
    with pytest.raises(ImportError, match=r"needs the 'tensorboard' package \(pip install"):
        rmp.to_proto(sample())
