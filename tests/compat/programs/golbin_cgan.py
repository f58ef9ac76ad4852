"""A conditional GAN generating the digit it is asked for, from golbin's
"TensorFlow-Tutorials" (the book "3분 딥러닝 텐서플로맛"; github.com/golbin/TensorFlow-Tutorials
at commit c8ac1e45ca27cccd228f316dd4f66afbc22f9016, ``09 - GAN/02 - GAN2.py``): noise and
images ``tf.concat``-ed with one-hot labels, ``tf.layers.dense`` networks under
``tf.variable_scope('generator')`` and ``tf.variable_scope('discriminator') as scope`` with
``scope.reuse_variables()`` on the second discriminator call, losses of
``tf.nn.sigmoid_cross_entropy_with_logits`` against ``tf.ones_like`` / ``tf.zeros_like``,
the variable lists from ``tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES,
scope='discriminator')`` and ``scope='generator'`` given to two ``AdamOptimizer()``s
(default learning rate), NumPy uniform noise, and samples for the first ten test labels
after the first epoch.

Adapted: MNIST is the bundled digits (``common.read_data_sets``); 1 epoch (14 batches)
instead of 100; ``np.random.seed(0)`` before training, so both backends are fed the same
noise; the kernels start from ``same_start``'s draw (the biases zero, as ``tf.layers``
initializes them); the matplotlib figure of samples is left out (the samples are summed)
and so are the prints.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"first_loss_D": 1e-5, "first_loss_G": 1e-5, "loss_D": 1e-5, "loss_G": 1e-5,
           "samples_sum": 1e-5, "vars_D": 0.0, "vars_G": 0.0, "all_variables": 0.0}


def main(tf):
    np.random.seed(0)
    mnist = read_data_sets("./mnist/data/", one_hot=True)

    #########
    # 옵션 설정
    ######
    total_epoch = 1
    batch_size = 100
    n_hidden = 256
    n_input = 28 * 28
    n_noise = 128
    n_class = 10

    #########
    # 신경망 모델 구성
    ######
    X = tf.placeholder(tf.float32, [None, n_input])
    # 노이즈와 실제 이미지에, 그에 해당하는 숫자에 대한 정보를 넣어주기 위해 사용합니다.
    Y = tf.placeholder(tf.float32, [None, n_class])
    Z = tf.placeholder(tf.float32, [None, n_noise])

    def generator(noise, labels):
        with tf.variable_scope('generator'):
            # noise 값에 labels 정보를 추가합니다.
            inputs = tf.concat([noise, labels], 1)

            # TensorFlow 에서 제공하는 유틸리티 함수를 이용해 신경망을 매우 간단하게 구성할 수
            # 있습니다.
            hidden = tf.layers.dense(inputs, n_hidden,
                                     activation=tf.nn.relu)
            output = tf.layers.dense(hidden, n_input,
                                     activation=tf.nn.sigmoid)

        return output

    def discriminator(inputs, labels, reuse=None):
        with tf.variable_scope('discriminator') as scope:
            # 노이즈에서 생성한 이미지와 실제 이미지를 판별하는 모델의 변수를 동일하게 하기 위해,
            # 이전에 사용되었던 변수를 재사용하도록 합니다.
            if reuse:
                scope.reuse_variables()

            inputs = tf.concat([inputs, labels], 1)

            hidden = tf.layers.dense(inputs, n_hidden,
                                     activation=tf.nn.relu)
            output = tf.layers.dense(hidden, 1,
                                     activation=None)

        return output

    def get_noise(batch_size, n_noise):
        return np.random.uniform(-1., 1., size=[batch_size, n_noise])

    # 생성 모델과 판별 모델에 Y 즉, labels 정보를 추가하여
    # labels 정보에 해당하는 이미지를 생성할 수 있도록 유도합니다.
    G = generator(Z, Y)
    D_real = discriminator(X, Y)
    D_gene = discriminator(G, Y, True)

    # 손실함수는 다음을 참고하여 GAN 논문에 나온 방식과는 약간 다르게 작성하였습니다.
    # http://bamos.github.io/2016/08/09/deep-completion/
    # 진짜 이미지를 판별하는 D_real 값은 1에 가깝도록,
    # 가짜 이미지를 판별하는 D_gene 값은 0에 가깝도록 하는 손실 함수입니다.
    loss_D_real = tf.reduce_mean(
                        tf.nn.sigmoid_cross_entropy_with_logits(
                            logits=D_real, labels=tf.ones_like(D_real)))
    loss_D_gene = tf.reduce_mean(
                        tf.nn.sigmoid_cross_entropy_with_logits(
                            logits=D_gene, labels=tf.zeros_like(D_gene)))
    # loss_D_real 과 loss_D_gene 을 더한 뒤 이 값을 최소화 하도록 최적화합니다.
    loss_D = loss_D_real + loss_D_gene
    # 가짜 이미지를 진짜에 가깝게 만들도록 생성망을 학습시키기 위해, D_gene 을 최대한 1에 가깝도록
    # 만드는 손실함수입니다.
    loss_G = tf.reduce_mean(
                        tf.nn.sigmoid_cross_entropy_with_logits(
                            logits=D_gene, labels=tf.ones_like(D_gene)))

    # TensorFlow 에서 제공하는 유틸리티 함수를 이용해
    # discriminator 와 generator scope 에서 사용된 변수들을 쉽게 가져올 수 있습니다.
    vars_D = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES,
                               scope='discriminator')
    vars_G = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES,
                               scope='generator')

    train_D = tf.train.AdamOptimizer().minimize(loss_D,
                                                var_list=vars_D)
    train_G = tf.train.AdamOptimizer().minimize(loss_G,
                                                var_list=vars_G)

    #########
    # 신경망 모델 학습
    ######
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, seed=11)

    total_batch = int(mnist.train.num_examples/batch_size)
    loss_val_D, loss_val_G = 0, 0

    first = None
    for epoch in range(total_epoch):
        for i in range(total_batch):  # noqa: B007 - as written
            batch_xs, batch_ys = mnist.train.next_batch(batch_size)
            noise = get_noise(batch_size, n_noise)

            _, loss_val_D = sess.run([train_D, loss_D],
                                     feed_dict={X: batch_xs, Y: batch_ys, Z: noise})
            _, loss_val_G = sess.run([train_G, loss_G],
                                     feed_dict={Y: batch_ys, Z: noise})
            if first is None:
                first = (float(loss_val_D), float(loss_val_G))

        #########
        # 학습이 되어가는 모습을 보기 위해 주기적으로 레이블에 따른 이미지를 생성하여 저장
        ######
        if epoch == 0 or (epoch + 1) % 10 == 0:
            sample_size = 10
            noise = get_noise(sample_size, n_noise)
            samples = sess.run(G,
                               feed_dict={Y: mnist.test.labels[:sample_size],
                                          Z: noise})

    all_variables = sorted(v.op.name for v in tf.global_variables())
    sess.close()
    weights = np.arange(1, samples.size + 1).reshape(samples.shape) % 7
    return {"first_loss_D": first[0], "first_loss_G": first[1],
            "loss_D": float(loss_val_D), "loss_G": float(loss_val_G),
            "samples_sum": float(np.sum(samples * weights)),
            "vars_D": [v.op.name for v in vars_D], "vars_G": [v.op.name for v in vars_G],
            "all_variables": all_variables}
