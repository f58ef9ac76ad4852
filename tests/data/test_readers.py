"""TF1 readers fed by a string_input_producer: records, TF's keys, epochs ending with
OutOfRangeError, read_up_to, and a TFRecord pipeline parsing a TF-written file."""

from __future__ import annotations

import os

import numpy as np
import pytest

import trainkit as tf
from trainkit import errors

FIX = os.path.join(os.path.dirname(__file__), "fixtures")


def _drain(fetch, sess):
    out = []
    try:
        while True:
            out.append(sess.run(fetch))
    except errors.OutOfRangeError:
        return out


def _run(fetch):
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        try:
            return _drain(fetch, sess)
        finally:
            coord.request_stop()
            coord.join(threads)


def test_text_line_reader_with_header_and_csv(tmp_path):
    a, b = str(tmp_path / "a.csv"), str(tmp_path / "b.csv")
    open(a, "w").write("x,y\n1,2.5\n3,4\r\n")
    open(b, "w").write("x,y\n5,6")
    files = tf.train.string_input_producer([a, b], num_epochs=1, shuffle=False)
    key, line = tf.TextLineReader(skip_header_lines=1).read(files)
    x, y = tf.decode_csv(line, [[0], [0.0]])
    got = _run([key, x, y])
    assert [k for k, _, _ in got] == [f"{a}:2".encode(), f"{a}:3".encode(),
                                      f"{b}:2".encode()]
    assert [int(v) for _, v, _ in got] == [1, 3, 5]
    np.testing.assert_allclose([w for _, _, w in got], [2.5, 4.0, 6.0])


def test_fixed_length_record_reader(tmp_path):
    p = str(tmp_path / "bin")
    payload = np.arange(12, dtype=np.uint8).tobytes()
    open(p, "wb").write(b"HDR" + payload + b"FT")
    files = tf.train.string_input_producer([p], num_epochs=2, shuffle=False)
    key, val = tf.FixedLengthRecordReader(4, header_bytes=3, footer_bytes=2).read(files)
    pixels = tf.decode_raw(val, tf.uint8)
    got = _run([key, pixels])
    assert [k for k, _ in got] == [f"{p}:{i}".encode() for i in (0, 1, 2)] * 2
    np.testing.assert_array_equal(got[1][1], [4, 5, 6, 7])
    with pytest.raises(ValueError):
        tf.FixedLengthRecordReader(0)


def test_whole_file_reader_and_counters(tmp_path):
    paths = []
    for i in range(3):
        paths.append(str(tmp_path / f"f{i}"))
        open(paths[-1], "wb").write(b"c" * i)
    files = tf.train.string_input_producer(paths, num_epochs=1, shuffle=False)
    reader = tf.WholeFileReader()
    key, val = reader.read(files)
    produced = reader.num_records_produced()
    got = _run([key, val])
    assert [(k, v) for k, v in got] == [(p.encode(), b"c" * i) for i, p in enumerate(paths)]
    assert produced.dtype == tf.int64


def test_tfrecord_reader_read_up_to_and_parse_tf_file():
    path = os.path.join(FIX, "tf_examples.tfrecord.gz")
    files = tf.train.string_input_producer([path], num_epochs=1, shuffle=False)
    reader = tf.TFRecordReader(options=tf.python_io.TFRecordOptions("GZIP"))
    keys, recs = reader.read_up_to(files, 2)
    parsed = tf.parse_example(recs, {"id": tf.FixedLenFeature([], tf.int64),
                                     "tags": tf.VarLenFeature(tf.int64)})
    got = _run([keys, parsed["id"]])
    assert [ids.tolist() for _, ids in got] == [[-1, 0], [1]]
    assert got[0][0][0] == f"{path}:0".encode()


def test_missing_file_and_non_queue_input():
    files = tf.train.string_input_producer(["/no/such/file"], shuffle=False)
    _, val = tf.TextLineReader().read(files)
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        with pytest.raises(errors.NotFoundError):
            sess.run(val)
        coord.request_stop()
        coord.join(threads)
    with pytest.raises(TypeError, match="queue"):
        tf.TextLineReader().read(["a.txt"])


def test_file_ops_and_match_filenames_once(tmp_path):
    a, b = str(tmp_path / "x1.csv"), str(tmp_path / "x2.csv")
    write = tf.write_file(a, "1,2\n")
    with tf.Session() as sess:
        sess.run(write)
    open(b, "w").write("3,4\n")
    pattern = str(tmp_path / "*.csv")
    files = tf.train.match_filenames_once(pattern)
    assert files in tf.local_variables()
    content = tf.read_file(a)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        assert list(sess.run(files)) == [a.encode(), b.encode()]
        assert sess.run(content) == b"1,2\n"
        assert list(sess.run(tf.io.matching_files(str(tmp_path / "*.none")))) == []
        with pytest.raises(errors.NotFoundError):
            sess.run(tf.read_file(str(tmp_path / "missing")))
    # the TF1 idiom: a producer over the matched files
    tf.reset_default_graph()
    files = tf.train.match_filenames_once(pattern)
    q = tf.train.string_input_producer(files, num_epochs=1, shuffle=False)
    _, line = tf.TextLineReader().read(q)
    first, second = tf.decode_csv(line, [[0], [0]])
    assert [(int(x), int(y)) for x, y in _run([first, second])] == [(1, 2), (3, 4)]
