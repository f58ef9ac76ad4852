"""Horovod 0.28's further API in one process (no mpiexec): alltoall, reducescatter,
grouped allgather/reducescatter, process sets, the timeline, the build queries and
SyncBatchNormalization at size 1, and the typed error of every bad input. The multi-rank
values are checked in test_more_collectives.py."""

from __future__ import annotations

import json

import numpy as np
import pytest

import trainkit as tf
import trainkit.distributed as hvd


@pytest.fixture
def group():
    hvd.init()
    yield
    hvd.stop_timeline()
    hvd.shutdown()


@pytest.fixture
def no_group():
    hvd.shutdown()
    yield
    hvd.shutdown()


def _run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


def test_build_queries_are_honest():
    assert (hvd.gloo_built(), hvd.nccl_built(), hvd.ddl_built(), hvd.ccl_built(),
            hvd.cuda_built(), hvd.rocm_built()) == (False,) * 6


def test_before_init(no_group):
    message = "Horovod has not been initialized; use hvd.init"
    for query in (hvd.gloo_enabled, hvd.is_homogeneous):
        with pytest.raises(ValueError, match=message):
            query()
    with pytest.raises(ValueError, match=message):
        hvd.add_process_set([0])
    with pytest.raises(ValueError, match=message):
        hvd.start_timeline("t.json")
    x = tf.constant(np.ones((2, 2)))
    assert _run(hvd.process_set_included_op()) == -1   # Horovod's "not initialized" code
    # Horovod's ops run before init fail with FailedPrecondition (its CheckInitialized)
    for op in (hvd.alltoall(x), hvd.reducescatter(x), hvd.grouped_allgather([x])[0],
               hvd.allreduce(x), hvd.allgather(x), hvd.broadcast(x, 0), hvd.join(),
               hvd.size_op(), hvd.rank_op(), hvd.local_size_op(), hvd.local_rank_op()):
        with pytest.raises(tf.errors.FailedPreconditionError, match=message):
            _run(op)


def test_size_one_values_and_queries(group):
    assert not hvd.gloo_enabled() and hvd.is_homogeneous()
    x = np.arange(6.0).reshape(3, 2)
    t = tf.constant(x)
    even = hvd.alltoall(t)
    part, recv = hvd.alltoall(t, splits=[2])
    rs = hvd.reducescatter(t)
    rs_scaled = hvd.reducescatter(t, op=hvd.Sum, prescale_factor=3.0, postscale_factor=0.5)
    rs_fp16 = hvd.reducescatter(t, compression=hvd.Compression.fp16)
    ga = hvd.grouped_allgather([t, tf.constant([7], tf.int32)])
    joined = hvd.join()
    assert joined.dtype == tf.int32 and joined.shape.as_list() == []
    grs = hvd.grouped_reducescatter([t, tf.constant([[1.5]], tf.float32)], op=hvd.Sum)
    assert hvd.grouped_allgather([]) == [] and hvd.grouped_reducescatter([]) == []
    assert rs.shape.as_list() == [3, 2] and even.shape.as_list() == [None, 2]
    got = _run([even, part, recv, rs, rs_scaled, rs_fp16, ga, grs, joined])
    assert got[8] == 0   # the only rank joined last
    np.testing.assert_array_equal(got[0], x)
    np.testing.assert_array_equal(got[1], x[:2])
    assert got[2].tolist() == [2] and got[2].dtype == np.int32
    np.testing.assert_array_equal(got[3], x)
    np.testing.assert_array_equal(got[4], x * 1.5)
    assert got[5].dtype == np.float64
    np.testing.assert_array_equal(got[5], x)
    np.testing.assert_array_equal(got[6][0], x)
    assert got[6][1].tolist() == [7]
    np.testing.assert_array_equal(got[7][0], x)
    assert got[7][1].tolist() == [[1.5]]


def _numeric_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        g[i] = (f(x + d) - f(x - d)) / (2 * eps)
    return g


def test_size_one_gradients_match_finite_differences(group):
    w = np.random.RandomState(0).randn(3, 2)
    x0 = np.random.RandomState(1).randn(3, 2)
    p = tf.placeholder(tf.float64, [3, 2])
    losses = {"alltoall": tf.reduce_sum(hvd.alltoall(p, splits=[3])[0] * w),
              "reducescatter_sum": tf.reduce_sum(hvd.reducescatter(p, op=hvd.Sum) * w),
              "reducescatter_avg": tf.reduce_sum(hvd.reducescatter(p) * w),
              "grouped_allgather": tf.reduce_sum(hvd.grouped_allgather([p])[0] * w)}
    with tf.Session() as sess:
        for key, loss in losses.items():
            (g,) = sess.run(tf.gradients(loss, p), {p: x0})
            numeric = _numeric_grad(lambda v, loss=loss: sess.run(loss, {p: v}), x0)
            np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-8, err_msg=key)


def test_query_ops_read_the_group_when_run(group):
    ops = [hvd.size_op(), hvd.rank_op(), hvd.local_size_op(), hvd.local_rank_op(),
           hvd.process_set_included_op(), hvd.process_set_included_op(99)]
    assert all(o.dtype == tf.int32 and o.shape.as_list() == [] for o in ops)
    assert [int(v) for v in _run(ops)] == [1, 0, 1, 0, 1, -3]   # -3: unknown set
    with pytest.raises(tf.errors.InvalidArgumentError, match="no process set has id 99"):
        _run(hvd.size_op(99))


def test_bad_inputs_are_typed_errors(group):
    x = tf.constant(np.ones((3, 2)))
    with pytest.raises(TypeError, match="splits must be int32 or int64, got float32"):
        hvd.alltoall(x, splits=np.ones(1, np.float32))
    with pytest.raises(ValueError, match="supports op=hvd.Sum or hvd.Average, got 'Min'"):
        hvd.reducescatter(x, op=hvd.Min)
    with pytest.raises(ValueError, match="supports op"):
        hvd.grouped_reducescatter([x], op=hvd.Product)
    at_run = {
        r"Number of entries in splits \(2\) does not equal number of ranks \(1\)":
            hvd.alltoall(x, splits=[1, 2])[0],
        r"Sum of splits entries \(4\) is greater than the first dimension of tensor \(3\)":
            hvd.alltoall(x, splits=[4])[0],
        r"splits must not be negative": hvd.alltoall(x, splits=[-1])[0],
        "a scalar has no first dimension": hvd.alltoall(tf.constant(2.0)),
        "a scalar has no first dimension to split": hvd.reducescatter(tf.constant(2.0)),
    }
    for message, op in at_run.items():
        with pytest.raises(tf.errors.InvalidArgumentError, match=message):
            _run(op)


def test_process_sets_at_size_one(group):
    g = hvd.global_process_set
    assert g.process_set_id == 0 and g.ranks == [0] and g.size() == 1 and g.rank() == 0
    assert g.included()
    with pytest.raises(ValueError, match="duplicate process set"):
        hvd.add_process_set([0])            # the global set's ranks
    with pytest.raises(ValueError, match=r"ranks \[1\] are not in \[0, 1\)"):
        hvd.add_process_set([0, 1])
    with pytest.raises(ValueError, match="must not repeat"):
        hvd.add_process_set([0, 0])
    with pytest.raises(ValueError, match="list of process ranks"):
        hvd.ProcessSet(3)
    with pytest.raises(ValueError, match="list of process ranks"):
        hvd.ProcessSet(["0"])
    loose = hvd.ProcessSet([0])
    assert loose.size() is None and loose.rank() is None and loose.included() is True
    with pytest.raises(ValueError, match="is not registered; add it with hvd.add_process_set"):
        hvd.allreduce(1.0, process_set=loose)
    with pytest.raises(ValueError, match="is not registered"):
        hvd.DistributedOptimizer(tf.train.GradientDescentOptimizer(0.1), process_set=loose)
    with pytest.raises(TypeError, match="process_set must be a hvd.ProcessSet, got \\[0\\]"):
        hvd.reducescatter(tf.constant([1.0]), process_set=[0])
    with pytest.raises(TypeError, match="takes a ProcessSet"):
        hvd.remove_process_set([0])
    assert hvd.remove_process_set(g) is False and hvd.remove_process_set(loose) is False
    # the global set by object: same as the default
    assert _run(hvd.allreduce(tf.constant([2.0]), process_set=g)).tolist() == [2.0]


def test_broadcast_object_fn(group):
    fn = hvd.broadcast_object_fn(root_rank=0, name="cfg")
    assert fn({"lr": 0.5, "t": (1, 2)}) == {"lr": 0.5, "t": (1, 2)}
    with pytest.raises(TypeError, match="root_rank must be an int, got '0'"):
        hvd.broadcast_object_fn(root_rank="0")


def test_init_with_process_sets(no_group):
    with pytest.raises(ValueError, match="duplicate process set"):
        hvd.init(process_sets=[hvd.ProcessSet([0])])
    hvd.shutdown()
    with pytest.raises(TypeError, match="list of ProcessSet or 'dynamic'"):
        hvd.init(process_sets=5)
    hvd.shutdown()
    hvd.init(process_sets="dynamic")
    assert hvd.size() == 1


def test_timeline_writes_chrome_trace(group, tmp_path):
    path = tmp_path / "sub" / "timeline.json"
    hvd.stop_timeline()  # nothing recording: does nothing
    hvd.start_timeline(str(path), mark_cycles=True)
    with pytest.raises(ValueError, match="already recording"):
        hvd.start_timeline(str(tmp_path / "other.json"))
    x = tf.constant(np.ones((2, 2)))
    _run([hvd.allreduce(x, name="avg"), hvd.alltoall(x, name="a2a")])
    assert not path.exists()   # written whole at stop
    hvd.stop_timeline()
    trace = json.loads(path.read_text())["traceEvents"]
    spans = {e["name"]: e for e in trace if e["ph"] == "X"}
    assert spans["avg"]["cat"] == "ALLREDUCE" and spans["a2a"]["cat"] == "ALLTOALL"
    assert all(e["pid"] == 0 and e["dur"] >= 0 for e in spans.values())
    assert [e["args"]["name"] for e in trace if e["ph"] == "M"] == ["rank 0"]
    assert list(tmp_path.glob("sub/*")) == [path]   # no temporary file left
    with pytest.raises(ValueError, match="must not be empty"):
        hvd.start_timeline("")
    with pytest.raises(TypeError, match="file_path must be a string"):
        hvd.start_timeline(3)


def test_sync_batch_norm_at_size_one_is_unfused_batch_norm(group):
    with pytest.raises(ValueError, match="does not support fused=True"):
        hvd.SyncBatchNormalization(fused=True)
    with pytest.raises(ValueError, match="does not support fused=True"):
        hvd.SyncBatchNormalization(fused=None)
    x = np.random.RandomState(0).randn(2, 3, 3, 2).astype(np.float32)
    layer = hvd.SyncBatchNormalization(momentum=0.0)
    assert layer.name.startswith("sync_batch_normalization")
    y = layer(tf.constant(x), training=True)
    assert set(layer.updates) <= set(tf.get_collection(tf.GraphKeys.UPDATE_OPS))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(y)
        sess.run(layer.updates)
        moving_var = sess.run(layer.moving_variance)
    mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)
    # TF 2.21 (tf_keras), BatchNormalization(momentum=0, fused=False) on the same x
    np.testing.assert_allclose(moving_var, [1.2267067, 1.0364454], rtol=1e-6)


@pytest.mark.parametrize("fused, want", [(False, [1.2267067, 1.0364454]),
                                         (None, [1.2988659, 1.0974127])])
def test_batch_norm_fused_false_keeps_the_biased_moving_variance(fused, want):
    """TF 2.21: tf.layers.batch_normalization and tf_keras BatchNormalization(momentum=0)
    on RandomState(0).randn(2, 3, 3, 2): the non-fused layer's moving variance is the
    biased batch variance, the fused one's the unbiased."""
    x = np.random.RandomState(0).randn(2, 3, 3, 2).astype(np.float32)
    for keras in (False, True):
        with tf.Graph().as_default():
            if keras:
                layer = tf.keras.layers.BatchNormalization(momentum=0.0, fused=fused)
                layer(tf.constant(x), training=True)
                ups, var = layer.updates, layer.moving_variance
            else:
                tf.layers.batch_normalization(tf.constant(x), training=True, momentum=0.0,
                                              fused=fused)
                ups = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
                var = [v for v in tf.global_variables() if "moving_variance" in v.name][0]
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                sess.run(ups)
                np.testing.assert_allclose(sess.run(var), want, rtol=1e-6)
