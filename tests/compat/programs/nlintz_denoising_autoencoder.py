"""Denoising autoencoder with tied weights: nlintz's TensorFlow-Tutorials,
``06_autoencoder.py`` at commit 45c89be0128bbc1d84556e2d9b3b3df5674a345e (repo
``nlintz/TensorFlow-Tutorials``). A corruption ``mask`` placeholder (NumPy
``np.random.binomial(1, 1 - corruption_level, shape)`` draws, fed) multiplies the input;
hidden ``sigmoid(tilde_X W + b)`` with ``W`` from ``tf.random_uniform(minval=-W_init_max,
maxval=W_init_max)``, ``W_init_max = 4 * sqrt(6 / (n_visible + n_hidden))``; the decoder
uses ``W_prime = tf.transpose(W)`` (tied weights, so both layers' gradients reach ``W``)
and its own ``b_prime``; cost ``reduce_sum(pow(X - Z, 2))``, SGD at 0.02; per epoch the
test cost under a fresh mask, then the reconstructions of 100 test images. Adapted: the
MNIST download (bundled digits), 100 epochs -> 1 (SGD at 0.02 on a cost summed over
the batch amplifies rounding: the two backends' costs, 1e-6 apart after five steps,
drift 1e-3 apart by the third epoch), the masks drawn from a seeded
``RandomState`` (the same on both backends), ``W`` given the same uniform NumPy draw on
both (``tf.random_uniform``'s stream is backend-specific), no plots."""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets

COMPARE = {"test_cost": 5e-4, "predicted_mean": 5e-4,
           "predicted_shape": 0.0, "W_prime_shape": 0.0}


def main(tf):
    rng = np.random.RandomState(6)  # np.random in the original
    mnist_width = 28
    n_visible = mnist_width * mnist_width
    n_hidden = 500
    corruption_level = 0.3

    # create node for input data
    X = tf.placeholder("float", [None, n_visible], name='X')

    # create node for corruption mask
    mask = tf.placeholder("float", [None, n_visible], name='mask')

    # create nodes for hidden variables
    W_init_max = 4 * np.sqrt(6. / (n_visible + n_hidden))
    W_init = tf.random_uniform(shape=[n_visible, n_hidden],
                               minval=-W_init_max,
                               maxval=W_init_max)

    W = tf.Variable(W_init, name='W')
    b = tf.Variable(tf.zeros([n_hidden]), name='b')

    W_prime = tf.transpose(W)  # tied weights between encoder and decoder
    b_prime = tf.Variable(tf.zeros([n_visible]), name='b_prime')

    def model(X, mask, W, b, W_prime, b_prime):
        tilde_X = mask * X  # corrupted X

        Y = tf.nn.sigmoid(tf.matmul(tilde_X, W) + b)  # hidden state
        Z = tf.nn.sigmoid(tf.matmul(Y, W_prime) + b_prime)  # reconstructed input
        return Z

    # build model graph
    Z = model(X, mask, W, b, W_prime, b_prime)

    # create cost function
    cost = tf.reduce_sum(tf.pow(X - Z, 2))  # minimize squared error
    train_op = tf.train.GradientDescentOptimizer(0.02).minimize(cost)
    predict_op = Z
    # load MNIST data
    mnist = read_data_sets("MNIST_data/", one_hot=True)
    trX, trY, teX, teY = (mnist.train.images, mnist.train.labels,  # noqa: F841
                          mnist.test.images, mnist.test.labels)

    test_costs = []
    with tf.Session() as sess:
        tf.global_variables_initializer().run()
        W.load(rng.uniform(-W_init_max, W_init_max, (n_visible, n_hidden))
               .astype(np.float32), sess)

        for i in range(1):  # noqa: B007 - the author's loop
            for start, end in zip(range(0, len(trX), 128), range(128, len(trX)+1, 128)):
                input_ = trX[start:end]
                mask_np = rng.binomial(1, 1 - corruption_level, input_.shape)
                sess.run(train_op, feed_dict={X: input_, mask: mask_np})

            mask_np = rng.binomial(1, 1 - corruption_level, teX.shape)
            test_costs.append(float(sess.run(cost, feed_dict={X: teX, mask: mask_np})))
        # save the predictions for 100 images
        mask_np = rng.binomial(1, 1 - corruption_level, teX[:100].shape)
        predicted_imgs = sess.run(predict_op, feed_dict={X: teX[:100], mask: mask_np})
    return {"test_cost": test_costs[-1],
            "predicted_mean": float(predicted_imgs.mean()),
            "predicted_shape": list(predicted_imgs.shape),
            "W_prime_shape": W_prime.shape.as_list()}
