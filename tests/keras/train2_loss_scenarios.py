"""The loss scenarios of ``train2_scenarios.py`` (see there): the loss functions and
classes on fixed arrays (values and gradients), ``get``/``serialize``/``deserialize``, and
``compile(loss=...)`` with loss objects, names and functions. Imports no TF library."""

from __future__ import annotations

from typing import Any

import numpy as np

from tests.keras.fit_scenarios import _fix, _floats, _hist

_RNG = np.random.RandomState(7)
Y_TRUE = _RNG.uniform(0.05, 1.0, (4, 3)).astype(np.float32)
Y_PRED = _RNG.uniform(0.05, 1.0, (4, 3)).astype(np.float32)
SIGNED = np.sign(_RNG.randn(4, 3)).astype(np.float32)               # -1 / 1 labels
BINARY = (SIGNED > 0).astype(np.float32)                            # 0 / 1 labels
ONE_HOT = np.eye(3, dtype=np.float32)[[0, 2, 1, 2]]
LOGITS = (_RNG.randn(4, 3) * 2).astype(np.float32)

# (name given to losses.get, y_true, y_pred, keyword arguments)
FUNCTION_CASES = [
    ("mean_squared_error", Y_TRUE, LOGITS, {}), ("mae", Y_TRUE, LOGITS, {}),
    ("mape", Y_TRUE, Y_PRED, {}), ("MAPE", LOGITS, Y_PRED, {}),
    ("msle", Y_TRUE, Y_PRED, {}), ("MSLE", LOGITS, Y_PRED * 3.0, {}),
    ("hinge", BINARY, LOGITS, {}), ("hinge", SIGNED, LOGITS, {}),
    ("squared_hinge", BINARY, LOGITS, {}), ("squared_hinge", SIGNED, LOGITS, {}),
    ("categorical_hinge", ONE_HOT, LOGITS, {}),
    ("huber", Y_TRUE, LOGITS, {}), ("huber_loss", Y_TRUE, LOGITS, {"delta": 0.5}),
    ("logcosh", Y_TRUE, LOGITS * 10.0, {}), ("log_cosh", Y_TRUE, LOGITS, {}),
    ("poisson", Y_TRUE, Y_PRED, {}),
    ("kld", ONE_HOT, Y_PRED / Y_PRED.sum(-1, keepdims=True), {}),
    ("kullback_leibler_divergence", Y_PRED / 2.0, Y_TRUE / 2.0, {}),
    ("KLD", Y_TRUE, Y_PRED, {}),
    ("cosine_similarity", Y_TRUE, LOGITS, {}), ("cosine_similarity", Y_TRUE, LOGITS,
                                                 {"axis": 0}),
    ("binary_crossentropy", BINARY, Y_PRED, {"label_smoothing": 0.2}),
    ("bce", BINARY, LOGITS, {"from_logits": True}),
    ("categorical_crossentropy", ONE_HOT, LOGITS, {"from_logits": True,
                                                   "label_smoothing": 0.1}),
    ("categorical_crossentropy", ONE_HOT, Y_PRED, {"label_smoothing": 0.3}),
    ("sparse_categorical_crossentropy", np.array([0, 2, 1, 1]), LOGITS,
     {"from_logits": True}),
]


def _value_and_grad(tf: Any, sess: Any, fn: Any, y_true: Any, y_pred: np.ndarray) -> list:
    pred = tf.constant(y_pred)
    out = fn(y_true, pred)
    grad = tf.gradients(tf.reduce_sum(out), [pred])[0]
    value, g = sess.run([out, grad])
    return [_floats(value), _floats(g)]


def loss_functions(tf: Any, workdir: str) -> dict:
    """Each loss function (by the name ``get`` resolves): per-example values and the
    gradient of their sum with respect to ``y_pred``; the compat.v1 attribute aliases."""
    K = tf.keras
    out: dict = {}
    with tf.Session() as sess:
        for i, (name, y_true, y_pred, kwargs) in enumerate(FUNCTION_CASES):
            fn = K.losses.get(name)
            out[f"{i}_{name}"] = _value_and_grad(
                tf, sess, lambda t, p, fn=fn, kw=kwargs: fn(t, p, **kw), y_true, y_pred)
        softmax = tf.nn.softmax(tf.constant(LOGITS))
        out["softmax_cce"] = sess.run(K.losses.categorical_crossentropy(ONE_HOT, softmax)
                                      ).tolist()
        out["cosine_proximity"] = sess.run(K.losses.cosine_proximity(Y_TRUE, LOGITS)).tolist()
        out["cosine"] = sess.run(K.losses.cosine(Y_TRUE, LOGITS)).tolist()
    out["aliases"] = {a: getattr(K.losses, a).__name__ for a in (
        "mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "kld", "KLD",
        "kullback_leibler_divergence", "logcosh", "cosine_proximity", "cosine")}
    return out


# (class name, constructor kwargs, y_true, y_pred, sample_weight)
CLASS_CASES = [
    ("MeanSquaredError", {}, Y_TRUE, LOGITS, None),
    ("MeanSquaredError", {"reduction": "sum"}, Y_TRUE, LOGITS, [1.0, 2.0, 0.0, 0.5]),
    ("MeanSquaredError", {"reduction": "none"}, Y_TRUE, LOGITS, None),
    ("MeanAbsoluteError", {"reduction": "sum_over_batch_size"}, Y_TRUE, LOGITS, 2.0),
    ("MeanAbsolutePercentageError", {}, Y_TRUE, Y_PRED, None),
    ("MeanSquaredLogarithmicError", {}, Y_TRUE, Y_PRED, [[1.0], [0.0], [2.0], [1.0]]),
    ("BinaryCrossentropy", {}, BINARY, Y_PRED, None),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, BINARY, LOGITS,
     None),
    ("CategoricalCrossentropy", {"from_logits": True}, ONE_HOT, LOGITS, [3.0, 1.0, 1.0, 0.0]),
    ("CategoricalCrossentropy", {"label_smoothing": 0.2, "reduction": "sum"}, ONE_HOT,
     Y_PRED, None),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, np.array([2, 0, 1, 1]), LOGITS,
     None),
    ("SparseCategoricalCrossentropy", {}, np.array([[2], [0], [1], [1]]),
     Y_PRED / Y_PRED.sum(-1, keepdims=True), None),
    ("Hinge", {}, BINARY, LOGITS, None), ("SquaredHinge", {}, SIGNED, LOGITS, None),
    ("CategoricalHinge", {}, ONE_HOT, LOGITS, None),
    ("Huber", {}, Y_TRUE, LOGITS, None), ("Huber", {"delta": 0.3}, Y_TRUE, LOGITS, None),
    ("LogCosh", {}, Y_TRUE, LOGITS, None), ("Poisson", {}, Y_TRUE, Y_PRED, None),
    ("KLDivergence", {}, ONE_HOT, Y_PRED, None),
    ("CosineSimilarity", {}, Y_TRUE, LOGITS, None),
    ("CosineSimilarity", {"axis": 0, "reduction": "sum"}, Y_TRUE, LOGITS, None),
    ("MeanSquaredError", {}, Y_TRUE[:, 0], LOGITS[:, :1], None),    # y_pred's [N, 1] squeezed
    ("MeanSquaredError", {}, Y_TRUE[:, :1], LOGITS[:, 0], None),    # y_true's [N, 1] squeezed
]

GET_NAMES = ["mse", "MSE", "mae", "mape", "msle", "kld", "KLD", "kullback_leibler_divergence",
             "kl_divergence", "logcosh", "log_cosh", "huber", "huber_loss", "hinge",
             "squared_hinge", "categorical_hinge", "poisson", "cosine_similarity", "bce",
             "BCE", "binary_crossentropy", "categorical_crossentropy",
             "sparse_categorical_crossentropy", "Huber", "Hinge", "KLDivergence",
             "MeanSquaredError", "CosineSimilarity", "cosine_proximity", "cosine", "nope"]


def _describe(obj: Any) -> str:
    name = getattr(obj, "__name__", None)
    return f"function:{name}" if name else f"instance:{type(obj).__name__}"


def loss_classes(tf: Any, workdir: str) -> dict:
    """Each loss class: the reduced value (with sample weights), its gradient, its
    config and serialization; what ``get``/``deserialize`` give for names and dicts."""
    K = tf.keras
    out: dict = {}
    with tf.Session() as sess:
        for i, (cls_name, kwargs, y_true, y_pred, weight) in enumerate(CLASS_CASES):
            loss = getattr(K.losses, cls_name)(**kwargs)
            out[f"{i}_{cls_name}"] = _value_and_grad(
                tf, sess, lambda t, p, loss=loss, w=weight: loss(t, p, sample_weight=w),
                y_true, y_pred) + [loss.get_config(), K.losses.serialize(loss)]
    got = {}
    for name in GET_NAMES:
        try:
            got[name] = _describe(K.losses.get(name))
        except ValueError as e:
            got[name] = f"{type(e).__name__}:{str(e).split('.')[0]}"
    out["get"] = got
    huber = K.losses.deserialize({"class_name": "Huber",
                                  "config": {"delta": 2.5, "reduction": "sum", "name": "h"}})
    out["deserialize_dict"] = huber.get_config()
    out["get_dict"] = K.losses.get({"class_name": "CategoricalCrossentropy",
                                    "config": {"from_logits": True}}).get_config()
    out["serialize_fn"] = K.losses.serialize(K.losses.msle)
    return out


def regression_data(n: int = 24, seed: int = 11) -> tuple:
    rng = np.random.RandomState(seed)
    x = rng.randn(n, 4).astype(np.float32)
    y = (np.abs(x[:, :2] @ np.array([[0.5, -1.0], [1.5, 0.2]], np.float32)) + 0.1)
    return x, y.astype(np.float32)


COMPILE_LOSSES = {
    "huber_obj": (lambda K: K.losses.Huber(delta=0.5), "linear"),
    "msle_obj": (lambda K: K.losses.MeanSquaredLogarithmicError(), "softplus"),
    "mape_sum": (lambda K: K.losses.MeanAbsolutePercentageError(reduction="sum"), "linear"),
    "logcosh_obj": (lambda K: K.losses.LogCosh(), "linear"),
    "poisson_obj": (lambda K: K.losses.Poisson(), "softplus"),
    "cosine_obj": (lambda K: K.losses.CosineSimilarity(), "linear"),
    "kld_obj": (lambda K: K.losses.KLDivergence(), "softmax"),
    "hinge_obj": (lambda K: K.losses.Hinge(), "tanh"),
    "cat_hinge_obj": (lambda K: K.losses.CategoricalHinge(), "linear"),
    "msle": (lambda K: "msle", "softplus"), "logcosh": (lambda K: "logcosh", "linear"),
    "kld": (lambda K: "kullback_leibler_divergence", "softmax"),
    "poisson": (lambda K: "poisson", "softplus"), "hinge": (lambda K: "hinge", "tanh"),
    "squared_hinge": (lambda K: "squared_hinge", "tanh"),
    "huber_fn": (lambda K: K.losses.get("huber"), "linear"),
}


def compile_losses(tf: Any, workdir: str) -> dict:
    """``compile(loss=...)`` with loss objects, names and functions: fit history, final
    weights and evaluate on a small regression net with fixed weights."""
    K = tf.keras
    x, y = regression_data()
    out = {}
    for i, (key, (make, activation)) in enumerate(COMPILE_LOSSES.items()):
        tf.reset_default_graph()
        K.backend.clear_session()
        model = K.models.Sequential([K.layers.Dense(3, activation="tanh", input_shape=(4,)),
                                     K.layers.Dense(2, activation=activation)])
        target = y / y.sum(-1, keepdims=True) if activation == "softmax" else y
        if key in ("hinge", "hinge_obj", "squared_hinge"):
            target = (y > 0.8).astype(np.float32)
        model.compile(K.optimizers.SGD(0.05), loss=make(K))
        _fix(model, 20.0 + i)
        h = model.fit(x, target, batch_size=8, epochs=2, verbose=0, shuffle=False)
        out[key] = {"history": _hist(h), "weights": _floats(model.get_weights()),
                    "evaluate": _floats(model.evaluate(x, target, verbose=0))}
    return out


def compile_crossentropy_objects(tf: Any, workdir: str) -> dict:
    """Cross-entropy loss objects in compile with 'accuracy' (resolved as for the
    function forms) and label smoothing / logits."""
    K = tf.keras
    x, _ = regression_data(seed=12)
    labels = (np.abs(x[:, 0] * 2 + x[:, 1]).astype(np.int64)) % 3
    cases = {
        "sparse_logits": (K.losses.SparseCategoricalCrossentropy(from_logits=True), None,
                          3, labels),
        "cce_smooth": (K.losses.CategoricalCrossentropy(label_smoothing=0.1), "softmax", 3,
                       np.eye(3, dtype=np.float32)[labels]),
        "bce_logits": (K.losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.2),
                       None, 1, (labels > 0).astype(np.float32)[:, None]),
        "bce_two_units": (K.losses.BinaryCrossentropy(), "sigmoid", 2,
                          np.stack([labels > 0, labels > 1], 1).astype(np.float32)),
    }
    out = {}
    for i, (key, (loss, activation, units, target)) in enumerate(cases.items()):
        tf.reset_default_graph()
        K.backend.clear_session()
        model = K.models.Sequential([K.layers.Dense(units, activation=activation,
                                                    input_shape=(4,))])
        model.compile(K.optimizers.Adam(0.05), loss=loss, metrics=["accuracy"])
        _fix(model, 40.0 + i)
        h = model.fit(x, target, batch_size=6, epochs=2, verbose=0, shuffle=False)
        out[key] = {"history": _hist(h), "names": list(model.metrics_names),
                    "evaluate": _floats(model.evaluate(x, target, verbose=0))}
    return out


__all__ = ["loss_functions", "loss_classes", "compile_losses",
           "compile_crossentropy_objects", "regression_data"]
