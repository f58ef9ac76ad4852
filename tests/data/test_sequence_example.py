"""tf.train.SequenceExample in protobuf wire format and its parsing ops. The reference
bytes were produced once with TF 2.21's example_pb2 (``SerializeToString(
deterministic=True)``) for the same messages, and the parsed values and error kinds are
those TF 2.21's ``tf.compat.v1.io.parse_(single_)sequence_example`` gave for them."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tf
from trainkit.data.example_proto import DecodeError

T = tf.train
TF_B1 = bytes.fromhex(
    "0a2f0a0c0a02696412060a040a0261620a0c0a036c656e12051a030a01030a110a0177120c120a0a0800"
    "00003f0000c03f126f0a1c0a03746f6b12150a051a030a01010a051a030a01020a051a030a01030a1c0a"
    "0376617212150a080a060a01610a01620a020a000a050a030a01630a310a03766563122a0a0c120a0a08"
    "0000803f000000400a0c120a0a0800004040000080400a0c120a0a080000a0400000c040")
TF_B2 = bytes.fromhex(
    "0a0e0a0c0a036c656e12051a030a0101123d0a090a05656d70747912000a0e0a03746f6b12070a051a03"
    "0a01090a090a0376617212020a000a150a03766563120e0a0c120a0a080000e04000000041")


def _feature_list(kind, rows):
    out = T.FeatureList()
    for r in rows:
        getattr(out.feature.add(), kind).value.extend(r)
    return out


def _first():
    return T.SequenceExample(
        context=T.Features(feature={
            "len": T.Feature(int64_list=T.Int64List(value=[3])),
            "w": T.Feature(float_list=T.FloatList(value=[0.5, 1.5])),
            "id": T.Feature(bytes_list=T.BytesList(value=[b"ab"]))}),
        feature_lists=T.FeatureLists(feature_list={
            "tok": _feature_list("int64_list", [[1], [2], [3]]),
            "vec": _feature_list("float_list", [[1, 2], [3, 4], [5, 6]]),
            "var": _feature_list("bytes_list", [[b"a", b"b"], [], [b"c"]])}))


def _second():
    s = T.SequenceExample()
    s.context.feature["len"].int64_list.value.append(1)
    s.feature_lists.feature_list["tok"].feature.add().int64_list.value.append(9)
    s.feature_lists.feature_list["empty"]  # noqa: B018  (reading a map key adds it)
    s.feature_lists.feature_list["vec"].feature.add().float_list.value.extend([7, 8])
    s.feature_lists.feature_list["var"].feature.add()
    return s


def test_serializes_to_tf_bytes_and_parses_back():
    assert _first().SerializeToString() == TF_B1
    assert _second().SerializeToString() == TF_B2
    back = T.SequenceExample.FromString(TF_B1)
    assert back == _first() and back.SerializeToString() == TF_B1
    steps = back.feature_lists.feature_list["var"].feature
    assert [list(f.bytes_list.value) for f in steps] == [[b"a", b"b"], [], [b"c"]]
    assert steps[1].WhichOneof("kind") == "bytes_list"  # extend([]) set the oneof
    assert list(back.context.feature["w"].float_list.value) == [0.5, 1.5]
    other = T.SequenceExample()
    other.ParseFromString(TF_B2)
    assert other == _second() and other.SerializeToString() == TF_B2


def test_presence_of_empty_parts_as_protobuf():
    assert T.SequenceExample().SerializeToString() == b""
    set_empty = T.SequenceExample(context=T.Features())
    assert set_empty.SerializeToString() == bytes.fromhex("0a00")
    assert set_empty.HasField("context") and not set_empty.HasField("feature_lists")
    s = T.SequenceExample()
    s.feature_lists.feature_list["e"].feature.add()
    assert s.SerializeToString() == bytes.fromhex("12090a070a016512020a00")
    assert T.SequenceExample.FromString(bytes.fromhex("0a00")).HasField("context")


def test_proto_type_checks_and_decode_errors():
    fl = T.FeatureList()
    with pytest.raises(TypeError):
        fl.feature.append(3)
    with pytest.raises(TypeError):
        T.FeatureLists(feature_list={"a": T.Feature()})
    with pytest.raises(TypeError):
        T.SequenceExample(context=T.FeatureLists())
    with pytest.raises(DecodeError):
        T.SequenceExample.FromString(b"\x0a\x05\x01")
    f = T.Feature()
    f.float_list.value.append(1.0)
    f.int64_list.value.append(2)  # filling another kind switches the oneof
    assert f.WhichOneof("kind") == "int64_list" and list(f.float_list.value) == []


CONTEXT = {"len": tf.FixedLenFeature([], tf.int64),
           "w": tf.FixedLenFeature([2], tf.float32, default_value=[9.0, 8.0]),
           "id": tf.VarLenFeature(tf.string),
           "dflt": tf.FixedLenFeature([], tf.float32, default_value=-1.0)}
SEQUENCE = {"tok": tf.FixedLenSequenceFeature([], tf.int64),
            "vec": tf.FixedLenSequenceFeature([2], tf.float32),
            "var": tf.VarLenFeature(tf.string),
            "miss": tf.FixedLenSequenceFeature([], tf.int64, allow_missing=True)}


def _sparse(v):
    return v.indices.tolist(), v.values.tolist(), v.dense_shape.tolist()


def test_parse_single_sequence_example_as_tf():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.string, [])
        c, f = tf.io.parse_single_sequence_example(p, CONTEXT, SEQUENCE, example_name="ex1")
        assert c["w"].shape.as_list() == [2] and f["vec"].shape.as_list() == [None, 2]
        assert f["tok"].shape.as_list() == [None] and c["len"].shape.as_list() == []
        with tf.Session() as s:
            c1, f1 = s.run([c, f], {p: TF_B1})
            c2, f2 = s.run([c, f], {p: TF_B2})
    assert c1["len"] == 3 and c1["w"].tolist() == [0.5, 1.5] and c1["dflt"] == -1.0
    assert _sparse(c1["id"]) == ([[0]], [b"ab"], [1])
    assert f1["tok"].tolist() == [1, 2, 3] and f1["tok"].dtype == np.int64
    assert f1["vec"].tolist() == [[1, 2], [3, 4], [5, 6]] and f1["vec"].dtype == np.float32
    assert f1["miss"].shape == (0,)
    assert _sparse(f1["var"]) == ([[0, 0], [0, 1], [2, 0]], [b"a", b"b", b"c"], [3, 2])
    assert c2["w"].tolist() == [9.0, 8.0] and _sparse(c2["id"]) == ([], [], [0])
    assert f2["tok"].tolist() == [9] and f2["vec"].tolist() == [[7, 8]]
    assert _sparse(f2["var"]) == ([], [], [1, 0])


def test_parse_sequence_example_batches_and_lengths_as_tf():
    with tf.Graph().as_default():
        pb = tf.placeholder(tf.string, [None])
        c, f, n = tf.io.parse_sequence_example(pb, CONTEXT, SEQUENCE)
        assert sorted(n) == ["miss", "tok", "vec"]
        assert f["vec"].shape.as_list() == [None, None, 2] and n["tok"].shape.as_list() == [None]
        with tf.Session() as s:
            c, f, n = s.run([c, f, n], {pb: [TF_B1, TF_B2]})
    assert c["len"].tolist() == [3, 1] and c["dflt"].tolist() == [-1.0, -1.0]
    assert c["w"].tolist() == [[0.5, 1.5], [9.0, 8.0]]
    assert _sparse(c["id"]) == ([[0, 0]], [b"ab"], [2, 1])
    assert f["tok"].tolist() == [[1, 2, 3], [9, 0, 0]]
    assert f["vec"].tolist() == [[[1, 2], [3, 4], [5, 6]], [[7, 8], [0, 0], [0, 0]]]
    assert f["miss"].shape == (2, 0)
    assert _sparse(f["var"]) == ([[0, 0, 0], [0, 0, 1], [0, 2, 0]], [b"a", b"b", b"c"],
                                 [2, 3, 2])
    assert n["tok"].tolist() == [3, 1] and n["vec"].tolist() == [3, 1]
    assert n["miss"].tolist() == [0, 0] and n["tok"].dtype == np.int64


def test_top_level_name_and_string_padding():
    assert tf.parse_single_sequence_example is tf.io.parse_single_sequence_example
    s = T.SequenceExample()
    s.feature_lists.feature_list["w"].feature.add().bytes_list.value.append(b"x")
    with tf.Graph().as_default():
        _, f, n = tf.io.parse_sequence_example(
            [s.SerializeToString(), TF_B2], None,
            {"w": tf.FixedLenSequenceFeature([], tf.string, allow_missing=True)})
        with tf.Session() as sess:
            f, n = sess.run([f, n])
    assert f["w"].tolist() == [[b"x"], [b""]] and n["w"].tolist() == [1, 0]


@pytest.mark.parametrize("context,sequence,match", [
    ({"nope": tf.FixedLenFeature([], tf.int64)}, {}, "is required but could not be found"),
    ({}, {"nope": tf.FixedLenSequenceFeature([], tf.int64)},
     "Feature list 'nope' is required"),
    ({"len": tf.FixedLenFeature([], tf.float32)}, {},
     "Context feature: len.  Data types don't match. Expected type: float"),
    ({}, {"tok": tf.FixedLenSequenceFeature([], tf.string)},
     "Feature list: tok, Index: 0.  Data types don't match. Expected type: string"),
    ({"w": tf.FixedLenFeature([3], tf.float32)}, {}, "Values size: 2"),
    ({}, {"vec": tf.FixedLenSequenceFeature([3], tf.float32)},
     "Key: vec, Index: 0.  Number of values != expected.  values size: 2"),
    ({}, {"var": tf.VarLenFeature(tf.int64)}, "Feature list: var, Index: 0.  Data types"),
])
def test_bad_records_are_invalid_argument(context, sequence, match):
    with tf.Graph().as_default():
        p = tf.placeholder(tf.string, [])
        out = tf.io.parse_single_sequence_example(p, context, sequence, example_name="ex9")
        with tf.Session() as s:
            with pytest.raises(tf.errors.InvalidArgumentError, match=match):
                s.run(out, {p: TF_B1})


def test_garbage_and_batch_names():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.string, [])
        _, f = tf.io.parse_single_sequence_example(p, None, SEQUENCE, example_name="ex1")
        pb = tf.placeholder(tf.string, [None])
        _, fb, _ = tf.io.parse_sequence_example(
            pb, None, {"tok": tf.FixedLenSequenceFeature([], tf.int64)},
            example_names=["a", "b"])
        with tf.Session() as s:
            with pytest.raises(tf.errors.InvalidArgumentError, match="example id: ex1"):
                s.run(f, {p: b"\xff\xff"})
            with pytest.raises(tf.errors.InvalidArgumentError, match="Name: b, Feature list"):
                s.run(fb, {pb: [TF_B1, b""]})


def test_bad_specs_are_value_errors():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.string, [])
        with pytest.raises(ValueError, match="Unsupported FixedLenFeature"):
            tf.io.parse_single_sequence_example(p, {}, {"t": tf.FixedLenFeature([], tf.int64)})
        with pytest.raises(ValueError, match="Unsupported FixedLenSequenceFeature"):
            tf.io.parse_single_sequence_example(
                p, {"t": tf.FixedLenSequenceFeature([], tf.int64, allow_missing=True)}, {})
        with pytest.raises(ValueError, match=r"dense_defaults\[t\] must be None"):
            tf.io.parse_single_sequence_example(p, {}, {"t": tf.FixedLenSequenceFeature(
                [], tf.int64, allow_missing=True, default_value=3)})
        with pytest.raises(ValueError, match="at least one"):
            tf.io.parse_single_sequence_example(p, None, None)
        with pytest.raises(ValueError, match="must be a scalar"):
            tf.io.parse_single_sequence_example(tf.placeholder(tf.string, [None]),
                                                {"a": tf.FixedLenFeature([], tf.int64)})
        with pytest.raises(ValueError, match="dtype"):
            tf.io.parse_single_sequence_example(p, {"a": tf.FixedLenFeature([], tf.int32)})
