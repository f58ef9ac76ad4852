"""Udacity "Deep Learning" (Vincent Vanhoucke), assignment 2: ``2_fullyconnected.ipynb``
from ``tensorflow/tensorflow``, ``tensorflow/examples/udacity`` (TF 1.x revision:
keyword ``labels=`` / ``logits=`` and ``tf.global_variables_initializer()``). Both of the
notebook's graphs: multinomial logistic regression trained by full-batch gradient
descent on a ``train_subset`` held in ``tf.constant`` nodes, then the same model trained
by SGD on ``tf.placeholder`` minibatches picked at ``(step * batch_size) %
(train_labels.shape[0] - batch_size)``; ``tf.nn.softmax`` predictions for the training,
validation and test data (the latter two from constants), scored by the notebook's
NumPy ``accuracy`` as the loop goes, ``valid_prediction.eval()`` in the session.

Adapted: the notMNIST pickle of ``1_notmnist.ipynb`` becomes the bundled digits in
MNIST's shapes (``common.read_data_sets``: 1200 training, 200 validation and 397 test
28x28 images, centred to [-0.5, 0.5] as the pickle's pixels were, integer labels), read
into the pickle's six arrays; ``train_subset`` 1200 instead of 10000; 41 and 61 steps
instead of 801 and 3001, reported every 20 steps instead of every 100 and 500; the
weights start from ``same_start``'s NumPy draw instead of ``tf.truncated_normal``; the
prints are left out (their numbers are returned)."""

# ruff: noqa: E741 - the notebook's loss variable `l` is kept

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

# The first losses agree to 1e-7; gradient descent at 0.5 swings the early losses (2.6 to
# 5.3 and back), amplifying float32 round-off to about 5e-5 after 20 steps.
COMPARE = {"gd_losses": 2e-4, "gd_train_accuracy": 1e-6, "gd_valid_accuracy": 1e-6,
           "gd_test_accuracy": 1e-6, "sgd_losses": 2e-4, "sgd_batch_accuracy": 1e-6,
           "sgd_valid_accuracy": 1e-6, "sgd_test_accuracy": 1e-6, "shapes": 0.0}


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

    def reformat(dataset, labels):
        dataset = dataset.reshape((-1, image_size * image_size)).astype(np.float32)
        # Map 0 to [1.0, 0.0, 0.0 ...], 1 to [0.0, 1.0, 0.0 ...]
        labels = (np.arange(num_labels) == labels[:, None]).astype(np.float32)
        return dataset, labels
    train_dataset, train_labels = reformat(train_dataset, train_labels)
    valid_dataset, valid_labels = reformat(valid_dataset, valid_labels)
    test_dataset, test_labels = reformat(test_dataset, test_labels)
    shapes = [list(train_dataset.shape), list(valid_dataset.shape), list(test_labels.shape)]

    # With gradient descent training, even this much data is prohibitive.
    # Subset the training data for faster turnaround.
    train_subset = 1200

    graph = tf.Graph()
    with graph.as_default():

        # Input data.
        # Load the training, validation and test data into constants that are
        # attached to the graph.
        tf_train_dataset = tf.constant(train_dataset[:train_subset, :])
        tf_train_labels = tf.constant(train_labels[:train_subset])
        tf_valid_dataset = tf.constant(valid_dataset)
        tf_test_dataset = tf.constant(test_dataset)

        # Variables.
        # These are the parameters that we are going to be training. The weight
        # matrix will be initialized using random valued following a (truncated)
        # normal distribution. The biases get initialized to zero.
        weights = tf.Variable(
            tf.truncated_normal([image_size * image_size, num_labels]))
        biases = tf.Variable(tf.zeros([num_labels]))

        # Training computation.
        # We multiply the inputs with the weight matrix, and add biases. We compute
        # the softmax and cross-entropy (it's one operation in TensorFlow, because
        # it's very common, and it can be optimized). We take the average of this
        # cross-entropy across all training examples: that's our loss.
        logits = tf.matmul(tf_train_dataset, weights) + biases
        loss = tf.reduce_mean(
            tf.nn.softmax_cross_entropy_with_logits(labels=tf_train_labels, logits=logits))

        # Optimizer.
        # We are going to find the minimum of this loss using gradient descent.
        optimizer = tf.train.GradientDescentOptimizer(0.5).minimize(loss)

        # Predictions for the training, validation, and test data.
        # These are not part of training, but merely here so that we can report
        # accuracy figures as we train.
        train_prediction = tf.nn.softmax(logits)
        valid_prediction = tf.nn.softmax(
            tf.matmul(tf_valid_dataset, weights) + biases)
        test_prediction = tf.nn.softmax(tf.matmul(tf_test_dataset, weights) + biases)

    num_steps = 41

    def accuracy(predictions, labels):
        return (100.0 * np.sum(np.argmax(predictions, 1) == np.argmax(labels, 1))
                / predictions.shape[0])

    gd_losses, gd_train, gd_valid = [], [], []
    with tf.Session(graph=graph) as session:
        # This is a one-time operation which ensures the parameters get initialized as
        # we described in the graph: random weights for the matrix, zeros for the
        # biases.
        tf.global_variables_initializer().run()
        same_start(session, tf)
        for step in range(num_steps):
            # Run the computations. We tell .run() that we want to run the optimizer,
            # and get the loss value and the training predictions returned as numpy
            # arrays.
            _, l, predictions = session.run([optimizer, loss, train_prediction])
            if (step % 20 == 0):
                gd_losses.append(float(l))
                gd_train.append(accuracy(predictions, train_labels[:train_subset, :]))
                # Calling .eval() on valid_prediction is basically like calling run(), but
                # just to get that one numpy array. Note that it recomputes all its graph
                # dependencies.
                gd_valid.append(accuracy(valid_prediction.eval(), valid_labels))
        gd_test = accuracy(test_prediction.eval(), test_labels)

    batch_size = 128

    graph = tf.Graph()
    with graph.as_default():

        # Input data. For the training data, we use a placeholder that will be fed
        # at run time with a training minibatch.
        tf_train_dataset = tf.placeholder(tf.float32,
                                          shape=(batch_size, image_size * image_size))
        tf_train_labels = tf.placeholder(tf.float32, shape=(batch_size, num_labels))
        tf_valid_dataset = tf.constant(valid_dataset)
        tf_test_dataset = tf.constant(test_dataset)

        # Variables.
        weights = tf.Variable(
            tf.truncated_normal([image_size * image_size, num_labels]))
        biases = tf.Variable(tf.zeros([num_labels]))

        # Training computation.
        logits = tf.matmul(tf_train_dataset, weights) + biases
        loss = tf.reduce_mean(
            tf.nn.softmax_cross_entropy_with_logits(labels=tf_train_labels, logits=logits))

        # Optimizer.
        optimizer = tf.train.GradientDescentOptimizer(0.5).minimize(loss)

        # Predictions for the training, validation, and test data.
        train_prediction = tf.nn.softmax(logits)
        valid_prediction = tf.nn.softmax(
            tf.matmul(tf_valid_dataset, weights) + biases)
        test_prediction = tf.nn.softmax(tf.matmul(tf_test_dataset, weights) + biases)

    num_steps = 61

    sgd_losses, sgd_batch, sgd_valid = [], [], []
    with tf.Session(graph=graph) as session:
        tf.global_variables_initializer().run()
        same_start(session, tf, seed=1)
        for step in range(num_steps):
            # Pick an offset within the training data, which has been randomized.
            # Note: we could use better randomization across epochs.
            offset = (step * batch_size) % (train_labels.shape[0] - batch_size)
            # Generate a minibatch.
            batch_data = train_dataset[offset:(offset + batch_size), :]
            batch_labels = train_labels[offset:(offset + batch_size), :]
            # Prepare a dictionary telling the session where to feed the minibatch.
            # The key of the dictionary is the placeholder node of the graph to be fed,
            # and the value is the numpy array to feed to it.
            feed_dict = {tf_train_dataset: batch_data, tf_train_labels: batch_labels}
            _, l, predictions = session.run(
                [optimizer, loss, train_prediction], feed_dict=feed_dict)
            if (step % 20 == 0):
                sgd_losses.append(float(l))
                sgd_batch.append(accuracy(predictions, batch_labels))
                sgd_valid.append(accuracy(valid_prediction.eval(), valid_labels))
        sgd_test = accuracy(test_prediction.eval(), test_labels)

    def total(values):
        return float(np.sum(values))

    return {"gd_losses": total(gd_losses), "gd_train_accuracy": total(gd_train),
            "gd_valid_accuracy": total(gd_valid), "gd_test_accuracy": float(gd_test),
            "sgd_losses": total(sgd_losses), "sgd_batch_accuracy": total(sgd_batch),
            "sgd_valid_accuracy": total(sgd_valid), "sgd_test_accuracy": float(sgd_test),
            "shapes": shapes}
