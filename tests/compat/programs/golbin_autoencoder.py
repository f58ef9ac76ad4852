"""A one-hidden-layer sigmoid autoencoder of MNIST, from golbin's "TensorFlow-Tutorials" (the
book "3분 딥러닝 텐서플로맛"; github.com/golbin/TensorFlow-Tutorials at commit
c8ac1e45ca27cccd228f316dd4f66afbc22f9016, ``08 - Autoencoder/01 - Autoencoder.py``):
``tf.random_normal`` weights and biases, ``tf.nn.sigmoid(tf.add(tf.matmul(...)))`` encoder
and decoder, the cost ``tf.reduce_mean(tf.pow(X - decoder, 2))`` minimized by
``RMSPropOptimizer(0.01)`` over epochs of 100-image batches, then the decoded first ten
test images.

Adapted: MNIST is the bundled digits (``common.read_data_sets``); 1 epoch (14 batches)
instead of 20; the weights start from ``same_start``'s draw, biases zero (both are
``random_normal`` in the program); the matplotlib figure is left out (the decoded samples
it shows are summed) and so are the prints.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"first_cost": 1e-5, "avg_cost": 1e-5, "samples_sum": 1e-5, "samples_shape": 0.0}


def main(tf):
    mnist = read_data_sets("./mnist/data/", one_hot=True)

    #########
    # 옵션 설정
    ######
    learning_rate = 0.01
    training_epoch = 1
    batch_size = 100
    # 신경망 레이어 구성 옵션
    n_hidden = 256  # 히든 레이어의 뉴런 갯수
    n_input = 28*28   # 입력값 크기 - 이미지 픽셀수

    #########
    # 신경망 모델 구성
    ######
    # Y 가 없습니다. 입력값을 Y로 사용하기 때문입니다.
    X = tf.placeholder(tf.float32, [None, n_input])

    # 인코더 레이어와 디코더 레이어의 가중치와 편향 변수를 설정합니다.
    # 다음과 같이 이어지는 레이어를 구성하기 위한 값들 입니다.
    # input -> encode -> decode -> output
    W_encode = tf.Variable(tf.random_normal([n_input, n_hidden]))
    b_encode = tf.Variable(tf.random_normal([n_hidden]))
    # sigmoid 함수를 이용해 신경망 레이어를 구성합니다.
    # sigmoid(X * W + b)
    # 인코더 레이어 구성
    encoder = tf.nn.sigmoid(
                    tf.add(tf.matmul(X, W_encode), b_encode))

    # encode 의 아웃풋 크기를 입력값보다 작은 크기로 만들어 정보를 압축하여 특성을 뽑아내고,
    # decode 의 출력을 입력값과 동일한 크기를 갖도록하여 입력과 똑같은 아웃풋을 만들어 내도록
    # 합니다.
    # 히든 레이어의 구성과 특성치을 뽑아내는 알고리즘을 변경하여 다양한 오토인코더를 만들 수
    # 있습니다.
    W_decode = tf.Variable(tf.random_normal([n_hidden, n_input]))
    b_decode = tf.Variable(tf.random_normal([n_input]))
    # 디코더 레이어 구성
    # 이 디코더가 최종 모델이 됩니다.
    decoder = tf.nn.sigmoid(
                    tf.add(tf.matmul(encoder, W_decode), b_decode))

    # 디코더는 인풋과 최대한 같은 결과를 내야 하므로, 디코딩한 결과를 평가하기 위해
    # 입력 값인 X 값을 평가를 위한 실측 결과 값으로하여 decoder 와의 차이를 손실값으로 설정합니다.
    cost = tf.reduce_mean(tf.pow(X - decoder, 2))
    optimizer = tf.train.RMSPropOptimizer(learning_rate).minimize(cost)

    #########
    # 신경망 모델 학습
    ######
    init = tf.global_variables_initializer()
    sess = tf.Session()
    sess.run(init)
    same_start(sess, tf, seed=9, biases=True)

    total_batch = int(mnist.train.num_examples/batch_size)

    costs = []
    for epoch in range(training_epoch):  # noqa: B007 - as written
        total_cost = 0

        for i in range(total_batch):  # noqa: B007 - as written
            batch_xs, batch_ys = mnist.train.next_batch(batch_size)
            _, cost_val = sess.run([optimizer, cost],
                                   feed_dict={X: batch_xs})
            total_cost += cost_val
            costs.append(float(cost_val))

    #########
    # 결과 확인
    # 입력값(위쪽)과 모델이 생성한 값(아래쪽)을 시각적으로 비교해봅니다.
    ######
    sample_size = 10

    samples = sess.run(decoder,
                       feed_dict={X: mnist.test.images[:sample_size]})
    sess.close()
    weights = np.arange(1, samples.size + 1).reshape(samples.shape) % 7
    return {"first_cost": costs[0], "avg_cost": float(total_cost / total_batch),
            "samples_sum": float(np.sum(samples * weights)),
            "samples_shape": [list(np.reshape(samples[i], (28, 28)).shape) for i in range(1)]}
