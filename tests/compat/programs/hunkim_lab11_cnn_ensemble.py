"""An ensemble of ``tf.layers`` CNNs built by a ``Model`` class, from Sung Kim's
"DeepLearningZeroToAll" (github.com/hunkim/DeepLearningZeroToAll at commit
60c707e02af7bd950401faeadcc6c0e1b39b2978, ``lab-11-5-mnist_cnn_ensemble_layers.py``): each
``Model(sess, name)`` builds, under ``tf.variable_scope(name)``, a ``tf.bool`` placeholder
``training``, three ``tf.layers.conv2d`` (3x3, "SAME", relu) + ``max_pooling2d`` +
``tf.layers.dropout(rate=0.3, training=self.training)`` blocks, a 625-unit dense layer
with dropout 0.5 and a 10-unit logits layer; its own ``softmax_cross_entropy_with_logits``
cost, ``AdamOptimizer`` and accuracy (outside the variable scope, so the ops of the second
model get ``_1`` names); ``predict`` / ``get_accuracy`` / ``train`` methods run the
session. Two models train on the same batches, then each one's test accuracy, and the
ensemble's accuracy from the summed NumPy predictions compared by a new
``tf.equal(tf.argmax(predictions, 1), ...)`` evaluated by ``sess.run``.

Adapted: MNIST is the bundled digits (``common.read_data_sets``); one epoch of 4 batches
of 100 instead of 20 epochs of 550, and the test on the first 200 test images; the
models train with ``training=False`` passed to ``train`` (a dropout mask is drawn by each
backend's own generator, so the two would train different networks; the dropout layers
and the placeholder stay); the weights start from ``same_start``'s draw (biases zero,
as ``tf.layers`` initializes them); the prints are left out.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"avg_cost_0": 1e-4, "avg_cost_1": 1e-4, "accuracies": 0.0, "ensemble_accuracy": 0.0,
           "predictions_sum": 1e-4, "variables": 0.0, "cost_names": 0.0}


def main(tf):
    tf.set_random_seed(777)  # reproducibility

    mnist = read_data_sets("MNIST_data/", one_hot=True)

    # hyper parameters
    learning_rate = 0.001
    training_epochs = 1
    batch_size = 100

    class Model:

        def __init__(self, sess, name):
            self.sess = sess
            self.name = name
            self._build_net()

        def _build_net(self):
            with tf.variable_scope(self.name):
                # dropout (keep_prob) rate  0.7~0.5 on training, but should be 1
                # for testing
                self.training = tf.placeholder(tf.bool)

                # input place holders
                self.X = tf.placeholder(tf.float32, [None, 784])

                # img 28x28x1 (black/white), Input Layer
                X_img = tf.reshape(self.X, [-1, 28, 28, 1])
                self.Y = tf.placeholder(tf.float32, [None, 10])

                # Convolutional Layer #1
                conv1 = tf.layers.conv2d(inputs=X_img, filters=32, kernel_size=[3, 3],
                                         padding="SAME", activation=tf.nn.relu)
                # Pooling Layer #1
                pool1 = tf.layers.max_pooling2d(inputs=conv1, pool_size=[2, 2],
                                                padding="SAME", strides=2)
                dropout1 = tf.layers.dropout(inputs=pool1,
                                             rate=0.3, training=self.training)

                # Convolutional Layer #2 and Pooling Layer #2
                conv2 = tf.layers.conv2d(inputs=dropout1, filters=64, kernel_size=[3, 3],
                                         padding="SAME", activation=tf.nn.relu)
                pool2 = tf.layers.max_pooling2d(inputs=conv2, pool_size=[2, 2],
                                                padding="SAME", strides=2)
                dropout2 = tf.layers.dropout(inputs=pool2,
                                             rate=0.3, training=self.training)

                # Convolutional Layer #3 and Pooling Layer #3
                conv3 = tf.layers.conv2d(inputs=dropout2, filters=128, kernel_size=[3, 3],
                                         padding="SAME", activation=tf.nn.relu)
                pool3 = tf.layers.max_pooling2d(inputs=conv3, pool_size=[2, 2],
                                                padding="SAME", strides=2)
                dropout3 = tf.layers.dropout(inputs=pool3,
                                             rate=0.3, training=self.training)

                # Dense Layer with Relu
                flat = tf.reshape(dropout3, [-1, 128 * 4 * 4])
                dense4 = tf.layers.dense(inputs=flat,
                                         units=625, activation=tf.nn.relu)
                dropout4 = tf.layers.dropout(inputs=dense4,
                                             rate=0.5, training=self.training)

                # Logits (no activation) Layer: L5 Final FC 625 inputs -> 10 outputs
                self.logits = tf.layers.dense(inputs=dropout4, units=10)

            # define cost/loss & optimizer
            self.cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(
                logits=self.logits, labels=self.Y))
            self.optimizer = tf.train.AdamOptimizer(
                learning_rate=learning_rate).minimize(self.cost)

            correct_prediction = tf.equal(
                tf.argmax(self.logits, 1), tf.argmax(self.Y, 1))
            self.accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

        def predict(self, x_test, training=False):
            return self.sess.run(self.logits,
                                 feed_dict={self.X: x_test, self.training: training})

        def get_accuracy(self, x_test, y_test, training=False):
            return self.sess.run(self.accuracy,
                                 feed_dict={self.X: x_test,
                                            self.Y: y_test, self.training: training})

        def train(self, x_data, y_data, training=True):
            return self.sess.run([self.cost, self.optimizer], feed_dict={
                self.X: x_data, self.Y: y_data, self.training: training})

    # initialize
    sess = tf.Session()

    models = []
    num_models = 2
    for m in range(num_models):
        models.append(Model(sess, "model" + str(m)))

    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, seed=11)

    # train my model
    for epoch in range(training_epochs):  # noqa: B007 - as written
        avg_cost_list = np.zeros(len(models))
        total_batch = 4
        for i in range(total_batch):  # noqa: B007 - as written
            batch_xs, batch_ys = mnist.train.next_batch(batch_size)

            # train each model
            for m_idx, m in enumerate(models):
                c, _ = m.train(batch_xs, batch_ys, training=False)
                avg_cost_list[m_idx] += c / total_batch

    # Test model and check accuracy
    test_images, test_labels = mnist.test.images[:200], mnist.test.labels[:200]
    test_size = len(test_labels)
    predictions = np.zeros([test_size, 10])
    accuracies = []
    for m_idx, m in enumerate(models):  # noqa: B007 - as written
        accuracies.append(float(m.get_accuracy(test_images, test_labels)))
        p = m.predict(test_images)
        predictions += p

    ensemble_correct_prediction = tf.equal(
        tf.argmax(predictions, 1), tf.argmax(test_labels, 1))
    ensemble_accuracy = tf.reduce_mean(
        tf.cast(ensemble_correct_prediction, tf.float32))
    ens = sess.run(ensemble_accuracy)
    sess.close()
    return {"avg_cost_0": float(avg_cost_list[0]), "avg_cost_1": float(avg_cost_list[1]),
            "accuracies": accuracies, "ensemble_accuracy": [float(ens)],
            "predictions_sum": float(np.sum(predictions * np.arange(1, 11)) / test_size),
            "variables": sorted(v.op.name for v in tf.trainable_variables()),
            "cost_names": [m.cost.op.name for m in models]}
