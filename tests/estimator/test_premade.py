"""Premade estimators: training matches a NumPy reimplementation (linear, SGD, summed
loss as TF1's canned heads), eval metrics agree with the predictions, TF1's variable
names, prediction keys and metric keys, and typed errors."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

fc = tk.feature_column
RNG = np.random.RandomState(0)
X = RNG.randn(40, 3).astype(np.float32)
Y_REG = (X @ np.array([1.0, -1.0, 0.5], np.float32) + 0.2).astype(np.float32)
Y_BIN = (X[:, 0] - X[:, 1] > 0).astype(np.int64)


def _fn(y, batch_size=10, epochs=None, w=None):
    x = {"x": X} if w is None else {"x": X, "w": w}
    return tk.estimator.inputs.numpy_input_fn(x, y, batch_size=batch_size,
                                              num_epochs=epochs, shuffle=False)


def test_linear_regressor_matches_numpy_sgd(tmp_path):
    est = tk.estimator.LinearRegressor([fc.numeric_column("x", shape=3)], str(tmp_path),
                                       optimizer=tk.train.GradientDescentOptimizer(0.01))
    est.train(_fn(Y_REG), steps=6)
    w, b = np.zeros(3), 0.0
    for step in range(6):
        i = (step * 10) % 40
        xb, yb = X[i:i + 10].astype(np.float64), Y_REG[i:i + 10].astype(np.float64)
        err = xb @ w + b - yb  # loss = sum(err^2): gradient 2 * err
        w, b = w - 0.01 * 2 * xb.T @ err, b - 0.01 * 2 * err.sum()
    np.testing.assert_allclose(est.get_variable_value("linear/linear_model/x/weights")[:, 0],
                               w, rtol=1e-4)
    np.testing.assert_allclose(est.get_variable_value("linear/linear_model/bias_weights"),
                               [b], rtol=1e-4)
    res = est.evaluate(_fn(Y_REG, epochs=1))
    pred = X @ w + b
    assert set(res) == {"average_loss", "label/mean", "prediction/mean", "loss",
                        "global_step"}
    assert res["average_loss"] == pytest.approx(np.mean((pred - Y_REG) ** 2), rel=1e-4)
    assert res["loss"] == pytest.approx(np.mean([np.sum((pred[i:i + 10] - Y_REG[i:i + 10])
                                                        ** 2) for i in range(0, 40, 10)]),
                                        rel=1e-4)
    assert res["prediction/mean"] == pytest.approx(pred.mean(), rel=1e-4, abs=1e-5)


def test_weight_column_weights_the_summed_loss(tmp_path):
    weights = RNG.rand(40).astype(np.float32)
    est = tk.estimator.LinearRegressor([fc.numeric_column("x", shape=3)], str(tmp_path),
                                       weight_column="w", optimizer="SGD")
    res = est.evaluate(_fn(Y_REG, batch_size=40, epochs=1, w=weights))  # all-zero model
    assert res["loss"] == pytest.approx(np.sum(weights * Y_REG ** 2), rel=1e-5)
    assert res["average_loss"] == pytest.approx(np.sum(weights * Y_REG ** 2) / weights.sum(),
                                                rel=1e-5)


def test_dnn_classifier_metrics_agree_with_its_predictions(tmp_path):
    est = tk.estimator.DNNClassifier([8, 4], [fc.numeric_column("x", shape=3)],
                                     str(tmp_path), optimizer="Adam", dropout=0.1,
                                     config=tk.estimator.RunConfig(tf_random_seed=1))
    est.train(_fn(Y_BIN), steps=40)
    names = est.get_variable_names()
    for name in ("dnn/hiddenlayer_0/kernel", "dnn/hiddenlayer_1/bias", "dnn/logits/kernel",
                 "dnn/logits/kernel/Adam", "global_step"):
        assert name in names
    res = est.evaluate(_fn(Y_BIN, epochs=1))
    assert set(res) == {"accuracy", "accuracy_baseline", "auc", "auc_precision_recall",
                        "average_loss", "label/mean", "loss", "precision",
                        "prediction/mean", "recall", "global_step"}
    preds = list(est.predict(tk.estimator.inputs.numpy_input_fn({"x": X}, shuffle=False)))
    assert set(preds[0]) == {"logits", "logistic", "probabilities", "class_ids", "classes",
                             "all_class_ids", "all_classes"}
    p = np.array([q["logistic"][0] for q in preds])
    ids = np.array([q["class_ids"][0] for q in preds])
    assert [q["classes"][0] for q in preds[:3]] == [str(i).encode() for i in ids[:3]]
    np.testing.assert_allclose(preds[0]["probabilities"], [1 - p[0], p[0]], rtol=1e-6)
    assert res["accuracy"] == pytest.approx(np.mean(ids == Y_BIN))
    assert res["label/mean"] == pytest.approx(Y_BIN.mean())
    assert res["accuracy_baseline"] == pytest.approx(max(Y_BIN.mean(), 1 - Y_BIN.mean()))
    assert res["prediction/mean"] == pytest.approx(p.mean(), rel=1e-5)
    tp = np.sum((ids == 1) & (Y_BIN == 1))
    assert res["precision"] == pytest.approx(tp / np.sum(ids == 1))
    assert res["recall"] == pytest.approx(tp / np.sum(Y_BIN == 1))
    eps = 1e-7
    loss = -(Y_BIN * np.log(p + eps) + (1 - Y_BIN) * np.log(1 - p + eps))
    assert res["average_loss"] == pytest.approx(loss.mean(), rel=1e-3, abs=1e-4)
    assert res["accuracy"] > 0.8


def test_multiclass_with_label_vocabulary(tmp_path):
    y = np.array([["low", "mid", "high"][int(v)] for v in np.digitize(X[:, 0], [-0.5, 0.5])])
    est = tk.estimator.DNNClassifier([6], [fc.numeric_column("x", shape=3)], str(tmp_path),
                                     n_classes=3, label_vocabulary=["low", "mid", "high"],
                                     config=tk.estimator.RunConfig(tf_random_seed=2))
    est.train(_fn(y), steps=30)
    res = est.evaluate(_fn(y, epochs=1))
    assert set(res) == {"accuracy", "average_loss", "loss", "global_step"}
    preds = list(est.predict(tk.estimator.inputs.numpy_input_fn({"x": X}, shuffle=False)))
    classes = np.array([q["classes"][0].decode() for q in preds])
    assert res["accuracy"] == pytest.approx(np.mean(classes == y))
    assert list(preds[0]["all_classes"]) == [b"low", b"mid", b"high"]
    bad = tk.estimator.inputs.numpy_input_fn({"x": X[:2]}, np.array(["low", "huge"]),
                                             shuffle=False)
    with pytest.raises(tk.errors.InvalidArgumentError, match="Labels must be >= 0"):
        est.evaluate(bad)


def test_dnn_regressor_and_linear_classifier_train(tmp_path):
    reg = tk.estimator.DNNRegressor([8], [fc.numeric_column("x", shape=3)], str(tmp_path / "r"),
                                    config=tk.estimator.RunConfig(tf_random_seed=3))
    before = reg.evaluate(_fn(Y_REG, epochs=1))["average_loss"]
    reg.train(_fn(Y_REG), steps=60)
    assert reg.evaluate(_fn(Y_REG, epochs=1))["average_loss"] < before
    lin = tk.estimator.LinearClassifier([fc.numeric_column("x", shape=3)], str(tmp_path / "l"),
                                        optimizer="SGD")
    lin.train(_fn(Y_BIN), steps=20)
    assert "linear/linear_model/x/weights" in lin.get_variable_names()
    assert lin.evaluate(_fn(Y_BIN, epochs=1))["accuracy"] > 0.8


def test_premade_errors(tmp_path):
    cols = [fc.numeric_column("x", shape=3)]
    with pytest.raises(ValueError, match="hidden_units must be a non-empty list"):
        tk.estimator.DNNClassifier([], cols, str(tmp_path))
    with pytest.raises(ValueError, match="n_classes must be > 1"):
        tk.estimator.DNNClassifier([2], cols, str(tmp_path), n_classes=1)
    with pytest.raises(ValueError, match="feature_columns must not be empty"):
        tk.estimator.LinearRegressor([], str(tmp_path))
    with pytest.raises(ValueError, match="label_vocabulary has 2 entries"):
        tk.estimator.DNNClassifier([2], cols, str(tmp_path), n_classes=3,
                                   label_vocabulary=["a", "b"])
    est = tk.estimator.DNNClassifier([2], cols, str(tmp_path / "a"), optimizer="Nadam")
    with pytest.raises(ValueError, match="Unsupported optimizer name: Nadam"):
        est.train(_fn(Y_BIN), steps=1)
    est = tk.estimator.DNNClassifier([2], cols, str(tmp_path / "b"), optimizer=object())
    with pytest.raises(ValueError, match="not an Optimizer instance"):
        est.train(_fn(Y_BIN), steps=1)
    if not hasattr(tk.train, "FtrlOptimizer"):
        est = tk.estimator.LinearClassifier(cols, str(tmp_path / "c"))
        with pytest.raises(ValueError, match="'Ftrl' .* is not available"):
            est.train(_fn(Y_BIN), steps=1)


def test_linear_classifier_default_ftrl(tmp_path):
    est = tk.estimator.LinearClassifier([fc.numeric_column("x", shape=3)], str(tmp_path))
    est.train(_fn(Y_BIN), steps=20)
    assert any(n.endswith("/Ftrl") for n in est.get_variable_names())
    assert est.evaluate(_fn(Y_BIN, epochs=1))["accuracy"] > 0.8
