"""Keras training-kit scenarios run on either backend: the loss functions and classes, the
learning-rate / logging callbacks, and the optimizers Adadelta, Adamax, Nadam and Ftrl.

Each ``scenario(tf, workdir)`` builds graphs or small models with fixed weights, runs them
(``shuffle=False``) and returns plain numbers, names and error type names.
``make_train2_reference.py`` runs them under TF 2.21.0 + tf_keras 2.21 (``tf.compat.v1``,
``disable_v2_behavior()``, ``TF_USE_LEGACY_KERAS=1``) into ``train2_reference.json``;
``test_train2.py`` runs them under trainkit and compares. Imports no TF library.
"""

from __future__ import annotations

import csv
import glob
import json
import os
from typing import Any

import numpy as np

from tests.keras.fit_scenarios import _fix, _floats, _hist
from tests.keras.train2_loss_scenarios import (
    compile_crossentropy_objects,
    compile_losses,
    loss_classes,
    loss_functions,
    regression_data,
)

OPTIMIZERS = {
    "adadelta": lambda K: K.optimizers.Adadelta(1.0),
    "adadelta_rho": lambda K: K.optimizers.Adadelta(learning_rate=0.5, rho=0.5, epsilon=0.01),
    "adadelta_decay": lambda K: K.optimizers.Adadelta(lr=2.0, decay=0.3),
    "adamax": lambda K: K.optimizers.Adamax(0.1),
    "adamax_betas": lambda K: K.optimizers.Adamax(0.05, beta_1=0.5, beta_2=0.8, epsilon=0.1),
    "adamax_decay": lambda K: K.optimizers.Adamax(lr=0.2, decay=0.5),
    "nadam": lambda K: K.optimizers.Nadam(0.1),
    "nadam_schedule": lambda K: K.optimizers.Nadam(0.05, beta_1=0.8, schedule_decay=0.3),
    "nadam_decay_ignored": lambda K: K.optimizers.Nadam(lr=0.1, decay=0.9),
    "ftrl": lambda K: K.optimizers.Ftrl(0.5),
    "ftrl_l1_l2": lambda K: K.optimizers.Ftrl(0.3, l1_regularization_strength=0.05,
                                              l2_regularization_strength=0.1),
    "ftrl_power_beta": lambda K: K.optimizers.Ftrl(0.3, learning_rate_power=-0.8,
                                                   initial_accumulator_value=0.5, beta=0.4),
    "ftrl_shrinkage": lambda K: K.optimizers.Ftrl(0.3, l2_shrinkage_regularization_strength=0.2,
                                                  l1_regularization_strength=0.01),
    "ftrl_power_zero": lambda K: K.optimizers.Ftrl(0.1, learning_rate_power=0.0),
    "ftrl_decay": lambda K: K.optimizers.Ftrl(0.3, decay=0.2),
    "string_nadam": lambda K: "nadam", "string_adamax": lambda K: "Adamax",
    "string_ftrl": lambda K: "ftrl", "string_adadelta": lambda K: "adadelta",
    "config_dict": lambda K: {"class_name": "Adamax", "config": {"learning_rate": 0.3}},
}


def optimizer_trajectories(tf: Any, workdir: str) -> dict:
    """Four train_on_batch steps and a two-epoch fit per optimizer: losses, weights, the
    optimizer's config, serialization and variable names."""
    K = tf.keras
    x, y = regression_data(n=16, seed=13)
    out = {}
    for i, (key, make) in enumerate(OPTIMIZERS.items()):
        tf.reset_default_graph()
        K.backend.clear_session()
        model = K.models.Sequential([K.layers.Dense(3, activation="tanh", input_shape=(4,)),
                                     K.layers.Dense(2)])
        model.compile(optimizer=make(K), loss="mse")
        _fix(model, 60.0 + i)
        steps = []
        for s in range(4):
            loss = model.train_on_batch(x[4 * s:4 * s + 4] * (1 + 0.5 * s), y[4 * s:4 * s + 4])
            steps.append([float(loss)] + _floats(model.get_weights()))
        h = model.fit(x, y, batch_size=5, epochs=2, verbose=0, shuffle=False)
        opt = model.optimizer
        out[key] = {"steps": steps, "history": _hist(h), "weights": _floats(model.get_weights()),
                    "config": opt.get_config(), "serialized": K.optimizers.serialize(opt),
                    "class": type(opt).__name__,
                    "vars": sorted(v.name for v in tf.global_variables()),
                    "opt_weights": [w.name for w in opt.weights]}
    return out


class _Scripted:
    """Replaces ``logs[key]`` at each epoch end with a scripted value (placed before the
    callback under test, whose decisions then follow the script)."""

    def __init__(self, K: Any, key: str, values: list):
        self.callback = K.callbacks.LambdaCallback(
            on_epoch_end=lambda epoch, logs: logs.__setitem__(key, values[epoch]))


def _lr_probe(K: Any, model: Any, seen: list) -> Any:
    """Records the learning rate each epoch starts with (after the schedulers before it)."""
    return K.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: seen.append(
        float(K.backend.get_value(model.optimizer.lr))))


def _lr_model(K: Any, k: float, lr: float = 0.1) -> Any:
    model = K.models.Sequential([K.layers.Dense(2, input_shape=(4,))])
    model.compile(K.optimizers.SGD(lr), "mse")
    _fix(model, k)
    return model


def lr_schedulers(tf: Any, workdir: str) -> dict:
    """LearningRateScheduler with one- and two-argument schedules (the rate each epoch
    ran with, the losses, the logged 'lr') and ReduceLROnPlateau on scripted and real
    monitors: patience, min_delta, cooldown, min_lr, max mode, an unknown mode."""
    K = tf.keras
    x, y = regression_data(n=12, seed=14)
    runs = {
        "schedule_epoch": ([lambda K: K.callbacks.LearningRateScheduler(
            lambda epoch: 0.2 / (epoch + 1))], 4),
        "schedule_epoch_lr": ([lambda K: K.callbacks.LearningRateScheduler(
            lambda epoch, lr: lr * 0.5 if epoch % 2 else lr, verbose=1)], 4),
        "schedule_np32": ([lambda K: K.callbacks.LearningRateScheduler(
            lambda epoch: np.float32(0.05 * (epoch + 1)))], 3),
        "plateau_scripted": ([
            lambda K: _Scripted(K, "loss", [1.0, 0.9, 0.95, 0.9, 0.9, 0.5, 0.5, 0.5, 0.5,
                                            0.5]).callback,
            lambda K: K.callbacks.ReduceLROnPlateau("loss", factor=0.5, patience=2,
                                                    verbose=1)], 10),
        "plateau_min_delta_cooldown": ([
            lambda K: _Scripted(K, "loss", [1.0, 0.95, 0.92, 0.91, 0.905, 0.9, 0.8, 0.79,
                                            0.78, 0.7]).callback,
            lambda K: K.callbacks.ReduceLROnPlateau("loss", factor=0.2, patience=1,
                                                    min_delta=0.05, cooldown=2,
                                                    min_lr=0.005)], 10),
        "plateau_max_mode": ([
            lambda K: _Scripted(K, "acc", [0.1, 0.2, 0.2, 0.15, 0.3, 0.3, 0.3, 0.3]).callback,
            lambda K: K.callbacks.ReduceLROnPlateau("acc", factor=0.5, patience=1,
                                                    min_delta=0.0)], 8),
        "plateau_bad_mode": ([
            lambda K: _Scripted(K, "val_acc", [0.5, 0.4, 0.3, 0.2]).callback,
            lambda K: K.callbacks.ReduceLROnPlateau("val_acc", patience=1, mode="bogus",
                                                    factor=0.5)], 4),
        "plateau_epsilon_alias": ([
            lambda K: _Scripted(K, "loss", [1.0, 0.99, 0.98, 0.97, 0.96]).callback,
            lambda K: K.callbacks.ReduceLROnPlateau("loss", patience=1, epsilon=0.05,
                                                    factor=0.5)], 5),
        "plateau_real_val_loss": ([lambda K: K.callbacks.ReduceLROnPlateau(
            factor=0.5, patience=1, min_delta=0.01)], 6),
    }
    out = {}
    for i, (key, (makers, epochs)) in enumerate(runs.items()):
        tf.reset_default_graph()
        K.backend.clear_session()
        model = _lr_model(K, 80.0 + i, lr=0.5 if key.startswith("plateau_real") else 0.1)
        seen: list = []
        cbs = [m(K) for m in makers] + [_lr_probe(K, model, seen)]
        h = model.fit(x, y, batch_size=4, epochs=epochs, verbose=0, shuffle=False,
                      validation_split=0.25 if key.endswith("val_loss") else 0.0,
                      callbacks=cbs)
        hist = _hist(h)
        out[key] = {"lr_at_epoch_begin": seen, "history": hist,
                    "final_lr": float(K.backend.get_value(model.optimizer.lr))}
    return out


def _csv_rows(path: str, sep: str) -> list:
    with open(path, newline="") as f:
        rows = list(csv.reader(f, delimiter=sep))
    return [rows[0]] + [[c if c in ("NA", "") or not _is_number(c) else float(c) for c in r]
                        for r in rows[1:]]


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def csv_logger(tf: Any, workdir: str) -> dict:
    """CSVLogger: columns (sorted keys, ``val_*`` filled with NA when there is no
    validation), a custom separator, append mode writing the header once, and the 'lr'
    column a scheduler placed before it adds."""
    K = tf.keras
    x, y = regression_data(n=12, seed=15)
    out = {}
    plain = os.path.join(workdir, "plain.csv")
    model = _lr_model(K, 90.0)
    model.fit(x, y, batch_size=4, epochs=3, verbose=0, shuffle=False,
              callbacks=[K.callbacks.CSVLogger(plain)])
    out["plain"] = _csv_rows(plain, ",")
    appended = os.path.join(workdir, "appended.csv")
    tf.reset_default_graph()
    K.backend.clear_session()
    model = K.models.Sequential([K.layers.Dense(3, activation="softmax", input_shape=(4,))])
    model.compile(K.optimizers.SGD(0.1), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    _fix(model, 91.0)
    labels = np.arange(12) % 3
    for _ in range(2):
        model.fit(x, labels, batch_size=4, epochs=2, verbose=0, shuffle=False,
                  validation_split=0.25,
                  callbacks=[K.callbacks.LearningRateScheduler(lambda e: 0.1 * (e + 1)),
                             K.callbacks.CSVLogger(appended, separator=";", append=True)])
    out["appended"] = _csv_rows(appended, ";")
    with open(appended, "rb") as f:
        out["line_ends"] = f.read().count(b"\r\n")
    return out


def terminate_on_nan(tf: Any, workdir: str) -> dict:
    """A NaN input row makes the first epoch's third batch loss NaN: training stops after
    that batch (the epoch still ends, without validation)."""
    K = tf.keras
    x, y = regression_data(n=20, seed=16)
    x[9] = np.nan
    model = _lr_model(K, 95.0, lr=0.01)
    batches: list = []
    probe = K.callbacks.LambdaCallback(
        on_batch_end=lambda batch, logs: batches.append([batch, float(logs["loss"])]))
    h = model.fit(x, y, batch_size=4, epochs=4, verbose=0, shuffle=False,
                  validation_split=0.2, callbacks=[probe, K.callbacks.TerminateOnNaN()])
    return {"history": _hist(h), "epochs": list(h.epoch), "batches": batches}


def _scalars(tf: Any, logdir: str) -> dict:
    """``{tag: [[step, value], ...]}`` and whether a graph was written, read with the
    backend's ``tf.train.summary_iterator`` (file by file, in name order)."""
    out: dict = {"graph": False}
    for path in sorted(glob.glob(os.path.join(logdir, "*tfevents*"))):
        for event in tf.train.summary_iterator(path):
            if event.graph_def:
                out["graph"] = True
            for v in event.summary.value:
                out.setdefault(v.tag, []).append([int(event.step), float(v.simple_value)])
    return out


def tensorboard_scalars(tf: Any, workdir: str) -> dict:
    """TensorBoard (TF1 Keras): epoch scalars at step ``epoch``; batch scalars every
    batch and every 10 samples (then the epoch scalars at the samples seen); no graph with
    ``write_graph=False``."""
    K = tf.keras
    x, y = regression_data(n=12, seed=17)
    out = {}
    for i, (key, kwargs) in enumerate({"epoch": {}, "batch": {"update_freq": "batch"},
                                       "samples": {"update_freq": 10, "write_graph": False}
                                       }.items()):
        tf.reset_default_graph()
        K.backend.clear_session()
        model = _lr_model(K, 100.0 + i)
        logdir = os.path.join(workdir, key)
        model.fit(x, y, batch_size=4, epochs=2, verbose=0, shuffle=False,
                  validation_split=0.25 if key == "epoch" else 0.0,
                  callbacks=[K.callbacks.TensorBoard(log_dir=logdir, **kwargs)])
        out[key] = _scalars(tf, logdir)
    return out


def errors(tf: Any, workdir: str) -> dict:
    """The exception type raised for each bad argument (None when none is raised)."""
    K = tf.keras
    x, y = regression_data(n=8, seed=18)

    def fit_with(callback: Any, optimizer: Any = None) -> None:
        tf.reset_default_graph()
        K.backend.clear_session()
        model = K.models.Sequential([K.layers.Dense(2, input_shape=(4,))])
        model.compile(optimizer or K.optimizers.SGD(0.1), "mse")
        model.fit(x, y, epochs=1, verbose=0, callbacks=[callback])

    def compile_with(loss: Any) -> None:
        tf.reset_default_graph()
        K.backend.clear_session()
        model = K.models.Sequential([K.layers.Dense(2, input_shape=(4,))])
        model.compile("sgd", loss)

    cases = {
        "loss_unknown_name": lambda: K.losses.get("nope"),
        "loss_bad_identifier": lambda: K.losses.get(42),
        "loss_bad_reduction": lambda: K.losses.MeanSquaredError(reduction="mean"),
        "loss_unknown_class": lambda: K.losses.deserialize({"class_name": "Nope",
                                                            "config": {}}),
        "loss_cosine_proximity_name": lambda: K.losses.get("cosine_proximity"),
        "compile_unknown_loss": lambda: compile_with("nope"),
        "compile_loss_class": lambda: compile_with(K.losses.Huber),
        "plateau_factor_one": lambda: K.callbacks.ReduceLROnPlateau(factor=1.0),
        "plateau_factor_big": lambda: K.callbacks.ReduceLROnPlateau(factor=2.0),
        "plateau_bad_mode": lambda: K.callbacks.ReduceLROnPlateau(mode="bogus"),
        "scheduler_returns_int": lambda: fit_with(
            K.callbacks.LearningRateScheduler(lambda e: 1)),
        "scheduler_returns_str": lambda: fit_with(
            K.callbacks.LearningRateScheduler(lambda e: "0.1")),
        "scheduler_tf_optimizer": lambda: fit_with(
            K.callbacks.LearningRateScheduler(lambda e: 0.1), tf.train.AdamOptimizer(0.1)),
        "optimizer_unknown_name": lambda: K.optimizers.get("nope"),
        "optimizer_bad_identifier": lambda: K.optimizers.get(42),
        "optimizer_unknown_class": lambda: K.optimizers.deserialize(
            {"class_name": "Nope", "config": {}}),
        "optimizer_bad_kwarg": lambda: K.optimizers.Adamax(foo=1),
        "optimizer_bad_config_key": lambda: K.optimizers.deserialize(
            {"class_name": "Nadam", "config": {"rho": 0.5}}),
        "ftrl_positive_power": lambda: K.optimizers.Ftrl(learning_rate_power=0.5),
        "ftrl_negative_l1": lambda: K.optimizers.Ftrl(l1_regularization_strength=-0.1),
        "ftrl_negative_l2": lambda: K.optimizers.Ftrl(l2_regularization_strength=-0.1),
        "ftrl_negative_shrinkage": lambda: K.optimizers.Ftrl(
            l2_shrinkage_regularization_strength=-0.1),
        "ftrl_negative_accumulator": lambda: K.optimizers.Ftrl(initial_accumulator_value=-1.0),
    }
    out = {}
    for key, call in cases.items():
        try:
            call()
            out[key] = None
        except (ValueError, TypeError, KeyError, AttributeError) as e:
            out[key] = type(e).__name__
    return out


TRAIN2_SCENARIOS = {f.__name__: f for f in (
    loss_functions, loss_classes, compile_losses, compile_crossentropy_objects,
    optimizer_trajectories, lr_schedulers, csv_logger, terminate_on_nan, tensorboard_scalars,
    errors)}


def to_json(value: Any) -> str:
    """JSON text of a scenario's result (NumPy scalars become numbers)."""
    return json.dumps(value, indent=1, sort_keys=True,
                      default=lambda o: o.item() if isinstance(o, np.generic) else str(o))
