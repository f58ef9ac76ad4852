"""The Keras example ``examples/mnist_hierarchical_rnn.py`` (keras-team/keras 2.2.4, the
TF 1.x era; run here through ``tf.keras``): a hierarchical RNN (Hierarchical Recurrent
Neural Network, Hihi & Bengio) classifying MNIST -- ``TimeDistributed(LSTM(row_hidden))``
encodes each row of pixels of a ``(28, 28, 1)`` image, an ``LSTM(col_hidden)`` encodes
the encoded rows, and a softmax ``Dense`` classifies; functional ``Model``,
``categorical_crossentropy``, ``rmsprop``, ``fit`` with ``validation_data`` and
``evaluate``.

Adapted: the imports are ``tf.keras``'s; ``mnist.load_data()`` is the bundled digits in
MNIST's form (:func:`common.mnist_load_data`), of which the first 64 training and 32
test images are used; ``row_hidden``/``col_hidden`` 16 instead of 128; 2 epochs instead
of 5 with ``shuffle=False``; ``verbose=0``; the prints are left out and the numbers
returned; :func:`common.same_start` gives both backends the same starting weights (the
LSTMs' orthogonal recurrent kernels are random draws otherwise).
"""

from __future__ import annotations

from tests.compat.programs.common import mnist_load_data, same_start

COMPARE = {"loss_1": 1e-5, "loss_2": 1e-5, "acc_2": 1e-6, "val_loss_2": 1e-5,
           "test_loss": 1e-5, "test_acc": 1e-6, "encoded_rows_shape": 0.0}


def main(tf):
    keras = tf.keras
    Model = tf.keras.models.Model  # noqa: N806 - the example's names
    Input, Dense, TimeDistributed, LSTM = (tf.keras.layers.Input,  # noqa: N806
                                           tf.keras.layers.Dense,
                                           tf.keras.layers.TimeDistributed,
                                           tf.keras.layers.LSTM)

    # Training parameters.
    batch_size = 32
    num_classes = 10
    epochs = 2

    # Embedding dimensions.
    row_hidden = 16
    col_hidden = 16

    # The data, split between train and test sets.
    (x_train, y_train), (x_test, y_test) = mnist_load_data()
    (x_train, y_train), (x_test, y_test) = (x_train[:64], y_train[:64]), (x_test[:32],
                                                                            y_test[:32])

    # Reshapes data to 4D for Hierarchical RNN.
    x_train = x_train.reshape(x_train.shape[0], 28, 28, 1)
    x_test = x_test.reshape(x_test.shape[0], 28, 28, 1)
    x_train = x_train.astype('float32')
    x_test = x_test.astype('float32')
    x_train /= 255
    x_test /= 255

    # Converts class vectors to binary class matrices.
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)

    row, col, pixel = x_train.shape[1:]

    # 4D input.
    x = Input(shape=(row, col, pixel))

    # Encodes a row of pixels using TimeDistributed Wrapper.
    encoded_rows = TimeDistributed(LSTM(row_hidden))(x)

    # Encodes columns of encoded rows.
    encoded_columns = LSTM(col_hidden)(encoded_rows)

    # Final predictions and model.
    prediction = Dense(num_classes, activation='softmax')(encoded_columns)
    model = Model(x, prediction)
    model.compile(loss='categorical_crossentropy',
                  optimizer='rmsprop',
                  metrics=['accuracy'])
    same_start(keras.backend.get_session(), tf)

    # Training.
    hist = model.fit(x_train, y_train,
                     batch_size=batch_size,
                     epochs=epochs,
                     verbose=0, shuffle=False,
                     validation_data=(x_test, y_test)).history

    # Evaluation.
    scores = model.evaluate(x_test, y_test, verbose=0)
    acc = "accuracy" if "accuracy" in hist else "acc"
    return {"loss_1": float(hist["loss"][0]), "loss_2": float(hist["loss"][1]),
            "acc_2": float(hist[acc][1]), "val_loss_2": float(hist["val_loss"][1]),
            "test_loss": float(scores[0]), "test_acc": float(scores[1]),
            "encoded_rows_shape": [-1 if d is None else int(d)
                                   for d in encoded_rows.shape.as_list()]}
