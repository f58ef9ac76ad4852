"""``tk.keras.layers.DenseFeatures`` against TF 2.21.0 + tf_keras 2.21 in TF1 graph mode
(``tf.compat.v1``, ``disable_v2_behavior()``, ``TF_USE_LEGACY_KERAS=1``): the scenarios of
``feature_layer_scenarios.py`` (values, variable and op names, gradients into the
embedding tables, ``fit``/``evaluate``/``predict`` on datasets of feature dicts and on
dicts of arrays, error types), recorded by ``make_feature_layer_reference.py`` into
``feature_layer_reference.json``; then trainkit-only checks of saving, configs, the
summary and the errors' messages.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import trainkit as tk
from tests.keras.feature_layer_scenarios import (
    FEATURE_LAYER_SCENARIOS,
    THAL,
    _columns,
    _features,
)
from tests.keras.fit2_scenarios import to_json
from tests.keras.test_keras_vs_tf import _same

K = tk.keras
REF = json.loads(Path(__file__).with_name("feature_layer_reference.json").read_text())


@pytest.fixture(autouse=True)
def _fresh():
    tk.reset_default_graph()
    K.backend.clear_session()
    yield
    K.backend.clear_session()


def test_reference_is_from_tf_2_21():
    assert REF["tf_version"] == "2.21.0"


@pytest.mark.parametrize("name", sorted(FEATURE_LAYER_SCENARIOS))
def test_scenario_matches_tf(name):
    got = json.loads(to_json(FEATURE_LAYER_SCENARIOS[name](tk)))
    _same(REF[name], got, name)


def _inputs(n=4):
    feats, label = _features(n)
    return {k: tk.constant(v) for k, v in feats.items()}, feats, label


def test_weights_save_and_restore_with_the_model(tmp_path):
    """The embedding tables are model weights: save_weights writes them, load_weights
    brings them back after they were overwritten."""
    feats, label = _features(8)
    model = K.Sequential([K.layers.DenseFeatures(_columns(tk)), K.layers.Dense(1)])
    model.compile("sgd", "mse")
    sess = K.backend.get_session()
    begin = K.callbacks.LambdaCallback(
        on_train_begin=lambda logs: sess.run(tk.tables_initializer()))
    model.fit(feats, label, epochs=1, batch_size=4, verbose=0, callbacks=[begin])
    saved = model.get_weights()
    assert [w.name for w in model.weights[:2]] == [
        "dense_features/slot_embedding/embedding_weights:0",
        "dense_features/thal_embedding/embedding_weights:0"]
    model.save_weights(str(tmp_path / "ckpt"))
    model.set_weights([np.zeros_like(w) for w in saved])
    model.load_weights(str(tmp_path / "ckpt"))
    for a, b in zip(model.get_weights(), saved):
        np.testing.assert_array_equal(a, b)
    before = model.predict({k: v[:3] for k, v in feats.items()})
    assert before.shape == (3, 1) and np.isfinite(before).all()


def test_config_round_trip_and_summary():
    fc = tk.feature_column
    thal = fc.categorical_column_with_vocabulary_list("thal", THAL)
    cols = [fc.numeric_column("age", shape=2, dtype=tk.int64),
            fc.bucketized_column(fc.numeric_column("age", shape=2, dtype=tk.int64), [40]),
            fc.embedding_column(thal, 3, combiner="sqrtn"),
            fc.indicator_column(fc.crossed_column([thal, "sex"], 7))]
    layer = K.layers.DenseFeatures(cols, name="feats")
    config = layer.get_config()
    assert config["name"] == "feats" and config["partitioner"] is None
    assert [c["class_name"] for c in config["feature_columns"]] == [
        "NumericColumn", "BucketizedColumn", "IndicatorColumn", "EmbeddingColumn"]
    emb = config["feature_columns"][3]
    # Differs from TF: only trainkit's fields (no max_norm, ckpt_to_load_from, ...)
    assert sorted(emb["config"]) == ["categorical_column", "combiner", "dimension",
                                     "initializer", "trainable"]
    assert emb["config"]["initializer"]["class_name"] == "TruncatedNormal"
    assert config["feature_columns"][0]["config"]["dtype"] == "int64"
    clone = K.layers.DenseFeatures.from_config(dict(config, name="clone"))
    assert clone.feature_columns == layer.feature_columns
    assert clone.compute_output_shape({"age": (None, 2)}) == (None, 2 + 4 + 3 + 7)
    inputs = {"age": K.Input(shape=(2,), name="age", dtype="int64"),
              "sex": K.Input(shape=(1,), name="sex", dtype="string"),
              "thal": K.Input(shape=(1,), name="thal", dtype="string")}
    model = K.Model(inputs, K.layers.Dense(1)(clone(inputs)))
    lines = []
    model.summary(print_fn=lines.append)
    row = next(line for line in lines if line.startswith("clone (DenseFeatures)"))
    assert row.split()[-1] == "9" and "(None, 16)" in row   # the 3 x 3 table
    assert f"Total params: {9 + 16 + 1}" in lines


def test_normalizer_fn_config_needs_custom_objects():
    def scale(x):
        return x / 10.0

    layer = K.layers.DenseFeatures([tk.feature_column.numeric_column("x",
                                                                     normalizer_fn=scale)])
    config = layer.get_config()
    assert config["feature_columns"][0]["config"]["normalizer_fn"] == "scale"
    with pytest.raises(ValueError, match="normalizer_fn 'scale' is not in custom_objects"):
        K.layers.DenseFeatures.from_config(config)
    clone = K.layers.DenseFeatures.from_config(config, custom_objects={"scale": scale})
    assert clone.feature_columns[0].normalizer_fn is scale
    with pytest.raises(ValueError, match="Unknown feature column class"):
        tk.feature_column.serialization.deserialize_feature_column(
            {"class_name": "Nope", "config": {}})


def test_error_messages_name_the_problem():
    inputs, _, _ = _inputs()
    fc = tk.feature_column
    thal = fc.categorical_column_with_vocabulary_list("thal", THAL)
    with pytest.raises(ValueError, match="Feature weight is not in features dictionary"):
        K.layers.DenseFeatures([fc.numeric_column("weight")])(inputs)
    with pytest.raises(ValueError, match="must be a _DenseColumn.*indicator_column"):
        K.layers.DenseFeatures([thal])
    with pytest.raises(ValueError, match="We expected a dictionary here"):
        K.layers.DenseFeatures([fc.numeric_column("age")])(inputs["age"])
    with pytest.raises(ValueError, match="Duplicate feature column name"):
        K.layers.DenseFeatures([fc.numeric_column("age"), fc.numeric_column("age")])
    with pytest.raises(ValueError, match="shared_embedding_columns"):
        K.layers.DenseFeatures(fc.shared_embedding_columns(
            [fc.categorical_column_with_identity("a", 3),
             fc.categorical_column_with_identity("b", 3)], 2))
    with pytest.raises(NotImplementedError, match="partitioner"):
        K.layers.DenseFeatures([fc.numeric_column("age")], partitioner=object())


def test_unfed_tables_fail_as_in_tf1_keras():
    """TF1 graph-mode Keras never runs the vocabulary tables' initializers
    (tensorflow#30307): fit fails on the first batch until the program runs them."""
    feats, label = _features(6)
    model = K.Sequential([K.layers.DenseFeatures(_columns(tk)), K.layers.Dense(1)])
    model.compile("sgd", "mse")
    with pytest.raises(tk.errors.FailedPreconditionError, match="Table not initialized"):
        model.fit(feats, label, epochs=1, verbose=0)


def test_unknown_feature_dtype_is_a_type_error():
    model = K.Sequential([K.layers.DenseFeatures([tk.feature_column.numeric_column("x")])])
    with pytest.raises(TypeError, match="Feature 'x': cannot feed values of dtype"):
        model.predict({"x": np.array([["2020-01-01"]], dtype="datetime64[D]")})
