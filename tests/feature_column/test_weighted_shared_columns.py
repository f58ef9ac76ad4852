"""``weighted_categorical_column`` and ``shared_embedding_columns``: values, names and
variables equal to TF 2.21's ``tf.compat.v1.feature_column`` (same tables, same
inputs), and their errors."""

import numpy as np
import pytest

import trainkit as tf

TABLE = np.arange(12, dtype=np.float32).reshape(4, 3) / 10.0
INDICES = [[0, 0], [0, 1], [1, 0], [2, 0], [2, 1]]
#: TF 2.21 input_layer outputs per combiner (row 2 has ids 0, 0 weighted 3 and -1:
#: 'sum' keeps the negative weight, 'mean'/'sqrtn' drop ids of weight <= 0)
WANT = {
    "sum": [[1.9499999284744263, 2.200000047683716, 2.450000047683716],
            [0.6000000238418579, 0.699999988079071, 0.800000011920929],
            [0.0, 0.20000001788139343, 0.40000003576278687]],
    "mean": [[0.7799999713897705, 0.8799999952316284, 0.9800000190734863],
             [0.6000000238418579, 0.699999988079071, 0.800000011920929],
             [0.0, 0.10000000149011612, 0.20000000298023224]],
    "sqrtn": [[0.9458889365196228, 1.0671567916870117, 1.1884245872497559],
              [0.6000000238418579, 0.699999988079071, 0.800000011920929],
              [0.0, 0.10000000149011612, 0.20000000298023224]],
}


def _features():
    ids = tf.SparseTensor(INDICES, tf.constant([1, 3, 2, 0, 0], tf.int64), [3, 2])
    w = tf.SparseTensor(INDICES, tf.constant([0.5, 2.0, 1.0, 3.0, -1.0]), [3, 2])
    return {"item": ids, "wt": w}


def _run(fetch):
    with tf.Session() as s:
        s.run([tf.global_variables_initializer(), tf.tables_initializer()])
        return s.run(fetch)


@pytest.mark.parametrize("combiner", sorted(WANT))
def test_weighted_embedding_equals_tf(combiner):
    g = tf.Graph()
    with g.as_default():
        cat = tf.feature_column.categorical_column_with_identity("item", 4)
        wc = tf.feature_column.weighted_categorical_column(cat, "wt")
        emb = tf.feature_column.embedding_column(wc, 3, combiner=combiner,
                                                 initializer=tf.constant_initializer(TABLE))
        assert (wc.name, emb.name) == ("item_weighted_by_wt", "item_weighted_by_wt_embedding")
        got = _run(tf.feature_column.input_layer(_features(), [emb]))
    np.testing.assert_allclose(got, WANT[combiner], rtol=1e-6)


def test_weighted_linear_model_equals_tf():
    g = tf.Graph()
    with g.as_default():
        cat = tf.feature_column.categorical_column_with_identity("item", 4)
        wc = tf.feature_column.weighted_categorical_column(cat, "wt")
        logits = tf.feature_column.linear_model(_features(), [wc])
        var = [v for v in tf.global_variables() if "weights" in v.name][0]
        assert var.name == "linear_model/item_weighted_by_wt/weights:0"
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            s.run(var.assign([[1.0], [2.0], [3.0], [4.0]]))
            assert s.run(logits).tolist() == [[9.0], [3.0], [2.0]]


def test_weighted_dense_inputs_and_errors():
    g = tf.Graph()
    with g.as_default():
        cat = tf.feature_column.categorical_column_with_identity("item", 4)
        wc = tf.feature_column.weighted_categorical_column(cat, "wt")
        emb = tf.feature_column.embedding_column(wc, 3, combiner="sum",
                                                 initializer=tf.constant_initializer(TABLE))
        feats = {"item": tf.constant([[1, 3]], tf.int64), "wt": tf.constant([[0.5, 2.0]])}
        got = _run(tf.feature_column.input_layer(feats, [emb]))
    np.testing.assert_allclose(got, [WANT["sum"][0]], rtol=1e-6)
    with pytest.raises(ValueError, match="not convertible to float"):
        tf.feature_column.weighted_categorical_column(cat, "w", dtype=tf.string)
    with pytest.raises(ValueError, match="categorical column"):
        tf.feature_column.weighted_categorical_column(tf.feature_column.numeric_column("x"),
                                                      "w")


def test_shared_embedding_columns_equal_tf():
    g = tf.Graph()
    with g.as_default():
        a = tf.feature_column.categorical_column_with_identity("a", 4)
        b = tf.feature_column.categorical_column_with_identity("b", 4)
        shared = tf.feature_column.shared_embedding_columns(
            [a, b], 3, initializer=tf.constant_initializer(TABLE), combiner="sum")
        assert [c.name for c in shared] == ["a_shared_embedding", "b_shared_embedding"]
        feats = {"a": tf.SparseTensor([[0, 0], [1, 0]], tf.constant([1, 2], tf.int64), [2, 1]),
                 "b": tf.SparseTensor([[0, 0], [1, 0], [1, 1]], tf.constant([3, 0, 1],
                                                                          tf.int64), [2, 2])}
        got = _run(tf.feature_column.input_layer(feats, shared))
        assert [v.name for v in tf.global_variables()] == [
            "input_layer/a_b_shared_embedding/embedding_weights:0"]
    np.testing.assert_allclose(got, [[0.3, 0.4, 0.5, 0.9, 1.0, 1.1],
                                     [0.6, 0.7, 0.8, 0.3, 0.5, 0.7]], rtol=1e-6)


def test_shared_embedding_columns_errors():
    a = tf.feature_column.categorical_column_with_identity("a", 4)
    c = tf.feature_column.categorical_column_with_identity("c", 5)
    with pytest.raises(ValueError, match="same number of buckets"):
        tf.feature_column.shared_embedding_columns([a, c], 3)
    with pytest.raises(ValueError):
        tf.feature_column.shared_embedding_columns([], 3)
    with pytest.raises(ValueError, match="combiner"):
        tf.feature_column.shared_embedding_columns([a], 3, combiner="max")
    with pytest.raises(ValueError, match="dimension"):
        tf.feature_column.shared_embedding_columns([a], 0)
