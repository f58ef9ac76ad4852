"""DNNLinearCombinedClassifier / Regressor (wide and deep): TF1's variable names and
defaults (DNN Adagrad 0.001, linear Ftrl at min(0.005, 1/sqrt(#columns))), two optimizers
on one loss with one global-step increment per step, and logits that are the sum of the
two parts, each checked against NumPy."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

fc = tk.feature_column
RNG = np.random.RandomState(0)
X = RNG.randn(8, 3).astype(np.float32)
Z = RNG.randn(8, 2).astype(np.float32)
Y = (X @ np.array([1.0, -1.0, 0.5]) + 0.3).astype(np.float32)


def _fn(epochs=None):
    return tk.estimator.inputs.numpy_input_fn({"x": X, "z": Z}, Y, batch_size=8,
                                              num_epochs=epochs, shuffle=False)


class _Initial(tk.train.SessionRunHook):
    """Records every variable's value when the training session starts."""

    def after_create_session(self, session, coord):
        self.values = {v.op.name: session.run(v) for v in tk.global_variables()}


def test_default_optimizers_take_tf1s_first_steps(tmp_path):
    est = tk.estimator.DNNLinearCombinedRegressor(
        str(tmp_path), linear_feature_columns=[fc.numeric_column("x", shape=3)],
        dnn_feature_columns=[fc.numeric_column("z", shape=2)], dnn_hidden_units=[4])
    start = _Initial()
    est.train(_fn(), steps=1, hooks=[start])
    v0 = start.values
    h = np.maximum(Z @ v0["dnn/hiddenlayer_0/kernel"] + v0["dnn/hiddenlayer_0/bias"], 0)
    dnn_out = h @ v0["dnn/logits/kernel"] + v0["dnn/logits/bias"]
    assert np.all(v0["linear/linear_model/x/weights"] == 0)
    err = dnn_out[:, 0] - Y  # the linear part starts at zero; loss = sum(err^2)
    # Adagrad(0.001) on the DNN's logits bias, initial accumulator 0.1:
    g_b = 2 * err.sum()
    np.testing.assert_allclose(est.get_variable_value("dnn/logits/bias"),
                               v0["dnn/logits/bias"] - 0.001 * g_b / np.sqrt(0.1 + g_b ** 2),
                               rtol=1e-5)
    # Ftrl at min(0.005, 1/sqrt(1)) = 0.005 on the linear weights, from zero:
    g_w = 2 * X.T.astype(np.float64) @ err
    a = 0.1 + g_w ** 2
    np.testing.assert_allclose(est.get_variable_value("linear/linear_model/x/weights")[:, 0],
                               -g_w / (np.sqrt(a) / 0.005), rtol=1e-5)
    assert est.get_variable_value("global_step") == 1


def test_logits_are_the_sum_of_both_parts_and_the_step_counts_once(tmp_path):
    est = tk.estimator.DNNLinearCombinedClassifier(
        str(tmp_path), linear_feature_columns=[fc.numeric_column("x", shape=3)],
        dnn_feature_columns=[fc.numeric_column("z", shape=2)], dnn_hidden_units=[5, 3],
        linear_optimizer=tk.train.GradientDescentOptimizer(0.05), dnn_optimizer="SGD")
    est.train(tk.estimator.inputs.numpy_input_fn(
        {"x": X, "z": Z}, (Y > 0).astype(np.int64), batch_size=4, num_epochs=None,
        shuffle=False), steps=6)
    names = est.get_variable_names()
    for name in ("dnn/hiddenlayer_0/kernel", "dnn/hiddenlayer_1/bias", "dnn/logits/kernel",
                 "linear/linear_model/x/weights", "linear/linear_model/bias_weights"):
        assert name in names
    assert est.get_variable_value("global_step") == 6
    w = {n: est.get_variable_value(n) for n in names}
    h = np.maximum(Z @ w["dnn/hiddenlayer_0/kernel"] + w["dnn/hiddenlayer_0/bias"], 0)
    h = np.maximum(h @ w["dnn/hiddenlayer_1/kernel"] + w["dnn/hiddenlayer_1/bias"], 0)
    logits = (h @ w["dnn/logits/kernel"] + w["dnn/logits/bias"]
              + X @ w["linear/linear_model/x/weights"] + w["linear/linear_model/bias_weights"])
    preds = list(est.predict(tk.estimator.inputs.numpy_input_fn({"x": X, "z": Z},
                                                                shuffle=False)))
    np.testing.assert_allclose([p["logits"][0] for p in preds], logits[:, 0], rtol=1e-5,
                               atol=1e-6)
    assert np.any(w["linear/linear_model/x/weights"] != 0)


def test_one_part_alone_and_errors(tmp_path):
    lin = tk.estimator.DNNLinearCombinedRegressor(
        str(tmp_path / "l"), linear_feature_columns=[fc.numeric_column("x", shape=3)],
        linear_optimizer=tk.train.GradientDescentOptimizer(0.01))
    lin.train(_fn(), steps=3)
    w, b = np.zeros(3), 0.0
    for _ in range(3):
        err = X.astype(np.float64) @ w + b - Y
        w, b = w - 0.01 * 2 * X.T @ err, b - 0.01 * 2 * err.sum()
    np.testing.assert_allclose(lin.get_variable_value("linear/linear_model/x/weights")[:, 0],
                               w, rtol=1e-5)
    assert not any(n.startswith("dnn/") for n in lin.get_variable_names())
    with pytest.raises(ValueError, match="Either linear_feature_columns or dnn_feature"):
        tk.estimator.DNNLinearCombinedClassifier(str(tmp_path / "e"))
    with pytest.raises(ValueError, match="hidden_units"):
        tk.estimator.DNNLinearCombinedClassifier(
            str(tmp_path / "e"), dnn_feature_columns=[fc.numeric_column("z", shape=2)])
