"""``DenseFeatures`` scenarios run on either backend: each ``scenario(tf)`` builds feature
columns with fixed embedding tables, runs the layer (or trains a small model on it with
fixed starting weights and ``shuffle=False``) and returns plain numbers, names and error
type names. ``make_feature_layer_reference.py`` records them under TF 2.21.0 + tf_keras
2.21 (``tf.compat.v1``, ``disable_v2_behavior()``, ``TF_USE_LEGACY_KERAS=1``) into
``feature_layer_reference.json``; ``test_feature_layers.py`` runs them under trainkit and
compares. Imports no TF library."""

from __future__ import annotations

from typing import Any

import numpy as np

from tests.keras.fit_scenarios import _floats, _hist

THAL = ["fixed", "normal", "reversible"]


def _features(n: int = 12, seed: int = 3) -> tuple[dict, np.ndarray]:
    """Heart-like columns: ``age`` (int64), ``chol`` (float32), ``thal`` (strings, one
    out of the vocabulary) and ``slot`` (int64 ids, two per example, -1 = none); the
    label is 1 for the old with a "reversible" thal."""
    rng = np.random.RandomState(seed)
    age = rng.randint(25, 75, n).astype(np.int64)
    chol = rng.uniform(150, 300, n).astype(np.float32)
    thal = np.array([THAL[i] if i < 3 else "unknown" for i in rng.randint(0, 4, n)])
    slot = rng.randint(-1, 4, (n, 2)).astype(np.int64)
    label = ((age > 50) | (thal == "reversible")).astype(np.int64)
    return {"age": age, "chol": chol, "thal": thal, "slot": slot}, label


def _columns(tf: Any) -> list:
    fc = tf.feature_column
    age = fc.numeric_column("age")
    thal = fc.categorical_column_with_vocabulary_list("thal", THAL)
    slot = fc.categorical_column_with_identity("slot", 4)
    table = np.linspace(-1.0, 1.0, 9).reshape(3, 3).astype(np.float32)
    return [age, fc.numeric_column("chol", normalizer_fn=lambda x: (x - 200.0) / 50.0),
            fc.bucketized_column(age, [30, 50, 60]), fc.indicator_column(thal),
            fc.embedding_column(thal, 3, initializer=tf.constant_initializer(table)),
            fc.embedding_column(slot, 2, combiner="sum",
                                initializer=tf.constant_initializer(
                                    np.arange(8, dtype=np.float32).reshape(4, 2) / 8.0))]


def _session(tf: Any) -> Any:
    sess = tf.keras.backend.get_session()
    sess.run([tf.global_variables_initializer(), tf.tables_initializer()])
    return sess


def layer_values(tf: Any) -> dict:
    """Two calls of one layer: the columns' outputs in name order, the variables (made
    once, in the first call's scope) and the ops of each call."""
    feats, _ = _features(5)
    layer = tf.keras.layers.DenseFeatures(_columns(tf))
    inputs = {k: tf.constant(v) for k, v in feats.items()}
    out = layer(inputs)
    out2 = layer(inputs)
    sess = _session(tf)
    config = layer.get_config()
    return {"values": _floats(sess.run(out)), "again": _floats(sess.run(out2)),
            "shape": out.shape.as_list(), "op": out.op.name, "op2": out2.op.name,
            "name": layer.name, "weights": [w.name for w in layer.weights],
            "trainable": [w.name for w in layer.trainable_weights],
            "globals": sorted(v.name for v in tf.global_variables()),
            "config_keys": sorted(config),
            "config_columns": [c["class_name"] for c in config["feature_columns"]],
            "output_shape": list(layer.compute_output_shape((None, 1)))}


def embedding_gradients(tf: Any) -> dict:
    """The gradient of a weighted sum of the layer's output reaches both embedding
    tables (rows of the ids seen, summed over the examples; none for missing ids)."""
    feats, _ = _features(6)
    layer = tf.keras.layers.DenseFeatures(_columns(tf))
    out = layer({k: tf.constant(v) for k, v in feats.items()})
    coef = tf.constant(np.linspace(0.5, 2.0, 14).astype(np.float32))
    loss = tf.reduce_sum(out * coef)
    grads = tf.gradients(loss, layer.trainable_weights)
    sess = _session(tf)
    return {"grads": _floats(sess.run([tf.convert_to_tensor(g) for g in grads])),
            "loss": float(sess.run(loss))}


def not_trainable(tf: Any) -> dict:
    """``trainable=False``: the tables are weights but not trainable ones."""
    layer = tf.keras.layers.DenseFeatures(_columns(tf), trainable=False, name="frozen")
    feats, _ = _features(2)
    layer({k: tf.constant(v) for k, v in feats.items()})
    return {"trainable": [w.name for w in layer.trainable_weights],
            "other": [w.name for w in layer.non_trainable_weights]}


def _model(tf: Any) -> Any:
    K = tf.keras
    model = K.Sequential([K.layers.DenseFeatures(_columns(tf)),
                          K.layers.Dense(4, activation="tanh"),
                          K.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=K.optimizers.Adam(0.01), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def _start(model: Any) -> None:
    """Seeded kernels and zero biases for the Dense layers; the tables keep their
    constant initializers."""
    rng = np.random.RandomState(7)
    values = model.get_weights()
    for i, w in enumerate(values):
        if w.ndim == 2 and i >= 2:
            values[i] = rng.uniform(-0.1, 0.1, w.shape).astype(np.float32)
    model.set_weights(values)


def _when_built(tf: Any, model: Any) -> Any:
    """A callback that, once fit has built the model, initializes its vocabulary tables
    (TF1 graph-mode Keras never does: tensorflow#30307) and sets the starting weights."""
    def begin(logs: Any) -> None:
        tf.keras.backend.get_session().run(tf.tables_initializer())
        _start(model)
    return tf.keras.callbacks.LambdaCallback(on_train_begin=begin)


def fit_dataset(tf: Any) -> dict:
    """The tutorial's form: a Sequential model starting with DenseFeatures, fit on a
    dataset of (feature dict, label) batches with validation, then evaluate and
    predict on datasets; the tables train too."""
    feats, label = _features(24)
    model = _model(tf)
    ds = tf.data.Dataset.from_tensor_slices((feats, label)).batch(5)
    val = tf.data.Dataset.from_tensor_slices((feats, label)).skip(16).batch(4)
    hist = model.fit(ds, validation_data=val, epochs=3, verbose=0,
                     callbacks=[_when_built(tf, model)])
    return {"history": _hist(hist),
            "evaluate": _floats(model.evaluate(val, verbose=0)),
            "predict": _floats(model.predict(val)),
            "weights": [w.name for w in model.weights],
            "tables": _floats(model.get_weights()[:2]),
            "input_names": list(model.input_names),
            "params": [layer.count_params() for layer in model.layers]}


def fit_numpy_dict(tf: Any) -> dict:
    """The same model fit on a dict of NumPy arrays (1-D columns become [n, 1])."""
    feats, label = _features(20)
    model = _model(tf)
    hist = model.fit(feats, label, batch_size=6, epochs=2, verbose=0, shuffle=False,
                     callbacks=[_when_built(tf, model)])
    return {"history": _hist(hist),
            "evaluate": _floats(model.evaluate(feats, label, batch_size=8, verbose=0)),
            "predict": _floats(model.predict({k: v[:4] for k, v in feats.items()}))}


def functional_inputs(tf: Any) -> dict:
    """A functional model on a dict of ``Input``s (one per feature) through
    DenseFeatures."""
    K = tf.keras
    feats, label = _features(16)
    inputs = {"age": K.Input(shape=(1,), name="age", dtype="int64"),
              "chol": K.Input(shape=(1,), name="chol"),
              "thal": K.Input(shape=(1,), name="thal", dtype="string"),
              "slot": K.Input(shape=(2,), name="slot", dtype="int64")}
    hidden = K.layers.DenseFeatures(_columns(tf))(inputs)
    model = K.Model(inputs, K.layers.Dense(1, activation="sigmoid")(hidden))
    model.compile(K.optimizers.SGD(0.002), "binary_crossentropy")
    _start(model)
    K.backend.get_session().run(tf.tables_initializer())
    hist = model.fit(feats, label, batch_size=8, epochs=2, verbose=0, shuffle=False)
    return {"history": _hist(hist), "input_names": list(model.input_names),
            "layers": [type(layer).__name__ for layer in model.layers]}


def _error(fn: Any) -> str:
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the type name is the result
        return type(e).__name__
    return "no error"


def errors(tf: Any) -> dict:
    """Bad inputs: a feature missing from the dict, a categorical column not wrapped in
    an indicator or embedding column, no columns, a tensor instead of a dict."""
    fc = tf.feature_column
    feats, _ = _features(3)
    inputs = {k: tf.constant(v) for k, v in feats.items()}
    age = fc.numeric_column("age")
    thal = fc.categorical_column_with_vocabulary_list("thal", THAL)
    return {
        "missing_key": _error(lambda: tf.keras.layers.DenseFeatures(
            [fc.numeric_column("weight")])(inputs)),
        "categorical": _error(lambda: tf.keras.layers.DenseFeatures([age, thal])),
        "empty": _error(lambda: tf.keras.layers.DenseFeatures([])),
        "not_a_dict": _error(lambda: tf.keras.layers.DenseFeatures([age])(
            inputs["age"])),
        "duplicate": _error(lambda: tf.keras.layers.DenseFeatures([age, age])),
    }


FEATURE_LAYER_SCENARIOS = {f.__name__: f for f in (
    layer_values, embedding_gradients, not_trainable, fit_dataset, fit_numpy_dict,
    functional_inputs, errors)}


def _sequence_columns(tf: Any) -> list:
    fc = tf.feature_column
    watches = fc.sequence_categorical_column_with_identity("watches", 5)
    words = fc.sequence_categorical_column_with_vocabulary_list("words", ["a", "b", "c"])
    table = np.arange(10, dtype=np.float32).reshape(5, 2) / 10.0
    return [fc.sequence_numeric_column("rating", shape=2, default_value=-1.0),
            fc.embedding_column(watches, 2, initializer=tf.constant_initializer(table)),
            fc.indicator_column(words)]


def _sequence_features(tf: Any) -> dict:
    """Three examples of lengths 2, 1, 2 (the middle example's second step absent)."""
    return {"rating": tf.SparseTensor([[0, 0], [0, 1], [0, 2], [0, 3], [1, 0], [1, 1],
                                       [2, 2], [2, 3]],
                                      np.arange(1, 9, dtype=np.float32), [3, 4]),
            "watches": tf.SparseTensor([[0, 0], [0, 1], [1, 0], [2, 1]],
                                       np.array([1, 4, 2, 3], np.int64), [3, 2]),
            "words": tf.SparseTensor([[0, 0], [0, 1], [1, 0], [2, 1]],
                                     ["a", "c", "z", "b"], [3, 2])}


def sequence_values(tf: Any) -> dict:
    """SequenceFeatures on sparse inputs: each step's values, embedding row (zeros where
    absent) and one-hot, concatenated; the lengths; dense ids (-1 = absent) too; the
    gradient reaching the embedding table."""
    layer = tf.keras.experimental.SequenceFeatures(_sequence_columns(tf))
    values, length = layer(_sequence_features(tf))
    loss = tf.reduce_sum(values * tf.constant(np.linspace(0.5, 1.5, 7, dtype=np.float32)))
    grad = tf.gradients(loss, layer.trainable_weights)[0]
    dense = tf.keras.experimental.SequenceFeatures(_sequence_columns(tf)[1:2], name="ids")
    dense_values, dense_length = dense(
        {"watches": tf.constant(np.array([[1, 2, -1], [3, -1, -1]], np.int64))})
    sess = _session(tf)
    return {"values": _floats(sess.run(values)), "length": sess.run(length).tolist(),
            "grad": _floats(sess.run(tf.convert_to_tensor(grad))),
            "dense_values": _floats(sess.run(dense_values)),
            "dense_length": sess.run(dense_length).tolist(),
            "shape": values.shape.as_list()[2:], "op": values.op.name,
            "length_op": length.op.name, "weights": [w.name for w in layer.weights],
            "weights2": [w.name for w in dense.weights],
            "config_columns": [c["class_name"]
                               for c in layer.get_config()["feature_columns"]]}


def sequence_errors(tf: Any) -> dict:
    """A sequence column in DenseFeatures, a plain column in SequenceFeatures, dense
    values for a sequence_numeric_column, lengths that disagree."""
    fc = tf.feature_column
    cols = _sequence_columns(tf)
    feats = _sequence_features(tf)
    short = dict(feats, rating=tf.SparseTensor([[0, 0], [0, 1]], [1.0, 2.0], [3, 4]))
    _, length = tf.keras.experimental.SequenceFeatures(cols)(short)
    sess = _session(tf)
    return {
        "dense_features": _error(lambda: tf.keras.layers.DenseFeatures(cols[1:2])(feats)),
        "plain_column": _error(lambda: tf.keras.experimental.SequenceFeatures(
            [fc.numeric_column("x")])),
        "dense_numeric": _error(lambda: tf.keras.experimental.SequenceFeatures(cols[:1])(
            {"rating": tf.constant([[1.0, 2.0]])})),
        "lengths_differ": _error(lambda: sess.run(length)),
    }


FEATURE_LAYER_SCENARIOS.update({f.__name__: f for f in (sequence_values, sequence_errors)})
