"""parse_example / parse_single_example against hand-built Example protos (TF1 semantics:
required features, defaults, VarLen -> SparseTensor [batch, max_len], typed errors)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tf
from trainkit import errors


def _ex(**feats):
    f = {}
    for k, v in feats.items():
        if isinstance(v, list) and v and isinstance(v[0], bytes):
            f[k] = tf.train.Feature(bytes_list=tf.train.BytesList(value=v))
        elif isinstance(v, list) and v and isinstance(v[0], float):
            f[k] = tf.train.Feature(float_list=tf.train.FloatList(value=v))
        else:
            f[k] = tf.train.Feature(int64_list=tf.train.Int64List(value=v))
    return tf.train.Example(features=tf.train.Features(feature=f)).SerializeToString()


SPEC = {"label": tf.FixedLenFeature([], tf.int64),
        "xy": tf.FixedLenFeature([2], tf.float32, default_value=[-1.0, -1.0]),
        "name": tf.FixedLenFeature([], tf.string, default_value=""),
        "tags": tf.VarLenFeature(tf.int64)}


def test_parse_example_batch():
    recs = [_ex(label=[1], xy=[0.5, 1.5], name=[b"a"], tags=[4, 5, 6]),
            _ex(label=[2], tags=[])]
    out = tf.parse_example(tf.constant(recs), SPEC)
    assert out["xy"].shape.as_list() == [2, 2] and isinstance(out["tags"], tf.SparseTensor)
    with tf.Session() as sess:
        r = sess.run(out)
    np.testing.assert_array_equal(r["label"], [1, 2])
    np.testing.assert_array_equal(r["xy"], [[0.5, 1.5], [-1.0, -1.0]])
    assert list(r["name"]) == [b"a", b""]
    np.testing.assert_array_equal(r["tags"].indices, [[0, 0], [0, 1], [0, 2]])
    np.testing.assert_array_equal(r["tags"].values, [4, 5, 6])
    np.testing.assert_array_equal(r["tags"].dense_shape, [2, 3])


def test_parse_single_example_and_sequence_feature():
    rec = _ex(label=[3], tags=[9, 8], seq=[1.0, 2.0, 3.0, 4.0])
    out = tf.io.parse_single_example(rec, {
        "label": tf.FixedLenFeature([], tf.int64), "tags": tf.VarLenFeature(tf.int64),
        "seq": tf.io.FixedLenSequenceFeature([2], tf.float32, allow_missing=True)})
    with tf.Session() as sess:
        r = sess.run(out)
    assert r["label"] == 3
    np.testing.assert_array_equal(r["tags"].indices, [[0], [1]])
    np.testing.assert_array_equal(r["tags"].dense_shape, [2])
    np.testing.assert_array_equal(r["seq"], [[1, 2], [3, 4]])


def test_run_time_errors():
    x = tf.placeholder(tf.string, [None])
    out = tf.parse_example(x, SPEC)
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError, match="label .*required"):
            sess.run(out, {x: [_ex(xy=[1.0, 2.0])]})
        with pytest.raises(errors.InvalidArgumentError, match="Data types don't match"):
            sess.run(out, {x: [_ex(label=[1.0])]})
        with pytest.raises(errors.InvalidArgumentError, match="Values size: 3"):
            sess.run(out, {x: [_ex(label=[1], xy=[1.0, 2.0, 3.0])]})
        with pytest.raises(errors.InvalidArgumentError, match="parse"):
            sess.run(out, {x: [b"\x0a\x09garbage"]})


def test_graph_time_errors():
    s = tf.constant([b""])
    with pytest.raises(ValueError, match="Missing"):
        tf.parse_example(s, {})
    with pytest.raises(ValueError, match="Unsupported dtype"):
        tf.parse_example(s, {"a": tf.FixedLenFeature([], tf.int32)})
    with pytest.raises(ValueError, match="reshape"):
        tf.parse_example(s, {"a": tf.FixedLenFeature([3], tf.int64, default_value=1)})
    with pytest.raises(ValueError, match="allow_missing"):
        tf.parse_example(s, {"a": tf.FixedLenSequenceFeature([], tf.int64)})
    with pytest.raises(ValueError, match="scalar"):
        tf.parse_single_example(s, {"a": tf.VarLenFeature(tf.int64)})


def test_parse_example_survives_meta_graph_export():
    """A graph holding the parse op exports and re-imports (a SavedModel's serving graph),
    defaults included: a non-ASCII string default and a float vector default."""
    spec = dict(SPEC, name=tf.FixedLenFeature([], tf.string, default_value="é\x00z"),
                seq=tf.FixedLenSequenceFeature([], tf.int64, allow_missing=True,
                                               default_value=7))
    recs = [_ex(label=[1], xy=[0.5, 1.5], tags=[4], seq=[1, 2]), _ex(label=[2])]
    with tf.Graph().as_default():
        s = tf.placeholder(tf.string, [None], name="s")
        out = tf.parse_example(s, spec)
        for k in ("label", "xy", "name", "seq"):
            tf.identity(out[k], name=f"out_{k}")
        meta = tf.train.export_meta_graph()
    with tf.Graph().as_default() as g, tf.Session() as sess:
        tf.train.import_meta_graph(meta)
        r = sess.run({k: g.get_tensor_by_name(f"out_{k}:0")
                      for k in ("label", "xy", "name", "seq")}, {"s:0": recs})
    np.testing.assert_array_equal(r["label"], [1, 2])
    np.testing.assert_array_equal(r["xy"], [[0.5, 1.5], [-1.0, -1.0]])
    assert list(r["name"]) == ["é\x00z".encode(), "é\x00z".encode()]
    np.testing.assert_array_equal(r["seq"], [[1, 2], [7, 7]])
