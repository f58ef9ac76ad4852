"""Two-cluster classification, from MorvanZhou's "Tensorflow-Tutorial"
(github.com/MorvanZhou/Tensorflow-Tutorial at commit
42dc32de532d146725aeef965d87871142a542d6, ``tutorial-contents/302_simple_classification.py``):
two Gaussian clouds made with NumPy, float labels fed to a ``tf.int32`` placeholder (the
feed casts them), ``tf.layers.dense`` layers, ``tf.losses.sparse_softmax_cross_entropy``,
the update op of ``tf.metrics.accuracy(labels=tf.squeeze(tf_y), predictions=tf.argmax(...))``
run with the train op (a running accuracy over every step's batch), and
``GradientDescentOptimizer(0.05)``; global and local variables initialized by one
``tf.group``.

Adapted: 30 steps instead of 100; the weights start from ``same_start``'s draw (the
biases stay zero); the matplotlib plotting (the scatter of the data and of the predicted
classes every 2 steps, with the accuracy written on it) is left out, and the accuracies
it would have shown are returned.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"accuracy": 1e-6, "plotted_accuracies": 1e-6, "pred_sum": 1e-5,
           "predicted_classes": 0.0}


def main(tf):
    tf.set_random_seed(1)
    np.random.seed(1)

    # fake data
    n_data = np.ones((100, 2))
    x0 = np.random.normal(2*n_data, 1)      # class0 x shape=(100, 2)
    y0 = np.zeros(100)                      # class0 y shape=(100, )
    x1 = np.random.normal(-2*n_data, 1)     # class1 x shape=(100, 2)
    y1 = np.ones(100)                       # class1 y shape=(100, )
    x = np.vstack((x0, x1))  # shape (200, 2) + some noise
    y = np.hstack((y0, y1))  # shape (200, )

    tf_x = tf.placeholder(tf.float32, x.shape)     # input x
    tf_y = tf.placeholder(tf.int32, y.shape)     # input y

    # neural network layers
    l1 = tf.layers.dense(tf_x, 10, tf.nn.relu)          # hidden layer
    output = tf.layers.dense(l1, 2)                     # output layer

    loss = tf.losses.sparse_softmax_cross_entropy(labels=tf_y, logits=output)  # compute cost
    accuracy = tf.metrics.accuracy(  # return (acc, update_op), and create 2 local variables
        labels=tf.squeeze(tf_y), predictions=tf.argmax(output, axis=1),)[1]
    optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.05)
    train_op = optimizer.minimize(loss)

    sess = tf.Session()                                  # control training and others
    init_op = tf.group(tf.global_variables_initializer(), tf.local_variables_initializer())
    sess.run(init_op)     # initialize var in graph
    same_start(sess, tf, seed=2)

    plotted = []
    for step in range(30):
        # train and net output
        _, acc, pred = sess.run([train_op, accuracy, output], {tf_x: x, tf_y: y})
        if step % 2 == 0:
            plotted.append(float(acc))        # what the figure's 'Accuracy=%.2f' shows

    return {"accuracy": float(acc), "plotted_accuracies": float(np.sum(plotted)),
            "pred_sum": float(np.sum(pred[:, 0] - 2 * pred[:, 1])),
            "predicted_classes": [int(np.sum(pred.argmax(1) == 0)),
                                  int(np.sum(pred.argmax(1) == 1))]}
