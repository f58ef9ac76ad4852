"""Udacity "Deep Learning" (Vincent Vanhoucke), assignment 4: ``4_convolutions.ipynb``
from ``tensorflow/tensorflow``, ``tensorflow/examples/udacity`` (TF 1.x revision:
keyword ``labels=`` / ``logits=``, ``tf.global_variables_initializer()``, integer
``image_size // 4``). The images reformatted to ``[n, 28, 28, 1]``, a ``model(data)``
function applied to the training placeholder and to the validation and test constants:
two 5x5 ``tf.nn.conv2d`` layers of depth 16 with stride 2 and ``SAME`` padding, ReLU, a
reshape from ``get_shape().as_list()``, a 64-unit ReLU layer and the output layer
(biases of 1.0 from ``tf.constant(1.0, shape=...)``); softmax cross entropy, plain
gradient descent at 0.05 on minibatches of 16 at the notebook's cycling offsets, the
NumPy ``accuracy`` of the softmax predictions.

Adapted: the notMNIST pickle becomes the bundled digits in MNIST's shapes
(``common.read_data_sets``: 1200 training, 200 validation and 397 test 28x28 images,
centred to [-0.5, 0.5] as the pickle's pixels were); 61 steps instead of 1001, reported
every 20 instead of every 50; the ``tf.truncated_normal`` weights replaced by
``same_start``'s NumPy draw; the prints are left out (their numbers are returned)."""

# ruff: noqa: E741 - the notebook's loss variable `l` is kept

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"losses": 1e-4, "batch_accuracy": 1e-6, "valid_accuracy": 1e-6,
           "test_accuracy": 1e-6, "shapes": 0.0}


def load_pickle():
    """The six arrays of ``notMNIST.pickle`` (images ``[n, 28, 28]``, integer labels)."""
    data = read_data_sets("notMNIST", one_hot=False)
    images = data.train.images.reshape(-1, 28, 28) - 0.5
    test = data.test.images.reshape(-1, 28, 28) - 0.5
    return {"train_dataset": images[:1200], "train_labels": data.train.labels[:1200],
            "valid_dataset": images[1200:], "valid_labels": data.train.labels[1200:],
            "test_dataset": test, "test_labels": data.test.labels}


def main(tf):
    save = load_pickle()
    train_dataset = save['train_dataset']
    train_labels = save['train_labels']
    valid_dataset = save['valid_dataset']
    valid_labels = save['valid_labels']
    test_dataset = save['test_dataset']
    test_labels = save['test_labels']
    del save  # hint to help gc free up memory

    image_size = 28
    num_labels = 10
    num_channels = 1  # grayscale

    def reformat(dataset, labels):
        dataset = dataset.reshape(
            (-1, image_size, image_size, num_channels)).astype(np.float32)
        labels = (np.arange(num_labels) == labels[:, None]).astype(np.float32)
        return dataset, labels
    train_dataset, train_labels = reformat(train_dataset, train_labels)
    valid_dataset, valid_labels = reformat(valid_dataset, valid_labels)
    test_dataset, test_labels = reformat(test_dataset, test_labels)

    def accuracy(predictions, labels):
        return (100.0 * np.sum(np.argmax(predictions, 1) == np.argmax(labels, 1))
                / predictions.shape[0])

    batch_size = 16
    patch_size = 5
    depth = 16
    num_hidden = 64

    graph = tf.Graph()

    with graph.as_default():

        # Input data.
        tf_train_dataset = tf.placeholder(
            tf.float32, shape=(batch_size, image_size, image_size, num_channels))
        tf_train_labels = tf.placeholder(tf.float32, shape=(batch_size, num_labels))
        tf_valid_dataset = tf.constant(valid_dataset)
        tf_test_dataset = tf.constant(test_dataset)

        # Variables.
        layer1_weights = tf.Variable(tf.truncated_normal(
            [patch_size, patch_size, num_channels, depth], stddev=0.1))
        layer1_biases = tf.Variable(tf.zeros([depth]))
        layer2_weights = tf.Variable(tf.truncated_normal(
            [patch_size, patch_size, depth, depth], stddev=0.1))
        layer2_biases = tf.Variable(tf.constant(1.0, shape=[depth]))
        layer3_weights = tf.Variable(tf.truncated_normal(
            [image_size // 4 * image_size // 4 * depth, num_hidden], stddev=0.1))
        layer3_biases = tf.Variable(tf.constant(1.0, shape=[num_hidden]))
        layer4_weights = tf.Variable(tf.truncated_normal(
            [num_hidden, num_labels], stddev=0.1))
        layer4_biases = tf.Variable(tf.constant(1.0, shape=[num_labels]))

        # Model.
        def model(data):
            conv = tf.nn.conv2d(data, layer1_weights, [1, 2, 2, 1], padding='SAME')
            hidden = tf.nn.relu(conv + layer1_biases)
            conv = tf.nn.conv2d(hidden, layer2_weights, [1, 2, 2, 1], padding='SAME')
            hidden = tf.nn.relu(conv + layer2_biases)
            shape = hidden.get_shape().as_list()
            reshape = tf.reshape(hidden, [shape[0], shape[1] * shape[2] * shape[3]])
            hidden = tf.nn.relu(tf.matmul(reshape, layer3_weights) + layer3_biases)
            return tf.matmul(hidden, layer4_weights) + layer4_biases

        # Training computation.
        logits = model(tf_train_dataset)
        loss = tf.reduce_mean(
            tf.nn.softmax_cross_entropy_with_logits(labels=tf_train_labels, logits=logits))

        # Optimizer.
        optimizer = tf.train.GradientDescentOptimizer(0.05).minimize(loss)

        # Predictions for the training, validation, and test data.
        train_prediction = tf.nn.softmax(logits)
        valid_prediction = tf.nn.softmax(model(tf_valid_dataset))
        test_prediction = tf.nn.softmax(model(tf_test_dataset))

    num_steps = 61

    losses, batch_accuracy, valid_accuracy = [], [], []
    with tf.Session(graph=graph) as session:
        tf.global_variables_initializer().run()
        same_start(session, tf)
        for step in range(num_steps):
            offset = (step * batch_size) % (train_labels.shape[0] - batch_size)
            batch_data = train_dataset[offset:(offset + batch_size), :, :, :]
            batch_labels = train_labels[offset:(offset + batch_size), :]
            feed_dict = {tf_train_dataset: batch_data, tf_train_labels: batch_labels}
            _, l, predictions = session.run(
                [optimizer, loss, train_prediction], feed_dict=feed_dict)
            if (step % 20 == 0):
                losses.append(float(l))
                batch_accuracy.append(accuracy(predictions, batch_labels))
                valid_accuracy.append(accuracy(valid_prediction.eval(), valid_labels))
        test_accuracy = accuracy(test_prediction.eval(), test_labels)
        shapes = [tf_valid_dataset.get_shape().as_list(),
                  layer3_weights.get_shape().as_list(), logits.get_shape().as_list()]
    return {"losses": float(np.sum(losses)), "batch_accuracy": float(np.sum(batch_accuracy)),
            "valid_accuracy": float(np.sum(valid_accuracy)),
            "test_accuracy": float(test_accuracy), "shapes": shapes}
