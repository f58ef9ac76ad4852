"""A variational autoencoder: Parag K. Mital's "tensorflow_tutorials" (github.com/pkmital/
tensorflow_tutorials at commit c3eefe5, ``python/11_variational_autoencoder.py``, with
``weight_variable``, ``bias_variable`` and ``montage_batch`` from ``python/libs/
utils.py``). ``VAE()``: three softplus encoder layers, a latent mean and half log-variance,
``epsilon = tf.random_normal(tf.stack([tf.shape(x)[0], n_hidden]))``, the sample
``z_mu + exp(z_log_sigma) * epsilon``, three softplus decoder layers and a sigmoid output;
the cost is the Bernoulli log-likelihood written with ``tf.log(y + 1e-10)`` plus the KL
term, averaged; Adam at 0.001; every other batch the decoder is fed a grid of latent
points through ``feed_dict={ae['z']: z}`` (a fed intermediate tensor) and the images laid
out by ``montage_batch``, the test images are reconstructed and the latent codes of the
test set computed; per epoch the mean training cost and the validation cost.

Adapted: the MNIST download is the bundled digits in MNIST's shapes
(``common.read_data_sets``); 2048 units per layer -> 256; 50 epochs of 550 batches of 100
-> 1 epoch of 4 batches of 50 and 2 validation batches; the latent grid 20x20 -> 3x3 and 20
test images -> 5; the weights start from ``common.same_start``'s draw (biases at zero) on
both backends; ``epsilon`` (the graph's ``random_normal_10:0``, found by that name) is fed
a seeded NumPy normal draw so both backends sample alike (a TF1 session may feed any
tensor; the random streams are backend-specific); the figures' ``imshow``/``scatter``/
``savefig`` are dropped (the montage and the codes are summed) and prints returned.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"train_cost": 1e-4, "valid_cost": 1e-4, "montage_sum": 1e-4,
           "montage_shape": 0.0, "recon_sum": 1e-4, "zs_abs_sum": 1e-4, "epsilon": 0.0}


def montage_batch(images):
    """Draws all filters (n_input * n_output filters) as a
    montage image separated by 1 pixel borders (libs/utils.py)."""
    img_h = images.shape[1]
    img_w = images.shape[2]
    n_plots = int(np.ceil(np.sqrt(images.shape[0])))
    m = np.ones(
        (images.shape[1] * n_plots + n_plots + 1,
         images.shape[2] * n_plots + n_plots + 1, 3)) * 0.5

    for i in range(n_plots):
        for j in range(n_plots):
            this_filter = i * n_plots + j
            if this_filter < images.shape[0]:
                this_img = images[this_filter, ...]
                m[1 + i + i * img_h:1 + i + (i + 1) * img_h,
                  1 + j + j * img_w:1 + j + (j + 1) * img_w, :] = this_img
    return m


def main(tf):
    def weight_variable(shape):
        '''Helper function to create a weight variable initialized with
        a normal distribution'''
        initial = tf.random_normal(shape, mean=0.0, stddev=0.01)
        return tf.Variable(initial)

    def bias_variable(shape):
        '''Helper function to create a bias variable initialized with
        a constant value.'''
        initial = tf.random_normal(shape, mean=0.0, stddev=0.01)
        return tf.Variable(initial)

    # %%
    def VAE(input_shape=[None, 784],  # noqa: B006, N802 - the author's defaults and name
            n_components_encoder=2048,
            n_components_decoder=2048,
            n_hidden=2,
            debug=False):
        # %%
        # Input placeholder
        if debug:
            input_shape = [50, 784]
            x = tf.Variable(np.zeros((input_shape), dtype=np.float32))
        else:
            x = tf.placeholder(tf.float32, input_shape)

        activation = tf.nn.softplus

        dims = x.get_shape().as_list()
        n_features = dims[1]

        W_enc1 = weight_variable([n_features, n_components_encoder])
        b_enc1 = bias_variable([n_components_encoder])
        h_enc1 = activation(tf.matmul(x, W_enc1) + b_enc1)

        W_enc2 = weight_variable([n_components_encoder, n_components_encoder])
        b_enc2 = bias_variable([n_components_encoder])
        h_enc2 = activation(tf.matmul(h_enc1, W_enc2) + b_enc2)

        W_enc3 = weight_variable([n_components_encoder, n_components_encoder])
        b_enc3 = bias_variable([n_components_encoder])
        h_enc3 = activation(tf.matmul(h_enc2, W_enc3) + b_enc3)

        W_mu = weight_variable([n_components_encoder, n_hidden])
        b_mu = bias_variable([n_hidden])

        W_log_sigma = weight_variable([n_components_encoder, n_hidden])
        b_log_sigma = bias_variable([n_hidden])

        z_mu = tf.matmul(h_enc3, W_mu) + b_mu
        z_log_sigma = 0.5 * (tf.matmul(h_enc3, W_log_sigma) + b_log_sigma)

        # %%
        # Sample from noise distribution p(eps) ~ N(0, 1)
        if debug:
            epsilon = tf.random_normal(
                [dims[0], n_hidden])
        else:
            epsilon = tf.random_normal(
                tf.stack([tf.shape(x)[0], n_hidden]))

        # Sample from posterior
        z = z_mu + tf.exp(z_log_sigma) * epsilon

        W_dec1 = weight_variable([n_hidden, n_components_decoder])
        b_dec1 = bias_variable([n_components_decoder])
        h_dec1 = activation(tf.matmul(z, W_dec1) + b_dec1)

        W_dec2 = weight_variable([n_components_decoder, n_components_decoder])
        b_dec2 = bias_variable([n_components_decoder])
        h_dec2 = activation(tf.matmul(h_dec1, W_dec2) + b_dec2)

        W_dec3 = weight_variable([n_components_decoder, n_components_decoder])
        b_dec3 = bias_variable([n_components_decoder])
        h_dec3 = activation(tf.matmul(h_dec2, W_dec3) + b_dec3)

        W_mu_dec = weight_variable([n_components_decoder, n_features])
        b_mu_dec = bias_variable([n_features])
        y = tf.nn.sigmoid(tf.matmul(h_dec3, W_mu_dec) + b_mu_dec)

        # p(x|z)
        log_px_given_z = -tf.reduce_sum(
            x * tf.log(y + 1e-10) +
            (1 - x) * tf.log(1 - y + 1e-10), 1)

        # d_kl(q(z|x)||p(z))
        # Appendix B: 0.5 * sum(1 + log(sigma^2) - mu^2 - sigma^2)
        kl_div = -0.5 * tf.reduce_sum(
            1.0 + 2.0 * z_log_sigma - tf.square(z_mu) - tf.exp(2.0 * z_log_sigma),
            1)
        loss = tf.reduce_mean(log_px_given_z + kl_div)

        return {'cost': loss, 'x': x, 'z': z, 'y': y}

    # test_mnist
    mnist = read_data_sets('MNIST_data', one_hot=True)
    ae = VAE(n_components_encoder=256, n_components_decoder=256)  # 2048 in the original
    epsilon = tf.get_default_graph().get_tensor_by_name("random_normal_10:0")
    rng = np.random.RandomState(11)

    def eps(n):
        return rng.normal(size=(n, 2)).astype(np.float32)

    learning_rate = 0.001
    optimizer = tf.train.AdamOptimizer(learning_rate).minimize(ae['cost'])

    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    same_start(sess, tf, biases=True)

    # %% Fit all training data
    batch_size = 50  # 100 in the original
    n_epochs = 1  # 50 in the original
    n_examples = 5  # 20 in the original
    n_grid = 3  # n_examples in the original
    n_train, n_valid = 4, 2  # mnist.train/validation.num_examples // batch_size
    test_xs, _ = mnist.test.next_batch(n_examples)
    xs, ys = mnist.test.images, mnist.test.labels  # noqa: F841 - ys coloured the scatter
    for epoch_i in range(n_epochs):  # noqa: B007 - the author's loop
        train_cost = 0
        for batch_i in range(n_train):
            batch_xs, _ = mnist.train.next_batch(batch_size)
            train_cost += sess.run([ae['cost'], optimizer],
                                   feed_dict={ae['x']: batch_xs, epsilon: eps(batch_size)})[0]
            if batch_i % 2 == 0:
                # Example reconstructions from latent layer
                imgs = []
                for img_i in np.linspace(-3, 3, n_grid):
                    for img_j in np.linspace(-3, 3, n_grid):
                        z = np.array([[img_i, img_j]], dtype=np.float32)
                        recon = sess.run(ae['y'], feed_dict={ae['z']: z})
                        imgs.append(np.reshape(recon, (1, 28, 28, 1)))
                imgs_cat = np.concatenate(imgs)
                m = montage_batch(imgs_cat)  # imshow + savefig in the original

                # Example reconstructions (plotted in the original)
                recon = sess.run(ae['y'], feed_dict={ae['x']: test_xs,
                                                     epsilon: eps(n_examples)})

                # Manifold of latent layer (scatter-plotted in the original)
                zs = sess.run(ae['z'], feed_dict={ae['x']: xs, epsilon: eps(len(xs))})
        train_cost /= n_train

        valid_cost = 0
        for batch_i in range(n_valid):  # noqa: B007
            batch_xs, _ = mnist.validation.next_batch(batch_size)
            valid_cost += sess.run([ae['cost']],
                                   feed_dict={ae['x']: batch_xs, epsilon: eps(batch_size)})[0]
        valid_cost /= n_valid
    sess.close()
    return {"train_cost": float(train_cost), "valid_cost": float(valid_cost),
            "montage_sum": float(m.sum()), "montage_shape": list(m.shape),
            "recon_sum": float(recon.sum()), "zs_abs_sum": float(np.abs(zs).sum()),
            "epsilon": [epsilon.op.type in ("Add", "AddV2"), epsilon.shape.as_list()]}
