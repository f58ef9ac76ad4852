"""The TF "Creating Custom Estimators" tutorial: tensorflow/models
``samples/core/get_started/custom_estimator.py``. ``my_model``: a ``model_fn`` with
``tf.feature_column.input_layer`` over four ``numeric_column``s, two
``tf.layers.dense(10, relu)``, logits; PREDICT returns class ids, probabilities and
logits; ``tf.one_hot(labels, 3, 1, 0)`` into ``tf.losses.softmax_cross_entropy``,
``tf.metrics.accuracy`` (also a ``tf.summary.scalar``), ``AdagradOptimizer(0.1)``;
``tf.data`` input functions over ``(features, labels)``.

Changes: the CSV download is seeded iris-shaped data (``common.load_iris``); 60 steps
instead of 1000; the training ``shuffle(1000)`` is left out; the weights start from the
same draw (``same_start`` in a hook)."""

from __future__ import annotations

import tempfile

from tests.compat.programs.common import load_iris, same_start

COMPARE = {"accuracy": 1e-6, "loss": 1e-5, "global_step": 0.0, "metric_keys": 0.0,
           "class_ids": 0.0, "logits_sum": 1e-5, "probability_sum": 1e-5}


def main(tf):
    batch_size, train_steps = 100, 60
    (train_x, train_y), (test_x, test_y) = load_iris()
    train_x = dict(train_x)
    test_x = dict(test_x)

    def train_input_fn(features, labels, batch_size):
        dataset = tf.data.Dataset.from_tensor_slices((features, labels))
        dataset = dataset.repeat().batch(batch_size)
        return dataset.make_one_shot_iterator().get_next()

    def eval_input_fn(features, labels=None, batch_size=None):
        inputs = features if labels is None else (features, labels)
        dataset = tf.data.Dataset.from_tensor_slices(inputs)
        assert batch_size is not None, "batch_size must not be None"
        dataset = dataset.batch(batch_size)
        return dataset.make_one_shot_iterator().get_next()

    def my_model(features, labels, mode, params):
        net = tf.feature_column.input_layer(features, params["feature_columns"])
        for units in params["hidden_units"]:
            net = tf.layers.dense(net, units=units, activation=tf.nn.relu)
        logits = tf.layers.dense(net, params["n_classes"], activation=None)
        predicted_classes = tf.argmax(logits, 1)
        if mode == tf.estimator.ModeKeys.PREDICT:
            predictions = {
                "class_ids": predicted_classes[:, tf.newaxis],
                "probabilities": tf.nn.softmax(logits),
                "logits": logits,
            }
            return tf.estimator.EstimatorSpec(mode, predictions=predictions)
        onehot_labels = tf.one_hot(labels, 3, 1, 0)
        loss = tf.losses.softmax_cross_entropy(onehot_labels=onehot_labels, logits=logits)
        accuracy = tf.metrics.accuracy(labels=labels, predictions=predicted_classes,
                                       name="acc_op")
        metrics = {"accuracy": accuracy}
        tf.summary.scalar("accuracy", accuracy[1])
        if mode == tf.estimator.ModeKeys.EVAL:
            return tf.estimator.EstimatorSpec(mode, loss=loss, eval_metric_ops=metrics)
        assert mode == tf.estimator.ModeKeys.TRAIN
        optimizer = tf.train.AdagradOptimizer(learning_rate=0.1)
        train_op = optimizer.minimize(loss, global_step=tf.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op)

    my_feature_columns = []
    for key in train_x.keys():
        my_feature_columns.append(tf.feature_column.numeric_column(key=key))
    classifier = tf.estimator.Estimator(
        model_fn=my_model, model_dir=tempfile.mkdtemp(),
        params={"feature_columns": my_feature_columns, "hidden_units": [10, 10],
                "n_classes": 3})

    class SameStart(tf.train.SessionRunHook):
        def after_create_session(self, session, coord):
            same_start(session, tf)

    classifier.train(input_fn=lambda: train_input_fn(train_x, train_y, batch_size),
                     steps=train_steps, hooks=[SameStart()])
    eval_result = classifier.evaluate(
        input_fn=lambda: eval_input_fn(test_x, test_y, batch_size))
    predict_x = {
        "SepalLength": [5.1, 5.9, 6.9],
        "SepalWidth": [3.3, 3.0, 3.1],
        "PetalLength": [1.7, 4.2, 5.4],
        "PetalWidth": [0.5, 1.5, 2.1],
    }
    predictions = classifier.predict(
        input_fn=lambda: eval_input_fn(predict_x, batch_size=batch_size))
    class_ids, probability_sum, logits_sum = [], 0.0, 0.0
    for pred_dict in predictions:
        class_id = pred_dict["class_ids"][0]
        class_ids.append(int(class_id))
        probability_sum += float(pred_dict["probabilities"][class_id])
        logits_sum += float(pred_dict["logits"].sum())
    return {"accuracy": float(eval_result["accuracy"]), "loss": float(eval_result["loss"]),
            "global_step": [int(eval_result["global_step"])],
            "metric_keys": sorted(eval_result), "class_ids": class_ids,
            "logits_sum": logits_sum, "probability_sum": probability_sum}
