"""The MonitoredTrainingSession example of DeepRec's "Incremental Checkpoint" guide, from
DeepRec-AI/DeepRec ``docs/docs_zh/Incremental-Checkpoint.md``: two ``[30, 4]`` variables
from ``tf.get_variable`` with ``tf.fixed_size_partitioner(num_shards=4)``, an
``embedding_lookup`` of a fed id over the partitioned one, ``AdagradOptimizer(0.1,
initial_accumulator_value=1)`` through ``compute_gradients``/``apply_gradients`` with the
global step, and ``tf.train.MonitoredTrainingSession(checkpoint_dir=...,
save_checkpoint_secs=60)`` feeding ``{"ids:0": i % 10}``.

Adapted: ``save_incremental_checkpoint_secs`` is DeepRec's own argument (not TF's) and
is left out; 40 steps without the ``time.sleep(1)``; the checkpoint directory is a temp
dir; the log verbosity is put back at the end; the checkpoint the session wrote is then
read back with ``tf.train.list_variables`` / ``load_variable`` (the partitioned
variables and their Adagrad slots are saved as whole ``[30, 4]`` tensors) and restored
into an unpartitioned copy of the variables with a ``Saver``."""

from __future__ import annotations

import tempfile

import numpy as np

COMPARE = {"loss": 1e-6, "global_step": 0.0, "checkpoint_variables": 0.0,
           "a_sum": 1e-6, "a_row9": 1e-6, "accumulator_sum": 1e-6, "b_sum": 1e-6,
           "restored_sum": 1e-6, "partition_shapes": 0.0}


def main(tf):
    old_verbosity = tf.logging.get_verbosity()
    tf.logging.set_verbosity(tf.logging.INFO)

    sparse_var = tf.get_variable("a", shape=[30, 4], initializer=tf.ones_initializer(tf.float32),
                                 partitioner=tf.fixed_size_partitioner(num_shards=4))
    dense_var = tf.get_variable("b", shape=[30, 4], initializer=tf.ones_initializer(tf.float32),
                                partitioner=tf.fixed_size_partitioner(num_shards=4))

    ids = tf.placeholder(dtype=tf.int64, name='ids')
    emb = tf.nn.embedding_lookup(sparse_var, ids)

    fun = tf.multiply(emb, 2.0, name='multiply')
    loss = tf.reduce_sum(fun, name='reduce_sum')

    gs = tf.train.get_or_create_global_step()

    opt = tf.train.AdagradOptimizer(0.1, initial_accumulator_value=1)
    g_v = opt.compute_gradients(loss)
    train_op = opt.apply_gradients(g_v, global_step=gs)

    path = tempfile.mkdtemp()
    with tf.train.MonitoredTrainingSession(checkpoint_dir=path,
                                           save_checkpoint_secs=60) as sess:
        for i in range(40):
            out = sess.run([gs, train_op, loss], feed_dict={"ids:0": i % 10})
    tf.logging.set_verbosity(old_verbosity)

    partition_shapes = [v.shape.as_list() for v in sparse_var] + \
        [v.shape.as_list() for v in dense_var]
    names = [(name, shape) for name, shape in tf.train.list_variables(path)
             if name.startswith(("a", "b"))]
    a = tf.train.load_variable(path, "a")
    acc = tf.train.load_variable(path, "a/Adagrad")
    b = tf.train.load_variable(path, "b")

    with tf.Graph().as_default():
        whole = tf.get_variable("a", shape=[30, 4])
        saver = tf.train.Saver([whole])
        with tf.Session() as sess2:
            saver.restore(sess2, tf.train.latest_checkpoint(path))
            restored = sess2.run(whole)
    return {"loss": float(out[2]), "global_step": [int(out[0])],
            "checkpoint_variables": [f"{n}:{s}" for n, s in names],
            "a_sum": float(np.sum(a)), "a_row9": float(np.sum(a[9])),
            "accumulator_sum": float(np.sum(acc)), "b_sum": float(np.sum(b)),
            "restored_sum": float(np.sum(restored)), "partition_shapes": partition_shapes}
