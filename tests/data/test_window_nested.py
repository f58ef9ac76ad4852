"""Window datasets used as TF uses them: nested datasets inside ``map`` / ``filter`` /
``reduce`` functions, transformed as elements, and TF's refusals.

Every expected value and error type here was printed by TF 2.21 (``tf.compat.v1``,
graph mode, one-shot iterators) for the same pipeline, except where a test says
"Differs from TF" (documented in ``trainkit/data/nested.py``).
"""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tf
from trainkit import errors

Dataset = tf.data.Dataset
R = Dataset.range


def _add(s, x):
    return s + x


def _sum(w):
    return w.reduce(np.int64(0), _add)


def _read(ds, feed=None) -> list:
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    out = []
    with tf.Session() as s:
        s.run(it.initializer, feed)
        while True:
            try:
                value = s.run(nxt)
                out.append([np.asarray(v).tolist() for v in value]
                           if isinstance(value, tuple) else np.asarray(value).tolist())
            except errors.OutOfRangeError:
                return out


def test_reduce_each_window_inside_map():
    with tf.Graph().as_default():
        assert _read(R(7).window(3).map(_sum)) == [3, 12, 6]
        assert _read(R(7).window(3, drop_remainder=True).map(_sum)) == [3, 12]
        assert _read(R(7).window(3, shift=2, stride=2).map(_sum)) == [6, 12, 10, 6]
        counted = R(7).window(3).map(lambda w: w.reduce(np.int64(0), lambda s, _: s + 1))
        assert _read(counted) == [3, 3, 1]
        ds = R(7).window(3).map(_sum)
        assert ds.output_types == tf.int64 and ds.output_shapes.as_list() == []


def test_nested_transformations_inside_map():
    with tf.Graph().as_default():
        single = tf.data.experimental.get_single_element
        assert _read(R(7).window(3).map(lambda w: single(w.batch(3)))) == \
            [[0, 1, 2], [3, 4, 5], [6]]
        assert _read(R(7).window(3).map(lambda w: _sum(w.take(2)))) == [1, 7, 6]
        assert _read(R(7).window(3).map(lambda w: _sum(w.map(lambda x: x * 2)))) == \
            [6, 24, 12]
        padded = R(7).window(3).map(lambda w: single(w.padded_batch(3, padded_shapes=[])))
        assert _read(padded) == [[0, 1, 2], [3, 4, 5], [6]]
        rows = Dataset.from_tensor_slices(np.arange(12).reshape(6, 2)).window(4).map(
            lambda w: w.batch(4).reduce(tf.zeros([0, 2], tf.int64),
                                        lambda s, x: tf.concat([s, x], 0)))
        assert _read(rows) == [[[0, 1], [2, 3], [4, 5], [6, 7]], [[8, 9], [10, 11]]]


def test_windows_of_structures_are_structures_of_datasets():
    with tf.Graph().as_default():
        pairs = Dataset.from_tensor_slices((np.arange(5), np.arange(5) * 10))
        zipped = pairs.window(2).map(lambda a, b: Dataset.zip((a, b)).reduce(
            np.int64(0), lambda s, x: s + x[0] * x[1]))
        assert _read(zipped) == [10, 130, 160]
        assert _read(pairs.window(2).flat_map(lambda a, b: Dataset.zip((a, b)))) == \
            [[i, 10 * i] for i in range(5)]
        named = Dataset.from_tensor_slices({"a": np.arange(5), "b": np.arange(5) * 10.0})
        assert _read(named.window(2).map(lambda d: _sum(d["a"]))) == [1, 5, 4]
        types = Dataset.from_tensor_slices((np.arange(6), np.arange(6) * 1.0)).window(2)
        assert repr(types.output_types[1]) == ("DatasetSpec(TensorSpec(shape=(), "
                                               "dtype=tf.float64, name=None), "
                                               "TensorShape([]))")


def test_filter_and_element_wise_transformations_keep_windows():
    with tf.Graph().as_default():
        big = R(7).window(3).filter(lambda w: _sum(w) > 5)
        assert _read(big.flat_map(lambda w: w.batch(3))) == [[3, 4, 5], [6]]
        pairs = Dataset.from_tensor_slices((np.arange(6), np.arange(6) * 10)).window(2)
        odd = pairs.filter(lambda a, b: tf.equal(_sum(a) % 2, 1))
        assert _read(odd.flat_map(lambda a, b: Dataset.zip((a, b)).batch(2))) == [
            [[0, 1], [0, 10]], [[2, 3], [20, 30]], [[4, 5], [40, 50]]]
        flat = lambda w: w  # noqa: E731
        assert _read(R(7).window(3).take(1).flat_map(flat)) == [0, 1, 2]
        assert _read(R(7).window(3).skip(1).flat_map(flat)) == [3, 4, 5, 6]
        assert _read(R(7).window(3).repeat(2).flat_map(flat)) == list(range(7)) * 2
        assert _read(R(7).window(3).concatenate(R(4).window(2)).flat_map(flat)) == \
            list(range(7)) + list(range(4))
        assert _read(Dataset.zip((R(7).window(3), R(7))).map(
            lambda w, x: w.reduce(x, _add))) == [3, 13, 8]
        assert _read(R(7).window(3).map(lambda w: w).flat_map(flat)) == list(range(7))
        assert _read(R(7).window(3).map(lambda w: (w, _sum(w))).map(
            lambda w, s: w.reduce(s, _add))) == [6, 24, 12]


def test_returned_nested_datasets_and_the_whole_dataset_ops():
    with tf.Graph().as_default():
        ds = R(7).window(3).map(lambda w: w.batch(3))
        assert ds.output_types.shape.as_list() == [None]
        assert _read(ds.flat_map(lambda d: d)) == [[0, 1, 2], [3, 4, 5], [6]]
        none = R(5).window(2).map(lambda w: w.filter(lambda x: x > 100))
        assert _read(none.flat_map(lambda d: d.batch(2))) == []
        total = R(7).window(3).reduce(np.int64(0), lambda s, w: s + _sum(w) * 10)
        window = R(7).window(3).make_one_shot_iterator().get_next()
        first = _sum(window)
        with tf.Session() as s:
            assert s.run(total) == 210
            assert [s.run(first), s.run(first)] == [3, 12]


def test_placeholders_read_inside_a_nested_dataset_are_captured():
    with tf.Graph().as_default():
        p = tf.placeholder(tf.int64, [])
        ds = R(7).window(3).map(lambda w: _sum(w.map(lambda x: x * p)))
        assert _read(ds, {p: 10}) == [30, 120, 60]


def test_window_iterator_state_is_saved(tmp_path):
    with tf.Graph().as_default():
        nxt = R(7).window(3).map(_sum).make_one_shot_iterator().get_next()
        saver = tf.train.Saver()
        with tf.Session() as s:
            assert s.run(nxt) == 3
            path = saver.save(s, str(tmp_path / "m"))
        with tf.Session() as s:
            saver.restore(s, path)
            assert [s.run(nxt), s.run(nxt)] == [12, 6]


def test_what_tf_refuses():
    with tf.Graph().as_default():
        windows = R(7).window(3)
        with pytest.raises(TypeError, match="not supported for datasets of datasets"):
            windows.padded_batch(2)
        with pytest.raises(ValueError):
            windows.unbatch()
        with pytest.raises(ValueError, match="predicate"):
            windows.filter(lambda w: w)
        with pytest.raises(TypeError):
            windows.concatenate(R(3))
        for fetched in (windows, windows.map(lambda w: w.batch(3))):
            element = fetched.make_one_shot_iterator().get_next()
            with tf.Session() as s, pytest.raises(TypeError, match="invalid type"):
                s.run(element)
        with pytest.raises(TypeError, match="AddV2"):
            Dataset.from_tensor_slices(np.arange(5) * 10.0).window(2).map(
                lambda b: b.reduce(0.0, _add))  # a float32 state for float64 elements


def test_differs_from_tf():
    """Differs from TF (documented in data/nested.py): TF builds these and fails only
    when they are fetched (batch/window of windows) or supports them (ragged or
    multi-component datasets returned from map)."""
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="not supported for datasets of datasets"):
            R(7).window(3).batch(2)
        with pytest.raises(TypeError, match="not supported for datasets of datasets"):
            R(7).window(3).window(2)
        pairs = Dataset.from_tensor_slices((np.arange(4), np.arange(4))).window(2)
        with pytest.raises(TypeError, match="one tensor component"):
            pairs.map(lambda a, b: Dataset.zip((a, b)))
        ragged = R(5).window(3).map(lambda w: w.batch(2)).flat_map(lambda d: d)
        with pytest.raises(errors.InvalidArgumentError, match="share a shape"):
            _read(ragged)
