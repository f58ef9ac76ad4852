"""ProfilerHook."""

from __future__ import annotations

import json
import os

import pytest

import trainkit as tk
from tests.hooks.conftest import counter_model, read_events, run_steps
from trainkit.hooks import ProfilerHook


def test_files_at_steps_2_4(tmp_path):
    gs, train = counter_model()
    run_steps([ProfilerHook(save_steps=2, output_dir=str(tmp_path))], train, 5)
    files = sorted(f for f in os.listdir(tmp_path) if f.startswith("timeline"))
    assert files == ["timeline-2.json", "timeline-4.json"]
    trace = json.loads((tmp_path / "timeline-2.json").read_text())
    names = {e["args"]["name"] for e in trace["traceEvents"] if e.get("ph") == "X"}
    assert "AssignAdd" in names or any("AssignAdd" in n for n in names)
    tags = [e.tagged_run_metadata.tag for e in read_events(tmp_path)
            if e.HasField("tagged_run_metadata")]
    assert tags == ["step_2", "step_4"]


def test_save_secs(tmp_path, clock):
    gs, train = counter_model()
    hook = ProfilerHook(save_secs=10, output_dir=str(tmp_path))
    with tk.train.MonitoredSession(hooks=[hook]) as sess:
        for _ in range(4):
            sess.run(train)
            clock.advance(5)
    files = sorted(f for f in os.listdir(tmp_path) if f.startswith("timeline"))
    assert files == ["timeline-3.json"]


def test_argument_errors():
    with pytest.raises(ValueError, match="every_secs.*every_steps"):
        ProfilerHook()
    with pytest.raises(ValueError, match="output_dir"):
        ProfilerHook(save_steps=1, output_dir=3)
