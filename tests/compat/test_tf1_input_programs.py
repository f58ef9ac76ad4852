"""Classic TF1 queue-based input programs (the "reading data" tutorial's CSV pipeline,
cifar10_input.py's binary records, a TFRecord + Example + shuffle_batch pipeline), run
with ``import trainkit as tf``. The expected numbers were computed once by running the
same functions with tensorflow 2.21 (``tensorflow.compat.v1``, graph mode,
/work/venvs/tf) — the shuffle_batch program checks order-independent totals, because
TF's shuffle order depends on thread timing.
"""

from __future__ import annotations

import os

import numpy as np

import trainkit as tf


def csv_linear_regression(tf, workdir):
    """TF1 'reading data' tutorial style: CSV files -> TextLineReader -> decode_csv ->
    tf.train.batch -> linear regression with GradientDescent in a MonitoredSession."""
    rng = np.random.RandomState(0)
    paths = []
    for k in range(2):
        p = os.path.join(workdir, f"part{k}.csv")
        with open(p, "w") as f:
            f.write("x1,x2,y\n")
            for _ in range(20):
                x1, x2 = rng.uniform(-1, 1, 2)
                f.write(f"{x1:.4f},{x2:.4f},{3 * x1 - 2 * x2 + 0.5:.4f}\n")
        paths.append(p)
    files = tf.train.string_input_producer(paths, num_epochs=3, shuffle=False)
    reader = tf.TextLineReader(skip_header_lines=1)
    _, line = reader.read(files)
    x1, x2, y = tf.decode_csv(line, record_defaults=[[0.0], [0.0], [0.0]])
    features = tf.stack([x1, x2])
    xb, yb = tf.train.batch([features, y], batch_size=8)
    w = tf.Variable(tf.zeros([2, 1]))
    b = tf.Variable(0.0)
    pred = tf.squeeze(tf.matmul(xb, w), 1) + b
    loss = tf.reduce_mean(tf.square(pred - yb))
    step = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(0.3).minimize(loss, global_step=step)
    losses = []
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        try:
            while True:
                losses.append(float(sess.run([train, loss])[1]))
        except tf.errors.OutOfRangeError:
            pass
        coord.request_stop()
        coord.join(threads)
        wv, bv, sv = sess.run([w, b, step])
    return ([round(float(v), 5) for v in wv.reshape(-1)], round(float(bv), 5), int(sv),
            round(losses[0], 5), round(losses[-1], 5))


def cifar_style_binary(tf, workdir):
    """cifar10_input.py style: FixedLengthRecordReader over label+image records,
    decode_raw, slice/reshape/cast, per-image standardization by hand, tf.train.batch."""
    rng = np.random.RandomState(1)
    path = os.path.join(workdir, "data_batch.bin")
    recs = []
    for i in range(12):
        label = np.uint8(i % 10)
        img = rng.randint(0, 256, size=(3, 4, 4)).astype(np.uint8)
        recs.append(bytes([label]) + img.tobytes())
    with open(path, "wb") as f:
        f.write(b"".join(recs))
    files = tf.train.string_input_producer([path], num_epochs=1, shuffle=False)
    reader = tf.FixedLengthRecordReader(record_bytes=1 + 48)
    _, value = reader.read(files)
    record = tf.decode_raw(value, tf.uint8)
    label = tf.reshape(tf.cast(tf.strided_slice(record, [0], [1]), tf.int32), [])
    depth_major = tf.reshape(tf.strided_slice(record, [1], [49]), [3, 4, 4])
    image = tf.cast(tf.transpose(depth_major, [1, 2, 0]), tf.float32)
    mean = tf.reduce_mean(image)
    image = (image - mean) / 64.0
    images, labels = tf.train.batch([image, label], batch_size=4, num_threads=1)
    total = [tf.reduce_sum(images[:, 0, 0, :], 1), labels, tf.reduce_max(images)]
    out = []
    with tf.Session() as sess:
        sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess=sess, coord=coord)
        try:
            while not coord.should_stop():
                sums, labs, top = sess.run(total)
                out.append(([round(float(v), 4) for v in sums], labs.tolist(),
                            round(float(top), 4)))
        except tf.errors.OutOfRangeError:
            pass
        finally:
            coord.request_stop()
        coord.join(threads)
    return out


def tfrecord_parse_shuffle_batch(tf, workdir):
    """TFRecord writing with python_io + tf.train.Example, reading with TFRecordReader,
    parse_single_example, shuffle_batch; epoch totals are order independent."""
    path = os.path.join(workdir, "train.tfrecords")
    writer = tf.python_io.TFRecordWriter(path)
    for i in range(10):
        ex = tf.train.Example(features=tf.train.Features(feature={
            "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[i])),
            "vec": tf.train.Feature(float_list=tf.train.FloatList(value=[i * 0.5, -i])),
        }))
        writer.write(ex.SerializeToString())
    writer.close()
    files = tf.train.string_input_producer([path], num_epochs=2)
    _, serialized = tf.TFRecordReader().read(files)
    feats = tf.parse_single_example(serialized, features={
        "label": tf.FixedLenFeature([], tf.int64),
        "vec": tf.FixedLenFeature([2], tf.float32)})
    labels, vecs = tf.train.shuffle_batch([feats["label"], feats["vec"]], batch_size=4,
                                          capacity=12, min_after_dequeue=3,
                                          allow_smaller_final_batch=True)
    sums = []
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        try:
            while True:
                lab, vec = sess.run([labels, vecs])
                sums.append((int(lab.sum()), float(vec.sum()), len(lab)))
        except tf.errors.OutOfRangeError:
            pass
        coord.request_stop()
        coord.join(threads)
    return (sum(s[0] for s in sums), round(sum(s[1] for s in sums), 4),
            sorted(s[2] for s in sums))


def test_csv_linear_regression_matches_tf(tmp_path):
    tf.reset_default_graph()
    w, b, steps, first_loss, last_loss = csv_linear_regression(tf, str(tmp_path))
    assert steps == 15  # 3 epochs * 40 rows / batch 8
    np.testing.assert_allclose(w, [2.90729, -1.98092], atol=2e-5)
    assert abs(b - 0.53433) < 2e-5
    assert abs(first_loss - 2.83368) < 2e-5 and abs(last_loss - 0.00735) < 2e-5


def test_cifar_style_binary_records_match_tf(tmp_path):
    tf.reset_default_graph()
    got = cifar_style_binary(tf, str(tmp_path))
    assert got == [([-0.8672, -2.6582, -1.0918, -2.9941], [0, 1, 2, 3], 2.0475),
                   ([-1.6094, -1.832, -0.8291, 0.8789], [4, 5, 6, 7], 2.0612),
                   ([2.9004, 0.4414, -2.5645, -2.0967], [8, 9, 0, 1], 2.0013)]


def test_tfrecord_parse_shuffle_batch_matches_tf(tmp_path):
    tf.reset_default_graph()
    assert tfrecord_parse_shuffle_batch(tf, str(tmp_path)) == (90, -45.0, [4, 4, 4, 4, 4])
