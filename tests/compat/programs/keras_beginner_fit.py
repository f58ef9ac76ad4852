"""The TF 1.13-1.15 "Get Started with TensorFlow" beginner tutorial (tensorflow.org's
front page and ``tutorials/_index.ipynb`` of those releases): a ``tf.keras``
``Sequential`` of ``Flatten(input_shape=(28, 28))``, ``Dense(512, relu)``,
``Dropout(0.2)`` and ``Dense(10, softmax)``, compiled with ``'adam'``,
``'sparse_categorical_crossentropy'`` and ``metrics=['accuracy']``, then
``model.fit(x_train, y_train, epochs=5)`` and ``model.evaluate(x_test, y_test)``.

Adapted: ``mnist.load_data()`` is replaced by the bundled digits in MNIST's form (28×28
uint8-valued images and integer labels, so the tutorial's ``/ 255.0`` is kept); the
Dropout layer is left out (its random masks cannot be the same on both backends); 2
epochs instead of 5 with ``shuffle=False`` (fit's shuffle draws from NumPy's global RNG
in a different order from TF's loop); ``same_start`` gives both backends the same
starting weights; ``verbose=0``; the per-epoch history and the evaluation are returned.
tf_keras names the metric ``'acc'`` under ``disable_v2_behavior()`` (TF 1.x's name) and
``'accuracy'`` otherwise; both are read.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"loss_1": 1e-4, "loss_2": 1e-4, "acc_1": 1e-6, "acc_2": 1e-6,
           "test_loss": 1e-4, "test_acc": 1e-6}


def load_data():
    """``mnist.load_data()``'s shapes: ``(x_train, y_train), (x_test, y_test)`` with
    28×28 images of values 0-255 and integer labels."""
    mnist = read_data_sets("MNIST_data")

    def images(ds):
        return np.round(ds.images.reshape(-1, 28, 28) * 255.0).astype(np.uint8)

    return (images(mnist.train), mnist.train.labels), (images(mnist.test), mnist.test.labels)


def main(tf):
    (x_train, y_train), (x_test, y_test) = load_data()
    x_train, x_test = x_train / 255.0, x_test / 255.0

    model = tf.keras.models.Sequential([
        tf.keras.layers.Flatten(input_shape=(28, 28)),
        tf.keras.layers.Dense(512, activation=tf.nn.relu),
        tf.keras.layers.Dense(10, activation=tf.nn.softmax)
    ])
    model.compile(optimizer='adam',
                  loss='sparse_categorical_crossentropy',
                  metrics=['accuracy'])
    same_start(tf.keras.backend.get_session(), tf)

    history = model.fit(x_train, y_train, epochs=2, shuffle=False, verbose=0)
    test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)

    hist = history.history
    acc = hist["accuracy"] if "accuracy" in hist else hist["acc"]
    return {"loss_1": float(hist["loss"][0]), "loss_2": float(hist["loss"][1]),
            "acc_1": float(acc[0]), "acc_2": float(acc[1]),
            "test_loss": float(test_loss), "test_acc": float(test_acc)}
