"""Shared pieces of the estimator tests: a tiny linear model_fn and its data."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

X = (np.arange(24, dtype=np.float32).reshape(12, 2) / 24.0)
Y = X @ np.array([[1.0], [-2.0]], np.float32) + 0.5


def linear_model_fn(features, labels, mode, params):
    """y = x W + b trained with SGD; MAE as an extra eval metric."""
    pred = tk.layers.dense(features["x"], 1, name="linear")
    if mode == tk.estimator.ModeKeys.PREDICT:
        return tk.estimator.EstimatorSpec(mode, predictions={"y": pred, "x2": features["x"]})
    loss = tk.losses.mean_squared_error(labels, pred)
    opt = tk.train.GradientDescentOptimizer(params.get("lr", 0.1))
    train_op = opt.minimize(loss, global_step=tk.train.get_global_step())
    return tk.estimator.EstimatorSpec(
        mode, loss=loss, train_op=train_op, predictions={"y": pred},
        eval_metric_ops={"mae": tk.metrics.mean_absolute_error(labels, pred)})


class CountingHook(tk.train.SessionRunHook):
    """Counts every SessionRunHook call."""

    def __init__(self):
        self.calls = dict(begin=0, after_create_session=0, before_run=0, after_run=0, end=0)

    def begin(self):
        self.calls["begin"] += 1

    def after_create_session(self, session, coord):
        self.calls["after_create_session"] += 1

    def before_run(self, run_context):
        self.calls["before_run"] += 1

    def after_run(self, run_context, run_values):
        self.calls["after_run"] += 1

    def end(self, session):
        self.calls["end"] += 1


def input_fn(batch_size=2, num_epochs=None, shuffle=False):
    return tk.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=batch_size,
                                              num_epochs=num_epochs, shuffle=shuffle)


@pytest.fixture
def make_estimator(tmp_path):
    def make(sub="m", **config):
        config.setdefault("log_step_count_steps", None)
        return tk.estimator.Estimator(linear_model_fn, model_dir=str(tmp_path / sub),
                                      params={"lr": 0.1},
                                      config=tk.estimator.RunConfig(**config))
    return make


@pytest.fixture(autouse=True)
def _fresh_writer_cache():
    yield
    tk.summary.FileWriterCache.clear()
