"""decode_csv and decode_raw (TF1 semantics: per-column types and defaults from
record_defaults, quoting, required columns, typed errors; raw bytes reinterpreted)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tf
from trainkit import errors


def test_decode_csv_types_defaults_quotes():
    recs = tf.constant(['1,2.5,"a,""b""",7', ',0.25,plain,', '3,,x,9'])
    a, b, c, d = tf.decode_csv(recs, [[0], [1.5], [""], tf.constant([-1], tf.int64)])
    with tf.Session() as sess:
        ra, rb, rc, rd = sess.run([a, b, c, d])
    np.testing.assert_array_equal(ra, [1, 0, 3])
    assert ra.dtype == np.int32 and rd.dtype == np.int64 and rb.dtype == np.float32
    np.testing.assert_allclose(rb, [2.5, 0.25, 1.5])
    assert list(rc) == [b'a,"b"', b"plain", b"x"]
    np.testing.assert_array_equal(rd, [7, -1, 9])


def test_decode_csv_delim_na_and_select_cols():
    recs = tf.constant(["1|NA|3", "4|5|6"])
    a, c = tf.decode_csv(recs, [[0], [0]], field_delim="|", select_cols=[0, 2])
    x, y, z = tf.decode_csv(recs, [[0], [-9], [0]], field_delim="|", na_value="NA")
    with tf.Session() as sess:
        assert sess.run(c).tolist() == [3, 6]
        assert sess.run(y).tolist() == [-9, 5]


def test_decode_csv_errors():
    line = tf.placeholder(tf.string, [])
    a, b = tf.decode_csv(line, [[], [0.0]])
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError, match="Expect 2 fields but have 3"):
            sess.run(a, {line: "1,2,3"})
        with pytest.raises(errors.InvalidArgumentError, match="Field 0 is required"):
            sess.run(a, {line: ",2"})
        with pytest.raises(errors.InvalidArgumentError, match="not a valid float: x"):
            sess.run(b, {line: "1,x"})
        with pytest.raises(errors.InvalidArgumentError, match="quote"):
            sess.run(b, {line: '"1,2'})
    with pytest.raises(ValueError, match="1 char"):
        tf.decode_csv(line, [[0]], field_delim="::")
    with pytest.raises(TypeError, match="unsupported"):
        tf.decode_csv(line, [[True]])
    with pytest.raises(ValueError, match="increasing"):
        tf.decode_csv(line, [[0], [0]], select_cols=[2, 1])
    i = tf.decode_csv(line, [[0]])[0]
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError, match="valid int32"):
            sess.run(i, {line: "99999999999"})


def test_decode_raw():
    data = np.array([[1.5, -2.0], [3.0, 4.25]], dtype="<f4")
    t = tf.decode_raw(tf.constant([data[0].tobytes(), data[1].tobytes()]), tf.float32)
    assert t.shape.as_list() == [2, None]
    be = tf.decode_raw(tf.constant(np.array([1, 2], ">i2").tobytes()), tf.int16,
                       little_endian=False)
    u8 = tf.io.decode_raw(tf.constant(b"\x00\xff"), tf.uint8)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(t), data)
        np.testing.assert_array_equal(sess.run(be), [1, 2])
        np.testing.assert_array_equal(sess.run(u8), [0, 255])
        with pytest.raises(errors.InvalidArgumentError, match="same size"):
            sess.run(tf.decode_raw(tf.constant([b"abcd", b"abcdefgh"]), tf.int32))
        with pytest.raises(errors.InvalidArgumentError, match="multiple of 4"):
            sess.run(tf.decode_raw(tf.constant([b"abcde"]), tf.float32))
    with pytest.raises(TypeError):
        tf.decode_raw(tf.constant(b"a"), tf.string)
