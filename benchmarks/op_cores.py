"""How many cores each op of a training step keeps busy: per step of the compiled plan,
the median wall and process-CPU time over a number of steps, their ratio, and the wall
time spent in steps that used about one core (where the second core idles).

    python -m benchmarks.op_cores --only deep_mnist,cifar10,mlp --steps 40
    python -m benchmarks.op_cores --only mlp --top 10

Each plan step (one op, or a fused pair) is wrapped in ``time.perf_counter`` and
``time.process_time`` (a few µs per step), so the sum of the steps is a little above a
plain step. The CPU time is the whole process's, so a step's ratio counts its kernel
threads; another process taking a core shows as ratios near 1 (the chunked kernels then
run in the calling thread): read the load line, and compare runs of a quiet machine.
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import sys
import time
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import trainkit as tk  # noqa: E402
from benchmarks import inter_op_blocks  # noqa: E402
from trainkit.ops import parallel  # noqa: E402

#: a step using fewer cores than this counts as single-core
ONE_CORE = 1.25


def _plan_of(sess: Any, train: Any) -> Any:
    for entry in sess._cache.values():  # noqa: SLF001 - a benchmark's look inside
        if train in entry.spec.targets:
            return entry.plan
    raise LookupError("no compiled plan runs the training op")


def profile(name: str, steps: int, quick: bool = False) -> list[tuple]:
    """``(wall ms, cpu ms, op type, op name)`` per plan step of one training step of
    workload ``name`` (medians over ``steps`` steps), and prints the summary lines."""
    g, x, y, loss, train, init, batches = inter_op_blocks._graph(name, quick)
    cfg = tk.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
    with tk.Session(graph=g, config=cfg) as sess:
        for op in init:
            sess.run(op)
        fetches = [train, loss]

        def run(i: int) -> None:
            xb, yb = batches[i % len(batches)]
            sess.run(fetches, {x: xb, y: yb})
        for i in range(3 if quick else 10):
            run(i)
        clock, cpu_clock = time.perf_counter, time.process_time
        plain_w, plain_c = [], []
        for i in range(steps):
            t0, c0 = clock(), cpu_clock()
            run(i)
            plain_w.append(clock() - t0)
            plain_c.append(cpu_clock() - c0)
        plan = _plan_of(sess, train)
        rec: list[list[tuple[float, float]]] = [[] for _ in plan.steps]

        def timed(i: int, step: Any) -> Any:
            out = rec[i]

            def run_step(v: list) -> None:
                c0, t0 = cpu_clock(), clock()
                step(v)
                t1, c1 = clock(), cpu_clock()
                out.append((t1 - t0, c1 - c0))
            return run_step
        original, quick = list(plan.steps), list(plan.quick_steps)
        # every step timed, the do-nothing ones too (an untraced run skips them)
        plan.steps = plan.quick_steps = [timed(i, s) for i, s in enumerate(original)]
        try:
            for i in range(steps):
                run(i)
        finally:
            plan.steps, plan.quick_steps = original, quick
    rows = []
    for i, r in enumerate(rec):
        op, fused = plan.ops[i], plan.fused.get(i)
        rows.append((statistics.median(a for a, _ in r) * 1e3,
                     statistics.median(b for _, b in r) * 1e3,
                     op.type if fused is None else fused.kernel_type, op.name))
    wall, cpu = statistics.median(plain_w) * 1e3, statistics.median(plain_c) * 1e3
    one = sum(w for w, c, *_ in rows if c < ONE_CORE * w)
    print(f"### {name}: step {wall:.2f} ms wall, {cpu:.2f} ms CPU ({cpu / wall:.2f} cores); "
          f"plan steps {sum(r[0] for r in rows):.2f} ms, of which {one:.2f} ms at "
          f"< {ONE_CORE} cores")
    return rows


def report(rows: list[tuple], top: int) -> None:
    """Prints the op types and the single ops taking the most wall time."""
    by_type: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0, 0])
    for w, c, t, _ in rows:
        e = by_type[t]
        e[0] += w
        e[1] += c
        e[2] += 1
    print("| op type | count | wall ms | CPU ms | cores |\n|---|---|---|---|---|")
    for t, (w, c, k) in sorted(by_type.items(), key=lambda kv: -kv[1][0])[:top]:
        print(f"| {t} | {k} | {w:.3f} | {c:.3f} | {c / max(w, 1e-9):.2f} |")
    print("\n| op | type | wall ms | CPU ms | cores |\n|---|---|---|---|---|")
    for w, c, t, n in sorted(rows, reverse=True)[:top]:
        print(f"| {n} | {t} | {w:.3f} | {c:.3f} | {c / max(w, 1e-9):.2f} |")
    print()


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.op_cores")
    p.add_argument("--only", default="deep_mnist,cifar10,mlp")
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--top", type=int, default=15)
    p.add_argument("--kernel-threads", type=int, default=2)
    p.add_argument("--quick", action="store_true", help="tiny sizes, 2 steps (a smoke run)")
    args = p.parse_args(argv)
    if args.quick:
        args.steps = 2
    parallel.set_kernel_threads(args.kernel_threads)
    print(f"load before: {os.getloadavg()}; kernel threads {args.kernel_threads}\n")
    for name in args.only.split(","):
        report(profile(name, args.steps, args.quick), args.top)
    print(f"load after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
