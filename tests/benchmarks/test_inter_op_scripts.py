"""Smoke test of the inter-op A/B scripts (``--quick``: tiny sizes, numbers meaningless)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", *args, "--quick"], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_blocks_ab_trains_both_settings_to_the_same_losses():
    out = _run("benchmarks.inter_op_blocks", "--only", "mlp,autoencoder")
    rows = [line for line in out.splitlines() if line.startswith(("| mlp", "| autoencoder"))]
    assert len(rows) == 2 and all(row.rstrip().endswith("| yes |") for row in rows), out


def test_process_ab_prints_a_table_per_benchmark():
    out = _run("benchmarks.inter_op_ab", "--only", "autoencoder", "--reps", "1")
    assert "### autoencoder" in out and "| b" in out and "inter_op=2 / inter_op=1" in out, out
