"""TensorFlow's TF 1.x "Reading data" example trio (tensorflow/tensorflow,
``tensorflow/examples/how_tos/reading_data/convert_to_records.py`` and
``fully_connected_reader.py`` with ``tensorflow/examples/tutorials/mnist/mnist.py``):
``convert_to`` writes each image as a ``tf.train.Example`` (``Int64List`` height, width,
depth and label, ``BytesList`` of the raw uint8 pixels from ``tostring()``) with
``tf.python_io.TFRecordWriter``; ``inputs`` reads them back with
``tf.data.TFRecordDataset``, three chained ``map``s (``decode``: ``parse_single_example``
with ``FixedLenFeature([], tf.string)`` / ``tf.int64``, ``decode_raw(..., tf.uint8)``,
``set_shape``, ``cast``; ``augment``; ``normalize`` to [-0.5, 0.5]), ``repeat(num_epochs)``,
``batch``, ``make_one_shot_iterator`` inside ``name_scope('input')``; ``mnist.inference``
(two ReLU layers of ``tf.Variable``s under name scopes), ``mnist.loss``
(``tf.to_int64`` labels, ``tf.losses.sparse_softmax_cross_entropy``), ``mnist.training``
(a ``summary.scalar``, SGD with a ``global_step`` Variable), trained until
``OutOfRangeError``. Adapted: the MNIST download (bundled digits scaled to uint8, the
first 1000 for training and 200 for validation), no ``shuffle`` (its order is
backend-specific), same starting weights, and after training ``mnist.evaluation``
(``in_top_k``) summed over one pass of the validation records read by ``inputs`` too,
each batch fed in place of the training iterator's ``get_next()`` tensors."""

# ruff: noqa: UP031 - the authors' %-formatting is kept

from __future__ import annotations

import math
import os
import tempfile

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"loss": 1e-4, "steps": 0.0, "global_step": 0.0, "correct": 0.0,
           "shapes": 0.0}

NUM_CLASSES = 10
IMAGE_SIZE = 28
IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE
TRAIN_FILE = "train.tfrecords"
VALIDATION_FILE = "validation.tfrecords"


class _Set:
    def __init__(self, images, labels):
        self.images, self.labels, self.num_examples = images, labels, len(images)


def _int64_feature(tf, value):
    return tf.train.Feature(int64_list=tf.train.Int64List(value=[value]))


def _bytes_feature(tf, value):
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=[value]))


def convert_to(tf, directory, data_set, name):
    """Converts a dataset to tfrecords."""
    images = data_set.images
    labels = data_set.labels
    num_examples = data_set.num_examples
    if images.shape[0] != num_examples:
        raise ValueError("Images size %d does not match label size %d." %
                         (images.shape[0], num_examples))
    rows = images.shape[1]
    cols = images.shape[2]
    depth = images.shape[3]
    filename = os.path.join(directory, name + ".tfrecords")
    writer = tf.python_io.TFRecordWriter(filename)
    for index in range(num_examples):
        image_raw = images[index].tobytes()
        example = tf.train.Example(features=tf.train.Features(feature={
            "height": _int64_feature(tf, rows),
            "width": _int64_feature(tf, cols),
            "depth": _int64_feature(tf, depth),
            "label": _int64_feature(tf, int(labels[index])),
            "image_raw": _bytes_feature(tf, image_raw)}))
        writer.write(example.SerializeToString())
    writer.close()


def decode(tf, serialized_example):
    """Parses an image and label from the given `serialized_example`."""
    features = tf.parse_single_example(
        serialized_example,
        features={
            "image_raw": tf.FixedLenFeature([], tf.string),
            "label": tf.FixedLenFeature([], tf.int64),
        })
    image = tf.decode_raw(features["image_raw"], tf.uint8)
    image.set_shape((IMAGE_PIXELS))  # noqa: UP034 (as written)
    label = tf.cast(features["label"], tf.int32)
    return image, label


def augment(image, label):
    """Placeholder for data augmentation."""
    return image, label


def normalize(tf, image, label):
    """Convert `image` from [0, 255] -> [-0.5, 0.5] floats."""
    image = tf.cast(image, tf.float32) * (1. / 255) - 0.5
    return image, label


def inputs(tf, train_dir, train, batch_size, num_epochs):
    """Reads input data num_epochs times."""
    if not num_epochs:
        num_epochs = None
    filename = os.path.join(train_dir, TRAIN_FILE if train else VALIDATION_FILE)
    with tf.name_scope("input"):
        dataset = tf.data.TFRecordDataset(filename)
        dataset = dataset.map(lambda s: decode(tf, s))
        dataset = dataset.map(augment)
        dataset = dataset.map(lambda image, label: normalize(tf, image, label))
        dataset = dataset.repeat(num_epochs)
        dataset = dataset.batch(batch_size)
        iterator = dataset.make_one_shot_iterator()
    return iterator.get_next()


def inference(tf, images, hidden1_units, hidden2_units):
    """Build the MNIST model up to where it may be used for inference."""
    with tf.name_scope("hidden1"):
        weights = tf.Variable(
            tf.truncated_normal([IMAGE_PIXELS, hidden1_units],
                                stddev=1.0 / math.sqrt(float(IMAGE_PIXELS))),
            name="weights")
        biases = tf.Variable(tf.zeros([hidden1_units]), name="biases")
        hidden1 = tf.nn.relu(tf.matmul(images, weights) + biases)
    with tf.name_scope("hidden2"):
        weights = tf.Variable(
            tf.truncated_normal([hidden1_units, hidden2_units],
                                stddev=1.0 / math.sqrt(float(hidden1_units))),
            name="weights")
        biases = tf.Variable(tf.zeros([hidden2_units]), name="biases")
        hidden2 = tf.nn.relu(tf.matmul(hidden1, weights) + biases)
    with tf.name_scope("softmax_linear"):
        weights = tf.Variable(
            tf.truncated_normal([hidden2_units, NUM_CLASSES],
                                stddev=1.0 / math.sqrt(float(hidden2_units))),
            name="weights")
        biases = tf.Variable(tf.zeros([NUM_CLASSES]), name="biases")
        logits = tf.matmul(hidden2, weights) + biases
    return logits


def loss(tf, logits, labels):
    """Calculates the loss from the logits and the labels."""
    labels = tf.to_int64(labels)
    return tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)


def training(tf, loss, learning_rate):
    """Sets up the training Ops."""
    tf.summary.scalar("loss", loss)
    optimizer = tf.train.GradientDescentOptimizer(learning_rate)
    global_step = tf.Variable(0, name="global_step", trainable=False)
    train_op = optimizer.minimize(loss, global_step=global_step)
    return train_op


def evaluation(tf, logits, labels):
    """Evaluate the quality of the logits at predicting the label."""
    correct = tf.nn.in_top_k(logits, labels, 1)
    return tf.reduce_sum(tf.cast(correct, tf.int32))


def main(tf):
    data = read_data_sets()
    pixels = np.round(data.train.images * 255).astype(np.uint8).reshape(-1, 28, 28, 1)
    train_dir = tempfile.mkdtemp()
    convert_to(tf, train_dir, _Set(pixels[:1000], data.train.labels[:1000]), "train")
    convert_to(tf, train_dir, _Set(pixels[1000:1200], data.train.labels[1000:1200]),
               "validation")
    batch_size, num_epochs, hidden1, hidden2, learning_rate = 100, 2, 128, 32, 0.01

    image_batch, label_batch = inputs(tf, train_dir, train=True, batch_size=batch_size,
                                      num_epochs=num_epochs)
    logits = inference(tf, image_batch, hidden1, hidden2)
    loss_op = loss(tf, logits, label_batch)
    train_op = training(tf, loss_op, learning_rate)
    init_op = tf.group(tf.global_variables_initializer(),
                       tf.local_variables_initializer())
    with tf.Session() as sess:
        sess.run(init_op)
        same_start(sess, tf)
        try:
            step = 0
            while True:
                _, loss_value = sess.run([train_op, loss_op])
                step += 1
        except tf.errors.OutOfRangeError:
            pass
        global_step = sess.run(tf.train.get_global_step())
        # Evaluation: the validation records read by the same input function, their
        # batches fed in place of the training iterator's outputs.
        val_images, val_labels = inputs(tf, train_dir, train=False, batch_size=batch_size,
                                        num_epochs=1)
        correct = evaluation(tf, logits, label_batch)
        total = 0
        try:
            while True:
                vi, vl = sess.run([val_images, val_labels])
                total += int(sess.run(correct, {image_batch: vi, label_batch: vl}))
        except tf.errors.OutOfRangeError:
            pass
        shapes = [image_batch.shape.as_list(), label_batch.shape.as_list()]
    return {"loss": float(loss_value), "steps": step, "global_step": int(global_step),
            "correct": total, "shapes": shapes}
