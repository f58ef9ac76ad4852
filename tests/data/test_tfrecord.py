"""TFRecord files with TF's framing (length + masked CRC-32C), plain, GZIP and ZLIB.

Interop was verified once by hand (tensorflow 2.21, /work/venvs/tf): files written by
trainkit's TFRecordWriter in all three compressions were read back by
``tf.compat.v1.io.tf_record_iterator`` and ``tf.data.TFRecordDataset`` with the same
records. The fixtures ``fixtures/tf_examples.tfrecord[.gz]`` were written by TF 2.21's
``tf.io.TFRecordWriter`` (3 Examples: id=i-1, xy=[0.5i, -1.25i], name=b"n<i>",
tags=range(i)) and are read here without TF."""

from __future__ import annotations

import os

import pytest

import trainkit as tf
from trainkit import errors

FIX = os.path.join(os.path.dirname(__file__), "fixtures")


@pytest.mark.parametrize("comp", ["", "GZIP", "ZLIB"])
def test_roundtrip(tmp_path, comp):
    path = str(tmp_path / "r.tfrecord")
    opts = tf.python_io.TFRecordOptions(comp)
    records = [b"", b"a", os.urandom(3000), "text"]
    with tf.python_io.TFRecordWriter(path, opts) as w:
        for r in records:
            w.write(r)
    assert list(tf.python_io.tf_record_iterator(path, opts)) == [b"", b"a", records[2],
                                                                  b"text"]
    assert tf.io.TFRecordOptions.get_compression_type_string(opts) == comp


def test_reads_tf_written_fixture():
    for name, opts in [("tf_examples.tfrecord", None),
                       ("tf_examples.tfrecord.gz", tf.io.TFRecordOptions("GZIP"))]:
        recs = list(tf.io.tf_record_iterator(os.path.join(FIX, name), opts))
        assert len(recs) == 3
        exs = [tf.train.Example.FromString(r).features.feature for r in recs]
        assert [list(f["id"].int64_list.value) for f in exs] == [[-1], [0], [1]]
        assert [list(f["xy"].float_list.value) for f in exs][2] == [1.0, -2.5]
        assert [list(f["name"].bytes_list.value) for f in exs][1] == [b"n1"]
        assert [list(f["tags"].int64_list.value) for f in exs] == [[], [0], [0, 1]]


def test_corruption_truncation_and_missing_files(tmp_path):
    path = str(tmp_path / "r.tfrecord")
    with tf.python_io.TFRecordWriter(path) as w:
        w.write(b"hello world")
    data = bytearray(open(path, "rb").read())
    data[14] ^= 0xFF
    bad = str(tmp_path / "bad.tfrecord")
    open(bad, "wb").write(bytes(data))
    with pytest.raises(errors.DataLossError, match="checksum"):
        list(tf.python_io.tf_record_iterator(bad))
    short = str(tmp_path / "short.tfrecord")
    open(short, "wb").write(bytes(data[:15]))
    with pytest.raises(errors.DataLossError, match="truncated"):
        list(tf.python_io.tf_record_iterator(short))
    with pytest.raises(errors.NotFoundError):
        list(tf.python_io.tf_record_iterator(str(tmp_path / "none")))
    with pytest.raises(errors.NotFoundError):
        tf.python_io.TFRecordWriter(str(tmp_path / "no_dir" / "x"))
    with pytest.raises(ValueError, match="compression"):
        tf.python_io.TFRecordOptions("LZ4")


def test_writer_moves_the_file_into_place_on_close(tmp_path):
    """Differs from TF (documented): nothing appears at the path until close()."""
    path = str(tmp_path / "r.tfrecord")
    w = tf.python_io.TFRecordWriter(path)
    w.write(b"x")
    w.flush()
    assert not os.path.exists(path)
    w.close()
    assert list(tf.python_io.tf_record_iterator(path)) == [b"x"]
    w.close()  # idempotent
    with pytest.raises(errors.FailedPreconditionError):
        w.write(b"y")
