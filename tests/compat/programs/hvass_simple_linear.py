"""Simple linear model on MNIST: Hvass-Labs' TensorFlow-Tutorials,
``01_Simple_Linear_Model.ipynb`` (the TF2-era notebook, which runs its TF1 code through
``tensorflow.compat.v1`` with ``disable_v2_behavior()``). Placeholders for the flat
images, one-hot labels and integer classes; zero-initialised ``weights`` and ``biases``;
``softmax_cross_entropy_with_logits_v2``; plain gradient descent at 0.5; accuracy from
``argmax`` of the softmax compared with the fed classes; the notebook's ``optimize`` /
``print_accuracy`` / ``print_confusion_matrix`` sequence.

Adapted: the MNIST download is the bundled digits in MNIST's shapes
(``common.HvassMNIST``; ``random_batch`` is in order); iterations 1 / 9 / 990 cut to
1 / 9 / 40; sklearn's ``confusion_matrix`` is a NumPy count of the same matrix; the
plots (images, example errors, weights, the confusion matrix image) are left out."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import HvassMNIST

COMPARE = {"acc_0": 0.0, "acc_1": 1e-6, "acc_10": 1e-6, "acc_50": 1e-6,
           "weights_min": 1e-4, "weights_max": 1e-4, "confusion_diag": 0.0,
           "errors": 0.0}


def main(tf):
    data = HvassMNIST(data_dir="data/MNIST/")
    img_size_flat = data.img_size_flat
    num_classes = data.num_classes

    x = tf.placeholder(tf.float32, [None, img_size_flat])
    y_true = tf.placeholder(tf.float32, [None, num_classes])
    y_true_cls = tf.placeholder(tf.int64, [None])
    weights = tf.Variable(tf.zeros([img_size_flat, num_classes]))
    biases = tf.Variable(tf.zeros([num_classes]))
    logits = tf.matmul(x, weights) + biases
    y_pred = tf.nn.softmax(logits)
    y_pred_cls = tf.argmax(y_pred, axis=1)
    cross_entropy = tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits,
                                                               labels=y_true)
    cost = tf.reduce_mean(cross_entropy)
    optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.5).minimize(cost)
    correct_prediction = tf.equal(y_pred_cls, y_true_cls)
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

    session = tf.Session()
    session.run(tf.global_variables_initializer())
    batch_size = 100

    def optimize(num_iterations):
        for i in range(num_iterations):  # noqa: B007 - the author's loop
            x_batch, y_true_batch, _ = data.random_batch(batch_size=batch_size)
            feed_dict_train = {x: x_batch,
                               y_true: y_true_batch}
            session.run(optimizer, feed_dict=feed_dict_train)

    feed_dict_test = {x: data.x_test,
                      y_true: data.y_test,
                      y_true_cls: data.y_test_cls}

    def print_accuracy():
        return float(session.run(accuracy, feed_dict=feed_dict_test))

    def print_confusion_matrix():
        cls_true = data.y_test_cls
        cls_pred = session.run(y_pred_cls, feed_dict=feed_dict_test)
        cm = np.zeros((num_classes, num_classes), np.int64)
        np.add.at(cm, (cls_true, cls_pred), 1)
        return cm

    def plot_example_errors():
        correct, cls_pred = session.run([correct_prediction, y_pred_cls],
                                        feed_dict=feed_dict_test)
        incorrect = (correct == False)  # noqa: E712 (the notebook's own test)
        return int(incorrect.sum())

    acc_0 = print_accuracy()
    optimize(num_iterations=1)
    acc_1 = print_accuracy()
    optimize(num_iterations=9)
    acc_10 = print_accuracy()
    optimize(num_iterations=40)
    acc_50 = print_accuracy()
    errors = plot_example_errors()
    w = session.run(weights)
    cm = print_confusion_matrix()
    session.close()
    return {"acc_0": acc_0, "acc_1": acc_1, "acc_10": acc_10, "acc_50": acc_50,
            "weights_min": float(np.min(w)), "weights_max": float(np.max(w)),
            "confusion_diag": [int(v) for v in np.diag(cm)], "errors": [errors]}
