"""Run the benchmark suite: ``python -m benchmarks`` or ``python benchmarks/run.py``.

Every (benchmark, implementation, repetition) runs in a fresh child process with
the interpreter that has the implementation's library (TF and PyTorch live in their
own virtualenvs), the repository root on ``PYTHONPATH`` and the same thread count.
Implementations alternate within each repetition. Prints Markdown tables of median
[min-max] and ratios to each peer, and writes JSON lines to ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

if not __package__:  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dataclasses  # noqa: E402

from benchmarks import load, machine, report  # noqa: E402
from benchmarks.child import MARKER  # noqa: E402
from benchmarks.registry import BENCHMARKS, IMPLS, Benchmark, by_name  # noqa: E402
from benchmarks.timing import thread_env  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO / "benchmarks" / "results"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    p.add_argument("--only", action="append", default=[], metavar="NAME",
                   help="run only these benchmarks (repeat or comma-separate); known: "
                   + ", ".join(b.name for b in BENCHMARKS))
    p.add_argument("--impls", default=",".join(IMPLS),
                   help="comma-separated implementations to run (default: all)")
    p.add_argument("--no-peers", action="store_true",
                   help="run trainkit and the NumPy ceiling only (no TF / PyTorch)")
    p.add_argument("--reps", type=int, default=None,
                   help="repetitions (default 5, or 1 with --quick)")
    p.add_argument("--quick", action="store_true",
                   help="tiny sizes and short timings (smoke test; numbers meaningless)")
    p.add_argument("--threads", type=int, default=2, help="threads for every library")
    p.add_argument("--tf-python", default=None, help="interpreter with tensorflow")
    p.add_argument("--torch-python", default=None, help="interpreter with torch")
    p.add_argument("--out", default=None, help="JSON-lines output path "
                   "(default benchmarks/results/<timestamp>.jsonl)")
    p.add_argument("--markdown", default=None, metavar="PATH",
                   help="also write the machine description and tables to PATH")
    p.add_argument("--timeout", type=float, default=900.0, help="seconds per child run")
    p.add_argument("--wait-idle", type=float, default=None, metavar="S",
                   help="before each child run, wait up to S seconds for the CPUs to be "
                   "< 20%% busy (default 30; 0 with --quick)")
    p.add_argument("--busy-cores", type=int, default=0, metavar="N",
                   help="run every child while N other processes spin (benchmarks/load.py); "
                   "targets that differ under load apply")
    p.add_argument("--busy-kind", choices=load.KINDS, default="numpy",
                   help="what the busy processes spin on (default numpy)")
    p.add_argument("--profile", default=None, metavar="DIR",
                   help="cProfile the trainkit runs into DIR and print the top costs")
    args = p.parse_args(argv)
    if args.reps is None:
        args.reps = 1 if args.quick else 5
    if args.wait_idle is None:
        args.wait_idle = 0.0 if args.quick else 30.0
    if args.profile and Path(args.profile).exists() and not Path(args.profile).is_dir():
        p.error(f"--profile {args.profile!r} exists and is not a directory")
    if args.busy_cores < 0:
        p.error(f"--busy-cores must be >= 0, got {args.busy_cores}")
    if args.reps < 1:
        p.error(f"--reps must be >= 1, got {args.reps}")
    names = [n for item in args.only for n in item.split(",") if n]
    try:
        args.benches = [by_name(n) for n in names] if names else list(BENCHMARKS)
    except KeyError as exc:
        p.error(str(exc.args[0]))
    impls = [i for i in args.impls.split(",") if i]
    unknown = [i for i in impls if i not in IMPLS]
    if unknown:
        p.error(f"unknown implementation(s) {unknown}; known: {', '.join(IMPLS)}")
    if args.no_peers:
        impls = [i for i in impls if i in ("trainkit", "numpy")]
    args.impl_list = [i for i in IMPLS if i in impls]
    return args


def interpreters(args: argparse.Namespace) -> dict[str, str | None]:
    """The interpreter for each implementation (None: library not installed)."""
    wanted = set(args.impl_list)
    return {"trainkit": sys.executable, "numpy": sys.executable,
            "tf1": (args.tf_python or machine.find_python("tensorflow", "tf"))
            if "tf1" in wanted else None,
            "torch": (args.torch_python or machine.find_python("torch", "torch"))
            if "torch" in wanted else None}


def run_child(python: str, spec: str, cfg: dict[str, Any], threads: int,
              timeout: float, profile: str | None = None) -> dict[str, Any]:
    """Run one implementation in a fresh process; returns ``{"values"}`` or ``{"error"}``."""
    env = dict(os.environ)
    env.update(thread_env(threads))
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    cmd = [python, "-m", "benchmarks.child", spec, json.dumps(cfg)]
    if profile:
        cmd.append(profile)
    try:
        proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARKER):
            result = json.loads(line[len(MARKER):])
            if "error" in result:
                return {"error": result["error"]}
            info = result.pop("info", {})
            return {"values": result, "info": info}
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return {"error": f"child exited with {proc.returncode}: {tail}"}


def run_benchmark(bench: Benchmark, args: argparse.Namespace,
                  pythons: dict[str, str | None], sink: Any) -> list[dict[str, Any]]:
    """All repetitions of one benchmark, implementations alternating; returns samples."""
    cfg = {"quick": args.quick}
    impls = [i for i in args.impl_list if i in bench.impls]
    samples: list[dict[str, Any]] = []
    dead: dict[str, str] = {}
    for impl in impls:
        if pythons[impl] is None:
            dead[impl] = "not installed (no interpreter with it found; see --tf-python / " \
                         "--torch-python)"
    for rep in range(args.reps):
        for impl in impls:
            if impl in dead:
                if rep == 0:
                    samples.append(_record(bench, impl, rep, {"error": dead[impl]}, sink))
                continue
            profile = None
            if args.profile and impl == "trainkit":
                Path(args.profile).mkdir(parents=True, exist_ok=True)
                profile = str(Path(args.profile) / f"{bench.name}-{rep}.prof")
            busy = machine.wait_idle(args.wait_idle) if args.wait_idle > 0 else None
            t0 = time.perf_counter()
            with load.busy(args.busy_cores, args.busy_kind):
                res = run_child(pythons[impl], bench.impls[impl], cfg, args.threads,
                                args.timeout, profile)
            res["seconds"] = time.perf_counter() - t0
            res["cpu_busy_before"] = busy
            if "error" in res:
                dead[impl] = res["error"]  # deterministic failure: do not retry
            samples.append(_record(bench, impl, rep, res, sink))
            status = "error" if "error" in res else "ok"
            note = "" if busy is None else f", cpu busy before {busy:.0%}"
            print(f"  [{bench.name}] rep {rep + 1}/{args.reps} {impl}: {status} "
                  f"({res['seconds']:.1f} s{note})", file=sys.stderr, flush=True)
    return samples


def _record(bench: Benchmark, impl: str, rep: int, res: dict[str, Any], sink: Any
            ) -> dict[str, Any]:
    rec = {"type": "sample", "bench": bench.name, "impl": impl, "rep": rep, **res}
    sink.write(json.dumps(rec) + "\n")
    sink.flush()
    return rec


def _load_note(samples: list[dict[str, Any]]) -> str:
    busy = sorted(s["cpu_busy_before"] for s in samples
                  if s.get("cpu_busy_before") is not None)
    if not busy:
        return ""
    med = busy[len(busy) // 2]
    return (f"\nCPU busy (other processes) just before the runs: median {med:.0%}, "
            f"max {busy[-1]:.0%}{' -- NOISY' if med > 0.3 else ''}\n")


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks; returns the process exit code."""
    args = parse_args(argv)
    pythons = interpreters(args)
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path(args.out) if args.out else RESULTS_DIR / f"{stamp}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    desc = machine.describe(pythons, args.threads)
    desc.update({"quick": args.quick, "reps": args.reps,
                 "busy_cores": f"{args.busy_cores} ({args.busy_kind} spin, benchmarks/load.py)"
                 if args.busy_cores else 0})
    md = ["## Machine", "", machine.markdown(desc), "", report.LEGEND, ""]
    print("\n".join(md))
    with out.open("w", encoding="utf-8") as sink:
        sink.write(json.dumps({"type": "machine", **desc}) + "\n")
        for bench in args.benches:
            if args.busy_cores:
                bench = dataclasses.replace(
                    bench, targets=tuple(t.under_load() for t in bench.targets))
            samples = run_benchmark(bench, args, pythons, sink)
            summary = report.summarize(bench, samples)
            for rec in summary:
                sink.write(json.dumps(rec) + "\n")
            text = report.table(bench, summary, args.impl_list) + _load_note(samples)
            print(text, flush=True)
            md.append(text)
            if args.profile:
                machine.print_profiles(Path(args.profile), bench.name)
    desc_end = {"type": "end", "loadavg_end": machine.loadavg()}
    with out.open("a", encoding="utf-8") as sink:
        sink.write(json.dumps(desc_end) + "\n")
    md.insert(3, f"- loadavg at end: {desc_end['loadavg_end']}")
    print(f"results: {out}")
    if args.markdown:
        cmd = " ".join(["python -m benchmarks", *(argv if argv is not None else sys.argv[1:])])
        head = ["# trainkit benchmark results", "", f"Command: `{cmd}` (see README.md).", ""]
        Path(args.markdown).write_text("\n".join(head + md), encoding="utf-8")
        print(f"markdown: {args.markdown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
