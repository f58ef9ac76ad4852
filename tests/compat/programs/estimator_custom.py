"""A custom ``model_fn`` Estimator (the "Creating Custom Estimators" guide's shape):
``tf.layers.dense`` layers over ``features['x']``, EstimatorSpec for PREDICT / EVAL (with
``tf.metrics.accuracy``) / TRAIN, ``numpy_input_fn`` inputs without shuffling, ``train``
in two calls (``steps`` is incremental), ``evaluate``, ``predict``."""

from __future__ import annotations

import tempfile

import numpy as np

from tests.compat.programs.common import read_data_sets, same_start

COMPARE = {"accuracy": 1e-6, "loss": 1e-4, "global_step": 0.0, "n_predictions": 0.0,
           "metric_keys": 0.0, "checkpoints": 0.0}


def main(tf):
    mnist = read_data_sets("/tmp/data/", one_hot=False)
    x_train = mnist.train.images[:600]
    y_train = mnist.train.labels[:600].astype(np.int32)
    x_test = mnist.test.images
    y_test = mnist.test.labels.astype(np.int32)

    def model_fn(features, labels, mode, params):
        net = features["x"]
        for units in params["hidden_units"]:
            net = tf.layers.dense(net, units, activation=tf.nn.relu)
        logits = tf.layers.dense(net, params["n_classes"])
        predicted_classes = tf.argmax(logits, 1)
        if mode == tf.estimator.ModeKeys.PREDICT:
            return tf.estimator.EstimatorSpec(mode, predictions={
                "class_ids": predicted_classes[:, tf.newaxis],
                "probabilities": tf.nn.softmax(logits)})
        loss = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
        accuracy = tf.metrics.accuracy(labels=labels, predictions=predicted_classes,
                                       name="acc_op")
        if mode == tf.estimator.ModeKeys.EVAL:
            return tf.estimator.EstimatorSpec(mode, loss=loss,
                                              eval_metric_ops={"accuracy": accuracy})
        optimizer = tf.train.AdagradOptimizer(learning_rate=0.1)
        train_op = optimizer.minimize(loss, global_step=tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)

    model_dir = tempfile.mkdtemp()
    config = tf.estimator.RunConfig(tf_random_seed=1, save_checkpoints_steps=50,
                                    log_step_count_steps=1000)
    classifier = tf.estimator.Estimator(model_fn=model_fn, model_dir=model_dir, config=config,
                                        params={"hidden_units": [64, 32], "n_classes": 10})
    train_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={"x": x_train}, y=y_train, batch_size=50, num_epochs=None, shuffle=False)
    class SameStart(tf.train.SessionRunHook):
        """Both backends start from the same weights (the only change to the program)."""

        def after_create_session(self, session, coord):
            if session.run(tf.train.get_global_step()) == 0:
                same_start(session, tf)

    classifier.train(input_fn=train_input_fn, steps=60, hooks=[SameStart()])
    classifier.train(input_fn=train_input_fn, steps=60)
    eval_input_fn = tf.estimator.inputs.numpy_input_fn(
        x={"x": x_test}, y=y_test, num_epochs=1, shuffle=False)
    result = classifier.evaluate(input_fn=eval_input_fn)
    predictions = list(classifier.predict(input_fn=tf.estimator.inputs.numpy_input_fn(
        x={"x": x_test[:7]}, num_epochs=1, shuffle=False)))
    ckpts = sorted(int(p.rsplit("-", 1)[1]) for p in
                   tf.train.get_checkpoint_state(model_dir).all_model_checkpoint_paths)
    return {"accuracy": float(result["accuracy"]), "loss": float(result["loss"]),
            "global_step": [int(result["global_step"])], "n_predictions": [len(predictions)],
            "metric_keys": sorted(result), "checkpoints": ckpts}
