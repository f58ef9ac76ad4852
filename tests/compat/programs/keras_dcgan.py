"""The Keras DCGAN on MNIST of eriklindernoren/Keras-GAN (``dcgan/dcgan.py``, 2017-18,
Keras 2 on TF1): a ``DCGAN`` class whose generator is a ``Sequential`` of
``Dense(128*7*7, relu)``, ``Reshape``, ``BatchNormalization(momentum=0.8)``,
``UpSampling2D``, ``Conv2D`` + ``Activation('relu')`` twice and a ``tanh`` ``Conv2D``;
whose discriminator is a ``Sequential`` of strided ``Conv2D`` + ``LeakyReLU(alpha=0.2)``,
a ``ZeroPadding2D(((0, 1), (0, 1)))``, ``BatchNormalization`` and a sigmoid ``Dense``;
each wrapped in a functional ``Model`` and compiled with ``Adam(0.0002, 0.5)`` and
``binary_crossentropy`` (the discriminator with ``metrics=['accuracy']``); the combined
``Model(z, discriminator(generator(z)))`` compiled after
``discriminator.trainable = False``; and ``train`` alternating
``discriminator.train_on_batch`` on a half batch of real and of ``generator.predict``
images with ``combined.train_on_batch`` on fresh noise.

Adapted: ``mnist.load_data()`` is replaced by the bundled digits in MNIST's form (28x28
images of values 0-255, so the program's rescaling to [-1, 1] is kept); the Dropout
layers are left out (their random masks cannot be the same on both backends); the
Keras imports are ``tf.keras``'s; NumPy's global RNG is seeded; 4 epochs (training
steps) of batch 32 instead of 4000; the progress print and the image saving (matplotlib)
are left out and the losses returned instead; ``model.summary()`` prints to a list;
``same_start`` gives both backends the same starting weights.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

# The later numbers drift apart by ~1e-3 in 4 steps: Adam's first steps move every
# weight by about its learning rate whatever the size of its gradient, so float rounding
# in the near-zero gradients of some weights shows, and the alternating GAN updates
# amplify it (the first step agrees to 1e-5; the BN statistics to 1e-5).
COMPARE = {"first_d_loss": 1e-5, "first_d_acc": 1e-6, "first_g_loss": 1e-4,
           "d_loss": 5e-3, "d_acc": 1e-6, "g_loss": 5e-3, "sample_mean": 5e-3,
           "sample_std": 5e-3, "gen_params": 0.0, "disc_params": 0.0,
           "combined_trainable": 0.0}


def load_data():
    """``mnist.load_data()``'s shapes from the bundled digits."""
    mnist = read_data_sets("MNIST_data")

    def images(ds):
        return np.round(ds.images.reshape(-1, 28, 28) * 255.0).astype(np.uint8)

    return (images(mnist.train), mnist.train.labels), (images(mnist.test), mnist.test.labels)


def main(tf):
    K = tf.keras
    Input, Dense, Reshape, Flatten = (K.layers.Input, K.layers.Dense, K.layers.Reshape,
                                      K.layers.Flatten)
    BatchNormalization, Activation, ZeroPadding2D = (K.layers.BatchNormalization,
                                                     K.layers.Activation,
                                                     K.layers.ZeroPadding2D)
    LeakyReLU, UpSampling2D, Conv2D = (K.layers.LeakyReLU, K.layers.UpSampling2D,
                                       K.layers.Conv2D)
    Sequential, Model = K.models.Sequential, K.models.Model
    Adam = K.optimizers.Adam
    summaries = []

    class DCGAN:
        def __init__(self):
            self.img_rows = 28
            self.img_cols = 28
            self.channels = 1

            optimizer = Adam(0.0002, 0.5)

            # the discriminator, compiled to be trained on its own
            self.discriminator = self.build_discriminator()
            self.discriminator.compile(loss="binary_crossentropy", optimizer=optimizer,
                                       metrics=["accuracy"])

            # the generator
            self.generator = self.build_generator()
            self.generator.compile(loss="binary_crossentropy", optimizer=optimizer)

            # noise in, generated images out
            z = Input(shape=(100,))
            img = self.generator(z)

            # the combined model trains only the generator
            self.discriminator.trainable = False

            # the discriminator judges the generated images
            valid = self.discriminator(img)

            # noise -> image -> validity
            self.combined = Model(z, valid)
            self.combined.compile(loss="binary_crossentropy", optimizer=optimizer)

        def build_generator(self):
            noise_shape = (100,)

            model = Sequential()
            model.add(Dense(128 * 7 * 7, activation="relu", input_shape=noise_shape))
            model.add(Reshape((7, 7, 128)))
            model.add(BatchNormalization(momentum=0.8))
            model.add(UpSampling2D())
            model.add(Conv2D(128, kernel_size=3, padding="same"))
            model.add(Activation("relu"))
            model.add(BatchNormalization(momentum=0.8))
            model.add(UpSampling2D())
            model.add(Conv2D(64, kernel_size=3, padding="same"))
            model.add(Activation("relu"))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Conv2D(1, kernel_size=3, padding="same"))
            model.add(Activation("tanh"))
            model.summary(print_fn=summaries.append)

            noise = Input(shape=noise_shape)
            img = model(noise)
            return Model(noise, img)

        def build_discriminator(self):
            img_shape = (self.img_rows, self.img_cols, self.channels)

            model = Sequential()
            model.add(Conv2D(32, kernel_size=3, strides=2, input_shape=img_shape,
                             padding="same"))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Conv2D(64, kernel_size=3, strides=2, padding="same"))
            model.add(ZeroPadding2D(padding=((0, 1), (0, 1))))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Conv2D(128, kernel_size=3, strides=2, padding="same"))
            model.add(LeakyReLU(alpha=0.2))
            model.add(BatchNormalization(momentum=0.8))
            model.add(Conv2D(256, kernel_size=3, strides=1, padding="same"))
            model.add(LeakyReLU(alpha=0.2))
            model.add(Flatten())
            model.add(Dense(1, activation="sigmoid"))
            model.summary(print_fn=summaries.append)

            img = Input(shape=img_shape)
            validity = model(img)
            return Model(img, validity)

        def train(self, epochs, batch_size=128):
            (X_train, _), (_, _) = load_data()

            # rescale to [-1, 1]
            X_train = (X_train.astype(np.float32) - 127.5) / 127.5
            X_train = np.expand_dims(X_train, axis=3)

            half_batch = int(batch_size / 2)
            history = []
            for _epoch in range(epochs):
                # train the discriminator on a random half batch of real images and
                # a half batch of generated ones
                idx = np.random.randint(0, X_train.shape[0], half_batch)
                imgs = X_train[idx]

                noise = np.random.normal(0, 1, (half_batch, 100))
                gen_imgs = self.generator.predict(noise)

                d_loss_real = self.discriminator.train_on_batch(imgs,
                                                                np.ones((half_batch, 1)))
                d_loss_fake = self.discriminator.train_on_batch(gen_imgs,
                                                                np.zeros((half_batch, 1)))
                d_loss = 0.5 * np.add(d_loss_real, d_loss_fake)

                # train the generator to have its images taken for real
                noise = np.random.normal(0, 1, (batch_size, 100))
                g_loss = self.combined.train_on_batch(noise, np.ones((batch_size, 1)))
                history.append((float(d_loss[0]), float(d_loss[1]), float(g_loss)))
            return history

    np.random.seed(0)
    dcgan = DCGAN()
    same_start(K.backend.get_session(), tf)
    history = dcgan.train(epochs=4, batch_size=32)
    samples = dcgan.generator.predict(np.random.normal(0, 1, (25, 100)))
    return {"first_d_loss": history[0][0], "first_d_acc": history[0][1],
            "first_g_loss": history[0][2], "d_loss": history[-1][0],
            "d_acc": history[-1][1], "g_loss": history[-1][2],
            "sample_mean": float(samples.mean()), "sample_std": float(samples.std()),
            "gen_params": int(dcgan.generator.count_params()),
            "disc_params": int(dcgan.discriminator.count_params()),
            "combined_trainable": len(dcgan.combined.trainable_weights)}
