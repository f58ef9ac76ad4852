"""The TF 1.x "Getting Started" ``tf.estimator`` example, as found in
opeide/Deep-learning-malignant-benign ``main.py``: a ``LinearRegressor`` over
``numeric_column('x', shape=[1])``, ``tf.estimator.inputs.numpy_input_fn`` for training
(``num_epochs=None``) and for evaluation on the training and on held-out data
(``num_epochs=1000``, so each evaluation runs 1000 batches), ``train(steps=1000)``.

Changes: 200 steps instead of 1000; the training input's ``shuffle=True`` is
``shuffle=False`` (TF's shuffle queue draws from its own random stream). The weights
start at zero in both backends (the linear model's initializer), no hook needed."""

from __future__ import annotations

import tempfile

import numpy as np

COMPARE = {"train_loss": 1e-5, "train_average_loss": 1e-5, "eval_loss": 1e-5,
           "eval_average_loss": 1e-5, "global_step": 0.0, "metric_keys": 0.0}


def main(tf):
    feature_columns = [tf.feature_column.numeric_column("x", shape=[1])]
    estimator = tf.estimator.LinearRegressor(feature_columns=feature_columns,
                                             model_dir=tempfile.mkdtemp())
    x_train = np.array([1.0, 2.0, 3.0, 4.0])
    y_train = np.array([0.0, -1.0, -2.0, -3.0])
    x_eval = np.array([2., 5., 8., 1.])
    y_eval = np.array([-1.01, -4.1, -7, 0.])
    input_fn = tf.estimator.inputs.numpy_input_fn(
        {"x": x_train}, y_train, batch_size=4, num_epochs=None, shuffle=False)
    train_input_fn = tf.estimator.inputs.numpy_input_fn(
        {"x": x_train}, y_train, batch_size=4, num_epochs=1000, shuffle=False)
    eval_input_fn = tf.estimator.inputs.numpy_input_fn(
        {"x": x_eval}, y_eval, batch_size=4, num_epochs=1000, shuffle=False)
    estimator.train(input_fn=input_fn, steps=200)
    train_metrics = estimator.evaluate(input_fn=train_input_fn)
    eval_metrics = estimator.evaluate(input_fn=eval_input_fn)
    return {"train_loss": float(train_metrics["loss"]),
            "train_average_loss": float(train_metrics["average_loss"]),
            "eval_loss": float(eval_metrics["loss"]),
            "eval_average_loss": float(eval_metrics["average_loss"]),
            "global_step": [int(eval_metrics["global_step"])],
            "metric_keys": sorted(eval_metrics)}
