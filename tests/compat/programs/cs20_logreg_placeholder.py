"""Logistic regression on MNIST fed through placeholders: Stanford CS20 ("TensorFlow for
Deep Learning Research", Chip Huyen), repo ``chiphuyen/stanford-tensorflow-tutorials``,
``examples/03_logreg_placeholder.py`` at commit 51e53daaa2a32cfe7a1966f060b28dbbd081791c.
``input_data.read_data_sets(one_hot=True)`` batches fed into a float32 ``[batch_size,
784]`` placeholder and an **int32** ``[batch_size, 10]`` label placeholder (the loss casts
the integer one-hot labels to the logits' dtype, ``tf.argmax`` reads them as they are);
``tf.get_variable`` weights from ``random_normal_initializer()`` and a ``(1, 10)`` zero
bias; the mean softmax cross entropy minimised by Adam at 0.01; a ``FileWriter`` of the
graph; the number of correct test predictions summed over ``int(num_examples /
batch_size)`` test batches.

Adapted: the MNIST download becomes the bundled digits (``common.read_data_sets``: 1400
training and 397 test images, ``next_batch`` in order instead of shuffled); 3 epochs
instead of 30; ``tf.set_random_seed(2)`` is added, so the weights are TF's own
``random_normal`` draw in both backends; the events go to a temporary directory; the
prints are returned (without the times)."""

from __future__ import annotations

import os
import tempfile

import numpy as np

from tests.compat.programs.common import read_data_sets

COMPARE = {"epoch_losses": 1e-5, "accuracy": 1e-6, "initial_w_sum": 1e-6, "batches": 0.0}


def main(tf):
    tf.set_random_seed(2)
    work = tempfile.mkdtemp()
    out = {"epoch_losses": []}

    # Define paramaters for the model
    learning_rate = 0.01
    batch_size = 128
    n_epochs = 3

    # Step 1: Read in data
    # using TF Learn's built in function to load MNIST data to the folder data/mnist
    mnist = read_data_sets('data/mnist', one_hot=True)
    X_batch, Y_batch = mnist.train.next_batch(batch_size)

    # Step 2: create placeholders for features and labels
    # each image in the MNIST data is of shape 28*28 = 784
    # therefore, each image is represented with a 1x784 tensor
    # there are 10 classes for each image, corresponding to digits 0 - 9.
    # each lable is one hot vector.
    X = tf.placeholder(tf.float32, [batch_size, 784], name='image')
    Y = tf.placeholder(tf.int32, [batch_size, 10], name='label')

    # Step 3: create weights and bias
    # w is initialized to random variables with mean of 0, stddev of 0.01
    # b is initialized to 0
    # shape of w depends on the dimension of X and Y so that Y = tf.matmul(X, w)
    # shape of b depends on Y
    w = tf.get_variable(name='weights', shape=(784, 10),
                        initializer=tf.random_normal_initializer())
    b = tf.get_variable(name='bias', shape=(1, 10), initializer=tf.zeros_initializer())

    # Step 4: build model
    # the model that returns the logits.
    # this logits will be later passed through softmax layer
    logits = tf.matmul(X, w) + b

    # Step 5: define loss function
    # use cross entropy of softmax of logits as the loss function
    entropy = tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y, name='loss')
    loss = tf.reduce_mean(entropy)  # computes the mean over all the examples in the batch

    # Step 6: define training op
    # using gradient descent with learning rate of 0.01 to minimize loss
    optimizer = tf.train.AdamOptimizer(learning_rate).minimize(loss)

    # Step 7: calculate accuracy with test set
    preds = tf.nn.softmax(logits)
    correct_preds = tf.equal(tf.argmax(preds, 1), tf.argmax(Y, 1))
    accuracy = tf.reduce_sum(tf.cast(correct_preds, tf.float32))

    writer = tf.summary.FileWriter(os.path.join(work, 'graphs/logreg_placeholder'),
                                   tf.get_default_graph())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out["initial_w_sum"] = float(np.abs(sess.run(w)).sum())
        n_batches = int(mnist.train.num_examples / batch_size)

        # train the model n_epochs times
        for i in range(n_epochs):  # noqa: B007 - as written
            total_loss = 0

            for j in range(n_batches):  # noqa: B007 - as written
                X_batch, Y_batch = mnist.train.next_batch(batch_size)
                _, loss_batch = sess.run([optimizer, loss], {X: X_batch, Y: Y_batch})
                total_loss += loss_batch
            out["epoch_losses"].append(total_loss / n_batches)

        # test the model
        n_batches = int(mnist.test.num_examples / batch_size)
        total_correct_preds = 0

        for i in range(n_batches):  # noqa: B007 - as written
            X_batch, Y_batch = mnist.test.next_batch(batch_size)
            accuracy_batch = sess.run(accuracy, {X: X_batch, Y: Y_batch})
            total_correct_preds += accuracy_batch

        out["accuracy"] = float(total_correct_preds / mnist.test.num_examples)

    writer.close()
    out["epoch_losses"] = float(np.sum(out["epoch_losses"]))
    out["batches"] = [n_batches, entropy.dtype.name]
    return out
