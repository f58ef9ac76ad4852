"""tf.data additions: from_generator, shard, flat_map, interleave (TF's documented
order), padded_batch, list_files, TFRecordDataset / TextLineDataset /
FixedLengthRecordDataset, and exact resume of their positions through a Saver."""

from __future__ import annotations

import os

import numpy as np
import pytest

import trainkit as tf
from trainkit import errors

FIX = os.path.join(os.path.dirname(__file__), "fixtures")
Dataset = tf.data.Dataset


def _all(ds, sess=None):
    nxt = ds.make_one_shot_iterator().get_next()
    out = []
    with tf.Session() as s:
        try:
            while True:
                out.append(s.run(nxt))
        except errors.OutOfRangeError:
            return out


def test_from_generator_types_shapes_args_and_errors():
    def gen(n):
        for i in range(int(n)):
            yield i, {"v": [float(i), -float(i)]}
    ds = Dataset.from_generator(gen, (tf.int64, {"v": tf.float32}), ([], {"v": [2]}),
                                args=[3])
    assert ds.output_shapes[1]["v"].as_list() == [2]
    got = _all(ds)
    assert [int(a) for a, _ in got] == [0, 1, 2]
    np.testing.assert_array_equal(got[2][1]["v"], [2.0, -2.0])
    with pytest.raises(TypeError, match="callable"):
        Dataset.from_generator([1, 2], tf.int64)
    bad_shape = Dataset.from_generator(lambda: iter([[1, 2, 3]]), tf.int64, [2])
    with pytest.raises(errors.InvalidArgumentError, match="shape"):
        _all(bad_shape)
    bad_type = Dataset.from_generator(lambda: iter(["x"]), tf.int64)
    with pytest.raises(errors.InvalidArgumentError, match="expected type"):
        _all(bad_type)



def test_from_generator_args_arrive_as_tf_py_func_passes_them():
    """TF 2.21 (tf.compat.v1 graph mode) calls the generator with a 1-D string list as an
    object array of bytes, a scalar string as Python ``bytes`` (so ``open(path)`` works),
    a scalar number as a NumPy scalar (``np.int32(3)``), a float list as a float32 array."""
    seen = []

    def gen(names, path, n, weights):
        seen.extend([names, path, n, weights])
        yield 1
    _all(Dataset.from_generator(gen, tf.int32, [], args=(["x", "yy"], "p/q", 3, [1.5, 2.0])))
    names, path, n, weights = seen
    assert isinstance(names, np.ndarray) and names.dtype == object
    assert names.tolist() == [b"x", b"yy"]
    assert type(path) is bytes and path == b"p/q"
    assert type(n) is np.int32 and n == 3
    assert isinstance(weights, np.ndarray) and weights.dtype == np.float32
    np.testing.assert_array_equal(weights, [1.5, 2.0])

def test_shard():
    assert [int(v) for v in _all(Dataset.range(10).shard(3, 1))] == [1, 4, 7]
    with pytest.raises(errors.InvalidArgumentError, match="Index"):
        _all(Dataset.range(3).shard(2, 2))
    with pytest.raises(errors.InvalidArgumentError, match="greater than zero"):
        _all(Dataset.range(3).shard(0, 0))


def test_flat_map_and_interleave_tf_documented_order():
    fm = Dataset.range(3).flat_map(lambda x: Dataset.from_tensor_slices(tf.fill([2], x * 10)))
    assert [int(v) for v in _all(fm)] == [0, 0, 10, 10, 20, 20]
    # the example of TF's Dataset.interleave documentation
    il = Dataset.range(1, 6).interleave(lambda x: Dataset.from_tensors(x).repeat(6),
                                        cycle_length=2, block_length=4)
    assert [int(v) for v in _all(il)] == [1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 2, 2, 3, 3, 3, 3,
                                          4, 4, 4, 4, 3, 3, 4, 4, 5, 5, 5, 5, 5, 5]
    with pytest.raises(TypeError, match="Dataset"):
        Dataset.range(3).interleave(lambda x: x, cycle_length=1)
    with pytest.raises(errors.InvalidArgumentError, match="cycle_length must be greater"):
        _all(Dataset.range(3).interleave(lambda x: Dataset.from_tensors(x), cycle_length=0))


def test_padded_batch():
    ds = Dataset.range(1, 5).map(lambda x: tf.fill([x], x))
    got = _all(ds.padded_batch(2, padded_shapes=[None]))
    np.testing.assert_array_equal(got[0], [[1, 0], [2, 2]])
    np.testing.assert_array_equal(got[1], [[3, 3, 3, 0], [4, 4, 4, 4]])
    fixed = ds.padded_batch(3, padded_shapes=[5], padding_values=np.int64(-1),
                            drop_remainder=True)
    assert fixed.output_shapes.as_list() == [3, 5]
    np.testing.assert_array_equal(_all(fixed)[0], [[1, -1, -1, -1, -1], [2, 2, -1, -1, -1],
                                                   [3, 3, 3, -1, -1]])
    with pytest.raises(errors.InvalidArgumentError, match="smaller"):
        _all(ds.padded_batch(4, padded_shapes=[2]))
    with pytest.raises(ValueError, match="not compatible"):
        Dataset.from_tensors(np.zeros([2, 3])).padded_batch(1, padded_shapes=[None])


def test_padded_batch_tensor_padding_values():
    """TF 2.21 compat.v1 numbers: a padding value may be a scalar tensor (the CS230 NER
    pipeline pads with ``vocab.lookup(tf.constant('<pad>'))``), read each time the
    iterator starts; a non-scalar is a ValueError and another dtype a TypeError."""
    ds = Dataset.range(1, 4).map(lambda x: tf.fill([x], x))
    pad = tf.placeholder(tf.int64, [])
    it = ds.padded_batch(3, [None], padding_values=pad).make_initializable_iterator()
    nxt = it.get_next()
    words = Dataset.from_tensor_slices(["a b", "c"]).map(
        lambda s: tf.string_split([s]).values)
    padded = words.padded_batch(2, [None], padding_values=tf.constant("<pad>"))
    with tf.Session() as s:
        s.run(it.initializer, {pad: -7})
        assert s.run(nxt).tolist() == [[1, -7, -7], [2, 2, -7], [3, 3, 3]]
        s.run(it.initializer, {pad: 9})
        assert s.run(nxt).tolist() == [[1, 9, 9], [2, 2, 9], [3, 3, 3]]
    assert _all(padded)[0].tolist() == [[b"a", b"b"], [b"c", b"<pad>"]]
    with pytest.raises(ValueError, match="should be scalars, but got \\(2,\\)"):
        ds.padded_batch(2, [None], padding_values=tf.constant([1, 2], tf.int64))
    with pytest.raises(TypeError, match="type int32 does not match type int64"):
        ds.padded_batch(2, [None], padding_values=tf.constant(1, tf.int32))


def test_file_datasets_and_list_files(tmp_path):
    tf_file = os.path.join(FIX, "tf_examples.tfrecord")
    ids = Dataset.list_files(os.path.join(FIX, "*.tfrecord"), shuffle=False)
    assert [bytes(v) for v in _all(ids)] == [tf_file.encode()]
    recs = _all(tf.data.TFRecordDataset([tf_file]))
    assert [list(tf.train.Example.FromString(r).features.feature["id"].int64_list.value)
            for r in recs] == [[-1], [0], [1]]
    a, b = str(tmp_path / "a.txt"), str(tmp_path / "b.txt")
    open(a, "w").write("l1\nl2\r\n")
    open(b, "w").write("l3")
    assert _all(tf.data.TextLineDataset([a, b])) == [b"l1", b"l2", b"l3"]
    raw = str(tmp_path / "r.bin")
    open(raw, "wb").write(b"H" + bytes(range(6)) + b"FF")
    got = _all(tf.data.FixedLengthRecordDataset(raw, 3, header_bytes=1, footer_bytes=2))
    assert got == [bytes([0, 1, 2]), bytes([3, 4, 5])]
    with pytest.raises(errors.InvalidArgumentError, match="No files matched"):
        _all(Dataset.list_files(str(tmp_path / "*.none")))
    with pytest.raises(errors.NotFoundError):
        _all(tf.data.TextLineDataset(str(tmp_path / "missing.txt")))
    shuffled = [bytes(v) for v in _all(Dataset.list_files(str(tmp_path / "*.txt"), seed=3))]
    assert sorted(shuffled) == [a.encode(), b.encode()]


def test_positions_resume_through_a_checkpoint(tmp_path):
    path = str(tmp_path / "recs.tfrecord")
    with tf.python_io.TFRecordWriter(path) as w:
        for i in range(6):
            w.write(b"r%d" % i)

    def build():
        tf.reset_default_graph()
        files = tf.data.TFRecordDataset([path, path])
        ds = Dataset.range(2).interleave(lambda _: files.shard(2, 0), cycle_length=2,
                                         block_length=2)
        gen = Dataset.from_generator(lambda: iter(range(100)), tf.int64)
        nxt = Dataset.zip((ds, gen.padded_batch(1, padded_shapes=[]))).make_one_shot_iterator()
        return nxt.get_next(), tf.train.Saver()

    nxt, saver = build()
    with tf.Session() as sess:
        full = [sess.run(nxt) for _ in range(10)]
    nxt, saver = build()
    with tf.Session() as sess:
        first = [sess.run(nxt) for _ in range(4)]
        ckpt = saver.save(sess, str(tmp_path / "ckpt"))
    nxt, saver = build()
    with tf.Session() as sess:
        saver.restore(sess, ckpt)
        rest = [sess.run(nxt) for _ in range(6)]
    flat = [(r, int(g[0])) for r, g in first + rest]
    assert flat == [(r, int(g[0])) for r, g in full]
