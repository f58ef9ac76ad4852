"""``tf.io.serialize_tensor`` / ``parse_tensor`` and ``tf.make_tensor_proto`` /
``make_ndarray``: the bytes below are TF 2.21's (``tf.compat.v1``) for the same values,
and so are the two run-time error messages."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tk

VALUES = [np.float32(2.5), np.arange(6, dtype=np.float32).reshape(2, 3),
          np.full((2, 2), 7, np.int64), np.array([b"ab", b"c"]), np.array([True, False]),
          np.zeros((0, 3), np.float32), np.array(3, np.int32)]
TF_SERIALIZED = [
    "08011200220400002040",
    "0801120812020802120208032218000000000000803f0000004000004040000080400000a040",
    "08091208120208021202080222200700000000000000070000000000000007000000000000000700000000"
    "000000",
    "080712041202080242026162420163",
    "080a12041202080222020100",
    "08011206120012020803",
    "08031200220403000000"]
TF_PROTOS = [
    (np.arange(6, dtype=np.float32).reshape(2, 3),
     "0801120812020802120208032218000000000000803f0000004000004040000080400000a040"),
    (3.0, "080112002a0400004040"),
    ([1, 2, 3], "0803120412020803220c010000000200000003000000"),
    (np.array([b"x"]), "0807120412020801420178")]


def test_serialized_bytes_are_tf_bytes_and_parse_back():
    with tk.Graph().as_default():
        ser = [tk.io.serialize_tensor(v) for v in VALUES]
        with tk.Session() as s:
            out = s.run(ser)
            assert [o.hex() for o in out] == TF_SERIALIZED
            for v, o in zip(VALUES, out):
                dt = tk.as_dtype(v.dtype) if v.dtype.kind != "S" else tk.string
                back = s.run(tk.io.parse_tensor(o, dt))
                assert back.shape == v.shape
                assert back.tolist() == v.tolist()


def test_parse_errors_are_tfs():
    with tk.Graph().as_default():
        f = tk.io.serialize_tensor(np.ones(2, np.float32))
        with tk.Session() as s:
            with pytest.raises(tk.errors.InvalidArgumentError,
                               match=r"Type mismatch between parsed tensor \(float\) and "
                                     r"dtype \(int32\)"):
                s.run(tk.parse_tensor(f, tk.int32))
            with pytest.raises(tk.errors.InvalidArgumentError,
                               match="Could not parse `serialized` as TensorProto, base64: "
                                     "//8="):
                s.run(tk.io.parse_tensor(b"\xff\xff", tk.int32))


def test_make_tensor_proto_bytes_and_make_ndarray():
    for value, want in TF_PROTOS:
        assert tk.make_tensor_proto(value).SerializeToString().hex() == want
    filled = tk.make_tensor_proto(1.5, shape=[2, 2])
    assert filled.SerializeToString().hex() == "0801120812020802120208022a040000c03f"
    assert tk.make_ndarray(filled).tolist() == [[1.5, 1.5], [1.5, 1.5]]
    assert tk.make_tensor_proto([1, 2], dtype=tk.float64).SerializeToString().hex() == \
        "08021204120208022210000000000000f03f0000000000000040"
    arr = np.arange(6, dtype=np.int32).reshape(2, 3)
    assert tk.make_ndarray(tk.make_tensor_proto(arr)).tolist() == arr.tolist()
    with pytest.raises(TypeError, match="Expected Tensor's shape"):
        tk.make_tensor_proto(arr, shape=[3, 2], verify_shape=True)
    with pytest.raises(ValueError, match="Too many elements"):
        tk.make_tensor_proto([1, 2, 3], shape=[2])
