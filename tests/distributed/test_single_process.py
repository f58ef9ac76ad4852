"""trainkit.distributed in one process (no mpiexec): size 1, rank 0, and nothing changes;
every bad argument is a clear, typed error."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tf
import trainkit.distributed as hvd
from trainkit.distributed import objects


@pytest.fixture
def group():
    hvd.init()
    yield
    hvd.shutdown()


def test_before_init_queries_raise_horovods_error():
    hvd.shutdown()  # other tests' size-1 groups
    assert not hvd.is_initialized()
    with pytest.raises(ValueError, match="Horovod has not been initialized; use hvd.init"):
        hvd.size()


def test_one_process_group(group):
    assert hvd.is_initialized() and not hvd.mpi_enabled()
    assert (hvd.size(), hvd.rank(), hvd.local_size(), hvd.local_rank(), hvd.cross_size(),
            hvd.cross_rank()) == (1, 0, 1, 0, 1, 0)
    assert hvd.mpi_threads_supported() is False
    hvd.init()  # a second init does nothing
    assert hvd.size() == 1


def test_collectives_are_local_values_of_size_one(group):
    x = tf.constant([1.0, -2.0, 4.0])
    ops = [hvd.allreduce(x), hvd.allreduce(x, op=hvd.Sum, prescale_factor=2.0,
                                           postscale_factor=0.25),
           hvd.allreduce(x, op=hvd.Min), hvd.allgather(tf.reshape(x, [3, 1])),
           hvd.broadcast(x, 0), hvd.allreduce(x, compression=hvd.Compression.fp16)]
    with tf.Session() as sess:
        avg, scaled, mn, gathered, bc, fp16 = sess.run(ops)
    np.testing.assert_array_equal(avg, [1, -2, 4])
    np.testing.assert_array_equal(scaled, [0.5, -1, 2])
    np.testing.assert_array_equal(mn, [1, -2, 4])
    np.testing.assert_array_equal(gathered, [[1], [-2], [4]])
    np.testing.assert_array_equal(bc, [1, -2, 4])
    assert fp16.dtype == np.float32
    np.testing.assert_array_equal(fp16, [1, -2, 4])


def test_gradients_through_collectives_at_size_one(group):
    x = tf.constant([1.0, 2.0])
    loss = (tf.reduce_sum(hvd.allreduce(x, op=hvd.Sum) * 3.0)
            + tf.reduce_sum(hvd.broadcast(x, 0) * 5.0)
            + tf.reduce_sum(hvd.allgather(tf.reshape(x, [2, 1])) * 7.0))
    (g,) = tf.gradients(loss, [x])
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(g), [15.0, 15.0])  # 3 + 5 + 7


def _train(wrap: bool) -> list:
    graph = tf.Graph()
    with graph.as_default():
        w = tf.Variable(np.array([[0.5], [-1.0]], np.float32))
        x = tf.constant(np.array([[1.0, 2.0], [3.0, -1.0]], np.float32))
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0))
        opt = tf.train.AdamOptimizer(0.1)
        if wrap:
            opt = hvd.DistributedOptimizer(opt)
        train_op = opt.minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(5):
                sess.run(train_op)
            return [sess.run(w), [op.type for op in graph.get_operations()]]


def test_distributed_optimizer_of_size_one_changes_nothing(group):
    plain, plain_types = _train(False)
    wrapped, wrapped_types = _train(True)
    np.testing.assert_array_equal(wrapped, plain)
    assert plain_types == wrapped_types  # not one extra op


def test_distributed_optimizer_delegates(group):
    w = tf.Variable([1.0, 2.0])
    inner = tf.train.AdamOptimizer(0.1)
    opt = hvd.DistributedOptimizer(inner)
    assert opt.get_name() == "DistributedAdamOptimizer"
    gvs = opt.compute_gradients(tf.reduce_sum(w * w), var_list=[w, tf.Variable([3.0])])
    assert gvs[1][0] is None  # None gradients stay None
    opt.apply_gradients([gvs[0]])
    assert opt.get_slot_names() == inner.get_slot_names() == ["m", "v"]
    assert opt.get_slot(w, "m") is inner.get_slot(w, "m")
    assert opt.variables() == inner.variables()


def test_bad_arguments_are_clear_errors(group):
    x = tf.constant([1.0])
    with pytest.raises(NotImplementedError, match="Adasum"):
        hvd.allreduce(x, op=hvd.Adasum)
    with pytest.raises(ValueError, match="supersedes average"):
        hvd.allreduce(x, op=hvd.Sum, average=True)
    with pytest.raises(ValueError, match="Unknown reduce op 'Mean'"):
        hvd.allreduce(x, op="Mean")
    with pytest.raises(TypeError, match="root_rank must be an int"):
        hvd.broadcast(x, "0")
    with pytest.raises(TypeError, match="root_rank must be an int"):
        hvd.BroadcastGlobalVariablesHook(None)
    with pytest.raises(TypeError, match="wraps a tf.compat.v1.train.Optimizer"):
        hvd.DistributedOptimizer("adam")
    opt = tf.train.GradientDescentOptimizer(0.1)
    with pytest.raises(ValueError, match="gradient_predivide_factor not supported"):
        hvd.DistributedOptimizer(opt, op=hvd.Sum, gradient_predivide_factor=2.0)
    with pytest.raises(ValueError, match="backward_passes_per_step must be an int >= 1"):
        hvd.DistributedOptimizer(opt, backward_passes_per_step=0)
    with pytest.raises(ValueError, match="num_groups must be an int >= 0"):
        hvd.DistributedOptimizer(opt, num_groups=-1)
    with pytest.raises(TypeError, match="is not a Variable"):
        hvd.broadcast_variables([x], 0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="root_rank 3 is not in"):
        with tf.Session() as sess:
            sess.run(hvd.broadcast(x, 3))
    with pytest.raises(tf.errors.InvalidArgumentError, match="a scalar cannot be gathered"):
        with tf.Session() as sess:
            sess.run(hvd.allgather(tf.constant(1.0)))


def test_bad_timeout_setting(monkeypatch):
    hvd.shutdown()
    monkeypatch.setenv("TRAINKIT_COLLECTIVE_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="TRAINKIT_COLLECTIVE_TIMEOUT must be a number"):
        hvd.init()
    monkeypatch.setenv("TRAINKIT_COLLECTIVE_TIMEOUT", "-1")
    with pytest.raises(ValueError, match="must be > 0"):
        hvd.init()
    assert not hvd.is_initialized()


def test_objects_round_trip_without_pickle(group):
    value = {"a": [1, 2.5, None, True], "t": (b"\x00\xff", "s"), "n": np.arange(6.0)
             .reshape(2, 3), "s": np.int64(7)}
    got = hvd.broadcast_object(value, 0)
    assert got["a"] == [1, 2.5, None, True] and got["t"] == (b"\x00\xff", "s")
    np.testing.assert_array_equal(got["n"], value["n"])
    assert got["s"] == 7 and got["s"].dtype == np.int64
    assert hvd.allgather_object("x") == ["x"]
    assert objects.loads(objects.dumps({"k": (1,)})) == {"k": (1,)}
    with pytest.raises(TypeError, match=r"object at obj\['f'\] cannot be sent"):
        hvd.broadcast_object({"f": object()}, 0)
    with pytest.raises(TypeError, match="dict key 1"):
        hvd.allgather_object({1: 2})
    with pytest.raises(ValueError, match="root_rank 1 is not in"):
        hvd.broadcast_object(1, root_rank=1)


def test_broadcast_hook_runs_first_whatever_the_order(group):
    calls = []

    class Reader(tf.train.SessionRunHook):
        def after_create_session(self, session, coord):
            calls.append(("reader", int(session.run(step))))

    class Broadcast(hvd.BroadcastGlobalVariablesHook):
        def after_create_session(self, session, coord):
            calls.append(("broadcast",))
            super().after_create_session(session, coord)

    step = tf.train.get_or_create_global_step()
    hooks = [Reader(), tf.train.StopAtStepHook(last_step=1), Broadcast(0)]
    with tf.train.MonitoredSession(hooks=hooks) as sess:
        sess.run(step)
    assert calls == [("broadcast",), ("reader", 0)]


class _Slices:
    """A stand-in with tf.IndexedSlices' fields (the duck type hvd.allreduce accepts)."""

    def __init__(self, values, indices, dense_shape=None):
        self.values, self.indices, self.dense_shape = values, indices, dense_shape


def test_indexed_slices_are_allgathered(group):
    s = _Slices(tf.constant([[1.0, 2.0], [3.0, 4.0]]), tf.constant([0, 2]), [3, 2])
    out = hvd.allreduce(s, op=hvd.Sum)
    assert isinstance(out, _Slices) and out.dense_shape == [3, 2]
    with tf.Session() as sess:
        values, indices = sess.run([out.values, out.indices])
    np.testing.assert_array_equal(values, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(indices, [0, 2])
    with pytest.raises(NotImplementedError, match="Only Sum and Average"):
        hvd.allreduce(s, op=hvd.Max)
    with pytest.raises(NotImplementedError, match="Pre/postscale_factor"):
        hvd.allreduce(s, prescale_factor=2.0)


def test_launched_by_mpiexec_without_mpi4py_is_an_error(monkeypatch):
    import builtins

    hvd.shutdown()
    real_import = builtins.__import__

    def no_mpi4py(name, *args, **kwargs):
        if name.startswith("mpi4py"):
            raise ImportError("No module named 'mpi4py'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_mpi4py)
    monkeypatch.setenv("PMI_RANK", "1")
    monkeypatch.setenv("PMI_SIZE", "2")
    with pytest.raises(ImportError, match="started by mpiexec with 2 ranks but mpi4py is"):
        hvd.init()
    assert not hvd.is_initialized()
    monkeypatch.setenv("PMI_SIZE", "1")  # one rank: the one-process group
    hvd.init()
    assert hvd.size() == 1
    hvd.shutdown()
