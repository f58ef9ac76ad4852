"""Sequence feature columns' lengths and steps, computed by hand (the values against
tf_keras 2.21 are in tests/keras/test_feature_layers.py)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk
from trainkit.feature_column import serialization
from trainkit.feature_column.columns import FeatureCache
from trainkit.feature_column.sequence import sequence_dense

fc = tk.feature_column


def test_sparse_lengths_round_up_to_whole_steps_and_keep_empty_rows():
    """Row 0's last value sits at index 2 of steps of size 2: 2 steps; row 1 has none:
    0 (TF pads the rows after the last with zeros, and segment_max gives 0 between)."""
    col = fc.sequence_numeric_column("x", shape=2, default_value=9.0)
    sp = tk.SparseTensor([[0, 0], [0, 2], [2, 1]], [1.0, 2.0, 3.0], [4, 4])
    values, length = sequence_dense(col, FeatureCache({"x": sp}))
    with tk.Session() as sess:
        v, n = sess.run([values, length])
    assert n.tolist() == [2, 0, 1, 0]
    np.testing.assert_array_equal(v[0], [[1, 9], [2, 9]])
    np.testing.assert_array_equal(v[2], [[9, 3], [9, 9]])


def test_dense_ids_lengths_end_at_the_last_present_step():
    """Dense strings: '' marks an absent step, a gap inside the sequence counts."""
    words = fc.sequence_categorical_column_with_hash_bucket("w", 10)
    feats = {"w": tk.constant([["a", "", "c"], ["", "b", ""], ["", "", ""]])}
    values, length = sequence_dense(fc.indicator_column(words), FeatureCache(feats))
    with tk.Session() as sess:
        v, n = sess.run([values, length])
    assert n.tolist() == [3, 2, 0]
    assert v.shape == (3, 3, 10)
    assert v.sum(axis=2).tolist() == [[1, 0, 1], [0, 1, 0], [0, 0, 0]]


def test_sequence_columns_serialize_and_refuse_dense_use():
    col = fc.embedding_column(fc.sequence_categorical_column_with_identity("ids", 4), 3)
    config = serialization.serialize_feature_column(col)
    assert config["config"]["categorical_column"]["class_name"] == \
        "SequenceCategoricalColumn"
    assert serialization.deserialize_feature_column(config) == col
    with pytest.raises(ValueError, match="must not be of type SequenceCategoricalColumn"):
        fc.input_layer({"ids": tk.constant([[1, 2]], tk.int64)}, [col])
    with pytest.raises(TypeError, match="Input must be a SparseTensor"):
        sequence_dense(fc.sequence_numeric_column("x"), FeatureCache({"x": [[1.0]]}))


def test_parse_spec_of_sequence_columns_is_tf2s():
    """Differs from TF (compat.v1 refuses sequence columns): the spec TF 2.21's
    ``tf.feature_column.make_parse_example_spec`` gives, a VarLenFeature per column."""
    spec = fc.make_parse_example_spec([
        fc.sequence_numeric_column("r", shape=2, dtype=tk.float64),
        fc.embedding_column(fc.sequence_categorical_column_with_identity("w", 4), 2),
        fc.indicator_column(fc.sequence_categorical_column_with_vocabulary_list("v", ["a"]))])
    assert sorted((k, type(v).__name__, v.dtype.name) for k, v in spec.items()) == [
        ("r", "VarLenFeature", "float64"), ("v", "VarLenFeature", "string"),
        ("w", "VarLenFeature", "int64")]


def test_vocabulary_file_sequence_ids(tmp_path):
    """Each step looked up in the file's vocabulary (line order), OOV steps hashed into
    the bucket after it, missing steps -1; the length ends at the last present step."""
    vocab = tmp_path / "words.txt"
    vocab.write_text("red\ngreen\nblue\n")
    col = fc.sequence_categorical_column_with_vocabulary_file("w", str(vocab),
                                                              num_oov_buckets=1)
    cache = FeatureCache({"w": tk.constant([["blue", "pink", ""], ["", "red", ""]])})
    ids, length = col.ids(cache), col.sequence_length(cache)
    with tk.Session() as sess:
        sess.run(tk.tables_initializer())
        got_ids, got_length = sess.run([ids, length])
    assert got_ids.tolist() == [[2, 3, -1], [-1, 0, -1]] and got_length.tolist() == [2, 2]
