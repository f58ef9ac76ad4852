"""TensorFlow's TF1 guide "Importing Data" (tensorflow/docs, ``site/en/r1/guide/
datasets.md``), its "Reading input data" to "Training workflows" sections in the order
the page runs them: ``TFRecordDataset`` over two files and over a ``tf.string``
placeholder fed training then validation names (``map`` / ``repeat`` / ``batch(32)``);
``TextLineDataset`` files read through ``flat_map`` with ``skip(1)`` and a ``filter`` on
``tf.substr(line, 0, 1) != "#"``; ``tf.data.experimental.CsvDataset`` with type and
value defaults and with ``header=True, select_cols=[2, 4]``; ``parse_single_example``
of ``FixedLenFeature`` image bytes and label; JPEG files decoded by ``read_file`` /
``decode_jpeg`` and resized to 28x28 with ``resize_images``; a ``tf.py_func`` reader
followed by a resize map; ``zip`` + ``batch(4)`` of rising and falling ranges;
``padded_batch(4, padded_shapes=(None,))`` of ``tf.fill`` rows; ``repeat(10)``; epochs
ended by ``OutOfRangeError``; ``shuffle(10000)`` + ``batch`` + ``repeat``; and the
``MonitoredTrainingSession`` loop over a one-shot iterator with Adagrad.

Adapted: every file the page reads (``/var/data/...``) is written first into a
temporary directory from the bundled digits (TFRecords of ``tf.train.Example``s holding
a digit's 64 pixel bytes and its label, text and CSV files of a few rows, three JPEGs);
the page's ``map(...)`` is its own ``_parse_function``; ``cv2.imread`` becomes a NumPy
reader taking a file's first 400 bytes as a 20x20 grey image (no OpenCV); the shuffled
pipeline is reported by what shuffling keeps (the label counts of one epoch), not its
order; ``model_function`` is a softmax regression over the 64 pixels and ``num_epochs``
is 2, its loop also fetches the loss (only the first, taken before any update, is
compared: later ones follow the shuffled order); the 100 epochs are 3."""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import load_digits, write_jpeg

COMPARE = {"tfrecord": 0.0, "placeholder_files": 0.0, "text": 0.0, "csv": 0.0,
           "parsed": 0.0, "jpeg": 1e-4, "py_func": 1e-4, "batched": 0.0, "padded": 0.0,
           "repeat": 0.0, "epochs": 0.0, "shuffled": 0.0, "monitored_loss": 1e-5,
           "monitored_steps": 0.0}


def _write_files(tf, root):
    digits = load_digits()
    pixels = np.uint8(digits.data)
    names = []
    for k, (lo, hi) in enumerate([(0, 15), (15, 30), (30, 40)]):
        name = os.path.join(root, f"file{k + 1}.tfrecord")
        with tf.python_io.TFRecordWriter(name) as writer:
            for i in range(lo, hi):
                example = tf.train.Example(features=tf.train.Features(feature={
                    "image": tf.train.Feature(bytes_list=tf.train.BytesList(
                        value=[pixels[i].tobytes()])),
                    "label": tf.train.Feature(int64_list=tf.train.Int64List(
                        value=[int(digits.target[i])]))}))
                writer.write(example.SerializeToString())
        names.append(name)
    texts = ["header\nfirst line\n# a comment\nsecond line\n",
             "another header\n#skip me\nthird line\nfourth line\n# end\n"]
    for k, text in enumerate(texts):
        with open(os.path.join(root, f"file{k + 1}.txt"), "w") as f:
            f.write(text)
    rows = [digits.data[i, :8] for i in range(6)]
    for k in range(2):
        with open(os.path.join(root, f"file{k + 1}.csv"), "w") as f:
            f.write(",".join(f"c{j}" for j in range(8)) + "\n")
            for r in rows[3 * k:3 * k + 3]:
                f.write(",".join(str(v) for v in r) + "\n")
        with open(os.path.join(root, f"plain{k + 1}.csv"), "w") as f:
            for r in rows[3 * k:3 * k + 3]:
                f.write(",".join("" if j == 3 else str(v) for j, v in enumerate(r)) + "\n")
    big = np.kron(digits.data[:3].reshape(3, 8, 8), np.ones((5, 5))) * 15
    for k in range(3):
        image = np.uint8(np.repeat(big[k][:, :, None], 3, axis=2))
        write_jpeg(os.path.join(root, f"image{k + 1}.jpg"), image[: 40 - 3 * k])
    return names


def _drain(tf, sess, element):
    values = []
    while True:
        try:
            values.append(sess.run(element))
        except tf.errors.OutOfRangeError:
            return values


def main(tf):
    out = {}
    root = tempfile.mkdtemp()
    tfrecords = _write_files(tf, root)
    sess = tf.Session()

    def _parse_function_example(example_proto):
        # The page's ``_parse_function`` with the pixel bytes decoded to floats.
        features = {"image": tf.FixedLenFeature((), tf.string, default_value=""),
                    "label": tf.FixedLenFeature((), tf.int64, default_value=0)}
        parsed_features = tf.parse_single_example(example_proto, features)
        image = tf.cast(tf.decode_raw(parsed_features["image"], tf.uint8), tf.float32) / 16
        return image, parsed_features["label"]

    filenames = tfrecords[:2]
    dataset = tf.data.TFRecordDataset(filenames)
    records = _drain(tf, sess, dataset.make_one_shot_iterator().get_next())
    out["tfrecord"] = [len(records), sum(len(r) for r in records)]

    def _parse_function(example_proto):
        features = {"image": tf.FixedLenFeature((), tf.string, default_value=""),
                    "label": tf.FixedLenFeature((), tf.int64, default_value=0)}
        parsed_features = tf.parse_single_example(example_proto, features)
        return parsed_features["image"], parsed_features["label"]

    filenames = tf.placeholder(tf.string, shape=[None])
    dataset = tf.data.TFRecordDataset(filenames)
    dataset = dataset.map(_parse_function)  # Parse the record into tensors.
    dataset = dataset.repeat()  # Repeat the input indefinitely.
    dataset = dataset.batch(32)
    iterator = dataset.make_initializable_iterator()
    _, labels = iterator.get_next()
    training_filenames = tfrecords[:2]
    sess.run(iterator.initializer, feed_dict={filenames: training_filenames})
    train_labels = [sess.run(labels).tolist() for _ in range(2)]
    validation_filenames = tfrecords[2:]
    sess.run(iterator.initializer, feed_dict={filenames: validation_filenames})
    validation_labels = sess.run(labels).tolist()
    out["placeholder_files"] = train_labels + [validation_labels]

    filenames = [os.path.join(root, "file1.txt"), os.path.join(root, "file2.txt")]
    dataset = tf.data.TextLineDataset(filenames)
    lines = _drain(tf, sess, dataset.make_one_shot_iterator().get_next())
    dataset = tf.data.Dataset.from_tensor_slices(filenames)
    dataset = dataset.flat_map(
        lambda filename: (
            tf.data.TextLineDataset(filename)
            .skip(1)
            .filter(lambda line: tf.not_equal(tf.substr(line, 0, 1), "#"))))
    kept = _drain(tf, sess, dataset.make_one_shot_iterator().get_next())
    out["text"] = [len(lines), [k.decode() for k in kept]]

    filenames = [os.path.join(root, "plain1.csv"), os.path.join(root, "plain2.csv")]
    record_defaults = [[0.0]] * 8
    dataset = tf.data.experimental.CsvDataset(filenames, record_defaults)
    rows = _drain(tf, sess, dataset.make_one_shot_iterator().get_next())
    filenames = [os.path.join(root, "file1.csv"), os.path.join(root, "file2.csv")]
    record_defaults = [tf.float32] * 8
    dataset = tf.data.experimental.CsvDataset(filenames, record_defaults, header=True)
    typed = _drain(tf, sess, dataset.make_one_shot_iterator().get_next())
    record_defaults = [[0.0]] * 2
    dataset = tf.data.experimental.CsvDataset(filenames, record_defaults, header=True,
                                              select_cols=[2, 4])
    selected = _drain(tf, sess, dataset.make_one_shot_iterator().get_next())
    out["csv"] = [[[float(v) for v in r] for r in rows], len(typed),
                  float(np.sum(typed)), [[float(v) for v in r] for r in selected]]

    filenames = tfrecords[:2]
    dataset = tf.data.TFRecordDataset(filenames)
    dataset = dataset.map(_parse_function)
    image, label = dataset.make_one_shot_iterator().get_next()
    first = sess.run((image, label))
    out["parsed"] = [np.frombuffer(first[0], np.uint8).tolist(), int(first[1]),
                     image.dtype.name, label.dtype.name, image.shape.as_list()]

    def _parse_function(filename, label):
        image_string = tf.read_file(filename)
        image_decoded = tf.image.decode_jpeg(image_string)
        image_resized = tf.image.resize_images(image_decoded, [28, 28])
        return image_resized, label

    images = [os.path.join(root, f"image{k + 1}.jpg") for k in range(3)]
    filenames = tf.constant(images)
    labels = tf.constant([0, 37, 29])
    dataset = tf.data.Dataset.from_tensor_slices((filenames, labels))
    dataset = dataset.map(_parse_function)
    resized = _drain(tf, sess, dataset.make_one_shot_iterator().get_next())
    out["jpeg"] = float(sum(np.sum(r[0]) for r in resized)) / 1e4
    out["batched"] = [[list(r[0].shape), int(r[1])] for r in resized]

    def _read_py_function(filename, label):
        with open(filename.decode(), "rb") as f:
            raw = np.frombuffer(f.read(), np.uint8)
        image_decoded = np.uint8(raw[:400].reshape(20, 20) if len(raw) >= 400 else raw)
        return image_decoded, label

    def _resize_function(image_decoded, label):
        image_decoded.set_shape([None, None])
        image_resized = tf.image.resize_images(image_decoded[:, :, None], [28, 28])
        return image_resized, label

    filenames = images
    labels = [0, 37, 29]
    dataset = tf.data.Dataset.from_tensor_slices((filenames, labels))
    dataset = dataset.map(
        lambda filename, label: tuple(tf.py_func(
            _read_py_function, [filename, label], [tf.uint8, label.dtype])))
    dataset = dataset.map(_resize_function)
    read = _drain(tf, sess, dataset.make_one_shot_iterator().get_next())
    out["py_func"] = float(sum(np.sum(r[0]) for r in read)) / 1e4

    inc_dataset = tf.data.Dataset.range(100)
    dec_dataset = tf.data.Dataset.range(0, -100, -1)
    dataset = tf.data.Dataset.zip((inc_dataset, dec_dataset))
    batched_dataset = dataset.batch(4)
    iterator = batched_dataset.make_one_shot_iterator()
    next_element = iterator.get_next()
    out["batched"] += [[a.tolist(), b.tolist()] for a, b in
                       (sess.run(next_element) for _ in range(3))]

    dataset = tf.data.Dataset.range(100)
    dataset = dataset.map(lambda x: tf.fill([tf.cast(x, tf.int32)], x))
    dataset = dataset.padded_batch(4, padded_shapes=(None,))
    iterator = dataset.make_one_shot_iterator()
    next_element = iterator.get_next()
    out["padded"] = [sess.run(next_element).tolist(), sess.run(next_element).tolist(),
                     next_element.shape.as_list()]

    filenames = tfrecords
    dataset = tf.data.TFRecordDataset(filenames)
    dataset = dataset.map(_parse_function_example)
    dataset = dataset.repeat(10)
    dataset = dataset.batch(32)
    sizes = [len(b[1]) for b in _drain(tf, sess, dataset.make_one_shot_iterator().get_next())]
    out["repeat"] = [len(sizes), sizes[-1], sum(sizes)]

    dataset = tf.data.TFRecordDataset(filenames)
    dataset = dataset.map(_parse_function_example)
    dataset = dataset.batch(32)
    iterator = dataset.make_initializable_iterator()
    next_element = iterator.get_next()
    epochs = []
    for _ in range(3):
        sess.run(iterator.initializer)
        n = 0
        while True:
            try:
                sess.run(next_element)
                n += 1
            except tf.errors.OutOfRangeError:
                break
        epochs.append(n)
    out["epochs"] = epochs

    dataset = tf.data.TFRecordDataset(filenames)
    dataset = dataset.map(_parse_function_example)
    dataset = dataset.shuffle(buffer_size=10000)
    dataset = dataset.batch(32)
    dataset = dataset.repeat()
    next_element = dataset.make_one_shot_iterator().get_next()
    seen = np.concatenate([sess.run(next_element)[1] for _ in range(3)])
    out["shuffled"] = [np.bincount(seen[:40], minlength=10).tolist(), len(seen)]

    num_epochs = 2
    dataset = tf.data.TFRecordDataset(filenames)
    dataset = dataset.map(_parse_function_example)
    dataset = dataset.shuffle(buffer_size=10000)
    dataset = dataset.batch(32)
    dataset = dataset.repeat(num_epochs)
    iterator = dataset.make_one_shot_iterator()
    next_example, next_label = iterator.get_next()
    loss = model_function(tf, next_example, next_label)
    training_op = tf.train.AdagradOptimizer(0.1).minimize(loss)
    losses = []
    with tf.train.MonitoredTrainingSession() as sess:
        while not sess.should_stop():
            losses.append(sess.run((training_op, loss))[1])
    out["monitored_steps"] = [len(losses), bool(losses[-1] < losses[0])]
    out["monitored_loss"] = float(losses[0])
    return out


def model_function(tf, next_example, next_label):
    """Softmax regression over the 64 pixels, weights starting at zero."""
    next_example.set_shape([None, 64])
    w = tf.Variable(tf.zeros([64, 10]))
    b = tf.Variable(tf.zeros([10]))
    logits = tf.matmul(next_example, w) + b
    return tf.losses.sparse_softmax_cross_entropy(labels=next_label, logits=logits)
