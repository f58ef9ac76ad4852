"""Tests for trainkit.training.checkpoint_format: round trips, corruption, atomicity, no pickle."""

from __future__ import annotations

import json
import os
import pickle
import zlib

import numpy as np
import pytest

from trainkit import errors
from trainkit.training import checkpoint_format as cf

ALL_VALUES = {
    "float16": np.array([0.0, -0.0, 1.5, np.inf, -np.inf, 65504.0, 6e-8], np.float16),
    "float32": np.array([[1.0, -2.5], [np.finfo(np.float32).tiny, 3.4e38]], np.float32),
    "float64": np.array([np.pi, -1e-310, 1e308], np.float64),
    "int8": np.array([-128, 0, 127], np.int8),
    "int16": np.array([-32768, 32767], np.int16),
    "int32": np.array([-(2**31), 2**31 - 1], np.int32),
    "int64": np.array([-(2**63), 2**63 - 1, 7], np.int64),
    "uint8": np.array([0, 255], np.uint8),
    "uint16": np.array([0, 65535], np.uint16),
    "uint32": np.array([0, 2**32 - 1], np.uint32),
    "uint64": np.array([0, 2**64 - 1], np.uint64),
    "bool": np.array([[True, False, True]]),
    "string": np.array([b"", b"a\x00b", "é".encode(), b"\xff" * 300], dtype=object),
}


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    if a.dtype == object:
        return a.shape == b.shape and all(x == y for x, y in zip(a.ravel(), b.ravel()))
    return (a.dtype == b.dtype and a.shape == b.shape
            and a.tobytes() == np.ascontiguousarray(b).tobytes())


def _canonical_crc(body: dict) -> int:
    return zlib.crc32(json.dumps(body, sort_keys=True, separators=(",", ":"),
                                 ensure_ascii=False).encode("utf-8"))


def _write_index(prefix: str, body: dict) -> None:
    doc = dict(body, index_crc32=_canonical_crc(body))
    with open(prefix + ".index", "w", encoding="utf-8") as f:
        json.dump(doc, f)


@pytest.mark.parametrize("dtype", cf.DTYPE_NAMES)
def test_every_dtype_round_trips_bitwise(tmp_path, dtype):
    value = ALL_VALUES[dtype]
    prefix = str(tmp_path / "m")
    cf.write_checkpoint(prefix, {"x": value, "scalar": value.reshape(-1)[:1].reshape(()),
                                 "empty": value.reshape(-1)[:0].reshape(0, 2, 0)})
    out = cf.read_checkpoint(prefix)
    assert sorted(out) == ["empty", "scalar", "x"]
    assert _same_bits(out["x"], value)
    assert _same_bits(out["scalar"], value.reshape(-1)[:1].reshape(()))
    assert out["empty"].shape == (0, 2, 0)
    assert out["x"].flags.writeable and out["x"].dtype.isnative


def test_nan_payloads_survive(tmp_path):
    bits = np.array([0x7FC00001, 0xFFC12345, 0x7F800001], np.uint32)
    cf.write_checkpoint(str(tmp_path / "m"), {"n": bits.view(np.float32)})
    assert cf.read_checkpoint(str(tmp_path / "m"))["n"].view(np.uint32).tolist() == \
        bits.tolist()


def test_non_contiguous_and_big_endian_inputs(tmp_path):
    base = np.arange(24, dtype=np.float64).reshape(4, 6)
    strided = base[::2, ::-3]  # shape (2, 2): [[5, 2], [17, 14]]
    big = np.array([1, 256, -2], dtype=">i4")
    cf.write_checkpoint(str(tmp_path / "m"), {"s": strided, "b": big, "t": base.T})
    out = cf.read_checkpoint(str(tmp_path / "m"))
    np.testing.assert_array_equal(out["s"], [[5.0, 2.0], [17.0, 14.0]])
    assert out["b"].dtype == np.dtype("int32") and out["b"].tolist() == [1, 256, -2]
    np.testing.assert_array_equal(out["t"], base.T)


def test_string_inputs_are_stored_as_bytes(tmp_path):
    cf.write_checkpoint(str(tmp_path / "m"), {"u": np.array(["hé", "x"]),
                                              "s": np.array([b"ab", b"c"]),
                                              "o": np.array([["q"]], dtype=object)})
    out = cf.read_checkpoint(str(tmp_path / "m"))
    assert out["u"].tolist() == ["hé".encode(), b"x"] and out["u"].dtype == object
    assert out["s"].tolist() == [b"ab", b"c"]
    assert out["o"].tolist() == [[b"q"]]


def test_file_layout_matches_the_documented_format(tmp_path):
    prefix = str(tmp_path / "model.ckpt-7")
    cf.write_checkpoint(prefix, {"b": np.array([1.0, 2.0], np.float32),
                                 "a": np.array([b"hi", b""], dtype=object)})
    data = open(prefix + ".data-00000-of-00001", "rb").read()
    a_bytes = (2).to_bytes(8, "little") + b"hi" + (0).to_bytes(8, "little")
    b_bytes = b"\x00\x00\x80?\x00\x00\x00@"  # 1.0f, 2.0f little-endian
    assert data == a_bytes + b"\0" * (64 - len(a_bytes)) + b_bytes
    doc = json.loads(open(prefix + ".index", encoding="utf-8").read())
    crc = doc.pop("index_crc32")
    assert crc == _canonical_crc(doc)
    assert doc == {
        "format": "trainkit-checkpoint", "version": 1, "checksum": "crc32",
        "data_file": "model.ckpt-7.data-00000-of-00001", "data_size": 72,
        "tensors": {
            "a": {"dtype": "string", "shape": [2], "offset": 0, "length": 18,
                  "crc32": zlib.crc32(a_bytes)},
            "b": {"dtype": "float32", "shape": [2], "offset": 64, "length": 8,
                  "crc32": zlib.crc32(b_bytes)}}}


def test_read_subset_and_missing_name(tmp_path):
    prefix = str(tmp_path / "m")
    cf.write_checkpoint(prefix, {"a": np.zeros(2), "b": np.ones(3)})
    assert list(cf.read_checkpoint(prefix, names=["b"])) == ["b"]
    with pytest.raises(errors.NotFoundError, match="Key nope not found"):
        cf.read_checkpoint(prefix, names=["a", "nope"])


def test_meta_round_trip_and_corruption(tmp_path):
    prefix = str(tmp_path / "m")
    cf.write_checkpoint(prefix, {"a": np.zeros(1)}, meta={"step": 3, "lr": [0.5, 1e-300]})
    assert cf.read_meta(prefix) == {"step": 3, "lr": [0.5, 1e-300]}
    assert cf.read_meta(str(tmp_path / "other")) is None
    text = open(prefix + ".meta", encoding="utf-8").read()
    open(prefix + ".meta", "w", encoding="utf-8").write(text.replace('"step": 3', '"step": 4'))
    with pytest.raises(errors.DataLossError, match=r"m\.meta.*checksum mismatch"):
        cf.read_meta(prefix)
    with pytest.raises(TypeError, match="not JSON-serializable"):
        cf.write_checkpoint(prefix, {}, meta={"f": object()})


# ----------------------------------------------------------------------------- bad input

def test_unsupported_dtypes_and_names(tmp_path):
    prefix = str(tmp_path / "m")
    with pytest.raises(TypeError, match=r"Tensor 'c' has dtype complex64"):
        cf.write_checkpoint(prefix, {"c": np.zeros(2, np.complex64)})
    with pytest.raises(TypeError, match=r"Tensor 'u' has dtype datetime64"):
        cf.write_checkpoint(prefix, {"u": np.zeros(2, "datetime64[s]")})
    with pytest.raises(TypeError, match=r"String tensor 's' holds int value 3"):
        cf.write_checkpoint(prefix, {"s": np.array([b"a", 3], dtype=object)})
    with pytest.raises(ValueError, match="non-empty strings, got ''"):
        cf.write_checkpoint(prefix, {"": np.zeros(1)})
    with pytest.raises(ValueError, match="Parent directory of .*nodir.* doesn't exist"):
        cf.write_checkpoint(str(tmp_path / "nodir" / "m"), {"a": np.zeros(1)})
    assert os.listdir(tmp_path) == []  # nothing half-written


def test_not_a_checkpoint_is_value_error(tmp_path):
    with pytest.raises(ValueError, match="not a valid checkpoint: .*missing"):
        cf.read_checkpoint(str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="not a valid checkpoint"):
        cf.read_index(str(tmp_path))
    (tmp_path / "x.data-00000-of-00001").write_bytes(b"data without index")
    with pytest.raises(ValueError, match="not a valid checkpoint"):
        cf.verify_checkpoint(str(tmp_path / "x"))


# ----------------------------------------------------------------------------- corruption

@pytest.fixture
def ckpt(tmp_path):
    prefix = str(tmp_path / "model.ckpt-1")
    cf.write_checkpoint(prefix, {"a": np.arange(10, dtype=np.int64),
                                 "b": np.full((4, 4), 2.5, np.float32),
                                 "s": np.array([b"xyz"], dtype=object)})
    return prefix


def _flip(path: str, offset: int) -> None:
    with open(path, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)
        f.seek(offset)
        f.write(bytes([byte[0] ^ 0x01]))


def test_one_corrupt_byte_names_file_and_tensor(ckpt):
    b_offset = cf.read_index(ckpt).entries["b"].offset
    _flip(ckpt + ".data-00000-of-00001", b_offset + 5)
    pattern = r"model\.ckpt-1\.data-00000-of-00001.*checksum mismatch for tensor 'b'"
    with pytest.raises(errors.DataLossError, match=pattern):
        cf.read_checkpoint(ckpt)
    with pytest.raises(errors.DataLossError, match=pattern):
        cf.verify_checkpoint(ckpt)
    assert cf.read_checkpoint(ckpt, names=["a"])["a"].tolist() == list(range(10))
    assert cf.read_checkpoint(ckpt, names=["b"], verify=False)["b"][0, 1] != 2.5  # bytes 4..7


def test_corrupt_string_tensor(ckpt):
    _flip(ckpt + ".data-00000-of-00001", cf.read_index(ckpt).entries["s"].offset + 9)
    with pytest.raises(errors.DataLossError, match="tensor 's'"):
        cf.read_checkpoint(ckpt, names=["s"])


@pytest.mark.parametrize("keep", [0, 1, 100])
def test_truncated_data_file(ckpt, keep):
    path = ckpt + ".data-00000-of-00001"
    os.truncate(path, keep)
    with pytest.raises(errors.DataLossError, match=r"data-00000-of-00001.*truncated"):
        cf.read_checkpoint(ckpt)
    with pytest.raises(errors.DataLossError, match=r"data-00000-of-00001"):
        cf.verify_checkpoint(ckpt)


def test_missing_data_file(ckpt):
    os.remove(ckpt + ".data-00000-of-00001")
    with pytest.raises(errors.DataLossError, match=r"data-00000-of-00001.*missing"):
        cf.read_checkpoint(ckpt)


@pytest.mark.parametrize("keep", [0, 1, 40, -2])
def test_truncated_index_file(ckpt, keep):
    path = ckpt + ".index"
    size = os.path.getsize(path)
    os.truncate(path, keep % size)
    with pytest.raises(errors.DataLossError, match=r"model\.ckpt-1\.index"):
        cf.read_checkpoint(ckpt)


def test_edited_index_fails_its_checksum(ckpt):
    path = ckpt + ".index"
    text = open(path, encoding="utf-8").read()
    open(path, "w", encoding="utf-8").write(text.replace('"shape": [4, 4]', '"shape": [16]'))
    with pytest.raises(errors.DataLossError, match=r"\.index.*checksum mismatch"):
        cf.read_index(ckpt)


def test_renamed_checkpoint_stays_readable(ckpt, tmp_path):
    for suffix in (".index", ".data-00000-of-00001"):
        os.rename(ckpt + suffix, str(tmp_path / "best") + suffix)
    assert cf.read_checkpoint(str(tmp_path / "best"))["b"].sum() == 40.0


# ----------------------------------------------------------------------------- no pickle

class _Boom:
    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _crafted(tmp_path, entry: dict, data: bytes) -> str:
    prefix = str(tmp_path / "evil")
    (tmp_path / "evil.data-00000-of-00001").write_bytes(data)
    _write_index(prefix, {"format": "trainkit-checkpoint", "version": 1, "checksum": "crc32",
                          "data_file": "evil.data-00000-of-00001", "data_size": len(data),
                          "tensors": {"x": dict(entry, crc32=zlib.crc32(data))}})
    return prefix


@pytest.mark.parametrize("dtype", ["object", "O", "|O", "pickle", "complex128", None])
def test_index_asking_for_pickle_or_object_is_rejected(tmp_path, dtype):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(np.array([_Boom(str(marker))], dtype=object))
    prefix = _crafted(tmp_path, {"dtype": dtype, "shape": [1], "offset": 0,
                                 "length": len(payload)}, payload)
    with pytest.raises(errors.DataLossError, match="unsupported dtype"):
        cf.read_checkpoint(prefix)
    assert not marker.exists()


def test_pickle_bytes_stored_as_string_stay_inert(tmp_path):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Boom(str(marker)))
    blob = len(payload).to_bytes(8, "little") + payload
    prefix = _crafted(tmp_path, {"dtype": "string", "shape": [], "offset": 0,
                                 "length": len(blob)}, blob)
    assert cf.read_checkpoint(prefix)["x"].item() == payload
    assert not marker.exists()


@pytest.mark.parametrize("entry, message", [
    ({"dtype": "float32", "shape": [-1], "offset": 0, "length": 8}, "malformed shape"),
    ({"dtype": "float32", "shape": [3], "offset": 0, "length": 8}, "need 12 bytes"),
    ({"dtype": "float32", "shape": [2], "offset": 4, "length": 8}, "outside the data file"),
    ({"dtype": "float32", "shape": [2], "offset": "0", "length": 8}, "malformed offset"),
    ({"dtype": "string", "shape": [2], "offset": 0, "length": 8}, "string tensor 'x'"),
])
def test_malformed_entries_are_data_loss(tmp_path, entry, message):
    prefix = _crafted(tmp_path, entry, b"\x01" * 8)
    with pytest.raises(errors.DataLossError, match=message):
        cf.read_checkpoint(prefix)


def test_bool_bytes_other_than_0_1_are_rejected(tmp_path):
    prefix = _crafted(tmp_path, {"dtype": "bool", "shape": [2], "offset": 0, "length": 2},
                      b"\x01\x07")
    with pytest.raises(errors.DataLossError, match="bool tensor 'x'"):
        cf.read_checkpoint(prefix)


def test_newer_format_version_is_rejected(tmp_path):
    prefix = str(tmp_path / "m")
    _write_index(prefix, {"format": "trainkit-checkpoint", "version": 2, "tensors": {}})
    with pytest.raises(errors.DataLossError, match="format version 2 is not supported"):
        cf.read_index(prefix)


# ----------------------------------------------------------------------------- atomicity

def test_index_is_renamed_last_and_everything_is_fsynced(tmp_path, monkeypatch):
    renames, synced = [], []
    real_replace, real_fsync = os.replace, os.fsync
    monkeypatch.setattr(os, "replace", lambda a, b: (renames.append(b), real_replace(a, b)))
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    prefix = str(tmp_path / "m")
    cf.write_checkpoint(prefix, {"a": np.zeros(3)}, meta={"k": 1})
    assert renames == [prefix + ".data-00000-of-00001", prefix + ".meta", prefix + ".index"]
    assert len(synced) == 4  # data, meta, index, directory


def test_crash_before_index_rename_keeps_previous_checkpoint(tmp_path, monkeypatch):
    old = str(tmp_path / "model.ckpt-1")
    new = str(tmp_path / "model.ckpt-2")
    cf.write_checkpoint(old, {"w": np.full(3, 1.0)})
    real_replace = os.replace

    def crashing_replace(src, dst):
        if dst.endswith(".index"):
            raise OSError("simulated crash")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crashing_replace)
    with pytest.raises(OSError, match="simulated crash"):
        cf.write_checkpoint(new, {"w": np.full(3, 2.0)})
    monkeypatch.setattr(os, "replace", real_replace)
    with pytest.raises(ValueError, match="not a valid checkpoint"):
        cf.read_checkpoint(new)  # never committed
    assert cf.read_checkpoint(old)["w"].tolist() == [1.0, 1.0, 1.0]
    assert not [n for n in os.listdir(tmp_path) if ".tmp-" in n]
