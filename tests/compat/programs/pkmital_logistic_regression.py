"""Softmax ("logistic") regression on MNIST: Parag K. Mital's "tensorflow_tutorials"
(github.com/pkmital/tensorflow_tutorials at commit c3eefe5,
``python/04_logistic_regression.py``). ``W`` and ``b`` from ``tf.zeros``,
``tf.nn.softmax(tf.matmul(net_input, W) + b)``, the cross-entropy written out as
``-tf.reduce_sum(y_true * tf.log(net_output))``, accuracy from ``tf.equal`` of
``tf.argmax``s cast with the string dtype ``"float"``; SGD at 0.01 over mini-batches of 100
with the validation accuracy after each epoch and the test accuracy at the end.

Adapted: the MNIST download is the bundled digits in MNIST's shapes
(``common.read_data_sets``: 1400 training images, the 397 others are both validation and
test); the prints of the data's sizes, ranges and accuracies are returned instead; the
``imshow`` of one image is dropped; 10 epochs -> 2. The weights start at zero as written.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets

COMPARE = {"sizes": 0.0, "pixel_range": 1e-7, "first_costs": 1e-4,
           "validation_accuracy": 0.0, "test_accuracy": 3e-3, "cost_is_nan": 0.0}


def main(tf):
    # %% get the classic mnist dataset (bundled digits here)
    mnist = read_data_sets('MNIST_data/', one_hot=True)
    out = {"sizes": [mnist.train.num_examples, mnist.test.num_examples,
                     mnist.validation.num_examples,
                     list(mnist.train.images.shape), list(mnist.train.labels.shape)],
           "pixel_range": float(np.max(mnist.train.images) - np.min(mnist.train.images))}

    # %% We can create a container for an input image using tensorflow's graph:
    n_input = 784
    n_output = 10
    net_input = tf.placeholder(tf.float32, [None, n_input])

    # %% We can write a simple regression (y = W*x + b) as:
    W = tf.Variable(tf.zeros([n_input, n_output]))
    b = tf.Variable(tf.zeros([n_output]))
    net_output = tf.nn.softmax(tf.matmul(net_input, W) + b)

    # %% We'll create a placeholder for the true output of the network
    y_true = tf.placeholder(tf.float32, [None, 10])

    # %% And then write our loss function:
    cross_entropy = -tf.reduce_sum(y_true * tf.log(net_output))

    # %% This would equate each label in our one-hot vector between the
    # prediction and actual using the argmax as the predicted label
    correct_prediction = tf.equal(
        tf.argmax(net_output, 1), tf.argmax(y_true, 1))

    # %% And now we can look at the mean of our network's correct guesses
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, "float"))

    # %% We can tell the tensorflow graph to train w/ gradient descent
    optimizer = tf.train.GradientDescentOptimizer(
        0.01).minimize(cross_entropy)

    # %% We now create a new session to actually perform the initialization
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())

    # %% Now actually do some training:
    batch_size = 100
    n_epochs = 2  # 10 in the original
    first_costs, validation_accuracy = [], []
    for epoch_i in range(n_epochs):  # noqa: B007 - the author's loop
        for batch_i in range(mnist.train.num_examples // batch_size):  # noqa: B007
            batch_xs, batch_ys = mnist.train.next_batch(batch_size)
            _, step_cost = sess.run([optimizer, cross_entropy], feed_dict={
                net_input: batch_xs,
                y_true: batch_ys
            })
            if len(first_costs) < 4:
                first_costs.append(float(step_cost))
        validation_accuracy.append(float(sess.run(
            accuracy, feed_dict={net_input: mnist.validation.images,
                                 y_true: mnist.validation.labels})))

    # %% Print final test accuracy:
    test_accuracy, test_cost = sess.run(
        [accuracy, cross_entropy],
        feed_dict={net_input: mnist.test.images, y_true: mnist.test.labels})
    sess.close()
    out.update(first_costs=float(np.sum(first_costs)), validation_accuracy=validation_accuracy,
               test_accuracy=float(test_accuracy), cost_is_nan=[bool(np.isnan(test_cost))])
    return out
