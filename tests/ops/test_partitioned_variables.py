"""Partitioned variables: ``get_variable(partitioner=)`` / ``variable_scope(partitioner=)``
(shard names, slice infos, reuse, initializers, typed errors), ``PartitionedVariable``
as a tensor, lookups with their per-shard sparse gradients and a small training run,
against numbers recorded with TF 2.21 (``tf.compat.v1``; ``make_partitioned_reference.py``)
and NumPy."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk

REF = json.loads((Path(__file__).parent / "partitioned_reference.json").read_text())


def _run(fetches):
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        return sess.run(fetches)


def test_shards_names_slice_infos_and_collections():
    p = tk.get_variable("p", [5, 3], partitioner=tk.fixed_size_partitioner(2))
    assert isinstance(p, tk.PartitionedVariable)
    assert [v.name for v in p] == ["p/part_0:0", "p/part_1:0"]
    assert p.name == "p" and p.dtype is tk.float32 and len(p) == 2
    assert p.get_shape().as_list() == [5, 3] and p.shape.as_list() == [5, 3]
    assert p._get_partitions() == [2, 1]
    infos = [(v._save_slice_info.full_name, v._save_slice_info.full_shape,
              v._save_slice_info.var_offset, v._save_slice_info.var_shape,
              v._save_slice_info.spec) for v in p]
    assert infos == [("p", [5, 3], [0, 0], [3, 3], "5 3 0,3:0,3"),
                     ("p", [5, 3], [3, 0], [2, 3], "5 3 3,2:0,3")]  # as TF
    assert tk.trainable_variables() == list(p) and tk.global_variables() == list(p)


def test_scope_partitioner_and_scalars():
    with tk.variable_scope("sc", partitioner=tk.fixed_size_partitioner(3)):
        r = tk.get_variable("r", [7, 2])
        s = tk.get_variable("s", [])  # TF never partitions a shape given as []
        with tk.variable_scope("inner"):
            q = tk.get_variable("q", [4])
    assert [v.op.name for v in r] == ["sc/r/part_0", "sc/r/part_1", "sc/r/part_2"]
    assert [v.shape.as_list() for v in r] == [[3, 2], [2, 2], [2, 2]]
    assert isinstance(s, tk.Variable) and s.op.name == "sc/s"
    assert [v.op.name for v in q] == ["sc/inner/q/part_0", "sc/inner/q/part_1",
                                      "sc/inner/q/part_2"]
    with pytest.raises(ValueError, match="rank at least 1"):
        tk.get_variable("t", tk.TensorShape([]), partitioner=tk.fixed_size_partitioner(2))


def test_as_tensor_and_convert_to_tensor_concatenate():
    full = np.arange(14.0).reshape(7, 2)
    p = tk.get_variable("c", initializer=tk.constant(full),
                        partitioner=tk.fixed_size_partitioner(3))
    t = tk.convert_to_tensor(p)
    assert t.op.name == "c" and t.shape.as_list() == [7, 2] and t.dtype is tk.float64
    assert p.as_tensor().op.name == "c_1"  # as TF: a fresh Identity each time
    cols = tk.get_variable("d", initializer=tk.constant(full),
                           partitioner=tk.fixed_size_partitioner(2, axis=1))
    one = tk.get_variable("e", initializer=full.tolist(),
                          partitioner=tk.fixed_size_partitioner(1))
    got = _run([t, cols.as_tensor(), one.as_tensor(), p.as_tensor() * 2.0])
    for g in got[:3]:
        np.testing.assert_array_equal(g, full)
    np.testing.assert_array_equal(got[3], 2 * full)
    with pytest.raises(ValueError, match="Incompatible type conversion"):
        tk.convert_to_tensor(p, dtype=tk.float32)
    with pytest.raises(NotImplementedError, match="reference"):
        tk.convert_to_tensor(p, as_ref=True)


def test_reuse_returns_the_same_shards_and_errors_match_tf():
    p = tk.get_variable("p", [5, 3], partitioner=tk.fixed_size_partitioner(2))
    with pytest.raises(ValueError, match="Partitioned variable with name p already exists"):
        tk.get_variable("p", [5, 3], partitioner=tk.fixed_size_partitioner(2))
    with pytest.raises(ValueError, match="No partitioner was provided, but a partitioned"):
        tk.get_variable("p", [5, 3])
    with tk.variable_scope("", reuse=True):
        assert tk.get_variable("p") is p
        assert tk.get_variable("p", [5, 3], partitioner=tk.fixed_size_partitioner(2)) is p
        with pytest.raises(ValueError, match=r"specified partitions \[3, 1\] and found "
                                             r"partitions \[2, 1\]"):
            tk.get_variable("p", [5, 3], partitioner=tk.fixed_size_partitioner(3))
        with pytest.raises(ValueError, match="specified shape"):
            tk.get_variable("p", [6, 3], partitioner=tk.fixed_size_partitioner(2))
        with pytest.raises(ValueError, match="specified dtype float64"):
            tk.get_variable("p", [5, 3], dtype=tk.float64,
                            partitioner=tk.fixed_size_partitioner(2))
        with pytest.raises(ValueError, match="PartitionedVariable nope does not exist"):
            tk.get_variable("nope", [6, 3], partitioner=tk.fixed_size_partitioner(2))
    with tk.variable_scope("", reuse=tk.AUTO_REUSE):
        assert tk.get_variable("p", [5, 3], partitioner=tk.fixed_size_partitioner(2)) is p
        assert len(tk.get_variable("n", [4, 1], partitioner=tk.fixed_size_partitioner(2))) == 2
    tk.get_variable("q", [4, 2])
    with pytest.raises(ValueError, match="an unpartitioned version of the variable was found"):
        tk.get_variable("q", [4, 2], partitioner=tk.fixed_size_partitioner(2))
    assert len(tk.global_variables()) == 5


def test_bad_partitioners_are_value_errors():
    with pytest.raises(ValueError, match="Partitioner must be callable"):
        tk.get_variable("a", [4, 2], partitioner=3)
    with pytest.raises(ValueError, match="does not match the Variable's rank"):
        tk.get_variable("b", [4, 2], partitioner=lambda shape, dtype: [2])
    with pytest.raises(ValueError, match="along one dimension"):
        tk.get_variable("c", [4, 2], partitioner=lambda shape, dtype: [2, 2])
    with pytest.raises(ValueError, match="0 <= offset < shape"):  # more shards than rows
        tk.get_variable("d", [2, 2], partitioner=lambda shape, dtype: [3, 1])
    with pytest.raises(ValueError, match="must be fully defined"):
        tk.get_variable("e", [None, 2], partitioner=tk.fixed_size_partitioner(2))
    with pytest.raises(ValueError, match="along axis 2"):
        tk.get_variable("f", [4, 2], partitioner=tk.fixed_size_partitioner(2, axis=2))
    assert tk.global_variables() == []


def test_initializer_sees_shard_shape_and_partition_info():
    seen = []

    def init(shape, dtype=None, partition_info=None):
        seen.append((list(shape), partition_info.full_shape, partition_info.var_offset))
        return tk.fill(shape, float(partition_info.single_offset(shape)))

    p = tk.get_variable("ip", [6, 4], initializer=init,
                        partitioner=tk.fixed_size_partitioner(3))
    assert seen == [([2, 4], [6, 4], [0, 0]), ([2, 4], [6, 4], [2, 0]),
                    ([2, 4], [6, 4], [4, 0])]
    assert _run(list(p))[2].tolist() == [[4.0] * 4] * 2  # TF gives the same


def test_glorot_uniform_takes_its_fans_from_the_full_shape():
    p = tk.get_variable("g", [1000, 10], partitioner=tk.fixed_size_partitioner(4),
                        initializer=tk.glorot_uniform_initializer(seed=3))
    w = _run(p.as_tensor())
    full_limit = math.sqrt(6.0 / 1010)       # a shard's own fans would give sqrt(6/260)
    assert np.abs(w).max() <= full_limit and np.abs(w).max() > 0.95 * full_limit
    u = tk.get_variable("u", [1000, 10], partitioner=tk.fixed_size_partitioner(4),
                        initializer=tk.uniform_unit_scaling_initializer(seed=3))
    limit = math.sqrt(3.0 / 1000)
    assert 0.95 * limit < np.abs(_run(u.as_tensor())).max() <= limit


def test_value_initializer_is_sliced_and_regularizer_applies_per_shard():
    full = np.arange(12.0, dtype=np.float32).reshape(6, 2)
    p = tk.get_variable("v", initializer=full, partitioner=tk.fixed_size_partitioner(4),
                        regularizer=lambda t: tk.reduce_sum(t))
    assert [v.shape.as_list() for v in p] == [[2, 2], [2, 2], [1, 2], [1, 2]]
    losses = tk.get_collection(tk.GraphKeys.REGULARIZATION_LOSSES)
    assert len(losses) == 4
    got = _run([p.as_tensor(), tk.add_n(losses)])
    np.testing.assert_array_equal(got[0], full)
    assert got[1] == full.sum()


def test_assign_splits_the_value():
    p = tk.get_variable("a", [5, 2], partitioner=tk.fixed_size_partitioner(2),
                        initializer=tk.zeros_initializer())
    full = np.arange(10.0, dtype=np.float32).reshape(5, 2)
    ops = p.assign(full)
    adds = p.assign_add([np.ones((3, 2), np.float32), np.ones((2, 2), np.float32)],
                        read_value=False)
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        sess.run(ops)
        sess.run(adds)
        np.testing.assert_array_equal(sess.run(p.as_tensor()), full + 1)
        sess.run(p.assign_sub(full))
        np.testing.assert_array_equal(sess.run(p.as_tensor()), np.ones((5, 2)))
    with pytest.raises(ValueError, match="2 shards"):
        p.assign([full])


def _dense(grad, rows):
    out = np.zeros((rows,) + np.asarray(grad.values).shape[1:])
    np.add.at(out, np.asarray(grad.indices, dtype=np.int64), grad.values)
    return out


@pytest.mark.parametrize("case", range(len(REF["lookups"])))
def test_lookups_and_gradients_match_tf(case):
    vocab, dim, n, strategy, max_norm, want = REF["lookups"][case]
    full = (np.arange(vocab * dim, dtype=np.float32).reshape(vocab, dim) - 3.0) * 0.5
    p = tk.get_variable("emb", initializer=tk.constant(full),
                        partitioner=tk.fixed_size_partitioner(n))
    ids = np.array([[0, vocab - 1, 2], [1, 3, 0]]) % vocab
    r = tk.nn.embedding_lookup(p, ids, partition_strategy=strategy, max_norm=max_norm)
    idx = [[0, 0], [0, 1], [1, 0], [3, 0], [3, 2]]
    sp = tk.SparseTensor(idx, np.array([1, vocab - 1, 2, 0, 3]) % vocab, [4, 3])
    w = tk.SparseTensor(idx, [1.0, 2.0, 0.5, -1.0, 3.0], [4, 3])
    sparse = {c: tk.nn.embedding_lookup_sparse(p, sp, w, partition_strategy=strategy,
                                                combiner=c, max_norm=max_norm)
              for c in ("sum", "mean", "sqrtn")}
    grads = tk.gradients(tk.reduce_sum(r * r), list(p))
    got = _run([r, sparse, grads])
    np.testing.assert_allclose(got[0], want["lookup"], rtol=1e-6, atol=1e-6)
    for c in ("sum", "mean", "sqrtn"):
        np.testing.assert_allclose(got[1][c], want[c], rtol=1e-6, atol=1e-6)
    for shard, g, (tf_idx, tf_vals) in zip(p, got[2], want["grads"]):
        assert isinstance(g, tk.IndexedSlicesValue)
        rows = shard.shape.as_list()[0]
        np.testing.assert_allclose(_dense(g, rows),
                                   _dense(tk.IndexedSlicesValue(np.array(tf_vals).reshape(
                                       -1, dim), np.array(tf_idx), None), rows),
                                   rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("opt", ["sgd", "adagrad", "adam", "momentum"])
def test_training_updates_each_shard_like_tf(opt):
    inp, want = REF["train"]["inputs"], REF["train"][opt]
    with tk.variable_scope("model", partitioner=tk.fixed_size_partitioner(3)):
        emb = tk.get_variable("emb", initializer=tk.constant(np.float32(inp["emb0"])))
    w = tk.get_variable("w", initializer=tk.constant(np.float32(inp["w0"])),
                        partitioner=tk.fixed_size_partitioner(2, axis=1))
    h = tk.reduce_mean(tk.nn.embedding_lookup(emb, np.array(inp["ids"]),
                                              partition_strategy="div"), axis=1)
    loss = tk.reduce_mean(tk.square(tk.matmul(h, w) - np.float32(inp["y"])))
    optimizer = {"sgd": tk.train.GradientDescentOptimizer(0.5),
                 "adagrad": tk.train.AdagradOptimizer(0.3),
                 "adam": tk.train.AdamOptimizer(0.05),
                 "momentum": tk.train.MomentumOptimizer(0.2, 0.9)}[opt]
    step = optimizer.minimize(loss)
    assert [v.op.name for v in tk.trainable_variables()] == sorted(want["vars"])
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        losses = [float(sess.run([loss, step])[0]) for _ in range(8)]
        values = {v.op.name: sess.run(v) for v in tk.trainable_variables()}
    np.testing.assert_allclose(losses, want["losses"], rtol=2e-5)
    for name, value in values.items():
        np.testing.assert_allclose(value, want["vars"][name], rtol=1e-4, atol=1e-6)


def test_minimize_with_a_partitioned_variable_in_var_list_names_the_fix():
    p = tk.get_variable("p", [5, 3], partitioner=tk.fixed_size_partitioner(2))
    loss = tk.reduce_sum(tk.square(p))
    with pytest.raises(TypeError, match=r"pass its shards: list\(v\)"):
        tk.train.GradientDescentOptimizer(0.1).minimize(loss, var_list=[p])
    step = tk.train.GradientDescentOptimizer(0.25).minimize(loss, var_list=list(p))
    with tk.Session() as sess:
        sess.run(tk.global_variables_initializer())
        before = sess.run(p.as_tensor())
        sess.run(step)
        np.testing.assert_allclose(sess.run(p.as_tensor()), 0.5 * before, rtol=1e-6)


def test_layers_and_custom_getters_in_a_partitioned_scope():
    seen = []

    def getter(getter, name, *args, **kwargs):
        seen.append((name, kwargs["partitioner"] is not None))
        return getter(name, *args, **kwargs)

    x = tk.constant(np.arange(12, dtype=np.float32).reshape(3, 4) / 10)
    with tk.variable_scope("m", partitioner=tk.fixed_size_partitioner(3),
                           custom_getter=getter):
        y = tk.layers.dense(x, 5, kernel_initializer=tk.constant_initializer(0.5), name="d")
        layer = tk.layers.Dense(2, kernel_initializer=tk.ones_initializer())
        z = layer(x)
    assert seen == [("m/d/kernel", True), ("m/d/bias", True), ("m/dense/kernel", True),
                    ("m/dense/bias", True)]
    # names as TF 2.21 gives them (a [2] bias makes 2 shards: min(3, 2))
    assert [v.op.name for v in tk.trainable_variables()] == [
        "m/d/kernel/part_0", "m/d/kernel/part_1", "m/d/kernel/part_2", "m/d/bias/part_0",
        "m/d/bias/part_1", "m/d/bias/part_2", "m/dense/kernel/part_0",
        "m/dense/kernel/part_1", "m/dense/kernel/part_2", "m/dense/bias/part_0",
        "m/dense/bias/part_1"]
    assert isinstance(layer.kernel, tk.PartitionedVariable)
    assert layer.kernel.name == "m/dense/kernel" and len(layer.trainable_weights) == 5
    got_y, got_z = _run([y, z])
    xs = np.arange(12, dtype=np.float32).reshape(3, 4) / 10
    np.testing.assert_allclose(got_y, xs @ np.full((4, 5), 0.5), rtol=1e-6)
    np.testing.assert_allclose(got_z, xs @ np.ones((4, 2)), rtol=1e-6)
