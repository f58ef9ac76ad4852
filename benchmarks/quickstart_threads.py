"""The README's quickstart under each BLAS thread setting, with the machine as it is
("idle") and with every core kept busy by :mod:`benchmarks.load`.

Each repetition runs every setting once, in turn, as a fresh ``trainkit train``
process (fresh run directory, no progress bar), and the table shows the median training
time (the CLI's own "in X s") with min-max. Settings: ``default`` (no flag: what a user
gets), and ``--threads N`` for N = 1 .. cores. Before trainkit chose the count, the
default was OpenBLAS's own: one thread per core, i.e. the ``--threads <cores>`` row.

    python -m benchmarks.quickstart_threads --steps 300 --reps 3
    python -m benchmarks.quickstart_threads --conditions load --reps 5

The thread-count environment variables are removed from the children's environment, so
the ``default`` row is trainkit's choice.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.load import busy_cores

REPO = Path(__file__).resolve().parents[1]
_SECONDS = re.compile(r" in ([0-9.]+) s, ")
_ENV_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
             "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


def run_once(setting: str, steps: int, workdir: Path) -> float:
    """Training seconds of one quickstart run with ``setting`` ("default" or a count).

    Raises:
        RuntimeError: if the run fails or prints no time.
    """
    env = {k: v for k, v in os.environ.items() if k not in _ENV_VARS}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    logdir = tempfile.mkdtemp(dir=workdir)
    cmd = [sys.executable, "-m", "trainkit", "train", str(REPO / "configs/quickstart.toml"),
           "--set", f"run.steps={steps}", "--logdir", logdir, "--no-progress"]
    if setting != "default":
        cmd += ["--threads", setting]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    m = _SECONDS.search(r.stdout)
    if r.returncode != 0 or m is None:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr[-500:]}")
    return float(m.group(1))


def measure(settings: list[str], steps: int, reps: int, workdir: Path
            ) -> dict[str, list[float]]:
    """``reps`` rounds, each running every setting once in turn."""
    out: dict[str, list[float]] = {s: [] for s in settings}
    for i in range(reps):
        order = settings if i % 2 == 0 else settings[::-1]  # alternate the order too
        for s in order:
            out[s].append(run_once(s, steps, workdir))
    return out


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def main(argv: list[str] | None = None) -> int:
    """Prints one Markdown table per condition."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.quickstart_threads")
    p.add_argument("--steps", type=int, default=300)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--conditions", nargs="+", default=["idle", "load"],
                   choices=["idle", "load"])
    a = p.parse_args(argv)
    cores = os.cpu_count() or 1
    settings = ["default", *[str(n) for n in range(1, cores + 1)]]
    print(f"quickstart, {a.steps} steps, {cores} cores, {a.reps} rounds (median [min-max] "
          "training seconds); 'load' = benchmarks.load keeping every core busy")
    with tempfile.TemporaryDirectory() as tmp:
        for cond in a.conditions:
            before = _load()
            if cond == "load":
                with busy_cores(cores):
                    res = measure(settings, a.steps, a.reps, Path(tmp))
            else:
                res = measure(settings, a.steps, a.reps, Path(tmp))
            best = min(statistics.median(v) for v in res.values())
            print(f"\n### {cond} (load average before: {before}; after: {_load()})\n")
            print("| setting | median s | min-max | vs best |")
            print("|---|---|---|---|")
            for s, v in res.items():
                med = statistics.median(v)
                label = f"--threads {s}" + (" (the old default)" if s == str(cores) else "") \
                    if s != "default" else "default (trainkit's choice)"
                print(f"| {label} | {med:.2f} | {min(v):.2f}-{max(v):.2f} | "
                      f"{med / best:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
