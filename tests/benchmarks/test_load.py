"""The load generator's kinds, the --busy-cores option and the traced-step phase split."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks import load
from benchmarks.bench_models import phase, split_ms

REPO = Path(__file__).resolve().parents[2]


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.parametrize("kind", load.KINDS)
def test_busy_children_spin_and_are_stopped(kind):
    with load.busy(1, kind) as procs:
        assert len(procs) == 1 and procs[0].is_alive()
        deadline = time.monotonic() + 20
        while _cpu_seconds(procs[0].pid) < 0.2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _cpu_seconds(procs[0].pid) >= 0.2  # it burns CPU
    assert not procs[0].is_alive()  # stopped and reaped on exit


def test_zero_cores_starts_nothing_and_bad_arguments_fail():
    with load.busy(0) as procs:
        assert procs == []
    with pytest.raises(ValueError, match="cores"):
        load.busy(-1).__enter__()
    with pytest.raises(ValueError, match="kind"):
        load.start(1, kind="gpu")
    with pytest.raises(ValueError, match="kind"):
        load.busy(1, "gpu").__enter__()


def test_command_line_runs_for_the_given_seconds():
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "benchmarks.load", "--cores", "1",
                           "--seconds", "0.5"], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - t0 >= 0.5
    bad = subprocess.run([sys.executable, "-m", "benchmarks.load", "--cores", "-2"],
                         cwd=REPO, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--cores" in bad.stderr


def test_busy_run_applies_the_load_targets(tmp_path):
    out = tmp_path / "r.jsonl"
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--only", "autoencoder",
                           "--quick", "--impls", "trainkit", "--reps", "1",
                           "--busy-cores", "1", "--out", str(out)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert records[0]["busy_cores"].startswith("1 (numpy spin")
    assert ">= 1.5x TF1 (busy)" in proc.stdout
    bad = subprocess.run([sys.executable, "-m", "benchmarks", "--busy-cores", "-1"],
                         cwd=REPO, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--busy-cores" in bad.stderr


@pytest.mark.parametrize("name,op_type,want", [
    ("Conv2D_1", "Conv2D", "fwd"),
    ("gradients/Conv2D_1_grad/Conv2DBackpropInput", "Conv2DBackpropInput", "bwd"),
    ("gradients_3/MatMul_grad/MatMul", "MatMul", "bwd"),
    ("Adam/update_fc1_w/ApplyAdam", "ApplyAdam", "upd"),
    ("Adam", "NoOp", "upd"),
    ("Adam_1/mul", "Mul", "upd"),
    ("RMSProp/update_l0_w/ResourceApplyRMSProp", "ResourceApplyRMSProp", "upd"),
    ("GradientDescent", "NoOp", "upd"),
    ("fc1_w/Adam", "VariableV2", "fwd"),  # a slot read, not the update
    ("Adamant/mul", "Mul", "fwd"),
    ("opt/apply", "ApplyGradientDescent", "upd"),
])
def test_phase_classification(name, op_type, want):
    assert phase(name, op_type) == want


def test_split_sums_op_times_per_phase():
    from types import SimpleNamespace as N

    nodes = [N(node_name="MatMul", op_type="MatMul", all_end_rel_micros=1500),
             N(node_name="gradients/x", op_type="Mul", all_end_rel_micros=500),
             N(node_name="_SOURCE", op_type="NoOp", all_end_rel_micros=9000),
             N(node_name="Adam", op_type="NoOp", all_end_rel_micros=250)]
    stats = N(dev_stats=[N(node_stats=nodes[:2]), N(node_stats=nodes[2:])])
    assert split_ms(stats) == {"fwd": 1.5, "bwd": 0.5, "upd": 0.25}


def test_busy_cores_start_and_stop() -> None:  # the plain API (no kind)
    with load.busy_cores(1) as procs:
        assert len(procs) == 1 and procs[0].is_alive()
    assert not procs[0].is_alive()


@pytest.mark.parametrize("cores, seconds", [(0, 1.0), (-1, 1.0), (1, -0.5)])
def test_bad_arguments(cores: int, seconds: float) -> None:
    with pytest.raises(ValueError, match="must be >= "):
        load.start(cores, seconds)
