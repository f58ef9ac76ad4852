"""A ``DNNClassifier`` on MNIST from cyrilvincent/DL ``24-1-dnnclassifier-mnist.py``: a
2-D ``numeric_column("x", shape=[28, 28])`` fed the flat 784-pixel images, hidden units
256 and 32, an ``AdamOptimizer(1e-5)`` instance as the optimizer, ``numpy_input_fn``
(batch 50, ``num_epochs=None``) for 100 training steps, then ``evaluate`` on the test
set with ``num_epochs=1``.

Changes: ``input_data.read_data_sets`` is the bundled digits at 28x28 (``common``); the
training input's ``shuffle=True`` is ``shuffle=False`` (TF's shuffle queue draws from
its own random stream); a model directory of its own; the weights start from the same
draw (``same_start`` in a hook)."""

from __future__ import annotations

import tempfile

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"accuracy": 1e-5, "loss": 1e-5, "average_loss": 1e-5, "global_step": 0.0,
           "metric_keys": 0.0}


def main(tf):
    mnist = read_data_sets("MNIST_data")

    def input(dataset):
        return dataset.images, dataset.labels.astype(np.int32)

    feature_columns = [tf.feature_column.numeric_column("x", shape=[28, 28])]
    classifier = tf.estimator.DNNClassifier(
        feature_columns=feature_columns,
        hidden_units=[256, 32],
        optimizer=tf.train.AdamOptimizer(1e-5),
        n_classes=10,
        model_dir=tempfile.mkdtemp(),
    )
    train_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={"x": input(mnist.train)[0]},
        y=input(mnist.train)[1],
        num_epochs=None,
        batch_size=50,
        shuffle=False
    )

    class SameStart(tf.train.SessionRunHook):
        def after_create_session(self, session, coord):
            same_start(session, tf)

    classifier.train(input_fn=train_input_fn, steps=100, hooks=[SameStart()])
    test_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={"x": input(mnist.test)[0]},
        y=input(mnist.test)[1],
        num_epochs=1,
        shuffle=False
    )
    results = classifier.evaluate(input_fn=test_input_fn)
    return {"accuracy": float(results["accuracy"]), "loss": float(results["loss"]),
            "average_loss": float(results["average_loss"]),
            "global_step": [int(results["global_step"])], "metric_keys": sorted(results)}
