"""A/B of trainkit's ``inter_op_parallelism_threads``: the same benchmarks run with each
setting, alternating in one run, fresh process per sample (``TK_BENCH_INTER_OP``, read
by ``graph_api.session_config``), optionally beside TF1 and with busy cores.

    python -m benchmarks.inter_op_ab --only mlp,autoencoder --settings 1,2 --reps 3
    python -m benchmarks.inter_op_ab --only deep_mnist --busy-cores 1

Prints, per benchmark and value, the median [min-max] of every setting and the ratio
of each setting to the first (> 1: faster, for rates; for times and CPU ms, < 1 is
faster). CPU rows (``*_cpu_ms``) are the process CPU time per step.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Any

from benchmarks import load, machine
from benchmarks.registry import by_name
from benchmarks.run import interpreters, run_child


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.inter_op_ab")
    p.add_argument("--only", required=True, help="comma-separated benchmark names")
    p.add_argument("--settings", default="1,2", help="inter-op thread counts to compare")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--tf1", action="store_true", help="also run TF1 each repetition")
    p.add_argument("--busy-cores", type=int, default=0)
    p.add_argument("--wait-idle", type=float, default=20.0)
    p.add_argument("--timeout", type=float, default=900.0)
    p.add_argument("--quick", action="store_true", help="tiny sizes (a smoke run)")
    args = p.parse_args(argv)
    if args.quick:
        args.wait_idle = 0.0
    args.impls = ["trainkit", "tf1"] if args.tf1 else ["trainkit"]
    args.no_peers = False
    args.tf_python = args.torch_python = None
    args.impl_list = args.impls
    return args


def _cell(vals: list[float]) -> str:
    if not vals:
        return "-"
    return f"{statistics.median(vals):.4g} [{min(vals):.4g}-{max(vals):.4g}]"


def main(argv: list[str] | None = None) -> int:
    """Runs the A/B and prints one table per benchmark."""
    args = _args(argv)
    settings = [s for s in args.settings.split(",") if s]
    pythons = interpreters(args)
    for name in args.only.split(","):
        bench = by_name(name)
        arms = [(f"inter_op={s}", "trainkit", s) for s in settings]
        if args.tf1 and "tf1" in bench.impls and pythons.get("tf1"):
            arms.append(("tf1", "tf1", None))
        samples: dict[str, list[dict[str, Any]]] = {a[0]: [] for a in arms}
        busy_seen: list[float] = []
        for rep in range(args.reps):
            for label, impl, setting in arms:
                if setting is not None:
                    os.environ["TK_BENCH_INTER_OP"] = setting
                busy = machine.wait_idle(args.wait_idle) if args.wait_idle > 0 else None
                if busy is not None:
                    busy_seen.append(busy)
                t0 = time.perf_counter()
                with load.busy(args.busy_cores, "numpy"):
                    res = run_child(pythons[impl], bench.impls[impl], {"quick": args.quick},
                                    args.threads, args.timeout)
                os.environ.pop("TK_BENCH_INTER_OP", None)
                print(f"  [{name}] rep {rep + 1} {label}: "
                      f"{'error ' + res['error'] if 'error' in res else 'ok'} "
                      f"({time.perf_counter() - t0:.1f} s)", file=sys.stderr, flush=True)
                if "values" in res:
                    samples[label].append(res["values"])
        keys = sorted({k for v in samples.values() for s in v for k in s})
        busy_note = (f", CPU busy before runs: median {statistics.median(busy_seen):.0%}"
                     if busy_seen else "")
        print(f"\n### {name} (busy cores {args.busy_cores}, {args.reps} reps{busy_note})\n")
        labels = [a[0] for a in arms]
        print("| value | " + " | ".join(labels) + f" | {labels[-1 if len(settings) < 2 else 1]}"
              f" / {labels[0]} |")
        print("|---" * (len(labels) + 2) + "|")
        for k in keys:
            cols = [[s[k] for s in samples[lb] if isinstance(s.get(k), int | float)]
                    for lb in labels]
            base, other = cols[0], cols[1] if len(cols) > 1 else []
            ratio = (f"{statistics.median(other) / statistics.median(base):.3f}"
                     if base and other and statistics.median(base) else "-")
            print(f"| {k} | " + " | ".join(_cell(c) for c in cols) + f" | {ratio} |")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
