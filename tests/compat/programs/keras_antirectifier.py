"""The Keras example ``examples/antirectifier.py`` (keras-team/keras 2.2.4, the TF 1.x
era; run here through ``tf.keras``): a custom layer written with the backend functions
(``K.mean``, ``K.l2_normalize``, ``K.relu``, ``K.concatenate``) and its own
``compute_output_shape``, used in place of ReLU in a ``Sequential`` MLP on MNIST
(``Dense(256)``, ``Antirectifier``, ``Dense(256)``, ``Antirectifier``, ``Dense(10)``,
softmax), compiled with ``categorical_crossentropy`` and ``rmsprop`` and trained with
``validation_data``.

Adapted: the imports are ``tf.keras``'s (``from tensorflow.keras import layers``,
``backend as K``); ``mnist.load_data()`` is the bundled digits in MNIST's form
(:func:`common.mnist_load_data`, 1400 training and 397 test images, so the reshapes use
``x.shape[0]`` instead of 60000/10000); the ``Dropout(0.1)`` layers are left out (their
random masks cannot be the same on both backends); 2 epochs instead of 40 with
``shuffle=False``; ``verbose=0``; the model is evaluated at the end and the numbers
returned; :func:`common.same_start` gives both backends the same starting weights.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import mnist_load_data, same_start

COMPARE = {"loss_1": 1e-5, "loss_2": 1e-5, "acc_2": 1e-6, "val_loss_2": 1e-5,
           "val_acc_2": 1e-6, "test_loss": 1e-5, "test_acc": 1e-6, "out_sum": 1e-5,
           "out_shape": 0.0}


def main(tf):
    keras = tf.keras
    layers = tf.keras.layers
    Sequential = tf.keras.models.Sequential  # noqa: N806 - the example's names
    K = tf.keras.backend  # noqa: N806

    class Antirectifier(layers.Layer):
        '''This is the combination of a sample-wise
        L2 normalization with the concatenation of the
        positive part of the input with the negative part
        of the input. The result is a tensor of samples that are
        twice as large as the input samples.

        It can be used in place of a ReLU.
        '''

        def compute_output_shape(self, input_shape):
            shape = list(input_shape)
            assert len(shape) == 2  # only valid for 2D tensors
            shape[-1] *= 2
            return tuple(shape)

        def call(self, inputs):
            inputs -= K.mean(inputs, axis=1, keepdims=True)
            inputs = K.l2_normalize(inputs, axis=1)
            pos = K.relu(inputs)
            neg = K.relu(-inputs)
            return K.concatenate([pos, neg], axis=1)

    # global parameters
    batch_size = 128
    num_classes = 10
    epochs = 2

    # the data, split between train and test sets
    (x_train, y_train), (x_test, y_test) = mnist_load_data()

    x_train = x_train.reshape(x_train.shape[0], 784)
    x_test = x_test.reshape(x_test.shape[0], 784)
    x_train = x_train.astype('float32')
    x_test = x_test.astype('float32')
    x_train /= 255
    x_test /= 255

    # convert class vectors to binary class matrices
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)

    # build the model
    model = Sequential()
    model.add(layers.Dense(256, input_shape=(784,)))
    model.add(Antirectifier())
    model.add(layers.Dense(256))
    model.add(Antirectifier())
    model.add(layers.Dense(num_classes))
    model.add(layers.Activation('softmax'))

    # compile the model
    model.compile(loss='categorical_crossentropy',
                  optimizer='rmsprop',
                  metrics=['accuracy'])
    same_start(K.get_session(), tf)

    # train the model
    hist = model.fit(x_train, y_train,
                     batch_size=batch_size,
                     epochs=epochs,
                     verbose=0, shuffle=False,
                     validation_data=(x_test, y_test)).history
    score = model.evaluate(x_test, y_test, verbose=0)
    acc = "accuracy" if "accuracy" in hist else "acc"
    out = model.layers[1].output
    return {"loss_1": float(hist["loss"][0]), "loss_2": float(hist["loss"][1]),
            "acc_2": float(hist[acc][1]), "val_loss_2": float(hist["val_loss"][1]),
            "val_acc_2": float(hist["val_" + acc][1]), "test_loss": float(score[0]),
            "test_acc": float(score[1]),
            "out_sum": float(np.sum(model.predict(x_test[:8]) * np.arange(10))),
            "out_shape": [-1 if d is None else int(d) for d in out.shape.as_list()]}
