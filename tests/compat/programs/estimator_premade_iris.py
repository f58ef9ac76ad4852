"""The TF "Premade Estimators" tutorial: tensorflow/models
``samples/core/get_started/premade_estimator.py`` with its ``iris_data.py`` input
functions (``Dataset.from_tensor_slices((dict(features), labels))``, ``batch``,
``make_one_shot_iterator().get_next()``), a ``DNNClassifier`` over four
``numeric_column``s, ``hidden_units=[10, 10]``, ``n_classes=3``; ``train``, ``evaluate``,
``predict`` on the tutorial's three flowers.

Changes: the CSV download is seeded iris-shaped data (``common.load_iris``); 40 steps
instead of 1000; the training ``shuffle(1000)`` is left out (both backends see the same
batches); the weights start from the same draw (``same_start`` in a hook)."""

from __future__ import annotations

import tempfile

from tests.compat.programs.common import load_iris, same_start

COMPARE = {"accuracy": 1e-6, "loss": 1e-5, "average_loss": 1e-5, "global_step": 0.0,
           "metric_keys": 0.0, "class_ids": 0.0, "probability_sum": 1e-5}


def main(tf):
    batch_size, train_steps = 100, 40
    (train_x, train_y), (test_x, test_y) = load_iris()

    def train_input_fn(features, labels, batch_size):
        dataset = tf.data.Dataset.from_tensor_slices((dict(features), labels))
        dataset = dataset.repeat().batch(batch_size)
        return dataset.make_one_shot_iterator().get_next()

    def eval_input_fn(features, labels, batch_size):
        features = dict(features)
        inputs = features if labels is None else (features, labels)
        dataset = tf.data.Dataset.from_tensor_slices(inputs)
        assert batch_size is not None, "batch_size must not be None"
        dataset = dataset.batch(batch_size)
        return dataset.make_one_shot_iterator().get_next()

    my_feature_columns = []
    for key in train_x.keys():
        my_feature_columns.append(tf.feature_column.numeric_column(key=key))
    classifier = tf.estimator.DNNClassifier(
        feature_columns=my_feature_columns, hidden_units=[10, 10], n_classes=3,
        model_dir=tempfile.mkdtemp())

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
        input_fn=lambda: eval_input_fn(predict_x, labels=None, batch_size=batch_size))
    class_ids, probability_sum = [], 0.0
    for pred_dict in predictions:
        class_id = pred_dict["class_ids"][0]
        class_ids.append(int(class_id))
        probability_sum += float(pred_dict["probabilities"][class_id])
    return {"accuracy": float(eval_result["accuracy"]), "loss": float(eval_result["loss"]),
            "average_loss": float(eval_result["average_loss"]),
            "global_step": [int(eval_result["global_step"])],
            "metric_keys": sorted(eval_result), "class_ids": class_ids,
            "probability_sum": probability_sum}
