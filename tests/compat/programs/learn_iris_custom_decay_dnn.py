"""TensorFlow's own ``tensorflow/examples/learn/iris_custom_decay_dnn.py`` (r1.13-r1.15):
an ``Estimator`` whose ``model_fn`` stacks ``tf.layers.dense`` layers of 10, 20 and 10
relu units over ``features['x']``, returns ``EstimatorSpec``s for PREDICT (class and
softmax), TRAIN (``tf.losses.sparse_softmax_cross_entropy``, an ``AdagradOptimizer`` on
``tf.train.exponential_decay(0.1, global_step, 100, 0.001)``) and EVAL
(``tf.metrics.accuracy``); ``tf.compat.v1.estimator.inputs.numpy_input_fn`` inputs (the
default batch of 128 over 120 rows, so batches wrap around the epoch), ``predict`` then
``evaluate`` on the test rows.

Adapted: ``sklearn.datasets.load_iris`` + ``train_test_split(test_size=0.2)`` is the
seeded iris-shaped data of ``common.iris_arrays`` (its first 120 rows train, the last 30
test; already in random order); 40 training steps instead of 1000; the training input's
``shuffle=True`` is ``shuffle=False`` (TF's shuffle queue draws from its own random
stream); a model directory of its own; the weights start from the same draw
(``same_start`` in a hook); ``sklearn.metrics.accuracy_score`` is its one comparison."""

from __future__ import annotations

import tempfile

import numpy as np

from tests.compat.programs.common import iris_arrays, same_start

COMPARE = {"accuracy": 1e-6, "loss": 1e-5, "sklearn_accuracy": 1e-6, "global_step": 0.0,
           "metric_keys": 0.0, "predicted": 0.0, "prob_sum": 1e-5}

X_FEATURE = "x"  # Name of the input feature.


def main(tf):
    def my_model(features, labels, mode):
        """DNN with three hidden layers."""
        net = features[X_FEATURE]
        for units in [10, 20, 10]:
            net = tf.layers.dense(net, units=units, activation=tf.nn.relu)

        logits = tf.layers.dense(net, 3, activation=None)

        predicted_classes = tf.argmax(logits, 1)
        if mode == tf.estimator.ModeKeys.PREDICT:
            predictions = {
                "class": predicted_classes,
                "prob": tf.nn.softmax(logits)
            }
            return tf.estimator.EstimatorSpec(mode, predictions=predictions)

        loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)

        if mode == tf.estimator.ModeKeys.TRAIN:
            global_step = tf.train.get_global_step()
            learning_rate = tf.train.exponential_decay(
                learning_rate=0.1, global_step=global_step,
                decay_steps=100, decay_rate=0.001)
            optimizer = tf.train.AdagradOptimizer(learning_rate=learning_rate)
            train_op = optimizer.minimize(loss, global_step=global_step)
            return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)

        eval_metric_ops = {
            "accuracy": tf.metrics.accuracy(
                labels=labels, predictions=predicted_classes)
        }
        return tf.estimator.EstimatorSpec(
            mode, loss=loss, eval_metric_ops=eval_metric_ops)

    data, target = iris_arrays()
    x_train, x_test, y_train, y_test = data[:120], data[120:], target[:120], target[120:]

    classifier = tf.estimator.Estimator(model_fn=my_model, model_dir=tempfile.mkdtemp())

    class SameStart(tf.train.SessionRunHook):
        def after_create_session(self, session, coord):
            same_start(session, tf)

    # Train.
    train_input_fn = tf.compat.v1.estimator.inputs.numpy_input_fn(
        x={X_FEATURE: x_train}, y=y_train, num_epochs=None, shuffle=False)
    classifier.train(input_fn=train_input_fn, steps=40, hooks=[SameStart()])

    # Predict.
    test_input_fn = tf.compat.v1.estimator.inputs.numpy_input_fn(
        x={X_FEATURE: x_test}, y=y_test, num_epochs=1, shuffle=False)
    predictions = list(classifier.predict(input_fn=test_input_fn))
    y_predicted = np.array(list(p["class"] for p in predictions))
    y_predicted = y_predicted.reshape(np.array(y_test).shape)

    # Score with sklearn.
    score = float(np.mean(y_test == y_predicted))

    # Score with tensorflow.
    scores = classifier.evaluate(input_fn=test_input_fn)
    return {"accuracy": float(scores["accuracy"]), "loss": float(scores["loss"]),
            "sklearn_accuracy": score, "global_step": [int(scores["global_step"])],
            "metric_keys": sorted(scores), "predicted": [int(c) for c in y_predicted],
            "prob_sum": float(sum(p["prob"].max() for p in predictions))}
