"""Records ``partitioned_reference.json`` with TF 2.21 (``tf.compat.v1`` graph mode).

Not a test: run it with the TF peer environment, from this directory::

    /work/venvs/tf/bin/python make_partitioned_reference.py partitioned_reference.json
"""

import json
import os
import sys

import numpy as np

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import tensorflow.compat.v1 as tf  # noqa: E402

tf.disable_v2_behavior()
TS = tf.TensorShape
SHAPES = ([1000, 64], [100, 10], [7, 3], [50000, 16], [33, 1025])
DTYPES = ("float32", "float64", "int8", "string")


def partitioner_outputs(out):
    out["fixed"] = [
        [shape, k, axis, tf.fixed_size_partitioner(k, axis)(shape=TS(shape), dtype=tf.float32)]
        for shape in ([1], [5], [7, 3], [10, 4], [3, 9], [2, 3, 4])
        for k in (1, 2, 3, 4, 6) for axis in range(len(shape))]
    out["minmax"] = [
        [shape, dt, mp, axis, mss, tf.min_max_variable_partitioner(mp, axis, mss)(
            shape=TS(shape), dtype=tf.as_dtype(dt))]
        for shape in SHAPES for dt in DTYPES for mp in (1, 3, 8, 100)
        for mss in (1 << 10, 256 << 10, 64) for axis in range(len(shape))]
    out["vasp"] = [
        [shape, dt, msb, axis, ms, tf.variable_axis_size_partitioner(msb, axis, 16, ms)(
            shape=TS(shape), dtype=tf.as_dtype(dt))]
        for shape in SHAPES for dt in DTYPES for msb in (1, 100, 4096, 1 << 20)
        for ms in (None, 3) for axis in range(len(shape))]


def shards(out):
    cases = [([10, 4], [3, 1]), ([7, 6], [1, 4]), ([5], [5]), ([2, 3, 4], [1, 1, 3]),
             ([9, 2], [1, 1])]
    out["shards"] = []
    with tf.Graph().as_default():
        for i, (shape, part) in enumerate(cases):
            v = tf.get_variable(f"v{i}", shape, partitioner=lambda shape, dtype, p=part: p)
            out["shards"].append([shape, part, [
                [x.name, x.shape.as_list(), x._save_slice_info.var_offset,
                 x._save_slice_info.spec] for x in v]])


def lookup_case(vocab, d, n, strat, max_norm):
    with tf.Graph().as_default():
        full = (np.arange(vocab * d, dtype=np.float32).reshape(vocab, d) - 3.0) * 0.5
        p = tf.get_variable("emb", initializer=tf.constant(full),
                            partitioner=tf.fixed_size_partitioner(n))
        ids = np.array([[0, vocab - 1, 2], [1, 3, 0]]) % vocab
        r = tf.nn.embedding_lookup(p, ids, partition_strategy=strat, max_norm=max_norm)
        idx = [[0, 0], [0, 1], [1, 0], [3, 0], [3, 2]]
        sp = tf.SparseTensor(idx, np.array([1, vocab - 1, 2, 0, 3]) % vocab, [4, 3])
        w = tf.SparseTensor(idx, [1.0, 2.0, 0.5, -1.0, 3.0], [4, 3])
        grads = tf.gradients(tf.reduce_sum(r * r), list(p))
        res = {}
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            res["lookup"] = s.run(r).tolist()
            for comb in ("sum", "mean", "sqrtn"):
                res[comb] = s.run(tf.nn.embedding_lookup_sparse(
                    p, sp, w, partition_strategy=strat, combiner=comb,
                    max_norm=max_norm)).tolist()
            res["grads"] = [[g.indices.tolist(), g.values.tolist()] for g in s.run(grads)]
        return res


def training(out):
    train = {}
    rng = np.random.RandomState(0)
    emb0 = rng.uniform(-1, 1, (11, 4)).astype(np.float32)
    w0 = rng.uniform(-1, 1, (4, 5)).astype(np.float32)
    ids = rng.randint(0, 11, (6, 3))
    y = rng.uniform(-1, 1, (6, 5)).astype(np.float32)
    for name in ("sgd", "adagrad", "adam", "momentum"):
        with tf.Graph().as_default():
            with tf.variable_scope("model", partitioner=tf.fixed_size_partitioner(3)):
                emb = tf.get_variable("emb", initializer=tf.constant(emb0))
            w = tf.get_variable("w", initializer=tf.constant(w0),
                                partitioner=tf.fixed_size_partitioner(2, axis=1))
            h = tf.reduce_mean(tf.nn.embedding_lookup(emb, ids, partition_strategy="div"),
                               axis=1)
            loss = tf.reduce_mean(tf.square(tf.matmul(h, w) - y))
            opt = {"sgd": tf.train.GradientDescentOptimizer(0.5),
                   "adagrad": tf.train.AdagradOptimizer(0.3),
                   "adam": tf.train.AdamOptimizer(0.05),
                   "momentum": tf.train.MomentumOptimizer(0.2, 0.9)}[name]
            step = opt.minimize(loss)
            with tf.Session() as s:
                s.run(tf.global_variables_initializer())
                losses = [float(s.run([loss, step])[0]) for _ in range(8)]
                train[name] = {"losses": losses, "vars": {
                    v.op.name: s.run(v).tolist() for v in tf.trainable_variables()}}
    train["inputs"] = {"emb0": emb0.tolist(), "w0": w0.tolist(), "ids": ids.tolist(),
                       "y": y.tolist()}
    out["train"] = train


def main(path):
    out = {}
    partitioner_outputs(out)
    shards(out)
    out["lookups"] = [
        [v, d, n, strat, mn, lookup_case(v, d, n, strat, mn)]
        for v, d in ((7, 3), (10, 2), (4, 2)) for n in (1, 2, 3, 4)
        for strat in ("mod", "div") for mn in (None, 5.0)]
    training(out)
    with open(path, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main(sys.argv[1])
