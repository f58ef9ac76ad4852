"""Run on 2 (and 3) ranks by tests/distributed/test_more_collectives.py: alltoall,
reducescatter, grouped allgather/reducescatter, process sets, SyncBatchNormalization,
join with uneven batches per rank and the timeline, each against NumPy references built
from every rank's known input, then the typed error of each bad input.

Each rank checks its own results; a failed check raises, which aborts the job (non-zero
exit). Rank 0 prints ``JOB OK`` with every rank's line last. Argument: the timeline path.
"""

from __future__ import annotations

import json
import sys

import numpy as np

import trainkit as tf
import trainkit.distributed as hvd

hvd.init()
R, N = hvd.rank(), hvd.size()
TIMELINE = sys.argv[1]


def close(a, b, tol=1e-6):
    np.testing.assert_allclose(np.asarray(a, np.float64), np.asarray(b, np.float64),
                               rtol=tol, atol=tol)


def raises(exc, match, fn):
    try:
        fn()
    except exc as e:
        assert match in str(e), (match, str(e))
        return
    raise AssertionError(f"expected {exc.__name__} ({match})")


def run(fetches, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


# -- build queries ---------------------------------------------------------------------
assert not any([hvd.gloo_built(), hvd.gloo_enabled(), hvd.nccl_built(), hvd.ddl_built(),
                hvd.ccl_built(), hvd.cuda_built(), hvd.rocm_built()])
assert hvd.mpi_built() and hvd.mpi_enabled() and hvd.is_homogeneous()
assert hvd.global_process_set.ranks == list(range(N)) and hvd.global_process_set.size() == N
hvd.start_timeline(TIMELINE)


# -- alltoall --------------------------------------------------------------------------
def rows_of(r, n, cols=3, dtype=np.float32):  # rank r's known input: row i = 100 r + i
    return (100 * r + np.arange(n, dtype=np.float64)[:, None]
            + np.arange(cols) / 10.0).astype(dtype)


def splits_of(r):  # rows rank r sends to rank j
    return np.array([(r + j) % 3 for j in range(N)], np.int32)


even_in = {r: rows_of(r, 2 * N) for r in range(N)}
split_in = {r: rows_of(r, int(splits_of(r).sum()), 2, np.float64) for r in range(N)}
weights = {r: np.random.RandomState(7 + r) for r in range(N)}


def sent(r, j, x, splits):  # the rows rank r sends to rank j
    start = int(splits[:j].sum())
    return x[start:start + splits[j]]


want_even = np.concatenate([even_in[s][2 * R:2 * R + 2] for s in range(N)])
want_split = np.concatenate([sent(s, R, split_in[s], splits_of(s)) for s in range(N)])
want_recv = [splits_of(s)[R] for s in range(N)]

with tf.Graph().as_default():
    x_even = tf.constant(even_in[R])
    x_split = tf.constant(split_in[R])
    out_even = hvd.alltoall(x_even)
    out_split, recv = hvd.alltoall(x_split, splits=tf.constant(splits_of(R)))
    out_int, _ = hvd.alltoall(tf.constant(np.arange(2 * N, dtype=np.int64).reshape(N, 2) + R),
                              splits=np.ones(N, np.int64))
    assert out_even.shape.as_list() == [None, 3] and recv.dtype == tf.int32
    # gradient of L = sum over ranks of sum(out_r * w_r): the rows x_s sent to rank j get
    # w_j's rows that came from s (hand computation via the same bookkeeping)
    w_r = np.random.RandomState(50 + R).randn(*want_split.shape)
    g_split = tf.gradients(tf.reduce_sum(out_split * w_r), x_split)[0]
    got = run([out_even, out_split, recv, out_int, g_split])
close(got[0], want_even)
close(got[1], want_split)
assert got[2].tolist() == want_recv, (got[2], want_recv)
assert got[3].dtype == np.int64
close(got[3], [[2 * R + s, 2 * R + 1 + s] for s in range(N)])
w_all = {s: np.random.RandomState(50 + s).randn(sum(splits_of(r)[s] for r in range(N)), 2)
         for s in range(N)}


def grad_ref(s):  # the block of w_j that holds the rows rank s sent to j, for each j
    parts = []
    for j in range(N):
        start = sum(int(splits_of(r)[j]) for r in range(s))
        parts.append(w_all[j][start:start + splits_of(s)[j]])
    return np.concatenate(parts)


close(got[4], grad_ref(R))


# -- reducescatter ---------------------------------------------------------------------
ROWS = 2 * N + 1  # uneven: the first rank(s) get one more row
rs_in = {r: rows_of(r, ROWS, 2, np.float64) * (r + 1) for r in range(N)}
total = sum(rs_in.values())
q, extra = divmod(ROWS, N)
blocks = [q + (1 if i < extra else 0) for i in range(N)]
start = sum(blocks[:R])
mine = slice(start, start + blocks[R])
with tf.Graph().as_default():
    xr = tf.constant(rs_in[R])
    s_sum = hvd.reducescatter(xr, op=hvd.Sum)
    s_avg = hvd.reducescatter(xr)  # Average by default
    s_scaled = hvd.reducescatter(xr, op=hvd.Sum, prescale_factor=2.0, postscale_factor=0.5)
    s_int = hvd.reducescatter(tf.constant(np.full((N, 2), R + 1, np.int32)), op=hvd.Sum)
    grouped = hvd.grouped_reducescatter([xr, tf.constant(np.full((N,), R + 1.0, np.float32))],
                                        op=hvd.Sum)
    assert s_sum.shape.as_list() == [blocks[R], 2]
    w_block = np.random.RandomState(80 + R).randn(blocks[R], 2)
    g_sum = tf.gradients(tf.reduce_sum(s_sum * w_block), xr)[0]
    g_avg = tf.gradients(tf.reduce_sum(s_avg * w_block), xr)[0]
    got = run([s_sum, s_avg, s_scaled, s_int, grouped, g_sum, g_avg])
close(got[0], total[mine])
close(got[1], total[mine] / N)
close(got[2], total[mine])
assert got[3].dtype == np.int32 and got[3].tolist() == [[N * (N + 1) // 2] * 2]
close(got[4][0], total[mine])
close(got[4][1], [N * (N + 1) / 2])
# Horovod's rule: allgather of the output gradient (x size for Sum). d(sum_r L_r)/dx is
# the allgather for Sum and allgather / size for Average: Horovod's is size times it.
w_cat = np.concatenate([np.random.RandomState(80 + r).randn(blocks[r], 2) for r in range(N)])
close(got[5], N * w_cat)
close(got[6], w_cat)

# -- grouped allgather ------------------------------------------------------------------
with tf.Graph().as_default():
    a = tf.constant(rows_of(R, R + 1, 2))
    b = tf.constant(np.full((1,), R, np.int32))
    ga, gb = hvd.grouped_allgather([a, b])
    ga_grad = tf.gradients(tf.reduce_sum(ga * float(R + 1)), a)[0]
    got = run([ga, gb, ga_grad])
close(got[0], np.concatenate([rows_of(r, r + 1, 2) for r in range(N)]))
assert got[1].tolist() == list(range(N))
close(got[2], np.full((R + 1, 2), (N + 1) / 2))   # averaged over ranks: mean of r + 1

# -- process sets ------------------------------------------------------------------------
A = [0, 2] if N == 3 else [0]
B = [r for r in range(N) if r not in A]
ps_a = hvd.add_process_set(A)
ps_b = hvd.add_process_set(hvd.ProcessSet(B))
assert ps_a.process_set_id != ps_b.process_set_id and ps_a.process_set_id > 0
mine_set, other = (ps_a, ps_b) if R in A else (ps_b, ps_a)
assert mine_set.included() and not other.included()
assert mine_set.size() == len(mine_set.ranks) and mine_set.rank() == mine_set.ranks.index(R)
raises(ValueError, "not a member", other.rank)
raises(ValueError, "duplicate process set", lambda: hvd.add_process_set(list(A)))
raises(ValueError, "duplicate process set", lambda: hvd.add_process_set(list(range(N))))
raises(ValueError, "at least one rank", lambda: hvd.add_process_set([]))
raises(ValueError, f"ranks [{N}] are not in", lambda: hvd.add_process_set([0, N]))
raises(ValueError, "list of process ranks", lambda: hvd.ProcessSet([0.5]))
raises(TypeError, "must be a hvd.ProcessSet", lambda: hvd.allreduce(1.0, process_set=A))
raises(ValueError, "is not registered", lambda: hvd.allgather([1.0],
                                                             process_set=hvd.ProcessSet([0])))
members = mine_set.ranks
val = {r: np.array([1.0, 2.0]) * (r + 1) for r in range(N)}
with tf.Graph().as_default():
    x = tf.constant(val[R])
    xg = tf.constant(np.full((R + 1, 1), float(R)))
    set_ops = {
        "sum": hvd.allreduce(x, op=hvd.Sum, process_set=mine_set),
        "gather": hvd.allgather(xg, process_set=mine_set),
        "bcast": hvd.broadcast(x, members[-1], process_set=mine_set),   # a global rank
        "a2a": hvd.alltoall(tf.constant(np.arange(len(members), dtype=np.float64) + 10 * R),
                            process_set=mine_set),
        "rs": hvd.reducescatter(tf.constant(np.ones((len(members), 1))), op=hvd.Sum,
                                process_set=mine_set),
        "gather_grad": tf.gradients(tf.reduce_sum(hvd.allgather(xg, process_set=mine_set)
                                                  * float(R + 1)), xg)[0],
    }
    foreign = hvd.allreduce(x, process_set=other)
    set_ops["size_op"] = hvd.size_op(mine_set.process_set_id)
    set_ops["included"] = [hvd.process_set_included_op(ps.process_set_id)
                           for ps in (ps_a, ps_b)]
    set_ops["rank_op"] = hvd.rank_op()
    got = run(set_ops)
    raises(tf.errors.InvalidArgumentError, f"Rank {R} is not a member of the provided process",
           lambda: run(foreign))
assert got["size_op"] == len(members) and got["rank_op"] == R
assert [int(v) for v in got["included"]] == [int(R in A), int(R in B)]
close(got["sum"], sum(val[r] for r in members))
close(got["gather"], np.concatenate([np.full((r + 1, 1), float(r)) for r in members]))
close(got["bcast"], val[members[-1]])
close(got["a2a"], [10 * r + mine_set.rank() for r in members])
close(got["rs"], [[len(members)]])
close(got["gather_grad"], np.full((R + 1, 1), np.mean([r + 1 for r in members])))
assert hvd.allgather_object(R, process_set=mine_set) == members
assert hvd.broadcast_object(10 * R, root_rank=members[-1], process_set=mine_set) == \
    10 * members[-1]
assert hvd.broadcast_object_fn(root_rank=N - 1)({"r": R}) == {"r": N - 1}
raises(tf.errors.InvalidArgumentError, "not a member",
       lambda: hvd.allgather_object(R, process_set=other))
raises(ValueError, "is not in the process set",
       lambda: hvd.broadcast_object(R, root_rank=other.ranks[0], process_set=mine_set))

# DistributedOptimizer over a set: members average their gradients, others keep theirs
with tf.Graph().as_default():
    v = tf.Variable(np.zeros(2))
    loss = tf.reduce_sum(v * val[R])
    opt = hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(1.0), process_set=ps_a)
    grads = opt.compute_gradients(loss, [v])
    g = run(grads[0][0])
close(g, np.mean([val[r] for r in A], axis=0) if R in A and len(A) > 1 else val[R])
assert hvd.remove_process_set(ps_b) and ps_b.process_set_id is None
assert not hvd.remove_process_set(ps_b) and not hvd.remove_process_set(hvd.global_process_set)
raises(ValueError, "is not registered", lambda: hvd.allreduce(1.0, process_set=ps_b))
assert hvd.remove_process_set(ps_a)

# -- SyncBatchNormalization: N ranks == one process over the concatenated batch ---------
BATCH = 4
bn_rng = np.random.RandomState(5)
X4 = bn_rng.randn(N * BATCH, 3, 3, 2).astype(np.float32) * 3 + 1
W4 = bn_rng.randn(N * BATCH, 3, 3, 2).astype(np.float32)


def batch_norm(x_value, w_value, sync):
    """Output, d(sum(out * w))/dx, gamma's gradient and the moving statistics after one
    update (momentum 0.5)."""
    with tf.Graph().as_default():
        x = tf.constant(x_value)
        layer = (hvd.SyncBatchNormalization if sync else tf.keras.layers.BatchNormalization)(
            momentum=0.5, epsilon=1e-3, fused=False)
        y = layer(x, training=True)
        loss = tf.reduce_sum(y * w_value)
        gx, gg = tf.gradients(loss, [x, layer.gamma])
        if sync:
            assert set(layer.updates) <= set(tf.get_collection(tf.GraphKeys.UPDATE_OPS))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run([y, gx, gg])
            sess.run(layer.updates)
            return out + sess.run([layer.moving_mean, layer.moving_variance])


rows = slice(R * BATCH, (R + 1) * BATCH)
ref = batch_norm(X4, W4, sync=False)     # one process, the whole batch
got = batch_norm(X4[rows], W4[rows], sync=True)
mean, var = X4.mean(axis=(0, 1, 2)), X4.var(axis=(0, 1, 2))
close(ref[0], (X4 - mean) / np.sqrt(var + 1e-3), 1e-4)     # the reference is batch norm
close(got[0], ref[0][rows], 1e-4)
close(got[1], ref[1][rows], 1e-4)                  # input gradient of the summed loss
# gamma only scales this rank's rows: the ranks' gradients add up to the whole batch's
close(sum(np.array(g) for g in hvd.allgather_object(got[2].tolist())), ref[2], 1e-3)
close(got[3], ref[3], 1e-5)
close(got[4], ref[4], 1e-5)
close(got[4], 0.5 + 0.5 * var, 1e-5)               # biased variance (fused=False)
local = batch_norm(X4[rows], W4[rows], sync=False)  # control: unsynchronized differs
assert np.abs(local[0] - ref[0][rows]).max() > 1e-2

# -- join: rank r has r + 1 batches, then joins; the others' allreduces go on -----------
def batch(r, k):
    return np.array([r + 1.0, 10.0 * k + r])


with tf.Graph().as_default():
    p = tf.placeholder(tf.float64, [2])
    q = tf.placeholder(tf.int32, [1])
    summed = hvd.grouped_allreduce([p, q], op=hvd.Sum)   # two dtypes: two MPI calls
    avg = hvd.allreduce(p * 2.0)
    gathered = hvd.allgather(tf.reshape(p, [1, 2]))
    joined = hvd.join()
    with tf.Session() as sess:
        for k in range(R + 1):
            got = sess.run([summed, avg], {p: batch(R, k), q: [R + 1]})
            active = [r for r in range(N) if r >= k]     # the joined ranks add zeros
            close(got[0][0], sum(batch(r, k) for r in active))
            assert got[0][1].tolist() == [sum(r + 1 for r in active)], (k, got[0][1])
            close(got[1], 2 * sum(batch(r, k) for r in active) / N)   # Average: / size
        if R == N - 1:   # every other rank has joined: only allreduce may run
            raises(tf.errors.FailedPreconditionError, "not supported with Join",
                   lambda: sess.run(gathered, {p: batch(R, 0)}))
        assert sess.run(joined) == N - 1       # the rank with the most batches came last
        close(sess.run(avg, {p: batch(R, 0)}), 2 * sum(batch(r, 0) for r in range(N)) / N)
        assert sess.run(joined) in range(N)    # everyone joins at once: one of them

# join inside MonitoredTrainingSession: the per-step rank sync (an allreduce) runs with a
# joined rank's zeros; they must not read as "rank 0 saved checkpoint 0", which would
# overwrite this rank's state file of checkpoint 0 with a later position
import os  # noqa: E402

from trainkit.distributed import rank_sync  # noqa: E402

state_writes = []
real_write = rank_sync.atomic_file.write_bytes


def counting_write(path, data):
    state_writes.append(os.path.basename(path))
    real_write(path, data)


rank_sync.atomic_file.write_bytes = counting_write
ckpt_dir = os.path.join(os.path.dirname(TIMELINE), "ckpt")
with tf.Graph().as_default():
    w = tf.Variable(np.zeros(2))
    step = tf.train.get_or_create_global_step()
    opt = hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(0.1))
    train = opt.minimize(tf.reduce_sum(w * float(R + 1)), global_step=step)
    joined = hvd.join()
    with tf.train.MonitoredTrainingSession(
            checkpoint_dir=ckpt_dir if R == 0 else None, save_checkpoint_steps=1000,
            save_summaries_steps=None, log_step_count_steps=None,
            hooks=[hvd.BroadcastGlobalVariablesHook(0)]) as sess:
        for _ in range(R + 1):
            sess.run(train)
        assert sess.run(joined) == N - 1
rank_sync.atomic_file.write_bytes = real_write
# checkpoint 0 at the start, rank 0's final checkpoint (after its R + 1 = 1 step) at the end
assert state_writes == [f"model.ckpt-0.rank-{R}.state", f"model.ckpt-1.rank-{R}.state"], \
    state_writes

# -- timeline ------------------------------------------------------------------------------
hvd.stop_timeline()
if R == 0:
    with open(TIMELINE) as f:
        trace = json.load(f)["traceEvents"]
    lanes = {e["pid"] for e in trace if e["ph"] == "X"}
    cats = {e["cat"] for e in trace if e["ph"] == "X"}
    assert lanes == set(range(N)), lanes
    assert {"ALLTOALL", "REDUCESCATTER", "ALLGATHER", "ALLREDUCE", "BROADCAST"} <= cats, cats
    assert all(e["dur"] >= 0 for e in trace if e["ph"] == "X")

# -- bad inputs: every rank makes the same mistake, so each fails locally --------------------
with tf.Graph().as_default():
    x = tf.constant(rows_of(R, 2 * N + 1))
    bad = {
        "splits length": hvd.alltoall(x, splits=np.ones(N + 1, np.int32))[0],
        "Sum of splits entries": hvd.alltoall(x, splits=np.full(N, 5, np.int32))[0],
        "must not be negative": hvd.alltoall(x, splits=np.array([-1] + [1] * (N - 1),
                                                                np.int32))[0],
        "must be divisible": hvd.alltoall(x),
        "a scalar": hvd.reducescatter(tf.constant(1.0)),
    }
    for key, op in bad.items():
        raises(tf.errors.InvalidArgumentError, key if key != "splits length" else
               "Number of entries in splits", lambda op=op: run(op))
    raises(TypeError, "splits must be int32 or int64",
           lambda: hvd.alltoall(x, splits=np.ones(N, np.float32)))
    raises(ValueError, "supports op=hvd.Sum or hvd.Average",
           lambda: hvd.reducescatter(x, op=hvd.Max))
    # last: ranks that disagree on the dtype (this breaks the group, as Horovod's does)
    mixed = hvd.alltoall(tf.constant(np.zeros((N, 2), np.float32 if R == 0 else np.float64)))
    raises(tf.errors.InvalidArgumentError, "Mismatched collective operations",
           lambda: run(mixed))

print(f"JOB OK rank {R} of {N}", flush=True)
