"""A fully connected GAN of MNIST, from golbin's "TensorFlow-Tutorials" (the book "3분 딥러닝
텐서플로맛"; github.com/golbin/TensorFlow-Tutorials at commit
c8ac1e45ca27cccd228f316dd4f66afbc22f9016, ``09 - GAN/01 - GAN.py``): generator and
discriminator of ``tf.Variable``s (``tf.random_normal(..., stddev=0.01)``, ``tf.zeros``)
shared by calling the same Python functions twice, the paper's losses
``tf.reduce_mean(tf.log(D_real) + tf.log(1 - D_gene))`` and ``tf.reduce_mean(tf.log(
D_gene))`` maximized by minimizing their negations with two ``AdamOptimizer(0.0002)``s each
given its network's ``var_list``, NumPy normal noise fed to ``Z``, a discriminator run and a
generator run per batch, and ten samples generated after the first epoch.

Adapted: MNIST is the bundled digits (``common.read_data_sets``); 1 epoch (14 batches)
instead of 100; ``np.random.seed(0)`` before training, so both backends are fed the same
noise; the weights start from ``same_start``'s draw (the biases stay ``tf.zeros``); the
matplotlib figure of samples is left out (the samples are summed) and so are the prints.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"first_loss_D": 1e-5, "first_loss_G": 1e-5, "loss_D": 1e-5, "loss_G": 1e-5,
           "samples_sum": 1e-5, "G_W2_sum": 1e-5, "D_W2_sum": 1e-5}


def main(tf):
    np.random.seed(0)
    mnist = read_data_sets("./mnist/data/", one_hot=True)

    #########
    # 옵션 설정
    ######
    total_epoch = 1
    batch_size = 100
    learning_rate = 0.0002
    # 신경망 레이어 구성 옵션
    n_hidden = 256
    n_input = 28 * 28
    n_noise = 128  # 생성기의 입력값으로 사용할 노이즈의 크기

    #########
    # 신경망 모델 구성
    ######
    # GAN 도 Unsupervised 학습이므로 Autoencoder 처럼 Y 를 사용하지 않습니다.
    X = tf.placeholder(tf.float32, [None, n_input])
    # 노이즈 Z를 입력값으로 사용합니다.
    Z = tf.placeholder(tf.float32, [None, n_noise])

    # 생성기 신경망에 사용하는 변수들입니다.
    G_W1 = tf.Variable(tf.random_normal([n_noise, n_hidden], stddev=0.01))
    G_b1 = tf.Variable(tf.zeros([n_hidden]))
    G_W2 = tf.Variable(tf.random_normal([n_hidden, n_input], stddev=0.01))
    G_b2 = tf.Variable(tf.zeros([n_input]))

    # 판별기 신경망에 사용하는 변수들입니다.
    D_W1 = tf.Variable(tf.random_normal([n_input, n_hidden], stddev=0.01))
    D_b1 = tf.Variable(tf.zeros([n_hidden]))
    # 판별기의 최종 결과값은 얼마나 진짜와 가깝냐를 판단하는 한 개의 스칼라값입니다.
    D_W2 = tf.Variable(tf.random_normal([n_hidden, 1], stddev=0.01))
    D_b2 = tf.Variable(tf.zeros([1]))

    # 생성기(G) 신경망을 구성합니다.
    def generator(noise_z):
        hidden = tf.nn.relu(
                        tf.matmul(noise_z, G_W1) + G_b1)
        output = tf.nn.sigmoid(
                        tf.matmul(hidden, G_W2) + G_b2)

        return output

    # 판별기(D) 신경망을 구성합니다.
    def discriminator(inputs):
        hidden = tf.nn.relu(
                        tf.matmul(inputs, D_W1) + D_b1)
        output = tf.nn.sigmoid(
                        tf.matmul(hidden, D_W2) + D_b2)

        return output

    # 랜덤한 노이즈(Z)를 만듭니다.
    def get_noise(batch_size, n_noise):
        return np.random.normal(size=(batch_size, n_noise))

    # 노이즈를 이용해 랜덤한 이미지를 생성합니다.
    G = generator(Z)
    # 노이즈를 이용해 생성한 이미지가 진짜 이미지인지 판별한 값을 구합니다.
    D_gene = discriminator(G)
    # 진짜 이미지를 이용해 판별한 값을 구합니다.
    D_real = discriminator(X)

    # 논문에 따르면, GAN 모델의 최적화는 loss_G 와 loss_D 를 최대화 하는 것 입니다.
    loss_D = tf.reduce_mean(tf.log(D_real) + tf.log(1 - D_gene))
    # 반면 loss_G 를 최대화하기 위해서는 D_gene 값을 최대화하게 되는데,
    # 이것은 가짜 이미지를 넣었을 때, 판별기가 최대한 실제 이미지라고 판단하도록 생성기 신경망을
    # 학습시킵니다.
    loss_G = tf.reduce_mean(tf.log(D_gene))

    # loss_D 를 구할 때는 판별기 신경망에 사용되는 변수만 사용하고,
    # loss_G 를 구할 때는 생성기 신경망에 사용되는 변수만 사용하여 최적화를 합니다.
    D_var_list = [D_W1, D_b1, D_W2, D_b2]
    G_var_list = [G_W1, G_b1, G_W2, G_b2]

    # GAN 논문의 수식에 따르면 loss 를 극대화 해야하지만, minimize 하는 최적화 함수를 사용하기
    # 때문에
    # 최적화 하려는 loss_D 와 loss_G 에 음수 부호를 붙여줍니다.
    train_D = tf.train.AdamOptimizer(learning_rate).minimize(-loss_D,
                                                             var_list=D_var_list)
    train_G = tf.train.AdamOptimizer(learning_rate).minimize(-loss_G,
                                                             var_list=G_var_list)

    #########
    # 신경망 모델 학습
    ######
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, seed=10)

    total_batch = int(mnist.train.num_examples/batch_size)
    loss_val_D, loss_val_G = 0, 0

    first = None
    for epoch in range(total_epoch):
        for i in range(total_batch):  # noqa: B007 - as written
            batch_xs, batch_ys = mnist.train.next_batch(batch_size)
            noise = get_noise(batch_size, n_noise)

            # 판별기와 생성기 신경망을 각각 학습시킵니다.
            _, loss_val_D = sess.run([train_D, loss_D],
                                     feed_dict={X: batch_xs, Z: noise})
            _, loss_val_G = sess.run([train_G, loss_G],
                                     feed_dict={Z: noise})
            if first is None:
                first = (float(loss_val_D), float(loss_val_G))

        #########
        # 학습이 되어가는 모습을 보기 위해 주기적으로 이미지를 생성하여 저장
        ######
        if epoch == 0 or (epoch + 1) % 10 == 0:
            sample_size = 10
            noise = get_noise(sample_size, n_noise)
            samples = sess.run(G, feed_dict={Z: noise})

    G_W2_val, D_W2_val = sess.run([G_W2, D_W2])
    sess.close()
    weights = np.arange(1, samples.size + 1).reshape(samples.shape) % 7
    return {"first_loss_D": first[0], "first_loss_G": first[1],
            "loss_D": float(loss_val_D), "loss_G": float(loss_val_G),
            "samples_sum": float(np.sum(samples * weights)),
            "G_W2_sum": float(np.sum(G_W2_val[:, ::7])),
            "D_W2_sum": float(np.sum(D_W2_val * np.arange(1, n_hidden + 1)[:, None]))}
