"""Run by test_aggregation.py on 2 ranks: backward_passes_per_step=2 equals one process
that applies the gradient of both ranks' batches of both passes every second run."""

from __future__ import annotations

import numpy as np

import trainkit as tf
import trainkit.distributed as hvd

hvd.init()
R, N = hvd.rank(), hvd.size()
B, RUNS, LR = 3, 6, 0.1
rng = np.random.RandomState(11)
X, Y = rng.randn(RUNS, N * B, 4), rng.randn(RUNS, N * B, 1)
W0 = rng.randn(4, 1)


def model(x, y, w):
    return tf.reduce_mean(tf.square(tf.matmul(x, w) - y)) / 2.0


def distributed(kind):
    """Weights after every run on this rank (its rows of each run's batch)."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float64, [None, 4])
        y = tf.placeholder(tf.float64, [None, 1])
        w = tf.Variable(W0 + R, name="w")  # ranks start apart: the broadcast fixes it
        step = tf.train.get_or_create_global_step()
        if kind == "gd":
            opt = hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(LR),
                                           backward_passes_per_step=2)
            loss = model(x, y, w)
        else:  # Sum of (loss / size) == Average; mean of the two passes
            opt = hvd.DistributedOptimizer(tf.train.AdamOptimizer(LR), op=hvd.Sum,
                                           backward_passes_per_step=2,
                                           average_aggregated_gradients=True)
            loss = model(x, y, w) / N
        train_op = opt.minimize(loss, global_step=step)
        fused = [op for op in graph.get_operations() if op.type == "TkMpiAllreduce"]
        assert len(fused) == 1, fused
        out = []
        with tf.train.MonitoredSession(hooks=[hvd.BroadcastGlobalVariablesHook(0)]) as sess:
            for t in range(RUNS):
                rows = slice(R * B, (R + 1) * B)
                sess.run(train_op, {x: X[t, rows], y: Y[t, rows]})
                out.append(sess.run(w))
            assert sess.run(step) == RUNS
    return out


def numpy_gd():
    w, acc, out = W0.copy(), np.zeros_like(W0), []
    for t in range(RUNS):
        acc += X[t].T @ (X[t] @ w - Y[t]) / (N * B)  # mean over both ranks' rows
        if t % 2 == 1:
            w, acc = w - LR * acc, np.zeros_like(W0)
        out.append(w.copy())
    return out


def one_process_adam():
    """Plain Adam, one process, every second run on the mean of both passes' losses
    over the combined batches."""
    graph = tf.Graph()
    with graph.as_default():
        xs = [tf.placeholder(tf.float64, [None, 4]) for _ in range(2)]
        ys = [tf.placeholder(tf.float64, [None, 1]) for _ in range(2)]
        w = tf.Variable(W0, name="w")
        loss = (model(xs[0], ys[0], w) + model(xs[1], ys[1], w)) / 2.0
        train_op = tf.train.AdamOptimizer(LR).minimize(loss)
        out = []
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for t in range(RUNS):
                if t % 2 == 1:
                    sess.run(train_op, {xs[0]: X[t - 1], ys[0]: Y[t - 1], xs[1]: X[t],
                                        ys[1]: Y[t]})
                out.append(sess.run(w))
    return out


for kind, ref in (("gd", numpy_gd()), ("adam", one_process_adam())):
    got = distributed(kind)
    for t in range(RUNS):
        np.testing.assert_allclose(got[t], ref[t], rtol=1e-9, atol=1e-12,
                                   err_msg=f"{kind} run {t}")
        if t % 2 == 0:
            prev = W0 if t == 0 else got[t - 1]
            np.testing.assert_array_equal(got[t], prev)  # accumulate run: no change
    everyone = hvd.allgather_object(b"".join(a.tobytes() for a in got))
    assert everyone[0] == everyone[1], f"{kind}: weights differ between ranks"

lines = hvd.allgather_object(f"JOB OK rank {R}")
if R == 0:
    print(" | ".join(lines), flush=True)
