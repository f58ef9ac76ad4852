"""The Keras example ``examples/mnist_irnn.py`` (keras-team/keras 2.2.4, the TF 1.x era;
run here through ``tf.keras``): the IRNN of Le, Jaitly and Hinton ("A Simple Way to
Initialize Recurrent Networks of Rectified Linear Units") on MNIST read pixel by pixel:
a ``SimpleRNN(hidden_units, activation='relu')`` whose kernel starts from
``initializers.RandomNormal(stddev=0.001)`` and whose recurrent kernel starts as
``initializers.Identity(gain=1.0)``, a ``Dense(num_classes)`` and a softmax
``Activation`` in a ``Sequential``, trained with ``RMSprop(lr=1e-6)`` and evaluated.

Adapted: the imports are ``tf.keras``'s; ``mnist.load_data()`` is replaced by the
bundled 8x8 digits as 0-255 images (:func:`common.load_digits`, first 128 for training
and the next 64 for testing), so each image is a sequence of 64 pixels instead of 784
(784 steps per example are far too slow for the suite); ``hidden_units`` 32 instead of
100; 2 epochs instead of 200 with ``shuffle=False``; ``verbose=0``; the prints are left
out and the numbers returned. The random kernels (the RNN's ``RandomNormal`` draw and
the ``Dense``'s Glorot draw) are replaced through ``model.set_weights`` by the same NumPy
draws on both backends; the ``Identity`` recurrent kernel is kept as each backend builds
it. ``RMSprop(lr=...)`` is kept: tf_keras still takes the old name.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import load_digits

COMPARE = {"loss_1": 1e-5, "loss_2": 1e-5, "acc_2": 1e-6, "val_loss_2": 1e-5,
           "test_loss": 1e-5, "test_acc": 1e-6, "recurrent_trace": 1e-5,
           "recurrent_offdiag": 1e-5}


def main(tf):
    keras = tf.keras
    Sequential = tf.keras.models.Sequential  # noqa: N806 - the example's names
    Dense, Activation, SimpleRNN = (tf.keras.layers.Dense,  # noqa: N806
                                    tf.keras.layers.Activation, tf.keras.layers.SimpleRNN)
    initializers = tf.keras.initializers
    RMSprop = tf.keras.optimizers.RMSprop  # noqa: N806

    batch_size = 32
    num_classes = 10
    epochs = 2
    hidden_units = 32

    learning_rate = 1e-6
    clip_norm = 1.0  # noqa: F841 - defined and unused in the example

    # the data, split between train and test sets
    digits = load_digits()
    images = np.round(digits.data.reshape(-1, 8, 8) * 255.0 / 16.0).astype(np.uint8)
    (x_train, y_train) = images[:128], digits.target[:128]
    (x_test, y_test) = images[128:192], digits.target[128:192]

    x_train = x_train.reshape(x_train.shape[0], -1, 1)
    x_test = x_test.reshape(x_test.shape[0], -1, 1)
    x_train = x_train.astype('float32')
    x_test = x_test.astype('float32')
    x_train /= 255
    x_test /= 255

    # convert class vectors to binary class matrices
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)

    model = Sequential()
    model.add(SimpleRNN(hidden_units,
                        kernel_initializer=initializers.RandomNormal(stddev=0.001),
                        recurrent_initializer=initializers.Identity(gain=1.0),
                        activation='relu',
                        input_shape=x_train.shape[1:]))
    model.add(Dense(num_classes))
    model.add(Activation('softmax'))
    rmsprop = RMSprop(lr=learning_rate)
    model.compile(loss='categorical_crossentropy',
                  optimizer=rmsprop,
                  metrics=['accuracy'])

    # the same random draws on both backends; the Identity kernel stays as built
    rng = np.random.RandomState(0)
    kernel, recurrent, bias, dense_kernel, dense_bias = model.get_weights()
    limit = np.sqrt(6.0 / (hidden_units + num_classes))
    model.set_weights([rng.normal(0.0, 0.001, kernel.shape), recurrent, bias,
                       rng.uniform(-limit, limit, dense_kernel.shape), dense_bias])

    hist = model.fit(x_train, y_train,
                     batch_size=batch_size,
                     epochs=epochs,
                     verbose=0, shuffle=False,
                     validation_data=(x_test, y_test)).history

    scores = model.evaluate(x_test, y_test, verbose=0)
    acc = "accuracy" if "accuracy" in hist else "acc"
    return {"loss_1": float(hist["loss"][0]), "loss_2": float(hist["loss"][1]),
            "acc_2": float(hist[acc][1]), "val_loss_2": float(hist["val_loss"][1]),
            "test_loss": float(scores[0]), "test_acc": float(scores[1]),
            "recurrent_trace": float(np.trace(recurrent)),
            "recurrent_offdiag": float(np.abs(recurrent - np.diag(np.diag(recurrent))).sum())}
