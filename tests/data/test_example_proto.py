"""tf.train.Example messages in protobuf wire format. The reference bytes were produced
once with tensorflow 2.21's example_pb2 (``SerializeToString(deterministic=True)``) for
the same message; trainkit must produce and parse exactly these bytes."""

from __future__ import annotations

import pytest

import trainkit as tf
from trainkit.data.example_proto import DecodeError

TF_BYTES = bytes.fromhex(
    "0a450a160a016112111a0f0a0d01feffffffffffffffff01ac020a110a0162120c120a0a080000c03f"
    "000000400a0c0a016312070a050a01780a000a0a0a016412051a030a0107")


def _example():
    ex = tf.train.Example(features=tf.train.Features(feature={
        "a": tf.train.Feature(int64_list=tf.train.Int64List(value=[1, -2, 300])),
        "b": tf.train.Feature(float_list=tf.train.FloatList(value=[1.5, 2])),
        "c": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"x", b""]))}))
    ex.features.feature["d"].int64_list.value.append(7)  # the protobuf map idiom
    return ex


def test_serializes_to_tf_bytes_and_parses_back():
    ex = _example()
    assert ex.SerializeToString() == TF_BYTES
    back = tf.train.Example.FromString(TF_BYTES)
    assert back == ex
    f = back.features.feature
    assert list(f["a"].int64_list.value) == [1, -2, 300]
    assert list(f["b"].float_list.value) == [1.5, 2.0]
    assert f["c"].WhichOneof("kind") == "bytes_list" and f["d"].HasField("int64_list")
    other = tf.train.Example()
    other.ParseFromString(TF_BYTES)
    assert other == ex


def test_unpacked_repeated_fields_are_read():
    # FloatList{value: 1.0, value: 2.0} written unpacked: tag 0x0d + fixed32, twice
    unpacked = bytes.fromhex("0d0000803f0d00000040")
    assert list(tf.train.FloatList.FromString(unpacked).value) == [1.0, 2.0]
    assert list(tf.train.Int64List.FromString(bytes.fromhex("08030805")).value) == [3, 5]


def test_type_errors_like_protobuf():
    with pytest.raises(TypeError, match="bytes"):
        tf.train.BytesList(value=["text"])
    with pytest.raises(TypeError, match="int"):
        tf.train.Int64List(value=[1.5])
    with pytest.raises(TypeError):
        tf.train.FloatList(value=["1"])
    with pytest.raises(ValueError, match="out of range"):
        tf.train.Int64List(value=[1 << 63])
    with pytest.raises(TypeError, match="Features"):
        tf.train.Example(features={"a": 1})
    with pytest.raises(DecodeError):
        tf.train.Example.FromString(b"\x0a\x05\x01")
