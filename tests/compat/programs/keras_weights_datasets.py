"""The "Training and evaluation with TensorFlow Keras" guide of the TF 1.14 / 2.0-alpha
documentation (``tensorflow.org/alpha/guide/keras/training_and_evaluation``, run then
under TF 1.14 graph mode as well): its ``get_uncompiled_model``/``get_compiled_model``
functional MNIST classifier (``Input(784, name='digits')``, ``Dense(64, relu)`` twice,
``Dense(10, softmax, name='predictions')``, RMSprop(1e-3),
``'sparse_categorical_crossentropy'``, ``metrics=['sparse_categorical_accuracy']``), then
the sections "Using tf.data Datasets" (``fit`` on a dataset with ``steps_per_epoch``
and a validation dataset, ``evaluate`` on a test dataset), "Class weights" (``class_weight``
doubling class 5), "Sample weights" (the same through ``sample_weight``) and "Passing
sample weights to a Dataset" (``(x, y, sample_weight)`` elements).

Adapted: ``keras.datasets.mnist.load_data()`` is replaced by the bundled digits in
MNIST's form (28×28 images of values 0-255; the guide's ``reshape(-1, 784) / 255`` is
kept) and the guide's 10,000 validation images become the last 200; the datasets'
``shuffle(buffer_size=1024)`` and fit's shuffling are left out (both backends must see
the same batches); 2 epochs instead of 3-4 and ``steps_per_epoch=8`` instead of 100;
each model starts from the same seeded Glorot draw (``common.keras_same_start``, set with
``set_weights``) instead of Keras's random initializers; ``verbose=0``; the histories and
evaluations are returned, one number per epoch.
"""

from __future__ import annotations

import numpy as np

from tests.compat.programs.common import keras_same_start, read_data_sets

COMPARE = {f"{key}_{epoch}": tol for epoch in (1, 2) for key, tol in (
    ("class_weight_loss", 1e-4), ("class_weight_acc", 1e-6), ("sample_weight_loss", 1e-4),
    ("sample_weight_acc", 1e-6), ("dataset_weight_loss", 1e-4),
    ("dataset_weight_acc", 1e-6), ("dataset_loss", 1e-4), ("dataset_acc", 1e-6),
    ("dataset_val_loss", 1e-4), ("dataset_val_acc", 1e-6))}
COMPARE.update({"test_loss": 1e-4, "test_acc": 1e-6})


def _load_data():
    mnist = read_data_sets("MNIST_data")

    def images(ds):
        return np.round(ds.images.reshape(-1, 28, 28) * 255.0).astype(np.uint8)

    return (images(mnist.train), mnist.train.labels), (images(mnist.test), mnist.test.labels)


def main(tf):
    keras = tf.keras
    layers = tf.keras.layers

    (x_train, y_train), (x_test, y_test) = _load_data()
    x_train = x_train.reshape(-1, 784).astype('float32') / 255
    x_test = x_test.reshape(-1, 784).astype('float32') / 255

    y_train = y_train.astype('float32')
    y_test = y_test.astype('float32')

    # Reserve 200 samples for validation
    x_val = x_train[-200:]
    y_val = y_train[-200:]
    x_train = x_train[:-200]
    y_train = y_train[:-200]

    def get_uncompiled_model():
        inputs = keras.Input(shape=(784,), name='digits')
        x = layers.Dense(64, activation='relu', name='dense_1')(inputs)
        x = layers.Dense(64, activation='relu', name='dense_2')(x)
        outputs = layers.Dense(10, activation='softmax', name='predictions')(x)
        model = keras.Model(inputs=inputs, outputs=outputs)
        return model

    def get_compiled_model():
        model = get_uncompiled_model()
        model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
                      loss='sparse_categorical_crossentropy',
                      metrics=['sparse_categorical_accuracy'])
        keras_same_start(model)
        return model

    out = {}

    # Using tf.data Datasets
    model = get_compiled_model()
    train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    train_dataset = train_dataset.batch(64)
    val_dataset = tf.data.Dataset.from_tensor_slices((x_val, y_val))
    val_dataset = val_dataset.batch(64)
    history = model.fit(train_dataset, epochs=2, steps_per_epoch=8,
                        validation_data=val_dataset, validation_steps=3, verbose=0)
    hist = history.history
    out["dataset_loss"] = [float(v) for v in hist["loss"]]
    out["dataset_acc"] = [float(v) for v in hist["sparse_categorical_accuracy"]]
    out["dataset_val_loss"] = [float(v) for v in hist["val_loss"]]
    out["dataset_val_acc"] = [float(v) for v in hist["val_sparse_categorical_accuracy"]]
    test_dataset = tf.data.Dataset.from_tensor_slices((x_test, y_test))
    test_dataset = test_dataset.batch(64)
    test_loss, test_acc = model.evaluate(test_dataset, verbose=0)
    out["test_loss"], out["test_acc"] = float(test_loss), float(test_acc)

    # Class weights
    class_weight = {0: 1., 1: 1., 2: 1., 3: 1., 4: 1.,
                    # Set weight "2" for class "5",
                    # making this class 2x more important
                    5: 2.,
                    6: 1., 7: 1., 8: 1., 9: 1.}
    model = get_compiled_model()
    history = model.fit(x_train, y_train, class_weight=class_weight, batch_size=64,
                        epochs=2, shuffle=False, verbose=0)
    out["class_weight_loss"] = [float(v) for v in history.history["loss"]]
    out["class_weight_acc"] = [float(v) for v in
                               history.history["sparse_categorical_accuracy"]]

    # Sample weights: the same example using `sample_weight` instead
    sample_weight = np.ones(shape=(len(y_train),))
    sample_weight[y_train == 5] = 2.
    model = get_compiled_model()
    history = model.fit(x_train, y_train, sample_weight=sample_weight, batch_size=64,
                        epochs=2, shuffle=False, verbose=0)
    out["sample_weight_loss"] = [float(v) for v in history.history["loss"]]
    out["sample_weight_acc"] = [float(v) for v in
                                history.history["sparse_categorical_accuracy"]]

    # Passing sample weights to a Dataset: (x, y, sample_weight) elements
    train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train, sample_weight))
    train_dataset = train_dataset.batch(64)
    model = get_compiled_model()
    history = model.fit(train_dataset, epochs=2, verbose=0)
    out["dataset_weight_loss"] = [float(v) for v in history.history["loss"]]
    out["dataset_weight_acc"] = [float(v) for v in
                                 history.history["sparse_categorical_accuracy"]]
    # one number per epoch (the compat check compares lists exactly)
    return {f"{k}_{i + 1}" if isinstance(v, list) else k: x
            for k, v in out.items() for i, x in enumerate(v if isinstance(v, list) else [v])}
