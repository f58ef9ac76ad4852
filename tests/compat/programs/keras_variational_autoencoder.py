"""The Keras example ``examples/variational_autoencoder.py`` (keras-team/keras 2.2.4, the
TF 1.x era; run here through ``tf.keras``): a VAE on MNIST built from three functional
models -- an ``encoder`` to ``[z_mean, z_log_var, z]`` whose ``z`` is drawn by the
reparameterisation trick in a ``Lambda`` (``K.random_normal(shape=(K.shape(z_mean)[0],
K.int_shape(z_mean)[1]))``), a ``decoder``, and ``vae = Model(inputs,
decoder(encoder(inputs)[2]))`` -- whose loss (``binary_crossentropy(inputs, outputs) *
original_dim`` plus the KL term written with ``K.square``, ``K.exp``, ``K.sum``,
``K.mean``) is attached with ``vae.add_loss`` and compiled with ``optimizer='adam'`` and
no ``loss``; ``fit`` on ``x_train`` alone with ``validation_data=(x_test, None)``; then
the encoder's means of the test set and the decoder's digits of a latent grid
(``plot_results`` without the plotting).

Adapted: the imports are ``tf.keras``'s (``tf.keras.losses.binary_crossentropy``);
``mnist.load_data()`` is the bundled digits in MNIST's form
(:func:`common.mnist_load_data`: 1400 training and 397 test images); the argparse
``__main__`` block runs with its defaults (binary cross-entropy, no weights file);
``intermediate_dim`` 64 instead of 512; 2 epochs instead of 50 with ``shuffle=False``;
``verbose=0``; ``plot_model``, ``summary``, ``save_weights`` and the matplotlib figures
are left out and the numbers returned (a 5 x 5 grid instead of 30 x 30); NumPy's global
RNG is seeded, which fixes the seed ``K.random_normal`` draws from it, so both backends
sample the same noise (trainkit's seeded normals are TF's); :func:`common.same_start`
gives both backends the same starting weights.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import mnist_load_data, same_start

COMPARE = {"loss_1": 1e-5, "loss_2": 1e-5, "val_loss_2": 1e-5, "z_mean_sum": 1e-4,
           "z_mean_abs": 1e-4, "grid_sum": 1e-5, "outputs": 0.0}


def main(tf):
    Lambda, Input, Dense = (tf.keras.layers.Lambda, tf.keras.layers.Input,  # noqa: N806
                            tf.keras.layers.Dense)
    Model = tf.keras.models.Model  # noqa: N806 - the example's names
    binary_crossentropy = tf.keras.losses.binary_crossentropy
    K = tf.keras.backend  # noqa: N806
    np.random.seed(0)

    # reparameterization trick
    # instead of sampling from Q(z|X), sample epsilon = N(0,I)
    # z = z_mean + sqrt(var) * epsilon
    def sampling(args):
        """Reparameterization trick by sampling from an isotropic unit Gaussian."""
        z_mean, z_log_var = args
        batch = K.shape(z_mean)[0]
        dim = K.int_shape(z_mean)[1]
        # by default, random_normal has mean = 0 and std = 1.0
        epsilon = K.random_normal(shape=(batch, dim))
        return z_mean + K.exp(0.5 * z_log_var) * epsilon

    def plot_results(models, data, batch_size=128):
        """The numbers behind the example's two figures."""
        encoder, decoder = models
        x_test, y_test = data
        z_mean, _, _ = encoder.predict(x_test, batch_size=batch_size)

        n = 5
        grid_x = np.linspace(-4, 4, n)
        grid_y = np.linspace(-4, 4, n)[::-1]
        total = 0.0
        for i, yi in enumerate(grid_y):  # noqa: B007 - the example's loops
            for j, xi in enumerate(grid_x):  # noqa: B007
                z_sample = np.array([[xi, yi]])
                x_decoded = decoder.predict(z_sample)
                total += float(x_decoded.sum())
        return z_mean, total

    # MNIST dataset
    (x_train, y_train), (x_test, y_test) = mnist_load_data()

    image_size = x_train.shape[1]
    original_dim = image_size * image_size
    x_train = np.reshape(x_train, [-1, original_dim])
    x_test = np.reshape(x_test, [-1, original_dim])
    x_train = x_train.astype('float32') / 255
    x_test = x_test.astype('float32') / 255

    # network parameters
    input_shape = (original_dim, )
    intermediate_dim = 64
    batch_size = 128
    latent_dim = 2
    epochs = 2

    # VAE model = encoder + decoder
    # build encoder model
    inputs = Input(shape=input_shape, name='encoder_input')
    x = Dense(intermediate_dim, activation='relu')(inputs)
    z_mean = Dense(latent_dim, name='z_mean')(x)
    z_log_var = Dense(latent_dim, name='z_log_var')(x)

    # use reparameterization trick to push the sampling out as input
    z = Lambda(sampling, output_shape=(latent_dim,), name='z')([z_mean, z_log_var])

    # instantiate encoder model
    encoder = Model(inputs, [z_mean, z_log_var, z], name='encoder')

    # build decoder model
    latent_inputs = Input(shape=(latent_dim,), name='z_sampling')
    x = Dense(intermediate_dim, activation='relu')(latent_inputs)
    outputs = Dense(original_dim, activation='sigmoid')(x)

    # instantiate decoder model
    decoder = Model(latent_inputs, outputs, name='decoder')

    # instantiate VAE model
    outputs = decoder(encoder(inputs)[2])
    vae = Model(inputs, outputs, name='vae_mlp')

    models = (encoder, decoder)
    data = (x_test, y_test)

    # VAE loss = mse_loss or xent_loss + kl_loss
    reconstruction_loss = binary_crossentropy(inputs, outputs)

    reconstruction_loss *= original_dim
    kl_loss = 1 + z_log_var - K.square(z_mean) - K.exp(z_log_var)
    kl_loss = K.sum(kl_loss, axis=-1)
    kl_loss *= -0.5
    vae_loss = K.mean(reconstruction_loss + kl_loss)
    vae.add_loss(vae_loss)
    vae.compile(optimizer='adam')
    same_start(K.get_session(), tf)

    # train the autoencoder
    hist = vae.fit(x_train,
                   epochs=epochs,
                   batch_size=batch_size, shuffle=False, verbose=0,
                   validation_data=(x_test, None)).history

    z_means, grid_sum = plot_results(models, data, batch_size=batch_size)
    return {"loss_1": float(hist["loss"][0]), "loss_2": float(hist["loss"][1]),
            "val_loss_2": float(hist["val_loss"][1]), "z_mean_sum": float(z_means.sum()),
            "z_mean_abs": float(np.abs(z_means).sum()), "grid_sum": grid_sum,
            "outputs": [len(encoder.outputs), len(vae.outputs)]}
