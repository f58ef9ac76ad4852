"""Run on 2 ranks by tests/distributed/test_multirank.py: every collective's values and
gradients against hand-computed numbers, then data-parallel Adam against one process.

Each rank checks its own results; a failed check raises, which aborts the job (non-zero
exit). The last line of each rank is ``JOB OK rank <r>``.
"""

from __future__ import annotations

import numpy as np

import trainkit as tf
import trainkit.distributed as hvd

hvd.init()
R, N = hvd.rank(), hvd.size()
assert N == 2, N
assert (hvd.local_size(), hvd.local_rank(), hvd.cross_size(), hvd.cross_rank()) == \
    (2, R, 1, 0)
assert hvd.is_initialized() and hvd.mpi_enabled()


def close(a, b, tol=1e-6):
    np.testing.assert_allclose(np.asarray(a, np.float64), np.asarray(b, np.float64),
                               rtol=tol, atol=tol)


# -- values ---------------------------------------------------------------------------
g = tf.Graph()
with g.as_default():
    x = tf.constant(np.arange(3, dtype=np.float32) + 1 + R)           # rank0 1,2,3 rank1 2,3,4
    i = tf.constant(np.array([10 * (R + 1)], np.int32))
    out = {
        "sum": hvd.allreduce(x, op=hvd.Sum), "avg": hvd.allreduce(x),
        "avg_flag": hvd.allreduce(x, average=True), "sum_flag": hvd.allreduce(x, average=False),
        "min": hvd.allreduce(x, op=hvd.Min), "max": hvd.allreduce(x, op=hvd.Max),
        "prod": hvd.allreduce(x, op=hvd.Product),
        "scaled": hvd.allreduce(x, op=hvd.Sum, prescale_factor=2.0, postscale_factor=3.0),
        "fp16": hvd.allreduce(x, compression=hvd.Compression.fp16),
        "grouped": hvd.grouped_allreduce([x, i], op=hvd.Sum),
        "gather": hvd.allgather(tf.constant(np.full((R + 1, 2), R, np.float32))),
        "bcast": hvd.broadcast(x, 1),
    }
    v = tf.Variable(np.full([2], float(R), np.float64))
    bv = hvd.broadcast_variables([v], root_rank=1)
    # gradients: loss_r = sum(y * (r + 1)) so dloss/dy = r + 1 on rank r
    c = float(R + 1)
    xs = tf.constant(np.ones(3, np.float32))
    grads = {
        "sum": tf.gradients(tf.reduce_sum(hvd.allreduce(xs, op=hvd.Sum) * c), xs)[0],
        "avg": tf.gradients(tf.reduce_sum(hvd.allreduce(xs) * c), xs)[0],
        "bcast": tf.gradients(tf.reduce_sum(hvd.broadcast(xs, 1) * c), xs)[0],
    }
    xg = tf.constant(np.ones((R + 1, 2), np.float32))
    grads["gather"] = tf.gradients(tf.reduce_sum(hvd.allgather(xg) * c), xg)[0]
    assert sum(op.type == "TkMpiAllreduce" for op in g.get_operations()
               if op.name.startswith("HorovodGroupedAllreduce")) == 1
    with tf.Session() as sess:
        res, gres = sess.run([out, grads])
        sess.run(v.initializer)
        sess.run(bv)
        vb = sess.run(v)
close(res["sum"], [3, 5, 7])
close(res["avg"], [1.5, 2.5, 3.5])
close(res["avg_flag"], res["avg"])
close(res["sum_flag"], res["sum"])
close(res["min"], [1, 2, 3])
close(res["max"], [2, 3, 4])
close(res["prod"], [2, 6, 12])
close(res["scaled"], [18, 30, 42])
close(res["fp16"], [1.5, 2.5, 3.5])
assert res["fp16"].dtype == np.float32
close(res["grouped"][0], [3, 5, 7])
assert res["grouped"][1].tolist() == [30] and res["grouped"][1].dtype == np.int32
close(res["gather"], [[0, 0], [1, 1], [1, 1]])
close(res["bcast"], [2, 3, 4])
close(vb, [1, 1])
close(gres["sum"], [3, 3, 3])                       # Sum of (1 + 2)
close(gres["avg"], [1.5, 1.5, 1.5])                 # Average of (1 + 2)
close(gres["bcast"], [1.5] * 3 if R == 1 else [0] * 3)
close(gres["gather"], np.full((R + 1, 2), 1.5))     # averaged, this rank's rows

# -- one op, many runs: the cached plan follows the fed shapes; results bitwise equal the
# NumPy sums of both ranks' values; an output kept from a run is never overwritten -------
def fed(rank, n):
    r = np.random.RandomState(100 * rank + n)
    return r.randn(n).astype(np.float32), r.randn(n, 2)


with tf.Graph().as_default():
    p = tf.placeholder(tf.float32, [None])
    q = tf.placeholder(tf.float64, [None, 2])
    fused = hvd.grouped_allreduce([p, q, p * 2.0], op=hvd.Sum)
    lone = hvd.allreduce(tf.transpose(q), op=hvd.Sum)    # a lone tensor, any layout
    mean = hvd.allreduce(q, op=hvd.Average)
    # packed into one buffer, exactly (no detour through float64: 2**53 + 1 survives)
    big = hvd.grouped_allreduce([tf.constant(np.array([2**53 + 1 + R], np.int64)),
                                 tf.constant(np.array([R, -R], np.int64))], op=hvd.Sum)
    with tf.Session() as sess:
        got_big = sess.run(big)
        assert got_big[0].tolist() == [2**54 + 3] and got_big[1].tolist() == [1, -1], got_big
        run = sess.make_callable([fused, lone, mean], feed_list=[p, q])
        kept = []
        for n in (5, 3, 5, 1, 5):
            got = run(*fed(R, n))
            (a0, b0), (a1, b1) = fed(0, n), fed(1, n)
            want = [a0 + a1, b0 + b1, a0 * np.float32(2) + a1 * np.float32(2)]
            for g_, w_ in zip(got[0], want):
                assert g_.dtype == w_.dtype and g_.tobytes() == w_.tobytes(), (n, g_, w_)
            assert got[1].tobytes() == np.ascontiguousarray((b0 + b1).T).tobytes(), n
            assert got[2].tobytes() == ((b0 + b1) * 0.5).tobytes(), n
            kept.append((n, [x.copy() for x in got[0]], got[0]))
        for n, copies, views in kept:
            assert all(c.tobytes() == v.tobytes() for c, v in zip(copies, views)), n


# -- fp16 compression of gradient-sized values (most are float16 subnormals): the ranks'
# float16 sum (a user-defined MPI op: MPICH's own float16 SUM crawls on subnormals) is
# bitwise NumPy's half addition, cast back to float32 ------------------------------------
with tf.Graph().as_default():
    h = tf.placeholder(tf.float32, [None])
    half = hvd.allreduce(h, op=hvd.Sum, compression=hvd.Compression.fp16)
    with tf.Session() as sess:
        for n in (7, 5000):
            x0, x1 = (fed(r, n)[0] * np.float32(1e-5) for r in (0, 1))
            got = sess.run(half, {h: (x0, x1)[R]})
            want = (x0.astype(np.float16) + x1.astype(np.float16)).astype(np.float32)
            assert got.dtype == np.float32 and got.tobytes() == want.tobytes(), n


class Slices:  # tf.IndexedSlices' fields: hvd.allreduce allgathers such gradients
    def __init__(self, values, indices, dense_shape=None):
        self.values, self.indices, self.dense_shape = values, indices, dense_shape


with tf.Graph().as_default():
    sp = hvd.allreduce(Slices(tf.constant([[float(R + 1)]] * (R + 1)), tf.constant([R] * (R + 1)),
                              [2, 1]))
    with tf.Session() as sess:
        sv, si = sess.run([sp.values, sp.indices])
close(sv, [[0.5], [1.0], [1.0]])   # rank 0's one row, rank 1's two rows, averaged: / 2
assert si.tolist() == [0, 1, 1] and sp.dense_shape == [2, 1]

obj = hvd.broadcast_object({"lr": 0.5, "t": (1, b"\x00"), "a": np.arange(3)} if R == 0
                           else None, root_rank=0)
assert obj["lr"] == 0.5 and obj["t"] == (1, b"\x00") and obj["a"].tolist() == [0, 1, 2]
assert hvd.allgather_object({"rank": R}) == [{"rank": 0}, {"rank": 1}]

# -- data-parallel Adam == one process with the whole batch ----------------------------
B, STEPS = 4, 40
data_rng = np.random.RandomState(123)
X = data_rng.randn(STEPS, N * B, 5)
Y = data_rng.randn(STEPS, N * B, 1)


def init_values(seed):
    r = np.random.RandomState(seed)
    return r.randn(5, 6) * 0.5, r.randn(6, 1) * 0.5


def train(variant):
    """Final weights of 40 Adam steps. variant: 'ref' (one process, batch N*B), 'hvd'
    (DistributedOptimizer + broadcast), 'no_allreduce', 'no_broadcast'."""
    graph = tf.Graph()
    with graph.as_default():
        w1_0, w2_0 = init_values(0 if variant == "ref" else R)  # ranks start apart
        w1 = tf.Variable(w1_0, name="w1")
        w2 = tf.Variable(w2_0, name="w2")
        xb = tf.placeholder(tf.float64, [None, 5])
        yb = tf.placeholder(tf.float64, [None, 1])
        loss = tf.reduce_mean(tf.square(tf.matmul(tf.tanh(tf.matmul(xb, w1)), w2) - yb))
        opt = tf.train.AdamOptimizer(0.05)
        if variant in ("hvd", "no_broadcast"):
            opt = hvd.DistributedOptimizer(opt)
        step = tf.train.get_or_create_global_step()
        train_op = opt.minimize(loss, global_step=step)
        fused = [op for op in graph.get_operations() if op.type == "TkMpiAllreduce"]
        assert len(fused) == (1 if variant in ("hvd", "no_broadcast") else 0), fused
        seen = {}

        class ReadFirst(tf.train.SessionRunHook):  # listed BEFORE the broadcast hook
            def after_create_session(self, session, coord):
                seen["w1"] = session.run(w1)

        hooks = [ReadFirst(), tf.train.StopAtStepHook(last_step=STEPS)]
        if variant in ("hvd", "no_allreduce"):
            hooks.append(hvd.BroadcastGlobalVariablesHook(0))
        with tf.train.MonitoredSession(hooks=hooks) as sess:
            t = 0
            while not sess.should_stop():
                rows = slice(None) if variant == "ref" else slice(R * B, (R + 1) * B)
                sess.run(train_op, {xb: X[t, rows], yb: Y[t, rows]})
                t += 1
            final = sess.run([w1, w2], hooks=False)
        if variant in ("hvd", "no_allreduce"):  # the broadcast ran before ReadFirst
            close(seen["w1"], init_values(0)[0], 0)
        return final


def rel(a, b):
    return max(np.max(np.abs(x - y)) / np.max(np.abs(y)) for x, y in zip(a, b))


ref = train("ref")
got = train("hvd")
assert rel(got, ref) <= 1e-6, rel(got, ref)
everyone = hvd.allgather_object([w.tobytes() for w in got])
assert everyone[0] == everyone[1], "weights differ between ranks"
e1 = rel(train("no_allreduce"), ref)
e2 = rel(train("no_broadcast"), ref)
assert e1 > 1e-3 and e2 > 1e-3, (e1, e2)
# One line from rank 0 (lines of two ranks may interleave in mpiexec's output).
lines = hvd.allgather_object(f"JOB OK rank {R}: rel err {rel(got, ref):.2e}; controls "
                             f"{e1:.2e} {e2:.2e}")
if R == 0:
    print(" | ".join(lines), flush=True)
