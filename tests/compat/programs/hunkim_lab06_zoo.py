"""Softmax classification of zoo animals, from Sung Kim's "DeepLearningZeroToAll"
(github.com/hunkim/DeepLearningZeroToAll at commit
60c707e02af7bd950401faeadcc6c0e1b39b2978, ``lab-06-2-softmax_zoo_classifier.py``): integer
labels in a ``[None, 1]`` ``tf.int32`` placeholder turned into ``tf.one_hot(Y,
nb_classes)`` (shape ``(?, 1, 7)``) and ``tf.reshape``d to ``[-1, nb_classes]``, logits of
``tf.matmul(X, W) + b``, ``tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits,
labels=tf.stop_gradient([Y_one_hot]))`` — note the list: the labels are ``(1, ?, 7)``
against ``(?, 7)`` logits, which TF accepts because it flattens both to matrices before
the kernel — ``GradientDescentOptimizer(0.1)``, ``tf.argmax`` predictions and the
accuracy, then the per-animal prediction check.

Adapted: ``data-04-zoo.csv`` (101 animals: 15 boolean features, the number of legs and a
class 0-6) is replaced by a seeded NumPy draw of the same shape (class-wise feature
probabilities, legs from {0, 2, 4, 5, 6, 8}); 201 steps instead of 2001; ``W`` and ``b``
start from ``same_start``'s draw (``b`` zero) instead of ``tf.random_normal``; the prints
are left out (their values are returned).
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import same_start

COMPARE = {"first_cost": 1e-6, "cost": 1e-5, "acc": 1e-6, "W_sum": 1e-5,
           "correct": 0.0, "shapes": 0.0}


def zoo_data():
    rng = np.random.RandomState(6)
    labels = np.concatenate([np.arange(7), rng.randint(0, 7, 94)])
    probs = rng.uniform(0.05, 0.95, size=(7, 15))
    features = (rng.uniform(size=(101, 15)) < probs[labels]).astype(np.float32)
    legs = np.array([0, 2, 4, 5, 6, 8])[(labels + rng.randint(0, 2, 101)) % 6]
    return np.column_stack([features, legs, labels]).astype(np.float32)


def main(tf):
    tf.set_random_seed(777)  # for reproducibility

    # Predicting animal type based on various features
    xy = zoo_data()
    x_data = xy[:, 0:-1]
    y_data = xy[:, [-1]]

    nb_classes = 7  # 0 ~ 6

    X = tf.placeholder(tf.float32, [None, 16])
    Y = tf.placeholder(tf.int32, [None, 1])  # 0 ~ 6

    Y_one_hot = tf.one_hot(Y, nb_classes)  # one hot
    one_hot_shape = Y_one_hot.shape.as_list()
    Y_one_hot = tf.reshape(Y_one_hot, [-1, nb_classes])
    reshape_shape = Y_one_hot.shape.as_list()

    W = tf.Variable(tf.random_normal([16, nb_classes]), name='weight')
    b = tf.Variable(tf.random_normal([nb_classes]), name='bias')

    # tf.nn.softmax computes softmax activations
    # softmax = exp(logits) / reduce_sum(exp(logits), dim)
    logits = tf.matmul(X, W) + b
    hypothesis = tf.nn.softmax(logits)

    # Cross entropy cost/loss
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(
        logits=logits, labels=tf.stop_gradient([Y_one_hot])))
    optimizer = tf.train.GradientDescentOptimizer(learning_rate=0.1).minimize(cost)

    prediction = tf.argmax(hypothesis, 1)
    correct_prediction = tf.equal(prediction, tf.argmax(Y_one_hot, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

    # Launch graph
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        same_start(sess, tf, seed=6, biases=True)

        for step in range(201):
            _, cost_val, acc_val = sess.run([optimizer, cost, accuracy],
                                            feed_dict={X: x_data, Y: y_data})
            if step == 0:
                first_cost = cost_val

        # Let's see if we can predict
        pred = sess.run(prediction, feed_dict={X: x_data})
        # y_data: (N,1) = flatten => (N, ) matches pred.shape
        correct = [bool(p == int(y)) for p, y in zip(pred, y_data.flatten())]
        W_val = sess.run(W)
    return {"first_cost": float(first_cost), "cost": float(cost_val), "acc": float(acc_val),
            "W_sum": float(np.sum(W_val * np.arange(1, 8))), "correct": correct,
            "shapes": [one_hot_shape, reshape_shape]}
