"""A three-layer MNIST network with dropout, from golbin's "TensorFlow-Tutorials" (the book
"3분 딥러닝 텐서플로맛"; github.com/golbin/TensorFlow-Tutorials at commit
c8ac1e45ca27cccd228f316dd4f66afbc22f9016, ``06 - MNIST/02 - Dropout.py``): bias-free
``tf.random_normal(..., stddev=0.01)`` layers, ``tf.nn.dropout(L, keep_prob)`` with
``keep_prob`` a placeholder, ``softmax_cross_entropy_with_logits_v2``, ``AdamOptimizer(0.001)``
over epochs of ``mnist.train.next_batch(100)`` with the average cost of each epoch, then the
test accuracy with ``keep_prob: 1``.

Adapted: MNIST is the bundled digits (``common.read_data_sets``: an epoch is 14 batches);
2 epochs instead of 30; ``keep_prob`` fed as 1.0 instead of 0.8 in training (a dropout
mask is drawn by each backend's own generator; the dropout ops stay); the weights start
from ``same_start``'s draw; the matplotlib figure of test digits is left out (the first
ten predicted labels it would title them with are returned), as are the prints.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"avg_cost_1": 1e-5, "avg_cost": 1e-5, "accuracy": 1e-6, "labels": 0.0,
           "logits_sum": 1e-5}


def main(tf):
    mnist = read_data_sets("./mnist/data/", one_hot=True)

    #########
    # 신경망 모델 구성
    ######
    X = tf.placeholder(tf.float32, [None, 784])
    Y = tf.placeholder(tf.float32, [None, 10])
    keep_prob = tf.placeholder(tf.float32)

    W1 = tf.Variable(tf.random_normal([784, 256], stddev=0.01))
    L1 = tf.nn.relu(tf.matmul(X, W1))
    # 텐서플로우에 내장된 함수를 이용하여 dropout 을 적용합니다.
    # 함수에 적용할 레이어와 확률만 넣어주면 됩니다. 겁나 매직!!
    L1 = tf.nn.dropout(L1, keep_prob)

    W2 = tf.Variable(tf.random_normal([256, 256], stddev=0.01))
    L2 = tf.nn.relu(tf.matmul(L1, W2))
    L2 = tf.nn.dropout(L2, keep_prob)

    W3 = tf.Variable(tf.random_normal([256, 10], stddev=0.01))
    model = tf.matmul(L2, W3)

    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=model, labels=Y))
    optimizer = tf.train.AdamOptimizer(0.001).minimize(cost)

    #########
    # 신경망 모델 학습
    ######
    init = tf.global_variables_initializer()
    sess = tf.Session()
    sess.run(init)
    same_start(sess, tf, seed=6)

    batch_size = 100
    total_batch = int(mnist.train.num_examples / batch_size)

    avg_costs = []
    for epoch in range(2):  # noqa: B007 - as written
        total_cost = 0

        for i in range(total_batch):  # noqa: B007 - as written
            batch_xs, batch_ys = mnist.train.next_batch(batch_size)

            _, cost_val = sess.run([optimizer, cost],
                                   feed_dict={X: batch_xs,
                                              Y: batch_ys,
                                              keep_prob: 1.0})
            total_cost += cost_val

        avg_costs.append(total_cost / total_batch)

    #########
    # 결과 확인
    ######
    is_correct = tf.equal(tf.argmax(model, 1), tf.argmax(Y, 1))
    accuracy = tf.reduce_mean(tf.cast(is_correct, tf.float32))
    acc = sess.run(accuracy,
                   feed_dict={X: mnist.test.images,
                              Y: mnist.test.labels,
                              keep_prob: 1})

    #########
    # 결과 확인 (matplot)
    ######
    labels = sess.run(model,
                      feed_dict={X: mnist.test.images,
                                 Y: mnist.test.labels,
                                 keep_prob: 1})
    titles = ['%d' % np.argmax(labels[i]) for i in range(10)]  # noqa: UP031 - as written
    sess.close()
    return {"avg_cost_1": float(avg_costs[0]), "avg_cost": float(avg_costs[-1]),
            "accuracy": float(acc), "labels": titles,
            "logits_sum": float(np.sum(labels[::37] * np.arange(1, 11)))}
