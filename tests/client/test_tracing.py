"""RunOptions / RunMetadata step stats, deadlines, and the Chrome timeline."""

from __future__ import annotations

import json

import numpy as np
import pytest

import trainkit as tk
from trainkit.client.timeline import Timeline

CPU = "/job:localhost/replica:0/task:0/device:CPU:0"


def _graph():
    x = tk.placeholder(tk.float32, [2, 3], name="x")
    y = tk.multiply(x, 2.0, name="double")
    return x, tk.add(y, 1.0, name="out")


def test_full_trace_records_every_executed_op():
    x, out = _graph()
    md = tk.RunMetadata()
    opts = tk.RunOptions(trace_level=tk.RunOptions.FULL_TRACE)
    with tk.Session() as s:
        s.run(out, {x: np.ones((2, 3))}, options=opts, run_metadata=md)
    assert len(md.step_stats.dev_stats) == 1
    dev = md.step_stats.dev_stats[0]
    assert dev.device == CPU
    by_name = {n.node_name: n for n in dev.node_stats}
    assert {"double", "out"} <= set(by_name)
    assert "x" not in by_name  # fed tensors' producers do not run
    n = by_name["out"]
    assert n.op_type == "AddV2" and n.all_start_micros > 1e15
    assert n.all_end_rel_micros >= 1 and n.op_end_rel_micros >= n.op_start_rel_micros
    assert n.output[0].tensor_description.shape.dim == [2, 3]
    assert n.memory[0].total_bytes == 2 * 3 * 4


def test_no_trace_and_no_metadata_leave_stats_empty():
    x, out = _graph()
    md = tk.RunMetadata()
    with tk.Session() as s:
        s.run(out, {x: np.ones((2, 3))}, options=tk.RunOptions(), run_metadata=md)
        s.run(out, {x: np.ones((2, 3))}, options=tk.RunOptions(trace_level=3))
    assert md.step_stats.dev_stats == []


def test_timeout_raises_deadline_exceeded():
    x = tk.placeholder(tk.float32, [64], name="x")
    y = x
    for _ in range(3000):
        y = y * 1.0
    with tk.Session() as s:
        with pytest.raises(tk.errors.DeadlineExceededError, match="Timed out"):
            s.run(y, {x: np.ones(64)}, options=tk.RunOptions(timeout_in_ms=1))
        assert s.run(y, {x: np.ones(64)}).shape == (64,)


def test_timeline_is_chrome_trace_json():
    x, out = _graph()
    md = tk.RunMetadata()
    with tk.Session() as s:
        s.run(out, {x: np.ones((2, 3))}, options=tk.RunOptions(trace_level=3), run_metadata=md)
    trace = json.loads(Timeline(md.step_stats).generate_chrome_trace_format(show_memory=True))
    ops = [e for e in trace["traceEvents"] if e["ph"] == "X"]
    assert {e["args"]["name"] for e in ops} >= {"double", "out"}
    assert all(e["dur"] >= 1 and e["ts"] > 0 for e in ops)
    out_ev = next(e for e in ops if e["args"]["name"] == "out")
    assert out_ev["args"]["input0"] == "double:0"
    assert any(e["ph"] == "C" for e in trace["traceEvents"])
    # Dataflow arrows: producer -> consumer, e.g. 'double' -> 'out' ending where 'out' starts.
    starts = {e["id"]: e for e in trace["traceEvents"] if e["ph"] == "s"}
    ends = {e["id"]: e for e in trace["traceEvents"] if e["ph"] == "t"}
    assert set(starts) == set(ends)
    flows = {(starts[i]["name"], ends[i]["ts"]) for i in starts}
    assert ("double", out_ev["ts"]) in flows
    plain = json.loads(Timeline(md.step_stats).generate_chrome_trace_format(
        show_dataflow=False))
    assert not [e for e in plain["traceEvents"] if e["ph"] in ("s", "t")]
