"""make_parse_example_spec, categorical_column_with_vocabulary_file, and feature columns
fed from parse_example's SparseTensors: the spec and the input layer equal to TF 2.21
(tf.compat.v1, the same columns and Examples; recorded below)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

fc = tk.feature_column


def _example(age, city, h, ids, w):
    t = tk.train
    f = {"age": t.Feature(float_list=t.FloatList(value=age)),
         "city": t.Feature(bytes_list=t.BytesList(value=city)),
         "h": t.Feature(float_list=t.FloatList(value=h)),
         "ids": t.Feature(int64_list=t.Int64List(value=ids)),
         "w": t.Feature(bytes_list=t.BytesList(value=w))}
    return t.Example(features=t.Features(feature=f)).SerializeToString()


def test_parse_spec_and_sparse_features_equal_tf(tmp_path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("apple\nbanana\ncherry\n")
    city = fc.categorical_column_with_vocabulary_file("city", str(vocab), num_oov_buckets=2)
    age = fc.numeric_column("age", shape=(2,), default_value=0.)
    b = fc.bucketized_column(fc.numeric_column("h"), [1., 2.])
    ids = fc.categorical_column_with_identity("ids", 5)
    cols = [age, fc.indicator_column(city), b, fc.embedding_column(ids, 2),
            fc.crossed_column(["w", ids], 10)]
    spec = fc.make_parse_example_spec(cols)
    got = sorted((k, type(v).__name__, v.dtype.name, str(getattr(v, "shape", None)))
                 for k, v in spec.items())
    assert got == [("age", "FixedLenFeature", "float32", "(2,)"),       # TF 2.21
                   ("city", "VarLenFeature", "string", "None"),
                   ("h", "FixedLenFeature", "float32", "(1,)"),
                   ("ids", "VarLenFeature", "int64", "None"),
                   ("w", "VarLenFeature", "string", "None")]
    ser = [_example([1., 2.], [b"banana", b"kiwi"], [1.5], [3], [b"q"]),
           _example([3., 4.], [b"apple"], [0.5], [0, 4], [b"r", b"s"])]
    feats = tk.parse_example(ser, spec)
    out = fc.input_layer(feats, [age, fc.indicator_column(city), b,
                                 fc.embedding_column(ids, 2, initializer=tk.ones_initializer()),
                                 fc.indicator_column(fc.crossed_column(["w", ids], 10))])
    with tk.Session() as sess:
        sess.run(tk.tables_initializer())
        sess.run(tk.global_variables_initializer())
        v = sess.run(out)
    np.testing.assert_allclose(v, [  # TF 2.21
        [1., 2., 0., 1., 0., 0., 1., 0., 1., 0., 0., 0., 0., 0., 1., 0., 0., 0., 0., 0., 1., 1.],
        [3., 4., 1., 0., 0., 0., 0., 1., 0., 0., 0., 0., 0., 1., 1., 1., 1., 0., 0., 0., 1., 1.]])


def test_spec_conflicts_and_bad_vocabulary_file(tmp_path):
    with pytest.raises(ValueError, match="different parse_spec"):
        fc.make_parse_example_spec([fc.numeric_column("a"), fc.numeric_column("a", shape=2)])
    with pytest.raises(ValueError, match="Missing vocabulary_file"):
        fc.categorical_column_with_vocabulary_file("x", "")
