"""Dataset.shard against TF's documented semantics (element i goes to shard i % n)."""

from __future__ import annotations

import numpy as np
import pytest

import trainkit as tf
from trainkit.data import Dataset


def _all(ds):
    nxt = ds.make_one_shot_iterator().get_next()
    out = []
    with tf.Session() as sess:
        try:
            while True:
                out.append(sess.run(nxt).tolist())
        except tf.errors.OutOfRangeError:
            return out


def test_shards_partition_the_elements_in_order():
    ds = Dataset.range(10)
    assert _all(ds.shard(3, 0)) == [0, 3, 6, 9]
    assert _all(ds.shard(3, 2)) == [2, 5, 8]
    assert _all(ds.shard(1, 0)) == list(range(10))
    assert _all(ds.shard(2, 1).batch(2)) == [[1, 3], [5, 7], [9]]


def test_shard_position_is_saved_and_restored(tmp_path):
    ds = Dataset.from_tensor_slices(np.arange(8)).shard(2, 1)
    it = ds.make_one_shot_iterator()
    nxt = it.get_next()
    saver = tf.train.Saver()
    with tf.Session() as sess:
        assert sess.run(nxt) == 1
        path = saver.save(sess, str(tmp_path / "m"))
        assert sess.run(nxt) == 3
    with tf.Session() as sess:
        saver.restore(sess, path)
        assert sess.run(nxt) == 3


@pytest.mark.parametrize("n,i,msg", [(0, 0, "greater than zero"), (2, 2, "between 0 and 1"),
                                     (2, -1, "between 0 and 1")])
def test_bad_shard_arguments(n, i, msg):
    """As TF 2.21: the dataset is built, and reading it is InvalidArgumentError."""
    ds = Dataset.range(4).shard(n, i)
    with pytest.raises(tf.errors.InvalidArgumentError, match=msg):
        _all(ds)
