"""TensorFlow's own ``tensorflow/examples/learn/boston.py`` (r1.13-r1.15): a
``DNNRegressor`` (hidden units 10, 10) over one 13-wide
``numeric_column('x', shape=x_train.shape[1:])`` on standardized Boston housing
features; ``numpy_input_fn`` with batches of one example (``num_epochs=None``),
``train``, ``predict`` (``predictions``) on the test rows scaled with the training
statistics, the mean squared error of those, and ``evaluate``'s ``average_loss``.

Adapted: ``sklearn.datasets.load_boston`` + ``train_test_split(test_size=0.2)`` is the
seeded Boston-shaped data of ``common.boston_arrays`` (its first 404 rows train, the
last 102 test); ``preprocessing.StandardScaler`` is its arithmetic in NumPy (mean and
population standard deviation of the training rows); 200 training steps instead of
2000; the training input's ``shuffle=True`` is ``shuffle=False`` (TF's shuffle queue
draws from its own random stream); a model directory of its own; the weights start from
the same draw (``same_start`` in a hook); ``sklearn.metrics.mean_squared_error`` is its
one line of NumPy."""

from __future__ import annotations

import tempfile

import numpy as np

from tests.compat.programs.common import boston_arrays, same_start

COMPARE = {"mse_sklearn": 1e-4, "average_loss": 1e-4, "loss": 1e-4, "prediction_sum": 1e-4,
           "global_step": 0.0, "metric_keys": 0.0}


def main(tf):
    # Load dataset
    x, y = boston_arrays()

    # Split dataset into train / test
    x_train, x_test, y_train, y_test = x[:404], x[404:], y[:404], y[404:]

    # Scale data (training set) to 0 mean and unit standard deviation.
    mean, scale = x_train.mean(axis=0), x_train.std(axis=0)
    x_train = (x_train - mean) / scale

    # Build 2 layer fully connected DNN with 10, 10 units respectively.
    feature_columns = [
        tf.feature_column.numeric_column("x", shape=np.array(x_train).shape[1:])]
    regressor = tf.estimator.DNNRegressor(
        feature_columns=feature_columns, hidden_units=[10, 10],
        model_dir=tempfile.mkdtemp())

    class SameStart(tf.train.SessionRunHook):
        def after_create_session(self, session, coord):
            same_start(session, tf)

    # Train.
    train_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={"x": x_train}, y=y_train, batch_size=1, num_epochs=None, shuffle=False)
    regressor.train(input_fn=train_input_fn, steps=200, hooks=[SameStart()])

    # Predict.
    x_transformed = (x_test - mean) / scale
    test_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={"x": x_transformed}, y=y_test, num_epochs=1, shuffle=False)
    predictions = regressor.predict(input_fn=test_input_fn)
    y_predicted = np.array(list(p["predictions"] for p in predictions))
    y_predicted = y_predicted.reshape(np.array(y_test).shape)

    # Score with sklearn.
    score_sklearn = float(np.mean((y_predicted - y_test) ** 2))

    # Score with tensorflow.
    scores = regressor.evaluate(input_fn=test_input_fn)
    return {"mse_sklearn": score_sklearn, "average_loss": float(scores["average_loss"]),
            "loss": float(scores["loss"]), "prediction_sum": float(y_predicted.sum()),
            "global_step": [int(scores["global_step"])], "metric_keys": sorted(scores)}
