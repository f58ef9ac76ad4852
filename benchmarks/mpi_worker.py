"""Runs under ``mpiexec`` for bench_allreduce: ``python -m mpi4py -m benchmarks.mpi_worker
MODE CONFIG_JSON``; rank 0 prints ``MPI_RESULT {json}``.

MODE ``trainkit``: a ``hvd.allreduce`` graph op (Sum) through ``Session.run`` per size;
MODE ``raw``: mpi4py's blocking ``comm.Allreduce(src, dst)`` of the same preallocated
buffer (the floor);
MODE ``mlp``: steps/s of the quickstart MLP with ``DistributedOptimizer``, the time inside
the fused gradient allreduce counted as communication;
MODE ``paired`` (run by hand, not by the harness): the ``trainkit`` and ``raw`` calls of
each size alternated call by call in ONE job, so both see the same load; prints the
medians and the median paired difference. On a shared machine this is the steadier
overhead figure: ``mpiexec -n 2 python -m mpi4py -m benchmarks.mpi_worker paired
'{"seconds": 2}'``.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np

SIZES = {"1k": 1 << 10, "64k": 1 << 16, "1m": 1 << 20, "16m": 1 << 24}  # bytes


def _time(fn, budget: float, barrier) -> float:
    """Median seconds per call over 5 timed batches (each batch started together). The
    batch length is fixed by one timed call, the same on every rank (collectives!)."""
    fn()
    barrier()
    t0 = time.perf_counter()
    fn()
    n = max(3, min(2000, int(budget / 5 / max(time.perf_counter() - t0, 1e-6))))
    n = n // 64 * 64 if n > 64 else n  # every rank the same: rounded, then agreed below
    n = barrier(n)
    samples = []
    for _ in range(5):
        barrier()
        t = time.perf_counter()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter() - t) / n)
    return float(np.median(samples))


def _waiter(MPI):  # noqa: N803 - the module's name
    from types import SimpleNamespace

    from trainkit.distributed import collectives

    ctx = SimpleNamespace(timeout=120.0, mpi=MPI, broken=None)
    return lambda req: collectives.wait(ctx, req, "benchmark")


def allreduce(mode: str, quick: bool) -> dict:
    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    wait = _waiter(MPI)

    def barrier(n: int = 0) -> int:
        """Synchronizes the ranks; returns the largest ``n`` of all ranks."""
        buf = np.array([n], np.int64)
        wait(comm.Iallreduce(MPI.IN_PLACE, buf, MPI.MAX))
        return int(buf[0])
    budget = 0.05 if quick else 1.0
    out = {}
    for key, nbytes in SIZES.items():
        src = np.full(nbytes // 4, 1.0 + comm.Get_rank(), np.float32)
        if mode == "raw":
            dst = np.empty_like(src)
            sec = _time(lambda s=src, d=dst: comm.Allreduce(s, d), budget, barrier)
            check = dst
        else:
            fn, sess, op = _allreduce_op(src)
            sec = _time(fn, budget, barrier)
            check = sess.run(op)
        if not np.all(check == 1.0 + 2.0):
            raise AssertionError(f"{mode} allreduce of {key} gave {check[:3]}")
        out[f"ar_{key}_us"] = sec * 1e6
        if key == "16m":
            out["ar_16m_gbs"] = nbytes / sec / 1e9
    return out


def _allreduce_op(src: np.ndarray):
    """A ``hvd.allreduce`` (Sum) op of a variable holding ``src``: (callable, session, op)."""
    import trainkit as tf
    import trainkit.distributed as hvd

    hvd.init()
    g = tf.Graph()
    with g.as_default():
        v = tf.Variable(src)
        op = hvd.allreduce(v, op=hvd.Sum)
        sess = tf.Session(graph=g)
        sess.run(v.initializer)
        return sess.make_callable(op.op), sess, op  # run it, fetch nothing (no copy out)


def paired(seconds: float) -> dict:
    """trainkit's op and the raw call of each size, alternated call by call (so both see
    the same load), for about ``seconds`` per size: medians and the median paired
    difference (trainkit minus raw), in µs."""
    from mpi4py import MPI

    comm = MPI.COMM_WORLD
    out = {}
    for key, nbytes in SIZES.items():
        src = np.full(nbytes // 4, 1.0 + comm.Get_rank(), np.float32)
        dst = np.empty_like(src)
        fn, sess, op = _allreduce_op(src)
        fn()
        t = time.perf_counter()
        fn()
        n = comm.allreduce(max(20, int(seconds / 2 / (time.perf_counter() - t))), MPI.MAX)
        raw, tk = np.empty(n), np.empty(n)
        comm.Barrier()
        for i in range(n):
            t = time.perf_counter()
            comm.Allreduce(src, dst)
            t1 = time.perf_counter()
            fn()
            raw[i], tk[i] = t1 - t, time.perf_counter() - t1
        if not (np.all(dst == 3.0) and np.all(sess.run(op) == 3.0)):
            raise AssertionError(f"paired allreduce of {key} gave wrong sums")
        out[key] = {"calls": n, "raw_us": float(np.median(raw) * 1e6),
                    "trainkit_us": float(np.median(tk) * 1e6),
                    "paired_diff_us": float(np.median(tk - raw) * 1e6)}
    return out


def mlp(quick: bool) -> dict:
    import trainkit as tf
    import trainkit.distributed as hvd
    from trainkit.distributed import collectives

    hvd.init()
    spent = [0.0]
    inner = collectives.allreduce

    def timed(*args, **kwargs):
        t = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - t

    collectives.allreduce = timed  # the kernel looks it up on every call
    rng = np.random.RandomState(hvd.rank())
    x = rng.rand(64, 64).astype(np.float32)
    y = rng.randint(0, 10, 64)
    xs = tf.placeholder(tf.float32, [None, 64])
    ys = tf.placeholder(tf.int64, [None])
    h = tf.layers.dense(tf.layers.dense(xs, 512, tf.nn.relu), 256, tf.nn.relu)
    loss = tf.losses.sparse_softmax_cross_entropy(ys, tf.layers.dense(h, 10))
    opt = hvd.DistributedOptimizer(tf.train.AdamOptimizer(0.002))
    train = opt.minimize(loss)
    steps = 20 if quick else 200
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(hvd.broadcast_global_variables(0))
        fn = sess.make_callable(train, feed_list=[xs, ys])
        for _ in range(5):
            fn(x, y)
        hvd.allgather_object(0)  # start together
        spent[0] = 0.0
        t = time.perf_counter()
        for _ in range(steps):
            fn(x, y)
        total = time.perf_counter() - t
    n = hvd.size()
    return {f"mlp_{n}rank_steps_s": steps / total,
            f"mlp_{n}rank_comm_ms": spent[0] / steps * 1e3,
            f"mlp_{n}rank_compute_ms": (total - spent[0]) / steps * 1e3}


def main() -> None:
    mode, cfg = sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    if mode == "paired":
        result = paired(float(cfg.get("seconds", 2.0)))
    elif mode == "mlp":
        result = mlp(cfg.get("quick", False))
    else:
        result = allreduce(mode, cfg.get("quick", False))
    from mpi4py import MPI

    if MPI.COMM_WORLD.Get_rank() == 0:
        print("MPI_RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
