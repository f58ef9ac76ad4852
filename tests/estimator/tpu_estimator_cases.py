"""One TPUEstimator program (``use_tpu=False``) run by both backends: trainkit in
test_tpu_estimator.py, TF 2.15 (tensorflow-estimator 2.15) in
make_tpu_estimator_reference.py, which records TF's results in
tpu_estimator_reference.json."""

from __future__ import annotations

import numpy as np

X = (np.arange(24, dtype=np.float32).reshape(12, 2) / 24.0)
Y = X @ np.array([[1.0], [-2.0]], np.float32) + 0.5


def run(tf, model_dir: str, tpu) -> dict:
    """Trains 5 steps, evaluates 2 batches, predicts 12 rows; returns what TF1 code sees.

    ``tpu`` is ``tf.compat.v1.estimator.tpu`` (TF) or ``tk.contrib.tpu`` (trainkit)."""
    seen: dict = {}
    calls = {"scaffold_fn": 0, "metric_fn": 0}

    def input_fn(params):
        seen.setdefault("input_fn", []).append(params["batch_size"])
        ds = tf.data.Dataset.from_tensor_slices(({"x": X}, Y))
        return ds.repeat().batch(params["batch_size"], drop_remainder=True)

    def predict_input_fn(params):
        seen.setdefault("predict_input_fn", []).append(params["batch_size"])
        return tf.data.Dataset.from_tensor_slices({"x": X}).batch(params["batch_size"])

    def model_fn(features, labels, mode, params):
        seen.setdefault("model_fn", []).append(
            [mode, params.get("batch_size"), params.get("use_tpu"), params["lr"]])
        pred = tf.compat.v1.layers.dense(features["x"], 1, name="linear",
                                         kernel_initializer=tf.compat.v1.zeros_initializer())
        if mode == "infer":
            return tpu.TPUEstimatorSpec(mode, predictions={"y": pred})
        loss = tf.compat.v1.losses.mean_squared_error(labels, pred)
        opt = tf.compat.v1.train.GradientDescentOptimizer(params["lr"])
        train_op = opt.minimize(loss, global_step=tf.compat.v1.train.get_global_step())

        def metric_fn(labels, pred):
            calls["metric_fn"] += 1
            return {"mae": tf.compat.v1.metrics.mean_absolute_error(labels, pred)}

        def scaffold_fn():
            calls["scaffold_fn"] += 1
            return tf.compat.v1.train.Scaffold()

        return tpu.TPUEstimatorSpec(mode, loss=loss, train_op=train_op,
                                    eval_metrics=(metric_fn, [labels, pred]),
                                    scaffold_fn=scaffold_fn)

    config = tpu.RunConfig(model_dir=model_dir, save_summary_steps=1, log_step_count_steps=4,
                           tpu_config=tpu.TPUConfig(iterations_per_loop=2))
    est = tpu.TPUEstimator(model_fn, config=config, params={"lr": 0.5}, use_tpu=False,
                           train_batch_size=4, eval_batch_size=6, predict_batch_size=5)
    est.train(input_fn, max_steps=5)
    metrics = est.evaluate(input_fn, steps=2)
    preds = [p["y"].tolist() for p in est.predict(predict_input_fn)]
    return {
        "kernel": est.get_variable_value("linear/kernel").ravel().tolist(),
        "bias": est.get_variable_value("linear/bias").tolist(),
        "global_step": int(est.get_variable_value("global_step")),
        "eval": {k: float(v) for k, v in sorted(metrics.items())},
        "predictions": preds,
        "seen": seen,
        "calls": calls,
        "params": est.params,
        "log_step_count_steps": est.config.log_step_count_steps,
    }
