"""Smoke test of ``benchmarks/op_cores.py`` (``--quick``: tiny sizes, numbers
meaningless): every plan step is timed, the wrapped steps are removed again, and the
report prints its summary and tables."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_profile_times_every_plan_step_and_restores_the_plan(monkeypatch):
    from benchmarks import op_cores

    plans = []
    orig = op_cores._plan_of

    def spy(sess, train):
        p = orig(sess, train)
        plans.append((p, list(p.steps)))
        return p
    monkeypatch.setattr(op_cores, "_plan_of", spy)
    rows = op_cores.profile("mlp", 2, quick=True)
    (plan, steps), = plans
    assert len(rows) == len(plan.steps) and plan.steps == steps
    assert all(w > 0 and c >= 0 for w, c, _, _ in rows)
    assert {"MatMul", "ApplyAdam"} <= {t for _, _, t, _ in rows}


def test_command_line_prints_the_summary_and_tables():
    proc = subprocess.run([sys.executable, "-m", "benchmarks.op_cores", "--only", "mlp",
                           "--quick", "--top", "3"], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    assert "### mlp: step" in out and "cores)" in out and "| op type |" in out, out
