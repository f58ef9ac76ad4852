"""Feature columns and input_layer / linear_model: outputs and variable names equal to
tf.compat.v1.feature_column in TF 2.15.1 on the same features; embedding combiners
against NumPy; the embedding gradient by finite differences; typed errors."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from tests.autodiff.gradcheck import check_grad
from trainkit.feature_column.columns import combine_embeddings

fc = tk.feature_column


def _features():
    return {"age": tk.constant([[25.0], [40.0], [70.0]]),
            "city": tk.constant([b"rome", b"paris", b"x"]),
            "ids": tk.constant([[1, 2], [0, -1], [3, 3]], tk.int64)}


def test_input_layer_and_linear_model_match_tf1():
    feats = _features()
    age = fc.numeric_column("age", normalizer_fn=lambda x: x / 10)
    bucket = fc.bucketized_column(fc.numeric_column("age"), [30.0, 50.0])
    city = fc.categorical_column_with_vocabulary_list("city", ["paris", "rome"])
    ids = fc.categorical_column_with_identity("ids", 4)
    cols_to_vars = {}
    net = fc.input_layer(feats, [age, bucket, fc.indicator_column(city),
                                 fc.embedding_column(ids, 2, initializer=tk.ones_initializer()),
                                 fc.indicator_column(ids)], cols_to_vars=cols_to_vars)
    fc.linear_model(feats, [age, city, bucket], units=2)
    # TF 2.15.1, the same program:
    assert [v.name for v in tk.global_variables()] == [
        "input_layer/ids_embedding/embedding_weights:0", "linear_model/age/weights:0",
        "linear_model/age_bucketized/weights:0", "linear_model/city/weights:0",
        "linear_model/bias_weights:0"]
    want = [[2.5, 1, 0, 0, 0, 1, 1, 1, 0, 1, 1, 0],
            [4.0, 0, 1, 0, 1, 0, 1, 1, 1, 0, 0, 0],
            [7.0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 2]]
    emb = [c for c in cols_to_vars if c.name == "ids_embedding"][0]
    assert [v.op.name for v in cols_to_vars[emb]] == ["input_layer/ids_embedding/"
                                                      "embedding_weights"]
    assert tk.get_collection(tk.GraphKeys.MODEL_VARIABLES)[0].op.name.startswith("input_")
    with tk.Session() as sess:
        sess.run([tk.global_variables_initializer(), tk.tables_initializer()])
        np.testing.assert_allclose(sess.run(net), want)


def test_linear_model_sums_weights_of_ids_and_dense_inputs():
    feats = _features()
    city = fc.categorical_column_with_vocabulary_list("city", ["paris", "rome"])
    age = fc.numeric_column("age")
    logits = fc.linear_model(feats, [city, age], units=1)
    with tk.Session() as sess:
        sess.run([tk.global_variables_initializer(), tk.tables_initializer()])
        with tk.variable_scope("linear_model", reuse=True):
            sess.run(tk.assign(tk.get_variable("city/weights"), [[1.0], [2.0]]))
            sess.run(tk.assign(tk.get_variable("age/weights"), [[0.5]]))
            sess.run(tk.assign(tk.get_variable("bias_weights"), [10.0]))
        np.testing.assert_allclose(sess.run(logits)[:, 0],
                                   [2 + 12.5 + 10, 1 + 20 + 10, 0 + 35 + 10])


@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
def test_embedding_combiners_match_numpy(combiner):
    table = np.arange(10, dtype=np.float32).reshape(5, 2)
    ids = np.array([[1, 4, -1], [2, 2, 2], [-1, -1, -1]])
    out = combine_embeddings(tk.constant(table), tk.constant(ids, tk.int64), combiner)
    with tk.Session() as sess:
        got = sess.run(out)
    for row, want_ids in zip(got, ([1, 4], [2, 2, 2], [])):
        total = table[want_ids].sum(0) if want_ids else np.zeros(2)
        n = len(want_ids)
        scale = {"sum": 1, "mean": max(n, 1), "sqrtn": max(np.sqrt(n), 1e-12)}[combiner]
        np.testing.assert_allclose(row, total / scale if n else 0.0, rtol=1e-6)


def test_embedding_gradient_by_finite_differences():
    ids = tk.constant([[0, 2, -1], [1, 1, 3]], tk.int64)
    check_grad(lambda w: combine_embeddings(w, ids, "sqrtn"),
               np.random.default_rng(0).normal(size=(4, 3)))


def test_identity_default_value_and_out_of_range_error():
    ids = fc.categorical_column_with_identity("i", 3, default_value=0)
    strict = fc.categorical_column_with_identity("j", 3)
    feats = {"i": tk.constant([5, 1, -1]), "j": tk.constant([7])}
    dense = fc.input_layer(feats, [fc.indicator_column(ids)])
    bad = fc.input_layer(feats, [fc.indicator_column(strict)])
    with tk.Session() as sess:
        np.testing.assert_allclose(sess.run(dense), [[1, 0, 0], [0, 1, 0], [0, 0, 0]])
        with pytest.raises(tk.errors.InvalidArgumentError, match=r"not in \[0, 3\)"):
            sess.run(bad)


def test_vocabulary_oov_buckets_and_int_vocabulary():
    col = fc.categorical_column_with_vocabulary_list("c", ["a", "b"], num_oov_buckets=3)
    ints = fc.categorical_column_with_vocabulary_list("n", [10, 20])
    feats = {"c": tk.constant([b"b", b"zz", b""]), "n": tk.constant([20, 30, 10], tk.int64)}
    out = fc.input_layer(feats, [fc.indicator_column(col), fc.indicator_column(ints)])
    with tk.Session() as sess:
        sess.run(tk.tables_initializer())
        got = sess.run(out)
    np.testing.assert_allclose(got[:, :2], [[0, 1], [0, 0], [0, 0]])
    assert got[1, 2:5].sum() == 1 and got[2, :5].sum() == 0  # OOV bucket; '' = missing
    np.testing.assert_allclose(got[:, 5:], [[0, 1], [0, 0], [1, 0]])


def test_feature_column_errors():
    with pytest.raises(ValueError, match="shape dimensions must be greater than 0"):
        fc.numeric_column("x", shape=(0,))
    with pytest.raises(TypeError, match="normalizer_fn must be a callable"):
        fc.numeric_column("x", normalizer_fn=3)
    with pytest.raises(ValueError, match="num_buckets 0 < 1"):
        fc.categorical_column_with_identity("x", 0)
    with pytest.raises(ValueError, match="Duplicate keys in vocabulary_list"):
        fc.categorical_column_with_vocabulary_list("x", ["a", "a"])
    with pytest.raises(ValueError, match="must be a column generated with numeric_column"):
        fc.bucketized_column(fc.categorical_column_with_identity("x", 2), [1.0])
    with pytest.raises(ValueError, match="boundaries must be a sorted list"):
        fc.bucketized_column(fc.numeric_column("x"), [2.0, 1.0])
    with pytest.raises(ValueError, match="Invalid dimension 0"):
        fc.embedding_column(fc.categorical_column_with_identity("x", 2), 0)
    with pytest.raises(ValueError, match="categorical column"):
        fc.indicator_column(fc.numeric_column("x"))
    feats = {"x": tk.constant([1])}
    with pytest.raises(ValueError, match="must be a _DenseColumn"):
        fc.input_layer(feats, [fc.categorical_column_with_identity("x", 2)])
    with pytest.raises(ValueError, match="Feature y is not in features dictionary"):
        fc.input_layer(feats, [fc.numeric_column("y")])
    with pytest.raises(ValueError, match="must not be empty"):
        fc.input_layer(feats, [])
    with pytest.raises(ValueError, match="Duplicate feature column name"):
        fc.input_layer(feats, [fc.numeric_column("x"), fc.numeric_column("x", shape=2)])


def test_hash_bucket_column_is_stable_and_in_range():
    col = fc.categorical_column_with_hash_bucket("h", 7)
    ints = fc.categorical_column_with_hash_bucket("n", 5, dtype=tk.int64)
    feats = {"h": tk.constant([b"a", b"b", b"a", b""]), "n": tk.constant([3, -1, 3, 9],
                                                                          tk.int64)}
    out = fc.input_layer(feats, [fc.indicator_column(col), fc.indicator_column(ints)])
    with tk.Session() as sess:
        sess.run(tk.tables_initializer())
        got = sess.run(out)
    assert got[:3, :7].sum(1).tolist() == [1, 1, 1] and got[3, :7].sum() == 0
    np.testing.assert_array_equal(got[0], got[2])              # same value, same bucket
    assert got[1, 7:].sum() == 0 and got[0, 7:].sum() == 1     # -1 is "no value"
    with pytest.raises(ValueError, match="hash_bucket_size must be at least 1"):
        fc.categorical_column_with_hash_bucket("h", 0)
