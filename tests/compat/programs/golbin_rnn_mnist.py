"""MNIST read row by row by a ``BasicRNNCell``, from golbin's "TensorFlow-Tutorials" (the book
"3분 딥러닝 텐서플로맛"; github.com/golbin/TensorFlow-Tutorials at commit
c8ac1e45ca27cccd228f316dd4f66afbc22f9016, ``10 - RNN/01 - MNIST.py``): 28 steps of 28
pixels, ``tf.nn.rnn_cell.BasicRNNCell(128)`` run by ``tf.nn.dynamic_rnn(cell, X,
dtype=tf.float32)``, the outputs ``tf.transpose``d to time-major and indexed ``[-1]`` for the
last step, a ``tf.random_normal`` output layer, ``softmax_cross_entropy_with_logits_v2``
and ``AdamOptimizer(0.001)`` over epochs of 128-image batches, then the test accuracy.

Adapted: MNIST is the bundled digits (``common.read_data_sets``); 5 batches of one epoch
instead of 30 epochs; the weights start from ``same_start``'s draw (biases zero); the
prints are left out (their values are returned).
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"first_cost": 1e-5, "avg_cost": 1e-5, "accuracy": 1e-6, "variables": 0.0,
           "state_shape": 0.0, "W_sum": 1e-5}


def main(tf):
    mnist = read_data_sets("./mnist/data/", one_hot=True)

    #########
    # 옵션 설정
    ######
    learning_rate = 0.001
    total_epoch = 1
    batch_size = 128

    # RNN 은 순서가 있는 자료를 다루므로,
    # 한 번에 입력받는 갯수와, 총 몇 단계로 이루어져있는 데이터를 받을지를 설정해야합니다.
    # 이를 위해 가로 픽셀수를 n_input 으로, 세로 픽셀수를 입력 단계인 n_step 으로 설정하였습니다.
    n_input = 28
    n_step = 28
    n_hidden = 128
    n_class = 10

    #########
    # 신경망 모델 구성
    ######
    X = tf.placeholder(tf.float32, [None, n_step, n_input])
    Y = tf.placeholder(tf.float32, [None, n_class])

    W = tf.Variable(tf.random_normal([n_hidden, n_class]))
    b = tf.Variable(tf.random_normal([n_class]))

    # RNN 에 학습에 사용할 셀을 생성합니다
    # 다음 함수들을 사용하면 다른 구조의 셀로 간단하게 변경할 수 있습니다
    # BasicRNNCell,BasicLSTMCell,GRUCell
    cell = tf.nn.rnn_cell.BasicRNNCell(n_hidden)

    # 다음처럼 tf.nn.dynamic_rnn 함수를 사용하면
    # CNN 의 tf.nn.conv2d 함수처럼 간단하게 RNN 신경망을 만들어줍니다.
    # 겁나 매직!!
    outputs, states = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)

    # 결과를 Y의 다음 형식과 바꿔야 하기 때문에
    # Y : [batch_size, n_class]
    # outputs 의 형태를 이에 맞춰 변경해야합니다.
    # outputs : [batch_size, n_step, n_hidden]
    #        -> [n_step, batch_size, n_hidden]
    #        -> [batch_size, n_hidden]
    outputs = tf.transpose(outputs, [1, 0, 2])
    outputs = outputs[-1]
    model = tf.matmul(outputs, W) + b

    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=model, labels=Y))
    optimizer = tf.train.AdamOptimizer(learning_rate).minimize(cost)

    #########
    # 신경망 모델 학습
    ######
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, seed=12, biases=True)

    total_batch = 5

    costs = []
    for epoch in range(total_epoch):  # noqa: B007 - as written
        total_cost = 0

        for i in range(total_batch):  # noqa: B007 - as written
            batch_xs, batch_ys = mnist.train.next_batch(batch_size)
            # X 데이터를 RNN 입력 데이터에 맞게 [batch_size, n_step, n_input] 형태로 변환합니다.
            batch_xs = batch_xs.reshape((batch_size, n_step, n_input))

            _, cost_val = sess.run([optimizer, cost],
                                   feed_dict={X: batch_xs, Y: batch_ys})
            total_cost += cost_val
            costs.append(float(cost_val))

    #########
    # 결과 확인
    ######
    is_correct = tf.equal(tf.argmax(model, 1), tf.argmax(Y, 1))
    accuracy = tf.reduce_mean(tf.cast(is_correct, tf.float32))

    test_batch_size = len(mnist.test.images)
    test_xs = mnist.test.images.reshape(test_batch_size, n_step, n_input)
    test_ys = mnist.test.labels

    acc = sess.run(accuracy, feed_dict={X: test_xs, Y: test_ys})
    variables = sorted(v.op.name for v in tf.trainable_variables())
    W_val = sess.run(W)
    sess.close()
    return {"first_cost": costs[0], "avg_cost": float(total_cost / total_batch),
            "accuracy": float(acc), "variables": variables,
            "state_shape": states.shape.as_list(),
            "W_sum": float(np.sum(W_val * np.arange(1, 11)))}
