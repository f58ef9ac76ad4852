"""Keras ``compile``/``fit`` scenarios run on either backend: each ``scenario(tf)`` builds a
small model, gives it fixed weights (``set_weights``), trains it with ``shuffle=False``
and returns plain numbers. ``make_reference.py fit`` runs them under TF 2.21.0 +
tf_keras 2.21 (``tf.compat.v1``, eager disabled, ``TF_USE_LEGACY_KERAS=1``) into
``fit_reference.json``; ``test_fit.py`` runs them under trainkit and compares. Imports
no TF library."""

from __future__ import annotations

from typing import Any

import numpy as np

from tests.keras.scenarios import _w


def _data(n: int = 50, d: int = 4, classes: int = 3, seed: int = 0) -> tuple:
    rng = np.random.RandomState(seed)
    x = rng.randn(n, d).astype(np.float32)
    y = (np.abs(x[:, 0] * 2 + x[:, 1]).astype(np.int64)) % classes
    return x, y


def _fix(model: Any, k: float = 0.0) -> None:
    model.set_weights([_w(tuple(w.shape), k + i) for i, w in enumerate(model.get_weights())])


def _hist(h: Any) -> dict:
    return {k: [float(v) for v in vs] for k, vs in h.history.items()}


def _floats(v: Any) -> Any:
    if isinstance(v, list | tuple):
        return [_floats(x) for x in v]
    return np.asarray(v, np.float64).tolist()


def sparse_adam(tf: Any) -> dict:
    """The tutorial's recipe: adam + sparse_categorical_crossentropy + 'accuracy', a
    validation split, evaluate/predict, the *_on_batch results (with tf_keras's metric
    state carried from evaluate into train_on_batch) and the optimizer's variable names."""
    K = tf.keras
    x, y = _data()
    model = K.models.Sequential([K.layers.Dense(8, activation="relu", input_shape=(4,)),
                                 K.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    _fix(model)
    h = model.fit(x, y, batch_size=16, epochs=3, verbose=0, shuffle=False,
                  validation_split=0.2)
    out = {"history": _hist(h), "epoch": list(h.epoch), "names": list(model.metrics_names)}
    out["params"] = {k: h.params[k] for k in ("batch_size", "epochs", "samples")}
    out["evaluate"] = _floats(model.evaluate(x, y, batch_size=7, verbose=0))
    out["predict"] = _floats(model.predict(x[:5], batch_size=2))
    out["train_on_batch"] = _floats(model.train_on_batch(x[:6], y[:6]))
    out["test_on_batch"] = _floats(model.test_on_batch(x[6:12], y[6:12]))
    out["predict_on_batch"] = _floats(model.predict_on_batch(x[:3]))
    out["vars"] = sorted(v.name for v in tf.global_variables())
    out["weights"] = _floats(model.get_weights())
    return out


def categorical_sgd(tf: Any) -> dict:
    """One-hot targets, categorical_crossentropy, SGD with Nesterov momentum, 'acc', and
    validation_data; a functional model."""
    K = tf.keras
    x, y = _data(seed=1)
    onehot = np.eye(3, dtype=np.float32)[y]
    inp = K.Input(shape=(4,))
    hid = K.layers.Dense(6, activation="tanh")(inp)
    out = K.layers.Dense(3, activation="softmax")(hid)
    model = K.Model(inp, out)
    model.compile(optimizer=K.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
                  loss="categorical_crossentropy", metrics=["acc"])
    _fix(model, 1.0)
    h = model.fit(x[:40], onehot[:40], batch_size=12, epochs=3, verbose=0, shuffle=False,
                  validation_data=(x[40:], onehot[40:]))
    return {"history": _hist(h), "names": list(model.metrics_names),
            "evaluate": _floats(model.evaluate(x, onehot, verbose=0))}


def binary_rmsprop(tf: Any) -> dict:
    """A sigmoid unit, binary_crossentropy, RMSprop, 'accuracy' (binary accuracy) and an
    L2 kernel regularizer (its loss is in the reported loss)."""
    K = tf.keras
    x, y = _data(seed=2, classes=2)
    model = K.models.Sequential([
        K.layers.Dense(5, activation="relu", input_shape=(4,),
                       kernel_regularizer=K.regularizers.l2(0.01)),
        K.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=K.optimizers.RMSprop(0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    _fix(model, 2.0)
    h = model.fit(x, y, batch_size=20, epochs=3, verbose=0, shuffle=False)
    return {"history": _hist(h), "evaluate": _floats(model.evaluate(x, y, verbose=0))}


def mse_adagrad(tf: Any) -> dict:
    """Regression: mse loss, 'mae' metric, Adagrad; evaluate returns [loss, mae]."""
    K = tf.keras
    x, _ = _data(seed=3)
    y = (x @ np.array([[1.0], [-2.0], [0.5], [0.0]], np.float32) + 0.3).astype(np.float32)
    model = K.models.Sequential([K.layers.Dense(1, input_shape=(4,))])
    model.compile(optimizer=K.optimizers.Adagrad(0.5), loss="mse", metrics=["mae"])
    _fix(model, 3.0)
    h = model.fit(x, y, batch_size=8, epochs=4, verbose=0, shuffle=False)
    loss_only = K.models.Sequential([K.layers.Dense(1, input_shape=(4,))])
    loss_only.compile(optimizer="sgd", loss="mean_absolute_error")
    _fix(loss_only, 4.0)
    return {"history": _hist(h), "evaluate": _floats(model.evaluate(x, y, verbose=0)),
            "loss_only": _floats(loss_only.evaluate(x, y, verbose=0)),
            "loss_only_names": list(loss_only.metrics_names)}


def _opt_steps(tf: Any, make: Any, k: float) -> list:
    K = tf.keras
    x, _ = _data(n=6, seed=4)
    y = np.sin(x[:, :2] * 3).astype(np.float32)
    model = K.models.Sequential([K.layers.Dense(2, input_shape=(4,))])
    model.compile(optimizer=make(K, tf), loss="mse")
    _fix(model, k)
    steps = []
    for i in range(3):
        loss = model.train_on_batch(x[2 * i:2 * i + 2] * (i + 1), y[2 * i:2 * i + 2])
        steps.append([float(loss)] + _floats(model.get_weights()))
    return steps


OPTIMIZERS = {
    "sgd": lambda K, tf: K.optimizers.SGD(0.1),
    "sgd_momentum": lambda K, tf: K.optimizers.SGD(0.1, momentum=0.8),
    "sgd_nesterov": lambda K, tf: K.optimizers.SGD(0.05, momentum=0.5, nesterov=True),
    "adam": lambda K, tf: K.optimizers.Adam(0.1),
    "adam_eps": lambda K, tf: K.optimizers.Adam(0.1, beta_1=0.5, epsilon=0.5),
    "adam_amsgrad": lambda K, tf: K.optimizers.Adam(0.1, amsgrad=True),
    "rmsprop": lambda K, tf: K.optimizers.RMSprop(0.1, epsilon=0.1),
    "rmsprop_momentum": lambda K, tf: K.optimizers.RMSprop(0.1, momentum=0.5, epsilon=0.1),
    "rmsprop_centered": lambda K, tf: K.optimizers.RMSprop(0.1, centered=True, epsilon=0.1),
    "rmsprop_centered_momentum": lambda K, tf: K.optimizers.RMSprop(
        0.05, rho=0.8, momentum=0.5, centered=True),
    "adagrad": lambda K, tf: K.optimizers.Adagrad(0.2, epsilon=0.1),
    "adagrad_init": lambda K, tf: K.optimizers.Adagrad(0.2, initial_accumulator_value=1.0),
    "adam_decay": lambda K, tf: K.optimizers.Adam(0.1, decay=0.5),
    "tf1_adam": lambda K, tf: tf.train.AdamOptimizer(0.1),
    "string_rmsprop": lambda K, tf: "rmsprop",
}


def optimizer_steps(tf: Any) -> dict:
    """Three train_on_batch steps of each optimizer: loss and weights after each."""
    out = {}
    for i, (name, make) in enumerate(OPTIMIZERS.items()):
        out[name] = _opt_steps(tf, make, float(i))
    return out


def multi_output(tf: Any) -> dict:
    """Two outputs with a loss per output, loss_weights and per-output metrics."""
    K = tf.keras
    x, y = _data(seed=5)
    inp = K.Input(shape=(4,))
    hid = K.layers.Dense(5, activation="relu")(inp)
    cls = K.layers.Dense(3, activation="softmax", name="cls")(hid)
    reg = K.layers.Dense(1, name="reg")(hid)
    model = K.Model(inp, [cls, reg])
    model.compile(optimizer=K.optimizers.SGD(0.05),
                  loss=["sparse_categorical_crossentropy", "mse"], loss_weights=[1.0, 0.5],
                  metrics=["accuracy"])
    _fix(model, 5.0)
    target = x[:, :1] * 2.0
    h = model.fit(x, [y, target], batch_size=16, epochs=2, verbose=0, shuffle=False)
    return {"history": _hist(h), "names": list(model.metrics_names),
            "evaluate": _floats(model.evaluate(x, [y, target], verbose=0))}


def batchnorm_dropout(tf: Any) -> dict:
    """fit feeds the learning phase: BatchNormalization's moving statistics move and the
    layers' updates run with each step; evaluate/predict run in inference mode (no
    dropout, moving statistics). The loss is left out: dropout's masks differ."""
    K = tf.keras
    x, y = _data(n=40, seed=6, classes=2)
    model = K.models.Sequential([K.layers.Dense(8, input_shape=(4,)),
                                 K.layers.BatchNormalization(), K.layers.Dropout(0.5),
                                 K.layers.Dense(2, activation="softmax")])
    model.compile(K.optimizers.SGD(0.0), "sparse_categorical_crossentropy")
    for i in (0, 3):    # BatchNormalization keeps its defaults (a variance of 1)
        _fix(model.layers[i], 6.0 + i)
    model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
    return {"bn": _floats(model.layers[1].get_weights()),
            "evaluate": _floats(model.evaluate(x, y, verbose=0)),
            "predict": _floats(model.predict(x[:4]))}


def multi_input_dicts(tf: Any) -> dict:
    """Two named inputs fed by a dict (and by a list), loss and metrics keyed by the
    output's name, 'accuracy' on a sigmoid unit (binary) and 'mse' as a metric."""
    K = tf.keras
    a, b = K.Input(shape=(3,), name="a"), K.Input(shape=(2,), name="b")
    out = K.layers.Dense(1, activation="sigmoid", name="out")(
        K.layers.Concatenate()([a, b]))
    model = K.Model([a, b], out)
    model.compile("sgd", loss={"out": "binary_crossentropy"},
                  metrics={"out": ["accuracy", "mse"]})
    _fix(model, 7.0)
    xa = np.linspace(-1, 1, 30).reshape(10, 3)
    xb = np.cos(np.arange(20)).reshape(10, 2)
    y = np.arange(10) % 2
    h = model.fit({"a": xa, "b": xb}, y, epochs=2, batch_size=4, verbose=0, shuffle=False)
    return {"history": _hist(h), "names": list(model.metrics_names),
            "evaluate": _floats(model.evaluate([xa, xb], y, verbose=0))}


FIT_SCENARIOS = {f.__name__: f for f in (sparse_adam, categorical_sgd, binary_rmsprop,
                                          mse_adagrad, optimizer_steps, multi_output,
                                          batchnorm_dropout, multi_input_dicts)}
