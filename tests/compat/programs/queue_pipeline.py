"""The queue-based input pipeline of TF 1.0-era tutorials: CSV files written to disk,
``string_input_producer(num_epochs=...)`` (no shuffling), ``TextLineReader`` with a
header skipped, ``decode_csv`` with record defaults, ``tf.train.batch``, a
``Coordinator`` with ``start_queue_runners``, training until ``OutOfRangeError``."""

from __future__ import annotations

import os
import tempfile

import numpy as np

COMPARE = {"loss": 1e-5, "steps": 0.0, "w": 1e-5, "b": 1e-5}


def _write_csv(directory, rng):
    paths = []
    for k in range(2):
        path = os.path.join(directory, f"part-{k}.csv")
        with open(path, "w") as f:
            f.write("x1,x2,y\n")
            for _ in range(30):
                x1, x2 = rng.uniform(-1, 1, 2)
                f.write(f"{x1:.4f},{x2:.4f},{3.0 * x1 - 2.0 * x2 + 0.5:.4f}\n")
        paths.append(path)
    return paths


def main(tf):
    rng = np.random.RandomState(11)
    files = _write_csv(tempfile.mkdtemp(), rng)
    filename_queue = tf.train.string_input_producer(files, num_epochs=3, shuffle=False)
    reader = tf.TextLineReader(skip_header_lines=1)
    _key, value = reader.read(filename_queue)
    record_defaults = [[0.0], [0.0], [0.0]]
    col1, col2, col3 = tf.decode_csv(value, record_defaults=record_defaults)
    features = tf.stack([col1, col2])
    feature_batch, label_batch = tf.train.batch([features, col3], batch_size=10,
                                                num_threads=1)
    w = tf.Variable(tf.zeros([2, 1]))
    b = tf.Variable(0.0)
    pred = tf.squeeze(tf.matmul(feature_batch, w), 1) + b
    loss = tf.reduce_mean(tf.square(pred - label_batch))
    train_op = tf.train.GradientDescentOptimizer(0.3).minimize(loss)

    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess=sess, coord=coord)
        steps = 0
        lv = None
        try:
            while not coord.should_stop():
                _, lv = sess.run([train_op, loss])
                steps += 1
        except tf.errors.OutOfRangeError:
            pass
        finally:
            coord.request_stop()
        coord.join(threads)
        wv, bv = sess.run([w, b])
    return {"loss": float(lv), "steps": [steps], "w": float(wv.sum()), "b": float(bv)}
