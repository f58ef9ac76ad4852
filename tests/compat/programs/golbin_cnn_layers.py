"""The MNIST CNN again, built of ``tf.layers``, from golbin's "TensorFlow-Tutorials" (the
book "3분 딥러닝 텐서플로맛"; github.com/golbin/TensorFlow-Tutorials at commit
c8ac1e45ca27cccd228f316dd4f66afbc22f9016, ``07 - CNN/02 - tf.layers.py``):
``tf.layers.conv2d(X, 32, [3, 3], activation=tf.nn.relu)`` (VALID padding, Glorot kernels,
zero biases), ``tf.layers.max_pooling2d(L1, [2, 2], [2, 2])``, ``tf.layers.dropout(L1, 0.7,
is_training)`` with ``is_training`` a ``tf.bool`` placeholder (passed third, it lands on
``noise_shape``: ``training`` keeps its default False, so the dropout layers pass their
input through, in TF as here, and the program trains without dropout although it feeds
``is_training: True``), ``tf.contrib.layers.flatten``, ``tf.layers.dense`` layers,
``softmax_cross_entropy_with_logits_v2`` and ``AdamOptimizer(0.001)`` over epochs of
100-image batches, then the test accuracy with ``is_training: False``.

Adapted: MNIST is the bundled digits (``common.read_data_sets``); 4 batches of one epoch
instead of 15 epochs (the test images cut to the first 100); the kernels start from
``same_start``'s draw (the biases zero, as ``tf.layers`` initializes them); the prints are
left out (their values are returned). Under TF 2.x ``tf.contrib.layers.flatten`` is
``tests/compat/programs/tf_contrib.py``'s stand-in (tf_slim's).
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start
from tests.compat.programs.tf_contrib import contrib

COMPARE = {"first_cost": 1e-5, "avg_cost": 1e-5, "accuracy": 1e-6, "variables": 0.0,
           "flat_shape": 0.0, "kernel_sum": 1e-5}


def main(tf):
    mnist = read_data_sets("./mnist/data/", one_hot=True)

    #########
    # 신경망 모델 구성
    ######
    X = tf.placeholder(tf.float32, [None, 28, 28, 1])
    Y = tf.placeholder(tf.float32, [None, 10])
    is_training = tf.placeholder(tf.bool)

    # 기본적으로 inputs, outputs size, kernel_size 만 넣어주면
    # 활성화 함수 적용은 물론, 컨볼루션 신경망을 만들기 위한 나머지 수치들은 알아서 계산해줍니다.
    # 특히 Weights 를 계산하는데 xavier_initializer 를 쓰고 있는 등,
    # 크게 신경쓰지 않아도 일반적으로 효율적인 신경망을 만들어줍니다.
    L1 = tf.layers.conv2d(X, 32, [3, 3], activation=tf.nn.relu)
    L1 = tf.layers.max_pooling2d(L1, [2, 2], [2, 2])
    L1 = tf.layers.dropout(L1, 0.7, is_training)

    L2 = tf.layers.conv2d(L1, 64, [3, 3], activation=tf.nn.relu)
    L2 = tf.layers.max_pooling2d(L2, [2, 2], [2, 2])
    L2 = tf.layers.dropout(L2, 0.7, is_training)

    L3 = contrib(tf).layers.flatten(L2)
    L3 = tf.layers.dense(L3, 256, activation=tf.nn.relu)
    L3 = tf.layers.dropout(L3, 0.5, is_training)

    model = tf.layers.dense(L3, 10, activation=None)

    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=model, labels=Y))
    optimizer = tf.train.AdamOptimizer(0.001).minimize(cost)

    #########
    # 신경망 모델 학습
    ######
    init = tf.global_variables_initializer()
    sess = tf.Session()
    sess.run(init)
    same_start(sess, tf, seed=8)

    batch_size = 100
    total_batch = 4

    costs = []
    for epoch in range(1):  # noqa: B007 - as written
        total_cost = 0

        for i in range(total_batch):  # noqa: B007 - as written
            batch_xs, batch_ys = mnist.train.next_batch(batch_size)
            batch_xs = batch_xs.reshape(-1, 28, 28, 1)
            _, cost_val = sess.run([optimizer, cost],
                                   feed_dict={X: batch_xs,
                                              Y: batch_ys,
                                              is_training: True})
            total_cost += cost_val
            costs.append(float(cost_val))

    #########
    # 결과 확인
    ######
    is_correct = tf.equal(tf.argmax(model, 1), tf.argmax(Y, 1))
    accuracy = tf.reduce_mean(tf.cast(is_correct, tf.float32))
    acc = sess.run(accuracy,
                   feed_dict={X: mnist.test.images[:100].reshape(-1, 28, 28, 1),
                              Y: mnist.test.labels[:100],
                              is_training: False})
    variables = sorted(v.op.name for v in tf.trainable_variables())
    kernel = sess.run(tf.trainable_variables()[-2])
    sess.close()
    return {"first_cost": costs[0], "avg_cost": float(total_cost / total_batch),
            "accuracy": float(acc), "variables": variables,
            "flat_shape": L3.shape.as_list() + [int(np.prod(L2.shape.as_list()[1:]))],
            "kernel_sum": float(np.sum(kernel * np.arange(1, 11)))}
