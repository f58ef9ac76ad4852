"""TensorFlow's own ``tensorflow/examples/learn/iris_run_config.py`` (r1.13-r1.15): a
``tf.estimator.RunConfig().replace(tf_random_seed=1)`` handed to a ``DNNClassifier``
(hidden units 10, 20, 10, three classes) over one 4-wide
``numeric_column('x', shape=x_train.shape[1:])``; ``numpy_input_fn`` inputs, ``train``,
``predict`` (``class_ids``) and ``evaluate``. The run config's seed is the graph seed of
every graph the estimator builds, so the seeded Glorot-uniform draws of TF's own
initializers are the starting weights on both backends (no ``same_start`` here).

Adapted: ``sklearn.datasets.load_iris`` + ``train_test_split(test_size=0.2)`` is the
seeded iris-shaped data of ``common.iris_arrays`` (its first 120 rows train, the last 30
test); 60 training steps instead of 200; the training input's ``shuffle=True`` is
``shuffle=False`` (TF's shuffle queue draws from its own random stream); a model
directory of its own; ``sklearn.metrics.accuracy_score`` is its one comparison."""

from __future__ import annotations

import tempfile

import numpy as np

from tests.compat.programs.common import iris_arrays

COMPARE = {"accuracy": 1e-6, "loss": 1e-5, "average_loss": 1e-5, "sklearn_accuracy": 1e-6,
           "global_step": 0.0, "metric_keys": 0.0, "predicted": 0.0, "seed": 0.0}

X_FEATURE = "x"  # Name of the input feature.


def main(tf):
    # Load dataset.
    data, target = iris_arrays()
    x_train, x_test, y_train, y_test = data[:120], data[120:], target[:120], target[120:]

    # You can define you configurations by providing a RunConfig object to
    # estimator to control session configurations, e.g. tf_random_seed.
    run_config = tf.estimator.RunConfig().replace(tf_random_seed=1)
    run_config = run_config.replace(model_dir=tempfile.mkdtemp())

    # Build 3 layer DNN with 10, 20, 10 units respectively.
    feature_columns = [
        tf.feature_column.numeric_column(
            X_FEATURE, shape=np.array(x_train).shape[1:])]
    classifier = tf.estimator.DNNClassifier(
        feature_columns=feature_columns, hidden_units=[10, 20, 10], n_classes=3,
        config=run_config)

    # Train.
    train_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={X_FEATURE: x_train}, y=y_train, num_epochs=None, shuffle=False)
    classifier.train(input_fn=train_input_fn, steps=60)

    # Predict.
    test_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={X_FEATURE: x_test}, y=y_test, num_epochs=1, shuffle=False)
    predictions = classifier.predict(input_fn=test_input_fn)
    y_predicted = np.array(list(p["class_ids"] for p in predictions))
    y_predicted = y_predicted.reshape(np.array(y_test).shape)

    # Score with sklearn.
    score = float(np.mean(y_test == y_predicted))

    # Score with tensorflow.
    scores = classifier.evaluate(input_fn=test_input_fn)
    return {"accuracy": float(scores["accuracy"]), "loss": float(scores["loss"]),
            "average_loss": float(scores["average_loss"]), "sklearn_accuracy": score,
            "global_step": [int(scores["global_step"])], "metric_keys": sorted(scores),
            "predicted": [int(c) for c in y_predicted],
            "seed": [classifier.config.tf_random_seed]}
