"""A two-conv-layer MNIST CNN of ``tf.nn`` ops, from golbin's "TensorFlow-Tutorials" (the book
"3분 딥러닝 텐서플로맛"; github.com/golbin/TensorFlow-Tutorials at commit
c8ac1e45ca27cccd228f316dd4f66afbc22f9016, ``07 - CNN/01 - CNN.py``): a ``[None, 28, 28, 1]``
placeholder fed reshaped batches, bias-free ``tf.nn.conv2d`` (SAME, stride 1) + ``relu`` +
``tf.nn.max_pool`` (2x2, SAME) twice, a ``7 * 7 * 64 -> 256`` dense layer with
``tf.nn.dropout(L3, keep_prob)``, ``softmax_cross_entropy_with_logits_v2``,
``AdamOptimizer(0.001)`` over epochs of 100-image batches, then the test accuracy.

Adapted: MNIST is the bundled digits (``common.read_data_sets``); 6 batches of one epoch
instead of 15 epochs (the test images cut to the first 100); ``keep_prob`` fed as 1.0
instead of 0.7 (a dropout mask is drawn by each backend's own generator; the dropout op
stays); the weights start from ``same_start``'s draw; the prints are left out (their values
are returned).
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"first_cost": 1e-5, "avg_cost": 1e-5, "accuracy": 1e-6, "W4_sum": 1e-5}


def main(tf):
    mnist = read_data_sets("./mnist/data/", one_hot=True)

    #########
    # 신경망 모델 구성
    ######
    # 기존 모델에서는 입력 값을 28x28 하나의 차원으로 구성하였으나,
    # CNN 모델을 사용하기 위해 2차원 평면과 특성치의 형태를 갖는 구조로 만듭니다.
    X = tf.placeholder(tf.float32, [None, 28, 28, 1])
    Y = tf.placeholder(tf.float32, [None, 10])
    keep_prob = tf.placeholder(tf.float32)

    # 각각의 변수와 레이어는 다음과 같은 형태로 구성됩니다.
    # W1 [3 3 1 32] -> [3 3]: 커널 크기, 1: 입력값 X 의 특성수, 32: 필터 갯수
    # L1 Conv shape=(?, 28, 28, 32)
    #    Pool     ->(?, 14, 14, 32)
    W1 = tf.Variable(tf.random_normal([3, 3, 1, 32], stddev=0.01))
    # tf.nn.conv2d 를 이용해 한칸씩 움직이는 컨볼루션 레이어를 쉽게 만들 수 있습니다.
    # padding='SAME' 은 커널 슬라이딩시 최외곽에서 한칸 밖으로 더 움직이는 옵션
    L1 = tf.nn.conv2d(X, W1, strides=[1, 1, 1, 1], padding='SAME')
    L1 = tf.nn.relu(L1)
    # Pooling 역시 tf.nn.max_pool 을 이용하여 쉽게 구성할 수 있습니다.
    L1 = tf.nn.max_pool(L1, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')
    # L1 = tf.nn.dropout(L1, keep_prob)

    # L2 Conv shape=(?, 14, 14, 64)
    #    Pool     ->(?, 7, 7, 64)
    # W2 의 [3, 3, 32, 64] 에서 32 는 L1 에서 출력된 W1 의 마지막 차원, 필터의 크기 입니다.
    W2 = tf.Variable(tf.random_normal([3, 3, 32, 64], stddev=0.01))
    L2 = tf.nn.conv2d(L1, W2, strides=[1, 1, 1, 1], padding='SAME')
    L2 = tf.nn.relu(L2)
    L2 = tf.nn.max_pool(L2, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='SAME')
    # L2 = tf.nn.dropout(L2, keep_prob)

    # FC 레이어: 입력값 7x7x64 -> 출력값 256
    # Full connect를 위해 직전의 Pool 사이즈인 (?, 7, 7, 64) 를 참고하여 차원을 줄여줍니다.
    #    Reshape  ->(?, 256)
    W3 = tf.Variable(tf.random_normal([7 * 7 * 64, 256], stddev=0.01))
    L3 = tf.reshape(L2, [-1, 7 * 7 * 64])
    L3 = tf.matmul(L3, W3)
    L3 = tf.nn.relu(L3)
    L3 = tf.nn.dropout(L3, keep_prob)

    # 최종 출력값 L3 에서의 출력 256개를 입력값으로 받아서 0~9 레이블인 10개의 출력값을 만듭니다.
    W4 = tf.Variable(tf.random_normal([256, 10], stddev=0.01))
    model = tf.matmul(L3, W4)

    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=model, labels=Y))
    optimizer = tf.train.AdamOptimizer(0.001).minimize(cost)
    # 최적화 함수를 RMSPropOptimizer 로 바꿔서 결과를 확인해봅시다.
    # optimizer = tf.train.RMSPropOptimizer(0.001, 0.9).minimize(cost)

    #########
    # 신경망 모델 학습
    ######
    init = tf.global_variables_initializer()
    sess = tf.Session()
    sess.run(init)
    same_start(sess, tf, seed=7)

    batch_size = 100
    total_batch = 6

    costs = []
    for epoch in range(1):  # noqa: B007 - as written
        total_cost = 0

        for i in range(total_batch):  # noqa: B007 - as written
            batch_xs, batch_ys = mnist.train.next_batch(batch_size)
            # 이미지 데이터를 CNN 모델을 위한 자료형태인 [28 28 1] 의 형태로 재구성합니다.
            batch_xs = batch_xs.reshape(-1, 28, 28, 1)

            _, cost_val = sess.run([optimizer, cost],
                                   feed_dict={X: batch_xs,
                                              Y: batch_ys,
                                              keep_prob: 1.0})
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
                              keep_prob: 1})
    W4_val = sess.run(W4)
    sess.close()
    return {"first_cost": costs[0], "avg_cost": float(total_cost / total_batch),
            "accuracy": float(acc),
            "W4_sum": float(np.sum(W4_val * np.arange(1, 11)))}
