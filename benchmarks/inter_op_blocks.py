"""In-process A/B of ``inter_op_parallelism_threads``: two sessions on one graph (same
weights, same batches), one per setting, alternating in short blocks of steps so that
load arriving from other processes hits both alike. Per setting: the median wall and
process-CPU milliseconds per step over the blocks, and what the inter-op scheduler
decided for the training plan (``sequential`` or the number of steps it offloads).

    python -m benchmarks.inter_op_blocks --only mlp,autoencoder,deep_mnist,lstm
    python -m benchmarks.inter_op_blocks --only mlp --busy-cores 1

Both settings train the same model from the same start, so their losses must agree
bitwise; the script checks that too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import trainkit as tk  # noqa: E402
from benchmarks import bench_lstm, bench_mlp, load, models  # noqa: E402
from trainkit.ops import parallel  # noqa: E402


def _graph(name: str, quick: bool = False) -> tuple[Any, Any, Any, Any, Any, list, list]:
    """(graph, x, y, loss, train_op, init ops, batches) of a workload."""
    if name == "mlp":
        prob = bench_mlp.problem({"quick": quick})
        g = tk.Graph()
        with g.as_default():
            x = tk.placeholder(tk.float32, [None, prob.sizes[0]])
            y = tk.placeholder(tk.float32, [None, prob.sizes[-1]])
            loss, train = bench_mlp.model(tk, prob, x, y)
            init = [tk.global_variables_initializer()]
        return g, x, y, loss, train, init, prob.batches()
    if name == "lstm":
        prob = bench_lstm.problem({"quick": quick})
        g, x, y, loss, train, init, _ = bench_lstm.build(tk, prob, "dynamic")
        return g, x, y, loss, train, list(init), prob.batches()
    prob = models.PROBLEMS[name](quick=quick)
    net = models.build(tk, prob)
    return net.graph, net.x, net.y, net.loss, net.train_op, [net.init], prob.batches()


def _decision(sess: Any, train: Any) -> str:
    """What the inter-op scheduler chose for the plan running ``train``."""
    for entry in sess._cache.values():  # noqa: SLF001 - a benchmark's look inside
        if train in entry.spec.targets:
            conc = entry.plan.conc
            if conc is None:
                return "sequential"
            sched = getattr(conc, "schedule", conc)
            mode = "" if conc is sched else (", running concurrently" if conc.concurrent
                                             else ", running sequentially")
            return f"{getattr(sched, 'offloaded', '?')} offloaded{mode}"
    return "?"


def ab(name: str, settings: list[int], blocks: int, steps: int, quick: bool = False) -> None:
    """Runs the A/B of one workload and prints its rows."""
    g, x, y, loss, train, init, batches = _graph(name, quick)
    sessions = []
    for s in settings:
        cfg = tk.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=s)
        sess = tk.Session(graph=g, config=cfg)
        for op in init:
            sess.run(op)
        sessions.append(sess)
    fetches = [train, loss]
    pos = [0] * len(settings)
    losses: list[list[float]] = [[] for _ in settings]

    def run(k: int, n: int) -> None:
        for _ in range(n):
            xb, yb = batches[pos[k] % len(batches)]
            pos[k] += 1
            losses[k].append(float(sessions[k].run(fetches, {x: xb, y: yb})[1]))

    for k in range(len(settings)):
        run(k, 5)  # compile, probe, decide
    wall: list[list[float]] = [[] for _ in settings]
    cpu: list[list[float]] = [[] for _ in settings]
    for b in range(blocks):
        order = range(len(settings)) if b % 2 == 0 else reversed(range(len(settings)))
        for k in order:
            t0, c0 = time.perf_counter(), time.process_time()
            run(k, steps)
            wall[k].append((time.perf_counter() - t0) / steps * 1e3)
            cpu[k].append((time.process_time() - c0) / steps * 1e3)
    same = all(a == losses[0] for a in losses)
    print(f"| {name} | " + " | ".join(
        f"{statistics.median(wall[k]):.2f} / {statistics.median(cpu[k]):.2f} "
        f"({_decision(sessions[k], train)})" for k in range(len(settings)))
        + f" | {statistics.median(wall[1]) / statistics.median(wall[0]):.3f} | "
        f"{'yes' if same else 'NO'} |", flush=True)
    for sess in sessions:
        sess.close()


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    p = argparse.ArgumentParser(prog="python -m benchmarks.inter_op_blocks")
    p.add_argument("--only", default="mlp,autoencoder,deep_mnist,lstm")
    p.add_argument("--settings", default="1,2")
    p.add_argument("--blocks", type=int, default=10)
    p.add_argument("--steps", type=int, default=0, help="steps per block (0: by workload)")
    p.add_argument("--kernel-threads", type=int, default=2)
    p.add_argument("--busy-cores", type=int, default=0)
    p.add_argument("--quick", action="store_true", help="tiny sizes, 2 blocks (a smoke run)")
    args = p.parse_args(argv)
    if args.quick:
        args.blocks, args.steps = 2, 2
    parallel.set_kernel_threads(args.kernel_threads)
    settings = [int(s) for s in args.settings.split(",")]
    default_steps = {"deep_mnist": 3, "lstm": 5}
    print(f"load before: {os.getloadavg()}; busy cores {args.busy_cores}; "
          f"numpy {np.__version__}")
    print("| workload | " + " | ".join(f"inter_op={s}: wall / CPU ms per step"
                                       for s in settings)
          + " | wall ratio | same losses |")
    print("|---" * (len(settings) + 3) + "|")
    with load.busy(args.busy_cores, "numpy"):
        for name in args.only.split(","):
            ab(name, settings, args.blocks,
               args.steps or default_steps.get(name.split(":")[0], 20), args.quick)
    print(f"load after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
