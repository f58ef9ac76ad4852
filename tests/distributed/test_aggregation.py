"""``DistributedOptimizer(backward_passes_per_step=N)``: local gradient aggregation.

One process here (size 1: no collective, the aggregation alone) against a NumPy
reference; two ranks in jobs/aggregation_job.py against NumPy and a one-process run."""

from __future__ import annotations

import numpy as np
import pytest
from mpi_helpers import needs_mpi, run_job

import trainkit as tf
import trainkit.distributed as hvd

LR, B = 0.1, 4


def _grad(w, x, y):
    """d/dw of mean((x w - y)^2) / 2, by hand."""
    return x.T @ (x @ w - y) / len(x)


@pytest.mark.parametrize("average", [False, True])
def test_two_passes_per_step_match_numpy(average):
    hvd.init()
    rng = np.random.RandomState(7)
    xs, ys = rng.randn(4, B, 3), rng.randn(4, B, 1)
    w0 = rng.randn(3, 1)
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float64, [None, 3])
        y = tf.placeholder(tf.float64, [None, 1])
        w = tf.Variable(w0, name="w")
        unused = tf.Variable(np.zeros(2), name="unused")  # None gradient: stays None
        step = tf.train.get_or_create_global_step()
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y)) / 2.0 + 0.0 * tf.reduce_sum(
            tf.stop_gradient(unused))
        opt = hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(LR),
                                       backward_passes_per_step=2,
                                       average_aggregated_gradients=average)
        gvs = opt.compute_gradients(loss, var_list=[w, unused])
        assert gvs[1][0] is None
        train_op = opt.apply_gradients(gvs, global_step=step)
        local = {v.op.name: v for v in tf.local_variables()}
        assert set(local) == {"DistributedGradientDescentOptimizer/aggregation_counter",
                              "DistributedGradientDescentOptimizer/aggregation/w"}
        assert not set(local.values()) & set(tf.trainable_variables())
        assert not [op for op in graph.get_operations() if op.type == "TkMpiAllreduce"]
        with tf.Session() as sess:
            sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
            ref, acc = w0.copy(), np.zeros_like(w0)
            for t in range(4):
                before = sess.run(w)
                sess.run(train_op, {x: xs[t], y: ys[t]})
                acc += _grad(ref, xs[t], ys[t])
                if t % 2 == 1:
                    ref -= LR * (acc / 2 if average else acc)
                    acc[:] = 0
                    assert np.max(np.abs(sess.run(w) - before)) > 1e-3
                else:
                    np.testing.assert_array_equal(sess.run(w), before)
                np.testing.assert_allclose(sess.run(w), ref, rtol=1e-12, atol=1e-14)
                assert sess.run(step) == t + 1  # counts backward passes, as Horovod
            np.testing.assert_array_equal(sess.run(local[
                "DistributedGradientDescentOptimizer/aggregation/w"]), np.zeros((3, 1)))
            assert sess.run(unused).tolist() == [0.0, 0.0]


def test_bad_pass_counts_are_value_errors():
    opt = tf.train.GradientDescentOptimizer(0.1)
    for bad in (0, -1, 1.5):
        with pytest.raises(ValueError, match="backward_passes_per_step"):
            hvd.DistributedOptimizer(opt, backward_passes_per_step=bad)


@needs_mpi
def test_two_ranks_two_passes_equal_one_process_with_the_combined_batches():
    # Inside the job: GD (sum of the passes) against NumPy and Adam (mean of the passes,
    # op=Sum with a 1/size loss) against one trainkit process, 6 runs each; weights
    # unchanged on accumulate runs, one fused allreduce op, bitwise-equal on both ranks.
    proc, _ = run_job("aggregation_job.py")
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert "JOB OK rank 0" in proc.stdout and "JOB OK rank 1" in proc.stdout, proc.stdout
