"""Python logic in a ``tf.data`` pipeline with ``tf.py_func``: the TF 1.x programmer's
guide "Importing Data" (tensorflow/tensorflow, ``tensorflow/docs_src/programmers_guide/
datasets.md``, sections "Applying arbitrary Python logic with tf.py_func()" and
"Processing multiple epochs" / "Batching"). ``Dataset.from_tensor_slices`` of file names
and labels, a ``map`` whose lambda calls ``tf.py_func(_read_py_function, [filename,
label], [tf.uint8, label.dtype])`` (the file name arrives as bytes and is ``decode()``d),
a second ``map`` that ``set_shape``s the unknown-shaped result and
``tf.image.resize_images`` it to 28 x 28, then ``batch`` and ``repeat``, a one-shot
iterator, and the guide's training loop until ``tf.errors.OutOfRangeError``; the model fed
by the iterator is a softmax regression on the resized images.

Adapted: ``cv2.imread(filename.decode(), cv2.IMREAD_GRAYSCALE)`` reads ``.npy`` images
with ``np.load`` instead (OpenCV and JPEG files replaced by arrays written to a temporary
directory: the bundled 8 x 8 digits upscaled to sizes between 16 and 40 pixels, stored
as ``[height, width, 1]``, the rank the guide's ``set_shape([None, None, None])``
assumes); the model and its SGD loop stand for the guide's elided ``...`` training
step."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

COMPARE = {"steps": 0.0, "first_loss": 1e-5, "last_loss": 1e-4, "accuracy": 1e-6,
           "first_batch_sum": 1e-5, "labels_head": 0.0}

_DIGITS = Path(__file__).resolve().parents[3] / "trainkit" / "data" / "datasets" / "digits.npz"


def _write_images(directory, n=240, seed=0):
    rng = np.random.RandomState(seed)
    with np.load(_DIGITS, allow_pickle=False) as f:
        images, labels = f["images"][:n], f["labels"][:n]
    names = []
    for i, img in enumerate(images):
        scale = rng.randint(2, 6)
        big = np.kron(img / 16.0 * 255.0, np.ones((scale, scale))).astype(np.uint8)
        path = os.path.join(directory, f"image{i}.npy")
        np.save(path, big[:, :, None])
        names.append(path)
    return names, [int(v) for v in labels]


def main(tf):
    directory = tempfile.mkdtemp()
    filenames, labels = _write_images(directory)

    def _read_py_function(filename, label):
        image_decoded = np.load(filename.decode())
        return image_decoded, label

    def _resize_function(image_decoded, label):
        image_decoded.set_shape([None, None, None])
        image_resized = tf.image.resize_images(image_decoded, [28, 28])
        return image_resized, label

    dataset = tf.data.Dataset.from_tensor_slices((filenames, labels))
    dataset = dataset.map(
        lambda filename, label: tuple(tf.py_func(
            _read_py_function, [filename, label], [tf.uint8, label.dtype])))
    dataset = dataset.map(_resize_function)
    dataset = dataset.batch(32)
    dataset = dataset.repeat(3)
    iterator = dataset.make_one_shot_iterator()
    next_example, next_label = iterator.get_next()

    x = tf.reshape(next_example, [-1, 28 * 28]) / 255.0
    W = tf.Variable(tf.zeros([784, 10]))
    b = tf.Variable(tf.zeros([10]))
    logits = tf.matmul(x, W) + b
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=next_label, logits=logits))
    correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(logits, 1, output_type=tf.int32),
                                             next_label), tf.float32))
    train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)

    losses, hits, seen = [], 0.0, 0
    first_batch_sum, labels_head = None, None
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        while True:
            try:
                if first_batch_sum is None:
                    images, lab = sess.run([next_example, next_label])
                    first_batch_sum = float(images.sum())
                    labels_head = [int(v) for v in lab[:8]]
                    continue
                _, lv, c, n = sess.run([train_op, loss, correct, tf.size(next_label)])
                losses.append(lv)
                hits += c
                seen += n
            except tf.errors.OutOfRangeError:
                break
    return {"steps": [len(losses)], "first_loss": float(losses[0]),
            "last_loss": float(np.mean(losses[-4:])), "accuracy": float(hits / seen),
            "first_batch_sum": first_batch_sum, "labels_head": labels_head}
